"""Notifications of urgent checks (issue 24): the outbox written with the screening, each
alert sent once by email and webhook, escalation cancelled by a claim, and no message
holding an answer, a reference or a phone number. Delivered here by calling the worker's
job in process; tests/system/test_worker.py runs a real worker."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

import pytest

from screener import create_app
from screener.alerts import delivery
from screener.alerts.queue import _message, _send
from screener.db import db
from screener.models import Alert, Screening, User, as_utc
from screener.web.service_profile import ServiceProfileError, load_profile
from tests.apps import database_url, wipe_database
from tests.journeys import OUTCOMES
from tests.loopback import smtp_server, webhook_server

SECRET = "a shared secret for the pager"
URGENT = {**OUTCOMES["urgent"], "patient_ref": "ITB-0042"}


def _profile(webhook: str) -> dict:
    return {"clinic_name": "the Example pump clinic", "clinic_phone": "0161 496 0000",
            "reads_checks": True, "reads_when": "within 2 hours",
            "notify_email": ["oncall@clinic.example"], "notify_webhook": webhook,
            "escalate_to": [{"email": ["lead@clinic.example"]}]}


@pytest.fixture
def notifying(tmp_path):
    with smtp_server() as (smtp, inbox), webhook_server() as (hook, received):
        app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": database_url("sqlite", tmp_path),
                          "SERVICE": _profile(hook), "SMTP_URL": smtp,
                          "MAIL_FROM": "screener@clinic.example", "WEBHOOK_SECRET": SECRET,
                          "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}"})
        wipe_database(app)
        with app.app_context():
            db.create_all()
        yield app, inbox, received


def _send_due(app) -> list[str]:
    with app.app_context():
        return [delivery.deliver(i, _send, _message) for i in delivery.due_alerts()]


def test_an_urgent_check_writes_its_alerts_with_it_and_each_is_sent_once(notifying):
    app, inbox, received = notifying
    response = app.test_client().post("/api/v1/screenings", json=URGENT)
    assert response.status_code == 201
    with app.app_context():
        alerts = db.session.scalars(db.select(Alert).order_by(Alert.step, Alert.channel)).all()
        assert [(a.step, a.channel, a.target) for a in alerts] == [
            (0, "email", "oncall@clinic.example"), (0, "webhook", alerts[1].target),
            (1, "email", "lead@clinic.example")]
        assert alerts[2].due_at - alerts[0].due_at == timedelta(minutes=15)  # urgent's wait
    assert _send_due(app) == ["sent", "sent"]  # step 1 is not due yet
    assert _send_due(app) == []  # nothing sent twice
    (to, email), = inbox.messages
    assert to == ["oncall@clinic.example"] and "Urgent check new" in email["Subject"]
    (headers, body, payload), = received
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Screener-Signature"] == f"sha256={expected}"
    assert payload["level"] == "urgent" and payload["event"] == "check.arrived"


def test_no_message_holds_an_answer_a_reference_or_a_number(notifying):
    app, inbox, received = notifying
    app.test_client().post("/api/v1/screenings", json=URGENT)
    _send_due(app)
    with app.app_context():
        screening = db.session.scalars(db.select(Screening)).one()
        secrets = [screening.reference_code, screening.public_id, "ITB-0042", "0161",
                   "pruritus", "itch", "104", "heart", "pump alarm"]
    words = [email.as_string() for _, email in inbox.messages]
    words += [body.decode() for _, body, _ in received]
    for text in words:
        for secret in secrets:
            assert not re.search(rf"\b{re.escape(secret)}\b", text, re.IGNORECASE), secret


def test_an_unclaimed_check_escalates_and_a_claimed_one_does_not(notifying, monkeypatch):
    app, inbox, _ = notifying
    client = app.test_client()
    client.post("/api/v1/screenings", json=URGENT)
    client.post("/api/v1/screenings", json=URGENT)
    _send_due(app)
    with app.app_context():
        first, second = db.session.scalars(db.select(Screening).order_by(Screening.id)).all()
        user = User(username="cath", name="Cath", role="clinic", password_hash="x")
        db.session.add(user)
        db.session.commit()
        from screener import workflow
        assert workflow.claim(second, user)
        db.session.commit()
        later = first.created_at + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr("screener.alerts.delivery.utc_now", lambda: later)
    assert sorted(_send_due(app)) == ["cancelled", "sent"]
    assert [to for to, _ in inbox.messages].count(["lead@clinic.example"]) == 1
    assert "has not been claimed" in inbox.messages[-1][1].get_payload(decode=True).decode()


def test_a_failed_send_is_tried_again_later_and_never_lost(notifying, monkeypatch):
    app, inbox, _ = notifying
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    app.test_client().post("/api/v1/screenings", json=URGENT)
    assert sorted(_send_due(app)) == ["retry", "sent"]  # the webhook went
    with app.app_context():
        email = db.session.scalars(db.select(Alert).where(Alert.channel == "email",
                                                          Alert.step == 0)).one()
        assert (email.state, email.attempts) == ("pending", 1)
        assert email.error.startswith("smtp: ")
        retry_at = email.due_at
    assert _send_due(app) == []  # not before its retry time
    app.config["SMTP_URL"] = working
    monkeypatch.setattr("screener.alerts.delivery.utc_now", lambda: retry_at)
    assert _send_due(app) == ["sent"]
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("bad", [
    {"notify_email": ["not an address"]},
    {"notify_webhook": "ftp://pager.example"},
    {"escalate_to": [{"email": ["lead@clinic.example"]}]},  # nobody told first
    {"notify_email": ["a@clinic.example"], "notify_from_level": "soonish"},
    {"notify_email": ["a@clinic.example"], "escalate_after_minutes": {"urgent": 0}},
])
def test_a_rota_that_cannot_work_stops_the_start_with_a_reason(bad):
    with pytest.raises(ServiceProfileError, match="SERVICE"):
        load_profile(bad)


def test_the_caregiver_and_the_api_are_told_when_nobody_has_picked_it_up(notifying,
                                                                         monkeypatch):
    app, _, _ = notifying
    client = app.test_client()
    response = client.post("/api/v1/screenings", json=URGENT)
    assert response.get_json()["follow_up"] == {"status": "waiting", "unanswered_since": None}
    public_id = response.get_json()["id"]
    # Two steps (the on-call clinician, then the lead), 15 minutes each for urgent.
    assert _follow_up_after(app, client, public_id, 29, monkeypatch)["status"] == "waiting"
    assert "picked up" not in client.get(f"/result/{public_id}").get_data(as_text=True)
    follow = _follow_up_after(app, client, public_id, 30, monkeypatch)
    assert follow["status"] == "unanswered" and follow["unanswered_since"]
    page = client.get(f"/result/{public_id}").get_data(as_text=True)
    assert "No one at the clinic has picked up your check yet." in page


def test_a_check_through_the_pages_writes_its_alerts_with_it(notifying):
    from tests.journeys import walk
    from tests.pages import Journey

    app, _, _ = notifying
    walk(Journey(app.test_client()), OUTCOMES["urgent"])
    walk(Journey(app.test_client()), OUTCOMES["soon"])  # below the level that notifies
    with app.app_context():
        rows = db.session.execute(db.select(Screening.level, Alert.step).join(
            Alert, Alert.screening_id == Screening.id)).all()
    assert sorted(rows) == [("urgent", 0), ("urgent", 0), ("urgent", 1)]


def test_the_promise_is_kept_from_the_rota_the_check_arrived_under(notifying, monkeypatch):
    """A rota changed later (a step added) never moves the time the caregiver was promised:
    it is stored with the check."""
    app, _, _ = notifying
    client = app.test_client()
    public_id = client.post("/api/v1/screenings", json=URGENT).get_json()["id"]
    service = app.extensions["service"]
    longer = load_profile({**_profile("https://pager.example/hook"), "escalate_to": [
        {"email": ["lead@clinic.example"]}, {"email": ["director@clinic.example"]}]})
    assert len(longer.rota.steps) == len(service.rota.steps) + 1
    app.extensions["service"] = longer
    assert _follow_up_after(app, client, public_id, 30, monkeypatch)["status"] == "unanswered"


def _follow_up_after(app, client, public_id: str, minutes: int, monkeypatch) -> dict:
    """The API's follow_up for the one screening, `minutes` after it arrived."""
    with app.app_context():
        created = as_utc(db.session.scalars(db.select(Screening)).one().created_at)
    monkeypatch.setattr("screener.alerts.outbox.utc_now",
                        lambda: created + timedelta(minutes=minutes))
    return client.get(f"/api/v1/screenings/{public_id}").get_json()["follow_up"]


