"""Security defaults for health data: headers, cookies, caching, rate limits, secret key.

Flask-Talisman sets the security headers and cookie flags; Flask-Limiter the rate limits.
Limits stay on by default; `RATELIMIT_ENABLED=false` in the environment switches them off
(for the load benchmark only). `RATELIMIT_STORAGE_URI` points them at a shared store
(e.g. redis://) when several servers run; the default keeps counts in memory.
"""

from __future__ import annotations

import os

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman

from ..settings import ConfigurationError

# No inline script or style anywhere: every script and stylesheet is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
PUBLIC_SUBMISSIONS = "120 per minute"  # one check is about 10 posts; a clinic shares an IP
SIGN_IN_ATTEMPTS = "10 per minute; 60 per hour"  # per address, beside the per-account lock

talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)


class InsecureConfiguration(ConfigurationError):
    """The app was asked to run outside development with a setting unsafe for health data."""


def is_development(app: Flask) -> bool:
    return bool(app.debug or app.testing or app.config.get("DEVELOPMENT"))


def init_app(app: Flask, dev_secret_key: str) -> None:
    development = is_development(app)
    if not development and app.config["SECRET_KEY"] == dev_secret_key:
        raise InsecureConfiguration(
            "Refusing to start: SECRET_KEY is the development key. Set SCREENER_SECRET_KEY "
            "(or SECRET_KEY) in the environment, or SECRET_KEY in instance/config.py, to a "
            "long random value, e.g. python -c 'import secrets; print(secrets.token_hex(32))'. "
            "For local development only, run `make run` once in this clone (it writes "
            "instance/config.py) or set SCREENER_DEVELOPMENT=true.")
    app.config.setdefault("RATELIMIT_ENABLED",
                          os.environ.get("RATELIMIT_ENABLED", "true").lower() != "false")
    app.config.setdefault("RATELIMIT_STORAGE_URI",
                          os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    _refuse_per_worker_limits(app, development)
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy in front; HSTS is still sent over HTTPS
        session_cookie_secure=not development,
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="no-referrer",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    limiter.init_app(app)
    app.after_request(_no_store)


def _refuse_per_worker_limits(app: Flask, development: bool) -> None:
    """Counts kept in memory are per worker: under gunicorn with 4 workers the limits would
    be 4 times those documented. Outside development, refuse to start that way unless a
    shared store is set, or the operator says per-worker counts are what they want."""
    workers = int(os.environ.get("SCREENER_WORKERS", "1") or 1)  # set by gunicorn.conf.py
    if (workers > 1 and not development and app.config["RATELIMIT_ENABLED"]
            and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
            and not app.config.get("RATELIMIT_PER_WORKER")):
        raise InsecureConfiguration(
            f"Refusing to start: {workers} workers would each keep their own rate-limit "
            "counts, so the limits would be {workers} times those documented. Set "
            "RATELIMIT_STORAGE_URI to a shared store (for example redis://localhost:6379), "
            "run one worker, or set SCREENER_RATELIMIT_PER_WORKER=true to accept "
            "per-worker counts.".replace("{workers}", str(workers)))


def _no_store(response):
    """Pages and API answers may hold health data: no cache keeps them (static files and
    the favicon may: screener/static_files.py)."""
    if not request.path.startswith("/static/") and request.path != "/favicon.ico":
        response.headers["Cache-Control"] = "no-store"
    return response

