"""A real worker (`flask --app screener worker`, its own process) on a real queue: Huey on
a SQLite file (the embedded default) and on Redis (production), sending to a loopback SMTP
server and a loopback webhook receiver (issue 24). A new urgent check notifies within 10 s,
by email and by a signed webhook; a worker killed in the middle of sending loses nothing
and doubles nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from screener import create_app
from screener.db import db
from tests.apps import SUITE_DATABASE, database_url, wipe_database
from tests.journeys import OUTCOMES
from tests.live import migrate, server_env
from tests.loopback import smtp_server, webhook_server
from tests.services import REDIS_URL, require

PROFILE = {"reads_checks": True, "reads_when": "within 2 hours",
           "notify_email": ["oncall@clinic.example"]}
LEASE_SECONDS = 2
SECRET = "the pager's shared secret"


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    require("redis")
    import redis

    url = REDIS_URL.rstrip("/") + "/14"
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def setting(tmp_path, queue_url):
    """(the app that takes checks, the environment a worker runs with, the SMTP inbox, the
    webhook's requests)."""
    database = database_url(SUITE_DATABASE, tmp_path)
    with smtp_server() as (smtp, inbox), webhook_server() as (hook, received):
        profile = {**PROFILE, "notify_webhook": hook}
        config = {"SQLALCHEMY_DATABASE_URI": database, "QUEUE_URL": queue_url,
                  "SERVICE": profile, "SMTP_URL": smtp, "MAIL_FROM": "screener@clinic.example",
                  "ALERT_LEASE_SECONDS": LEASE_SECONDS, "WEBHOOK_SECRET": SECRET}
        old = migrate(database)
        wipe_database(old)  # whatever an earlier test left, then the schema as set up anew
        _dispose(old)
        _dispose(migrate(database))
        app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, **config})
        env = server_env(database, SCREENER_QUEUE_URL=queue_url, SCREENER_SMTP_URL=smtp,
                         SCREENER_SERVICE=json.dumps(profile),
                         SCREENER_MAIL_FROM="screener@clinic.example",
                         SCREENER_WEBHOOK_SECRET=SECRET,
                         SCREENER_ALERT_LEASE_SECONDS=str(LEASE_SECONDS))
        yield app, env, inbox, received
        wipe_database(app)
        _dispose(app)


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


@contextmanager
def worker(env: dict, log: Path):
    with log.open("a") as out:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "screener",
                                    "worker", "--workers", "1"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)


def _wait_for(condition, seconds: float) -> float:
    """Seconds until `condition()` held; fails after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


def test_a_new_urgent_check_notifies_the_on_call_clinician_within_10_seconds(setting,
                                                                           tmp_path):
    app, env, inbox, received = setting
    with worker(env, tmp_path / "worker.log"):
        time.sleep(1)  # the worker is up (a check sent before would wait for it anyway)
        sent_at = time.monotonic()
        assert app.test_client().post("/api/v1/screenings",
                                      json=OUTCOMES["urgent"]).status_code == 201
        _wait_for(lambda: len(inbox.messages) == 1 and len(received) == 1, 10)
        assert time.monotonic() - sent_at < 10
        (to, email), = inbox.messages
        assert to == ["oncall@clinic.example"] and email["Subject"].startswith("Urgent")
        (headers, body, payload), = received  # the pager, signed with the shared secret
        signed = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Screener-Signature"] == f"sha256={signed}"
        assert payload["level"] == "urgent" and payload["event"] == "check.arrived"
        assert app.test_client().post("/api/v1/screenings",
                                      json=OUTCOMES["routine"]).status_code == 201
        time.sleep(2)
        assert len(inbox.messages) == 1  # below the level that notifies: nobody is told


def test_a_worker_killed_while_sending_loses_nothing_and_doubles_nothing(setting, tmp_path):
    app, env, inbox, received = setting
    inbox.hold_before_data.set()  # the server keeps the worker waiting mid-conversation
    log = tmp_path / "worker.log"
    with worker(env, log) as first:
        app.test_client().post("/api/v1/screenings", json=OUTCOMES["urgent"])
        _wait_for(lambda: inbox.waiting, 10)  # the worker is in the middle of sending
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    inbox.hold_before_data.clear()
    assert inbox.messages == []
    time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's hold on the alert runs out
    with worker(env, log):
        _wait_for(lambda: len(inbox.messages) == 1, 15)  # picked up again at start
        time.sleep(2)
    assert len(inbox.messages) == 1, log.read_text()
    assert len(received) == 1  # the webhook, sent once by the first worker, not again
