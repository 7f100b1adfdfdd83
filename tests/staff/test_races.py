"""No lost updates: claim, act and close race each other on both databases, and exactly one
wins; the other person is told someone else changed the screening (red team M4)."""

from __future__ import annotations

import threading

import pytest

from screener.db import db
from screener.models import Screening
from tests.pages import Journey, add_user, csrf_token, sign_in
from tests.staff.factories import CAREGIVER_URGENT, submit

ROUNDS = 12


def _signed_in(app, username: str, role: str) -> Journey:
    add_user(app, username, role)
    journey = Journey(app.test_client())
    assert sign_in(journey, username).status_code == 302
    return journey


def _race(*posts):
    """Run each (journey, path, data) at the same moment; return the flashed messages."""
    prepared = []
    for journey, path, data in posts:
        _, tree = journey.get(path.rsplit("/", 1)[0])  # the screening page holds the token
        prepared.append((journey, path, {**data, "csrf_token": csrf_token(tree)}))
    start = threading.Barrier(len(prepared))
    said = [None] * len(prepared)

    def run(index, journey, path, data):
        start.wait()
        response = journey.client.post(path, data=data)
        assert response.status_code == 302, response.status_code
        with journey.client.session_transaction() as session:
            said[index] = [message for _, message in session.get("_flashes", [])]

    threads = [threading.Thread(target=run, args=(i, *p)) for i, p in enumerate(prepared)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return said


def _stored(app, public_id: str) -> Screening:
    with app.app_context():
        found = db.session.execute(db.select(Screening).filter_by(public_id=public_id)
                                   ).scalar_one()
        db.session.expunge(found)
        return found


def test_a_claim_racing_a_close_never_reopens_it(db_app):
    triage = _signed_in(db_app, "tom", "triage")
    clinic = _signed_in(db_app, "cath", "clinic")
    outcomes = set()
    for _ in range(ROUNDS):
        public_id = submit(db_app.test_client(), CAREGIVER_URGENT)
        page = f"/staff/screenings/{public_id}"
        said = _race((clinic, f"{page}/actions", {"kind": "advice_given", "then": "close"}),
                     (triage, f"{page}/claim", {}))
        stored = _stored(db_app, public_id)
        assert stored.status == "closed" and stored.closed_by_id is not None, said
        claim_said = said[1][0]
        assert claim_said in ("You have claimed this screening.",
                              "Cath Clinic closed this screening first."), claim_said
        outcomes.add(claim_said)
    assert outcomes  # each round ended closed, whichever came first


def test_two_claims_at_once_have_one_winner(db_app):
    first = _signed_in(db_app, "tom", "triage")
    second = _signed_in(db_app, "tess", "triage")
    for _ in range(ROUNDS):
        public_id = submit(db_app.test_client(), CAREGIVER_URGENT)
        page = f"/staff/screenings/{public_id}"
        said = _race((first, f"{page}/claim", {}), (second, f"{page}/claim", {}))
        flat = [messages[0] for messages in said]
        assert flat.count("You have claimed this screening.") == 1, flat
        loser = next(m for m in flat if m != "You have claimed this screening.")
        assert loser.endswith("claimed this screening first."), loser
        winner = 0 if flat[0] == "You have claimed this screening." else 1
        with db_app.app_context():
            claimed_by = db.session.execute(db.select(Screening).filter_by(
                public_id=public_id)).scalar_one().claimed_by.username
        assert claimed_by == ("tom", "tess")[winner]


@pytest.mark.parametrize("then", ["save", "close"])
def test_an_action_on_a_screening_closed_meanwhile_changes_nothing(db_app, then):
    clinic = _signed_in(db_app, "cath", "clinic")
    triage = _signed_in(db_app, "tom", "triage")
    public_id = submit(db_app.test_client(), CAREGIVER_URGENT)
    page = f"/staff/screenings/{public_id}"
    _, tree = triage.get(page)  # Tom has the page open...
    token = csrf_token(tree)
    _race((clinic, f"{page}/actions", {"kind": "advice_given", "then": "close"}))
    response = triage.client.post(f"{page}/actions", data={  # ...and sends it after the close
        "kind": "called_back", "then": then, "csrf_token": token})
    assert response.status_code == 302
    with triage.client.session_transaction() as session:
        said = [message for _, message in session["_flashes"]]
    assert said == ["Cath Clinic closed this screening first. Nothing was changed."]
    with db_app.app_context():
        stored = db.session.execute(db.select(Screening).filter_by(public_id=public_id)
                                    ).scalar_one()
        assert [a.kind for a in stored.actions] == ["advice_given"]
        assert stored.closed_by.username == "cath"
