"""The database: Flask-SQLAlchemy with a typed declarative base, Flask-Migrate (Alembic) for
the schema, and `flask init-db`, which brings a database up to the newest schema."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import Migrate, upgrade
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    # Named constraints, so later migrations can alter them (SQLite needs batch mode for that).
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


# Objects stay loaded after a commit: views commit their audit line before rendering, and
# reloading every row of a page one query at a time made the queue 5-30x slower
# (bench/staff_scale.py). Each request has its own session, so nothing goes stale across them.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)


@event.listens_for(Engine, "connect")
def _sqlite_for_many_writers(dbapi_connection, _record) -> None:
    """SQLite in write-ahead-log mode: readers never wait for the writer, and a writer waits
    (up to 5 s) for another rather than failing. NORMAL sync: a commit survives the app
    crashing, but a power cut can lose the last few (README, "Running it for real")."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _serialise_sqlite_writers(engine: Engine, database_file: str) -> None:
    """Writers from several processes queue on a blocking file lock, held from a
    transaction's first write to its end.

    Without it they collide inside SQLite, whose busy handler sleeps 1, 2, 5 ms... before
    retrying: with two gunicorn workers that tripled the time to save a screening
    (bench/load.py). A blocking lock wakes the next writer as soon as the first is done.
    """
    lock_path = f"{database_file}.write-lock"

    @event.listens_for(engine, "connect")
    def open_lock(dbapi_connection, record) -> None:
        record.info["write_lock"] = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        record.info["locked"] = False
        record.info["writes"] = 0
        # SQLite would checkpoint inside a COMMIT, with the lock held and two fsyncs;
        # `unlock` does it after the lock is released (see CHECKPOINT_EVERY).
        dbapi_connection.execute("PRAGMA wal_autocheckpoint = 0")

    @event.listens_for(engine, "before_cursor_execute")
    def lock_before_writing(connection, cursor, statement, *_args) -> None:
        info = connection.connection._connection_record.info
        if not info["locked"] and statement.lstrip().upper().startswith(WRITES):
            fcntl.flock(info["write_lock"], fcntl.LOCK_EX)
            info["locked"] = True

    # Released when the connection goes back to the pool, which happens just after the
    # COMMIT or ROLLBACK. The engine's "commit" event fires *before* the COMMIT: releasing
    # there let the next writer in while SQLite still held its own write lock.
    @event.listens_for(engine, "checkin")
    def unlock(dbapi_connection, record) -> None:
        if record is not None and record.info.get("locked"):
            fcntl.flock(record.info["write_lock"], fcntl.LOCK_UN)
            record.info["locked"] = False
            record.info["writes"] += 1
            if record.info["writes"] % CHECKPOINT_EVERY == 0:
                _checkpoint(dbapi_connection)

    @event.listens_for(engine, "close")
    def close_lock(dbapi_connection, record) -> None:
        lock = record.info.pop("write_lock", None)
        if lock is not None:
            os.close(lock)


# Write transactions per connection between checkpoints: a screening dirties about ten
# pages, so this is about as often as SQLite's own default (every 1,000 pages of log).
CHECKPOINT_EVERY = 100


def _checkpoint(dbapi_connection) -> None:
    """Copy the write-ahead log into the database, beside the next writer, never blocking it.

    PASSIVE copies what no reader still needs and never waits; what it leaves, a later
    checkpoint copies. A failure is only logged: the log keeps every commit meanwhile.
    """
    try:
        dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error:
        log.warning("SQLite checkpoint failed; a later one will copy the log", exc_info=True)


def _owner_only(engine: Engine, database_file: str) -> None:
    """The SQLite database and its write-ahead log hold health data: readable by the app's
    own account only (0600), whatever the umask (red team L7)."""
    @event.listens_for(engine, "connect")
    def restrict(dbapi_connection, record) -> None:
        for path in (database_file, f"{database_file}-wal", f"{database_file}-shm"):
            if os.path.exists(path):
                os.chmod(path, 0o600)


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401 - registers the tables for migrations
    from .journey import drafts  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db)
    # For servers with several worker processes; in-process tests keep SQLite's own waiting.
    with app.app_context():
        database_file = db.engine.url.database
        if db.engine.dialect.name == "sqlite" and database_file not in (None, "", ":memory:"):
            _owner_only(db.engine, database_file)
            if not app.testing:
                _serialise_sqlite_writers(db.engine, database_file)
    app.cli.add_command(init_db_command)
    app.cli.add_command(grant_app_role_command)


# What the app's own role may do, when migrations run as another (owner) role: everything it
# needs on its tables, but only read and add to the audit trail. Not owning the tables, it
# cannot truncate them, alter them or disable the trail's triggers.
APP_ROLE_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "REVOKE ALL ON audit_events FROM {role}",
    "GRANT SELECT, INSERT ON audit_events TO {role}",
    "REVOKE ALL ON alembic_version FROM {role}",
    "GRANT SELECT ON alembic_version TO {role}",
)


@click.command("grant-app-role")
@click.argument("role")
@with_appcontext
def grant_app_role_command(role: str) -> None:
    """PostgreSQL: give ROLE (the app's) what it needs, run as the owner after init-db."""
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Roles are a PostgreSQL matter; SQLite has none (run it "
                                   "with DATABASE_URL set to the PostgreSQL owner role).")
    quoted = db.engine.dialect.identifier_preparer.quote(role)
    with db.engine.begin() as connection:
        for statement in APP_ROLE_GRANTS:
            connection.exec_driver_sql(statement.format(role=quoted))
    click.echo(f"{role} may now use the tables, and only read and add to the audit trail.")


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Apply every migration not yet applied (existing data is kept)."""
    upgrade(directory=str(MIGRATIONS))
    click.echo("The database is up to date.")
