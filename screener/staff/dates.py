"""Dates on staff pages: filters are whole UTC days, times are shown and exported in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from ..models import as_utc


def day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def in_date_range(query, column, form):
    """Limit `query` to the form's UTC date range (both ends included)."""
    if form.date_from.data:
        query = query.where(column >= day_start(form.date_from.data))
    if form.date_to.data:
        query = query.where(column < day_start(form.date_to.data) + timedelta(days=1))
    return query


def iso_utc(moment: datetime | None) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def uk_date(day) -> str:
    """A date as people in the UK read it: 2 January 2027."""
    return f"{day.day} {day:%B %Y}"
