"""A note typed when the session ended is kept through signing in again (issue 24, item 5;
UX walk 2, finding 5: the note was lost and the nurse landed elsewhere).

When a session has ended for want of activity (by this request, or by an earlier one such as
the queue's poll), "What was done?" sent from a page left open is kept on the server in a
draft row (the cookie holds only its random id, as a caregiver's check does),
the nurse signs in again and comes back to that screening's page with the form filled in,
to check and save. Nothing is recorded without that second save. Only the same member of
staff gets it back: on a shared workstation, the next person to sign in does not.
"""

from __future__ import annotations

import time
from typing import Any

from flask import request, session, url_for

from ..db import db
from ..models import Draft

SESSION_KEY = "kept_action"
TIMED_OUT = "timed_out_user"  # who this browser's session belonged to when it timed out
FIELDS = ("kind", "next_try", "note")


KEEP_FOR_SECONDS = 3600  # a page left open longer than this after a time-out keeps nothing


def after_time_out(user_id: int, csrf_secret: str | None) -> None:
    """In the fresh session that follows a time-out: who it was and when, and the CSRF
    secret, so a page left open can still send what was typed on it (to be kept, not
    recorded), for an hour: not for whoever sits at the desk next day."""
    session[TIMED_OUT] = [user_id, time.time()]
    if csrf_secret:
        session["csrf_token"] = csrf_secret  # Flask-WTF's key


def keep_typed_action(user_id: int | None = None) -> str | None:
    """If this request sends an action for a screening, keep what was typed by `user_id`
    (by default, whoever timed out on this browser); returns the screening page to come back
    to after signing in, or None."""
    if user_id is None:
        who, when = (session.get(TIMED_OUT) or [None, 0])[:2]
        user_id = who if time.time() - when < KEEP_FOR_SECONDS else None
    if (user_id is None or request.method != "POST"
            or request.endpoint != "staff.record_action"):
        return None
    public_id = (request.view_args or {}).get("public_id", "")
    if not 0 < len(public_id) <= 32:
        return None  # no screening has such an id
    typed = {name: request.form.get(name, "")[:2000] for name in FIELDS}
    if any(typed.values()):
        kept = Draft(screening_id=public_id, pages={"kept_action": {**typed,
                                                                     "user_id": user_id}})
        db.session.add(kept)
        db.session.flush()
        session[SESSION_KEY] = kept.id
    return url_for("staff.screening", public_id=public_id)


def carried_over() -> dict[str, Any]:
    """What survives the fresh session a sign-in starts: the kept note's id."""
    return {SESSION_KEY: session[SESSION_KEY]} if SESSION_KEY in session else {}


def take_kept_action(public_id: str, user_id: int) -> dict[str, str] | None:
    """The action typed for this screening before the session ended, by this user; taken
    once (the row is deleted: the form now holds it)."""
    kept_id = session.get(SESSION_KEY)
    kept = db.session.get(Draft, kept_id) if kept_id else None
    typed = (kept.pages or {}).get("kept_action") if kept else None
    if not typed or kept.screening_id != public_id:
        return None
    session.pop(SESSION_KEY)
    db.session.delete(kept)
    if typed.get("user_id") != user_id:
        return None  # someone else signed in on this browser: theirs is not shown
    return {name: typed.get(name, "") for name in FIELDS}
