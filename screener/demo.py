"""A demo clinic for development: `flask --app screener demo` (or `make demo`).

An empty queue teaches a newcomer nothing. This fills an empty development database with an
obviously fictional clinic (every reference starts DEMO-, every name says Demo, every patient
record, refill and staff action notes "Demo data"): patients on pumps and on tablets,
screenings at every level over the last three weeks, some open, some claimed, some closed,
follow-up calls that draw a trend on a timeline, a pump clinic worklist showing every kind
of flag (a missed refill, a booking after the refill-by day, a residual not explained, a
battery replacement to book, an MRI with no pump check since), and one account per role.

It goes through the app's own paths, so it stays honest when they change: the answer sets
below are scored by the rule set through `run_assessment` (no level is written here, and the
command fails if the open screenings no longer reach every level), screenings are stored by
`add_screening`, follow-up calls start from `call_prefill`, claims, actions, closes and calls
go through `screener/workflow.py` as the staff pages' do, and each step leaves the audit
line the app would, at the time the story says it happened, with `demo` in its details.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from . import audit, workflow
from .clinical import Assessment
from .clinical.rules import LEVELS
from .db import db
from .journey.answer_words import words_shown
from .journey.forms import to_request
from .models import DatabaseMark, Patient, PumpSetting, Screening, User, utc_now
from .pump import records
from .screenings import add_screening, run_assessment
from .settings import is_development
from .staff.patients import call_prefill

DEMO_NOTE = "Demo data: fictional, made by flask --app screener demo."
STAFF = {"triage": "Demo Triage Nurse", "clinic": "Demo Clinic Nurse",
         "admin": "Demo Administrator"}
SET_UP_DAYS_AGO = 90  # when the demo clinic's accounts and records were made
REFILL_EVERY_DAYS = 42
# One pump programme for every demo pump (a pump record from the catalogue): 20 mL of 500
# mcg/mL at 150 mcg a day, 0.3 mL a day, alarms at 2 mL after 60 days as programmed, from
# day 52 at 15 % fast; refill by day 45, so the planned refill (42 days) comes in time.
PUMP = {"pump_model": "Medtronic SynchroMed II 8637-20 (20 mL)", "reservoir_ml": 20.0,
        "concentration_mcg_per_ml": 500.0, "daily_dose_mcg": 150.0,
        "low_reservoir_alarm_ml": 2.0}
SETTING = {"model_id": "synchromed-ii-8637-20", "model_name": PUMP["pump_model"],
           "reservoir_ml": 20.0, "alarm_ml": 2.0, "concentration_mcg_per_ml": 500.0,
           "daily_dose_mcg": 150.0, "bolus_mcg_per_day": 0.0}
NORMAL_VITALS = {"temperature_c": 36.8, "heart_rate": 72, "systolic_bp": 122,
                 "respiratory_rate": 14, "spo2": 98}

# reference, name, route, days since the pump's last refill (None: tablets only), and what
# the clinic worklist flags (screener/pump/clinic.py)
PATIENTS = (
    ("DEMO-0001", "Ada Demo", "intrathecal", 45),  # missed: the refill booked 3 days ago
    ("DEMO-0002", "Ben Demo", "intrathecal", 38),  # due in 4 days; battery to book
    ("DEMO-0003", "Cara Demo", "intrathecal", 18),  # an MRI with no pump check since
    ("DEMO-0004", "Dev Demo", "oral", None),
    ("DEMO-0005", "Eli Demo", "both", 30),  # booked after refill-by; a residual unexplained
    ("DEMO-0006", "Fay Demo", "intrathecal", 57),  # missed by 15 days; may run empty today
)
BATTERY_STOPS_IN_DAYS = 150  # DEMO-0002's pump reaches 7 years then: book it within 90 days
LATE_BOOKING_DAY = 60  # DEMO-0005's next refill, after day 45 (refill by)

# Answers as a caregiver (or staff, on a call) gives them, in the rule set's feature ids;
# adapted from tests/data/vignettes.json. The engine scores them.
ANSWERS: dict[str, dict[str, Any]] = {
    "tablets ran out, hallucinations": {
        "route": "oral", "respondent": "caregiver",
        "symptoms": ["hallucinations", "agitation", "insomnia"],
        "history": {"abrupt_stop": True, "ran_out_of_medication": True,
                    "long_term_use": True, "hours_since_problem": 24}},
    "fever and rigidity": {
        "route": "intrathecal", "respondent": "caregiver",
        "symptoms": ["fever", "muscle_rigidity", "sweating"],
        "history": {"pump_alarm": False, "refill_overdue": "unknown"},
        "vitals": {"temperature_c": 39.4, "heart_rate": 126}},
    "pump alarm, itching": {
        "route": "intrathecal", "respondent": "caregiver",
        "symptoms": ["pruritus", "rebound_spasticity"],
        "history": {"pump_alarm": True, "hours_since_problem": 8}},
    "tingling, refill overdue": {
        "route": "intrathecal", "respondent": "patient", "symptoms": ["paresthesia"],
        "history": {"refill_overdue": True, "hours_since_problem": 20}},
    "child, alarm and itching": {
        "route": "intrathecal", "respondent": "caregiver",
        "symptoms": ["pruritus", "rebound_spasticity"],
        "history": {"pump_alarm": True, "communication_difficulty": True, "age_years": 10},
        "vitals": {"heart_rate": 118}},
    "ran out, early withdrawal": {
        "route": "oral", "respondent": "patient",
        "symptoms": ["anxiety", "insomnia", "tremor", "rebound_spasticity"],
        "history": {"ran_out_of_medication": True, "long_term_use": True,
                    "hours_since_problem": 20},
        "vitals": {"heart_rate": 104}},
    "refill overdue, cannot say": {
        "route": "intrathecal", "respondent": "caregiver",
        "history": {"refill_overdue": True, "pump_alarm": "unknown",
                    "communication_difficulty": True, "hours_since_problem": 48}},
    "missed two doses": {
        "route": "oral", "respondent": "patient",
        "history": {"missed_doses": True, "long_term_use": True, "hours_since_problem": 14}},
    "supply running low": {
        "route": "oral", "respondent": "patient",
        "history": {"supply_running_low": True, "long_term_use": True, "missed_doses": False}},
    "pump battery low": {
        "route": "intrathecal", "respondent": "patient",
        "history": {"pump_battery_low": True, "pump_alarm": False}},
    "more spasms, pump fine": {
        "symptoms": ["muscle_spasms"], "vitals": NORMAL_VITALS,
        "history": {"pump_alarm": False, "recent_refill_or_programming_change": False,
                    "recent_pump_or_catheter_surgery": False, "recent_mri": False,
                    "pump_battery_low": False}},
    "well after a refill": {
        "route": "intrathecal", "respondent": "caregiver", "vitals": NORMAL_VITALS,
        "history": {"recent_refill_or_programming_change": True, "pump_alarm": False,
                    "hours_since_problem": 30}},
    "settled": {
        "vitals": NORMAL_VITALS,
        "history": {"pump_alarm": False, "recent_refill_or_programming_change": False}},
    "stable on tablets": {
        "route": "oral", "respondent": "patient",
        "history": {"long_term_use": True, "missed_doses": False, "supply_running_low": False}},
}

# Screenings sent through the public check: hours ago, answer set, the reference typed,
# whether staff confirmed it is that patient, and what staff did: None (still open) or
# (role, action or None for a bare claim, closed, note).
SCREENINGS = (
    (0.3, "tablets ran out, hallucinations", "DEMO-0004", False, None),
    (1, "pump alarm, itching", "DEMO-0006", False, None),
    (3, "missed two doses", "DEMO-0105", False, None),
    (5, "well after a refill", "DEMO-0002", False, None),
    (2, "tingling, refill overdue", "DEMO-0001", False, ("triage", None, False, None)),
    (26, "supply running low", "DEMO-0004", False,
     ("clinic", "called_back", False, "New prescription asked of the GP; call again tomorrow")),
    (3 * 24, "fever and rigidity", "DEMO-0106", False,
     ("triage", "sent_to_emergency", True, "Carer called 999; the ED was told it is a pump")),
    (5 * 24, "child, alarm and itching", "DEMO-0107", False,
     ("triage", "advice_given", True, "Came to clinic the same day; pump refilled")),
    (9 * 24, "pump battery low", "DEMO-0002", False,
     ("clinic", "advice_given", True, "Battery check booked with the pump clinic")),
    (14 * 24, "stable on tablets", "DEMO-0004", False,
     ("clinic", "other", True, "Nothing to do; a routine check")),
    (20 * 24, "ran out, early withdrawal", "DEMO-0108", False,
     ("triage", "called_back", True, "Emergency supply from the pharmacy the same evening")),
    (18 * 24 + 3, "refill overdue, cannot say", "DEMO-0003", True,
     ("clinic", "called_back", True, "Came to clinic; the pump was refilled the same day")),
)

# The checks (by their place above) whose sender left no number: the worklist's second lane.
# The newest ended early at an emergency, told to call 999.
NO_NUMBER = {0}

# Follow-up calls, each a screening staff ran for the patient: reference, hours ago,
# answer set, the caller's role. With the screening above, Cara's timeline shows a trend.
CALLS = (
    ("DEMO-0003", 16 * 24, "more spasms, pump fine", "clinic"),
    ("DEMO-0003", 9 * 24, "settled", "clinic"),
    ("DEMO-0003", 2 * 24, "settled", "triage"),
)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill an empty development database with a fictional demo clinic; print its accounts."""
    refusal = why_not()
    if refusal:
        raise click.ClickException(refusal)
    passwords = make_demo_clinic()
    click.echo(f"Demo clinic made: {len(PATIENTS)} fictional patients ({PATIENTS[0][0]} to "
               f"{PATIENTS[-1][0]}), {len(SCREENINGS) + len(CALLS)} screenings, a pump clinic "
               "worklist with every kind of flag.")
    click.echo("Demo accounts (a local demo only; never use them on a real service):")
    click.echo(f"  {'role':<8}{'username':<14}password")
    for role, (username, password) in passwords.items():
        click.echo(f"  {role:<8}{username:<14}{password}")
    click.echo("Sign in at /staff/sign-in.")


