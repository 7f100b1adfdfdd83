"""Writing the pump's records so the worklist can trust them: a new version of the pump
record, a refill recorded on the one form, and the MRI, programming and pump-check events.
Each keeps the patient's own columns (the newest settings, the battery's book-by day, the
residual and pump-check flags) in step, in the same transaction as the change itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from ..db import db
from ..models import Patient, PumpEvent, PumpSetting, Refill, User, utc_now
from .projection import battery_window

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
    patient.battery_book_by = (battery_window(setting.implanted_on, setting.indicator_on).book_by
                               if setting.implanted_on else None)


def changed_setting(setting: PumpSetting, user: User, reason: str, **changes) -> PumpSetting:
    """A copy of `setting` with `changes`, as a new version by `user`."""
    kept = {column: getattr(setting, column) for column in (
        "model_id", "model_name", "reservoir_ml", "alarm_ml", "drug",
        "concentration_mcg_per_ml", "daily_dose_mcg", "bolus_mcg_per_day", "implanted_on",
        "indicator_on", "catheter_cm", "catheter_notes")}
    return PumpSetting(patient_id=setting.patient_id, recorded_by_id=user.id, reason=reason,
                       **(kept | changes))


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
    """What was found about a flagged residual; the worklist's flag goes with it."""
    refill.residual_explanation = explanation
    if refill.id == _latest_refill_id(patient):
        patient.residual_flagged = False


def latest_refill(patient: Patient) -> Refill | None:
    return db.session.scalars(
        db.select(Refill).where(Refill.patient_id == patient.id)
        .order_by(Refill.refilled_on.desc(), Refill.id.desc()).limit(1)).first()


def _latest_refill_id(patient: Patient) -> int | None:
    found = latest_refill(patient)
    return found.id if found else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def refill_day_taken(patient: Patient, day: date) -> Refill | None:
    """A refill already recorded for the patient on `day`: the form asks before another."""
    return db.session.scalars(
        db.select(Refill).where(Refill.patient_id == patient.id, Refill.refilled_on == day)
        .order_by(Refill.recorded_at.desc()).limit(1)).first()
