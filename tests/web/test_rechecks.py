"""Re-checks timed to the withdrawal's time course (issue 24, item 4): the result lists the
times and a link; the link opens a new check with the earlier history filled in; a worse
answer is scored and queued at its own level; a re-check not done by its deadline opens a
call for staff when a number was left."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from screener import create_app, workflow
from screener.alerts.rechecks import open_missed
from screener.clinical.rules import default_ruleset
from screener.db import db
from screener.models import Recheck, Screening, User, as_utc
from tests.apps import database_url, wipe_database
from tests.journeys import CLINIC, walk, walk_from
from tests.pages import Journey, csrf_token, text_of

RULES = default_ruleset()
# A soon check after doses were missed: quiet now, but withdrawal may follow in 12 to 72 h.
MISSED = {"route": "oral",
          "history": {"missed_doses": True, "abrupt_stop": False,
                      "ran_out_of_medication": False, "unable_to_take_oral": False}}
NOTHING_STOPPED = {"route": "oral", "symptoms": ["muscle_spasms", "anxiety"],
                   "history": {"abrupt_stop": False, "ran_out_of_medication": False,
                               "unable_to_take_oral": False, "missed_doses": False}}


@pytest.fixture
def clinic(tmp_path):
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "SERVICE": CLINIC,
                      "SQLALCHEMY_DATABASE_URI": database_url("sqlite", tmp_path),
                      "QUEUE_URL": "immediate"})
    wipe_database(app)
    with app.app_context():
        db.create_all()
    return app


def _saved(app, path: str) -> Screening:
    with app.app_context():
        found = db.session.scalars(db.select(Screening).filter_by(
            public_id=path.rsplit("/", 1)[1])).one()
        db.session.expunge(found)
        return found


def test_a_check_after_missed_doses_asks_for_re_checks_across_the_window(clinic):
    journey = Journey(clinic.test_client())
    result = walk(journey, {**MISSED, "callback_phone": "07700 900123"})
    screening = _saved(clinic, result)
    assert screening.level == "soon"
    with clinic.app_context():
        rows = db.session.scalars(db.select(Recheck).order_by(Recheck.due_at)).all()
        hours = [round((as_utc(r.due_at) - as_utc(screening.created_at)).total_seconds() / 3600)
                 for r in rows]
        assert hours == list(RULES.rechecks.hours) == [12, 24, 48, 72]
        assert {r.state for r in rows} == {"pending"}
    _, tree = journey.get(result)
    section = text_of(tree.find(".//main"))
    assert "Check again" in section and section.count(" at ") >= 4
    assert "the clinic will call you" in section  # a number was left, and the clinic reads


@pytest.mark.parametrize("answers", [NOTHING_STOPPED, {
    "route": "intrathecal", "symptoms": ["pruritus"], "history": {"pump_alarm": True},
    "vitals": {"heart_rate": 104}}], ids=["nothing stopped", "urgent"])
def test_no_re_check_without_an_interruption_or_beside_a_call_today(clinic, answers):
    journey = Journey(clinic.test_client())
    result = walk(journey, answers)
    _, tree = journey.get(result)
    assert tree.find(".//*[@id='check-again']") is None
    with clinic.app_context():
        assert db.session.scalars(db.select(Recheck)).all() == []


def test_the_link_opens_a_new_check_with_the_history_filled_in_and_a_worse_one_is_queued(
        clinic):
    journey = Journey(clinic.test_client())
    first = _saved(clinic, walk(journey, MISSED))
    _, tree = journey.get(f"/result/{first.public_id}")
    link = tree.find(".//a[@id='check-again-link']").get("href")
    token = link.rsplit("/", 1)[1]
    later = Journey(clinic.test_client())  # the caregiver, hours later, from the saved link
    _, page = later.get(f"/again/{token}")
    assert "Start the check again" in text_of(page.find(".//main"))
    response = later.client.post(f"/again/{token}", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    # Now confused and feverish: worse than before.
    worse = {**MISSED, "symptoms": ["confusion", "fever", "muscle_spasms"]}
    result = walk_from(later, response.location, worse)
    again = _saved(clinic, result)
    assert again.level in ("urgent", "emergency") and again.status == "open"  # queued
    with clinic.app_context():
        first_row = db.session.scalars(db.select(Recheck).order_by(Recheck.due_at)).first()
        # Done early (within 2 hours of its time) only: the first is 12 hours away.
        assert first_row.state == "pending"
        assert db.session.scalars(db.select(Recheck).where(
            Recheck.screening_id == again.id)).all() == []  # no second series


def test_the_history_page_is_filled_in_and_says_so(clinic):
    journey = Journey(clinic.test_client())
    first = _saved(clinic, walk(journey, MISSED))
    _, tree = journey.get(f"/result/{first.public_id}")
    token = tree.find(".//a[@id='check-again-link']").get("href").rsplit(
        "/", 1)[1]
    later = Journey(clinic.test_client())
    _, page = later.get(f"/again/{token}")
    response = later.client.post(f"/again/{token}", data={"csrf_token": csrf_token(page)})
    response, _ = later.submit(response.location, {"symptoms": ["none"]})  # asked afresh
    _, age = later.get(response.location)
    assert "Filled in from your last check." in text_of(age.find(".//main"))
    response, _ = later.submit(response.location, {"age_unknown": "y"})
    _, route = later.get(response.location)
    assert route.find(".//input[@name='route'][@value='oral']").get("checked") is not None
    assert "Filled in from your last check." in text_of(route.find(".//main"))


def test_a_re_check_done_near_its_time_counts_for_it(clinic, monkeypatch):
    journey = Journey(clinic.test_client())
    first = _saved(clinic, walk(journey, MISSED))
    _, tree = journey.get(f"/result/{first.public_id}")
    token = tree.find(".//a[@id='check-again-link']").get("href").rsplit(
        "/", 1)[1]
    eleven = as_utc(first.created_at) + timedelta(hours=11)
    monkeypatch.setattr("screener.alerts.rechecks.utc_now", lambda: eleven)
    later = Journey(clinic.test_client())
    _, page = later.get(f"/again/{token}")
    response = later.client.post(f"/again/{token}", data={"csrf_token": csrf_token(page)})
    made = _saved(clinic, walk_from(later, response.location, MISSED))
    with clinic.app_context():
        states = [(r.state, r.done_screening_id) for r in db.session.scalars(
            db.select(Recheck).order_by(Recheck.due_at))]
    assert states == [("done", made.id), ("pending", None), ("pending", None),
                      ("pending", None)]
    _, tree = later.get(f"/result/{made.public_id}")
    assert "Check again" in text_of(tree.find(".//main"))  # the rest of the series, shown


def test_a_missed_re_check_opens_a_call_when_a_number_was_left(clinic, monkeypatch):
    journey = Journey(clinic.test_client())
    with_number = _saved(clinic, walk(journey, {**MISSED, "callback_phone": "07700 900123"}))
    without = _saved(clinic, walk(Journey(clinic.test_client()), MISSED))
    with clinic.app_context():
        nurse = User(username="nina", name="Nina", role="triage", password_hash="x")
        db.session.add(nurse)
        for screening in (with_number, without):
            assert workflow.close(db.session.get(Screening, screening.id), nurse, "advice_given")
        db.session.commit()
        late = as_utc(with_number.created_at) + timedelta(hours=12 + 4, minutes=1)
        assert open_missed(True, now=late - timedelta(minutes=2)) == 0  # not yet
        assert open_missed(True, now=late) == 2
        assert db.session.get(Screening, with_number.id).status == "open"  # a call to make
        assert db.session.get(Screening, without.id).status == "closed"  # nobody to call
        assert open_missed(True, now=late) == 0  # once


def test_the_worker_s_sweep_opens_the_missed_calls(clinic, monkeypatch):
    journey = Journey(clinic.test_client())
    made = _saved(clinic, walk(journey, {**MISSED, "callback_phone": "07700 900123"}))
    later = as_utc(made.created_at) + timedelta(hours=17)
    monkeypatch.setattr("screener.alerts.rechecks.utc_now", lambda: later)
    clinic.extensions["queue"].sweep_alerts.call_local()
    with clinic.app_context():
        assert db.session.scalars(db.select(Recheck.state).order_by(Recheck.due_at)).first() \
            == "missed"


@pytest.mark.parametrize("token", ["0" * 32, "x", "a" * 65])
def test_a_link_that_is_not_one_or_has_ended_is_not_found(clinic, token, monkeypatch):
    client = clinic.test_client()
    assert client.get(f"/again/{token}").status_code == 404
    journey = Journey(client)
    first = _saved(clinic, walk(journey, MISSED))
    _, tree = journey.get(f"/result/{first.public_id}")
    real = re.search(r"/again/([0-9a-f]{32})", tree.find(
        ".//a[@id='check-again-link']").get("href")).group(1)
    assert client.get(f"/again/{real}").status_code == 200
    ended = as_utc(first.created_at) + timedelta(hours=72 + 4, minutes=1)
    monkeypatch.setattr("screener.alerts.rechecks.utc_now", lambda: ended)
    assert client.get(f"/again/{real}").status_code == 404


def test_the_worklist_says_why_a_closed_check_came_back(clinic):
    from tests.pages import add_user, sign_in

    made = _saved(clinic, walk(Journey(clinic.test_client()),
                               {**MISSED, "callback_phone": "07700 900123"}))
    with clinic.app_context():
        nurse = User(username="nina", name="Nina", role="triage", password_hash="x")
        db.session.add(nurse)
        workflow.close(db.session.get(Screening, made.id), nurse, "advice_given")
        db.session.commit()
        open_missed(True, now=as_utc(made.created_at) + timedelta(hours=17))
    add_user(clinic, "tess", "triage")
    staff = Journey(clinic.test_client())
    sign_in(staff, "tess")
    _, tree = staff.get("/staff/")
    status = text_of(tree.find(".//td[@data-label='Status']"))
    assert status.startswith("Open") and "not done: call" in status
    _, page = staff.get(f"/staff/screenings/{made.public_id}")
    assert "not done: call them" in text_of(page.find(".//main"))


def test_changing_the_answers_keeps_the_check_in_its_series(clinic):
    """"Change your answers" on a check with re-checks makes a new check in the same series,
    never a second series (whose first re-check would be missed and open a call)."""
    from tests.journeys import page_data

    journey = Journey(clinic.test_client())
    first = _saved(clinic, walk(journey, {**MISSED, "callback_phone": "07700 900123"}))
    _, tree = journey.get(f"/result/{first.public_id}")
    changing = journey.client.post(f"/result/{first.public_id}/change",
                                   data={"csrf_token": csrf_token(tree)})
    response, _ = journey.submit(changing.location, page_data("about", MISSED))
    changed = _saved(clinic, response.location)
    assert changed.id != first.id
    with clinic.app_context():
        owners = {r.screening_id for r in db.session.scalars(db.select(Recheck))}
        assert owners == {first.id}
    _, tree = journey.get(response.location)
    assert tree.find(".//a[@id='check-again-link']") is not None  # the series' link, still
