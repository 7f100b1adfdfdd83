"""The first thing on every outcome is its action (issue 23, item 1; UX walk 2, finding 2):
whom to call now, from the level, the service profile and the clock, with a tap-to-call
button, and the emergency number when nobody answers. Every branch, without a browser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from screener.journey import views
from screener.journey.outcome_action import action_for, clinic_hours
from screener.web.service_profile import load_profile
from tests.journeys import CLINIC, OUTCOMES, walk
from tests.pages import Journey, text_of

WEEKDAYS = {day: "08:00-18:00" for day in ("monday", "tuesday", "wednesday", "thursday",
                                           "friday")}
OUT_OF_HOURS = {"out_of_hours_name": "NHS 111", "out_of_hours_phone": "111"}
UK = {**CLINIC, "opening_hours": WEEKDAYS, **OUT_OF_HOURS}
UK_NO_111 = {**CLINIC, "opening_hours": WEEKDAYS}
MONDAY_10AM = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
MONDAY_7PM = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)
SATURDAY_2AM = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)
JULY_MONDAY_5PM = datetime(2026, 7, 6, 16, 0, tzinfo=UTC)  # 5pm BST


def _numbers(calls) -> list[str]:
    return [call.tel for call in calls]


@pytest.fixture
def words(app):
    """Actions worded as a page would word them (gettext, dates), for a profile and a time."""
    with app.test_request_context():
        yield lambda level, raw, now: action_for(level, load_profile(raw), now)


def test_emergency_offers_the_emergency_numbers_and_nothing_else(words):
    action = words("emergency", UK, MONDAY_10AM)
    assert _numbers(action.now.calls) == ["tel:999"] and action.otherwise is None
    assert _numbers(words("emergency", None, MONDAY_10AM).now.calls) == [
        "tel:999", "tel:911", "tel:112"]


def test_urgent_with_the_clinic_open_calls_the_clinic_then_999(words):
    action = words("urgent", UK, MONDAY_10AM)
    assert action.now.text == "Call the Example pump clinic now."
    assert _numbers(action.now.calls) == ["tel:01614960000"]
    assert action.now.hint == "Open until 6pm today."
    assert action.otherwise.text == ("If you cannot speak to anyone within an hour, call the "
                                     "emergency number:")
    assert _numbers(action.otherwise.calls) == ["tel:999"]
    assert [c.emergency for c in action.now.calls + action.otherwise.calls] == [False, True]


def test_urgent_in_summer_reads_the_hours_in_bst(words):
    assert words("urgent", UK, JULY_MONDAY_5PM).now.hint == "Open until 6pm today."


def test_urgent_with_the_clinic_closed_calls_111_then_999(words):
    action = words("urgent", UK, SATURDAY_2AM)
    assert action.now.text == "The clinic is closed now. Call NHS 111 now."
    assert _numbers(action.now.calls) == ["tel:111"]
    assert action.now.hint == "The clinic opens Monday at 8am."
    assert _numbers(action.otherwise.calls) == ["tel:999"]


def test_urgent_with_the_clinic_closed_and_no_out_of_hours_service_offers_999(words):
    action = words("urgent", UK_NO_111, MONDAY_7PM)
    assert action.now.text == ("The clinic is closed now. If you cannot speak to their doctor "
                               "within an hour, call the emergency number:")
    assert _numbers(action.now.calls) == ["tel:999"]
    assert action.now.hint == "The clinic opens tomorrow at 8am."


def test_urgent_with_hours_only_in_words_calls_the_clinic_and_says_its_hours(words):
    action = words("urgent", {**CLINIC, **OUT_OF_HOURS}, SATURDAY_2AM)  # open: not known
    assert _numbers(action.now.calls) == ["tel:01614960000"]
    assert action.now.hint == "Open Monday to Friday, 8am to 6pm."
    assert _numbers(action.otherwise.calls) == ["tel:999"]


def test_urgent_with_only_an_out_of_hours_number_calls_it_at_any_hour(words):
    action = words("urgent", OUT_OF_HOURS, MONDAY_10AM)
    assert action.now.text == "Call NHS 111 now."
    assert _numbers(action.now.calls) == ["tel:111"]


def test_urgent_with_no_numbers_set_offers_the_emergency_number_for_that_case(words):
    action = words("urgent", None, MONDAY_10AM)
    assert action.now.text.startswith("Call the pump clinic or the doctor who prescribes "
                                      "baclofen now. If you cannot reach them within an hour, "
                                      "call the emergency number:")
    assert _numbers(action.now.calls) == ["tel:999", "tel:911", "tel:112"]
    assert [c.where for c in action.now.calls] == ["the UK", "the US", "Europe"]


@pytest.mark.parametrize(("raw", "now", "text", "tel", "hint"), [
    (UK, MONDAY_10AM, "Call the Example pump clinic today.", "tel:01614960000",
     "Open until 6pm today."),
    (UK, MONDAY_7PM, "Call the Example pump clinic when it opens, tomorrow at 8am.",
     "tel:01614960000", None),
    (UK, SATURDAY_2AM, "Call NHS 111 within 24 hours: the clinic is closed until then.",
     "tel:111", "The clinic opens Monday at 8am."),
    (UK_NO_111, SATURDAY_2AM, "Call the Example pump clinic as soon as it opens.",
     "tel:01614960000", "The clinic opens Monday at 8am."),
    (CLINIC, SATURDAY_2AM, "Call the Example pump clinic within 24 hours.",
     "tel:01614960000", "Open Monday to Friday, 8am to 6pm."),
])
def test_soon_says_whom_to_call_and_by_when(words, raw, now, text, tel, hint):
    action = words("soon", raw, now)
    assert (action.now.text, _numbers(action.now.calls), action.now.hint) == (text, [tel], hint)
    assert action.otherwise is None


def test_soon_and_routine_without_a_clinic_number_say_what_to_do_with_nothing_to_tap(words):
    soon = words("soon", None, MONDAY_10AM)
    assert soon.now.text == ("Call the pump clinic or the doctor who prescribes baclofen within "
                             "24 hours.") and soon.now.calls == ()
    routine = words("routine", None, MONDAY_10AM)
    assert routine.now.text.startswith("Keep to the plan.") and routine.now.calls == ()


def test_routine_keeps_to_the_plan_with_the_clinic_a_tap_away(words):
    action = words("routine", UK, SATURDAY_2AM)
    assert action.now.text == ("Keep to the plan. If anything changes or you are worried, call "
                               "the Example pump clinic.")
    assert _numbers(action.now.calls) == ["tel:01614960000"]
    assert action.now.hint == "The clinic opens Monday at 8am."


def test_the_hours_in_words_come_from_the_structure_unless_the_profile_words_them(app):
    with app.test_request_context():
        assert clinic_hours(load_profile({"opening_hours": {
            **WEEKDAYS, "saturday": "09:00-12:30", "sunday": "10:00-24:00"}})) == (
            "Monday to Friday, 8am to 6pm; Saturday, 9am to 12:30pm; Sunday, 10am to midnight")
        assert clinic_hours(load_profile(UK)) == "Monday to Friday, 8am to 6pm"  # CLINIC's
        assert clinic_hours(load_profile(None)) is None


def _outcome(app, client, monkeypatch, level: str, raw, now: datetime):
    app.extensions["service"] = load_profile(raw)
    monkeypatch.setattr(views, "utc_now", lambda: now)  # the clock the outcome reads
    journey = Journey(client)
    _, tree = journey.get(walk(journey, OUTCOMES[level]))
    return tree


def test_the_action_comes_straight_after_the_heading_with_its_call_button(
        app, client, monkeypatch):
    tree = _outcome(app, client, monkeypatch, "urgent", UK, SATURDAY_2AM)
    content = tree.find(".//div[@class='care-card-content']")
    first = content[0]
    assert first.get("class") == "outcome-action"
    assert text_of(first).startswith("The clinic is closed now. Call NHS 111 now.")
    buttons = first.findall(".//a[@class='button button-call button-call-service']")
    assert [(a.get("href"), text_of(a)) for a in buttons] == [("tel:111", "Call 111")]
    assert [a.get("href") for a in first.findall(".//a[@class='button button-call']")] == [
        "tel:999"]


def test_the_page_reads_the_clock_when_it_is_shown(app, client, monkeypatch):
    tree = _outcome(app, client, monkeypatch, "urgent", UK, MONDAY_10AM)
    action = tree.find(".//div[@class='outcome-action']")
    assert text_of(action).startswith("Call the Example pump clinic now.")
    assert "Open until 6pm today." in text_of(action)


def test_every_number_on_the_outcome_is_a_tap_to_call_link(app, client, monkeypatch):
    """NHS 111 in the rule set's advice too (UX walk 2, finding 2: it was never a link)."""
    tree = _outcome(app, client, monkeypatch, "urgent", UK, SATURDAY_2AM)
    main = tree.find(".//main")
    linked = " ".join(text_of(a) for a in main.iter("a") if a.get("href", "").startswith(
        "tel:"))
    for link in main.iter("a"):  # empty every link; what is left names no number
        link.text = ""
        for child in list(link):
            link.remove(child)
    unlinked = text_of(main)
    assert "NHS 111" in linked and "0161 496 0000" in linked
    for number in ("111", "999", "0161 496 0000"):
        assert number not in unlinked.replace("NHS 111", "NHS"), number


def test_the_time_of_the_check_is_on_the_service_clock(app, client, monkeypatch):
    tree = _outcome(app, client, monkeypatch, "routine", UK, SATURDAY_2AM)
    row = [r for r in tree.iter("div") if r.get("class") == "summary-row"
           and text_of(r).startswith("Time")][0]
    assert "UTC" not in text_of(row)
    assert text_of(row).endswith(("GMT", "BST"))
