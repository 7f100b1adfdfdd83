"""Time every staff list page on a large database: the queue (and its deep pages), the
refill worklist, the patients list, the busiest patient's page and the audit trail.

The issue's goal (21): with 1,000,000 screenings stored, each staff page renders in under
100 ms (median) on SQLite and on PostgreSQL, with its queries counted. This script seeds the
data in bulk (rows built once per answer set by `screening_row`, then executemany on SQLite
or COPY on PostgreSQL, with the secondary indexes built after the load), signs a staff user
in through the app's test client, then requests each page --rounds times after 3 warm-up
requests and prints, per page: median, p95 and max in ms, the time spent in SQL (median, ms)
and how many SQL statements one request ran. A page's time is the whole request: its
queries, the template and the audit line every staff page writes. Deep pages are reached as
a user reaches them: by following the page's own Next and Last links. It exits 1 if any
median is 100 ms or more.

Run:
    .venv/bin/python bench/staff_scale.py [--screenings 100000] [--patients N]
        [--audit-events N] [--rounds 30] [--seed 1] [--database sqlite|postgresql|URL]
        [--reuse] [--analyze] [--explain] [--profile PAGE]

--database sqlite (the default) is a SQLite file: in a temporary directory, or with --reuse
in $TMPDIR/screener-staff-scale/, kept between runs. --database postgresql is
postgresql+psycopg://postgres@127.0.0.1:5432/screener_scale (create it first:
createdb -U postgres -h 127.0.0.1 screener_scale); any other value is a SQLAlchemy URL.
The screener's tables in that database are DROPPED and recreated, so all their data is lost:
point it only at a scratch database, never `test` (the PostgreSQL tests use that one).

--reuse keeps a seeded database between runs: when it already holds the numbers of rows
asked for, seeding is skipped (1,000,000 screenings take minutes to seed); indexes the models
name that it lacks (after a new migration) are created and the statistics refreshed.
PostgreSQL tables get VACUUM ANALYZE after seeding, as autovacuum would soon do; SQLite
gathers no statistics unless --analyze runs ANALYZE (which PRAGMA optimize would do).
--explain prints each SELECT a page runs with its plan (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL), to find a missing index or a sort over the whole table.
--profile LABEL prints the cProfile of one request of the page whose label starts with LABEL.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, inspect, select, text
from sqlalchemy.engine import Engine

from screener import create_app
from screener.clinical.rules import LEVELS, RuleSet, default_ruleset
from screener.db import db
from screener.journey.answer_words import words_shown
from screener.reference_codes import numbered_reference_code
from screener.screenings import run_assessment, screening_row

BATCH = 5_000
COPY_BATCH = 50_000
ANSWER_SETS = 50
WARM_UP = 3
TARGET_MS = 100.0
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/screener_scale"
USERNAME, PASSWORD = "bench.admin", "bench-only-password"
# Share of screenings at each level: most calls are not emergencies.
LEVEL_WEIGHTS = {"emergency": 0.1, "urgent": 0.2, "soon": 0.3, "routine": 0.4}
PATIENT_ROUTES = {"intrathecal": 0.5, "oral": 0.35, "both": 0.1, "unknown": 0.05}
LINKED_SHARE = 0.6  # screenings linked to a patient record
CLOSED_SHARE, OPEN_SHARE = 0.9, 0.06  # the rest (4%) are claimed
PATIENT_SKEW = 1.5  # >1: a few patients have many screenings (the busiest ~130 of 60,000)
AUDIT_ACTIONS = ("view", "view_queue", "claim", "close", "view_patients", "export")
COLUMN_LIST = re.compile(r"SELECT (?:(?!SELECT|FROM).)+? FROM")  # shortened in --explain
SCREENING_COLUMNS = ("public_id", "reference_code", "created_at", "ruleset_version",
                     "ruleset_hash", "level", "priority", "score", "direction", "respondent",
                     "patient_ref", "answers", "assessment", "shown", "status", "patient_id",
                     "claimed_by_id", "claimed_at", "closed_by_id", "closed_at")
AUDIT_COLUMNS = ("at", "user_id", "username", "action", "record_type", "record_id", "details")


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
    """About ANSWER_SETS scored answer sets, by level, each as the stored columns of a new
    screening (`screening_row`, as the API saves one), its JSON columns already serialised."""
    per_level = -(-ANSWER_SETS // len(LEVELS))
    by_level: dict[str, list[dict[str, Any]]] = {level: [] for level in LEVELS}
    for _ in range(ANSWER_SETS * 400):
        assessment = run_assessment(random_raw(rng, rules), rules)
        found = by_level[assessment.level]
        if len(found) < per_level:
            row = screening_row(assessment, words_shown(assessment, rules))
            for column in ("answers", "assessment", "shown"):
                row[column] = json.dumps(row[column])
            found.append(row)
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
            "reference": f"P{number:07d}", "name": None, "date_of_birth": None,
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
    """Tuples in SCREENING_COLUMNS order: an answer set's row with a new id, time, status and
    (for most) a patient."""
    levels = list(sets)
    weights = [LEVEL_WEIGHTS[level] for level in levels]
    year = 365 * 86_400
    for number in range(count):
        template = rng.choice(sets[rng.choices(levels, weights)[0]])
        created = now - timedelta(seconds=rng.uniform(0, year))
        status_draw = rng.random()
        status = ("closed" if status_draw < CLOSED_SHARE
                  else "open" if status_draw < CLOSED_SHARE + OPEN_SHARE else "claimed")
        claimed_at = created + timedelta(minutes=rng.randint(1, 120))
        patient_id = patient_ref = None
        if rng.random() < LINKED_SHARE:
            patient_id, patient_ref = patients[int(len(patients) * rng.random() ** PATIENT_SKEW)]
        row = template | {
            "public_id": f"{rng.getrandbits(128):032x}",
            "reference_code": numbered_reference_code(number),
            "created_at": created,
            "status": status,
            "patient_id": patient_id,
            "patient_ref": patient_ref,
            "claimed_by_id": None if status == "open" else user_id,
            "claimed_at": None if status == "open" else claimed_at,
            "closed_by_id": user_id if status == "closed" else None,
            "closed_at": claimed_at + timedelta(minutes=30) if status == "closed" else None,
        }
        yield tuple(row[column] for column in SCREENING_COLUMNS)


def audit_rows(rng: random.Random, count: int, user_id: int, now: datetime):
    """Tuples in AUDIT_COLUMNS order, oldest first (ids rise with time, as in service)."""
    year = 365 * 86_400
    step = year / max(count, 1)
    details = json.dumps({"page": 1})
    for number in range(count):
        action = rng.choice(AUDIT_ACTIONS)
        yield (now - timedelta(seconds=year - number * step), user_id, USERNAME, action,
               "screening", f"{rng.getrandbits(64):016x}", details)


def _sqlite_value(value: Any) -> Any:
    """What SQLAlchemy stores for a value on SQLite: times as naive UTC text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def bulk_load(table_name: str, columns: tuple[str, ...], rows) -> int:
    """Load tuples fast: COPY on PostgreSQL, executemany in large transactions on SQLite."""
    count = 0
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        if db.engine.dialect.name == "postgresql":
            with driver.cursor() as cursor, cursor.copy(
                    f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            driver.commit()
        else:
            driver.execute("PRAGMA synchronous = OFF")
            statement = (f"INSERT INTO {table_name} ({', '.join(columns)}) "
                         f"VALUES ({', '.join('?' * len(columns))})")
            batch = []
            for row in rows:
                batch.append(tuple(map(_sqlite_value, row)))
                if len(batch) == COPY_BATCH:
                    driver.executemany(statement, batch)
                    driver.commit()
                    count += len(batch)
                    batch = []
            driver.executemany(statement, batch)
            driver.commit()
            count += len(batch)
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    return count


def without_indexes(table, load) -> None:
    """Run `load` with `table`'s secondary indexes dropped, then build them: sorting once is
    far quicker than keeping them in order row by row."""
    with db.engine.begin() as conn:
        for index in table.indexes:
            index.drop(conn, checkfirst=True)
    load()
    with db.engine.begin() as conn:
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def seed(args: argparse.Namespace, rules: RuleSet, app) -> dict[str, float]:
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
    with app.test_request_context():
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
    timings["patients and refills"] = time.perf_counter() - started

    started = time.perf_counter()
    without_indexes(models.Screening.__table__, lambda: bulk_load(
        "screenings", SCREENING_COLUMNS,
        screening_rows(rng, args.screenings, sets, refs, user_id, now)))
    timings["screenings"] = time.perf_counter() - started

    started = time.perf_counter()
    without_indexes(models.AuditEvent.__table__, lambda: bulk_load(
        "audit_events", AUDIT_COLUMNS, audit_rows(rng, args.audit_events, user_id, now)))
    timings["audit events"] = time.perf_counter() - started
    timings.update(analyse(args))
    return timings


def analyse(args: argparse.Namespace) -> dict[str, float]:
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":  # what autovacuum soon does in service
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {tables}"))
        return {"VACUUM ANALYZE": time.perf_counter() - started}
    if args.analyze:  # SQLite gathers no statistics unless asked to
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return {"ANALYZE": time.perf_counter() - started}
    return {}


def reusable(args: argparse.Namespace) -> bool:
    """Whether the database already holds the data asked for (then its missing indexes are
    created, as a migration would)."""
    from screener import journey, models  # noqa: F401 - registers every table

    if not inspect(db.engine).has_table("screenings"):
        return False
    counts = row_counts()
    # Each run's requests add their own audit lines.
    if ((counts["screenings"], counts["patients"]) != (args.screenings, args.patients)
            or counts["audit_events"] < args.audit_events):
        return False
    existing = {(table.name, index["name"]) for table in db.metadata.sorted_tables
                for index in inspect(db.engine).get_indexes(table.name)}
    missing = [index for table in db.metadata.sorted_tables for index in table.indexes
               if (table.name, index.name) not in existing]
    with db.engine.begin() as conn:
        for index in missing:
            print(f"  creating index {index.name} (not in the reused database)")
            index.create(conn)
    if missing and db.engine.dialect.name == "sqlite":
        args.analyze = args.analyze or inspect(db.engine).has_table("sqlite_stat1")
    if missing:
        analyse(args)
    return True


def row_counts() -> dict[str, int]:
    from screener.models import AuditEvent, Patient, Refill, Screening, User

    counts = {}
    for model in (Screening, Patient, Refill, User, AuditEvent):
        counts[model.__tablename__] = db.session.execute(
            select(func.count()).select_from(model)).scalar_one()
    for status in ("open", "claimed"):
        counts[f"screenings {status}"] = db.session.execute(
            select(func.count()).select_from(Screening).where(Screening.status == status)
        ).scalar_one()
    db.session.close()
    return counts


def busiest_patient() -> tuple[int, str, int]:
    """The patient with the most screenings: id, reference and how many."""
    from screener.models import Patient, Screening

    found = db.session.execute(
        select(Patient.id, Patient.reference, func.count(Screening.id).label("n"))
        .join(Screening, Screening.patient_id == Patient.id)
        .group_by(Patient.id, Patient.reference).order_by(text("n DESC")).limit(1)).first()
    return found or (1, "P0000001", 0)


# --- Timing ------------------------------------------------------------------------


class Links(HTMLParser):
    """The href of each <a rel=...> in a page (Next, Previous, First, Last)."""

    def __init__(self) -> None:
        super().__init__()
        self.rel: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("rel") and found.get("href"):
            self.rel.setdefault(found["rel"], found["href"])


def links(body: bytes) -> dict[str, str]:
    parser = Links()
    parser.feed(body.decode())
    return parser.rel


def sign_in(client) -> None:
    response = client.post("/staff/sign-in", data={"username": USERNAME, "password": PASSWORD})
    if response.status_code != 302:
        sys.exit(f"sign-in failed: HTTP {response.status_code}")


def fetch(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} returned HTTP {response.status_code}, not 200")
    return response.data


def follow(client, url: str, *rels: str) -> str | None:
    """The URL reached from `url` by following its links named `rels`, one after another."""
    for rel in rels:
        url = links(fetch(client, url)).get(rel)
        if url is None:
            return None
    return url


class Statements:
    """Every SQL statement the engine runs, with its time."""

    def __init__(self, engine: Engine) -> None:
        self.run: list[tuple[str, Any]] = []
        self.seconds = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, _cursor, statement, parameters, *_) -> None:
        self.run.append((statement, parameters))
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, *_) -> None:
        self.seconds += time.perf_counter() - conn.info.pop("bench_started")

    def clear(self) -> None:
        self.run.clear()
        self.seconds = 0.0


