"""open-data fields: event application URL, capacity text, audience, image, genre; shop postal code; extra fields

Revision ID: 7a1c0e5d9b21
Revises: c00c7804a87f
Create Date: 2026-12-04 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1c0e5d9b21'
down_revision = 'c00c7804a87f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('apply_url', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('capacity_text', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('audience', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('image_url', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('genre', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('extra_fields', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_code', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('extra_fields', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_column('extra_fields')
        batch_op.drop_column('postal_code')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('extra_fields')
        batch_op.drop_column('genre')
        batch_op.drop_column('image_url')
        batch_op.drop_column('audience')
        batch_op.drop_column('capacity_text')
        batch_op.drop_column('apply_url')
