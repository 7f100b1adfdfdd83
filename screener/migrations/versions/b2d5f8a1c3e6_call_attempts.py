"""Call attempts (issue 24, item 5): an action may set when to try again (no answer, a
voicemail).

Revision ID: b2d5f8a1c3e6
Revises: a1c4e7f2b8d5
Create Date: 2026-12-03 19:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b2d5f8a1c3e6'
down_revision = 'a1c4e7f2b8d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('screening_actions') as batch_op:
        batch_op.add_column(sa.Column('next_try_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('screening_actions') as batch_op:
        batch_op.drop_column('next_try_at')
