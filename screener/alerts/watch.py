"""Whether the alerts are going out: the alarm for a worker that has stopped or a mail
server or pager that refuses them (issue 24; hazard H57). Read by the staff queue, which
shows it to whoever is on shift, and by GET /healthz/alerts, for the service's monitoring.

Late: an alert due more than LATE ago and still not sent. The sweep takes every due alert
each minute, so late means no worker is running, or it cannot keep up. Failed: an alert
that used every attempt, about a check still open: its clinician was never told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..db import db
from ..models import Alert, Screening, utc_now

LATE = timedelta(minutes=3)  # three sweeps missed


@dataclass(frozen=True)
class AlertTrouble:
    late: int
    failed: int

    def __bool__(self) -> bool:
        return bool(self.late or self.failed)

    def as_json(self) -> dict[str, int | str]:
        return {"status": "error" if self else "ok", "late": self.late, "failed": self.failed}


def alert_trouble(now: datetime | None = None) -> AlertTrouble:
    """Counts only: no check, address or content."""
    now = now or utc_now()
    late = select(func.count()).select_from(Alert).where(
        Alert.state.in_(("pending", "sending")), Alert.due_at < now - LATE).scalar_subquery()
    failed = select(func.count()).select_from(Alert).join(
        Screening, Screening.id == Alert.screening_id).where(
        Alert.state == "failed", Screening.status == "open").scalar_subquery()
    counts = db.session.execute(select(late, failed)).one()  # one round trip for the queue
    return AlertTrouble(counts[0] or 0, counts[1] or 0)
