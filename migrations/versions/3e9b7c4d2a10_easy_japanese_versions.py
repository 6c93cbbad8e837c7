"""やさしい日本語 versions of notices and urgent notices

Revision ID: 3e9b7c4d2a10
Revises: f3a9b1c2d4e5
Create Date: 2026-12-05 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e9b7c4d2a10'
down_revision = 'f3a9b1c2d4e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('easy_title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('easy_body', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('easy_body_html', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('urgent_notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('easy_title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('easy_body', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('urgent_notices', schema=None) as batch_op:
        batch_op.drop_column('easy_body')
        batch_op.drop_column('easy_title')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('easy_body_html')
        batch_op.drop_column('easy_title')
        batch_op.drop_column('easy_body')
