"""A real server for tests: the app under gunicorn (2 workers) on 127.0.0.1."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade

from screener import create_app
from screener.db import MIGRATIONS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def migrate(database: str):
    """Bring `database` up to the newest schema, as the README's set-up does; returns an app."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    return app


def server_env(database: str, **extra: str) -> dict[str, str]:
    # Two workers with counts in memory: the tests accept per-worker limits on purpose. An
    # instance folder of its own, so the instance/config.py that `make run` writes in this
    # checkout (development mode, which gunicorn refuses) never reaches the server.
    return {**os.environ, "DATABASE_URL": database,
            "SCREENER_INSTANCE_PATH": tempfile.mkdtemp(prefix="screener-instance-"),
            "SCREENER_SECRET_KEY": secrets.token_hex(32),
            "SCREENER_RATELIMIT_PER_WORKER": "true", "SCREENER_TRUSTED_PROXIES": "0", **extra}


def answering(base: str, tries: int) -> bool:
    """Whether `base`/healthz answers 200 within `tries` tenths of a second or so."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


@contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Run gunicorn with `env` until the block ends; yields the base URL."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
             f"127.0.0.1:{port}", "screener:create_app()"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            if not answering(base, tries=150):
                raise RuntimeError(f"gunicorn did not start: {log_path.read_text()}")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)
