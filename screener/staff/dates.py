"""Date filters on staff pages: whole UTC days (formatting is screener/formatting.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta


def day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def in_date_range(query, column, form):
    """Limit `query` to the form's UTC date range (both ends included)."""
    if form.date_from.data:
        query = query.where(column >= day_start(form.date_from.data))
    if form.date_to.data:
        query = query.where(column < day_start(form.date_to.data) + timedelta(days=1))
    return query

