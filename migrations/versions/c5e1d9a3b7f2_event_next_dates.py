"""event next dates: events.next_start / next_end denormalised from event_occurrences

Revision ID: c5e1d9a3b7f2
Revises: a7c3e9d1f2b4
Create Date: 2026-12-04 11:30:00

Also makes ix_events_community_id partial (meetups only), so SQLite walks the next-date index for lists.

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from community.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'c5e1d9a3b7f2'
down_revision = 'a7c3e9d1f2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_start', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_end', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_next_start'), ['next_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_next_end'), ['next_end'], unique=False)
        # Meetups only: see Event.community_id.
        batch_op.drop_index('ix_events_community_id')
        batch_op.create_index('ix_events_community_id', ['community_id'], unique=False,
                              sqlite_where=sa.text('community_id IS NOT NULL'),
                              postgresql_where=sa.text('community_id IS NOT NULL'))
    with op.batch_alter_table('event_occurrences', schema=None) as batch_op:
        batch_op.create_index('ix_event_occurrences_event_end', ['event_id', 'ends_at'], unique=False)
    # Fill the new columns for the events already there: each one's first date ending after now.
    events = sa.table('events', sa.column('id', sa.Integer), sa.column('next_start', UTCDateTime()),
                      sa.column('next_end', UTCDateTime()))
    dates = sa.table('event_occurrences', sa.column('event_id', sa.Integer), sa.column('starts_at', UTCDateTime()),
                     sa.column('ends_at', UTCDateTime()))
    now = datetime.now(UTC)

    def first(column):
        return (sa.select(column).where(dates.c.event_id == events.c.id, dates.c.ends_at > now)
                .order_by(dates.c.ends_at).limit(1).scalar_subquery())

    op.execute(events.update().values(next_start=first(dates.c.starts_at), next_end=first(dates.c.ends_at)))


def downgrade():
    with op.batch_alter_table('event_occurrences', schema=None) as batch_op:
        batch_op.drop_index('ix_event_occurrences_event_end')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_community_id')
        batch_op.create_index('ix_events_community_id', ['community_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_events_next_end'))
        batch_op.drop_index(batch_op.f('ix_events_next_start'))
        batch_op.drop_column('next_end')
        batch_op.drop_column('next_start')
