"""opendata genres: the table mapping a city's イベントジャンル and words to categories, seeded with defaults

Revision ID: a7c3e9d1f2b4
Revises: 8d4e2a6c1b90
Create Date: 2026-12-04 11:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a7c3e9d1f2b4"
down_revision = "8d4e2a6c1b90"
branch_labels = None
depends_on = None


def upgrade():
    genres = op.create_table(
        "opendata_genres",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=60), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], name=op.f("fk_opendata_genres_category_id_categories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opendata_genres")),
    )
    with op.batch_alter_table("opendata_genres", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opendata_genres_category_id"), ["category_id"], unique=False)
    # The defaults, for the categories this site has (a site's own categories are left to its admins).
    from community.opendata.genres import DEFAULT_GENRES, DEFAULT_WORDS

    bind = op.get_bind()
    by_slug = dict(bind.execute(sa.text("SELECT slug, id FROM categories")).fetchall())
    rows = [(word, True, slug) for word, slug in DEFAULT_GENRES.items()]
    rows += [(word, False, slug) for slug, words in DEFAULT_WORDS for word in words]
    op.bulk_insert(genres, [{"word": word, "exact": exact, "category_id": by_slug[slug], "position": position}
                            for position, (word, exact, slug) in enumerate(r for r in rows if r[2] in by_slug)])


def downgrade():
    with op.batch_alter_table("opendata_genres", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opendata_genres_category_id"))
    op.drop_table("opendata_genres")
