"""The web app: `create_app` in flaskr's shape. Importing this module loads Flask."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from babel.support import NullTranslations
from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from werkzeug.exceptions import HTTPException

from . import settings
from .clinical import wording
from .clinical.rules import RuleSetError, load_ruleset
from .settings import ConfigurationError
from .web import (
    control_characters,
    formatting,
    jsonio,
    language,
    references,
    service_profile,
    static_files,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused outside development
MAX_BODY_BYTES = 64 * 1024  # an answer set is < 4 KB; anything far larger is not ours
csrf = CSRFProtect()
# Every string a person reads goes through the catalogue. Only en-GB exists: a clinical
# translation goes live only after a clinician's review (README, "Adding a language").
babel = Babel()
LOCALE = "en_GB"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app. The rule set is validated here: a bad one stops start-up."""
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path()),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(
        SECRET_KEY=DEV_SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'screener.sqlite'}",
        SQLALCHEMY_ENGINE_OPTIONS={"json_serializer": jsonio.dumps,
                                   "json_deserializer": jsonio.loads,
                                   # A failed statement's error (and so the log) never
                                   # holds its values: names, notes, references, answers.
                                   "hide_parameters": True,
                                   # A connection the server dropped (a restart) is replaced,
                                   # not handed to a request that then fails.
                                   "pool_pre_ping": True},
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        RULESET_PATH=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(days=2),  # an interrupted check can be resumed
        WTF_CSRF_TIME_LIMIT=None,  # a frightened person may take a long time over a page
        SERVICE=None,  # the service profile: screener/web/service_profile.py
        SESSION_ABSOLUTE_HOURS=12,  # a staff session ends this long after sign-in, however busy
        STAFF_IDLE_SECONDS=30 * 60,  # ... and this long after the last thing its user did
        STAFF_IDLE_WARNING_SECONDS=2 * 60,  # the page warns this long before (issue 24)
        PUMP_LEAD_DAYS=7,  # a refill is due this many days before the pump's earliest alarm
        READINESS_FREE_BYTES=64 * 2**20,  # /readyz: room for thousands of screenings
        IDEMPOTENCY_HOURS=24,  # an API client's Idempotency-Key replays for this long
        RESULT_LINK_HOURS=48,  # a caregiver's result, read without sign-in, for this long
        RETENTION_SCREENING_DAYS=8 * 365 + 2,  # screenings kept 8 years: screener/retention.py
        RETENTION_AUDIT_DAYS=8 * 365 + 2,  # and the audit trail that records them
        PATIENT_REF_PATTERN=references.DEFAULT_PATTERN,
        TRANSLATIONS=False,  # a catalogue besides en-GB is installed (none is, yet: README)
    )
    if test_config is None:
        _read_config_file(app)
        if os.environ.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        app.config.from_prefixed_env("SCREENER")  # e.g. SCREENER_SECRET_KEY, SCREENER_DEVELOPMENT
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app.config["SQLALCHEMY_DATABASE_URI"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    try:
        app.extensions["ruleset"] = load_ruleset(app.config["RULESET_PATH"])
    except (RuleSetError, OSError) as error:
        raise ConfigurationError(f"Refusing to start: the rule set cannot be used. {error}"
                                 ) from error
    app.extensions["service"] = service_profile.load_profile(app.config["SERVICE"])
    references.check_pattern(app.config["PATIENT_REF_PATTERN"])
    app.context_processor(lambda: {"service": app.extensions["service"],
                                   "page_language": language.locale()})
    babel.init_app(app, default_locale=LOCALE,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    if not app.config["TRANSLATIONS"]:
        # English only: the templates' strings are the words shown, so Jinja gets a fixed
        # catalogue instead of looking up the request's language for each of them (a third
        # of a page's rendering time). Flask-Babel's per-request lookup returns with a
        # second language (TRANSLATIONS).
        app.jinja_env.install_gettext_translations(NullTranslations(), newstyle=True)
    static_files.init_app(app)  # static_url(), its year-long caching, /favicon.ico
    app.add_template_filter(service_profile.tel_href, "tel")
    for name, made in formatting.FILTERS.items():
        app.add_template_filter(made, name)
    app.jinja_env.globals["direction_phrases"] = wording.DIRECTION_PHRASES
    app.json = jsonio.OrjsonProvider(app)  # keys in the documented order (level first)

    from . import api, db, demo, journey, retention, staff
    from .alerts import queue, simulation
    from .pump import records
    from .pump import simulation as clinic_simulation
    from .staff import accounts
    from .web import errors, health, security

    security.init_app(app, DEV_SECRET_KEY)
    try:
        db.init_app(app)
    except (ArgumentError, NoSuchModuleError) as error:
        raise ConfigurationError(f"Refusing to start: the database URL (DATABASE_URL) is not "
                                 f"usable: {error}") from None
    csrf.init_app(app)
    csrf.exempt(api.bp)  # JSON API: no cookies, so no cross-site request to forge
    accounts.login_manager.init_app(app)
    app.before_request(accounts.end_stale_sessions)  # every request, not only /staff/
    for command in (accounts.create_user_command, accounts.unlock_user_command,
                    accounts.set_password_command, accounts.disable_user_command,
                    retention.apply_retention_command,
                    retention.apply_audit_retention_command, retention.erase_patient_command,
                    demo.demo_command, records.pump_days_command):
        app.cli.add_command(command)
    for command in app.cli.commands.values():
        _database_errors_in_one_line(command)
    queue.check_delivery_settings(app, app.extensions["service"].rota)
    app.extensions["queue"] = queue.make_queue(app)
    app.cli.add_command(queue.worker_command)
    app.cli.add_command(simulation.simulate_day_command)
    app.cli.add_command(clinic_simulation.simulate_clinic_command)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(journey.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(staff.bp)
    app.register_error_handler(HTTPException, errors.http_error)
    app.register_error_handler(DBAPIError, errors.database_error)
    app.before_request(control_characters.refuse_control_characters)
    return app


def _database_errors_in_one_line(command: click.Command) -> None:
    """A command that cannot reach its database says so in one line, not a traceback."""
    if getattr(command, "_one_line", False):
        return  # commands are module-level objects: wrapped once per process
    invoke = command.invoke

    def guarded(ctx: click.Context) -> Any:
        try:
            return invoke(ctx)
        except OperationalError as error:
            raise click.ClickException("Cannot use the database (DATABASE_URL): "
                                       f"{settings.database_problem(error)}") from None

    command.invoke, command._one_line = guarded, True  # type: ignore[method-assign,attr-defined]


def _read_config_file(app: Flask) -> None:
    """instance/config.py, if there is one (make run writes it: settings.py)."""
    try:
        app.config.from_pyfile("config.py", silent=True)
    except Exception as error:  # a syntax error, a bad import: say which file, not how
        raise ConfigurationError(f"Refusing to start: {Path(app.instance_path) / 'config.py'} "
                                 f"cannot be read ({type(error).__name__}: {error}).") from None


def database_uri(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
