"""Staff pages show times on the service's clock, with its zone (GMT or BST in the UK), and
date filters take the service's days (issue 23, item 4; UX walk 2, finding 15). The CSV
keeps ISO 8601 UTC and the page says so."""

from __future__ import annotations

from datetime import UTC, date, datetime

from screener.db import db
from screener.models import Screening
from screener.web import formatting
from screener.web.service_profile import load_profile
from tests.pages import text_of
from tests.staff.factories import SOON, queue_ids, submit


def _at(app, public_id: str, moment: datetime) -> None:
    with app.app_context():
        db.session.execute(db.update(Screening).filter_by(public_id=public_id).values(
            created_at=moment))
        db.session.commit()


def _queue_time(tree) -> tuple[str, str]:
    shown = tree.find(".//tbody/tr/td[@data-label='Waiting']//time")
    return text_of(shown), shown.get("datetime")


def test_the_queue_shows_the_time_on_the_uk_clock_in_summer_and_winter(app, client, staff):
    journey = staff()
    summer = submit(client, SOON)
    _at(app, summer, datetime(2026, 7, 6, 13, 5, tzinfo=UTC))
    _, tree = journey.get("/staff/")
    assert _queue_time(tree) == ("6 July 2026, 2:05pm BST", "2026-07-06T13:05:00Z")
    _at(app, summer, datetime(2026, 12, 3, 0, 0, tzinfo=UTC))
    _, tree = journey.get("/staff/")
    assert _queue_time(tree) == ("3 December 2026, midnight GMT", "2026-12-03T00:00:00Z")
    _, tree = journey.get(f"/staff/screenings/{summer}")
    assert "3 December 2026, midnight GMT" in text_of(tree.find(".//main"))


def test_another_service_clock_is_used_when_the_profile_names_it(app, client, staff):
    app.extensions["service"] = load_profile({"time_zone": "America/New_York"})
    journey = staff()
    shown = submit(client, SOON)
    _at(app, shown, datetime(2026, 7, 6, 13, 5, tzinfo=UTC))
    _, tree = journey.get("/staff/")
    assert _queue_time(tree)[0] == "6 July 2026, 9:05am EDT"


def test_a_date_filter_means_a_day_on_the_service_clock(app, client, staff):
    """00:30 BST on 7 July is 23:30 UTC on 6 July: staff asking for 7 July mean it."""
    journey = staff()
    late = submit(client, SOON)
    _at(app, late, datetime(2026, 7, 6, 23, 30, tzinfo=UTC))
    _, tree = journey.get("/staff/?date_from=7/7/2026&date_to=7/7/2026")
    assert queue_ids(tree) == [late]
    _, tree = journey.get("/staff/?date_from=6/7/2026&date_to=6/7/2026")
    assert queue_ids(tree) == []


def test_the_exports_page_says_the_file_keeps_utc(staff):
    _, tree = staff().get("/staff/exports")
    assert "Times in the file are in UTC" in text_of(tree.find(".//main"))


def test_today_is_the_service_clock_s_day(app, monkeypatch):
    """Overdue refills and a call's pre-filled answers count days as the clinic does."""
    monkeypatch.setattr(formatting, "utc_now", lambda: datetime(2026, 7, 6, 23, 30, tzinfo=UTC))
    with app.app_context():
        assert formatting.service_today() == date(2026, 7, 7)  # 00:30 BST
