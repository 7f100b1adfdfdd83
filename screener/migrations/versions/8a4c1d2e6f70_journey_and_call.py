"""The journey and the call: mistakes kept in the draft (post/redirect/get)

Revision ID: 8a4c1d2e6f70
Revises: 5e1f0a7b9c21
Create Date: 2026-11-22 05:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '8a4c1d2e6f70'
down_revision = '5e1f0a7b9c21'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', JSON, nullable=True))


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('pending')
