"""The refill worklist: pumps due within REFILL_WINDOW_DAYS or overdue, most overdue first.

A missed refill is the commonest cause of pump withdrawal, so the list is meant to be
worked every day.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import audit
from ..accounts import role_required
from ..db import db
from ..models import Patient, Refill
from . import CAN_RECORD_REFILLS, bp
from .forms import RefillForm
from .patients import patient_or_404

REFILL_WINDOW_DAYS = 7
PER_PAGE = 50


def due_query(today: date):
    """Patients due within the window or overdue, most overdue first (index on the date)."""
    return (db.select(Patient)
            .where(Patient.next_refill_date <= today + timedelta(days=REFILL_WINDOW_DAYS))
            .order_by(Patient.next_refill_date, Patient.reference))


@bp.get("/refills")
def refills():
    today = date.today()
    page = db.paginate(due_query(today), per_page=PER_PAGE, error_out=False)
    audit.record("view_refills", "patient", None, page=page.page, shown=len(page.items))
    db.session.commit()
    return render_template("staff/refills.html", page=page, today=today,
                           window=REFILL_WINDOW_DAYS)


@bp.route("/patients/<reference>/refill", methods=["GET", "POST"])
@role_required(*CAN_RECORD_REFILLS)
def record_refill(reference: str):
    """Record a refill; it sets the patient's next refill date."""
    patient = patient_or_404(reference)
    form = RefillForm(refilled_on=date.today())
    if form.validate_on_submit():
        db.session.add(Refill(patient_id=patient.id, refilled_on=form.refilled_on.data,
                              next_refill_date=form.next_refill_date.data,
                              recorded_by_id=current_user.id,
                              note=(form.note.data or "").strip() or None))
        patient.next_refill_date = form.next_refill_date.data
        audit.record("record_refill", "patient", patient.id)
        db.session.commit()
        flash(f"Refill recorded. Next refill due {form.next_refill_date.data:%d %B %Y}.",
              "success")
        return redirect(url_for("staff.patient", reference=patient.reference))
    return render_template("staff/refill_form.html", form=form, patient=patient,
                           error=bool(form.errors)), 400 if form.errors else 200
