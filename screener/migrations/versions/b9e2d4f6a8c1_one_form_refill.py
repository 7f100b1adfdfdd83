"""The one-form refill and the clinic worklist (issue 25): what a refill drew out, put in and
changed; MRI, programming and pump-check events; the worklist's stored days, flags and
owner; a pump's simple daily schedule.

Revision ID: b9e2d4f6a8c1
Revises: a3d9e5c1f7b4
Create Date: 2026-12-04 20:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'b9e2d4f6a8c1'
down_revision = 'a3d9e5c1f7b4'
branch_labels = None
depends_on = None

ML = sa.Numeric(6, 1, asdecimal=False)
MCG = sa.Numeric(8, 1, asdecimal=False)


def upgrade():
    with op.batch_alter_table('patients') as batch_op:
        batch_op.add_column(sa.Column('bolus_mcg_per_day', MCG, nullable=True))
        batch_op.add_column(sa.Column('refill_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('battery_book_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('residual_flagged', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('check_due_since', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('pump_owner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_patients_pump_owner_id_users', 'users',
                                    ['pump_owner_id'], ['id'])
    with op.batch_alter_table('refills') as batch_op:
        batch_op.add_column(sa.Column('form_key', sa.String(length=43), nullable=True))
        batch_op.add_column(sa.Column('drawn_ml', ML, nullable=True))
        batch_op.add_column(sa.Column('expected_ml', ML, nullable=True))
        batch_op.add_column(sa.Column('put_in_ml', ML, nullable=True))
        batch_op.add_column(sa.Column('concentration_mcg_per_ml', MCG, nullable=True))
        batch_op.add_column(sa.Column('daily_dose_mcg', MCG, nullable=True))
        batch_op.add_column(sa.Column('reprogrammed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('bridge_bolus', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('titration_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('residual_flagged', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('residual_explanation', sa.Text(), nullable=True))
        batch_op.create_unique_constraint('uq_refills_form_key', ['form_key'])
    with op.batch_alter_table('pump_settings') as batch_op:
        batch_op.add_column(sa.Column('schedule', sa.JSON().with_variant(
            postgresql.JSONB(), 'postgresql'), nullable=True))
    op.create_table(
        'pump_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('pump_events') as batch_op:
        batch_op.create_index('ix_pump_events_patient_id', ['patient_id'], unique=False)
    _recompute_the_worklists_days()


def _recompute_the_worklists_days():
    """Records from before: the worklist's days and flags as the models now keep them (the
    earliest alarm, the refill-by day, the battery's book-by day, the boluses), so no pump
    already on record waits for its next change to be flagged."""
    from flask import current_app

    from screener.pump.projection import battery_window
    from screener.pump.reservoir import due_by, refill_by_day, reservoir_dates

    bind = op.get_bind()
    service = current_app.extensions.get('service')
    zone = service.zone if service else None
    lead = current_app.config.get('PUMP_LEAD_DAYS', 7)
    number = sa.Numeric(asdecimal=False)
    patients = sa.table(
        'patients', sa.column('id', sa.Integer), sa.column('last_refill_on', sa.Date),
        sa.column('reservoir_ml', number), sa.column('concentration_mcg_per_ml', number),
        sa.column('daily_dose_mcg', number), sa.column('low_reservoir_alarm_ml', number),
        sa.column('next_refill_date', sa.Date), sa.column('bolus_mcg_per_day', number),
        sa.column('due_date', sa.Date), sa.column('refill_by', sa.Date),
        sa.column('battery_book_by', sa.Date))
    settings = sa.table(
        'pump_settings', sa.column('id', sa.Integer), sa.column('patient_id', sa.Integer),
        sa.column('recorded_at', sa.DateTime), sa.column('bolus_mcg_per_day', number),
        sa.column('implanted_on', sa.Date), sa.column('indicator_on', sa.Date))
    newest = {}
    for row in bind.execute(sa.select(settings).order_by(settings.c.recorded_at,
                                                         settings.c.id)):
        newest[row.patient_id] = row  # the last one read is the newest
    for row in bind.execute(sa.select(patients)).all():
        setting = newest.get(row.id)
        bolus = (setting.bolus_mcg_per_day or 0) if setting else None
        dates = reservoir_dates(row.last_refill_on, row.reservoir_ml,
                                row.concentration_mcg_per_ml, row.daily_dose_mcg,
                                row.low_reservoir_alarm_ml, bolus, zone)
        window = battery_window(setting.implanted_on, setting.indicator_on) if setting else None
        bind.execute(patients.update().where(patients.c.id == row.id).values(
            bolus_mcg_per_day=bolus, due_date=due_by(row.next_refill_date, dates),
            refill_by=refill_by_day(dates, lead),
            battery_book_by=window.book_by if window else None))


def downgrade():
    op.drop_table('pump_events')
    with op.batch_alter_table('pump_settings') as batch_op:
        batch_op.drop_column('schedule')
    with op.batch_alter_table('refills') as batch_op:
        batch_op.drop_constraint('uq_refills_form_key', type_='unique')
        for column in ('residual_explanation', 'residual_flagged', 'titration_reason',
                       'bridge_bolus', 'reprogrammed', 'daily_dose_mcg',
                       'concentration_mcg_per_ml', 'put_in_ml', 'expected_ml', 'drawn_ml',
                       'form_key'):
            batch_op.drop_column(column)
    with op.batch_alter_table('patients') as batch_op:
        batch_op.drop_constraint('fk_patients_pump_owner_id_users', type_='foreignkey')
        for column in ('pump_owner_id', 'check_due_since', 'residual_flagged', 'battery_book_by', 'refill_by',
                       'bolus_mcg_per_day'):
            batch_op.drop_column(column)
