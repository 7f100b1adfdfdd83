"""The last history pages ask a caregiver only what could still change the level (issue 23;
screener/journey/what_matters.py, hazard H56); a staff follow-up call asks them all."""

from __future__ import annotations

from datetime import date, timedelta

from screener.db import db
from screener.journey.pages import LATE_PAGES, page
from screener.journey.what_matters import shown
from screener.models import Patient, Screening
from tests.journeys import page_data
from tests.pages import Journey, add_user, csrf_token, sign_in, text_of
from tests.strategies import LATE_GROUPS

# UX walk 2's pump-alarm journey: urgent once the symptoms are in, whatever the history
# says, except someone else's tablets swallowed (an emergency on its own).
PUMP_ALARM = {"route": "intrathecal", "symptoms": ["rebound_spasticity", "pruritus"],
              "history": {"age_years": 34, "pump_alarm": True, "refill_overdue": True,
                          "recent_refill_or_programming_change": False}}


def _to_vitals(journey: Journey, answers: dict, started: bool = False):
    """Answer the pages up to and including the measurements (left blank)."""
    journey.submit("/check/emergency-signs" if started else journey.start(),
                   {"symptoms": ["none"]})
    response, _ = journey.submit("/check/age", page_data("age", answers))
    response, _ = journey.submit("/check/route", {"route": answers["route"]})
    while response.location != "/check/vitals":
        here = response.location.rsplit("/", 1)[1]
        response, _ = journey.submit(response.location, page_data(here, answers))
    return journey.submit("/check/vitals", {})


def test_only_a_question_that_could_change_the_level_is_asked_after_the_measurements(
        app, client):
    journey = Journey(client)
    response, _ = _to_vitals(journey, PUMP_ALARM)
    assert response.location == "/check/medicines"  # four pages of history left out
    _, tree = journey.get("/check/medicines")
    questions = [text_of(legend) for legend in tree.iterfind(".//main//fieldset/legend")]
    assert questions == ["Could they have swallowed someone else's baclofen tablets "
                         "(for example a child)?"]
    assert tree.find(".//input[@name='takes_opioids']") is None
    response, _ = journey.submit("/check/medicines", {})  # left blank: "I don't know"
    assert response.location == "/check/about"
    _, tree = journey.get("/check/about")
    assert tree.find(".//a[@href='/check/medicines']") is not None  # Back: the page asked
    response, _ = journey.submit("/check/about", {"respondent": "caregiver"})
    with app.app_context():
        screening = db.session.execute(db.select(Screening)).scalar_one()
        assert screening.level == "urgent"
        assert screening.answers["history"].get("recent_mri") in (None, "unknown")


def test_the_question_left_to_the_end_still_ends_the_check_at_an_emergency(app, client):
    journey = Journey(client)
    _to_vitals(journey, PUMP_ALARM)
    response, _ = journey.submit("/check/medicines", {"someone_elses_tablets": "yes"})
    assert response.location.startswith("/result/")
    with app.app_context():
        assert db.session.execute(db.select(Screening)).scalar_one().level == "emergency"


def test_a_history_that_could_change_a_routine_check_is_asked(client):
    all_well = {"route": "intrathecal", "history": {
        "age_years": 12, "pump_alarm": False, "refill_overdue": False,
        "recent_refill_or_programming_change": True}}
    journey = Journey(client)
    response, _ = _to_vitals(journey, all_well)
    assert response.location == "/check/pump-more"
    _, tree = journey.get("/check/pump-more")
    assert tree.find(".//input[@name='recent_mri']") is not None  # an MRI makes it urgent


def test_the_late_pages_are_the_groups_the_clinical_test_searches():
    assert {g for p in LATE_PAGES for g in p.groups} == set(LATE_GROUPS)


def test_a_staff_follow_up_call_asks_every_history_question(app, client):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(days=2)))
        db.session.commit()
        patient_id = db.session.execute(db.select(Patient.id)).scalar_one()
    add_user(app, "cath", "clinic")
    journey = Journey(client)
    assert sign_in(journey, "cath").status_code == 302
    path = f"/staff/patients/{patient_id}"
    _, tree = journey.get(path)
    response = client.post(f"{path}/call", data={"csrf_token": csrf_token(tree)})
    assert response.location == "/check/emergency-signs"
    response, _ = _to_vitals(journey, PUMP_ALARM, started=True)
    assert response.location == "/check/pump-more"


def test_a_question_that_matters_after_a_change_is_asked_on_a_page_already_answered(app):
    """The medicines page answered with its one question; then very drowsy is ticked (a
    change to an earlier page): other sedatives and opioids could now change the level, so
    the page is to be asked again, not left with blanks."""
    from screener.journey.pages import pages_for
    from screener.journey.what_matters import flow_for, to_ask
    from screener.models import Draft

    answers = {"emergency-signs": {"symptoms": ["none"]}, "age": {"age_years": "34"},
               "route": {"route": "intrathecal"},
               "pump": {"pump_alarm": "yes", "refill_overdue": "yes",
                        "recent_refill_or_programming_change": "no"},
               "changes": {"changes": ["breathing_alertness", "body", "muscles"]},
               "muscles": {"symptoms": ["rebound_spasticity"]},
               "body": {"symptoms": ["pruritus"]},
               "breathing-alertness": {"symptoms": ["none"]}, "vitals": {"temperature": ""},
               "medicines": {"someone_elses_tablets": "no"}}
    medicines = page("medicines")
    with app.app_context():
        rules = app.extensions["ruleset"]
        draft = Draft(pages=answers)

        def flow():  # as the journey works it out on each request
            return flow_for(draft, rules, pages_for(rules, "intrathecal", (
                "body", "breathing_alertness", "muscles")))

        assert [p.id for p in flow() if p.only_what_matters] == ["medicines"]
        assert not to_ask(draft, rules, flow(), medicines)  # its one question is held
        # Very drowsy, ticked since: the history pages before it come back and are answered
        # ("no" throughout), and then the medicines page is to be asked again.
        draft.pages = {**answers, "breathing-alertness": {"symptoms": [
            "excessive_drowsiness"]}, **{p: dict.fromkeys(
                (f.id for f in page(p).features(rules, "intrathecal", 34)
                 if f.kind == "history"), "no")
                for p in ("pump-more", "background", "health", "other-health")}}
        assert to_ask(draft, rules, flow(), medicines)
        asked = {f.id for f in shown(draft, rules, flow(), medicines)}
        assert {"other_sedatives_or_alcohol", "takes_opioids"} <= asked


def test_a_request_searches_once_for_the_questions_that_matter(app, client, monkeypatch):
    """Every late page asks which of its questions matter, given the same answers: one search
    (a tenth of a second each) serves them all within a request."""
    from screener.journey import what_matters

    journey = Journey(client)
    _to_vitals(journey, PUMP_ALARM)
    searched = []
    real = what_matters.questions_that_matter
    monkeypatch.setattr(what_matters, "questions_that_matter",
                        lambda *args: searched.append(1) or real(*args))
    response, tree = journey.get("/check/medicines")
    assert response.status_code == 200 and tree.find(".//input[@name='takes_opioids']") is None
    assert len(searched) == 1
