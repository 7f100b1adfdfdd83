"""Baclofen withdrawal screener.

- `screener.clinical` is the clinical core, a library: the rule set, answers and scoring.
  It imports neither Flask, WTForms nor SQLAlchemy, so the `screener` command line and
  any other program can use it without the web stack.
- `screener.app` builds the web app (flaskr's shape). `create_app` below imports it only
  when called, so `flask --app screener` and `gunicorn 'screener:create_app()'` work while
  importing this package stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The web app (see `screener.app.create_app`). Loaded by a `flask --app screener`
    command, a setting it cannot start with is one line and exit status 1, not a traceback;
    anywhere else (gunicorn, tests) the error is raised as it is."""
    import click

    from .app import create_app as build
    from .settings import ConfigurationError

    try:
        return build(test_config)
    except ConfigurationError as error:
        if click.get_current_context(silent=True) is None:
            raise
        raise click.ClickException(str(error)) from None