def why_not() -> str | None:
    """Why the demo may not run here: outside development, or on a database holding data."""
    if not is_development(current_app):
        return ("Refusing to add the demo clinic outside development (it is for your own "
                "machine: make demo, or SCREENER_DEVELOPMENT=true).")
    if db.session.get(DatabaseMark, "development") is None:
        return ("Refusing to add the demo clinic: this database was not set up for "
                "development (make demo, or flask init-db in development, marks a new one).")
    held = {table: db.session.execute(db.select(db.func.count()).select_from(model))
            .scalar_one() for table, model in (("patients", Patient),
                                               ("screenings", Screening), ("users", User))}
    if any(held.values()):
        return ("Refusing to add the demo clinic: this database already holds data ("
                + ", ".join(f"{table} {n}" for table, n in held.items())
                + "); the demo fills an empty database only, so it runs once. Start from a "
                "new database to run it again.")
    return None


def make_demo_clinic() -> dict[str, tuple[str, str]]:
    """Write the demo clinic in one transaction; return each role's username and password.
    Scores everything first: if the open screenings miss a level, nothing is written."""
    rules = current_app.extensions["ruleset"]
    now, today = utc_now(), date.today()
    patients = {ref: _patient(ref, name, route, days, today)
                for ref, name, route, days in PATIENTS}
    sent = [(now - timedelta(hours=hours), run_assessment(
        {**ANSWERS[answers], "patient_ref": ref}, rules), ref, confirmed, dealt)
        for hours, answers, ref, confirmed, dealt in SCREENINGS]
    calls = [(now - timedelta(hours=hours), _call(patients[ref], now - timedelta(hours=hours),
                                                  ANSWERS[answers], rules), ref, role)
             for ref, hours, answers, role in CALLS]
    _check_every_level({a.level for _, a, _, _, dealt in sent if dealt is None})

    trail: list[tuple[datetime, tuple, dict[str, Any]]] = []  # audit lines, put in time order
    users, passwords = _set_up(now - timedelta(days=SET_UP_DAYS_AGO), patients, trail)
    for n, (when, assessment, ref, confirmed, dealt) in enumerate(sent):
        screening = _store(assessment, rules, when)
        if n not in NO_NUMBER:
            screening.callback_phone = f"07700 900{n + 200:03d}"  # Ofcom's drama range
        if confirmed:
            screening.patient_id = patients[ref].id
            trail.append((when + timedelta(minutes=10),
                          ("link_patient", "screening", screening.public_id),
                          {"user": users["triage"], "patient_id": patients[ref].id}))
        if dealt:
            role, kind, closed, note = dealt
            _deal_with(screening, users[role], when, kind, closed, note, trail)
    for when, assessment, ref, role in calls:
        caller = users[role]
        trail.append((when, ("start_call", "patient", patients[ref].id), {"user": caller}))
        screening = _store(assessment, rules, when + timedelta(minutes=10), patients[ref].id)
        workflow.record_call(screening, caller, DEMO_NOTE)
        trail.append((screening.created_at, ("create", "screening", screening.public_id),
                      {"user": caller, "via": "follow-up call"}))

    for when, (action, record_type, record_id), details in sorted(trail, key=lambda t: t[0]):
        audit.record(action, record_type, record_id, demo=True, **details).at = when
    audit.record("make_demo_clinic", username="(command line)", demo=True,
                 users=len(users), patients=len(patients), screenings=len(sent) + len(calls))
    db.session.commit()
    return passwords


