"""Store the rule file's content hash with each screening (rule set 2026.2)

Revision ID: 5e1f0a7b9c21
Revises: 3c8c5572c989
Create Date: 2026-11-22 03:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e1f0a7b9c21'
down_revision = '3c8c5572c989'
branch_labels = None
depends_on = None


def upgrade():
    # Screenings saved before 2026.2 keep NULL: their version alone identifies them.
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ruleset_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_column('ruleset_hash')
