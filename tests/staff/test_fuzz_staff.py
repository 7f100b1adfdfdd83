"""The staff side's values that answered 500 (red team 2, L13), each on both databases."""

from __future__ import annotations

from datetime import date

import pytest

from screener.clinical.reservoir import reservoir_dates
from screener.db import db
from screener.models import Patient, Refill
from tests.pages import Journey, add_user, csrf_token, parse, sign_in
from tests.staff.factories import make_patient


def _valid_patient(n: int) -> dict[str, str]:
    return {"reference": f"FZ-{n}", "name": "Fuzz", "date_of_birth": "01/02/2010",
            "route": "intrathecal", "pump_model": "M", "reservoir_ml": "20",
            "concentration_mcg_per_ml": "500", "daily_dose_mcg": "100",
            "low_reservoir_alarm_ml": "2", "next_refill_date": "01/01/2030",
            "contact_name": "C", "contact_phone": "0161 496 0000", "clinic_name": "K",
            "clinic_phone": "0161 496 0001", "notes": "n"}



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


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity"])
def test_a_refill_volume_that_is_not_finite_is_refused(db_app, value):
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    patient_id = make_patient(db_app)
    sign_in(Journey(client), "ann")
    page = f"/staff/patients/{patient_id}/refill"
    token = csrf_token(parse(client.get(page).data))
    response = client.post(page, data={"refilled_on": "01/01/2027", "volume_ml": value,
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
    response = client.post(page, data={"refilled_on": "01/01/2027", "volume_ml": "0.1",
                                       "next_refill_date": "01/03/2027", "csrf_token": token})
    assert response.status_code == 302, response.data


def test_a_date_after_9998_in_a_form_is_refused_with_a_message(db_app):
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    patient_id = make_patient(db_app)
    sign_in(Journey(client), "ann")
    page = f"/staff/patients/{patient_id}/refill"
    token = csrf_token(parse(client.get(page).data))
    response = client.post(page, data={"refilled_on": "30/12/9999", "csrf_token": token,
                                       "next_refill_date": "31/12/9999"})
    assert response.status_code == 400
    assert b"Enter a date before the year 9999" in response.data


def test_reservoir_dates_past_9999_are_not_an_error(db_app):
    """A refill on the last day allowed, with a dose that would last centuries: the pages
    that show the dates and the worklist still answer."""
    client = db_app.test_client()
    add_user(db_app, "ann", "admin")
    patient_id = make_patient(db_app, reservoir_ml=100, concentration_mcg_per_ml=4000,
                              daily_dose_mcg=0.1, low_reservoir_alarm_ml=0.1)
    sign_in(Journey(client), "ann")
    page = f"/staff/patients/{patient_id}/refill"
    token = csrf_token(parse(client.get(page).data))
    response = client.post(page, data={"refilled_on": "30/12/9998", "volume_ml": "100",
                                       "next_refill_date": "31/12/9998", "csrf_token": token})
    assert response.status_code == 302
    for path in (f"/staff/patients/{patient_id}", f"/staff/patients/{patient_id}/edit",
                 "/staff/refills"):
        assert client.get(path).status_code == 200, path


def test_reservoir_dates_saturate_at_the_last_day():
    far = reservoir_dates(date(9998, 12, 30), 100, 4000, 0.1, 0.1)
    assert far.empty == date.max and far.alarm == date.max
    near = reservoir_dates(date(2027, 1, 1), 20, 500, 100, 2)  # 0.2 mL a day
    assert (near.alarm, near.empty) == (date(2027, 4, 1), date(2027, 4, 11))
