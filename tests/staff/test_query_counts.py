"""Issue 21: every staff list page runs the same number of SQL statements however many rows
there are (counted on the engine, on each database), and its keyset pages (First, Previous,
Next, Last) show every row once, in a stable order, whatever the ties; old `?page=N` links
and bad positions give the first page, never an error."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert

from screener.clinical.rules import default_ruleset
from screener.db import db
from screener.models import AuditEvent, Patient, Screening
from screener.screenings import run_assessment, screening_row
from tests.pages import Journey, add_user, parse, sign_in
from tests.staff.factories import CAREGIVER_URGENT, EMERGENCY, ROUTINE, SOON

ANSWERS = (EMERGENCY, CAREGIVER_URGENT, SOON, ROUTINE)
SAME_TIME = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # ties: the id must order them


def seed(app, screenings: int, patients: int = 3, audit_events: int = 0) -> int:
    """Rows straight into the tables (as bench/staff_scale.py does): `screenings` open ones,
    most at one same time, half of them on the first patient; returns that patient's id."""
    rules = default_ruleset()
    assessments = [run_assessment(answers, rules) for answers in ANSWERS]
    with app.app_context():
        db.session.execute(insert(Patient), [
            {"reference": f"R-{n:03d}", "route": "intrathecal",
             "next_refill_date": date.today() + timedelta(days=n % 5),
             "due_date": date.today() + timedelta(days=n % 5)} for n in range(patients)])
        first = db.session.execute(db.select(Patient.id).order_by(Patient.id)).scalars().first()
        rows = []
        for n in range(screenings):
            row = screening_row(assessments[n % len(assessments)], {},
                                patient_id=first if n % 2 else None)
            row["created_at"] = SAME_TIME if n % 3 else SAME_TIME - timedelta(minutes=n)
            row["patient_ref"] = "R-000" if n % 5 == 0 else None
            row["callback_phone"] = "07700 900555"  # the queue's first lane: to call
            rows.append(row)
        if rows:
            db.session.execute(insert(Screening), rows)
        if audit_events:
            db.session.execute(insert(AuditEvent), [
                {"at": SAME_TIME, "username": "someone", "action": "view",
                 "record_type": "screening", "record_id": str(n), "details": {}}
                for n in range(audit_events)])
        db.session.commit()
        return first


def signed_in(app, client) -> Journey:
    add_user(app, "admin", "admin")
    journey = Journey(client)
    assert sign_in(journey, "admin").status_code == 302
    return journey


def links(body: bytes) -> dict[str, str]:
    """The pagination's links by rel (next, prev, last) and First by its words."""
    nav = parse(body).find(".//nav[@class='pagination']")
    found = {}
    for link in nav.iter("a") if nav is not None else ():
        found[link.get("rel") or "".join(link.itertext()).split()[0].lower()] = link.get("href")
    return found


# --- The number of queries does not grow with the rows -------------------------------


PAGES = ("/staff/", "/staff/?status=all", "/staff/?level=urgent", "/staff/refills",
         "/staff/patients", "/staff/patients/{patient}", "/staff/audit",
         "/staff/audit?username=someone&action=view")


def statements_per_page(app, client, patient: int) -> dict[str, int]:
    """How many SQL statements each page (and its next and last pages) runs."""
    counted: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_):
        counted.append(statement)

    counts = {}
    event.listen(engine, "before_cursor_execute", count)
    try:
        for page in PAGES:
            url = page.format(patient=patient)
            for label, address in (("", url), *_deeper(client, url)):
                counted.clear()
                response = client.get(address)
                assert response.status_code == 200, address
                counts[f"{page} {label}".strip()] = len(counted)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


def _deeper(client, url: str) -> list[tuple[str, str]]:
    found = links(client.get(url).data)
    return [(rel, found[rel]) for rel in ("next", "last") if rel in found]


