"""Writing the pump's records so the worklist can trust them: a new version of the pump
record, a refill recorded on the one form, and the MRI, programming and pump-check events.
Each keeps the patient's own columns (the newest settings, the battery's book-by day, the
residual and pump-check flags) in step, in the same transaction as the change itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.orm.attributes import flag_modified

from .. import workflow
from ..db import db
from ..models import Patient, PumpEvent, PumpSetting, Refill, Screening, User, utc_now
from .projection import battery_window
from .refill import Before, Review

STOPPING_EVENTS = ("mri", "programmed")  # each can leave a pump stopped until it is checked


def current_setting(patient: Patient) -> PumpSetting | None:
    return db.session.scalars(
        db.select(PumpSetting).where(PumpSetting.patient_id == patient.id)
        .order_by(PumpSetting.recorded_at.desc(), PumpSetting.id.desc()).limit(1)).first()


def add_setting(patient: Patient, setting: PumpSetting) -> None:
    """A new version of the record; the patient's own pump columns follow it."""
    db.session.add(setting)
    patient.pump_model = setting.model_name
    patient.concentration_mcg_per_ml = setting.concentration_mcg_per_ml
    patient.daily_dose_mcg = setting.daily_dose_mcg
    patient.bolus_mcg_per_day = setting.bolus_mcg_per_day or 0
    patient.low_reservoir_alarm_ml = setting.alarm_ml
    window = battery_window(setting.implanted_on, setting.indicator_on)
    patient.battery_book_by = window.book_by if window else None


def changed_setting(setting: PumpSetting, user: User, reason: str, **changes) -> PumpSetting:
    """A copy of `setting` with `changes`, as a new version by `user`."""
    kept = {column: getattr(setting, column) for column in (
        "model_id", "model_name", "reservoir_ml", "alarm_ml", "drug",
        "concentration_mcg_per_ml", "daily_dose_mcg", "schedule", "bolus_mcg_per_day",
        "implanted_on",
        "indicator_on", "catheter_cm", "catheter_notes")}
    return PumpSetting(patient_id=setting.patient_id, recorded_by_id=user.id, reason=reason,
                       **(kept | changes))


def work_out_again(patient: Patient) -> None:
    """The patient's stored days from the record as it is: the newest version's boluses and
    battery, and the worklist's days (models.py keeps those on every write; this writes)."""
    setting = current_setting(patient)
    if setting is not None:
        window = battery_window(setting.implanted_on, setting.indicator_on)
        patient.bolus_mcg_per_day = setting.bolus_mcg_per_day or 0
        patient.battery_book_by = window.book_by if window else None
    flag_modified(patient, "next_refill_date")  # written even if nothing else changed


@click.command("pump-days")
@with_appcontext
def pump_days_command() -> None:
    """Work out every patient's worklist days again: after PUMP_LEAD_DAYS or the service's
    time zone changed, the refill-by days stored were worked out with the old one."""
    count = 0
    for patient in db.session.scalars(db.select(Patient)):
        work_out_again(patient)
        count += 1
    db.session.commit()
    click.echo(f"Worked out the days again for {count} patient{'' if count == 1 else 's'}.")


def before_refill(patient: Patient, setting: PumpSetting) -> Before:
    """The pump as the record has it, for screener/pump/refill.py's review."""
    return Before(reservoir_ml=setting.reservoir_ml, alarm_ml=setting.alarm_ml,
                  concentration=setting.concentration_mcg_per_ml,
                  dose_mcg=setting.daily_dose_mcg, bolus_mcg=setting.bolus_mcg_per_day or 0,
                  last_refill_on=patient.last_refill_on, last_put_in_ml=patient.reservoir_ml)


def take(patient: Patient, user: User) -> None:
    """`user` owns the pump's worklist flags (until the next refill is recorded)."""
    patient.pump_owner_id = user.id


@dataclass(frozen=True)
class RefillEntry:
    """A pump refill as the one form records it (screener/staff/refill_form.py), checked."""

    refilled_on: date
    next_refill_date: date
    drawn_ml: float
    put_in_ml: float
    concentration: float
    dose_mcg: float
    reprogrammed: bool
    pump_checked: bool = False
    bridge_bolus: bool = False
    titration_reason: str | None = None
    residual_explanation: str | None = None
    note: str | None = None
    form_key: str | None = None


