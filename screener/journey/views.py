"""The screening journey on the web: start page, question pages, check answers, outcome."""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from .. import audit, workflow
from ..alerts.outbox import add_alerts, follow_up
from ..alerts.queue import enqueue
from ..alerts.rechecks import mark_done, plan_rechecks, series, series_origin
from ..clinical import Assessment
from ..clinical.answers import InvalidAnswers
from ..clinical.catalog import build_catalog
from ..clinical.wording import COULD_NOT_COMPLETE
from ..db import db
from ..models import Patient, Screening, utc_now
from ..pump import call as pump_call
from ..screenings import (
    ScoringFailed,
    add_screening,
    find_screening,
    readable_without_sign_in,
    run_assessment,
)
from ..staff.accounts import login_manager
from ..web import language
from ..web.formatting import on_service_clock, service_today, uk_date
from ..web.language import gettext as _
from ..web.security import PUBLIC_SUBMISSIONS, limiter
from ..web.service_profile import INTERNATIONAL_PHRASE
from .answer_words import in_words, words_shown, words_shown_for
from .check_again import check_again, start_again
from .drafts import Draft, current_draft, finish_draft, start_draft
from .forms import (
    ANSWER_WORDS,
    NONE,
    YES_NO_UNKNOWN,
    age_from,
    called_back,
    form_class,
    form_values,
    pages_from,
    to_request,
)
from .outcome_action import action_for, clinic_hours
from .pages import MEASURED_MINUTES, PAGE_IDS, Page, changes_chosen, page, pages_for
from .what_matters import flow_for, shown, to_ask

bp = Blueprint("journey", __name__)
log = logging.getLogger(__name__)


@bp.app_template_filter("form_answer")
def form_answer(value) -> str:
    """An answer in the API's terms (true, false, unknown, option id) as the form's value."""
    return ANSWER_WORDS.get(value, value)


@bp.app_template_filter("answer_label")
def answer_label(value: str, feature) -> str:
    """The words a form answer is shown with ("Yes", "I don't know", an option's label)."""
    chosen = feature.option(value)
    return chosen.label if chosen else dict(YES_NO_UNKNOWN).get(value, value)


# Numbers the rule set's wording names, made tap-to-call links on the page (issue 23).
LINKED_IN_WORDING = {"NHS 111": "tel:111"}


@bp.app_template_filter("for_service")
def for_service(text: str) -> Markup:
    """The rule set's wording with this service's emergency number(s) in it, every number a
    tap-to-call link."""
    profile = current_app.extensions["service"]
    linked = Markup(", ").join(
        Markup('<a href="{}">{}</a>').format(n.tel, n.number)
        + (Markup(" {}").format(_("in %(place)s", place=n.where))
           if n.where and len(profile.numbers) > 1 else "")
        for n in profile.numbers)
    words = escape(text).replace(escape(f"({INTERNATIONAL_PHRASE})"),
                                 Markup("({})").format(linked))
    for name, tel in LINKED_IN_WORDING.items():
        words = words.replace(name, Markup('<a href="{}">{}</a>').format(tel, name))
    return words




def _service():
    return current_app.extensions["service"]


def _open_draft() -> tuple[Draft | None, Any]:
    """The check in progress, or (None, the response that leaves the journey instead)."""
    draft = current_draft()
    if draft is None:
        return None, redirect(url_for("journey.start"))
    if draft.patient_id is not None and not current_user.is_authenticated:
        return None, login_manager.unauthorized()  # a follow-up call: staff only
    if draft.screening_id:
        return None, redirect(url_for("journey.result", public_id=draft.screening_id))
    return draft, None


def _flow(draft: Draft) -> tuple[Page, ...]:
    """The pages this draft is asked, for its route, the kinds of change chosen and, at the
    end, what could still change the level."""
    rules = language.rules()
    return flow_for(draft, rules, pages_for(rules, draft.route,
                                            changes_chosen(draft.answered("changes"))))


def _first_unanswered(draft: Draft) -> Page | None:
    flow = _flow(draft)
    return next((p for p in flow if to_ask(draft, language.rules(), flow, p)), None)


def _next_url(draft: Draft) -> str:
    missing = _first_unanswered(draft)
    return _last_page_url() if missing is None else url_for("journey.question",
                                                             page_id=missing.id)


@bp.get("/")
def start():
    draft = current_draft()
    resume = draft is not None and draft.screening_id is None and bool(draft.pages)
    return render_template("start.html", resume=resume, minutes=MEASURED_MINUTES)


