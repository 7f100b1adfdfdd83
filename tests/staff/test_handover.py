"""The handover (issue 24, item 6): the incoming clinician reads and gives an owner on the
new shift to every open urgent or emergency check; it cannot close while one is unread or
owned by someone not on the shift, and a check that arrives meanwhile is not handed over
unseen."""

from __future__ import annotations

from screener import workflow
from screener.db import db
from screener.models import Handover, Screening, User
from tests.journeys import OUTCOMES
from tests.pages import add_user, csrf_token, parse, text_of
from tests.staff.factories import audit_rows, submit


def _user(app, username: str) -> int:
    with app.app_context():
        return db.session.scalars(db.select(User.id).filter_by(username=username)).one()


def _claim(app, public_id: str, username: str) -> None:
    with app.app_context():
        screening = db.session.scalars(db.select(Screening).filter_by(public_id=public_id)).one()
        user = db.session.get(User, _user(app, username))
        assert workflow.claim(screening, user)
        db.session.commit()


def _send(journey, data: dict):
    _, tree = journey.get("/staff/handover")
    shown = tree.find(".//input[@name='shown']").get("value")
    return journey.client.post("/staff/handover", data={
        "csrf_token": csrf_token(tree), "shown": shown, **data}), tree


def test_the_handover_lists_every_open_urgent_check_and_only_those(app, client, staff):
    emergency = submit(client, OUTCOMES["emergency"], number=None)
    urgent = submit(client, OUTCOMES["urgent"])
    submit(client, OUTCOMES["soon"])
    journey = staff("triage", "ines")
    _, tree = journey.get("/staff/handover")
    links = [a.get("href") for a in tree.iterfind(".//div[@class='handover-check']//h3/a")]
    assert links == [f"/staff/screenings/{emergency}", f"/staff/screenings/{urgent}"]
    assert "2 open urgent or emergency checks" in text_of(tree.find(".//main"))


def test_it_cannot_close_while_a_check_is_unread_or_owned_off_shift(app, client, staff):
    first = submit(client, OUTCOMES["urgent"])
    second = submit(client, OUTCOMES["emergency"])
    add_user(app, "otto", "triage")  # the outgoing nurse, who claimed one
    _claim(app, first, "otto")
    journey = staff("triage", "ines")
    ines = _user(app, "ines")
    otto = _user(app, "otto")
    # The emergency is first (the queue's order): read it, give it to ines; the urgent one is
    # left unread and still with otto, who is not on the new shift.
    response, _ = _send(journey, {"read_0": "y", "owner_0": str(ines),
                                  "owner_1": str(otto)})
    assert response.status_code == 400
    tree_text = response.get_data(as_text=True)
    assert "Tick that you have read the urgent check from" in tree_text
    assert "Otto Triage is not on the new shift: choose someone who is" in tree_text
    with app.app_context():
        assert db.session.scalars(db.select(Handover)).all() == []
        kept = db.session.scalars(db.select(Screening).filter_by(public_id=first)).one()
        assert kept.claimed_by_id == otto  # nothing changed
    response, _ = _send(journey, {"read_0": "y", "owner_0": str(ines), "read_1": "y",
                                  "owner_1": str(otto), "on_shift": str(otto)})
    assert response.status_code == 302  # otto stays on: he may keep his check
    with app.app_context():
        handover, = db.session.scalars(db.select(Handover)).all()
        assert handover.user_id == ines and sorted(handover.on_shift) == sorted([ines, otto])
        owners = {row["screening"]: row["owner"] for row in handover.items}
        assert owners == {second: ines, first: otto}
        given = db.session.scalars(db.select(Screening).filter_by(public_id=second)).one()
        assert (given.status, given.claimed_by_id) == ("claimed", ines)
        assert [a.kind for a in given.actions] == ["handed_over"]
    assert "handover" in [e.action for e in audit_rows(app)]


def test_a_check_that_arrives_during_the_handover_is_not_handed_over_unseen(app, client,
                                                                           staff):
    submit(client, OUTCOMES["urgent"])
    journey = staff("triage", "ines")
    ines = _user(app, "ines")
    _, tree = journey.get("/staff/handover")
    submit(client, OUTCOMES["emergency"])  # arrives while the page is being read
    response = client.post("/staff/handover", data={
        "csrf_token": csrf_token(tree), "shown": tree.find(".//input[@name='shown']")
        .get("value"), "read_0": "y", "owner_0": str(ines)})
    assert response.status_code == 400
    assert "The open urgent checks changed while you were reading" in response.get_data(
        as_text=True)
    # The emergency is now the first row: the tick given to the old first row is not carried
    # over to it (it would be handed over unread by sending the form again).
    again = parse(response.data)
    assert again.find(".//input[@id='read_0']").get("checked") is None
    assert again.find(".//input[@id='read_1']").get("checked") is None
    with app.app_context():
        assert db.session.scalars(db.select(Handover)).all() == []


def test_with_nothing_open_the_handover_closes_at_once(app, client, staff):
    journey = staff("triage", "ines")
    response, tree = _send(journey, {})
    assert "there is nothing to hand over" in text_of(tree.find(".//main"))
    assert response.status_code == 302
