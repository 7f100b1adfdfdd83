"""The refill worklist: pumps due within REFILL_WINDOW_DAYS or overdue, most overdue first.

A missed refill is the commonest cause of pump withdrawal, so the list is meant to be
worked every day.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit, workflow
from ..db import db
from ..models import MAX_ID, Patient, Screening, utc_now
from ..web.formatting import service_today, uk_date
from ..web.language import gettext as _
from ..web.language import ngettext
from . import bp, needs
from .forms import RefillForm
from .keyset import paginate
from .patients import patient_or_404

REFILL_WINDOW_DAYS = 7
PER_PAGE = 50


def due_query(today: date):
    """Patients due within the window or overdue, most overdue first (index on the date).
    Due means the planned refill date, or the expected low-reservoir alarm (else empty) date
    when the dose on record says it comes first."""
    return (db.select(Patient)
            .where(Patient.due_date <= today + timedelta(days=REFILL_WINDOW_DAYS)))


# Most overdue first, then by reference (unique): index ix_patients_due_order.
DUE_ORDER = (Patient.due_date, Patient.reference)


@bp.get("/refills")
@needs("see_refills")
def refills():
    today = service_today()
    page = paginate(due_query(today), DUE_ORDER, id_column=Patient.id, per_page=PER_PAGE,
                    args=request.args)
    audit.record("view_refills", "patient", None, shown=len(page.items), **page.position())
    db.session.commit()
    return render_template("staff/refills.html", page=page, today=today,
                           window=REFILL_WINDOW_DAYS)


@bp.route(f"/patients/<int(max={MAX_ID}):patient_id>/refill",
          methods=["GET", "POST"])
@needs("record_refill")
def record_refill(patient_id: int):
    """Record a refill; it sets the patient's next refill date and may close the patient's
    open screenings it dealt with (the loop a refill closes)."""
    patient = patient_or_404(patient_id)
    open_screenings = list(db.session.execute(
        db.select(Screening).filter(Screening.patient_id == patient.id,
                                    Screening.status != "closed")
        .order_by(Screening.created_at)).scalars())
    form = RefillForm(refilled_on=service_today(),
                      close=[s.public_id for s in open_screenings])
    form.close.choices = [(s.public_id, s.public_id) for s in open_screenings]
    if form.validate_on_submit():
        chosen = set(form.close.data or ())
        closed = workflow.record_refill(
            patient, current_user, form.refilled_on.data, form.next_refill_date.data,
            form.volume_ml.data, (form.note.data or "").strip(),
            closing=[s for s in open_screenings if s.public_id in chosen],
            close_note=(form.close_note.data or "").strip())
        audit.record("record_refill", "patient", patient.id)
        for screening in closed:
            audit.record("close", "screening", screening.public_id, via="refill")
        db.session.commit()
        said = _("Refill recorded. Next refill due %(when)s.",
                 when=uk_date(form.next_refill_date.data))
        if closed:
            said += " " + ngettext("Closed %(num)d screening.", "Closed %(num)d screenings.",
                                   len(closed))
        flash(said, "success")
        return redirect(url_for("staff.patient", patient_id=patient.id))
    return render_template("staff/refill_form.html", form=form, patient=patient,
                           open_screenings=open_screenings, now=utc_now(),
                           error=bool(form.errors)), 400 if form.errors else 200
