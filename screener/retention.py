"""How long data is kept, and erasing one patient's data (UK GDPR Article 17).

- Drafts: a check in progress lives as long as its cookie (PERMANENT_SESSION_LIFETIME, 2
  days); a finished one keeps no answers (the screening holds them).
- Sign-in delays: a day after the last failure.
- Screenings, with their actions: RETENTION_SCREENING_DAYS after they were made (8 years by
  default, as for adult health records in the NHS Records Management Code of Practice;
  each deployment sets its own).
- Audit events: RETENTION_AUDIT_DAYS (8 years by default, like the screenings they record).
  The trail is append-only and the app's database role cannot shorten it, so this one is
  applied by the database owner (see "Running it for real").

`flask --app screener apply-retention` applies the periods; `flask --app screener
apply-audit-retention`, run as the owner, shortens the audit trail; `flask --app screener
erase-patient REFERENCE` erases one patient's record, screenings, actions, refills, pump
record and drafts, and writes to the audit trail that it happened (counts only).
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Text, and_, cast, func, or_, text
from sqlalchemy.exc import DBAPIError

from . import audit, sqlite
from .db import db
from .models import (
    Alert,
    AuditEvent,
    Draft,
    Patient,
    PumpEvent,
    PumpSetting,
    Recheck,
    Refill,
    Screening,
    ScreeningAction,
    SignInThrottle,
    utc_now,
)


def apply_retention() -> dict[str, int]:
    """Delete what has passed its retention period; returns how many of each."""
    now = utc_now()
    config = current_app.config
    old_screenings = db.select(Screening.id).where(
        Screening.created_at < now - timedelta(days=config["RETENTION_SCREENING_DAYS"]))
    counts = {
        "drafts": _delete(Draft, Draft.updated_at < now - config["PERMANENT_SESSION_LIFETIME"]),
        "drafts of old screenings": _delete(Draft, Draft.previous_id.in_(old_screenings)),
        "sign-in delays": _delete(SignInThrottle,
                                  SignInThrottle.updated_at < now - timedelta(days=1)),
        "alerts": _delete(Alert, Alert.screening_id.in_(old_screenings)),
        "re-checks": _delete(Recheck, or_(Recheck.screening_id.in_(old_screenings),
                                          Recheck.done_screening_id.in_(old_screenings))),
        "actions": _delete(ScreeningAction, ScreeningAction.screening_id.in_(old_screenings)),
        "re-check links": _unlink_rechecks(old_screenings),
        "screenings": _delete(Screening, Screening.id.in_(old_screenings)),
    }
    audit.record("apply_retention", username="(command line)", **counts)
    db.session.commit()
    return counts


def apply_audit_retention() -> int:
    """Delete audit events past RETENTION_AUDIT_DAYS; returns how many.

    The append-only trigger is lifted for this one statement inside one transaction: DDL is
    transactional on both databases, and on PostgreSQL the ALTER TABLE lock keeps every other
    session waiting until the trigger is back. Only the table's owner may do it.
    """
    cutoff = utc_now() - timedelta(days=current_app.config["RETENTION_AUDIT_DAYS"])
    old = db.delete(AuditEvent).where(AuditEvent.at < cutoff)
    if db.engine.dialect.name == "postgresql":
        lifted = db.session.execute(text(
            "SELECT 1 FROM pg_trigger WHERE tgname = 'audit_events_append_only'")).first()
        if lifted:
            db.session.execute(text(
                "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        deleted = db.session.execute(old).rowcount
        if lifted:
            db.session.execute(text(
                "ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
    else:  # SQLite cannot disable a trigger: drop it and put back exactly what was there
        trigger = db.session.execute(text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name = 'audit_events_no_delete'")).scalar_one_or_none()
        if trigger:
            db.session.execute(text("DROP TRIGGER audit_events_no_delete"))
        deleted = db.session.execute(old).rowcount
        if trigger:
            db.session.execute(text(trigger))
    audit.record("apply_audit_retention", username="(command line)", audit_events=deleted)
    db.session.commit()
    return deleted


def erase_patient(reference: str) -> dict[str, int] | None:
    """Erase one patient: the record, the screenings linked to it, those sent with its
    reference (in any case) that no one has linked to another patient, their actions, the
    refills, any draft of a call and any draft in which the reference was typed. None if no
    such patient.

    Never a screening linked to someone else: staff may have corrected a typed reference,
    and that screening is the other patient's record (red team 2, M14)."""
    patient = db.session.execute(db.select(Patient).filter_by(reference=reference)
                                 ).scalar_one_or_none()
    if patient is None:
        return None
    typed = and_(Screening.patient_id.is_(None),
                 func.upper(Screening.patient_ref) == reference.upper())
    whose = or_(Screening.patient_id == patient.id, typed)
    theirs = db.select(Screening.id).where(whose)
    counts = {
        "drafts": _delete(Draft, or_(
            Draft.patient_id == patient.id, Draft.previous_id.in_(theirs),
            Draft.screening_id.in_(db.select(Screening.public_id).where(whose)),
            _holds(Draft.pages, reference), _holds(Draft.pending, reference))),
        "alerts": _delete(Alert, Alert.screening_id.in_(theirs)),
        "re-checks": _delete(Recheck, or_(Recheck.screening_id.in_(theirs),
                                          Recheck.done_screening_id.in_(theirs))),
        "actions": _delete(ScreeningAction, ScreeningAction.screening_id.in_(theirs)),
        "re-check links": _unlink_rechecks(theirs),
        "screenings": _delete(Screening, Screening.id.in_(theirs)),
        "refills": _delete(Refill, Refill.patient_id == patient.id),
        "pump records": _delete(PumpSetting, PumpSetting.patient_id == patient.id),
        "pump events": _delete(PumpEvent, PumpEvent.patient_id == patient.id),
    }
    patient_id = patient.id
    db.session.delete(patient)
    # The trail keeps that an erasure happened, and of which record id: never who it was.
    audit.record("erase_patient", "patient", patient_id, username="(command line)", **counts)
    db.session.commit()
    sqlite.empty_the_log(db.engine)
    return counts


