"""Staff accounts: create-user, sign-in and its throttle, idle timeout, sign-out, roles."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

from screener.db import db
from screener.models import AuditEvent, User
from screener.staff.accounts import FREE_TRIES, IDLE_MINUTES, create_user_command
from tests.pages import (
    PASSWORD,
    Journey,
    add_user,
    check_page,
    csrf_token,
    sign_in,
    text_of,
)


def audit_actions(app) -> list[str]:
    return [e.action for e in audit_events(app)]


def audit_events(app) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)
                                         ).scalars())
        db.session.expunge_all()
        return events


def test_create_user_prompts_for_a_hidden_password_and_stores_only_a_hash(app):
    runner = app.test_cli_runner()
    secret = "a long enough secret 42"
    result = runner.invoke(create_user_command, ["--username", "j.smith", "--name", "Jo Smith",
                                                 "--role", "clinic"],
                           input=f"{secret}\n{secret}\n")
    assert result.exit_code == 0, result.output
    assert "Created clinic user 'j.smith'" in result.output
    assert secret not in result.output  # hidden input is never echoed
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="j.smith")).scalar_one()
        assert user.role == "clinic" and user.name == "Jo Smith"
        assert secret not in user.password_hash and user.password_hash.startswith("scrypt:")
        assert user.check_password(secret) and not user.check_password("wrong")
    assert audit_actions(app) == ["create_user"]


@pytest.mark.parametrize("args, password, message", [
    (["--role", "triage"], "short", "at least 12 characters"),
    # Red team 2, M17: any 12 characters were accepted, for an admin too.
    (["--role", "admin"], "aaaaaaaaaaaa", "easy to guess"),
    (["--role", "admin"], "password1234", "easy to guess"),
    (["--role", "admin"], "qwertyuiop12", "easy to guess"),
    (["--role", "admin"], "baclofen2024", "easy to guess"),  # this service's name
    (["--role", "triage"], "x" * 257, "at most 256 characters"),
    (["--role", "nurse"], "a long enough secret 42", "Invalid value for '--role'"),
])
def test_create_user_refuses_weak_passwords_and_unknown_roles(app, args, password, message):
    result = app.test_cli_runner().invoke(
        create_user_command, ["--username", "x", "--name", "X", *args],
        input=f"{password}\n{password}\n")
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert db.session.execute(db.select(User)).first() is None


def test_create_user_refuses_a_taken_username(app):
    add_user(app, "taken", "triage")
    result = app.test_cli_runner().invoke(
        create_user_command, ["--username", "taken", "--name", "T", "--role", "admin"],
        input="a long enough secret 42\n" * 2)
    assert result.exit_code != 0 and "is taken" in result.output


def test_sign_in_and_out(app, client):
    add_user(app, "ann", "triage")
    journey = Journey(client)
    response = sign_in(journey, "ann")
    assert response.status_code == 302 and response.location == "/staff/"
    _, tree = journey.get("/staff/")
    assert "Ann Triage (triage)" in "".join(tree.find(".//nav").itertext())
    _, tree = journey.get("/staff/")
    token = next(i.get("value") for i in tree.findall(".//input") if i.get("name") == "csrf_token")
    assert client.post("/staff/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302
    assert audit_actions(app)[:1] == ["sign_in"] and "sign_out" in audit_actions(app)


def test_a_wrong_password_is_refused_with_a_message_that_names_no_user(app, client):
    add_user(app, "ann", "triage")
    journey = Journey(client)
    for username in ("ann", "nobody"):
        response, tree = journey.submit("/staff/sign-in",
                                        {"username": username, "password": "wrong"}, error=True)
        assert response.status_code == 401
        assert "The username or password is not right" in "".join(
            tree.find(".//ul").itertext())
        assert tree.find(".//input[@id='username']").get("value") == username  # kept
        assert tree.find(".//input[@id='password']").get("value") == ""  # never sent back
    assert audit_actions(app) == ["sign_in_failed", "sign_in_failed"]


def test_an_empty_sign_in_form_names_each_field(client):
    response, tree = Journey(client).submit("/staff/sign-in", {}, error=True)
    links = {a.get("href"): a.text for a in tree.findall(".//ul[@class='error-summary-list']//a")}
    assert links == {"#username": "Enter your username", "#password": "Enter your password"}


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return Journey(client)


def test_failures_slow_this_address_without_locking_out_the_real_user(app):
    """Red team M2: the attacker's address waits longer each time; the real user, from
    another address, signs in; an admin can clear the delay (`flask unlock-user`)."""
    add_user(app, "ann", "triage")
    attacker = _from(app.test_client(), "203.0.113.9")
    for _ in range(FREE_TRIES):
        sign_in(attacker, "ann", "wrong password", refused=True)
    assert sign_in(attacker, "ann", refused=True).status_code == 401  # waiting, even if right
    real = _from(app.test_client(), "198.51.100.7")
    assert sign_in(real, "ann").status_code == 302
    result = app.test_cli_runner().invoke(args=["unlock-user", "ann"])
    assert result.exit_code == 0 and "Cleared 1 sign-in delay" in result.output
    assert sign_in(attacker, "ann").status_code == 302
    reasons = [e.details.get("reason") for e in audit_events(app) if e.action ==
               "sign_in_failed"]
    assert reasons[:3] == ["wrong password", "wrong password",
                           "wrong password; next try in 15 s"] and reasons[3] == "waiting"
    assert "unlock_user" in audit_actions(app)


def test_an_unknown_username_costs_a_password_check_too(app, client, monkeypatch):
    """Red team M3: no early return, so timing does not tell which usernames exist."""
    import screener.staff.accounts as accounts

    checked = []
    real_check = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash",
                        lambda *args: checked.append(1) or real_check(*args))
    assert sign_in(Journey(client), "nobody", refused=True).status_code == 401
    assert checked == [1]


def test_signing_out_ends_every_session_of_the_user(app):
    """Red team H1: a cookie copied before sign-out, and a session on another device, no
    longer open staff pages once the user signs out."""
    add_user(app, "ann", "admin")
    client = app.test_client()  # (pytest-flask's `client` does not mix with a second one)
    journey = Journey(client)
    assert sign_in(journey, "ann").status_code == 302
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    other_device = Journey(app.test_client())
    assert sign_in(other_device, "ann").status_code == 302
    assert copied.get("/staff/audit").status_code == 200
    _, tree = journey.get("/staff/")
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(tree)})
    for stale in (copied, other_device.client):
        response = stale.get("/staff/audit")
        assert response.status_code == 302 and "/staff/sign-in" in response.location


@pytest.mark.parametrize("command", [["set-password", "ann"], ["disable-user", "ann"]])
def test_a_new_password_or_disabling_ends_the_users_sessions(app, client, command):
    add_user(app, "ann", "admin")
    journey = Journey(client)
    assert sign_in(journey, "ann").status_code == 302
    password = "another long passphrase"
    result = app.test_cli_runner().invoke(args=command, input=f"{password}\n{password}\n")
    assert result.exit_code == 0, result.output
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_a_session_ends_hours_after_sign_in_however_busy(app, client):
    add_user(app, "ann", "triage")
    journey = Journey(client)
    assert sign_in(journey, "ann").status_code == 302
    with client.session_transaction() as session:
        session["staff_since"] -= app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 1
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/sign-in" in response.location
    assert audit_events(app)[-1].details["reason"] == "absolute"


@pytest.mark.parametrize("target", ["/staff/\r\nSet-Cookie: x=1", "/staff/%0d%0aX: 1",
                                    "/staff/../evil", "/staff/\\evil"])
def test_a_next_with_control_characters_goes_to_the_queue(app, client, target):
    """Red team L1: a CRLF in `next=` gave a 500 after sign-in."""
    add_user(app, "ann", "triage")
    journey = Journey(client)
    _, tree = journey.get("/staff/sign-in")
    response = client.post("/staff/sign-in?" + urlencode({"next": target}), data={
        "username": "ann", "password": PASSWORD, "csrf_token": csrf_token(tree)})
    assert response.status_code == 302 and response.location == "/staff/"


def test_an_inactive_user_cannot_sign_in(app, client):
    add_user(app, "gone", "admin")
    with app.app_context():
        db.session.execute(db.update(User).values(active=False))
        db.session.commit()
    assert sign_in(Journey(client), "gone", refused=True).status_code == 401


def test_a_session_ends_after_30_idle_minutes(app, client):
    add_user(app, "ann", "triage")
    sign_in(Journey(client), "ann")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - IDLE_MINUTES * 60 - 5
    response = client.get("/staff/patients")
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in?next=")
    assert client.get("/staff/").status_code == 302  # signed out for good
    assert "sign_out_idle" in audit_actions(app)


def test_activity_keeps_the_session_alive(app, client):
    add_user(app, "ann", "triage")
    sign_in(Journey(client), "ann")
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - (IDLE_MINUTES - 1) * 60
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("target, landing", [
    ("/staff/patients", "/staff/patients"),
    ("https://evil.example/staff/", "/staff/"),
    ("//evil.example/staff/", "/staff/"),
    ("/result/abc", "/staff/"),
])
def test_sign_in_returns_only_to_staff_pages_on_this_site(app, client, target, landing):
    add_user(app, "ann", "triage")
    journey = Journey(client)
    _, tree = journey.get("/staff/sign-in")
    token = next(i.get("value") for i in tree.findall(".//input") if i.get("name") == "csrf_token")
    response = client.post("/staff/sign-in", query_string={"next": target},
                           data={"username": "ann", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.location == landing


def test_the_sign_in_page_passes_the_page_checks(client):
    check_page(client.get("/staff/sign-in"))


def test_sign_in_without_a_csrf_token_is_refused(app, client):
    add_user(app, "ann", "triage")
    response = client.post("/staff/sign-in", data={"username": "ann", "password": PASSWORD})
    assert response.status_code == 400
    assert b"This page had expired" in response.data
    assert client.get("/staff/").status_code == 302


def _linked_screening(app, client) -> str:
    """A caregiver's screening that staff have linked to a patient: not public any more."""
    saved = client.post("/api/v1/screenings", json={"route": "oral", "patient_ref": "P-1"})
    public_id = saved.json["id"]
    with app.app_context():
        from screener.models import Patient, Screening

        patient = Patient(reference="P-1", name="Pat One", route="oral")
        db.session.add(patient)
        db.session.flush()
        db.session.execute(db.update(Screening).filter_by(public_id=public_id)
                           .values(patient_id=patient.id))
        db.session.commit()
    return public_id


