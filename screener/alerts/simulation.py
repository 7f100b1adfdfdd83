"""A simulated day of a clinic's alerts (issue 24):

    flask --app screener simulate-day --checks 500 --seed 1

It runs on a database of its own (a temporary SQLite file; the app's own is not touched),
through the app's own paths: each check's answers (the demo clinic's, drawn at random) are
scored by the rule set and stored with their alerts by `add_screening` and `add_alerts`; the
alerts are taken and sent by `delivery.deliver` on a simulated clock (the sender records
what would have been sent); claims go through `workflow.claim`. The clock moves in steps of
15 seconds, so a day takes seconds.

Staff are simulated: the person told at each step of the rota claims the check after a
random delay (a log-normal, median `--median-minutes`), or, with `--miss` chance, not at
all; the rota's last step (the clinical lead) always answers within one wait. It prints, per
level, how long checks waited for their first alert and for a claim, and its last line:

    checks N, notified M, claimed C, escalated E, unowned past the last step K
"""

from __future__ import annotations

import math
import random
import statistics
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from ..db import db
from ..models import Alert, Screening, User, as_utc
from . import delivery
from .rota import LEVELS

TICK = timedelta(seconds=15)
STEPS = ("on-call nurse", "second on-call", "clinical lead")


def _profile() -> dict[str, Any]:
    return {"reads_checks": True, "reads_when": "within 2 hours",
            "notify_email": ["step-1@sim.invalid"],
            "escalate_to": [{"email": ["step-2@sim.invalid"]},
                            {"email": ["step-3@sim.invalid"]}]}


def simulate(checks: int, seed: int, median_minutes: float, miss: float) -> dict[str, Any]:
    """Run the day; returns the figures (and prints nothing)."""
    from .. import create_app, workflow
    from ..demo import ANSWERS
    from ..journey.answer_words import words_shown
    from ..models import utc_now
    from ..screenings import add_screening, run_assessment
    from .outbox import add_alerts

    folder = Path(tempfile.mkdtemp(prefix="screener-simulated-day-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "simulated",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'day.sqlite3'}",
                      "QUEUE_URL": "immediate", "SERVICE": _profile()})
    chance = random.Random(seed)  # noqa: S311 - a repeatable simulation, not a secret
    start = as_utc(utc_now()).replace(hour=0, minute=0, second=0, microsecond=0)
    arrivals = sorted(start + timedelta(seconds=chance.uniform(0, 86_400))
                      for _ in range(checks))
    with app.app_context():
        db.create_all()
        rules, rota = app.extensions["ruleset"], app.extensions["service"].rota
        # Simulated staff who never sign in: "!" is no hash any password matches.
        staff = [User(username=f"step{n}", name=name, role="clinic",
                      password_hash="!")  # noqa: S106
                 for n, name in enumerate(STEPS, 1)]
        db.session.add_all(staff)
        db.session.commit()
        scored = {name: run_assessment(answers, rules) for name, answers in ANSWERS.items()
                  if "route" in answers}  # (the others are follow-up calls' answers)
        claims: list[tuple[datetime, int, int]] = []  # (when, screening id, user index)
        sent: list[tuple[Alert, datetime]] = []
        end = arrivals[-1] + timedelta(hours=3) if arrivals else start
        now, pending = start, list(arrivals)
        while now <= end:
            db.session.expire_all()  # what other code changed with UPDATEs, read afresh
            while pending and pending[0] <= now:
                arrived = pending.pop(0)
                assessment = scored[chance.choice(sorted(scored))]
                screening = add_screening(assessment, words_shown(assessment, rules))
                screening.created_at = arrived
                add_alerts(screening, rota)
                db.session.commit()
            for alert_id in delivery.due_alerts(now=now):
                outcome = delivery.deliver(alert_id, lambda alert, message: None,
                                           lambda alert: None, now=now)
                alert = db.session.get(Alert, alert_id)
                if outcome == "sent":
                    sent.append((alert, now))
                    last = alert.step == len(rota.steps) - 1
                    wait = rota.interval(alert.screening.level)
                    if last:
                        delay = chance.uniform(0.1, 0.9) * wait
                    elif chance.random() < miss:
                        continue
                    else:
                        delay = chance.lognormvariate(math.log(median_minutes), 0.8)
                    claims.append((now + timedelta(minutes=delay), alert.screening_id,
                                   alert.step))
            for when, screening_id, step in [c for c in claims if c[0] <= now]:
                claims.remove((when, screening_id, step))
                screening = db.session.get(Screening, screening_id)
                if screening.status == "open":
                    workflow.claim(screening, staff[step], now=when)
                    db.session.commit()
            now += TICK
        return _figures(rota, sent)