def test_each_staff_page_runs_as_many_queries_for_many_rows_as_for_few(db_app):
    """Each list page, and its Next and Last pages, with a few rows and then with ten times
    as many: the same number of statements, within a small budget (no query per row)."""
    patient = seed(db_app, 6, 3, 6)
    client = db_app.test_client()
    signed_in(db_app, client)
    few = statements_per_page(db_app, client, patient)
    with db_app.app_context():
        _add_more(60, patient)
    many = statements_per_page(db_app, client, patient)
    assert {page: n for page, n in many.items() if page in few} == few
    assert max(many.values()) <= 10, many
    for page, n in many.items():  # Next and Last: at most the lookup of their edge row more
        assert n - many[page.split(" ")[0]] in (0, 1), (page, many)


def _add_more(count: int, patient: int) -> None:
    rules = default_ruleset()
    assessment = run_assessment(SOON, rules)
    db.session.execute(insert(Screening), [
        {**screening_row(assessment, {}, patient_id=patient), "created_at": SAME_TIME}
        for _ in range(count)])
    db.session.execute(insert(AuditEvent), [
        {"at": SAME_TIME, "username": "someone", "action": "view", "record_type": "screening",
         "record_id": str(n), "details": {}} for n in range(count)])
    db.session.execute(insert(Patient), [
        {"reference": f"S-{n:04d}", "route": "oral", "due_date": date.today()}
        for n in range(count)])
    db.session.commit()


# --- Keyset pages ----------------------------------------------------------------------


ROWS = {"screenings": r"^/staff/screenings/[^/]+$", "patients": r"^/staff/patients/\d+$"}


def walk(client, url: str, rel: str = "next", rows: str = "screenings") -> list[list[str]]:
    """Each page's rows (their links, or the audit trail's record ids), following `rel`
    from `url` to the end."""
    pages, seen = [], set()
    while url:
        assert url not in seen, f"{url} again: the links go round"
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        tree = parse(response.data)
        if rows == "audit":
            pages.append([int("".join(td.itertext()).split()[-1])
                          for td in tree.findall(".//tbody/tr/td[4]")])
        else:
            pages.append([a.get("href") for a in tree.findall(".//tbody//a")
                          if re.match(ROWS[rows], a.get("href"))])
        url = links(response.data).get(rel)
    return pages


def queue_order(app, **where) -> list[str]:
    with app.app_context():
        found = db.session.execute(
            db.select(Screening.public_id).filter_by(**where)
            .order_by(Screening.priority, Screening.created_at, Screening.id)).scalars()
        return [f"/staff/screenings/{public_id}" for public_id in found]


def test_next_and_previous_show_every_screening_once_in_the_queues_order(db_app):
    seed(db_app, 80)  # 80 open screenings, most at one same time
    client = db_app.test_client()
    signed_in(db_app, client)
    forward = walk(client, "/staff/")
    assert [len(page) for page in forward] == [25, 25, 25, 5]
    assert sum(forward, []) == queue_order(db_app, status="open")
    last = links(client.get("/staff/").data)["last"]
    backward = walk(client, last, rel="prev")
    assert [len(page) for page in backward] == [25, 25, 25, 5]
    assert sum(reversed(backward), []) == queue_order(db_app, status="open")
    assert backward[0] == queue_order(db_app, status="open")[-25:]  # Last: the final 25


def test_a_page_has_first_previous_next_and_last_where_they_lead_somewhere(db_app):
    seed(db_app, 60)
    client = db_app.test_client()
    signed_in(db_app, client)
    first = client.get("/staff/")
    assert set(links(first.data)) == {"next", "last"}
    middle = client.get(links(first.data)["next"])
    assert set(links(middle.data)) == {"first", "prev", "next", "last"}
    last = client.get(links(first.data)["last"])
    assert set(links(last.data)) == {"first", "prev"}
    nav = parse(middle.data).find(".//nav[@class='pagination']")
    assert nav.get("aria-label") == "Pages of the queue"
    assert "after=" in links(first.data)["next"] and "page=" not in links(first.data)["next"]


def test_the_filters_are_kept_from_page_to_page(db_app):
    seed(db_app, 120)
    client = db_app.test_client()
    signed_in(db_app, client)
    pages = walk(client, "/staff/?level=routine")
    assert sum(pages, []) == [url for url in queue_order(db_app, status="open")
                              if url in set(queue_order(db_app, level="routine"))]
    assert len(pages) == 2


