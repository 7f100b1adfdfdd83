"""200 screenings from 20 threads against a live server (gunicorn, 2 workers), on each
database: every one is stored exactly once, none is lost."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from screener import create_app
from screener.db import db
from tests.apps import BACKENDS, database_url, wipe_database
from tests.live import gunicorn, migrate, server_env

THREADS, EACH = 20, 10
ANSWERS = [
    {"route": "intrathecal", "symptoms": ["pruritus"], "history": {"pump_alarm": True}},
    {"route": "oral", "symptoms": ["seizure"]},
    {"route": "oral", "history": {"long_term_use": True}},
    {"route": "both", "symptoms": ["muscle_spasms", "anxiety"], "vitals": {"heart_rate": 110}},
]


def _send(base: str, index: int) -> tuple[int, str]:
    body = json.dumps({**ANSWERS[index % len(ANSWERS)],
                       "patient_ref": f"LOAD-{index}"}).encode()
    request = urllib.request.Request(f"{base}/api/v1/screenings", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())["id"]


@pytest.mark.parametrize("database", BACKENDS)
def test_200_concurrent_screenings_are_each_stored_once(database, tmp_path):
    uri = database_url(database, tmp_path)
    app = migrate_fresh(uri)
    # Rate limits off through their one documented switch: 200 posts come from one address.
    env = server_env(uri, RATELIMIT_ENABLED="false")
    try:
        with gunicorn(env, tmp_path / "gunicorn.log") as base, \
                ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(lambda i: _send(base, i), range(THREADS * EACH)))
        assert Counter(status for status, _ in results) == {201: THREADS * EACH}
        ids = [public_id for _, public_id in results]
        assert len(set(ids)) == THREADS * EACH
        with app.app_context():
            stored = Counter(db.session.execute(
                text("SELECT public_id FROM screenings")).scalars())
            refs = Counter(db.session.execute(
                text("SELECT patient_ref FROM screenings")).scalars())
        assert stored == Counter(ids)  # each answered id stored exactly once, nothing more
        assert refs == Counter(f"LOAD-{i}" for i in range(THREADS * EACH))
    finally:
        wipe_database(app)
        with app.app_context():
            db.engine.dispose()


def migrate_fresh(uri: str):
    """An empty database brought up to the newest schema by the migrations."""
    stale = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri})
    wipe_database(stale)
    with stale.app_context():
        db.engine.dispose()
    return migrate(uri)
