"""The triage queue: order, filters, pages."""

from __future__ import annotations

from datetime import date, timedelta

from tests.pages import text_of
from tests.staff.factories import CAREGIVER_URGENT, EMERGENCY, ROUTINE, SOON, age, queue_ids, submit

# --- The queue --------------------------------------------------------------------------

def test_the_queue_shows_the_most_urgent_first_then_the_oldest(app, client, staff):
    routine_old = submit(client, ROUTINE)
    age(app, routine_old, hours=9)
    urgent_new = submit(client, CAREGIVER_URGENT)
    urgent_old = submit(client, CAREGIVER_URGENT)
    age(app, urgent_old, hours=2)
    emergency = submit(client, EMERGENCY)
    soon = submit(client, SOON)
    _, tree = staff().get("/staff/")
    assert queue_ids(tree) == [emergency, urgent_old, urgent_new, soon, routine_old]
    row = tree.find(".//tbody/tr")
    cells = [text_of(td) for td in row.findall("td")]
    assert cells[0].startswith("Emergency") and "A seizure" in cells[3]
    assert cells[2] == "Call back, ends 555 caregiver"  # who can be called, who answered
    assert cells[4] == "Not linked" and cells[5] == "Open"
    assert "2 h 0 min" in text_of(tree.findall(".//tbody/tr")[1])


def test_the_queue_filters_by_level_status_and_date(app, client, staff):
    emergency = submit(client, EMERGENCY)
    old = submit(client, SOON)
    age(app, old, days=10)
    journey = staff()
    _, tree = journey.get("/staff/?level=emergency")
    assert queue_ids(tree) == [emergency]
    since = (date.today() - timedelta(days=2)).isoformat()
    _, tree = journey.get(f"/staff/?date_from={since}")
    assert queue_ids(tree) == [emergency]
    until = (date.today() - timedelta(days=5)).isoformat()
    _, tree = journey.get(f"/staff/?date_to={until}")
    assert queue_ids(tree) == [old]
    _, tree = journey.get("/staff/?status=closed")
    assert queue_ids(tree) == []


def test_bad_filters_are_named_and_the_default_queue_is_shown(client, staff):
    shown = submit(client, SOON)
    response, tree = staff().get("/staff/?date_from=yesterday&level=purple", error=True)
    messages = [text_of(a) for a in tree.findall(".//ul[@class='error-summary-list']//a")]
    assert messages == ["Select one of the answers shown", "Not a valid date value."]
    assert queue_ids(tree) == [shown]


def test_the_queue_is_paginated(app, client, staff):
    for _ in range(27):
        submit(client, SOON)
    journey = staff()
    _, first = journey.get("/staff/")
    following = first.find(".//nav[@class='pagination']//a[@rel='next']").get("href")
    _, second = journey.get(following)
    assert len(queue_ids(first)) == 25 and len(queue_ids(second)) == 2
    assert not set(queue_ids(first)) & set(queue_ids(second))
    assert text_of(first.find(".//nav[@class='pagination']")) == "Next page Last page"