@dataclass(frozen=True)
class Saved:
    closed: list[Screening]
    unchecked: bool  # reprogrammed with no check that the pump runs
    residual_flagged: bool  # ... and not explained
    booked_late: bool  # the next refill after the refill-by day


def save_refill(patient: Patient, user: User, setting: PumpSetting, made: Review,
                entry: RefillEntry, closing: list[Screening] = (), close_note: str | None = None,
                now: datetime | None = None) -> Saved:
    """Record a pump refill: the refill with what it drew out against what was expected; a
    new version of the record if the dose or concentration changed; a programming session
    (and the check after it, if made); the patient's flags kept in step."""
    now = now or utc_now()
    flagged = bool(made.residual and made.residual.flagged)
    details: dict[str, Any] = {
        "form_key": entry.form_key, "drawn_ml": entry.drawn_ml, "put_in_ml": entry.put_in_ml,
        "expected_ml": made.expected_ml, "concentration_mcg_per_ml": entry.concentration,
        "daily_dose_mcg": entry.dose_mcg, "reprogrammed": entry.reprogrammed,
        "bridge_bolus": entry.bridge_bolus if made.bridge_needed else None,
        "titration_reason": entry.titration_reason, "residual_flagged": flagged,
        "residual_explanation": entry.residual_explanation}
    # A refill recorded late, before the newest, changes no settings: they are newer.
    late = patient.last_refill_on is not None and entry.refilled_on < patient.last_refill_on
    if made.changed and not late:
        why = f"At the refill on {entry.refilled_on:%d/%m/%Y}."
        if entry.titration_reason:
            why += " " + entry.titration_reason
        add_setting(patient, changed_setting(setting, user, why,
                                             concentration_mcg_per_ml=entry.concentration,
                                             daily_dose_mcg=entry.dose_mcg))
    if entry.reprogrammed and not late:
        record_event(patient, user, "programmed", now, "At a refill")
        if entry.pump_checked:
            record_event(patient, user, "checked", now, "After programming, at a refill")
    closed = workflow.record_refill(patient, user, entry.refilled_on, entry.next_refill_date,
                                    entry.put_in_ml, entry.note, closing=closing,
                                    close_note=close_note, now=now, details=details)
    patient.pump_owner_id = None  # the refill settles the booking: the flags start afresh
    return Saved(closed, entry.reprogrammed and not entry.pump_checked,
                 flagged and not entry.residual_explanation,
                 bool(made.refill_by and entry.next_refill_date > made.refill_by))


def record_event(patient: Patient, user: User, kind: str, at: datetime | None = None,
                 note: str | None = None) -> PumpEvent:
    """An MRI or a programming session opens a pump check; a check closes what came before."""
    at = at or utc_now()
    event = PumpEvent(patient_id=patient.id, kind=kind, at=at, recorded_by_id=user.id,
                      note=note or None)
    db.session.add(event)
    if kind in STOPPING_EVENTS:
        if patient.check_due_since is None:
            patient.check_due_since = at
    elif patient.check_due_since is not None and at >= _aware(patient.check_due_since):
        patient.check_due_since = None
    return event


def explain_residual(patient: Patient, refill: Refill, explanation: str) -> None:
    """What was found about a flagged residual; the worklist's flag goes with the last one
    not explained."""
    refill.residual_explanation = explanation
    db.session.flush()
    patient.residual_flagged = unexplained_refill(patient) is not None


def unexplained_refill(patient: Patient) -> Refill | None:
    """The oldest refill whose residual was flagged with nothing found recorded."""
    return db.session.scalars(
        db.select(Refill).where(Refill.patient_id == patient.id,
                                Refill.residual_flagged.is_(True),
                                Refill.residual_explanation.is_(None))
        .order_by(Refill.refilled_on, Refill.id).limit(1)).first()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def refill_day_taken(patient: Patient, day: date) -> Refill | None:
    """A refill already recorded for the patient on `day`: the form asks before another."""
    return db.session.scalars(
        db.select(Refill).where(Refill.patient_id == patient.id, Refill.refilled_on == day)
        .order_by(Refill.recorded_at.desc()).limit(1)).first()