@pytest.mark.parametrize("query", [
    "page=3", "page=last", "page=-1", "after=abc", "after=-5", "before=", "after=1e3",
    "after=99999999", "before=99999999999999999999999", "last=yes", "after=%C2%B2",
    "after=1&before=2&last=0"])
def test_old_page_links_and_bad_positions_give_the_first_page(db_app, query):
    seed(db_app, 30)
    client = db_app.test_client()
    signed_in(db_app, client)
    first = walk(client, "/staff/")[0]
    for path in ("/staff/", "/staff/audit", "/staff/patients", "/staff/refills"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)
    if not query.startswith("after=1&"):
        assert walk(client, f"/staff/?{query}")[0] == first


def test_past_either_end_gives_the_page_at_that_end(db_app):
    seed(db_app, 30)
    client = db_app.test_client()
    signed_in(db_app, client)
    order = queue_order(db_app, status="open")
    with db_app.app_context():
        ids = db.session.execute(db.select(Screening.id, Screening.public_id)).all()
    id_of = {f"/staff/screenings/{public_id}": row_id for row_id, public_id in ids}
    assert walk(client, f"/staff/?after={id_of[order[-1]]}")[0] == order[-25:]
    assert walk(client, f"/staff/?before={id_of[order[0]]}")[0] == order[:25]


def test_a_closed_screening_still_marks_its_place(db_app):
    """The page after a row that has since left the queue starts just after where it was."""
    seed(db_app, 60)
    client = db_app.test_client()
    signed_in(db_app, client)
    order = queue_order(db_app, status="open")
    with db_app.app_context():
        edge = db.session.execute(db.select(Screening).filter_by(
            public_id=order[24].rsplit("/", 1)[1])).scalar_one()
        edge_id = edge.id
        edge.status = "closed"
        db.session.commit()
    assert walk(client, f"/staff/?after={edge_id}")[0] == order[25:50]


def test_the_count_stops_at_the_cap(db_app, monkeypatch):
    from screener.staff import keyset

    monkeypatch.setattr(keyset, "COUNT_CAP", 40)
    seed(db_app, 60)
    client = db_app.test_client()
    signed_in(db_app, client)
    caption = "".join(parse(client.get("/staff/").data).find(".//caption").itertext())
    assert "More than 40 screenings" in caption
    monkeypatch.setattr(keyset, "COUNT_CAP", 100)
    caption = "".join(parse(client.get("/staff/").data).find(".//caption").itertext())
    assert "60 screenings" in caption and "More" not in caption


def test_the_audit_trail_pages_newest_first_without_gaps(db_app):
    seed(db_app, 0, 1, audit_events=120)
    client = db_app.test_client()
    signed_in(db_app, client)
    pages = walk(client, "/staff/audit?username=someone", rows="audit")
    ids = sum(pages, [])
    assert [len(page) for page in pages] == [50, 50, 20]
    assert ids == list(range(119, -1, -1))  # one same time: newest (highest id) first
    backward = walk(client, links(client.get("/staff/audit?username=someone").data)["last"],
                    rel="prev", rows="audit")
    assert sum(reversed(backward), []) == ids


def test_the_patients_list_and_a_patients_screenings_page_through(db_app):
    patient = seed(db_app, 70, patients=120)
    client = db_app.test_client()
    signed_in(db_app, client)
    listed = sum(walk(client, "/staff/patients", rows="patients"), [])
    with db_app.app_context():
        by_reference = db.session.execute(
            db.select(Patient.id).order_by(Patient.reference)).scalars().all()
        own = db.session.execute(
            db.select(Screening.public_id).filter_by(patient_id=patient)
            .order_by(Screening.created_at.desc(), Screening.id.desc())).scalars().all()
    assert listed == [f"/staff/patients/{n}" for n in by_reference]
    timeline = walk(client, f"/staff/patients/{patient}")
    assert [len(page) for page in timeline] == [25, 10]
    assert sum(timeline, []) == [f"/staff/screenings/{public_id}" for public_id in own]
