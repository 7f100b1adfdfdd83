"""A worker's job: send one alert that is due, once.

Taking an alert is a conditional UPDATE (pending and due, or held by a worker whose lease
ran out): of two workers, one takes it. It is marked sent only after the SMTP server or
the webhook has accepted it, so a worker killed mid-job leaves it to be taken again when its
lease ends, never lost; a resend carries the same Message-ID or Idempotency-Key. An
escalation whose check was claimed (or closed) meanwhile is cancelled, not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from ..db import db
from ..models import Alert, Screening, utc_now
from .sending import Message, SendFailed

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # a worker holds an alert this long while sending it
MOST_ATTEMPTS = 8
RETRY_AFTER = (30, 60, 120, 300, 600, 900, 1800)  # seconds, then every 30 minutes


def _takeable(now):
    return or_(and_(Alert.state == "pending", Alert.due_at <= now),
               and_(Alert.state == "sending", Alert.lease_until < now))


def due_alerts(limit: int = 500, now: datetime | None = None) -> list[int]:
    """The ids of the alerts a worker should take now (for the sweep)."""
    now = now or utc_now()
    return list(db.session.scalars(select(Alert.id).where(_takeable(now))
                                    .order_by(Alert.due_at).limit(limit)))


def deliver(alert_id: int, send: Callable[[Alert, Message], None],
            message_for: Callable[[Alert], Message], lease: timedelta = LEASE,
            now: datetime | None = None) -> str:
    """Take the alert if it is due and free, send it (`send` raises SendFailed), record
    what happened; returns "sent", "cancelled", "retry", "failed" or "not due". `now`: a
    simulated clock (simulation.py); the real one otherwise."""
    now = now or utc_now()
    taken = db.session.execute(
        update(Alert).where(Alert.id == alert_id, _takeable(now))
        .values(state="sending", lease_until=now + lease, attempts=Alert.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not taken:
        return "not due"
    alert = db.session.get(Alert, alert_id)
    db.session.refresh(alert)
    # The screening's status as stored now, never a copy this session read earlier.
    status = db.session.scalar(select(Screening.status).where(
        Screening.id == alert.screening_id))
    if alert.step and status != "open":
        return _finish(alert, "cancelled")
    try:
        send(alert, message_for(alert))
    except SendFailed as failure:
        log.warning("alert %s (%s) not sent: %s", alert.id, alert.channel, failure.kind)
        alert.error = failure.kind[:200]
        if alert.attempts >= MOST_ATTEMPTS:
            return _finish(alert, "failed")
        wait = RETRY_AFTER[min(alert.attempts, len(RETRY_AFTER)) - 1]
        alert.due_at = now + timedelta(seconds=wait)
        return _finish(alert, "pending", outcome="retry")
    alert.sent_at = now
    return _finish(alert, "sent")


def _finish(alert: Alert, state: str, outcome: str | None = None) -> str:
    alert.state, alert.lease_until = state, None
    db.session.commit()
    log.info("alert %s step %s by %s: %s", alert.id, alert.step, alert.channel, state)
    return outcome or state
