"""Re-checks (issue 24, item 4): each time a caregiver is asked to check again, done when a
check from its link arrives, missed (a call for staff) when none has by its deadline.

Revision ID: e8c4a6b2d9f1
Revises: d7b3f9e1a5c2
Create Date: 2026-12-04 17:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e8c4a6b2d9f1'
down_revision = 'd7b3f9e1a5c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rechecks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('screening_id', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answer_by', sa.DateTime(timezone=True), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('done_screening_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['screening_id'], ['screenings.id']),
        sa.ForeignKeyConstraint(['done_screening_id'], ['screenings.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('rechecks') as batch_op:
        batch_op.create_index('ix_rechecks_screening_id', ['screening_id'], unique=False)
        batch_op.create_index('ix_rechecks_answer_by', ['answer_by'], unique=False)
        batch_op.create_index('ix_rechecks_token_hash', ['token_hash'], unique=False)
        batch_op.create_index('ix_rechecks_state', ['state'], unique=False)


def downgrade():
    op.drop_table('rechecks')
