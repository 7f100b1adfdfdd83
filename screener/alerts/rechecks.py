"""Re-checks timed to the withdrawal's time course (issue 24, item 4).

After a check the rule set names (`rechecks`: soon or routine, with an interruption said),
the caregiver's result lists the times to check again and a link. The link opens a new
check with the earlier history filled in (still asked); the symptoms and measurements are
asked afresh, each with what was said last time beside it. A check made from it is a new
screening, scored and queued like any other: worse answers reach staff at their own level.
One not made by its deadline opens a call for staff, when the service reads checks and a
number was left: the earlier check comes back to the worklist.

The link's token is an HMAC of the screening's id under the app's secret key, so nothing
secret is stored (the rows hold its sha256) and the result page can show it again; a new
secret key ends every link made under the old one.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from .. import workflow
from ..clinical.rules import RuleSet
from ..db import db
from ..models import Recheck, Screening, as_utc, utc_now

EARLY = timedelta(hours=2)  # a check made this long before a re-check's time counts for it


def token_for(public_id: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"recheck:{public_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def plan_rechecks(screening: Screening, rules: RuleSet) -> list[Recheck]:
    """Add the re-checks this screening asks for (in the session, not committed): none for a
    staff call, or for a check that was itself a re-check (its series goes on)."""
    hours = rules.rechecks.asked_after(screening.level, screening.answers or {})
    if not hours or screening.patient_id is not None:
        return []
    start = as_utc(screening.created_at)
    within = timedelta(hours=rules.rechecks.answer_within_hours)
    token = _hashed(token_for(screening.public_id))
    planned = [Recheck(screening=screening, due_at=start + timedelta(hours=h),
                       answer_by=start + timedelta(hours=h) + within, token_hash=token)
               for h in hours]
    db.session.add_all(planned)
    return planned


def series_origin(screening: Screening) -> Screening | None:
    """The check whose re-checks `screening` belongs to: itself if it asked for them, the
    one it was a re-check of, or None."""
    if screening.rechecks:
        return screening
    return screening.recheck_of


def series(token: str) -> list[Recheck]:
    """The re-checks a link's token opens, earliest first; [] for none or an ended one."""
    if not token or len(token) > 64:
        return []
    rows = list(db.session.scalars(select(Recheck).where(Recheck.token_hash == _hashed(token))
                                   .order_by(Recheck.due_at)))
    if not rows or utc_now() > max(as_utc(r.answer_by) for r in rows):
        return []
    return rows


def mark_done(earlier: Screening, made: Screening, now: datetime | None = None) -> int:
    """A check made from the link of `earlier`'s re-checks: the pending ones due by now (or
    within EARLY) are done. Returns how many."""
    now = now or utc_now()
    return db.session.execute(
        update(Recheck).where(Recheck.screening_id == earlier.id, Recheck.state == "pending",
                              Recheck.due_at <= now + EARLY)
        .values(state="done", done_screening_id=made.id)
        .execution_options(synchronize_session=False)).rowcount


def open_missed(reads_checks: bool, now: datetime | None = None) -> int:
    """Re-checks not done by their deadline: missed. Each opens a call for staff (the earlier
    check back in the worklist) when the service reads checks and a number was left; the
    worker runs this every minute. Returns how many were missed."""
    now = now or utc_now()
    missed = list(db.session.scalars(select(Recheck).where(
        Recheck.state == "pending", Recheck.answer_by < now)))
    for recheck in missed:
        recheck.state = "missed"
        screening = recheck.screening
        if reads_checks and screening.callback_phone:
            workflow.reopen(screening)
    db.session.commit()
    return len(missed)