@bp.post("/start")
@limiter.limit(PUBLIC_SUBMISSIONS, methods=["POST"])
def begin():
    """Start a new check: a fresh draft whose random id is the only thing in the cookie."""
    start_draft()
    db.session.commit()
    return redirect(url_for("journey.question", page_id=PAGE_IDS[0]))


@bp.route("/check/<page_id>", methods=["GET", "POST"])
@limiter.limit(PUBLIC_SUBMISSIONS, methods=["POST"])
def question(page_id: str):
    """One question page. A page asked out of order sends you to the first unanswered one."""
    if page_id not in PAGE_IDS:
        abort(404)
    draft, leave = _open_draft()
    if draft is None:
        return leave
    rules = language.rules()
    this = page(page_id)
    flow = _flow(draft)
    missing = _first_unanswered(draft)
    if this not in flow or (missing and flow.index(this) > flow.index(missing)):
        return redirect(_next_url(draft))

    changing = request.args.get("change") == "1"
    age = age_from(draft.answered("age") or {})
    if request.method == "POST" and this.kind in ("signs", "symptoms"):
        ended = _red_flag_wins(draft, this, age, changing)
        if ended is not None:
            return ended
    questions = shown(draft, rules, flow, this)
    form_type = form_class(this, rules, draft.route,
                           callback=_service().reads_checks and draft.patient_id is None,
                           age=age, only=None if questions is None
                           else tuple(f.id for f in questions))
    if request.method == "POST":
        form = form_type()
        if not form.validate():
            typed = {k: v for k, v in request.form.lists() if k != "csrf_token"}
            return _show_mistakes(draft, page_id, typed, form.errors, changing)
        draft.record(page_id, form_values(form))
        try:
            assessment = _assessment_so_far(draft)
        except InvalidAnswers as refused:
            return _refused(draft, this, refused, changing)
        db.session.commit()
        if assessment is not None and assessment.level == "emergency":
            return _finish(draft, assessment)  # the answers so far mean: call for help now
        if _first_unanswered(draft) is None and (changing or this.kind == "about"):
            if this.kind == "about":
                return _finish(draft, assessment)  # scored once, above
            return redirect(_last_page_url())
        return redirect(_next_url(draft))

    form = _form_for_get(form_type, draft, page_id)
    index = flow.index(this)
    if changing:
        back = _last_page_url()
    elif index == 0:
        back = url_for("journey.start")
    else:
        back = url_for("journey.question", page_id=flow[index - 1].id)
    prefilled = not draft.answered(page_id) and bool((draft.prefill or {}).get(page_id))
    call = db.session.get(Patient, draft.patient_id) if draft.patient_id else None
    pump = pump_call.facts(call, service_today()) if call else None  # the call's banner
    return render_template("question.html", page=this, form=form, back=back, changing=changing,
                           error=bool(form.errors),
                           rules=rules, features=this.features(rules, draft.route, age)
                           if questions is None else questions,
                           prefilled=prefilled, previous=_previous_answers(draft),
                           call=call, pump=pump, pump_empty=pump and pump_call.empty_words(pump),
                           checklist=call and call.route in pump_call.PUMP_ROUTES
                           and pump_call.checklist(),
                           sections=in_words(to_request(draft.pages, rules), rules)
                           if this.kind == "about" else ())


def _red_flag_wins(draft: Draft, this: Page, age: float | None, changing: bool):
    """The check's end when the boxes ticked mean an emergency, even ticked with "None of
    these", without JavaScript (UX walk 2, finding 9): contradictory ticks fail safe. Any
    emergency sign ends it at once; on a page of symptoms, boxes whose answers so far reach
    emergency. None otherwise: the form is checked as usual ("None" with others an error).
    CSRFProtect has already checked the token."""
    sent = request.form.getlist("symptoms")
    ticked = [f.id for f in this.features(language.rules(), draft.route, age) if f.id in sent]
    if not ticked or (this.kind == "symptoms" and NONE not in sent):
        return None
    before = dict(draft.pages or {})
    draft.record(this.id, {"symptoms": ticked})
    try:
        assessment = _assessment_so_far(draft)
    except InvalidAnswers as refused:
        return _refused(draft, this, refused, changing)
    if this.kind == "signs" or (assessment is not None and assessment.level == "emergency"):
        db.session.commit()
        return _finish(draft, assessment)
    draft.pages = before  # not an emergency: "None" with another box is the person's mistake
    return None


