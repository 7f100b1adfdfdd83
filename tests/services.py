"""The services some tests need (PostgreSQL, Chromium, Redis, nginx), and one rule for when one is
missing: skip with the reason locally, fail in CI (CI=true), where each must be there.

Imports nothing heavy: the top-level conftest reads the addresses for its summary, and the
clinical tests never touch a service.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get(
    "SCREENER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# The database under the whole suite's `app` fixture: sqlite (default) or postgresql.
# `make test` runs the suite once with each.
SUITE_DATABASE = os.environ.get("SCREENER_TEST_DATABASE", "sqlite")
REDIS_URL = os.environ.get("SCREENER_TEST_REDIS_URL", "redis://127.0.0.1:6379")
CHROMIUM = os.environ.get("SCREENER_CHROMIUM", "/usr/bin/chromium")
NGINX = os.environ.get("SCREENER_NGINX", "/usr/sbin/nginx")


def _postgres() -> str | None:
    import psycopg

    from screener.app import database_uri

    plain = database_uri(POSTGRES_URL).replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(plain, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {error}"
    return None


def _chromium() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    return None


def _redis() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis unreachable at {REDIS_URL}: {error}"
    return None


def _nginx() -> str | None:
    if not Path(NGINX).exists():
        return f"nginx not found at {NGINX} (apt-get install -y nginx-light)"
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "postgresql": _postgres, "chromium": _chromium, "redis": _redis, "nginx": _nginx}


def require(service: str) -> None:
    """Skip with the reason locally; fail in CI, where `service` must be there."""
    problem = CHECKS[service]()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(problem)
    pytest.skip(problem + " (set CI=true to make this a failure)")
