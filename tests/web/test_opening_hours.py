"""The clinic's opening hours on the service's clock (issue 23, item 1): open or closed at a
moment, across days, midnight and the UK's clock changes, and a profile that cannot be read
refused at start-up saying what to write."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from screener.web.opening_hours import parse_opening_hours
from screener.web.service_profile import ServiceProfileError, load_profile

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {day: "08:00-18:00" for day in ("monday", "tuesday", "wednesday", "thursday",
                                           "friday")}
HOURS = parse_opening_hours({**WEEKDAYS, "saturday": "09:00-12:30", "sunday": "closed"},
                            LONDON)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(("moment", "is_open"), [
    (utc(2026, 12, 7, 7, 59), False),  # Monday in winter (GMT = UTC): a minute early
    (utc(2026, 12, 7, 8, 0), True),
    (utc(2026, 12, 7, 17, 59), True),
    (utc(2026, 12, 7, 18, 0), False),  # closing time is closed
    (utc(2026, 12, 12, 12, 29), True),  # Saturday morning
    (utc(2026, 12, 12, 12, 30), False),
    (utc(2026, 12, 13, 10, 0), False),  # Sunday
    (utc(2026, 12, 8, 2, 0), False),  # 2 a.m. on a weekday
    # Summer (BST = UTC + 1): 07:30 UTC is 08:30 in London, 17:30 UTC is 18:30.
    (utc(2026, 7, 6, 7, 30), True),
    (utc(2026, 7, 6, 17, 30), False),
    # The Monday after the clocks go forward (29 March 2026) and back (25 October 2026).
    (utc(2026, 3, 30, 6, 59), False),
    (utc(2026, 3, 30, 7, 0), True),
    (utc(2026, 10, 26, 7, 30), False),
    (utc(2026, 10, 26, 8, 0), True),
])
def test_open_or_closed_is_read_on_the_service_clock(moment, is_open):
    assert HOURS.open_at(moment) is is_open
    assert load_profile({"opening_hours": {**WEEKDAYS, "saturday": "09:00-12:30"}}
                        ).clinic_open_at(moment) is is_open


@pytest.mark.parametrize(("moment", "opens"), [
    (utc(2026, 12, 7, 7, 0), utc(2026, 12, 7, 8, 0)),  # later today
    (utc(2026, 12, 7, 19, 0), utc(2026, 12, 8, 8, 0)),  # tomorrow, across midnight
    (utc(2026, 12, 12, 13, 0), utc(2026, 12, 14, 8, 0)),  # Saturday afternoon: Monday
    # The weekend the clocks go forward: Monday 8am BST is 7am UTC.
    (utc(2026, 3, 28, 13, 0), utc(2026, 3, 30, 7, 0)),
    # The weekend they go back: Saturday afternoon in BST, Monday 8am GMT.
    (utc(2026, 10, 24, 12, 0), utc(2026, 10, 26, 8, 0)),
])
def test_the_next_opening_is_on_the_wall_clock(moment, opens):
    assert HOURS.next_opening(moment) == opens


def test_an_opening_to_midnight_closes_at_the_end_of_the_day():
    hours = parse_opening_hours({"friday": "20:00-24:00"}, LONDON)
    assert hours.open_at(utc(2026, 12, 11, 23, 59))
    assert not hours.open_at(utc(2026, 12, 12, 0, 0))
    assert hours.closes_at(utc(2026, 12, 11, 21, 0)) == utc(2026, 12, 12, 0, 0)
    assert hours.closes_at(utc(2026, 12, 12, 1, 0)) is None


def test_a_clinic_that_never_opens_has_no_next_opening():
    assert parse_opening_hours({"monday": "closed"}, LONDON).next_opening(utc(2026, 12, 7)) \
        is None


def test_without_opening_hours_nobody_knows_whether_the_clinic_is_open():
    profile = load_profile({"clinic_phone": "0161 496 0000",
                            "clinic_hours": "Monday to Friday, 8am to 6pm"})
    assert profile.clinic_open_at(utc(2026, 12, 7, 10, 0)) is None
    assert profile.clinic_hours == "Monday to Friday, 8am to 6pm"


def test_the_time_zone_defaults_to_the_uk_clock_and_can_be_set():
    assert load_profile(None).zone == LONDON
    new_york = load_profile({"time_zone": "America/New_York",
                             "opening_hours": {"monday": "08:00-18:00"}})
    assert new_york.zone == ZoneInfo("America/New_York")
    assert new_york.clinic_open_at(utc(2026, 12, 7, 13, 0))  # 8am in New York
    assert not new_york.clinic_open_at(utc(2026, 12, 7, 9, 0))


@pytest.mark.parametrize(("raw", "words"), [
    ({"time_zone": "Mars/Olympus"}, "time_zone 'Mars/Olympus' is not a time zone"),
    ({"time_zone": "../etc"}, "is not a time zone: use an IANA name"),
    ({"time_zone": 1}, "time_zone must be text"),
    ({"opening_hours": "Monday to Friday"}, "opening_hours must name the days"),
    ({"opening_hours": {}}, "opening_hours must name the days"),
    ({"opening_hours": {"mon": "08:00-18:00"}}, "days it does not know: mon"),
    ({"opening_hours": {"monday": "8am to 6pm"}}, 'monday must be like "08:00-18:00"'),
    ({"opening_hours": {"monday": 8}}, 'monday must be like "08:00-18:00" or "closed"'),
    ({"opening_hours": {"tuesday": "18:00-08:00"}}, "tuesday: '18:00-08:00' closes before"),
    ({"opening_hours": {"friday": "08:00-25:00"}}, "is not a time of day"),
    ({"opening_hours": {"friday": "08:60-18:00"}}, "is not a time of day"),
    ({"out_of_hours_name": "NHS 111"}, "out_of_hours_name and out_of_hours_phone go together"),
    ({"out_of_hours_phone": "111"}, "go together"),
    ({"out_of_hours_name": "NHS 111", "out_of_hours_phone": "one one one"},
     "out_of_hours_phone must be a phone number"),
    ({"clinic_phone": "the front desk"}, "clinic_phone must be a phone number"),
])
def test_a_profile_with_unreadable_hours_is_refused_saying_what_to_fix(raw, words):
    with pytest.raises(ServiceProfileError, match=words.replace("(", r"\(")):
        load_profile(raw)


def test_a_uk_profile_names_its_out_of_hours_service():
    profile = load_profile({"out_of_hours_name": "NHS 111", "out_of_hours_phone": "111",
                            "opening_hours": {"Monday": "08:00-18:00"}})
    assert (profile.out_of_hours_name, profile.out_of_hours_tel) == ("NHS 111", "tel:111")
    assert profile.clinic_open_at(utc(2026, 12, 7, 9, 0))  # day names in any case
