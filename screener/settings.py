"""Where settings come from, and what a bad one raises.

- The instance folder (`instance/`, or SCREENER_INSTANCE_PATH) holds the SQLite database
  and `config.py`.
- `make run` writes `instance/config.py` once, for local development on this clone: a
  random secret key and development mode, as flaskr's tutorial does. From then on every
  `flask --app screener ...` command in the README works in that clone as written, with no
  variable to remember. Production never uses it: there the secret key comes from the
  environment and the development key is refused (web/security.py).
- `ConfigurationError` is a setting the app cannot start with. On the command line it is
  one line saying what to fix, not a traceback (screener/__init__.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEVELOPMENT_CONFIG = '''\
# Written by `make run` for local development on this clone; git-ignored, never deployed.
# Every `flask --app screener ...` command reads it. In production, set SCREENER_SECRET_KEY
# in the environment instead, and leave development off (README, "Deploying").
SECRET_KEY = {secret_key!r}
DEVELOPMENT = True  # the built-in rate-limit store, cookies over plain HTTP, `flask demo`
'''


class ConfigurationError(Exception):
    """A setting the app cannot start with; the message says what to fix."""


def database_problem(error: Exception) -> str:
    """The first line of why a database could not be used: the driver's own words (host
    and port, never a row's values), else SQLAlchemy's."""
    said = str(getattr(error, "orig", None) or error).strip()
    return said.splitlines()[0] if said else type(error).__name__


def instance_path() -> Path:
    return Path(os.environ.get("SCREENER_INSTANCE_PATH") or PROJECT_ROOT / "instance")


def write_development_config(folder: Path | None = None) -> Path | None:
    """Write `config.py` for local development, unless one exists (never overwritten: it
    may hold a deployment's settings). Returns the path written, or None."""
    folder = folder or instance_path()
    path = folder / "config.py"
    if path.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds a key
    with os.fdopen(descriptor, "w", encoding="utf-8") as config:
        config.write(DEVELOPMENT_CONFIG.format(secret_key=secrets.token_hex(32)))
    return path


def is_development(app) -> bool:
    """Development comes from the project's own DEVELOPMENT setting (or a test), never from
    Flask's debug flag: FLASK_DEBUG=1, often left in a container, turned the production
    guards off and let a session signed with the public key in (red team 2, M15)."""
    return bool(app.testing or app.config.get("DEVELOPMENT") is True)