def _set_up(opened: datetime, patients: dict[str, Patient], trail: list
           ) -> tuple[dict[str, User], dict[str, tuple[str, str]]]:
    """The clinic as it was set up: the demo accounts with new passwords, the patients, and
    their pumps' last refills."""
    users, passwords = {}, {}
    for role, name in STAFF.items():
        username, password = f"demo-{role}", secrets.token_urlsafe(12)
        users[role] = User(username=username, name=name, role=role, created_at=opened)
        users[role].set_password(password)
        passwords[role] = (username, password)
    db.session.add_all([*users.values(), *patients.values()])
    db.session.flush()
    for role, user in users.items():
        trail.append((opened, ("create_user", "user", user.id),
                      {"username": "(command line)", "role": role}))
    for patient in patients.values():
        patient.created_at = opened
        trail.append((opened, ("create", "patient", patient.id), {"user": users["admin"]}))
        if patient.last_refill_on:
            _pump(patient, users["clinic"], opened, trail)
    return users, passwords


def _pump(patient: Patient, nurse: User, opened: datetime, trail: list) -> None:
    """The pump's record and its last refill, and what makes each demo flag: DEMO-0002's
    battery, DEMO-0003's MRI, DEMO-0005's late booking and residual."""
    today = date.today()
    implanted = today - timedelta(days=365 * 3)
    if patient.reference == "DEMO-0002":
        implanted = _years_before(today + timedelta(days=BATTERY_STOPS_IN_DAYS), 7)
    records.add_setting(patient, PumpSetting(patient_id=patient.id, recorded_by_id=nurse.id,
                                             recorded_at=opened, reason=DEMO_NOTE,
                                             implanted_on=implanted, catheter_cm=90.0,
                                             **SETTING))
    refilled = datetime.combine(patient.last_refill_on, opened.timetz())
    expected = 20.0 - 0.3 * REFILL_EVERY_DAYS  # what the refill before it left
    odd = patient.reference == "DEMO-0005"
    details = {"drawn_ml": expected - (2.5 if odd else 0.2), "expected_ml": expected,
               "put_in_ml": 20.0, "reprogrammed": False, "residual_flagged": odd,
               "recorded_at": refilled}
    if odd:
        patient.next_refill_date = patient.last_refill_on + timedelta(days=LATE_BOOKING_DAY)
    workflow.record_refill(patient, nurse, patient.last_refill_on, patient.next_refill_date,
                           20.0, DEMO_NOTE, details=details)
    trail.append((refilled, ("record_refill", "patient", patient.id), {"user": nurse}))
    if patient.reference == "DEMO-0003":
        records.record_event(patient, nurse, "mri", utc_now() - timedelta(days=2),
                             "Demo data: a head MRI at another hospital")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _patient(reference: str, name: str, route: str, days_since_refill: int | None,
             today: date) -> Patient:
    pump = {} if days_since_refill is None else {
        **PUMP, "last_refill_on": today - timedelta(days=days_since_refill),
        "next_refill_date": today + timedelta(days=REFILL_EVERY_DAYS - days_since_refill)}
    return Patient(reference=reference, name=name, route=route, notes=DEMO_NOTE,
                   clinic_name="Demo pump clinic", clinic_phone="0161 496 0000",
                   contact_name=f"Carer of {name}", contact_phone="07700 900123", **pump)


