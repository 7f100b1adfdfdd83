"""Date filters on staff pages: whole days on the service's clock, as the pages show times
(formatting is screener/web/formatting.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import current_app


def day_start(day) -> datetime:
    """Midnight at the start of `day` on the service's clock, in UTC as times are stored."""
    zone = current_app.extensions["service"].zone
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def in_date_range(query, column, form):
    """Limit `query` to the form's date range (both ends included)."""
    if form.date_from.data:
        query = query.where(column >= day_start(form.date_from.data))
    if form.date_to.data:
        query = query.where(column < day_start(form.date_to.data + timedelta(days=1)))
    return query

