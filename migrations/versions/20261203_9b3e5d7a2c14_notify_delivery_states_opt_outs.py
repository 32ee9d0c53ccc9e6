"""notify: delivery states, the platform's message id, backoff, opt-outs; users.email

Revision ID: 9b3e5d7a2c14
Revises: 3f6d2c8a1b57
Create Date: 2026-12-03 17:05:00

"""
from alembic import op
import sqlalchemy as sa

import app.models


# revision identifiers, used by Alembic.
revision = '9b3e5d7a2c14'
down_revision = '3f6d2c8a1b57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_notifications_status'), "status IN ('pending', 'sent', 'delivered', 'failed', 'cancelled')")
        batch_op.add_column(sa.Column('external_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', app.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', app.models.UTCDateTime(timezone=True), nullable=True))
    # Messages written before: an id of their own, unique and stable (new ones get a random token).
    op.execute("UPDATE notifications SET external_id = 'n' || CAST(id AS VARCHAR(20)) WHERE external_id IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('external_id', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_notifications_external_id'), ['external_id'])
        batch_op.create_index('ix_notifications_status_next_attempt', ['status', 'next_attempt_at'], unique=False)

    op.create_table('sms_opt_outs',
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('keyword', sa.String(length=16), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_opt_outs')),
    sa.UniqueConstraint('phone', name=op.f('uq_sms_opt_outs_phone'))
    )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')

    op.drop_table('sms_opt_outs')

    op.execute("UPDATE notifications SET status = 'sent' WHERE status = 'delivered'")
    op.execute("UPDATE notifications SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_status_next_attempt')
        batch_op.drop_constraint(batch_op.f('uq_notifications_external_id'), type_='unique')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('external_id')
        batch_op.drop_constraint(op.f('ck_notifications_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notifications_status'), "status IN ('pending', 'sent', 'failed')")