def test_when_no_one_could_be_told_the_caregiver_is_not_left_waiting(notifying):
    """Every first alert failed (the mail server and the pager refuse): waiting for the next
    step would be waiting on nothing, so the caregiver is told at once, and the staff queue
    and /healthz/alerts raise the alarm."""
    app, _, _ = notifying
    client = app.test_client()
    public_id = client.post("/api/v1/screenings", json=URGENT).get_json()["id"]
    assert client.get("/healthz/alerts").status_code == 200
    with app.app_context():
        first = db.session.scalars(db.select(Alert).where(Alert.step == 0)).all()
        first[0].state = "failed"
        db.session.commit()
    follow = client.get(f"/api/v1/screenings/{public_id}").get_json()["follow_up"]
    assert follow["status"] == "waiting"  # the webhook may yet be sent
    with app.app_context():
        for alert in db.session.scalars(db.select(Alert).where(Alert.step == 0)):
            alert.state = "failed"
        db.session.commit()
    follow = client.get(f"/api/v1/screenings/{public_id}").get_json()["follow_up"]
    assert follow["status"] == "unanswered" and follow["unanswered_since"]
    health = client.get("/healthz/alerts")
    assert health.status_code == 503 and health.get_json() == {
        "status": "error", "late": 0, "failed": 2}


