"""notifications(registration_id, kind): how recently a ticket was re-sent

Revision ID: 3f6b2d1c9a7e
Revises: 7c1d5e2a9b40
Create Date: 2026-12-03 06:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3f6b2d1c9a7e'
down_revision = '7c1d5e2a9b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_registration_kind', ['registration_id', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_registration_kind')
