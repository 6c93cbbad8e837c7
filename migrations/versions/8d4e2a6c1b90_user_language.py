"""user language: the interface language a member chose, for what is sent to them (the digest)

Revision ID: 8d4e2a6c1b90
Revises: 3f2b8c1d4e57
Create Date: 2026-12-04 11:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d4e2a6c1b90'
down_revision = '3f2b8c1d4e57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
