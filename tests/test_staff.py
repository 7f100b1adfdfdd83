"""The staff workspace: access, the queue, screenings, patients, calls, refills, audit, exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from werkzeug.routing import BuildError

from screener.db import db
from screener.models import AuditEvent, AuditIsAppendOnly, Patient, Screening
from tests.pages import Journey, add_user, check_page, csrf_token, sign_in, text_of

SVG = "{http://www.w3.org/2000/svg}"
CAREGIVER_URGENT = {"route": "intrathecal", "symptoms": ["pruritus"],
                    "history": {"pump_alarm": True}, "respondent": "caregiver"}
EMERGENCY = {"route": "intrathecal", "symptoms": ["seizure"], "respondent": "caregiver"}
SOON = {"route": "oral", "symptoms": ["muscle_spasms", "anxiety"], "respondent": "patient",
        "history": {"abrupt_stop": False, "ran_out_of_medication": False,
                    "unable_to_take_oral": False, "missed_doses": False}}
ROUTINE = {"route": "oral", "history": {"long_term_use": True}, "respondent": "patient"}


def submit(client, answers: dict) -> str:
    """A screening sent the way a caregiver's app or the web journey saves one."""
    response = client.post("/api/v1/screenings", json=answers)
    assert response.status_code == 201
    return response.json["id"]


def age(app, public_id: str, **delta) -> None:
    """Move a screening back in time."""
    with app.app_context():
        db.session.execute(db.update(Screening).filter_by(public_id=public_id).values(
            created_at=datetime.now(UTC) - timedelta(**delta)))
        db.session.commit()


def queue_ids(tree) -> list[str]:
    return [a.get("href").rsplit("/", 1)[1] for a in tree.findall(".//tbody//a")
            if "/staff/screenings/" in a.get("href")]


def audit_rows(app) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars())
        db.session.expunge_all()
        return rows


@pytest.fixture
def staff(app, client):
    """A signed-in journey for a user of the role asked (admin by default)."""
    def signed_in(role: str = "admin", username: str | None = None) -> Journey:
        username = username or role
        add_user(app, username, role)
        journey = Journey(client)
        assert sign_in(journey, username).status_code == 302
        return journey
    return signed_in


def post_form(journey: Journey, page: str, action: str, data: dict):
    """POST to `action` with the CSRF token from `page`, as its form would."""
    _, tree = journey.get(page)
    return journey.client.post(action, data={**data, "csrf_token": csrf_token(tree)})


# --- Access -----------------------------------------------------------------------------

