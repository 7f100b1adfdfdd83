"""The triage queue and one screening: claim it, record what was done, close it, link it
(the changes themselves are screener/workflow.py's)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, union_all
from sqlalchemy.orm import defer, joinedload, selectinload

from .. import audit, workflow
from ..alerts.watch import alert_trouble
from ..clinical.rules.vocabulary import LEVELS
from ..db import db
from ..journey.answer_words import words_shown_for
from ..models import TRY_AGAIN, Patient, Screening, queue_priority, utc_now
from ..pump import call as pump_call
from ..reference_codes import EXAMPLE, grouped
from ..screenings import find_by_reference_code
from ..web import language
from ..web.formatting import level_name, service_today
from ..web.language import gettext as _
from . import bp, needs
from .dates import in_date_range
from .forms import LANES, ActionForm, FindByReferenceForm, LinkPatientForm, QueueFilterForm
from .kept_note import take_kept_action
from .keyset import paginate

PER_PAGE = 25


ACTIVE = Screening.status != "closed"  # open or claimed (STATUSES)


def queue_query(form: QueueFilterForm, lane: str | None = None):
    """The screenings the filters ask for (open or claimed unless told), unordered.

    Written so that each is read in the queue's own order, from an index that holds it, on
    any database and with no statistics gathered: "open or claimed" as "not closed" (an IN
    on two statuses made SQLite read every active screening through a status index and sort
    them all: 5 s at 1,000,000), and a level as its two priorities (a range on the first
    column of ix_screenings_queue_order). A single status is an equality on
    ix_screenings_queue, whose order (priority, created_at, then the row id) is the queue's.
    """
    query = db.select(Screening)
    status = form.status.data or "active"
    if status == "active":
        query = query.where(ACTIVE)
    elif status != "all":
        query = query.where(Screening.status == status)
    if form.level.data:
        query = query.where(Screening.priority.between(*level_priorities(form.level.data)))
    lane = lane or form.lane.data or "call"
    query = query.where(HAS_NUMBER if lane == "call" else ~HAS_NUMBER)
    return in_date_range(query, Screening.created_at, form)


# Someone can be called: the number the caregiver left, or the linked patient's contact.
HAS_NUMBER = or_(Screening.callback_phone.is_not(None),
                 Screening.patient.has(Patient.contact_phone.is_not(None)))
LANE_COUNT_CAP = 999  # a lane's count in its tab stops here: "999+"


def lane_counts(form: QueueFilterForm) -> dict[str, int]:
    """How many screenings each lane holds under the other filters, each counted to the cap
    (never a count of every screening ever made)."""
    counted = [db.select(db.func.count()).select_from(
        queue_query(form, lane).with_only_columns(Screening.id).limit(LANE_COUNT_CAP + 1)
        .subquery()).scalar_subquery() for lane, _name in LANES]
    return dict(zip((lane for lane, _name in LANES), db.session.execute(
        db.select(*counted)).one(), strict=True))  # one round trip


def level_priorities(level: str) -> tuple[int, int]:
    """The priorities a level's screenings have: set by a rule, then by the score."""
    return queue_priority(level, by_rule=True), queue_priority(level, by_rule=False)


# Most urgent level first, then oldest first, the id last to make the order unique: read in
# the order of index ix_screenings_queue_order, which holds the filters' columns too.
QUEUE_ORDER = (Screening.priority, Screening.created_at, Screening.id)
URGENT = ("emergency", "urgent")


def waiting_urgent() -> tuple[int, str | None, str | None]:
    """How many emergency or urgent screenings are waiting (open or claimed), and the id of
    the newest waiting screening of any level (UX walk 2, finding 5: a "soon" check never
    arrived live). Counts and an id only: what the live queue polls, with no patient data.

    The newest is the newest of each priority's newest, each read backwards on
    ix_screenings_queue_order: one row per priority, not a sort of every active screening.
    Returns the count, and the newest's id and level.
    """
    active = (Screening.status.in_(("open", "claimed")), Screening.level.in_(URGENT))
    count = db.session.execute(db.select(db.func.count()).where(*active)).scalar_one()
    newest_each = [
        db.select(Screening.public_id, Screening.level, Screening.created_at, Screening.id)
        .where(ACTIVE, Screening.priority == priority)
        .order_by(Screening.created_at.desc(), Screening.id.desc()).limit(1).subquery()
        for level in LEVELS for priority in level_priorities(level)]
    candidates = union_all(*(db.select(each) for each in newest_each)).subquery()
    newest = db.session.execute(
        db.select(candidates.c.public_id, candidates.c.level)
        .order_by(candidates.c.created_at.desc(), candidates.c.id.desc()).limit(1)
    ).first()
    return (count, *(newest or (None, None)))


