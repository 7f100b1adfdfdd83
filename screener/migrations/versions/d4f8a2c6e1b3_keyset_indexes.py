"""Indexes in the order the staff lists are read, a page at a time by keyset (issue 21):
a patient's screenings (patient, time, id), those sent with a patient's reference, the
refill worklist (due date, reference) and the audit trail newest first, alone or filtered by
user or action ((at, id) behind each). Each replaces an index it begins with.

Plain CREATE INDEX: on a large PostgreSQL table it blocks writes to that table while it
builds (about a minute per index at 1,000,000 screenings); run it in a quiet hour.

Revision ID: d4f8a2c6e1b3
Revises: c7d1e5a2b9f4
Create Date: 2026-12-03 08:00:00

"""
from alembic import op


revision = 'd4f8a2c6e1b3'
down_revision = 'c7d1e5a2b9f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_screenings_patient_order', 'screenings',
                    ['patient_id', 'created_at', 'id'], unique=False)
    op.drop_index('ix_screenings_patient_created', table_name='screenings')
    op.create_index('ix_screenings_patient_ref', 'screenings', ['patient_ref', 'created_at'],
                    unique=False)
    op.create_index('ix_patients_due_order', 'patients', ['due_date', 'reference'],
                    unique=False)
    op.drop_index('ix_patients_due_date', table_name='patients')
    op.create_index('ix_audit_events_order', 'audit_events', ['at', 'id'], unique=False)
    op.create_index('ix_audit_events_username_order', 'audit_events',
                    ['username', 'at', 'id'], unique=False)
    op.create_index('ix_audit_events_action_order', 'audit_events', ['action', 'at', 'id'],
                    unique=False)
    op.drop_index('ix_audit_events_at', table_name='audit_events')
    op.drop_index('ix_audit_events_username', table_name='audit_events')
    op.drop_index('ix_audit_events_action', table_name='audit_events')


def downgrade():
    op.create_index('ix_audit_events_action', 'audit_events', ['action'], unique=False)
    op.create_index('ix_audit_events_username', 'audit_events', ['username'], unique=False)
    op.create_index('ix_audit_events_at', 'audit_events', ['at'], unique=False)
    op.drop_index('ix_audit_events_action_order', table_name='audit_events')
    op.drop_index('ix_audit_events_username_order', table_name='audit_events')
    op.drop_index('ix_audit_events_order', table_name='audit_events')
    op.create_index('ix_patients_due_date', 'patients', ['due_date'], unique=False)
    op.drop_index('ix_patients_due_order', table_name='patients')
    op.drop_index('ix_screenings_patient_ref', table_name='screenings')
    op.create_index('ix_screenings_patient_created', 'screenings',
                    ['patient_id', 'created_at'], unique=False)
    op.drop_index('ix_screenings_patient_order', table_name='screenings')