def _call(patient: Patient, when: datetime, answers: dict[str, Any], rules) -> Assessment:
    """A follow-up call's answers: what the record pre-fills on that day (call_prefill, as the
    journey turns it into a request), with what the call then asked."""
    known = to_request(call_prefill(patient, when.date()), rules)
    return run_assessment({**answers, **known, "symptoms": answers.get("symptoms", []),
                           "history": {**known["history"], **answers.get("history", {})},
                           "vitals": answers.get("vitals", {})}, rules)


def _check_every_level(levels: set[str]) -> None:
    """The demo shows every level only if the rule set still gives it: fail loudly if not."""
    missing = [level for level in LEVELS if level not in levels]
    if missing:
        raise click.ClickException(
            "The rule set no longer scores the demo's open screenings at every level "
            f"(missing: {', '.join(missing)}): change the answer sets in screener/demo.py.")


def _store(assessment: Assessment, rules, when: datetime,
           patient_id: int | None = None) -> Screening:
    screening = add_screening(assessment, words_shown(assessment, rules), patient_id=patient_id)
    screening.created_at = when
    db.session.flush()
    return screening


def _deal_with(screening: Screening, user: User, sent: datetime, kind: str | None,
               closed: bool, note: str | None, trail: list) -> None:
    """Claim it, record what was done and perhaps close it, as the queue's views do."""
    claimed, acted = sent + timedelta(minutes=15), sent + timedelta(minutes=40)
    who = {"user": user}
    workflow.claim(screening, user, claimed)
    trail.append((claimed, ("claim", "screening", screening.public_id), who))
    if kind:
        workflow.record_action(screening, user, kind, f"Demo data: {note}", close=closed,
                               now=acted)
        trail.append((acted, ("add_action", "screening", screening.public_id),
                      {**who, "kind": kind}))
    if closed:  # every closed demo screening says what was done (SCREENINGS)
        trail.append((acted, ("close", "screening", screening.public_id), who))