def _form_for_get(form_type, draft: Draft, page_id: str):
    """The page's form with the answers given (or suggested), or, after a refused send, what
    was typed, with its messages at that send's own address only."""
    kept = draft.mistakes(page_id)
    if kept is None:
        return form_type(data=draft.values_for(page_id))
    form = form_type(formdata=MultiDict([(k, v) for k, values in kept["typed"].items()
                                         for v in values]))
    if request.args.get("problem") == str(kept.get("attempt", 1)):  # this send's address
        for name, messages in kept["errors"].items():
            if name in form:
                form[name].errors = list(messages)
    return form


def _last_page_url() -> str:
    """The last page, which also shows every answer with a link to change it."""
    return url_for("journey.question", page_id=PAGE_IDS[-1])


@bp.get("/continue")
@bp.get("/check-answers")  # kept for links made before the answers moved to the last page
def resume():
    """Back to the check in progress: its first unanswered page, or the last one."""
    draft, leave = _open_draft()
    return leave if draft is None else redirect(_next_url(draft))


def _assessment_so_far(draft: Draft) -> Assessment | None:
    """The answers given so far, scored; None if scoring failed. Unanswered questions count
    as "I don't know", which never lowers a level: the pages after the symptoms and the
    measurements (the background, who is answering) can only add findings or turn an "I
    don't know" into an answer, so ending at an emergency there errs on the safe side.
    `InvalidAnswers` (answers the forms let through but the scoring refuses) passes through:
    the caller shows it as a page's own mistake (`_refused`).

    Hazards: H9 a person in danger kept answering questions."""
    try:
        rules = language.rules()
        return run_assessment(to_request(draft.pages, rules), rules,
                              language.words())
    except ScoringFailed:
        return None  # the outcome page will say the check could not be completed


def _refused(draft: Draft, this: Page, refused: InvalidAnswers, changing: bool):
    """The scoring refused the draft's answers (red team 2, L12: never a 500). An answer on
    this page is shown as its mistake; a page before it holding one is forgotten, so the
    journey asks it again. Nothing refused is kept."""
    names = {path.rsplit(".", 1)[-1] for path in refused.errors}
    log.warning("answers refused by the scoring on page %s: %s", this.id, sorted(names))
    own = {name for name in names if name in (draft.answered(this.id) or {})} or (
        names if not names & {n for v in (draft.pages or {}).values() for n in v or {}}
        else set())
    draft.pages = {page_id: values for page_id, values in (draft.pages or {}).items()
                   if not names & set(values or {}) and not (own and page_id == this.id)}
    if own:
        typed = {k: v for k, v in request.form.lists() if k != "csrf_token"}
        return _show_mistakes(draft, this.id, {k: v for k, v in typed.items() if k not in own},
                              {name: [_("Check this answer: choose one of those shown")]
                               for name in own}, changing)
    db.session.commit()
    return redirect(_next_url(draft))


def _show_mistakes(draft: Draft, page_id: str, typed: dict[str, list[str]],
                   errors: dict[str, Any], changing: bool):
    """Post/redirect/get: what was typed and the messages are kept in the draft and shown by
    a GET at this send's own address (`?problem=N`), so a reload shows them again, while
    Back to the page's own address (the entry before the send) shows what was typed without
    them: no second Back is needed to leave the page (UX walk 2, finding 13)."""
    attempt = draft.keep_mistakes(page_id, typed, errors)
    db.session.commit()
    return redirect(url_for("journey.question", page_id=page_id,
                            change="1" if changing else None, problem=attempt), code=303)


def _finish(draft: Draft, assessment: Assessment | None):
    """Save the draft's screening, scored by the caller through the same service as the API
    (None: scoring failed), and show the outcome."""
    if assessment is None:
        return render_template("could_not_complete.html", message=_(COULD_NOT_COMPLETE)), 500
    about = draft.answered("about") or {}
    consented = called_back(about.get("callback_consent")) and (
        about.get("callback_phone") or "").strip()
    screening = add_screening(assessment, words_shown(assessment, language.rules()),
                              patient_id=draft.patient_id,
                              callback_phone=about["callback_phone"].strip() if consented
                              else None)
    alerts = add_alerts(screening, _service().rota)  # the outbox: committed with it
    earlier = (db.session.get(Screening, draft.previous_id)
               if draft.previous_id and draft.patient_id is None else None)
    if earlier is not None:  # a check made from a re-check link: that re-check is done
        screening.recheck_of_id = earlier.id
        db.session.flush()
        mark_done(earlier, screening)
    else:  # re-checks timed to the withdrawal's course, when the rule set asks for them
        plan_rechecks(screening, language.rules())
    draft.screening_id = screening.public_id
    draft.forget_answers()  # the screening holds them now: no second copy is kept
    if draft.patient_id is not None:
        _record_call(screening)
    db.session.commit()
    enqueue(alerts)
    finish_draft()
    if draft.patient_id is not None:  # a follow-up call: back to the staff workspace
        return redirect(url_for("staff.screening", public_id=screening.public_id))
    return redirect(url_for("journey.result", public_id=screening.public_id))


