"""Test helpers for the web pages: check every page the same way, and walk the journey."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import html5lib

PAGE_LIMIT_BYTES = 100 * 1024


def parse(html: bytes):
    """Parse strictly: any HTML error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)


def text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def check_page(response, error: bool | None = False):
    """One <h1>; <title> starts with it (after "Error: " on error pages); every form has an
    action and a CSRF token; the HTML parses; the page is not cached. Returns the tree."""
    assert response.status_code in (200, 400, 401, 500), response.status_code
    tree = parse(response.data)
    headings = tree.findall(".//h1")
    assert len(headings) == 1, f"expected one <h1>, found {len(headings)}"
    title = text_of(tree.find(".//title"))
    if error is None:  # either: a page may still show the mistakes it was last sent with
        error = title.startswith("Error: ")
    expected = ("Error: " if error else "") + text_of(headings[0])
    assert title.startswith(expected), (title, expected)
    if not error:
        assert not title.startswith("Error: ")
    for form in tree.findall(".//form"):
        assert form.get("action"), "a form without an action"
        if form.get("method", "get").lower() == "post":
            tokens = [i for i in form.findall(".//input") if i.get("name") == "csrf_token"]
            assert len(tokens) == 1 and tokens[0].get("value"), "a form without a CSRF token"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.data) < PAGE_LIMIT_BYTES
    return tree


def csrf_token(tree) -> str:
    return next(i.get("value") for i in tree.findall(".//input") if i.get("name") == "csrf_token")


@dataclass
class Journey:
    """Walks the pages as a browser would: GET, check, POST with the page's CSRF token."""

    client: Any
    visited: list[str] = field(default_factory=list)

    def get(self, path: str, error: bool | None = False):
        response = self.client.get(path)
        tree = check_page(response, error=error)
        self.visited.append(path)
        return response, tree

    # What the age page gets when a test goes past it without answering it: "I don't know",
    # as an API request without an age means (rule set 2026.5 reads it the cautious way).
    age: dict[str, str] = field(default_factory=lambda: {"age_unknown": "y"})

    def submit(self, path: str, data: dict[str, Any], error: bool = False):
        """POST the form on `path`; returns (response, tree of the page it ends on). A page
        past the unanswered age page answers that first, with `age`."""
        if path.split("?")[0] != "/check/age" and path.startswith("/check/"):
            ahead = self.client.get(path)
            if ahead.status_code == 302 and ahead.location == "/check/age":
                self.submit("/check/age", self.age)
        _, tree = self.get(path, error=None)
        response = self.client.post(path, data={**data, "csrf_token": csrf_token(tree)})
        if response.status_code == 303:  # refused: the page comes back by a GET (PRG)
            return response, self.get(response.location, error=error)[1]
        if response.status_code == 302:
            return response, None
        return response, check_page(response, error=error)

    def start(self) -> str:
        response, tree = self.get("/")
        started = self.client.post("/start", data={"csrf_token": csrf_token(tree)})
        assert started.status_code == 302
        return started.location


# About 32 hostile values for the fuzzers of every form and URL (tests/web/test_fuzz_forms.py,
# tests/staff/test_fuzz_staff.py): empty, spaces, long, numbers past every range, NaN, dates
# that are not or are past the calendar's, markup, SQL, unicode. Control characters are
# tests/web/test_control_characters.py's.
HOSTILE_VALUES = [
    "", " ", "   ", "x" * 5000, "0", "-1", "1", "0.1", "-0", "1,000",
    "2147483647", "2147483648", "-2147483649", "9223372036854775808",
    "99999999999999999999", "1e999", "-1e999", "NaN", "sNaN", "Infinity", "-Infinity",
    "00/00/0000", "31/12/9999", "29/02/2023", "01/01/0001", "9999-12-31", "31/12/9998",
    "<script>alert(1)</script>", "' OR '1'='1' --", "1; DROP TABLE patients;--",
    "\u00fcn\u00efc\u00f8d\u00e9 \u2603 \U0001d518 \u202e", "=HYPERLINK(\"http://x\")",
]

PASSWORD = "correct horse battery staple"


@cache
def password_hash(password: str) -> str:
    """`password` hashed by the app's own User.set_password (salted scrypt), once per run:
    one hash takes 0.15-0.45 s here, and about 60 tests add a user. Signing in still checks
    the hash in full."""
    from screener.models import User

    user = User()
    user.set_password(password)
    return user.password_hash


def add_user(app, username: str, role: str, password: str = PASSWORD):
    """A staff user, straight into the database (the CLI is tested on its own), its password
    hashed once per run and shared (User.set_password is tested in tests/web/test_accounts.py)."""
    from screener.db import db
    from screener.models import User

    with app.app_context():
        user = User(username=username, name=f"{username.title()} {role.title()}", role=role)
        user.password_hash = password_hash(password)
        db.session.add(user)
        db.session.commit()
        return user.id


def sign_in(journey: Journey, username: str, password: str = PASSWORD, refused: bool = False):
    """Sign in through the form (CSRF on); returns the response."""
    response, _ = journey.submit("/staff/sign-in", {"username": username, "password": password},
                                 error=refused)
    return response
