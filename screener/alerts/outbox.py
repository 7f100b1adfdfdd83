"""The alerts a new screening needs, added to its own transaction (a transactional outbox:
the screening and its alerts are committed together or not at all), and what the caregiver
is told when every step has gone unanswered.

Hazards: H57 (an urgent check nobody sees).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

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


def add_alerts(screening: Screening, rota: Rota) -> list[Alert]:
    """Add the alerts for `screening` (already in the session, not yet committed)."""
    alerts = [Alert(screening=screening, **row) for row in alert_rows(
        screening.level, screening.created_at, screening.patient_id, rota)]
    db.session.add_all(alerts)
    return alerts


def unanswered_since(screening: Screening, rota: Rota) -> datetime | None:
    """When every step had been told and an interval more had passed with the check still
    open: from then, the caregiver's page and the API say nobody has picked it up yet.
    None: not (or not yet) the case, or this service tells nobody."""
    if screening.status != "open" or screening.patient_id is not None or not rota.notifies(
            screening.level):
        return None
    since = as_utc(screening.created_at) + len(rota.steps) * timedelta(
        minutes=rota.interval(screening.level))
    return since if utc_now() >= since else None


def follow_up(screening: Screening, rota: Rota, reads_checks: bool) -> dict[str, Any]:
    """Whether anyone has picked up this check, for the caregiver's page and the API:
    not_read (nobody reads checks here), picked_up (claimed or closed by staff), waiting,
    or unanswered (every step of the rota told, and nobody has claimed it)."""
    since = unanswered_since(screening, rota)
    if since is not None:
        return {"status": "unanswered", "unanswered_since": since}
    if screening.patient_id is None and not reads_checks:
        return {"status": "not_read", "unanswered_since": None}
    return {"status": "waiting" if screening.status == "open" else "picked_up",
            "unanswered_since": None}
