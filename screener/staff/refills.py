"""The clinic's worklist (issue 25, item 4): every pump by the days to its earliest alarm,
with the number to call, the refill booked and what needs doing (screener/pump/clinic.py's
flags); a patient with no projection (no pump record, or tablets) by the refill date booked.

A missed refill is the commonest cause of pump withdrawal, so the list is meant to be worked
every day: "Needs action" shows only the flagged and those due within DUE_WINDOW_DAYS.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import audit
from ..db import db
from ..models import MAX_ID, Patient
from ..pump import records
from ..pump.clinic import DUE_WINDOW_DAYS, flag_counts, flags_of, listed, undated
from ..web.formatting import service_today
from ..web.language import gettext as _
from . import bp, needs
from .forms import RefillListForm
from .keyset import paginate
from .patients import patient_or_404

PER_PAGE = 50

# Soonest alarm first, then by reference (unique): index ix_patients_due_order.
DUE_ORDER = (Patient.due_date, Patient.reference)


@bp.get("/refills")
@needs("see_refills")
def refills():
    today = service_today()
    form = RefillListForm(request.args)
    needs_action = not form.validate() or form.show.data != "all"
    page = paginate(listed(today, needs_action), DUE_ORDER, id_column=Patient.id,
                    per_page=PER_PAGE, args=request.args,
                    options=(joinedload(Patient.pump_owner),))
    no_dates = db.session.scalars(undated(today, PER_PAGE)).all()
    flags = flags_of([p.id for p in (*page.items, *no_dates)], today)
    audit.record("view_refills", "patient", None, shown=len(page.items), **page.position())
    db.session.commit()
    return render_template("staff/refills.html", page=page, today=today, form=form,
                           window=DUE_WINDOW_DAYS, flags=flags, counts=flag_counts(today),
                           needs_action=needs_action, no_dates=no_dates)


@bp.post(f"/patients/<int(max={MAX_ID}):patient_id>/pump/take")
@needs("record_refill")
def take_pump(patient_id: int):
    """Take a flagged pump from the worklist: its flags then have a named owner until the
    next refill is recorded."""
    patient = patient_or_404(patient_id)
    records.take(patient, current_user)
    audit.record("take_pump", "patient", patient.id)
    db.session.commit()
    # No reference in the message: the session cookie is signed, not secret (red team 2, L17).
    flash(_("You own this pump's flags on the worklist."), "success")
    return redirect(url_for("staff.refills", _anchor=f"pump-{patient.id}"))
