"""reports outlive their reporter: reporter_id may be empty (SET NULL when the account is deleted)

Revision ID: 5d2f8a1c9e47
Revises: 0453fd5a9347
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2f8a1c9e47'
down_revision = '0453fd5a9347'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reports_reporter_id_users', type_='foreignkey')
        batch_op.alter_column('reporter_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_reports_reporter_id_users'), 'users', ['reporter_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    op.execute('DELETE FROM reports WHERE reporter_id IS NULL')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reports_reporter_id_users', type_='foreignkey')
        batch_op.alter_column('reporter_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_reporter_id_users'), 'users', ['reporter_id'], ['id'],
                                    ondelete='CASCADE')
