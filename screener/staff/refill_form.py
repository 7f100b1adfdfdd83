"""A refill on one form (issue 25, item 3): what was drawn out against what the record
expected, what went in, the concentration and dose after it, whether the pump was
reprogrammed, and the next refill booked, with the alarm, empty and refill-by days worked
out live from the pump's own arithmetic (screener/pump/refill.py).

It refuses a rise in concentration with no bridge bolus confirmed, and a dose rising faster
than the titration limit with no reason. It records once: the form carries a key, so the same
form sent again (Back, then send) records nothing twice; a second refill on a day that has one
is asked about first (GOV.UK question pages: after an action that should happen once, Back
shows a sensible message rather than letting it happen again).
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import audit, workflow
from ..db import db
from ..models import MAX_ID, Patient, PumpSetting, Refill, Screening, utc_now
from ..pump import records
from ..pump.refill import Proposed, Review, review
from ..web.formatting import local_time, service_today, uk_date
from ..web.language import gettext as _
from ..web.language import ngettext
from . import bp, needs
from .forms import RefillForm
from .patients import patient_or_404

KEY = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


@bp.route(f"/patients/<int(max={MAX_ID}):patient_id>/refill", methods=["GET", "POST"])
@needs("record_refill")
def record_refill(patient_id: int):
    patient = patient_or_404(patient_id)
    setting = records.current_setting(patient)
    open_screenings = list(db.session.scalars(
        db.select(Screening).filter(Screening.patient_id == patient.id,
                                    Screening.status != "closed")
        .order_by(Screening.created_at)))
    form = RefillForm(
        refilled_on=service_today(), form_key=secrets.token_urlsafe(32),
        close=[s.public_id for s in open_screenings],
        concentration_mcg_per_ml=setting and _plain(setting.concentration_mcg_per_ml),
        daily_dose_mcg=setting and _plain(setting.daily_dose_mcg))
    form.close.choices = [(s.public_id, s.public_id) for s in open_screenings]
    if request.method == "GET":  # after Back, say so before anything is typed again
        return _page(form, patient, setting, open_screenings,
                     same_day=records.refill_day_taken(patient, service_today()))
    if not KEY.fullmatch(form.form_key.data or ""):  # not a key this page gave: none
        form.form_key.data = None
    already = _recorded_already(form.form_key.data)
    if already is not None:
        flash(_("This refill was recorded already, at %(time)s on %(day)s by %(name)s. "
                "Nothing was recorded twice.", time=local_time(already.recorded_at),
                day=uk_date(already.recorded_at.date()), name=already.recorded_by.name),
              "success")
        return redirect(url_for("staff.patient", patient_id=patient.id))
    if request.form.get("action") == "preview":  # "Work out the dates": nothing is saved
        form.validate()
        return _page(form, patient, setting, open_screenings, quiet=True,
                     fragment=request.headers.get("X-Preview") == "1")
    if setting is not None and setting.schedule:  # changed on the pump record, not here
        form.daily_dose_mcg.raw_data = [str(setting.daily_dose_mcg)]
        form.daily_dose_mcg.data = _plain(setting.daily_dose_mcg)
    valid = form.validate()
    if setting is not None:
        valid = form.check_pump(setting.reservoir_ml, setting.alarm_ml) and valid
        valid = form.check(_review(form, patient, setting)) and valid
    same_day = form.refilled_on.data and records.refill_day_taken(patient, form.refilled_on.data)
    if valid and same_day and not form.another.data:
        form.another.errors = [_("A refill for %(reference)s on %(day)s was recorded at "
                                 "%(time)s by %(name)s. Tick to record another.",
                                 reference=patient.reference, day=uk_date(same_day.refilled_on),
                                 time=local_time(same_day.recorded_at),
                                 name=same_day.recorded_by.name)]
        valid = False
    if not valid:
        return _page(form, patient, setting, open_screenings, same_day=same_day), 400
    try:
        closed, warn = _save(form, patient, setting, open_screenings)
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the first one recorded it
        db.session.rollback()
        if _recorded_already(form.form_key.data) is None:
            raise
        flash(_("This refill was recorded already. Nothing was recorded twice."), "success")
        return redirect(url_for("staff.patient", patient_id=patient.id))
    said = _("Refill recorded. Next refill booked for %(when)s.",
             when=uk_date(form.next_refill_date.data))
    if warn:
        said += " " + warn
    if closed:
        said += " " + ngettext("Closed %(num)d screening.", "Closed %(num)d screenings.",
                               len(closed))
    flash(said, "success")
    return redirect(url_for("staff.patient", patient_id=patient.id))


def _plain(number: float) -> Decimal:
    """500.0 as "500", as the hint beside it says it."""
    return Decimal(f"{number:g}")


def _recorded_already(key: str | None) -> Refill | None:
    if not key:
        return None
    return db.session.scalars(db.select(Refill).where(Refill.form_key == key)).first()


def _number(field) -> float | None:
    return float(field.data) if field.data is not None and not field.errors else None


def _review(form: RefillForm, patient: Patient, setting: PumpSetting) -> Review:
    proposed = Proposed(
        refilled_on=form.refilled_on.data if not form.refilled_on.errors else None,
        drawn_ml=_number(form.drawn_ml), put_in_ml=_number(form.put_in_ml),
        concentration=_number(form.concentration_mcg_per_ml),
        dose_mcg=_number(form.daily_dose_mcg))
    return review(records.before_refill(patient, setting), proposed,
                  current_app.extensions["service"].zone,
                  current_app.config["PUMP_LEAD_DAYS"], child=_child(patient))


def _child(patient: Patient) -> bool:
    born = patient.date_of_birth
    today = service_today()
    return bool(born and (today.year - born.year - ((today.month, today.day)
                                                      < (born.month, born.day))) < 18)


def _save(form: RefillForm, patient: Patient, setting: PumpSetting | None,
          open_screenings: list[Screening]) -> tuple[list[Screening], str]:
    chosen = set(form.close.data or ())
    closing = [s for s in open_screenings if s.public_id in chosen]
    close_note = (form.close_note.data or "").strip()
    note = (form.note.data or "").strip()
    if setting is None:  # no pump record: the date, the booking and any volume, assumed none
        closed = workflow.record_refill(
            patient, current_user, form.refilled_on.data, form.next_refill_date.data,
            form.put_in_ml.data, note, closing=closing, close_note=close_note,
            details={"form_key": form.form_key.data or None}, keep_volume=False)
        warn = ""
    else:
        made = _review(form, patient, setting)
        saved = records.save_refill(patient, current_user, setting, made, records.RefillEntry(
            refilled_on=form.refilled_on.data, next_refill_date=form.next_refill_date.data,
            drawn_ml=float(form.drawn_ml.data), put_in_ml=float(form.put_in_ml.data),
            concentration=float(form.concentration_mcg_per_ml.data),
            dose_mcg=float(form.daily_dose_mcg.data),
            reprogrammed=form.reprogrammed.data == "yes",
            pump_checked=bool(form.pump_checked.data),
            bridge_bolus=bool(form.bridge_bolus.data),
            titration_reason=(form.titration_reason.data or "").strip() or None,
            residual_explanation=(form.residual_explanation.data or "").strip() or None,
            note=note, form_key=form.form_key.data or None),
            closing=closing, close_note=close_note)
        closed, warn = saved.closed, _warnings(saved, made)
    audit.record("record_refill", "patient", patient.id)
    for screening in closed:
        audit.record("close", "screening", screening.public_id, via="refill")
    return closed, warn


def _warnings(saved: records.Saved, made: Review) -> str:
    said = []
    if saved.unchecked:
        said.append(_("No check that the pump is running after programming is recorded: the "
                      "worklist shows it until one is."))
    if saved.residual_flagged:
        said.append(_("The volume drawn out differs from the expected: the worklist flags it "
                      "as a possible pump or catheter problem until what was found is "
                      "recorded."))
    if made.concentration_falls:
        said.append(_("The concentration fell: until the old drug in the catheter clears, the "
                      "pump gives more than the dose. Watch for drowsiness and slow breathing."))
    if saved.booked_late:
        said.append(_("The next refill is booked after the refill-by day, %(day)s: the "
                      "worklist flags it.", day=uk_date(made.refill_by)))
    return " ".join(said)


def _page(form: RefillForm, patient: Patient, setting: PumpSetting | None,
          open_screenings: list[Screening], quiet: bool = False, fragment: bool = False,
          same_day: Refill | None = None):
    made = _review(form, patient, setting) if setting is not None else None
    if quiet:  # a preview: nothing is wrong yet, the person has not finished
        for field in form:
            field.errors = []
    template = "staff/_refill_projection.html" if fragment else "staff/refill_form.html"
    return render_template(template, form=form, patient=patient, setting=setting,
                           made=made, open_screenings=open_screenings, now=utc_now(),
                           same_day=same_day, today=service_today(),
                           error=any(field.errors for field in form))

