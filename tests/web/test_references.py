"""A patient reference is a reference: names and phone numbers are refused on the form, in
the API and on staff records, each with a message that says why; the pattern is a setting."""

from __future__ import annotations

import pytest

from screener import create_app
from screener.web.references import DEFAULT_PATTERN, reference_problem


@pytest.mark.parametrize("reference", ["ITB-0042", "P-1", "AB123", "ward7", "NEW-7"])
def test_a_clinic_reference_is_accepted(reference):
    assert reference_problem(reference) is None


@pytest.mark.parametrize(("typed", "words"), [
    ("John Smith", "looks like a name"),
    ("O'Brien", "looks like a name"),
    ("Mary-Jane", "looks like a name"),
    ("07700 900982", "looks like a phone number"),
    ("+44 7700 900 982", "looks like a phone number"),
    ("(020) 7946 0958", "looks like a phone number"),
    ("943 476 5919", "looks like a phone number"),  # an NHS number is not ours to hold either
    ("P 1!", "letters, numbers and hyphens only"),
    ("a/b/1", "letters, numbers and hyphens only"),
])
def test_a_name_or_a_phone_number_is_refused_saying_why(typed, words):
    assert words in reference_problem(typed)


def test_the_pattern_is_a_setting(tmp_path):
    assert reference_problem("12345", r"^[0-9]{5}$") is None
    assert "letters, numbers" in reference_problem("ITB-0042", r"^[0-9]{5}$")
    assert reference_problem("ITB-0042", DEFAULT_PATTERN) is None
    with pytest.raises(ValueError, match="PATIENT_REF_PATTERN is not a regular expression"):
        create_app({"TESTING": True, "PATIENT_REF_PATTERN": "([",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_the_api_refuses_a_name_as_a_reference_with_every_other_problem(client):
    response = client.post("/api/v1/screenings", json={
        "route": "tablets", "patient_ref": "Jane Example"})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert "looks like a name" in errors["patient_ref"][0]
    assert "route" in errors


def test_the_form_refuses_a_phone_number_as_a_reference(app, client):
    from tests.journeys import page_data, walk_to
    from tests.pages import Journey, text_of

    journey = Journey(client)
    walk_to(journey, "about", {"route": "oral"})
    _, tree = journey.submit("/check/about", {**page_data("about", {"route": "oral"}),
                                              "patient_ref": "07700 900982"}, error=True)
    assert "looks like a phone number" in text_of(tree.find(".//*[@class='error-summary']"))


def test_a_reference_is_matched_in_full(client):
    """Red team L3: "P1\\n" was accepted (a `$` matches before a final line break)."""
    assert "line breaks" in reference_problem("AB-12\n")
    response = client.post("/api/v1/screenings", json={"route": "oral", "patient_ref": "AB-12\n"})
    assert response.status_code == 400 and "patient_ref" in response.json["errors"]
