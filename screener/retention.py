"""How long data is kept, and erasing one patient's data (UK GDPR Article 17).

- Drafts: a check in progress lives as long as its cookie (PERMANENT_SESSION_LIFETIME, 2
  days); a finished one keeps no answers (the screening holds them).
- Sign-in delays: a day after the last failure.
- Screenings, with their actions: RETENTION_SCREENING_DAYS after they were made (8 years by
  default, as for adult health records in the NHS Records Management Code of Practice;
  each deployment sets its own).
- The audit trail is append-only: the app cannot shorten it. Its retention is applied by the
  database owner (see "Running it for real").

`flask --app screener apply-retention` applies the periods; `flask --app screener
erase-patient REFERENCE` erases one patient's record, screenings, actions, refills and
drafts, and writes to the audit trail that it happened (counts only).
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_

from . import audit
from .db import db
from .journey.drafts import Draft
from .models import Patient, Refill, Screening, ScreeningAction, SignInThrottle, utc_now


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
        "actions": _delete(ScreeningAction, ScreeningAction.screening_id.in_(old_screenings)),
        "screenings": _delete(Screening, Screening.id.in_(old_screenings)),
    }
    audit.record("apply_retention", username="(command line)", **counts)
    db.session.commit()
    return counts


def erase_patient(reference: str) -> dict[str, int] | None:
    """Erase one patient: the record, the screenings linked to it or sent with its
    reference, their actions, the refills and any draft of a call. None if no such patient."""
    patient = db.session.execute(db.select(Patient).filter_by(reference=reference)
                                 ).scalar_one_or_none()
    if patient is None:
        return None
    whose = or_(Screening.patient_id == patient.id, Screening.patient_ref == reference)
    theirs = db.select(Screening.id).where(whose)
    counts = {
        "drafts": _delete(Draft, or_(
            Draft.patient_id == patient.id, Draft.previous_id.in_(theirs),
            Draft.screening_id.in_(db.select(Screening.public_id).where(whose)))),
        "actions": _delete(ScreeningAction, ScreeningAction.screening_id.in_(theirs)),
        "screenings": _delete(Screening, Screening.id.in_(theirs)),
        "refills": _delete(Refill, Refill.patient_id == patient.id),
    }
    patient_id = patient.id
    db.session.delete(patient)
    # The trail keeps that an erasure happened, and of which record id: never who it was.
    audit.record("erase_patient", "patient", patient_id, username="(command line)", **counts)
    db.session.commit()
    return counts


def _delete(model, condition) -> int:
    return db.session.execute(db.delete(model).where(condition)
                              .execution_options(synchronize_session=False)).rowcount


@click.command("apply-retention")
@with_appcontext
def apply_retention_command() -> None:
    """Delete drafts, sign-in delays and screenings past their retention periods."""
    counts = apply_retention()
    click.echo("Deleted " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")


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
