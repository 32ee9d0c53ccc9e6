"""message_marks: once-only messages per registration (the event reminders)

Revision ID: 8e41c7a2d5f3
Revises: 9b3e5d7a2c14
Create Date: 2026-12-03 17:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.models  # noqa: F401  (custom column types such as UTCDateTime)


# revision identifiers, used by Alembic.
revision = '8e41c7a2d5f3'
down_revision = '9b3e5d7a2c14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message_marks',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('created_at', app.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_message_marks_registration_id_registrations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id', 'kind', 'key', name=op.f('pk_message_marks')),
    )


def downgrade():
    op.drop_table('message_marks')
