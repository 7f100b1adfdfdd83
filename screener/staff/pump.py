"""A patient's pump record (issue 25, item 1): the pump as it is now, what the arithmetic
projects from it (screener/pump/projection.py) and every earlier version, with who changed
it, when and why. Reading needs `manage_patients`; changing it, `record_refill` (the clinic).

Each change adds a PumpSetting row; nothing is overwritten. The patient's own pump columns
(the model's name, the concentration, the dose and the alarm volume) follow the newest row,
so the refill worklist and a follow-up call read what the record says.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import audit
from ..db import db
from ..journey.forms import choices
from ..models import Patient, PumpEvent, PumpSetting
from ..pump import records
from ..pump.catalogue import MODELS
from ..pump.projection import (
    battery_window,
    local_day,
    project,
    refill_by,
    scheduled_daily_dose,
)
from ..web.language import gettext as _
from . import bp, needs
from .forms import PumpEventForm, PumpSettingForm, ResidualExplanationForm
from .patients import MAX_ID, patient_or_404

LEAD_DAYS_SETTING = "PUMP_LEAD_DAYS"  # the clinic's refill lead time, in days (default 7)


def history(patient: Patient) -> list[PumpSetting]:
    """Every version of the record, newest first."""
    return list(db.session.scalars(
        db.select(PumpSetting).options(joinedload(PumpSetting.recorded_by))
        .where(PumpSetting.patient_id == patient.id)
        .order_by(PumpSetting.recorded_at.desc(), PumpSetting.id.desc())))


def projections(patient: Patient, setting: PumpSetting | None) -> dict[str, Any] | None:
    """The alarm and empty days as ranges, and the day to refill by, from the last refill;
    and the battery's window. None where the record does not hold what they need."""
    if setting is None:
        return None
    zone = current_app.extensions["service"].zone
    shown: dict[str, Any] = {"lead_days": current_app.config[LEAD_DAYS_SETTING]}
    if patient.last_refill_on and patient.reservoir_ml:
        # The refill's time is not recorded: the start of its day, which errs early.
        start = datetime.combine(patient.last_refill_on, time.min, tzinfo=zone)
        made = project(start, patient.reservoir_ml, setting.alarm_ml, setting.daily_dose_mcg,
                       setting.concentration_mcg_per_ml, setting.bolus_mcg_per_day or 0)
        shown["daily_ml"] = made.daily_ml
        shown["alarm"] = made.alarm and tuple(local_day(getattr(made.alarm, b), zone)
                                               for b in ("earliest", "nominal", "latest"))
        shown["empty"] = tuple(local_day(getattr(made.empty, b), zone)
                               for b in ("earliest", "nominal", "latest"))
        shown["refill_by"] = refill_by(made, zone, shown["lead_days"])
    shown["battery"] = battery_window(setting.implanted_on, setting.indicator_on)
    return shown


def _form(setting: PumpSetting | None, **kwargs) -> PumpSettingForm:
    form = PumpSettingForm(**kwargs)
    form.model_id.choices = choices([("", _("Select the pump"))] + [
        (m.id, m.name) for m in MODELS.values()] + [("other", _("Another pump"))])
    return form


@bp.get(f"/patients/<int(max={MAX_ID}):patient_id>/pump")
@needs("manage_patients")
def pump(patient_id: int):
    patient = patient_or_404(patient_id)
    versions = history(patient)
    current = versions[0] if versions else None
    form = _form(current, obj=current, formdata=None) if current else _form(None,
                                                                             formdata=None)
    if current is not None and current.model_id is None:
        form.model_id.data, form.other_model.data = "other", current.model_name
    if current is not None and current.schedule:  # the schedule, back in its steps
        form.dosing.data = "schedule"
        for n, (start, rate) in enumerate(current.schedule, 1):
            form[f"step{n}_start"].data, form[f"step{n}_rate"].data = start, rate
    audit.record("view", "pump", patient.id)
    db.session.commit()
    return _page(patient, versions, form)


