"""The app as a person or a server runs it: commands in subprocesses, gunicorn, several
writers at once, the README's commands, the demo clinic."""

from tests.apps import app, client, db_app, db_client  # noqa: F401 - fixtures
