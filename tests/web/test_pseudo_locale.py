"""Every string a person reads goes through the catalogue (issue 13, item 4).

The app is run with a pseudo-locale: every message that goes through gettext comes back
wrapped in ⟦ ⟧. Every page is rendered; any visible text left outside the brackets did not
go through the catalogue, and the test names it.

The rule set's wording goes through the same catalogue (by id path, clinical/translation.py)
and so do the presenter's sentences (clinical/wording.py). Allowed outside it, because it
is data:
- what was typed (references, names, notes), numbers, dates, ids, the rule set's version
  and hash, and the service profile (clinic, phone numbers);
- symbols: numbers, units and punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask_babel import Domain

from screener import create_app
from screener.db import db
from screener.models import Patient
from tests.apps import BACKENDS, database_url, wipe_database
from tests.journeys import OUTCOMES, walk, walk_to
from tests.pages import Journey, add_user, parse, sign_in
from tests.pseudo import CLOSE, OPEN, Pseudo
from tests.staff.factories import submit


class Walker(Journey):
    """A journey whose pages are parsed but not held to English titles (⟦ ⟧ in the way)."""

    def get(self, path: str, error: bool | None = False):
        response = self.client.get(path)
        return response, parse(response.data)


def _strings(node) -> Iterator[str]:
    """Every string in a nested structure (the rule file, a stored assessment)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)


def _outside_the_catalogue(html: bytes) -> list[str]:
    """The visible text runs (one per text node) that are not inside ⟦ ⟧."""
    tree = parse(html)
    for hidden in [e for e in tree.iter() if e.tag in ("script", "style", "svg")]:
        hidden.clear()
    text = "\n".join(t for t in tree.itertext())
    kept, depth = [], 0
    for char in text:
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(char)
    return [run.strip() for run in "".join(kept).split("\n") if run.strip()]


@pytest.fixture(params=BACKENDS)
def pseudo_app(request, tmp_path, monkeypatch):
    monkeypatch.setattr(Domain, "get_translations", lambda self: Pseudo())
    app = create_app({"TESTING": True, "TRANSLATIONS": True, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": database_url(request.param, tmp_path)})
    wipe_database(app)
    with app.app_context():
        db.create_all()
    yield app
    wipe_database(app)
    with app.app_context():
        db.engine.dispose()


def _pages(app) -> Iterator[tuple[str, bytes]]:
    """Every page a caregiver or member of staff can reach, with data on them."""
    client = app.test_client()
    journey = Walker(client)
    yield "/", client.get("/").data
    yield "/how-it-works", client.get("/how-it-works").data
    yield "404", client.get("/no-such-page").data
    for route in ("both", "unknown"):
        walk_to(journey, "about", {"route": route})
        for page in ("route", "pump", "tablets", "background", "symptoms", "vitals", "about"):
            response = client.get(f"/check/{page}")
            if response.status_code == 200:
                yield f"/check/{page} ({route})", response.data
        refused = client.post("/check/about", data={"csrf_token": "x"})
        yield "a refused page", refused.data
    results = {level: walk(Walker(app.test_client()), {**answers, "respondent": "caregiver",
                                                         "patient_ref": "P-1"})
               for level, answers in OUTCOMES.items()}
    for level, path in results.items():
        yield f"result ({level})", client.get(path).data
    add_user(app, "ann", "admin")
    with app.app_context():
        db.session.add(Patient(reference="P-1", name="Sam Example", route="intrathecal",
                               next_refill_date=date.today()))
        db.session.commit()
    submit(client, {**OUTCOMES["urgent"], "patient_ref": "P-1"})
    staff = Walker(app.test_client())
    sign_in(staff, "ann")
    for lane in ("call", "no_number"):
        queue = staff.client.get(f"/staff/?status=all&lane={lane}")
        yield f"/staff/ ({lane})", queue.data
        for href in {a.get("href") for a in parse(queue.data).iter("a")}:
            if href and href.startswith(("/staff/screenings/", "/staff/patients/")):
                yield href, staff.client.get(href).data
    for path in ("/staff/patients", "/staff/patients/new", "/staff/refills", "/staff/exports",
                 "/staff/audit", "/staff/handover", "/staff/response-times"):
        yield path, staff.client.get(path).data
    patient = next(a.get("href") for a in parse(staff.client.get("/staff/patients").data
                                                ).iter("a")
                   if a.get("href", "").startswith("/staff/patients/") and
                   a.get("href")[len("/staff/patients/"):].isdigit())
    for suffix in ("", "/edit", "/refill", "/pump"):
        yield patient + suffix, staff.client.get(patient + suffix).data
    yield "/staff/sign-in", app.test_client().get("/staff/sign-in").data


def _allowed(app) -> set[str]:
    """What is data, not words (see the module docstring)."""
    from dataclasses import asdict

    from screener.models import ROLES, AuditEvent, Screening, User
    from screener.pump.catalogue import MODELS

    ruleset = app.extensions["ruleset"]
    allowed = {ruleset.version, ruleset.short_hash, *ruleset.sources, *ruleset.sources.values()}
    service = app.extensions["service"]
    allowed.update(_strings(asdict(service)), (number.where for number in service.numbers))
    with app.app_context():
        for screening in db.session.execute(db.select(Screening)).scalars():
            allowed.update(_strings(screening.answers), [screening.public_id, screening.status,
                                                         screening.reference_shown])
        for event in db.session.execute(db.select(AuditEvent)).scalars():
            allowed.update([event.action, event.record_type or "", str(event.record_id),
                            *_strings(event.details)])
            allowed.update(f"{k}={v}" for k, v in (event.details or {}).items())
        for user in db.session.execute(db.select(User)).scalars():
            allowed.update([user.name, user.username])
    allowed.update({"P-1", "Sam Example", "UTC", "\u00b0C", "\u00b0F", *ROLES})
    allowed.update(model.name for model in MODELS.values())  # product names, not words
    allowed.update(date.today().strftime(f) for f in ("%B", "%b"))  # a date, in en-GB
    return {text.lower() for text in allowed if text.strip()}


DATA = re.compile(r"[\W\d_]*")  # numbers, units' symbols and punctuation only


def test_every_visible_string_goes_through_the_catalogue(pseudo_app):
    pages = list(_pages(pseudo_app))
    allowed = sorted(_allowed(pseudo_app), key=len, reverse=True)
    missed: dict[str, list[str]] = {}
    for name, html in pages:
        for run in _outside_the_catalogue(html):
            rest = run.lower()
            for text in allowed:
                if text in rest:
                    rest = rest.replace(text, " ")
            if not DATA.fullmatch(rest):
                missed.setdefault(name, []).append(run)
    assert len(pages) > 30
    assert missed == {}, "\n".join(sorted({run for runs in missed.values() for run in runs}))
