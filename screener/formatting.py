"""Dates, times and numbers as the pages, exports and FHIR write them: one module, and the
Jinja filters made from it (registered in app.py). Times are stored and shown in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_iso(moment: datetime | None) -> str:
    """An ISO 8601 time in UTC with a Z (exports, the API, FHIR); "" for no time."""
    return as_utc(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def in_utc(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(UTC)


def uk_date(day) -> str:
    """A date as people in the UK read it: 2 January 2027."""
    return f"{day.day} {day:%B %Y}"


def short_date(moment: datetime) -> str:
    """A date where space is short (a chart's axis): 02 Jan 2027."""
    return in_utc(moment).strftime("%d %b %Y")


def age(moment: datetime, now: datetime) -> str:
    """How long ago, in words a busy clinician reads at a glance."""
    minutes = int((now - as_utc(moment)).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // 1440} days"


FILTERS = {"utc_iso": utc_iso, "in_utc": in_utc, "uk_date": uk_date, "age": age}
