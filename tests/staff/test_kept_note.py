"""A session that ends mid-call (issue 24, item 5; UX walk 2, finding 5): the note being sent
is kept through signing in again, for the same nurse only, and nothing is recorded until it
is saved; the page's timeout warning asks how long is left without counting as activity."""

from __future__ import annotations

import time

import pytest

from screener.db import db
from screener.models import Draft, ScreeningAction
from screener.staff.accounts import IDLE_MINUTES
from tests.journeys import OUTCOMES
from tests.pages import PASSWORD, add_user, csrf_token, text_of
from tests.staff.factories import submit

NOTE = "Spoke to her husband: the pump alarm has beeped since lunch; coming in at 4"


def _go_idle(client) -> None:
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - IDLE_MINUTES * 60 - 5


def _send_after_the_end(client, staff, who: str = "nina", polled: bool = False):
    journey = staff("triage", who)
    public_id = submit(client, OUTCOMES["urgent"])
    page = f"/staff/screenings/{public_id}"
    _, tree = journey.get(page)
    _go_idle(client)
    if polled:  # the warning's (or the queue's) poll ended the session before the send
        assert client.get("/staff/session").get_json() == {"seconds_left": 0}
    response = client.post(f"{page}/actions", data={
        "kind": "no_answer", "next_try": "30", "note": NOTE, "then": "save",
        "csrf_token": csrf_token(tree)})
    return journey, page, response


@pytest.mark.parametrize("polled", [False, True])
def test_a_note_sent_after_the_session_ended_comes_back_after_signing_in(app, client, staff,
                                                                        polled):
    journey, page, response = _send_after_the_end(client, staff, polled=polled)
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in?next=")
    assert page in response.location and "actions" not in response.location
    with app.app_context():
        assert db.session.scalars(db.select(ScreeningAction)).all() == []  # nothing saved
    _, tree = journey.get(response.location)
    assert "What you typed is kept" in text_of(tree.find(".//main"))
    landed, _ = journey.submit(response.location, {"username": "nina", "password": PASSWORD})
    assert landed.location == page  # back where the note was typed, not the start page
    _, tree = journey.get(page)
    assert text_of(tree.find(".//textarea[@name='note']")) == NOTE
    assert tree.find(".//input[@name='kind'][@value='no_answer']").get("checked") is not None
    assert tree.find(".//input[@name='next_try'][@value='30']").get("checked") is not None
    assert "Not saved yet." in text_of(tree.find(".//*[@id='kept-note']"))
    _, again = journey.get(page)  # given back once: the form holds it now
    assert again.find(".//*[@id='kept-note']") is None
    with app.app_context():
        assert db.session.scalars(db.select(Draft)).all() == []


def test_someone_else_signing_in_on_that_browser_does_not_get_the_note(app, client, staff):
    journey, page, response = _send_after_the_end(client, staff)
    add_user(app, "omar", "triage")
    landed, _ = journey.submit(response.location, {"username": "omar", "password": PASSWORD})
    assert landed.location == page
    _, tree = journey.get(page)
    assert text_of(tree.find(".//textarea[@name='note']")) == ""
    assert tree.find(".//*[@id='kept-note']") is None
    with app.app_context():
        assert db.session.scalars(db.select(Draft)).all() == []  # and it is gone


def test_the_warning_asks_how_long_is_left_without_keeping_the_session_alive(app, client,
                                                                            staff):
    journey = staff("triage", "nina")
    _, tree = journey.get("/staff/")
    warning = tree.find(".//*[@id='timeout-warning']")
    assert warning.get("hidden") is not None and warning.get("role") == "alert"
    left = client.get("/staff/session").get_json()["seconds_left"]
    assert IDLE_MINUTES * 60 - 5 <= left <= IDLE_MINUTES * 60
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - (IDLE_MINUTES - 1) * 60
    left = client.get("/staff/session").get_json()["seconds_left"]
    assert 55 <= left <= 60
    assert client.get("/staff/session").get_json()["seconds_left"] <= 60  # not activity
    stayed = client.post("/staff/session", headers={"Accept": "application/json"},
                         data={"csrf_token": csrf_token(tree)})
    assert stayed.get_json() == {"seconds_left": IDLE_MINUTES * 60}
    assert client.get("/staff/session").get_json()["seconds_left"] >= IDLE_MINUTES * 60 - 5
    assert client.post("/staff/session", data={}).status_code == 400  # no CSRF token: refused
    _go_idle(client)
    assert client.get("/staff/session").get_json() == {"seconds_left": 0}


def test_a_note_for_a_check_closed_meanwhile_is_shown_not_lost(app, client, staff):
    from screener import workflow
    from screener.models import Screening, User

    journey, page, response = _send_after_the_end(client, staff)
    with app.app_context():
        screening = db.session.scalars(db.select(Screening)).one()
        other = User(username="olga", name="Olga", role="triage", password_hash="x")
        db.session.add(other)
        assert workflow.close(screening, other, "advice_given")
        db.session.commit()
    journey.submit(response.location, {"username": "nina", "password": PASSWORD})
    _, tree = journey.get(page)
    kept = text_of(tree.find(".//*[@id='kept-note']"))
    assert "Not saved: this check was closed while you were signed out." in kept
    assert NOTE in kept


def test_a_page_left_open_for_hours_after_the_time_out_keeps_nothing(app, client, staff):
    journey = staff("triage", "nina")
    public_id = submit(client, OUTCOMES["urgent"])
    page = f"/staff/screenings/{public_id}"
    _, tree = journey.get(page)
    _go_idle(client)
    client.get("/staff/session")  # the poll ends the session
    with client.session_transaction() as session:
        who, when = session["timed_out_user"]
        session["timed_out_user"] = [who, when - 2 * 3600]  # two hours later, someone types
    response = client.post(f"{page}/actions", data={"kind": "other", "note": "Not hers",
                                                    "then": "save",
                                                    "csrf_token": csrf_token(tree)})
    assert response.status_code == 302 and "/staff/sign-in" in response.location
    with app.app_context():
        assert db.session.scalars(db.select(Draft)).all() == []
