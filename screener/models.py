"""Stored records."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .db import db

JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def new_public_id() -> str:
    """An unguessable id for links and the API (128 random bits)."""
    return secrets.token_urlsafe(16)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Screening(db.Model):
    """One completed screening: the answers, the assessment and the rule-set version used."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    ruleset_version: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    score: Mapped[int]
    direction: Mapped[str | None] = mapped_column(String(12))
    respondent: Mapped[str | None] = mapped_column(String(12))
    patient_ref: Mapped[str | None] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    assessment: Mapped[dict[str, Any]] = mapped_column(JSONDocument)

    __table_args__ = (Index("ix_screenings_level_created", "level", "created_at"),)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.public_id,
            "created_at": _utc_iso(self.created_at),
            "ruleset_version": self.ruleset_version,
            "answers": self.answers,
            "assessment": self.assessment,
        }


def _utc_iso(moment: datetime) -> str:
    # SQLite returns naive datetimes; every stored time is UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
