"""Handovers (issue 24, item 6): the incoming clinician acknowledges every open urgent check,
each with an owner on the new shift.

Revision ID: d7b3f9e1a5c2
Revises: c4e8a2f6d1b7
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# As models.JSONDocument: JSON, and JSONB on PostgreSQL.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


revision = 'd7b3f9e1a5c2'
down_revision = 'c4e8a2f6d1b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'handovers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('on_shift', JSON_DOCUMENT, nullable=False),
        sa.Column('items', JSON_DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('handovers')