@bp.get("/queue/live")
@needs("work_queue")
def queue_live():
    """Polled by the queue page every 15 seconds: when `newest` changes, the page fetches
    the queue again (which is audited like any view) and announces it, with its level."""
    count, newest, level = waiting_urgent()
    arrived = (_("A new %(level)s check has arrived.", level=level_name(level).lower())
               if level else "")
    return {"waiting": count, "newest": newest, "arrived": arrived,
            "waiting_words": _("%(waiting)s urgent or emergency waiting.", waiting=count)}


@bp.get("/")
@needs("work_queue")
def queue():
    form = QueueFilterForm(request.args)
    # Bad filters are shown with their errors; the queue behind them is the default one.
    used = form if form.validate() else QueueFilterForm(formdata=None)
    page = paginate(queue_query(used), QUEUE_ORDER, per_page=PER_PAGE, args=request.args,
                    options=(joinedload(Screening.patient), joinedload(Screening.claimed_by),
                             # Not shown on the queue: the largest columns after the assessment.
                             defer(Screening.answers, raiseload=True),
                             defer(Screening.shown, raiseload=True),
                             # The last call attempt and when to try again (item 5).
                             selectinload(Screening.actions),
                             # A re-check not done: why a closed check came back (item 4).
                             selectinload(Screening.rechecks)))
    audit.record("view_queue", "screening", None, shown=len(page.items), **page.position(),
                 **{k: str(v) for k, v in used.data.items() if v})
    db.session.commit()
    waiting, newest, _level = waiting_urgent()
    lanes = lane_counts(used)
    return render_template("staff/queue.html", form=form, page=page, now=utc_now(),
                           lane=used.lane.data or "call", lanes=lanes, lane_cap=LANE_COUNT_CAP,
                           lane_choices=LANES, try_again=TRY_AGAIN,
                           waiting=waiting, newest=newest, error=bool(form.errors),
                           alert_trouble=alert_trouble(),
                           find_form=FindByReferenceForm(formdata=None), example=EXAMPLE)


@bp.get("/find")
@needs("work_queue")
def find_by_reference():
    """A screening by the short reference the caregiver was given: found, its page; not
    found or not a reference, this page again with what was typed and why. Each search is
    audited, found or not; the screening's page audits the view itself."""
    form = FindByReferenceForm(request.args)
    if "reference" not in request.args:
        return render_template("staff/find.html", form=form, example=EXAMPLE)
    if not form.validate():
        return render_template("staff/find.html", form=form, example=EXAMPLE, error=True), 400
    found = find_by_reference_code(form.code)
    audit.record("find_screening", "screening", found.public_id if found else None,
                 found=found is not None)
    db.session.commit()
    if found is not None:
        return redirect(url_for("staff.screening", public_id=found.public_id))
    form.reference.errors.append(_("No screening has the reference %(reference)s. Check it "
                                   "with the person who gave it", reference=grouped(form.code)))
    return render_template("staff/find.html", form=form, example=EXAMPLE, error=True)


def _screening_or_404(public_id: str) -> Screening:
    return db.one_or_404(db.select(Screening).filter_by(public_id=public_id))


@bp.get("/screenings/<public_id>")
@needs("work_queue")
def screening(public_id: str):
    found = _screening_or_404(public_id)
    audit.record("view", "screening", found.public_id)
    # A note typed as the session ended comes back to be checked and saved (item 5); on a
    # check closed meanwhile it is shown, not lost, with nowhere to save it.
    kept = take_kept_action(found.public_id, current_user.id)
    db.session.commit()
    form = ActionForm(formdata=None, data=kept) if kept else ActionForm()
    return _render_screening(found, form, LinkPatientForm(), kept=kept)


