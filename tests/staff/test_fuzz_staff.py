"""Fuzzing the staff side (red team 2, L13): hostile values in every field of every staff
form and in every staff URL's ids and query values, signed in as each role, on both
databases. Never a 5xx; nothing half-written. Then the particular values that gave 500.

The fuzzer is deterministic: every (field, payload) pair of every form and every (URL,
payload) pair is sent once, shared out among the three roles (each role sends a third), so
the whole product is covered in about a thousand requests per database.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from screener.db import db
from screener.models import Patient, Refill
from screener.pump.reservoir import reservoir_dates
from tests.apps import no_half_records
from tests.pages import HOSTILE_VALUES as PAYLOADS
from tests.pages import Journey, add_user, csrf_token, parse, sign_in
from tests.staff.factories import CAREGIVER_URGENT, confirm_reference, make_patient, submit

ROLES = ("triage", "clinic", "admin")
HUGE_IDS = ("2147483648", "9223372036854775807", "9223372036854775808",
            "99999999999999999999", "0", "-1", "1e3", "%20", "x")


def _valid_patient(n: int) -> dict[str, str]:
    return {"reference": f"FZ-{n}", "name": "Fuzz", "date_of_birth": "01/02/2010",
            "route": "intrathecal", "pump_model": "M", "reservoir_ml": "20",
            "concentration_mcg_per_ml": "500", "daily_dose_mcg": "100",
            "low_reservoir_alarm_ml": "2", "next_refill_date": "01/01/2030",
            "contact_name": "C", "contact_phone": "0161 496 0000", "clinic_name": "K",
            "clinic_phone": "0161 496 0001", "notes": "n"}


def _forms(patient_id: int, public_id: str) -> list[tuple[str, str, dict[str, str]]]:
    """(page with the form, action, valid data) for every staff form that changes data
    (sign-in and password change are tests/web/test_accounts.py's)."""
    record = f"/staff/patients/{patient_id}"
    screening = f"/staff/screenings/{public_id}"
    return [
        ("/staff/patients/new", "/staff/patients/new", _valid_patient(0)),
        (f"{record}/edit", f"{record}/edit", {**_valid_patient(0), "reference": "P-1"}),
        (f"{record}/refill", f"{record}/refill",
         {"refilled_on": "01/11/2026", "next_refill_date": "01/03/2027", "put_in_ml": "20",
          "note": "n", "close_note": "c"}),
        (screening, f"{screening}/actions", {"kind": "note", "note": "n"}),
        (screening, f"{screening}/patient", {"reference": "P-1"}),
        ("/staff/patients", "/staff/patients", {"q": "P"}),
    ]


def _urls(patient_id: int, public_id: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every staff GET URL and the query arguments it reads."""
    record = f"/staff/patients/{patient_id}"
    pages = ("after", "before", "last", "page")
    dates = ("date_from", "date_to")
    return [
        ("/staff/", ("level", "status", *dates, *pages)),
        ("/staff/queue/live", ("newest",)),
        ("/staff/find", ("reference",)),
        ("/staff/patients", pages),
        (record, pages),
        (f"{record}/edit", ()),
        (f"{record}/refill", ()),
        ("/staff/refills", pages),
        ("/staff/audit", ("username", "action", "record_type", *dates, *pages)),
        ("/staff/audit.csv", ("username", "action", "record_type", *dates)),
        ("/staff/exports", ()),
        ("/staff/exports/screenings.csv", dates),
        (f"/staff/screenings/{public_id}", ()),
        (f"/staff/screenings/{public_id}/fhir.json", ()),
        (f"/result/{public_id}", ()),
        (f"/api/v1/screenings/{public_id}", ()),
    ]


def _setup(app, client, role: str) -> tuple[int, str]:
    add_user(app, role, role)
    patient_id = make_patient(app, "P-1", next_refill_date=date.today(), reservoir_ml=20,
                              concentration_mcg_per_ml=500, daily_dose_mcg=100,
                              last_refill_on=date.today() - timedelta(days=10))
    public_id = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    confirm_reference(app, public_id, "P-1")
    return patient_id, public_id


def _get(client, url: str, **kwargs):
    """GET `url`, its body read in full (a CSV export streams) and the response closed."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _share(index: int, role: str) -> bool:
    """Whether `role` sends the `index`th combination (each role a third of them)."""
    return index % len(ROLES) == ROLES.index(role)


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_every_staff_form_and_url(db_app, role):
    app = db_app
    client = app.test_client()
    patient_id, public_id = _setup(app, client, role)
    assert sign_in(Journey(client), role).status_code == 302
    token = csrf_token(parse(client.get("/staff/patients").data))
    failures: list[str] = []
    index = 0
    for _page, action, valid in _forms(patient_id, public_id):
        for field in valid:
            for payload in PAYLOADS:
                index += 1
                if not _share(index, role):
                    continue
                data = {**valid, field: payload, "csrf_token": token}
                if action.endswith("/new") and field != "reference":
                    data["reference"] = f"FZ-{index}"
                response = client.post(action, data=data)
                if response.status_code >= 500:
                    failures.append(f"POST {action} {field}={payload[:30]!r}: "
                                    f"{response.status_code}")
    for url, arguments in _urls(patient_id, public_id):
        for payload in PAYLOADS:
            for argument in arguments or (None,):
                index += 1
                if not _share(index, role):
                    continue
                response = _get(client, url, query_string={argument: payload} if argument
                                else {"x": payload})
                if response.status_code >= 500:
                    failures.append(f"GET {url}?{argument}={payload[:30]!r}: "
                                    f"{response.status_code}")
        if str(patient_id) in url:
            for bad in HUGE_IDS:
                response = _get(client, url.replace(str(patient_id), bad))
                if response.status_code >= 500:
                    failures.append(f"GET {url} with id {bad}: {response.status_code}")
    for bad in HUGE_IDS:
        response = client.post(f"/staff/patients/{bad}/call", data={"csrf_token": token})
        if response.status_code >= 500:
            failures.append(f"POST call with id {bad}: {response.status_code}")
    assert not failures, "\n".join(failures)
    no_half_records(app)
    assert client.get("/staff/patients").status_code == 200  # still signed in, still working


# The particular values that answered 500 (red team 2, L13), each on both databases.

@pytest.mark.parametrize("bad", ["99999999999999999999", "2147483648", "9223372036854775808"])
def test_an_id_beyond_the_database_range_is_not_found(db_app, bad):
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    journey = Journey(client)
    sign_in(journey, "ann")
    for path in (f"/staff/patients/{bad}", f"/staff/patients/{bad}/edit",
                 f"/staff/patients/{bad}/refill"):
        assert client.get(path).status_code == 404, path
    token = csrf_token(parse(client.get("/staff/patients").data))
    assert client.post(f"/staff/patients/{bad}/call",
                       data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("query", [
    "page=99999999999999999999", "after=99999999999999999999", "before=2147483648",
    "after=2147483648", "after=-1", "before=-5", "after=9223372036854775807"])
def test_a_page_position_beyond_the_database_range_is_the_first_page(db_app, query):
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    patient_id = make_patient(db_app)
    sign_in(Journey(client), "ann")
    for path in ("/staff/", "/staff/audit", "/staff/patients", "/staff/refills",
                 f"/staff/patients/{patient_id}"):
        assert client.get(f"{path}?{query}").status_code == 200, path


@pytest.mark.parametrize(("path", "argument"), [
    ("/staff/", "level"), ("/staff/audit", "record_type"), ("/staff/audit.csv", "record_type")])
@pytest.mark.parametrize("value", [" ", "x", "\u00a0"])
def test_a_filter_choice_that_is_not_one_is_refused(db_app, path, argument, value):
    """Optional() passed a space, which then reached the query (the staff fuzzer found it)."""
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    sign_in(Journey(client), "ann")
    response = client.get(path, query_string={argument: value})
    assert response.status_code in (200, 400)
    assert b"Select one of the answers shown" in response.data


@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_a_date_after_9998_in_a_filter_is_refused_with_a_message(db_app, field):
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    sign_in(Journey(client), "ann")
    for path in ("/staff/", "/staff/audit", "/staff/audit.csv",
                 "/staff/exports/screenings.csv"):
        response = client.get(f"{path}?{field}=31/12/9999")
        assert response.status_code in (200, 400), path
        assert b"Enter a date before the year 9999" in response.data, path
        assert client.get(f"{path}?{field}=31/12/9998").status_code == 200, path


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "-NaN", "-sNaN"])
@pytest.mark.parametrize("field", ["reservoir_ml", "concentration_mcg_per_ml",
                                   "daily_dose_mcg", "low_reservoir_alarm_ml"])
def test_a_number_that_is_not_finite_is_refused_with_a_message(db_app, field, value):
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    journey = Journey(client)
    sign_in(journey, "ann")
    token = csrf_token(parse(client.get("/staff/patients/new").data))
    response = client.post("/staff/patients/new",
                           data={**_valid_patient(1), field: value, "csrf_token": token})
    assert response.status_code == 400
    assert b"Enter a number" in response.data
    with db_app.app_context():
        assert db.session.execute(db.select(Patient)).first() is None


def _refill_form(db_app) -> tuple:
    """An admin signed in on a patient's refill form: the client, its path and a token."""
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    patient_id = make_patient(db_app)
    sign_in(Journey(client), "ann")
    page = f"/staff/patients/{patient_id}/refill"
    token = csrf_token(parse(client.get(page).data))
    return client, page, token


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity"])
def test_a_refill_volume_that_is_not_finite_is_refused(db_app, value):
    client, page, token = _refill_form(db_app)
    response = client.post(page, data={"refilled_on": "01/11/2026", "put_in_ml": value,
                                       "next_refill_date": "01/03/2027", "csrf_token": token})
    assert response.status_code == 400
    assert b"Enter a number" in response.data
    with db_app.app_context():
        assert db.session.execute(db.select(Refill)).first() is None


def test_the_documented_minimums_are_accepted(db_app):
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    sign_in(Journey(client), "ann")
    token = csrf_token(parse(client.get("/staff/patients/new").data))
    response = client.post("/staff/patients/new", data={
        **_valid_patient(1), "daily_dose_mcg": "0.1", "low_reservoir_alarm_ml": "0.1",
        "csrf_token": token})
    assert response.status_code == 302, response.data
    page = f"{response.location}/refill"
    token = csrf_token(parse(client.get(page).data))
    response = client.post(page, data={"refilled_on": "01/11/2026", "put_in_ml": "0.1",
                                       "next_refill_date": "01/03/2027", "csrf_token": token})
    assert response.status_code == 302, response.data


def test_a_date_after_9998_in_a_form_is_refused_with_a_message(db_app):
    client, page, token = _refill_form(db_app)
    response = client.post(page, data={"refilled_on": "30/11/2026", "csrf_token": token,
                                       "next_refill_date": "31/12/9999"})
    assert response.status_code == 400
    assert b"Next refill booked for must be before the year 9999" in response.data


def test_reservoir_dates_past_9999_are_not_an_error(db_app):
    """A refill on the last day a date may have, with a dose that would last centuries: the
    pages that show the dates and the worklist still answer."""
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    patient_id = make_patient(db_app, reservoir_ml=100, concentration_mcg_per_ml=4000,
                              daily_dose_mcg=0.1, low_reservoir_alarm_ml=0.1,
                              last_refill_on=date(9998, 12, 30),
                              next_refill_date=date(9998, 12, 31))
    sign_in(Journey(client), "ann")
    for path in (f"/staff/patients/{patient_id}", f"/staff/patients/{patient_id}/edit",
                 f"/staff/patients/{patient_id}/refill", "/staff/refills",
                 "/staff/refills?show=all"):
        assert client.get(path).status_code == 200, path


def test_reservoir_dates_saturate_at_the_last_day():
    far = reservoir_dates(date(9998, 12, 30), 100, 4000, 0.1, 0.1)
    assert far.empty == date.max and far.alarm == date.max
    near = reservoir_dates(date(2027, 1, 1), 20, 500, 100, 2)  # 0.2 mL a day
    assert (near.alarm, near.empty) == (date(2027, 4, 1), date(2027, 4, 11))


def test_a_form_sent_without_a_number_field_keeps_the_record_and_never_answers_500(db_app):
    """A crafted POST that leaves a number field out: the record's own number (a float) was
    checked as if typed, and answered 500."""
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    patient_id = make_patient(db_app, reservoir_ml=20, concentration_mcg_per_ml=500)
    sign_in(Journey(client), "ann")
    page = f"/staff/patients/{patient_id}/edit"
    token = csrf_token(parse(client.get(page).data))
    response = client.post(page, data={"reference": "P-1", "route": "intrathecal",
                                       "csrf_token": token})
    assert response.status_code == 302
