"""A simulated year of a pump clinic (issue 25, item 5):

    flask --app screener simulate-clinic --pumps 200 --days 365 --seed 1

It runs on a database of its own (a temporary SQLite file; the app's own is not touched),
through the app's own records, projections and worklist: pumps are recorded with
`records.add_setting`; a refill is reviewed by `refill.review` and saved by
`records.save_refill`, as the one-form refill does; MRI scans, programming and pump checks
go through `records.record_event`; each morning the clinic reads its worklist as the page
does (`clinic.listed` and `clinic.flags_of`), takes every flagged pump (`records.take`) and
acts on it. The projected days, the refill-by day and the flags are the app's, kept by its
models; nothing here computes them again.

What the app cannot know is simulated as the world: each pump's true rate (within the
stated 85 to 115 %), the volume truly left, whether a patient comes to a booked refill, is
late or misses it, when a battery's replacement indicator shows, MRI scans, the nurse's
reading of the syringe, and whether a patient answers the phone.

A pump "reaches its alarm date" on the day its true volume reaches the alarm volume. It is
counted in K unless, on the morning the clinic's lead time before, it was either booked for
a refill before that day or flagged on the worklist to a named owner. The last line reads:

    pumps N, days D, refills R, ..., reached the alarm date unbooked and unflagged K
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from ..db import db
from ..models import Patient, PumpSetting, User
from . import records
from .catalogue import MODELS
from .clinic import flags_of, listed
from .projection import ERI_STOP_DAYS
from .refill import Proposed, review

CONCENTRATIONS = (500, 1000, 2000)  # Lioresal Intrathecal ampoules (the brief, [T15])
MEAN_DOSE_MCG = 463  # the National Institute of Neurology's 10-year review (the brief, [T5])
NURSES = ("Sim Nurse A", "Sim Nurse B", "Sim Nurse C")
ON_TIME, LATE = 0.88, 0.06  # the rest miss the booked day and wait to be called
ANSWERS_PHONE = 0.85  # a day's chance the clinic reaches a patient it calls
MRI_A_DAY = 1 / 1500
DOSE_CHANGE, CONCENTRATION_CHANGE = 0.15, 0.04  # at a refill


@dataclass
class Pump:
    """One pump as the world has it; `patient_id` is the app's record of it."""

    patient_id: int
    true_factor: float  # the pump's true rate, against its programme
    volume_ml: float  # truly in the reservoir
    indicator_on: date  # the battery's replacement indicator shows
    stops_on: date  # and the pump stops
    late_until: date | None = None  # a patient late for a refill comes this day
    alarmed: bool = False  # since its last refill
    ran_dry: bool = False
    replace_on: date | None = None  # the replacement booked
    history: dict[date, tuple[date | None, bool]] = field(default_factory=dict)


def simulate(pumps: int, days: int, seed: int) -> Counter:
    from .. import create_app

    folder = Path(tempfile.mkdtemp(prefix="screener-simulated-clinic-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "simulated",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'clinic.sqlite3'}",
                      "QUEUE_URL": "immediate"})
    chance = random.Random(seed)  # noqa: S311 - a repeatable simulation, not a secret
    with app.app_context():
        db.create_all()
        clinic = Clinic(app, chance)
        start = date.today()
        world = [clinic.new_pump(n, start) for n in range(pumps)]
        db.session.commit()
        for day in range(days):
            clinic.day(start + timedelta(days=day), world)
        clinic.seen["pumps"], clinic.seen["days"] = pumps, days
        return clinic.seen


