"""Call attempts (issue 24, item 5): no answer, a voicemail and a wrong number are recorded
as what they are, not as "Other"; the first two ask when to try again, and the screening
page shows that time."""

from __future__ import annotations

from datetime import timedelta

from screener.db import db
from screener.models import Screening, ScreeningAction, as_utc
from tests.journeys import OUTCOMES
from tests.pages import text_of
from tests.staff.factories import post_form, submit


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


def test_a_wrong_number_needs_no_time_to_try_again(app, client, staff):
    journey = staff("triage", "tom")
    public_id = submit(client, OUTCOMES["urgent"])
    page = f"/staff/screenings/{public_id}"
    post_form(journey, page, f"{page}/actions", {"kind": "wrong_number", "next_try": "15",
                                                 "then": "save"})
    with app.app_context():
        action = db.session.scalars(db.select(ScreeningAction)).one()
        assert (action.kind, action.next_try_at) == ("wrong_number", None)


def test_the_queue_says_who_can_be_called(app, client, staff):
    journey = staff("triage", "tom")
    with_number = submit(client, OUTCOMES["urgent"])
    submit(client, OUTCOMES["urgent"])
    with app.app_context():
        db.session.execute(db.update(Screening).where(Screening.public_id == with_number)
                           .values(callback_phone="07700 900123"))
        db.session.commit()
    _, tree = journey.get("/staff/")
    contacts = [text_of(td) for td in tree.iterfind(".//td[@data-label='Contact']")]
    assert sorted(c.split("Respondent")[0].strip() for c in contacts) == [
        "Call back on the number ending 123", "No number"]
    assert not any("07700" in c for c in contacts)  # the ending only, on a shared screen
