"""The pump record (issue 25): each version of a patient's pump settings, with who changed
it, when and why.

Revision ID: f1a7c3e9b5d2
Revises: e8c4a6b2d9f1
Create Date: 2026-12-04 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f1a7c3e9b5d2'
down_revision = 'e8c4a6b2d9f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pump_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('model_id', sa.String(length=40), nullable=True),
        sa.Column('model_name', sa.String(length=80), nullable=False),
        sa.Column('reservoir_ml', sa.Numeric(6, 1, asdecimal=False), nullable=False),
        sa.Column('alarm_ml', sa.Numeric(6, 1, asdecimal=False), nullable=False),
        sa.Column('drug', sa.String(length=40), nullable=False),
        sa.Column('concentration_mcg_per_ml', sa.Numeric(8, 1, asdecimal=False),
                  nullable=False),
        sa.Column('daily_dose_mcg', sa.Numeric(8, 1, asdecimal=False), nullable=False),
        sa.Column('bolus_mcg_per_day', sa.Numeric(8, 1, asdecimal=False), nullable=False),
        sa.Column('implanted_on', sa.Date(), nullable=True),
        sa.Column('indicator_on', sa.Date(), nullable=True),
        sa.Column('catheter_cm', sa.Numeric(5, 1, asdecimal=False), nullable=True),
        sa.Column('catheter_notes', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('pump_settings') as batch_op:
        batch_op.create_index('ix_pump_settings_patient_id', ['patient_id'], unique=False)


def downgrade():
    op.drop_table('pump_settings')
