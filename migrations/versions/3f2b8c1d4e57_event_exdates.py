"""event exdates: local dates a repeating event skips (RFC 5545 EXDATE)

Revision ID: 3f2b8c1d4e57
Revises: 3e9b7c4d2a10
Create Date: 2026-12-04 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f2b8c1d4e57'
down_revision = '3e9b7c4d2a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exdates', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('exdates')
