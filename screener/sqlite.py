"""SQLite as the embedded default: write-ahead logging, files readable by the app's account
only, and, for servers with several worker processes, a lock that queues writers."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def init_engine(engine: Engine, serialise_writers: bool) -> None:
    """Set up a file database's engine (in-process tests keep SQLite's own waiting)."""
    database_file = engine.url.database
    if database_file in (None, "", ":memory:"):
        return
    _owner_only(engine, database_file)
    if serialise_writers:
        _serialise_sqlite_writers(engine, database_file)


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
        # Deleted rows are overwritten, not left in free pages: erasure means gone (M9).
        cursor.execute("PRAGMA secure_delete = ON")
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


def empty_the_log(engine: Engine) -> None:
    """Copy the write-ahead log into the database and cut it to nothing: after an erasure the
    erased values would otherwise stay in the log's old pages until the next checkpoint
    (red team 2, INFO)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
