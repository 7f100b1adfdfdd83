"""The database: Flask-SQLAlchemy with a typed declarative base, and `flask init-db`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# Objects stay loaded after a commit: views commit their audit line before rendering, and
# reloading every row of a page one query at a time made the queue 5-30x slower
# (bench/staff_scale.py). Each request has its own session, so nothing goes stale across them.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


def init_app(app: Flask) -> None:
    db.init_app(app)
    app.cli.add_command(init_db_command)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the tables that do not exist yet (existing data is kept)."""
    from . import drafts, models  # noqa: F401 - registers the tables

    db.create_all()
    click.echo("Initialised the database.")
