"""The screening service: score answers and, when asked, save them. Used by API and pages.

Hazards: H4 a failure in scoring shown as a low (reassuring) result.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from .alerts.outbox import alert_rows, unclaimed_after
from .alerts.rota import Rota
from .clinical import Assessment, assess
from .clinical.answers import normalise
from .clinical.rules import RuleSet
from .clinical.translation import Catalogue
from .clinical.wording import COULD_NOT_COMPLETE, ENGLISH
from .db import db
from .models import (
    Alert,
    Screening,
    as_utc,
    new_public_id,
    queue_priority,
    set_by_rule,
    utc_now,
)
from .reference_codes import new_reference_code

log = logging.getLogger(__name__)


class ScoringFailed(RuntimeError):
    """Scoring raised unexpectedly; the user must be told to seek help, never reassured."""

    message = COULD_NOT_COMPLETE


def run_assessment(raw: Mapping[str, Any], ruleset: RuleSet,
                   words: Catalogue = ENGLISH) -> Assessment:
    """Validate and score, worded by `ruleset` and `words` (screener/web/language.py).
    `InvalidAnswers` passes through; anything else is `ScoringFailed`.

    Hazards: H4 (fail safe: a crash never turns into a routine result).
    """
    answers = normalise(raw, ruleset)
    try:
        return assess(answers, ruleset, words)
    except Exception as error:  # any fault at all must reach the user as "get help"
        log.exception("scoring failed (rule set %s)", ruleset.version)
        raise ScoringFailed(COULD_NOT_COMPLETE) from error


def save_screening(assessment: Assessment, words_shown: dict[str, Any],
                   idempotency_key: str | None = None,
                   rota: Rota | None = None) -> tuple[Screening, list[Alert]]:
    """Store one completed screening: a single INSERT, all-or-nothing by itself.

    On an engine connection, not through the ORM's unit of work (a third of a worker's time
    under load, bench/load.py). The returned screening is not attached to any session.
    With `idempotency_key` (already hashed), a second INSERT with the same key fails on its
    unique constraint; the caller then returns the first.

    A reference another screening already has is drawn again (one in 26,000 at a million
    screenings): no query before the INSERT, only after a refusal, to see which it was.

    With a `rota` that tells someone about this level, the alerts are inserted in the same
    transaction (the outbox, screener/alerts/) and returned, for the caller to enqueue.
    """
    row = {**screening_row(assessment, words_shown), "reference_code": new_reference_code(),
           "idempotency_key": idempotency_key}
    planned = alert_rows(row["level"], row["created_at"], None, rota) if rota else []
    row["unclaimed_after"] = (unclaimed_after(row["level"], row["created_at"], None, rota)
                              if rota else None)
    alerts: list[Alert] = []
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            if planned:
                alerts = _insert_with_alerts(row, planned)
            else:
                _insert(row)
        except IntegrityError:
            if attempt == CODE_ATTEMPTS or not reference_code_taken(row["reference_code"]):
                raise
            row["reference_code"] = new_reference_code()
        else:
            break
    return Screening(**row), alerts


def _insert_with_alerts(row: dict[str, Any], planned: list[dict[str, Any]]) -> list[Alert]:
    """The screening and its alerts in one transaction: both or neither."""
    with db.engine.begin() as connection:
        screening_id = connection.execute(
            _INSERT_SCREENING.returning(Screening.__table__.c.id), row).scalar_one()
        rows = [{**alert, "screening_id": screening_id} for alert in planned]
        ids = connection.execute(insert(Alert.__table__).returning(
            Alert.__table__.c.id, sort_by_parameter_order=True), rows).scalars().all()
    row["id"] = screening_id
    return [Alert(id=alert_id, **alert) for alert_id, alert in zip(ids, rows, strict=True)]


def _insert(row: dict[str, Any]) -> None:
    if db.engine.dialect.name == "sqlite":
        # The INSERT opens SQLite's transaction itself. Autocommit here would cost a PRAGMA
        # on every checkout that makes SQLite re-prepare each cached statement.
        with db.engine.begin() as connection:
            connection.execute(_INSERT_SCREENING, row)
    else:
        # Autocommit: one round trip, not three (BEGIN, INSERT, COMMIT).
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                _INSERT_SCREENING, row)


_INSERT_SCREENING = insert(Screening.__table__)
# Draws of a new reference before giving up: each clashes with a stored one about once in
# 26,000 at a million screenings, so five in a row never do unless something is broken.
CODE_ATTEMPTS = 5


def reference_code_taken(code: str) -> bool:
    return db.session.execute(
        db.select(Screening.id).filter_by(reference_code=code).limit(1)).first() is not None


def free_reference_code() -> str:
    """A reference no stored screening has, for a screening added through the session,
    whose INSERT comes with the caller's commit (too late to draw again). Two requests
    drawing the same one in the same instant is left to the unique index."""
    for _ in range(CODE_ATTEMPTS):
        code = new_reference_code()
        if not reference_code_taken(code):
            return code
    raise RuntimeError(f"no free screening reference in {CODE_ATTEMPTS} draws")


def add_screening(assessment: Assessment, words_shown: dict[str, Any],
                  patient_id: int | None = None, callback_phone: str | None = None) -> Screening:
    """Add a screening to the session (not yet committed); its public id and time are set."""
    screening = Screening(**screening_row(assessment, words_shown, patient_id),
                          reference_code=free_reference_code(), callback_phone=callback_phone)
    db.session.add(screening)
    return screening


def screening_row(assessment: Assessment, words_shown: dict[str, Any],
                  patient_id: int | None = None) -> dict[str, Any]:
    """The stored columns of a new screening, the queue's status and priority included, and
    `words_shown`: what its pages show, worded by the caller in the words of the rule set that
    scored it (`journey.answer_words.words_shown`). Storage puts nothing into words.

    It is linked to `patient_id` only when staff made it (a follow-up call). A reference a
    caregiver typed is kept as given, unchecked: staff confirm it before the screening joins
    that patient's timeline (anyone can type anyone's reference). The caller draws the
    screening's own short reference, each in the way its save can check it is free.
    """
    answers = assessment.answers
    return {
        "public_id": new_public_id(),
        "created_at": utc_now(),
        "ruleset_version": assessment.ruleset_version,
        "ruleset_hash": assessment.ruleset_hash,
        "level": assessment.level,
        "priority": queue_priority(assessment.level, set_by_rule(assessment)),
        "score": assessment.score,
        "direction": assessment.direction,
        "respondent": answers.get("respondent"),
        "patient_ref": answers.get("patient_ref"),
        "answers": dict(answers),
        "assessment": stored_assessment(assessment),
        "shown": words_shown,
        "status": "open",
        "patient_id": patient_id,
    }


def stored_assessment(assessment: Assessment) -> dict[str, Any]:
    """The assessment as stored: without its copy of the answers, which have a column of
    their own (`Screening.to_dict` puts them back). Saves a sixth of every row."""
    document = assessment.to_dict()
    del document["answers"]
    return document


def find_screening(public_id: str) -> Screening | None:
    return db.session.execute(
        db.select(Screening).filter_by(public_id=public_id)
    ).scalar_one_or_none()


def find_by_reference_code(code: str) -> Screening | None:
    """The screening with this short reference, as stored (reference_codes.read_reference_code)."""
    return db.session.execute(
        db.select(Screening).filter_by(reference_code=code)).scalar_one_or_none()


def readable_without_sign_in(screening: Screening, hours: float) -> bool:
    """A caregiver's own result, by its unguessable id, for `hours` after it was made.
    Never one linked to a patient's record: made by staff on a follow-up call, or linked by
    staff. ("staff" as a respondent is anyone answering in a professional role, such as a
    care home's nurse using the public check: their own result is theirs to read.)"""
    if screening.patient_id is not None:
        return False
    return utc_now() - as_utc(screening.created_at) < timedelta(hours=hours)
