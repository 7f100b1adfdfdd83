"""Call attempts (issue 24, item 5): no answer, a voicemail and a wrong number are recorded
as what they are, not as "Other"; the first two ask when to try again, and the screening
page shows that time."""

from __future__ import annotations

from datetime import timedelta

from screener.db import db
from screener.models import ScreeningAction, as_utc
from tests.journeys import OUTCOMES
from tests.pages import text_of
from tests.staff.factories import post_form, queue_ids, submit


def test_no_answer_is_recorded_with_the_time_to_try_again(app, client, staff):
    journey = staff("triage", "tom")
    public_id = submit(client, OUTCOMES["urgent"])
    page = f"/staff/screenings/{public_id}"
    response = post_form(journey, page, f"{page}/actions",
                         {"kind": "no_answer", "next_try": "30", "then": "save"})
    assert response.status_code == 302
    with app.app_context():
        action = db.session.scalars(db.select(ScreeningAction)).one()
        assert action.kind == "no_answer"
        assert as_utc(action.next_try_at) - as_utc(action.at) == timedelta(minutes=30)
    _, tree = journey.get(page)
    shown = text_of(tree.find(".//main"))
    assert "Called: no answer" in shown and "Try again at" in shown


def test_no_answer_without_a_time_to_try_again_is_refused_by_name(app, client, staff):
    journey = staff("triage", "tom")
    public_id = submit(client, OUTCOMES["urgent"])
    page = f"/staff/screenings/{public_id}"
    response = post_form(journey, page, f"{page}/actions", {"kind": "voicemail",
                                                            "then": "save"})
    assert response.status_code == 400
    assert "Choose when to try again after no answer or a voicemail" in response.get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(ScreeningAction)).all() == []


def _attempt(staff, client, kind: str, next_try: str):
    """A call attempt recorded on a new urgent screening; returns the journey."""
    journey = staff("triage", "tom")
    page = f"/staff/screenings/{submit(client, OUTCOMES['urgent'])}"
    post_form(journey, page, f"{page}/actions", {"kind": kind, "next_try": next_try,
                                                 "then": "save"})
    return journey


def test_a_wrong_number_needs_no_time_to_try_again(app, client, staff):
    _attempt(staff, client, "wrong_number", "15")
    with app.app_context():
        action = db.session.scalars(db.select(ScreeningAction)).one()
        assert (action.kind, action.next_try_at) == ("wrong_number", None)


def test_the_queue_says_who_can_be_called_and_keeps_those_it_cannot_in_their_own_lane(
        app, client, staff):
    """UX walk 2, finding 4: the one urgent check with a number came as row 7, under early
    exits nobody could call. Those with no number have a lane of their own."""
    journey = staff("triage", "tom")
    with_number = submit(client, OUTCOMES["urgent"], number="07700 900123")
    without = submit(client, OUTCOMES["emergency"], number=None)
    _, tree = journey.get("/staff/")
    contacts = [text_of(td) for td in tree.iterfind(".//td[@data-label='Contact']")]
    assert contacts == ["Call back, ends 123"]
    assert not any("07700" in c for c in contacts)  # the ending only, on a shared screen
    lanes = [text_of(a) for a in tree.iterfind(".//nav[@id='queue-lanes']//a")]
    assert lanes == ["To call (1)", "No number to call (1)"]
    assert queue_ids(tree) == [with_number]
    _, tree = journey.get("/staff/?lane=no_number")
    assert queue_ids(tree) == [without]
    assert [text_of(td) for td in tree.iterfind(".//td[@data-label='Contact']")] == [
        "No number"]
    _, tree = journey.get("/staff/?lane=sideways", error=True)
    link, = tree.findall(".//ul[@class='error-summary-list']//a")
    assert text_of(link) == "Select one of the answers shown"
    assert tree.find(f".//*[@id='{link.get('href')[1:]}']").tag == "a"  # the first lane
    assert queue_ids(tree) == [with_number]  # the default lane behind the message


def test_the_queue_shows_when_to_try_again(app, client, staff):
    journey = _attempt(staff, client, "voicemail", "60")
    _, tree = journey.get("/staff/")
    status = text_of(tree.find(".//td[@data-label='Status']"))
    assert "Called: left a voicemail; try again" in status
    with app.app_context():
        action = db.session.scalars(db.select(ScreeningAction)).one()
        from screener.web.formatting import clock_time, on_service_clock
        with app.test_request_context():
            assert clock_time(on_service_clock(action.next_try_at)) in status