def _render_screening(found: Screening, action_form, link_form, status: int = 200,
                      kept: dict | None = None):
    assessment = found.result
    made_on_call = found.patient is not None and found.respondent == "staff"
    return render_template(
        "staff/screening.html", screening=found, assessment=assessment,
        for_clinic=pump_call.for_the_clinic(found.patient, assessment.level, service_today())
        if made_on_call else [],
        advice=assessment.advice["staff"],
        shown=words_shown_for(found, language.rules()),
        action_form=action_form, link_form=link_form, now=utc_now(), kept=kept,
        error=bool(action_form.errors or link_form.errors)), status


@bp.post("/screenings/<public_id>/claim")
@needs("work_queue")
def claim(public_id: str):
    """Claim an open screening; of two people claiming at once, the second is told."""
    found = _screening_or_404(public_id)
    if workflow.claim(found, current_user):
        audit.record("claim", "screening", found.public_id)
        db.session.commit()
        flash(_("You have claimed this screening."), "success")
    else:
        db.session.rollback()
        flash(_someone_else(found), "info")
    return redirect(url_for("staff.screening", public_id=public_id))


@bp.post("/screenings/<public_id>/actions")
@needs("work_queue")
def record_action(public_id: str):
    """Record what was done; the 'then' button may also close the screening, unless
    someone closed it first."""
    found = _screening_or_404(public_id)
    form = ActionForm()
    closing = request.form.get("then") == "close"
    if not form.validate():
        return _render_screening(found, form, LinkPatientForm(), 400)
    now = utc_now()
    next_try = (now + timedelta(minutes=int(form.next_try.data))
                if form.kind.data in TRY_AGAIN and form.next_try.data else None)
    if not workflow.record_action(found, current_user, form.kind.data,
                                  (form.note.data or "").strip(), close=closing, now=now,
                                  next_try_at=next_try):
        db.session.rollback()
        flash(_("%(what)s Nothing was changed.", what=_someone_else(found)), "info")
        return redirect(url_for("staff.screening", public_id=public_id))
    audit.record("add_action", "screening", found.public_id, kind=form.kind.data)
    if closing:
        audit.record("close", "screening", found.public_id)
    db.session.commit()
    flash(_("Closed: the screening has left the queue.") if closing else _("Saved."), "success")
    return redirect(url_for("staff.screening", public_id=public_id))


def _someone_else(found: Screening) -> str:
    """What changed under you, read fresh from the database."""
    db.session.expire(found)
    if found.status == "closed":
        if found.closed_by is None:
            return _("Someone closed this screening first.")
        return _("%(who)s closed this screening first.", who=found.closed_by.name)
    if found.claimed_by_id == current_user.id:
        return _("You have already claimed this screening.")
    if found.claimed_by is None:
        return _("Someone else claimed this screening first.")
    return _("%(who)s claimed this screening first.", who=found.claimed_by.name)


@bp.post("/screenings/<public_id>/patient")
@needs("work_queue")
def link_patient(public_id: str):
    found = _screening_or_404(public_id)
    form = LinkPatientForm()
    patient = None
    if form.validate():
        patient = db.session.execute(db.select(Patient).filter_by(
            reference=form.reference.data.strip())).scalar_one_or_none()
        if patient is None:
            form.reference.errors.append(
                _("No patient has this reference. Check it, or add the patient first"))
    if patient is None:
        return _render_screening(found, ActionForm(formdata=None), form, 400)
    found.patient_id = patient.id
    audit.record("link_patient", "screening", found.public_id, patient_id=patient.id)
    db.session.commit()
    flash(_("Linked to the patient."), "success")  # no reference in the cookie (L17)
    return redirect(url_for("staff.screening", public_id=public_id))


@bp.get("/screenings/<public_id>/fhir.json")
@needs("export_fhir")
def screening_fhir(public_id: str):
    """One screening as FHIR R4: a QuestionnaireResponse and a RiskAssessment in a Bundle."""
    from ..api.fhir import screening_bundle

    found = _screening_or_404(public_id)
    audit.record("export", "screening", found.public_id, format="fhir-r4")
    db.session.commit()
    bundle = screening_bundle(found, language.rules())
    filename = f"screening-{found.public_id}.fhir.json"
    return current_app.response_class(
        current_app.json.dumps(bundle), mimetype="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
