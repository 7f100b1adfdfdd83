"""The caregiver's short reference (issue 23, item 2; UX walk 2, finding 3): drawn again when
taken, shown on the result after the heading and the call button, honest about who can look
it up, and never what opens the result page."""

from __future__ import annotations

import pytest

import screener.screenings
from screener.db import db
from screener.models import Screening
from screener.reference_codes import grouped
from screener.web.service_profile import load_profile
from tests.journeys import CLINIC, OUTCOMES, walk
from tests.pages import Journey, text_of
from tests.staff.factories import CAREGIVER_URGENT, SOON, submit


def _stored(app) -> list[tuple[str, str]]:
    """(public id, reference) of every screening, oldest first."""
    with app.app_context():
        return [tuple(row) for row in db.session.execute(db.select(
            Screening.public_id, Screening.reference_code).order_by(Screening.id))]


def _draws(monkeypatch, *codes: str) -> None:
    """The next references drawn are `codes`, in order."""
    drawn = iter(codes)
    monkeypatch.setattr(screener.screenings, "new_reference_code", lambda: next(drawn))


def test_a_reference_already_taken_is_drawn_again_by_the_api(db_app, monkeypatch):
    client = db_app.test_client()
    submit(client, CAREGIVER_URGENT)
    [(_, taken)] = _stored(db_app)
    _draws(monkeypatch, taken, taken, "KD7P3XHM")
    second = client.post("/api/v1/screenings", json=SOON)
    assert second.status_code == 201 and second.json["reference"] == "KD7P3XHM"
    assert [code for _, code in _stored(db_app)] == [taken, "KD7P3XHM"]


def test_the_api_gives_up_rather_than_store_a_reference_twice(db_app, monkeypatch):
    client = db_app.test_client()
    submit(client, CAREGIVER_URGENT)
    [(_, taken)] = _stored(db_app)
    _draws(monkeypatch, *[taken] * screener.screenings.CODE_ATTEMPTS)
    db_app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/api/v1/screenings", json=SOON).status_code in (500, 503)
    assert len(_stored(db_app)) == 1


def test_a_reference_already_taken_is_drawn_again_by_the_web_journey(db_app, monkeypatch):
    client = db_app.test_client()
    submit(client, CAREGIVER_URGENT)
    [(_, taken)] = _stored(db_app)
    _draws(monkeypatch, taken, "KD7P3XHM")
    path = walk(Journey(client), OUTCOMES["soon"])
    assert _stored(db_app)[1] == (path.rsplit("/", 1)[1], "KD7P3XHM")


def _reference_panel(client, answers):
    journey = Journey(client)
    path = walk(journey, answers)
    _, tree = journey.get(path)
    return path, tree, tree.find(".//main//div[@class='panel-reference']")


@pytest.mark.parametrize("level", ["emergency", "urgent", "soon", "routine"])
def test_the_result_shows_the_short_reference_after_the_heading_and_the_call(app, client,
                                                                            level):
    path, tree, panel = _reference_panel(client, OUTCOMES[level])
    [(public_id, code)] = _stored(app)
    assert path == f"/result/{public_id}"
    shown = text_of(panel.find(".//strong[@class='reference-code']"))
    assert shown == grouped(code) and public_id not in text_of(tree.find(".//main"))
    order = [e for e in tree.find(".//main").iter()
             if e.tag == "h1" or e is panel or (e.get("href") or "").startswith("tel:")]
    assert order[0].tag == "h1" and order.index(panel) > 0
    if level == "emergency":  # the call button comes before the reference
        assert "button-call" in order[1].get("class", "")
        assert order.index(panel) > 1


def test_an_early_exit_emergency_shows_the_short_reference_too(app, client):
    journey = Journey(client)
    response, _ = journey.submit(journey.start(), {"symptoms": ["reduced_consciousness"]})
    _, tree = journey.get(response.location)
    [(public_id, code)] = _stored(app)
    panel = tree.find(".//main//div[@class='panel-reference']")
    assert grouped(code) in text_of(panel) and public_id not in text_of(tree.find(".//main"))


def test_without_a_clinic_that_reads_checks_no_look_up_is_promised(client):
    _, tree, panel = _reference_panel(client, OUTCOMES["urgent"])
    words = text_of(panel)
    assert "Nobody here can look it up" in words and "find your answers" not in words
    assert "the reference above" not in text_of(tree.find(".//main"))


def test_a_clinic_that_reads_checks_is_named_as_the_one_who_can_look_it_up(app, client):
    app.extensions["service"] = load_profile(CLINIC)
    _, _, panel = _reference_panel(client, OUTCOMES["urgent"])
    assert ("Give this reference to the Example pump clinic: they can find your answers "
            "with it.") in text_of(panel)


def test_the_short_reference_never_opens_the_result_page(app, client):
    path, _, _ = _reference_panel(client, OUTCOMES["soon"])
    [(_, code)] = _stored(app)
    assert client.get(path).status_code == 200
    for typed in (code, code.lower(), grouped(code), f"{code[:4]}-{code[4:]}"):
        assert client.get(f"/result/{typed}").status_code == 404, typed
        assert client.get(f"/api/v1/screenings/{typed}").status_code == 404, typed
