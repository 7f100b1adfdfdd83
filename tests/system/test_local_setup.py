"""A newcomer's set-up (issue 14, items 1 and 2): `make run` writes instance/config.py once,
every `flask --app screener ...` command then works in that clone with no variable to
remember, and a setting the app cannot start with is one line and exit status 1 on every
command, never a traceback. Each command runs as a person would run it: a new process."""

from __future__ import annotations

import stat
import subprocess

import pytest

from screener.settings import write_development_config
from tests.commands import PROJECT, one_line_error, run


def test_the_development_config_is_written_once_with_a_random_key(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    written = write_development_config(first)
    assert written == first / "config.py"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # it holds the secret key
    settings: dict = {}
    exec(written.read_text(), settings)  # noqa: S102 - our own file, as Flask reads it
    assert settings["DEVELOPMENT"] is True and len(settings["SECRET_KEY"]) == 64
    write_development_config(second)
    assert (second / "config.py").read_text() != written.read_text()  # a key per clone
    written.write_text("SECRET_KEY = 'kept'\n")
    assert write_development_config(first) is None  # never overwritten
    assert written.read_text() == "SECRET_KEY = 'kept'\n"
    assert "instance/*" in (PROJECT / ".gitignore").read_text().splitlines()


def test_after_init_config_every_command_works_with_no_variable_set(tmp_path):
    instance = tmp_path / "instance"
    assert "Wrote" in run(instance, "screener", "init-config").stdout
    assert "exists" in run(instance, "screener", "init-config").stdout
    for args, stdin in ((("flask", "--app", "screener", "init-db"), ""),
                        (("flask", "--app", "screener", "create-user", "--username", "a.nurse",
                          "--name", "Alex Nurse", "--role", "admin"),
                         "a long enough password\na long enough password\n"),
                        (("flask", "--app", "screener", "unlock-user", "a.nurse"), ""),
                        (("flask", "--app", "screener", "apply-retention"), "")):
        done = run(instance, *args, stdin=stdin)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (instance / "screener.sqlite").exists()


def test_without_the_config_the_development_key_is_refused_in_one_line(tmp_path):
    line = one_line_error(run(tmp_path, "flask", "--app", "screener", "init-db"))
    assert line.startswith("Error: Refusing to start: SECRET_KEY is the development key")
    assert "make run" in line
    assert not (tmp_path / "screener.sqlite").exists()


@pytest.mark.parametrize(("config", "env", "says"), [
    ("SECRET_KEY = (\n", {}, "config.py cannot be read (SyntaxError"),
    ("", {"DATABASE_URL": "nosuch://x"}, "the database URL (DATABASE_URL) is not usable"),
    ("", {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"},
     "Cannot use the database (DATABASE_URL): connection failed"),
    ("", {"SCREENER_SERVICE": '{"clinic": 1}'}, "SERVICE has unknown keys"),
    ("", {"SCREENER_RULESET_PATH": "/no/such/rules.yaml"}, "the rule set cannot be used"),
    ("", {"SCREENER_PATIENT_REF_PATTERN": "P-[0-9"}, "PATIENT_REF_PATTERN is not a regular"),
], ids=["config.py", "database URL", "database down", "service", "rule set", "pattern"])
def test_a_setting_the_app_cannot_use_is_one_line_on_every_command(tmp_path, config, env, says):
    write_development_config(tmp_path)
    if config:
        (tmp_path / "config.py").write_text(config)
    for command in (["init-db"], ["db", "current"]):  # one of ours, one of Flask-Migrate's
        assert says in one_line_error(run(tmp_path, "flask", "--app", "screener", *command,
                                          **env)), command


def test_production_still_refuses_the_development_key(tmp_path):
    """The development file is local: a deployment without it, in production mode, with
    the built-in key, does not start (also under gunicorn: tests/web/test_security.py)."""
    line = one_line_error(run(tmp_path, "flask", "--app", "screener", "routes",
                              SCREENER_SECRET_KEY="dev-only-not-secret"))
    assert "SECRET_KEY is the development key" in line


def test_make_run_serves_where_it_is_told():
    """`make run PORT=… HOST=…` (README); the default stays 127.0.0.1:5000. Dry runs only."""
    def planned(*overrides: str) -> str:
        return subprocess.run(["make", "-n", "run", *overrides], cwd=PROJECT, text=True,
                              capture_output=True, check=True).stdout

    assert "run --host 127.0.0.1 --port 5000" in planned()
    assert "run --host 0.0.0.0 --port 8123" in planned("PORT=8123", "HOST=0.0.0.0")


@pytest.mark.parametrize(("url", "says"), [
    ("nosuch://x", "Can't load plugin"),
    ("postgresql://postgres@127.0.0.1:1/none", "connection failed")])
def test_replay_given_a_database_it_cannot_use_says_so_in_one_line(tmp_path, url, says):
    line = one_line_error(run(tmp_path, "screener", "rules", "replay", "HEAD", "--database",
                              url, "--cases", str(PROJECT / "tests/data/vignettes.json")))
    assert line.startswith("Error: Cannot read the stored screenings") and says in line