class Clinic:
    def __init__(self, app, chance: random.Random):
        self.chance = chance
        self.zone = app.extensions["service"].zone
        self.lead = app.config["PUMP_LEAD_DAYS"]
        # Simulated staff who never sign in: "!" is no hash any password matches.
        self.nurses = [User(username=f"sim{n}", name=name, role="clinic",
                            password_hash="!")  # noqa: S106
                       for n, name in enumerate(NURSES)]
        db.session.add_all(self.nurses)
        db.session.flush()
        self.seen: Counter = Counter()

    # --- the pumps as they are when the year starts -------------------------------------

    def new_pump(self, n: int, today: date) -> Pump:
        chance = self.chance
        model = chance.choices(list(MODELS.values()), weights=(4, 2, 1, 2, 1))[0]
        dose = min(1500.0, max(50.0, round(chance.lognormvariate(6.0, 0.5) / 5) * 5))
        alarm = 4.0 if chance.random() < 0.1 else 2.0  # personalised for some (F2)
        # The weakest concentration that lasts at least 45 days to the alarm (F7).
        concentration = next((c for c in CONCENTRATIONS
                              if (model.reservoir_ml - alarm) / (dose / c) >= 45),
                             CONCENTRATIONS[-1])
        implanted = today - timedelta(days=chance.randint(0, 7 * 365 - 30))
        indicator = implanted + timedelta(days=chance.randint(5 * 365, 7 * 365 - 60))
        if indicator + timedelta(days=ERI_STOP_DAYS) <= today + timedelta(days=30):
            # Its indicator showed long ago: the pump was replaced since, not left to stop.
            implanted = today - timedelta(days=chance.randint(0, 4 * 365))
            indicator = implanted + timedelta(days=chance.randint(5 * 365, 7 * 365 - 60))
        patient = Patient(reference=f"SIM-{n:04d}", route="intrathecal",
                          contact_phone="07700 900000")
        db.session.add(patient)
        db.session.flush()
        setting = PumpSetting(patient_id=patient.id, recorded_by_id=self.nurses[0].id,
                              model_id=model.id, model_name=model.name,
                              reservoir_ml=float(model.reservoir_ml), alarm_ml=alarm,
                              concentration_mcg_per_ml=float(concentration),
                              daily_dose_mcg=dose, bolus_mcg_per_day=0.0,
                              implanted_on=implanted,
                              indicator_on=indicator if indicator <= today else None)
        records.add_setting(patient, setting)
        stops = min(_years_after(implanted, 7), indicator + timedelta(days=ERI_STOP_DAYS))
        pump = Pump(patient.id, min(1.12, max(0.88, chance.gauss(1.01, 0.03))),
                    float(model.reservoir_ml), indicator, stops)
        # The last refill, some way into its interval, booked as the form suggests.
        made = self._review(patient, setting, today, pump.volume_ml, model.reservoir_ml)
        into = chance.randint(0, max(0, (made.suggested_next - today).days - 1))
        refilled = today - timedelta(days=into)
        self._refill(patient, setting, pump, refilled, drawn=None)
        pump.volume_ml -= into * self._true_daily(setting, pump)
        return pump

    # --- a day of the clinic ------------------------------------------------------------

    def day(self, today: date, world: list[Pump]) -> None:
        db.session.expire_all()
        by_id = {p.patient_id: p for p in world}
        self._work_the_worklist(today, by_id)
        for pump in world:
            patient = db.session.get(Patient, pump.patient_id)
            self._world_tells_the_clinic(today, pump, patient)
            self._appointments(today, pump, patient)
            # The morning's state, for K: booked when, and flagged to a named owner.
            pump.history[today] = (patient.next_refill_date, bool(
                patient.pump_owner_id and self._flags(patient, today)))
        db.session.commit()
        for pump in world:
            self._deliver(today, pump)

    def _work_the_worklist(self, today: date, pumps: dict[int, Pump]) -> None:
        """The page's "Needs action" list: take each flagged pump, then act on its flags."""
        rows = db.session.scalars(listed(today, needs_action=True)).all()
        flags = flags_of([p.id for p in rows], today)
        for patient in rows:
            mine = flags.get(patient.id, set())
            if not mine:
                continue
            self.seen["flagged pump-days"] += 1
            if patient.pump_owner_id is None:
                records.take(patient, self.chance.choice(self.nurses))
            nurse = db.session.get(User, patient.pump_owner_id)
            pump = pumps[patient.id]
            soonest = today + timedelta(days=1)
            booked = patient.next_refill_date
            already_soon = booked is not None and today <= booked <= soonest
            if (mine & {"missed", "unbooked"} and not already_soon
                    and self.chance.random() < ANSWERS_PHONE):
                latest = max(soonest, patient.refill_by or soonest)
                patient.next_refill_date = min(latest, today + timedelta(days=3))
                pump.late_until = None
                self.seen["rebooked"] += 1
            if "check" in mine and self.chance.random() < ANSWERS_PHONE:
                records.record_event(patient, nurse, "checked", _at(today))
            if "residual" in mine and self.chance.random() < 0.5:
                refill = records.unexplained_refill(patient)
                if refill is not None:
                    records.explain_residual(patient, refill, "Simulated: interrogated, no fault")
            if "battery" in mine and pump.replace_on is None:
                pump.replace_on = max(today + timedelta(days=7),
                                      min(pump.stops_on - timedelta(days=14),
                                          today + timedelta(days=60)))

    def _world_tells_the_clinic(self, today: date, pump: Pump, patient: Patient) -> None:
        setting = records.current_setting(patient)
        if today == pump.indicator_on and setting.indicator_on is None:  # the clinic records it
            records.add_setting(patient, records.changed_setting(
                setting, self.nurses[0], "Simulated: replacement indicator shown",
                indicator_on=today))
            self.seen["battery indicators"] += 1
        if self.chance.random() < MRI_A_DAY:
            records.record_event(patient, self.nurses[0], "mri", _at(today))
            self.seen["MRI scans"] += 1
        if pump.replace_on == today:
            records.add_setting(patient, records.changed_setting(
                setting, self.nurses[0], "Simulated: pump replaced", implanted_on=today,
                indicator_on=None))
            implanted = today
            pump.indicator_on = implanted + timedelta(days=self.chance.randint(5 * 365, 2500))
            pump.stops_on = min(_years_after(implanted, 7),
                                pump.indicator_on + timedelta(days=ERI_STOP_DAYS))
            pump.replace_on = None
            pump.volume_ml = 0.0  # the new pump is filled at the operation
            self._refill(patient, records.current_setting(patient), pump, today, drawn=None,
                         reprogrammed=True)
            self.seen["pumps replaced"] += 1

    def _appointments(self, today: date, pump: Pump, patient: Patient) -> None:
        if patient.last_refill_on == today:
            return
        due = patient.next_refill_date == today or pump.late_until == today
        if not due:
            return
        if pump.late_until == today:
            pump.late_until = None
        else:
            roll = self.chance.random()
            if roll >= ON_TIME:
                if roll < ON_TIME + LATE:
                    pump.late_until = today + timedelta(days=self.chance.randint(1, 5))
                    self.seen["late for a refill"] += 1
                else:
                    self.seen["missed a refill"] += 1
                return
        setting = records.current_setting(patient)
        reading = max(0.0, round(pump.volume_ml + self.chance.gauss(0, 0.15), 1))
        self._refill(patient, setting, pump, today, drawn=reading)

    def _deliver(self, today: date, pump: Pump) -> None:
        """A day of the world: the pump gives its true daily volume, until it stops."""
        if today >= pump.stops_on:
            self.seen["pump-days stopped (battery)"] += 1
            return
        patient = db.session.get(Patient, pump.patient_id)
        setting = records.current_setting(patient)
        pump.volume_ml = max(0.0, pump.volume_ml - self._true_daily(setting, pump))
        if not pump.alarmed and pump.volume_ml <= setting.alarm_ml:
            pump.alarmed = True
            self.seen["alarms"] += 1
            warned = pump.history.get(today - timedelta(days=self.lead))
            if warned is not None:
                booked, flagged = warned
                seen_on = today - timedelta(days=self.lead)
                if not (flagged or (booked is not None and seen_on <= booked <= today)):
                    self.seen["K"] += 1
        if not pump.ran_dry and pump.volume_ml <= 0:
            pump.ran_dry = True
            self.seen["ran dry"] += 1

    # --- through the app -----------------------------------------------------------------

    def _refill(self, patient: Patient, setting: PumpSetting, pump: Pump, today: date,
                drawn: float | None, reprogrammed: bool = False) -> None:
        chance = self.chance
        concentration, dose, reason = setting.concentration_mcg_per_ml, setting.daily_dose_mcg, None
        if drawn is not None and chance.random() < DOSE_CHANGE:
            dose = round(dose * chance.uniform(0.9, 1.2) / 5) * 5
            if dose > setting.daily_dose_mcg * 1.15:
                reason = "Simulated: tone worse, reviewed"
        if drawn is not None and chance.random() < CONCENTRATION_CHANGE:
            # Another strength that still lasts 45 days to the alarm, if there is one.
            lasting = [c for c in CONCENTRATIONS if c != concentration and
                       (setting.reservoir_ml - setting.alarm_ml) / (dose / c) >= 45]
            concentration = float(chance.choice(lasting)) if lasting else concentration
        made = self._review(patient, setting, today, float(setting.reservoir_ml),
                            drawn, concentration, dose)
        changed = made.changed or reprogrammed
        booked = max(today + timedelta(days=1),
                     made.suggested_next - timedelta(days=chance.randint(0, 5)))
        saved = records.save_refill(patient, self.nurses[0], setting, made, records.RefillEntry(
            refilled_on=today, next_refill_date=booked, drawn_ml=drawn or 0.0,
            put_in_ml=float(setting.reservoir_ml), concentration=concentration, dose_mcg=dose,
            reprogrammed=changed, pump_checked=changed and chance.random() < 0.9,
            bridge_bolus=made.bridge_needed, titration_reason=reason), now=_at(today))
        pump.volume_ml, pump.alarmed, pump.ran_dry = float(setting.reservoir_ml), False, False
        self.seen["refills"] += 1
        self.seen["dose changes"] += made.dose_changed
        self.seen["concentration changes"] += made.concentration_changed
        self.seen["residuals flagged"] += saved.residual_flagged

    def _review(self, patient: Patient, setting: PumpSetting, today: date, put_in: float,
                drawn: float | None = None, concentration: float | None = None,
                dose: float | None = None):
        return review(records.before_refill(patient, setting), Proposed(
            refilled_on=today, drawn_ml=drawn, put_in_ml=put_in,
            concentration=concentration or setting.concentration_mcg_per_ml,
            dose_mcg=dose or setting.daily_dose_mcg), self.zone, self.lead)

    def _true_daily(self, setting: PumpSetting, pump: Pump) -> float:
        return setting.daily_dose_mcg / setting.concentration_mcg_per_ml * pump.true_factor

    @staticmethod
    def _flags(patient: Patient, today: date) -> set[str]:
        return flags_of([patient.id], today).get(patient.id, set())


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


SHOWN = ("refills", "dose changes", "concentration changes", "late for a refill",
         "missed a refill", "rebooked", "residuals flagged", "MRI scans", "battery indicators",
         "pumps replaced", "flagged pump-days", "alarms", "ran dry",
         "pump-days stopped (battery)")


@click.command("simulate-clinic")
@click.option("--pumps", default=200, show_default=True)
@click.option("--days", default=365, show_default=True)
@click.option("--seed", default=1, show_default=True)
@with_appcontext
def simulate_clinic_command(pumps: int, days: int, seed: int) -> None:
    """A simulated year of a pump clinic on a database of its own: what reached its alarm."""
    seen: dict[str, Any] = simulate(pumps, days, seed)
    figures = ", ".join(f"{name} {seen[name]}" for name in SHOWN)
    click.echo(f"pumps {pumps}, days {days}, {figures}, reached the alarm date unbooked and "
               f"unflagged {seen['K']}")
