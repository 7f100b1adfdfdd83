"""Security defaults for health data: headers, cookies, caching, rate limits, secret key.

Flask-Talisman sets the security headers and cookie flags; Flask-Limiter the rate limits.
Limits stay on by default; `RATELIMIT_ENABLED=false` in the environment switches them off
(for the load benchmark only). `RATELIMIT_STORAGE_URI` points them at a shared store
(e.g. redis://) when several servers run; the default keeps counts in memory.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from ..settings import ConfigurationError, is_development
from .static_files import critical_css, csp_hash

# No inline script anywhere: every script is a file under /static/. One inline style, the
# critical CSS, is allowed by its hash (init_app); every other stylesheet is a file.
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

log = logging.getLogger(__name__)
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)


class InsecureConfiguration(ConfigurationError):
    """The app was asked to run outside development with a setting unsafe for health data."""


def under_gunicorn() -> bool:
    """gunicorn.conf.py marks the environment before the workers load the app."""
    return "SCREENER_WORKERS" in os.environ


def init_app(app: Flask, dev_secret_key: str) -> None:
    development = is_development(app)
    if under_gunicorn() and not app.testing:
        _refuse_development_under_gunicorn(app, development, dev_secret_key)
    if development and not app.testing and under_gunicorn():  # `flask run` warns itself
        log.warning("Development mode is on: the built-in rate-limit store, cookies over "
                    "plain HTTP and `flask demo` are allowed. Never serve patients this way.")
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
    # A shared store that stops (Redis down) must never stand between a caregiver and the
    # advice (red team 2, M13: every check answered 500). Flask-Limiter then counts in each
    # worker's memory, logs it, and goes back to the store once it answers; /readyz says so.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    _refuse_per_worker_limits(app, development)
    _trust_proxies(app, development)
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy in front; HSTS is still sent over HTTPS
        session_cookie_secure=not development,
        session_cookie_http_only=True,
        content_security_policy={**CONTENT_SECURITY_POLICY, "style-src": " ".join(
            ("'self'", csp_hash(critical_css(app.static_folder))))},
        frame_options="DENY",
        referrer_policy="no-referrer",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    limiter.init_app(app)
    app.after_request(_no_store)


def _refuse_development_under_gunicorn(app: Flask, development: bool,
                                       dev_secret_key: str) -> None:
    """A server never runs on the public development key, and runs in development only when
    its environment says so: a leftover instance/config.py from `make run` is not enough."""
    if app.config["SECRET_KEY"] == dev_secret_key:
        raise InsecureConfiguration(
            "Refusing to start under gunicorn with the public development SECRET_KEY: set "
            "SCREENER_SECRET_KEY in the server's environment to a long random value.")
    if development and os.environ.get("SCREENER_DEVELOPMENT", "").lower() != "true":
        raise InsecureConfiguration(
            "Refusing to start under gunicorn in development mode, which a config file "
            "(such as the instance/config.py that `make run` writes) turned on. Remove "
            "DEVELOPMENT from it, or set SCREENER_DEVELOPMENT=true in the server's "
            "environment if this really is a development server.")


def _trust_proxies(app: Flask, development: bool) -> None:
    """Behind the TLS proxy the README requires, every request comes from the proxy's address:
    one client could then use up every caregiver's rate limit and delay any staff sign-in
    (red team 2, H3). TRUSTED_PROXIES is the number of proxies in front; werkzeug's ProxyFix
    then takes the client's address and scheme from the last that many X-Forwarded-For and
    X-Forwarded-Proto entries (what our own proxies appended), never from what the client
    sent. 0 says clients connect directly. A server must say which, outside development."""
    proxies = app.config.get("TRUSTED_PROXIES")
    if proxies is None:
        if under_gunicorn() and not development:
            raise InsecureConfiguration(
                "Refusing to start: say how many proxies stand in front of the app with "
                "SCREENER_TRUSTED_PROXIES (1 for one TLS proxy, 0 if clients connect "
                "directly), so that rate limits and sign-in delays see each client's own "
                "address rather than the proxy's.")
        return
    if isinstance(proxies, bool) or not isinstance(proxies, int) or not 0 <= proxies <= 5:
        raise InsecureConfiguration(
            f"Refusing to start: SCREENER_TRUSTED_PROXIES must be a number of proxies from 0 "
            f"to 5, not {proxies!r}.")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


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



def rate_limit_store() -> str:
    """Where the rate limits are counted now, in words for /readyz."""
    if not limiter.enabled:
        return "off"
    try:
        reachable = limiter.storage.check()
    except Exception:  # the store's client may raise rather than answer False
        reachable = False
    return "ok" if reachable else "counted in memory: the shared store is unreachable"