@pytest.mark.parametrize("limit", ["idle", "absolute"])
def test_an_ended_session_reads_nothing_outside_the_staff_pages_either(app, client, limit):
    """Red team 2, M10: the idle and absolute limits stopped at /staff/; a cookie idle 31
    minutes, or 13 hours old, still read linked screenings on /result/ and the API."""
    add_user(app, "ann", "triage")
    public_id = _linked_screening(app, client)
    sign_in(Journey(client), "ann")
    assert client.get(f"/api/v1/screenings/{public_id}").json["answers"]["patient_ref"] == "P-1"
    with client.session_transaction() as session:
        if limit == "idle":
            session["staff_seen"] = time.time() - IDLE_MINUTES * 60 - 5
        else:
            session["staff_since"] -= app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 1
    assert client.get(f"/api/v1/screenings/{public_id}").status_code == 404
    assert audit_events(app)[-1].action == "sign_out_idle"
    assert audit_events(app)[-1].details["reason"] == limit
    response = client.get(f"/result/{public_id}")
    assert response.status_code == 302 and "/staff/sign-in" in response.location
    assert client.get("/staff/").status_code == 302  # signed out for good


def test_staff_reads_outside_the_staff_pages_are_audited(app, client):
    """Red team 2, M10: reads through /result/ and the API left no line in the audit trail."""
    add_user(app, "ann", "triage")
    public_id = _linked_screening(app, client)
    sign_in(Journey(client), "ann")
    assert client.get(f"/result/{public_id}").status_code == 200
    assert client.get(f"/api/v1/screenings/{public_id}").status_code == 200
    views = [(e.username, e.record_id, e.details.get("via")) for e in audit_events(app)
             if e.action == "view"]
    assert views == [("ann", public_id, "result page"), ("ann", public_id, "api")]