def measure(client, url: str, rounds: int, statements: Statements):
    """Times in ms (sorted), the median SQL time in ms and how many statements one request
    ran."""
    for _ in range(WARM_UP):
        fetch(client, url)
    times, sql = [], []
    for _ in range(rounds):
        statements.clear()
        started = time.perf_counter()
        fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
        sql.append(statements.seconds * 1000)
    return sorted(times), statistics.median(sql), len(statements.run)


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


def profile(client, url: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fetch(client, url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def database_kind(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    version = ".".join(map(str, engine.dialect.server_version_info or ()))
    return f"{engine.dialect.name} {version} ({engine.dialect.driver})"


def reproduce(args: argparse.Namespace) -> str:
    command = (f".venv/bin/python bench/staff_scale.py --screenings {args.screenings} "
               f"--patients {args.patients} --audit-events {args.audit_events} "
               f"--rounds {args.rounds} --seed {args.seed} --database {args.database}")
    return command + "".join(f" --{flag}" for flag in ("reuse", "analyze", "explain")
                             if getattr(args, flag))


def pages(client, patient: tuple[int, str, int]) -> list[tuple[str, str | None]]:
    patient_id, reference, screenings_of_patient = patient
    patient_page = f"/staff/patients/{patient_id}"
    return [
        ("queue", "/staff/"),
        ("queue, page 5", follow(client, "/staff/", "next", "next", "next", "next")),
        ("queue, last page", follow(client, "/staff/", "last")),
        ("queue, emergency only", "/staff/?level=emergency"),
        ("queue, all statuses", "/staff/?status=all"),
        ("queue, all statuses, page 5",
         follow(client, "/staff/?status=all", "next", "next", "next", "next")),
        ("queue, all statuses, last page", follow(client, "/staff/?status=all", "last")),
        ("refill worklist", "/staff/refills"),
        ("patients", "/staff/patients"),
        ("patients, last page", follow(client, "/staff/patients", "last")),
        (f"patient {reference} ({screenings_of_patient} screenings)", patient_page),
        ("patient, its oldest screenings", follow(client, patient_page, "last")),
        ("audit trail", "/staff/audit"),
        ("audit trail, page 5", follow(client, "/staff/audit", "next", "next", "next", "next")),
        ("audit trail, last page", follow(client, "/staff/audit", "last")),
        ("audit trail, one user's views", f"/staff/audit?username={USERNAME}&action=view"),
    ]


def database_url(args: argparse.Namespace, folder: str) -> str:
    if args.database == "postgresql":
        return POSTGRES
    if args.database == "sqlite":
        return f"sqlite:///{Path(folder) / 'staff_scale.sqlite'}"
    return args.database


def run(args: argparse.Namespace, uri: str) -> int:
    rules = default_ruleset()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        engine = db.engine
        print(f"database: {database_kind(engine)}  {engine.url.render_as_string()}")
        started = time.perf_counter()
        if args.reuse and reusable(args):
            print("  (reused: its data was seeded by an earlier run)")
            timings = {}
        else:
            print("  (its screener tables are dropped and recreated: their data is gone)")
            timings = seed(args, rules, app)
        seeding = time.perf_counter() - started
        counts = row_counts()
        patient = busiest_patient()
        db.session.close()
    print(f"ready in {seeding:.1f} s: " + ", ".join(f"{step} {seconds:.1f} s"
                                                    for step, seconds in timings.items()))
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))

    client = app.test_client()  # no app context is held open: each request gets its own
    sign_in(client)
    statements = Statements(engine)
    print(f"\n{args.rounds} rounds per page after {WARM_UP} warm-up requests; "
          f"target: median under {TARGET_MS:.0f} ms\n")
    header = (f"{'page':44} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} {'SQL ms':>7} "
              f"{'queries':>7}  under {TARGET_MS:.0f} ms")
    print(header)
    print("-" * len(header))
    slow = []
    for label, url in pages(client, patient):
        if url is None:
            print(f"{label:44} (no link to it)")
            continue
        times, sql, queries = measure(client, url, args.rounds, statements)
        if args.profile and label.startswith(args.profile):  # warm, as the rounds were
            print(f"{label}: {url}")
            profile(client, url)
        median = statistics.median(times)
        fast = median < TARGET_MS
        if not fast:
            slow.append(label)
        print(f"{label:44} {median:9.1f} {percentile(times, 0.95):8.1f} {times[-1]:8.1f} "
              f"{sql:7.1f} {queries:7d}  {'yes' if fast else 'NO'}", flush=True)
        if args.explain:
            print(f"    {url}")
            explain(engine, list(statements.run))
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
    parser.add_argument("--database", metavar="sqlite|postgresql|URL", default="sqlite",
                        help="its screener tables are DROPPED and recreated (default: a "
                             "SQLite file in a temporary directory)")
    parser.add_argument("--screenings", type=int, default=100_000)
    parser.add_argument("--patients", type=int,
                        help="patient records (default: a tenth of --screenings)")
    parser.add_argument("--audit-events", type=int,
                        help="audit trail rows seeded (default: as many as --screenings)")
    parser.add_argument("--rounds", type=int, default=30, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the data")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the seeded database between runs, and reuse it")
    parser.add_argument("--analyze", action="store_true",
                        help="SQLite: run ANALYZE after seeding, as PRAGMA optimize would in "
                             "service (PostgreSQL is always analysed, as autovacuum would)")
    parser.add_argument("--explain", action="store_true",
                        help="print each page's SELECTs with their query plans")
    parser.add_argument("--profile", metavar="LABEL",
                        help="print a cProfile of one request of the page with this label")
    args = parser.parse_args()
    args.patients = args.patients or max(1, args.screenings // 10)
    args.audit_events = args.screenings if args.audit_events is None else args.audit_events
    if args.screenings < 1 or args.patients < 1 or args.rounds < 1 or args.audit_events < 0:
        parser.error("--screenings, --patients and --rounds must be at least 1")
    if args.reuse and args.database == "sqlite":
        folder = Path(tempfile.gettempdir()) / "screener-staff-scale" / (
            f"{args.screenings}-{args.patients}-{args.audit_events}-{args.seed}")
        folder.mkdir(parents=True, exist_ok=True)
        return run(args, database_url(args, str(folder)))
    with tempfile.TemporaryDirectory(prefix="staff_scale-") as folder:
        return run(args, database_url(args, folder))


if __name__ == "__main__":
    sys.exit(main())
