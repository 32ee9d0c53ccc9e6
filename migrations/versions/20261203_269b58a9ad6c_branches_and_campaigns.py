"""branches (支行) over outlets, branch logins, campaigns pushed to outlets

Revision ID: 269b58a9ad6c
Revises: 9c4e1a7d2b63
Create Date: 2026-12-03 17:02:13.290939

"""
from alembic import op
import sqlalchemy as sa

import app.models  # noqa: F401  (custom column types such as UTCDateTime)


# revision identifiers, used by Alembic.
revision = '269b58a9ad6c'
down_revision = '9c4e1a7d2b63'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('branches',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branches')),
    sa.UniqueConstraint('code', name=op.f('uq_branches_code'))
    )
    op.create_table('campaigns',
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('template_key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('starts_at', app.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', app.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('waitlist', sa.Boolean(), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_campaigns_capacity')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_campaigns_ends_after_starts')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_campaigns_branch_id_branches')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('request_key', name=op.f('uq_campaigns_request_key'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_branch_id'), ['branch_id'], unique=False)

    op.create_table('campaign_events',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_events_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_campaign_events_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_campaign_events_outlet_id_outlets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_events')),
    sa.UniqueConstraint('campaign_id', 'outlet_id', name=op.f('uq_campaign_events_campaign_id_outlet_id')),
    sa.UniqueConstraint('event_id', name=op.f('uq_campaign_events_event_id'))
    )
    with op.batch_alter_table('campaign_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_events_outlet_id'), ['outlet_id'], unique=False)

    with op.batch_alter_table('outlets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outlets_branch_id'), ['branch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outlets_branch_id_branches'), 'branches', ['branch_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_branch_id'), ['branch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_branch_id_branches'), 'branches', ['branch_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_users_role'), "role IN ('admin', 'manager', 'staff', 'partner', 'branch')")
        batch_op.create_check_constraint(batch_op.f('ck_users_branch_role'),
                                         "role <> 'branch' OR branch_id IS NOT NULL")



def downgrade():
    op.execute("DELETE FROM users WHERE role = 'branch'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_branch_role'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_users_role'), "role IN ('admin', 'manager', 'staff', 'partner')")
        batch_op.drop_constraint(batch_op.f('fk_users_branch_id_branches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_branch_id'))
        batch_op.drop_column('branch_id')

    with op.batch_alter_table('outlets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outlets_branch_id_branches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outlets_branch_id'))
        batch_op.drop_column('branch_id')

    with op.batch_alter_table('campaign_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_events_outlet_id'))

    op.drop_table('campaign_events')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_branch_id'))

    op.drop_table('campaigns')
    op.drop_table('branches')