@bp.post(f"/patients/<int(max={MAX_ID}):patient_id>/pump")
@needs("record_refill")
def change_pump(patient_id: int):
    patient = patient_or_404(patient_id)
    form = _form(None)
    if not form.validate():
        return _page(patient, history(patient), form), 400
    known = MODELS.get(form.model_id.data)
    steps = form.steps() if form.dosing.data == "schedule" else []
    setting = PumpSetting(
        patient_id=patient.id, recorded_by_id=current_user.id,
        reason=(form.reason.data or "").strip() or None,
        model_id=known.id if known else None,
        model_name=known.name if known else form.other_model.data.strip(),
        reservoir_ml=float(form.reservoir_size()), alarm_ml=float(form.alarm_ml.data),
        concentration_mcg_per_ml=float(form.concentration_mcg_per_ml.data),
        daily_dose_mcg=scheduled_daily_dose(steps) if steps
        else float(form.daily_dose_mcg.data),
        schedule=[[step.start, step.mcg_per_hour] for step in steps] or None,
        bolus_mcg_per_day=float(form.bolus_mcg_per_day.data or 0),
        implanted_on=form.implanted_on.data, indicator_on=form.indicator_on.data,
        catheter_cm=float(form.catheter_cm.data) if form.catheter_cm.data else None,
        catheter_notes=(form.catheter_notes.data or "").strip() or None)
    before = records.current_setting(patient)
    records.add_setting(patient, setting)  # the patient's own pump columns follow it
    if before is not None and (
            (before.daily_dose_mcg, before.schedule, before.concentration_mcg_per_ml)
            != (setting.daily_dose_mcg, setting.schedule, setting.concentration_mcg_per_ml)):
        # A new programme: it can leave the pump stopped, so the worklist asks for a check.
        records.record_event(patient, current_user, "programmed",
                             note="The pump record's dose or concentration changed")
    audit.record("update", "pump", patient.id,
                 fields=sorted(k for k, v in form.data.items() if v not in (None, "")
                               and k not in ("csrf_token", "reason", "catheter_notes")
                               and not k.startswith("step")))
    db.session.commit()
    flash(_("The pump record is saved. Earlier versions are kept below."), "success")
    return redirect(url_for("staff.pump", patient_id=patient.id))


@bp.post(f"/patients/<int(max={MAX_ID}):patient_id>/pump/event")
@needs("record_refill")
def pump_event(patient_id: int):
    """An MRI or a programming session (the worklist asks for a pump check after it), or the
    check that the pump is running (which clears that)."""
    patient = patient_or_404(patient_id)
    form = PumpEventForm()
    if not form.validate():
        return _page(patient, history(patient), _form(None, formdata=None), event_form=form), 400
    records.record_event(patient, current_user, form.kind.data,
                         note=(form.note.data or "").strip())
    audit.record("pump_event", "pump", patient.id, kind=form.kind.data)
    db.session.commit()
    flash(_("Recorded."), "success")
    return redirect(url_for("staff.pump", patient_id=patient.id))


@bp.post(f"/patients/<int(max={MAX_ID}):patient_id>/pump/residual")
@needs("record_refill")
def explain_residual(patient_id: int):
    """What was found about the oldest flagged residual not explained; the worklist's flag
    goes with the last of them."""
    patient = patient_or_404(patient_id)
    form = ResidualExplanationForm()
    last = records.unexplained_refill(patient)
    if last is None:
        return redirect(url_for("staff.pump", patient_id=patient.id))
    if not form.validate():
        return _page(patient, history(patient), _form(None, formdata=None),
                     residual_form=form), 400
    records.explain_residual(patient, last, form.explanation.data.strip())
    audit.record("explain_residual", "pump", patient.id)
    db.session.commit()
    flash(_("Recorded. Another flagged residual is still to explain.")
          if patient.residual_flagged else
          _("Recorded. The worklist no longer flags the residual."), "success")
    return redirect(url_for("staff.pump", patient_id=patient.id))


def _page(patient: Patient, versions: list[PumpSetting], form: PumpSettingForm,
          event_form: PumpEventForm | None = None,
          residual_form: ResidualExplanationForm | None = None):
    current = versions[0] if versions else None
    flagged = records.unexplained_refill(patient)
    events = db.session.scalars(db.select(PumpEvent).where(PumpEvent.patient_id == patient.id)
                                .order_by(PumpEvent.at.desc()).limit(10)).all()
    forms = [f for f in (form, event_form, residual_form) if f is not None]
    return render_template("staff/pump.html", patient=patient, current=current,
                           versions=versions, form=form, error=any(f.errors for f in forms),
                           projected=projections(patient, current), events=events,
                           event_form=event_form or PumpEventForm(formdata=None),
                           residual_form=residual_form or ResidualExplanationForm(formdata=None),
                           flagged_refill=flagged,
                           can_change=current_user.can("record_refill"))
