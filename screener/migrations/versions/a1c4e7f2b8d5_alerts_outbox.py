"""The alerts outbox (issue 24): one row per notification to send about a screening, written
in the screening's own transaction and sent by the worker.

Revision ID: a1c4e7f2b8d5
Revises: f6a2d8c4b1e9
Create Date: 2026-12-03 19:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c4e7f2b8d5'
down_revision = 'f6a2d8c4b1e9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('screening_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('target', sa.String(length=320), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['screening_id'], ['screenings.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('screening_id', 'step', 'channel', 'target'),
    )
    with op.batch_alter_table('alerts') as batch_op:
        batch_op.create_index('ix_alerts_screening_id', ['screening_id'], unique=False)
        batch_op.create_index('ix_alerts_due_at', ['due_at'], unique=False)
        batch_op.create_index('ix_alerts_state', ['state'], unique=False)


def downgrade():
    op.drop_table('alerts')
