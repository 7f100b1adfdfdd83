"""Saving and reading screenings on each database backend (SQLite; PostgreSQL in CI)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect

from screener.db import db
from screener.models import Patient, Screening
from tests.api_documents import VALID, conforms
from tests.apps import wipe_database


def test_a_screening_is_saved_once_and_read_back(db_app, db_client):
    response = db_client.post("/api/v1/screenings", json=VALID)
    assert response.status_code == 201
    location = response.headers["Location"]
    saved = response.json
    assert location == f"/api/v1/screenings/{saved['id']}"
    conforms(db_app, "Screening", saved)

    read = db_client.get(location)
    assert read.status_code == 200
    # Read back without sign-in: the same, less the patient reference (red team M6).
    unreferenced = {k: v for k, v in saved["answers"].items() if k != "patient_ref"}
    assert read.json == {**saved, "answers": unreferenced,
                         "assessment": {**saved["assessment"], "answers": unreferenced}}
    assert read.headers["Cache-Control"] == "no-store"
    assert saved["assessment"]["level"] == "urgent"
    assert saved["answers"]["patient_ref"] == "AB-123"
    assert saved["answers"]["history"]["refill_overdue"] == "unknown"
    created = datetime.fromisoformat(saved["created_at"].replace("Z", "+00:00"))
    assert created.tzinfo is not None
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=1)

    with db_app.app_context():
        rows = db.session.execute(db.select(Screening)).scalars().all()
        assert len(rows) == 1
        assert (rows[0].level, rows[0].ruleset_version, rows[0].respondent) == (
            "urgent", "2026.7", "caregiver")
        # The exact logic that gave the result: the rule file's content hash.
        assert rows[0].ruleset_hash == saved["ruleset_hash"] == db_app.extensions[
            "ruleset"].short_hash
        assert saved["assessment"]["ruleset_hash"] == rows[0].ruleset_hash


def test_public_ids_are_unguessable_and_distinct(db_client):
    ids = {db_client.post("/api/v1/screenings", json={"route": "oral"}).json["id"]
           for _ in range(5)}
    assert len(ids) == 5
    assert all(len(public_id) >= 22 for public_id in ids)  # 128 random bits


def test_public_ids_never_start_with_a_formula_or_option_character():
    from screener.models import new_public_id
    from screener.staff.csv_export import cell

    ids = {new_public_id() for _ in range(5000)}  # about 150 would start with "-" otherwise
    assert len(ids) == 5000
    assert all(public_id[0].isalnum() and cell(public_id) == public_id for public_id in ids)


def test_a_refused_screening_writes_nothing(db_app, db_client):
    response = db_client.post("/api/v1/screenings", json={"route": "oral", "vitals": {"spo2": 0}})
    assert response.status_code == 400
    with db_app.app_context():
        assert db.session.query(Screening).count() == 0


def test_health_checks_the_database(db_client):
    response = db_client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert len(response.json["ruleset_hash"]) == 16


def test_init_db_creates_the_tables(db_app):
    wipe_database(db_app)
    with db_app.app_context():
        assert "screenings" not in inspect(db.engine).get_table_names()
    result = db_app.test_cli_runner().invoke(args=["init-db"])
    assert "The database is up to date." in result.output
    with db_app.app_context():
        assert "screenings" in inspect(db.engine).get_table_names()


def test_the_sqlite_files_are_readable_by_the_app_alone(tmp_path):
    """Red team L7: the database and its log were world-readable (0644)."""
    import os
    import stat

    from screener import create_app

    old = os.umask(0o022)
    try:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                          f"sqlite:///{tmp_path}/private.sqlite"})
        with app.app_context():
            db.create_all()
            db.session.execute(db.text("SELECT 1"))
            db.engine.dispose()
        with app.app_context():  # a new connection: the files exist now
            db.session.execute(db.text("SELECT 1"))
    finally:
        os.umask(old)
    for path in tmp_path.glob("private.sqlite*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_retry_with_the_same_idempotency_key_makes_no_second_screening(db_app, db_client):
    """Red team L8: a retry after a lost answer doubled the screening."""
    headers = {"Idempotency-Key": "client-7f3a-attempt"}
    first = db_client.post("/api/v1/screenings", json=VALID, headers=headers)
    again = db_client.post("/api/v1/screenings", json=VALID, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = db_client.post("/api/v1/screenings", json=VALID,
                           headers={"Idempotency-Key": "another"})
    assert other.json["id"] != first.json["id"]
    assert db_client.post("/api/v1/screenings", json=VALID).json["id"] != first.json["id"]
    with db_app.app_context():
        assert db.session.query(Screening).count() == 3
    bad = db_client.post("/api/v1/screenings", json=VALID, headers={"Idempotency-Key": ""})
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json["errors"]


def test_readiness_fails_when_the_database_cannot_be_written(tmp_path):
    """Red team L6: with a full disk /healthz stayed 200; /readyz writes a row."""
    from screener import create_app

    path = tmp_path / "ready.sqlite"
    writable = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with writable.app_context():
        db.create_all()
    assert writable.test_client().get("/readyz").status_code == 200
    read_only = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                            f"sqlite:///file:{path}?mode=ro&uri=true"})
    client = read_only.test_client()
    assert client.get("/healthz").status_code == 200  # it still answers...
    ready = client.get("/readyz")  # ...but cannot save a screening
    assert ready.status_code == 503 and ready.json["database"] == "cannot be written"


def test_readiness_fails_while_the_disk_has_too_little_room_for_screenings(tmp_path):
    """Red team 2, L6: on a full disk /readyz still answered 200, because rewriting its one
    row fits in pages SQLite already had, while a screening needs new ones. Readiness now
    also asks the disk under the SQLite file for room (READINESS_FREE_BYTES)."""
    import shutil

    from screener import create_app

    path = tmp_path / "ready.sqlite"
    free = shutil.disk_usage(tmp_path).free
    for margin, status in ((free // 2, 200), (free * 2, 503)):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                          "READINESS_FREE_BYTES": margin})
        with app.app_context():
            db.create_all()
        ready = app.test_client().get("/readyz")
        assert ready.status_code == status, ready.json
        if status == 503:
            assert ready.json["database"] == "disk nearly full"


def test_an_idempotency_key_replays_only_the_same_answers(db_app, db_client):
    """Red team 2, M11: the same key from anyone with any body returned the first client's
    screening, reference and all; a different submission under a reused key was silently
    dropped. A key now replays only the answers it was first sent with; other answers under
    it are refused (422), and nothing is lost without the client being told."""
    headers = {"Idempotency-Key": "1"}
    first_answers = {**VALID, "patient_ref": "ITB-0043"}
    first = db_client.post("/api/v1/screenings", json=first_answers, headers=headers)
    assert first.status_code == 201
    other = db_client.post("/api/v1/screenings", json={"route": "oral"}, headers=headers)
    assert other.status_code == 422
    assert "different answers" in other.json["errors"]["Idempotency-Key"][0]
    assert "ITB-0043" not in other.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.query(Screening).count() == 1


def test_a_replay_shows_no_more_than_reading_the_screening_would(db_app, db_client):
    """Red team 2, M11: a replay gives what a GET gives to the same caller: no reference
    without sign-in, and nothing once staff have linked the screening to a patient."""
    headers = {"Idempotency-Key": "retry-1"}
    answers = {**VALID, "patient_ref": "ITB-0043"}
    first = db_client.post("/api/v1/screenings", json=answers, headers=headers)
    assert first.json["answers"]["patient_ref"] == "ITB-0043"  # the client's own, once
    again = db_client.post("/api/v1/screenings", json=answers, headers=headers)
    assert again.status_code == 201 and again.json["id"] == first.json["id"]
    assert "patient_ref" not in again.json["answers"]
    with db_app.app_context():
        patient = Patient(reference="ITB-0043", name="Pat", route="intrathecal")
        db.session.add(patient)
        db.session.flush()
        db.session.execute(db.update(Screening).values(patient_id=patient.id))
        db.session.commit()
    linked = db_client.post("/api/v1/screenings", json=answers, headers=headers)
    assert linked.status_code == 404
    with db_app.app_context():
        assert db.session.query(Screening).count() == 1


def test_an_idempotency_key_expires_after_a_day(db_app, db_client):
    """A key is a retry's, not a name for ever: a day later the same key saves anew."""
    headers = {"Idempotency-Key": "daily"}
    first = db_client.post("/api/v1/screenings", json=VALID, headers=headers)
    with db_app.app_context():
        db.session.execute(db.update(Screening).values(
            created_at=datetime.now(UTC) - timedelta(hours=24, minutes=1)))
        db.session.commit()
    later = db_client.post("/api/v1/screenings", json=VALID, headers=headers)
    assert later.status_code == 201 and later.json["id"] != first.json["id"]
    assert "Idempotent-Replayed" not in later.headers
    with db_app.app_context():
        assert db.session.query(Screening).count() == 2


def test_a_locked_table_answers_503_within_seconds_and_stores_nothing(db_app, db_client):
    """Red team 2, L14: with the screenings table locked, every worker waited until gunicorn
    killed it, and 28 screenings were stored afterwards that no client had been told about.
    A lock now gives up within seconds (lock_timeout on PostgreSQL, SQLite's busy timeout):
    503 with the advice to seek help, and nothing stored."""
    import time

    with db_app.app_context():
        holder = db.engine.connect()
        if db.engine.dialect.name == "postgresql":
            holder.exec_driver_sql("LOCK TABLE screenings IN ACCESS EXCLUSIVE MODE")
        else:
            holder.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite's write lock
        try:
            started = time.monotonic()
            refused = db_client.post("/api/v1/screenings", json=VALID)
            waited = time.monotonic() - started
        finally:
            holder.rollback()
            holder.close()
        assert refused.status_code == 503, refused.data
        assert "emergency number" in refused.get_data(as_text=True)
        assert waited < 8
        assert db.session.query(Screening).count() == 0
