"""SQLite under a multi-process server: writers queue on a file lock held until the COMMIT
is done, and the write-ahead log is checkpointed outside that lock (screener/db.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event

from screener import create_app
from screener.db import db
from screener.journey.answer_words import words_shown
from screener.screenings import run_assessment, save_screening
from screener.sqlite import CHECKPOINT_EVERY
from tests.live import migrate

ANSWERS = {"route": "oral", "symptoms": ["muscle_spasms"], "respondent": "caregiver"}


@pytest.fixture
def server_app(tmp_path: Path):
    """The app as gunicorn runs it (not in testing mode), on a migrated SQLite file."""
    database = tmp_path / "server.sqlite"
    with migrate(f"sqlite:///{database}").app_context():
        db.engine.dispose()  # the last connection out folds the log into the file
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "SECRET_KEY": "k" * 64, "RATELIMIT_ENABLED": False})
    yield app, database
    with app.app_context():
        db.engine.dispose()


def lock_is_free(database: Path) -> bool:
    """Whether another process could take the writers' lock now."""
    descriptor = os.open(f"{database}.write-lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


def screenings_in_main_file(database: Path, tmp_path: Path) -> int:
    """Screenings in the database file alone, without what is still only in its log."""
    copy = tmp_path / "main-file-only.sqlite"
    shutil.copyfile(database, copy)
    with sqlite3.connect(copy) as connection:
        return connection.execute("SELECT count(*) FROM screenings").fetchone()[0]


def test_the_lock_is_held_from_the_first_write_until_the_commit_is_done(server_app):
    app, database = server_app
    ruleset = app.extensions["ruleset"]
    with app.app_context():
        assert lock_is_free(database)
        db.session.execute(db.text("SELECT count(*) FROM screenings")).scalar_one()
        assert lock_is_free(database), "reading must not take the writers' lock"
        held_at_commit = []
        event.listen(db.engine, "commit", lambda _: held_at_commit.append(
            not lock_is_free(database)))  # fires just before the COMMIT is sent
        db.session.execute(db.text("UPDATE screenings SET status = 'open' WHERE 0"))
        assert not lock_is_free(database), "a write transaction holds the lock"
        db.session.commit()
        assert held_at_commit == [True], "still held while SQLite commits"
        assert lock_is_free(database), "the lock is released once the COMMIT is done"

        db.session.execute(db.text("DELETE FROM screenings WHERE 0"))
        db.session.rollback()
        assert lock_is_free(database), "a rollback releases it too"

        _save(ruleset)
        assert lock_is_free(database)


def test_the_log_is_checkpointed_after_every_hundred_writes(server_app, tmp_path):
    app, database = server_app
    ruleset = app.extensions["ruleset"]
    with app.app_context():
        assert db.session.execute(db.text("PRAGMA wal_autocheckpoint")).scalar_one() == 0
        for _ in range(CHECKPOINT_EVERY - 1):
            _save(ruleset)
        # Not inside a COMMIT: SQLite's own checkpoint is off, so it is all still in the log.
        assert screenings_in_main_file(database, tmp_path) == 0
        _save(ruleset)
        assert screenings_in_main_file(database, tmp_path) == CHECKPOINT_EVERY
        assert db.session.execute(
            db.text("SELECT count(*) FROM screenings")).scalar_one() == CHECKPOINT_EVERY


def _save(ruleset):
    assessment = run_assessment(ANSWERS, ruleset)
    return save_screening(assessment, words_shown(assessment, ruleset))[0]