def test_the_live_queue_poll_does_not_keep_a_session_alive(app, client):
    """Red team 2, M16: the queue's 15-second poll renewed the idle limit, so a workstation
    left on the queue stayed signed in for 12 hours. The poll is not activity; nor is the
    script's refresh of the queue. The poll still ends an idle session."""
    add_user(app, "ann", "triage")
    sign_in(Journey(client), "ann")
    started = time.time() - (IDLE_MINUTES - 1) * 60
    with client.session_transaction() as session:
        session["staff_seen"] = started
    assert client.get("/staff/queue/live").status_code == 200
    assert client.get("/staff/", headers={"X-Screener-Refresh": "queue"}).status_code == 200
    with client.session_transaction() as session:
        assert session["staff_seen"] == started
        session["staff_seen"] = time.time() - IDLE_MINUTES * 60 - 5
    response = client.get("/staff/queue/live")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_a_password_is_not_made_of_the_users_own_name(app):
    result = app.test_cli_runner().invoke(
        create_user_command, ["--username", "margaret.oyelaran", "--name", "Margaret Oyelaran",
                              "--role", "clinic"], input="oyelaranmargaret\n" * 2)
    assert result.exit_code != 0 and "easy to guess" in result.output


def _change(client, current: str, new: str, again: str | None = None):
    _, tree = Journey(client).get("/staff/password")
    return client.post("/staff/password", data={
        "csrf_token": csrf_token(tree), "current": current, "new": new,
        "again": new if again is None else again})


