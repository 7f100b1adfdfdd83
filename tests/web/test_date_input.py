"""The GOV.UK date input (screener/web/date_input.py): three boxes read as one date, with
messages that name the field and say what is wrong, every box's answer kept."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import InputRequired, Optional

from screener.web.date_input import DateInputField


class _Form(Form):
    when = DateInputField("Date of the refill", validators=[InputRequired("Enter the date")])
    maybe = DateInputField("Implant date (optional)", validators=[Optional()])


def _read(app, **sent):
    with app.test_request_context():
        form = _Form(MultiDict(sent))
        form.validate()
        return form


@pytest.mark.parametrize(("day", "month", "year", "said"), [
    ("", "3", "2027", "Date of the refill must include a day"),
    ("", "", "2027", "Date of the refill must include a day and month"),
    ("27", "", "", "Date of the refill must include a month and year"),
    ("31", "2", "2027", "Date of the refill must be a real date"),
    ("2x", "3", "2027", "Date of the refill must be a real date"),
    ("1", "1", "27", "Year must include 4 numbers"),
    ("1", "1", "1850", "Date of the refill must be a real date"),
    ("31", "12", "9999", "Date of the refill must be before the year 9999"),
])
def test_each_problem_is_named_and_every_box_kept(app, day, month, year, said):
    form = _read(app, **{"when-day": day, "when-month": month, "when-year": year})
    assert form.when.errors == [said] and form.when.data is None
    assert form.when.parts == {"day": day, "month": month, "year": year}


def test_a_real_date_is_read_and_an_optional_blank_is_none(app):
    form = _read(app, **{"when-day": " 7 ", "when-month": "03", "when-year": "2027"})
    assert form.when.data == date(2027, 3, 7) and not form.errors
    assert form.maybe.data is None


def test_blank_is_left_to_the_validators(app):
    assert _read(app).when.errors == ["Enter the date"]


def test_one_value_as_written_in_the_uk_or_iso_is_read_too(app):
    assert _read(app, when="2/1/2027").when.data == date(2027, 1, 2)
    assert _read(app, when="2027-01-02").when.data == date(2027, 1, 2)
    assert _read(app, when="next tuesday").when.errors == [
        "Date of the refill must be a real date"]


def test_the_optional_label_is_not_in_the_message(app):
    form = _read(app, **{"when": "2/1/2027", "maybe-day": "30", "maybe-month": "2",
                         "maybe-year": "2020"})
    assert form.maybe.errors == ["Implant date must be a real date"]
