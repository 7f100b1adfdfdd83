"""Seed stored screenings, then time `screener rules replay` over them; print the rate.

The issue's aim: a million stored screenings replayed through two rule sets in under 60
seconds on this 2-core machine.

Run:
    .venv/bin/python bench/replay_speed.py [--n 1000000] [--workers 2] [--seed 1]
        [--before FILE|REV] [--database URL]

The answer sets are made like a caregiver's check (a route, a few of the signs, some of
the history answered, vital signs on about one check in four, rounded as people read
them), validated and scored with the packaged rule set, and stored as the app stores them.
How many are distinct is printed: identical answer sets are decided once.
By default the database is a throw-away SQLite file. With --database, the screener's tables
in THAT database are dropped and recreated: point it only at a scratch database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import create_engine, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screener.cli.replay import replay, rules_text, stored_answers  # noqa: E402
from screener.clinical import decide  # noqa: E402
from screener.clinical.answers import normalise  # noqa: E402
from screener.clinical.rules import default_ruleset  # noqa: E402
from screener.reference_codes import numbered_reference_code  # noqa: E402

ROUTES = {"intrathecal": 0.45, "oral": 0.4, "both": 0.1, "unknown": 0.05}
HOW_MANY_SIGNS = {0: 0.3, 1: 0.3, 2: 0.2, 3: 0.12, 4: 0.08}
# Typical readings and how far they spread, with the precision people read them at.
VITALS = {"temperature_c": (37.2, 1.0, 1), "heart_rate": (85, 20, 0),
          "respiratory_rate": (17, 4, 0), "systolic_bp": (120, 20, 0), "spo2": (96, 2, 0)}
BATCH = 10_000


def a_check(rng: random.Random, rules) -> dict:
    route = rng.choices(list(ROUTES), weights=list(ROUTES.values()))[0]
    signs = [f for f in rules.ids("symptom")]
    symptoms = rng.sample(signs, rng.choices(list(HOW_MANY_SIGNS),
                                             weights=list(HOW_MANY_SIGNS.values()))[0])
    history: dict = {fact: rng.random() < 0.2 for fact in sorted(rules.asked_for(route))
                     if fact in rules.ids("history") and rng.random() < 0.5}
    if rng.random() < 0.6:
        history["age_years"] = rng.randint(2, 90)
    if rng.random() < 0.3:
        history["hours_since_problem"] = rng.choice([1, 2, 4, 6, 12, 24, 48, 72])
    vitals = {}
    if rng.random() < 0.25:
        for vital_id, (mean, spread, places) in VITALS.items():
            vital = rules.vitals.get(vital_id)
            if vital and rng.random() < 0.6:
                value = round(min(vital.max, max(vital.min, rng.gauss(mean, spread))), places)
                vitals[vital_id] = value
    return {"route": route, "symptoms": symptoms, "history": history, "vitals": vitals,
            "respondent": rng.choice(["caregiver", "patient", "staff"])}


def _rows(args: tuple[int, int, int]) -> list[dict]:
    """One batch of rows, made and scored in a worker process."""
    seed, start, count = args
    rules = default_ruleset()
    rng = random.Random(seed * 1_000_003 + start)
    now = datetime.now(UTC)
    rows = []
    for n in range(start, start + count):
        answers = normalise(a_check(rng, rules), rules)
        decision = decide(answers, rules)
        rows.append({"public_id": f"bench{n:012d}", "reference_code": numbered_reference_code(n),
                     "created_at": now,
                     "ruleset_version": rules.version, "ruleset_hash": rules.short_hash,
                     "level": decision.level, "priority": 0, "score": decision.score,
                     "answers": answers.to_dict(), "assessment": {}, "status": "closed"})
    return rows


def seed(url: str, n: int, seed_value: int, workers: int) -> float:
    from screener import create_app
    from screener.db import db
    from screener.models import Screening

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"],
                           json_serializer=lambda v: orjson.dumps(v).decode())
    started = time.perf_counter()
    batches = [(seed_value, start, min(BATCH, n - start)) for start in range(0, n, BATCH)]
    with ProcessPoolExecutor(max_workers=workers) as pool, engine.begin() as connection:
        for rows in pool.map(_rows, batches):
            connection.execute(insert(Screening.__table__), rows)
    engine.dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", help="the other rule set: a file or a git revision "
                                         "(default: the packaged file against itself)")
    parser.add_argument("--database", help="a scratch database (its tables are dropped)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="replay-bench-")
    url = args.database or f"sqlite:///{folder}/replay.sqlite"
    seconds = seed(url, args.n, args.seed, args.workers)
    print(f"seeded {args.n:,} screenings in {seconds:.1f} s ({url.split('@')[-1]})")
    before, _ = rules_text(args.before)
    after, _ = rules_text(None)
    started = time.perf_counter()
    reports = replay({"stored screenings": stored_answers(url)}, before, after, args.workers)
    seconds = time.perf_counter() - started
    report = reports["stored screenings"]
    print(f"replayed {report.total:,} stored screenings ({report.distinct:,} distinct answer "
          f"sets) through two rule sets in {seconds:.1f} s with {args.workers} workers: "
          f"{report.total / seconds:,.0f} a second (aim: 1,000,000 in under 60 s)")
    print(f"moved up {report.up:,}, down {report.down:,}; unreadable before "
          f"{report.unreadable['before']:,}, after {report.unreadable['after']:,}")
    print(f"reproduce: .venv/bin/python bench/replay_speed.py --n {args.n} "
          f"--workers {args.workers} --seed {args.seed}"
          + (f" --before {args.before}" if args.before else ""))


if __name__ == "__main__":
    main()
