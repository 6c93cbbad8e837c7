"""local readings: the furigana dictionary admins extend

Revision ID: f3a9b1c2d4e5
Revises: 3e9b1f7a2c54
Create Date: 2026-12-05 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f3a9b1c2d4e5"
down_revision = "3e9b1f7a2c54"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "local_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surface", sa.String(length=60), nullable=False),
        sa.Column("reading", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_readings")),
        sa.UniqueConstraint("surface", name=op.f("uq_local_readings_surface")),
    )


def downgrade():
    op.drop_table("local_readings")
