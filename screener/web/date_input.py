"""The GOV.UK date input: a day, a month and a year box, read as one date, with messages that
name the field and say what is wrong ("Date of the refill must include a month", "... must be
a real date"), as https://design-system.service.gov.uk/components/date-input/ words them.

The boxes post as `<name>-day`, `<name>-month` and `<name>-year`. A single `<name>` value as
people in the UK write it (2/1/2027) or as ISO (2027-01-02) is read too, so links, scripts
and tests that send one keep working.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

PARTS = ("day", "month", "year")
FIRST_YEAR, LAST_YEAR = 1900, 9998  # a day after 9998 may be past the last date there is
SINGLE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


class DateInputField(Field):
    """A date from three boxes. Blank is None (Optional or InputRequired then say what they
    say); anything else that is not a real date is refused with the field's own name."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = dict.fromkeys(PARTS, "")

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.data = data
        if isinstance(self.data, date):
            self.parts = {"day": str(self.data.day), "month": str(self.data.month),
                          "year": str(self.data.year)}
        self.raw_data = None
        if formdata is None:
            return
        typed = {part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in PARTS}
        if not any(typed.values()):
            single = (formdata.get(self.name) or "").strip()
            if not single:  # blank: None, for Optional() or InputRequired() to judge
                self.data, self.raw_data, self.parts = None, [], dict.fromkeys(PARTS, "")
                return
            typed = _split_single(single)
        self.parts, self.data = typed, None
        self.raw_data = [" ".join(typed.values())]
        try:
            self.data = self._read(typed)
        except ValueError as problem:
            self.process_errors.append(str(problem))

    def pre_validate(self, form) -> None:
        # A date that could not be read says only why; blank is left to the validators.
        if self.process_errors and self.raw_data:
            raise StopValidation()

    def _value(self) -> str:
        return "" if self.data is None else self.data.isoformat()

    def _read(self, typed: dict[str, str]) -> date:
        label = str(self.label.text).replace(" (optional)", "")  # the name, not the hint
        missing = [part for part in PARTS if not typed[part]]
        if missing:
            raise ValueError(_l("%(label)s must include a %(parts)s", label=label,
                                parts=_MISSING_WORDS[tuple(missing)]))
        if not all(typed[part].isdigit() for part in PARTS):
            raise ValueError(_l("%(label)s must be a real date", label=label))
        if len(typed["year"]) != 4:
            raise ValueError(_l("Year must include 4 numbers"))
        day, month, year = (int(typed[part]) for part in PARTS)
        if year > LAST_YEAR:
            raise ValueError(_l("%(label)s must be before the year 9999", label=label))
        if year < FIRST_YEAR:
            raise ValueError(_l("%(label)s must be a real date", label=label))
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(_l("%(label)s must be a real date", label=label)) from None


_MISSING_WORDS = {
    ("day",): _l("day"), ("month",): _l("month"), ("year",): _l("year"),
    ("day", "month"): _l("day and month"), ("day", "year"): _l("day and year"),
    ("month", "year"): _l("month and year"),
}


def _split_single(value: str) -> dict[str, str]:
    """One typed date into its boxes: 2/1/2027 or 2027-01-02; anything else is left in the
    day box, which then says it is not a real date."""
    for fmt in SINGLE_FORMATS:
        try:
            read = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return {"day": str(read.day), "month": str(read.month), "year": str(read.year)}
    return {"day": value, "month": "-", "year": "-"}
