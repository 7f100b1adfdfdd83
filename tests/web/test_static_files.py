"""Static files as browsers expect (issue 14, item 5): a favicon, and stylesheet and script
URLs that carry their content's hash, kept a year without revalidation while it matches."""

from __future__ import annotations

import hashlib
import shutil
import struct
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import screener.app
from screener import create_app
from screener.web.security import CONTENT_SECURITY_POLICY
from tests.pages import Journey, add_user, parse, sign_in

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
LINKED = {"app.css", "print.css", "app.js", "favicon.svg", "favicon.ico",
          "apple-touch-icon.png"}


def content_hash(path: Path) -> str:
    """Worked out here, not by the module under test."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_urls(html: bytes) -> dict[str, str]:
    """{file name: URL} of every stylesheet, script and icon the page asks for (app.css at
    the end of a caregiver's page: its <head> inlines the critical CSS)."""
    page = parse(html)
    urls = [e.get("href") for e in page.iter("link")] + [e.get("src") for e in page.iter("script")]
    found = {}
    for url in urls:
        path = urlsplit(url).path
        assert path.startswith("/static/"), url
        found[path.removeprefix("/static/")] = url
    return found


def version(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("v", [None])[0]


def staff_queue(app, client) -> bytes:
    add_user(app, "ann", "admin")
    sign_in(Journey(client), "ann")
    response = client.get("/staff/")
    assert response.status_code == 200
    return response.data


def test_the_page_links_the_favicon_as_svg_and_ico(client):
    head = parse(client.get("/").data).find(".//head")
    icons = {e.get("type") or "": e.get("href") for e in head.iter("link")
             if e.get("rel") == "icon"}
    assert set(icons) == {"image/svg+xml", ""}
    svg, ico = client.get(icons["image/svg+xml"]), client.get(icons[""])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b"<svg") and b"<script" not in svg.data
    assert ico.status_code == 200 and ico.mimetype == "image/vnd.microsoft.icon"
    svg.close()
    ico.close()


def test_the_page_links_a_home_screen_icon_a_phone_can_use(client):
    """iOS puts this on the home screen (and asks for it); a full square, 180 pixels."""
    head = parse(client.get("/").data).find(".//head")
    [href] = [e.get("href") for e in head.iter("link") if e.get("rel") == "apple-touch-icon"]
    with client.get(href) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/png"
        assert icon.data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", icon.data[16:24])
        assert (width, height) == (180, 180)


def test_favicon_ico_is_a_real_icon_kept_a_day(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.data == (STATIC / "favicon.ico").read_bytes()
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        data = response.data
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1) and count >= 2
    sizes = set()
    for entry in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * entry:22 + 16 * entry])
        image = data[offset:offset + length]
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) == length
        assert struct.unpack(">II", image[16:24]) == (width, height)  # the PNG's IHDR
        sizes.add(width)
    assert {16, 32} <= sizes


@pytest.mark.parametrize("where", ["caregiver start page", "staff queue"])
def test_every_static_url_carries_its_hash_and_is_kept_a_year(app, client, where):
    html = client.get("/").data if where == "caregiver start page" else staff_queue(app, client)
    urls = static_urls(html)
    assert set(urls) == LINKED
    # Same origin, so the Content-Security-Policy's 'self' covers styles, script and icons.
    assert all(url.startswith("/static/") for url in urls.values())
    assert "'self'" in CONTENT_SECURITY_POLICY["img-src"]
    for name, url in urls.items():
        assert version(url) == content_hash(STATIC / name), url
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.data == (STATIC / name).read_bytes()
            assert response.headers["Cache-Control"] == IMMUTABLE, url
            etag = response.headers["ETag"]
        # A browser that asks again anyway (a forced reload) hears the same.
        with client.get(url, headers={"If-None-Match": etag}) as response:
            assert response.status_code == 304
            assert response.headers["Cache-Control"] == IMMUTABLE


@pytest.mark.parametrize("query", ["", "?v=", "?v=000000000000", "?v=app.js"])
def test_a_url_without_its_current_hash_is_not_kept(client, query):
    if query == "?v=app.js":  # another file's hash
        query = f"?v={content_hash(STATIC / 'app.js')}"
    with client.get(f"/static/app.css{query}") as response:
        assert response.status_code == 200
        cache = response.headers.get("Cache-Control", "")
        assert "immutable" not in cache and "31536000" not in cache
        assert cache != "no-store"


def test_a_changed_file_changes_its_url(app, client, tmp_path, monkeypatch):
    """A deploy that changes app.css: a copy of the project with one file changed."""
    before = static_urls(client.get("/").data)
    copy = tmp_path / "project"
    copy.mkdir()
    (copy / "templates").symlink_to(ROOT / "templates")
    shutil.copytree(STATIC, copy / "static")
    changed = (STATIC / "app.css").read_bytes() + b"\n.deployed { color: inherit; }\n"
    (copy / "static" / "app.css").write_bytes(changed)
    monkeypatch.setattr(screener.app, "PROJECT_ROOT", copy)
    deployed = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                           "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert deployed.static_folder == str(copy / "static")
    new_client = deployed.test_client()
    after = static_urls(new_client.get("/").data)

    assert after["app.css"] != before["app.css"]
    assert version(after["app.css"]) == hashlib.sha256(changed).hexdigest()[:12]
    assert {n: u for n, u in after.items() if n != "app.css"} == {
        n: u for n, u in before.items() if n != "app.css"}
    with new_client.get(after["app.css"]) as response:
        assert response.data == changed
        assert response.headers["Cache-Control"] == IMMUTABLE
    # A page from before the deploy asks for the old URL: it gets the new file, which its
    # hash did not name, so not for a year.
    with new_client.get(before["app.css"]) as response:
        assert response.status_code == 200 and response.data == changed
        assert "immutable" not in response.headers.get("Cache-Control", "")
    # A file put there after start-up has no hash to match, so is not kept either.
    (copy / "static" / "late.css").write_bytes(b"p { margin: 0; }\n")
    with new_client.get("/static/late.css") as response:
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_under_the_debugger_an_edited_file_changes_its_url_at_once(tmp_path, monkeypatch):
    copy = tmp_path / "project"
    copy.mkdir()
    (copy / "templates").symlink_to(ROOT / "templates")
    shutil.copytree(STATIC, copy / "static")
    monkeypatch.setattr(screener.app, "PROJECT_ROOT", copy)
    dev = create_app({"TESTING": True, "DEBUG": True, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite'}"})
    first = static_urls(dev.test_client().get("/").data)["app.js"]
    (copy / "static" / "app.js").write_bytes(b"// edited\n")
    second = static_urls(dev.test_client().get("/").data)["app.js"]
    assert first != second and version(second) == hashlib.sha256(b"// edited\n").hexdigest()[:12]


def test_static_url_refuses_a_file_that_is_not_there(app):
    with app.test_request_context("/"), pytest.raises(LookupError, match="nope.css"):
        app.jinja_env.from_string("{{ static_url('nope.css') }}").render()
