"""English names of the default areas and categories: filled where an existing row has none

Revision ID: 3e9b1f7a2c54
Revises: 7a1c0e5d9b21
Create Date: 2026-05-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '3e9b1f7a2c54'
down_revision = '7a1c0e5d9b21'
branch_labels = None
depends_on = None

# A copy of the names in community/areas/services.py (a migration must not change when the seeds do).
AREAS = {
    "sagamihara": "Sagamihara City", "midori": "Midori Ward", "chuo": "Chuo Ward", "minami": "Minami Ward",
    "hashimoto": "Hashimoto", "osawa": "Osawa", "shiroyama": "Shiroyama", "tsukui": "Tsukui", "sagamiko": "Sagamiko",
    "fujino": "Fujino", "oyama": "Oyama", "seishin": "Seishin", "yokoyama": "Yokoyama", "chuo-chiku": "Chuo",
    "hoshigaoka": "Hoshigaoka", "hikarigaoka": "Hikarigaoka", "ono-kita": "Ono-kita (Fuchinobe)", "tana": "Tana",
    "kamimizo": "Kamimizo", "ono-naka": "Ono-naka", "ono-minami": "Ono-minami (Sagami-Ono)", "asamizo": "Asamizo",
    "araiso": "Araiso", "sagamidai": "Sagamidai", "sobudai": "Sobudai", "torin": "Torin",
}
CATEGORIES = {
    "kosodate": "Child-rearing", "food-shops": "Food & shops", "events": "Events",
    "safety": "Safety & disaster prevention", "welfare-health": "Welfare & health",
    "sports-culture": "Sports & culture", "learning": "Learning", "environment": "Environment",
}


def upgrade():
    # Only rows whose English name is empty: what an admin typed stays.
    for table, names in (("areas", AREAS), ("categories", CATEGORIES)):
        rows = sa.table(table, sa.column("slug", sa.String), sa.column("name_en", sa.String))
        for slug, english in names.items():
            op.execute(rows.update().where(rows.c.slug == slug,
                                           sa.or_(rows.c.name_en.is_(None), rows.c.name_en == ""))
                       .values(name_en=english))


def downgrade():
    pass  # the names are data an admin may have kept; nothing to undo