def _record_call(screening: Screening) -> None:
    workflow.record_call(screening, current_user)
    audit.record("create", "screening", screening.public_id, via="follow-up call")


@bp.get("/result/<public_id>")
def result(public_id: str):
    """The outcome page: for staff signed in, any screening's; otherwise only a caregiver's
    own, for RESULT_LINK_HOURS (the link is a bearer token in browser history)."""
    screening = find_screening(public_id)
    if screening is None:
        abort(404)
    if not current_user.is_authenticated and not readable_without_sign_in(
            screening, current_app.config["RESULT_LINK_HOURS"]):
        if screening.patient_id is not None:
            return login_manager.unauthorized()
        abort(404)  # expired: say no more than for an id that never existed
    if current_user.is_authenticated:
        audit.record("view", "screening", screening.public_id, via="result page")
        db.session.commit()
    assessment = screening.result
    audience = "staff" if screening.respondent == "staff" else "caregiver"
    # Whom to call is chosen when the page is shown: the clinic may have closed since.
    action = (action_for(assessment.level, _service(), utc_now())
              if audience == "caregiver" or assessment.level == "emergency" else None)
    return render_template("result.html", screening=screening, assessment=assessment,
                           advice=assessment.advice[audience], audience=audience,
                           action=action, clinic_hours=clinic_hours(_service()),
                           follow_up=follow_up(screening, _service().reads_checks),
                           again=check_again(screening) if audience == "caregiver" else None,
                           shown=words_shown_for(screening, language.rules()))


@bp.post("/result/<public_id>/change")
@limiter.limit(PUBLIC_SUBMISSIONS, methods=["POST"])
def change_answers(public_id: str):
    """"Change your answers" from a result, for as long as it can be read (UX walk 2,
    finding 13): a new check already answered with this screening's answers, opened at the
    last page, which lists them with a Change link each. Sending it saves a new screening;
    this one stays as saved. Never one linked to a patient's record (staff only)."""
    screening = find_screening(public_id)
    if screening is None or screening.patient_id is not None or (
            not current_user.is_authenticated and not readable_without_sign_in(
                screening, current_app.config["RESULT_LINK_HOURS"])):
        abort(404)
    # A check of a re-check series stays in it: the new check counts as its re-check, and
    # starts no second series (whose first would be missed and open a call).
    origin = series_origin(screening)
    start_draft(pages=pages_from(screening.answers, language.rules()),
                previous_id=origin.id if origin is not None else None)
    db.session.commit()
    return redirect(url_for("journey.question", page_id=PAGE_IDS[-1], review="1"))


@bp.get("/again/<token>")
def again(token: str):
    """A re-check link (issue 24, item 4): says what it does and asks to start, so opening a
    saved link never starts a check by itself."""
    rows = series(token)
    if not rows:
        abort(404)
    return render_template("check_again.html", token=token, earlier=rows[0].screening)


@bp.post("/again/<token>")
@limiter.limit(PUBLIC_SUBMISSIONS, methods=["POST"])
def again_start(token: str):
    rows = series(token)
    if not rows:
        abort(404)
    start_again(rows[0].screening)
    db.session.commit()
    return redirect(url_for("journey.question", page_id=PAGE_IDS[0]))


@bp.get("/how-it-works")
def how_it_works():
    return render_template("how_it_works.html", catalog=build_catalog(language.rules()))


def _previous_answers(draft: Draft) -> dict[str, str]:
    """On a follow-up call, the last screening's answers in words, by field id."""
    before = db.session.get(Screening, draft.previous_id) if draft.previous_id else None
    if before is None:
        return {}
    words = {row.key: row.words for section in in_words(before.answers, language.rules())
             for row in section.rows if row.key != "symptoms" and row.known}
    words.update(dict.fromkeys(before.answers.get("symptoms") or (), _("Ticked")))
    if "temperature_c" in words:
        words["temperature"] = words.pop("temperature_c")
    day = uk_date(on_service_clock(before.created_at))
    return {key: _("Last time (%(day)s): %(answer)s", day=day, answer=text)
            for key, text in words.items()}
