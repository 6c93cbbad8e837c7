"""a community's meetups in date order (events community_id, starts_at); personal stream order (status,
coalesce(published_at, created_at)) on events, notices and shops; notices' publishing window

Revision ID: 9c4e2a7b1d30
Revises: c5e1d9a3b7f2
Create Date: 2026-12-04 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c4e2a7b1d30'
down_revision = "c5e1d9a3b7f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_community_start', ['community_id', 'starts_at'], unique=False,
                              sqlite_where=sa.text('community_id IS NOT NULL'),
                              postgresql_where=sa.text('community_id IS NOT NULL'))
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_window', ['status', 'publish_from', 'publish_until'], unique=False)
    # Expression indexes: plain CREATE INDEX (a batch copy of the table on SQLite would not carry them).
    for table in ('events', 'notices', 'shops'):
        op.create_index(f'ix_{table}_stream', table, ['status', sa.text('coalesce(published_at, created_at)')])


def downgrade():
    for table in ('events', 'notices', 'shops'):
        op.drop_index(f'ix_{table}_stream', table_name=table)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_window')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_community_start')
