"""The database: Flask-SQLAlchemy with a typed declarative base, Flask-Migrate (Alembic) for
the schema, `flask init-db`, which brings a database up to the newest schema, and
`flask grant-app-role`. SQLite's own settings are in `screener/sqlite.py`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import Migrate, upgrade
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event, text
from sqlalchemy.orm import DeclarativeBase

from . import sqlite

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


def init_app(app: Flask) -> None:
    """The tables are those of `screener/models.py`, which the app factory imports first."""
    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sqlite.init_engine(db.engine, serialise_writers=not app.testing)
        elif db.engine.dialect.name == "postgresql":
            _give_up_in_seconds(db.engine)
    app.cli.add_command(init_db_command)
    app.cli.add_command(grant_app_role_command)


# A statement that waits on a lock (another session holding the table) or runs long gives up
# within seconds: the request answers 503 with the advice to seek help, rather than holding a
# worker until gunicorn kills it and storing, later, a screening no client was told about
# (red team 2, L14). Migrations lift the limit (screener/migrations/env.py).
LOCK_TIMEOUT_MS = 2_000
STATEMENT_TIMEOUT_MS = 5_000


def _give_up_in_seconds(engine) -> None:
    @event.listens_for(engine, "connect")
    def set_timeouts(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
            cursor.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
        dbapi_connection.commit()


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
    """Apply every migration not yet applied (existing data is kept). In development, mark
    the database as a development one: the only kind `flask demo` fills (red team 2, M15)."""
    from flask import current_app

    from .settings import is_development

    upgrade(directory=str(MIGRATIONS))
    click.echo("The database is up to date.")
    if is_development(current_app):
        marked = db.session.execute(text(
            "SELECT 1 FROM database_marks WHERE name = 'development'")).first()
        if marked is None:
            db.session.execute(text("INSERT INTO database_marks (name, made_at) "
                                    "VALUES ('development', CURRENT_TIMESTAMP)"))
            db.session.commit()
            click.echo("Marked as a development database (flask demo may fill it).")
