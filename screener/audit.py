"""The audit trail: who saw and changed what, and when (REDCap's logging is the model).

`record()` adds an event to the current transaction, so an action and its audit line are
committed together or not at all. Details name fields, filters and counts, never clinical
values, names or answers.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user

from .db import db
from .models import AuditEvent, User


def record(action: str, record_type: str | None = None, record_id: Any = None, *,
           user: User | None = None, username: str | None = None,
           **details: Any) -> AuditEvent:
    """Add one audit event for the signed-in user (or `user`/`username` when there is none)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        user_id=user.id if user else None,
        username=user.username if user else username,
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        details=details,
    )
    db.session.add(event)
    return event
