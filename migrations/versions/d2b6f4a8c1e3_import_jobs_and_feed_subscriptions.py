"""import jobs (CSV uploaded in the browser) and feed subscriptions with their fetch log

Revision ID: d2b6f4a8c1e3
Revises: 9c4e2a7b1d30
Create Date: 2026-12-04 11:20:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'd2b6f4a8c1e3'
down_revision = '9c4e2a7b1d30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('refused', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_group_id'), ['group_id'], unique=False)
        batch_op.create_index('ix_import_jobs_status', ['status', 'created_at'], unique=False)

    op.create_table(
        'feed_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('interval_hours', sa.Integer(), nullable=False),
        sa.Column('etag', sa.String(length=300), nullable=False),
        sa.Column('last_modified', sa.String(length=100), nullable=False),
        sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_fetch_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('feed_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_subscriptions_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_subscriptions_next_fetch_at'), ['next_fetch_at'], unique=False)

    op.create_table(
        'feed_logs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=True),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('refused', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=500), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['subscription_id'], ['feed_subscriptions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('feed_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_logs_subscription_id'), ['subscription_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feed_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_logs_subscription_id'))
    op.drop_table('feed_logs')
    with op.batch_alter_table('feed_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_subscriptions_next_fetch_at'))
        batch_op.drop_index(batch_op.f('ix_feed_subscriptions_group_id'))
    op.drop_table('feed_subscriptions')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_import_jobs_status')
        batch_op.drop_index(batch_op.f('ix_import_jobs_group_id'))
    op.drop_table('import_jobs')
