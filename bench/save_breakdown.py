"""Where saving a screening spends its time, stage by stage, on SQLite and PostgreSQL.

Inside one app context, for the load benchmark's answers (bench/load.py), it times each
stage of `POST /api/v1/screenings` after the request is parsed, and prints the median and
the 90th centile in microseconds, with a baseline measured in the same run: `SELECT 1` on
the same connection pool (the database part of `GET /healthz`).

    .venv/bin/python bench/save_breakdown.py [--runs 500] [--databases sqlite postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/screener_bench]

The PostgreSQL database named is emptied and migrated first (created if missing): never
point it at one whose data you want.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import ANSWERS, ensure_postgres_database, fresh  # noqa: E402
from screener import create_app  # noqa: E402
from screener.clinical.answers import normalise  # noqa: E402
from screener.db import db  # noqa: E402
from screener.journey.answer_words import words_shown  # noqa: E402
from screener.screenings import (  # noqa: E402
    run_assessment,
    save_screening,
    screening_row,
    stored_assessment,
)
from screener.web import jsonio, language  # noqa: E402


def timed(stage: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and 90th centile, in microseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        stage()
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)]


def breakdown(url: str, runs: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "TESTING": True})
    raw = jsonio.loads(ANSWERS)
    with app.test_request_context("/api/v1/screenings", method="POST"):
        rules = app.extensions["ruleset"]
        assessment = run_assessment(raw, rules, language.words())
        shown = words_shown(assessment, rules)
        stages = {
            "baseline: SELECT 1": lambda: db.session.execute(db.text("SELECT 1")),
            "validate (normalise)": lambda: normalise(raw, rules),
            "score and word (run_assessment)": lambda: run_assessment(raw, rules,
                                                                      language.words()),
            "words shown (words_shown)": lambda: words_shown(assessment, rules),
            "assessment as stored": lambda: stored_assessment(assessment),
            "row (screening_row)": lambda: screening_row(assessment, shown),
            "INSERT and commit (save_screening)": lambda: save_screening(assessment, shown),
        }
        db.session.execute(db.text("SELECT 1"))  # the pool's first connection
        results = {name: timed(stage, runs) for name, stage in stages.items()}
        db.session.rollback()
    with app.app_context():
        db.engine.dispose()
    base = results["baseline: SELECT 1"][0]
    print(f"  {'stage':38} {'median us':>10} {'p90 us':>10} {'x SELECT 1':>11}")
    for name, (median, p90) in results.items():
        print(f"  {name:38} {median:10.0f} {p90:10.0f} {median / base:11.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/screener_bench")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for kind in options.databases:
            if kind == "postgresql":
                ensure_postgres_database(options.postgres)
                url = options.postgres
            else:
                url = f"sqlite:///{Path(folder) / 'save.sqlite'}"
            fresh(url)
            print(f"\n{kind}: {options.runs} runs of each stage")
            breakdown(url, options.runs)
    print("\nreproduce: .venv/bin/python bench/save_breakdown.py")


if __name__ == "__main__":
    main()
