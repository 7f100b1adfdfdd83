"""A database's own marks: "development" when init-db set it up in development, which
the demo command requires (red team 2, M15)

Revision ID: e5b1c9d3a7f2
Revises: d4f8a2c6e1b3
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5b1c9d3a7f2'
down_revision = 'd4f8a2c6e1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'database_marks',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_database_marks')),
    )


def downgrade():
    op.drop_table('database_marks')
