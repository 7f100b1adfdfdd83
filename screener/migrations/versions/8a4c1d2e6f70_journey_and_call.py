"""The journey and the call: mistakes kept in the draft (post/redirect/get), a number to
call back, the patient's contact, and the pump's dose and alarm volume with the refill
worklist's due date, and the queue's priority split by rule and score

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
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('callback_phone', sa.String(length=40), nullable=True))
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('daily_dose_mcg', sa.Numeric(precision=8, scale=1,
                                                                   asdecimal=False),
                                      nullable=True))
        batch_op.add_column(sa.Column('low_reservoir_alarm_ml', sa.Numeric(
            precision=6, scale=1, asdecimal=False), nullable=True))
        batch_op.add_column(sa.Column('last_refill_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_date', sa.Date(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_patients_next_refill_date'))
        batch_op.create_index(batch_op.f('ix_patients_due_date'), ['due_date'], unique=False)
    # The queue's priority now splits each level into rule-set (even) and score-set (odd).
    # Screenings stored before are taken as rule-set: the safer (earlier) place.
    op.execute("UPDATE screenings SET priority = priority * 2")
    # Without a dose on record, the due date is the planned refill date.
    op.execute("UPDATE patients SET due_date = next_refill_date, last_refill_on = "
               "(SELECT MAX(refilled_on) FROM refills WHERE refills.patient_id = patients.id)")


def downgrade():
    op.execute("UPDATE screenings SET priority = priority / 2")
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patients_due_date'))
        batch_op.create_index(batch_op.f('ix_patients_next_refill_date'), ['next_refill_date'],
                              unique=False)
        batch_op.drop_column('due_date')
        batch_op.drop_column('last_refill_on')
        batch_op.drop_column('low_reservoir_alarm_ml')
        batch_op.drop_column('daily_dose_mcg')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_column('callback_phone')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('pending')
