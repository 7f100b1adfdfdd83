"""Behind a trusted proxy (red team 2, H3 and L15): each client is itself to the rate limits,
the sign-in delays and the session's binding, and a client cannot pass for another by
writing X-Forwarded-For. A real proxy in front of gunicorn is tested in tests/system."""

from __future__ import annotations

import pytest

from screener import create_app
from screener.db import db
from screener.staff.accounts import FREE_TRIES
from screener.web.security import InsecureConfiguration
from tests.pages import Journey, add_user, sign_in

PROXY = "10.0.0.2"
ANSWERS = {"route": "oral"}


def _app(tmp_path, proxies):
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_PROXIES": proxies,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    with app.app_context():
        db.create_all()
    return app


def _client(app, forwarded_for: str, socket: str = PROXY):
    """A client as the app sees it: a connection from `socket` carrying X-Forwarded-For."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": socket, "HTTP_X_FORWARDED_FOR": forwarded_for,
                                "HTTP_USER_AGENT": "Browser/1"})
    return client


def _use_up_the_api_limit(client) -> None:
    codes = [client.post("/api/v1/assess", json=ANSWERS).status_code for _ in range(121)]
    assert codes[-1] == 429


def test_behind_one_trusted_proxy_one_client_cannot_use_up_anothers_limit(tmp_path):
    app = _app(tmp_path, 1)
    _use_up_the_api_limit(_client(app, "203.0.113.9"))
    assert _client(app, "198.51.100.7").post("/api/v1/assess", json=ANSWERS).status_code == 200


def test_behind_one_trusted_proxy_guesses_do_not_delay_the_real_user(tmp_path):
    app = _app(tmp_path, 1)
    add_user(app, "ann", "triage")
    attacker = Journey(_client(app, "203.0.113.9"))
    for _ in range(FREE_TRIES):
        sign_in(attacker, "ann", "wrong password", refused=True)
    assert sign_in(attacker, "ann", refused=True).status_code == 401  # this address waits
    assert sign_in(Journey(_client(app, "198.51.100.7")), "ann").status_code == 302


def test_an_address_the_client_wrote_itself_is_not_believed(tmp_path):
    """The proxy appends the address it saw: only the last entry is the proxy's word."""
    app = _app(tmp_path, 1)
    _use_up_the_api_limit(_client(app, "198.51.100.7, 203.0.113.9"))
    # The same client pretending to be someone else is still itself...
    pretending = _client(app, "192.0.2.1, 203.0.113.9")
    assert pretending.post("/api/v1/assess", json=ANSWERS).status_code == 429
    # ...and the address it claimed is not touched.
    assert _client(app, "198.51.100.7").post("/api/v1/assess", json=ANSWERS).status_code == 200


def test_with_no_trusted_proxy_the_header_is_ignored(tmp_path):
    app = _app(tmp_path, 0)
    _use_up_the_api_limit(_client(app, "203.0.113.9", socket="192.0.2.50"))
    assert _client(app, "198.51.100.7", socket="192.0.2.50").post(
        "/api/v1/assess", json=ANSWERS).status_code == 429


def test_a_stolen_session_cookie_does_not_work_by_claiming_the_owners_address(tmp_path):
    """L15: the session's binding hashed the first X-Forwarded-For entry, which the thief
    writes. Now it is the address the trusted proxy saw (or the socket's)."""
    for proxies in (0, 1):
        (tmp_path / str(proxies)).mkdir()
        app = _app(tmp_path / str(proxies), proxies)
        add_user(app, "ann", "triage")
        owner = _client(app, "198.51.100.7", socket="192.0.2.7" if not proxies else PROXY)
        assert sign_in(Journey(owner), "ann").status_code == 302
        assert owner.get("/staff/").status_code == 200
        cookie = owner.get_cookie("session").value
        thief = _client(app, "198.51.100.7, 203.0.113.66" if proxies else "198.51.100.7",
                        socket=PROXY if proxies else "192.0.2.66")
        thief.set_cookie("session", cookie)
        assert thief.get("/staff/").status_code == 302, proxies


@pytest.mark.parametrize("value", [-1, 6, "1", True, 1.5])
def test_a_proxy_count_that_is_not_a_small_number_is_refused(tmp_path, value):
    with pytest.raises(InsecureConfiguration, match="SCREENER_TRUSTED_PROXIES"):
        _app(tmp_path, value)


def test_a_server_must_say_whether_a_proxy_stands_in_front(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_WORKERS", "1")  # gunicorn.conf.py's mark
    production = {"SECRET_KEY": "x" * 64,
                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    with pytest.raises(InsecureConfiguration, match="SCREENER_TRUSTED_PROXIES"):
        create_app(production)
    create_app({**production, "TRUSTED_PROXIES": 0})
    create_app({**production, "TRUSTED_PROXIES": 1})
