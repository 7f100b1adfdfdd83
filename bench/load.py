"""Load benchmark: gunicorn (2 workers) on 127.0.0.1 under wrk, on SQLite and PostgreSQL.

For each database and for 16 and 64 connections, wrk runs 10 s against GET /, GET /healthz,
POST /api/v1/assess and POST /api/v1/screenings. It prints requests per second, p50 and
p99 latency, non-2xx answers, and each endpoint's throughput as a ratio of GET /healthz in
the same run. Afterwards it checks that the database holds exactly as many screenings as
wrk received 201 answers: none lost, none doubled. wrk stops mid-request, so up to one
request per connection may be stored without wrk seeing its 201; the check allows exactly
that many and no more.

Rate limits are switched off with their one documented setting, RATELIMIT_ENABLED=false,
so that this measures the app and not the limiter. Needs wrk (apt-get install -y wrk).

    .venv/bin/python bench/load.py [--duration 10s] [--connections 16 64]
        [--databases sqlite postgresql] [--repeat 1]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/screener_bench]

The PostgreSQL database named is emptied and migrated first (created if missing): never
point it at one whose data you want.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screener import create_app  # noqa: E402
from screener.db import db  # noqa: E402
from tests.apps import wipe_database  # noqa: E402
from tests.live import gunicorn, migrate, server_env  # noqa: E402

ANSWERS = json.dumps({"route": "intrathecal", "symptoms": ["pruritus", "muscle_spasms"],
                      "history": {"pump_alarm": True, "refill_overdue": "unknown"},
                      "vitals": {"heart_rate": 104, "temperature_c": 37.9},
                      "respondent": "caregiver"})
ENDPOINTS = [("GET /", "/", None), ("GET /healthz", "/healthz", None),
             ("POST /api/v1/assess", "/api/v1/assess", ANSWERS),
             ("POST /api/v1/screenings", "/api/v1/screenings", ANSWERS)]


def ensure_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def fresh(url: str) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    wipe_database(app)
    with app.app_context():
        db.engine.dispose()
    migrate(url)


def saved_screenings(url: str) -> int:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        count = db.session.execute(text("SELECT count(*) FROM screenings")).scalar_one()
        db.engine.dispose()
    return count


def run_wrk(base: str, path: str, body: str | None, connections: int, duration: str) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--latency",
               "-s", str(ROOT / "bench" / "load.lua"), base + path]
    if body is not None:
        command += ["--", body]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    non2xx = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50": latency.get("50"), "p99": latency.get("99"),
            # Every 2xx from POST /api/v1/screenings is a 201 (nothing else is 2xx there).
            "created": requests - non2xx if path == "/api/v1/screenings" else 0,
            "non2xx": non2xx, "socket_errors": errors.group(1) if errors else "none"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds per database; prints each ratio and their median")
    parser.add_argument("--postgres",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/screener_bench")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install -y wrk)")
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for kind in options.databases:
            if kind == "postgresql":
                ensure_postgres_database(options.postgres)
                url = options.postgres
            else:
                url = f"sqlite:///{Path(folder) / 'load.sqlite'}"
            fresh(url)
            created, in_flight = 0, 0
            env = server_env(url, RATELIMIT_ENABLED="false")
            ratios: dict[int, list[float]] = {c: [] for c in options.connections}
            with gunicorn(env, Path(folder) / f"gunicorn-{kind}.log") as base:
                for round_, connections in itertools.product(range(options.repeat),
                                                             options.connections):
                    print(f"\n{kind}: gunicorn 2 workers, wrk -t2 -c{connections} "
                          f"-d{options.duration}"
                          + (f", round {round_ + 1}" if options.repeat > 1 else ""))
                    print(f"  {'endpoint':26} {'req/s':>9} {'p50':>9} {'p99':>9} "
                          f"{'non-2xx':>8} {'vs healthz':>10}  socket errors")
                    results = {name: run_wrk(base, path, body, connections, options.duration)
                               for name, path, body in ENDPOINTS}
                    health = results["GET /healthz"]["rps"]
                    ratios[connections].append(
                        results["POST /api/v1/screenings"]["rps"] / health)
                    in_flight += connections  # the most POSTs cut off when wrk stopped
                    for name, result in results.items():
                        created += result["created"]
                        failed |= result["non2xx"] > 0 or result["socket_errors"] != "none"
                        print(f"  {name:26} {result['rps']:9.1f} {result['p50']:>9} "
                              f"{result['p99']:>9} {result['non2xx']:8d} "
                              f"{result['rps'] / health:10.2f}  {result['socket_errors']}")
            if options.repeat > 1:
                for connections, values in ratios.items():
                    print(f"  {kind}, {connections} connections: POST /api/v1/screenings / "
                          f"GET /healthz over {len(values)} rounds: "
                          f"{', '.join(f'{v:.2f}' for v in values)}; "
                          f"median {statistics.median(values):.2f}")
            stored = saved_screenings(url)
            unseen = stored - created  # stored, but wrk had stopped before the 201 arrived
            verdict = ("none lost, none doubled" if 0 <= unseen <= in_flight
                       else "LOST OR DOUBLED")
            failed |= verdict != "none lost, none doubled"
            print(f"  {kind}: 201 answers {created}, screenings stored {stored} "
                  f"({unseen} cut off in flight, at most {in_flight} possible): {verdict}")
    print("\nreproduce: .venv/bin/python bench/load.py " + " ".join(sys.argv[1:]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
