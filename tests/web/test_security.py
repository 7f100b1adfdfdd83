"""Security defaults, each with a test: headers, cookies, CSRF, rate limits, secret key,
logs without personal data, and bandit."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from screener import create_app
from screener.app import DEV_SECRET_KEY
from screener.db import db
from screener.settings import is_development
from screener.web.security import InsecureConfiguration
from screener.web.static_files import critical_css
from tests.pages import PASSWORD, Journey, add_user, parse, sign_in
from tests.services import REDIS_URL, require

ROOT = Path(__file__).resolve().parents[2]
SENSITIVE_PAGES = ["/", "/how-it-works", "/staff/sign-in", "/staff/", "/api/v1/catalog",
                   "/healthz", "/no-such-page", "/api/v1/no-such"]


def production_app(tmp_path, **config):
    return create_app({"SECRET_KEY": "a real secret for the test " * 2,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
                       **config})


@pytest.mark.parametrize("path", SENSITIVE_PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_but_keep_the_other_headers(client):
    with client.get("/static/app.css") as response:
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") != "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_an_inline_script_or_style_but_the_critical_css(app, client):
    add_user(app, "ann", "admin")
    journey = Journey(client)
    sign_in(journey, "ann")
    for path in ("/", "/how-it-works", "/staff/", "/staff/patients/new", "/staff/audit"):
        tree = parse(client.get(path).data)
        for script in tree.iter("script"):
            assert script.get("src") and not (script.text or "").strip(), path
        styles = list(tree.iter("style"))
        assert len(styles) == 1 and styles[0].text == critical_css(app.static_folder), path
        assert not [e for e in tree.iter() if isinstance(e.tag, str) and e.get("style")], path
        assert not [e for e in tree.iter() if isinstance(e.tag, str)
                    and any(k.startswith("on") for k in e.attrib)], path


def test_the_csp_allows_the_inline_critical_css_by_its_hash_and_nothing_else(client):
    """Issue 23 (UX walk 2, finding 14): the critical CSS is inline so a first paint costs
    one round trip; the policy allows exactly that block, by the SHA-256 of its text."""
    response = client.get("/")
    inline = re.search(r"<style>(.*?)</style>", response.get_data(as_text=True), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    style_src = next(d for d in response.headers["Content-Security-Policy"].split("; ")
                     if d.startswith("style-src"))
    assert style_src == f"style-src 'self' 'sha256-{digest}'"
    assert "display" in inline and len(inline) > 1000  # the rules themselves, not a stub


def test_every_form_post_without_a_csrf_token_is_refused(app, client):
    add_user(app, "ann", "admin")
    posts = [rule for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith("/api/")]
    assert len(posts) >= 10
    for signed_in in (False, True):
        if signed_in:
            sign_in(Journey(client), "ann")
        for rule in posts:
            url = rule.rule.replace("<page_id>", "route")
            url = re.sub(r"<int(\([^)]*\))?:[^>]+>", "1", url)
            url = re.sub(r"<[^>]+>", "x", url)
            response = client.post(url, data={"username": "ann", "password": PASSWORD})
            assert response.status_code == 400, url
            assert b"This page had expired" in response.data, url


def test_session_cookie_flags_in_production(tmp_path):
    app = production_app(tmp_path)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = client.get("/staff/sign-in")  # its CSRF token starts a session
    cookie = next(v for k, v in response.headers.items()
                  if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_development_cookies_work_over_plain_http(client):
    response = client.get("/staff/sign-in")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_a_production_start_with_the_development_key_is_refused(tmp_path, monkeypatch):
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY is the development key"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    # The same from the environment, as gunicorn would start it.
    monkeypatch.delenv("SCREENER_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SCREENER_DEVELOPMENT", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(InsecureConfiguration):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "set by the operator, long and random")
    assert create_app().config["SECRET_KEY"] != DEV_SECRET_KEY
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("SCREENER_DEVELOPMENT", "true")
    assert create_app().config["SECRET_KEY"] == DEV_SECRET_KEY  # allowed in development only


def test_flask_debug_never_turns_development_on(tmp_path, monkeypatch):
    """Red team 2, M15: FLASK_DEBUG=1, often left in a container, made app.debug true and
    with it development: the public key was accepted and an admin session forged."""
    for name in ("SCREENER_SECRET_KEY", "SECRET_KEY", "SCREENER_DEVELOPMENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(InsecureConfiguration, match="development key"):
        create_app()
    with pytest.raises(InsecureConfiguration, match="development key"):
        create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app({"DEBUG": True, "SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI":
                      "sqlite://"})
    assert not is_development(app)


def test_under_gunicorn_development_needs_the_servers_own_environment(tmp_path, monkeypatch):
    """Red team 2, M15: a clone's instance/config.py (DEVELOPMENT = True, from `make run`)
    was read by a production gunicorn started there: counts in memory, cookies over HTTP."""
    monkeypatch.delenv("SCREENER_DEVELOPMENT", raising=False)
    monkeypatch.setenv("SCREENER_WORKERS", "1")  # gunicorn.conf.py's mark
    database = f"sqlite:///{tmp_path / 'x.sqlite'}"
    leftover = {"DEVELOPMENT": True, "SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": database}
    with pytest.raises(InsecureConfiguration, match="in development mode"):
        create_app(leftover)
    with pytest.raises(InsecureConfiguration, match="public development SECRET_KEY"):
        create_app({"DEVELOPMENT": True, "SQLALCHEMY_DATABASE_URI": database})
    monkeypatch.setenv("SCREENER_DEVELOPMENT", "true")  # the operator says so, on purpose
    assert is_development(create_app(leftover))
    with pytest.raises(InsecureConfiguration, match="public development SECRET_KEY"):
        create_app({"DEVELOPMENT": True, "SQLALCHEMY_DATABASE_URI": database})


def _limited_app(tmp_path):
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "memory://",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.sqlite'}"})
    with app.app_context():
        db.create_all()
    return app


def test_the_public_assessment_endpoints_are_rate_limited(tmp_path):
    client = _limited_app(tmp_path).test_client()
    statuses = [client.post("/api/v1/assess", json={"route": "oral"}).status_code
                for _ in range(125)]
    assert statuses[:120] == [200] * 120 and statuses[-1] == 429
    refused = client.post("/api/v1/screenings", json={"route": "oral"})
    assert refused.status_code in (201, 429)  # its own limit, counted separately
    response = client.post("/api/v1/assess", json={"route": "oral"})
    assert response.status_code == 429 and response.is_json
    assert "errors" in response.json and "Retry-After" in response.headers


def _token(client, path: str) -> str:
    from tests.pages import csrf_token
    return csrf_token(parse(client.get(path).data))


def test_a_limited_web_page_still_says_to_call_the_emergency_number(tmp_path):
    client = _limited_app(tmp_path).test_client()
    token = _token(client, "/")
    for _ in range(121):
        response = client.post("/start", data={"csrf_token": token})
    assert response.status_code == 429
    assert b"call the emergency number" in response.data


def test_sign_in_is_rate_limited_per_address(tmp_path):
    app = _limited_app(tmp_path)
    client = app.test_client()
    token = _token(client, "/staff/sign-in")
    statuses = [client.post("/staff/sign-in", data={"username": "x", "password": "y",
                                                    "csrf_token": token}).status_code
                for _ in range(11)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]


# One worker process: signs in wrongly N times against the shared store; prints the statuses.
WORKER = """
import sys
from screener import create_app
from screener.db import db
from tests.pages import csrf_token, parse
uri, store, prefix, tries = sys.argv[1:5]
client = create_app({"TESTING": True, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": store,
                     "RATELIMIT_KEY_PREFIX": prefix, "SQLALCHEMY_DATABASE_URI": uri}).test_client()