def _figures(rota, sent: list[tuple[Alert, datetime]]) -> dict[str, Any]:
    db.session.expire_all()
    first_alert: dict[int, datetime] = {}
    escalated: set[int] = set()
    for alert, when in sent:
        first_alert.setdefault(alert.screening_id, when)
        if alert.step:
            escalated.add(alert.screening_id)
    figures: dict[str, Any] = {"levels": {}, "unowned": 0}
    screenings = db.session.scalars(db.select(Screening)).all()
    for level in LEVELS:
        ours = [s for s in screenings if s.level == level]
        if not ours:
            continue
        to_claim = [(as_utc(s.claimed_at) - as_utc(s.created_at)).total_seconds() / 60
                    for s in ours if s.claimed_at]
        to_alert = [(first_alert[s.id] - as_utc(s.created_at)).total_seconds() / 60
                    for s in ours if s.id in first_alert]
        deadline = timedelta(minutes=len(rota.steps) * rota.interval(level))
        unowned = [s for s in ours if rota.notifies(level) and (
            s.claimed_at is None or as_utc(s.claimed_at) - as_utc(s.created_at) > deadline)]
        figures["unowned"] += len(unowned)
        figures["levels"][level] = {
            "checks": len(ours), "notified": len(to_alert), "claimed": len(to_claim),
            "escalated": len([s for s in ours if s.id in escalated]),
            "to_alert": _spread(to_alert), "to_claim": _spread(to_claim),
            "unowned": len(unowned)}
    return figures


def _spread(minutes: list[float]) -> str:
    if not minutes:
        return "-"
    if len(minutes) == 1:
        return f"{minutes[0]:.1f}"
    deciles = statistics.quantiles(minutes, n=10, method="inclusive")
    return f"median {statistics.median(minutes):.1f}, 90th {deciles[-1]:.1f}, " \
           f"most {max(minutes):.1f}"


@click.command("simulate-day")
@click.option("--checks", default=500, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--median-minutes", default=6.0, show_default=True,
              help="How long the person told takes to claim, typically.")
@click.option("--miss", default=0.2, show_default=True,
              help="The chance a person told before the last step never answers.")
@with_appcontext
def simulate_day_command(checks: int, seed: int, median_minutes: float, miss: float) -> None:
    """A simulated day of alerts on a database of its own: the minutes to alert and claim."""
    figures = simulate(checks, seed, median_minutes, miss)
    click.echo(f"{'level':10} {'checks':>6} {'notified':>8} {'escalated':>9} {'claimed':>7}  "
               f"minutes to first alert / to claim")
    for level, f in figures["levels"].items():
        click.echo(f"{level:10} {f['checks']:6} {f['notified']:8} {f['escalated']:9} "
                   f"{f['claimed']:7}  {f['to_alert']} / {f['to_claim']}")
    total = lambda key: sum(f[key] for f in figures["levels"].values())  # noqa: E731
    click.echo(f"checks {total('checks')}, notified {total('notified')}, claimed "
               f"{total('claimed')}, escalated {total('escalated')}, unowned past the last "
               f"step {figures['unowned']}")