def staff_urls(app) -> list[tuple[str, str]]:
    """Every staff URL and method, with made-up values for its parts."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/staff/") or rule.endpoint.startswith("accounts."):
                continue
            values = {name: "x" for name in rule.arguments}
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                try:
                    urls.append((method, app.url_for(rule.endpoint, **values)))
                except BuildError:
                    raise AssertionError(rule) from None
    return urls


def test_every_staff_page_and_export_needs_sign_in(app, client):
    urls = staff_urls(app)
    assert len(urls) >= 15 and ("GET", "/staff/exports/screenings.csv") in urls
    # A valid CSRF token, so that it is the sign-in check (not CSRF) that refuses the POSTs.
    _, tree = Journey(client).get("/staff/sign-in")
    token = csrf_token(tree)
    for method, url in urls:
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 302, (method, url)
        assert response.location.startswith("/staff/sign-in?next="), (method, url)


def test_caregiver_pages_need_no_sign_in(client):
    for path in ("/", "/how-it-works", "/healthz", "/api/v1/catalog"):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("url", ["/staff/audit", "/staff/audit.csv", "/staff/exports",
                                 "/staff/exports/screenings.csv"])
def test_a_triage_user_cannot_reach_admin_pages_or_exports(app, staff, url):
    journey = staff("triage")
    response = journey.client.get(url)
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.data
    assert b"2026" not in response.data or b"audit" not in response.data
    assert [e.action for e in audit_rows(app)][-1] == "access_denied"


def test_a_clinic_user_can_export_but_not_read_the_audit(staff):
    journey = staff("clinic")
    assert journey.client.get("/staff/exports/screenings.csv").status_code == 200
    assert journey.client.get("/staff/audit").status_code == 403


def test_a_triage_user_cannot_record_a_refill(app, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-9", route="intrathecal"))
        db.session.commit()
    journey = staff("triage")
    assert journey.client.get("/staff/patients/P-9/refill").status_code == 403
    _, tree = journey.get("/staff/patients/P-9")
    assert "Record a refill" not in text_of(tree.find(".//main"))


# --- The queue --------------------------------------------------------------------------

def test_the_queue_shows_the_most_urgent_first_then_the_oldest(app, client, staff):
    routine_old = submit(client, ROUTINE)
    age(app, routine_old, hours=9)
    urgent_new = submit(client, CAREGIVER_URGENT)
    urgent_old = submit(client, CAREGIVER_URGENT)
    age(app, urgent_old, hours=2)
    emergency = submit(client, EMERGENCY)
    soon = submit(client, SOON)
    _, tree = staff().get("/staff/")
    assert queue_ids(tree) == [emergency, urgent_old, urgent_new, soon, routine_old]
    row = tree.find(".//tbody/tr")
    cells = [text_of(td) for td in row.findall("td")]
    assert cells[0].startswith("Emergency") and "A seizure" in cells[3]
    assert cells[4] == "caregiver" and cells[5] == "Not linked" and cells[6] == "Open"
    assert "2 h 0 min" in text_of(tree.findall(".//tbody/tr")[1])


def test_the_queue_filters_by_level_status_and_date(app, client, staff):
    emergency = submit(client, EMERGENCY)
    old = submit(client, SOON)
    age(app, old, days=10)
    journey = staff()
    _, tree = journey.get("/staff/?level=emergency")
    assert queue_ids(tree) == [emergency]
    since = (date.today() - timedelta(days=2)).isoformat()
    _, tree = journey.get(f"/staff/?date_from={since}")
    assert queue_ids(tree) == [emergency]
    until = (date.today() - timedelta(days=5)).isoformat()
    _, tree = journey.get(f"/staff/?date_to={until}")
    assert queue_ids(tree) == [old]
    _, tree = journey.get("/staff/?status=closed")
    assert queue_ids(tree) == []


def test_bad_filters_are_named_and_the_default_queue_is_shown(client, staff):
    shown = submit(client, SOON)
    response, tree = staff().get("/staff/?date_from=yesterday&level=purple", error=True)
    messages = [text_of(a) for a in tree.findall(".//ul[@class='error-summary-list']//a")]
    assert messages == ["Not a valid choice.", "Not a valid date value."]
    assert queue_ids(tree) == [shown]


def test_the_queue_is_paginated(app, client, staff):
    for _ in range(27):
        submit(client, SOON)
    journey = staff()
    _, first = journey.get("/staff/")
    _, second = journey.get("/staff/?page=2")
    assert len(queue_ids(first)) == 25 and len(queue_ids(second)) == 2
    assert not set(queue_ids(first)) & set(queue_ids(second))
    assert "Page 1 of 2" in text_of(first.find(".//nav[@class='pagination']"))


# --- One screening: claim, act, close, link ------------------------------------------------

def test_a_caregivers_screening_is_claimed_annotated_and_closed(app, client, staff):
    submit(client, SOON)
    urgent = submit(client, CAREGIVER_URGENT)
    journey = staff("triage", "tom")
    _, tree = journey.get("/staff/")
    assert queue_ids(tree)[0] == urgent
    page = f"/staff/screenings/{urgent}"
    _, tree = journey.get(page)
    assert "Urgent screening" in text_of(tree.find(".//h1"))
    assert post_form(journey, page, f"{page}/claim", {}).status_code == 302
    _, tree = journey.get(page)
    assert "Tom Triage" in text_of(tree.find(".//dl"))
    response = post_form(journey, page, f"{page}/actions",
                         {"kind": "called_back", "note": "Pump clinic will see today",
                          "then": "close"})
    assert response.status_code == 302
    _, tree = journey.get(page)
    main = text_of(tree.find(".//main"))
    assert "Closed: the screening has left the queue." in main
    assert "Called back: Tom Triage" in main and "Pump clinic will see today" in main
    _, tree = journey.get("/staff/")
    assert urgent not in queue_ids(tree)
    _, tree = journey.get("/staff/?status=closed")
    assert queue_ids(tree) == [urgent]
    with app.app_context():
        saved = db.session.execute(db.select(Screening).filter_by(public_id=urgent)).scalar_one()
        assert saved.status == "closed" and saved.closed_by.username == "tom"
        assert saved.closed_at is not None and saved.claimed_at <= saved.closed_at
    # Each form is fetched before it is posted, as a browser would: hence the paired views.
    assert [e.action for e in audit_rows(app) if e.record_id == urgent] == [
        "view", "view", "claim", "view", "view", "add_action", "close", "view"]


@pytest.mark.parametrize("data, message", [
    ({"note": "rang"}, "Select what was done"),
    ({"kind": "other", "note": "  "}, "Describe what was done when you choose"),
    ({"kind": "called_back", "note": "x" * 2001}, "Keep the note under 2,000 characters"),
])
def test_an_action_without_what_was_done_is_refused_and_kept(app, client, staff, data, message):
    urgent = submit(client, CAREGIVER_URGENT)
    journey = staff()
    page = f"/staff/screenings/{urgent}"
    response = post_form(journey, page, f"{page}/actions", {**data, "then": "close"})
    assert response.status_code == 400
    tree = check_page(response, error=True)
    assert message in text_of(tree.find(".//ul[@class='error-summary-list']"))
    assert tree.find(".//textarea").text == data.get("note")
    with app.app_context():
        saved = db.session.execute(db.select(Screening).filter_by(public_id=urgent)).scalar_one()
        assert saved.status == "open" and saved.actions == []


def test_a_screening_is_linked_to_a_patient_by_reference_or_by_staff(app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal"))
        db.session.commit()
    by_caregiver = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    by_staff = submit(client, SOON)
    journey = staff()
    _, tree = journey.get("/staff/")
    assert "P-1" in text_of(tree.find(".//tbody/tr"))
    page = f"/staff/screenings/{by_staff}"
    response = post_form(journey, page, f"{page}/patient", {"reference": "P-404"})
    assert response.status_code == 400
    assert "No patient has this reference" in text_of(check_page(response, error=True))
    assert post_form(journey, page, f"{page}/patient", {"reference": "P-1"}).status_code == 302
    with app.app_context():
        linked = {s.public_id for s in db.session.execute(
            db.select(Screening).where(Screening.patient_id.is_not(None))).scalars()}
        db.session.add(Patient(reference="P-2", route="oral"))
        db.session.commit()
    assert linked == {by_caregiver, by_staff}
    # A wrong link (a mistyped reference) can be put right.
    page = f"/staff/screenings/{by_caregiver}"
    assert post_form(journey, page, f"{page}/patient", {"reference": "P-2"}).status_code == 302
    with app.app_context():
        moved = db.session.execute(
            db.select(Screening).filter_by(public_id=by_caregiver)).scalar_one()
        assert moved.patient.reference == "P-2" and moved.patient_ref == "P-1"


def test_screenings_sent_before_the_record_existed_are_linked_when_it_is_added(app, client,
                                                                                staff):
    early = submit(client, {**SOON, "patient_ref": "NEW-7"})
    journey = staff()
    response = post_form(journey, "/staff/patients/new", "/staff/patients/new",
                         {"reference": "NEW-7", "route": "oral"})
    assert response.status_code == 302
    _, tree = journey.get("/staff/patients/NEW-7")
    assert early in " ".join(a.get("href") for a in tree.findall(".//a"))


# --- Patients ----------------------------------------------------------------------------

def test_a_patient_form_with_errors_keeps_every_answer(app, staff):
    journey = staff()
    data = {"reference": "P 1!", "name": "Sam Example", "route": "intrathecal",
            "reservoir_ml": "400", "concentration_mcg_per_ml": "lots",
            "next_refill_date": "2026-13-01", "clinic_phone": "call me", "notes": "kept"}
    response = post_form(journey, "/staff/patients/new", "/staff/patients/new", data)
    assert response.status_code == 400
    tree = check_page(response, error=True)
    summary = [a.get("href") for a in tree.findall(".//ul[@class='error-summary-list']//a")]
    assert summary == ["#reference", "#reservoir_ml", "#concentration_mcg_per_ml",
                       "#next_refill_date", "#clinic_phone"]
    values = {i.get("name"): i.get("value") for i in tree.findall(".//input")}
    for name in ("reference", "name", "reservoir_ml", "concentration_mcg_per_ml",
                 "next_refill_date", "clinic_phone"):
        assert values[name] == data[name], name
    assert tree.find(".//textarea").text == "kept"
    with app.app_context():
        assert db.session.execute(db.select(Patient)).first() is None


def test_a_duplicate_reference_is_refused(app, staff):
    journey = staff()
    post_form(journey, "/staff/patients/new", "/staff/patients/new",
              {"reference": "P-1", "route": "oral"})
    response = post_form(journey, "/staff/patients/new", "/staff/patients/new",
                         {"reference": "P-1", "route": "oral"})
    assert response.status_code == 400
    assert b"A patient with this reference already exists" in response.data


def test_changes_to_a_patient_are_audited_by_field_name_never_value(app, staff):
    journey = staff()
    post_form(journey, "/staff/patients/new", "/staff/patients/new",
              {"reference": "P-1", "route": "oral"})
    response = post_form(journey, "/staff/patients/P-1/edit", "/staff/patients/P-1/edit",
                         {"reference": "P-1", "route": "intrathecal", "name": "Sam Example",
                          "pump_model": "SynchroMed II", "notes": "Lives alone"})
    assert response.status_code == 302
    change = next(e for e in audit_rows(app) if e.action == "change")
    assert change.details == {"fields": ["name", "route", "pump_model", "notes"]}
    text = " ".join(str(e.details) for e in audit_rows(app))
    for secret in ("Sam Example", "SynchroMed", "Lives alone", "intrathecal"):
        assert secret not in text


def test_the_patient_search_finds_by_reference_or_name(app, staff):
    with app.app_context():
        db.session.add_all([Patient(reference="ABC-1", name="Sam Example"),
                            Patient(reference="XYZ-2")])
        db.session.commit()
    journey = staff()
    for query, expected in (("ABC", ["ABC-1"]), ("sam", ["ABC-1"]), ("", ["ABC-1", "XYZ-2"]),
                            ("%", [])):
        _, tree = journey.get(f"/staff/patients?q={query}")
        assert [a.text for a in tree.findall(".//tbody//a")] == expected, query


# --- Follow-up calls and the timeline -------------------------------------------------------

def test_a_follow_up_call_is_prefilled_shows_the_last_answers_and_joins_the_timeline(
        app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(days=2)))
        db.session.commit()
    pump_all_no = dict.fromkeys(app.extensions["ruleset"].concepts["pump_problem"].facts, False)
    first = submit(client, {**SOON, "route": "intrathecal", "patient_ref": "P-1",
                            "symptoms": ["muscle_spasms"], "vitals": {"heart_rate": 88},
                            "history": pump_all_no})
    age(app, first, days=3)
    journey = staff("clinic", "cath")
    response = post_form(journey, "/staff/patients/P-1", "/staff/patients/P-1/call", {})
    assert response.location == "/check/emergency-signs"
    response, _ = journey.submit("/check/emergency-signs", {"symptoms": ["none"]})
    # The route comes pre-selected from the record, with last time's answer beside it.
    _, tree = journey.get("/check/route")
    assert tree.find(".//input[@value='intrathecal']").get("checked") is not None
    assert "Pre-filled from the patient record" in text_of(tree.find(".//main"))
    assert "Last time" in text_of(tree.find(".//div[@id='route-hint']"))
    journey.submit("/check/route", {"route": "intrathecal"})
    _, tree = journey.get("/check/pump")
    overdue = tree.find(".//input[@name='refill_overdue'][@value='yes']")
    assert overdue.get("checked") is not None  # from the refill date on the record
    assert tree.find(".//input[@name='pump_alarm'][@checked]") is None  # not known: asked
    from tests.test_journey import page_data
    answers = {"route": "intrathecal", "symptoms": ["pruritus", "muscle_spasms"],
               "history": {"refill_overdue": True}, "respondent": "staff",
               "patient_ref": "P-1"}
    response, _ = journey.submit("/check/pump", page_data("pump", answers))
    while response.location.startswith("/check/"):
        page_id = response.location.rsplit("/", 1)[1]
        _, tree = journey.get(response.location)
        if page_id == "symptoms":
            hint = tree.find(".//div[@id='symptoms-muscle_spasms-hint']")
            assert hint is not None and "Ticked" in text_of(hint)
        if page_id == "about":
            assert tree.find(".//input[@value='staff']").get("checked") is not None
            assert tree.find(".//input[@name='patient_ref']").get("value") == "P-1"
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    assert response.location.startswith("/staff/screenings/")
    call = response.location.rsplit("/", 1)[1]
    with app.app_context():
        saved = db.session.execute(db.select(Screening).filter_by(public_id=call)).scalar_one()
        assert saved.respondent == "staff" and saved.patient.reference == "P-1"
        assert saved.level == "urgent"
    _, tree = journey.get("/staff/patients/P-1")
    svg = tree.find(f".//{SVG}svg[@class='chart']")
    assert svg is not None and svg.get("role") == "img"
    assert len([p for p in svg.findall(f"{SVG}path") if p.get("transform")]) == 2
    rows = [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]
    assert [r[1] for r in rows] == ["Urgent", "Soon"]
    assert rows[0][4].startswith("Worse: soon to urgent")
    assert "new: " in rows[0][4] and rows[1][4] == "First screening"
    assert "start_call" in [e.action for e in audit_rows(app)]


def test_a_follow_up_call_cannot_be_continued_without_signing_in(app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="oral"))
        db.session.commit()
    journey = staff()
    post_form(journey, "/staff/patients/P-1", "/staff/patients/P-1/call", {})
    _, tree = journey.get("/staff/")
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(tree)})
    with client.session_transaction() as session:
        assert "draft" not in session  # signing out drops the call
    response = client.get("/check/route")
    assert response.status_code == 302 and not response.location.startswith("/check/")


# --- Refills ----------------------------------------------------------------------------------

def test_the_refill_worklist_shows_due_and_overdue_most_overdue_first(app, staff):
    today = date.today()
    with app.app_context():
        db.session.add_all([
            Patient(reference="DUE-6", route="intrathecal", next_refill_date=today + timedelta(6)),
            Patient(reference="LATE-3", route="intrathecal",
                    next_refill_date=today - timedelta(3)),
            Patient(reference="LATER", route="intrathecal",
                    next_refill_date=today + timedelta(30)),
            Patient(reference="TODAY", route="intrathecal", next_refill_date=today),
            Patient(reference="NONE", route="oral")])
        db.session.commit()
    _, tree = staff("clinic").get("/staff/refills")
    rows = [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]
    assert [r[0] for r in rows] == ["LATE-3", "TODAY", "DUE-6"]
    assert [r[2] for r in rows] == ["Overdue by 3 days", "Due today", "Due in 6 days"]


def test_recording_a_refill_sets_the_next_date(app, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(1)))
        db.session.commit()
    journey = staff("clinic")
    page = "/staff/patients/P-1/refill"
    response = post_form(journey, page, page, {"refilled_on": "2026-11-21",
                                               "next_refill_date": "2026-11-01"})
    assert response.status_code == 400
    assert b"The next refill must be after the date of this refill" in response.data
    next_due = date.today() + timedelta(days=90)
    response = post_form(journey, page, page, {"refilled_on": date.today().isoformat(),
                                               "next_refill_date": next_due.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        patient = db.session.execute(db.select(Patient)).scalar_one()
        assert patient.next_refill_date == next_due
    _, tree = journey.get("/staff/refills")
    assert "P-1" not in text_of(tree.find(".//tbody"))
    _, tree = journey.get("/staff/patients/P-1")
    assert f"next due {next_due:%d %b %Y}" in text_of(tree.find(".//main"))


# --- Audit trail -----------------------------------------------------------------------------

def test_the_audit_trail_is_append_only(app, staff):
    staff()
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent)).scalars().first()
        event.action = "nothing_happened"
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        event = db.session.execute(db.select(AuditEvent)).scalars().first()
        db.session.delete(event)
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert db.session.execute(db.select(AuditEvent)).scalars().first().action == "sign_in"


def test_admins_filter_and_export_the_audit_trail(app, client, staff):
    journey = staff("admin", "ada")
    urgent = submit(client, CAREGIVER_URGENT)
    journey.get(f"/staff/screenings/{urgent}")
    _, tree = journey.get("/staff/audit?action=view&record_type=screening")
    rows = [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]
    assert len(rows) == 1 and rows[0][1:4] == ["ada", "view", f"screening {urgent}"]
    assert re.fullmatch(r"\d\d \w{3} \d{4} \d\d:\d\d UTC", rows[0][0])
    response = journey.client.get("/staff/audit.csv?username=ada")
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == ["id", "at_utc", "username", "action", "record_type", "record_id",
                        "details"]
    assert {r[3] for r in table[1:]} >= {"sign_in", "view", "view_audit"}
    assert [e.action for e in audit_rows(app)][-1] == "export"


# --- Exports ------------------------------------------------------------------------------

def test_screenings_export_as_csv_for_a_date_range(app, client, staff):
    recent = submit(client, CAREGIVER_URGENT)
    old = submit(client, SOON)
    age(app, old, days=40)
    journey = staff("clinic")
    since = (date.today() - timedelta(days=7)).isoformat()
    response = journey.client.get(f"/staff/exports/screenings.csv?date_from={since}")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["id"] for r in rows] == [recent]
    assert rows[0]["level"] == "urgent" and "pump_alarm" in rows[0]["findings"]
    assert rows[0]["ruleset_hash"] == app.extensions["ruleset"].short_hash
    assert "critical_pump_alarm" in rows[0]["discriminators"].split()
    everything = journey.client.get("/staff/exports/screenings.csv")
    assert len(list(csv.DictReader(io.StringIO(everything.get_data(as_text=True))))) == 2
    export = [e for e in audit_rows(app) if e.action == "export"]
    assert export[0].details == {"date_from": since, "date_to": ""}


def test_a_bad_export_range_is_named(staff):
    response = staff("clinic").client.get("/staff/exports/screenings.csv?date_to=soon")
    assert response.status_code == 400
    assert "Not a valid date value." in text_of(check_page(response, error=True))


def test_export_cells_cannot_run_as_spreadsheet_formulas():
    from screener.staff.csv_export import cell
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and cell("-1") == "'-1"
    assert cell("P-1") == "P-1" and cell(None) == "" and cell(7) == "7"


def test_one_screening_exports_as_fhir(app, client, staff):
    urgent = submit(client, CAREGIVER_URGENT)
    response = staff("triage").client.get(f"/staff/screenings/{urgent}/fhir.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json"
    bundle = response.get_json(force=True)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "QuestionnaireResponse", "RiskAssessment"]
    assert [e.details for e in audit_rows(app) if e.action == "export"] == [
        {"format": "fhir-r4"}]


# --- Every staff page passes the page checks ------------------------------------------------

def test_every_staff_page_passes_the_page_checks(app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today()))
        db.session.commit()
    urgent = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    journey = staff()
    for path in ("/staff/", "/staff/?status=all", f"/staff/screenings/{urgent}",
                 "/staff/patients", "/staff/patients/new", "/staff/patients/P-1",
                 "/staff/patients/P-1/edit", "/staff/patients/P-1/refill", "/staff/refills",
                 "/staff/exports", "/staff/audit"):
        journey.get(path)


# --- The same work on each database (SQLite and PostgreSQL) ------------------------------------

def test_the_staff_workflow_on_each_database(db_app, db_client):
    add_user(db_app, "ann", "clinic")
    with db_app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(days=1)))
        db.session.commit()
    soon = submit(db_client, {**SOON, "patient_ref": "P-1"})
    urgent = submit(db_client, CAREGIVER_URGENT)
    emergency = submit(db_client, EMERGENCY)
    age(db_app, urgent, minutes=30)
    journey = Journey(db_client)
    assert sign_in(journey, "ann").status_code == 302
    _, tree = journey.get("/staff/")
    assert queue_ids(tree) == [emergency, urgent, soon]
    page = f"/staff/screenings/{emergency}"
    assert post_form(journey, page, f"{page}/actions",
                     {"kind": "sent_to_emergency", "then": "close"}).status_code == 302
    _, tree = journey.get("/staff/")
    assert queue_ids(tree) == [urgent, soon]
    _, tree = journey.get("/staff/refills")
    assert "Overdue by 1 day" in text_of(tree.find(".//tbody"))
    _, tree = journey.get("/staff/patients/P-1")
    assert "Soon" in text_of(tree.find(".//tbody"))
    with db_app.app_context():
        closed = db.session.execute(
            db.select(Screening).filter_by(public_id=emergency)).scalar_one()
        assert closed.status == "closed" and closed.actions[0].kind == "sent_to_emergency"
        actions = [e.action for e in db.session.execute(
            db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions[0] == "sign_in" and {"add_action", "close", "view_refills"} <= set(actions)