def test_a_stopped_worker_raises_the_alarm_on_the_queue(notifying, monkeypatch):
    from tests.pages import Journey, add_user, sign_in

    app, _, _ = notifying
    client = app.test_client()
    client.post("/api/v1/screenings", json=URGENT)
    add_user(app, "tess", "triage")
    assert sign_in(Journey(client), "tess").status_code == 302
    assert "Alerts are not going out" not in client.get("/staff/").get_data(as_text=True)
    with app.app_context():
        created = as_utc(db.session.scalars(db.select(Screening)).one().created_at)
    monkeypatch.setattr("screener.alerts.watch.utc_now",
                        lambda: created + timedelta(minutes=3, seconds=1))
    page = client.get("/staff/").get_data(as_text=True)
    assert "Alerts are not going out" in page and "2 alerts are late" in page
    assert client.get("/healthz/alerts").get_json()["late"] == 2


@pytest.mark.parametrize(("rota", "missing", "named"), [
    ({"notify_email": ["oncall@clinic.example"]}, "SMTP_URL", "SCREENER_SMTP_URL"),
    ({"notify_webhook": "https://pager.example/hook"}, "WEBHOOK_SECRET",
     "SCREENER_WEBHOOK_SECRET"),
])
def test_a_service_whose_alerts_cannot_be_sent_does_not_start(tmp_path, rota, missing, named):
    from screener.settings import ConfigurationError

    settings = {"SECRET_KEY": "a long random production key, not the development one",
                "SQLALCHEMY_DATABASE_URI": database_url("sqlite", tmp_path),
                "SMTP_URL": "smtp://mail.clinic.example:587", "WEBHOOK_SECRET": SECRET,
                "SERVICE": {"clinic_name": "the Example pump clinic", **rota}}
    create_app(settings)  # both set: it starts
    with pytest.raises(ConfigurationError, match=named):
        create_app({**settings, missing: None})
    create_app({**settings, missing: None, "DEVELOPMENT": True})  # development may