def test_staff_change_their_own_password_and_other_sessions_end(app):
    """Red team 2, M17: users could not change their own password. The current password
    first; the other sessions end at once; this one carries on."""
    add_user(app, "ann", "triage")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(Journey(here), "ann")
    sign_in(Journey(elsewhere), "ann")
    check_page(here.get("/staff/password"))
    changed = _change(here, PASSWORD, "lantern orbit velvet harbour")
    assert changed.status_code == 302 and changed.location == "/staff/"
    assert here.get("/staff/").status_code == 200  # this session carries on
    assert elsewhere.get("/staff/").status_code == 302  # the other one has ended
    assert sign_in(Journey(app.test_client()), "ann", refused=True).status_code == 401
    assert sign_in(Journey(app.test_client()), "ann", "lantern orbit velvet harbour"
                   ).status_code == 302
    assert "change_password" in audit_actions(app)


@pytest.mark.parametrize("current, new, again, field, message", [
    ("wrong password", "lantern orbit velvet harbour", None, "current", "not right"),
    (PASSWORD, "password1234", None, "new", "easy to guess"),
    (PASSWORD, "short", None, "new", "at least 12 characters"),
    (PASSWORD, "lantern orbit velvet harbour", "lantern orbit velvet", "again", "not the same"),
    ("", "", "", "current", "Enter your current password"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(app, current, new, again,
                                                                field, message):
    add_user(app, "ann", "triage")
    client = app.test_client()
    sign_in(Journey(client), "ann")
    response = _change(client, current, new, again)
    assert response.status_code == 400
    page = check_page(response, error=True)
    summary = page.findall(".//div[@class='error-summary']//a")
    assert any(a.get("href") == f"#{field}" and message in text_of(a) for a in summary)
    assert sign_in(Journey(app.test_client()), "ann").status_code == 302  # unchanged


def test_changing_a_password_needs_sign_in(client):
    response = client.get("/staff/password")
    assert response.status_code == 302 and "/staff/sign-in" in response.location
