"""Time the staff queue, the refill worklist and a patient page on a large database.

The issue's goal: with 100,000 screenings and 10,000 patients stored, each of these pages
renders in under 100 ms (median). This script seeds that data with bulk inserts, signs a
staff user in through the app's test client, then requests each page --rounds times after
3 warm-up requests and prints median, p95 and max in ms. A page's time is the whole request:
its queries (including the COUNT that pagination runs), the template and the audit line
every staff page writes. It exits 1 if any median is 100 ms or more.

Run:
    .venv/bin/python bench/staff_scale.py [--screenings 100000] [--patients 10000]
        [--rounds 30] [--seed 1] [--database URL] [--analyze] [--explain]

By default the database is a throw-away SQLite file in a temporary directory. With
--database, the screener's tables in THAT database are DROPPED and recreated, so all their
data is lost: point it only at a scratch database, e.g.
    --database postgresql+psycopg://postgres@127.0.0.1:5432/test
The PostgreSQL tests (tests/apps.py) drop and create the same tables in `test`: do not
run both at once, or use a database of its own (createdb -U postgres -h 127.0.0.1 staff_scale,
then --database postgresql+psycopg://postgres@127.0.0.1:5432/staff_scale).
PostgreSQL tables get VACUUM ANALYZE after seeding, as autovacuum would soon do; SQLite
gathers no statistics unless --analyze runs ANALYZE (which PRAGMA optimize would do).
--explain prints each SELECT a page runs with its plan (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL), to find a missing index.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import Engine, make_url

from screener import create_app
from screener.clinical.rules import LEVELS, RuleSet, default_ruleset
from screener.db import db
from screener.models import queue_priority, set_by_rule
from screener.screenings import run_assessment

BATCH = 5_000
ANSWER_SETS = 50
WARM_UP = 3
TARGET_MS = 100.0
USERNAME, PASSWORD = "bench.admin", "bench-only-password"
# Share of screenings at each level: most calls are not emergencies.
LEVEL_WEIGHTS = {"emergency": 0.1, "urgent": 0.2, "soon": 0.3, "routine": 0.4}
PATIENT_ROUTES = {"intrathecal": 0.5, "oral": 0.35, "both": 0.1, "unknown": 0.05}
LINKED_SHARE = 0.6  # screenings linked to a patient record
CLOSED_SHARE, OPEN_SHARE = 0.9, 0.06  # the rest (4%) are claimed
PATIENT_SKEW = 1.5  # >1: a few patients have many screenings (the busiest ~130 of 60,000)
COLUMN_LIST = re.compile(r"SELECT (?:(?!SELECT|FROM).)+? FROM")  # shortened in --explain


# --- Answer sets -------------------------------------------------------------------


def random_raw(rng: random.Random, rules: RuleSet) -> dict[str, Any]:
    """A varied, valid request: some symptoms, some history, vitals mostly in normal range."""
    history: dict[str, Any] = {fact: rng.choice([True, False, "unknown"])
                               for fact in rules.ids("history") if rng.random() < 0.3}
    for fact in rules.ids("number"):
        feature = rules.features[fact]
        if rng.random() < 0.5:
            history[fact] = rng.randint(int(feature.min), int(feature.max) // 3)
    vitals = {}
    for vital in rules.vitals.values():
        if rng.random() < 0.4:
            low, high = vital.min, vital.max
            if rng.random() < 0.8:  # inside the band that scores 0 points
                uptos = [vital.min] + [band.upto for band in vital.bands]
                normal = next(i for i, band in enumerate(vital.bands) if band.points == 0)
                low, high = uptos[normal], min(uptos[normal + 1], vital.max)
            vitals[vital.id] = round(rng.uniform(low, high), 1)
    symptoms = rng.sample(rules.ids("symptom"), rng.choice([0, 0, 1, 1, 2, 3, 4, 6]))
    return {"route": rng.choice([r["id"] for r in rules.routes]), "symptoms": symptoms,
            "history": history, "vitals": vitals,
            "respondent": rng.choice([r["id"] for r in rules.respondents])}


def answer_sets(rng: random.Random, rules: RuleSet) -> dict[str, list[dict[str, Any]]]:
    """About ANSWER_SETS scored answer sets, by level, as the columns of a screening row."""
    per_level = -(-ANSWER_SETS // len(LEVELS))
    by_level: dict[str, list[dict[str, Any]]] = {level: [] for level in LEVELS}
    for _ in range(ANSWER_SETS * 400):
        assessment = run_assessment(random_raw(rng, rules), rules)
        found = by_level[assessment.level]
        if len(found) < per_level:
            found.append({
                "ruleset_version": assessment.ruleset_version,
                "level": assessment.level,
                "priority": queue_priority(assessment.level, set_by_rule(assessment)),
                "score": assessment.score,
                "direction": assessment.direction,
                "respondent": assessment.answers.get("respondent"),
                "answers": dict(assessment.answers),
                "assessment": assessment.to_dict(),
            })
        if all(len(found) == per_level for found in by_level.values()):
            break
    return {level: found for level, found in by_level.items() if found}


# --- Seeding -----------------------------------------------------------------------


def insert_batches(table, rows) -> int:
    """Insert `rows` (an iterable of dicts) BATCH at a time, one transaction per batch."""
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            count += _insert(table, batch)
            batch = []
    return count + (_insert(table, batch) if batch else 0)


def _insert(table, batch: list[dict[str, Any]]) -> int:
    with db.engine.begin() as conn:
        conn.execute(insert(table), batch)
    return len(batch)


def fetch_all(statement) -> list:
    """Rows read on a connection of their own: no transaction is left open (idle, holding
    locks) while the bulk inserts run."""
    with db.engine.connect() as conn:
        return list(conn.execute(statement).all())


def patient_rows(rng: random.Random, count: int, today: date, now: datetime):
    routes, weights = list(PATIENT_ROUTES), list(PATIENT_ROUTES.values())
    for number in range(1, count + 1):
        route = rng.choices(routes, weights)[0]
        pump = route in ("intrathecal", "both")
        yield {
            "reference": f"P{number:06d}", "name": None, "date_of_birth": None,
            "route": route,
            "pump_model": "SynchroMed II" if pump else None,
            "reservoir_ml": rng.choice([20.0, 40.0]) if pump else None,
            "concentration_mcg_per_ml": rng.choice([500.0, 1000.0, 2000.0]) if pump else None,
            "next_refill_date": (due := today + timedelta(days=rng.randint(-60, 120))),
            "due_date": due,  # bulk inserts skip the ORM event that keeps it
            "clinic_name": "Spasticity clinic", "clinic_phone": "0161 555 0100",
            "notes": None, "created_at": now, "updated_at": now,
        }


def refill_rows(patients: list[tuple[int, date, str]], user_id: int, now: datetime):
    """The last pump refill of each pump patient, 90 days before the next one is due."""
    for patient_id, next_date, route in patients:
        if route in ("intrathecal", "both"):
            yield {"patient_id": patient_id, "refilled_on": next_date - timedelta(days=90),
                   "next_refill_date": next_date, "recorded_by_id": user_id,
                   "recorded_at": now, "note": None}


def screening_rows(rng: random.Random, count: int, sets: dict[str, list[dict[str, Any]]],
                   patients: list[tuple[int, str]], user_id: int, now: datetime):
    levels = list(sets)
    weights = [LEVEL_WEIGHTS[level] for level in levels]
    year = 365 * 86_400
    for _ in range(count):
        template = rng.choice(sets[rng.choices(levels, weights)[0]])
        created = now - timedelta(seconds=rng.uniform(0, year))
        status_draw = rng.random()
        status = ("closed" if status_draw < CLOSED_SHARE
                  else "open" if status_draw < CLOSED_SHARE + OPEN_SHARE else "claimed")
        claimed_at = created + timedelta(minutes=rng.randint(1, 120))
        patient_id = patient_ref = None
        if rng.random() < LINKED_SHARE:
            patient_id, patient_ref = patients[int(len(patients) * rng.random() ** PATIENT_SKEW)]
        yield template | {
            "public_id": f"{rng.getrandbits(128):032x}",
            "created_at": created,
            "status": status,
            "patient_id": patient_id,
            "patient_ref": patient_ref,
            "claimed_by_id": None if status == "open" else user_id,
            "claimed_at": None if status == "open" else claimed_at,
            "closed_by_id": user_id if status == "closed" else None,
            "closed_at": claimed_at + timedelta(minutes=30) if status == "closed" else None,
        }


def seed(args: argparse.Namespace, rules: RuleSet) -> dict[str, float]:
    """Recreate the tables and fill them; return how long each step took, in seconds."""
    from screener import journey, models  # noqa: F401 - registers every table

    rng = random.Random(args.seed)
    today, now = date.today(), datetime.now(UTC)
    timings = {}
    started = time.perf_counter()
    db.drop_all()
    db.create_all()
    user = models.User(username=USERNAME, name="Bench Admin", role="admin")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    user_id = user.id
    db.session.close()  # the ORM session holds nothing while the inserts run
    timings["create tables and staff user"] = time.perf_counter() - started

    started = time.perf_counter()
    sets = answer_sets(rng, rules)
    timings[f"score {sum(map(len, sets.values()))} answer sets"] = time.perf_counter() - started

    started = time.perf_counter()
    insert_batches(models.Patient.__table__, patient_rows(rng, args.patients, today, now))
    patients = fetch_all(select(models.Patient.id, models.Patient.next_refill_date,
                                models.Patient.route).order_by(models.Patient.id))
    insert_batches(models.Refill.__table__, refill_rows(patients, user_id, now))
    refs = fetch_all(select(models.Patient.id, models.Patient.reference)
                     .order_by(models.Patient.id))
    rng.shuffle(refs)  # the busiest patients are spread over the reference numbers
    insert_batches(models.Screening.__table__,
                   screening_rows(rng, args.screenings, sets, refs, user_id, now))
    timings["bulk inserts"] = time.perf_counter() - started

    if db.engine.dialect.name == "postgresql":  # what autovacuum soon does in service
        started = time.perf_counter()
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {tables}"))
        timings["VACUUM ANALYZE"] = time.perf_counter() - started
    elif args.analyze:  # SQLite gathers no statistics unless asked to
        started = time.perf_counter()
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        timings["ANALYZE"] = time.perf_counter() - started
    return timings


def row_counts() -> dict[str, int]:
    from screener.models import Patient, Refill, Screening, User

    counts = {}
    for model in (Screening, Patient, Refill, User):
        counts[model.__tablename__] = db.session.execute(
            select(func.count()).select_from(model)).scalar_one()
    for status in ("open", "claimed"):
        counts[f"screenings {status}"] = db.session.execute(
            select(func.count()).select_from(Screening).where(Screening.status == status)
        ).scalar_one()
    return counts


def busiest_patient() -> tuple[int, str, int]:
    """The patient with the most screenings: id, reference and how many."""
    from screener.models import Patient, Screening

    found = db.session.execute(
        select(Patient.id, Patient.reference, func.count(Screening.id).label("n"))
        .join(Screening, Screening.patient_id == Patient.id)
        .group_by(Patient.id, Patient.reference).order_by(text("n DESC")).limit(1)).first()
    return found or (1, "P000001", 0)


# --- Timing ------------------------------------------------------------------------


def sign_in(client) -> None:
    response = client.post("/staff/sign-in", data={"username": USERNAME, "password": PASSWORD})
    if response.status_code != 302:
        sys.exit(f"sign-in failed: HTTP {response.status_code}")


def fetch(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} returned HTTP {response.status_code}, not 200")


def measure(client, url: str, rounds: int, statements: list) -> tuple[list[float], int]:
    """Times in ms (sorted) and how many SQL statements one request ran."""
    for _ in range(WARM_UP):
        fetch(client, url)
    times = []
    for _ in range(rounds):
        statements.clear()
        started = time.perf_counter()
        fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times), len(statements)


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def explain(engine: Engine, statements: list[tuple[str, Any]]) -> None:
    """Print each distinct SELECT of one request: how often it ran, its time and its plan."""
    prefix = ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite"
              else "EXPLAIN ANALYZE ")
    runs = Counter(statement for statement, _ in statements)
    shown = set()
    with engine.connect() as conn:
        for statement, parameters in statements:
            if statement in shown or not statement.lstrip().upper().startswith("SELECT"):
                continue
            shown.add(statement)
            started = time.perf_counter()
            conn.exec_driver_sql(statement, parameters).all()
            took = (time.perf_counter() - started) * 1000
            short = COLUMN_LIST.sub("SELECT … FROM", " ".join(statement.split()))
            print(f"    {runs[statement]}x, {took:.1f} ms once: {short}")
            for row in conn.exec_driver_sql(prefix + statement, parameters):
                print(f"      {row[-1]}")


def database_kind(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    version = ".".join(map(str, engine.dialect.server_version_info or ()))
    return f"{engine.dialect.name} {version} ({engine.dialect.driver})"


def reproduce(args: argparse.Namespace) -> str:
    command = (f".venv/bin/python bench/staff_scale.py --screenings {args.screenings} "
               f"--patients {args.patients} --rounds {args.rounds} --seed {args.seed}")
    if args.database:
        command += f" --database {make_url(args.database).render_as_string()}"
    return command + "".join(f" --{flag}" for flag in ("analyze", "explain")
                             if getattr(args, flag))


def run(args: argparse.Namespace, uri: str) -> int:
    rules = default_ruleset()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        engine = db.engine
        print(f"database: {database_kind(engine)}  {engine.url.render_as_string()}")
        if args.database:
            print("  (its screener tables are dropped and recreated: their data is gone)")
        started = time.perf_counter()
        timings = seed(args, rules)
        seeding = time.perf_counter() - started
        counts = row_counts()
        patient_id, reference, screenings_of_patient = busiest_patient()
    print(f"seeded in {seeding:.1f} s: " + ", ".join(f"{step} {seconds:.1f} s"
                                                     for step, seconds in timings.items()))
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))

    statements: list[tuple[str, Any]] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, parameters, *_: statements.append(
                     (statement, parameters)))
    pages = (
        ("queue", "/staff/"),
        ("queue, page 5", "/staff/?page=5"),
        ("queue, emergency only", "/staff/?level=emergency"),
        ("queue, all statuses", "/staff/?status=all"),
        ("refill worklist", "/staff/refills"),
        (f"patient {reference} ({screenings_of_patient} screenings)",
         f"/staff/patients/{patient_id}"),
    )
    client = app.test_client()  # no app context is held open: each request gets its own
    sign_in(client)
    print(f"\n{args.rounds} rounds per page after {WARM_UP} warm-up requests; "
          f"target: median under {TARGET_MS:.0f} ms\n")
    header = (f"{'page':44} {'URL':26} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} "
              f"{'SQL/req':>7}  under {TARGET_MS:.0f} ms")
    print(header)
    print("-" * len(header))
    slow = []
    for label, url in pages:
        times, queries = measure(client, url, args.rounds, statements)
        median = statistics.median(times)
        fast = median < TARGET_MS
        if not fast:
            slow.append(label)
        print(f"{label:44} {url:26} {median:9.1f} {percentile(times, 0.95):8.1f} "
              f"{times[-1]:8.1f} {queries:7d}  {'yes' if fast else 'NO'}")
        if args.explain:
            explain(engine, list(statements))
    print(f"\nreproduce: {reproduce(args)}")
    with app.app_context():
        db.engine.dispose()
    if slow:
        print(f"SLOW (median >= {TARGET_MS:.0f} ms): {', '.join(slow)}")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", metavar="URL",
                        help="SQLAlchemy URL; its screener tables are DROPPED and recreated "
                             "(default: a SQLite file in a temporary directory)")
    parser.add_argument("--screenings", type=int, default=100_000)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the data")
    parser.add_argument("--analyze", action="store_true",
                        help="SQLite: run ANALYZE after seeding, as PRAGMA optimize would in "
                             "service (PostgreSQL is always analysed, as autovacuum would)")
    parser.add_argument("--explain", action="store_true",
                        help="print each page's SELECTs with their query plans")
    args = parser.parse_args()
    if args.screenings < 1 or args.patients < 1 or args.rounds < 1:
        parser.error("--screenings, --patients and --rounds must be at least 1")
    if args.database:
        return run(args, args.database)
    with tempfile.TemporaryDirectory(prefix="staff_scale-") as folder:
        return run(args, f"sqlite:///{Path(folder) / 'staff_scale.sqlite'}")


if __name__ == "__main__":
    sys.exit(main())
