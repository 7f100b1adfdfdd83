"""Check again (issue 24, item 4): the times on the result page, and the new check the link
opens with the earlier history filled in (screener/alerts/rechecks.py holds the schedule;
the link's views are in views.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from ..alerts.rechecks import series_origin, token_for
from ..models import Screening, as_utc, utc_now
from ..web import language
from ..web.formatting import clock_time, on_service_clock
from ..web.language import gettext as _
from .drafts import start_draft
from .forms import pages_from
from .pages import page

# Asked afresh on a re-check, with last time's answer beside each: what may have changed.
ASKED_AFRESH = ("signs", "changes", "symptoms", "vitals")


def check_again(screening: Screening) -> dict[str, Any] | None:
    """For the result page: the times still to come and the link, for a check that asked for
    re-checks or was one. None otherwise."""
    origin = series_origin(screening)
    if origin is None:
        return None
    coming = [r for r in origin.rechecks if r.state == "pending"
              and as_utc(r.answer_by) > utc_now()]
    if not coming:
        return {"times": [], "link": None}
    return {"times": [when_said(as_utc(r.due_at)) for r in coming],
            # A missed one opens a call on the number left with the first check (rechecks.py).
            "calls": bool(origin.callback_phone),
            "within": language.rules().rechecks.answer_within_hours,
            "link": url_for("journey.again", token=token_for(origin.public_id),
                            _external=True)}


def when_said(moment: datetime, now: datetime | None = None) -> str:
    """A time to come, as people say it, on the service's clock: "today at 8pm",
    "tomorrow at 8am", "on Sunday 6 December at 8am"."""
    here, today = on_service_clock(moment), on_service_clock(now or utc_now()).date()
    days = (here.date() - today).days
    if days == 0:
        return _("today at %(time)s", time=clock_time(here))
    if days == 1:
        return _("tomorrow at %(time)s", time=clock_time(here))
    return _("on %(day)s at %(time)s", day=here.strftime("%A %-d %B"), time=clock_time(here))


def start_again(earlier: Screening) -> None:
    """A new check for this browser: the earlier history filled in (shown, still asked),
    what may have changed asked afresh. The caller commits."""
    earlier_pages = pages_from(earlier.answers, language.rules())
    start_draft(previous_id=earlier.id, prefill={
        page_id: values for page_id, values in earlier_pages.items()
        if page(page_id).kind not in ASKED_AFRESH})
