"""The alerts a new screening needs, added to its own transaction (a transactional outbox:
the screening and its alerts are committed together or not at all), and what the caregiver
is told when every step has gone unanswered.

Hazards: H57 (an urgent check nobody sees).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..db import db
from ..models import Alert, Screening, as_utc, utc_now
from .rota import Rota


def alert_rows(level: str, created_at: datetime, patient_id: int | None,
               rota: Rota) -> list[dict[str, Any]]:
    """The alerts a new screening needs: every step of the rota, each due an interval after
    the one before. A staff follow-up call tells nobody: it is staff's own work, closed as
    it is recorded."""
    if patient_id is not None or not rota.notifies(level):
        return []
    interval = timedelta(minutes=rota.interval(level))
    return [{"step": n, "channel": channel, "target": target,
             "due_at": created_at + n * interval, "state": "pending", "attempts": 0}
            for n, step in enumerate(rota.steps) for channel, target in step.targets]


def unclaimed_after(level: str, created_at: datetime, patient_id: int | None,
                    rota: Rota) -> datetime | None:
    """When a check that nobody claims has been through every step of the rota and an
    interval more: stored with the check (Screening.unclaimed_after), so a rota changed later
    moves no promise already made. None: nobody is told of this check."""
    if patient_id is not None or not rota.notifies(level):
        return None
    return created_at + len(rota.steps) * timedelta(minutes=rota.interval(level))


def add_alerts(screening: Screening, rota: Rota) -> list[Alert]:
    """Add the alerts for `screening` (already in the session, not yet committed)."""
    alerts = [Alert(screening=screening, **row) for row in alert_rows(
        screening.level, screening.created_at, screening.patient_id, rota)]
    screening.unclaimed_after = unclaimed_after(
        screening.level, screening.created_at, screening.patient_id, rota)
    db.session.add_all(alerts)
    return alerts


def unanswered_since(screening: Screening) -> datetime | None:
    """From when the caregiver's page and the API say nobody has picked the check up: the
    rota ran out (the time stored as it arrived), or the on-call clinician could not be told
    at all (every first alert failed: waiting for the next step would be waiting on
    nothing). None: not (or not yet) the case, or nobody is told of this check."""
    if screening.status != "open" or screening.unclaimed_after is None:
        return None
    now = utc_now()
    if now >= as_utc(screening.unclaimed_after):
        return as_utc(screening.unclaimed_after)
    first = db.session.execute(select(Alert.state, Alert.due_at).where(
        Alert.screening_id == screening.id, Alert.step == 0)).all()
    if first and all(state == "failed" for state, _ in first):
        return max(as_utc(due) for _, due in first)
    return None


def follow_up(screening: Screening, reads_checks: bool) -> dict[str, Any]:
    """Whether anyone has picked up this check, for the caregiver's page and the API:
    not_read (nobody reads checks here), picked_up (claimed or closed by staff), waiting,
    or unanswered (every step of the rota told, or none could be, and nobody has claimed
    it)."""
    since = unanswered_since(screening)
    if since is not None:
        return {"status": "unanswered", "unanswered_since": since}
    if screening.patient_id is None and not reads_checks:
        return {"status": "not_read", "unanswered_since": None}
    return {"status": "waiting" if screening.status == "open" else "picked_up",
            "unanswered_since": None}
