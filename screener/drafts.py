"""Screenings in progress, kept server-side under a random id (the cookie holds only the id).

A reload, the Back button or an interruption loses nothing: answers are saved page by
page, and the check can be resumed on the same device.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import db
from .models import JSONDocument, utc_now


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

    def answered(self, page_id: str) -> dict[str, Any] | None:
        return (self.pages or {}).get(page_id)

    def record(self, page_id: str, values: dict[str, Any]) -> None:
        # Reassign (not mutate) so SQLAlchemy sees the change to the JSON column.
        self.pages = {**(self.pages or {}), page_id: values}

    @property
    def route(self) -> str | None:
        return (self.answered("route") or {}).get("route")