def _holds(column, reference: str):
    """A JSON column holding `reference` as a whole string value, in any case: a draft's
    answers or its refused last page. (A reference holds no quote or backslash, so its JSON
    form is itself in quotes.)"""
    return func.upper(cast(column, Text)).contains(f'"{reference.upper()}"', autoescape=True)


def _unlink_rechecks(going) -> int:
    """A later check keeps no link to one of its series that is deleted (the foreign key)."""
    return db.session.execute(db.update(Screening).where(Screening.recheck_of_id.in_(going))
                              .values(recheck_of_id=None)
                              .execution_options(synchronize_session=False)).rowcount


def _delete(model, condition) -> int:
    return db.session.execute(db.delete(model).where(condition)
                              .execution_options(synchronize_session=False)).rowcount


@click.command("apply-retention")
@with_appcontext
def apply_retention_command() -> None:
    """Delete drafts, sign-in delays and screenings past their retention periods."""
    counts = apply_retention()
    click.echo("Deleted " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")


@click.command("apply-audit-retention")
@with_appcontext
def apply_audit_retention_command() -> None:
    """Delete audit events past their retention period (run as the database's owner)."""
    try:
        deleted = apply_audit_retention()
    except DBAPIError as error:
        db.session.rollback()
        if "must be owner" not in str(error.orig):
            raise
        raise click.ClickException(
            "Only the database's owner can shorten the audit trail: run this command with "
            "DATABASE_URL set to the owner role (the one that runs the migrations).") from None
    click.echo(f"Deleted {deleted} audit events.")


@click.command("erase-patient")
@click.argument("reference")
@click.confirmation_option(prompt="This erases the patient's record and every screening, "
                                  "action, refill and draft of theirs, for good. Go on?")
@with_appcontext
def erase_patient_command(reference: str) -> None:
    """Erase one patient's data for good (a right-to-erasure request); audited."""
    counts = erase_patient(reference)
    if counts is None:
        raise click.UsageError(f"No patient has the reference {reference!r}.")
    click.echo("Erased the patient and " + ", ".join(
        f"{n} {what}" for what, n in counts.items()) + ".")
