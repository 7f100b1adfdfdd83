"""The time a check's rota runs out (issue 24): from then, if nobody has claimed it, the
caregiver is told so. Stored when the check arrives, so a later change to the rota never
moves a promise already made.

Revision ID: c4e8a2f6d1b7
Revises: b2d5f8a1c3e6
Create Date: 2026-12-04 16:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8a2f6d1b7'
down_revision = 'b2d5f8a1c3e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('screenings') as batch_op:
        batch_op.add_column(sa.Column('unclaimed_after', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('screenings') as batch_op:
        batch_op.drop_column('unclaimed_after')