with client.application.app_context():
    db.create_all()
token = csrf_token(parse(client.get("/staff/sign-in").data))
print(*(client.post("/staff/sign-in", data={"username": "x", "password": "y",
                                             "csrf_token": token}).status_code
        for _ in range(int(tries))))
"""


@pytest.mark.redis
def test_worker_processes_sharing_redis_share_the_sign_in_limit(tmp_path):
    """Red team M8: with in-memory counts each worker process counted alone. Two processes
    on the production recipe's shared store: 5 tries in one and 6 in the other, and the
    11th is refused (with memory:// the second would see 6 first tries)."""
    require("redis")
    uri, prefix = f"sqlite:///{tmp_path / 'w.sqlite'}", f"test-{os.urandom(6).hex()}"

    def worker(tries: int) -> list[int]:
        done = subprocess.run([sys.executable, "-c", WORKER, uri, REDIS_URL, prefix,
                               str(tries)], capture_output=True, text=True, check=True,
                              cwd=ROOT)
        return [int(status) for status in done.stdout.split()]

    assert worker(5) == [401] * 5
    assert worker(6) == [401] * 5 + [429]


def test_rate_limits_can_be_switched_off_for_benchmarks_only_by_the_setting(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'o.sqlite'}"})
    client = app.test_client()
    assert all(client.post("/api/v1/assess", json={"route": "oral"}).status_code == 200
               for _ in range(130))
    monkeypatch.delenv("RATELIMIT_ENABLED")
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config[
        "RATELIMIT_ENABLED"] is True


def test_the_logs_hold_no_answers_names_or_references(app, client, caplog):
    """Everything logged during a caregiver's check and a staff member's work."""
    from tests.journeys import walk
    caplog.set_level(logging.DEBUG)
    add_user(app, "ann", "admin")
    answers = {"route": "intrathecal", "symptoms": ["pruritus", "hallucinations"],
               "history": {"pump_alarm": True}, "vitals": {"heart_rate": 131},
               "respondent": "caregiver", "patient_ref": "SECRET-REF-77"}
    journey = Journey(client)
    result = walk(journey, answers)
    sign_in(journey, "ann")
    created, _ = journey.submit("/staff/patients/new", {
        "reference": "SECRET-REF-77", "route": "oral", "name": "Hannah Privatename"})
    journey.get(f"/staff/screenings/{result.rsplit('/', 1)[1]}")
    journey.get(created.location)
    journey.submit("/staff/patients", {"q": "Privatename"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("SECRET-REF-77", "Hannah", "Privatename", "pruritus", "hallucinations",
                   "131", PASSWORD):
        assert secret not in logged


@pytest.mark.skipif(shutil.which("bandit", path=str(Path(sys.executable).parent)) is None,
                    reason="bandit is installed with the test extra")
def test_bandit_finds_no_medium_or_high_issue():
    bandit = Path(sys.executable).parent / "bandit"
    result = subprocess.run([str(bandit), "-q", "-r", str(ROOT / "screener"), "-ll"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_several_workers_with_counts_in_memory_refuse_to_start(monkeypatch, tmp_path):
    """Red team M8: 4 workers each counting in memory allowed 4 times the documented limits.
    gunicorn.conf.py tells the app the worker count; outside development it refuses."""
    production = {"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x",
                  "TRUSTED_PROXIES": 0}
    monkeypatch.setenv("SCREENER_WORKERS", "4")
    with pytest.raises(InsecureConfiguration, match="4 times those documented"):
        create_app(production)
    create_app({**production, "RATELIMIT_PER_WORKER": True})  # accepted on purpose
    create_app({**production, "RATELIMIT_ENABLED": False})
    monkeypatch.setenv("SCREENER_WORKERS", "1")
    create_app(production)


def test_gunicorn_tells_the_app_its_worker_count():
    config = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)  # noqa: S102 - our own file
    server = type("Server", (), {"cfg": type("Cfg", (), {"workers": 3})()})()
    config["on_starting"](server)
    assert os.environ.pop("SCREENER_WORKERS") == "3"


def test_every_dependency_is_pinned_with_hashes_in_the_lock_files():
    """Reproducible installs: the README's commands and CI install from requirements/*.lock
    (make's stamp), so a dependency added to pyproject.toml without `make lock` fails here."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(requirements):
        return {_normal(re.split(r"[\[<>=~! ;]", r, maxsplit=1)[0]) for r in requirements}

    for lock, wanted in (("runtime.lock", names(project["dependencies"])),
                         ("test.lock", names(project["dependencies"])
                          | names(project["optional-dependencies"]["test"]))):
        text = (ROOT / "requirements" / lock).read_text()
        pinned = {_normal(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", text, re.M)}
        assert wanted <= pinned, (lock, wanted - pinned)
        assert all("--hash=sha256:" in block for block in text.split("==")[1:]), lock


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_an_unreachable_rate_limit_store_never_blocks_a_check(tmp_path, caplog):
    """Red team 2, M13: with Redis stopped, the check, the API and sign-in answered 500 while
    both health checks said 200. Counting requests must never stand between a caregiver and
    the advice: the limits fall back to counts in memory, and /readyz says so."""
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0",  # nothing listens
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.sqlite'}"})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    body = '{"route": "intrathecal", "symptoms": ["seizure"]}'
    assessed = client.post("/api/v1/assess", data=body, content_type="application/json")
    assert assessed.status_code == 200 and assessed.json["level"] == "emergency"
    saved = client.post("/api/v1/screenings", data=body, content_type="application/json")
    assert saved.status_code == 201
    assert Journey(client).start()  # /start answered 302 to the first question
    assert client.get("/staff/sign-in").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200  # the database decides whether to route traffic here
    assert ready.json["rate_limits"].startswith("counted in memory")
    # The fallback still limits: counted per process, at the documented rate.
    codes = [client.post("/api/v1/assess", data=body, content_type="application/json"
                         ).status_code for _ in range(125)]
    assert 429 in codes


@pytest.mark.redis
def test_readiness_says_the_shared_rate_limit_store_answers(tmp_path):
    require("redis")
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": REDIS_URL,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.sqlite'}"})
    with app.app_context():
        db.create_all()
    assert app.test_client().get("/readyz").json["rate_limits"] == "ok"
