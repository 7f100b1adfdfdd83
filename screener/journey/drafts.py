"""Screenings in progress, kept server-side under a random id (the cookie holds only the id).

A reload, the Back button or an interruption loses nothing: answers are saved page by
page, and the check can be resumed on the same device. This module owns the draft's session key:
other code starts, finds and ends drafts through the functions below. The table, `Draft`,
is in `screener/models.py` with every other.
"""

from __future__ import annotations

from typing import Any

from flask import session

from ..db import db
from ..models import Draft

SESSION_KEY = "draft"


def start_draft(**fields: Any) -> Draft:
    """A new draft (a follow-up call passes its patient, last screening and prefill), made
    this browser's check in progress. The caller commits."""
    draft = Draft(**fields)
    db.session.add(draft)
    db.session.flush()
    session[SESSION_KEY] = draft.id
    session.permanent = True
    return draft


def current_draft() -> Draft | None:
    draft_id = session.get(SESSION_KEY)
    return db.session.get(Draft, draft_id) if draft_id else None


def finish_draft() -> None:
    """This browser no longer has a check in progress (finished, or signed out)."""
    session.pop(SESSION_KEY, None)
