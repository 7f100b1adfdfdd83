"""Stored records: screenings, patients, refills, staff actions, staff users and the audit trail.

Every time is stored in UTC. Staff-facing tables are indexed for the queries the queue and
the refill worklist make, so they stay fast as the data grows.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .clinical import Assessment
from .clinical.rules.vocabulary import LEVELS
from .db import db
from .pump.reservoir import ReservoirDates, due_by, refill_by_day, reservoir_dates
from .reference_codes import grouped, new_reference_code

JSONDocument = JSON().with_variant(JSONB(), "postgresql")
ROLES = ("triage", "clinic", "admin")
# What each role may do; every staff view names one of these (screener/staff).
CAPABILITIES = ("work_queue", "manage_patients", "run_calls", "see_refills", "export_fhir",
                "record_refill", "export_csv", "read_audit")
_EVERY_ROLE = ("work_queue", "manage_patients", "run_calls", "see_refills", "export_fhir")
ROLE_CAPABILITIES = {
    "triage": frozenset(_EVERY_ROLE),
    "clinic": frozenset((*_EVERY_ROLE, "record_refill", "export_csv")),
    "admin": frozenset((*_EVERY_ROLE, "record_refill", "export_csv", "read_audit")),
}
STATUSES = ("open", "claimed", "closed")
TRY_AGAIN = ("no_answer", "voicemail")  # the call attempts that set a time to try again
ACTION_KINDS = (
    ("called_back", _l("Called back")),
    # A call that did not reach them (issue 24, item 5): each asks when to try again.
    ("no_answer", _l("Called: no answer")),
    ("voicemail", _l("Called: left a voicemail")),
    ("wrong_number", _l("Called: wrong number")),
    ("sent_to_emergency", _l("Sent to the emergency department")),
    ("pump_refilled", _l("Pump refilled")),
    ("advice_given", _l("Advice given")),
    ("follow_up_call", _l("Follow-up call made")),
    ("handed_over", _l("Handed over")),  # recorded by a handover (staff/handover.py)
    ("other", _l("Other")),
)


def new_public_id() -> str:
    """An unguessable id for links and the API (128 random bits). It starts with a letter or
    digit: a leading "-" would be escaped in CSV exports (it can start a formula) and read as
    an option on a command line."""
    while True:
        public_id = secrets.token_urlsafe(16)
        if public_id[0].isalnum():
            return public_id


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_iso(moment: datetime | None) -> str:
    """An ISO 8601 time in UTC with a Z (exports, the API, FHIR); "" for no time."""
    return as_utc(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def utc_now() -> datetime:
    return datetime.now(UTC)


# The largest id a URL may name: ids are INTEGER columns, and PostgreSQL's INTEGER ends here
# (SQLite's at 2**63 - 1). A larger number is no record, not a query the database refuses
# with an error (red team 2, L13).
MAX_ID = 2**31 - 1

class User(UserMixin, db.Model):
    """A member of staff. Passwords are stored only as salted hashes (werkzeug's scrypt)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session's id: raising it (sign-out, a new password, disabling the
    # account) ends all of this user's sessions, on every device, on the server side.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def can(self, capability: str) -> bool:
        return capability in ROLE_CAPABILITIES.get(self.role, ())

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        self.session_version += 1


class SignInThrottle(db.Model):
    """Failed sign-ins for one username from one address (hashed), and when the next try
    is allowed: a growing delay that slows a guesser without locking the real user out
    from anywhere else."""

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address_hash: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    wait_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now,
                                                 onupdate=utc_now, index=True)

    __table_args__ = (Index("ix_sign_in_throttle_key", "username", "address_hash",
                            unique=True),)


class Patient(db.Model):
    """A pseudonymous patient record: a reference number; name and date of birth optional."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    route: Mapped[str] = mapped_column(String(12), default="unknown")
    pump_model: Mapped[str | None] = mapped_column(String(80))
    reservoir_ml: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    concentration_mcg_per_ml: Mapped[float | None] = mapped_column(Numeric(8, 1, asdecimal=False))
    next_refill_date: Mapped[date | None] = mapped_column(Date)
    clinic_name: Mapped[str | None] = mapped_column(String(120))
    clinic_phone: Mapped[str | None] = mapped_column(String(40))
    # Who to call about this patient (the patient, or a family member or carer).
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    # The pump as its record's newest version has it (screener/staff/pump.py): with the volume
    # put in at the last refill, when it will alarm and run empty (screener/pump/reservoir.py).
    daily_dose_mcg: Mapped[float | None] = mapped_column(Numeric(8, 1, asdecimal=False))
    bolus_mcg_per_day: Mapped[float | None] = mapped_column(Numeric(8, 1, asdecimal=False))
    low_reservoir_alarm_ml: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    last_refill_on: Mapped[date | None] = mapped_column(Date)
    # The clinic worklist's day (screener/staff/refills.py): the earliest the pump may alarm
    # (else run dry), or the planned refill date when the record cannot project it; and the
    # last day to refill, the clinic's lead time before it. Kept whenever the record changes.
    due_date: Mapped[date | None] = mapped_column(Date)
    refill_by: Mapped[date | None] = mapped_column(Date)
    # What else the worklist flags (screener/pump/clinic.py): the day to book the battery's
    # replacement by; a residual at the last refill that differed beyond its tolerance, not
    # explained; an MRI or a programming session with no pump check recorded since.
    battery_book_by: Mapped[date | None] = mapped_column(Date)
    residual_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    check_due_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who in the clinic took the pump's flags from the worklist (a named owner for each).
    pump_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now,
                                                 onupdate=utc_now)

    pump_owner: Mapped[User | None] = relationship()

    # The worklist's order (screener/staff/refills.py): soonest alarm first, then reference.
    __table_args__ = (Index("ix_patients_due_order", "due_date", "reference"),)

    @property
    def reservoir(self) -> ReservoirDates | None:
        return reservoir_dates(self.last_refill_on, self.reservoir_ml,
                               self.concentration_mcg_per_ml, self.daily_dose_mcg,
                               self.low_reservoir_alarm_ml, self.bolus_mcg_per_day,
                               _service_zone())


def _service_zone() -> ZoneInfo | None:
    service = current_app.extensions.get("service") if has_app_context() else None
    return service.zone if service else None


@event.listens_for(Patient, "before_insert")
@event.listens_for(Patient, "before_update")
def _keep_due_date(mapper: Any, connection: Any, patient: Patient) -> None:
    dates = patient.reservoir
    patient.due_date = due_by(patient.next_refill_date, dates)
    lead = current_app.config.get("PUMP_LEAD_DAYS", 7) if has_app_context() else 7
    patient.refill_by = refill_by_day(dates, lead)


class Refill(db.Model):
    """A recorded pump refill (or new tablet supply), and the next date it sets. A pump refill
    recorded on the one form (screener/staff/refills.py) also keeps what was drawn out against
    what was expected, what was put in, the concentration and dose after it, and whether the
    pump was reprogrammed (with the bridge bolus or the titration reason that asked for)."""

    __tablename__ = "refills"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    refilled_on: Mapped[date] = mapped_column(Date)
    next_refill_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    note: Mapped[str | None] = mapped_column(Text)
    # The form's once-only key: the same form sent twice (Back, then send) records one refill.
    form_key: Mapped[str | None] = mapped_column(String(43), unique=True)
    drawn_ml: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    expected_ml: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    put_in_ml: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    concentration_mcg_per_ml: Mapped[float | None] = mapped_column(
        Numeric(8, 1, asdecimal=False))
    daily_dose_mcg: Mapped[float | None] = mapped_column(Numeric(8, 1, asdecimal=False))
    reprogrammed: Mapped[bool | None] = mapped_column(Boolean)
    bridge_bolus: Mapped[bool | None] = mapped_column(Boolean)
    titration_reason: Mapped[str | None] = mapped_column(Text)
    residual_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    residual_explanation: Mapped[str | None] = mapped_column(Text)

    recorded_by: Mapped[User] = relationship()


PUMP_EVENTS = (("mri", _l("MRI scan")), ("programmed", _l("Pump programmed")),
               ("checked", _l("Pump checked running")))


class PumpEvent(db.Model):
    """Something that can leave a pump stopped (an MRI scan, a programming session) or shows
    it is not (a check that it is running): the worklist flags the first with no second since
    (the pump-clinic brief: incomplete programming left SynchroMed II pumps stopped; Prometra
    II needs resetting after an MRI)."""

    __tablename__ = "pump_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    recorded_by: Mapped[User] = relationship()


class PumpSetting(db.Model):
    """One version of a patient's pump record (issue 25): each change adds a row, with who
    made it, when and why; the newest is the pump as it is now. The model comes from the
    catalogue (screener/pump/catalogue.py) with its reservoir size, or is typed with one."""

    __tablename__ = "pump_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    model_id: Mapped[str | None] = mapped_column(String(40))  # a catalogue id, or None
    model_name: Mapped[str] = mapped_column(String(80))
    reservoir_ml: Mapped[float] = mapped_column(Numeric(6, 1, asdecimal=False))
    # The low-reservoir alarm volume, which the clinician may raise for someone who went into
    # withdrawal above the usual one (a 2004 multicentre study: none recurred at 4 mL).
    alarm_ml: Mapped[float] = mapped_column(Numeric(6, 1, asdecimal=False))
    drug: Mapped[str] = mapped_column(String(40), default="baclofen")
    concentration_mcg_per_ml: Mapped[float] = mapped_column(Numeric(8, 1, asdecimal=False))
    daily_dose_mcg: Mapped[float] = mapped_column(Numeric(8, 1, asdecimal=False))
    # A simple daily schedule, [["HH:MM", micrograms an hour], ...], or None: continuous. With
    # one, the daily dose is the schedule's (screener/pump/projection.py, F1).
    schedule: Mapped[list | None] = mapped_column(JSONDocument)
    bolus_mcg_per_day: Mapped[float] = mapped_column(Numeric(8, 1, asdecimal=False), default=0)
    implanted_on: Mapped[date | None] = mapped_column(Date)
    indicator_on: Mapped[date | None] = mapped_column(Date)  # elective replacement indicator
    catheter_cm: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    catheter_notes: Mapped[str | None] = mapped_column(Text)

    recorded_by: Mapped[User] = relationship()


class Screening(db.Model):
    """One completed screening: the answers, the assessment and the rule-set version used,
    and its place in the staff queue (status, who claimed and closed it)."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    # The short reference the caregiver reads out and staff find it by (reference_codes.py).
    # It opens nothing (public_id does), and it is not the patient's reference (patient_ref).
    reference_code: Mapped[str] = mapped_column(String(8), unique=True,
                                                default=new_reference_code)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    ruleset_version: Mapped[str] = mapped_column(String(20))
    # The rule file's sha256 (first 16 hex digits): which exact logic gave this result.
    ruleset_hash: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(10))
    # The queue's order, most urgent first: 0 emergency set by a rule (a red flag), 1 by
    # score, 2 urgent by a rule, 3 by score, ... 7 routine by score (queue_priority).
    priority: Mapped[int] = mapped_column(default=0)
    score: Mapped[int]
    direction: Mapped[str | None] = mapped_column(String(12))
    respondent: Mapped[str | None] = mapped_column(String(12))
    patient_ref: Mapped[str | None] = mapped_column(String(64))
    # A number the caregiver left to be called back on, with their consent (only where the
    # service profile says someone reads the checks).
    callback_phone: Mapped[str | None] = mapped_column(String(40))
    # The sha256 of an API client's Idempotency-Key: a retry after a lost answer finds the
    # screening it already made instead of making a second.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    assessment: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # What its pages show beyond the assessment, in the scoring rule set's words and locale
    # (answer_words.shown): the level's meaning, why, the call script, the answers in words.
    # None for screenings stored before it was kept.
    shown: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(8), default="open")
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When every step of the rota has been told and an interval more has passed (set as the
    # check arrives, from the rota then): from then, if still open, the caregiver is told
    # nobody has picked it up (alerts/outbox.py). None: nobody is told of this check.
    unclaimed_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The check whose re-check series this one belongs to (made from its link, or by changing
    # the answers of one in it): its result shows the series' times (alerts/rechecks.py).
    recheck_of_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"))

    patient: Mapped[Patient | None] = relationship()
    recheck_of: Mapped[Screening | None] = relationship(remote_side=[id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    actions: Mapped[list[ScreeningAction]] = relationship(
        back_populates="screening", order_by="ScreeningAction.id")
    rechecks: Mapped[list[Recheck]] = relationship(
        back_populates="screening", order_by="Recheck.due_at",
        foreign_keys="Recheck.screening_id")

    __table_args__ = (
        Index("ix_screenings_level_created", "level", "created_at"),
        Index("ix_screenings_queue", "status", "priority", "created_at"),
        # The queue filtered by level, and its COUNT, answered from the index alone.
        Index("ix_screenings_queue_level", "status", "level", "priority", "created_at"),
        # The queue's own order with its filters inside: a page is read in order and the scan
        # stops after it, rather than sorting every open screening (bench/staff_scale.py).
        Index("ix_screenings_queue_order", "priority", "created_at", "id", "status", "level"),
        # A patient's screenings a page at a time, newest first (keyset on created_at, id).
        Index("ix_screenings_patient_order", "patient_id", "created_at", "id"),
        # Those a caregiver sent with a patient's reference, not yet confirmed.
        Index("ix_screenings_patient_ref", "patient_ref", "created_at"),
        Index("ix_screenings_created", "created_at"),
    )

    @property
    def red_flag_labels(self) -> list[str]:
        """The red flags' words, read from the stored assessment alone: what the queue shows
        on each row, without rebuilding the whole assessment (which needs the answers too)."""
        return [flag.get("label", "") for flag in (self.assessment or {}).get("red_flags") or ()]

    @property
    def reference_shown(self) -> str:
        """The short reference as people read it aloud: "KD7P 3XHM"."""
        return grouped(self.reference_code)

    @property
    def result(self) -> Assessment:
        """The stored assessment, typed again (what templates, exports and FHIR read)."""
        return Assessment.from_dict(self.assessment, self.answers)

    def to_dict(self, follow_up: dict[str, Any], reference: bool = True) -> dict[str, Any]:
        """The screening as the API returns it, with whether anyone has picked it up
        (screener/alerts/outbox.py, follow_up); without the patient reference when it is
        read without sign-in."""
        answers = self.answers if reference else {
            k: v for k, v in self.answers.items() if k != "patient_ref"}
        return {
            "id": self.public_id,
            "reference": self.reference_code,
            "created_at": utc_iso(self.created_at),
            "ruleset_version": self.ruleset_version,
            "ruleset_hash": self.ruleset_hash,
            "answers": answers,
            "assessment": {**self.assessment, "answers": answers},
            "follow_up": {**follow_up, "unanswered_since": utc_iso(follow_up["unanswered_since"])
                          if follow_up.get("unanswered_since") else None},
        }


def queue_priority(level: str, by_rule: bool) -> int:
    """Most urgent level first; within a level, a level set by a rule (a red flag or another
    discriminator) before one reached by the score."""
    return 2 * LEVELS.index(level) + (0 if by_rule else 1)


def set_by_rule(assessment: Any) -> bool:
    """Whether a discriminator, not the score, set the assessment's level."""
    return any(rule.level == assessment.level for rule in assessment.discriminators)


@event.listens_for(Screening.level, "set")
def _keep_priority(target: Screening, value: str, *_: Any) -> None:
    # A level changed on its own keeps the rule-or-score half of the priority it had.
    target.priority = queue_priority(value, by_rule=not (target.priority or 0) % 2)


class ScreeningAction(db.Model):
    """What a member of staff did about a screening (called back, sent to ED, ...)."""

    __tablename__ = "screening_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    screening: Mapped[Screening] = relationship(back_populates="actions")
    user: Mapped[User] = relationship()

    @property
    def label(self) -> str:
        return str(dict(ACTION_KINDS).get(self.kind, self.kind))


class Alert(db.Model):
    """One notification to send about a screening: the outbox of issue 24. Written in the
    same transaction as the screening, so a crash between the two loses nothing; a worker
    sends it (screener/alerts/). `step` 0 tells the on-call clinician a check has arrived;
    step N (due N escalation intervals later) tells the rota's next step it is unclaimed.

    It holds where it goes and when, never what the screening says."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("screening_id", "step", "channel", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    step: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(8))  # email, webhook
    target: Mapped[str] = mapped_column(String(320))  # an address or a URL from the profile
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # pending -> sending (a worker holds it until lease_until) -> sent; or cancelled (claimed
    # before it was due) or failed (every attempt used). "state", not "status": only
    # workflow.py writes a status (tests/web/test_workflow.py).
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(String(200))  # the kind of failure, no content

    screening: Mapped[Screening] = relationship()


class Recheck(db.Model):
    """One time a caregiver was asked to check again (issue 24, item 4; the hours come from
    the rule set's `rechecks`). Done when a check made from its link arrives; missed when
    none has by `answer_by`, which opens a call for staff (screener/alerts/rechecks.py).

    `token_hash` is the sha256 of the link's token, shared by the rows of one series: the
    link opens nothing but a new check with the earlier history filled in."""

    __tablename__ = "rechecks"

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer_by: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    # pending -> done (a check from the link arrived) or missed (none by answer_by). "state",
    # not "status": only workflow.py writes a status.
    state: Mapped[str] = mapped_column(String(8), default="pending", index=True)
    done_screening_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"))

    screening: Mapped[Screening] = relationship(foreign_keys=[screening_id],
                                                back_populates="rechecks")


class Handover(db.Model):
    """A shift handed over (issue 24, item 6): the incoming clinician acknowledged every open
    urgent or emergency check, each with an owner on the new shift. I-PASS's "synthesis by
    receiver": the one taking over says what they now hold."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the incoming clinician
    on_shift: Mapped[list[int]] = mapped_column(JSONDocument)  # the new shift's user ids
    # Each check acknowledged and its owner: [{"screening": public id, "owner": user id}].
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)

    user: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """One line of the audit trail. Append-only: the application never updates or deletes one.

    `details` names what happened (fields changed, filters used, counts) but never holds
    clinical values, names or answers.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str | None] = mapped_column(String(20))
    record_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)

    # The trail's order, newest first (keyset on at, id), alone or behind its filters.
    __table_args__ = (Index("ix_audit_record", "record_type", "record_id"),
                      Index("ix_audit_events_order", "at", "id"),
                      Index("ix_audit_events_username_order", "username", "at", "id"),
                      Index("ix_audit_events_action_order", "action", "at", "id"))


class DatabaseMark(db.Model):
    """A fact about this database itself: "development" when `flask init-db` set it up in
    development. `flask demo` fills only a database so marked (red team 2, M15)."""

    __tablename__ = "database_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Readiness(db.Model):
    """One row the readiness check rewrites: proof the database can still be written."""

    __tablename__ = "readiness"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class AuditIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_change(*_: Any) -> None:
    raise AuditIsAppendOnly("audit events are append-only")


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

    def values_for(self, page_id: str) -> dict[str, Any] | None:
        """What a page shows: the answers given, else what the patient record suggests."""
        return self.answered(page_id) or (self.prefill or {}).get(page_id)

    def record(self, page_id: str, values: dict[str, Any]) -> None:
        # Reassign (not mutate) so SQLAlchemy sees the change to the JSON columns.
        self.pages = {**(self.pages or {}), page_id: values}
        if page_id in (self.pending or {}):
            self.pending = {k: v for k, v in self.pending.items() if k != page_id}

    def keep_mistakes(self, page_id: str, typed: dict[str, list[str]],
                      errors: dict[str, list[str]]) -> int:
        """Keep a refused page's typed answers and messages (as the words shown, in this
        request's language) until it is sent again; returns this send's number on the page
        (the messages are shown only at its address: screener/journey/views.py)."""
        words = {name: [str(message) for message in messages]
                 for name, messages in errors.items()}
        attempt = ((self.pending or {}).get(page_id) or {}).get("attempt", 0) + 1
        self.pending = {**(self.pending or {}),
                        page_id: {"typed": typed, "errors": words, "attempt": attempt}}
        return attempt

    def forget_answers(self) -> None:
        """Once the screening is saved, the draft keeps only which screening it became."""
        self.pages, self.pending, self.prefill = {}, {}, {}

    def mistakes(self, page_id: str) -> dict[str, Any] | None:
        return (self.pending or {}).get(page_id)

    @property
    def route(self) -> str | None:
        return (self.answered("route") or {}).get("route")
