"""The migration history is one line: branches merged in parallel must not leave two heads."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory


def test_the_migrations_have_one_head():
    migrations = Path(__file__).resolve().parents[2] / "migrations"
    config = Config()
    config.set_main_option("script_location", str(migrations))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}; point one migration's down_revision at the other"
