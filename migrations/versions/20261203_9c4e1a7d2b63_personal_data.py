"""personal data (PIPL): privacy requests, customers.erased_at, followups.closed_reason

Revision ID: 9c4e1a7d2b63
Revises: 8e41c7a2d5f3
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

import app.models  # noqa: F401  (custom column types such as UTCDateTime)


# revision identifiers, used by Alembic.
revision = '9c4e1a7d2b63'
down_revision = '8e41c7a2d5f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', app.models.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_reason', sa.String(length=32), nullable=True))
    op.create_table(
        'privacy_requests',
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('outlet_id', sa.Integer(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('created_at', app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('completed_at', app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('completed_by_id', sa.Integer(), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('access', 'erase')", name=op.f('ck_privacy_requests_kind')),
        sa.CheckConstraint("status IN ('open', 'completed')", name=op.f('ck_privacy_requests_status')),
        sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'],
                                name=op.f('fk_privacy_requests_completed_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_privacy_requests_customer_id_customers')),
        sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_privacy_requests_outlet_id_outlets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_requests')),
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_requests_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_privacy_requests_outlet_status_due', ['outlet_id', 'status', 'due_date'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_privacy_requests_outlet_status_due')
        batch_op.drop_index(batch_op.f('ix_privacy_requests_customer_id'))
    op.drop_table('privacy_requests')
    # Not batch mode: on SQLite it rebuilds the table, and dropping `customers` while registrations
    # point at it fails with foreign keys on. ALTER TABLE … DROP COLUMN (SQLite 3.35+) drops in place.
    op.execute('ALTER TABLE followups DROP COLUMN closed_reason')
    op.execute('ALTER TABLE customers DROP COLUMN erased_at')
