"""Patients: pseudonymous records, their screenings over time, and follow-up calls."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import or_, tuple_
from sqlalchemy.orm import defer, joinedload

from .. import audit
from ..db import db
from ..journey import start_draft
from ..journey.forms import choices
from ..journey.pages import PAGE_IDS
from ..models import MAX_ID, Patient, Refill, Screening, ScreeningAction, utc_now
from ..pump import records
from ..web import language
from ..web.formatting import service_today
from ..web.language import gettext as _
from . import bp, needs, timeline
from .forms import PatientForm, SearchForm
from .keyset import paginate

PER_PAGE = 50
TIMELINE_PER_PAGE = 25
TIMELINE_ORDER = (Screening.created_at, Screening.id)  # newest first on the page
# The timeline, chart and what changed read the assessment only: the answers and the words
# shown (two thirds of a screening's JSON, most of the page's time at 1,000,000) stay unread.
LIGHT = (defer(Screening.answers, raiseload=True), defer(Screening.shown, raiseload=True))
RECORD_FIELDS = ("reference", "name", "date_of_birth", "route", "pump_model", "reservoir_ml",
                 "concentration_mcg_per_ml", "daily_dose_mcg", "low_reservoir_alarm_ml",
                 "next_refill_date", "contact_name", "contact_phone", "clinic_name",
                 "clinic_phone", "notes")
# Owned by the pump record once there is one (screener/staff/pump.py keeps every version):
# the patient form then shows them and leaves them as they are.
PUMP_RECORD_FIELDS = ("pump_model", "concentration_mcg_per_ml", "daily_dose_mcg",
                      "low_reservoir_alarm_ml")


def patient_or_404(patient_id: int) -> Patient:
    """Patient pages are keyed by the record's id, so references stay out of URLs and logs."""
    return db.get_or_404(Patient, patient_id)


def _patient_form(**kwargs) -> PatientForm:
    form = PatientForm(**kwargs)
    form.route.choices = choices((r["id"], r["label"]) for r in language.rules().routes)
    return form


@bp.get("/patients")
@needs("manage_patients")
def patients():
    page = paginate(db.select(Patient), (Patient.reference,), id_column=Patient.id,
                    per_page=PER_PAGE, args=request.args)  # references are unique
    audit.record("view_patients", "patient", None, searched=False, **page.position())
    db.session.commit()
    return render_template("staff/patients.html", form=SearchForm(), page=page,
                           matches=None, more=False)


@bp.post("/patients")
@needs("manage_patients")
def search_patients():
    """A search is sent as POST so names and references typed into it stay out of URLs,
    browser history and access logs. It shows the first matches; typing more narrows them."""
    form = SearchForm()
    matches, more = [], False
    if form.validate_on_submit():
        query = form.q.data
        found = db.session.execute(
            db.select(Patient).where(or_(Patient.reference.startswith(query, autoescape=True),
                                         Patient.name.icontains(query, autoescape=True)))
            .order_by(Patient.reference).limit(PER_PAGE + 1)).scalars().all()
        matches, more = found[:PER_PAGE], len(found) > PER_PAGE
        audit.record("view_patients", "patient", None, searched=True, shown=len(matches))
        db.session.commit()
    return render_template("staff/patients.html", form=form, page=None, matches=matches,
                           more=more, error=bool(form.errors)), 400 if form.errors else 200


@bp.route("/patients/new", methods=["GET", "POST"])
@needs("manage_patients")
def new_patient():
    form = _patient_form()
    if form.validate_on_submit():
        if _reference_taken(form.reference.data.strip()):
            form.reference.errors.append(_("A patient with this reference already exists"))
        else:
            patient = Patient()
            _fill(patient, form)
            db.session.add(patient)
            db.session.flush()
            audit.record("create", "patient", patient.id)
            db.session.commit()
            # No reference in the session cookie, which is signed, not secret (red team 2, L17).
            flash(_("Added the patient."), "success")
            return redirect(url_for("staff.patient", patient_id=patient.id))
    return render_template("staff/patient_form.html", form=form, patient=None,
                           error=bool(form.errors)), 400 if form.errors else 200


@bp.route(f"/patients/<int(max={MAX_ID}):patient_id>/edit", methods=["GET", "POST"])
@needs("manage_patients")
def edit_patient(patient_id: int):
    patient = patient_or_404(patient_id)
    form = _patient_form(obj=patient)
    pump_owned = records.current_setting(patient) is not None
    if form.validate_on_submit():
        new_reference = form.reference.data.strip()
        if new_reference != patient.reference and _reference_taken(new_reference):
            form.reference.errors.append(_("A patient with this reference already exists"))
        else:
            changed = _fill(patient, form, skip=PUMP_RECORD_FIELDS if pump_owned else ())
            audit.record("change", "patient", patient.id, fields=changed)
            db.session.commit()
            flash(_("Saved the patient record."), "success")
            return redirect(url_for("staff.patient", patient_id=patient.id))
    return render_template("staff/patient_form.html", form=form, patient=patient,
                           pump_owned=pump_owned,
                           error=bool(form.errors)), 400 if form.errors else 200


