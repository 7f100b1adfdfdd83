"""Screenings in progress, kept server-side under a random id (the cookie holds only the id).

A reload, the Back button or an interruption loses nothing: answers are saved page by
page, and the check can be resumed on the same device. This module owns the draft's format
and its session key: other code starts, finds and ends drafts through the functions below.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import session
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db
from ..models import JSONDocument, utc_now


def new_draft_id() -> str:
    return secrets.token_urlsafe(24)


class Draft(db.Model):
    """The answers given so far, page by page, as the person typed them."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=new_draft_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now,
                                                 onupdate=utc_now)
    pages: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    screening_id: Mapped[str | None] = mapped_column(String(32))
    # A follow-up call: staff screening on behalf of a known patient. `prefill` holds what the
    # record already knows, shown pre-selected but still asked; `previous_id` the last screening.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"))
    prefill: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # A page sent with mistakes: what was typed and the messages, page by page, so the page
    # is shown again by a GET (post/redirect/get) and Back and reload work as anywhere else.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=dict)

    def answered(self, page_id: str) -> dict[str, Any] | None:
        return (self.pages or {}).get(page_id)

    def shown(self, page_id: str) -> dict[str, Any] | None:
        """What a page shows: the answers given, else what the patient record suggests."""
        return self.answered(page_id) or (self.prefill or {}).get(page_id)

    def record(self, page_id: str, values: dict[str, Any]) -> None:
        # Reassign (not mutate) so SQLAlchemy sees the change to the JSON columns.
        self.pages = {**(self.pages or {}), page_id: values}
        if page_id in (self.pending or {}):
            self.pending = {k: v for k, v in self.pending.items() if k != page_id}

    def keep_mistakes(self, page_id: str, typed: dict[str, list[str]],
                      errors: dict[str, list[str]]) -> None:
        """Keep a refused page's typed answers and messages (as the words shown, in this
        request's language) until it is sent again."""
        words = {name: [str(message) for message in messages]
                 for name, messages in errors.items()}
        self.pending = {**(self.pending or {}), page_id: {"typed": typed, "errors": words}}

    def forget_answers(self) -> None:
        """Once the screening is saved, the draft keeps only which screening it became."""
        self.pages, self.pending, self.prefill = {}, {}, {}

    def mistakes(self, page_id: str) -> dict[str, Any] | None:
        return (self.pending or {}).get(page_id)

    @property
    def route(self) -> str | None:
        return (self.answered("route") or {}).get("route")


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
