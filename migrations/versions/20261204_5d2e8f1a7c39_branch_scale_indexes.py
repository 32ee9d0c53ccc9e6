"""branch-scale indexes (issue 18 item 3): what three years of a branch's data needs

Revision ID: 5d2e8f1a7c39
Revises: 269b58a9ad6c
Create Date: 2026-12-04 01:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d2e8f1a7c39'
down_revision = '269b58a9ad6c'
branch_labels = None
depends_on = None


def upgrade():
    # An invitation asks, for each chosen customer, whether that phone was invited in the last 7 days:
    # without it, a scan of every message (docs/performance.md, "Branch-scale data").
    op.create_index('ix_notifications_recipient_kind_created', 'notifications', ['recipient', 'kind', 'created_at'])
    # The dashboard's conversions per event (status = 'converted', the amounts) from the index alone.
    op.create_index('ix_followups_event_status', 'followups', ['event_id', 'status'],
                    postgresql_include=['outcome_amount'])


def downgrade():
    op.drop_index('ix_followups_event_status', table_name='followups')
    op.drop_index('ix_notifications_recipient_kind_created', table_name='notifications')