def _reference_taken(reference: str) -> bool:
    return db.session.execute(
        db.select(Patient.id).filter_by(reference=reference)).first() is not None


def _fill(patient: Patient, form: PatientForm, skip: tuple[str, ...] = ()) -> list[str]:
    """Copy the form onto the record; return the names (never the values) of changed fields."""
    changed = []
    for name in RECORD_FIELDS:
        if name in skip:
            continue
        value = form[name].data
        if isinstance(value, str):
            value = value.strip() or None
        if name in ("reservoir_ml", "concentration_mcg_per_ml", "daily_dose_mcg",
                    "low_reservoir_alarm_ml") and value is not None:
            value = float(value)
        if getattr(patient, name) != value:
            setattr(patient, name, value)
            changed.append(name)
    return changed


@bp.get(f"/patients/<int(max={MAX_ID}):patient_id>")
@needs("manage_patients")
def patient(patient_id: int):
    found = patient_or_404(patient_id)
    # Its screenings a page at a time, newest first (index ix_screenings_patient_order), and
    # the one before the page's oldest, which "what changed" compares it with.
    page = paginate(db.select(Screening).where(Screening.patient_id == found.id),
                    TIMELINE_ORDER, per_page=TIMELINE_PER_PAGE, args=request.args,
                    descending=True, options=LIGHT)
    page.args["patient_id"] = found.id  # for the links' url_for
    shown = list(reversed(page.items))  # oldest first
    before = [] if not shown else list(db.session.execute(
        db.select(Screening).options(*LIGHT)
        .where(Screening.patient_id == found.id,
               tuple_(*TIMELINE_ORDER) < (shown[0].created_at, shown[0].id))
        .order_by(Screening.created_at.desc(), Screening.id.desc()).limit(1)).scalars())
    # The chart's screenings, each with whether it was made on a follow-up call.
    made_on_call = db.select(ScreeningAction.id).where(
        ScreeningAction.screening_id == Screening.id,
        ScreeningAction.kind == "follow_up_call").exists()
    recent = list(reversed(db.session.execute(
        db.select(Screening, made_on_call).options(*LIGHT)
        .where(Screening.patient_id == found.id)
        .order_by(Screening.created_at.desc(), Screening.id.desc())
        .limit(timeline.CHART_LIMIT)).all()))
    refills = list(db.session.execute(
        db.select(Refill).options(joinedload(Refill.recorded_by))
        .filter_by(patient_id=found.id).order_by(Refill.refilled_on.desc())
    ).scalars())
    # Screenings whose caregiver typed this reference: not on the timeline until confirmed.
    unconfirmed = list(db.session.execute(
        db.select(Screening).options(*LIGHT)
        .filter_by(patient_ref=found.reference, patient_id=None)
        .order_by(Screening.created_at.desc()).limit(50)).scalars())
    audit.record("view", "patient", found.id, **page.position())
    db.session.commit()
    changes = timeline.changes(before + shown)[len(before):]
    rows = list(zip(shown, changes, strict=True))
    return render_template(
        "staff/patient.html", patient=found, rows=list(reversed(rows)), page=page,
        refills=refills, unconfirmed=unconfirmed, now=utc_now(),
        chart=timeline.chart([row.Screening for row in recent],
                             [r.refilled_on for r in refills],
                             calls={s.id for s, on_call in recent if on_call}),
        today=service_today(),
        route_label={r["id"]: r["label"] for r in language.rules().routes})


@bp.post(f"/patients/<int(max={MAX_ID}):patient_id>/call")
@needs("run_calls")
def start_call(patient_id: int):
    """A follow-up call: a screening run by staff for this patient, pre-filled from the record.

    The prefill is shown pre-selected and still asked: nothing is scored unless staff confirm it.
    """
    found = patient_or_404(patient_id)
    previous = db.session.execute(
        db.select(Screening).filter_by(patient_id=found.id)
        .order_by(Screening.created_at.desc()).limit(1)).scalar_one_or_none()
    start_draft(patient_id=found.id, previous_id=previous.id if previous else None,
                prefill=call_prefill(found, service_today()))
    audit.record("start_call", "patient", found.id)
    db.session.commit()
    return redirect(url_for("journey.question", page_id=PAGE_IDS[0]))


def call_prefill(patient: Patient, today: date) -> dict[str, dict[str, str]]:
    """What the record already knows, in the journey's page-by-page shape."""
    prefill: dict[str, dict[str, str]] = {"about": {"respondent": "staff",
                                                    "patient_ref": patient.reference}}
    if patient.route and patient.route != "unknown":
        prefill["route"] = {"route": patient.route}
    if patient.date_of_birth and patient.date_of_birth <= today:
        prefill["age"] = _age_on(patient.date_of_birth, today)
    if patient.route in ("intrathecal", "both") and patient.next_refill_date:
        prefill["pump"] = {"refill_overdue": "yes" if patient.next_refill_date < today else "no"}
    return prefill


def _age_on(born: date, today: date) -> dict[str, str]:
    """The age page's answer from a date of birth: whole months under 2, else whole years."""
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return {"age_months": str(months)} if months < 24 else {"age_years": str(months // 12)}
