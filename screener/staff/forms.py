"""Staff forms. Filter forms use GET and change nothing, so they carry no CSRF token; the
patient search is the exception (POST), as names must stay out of URLs."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from ..clinical.answers import PATIENT_REF_MAX
from ..journey.forms import a_reference, choices, only_choices
from ..models import ACTION_KINDS, PUMP_EVENTS, TRY_AGAIN
from ..pump.catalogue import MODELS
from ..pump.projection import Step, scheduled_daily_dose
from ..reference_codes import EXAMPLE, LENGTH, NotAReference, read_reference_code
from ..web.date_input import DateInputField
from ..web.formatting import LEVEL_NAMES, service_today


class _RefusedStops:
    """A value that could not be read is refused with its own message only: the validators
    after it (Optional, NumberRange) never see it."""

    def pre_validate(self, form) -> None:
        # A blank field is left to Optional() or InputRequired(), which clear the reading
        # error and say what they say.
        blank = not self.raw_data or not str(self.raw_data[0]).strip()
        if self.process_errors and not blank:
            raise StopValidation()
        super().pre_validate(form)


LAST_YEAR = 9998  # a day after it may be a day past the last date there is (9999-12-31)


class UKDateField(_RefusedStops, DateField):
    """A date typed as people in the UK write it (22/11/2026); ISO dates (2026-11-22) work
    too, so links and scripts that send them keep working. A year after 9998 is refused: a
    filter's "to" day ends at midnight the day after, and dates are counted on from a refill
    (red team 2, L13: 31/12/9999 answered 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%d/%m/%Y", "%Y-%m-%d"], **kwargs)

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and self.data.year > LAST_YEAR:
            self.data = None
            raise ValueError(_l("Enter a date before the year 9999"))


class FiniteDecimalField(_RefusedStops, DecimalField):
    """A number, never NaN, sNaN or Infinity, which Python's Decimal reads but no range can
    compare (red team 2, L13: sNaN answered 500)."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        # Only what was typed: a field left out of the form keeps the record's number, a
        # float (a crafted POST without it answered 500).
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number, like 12.5"))


def _between(low: str, high: str, message) -> list:
    """Optional, and from `low` to `high` inclusive, compared as Decimals: the float 0.1 is
    a little more than Decimal("0.1"), so the stated minimum was refused (red team 2, L13)."""
    return [Optional(), NumberRange(Decimal(low), Decimal(high), message)]


STATUS_FILTERS = (("active", _l("Open or claimed")), ("open", _l("Open, not claimed")),
                  ("claimed", _l("Claimed")), ("closed", _l("Closed")), ("all", _l("All")))
LANES = (("call", _l("To call")), ("no_number", _l("No number to call")))
PHONE_MESSAGE = _l("Enter a phone number using digits, spaces and + ( ) -")
REFERENCE_RULES = [
    InputRequired(_l("Enter the patient reference")),
    Length(max=PATIENT_REF_MAX, message=_l("Enter a reference of %(most)d characters or fewer",
                                           most=PATIENT_REF_MAX)),
    a_reference,
]


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing


class RefillListForm(FilterForm):
    show = SelectField(_l("Show"), default="action", validators=[only_choices],
                       choices=choices((("action", _l("Needs action")),
                                        ("all", _l("Every pump and refill")))))


class QueueFilterForm(FilterForm):
    level = SelectField(_l("Level"), choices=choices([("", _l("Any level"))] + [
        (level, _l(name)) for level, name in LEVEL_NAMES.items()]),
        validators=[only_choices, Optional()])  # Optional() alone would let " " through
    status = SelectField(_l("Status"), choices=choices(STATUS_FILTERS), default="active")
    date_from = UKDateField(_l("From (date)"), validators=[Optional()])
    date_to = UKDateField(_l("To (date)"), validators=[Optional()])
    # The worklist's two lanes (issue 24, item 5), shown as tabs: checks with a number to
    # call, and those with none (most ended early at an emergency, told to call 999).
    lane = SelectField(_l("Lane"), choices=choices(LANES), default="call",
                       validators=[only_choices, Optional()])


class DateRangeForm(FilterForm):
    date_from = UKDateField(_l("From (date)"), validators=[Optional()])
    date_to = UKDateField(_l("To (date)"), validators=[Optional()])


class AuditFilterForm(DateRangeForm):
    username = StringField(_l("User"), validators=[Optional(), Length(max=64)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=32)])
    record_type = SelectField(_l("Record type"), choices=choices([
        ("", _l("Any")), ("screening", _l("Screening")), ("patient", _l("Patient")),
        ("user", _l("User")), ("export", _l("Export")), ("page", _l("Page"))]),
        validators=[only_choices, Optional()])


# Actions recorded by what they belong to, never chosen: a follow-up call, a handover.
RECORDED_ELSEWHERE = ("follow_up_call", "handed_over")


class ActionForm(FlaskForm):
    kind = RadioField(_l("What was done?"), choices=choices(
        kind for kind in ACTION_KINDS if kind[0] not in RECORDED_ELSEWHERE),
                      validators=[InputRequired(_l("Select what was done"))])
    next_try = RadioField(_l("Try again in"), choices=choices([
        ("15", _l("15 minutes")), ("30", _l("30 minutes")), ("60", _l("1 hour")),
        ("120", _l("2 hours"))]), validators=[only_choices, Optional()])
    note = TextAreaField(_l("Note (optional)"), validators=[
        Optional(), Length(max=2000, message=_l("Keep the note under 2,000 characters"))])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data in TRY_AGAIN and not self.next_try.data:
            self.next_try.errors = [*self.next_try.errors, _l(
                "Choose when to try again after no answer or a voicemail")]
            valid = False
        if self.kind.data == "other" and not (self.note.data or "").strip():
            # Not an inline validator: Optional() would stop the chain before it ran.
            self.note.errors = [*self.note.errors,
                                _l("Describe what was done when you choose \u2018Other\u2019")]
            return False
        return valid


class SearchForm(FlaskForm):
    """Sent as POST, with a CSRF token, so what was typed never travels in a URL."""
    q = StringField(_l("Reference or name"), filters=[lambda typed: (typed or "").strip()],
                    validators=[DataRequired(_l("Enter a reference or a name to search for")),
        Length(max=64, message=_l("Enter 64 characters or fewer"))])


class FindByReferenceForm(FilterForm):
    """A screening's short reference, as the caregiver read it out. A GET, like the queue's
    filters: the reference is a random name for one screening (as the public id in every
    staff screening URL is), never a patient's reference or a name, which stay out of URLs.
    `code` is the reference as stored once the form validates."""

    reference = StringField(_l("Find a screening by reference"))
    code: str | None = None

    def validate_reference(self, field) -> None:
        try:
            self.code = read_reference_code(field.data or "")
        except NotAReference as refused:
            raise ValidationError(_reference_refusal(refused)) from None


def _reference_refusal(refused: NotAReference) -> str:
    if refused.kind == "empty":
        return _l("Enter the reference, like %(example)s", example=EXAMPLE)
    if refused.kind == "characters":
        return _l("Enter only the letters and numbers of the reference, like %(example)s",
                  example=EXAMPLE)
    if refused.kind == "unused":
        return _l("A reference never has %(characters)s in it. Check each letter and number "
                  "again", characters=", ".join(f"\u201c{c}\u201d" for c in refused.characters))
    return _l("A reference has %(length)d letters and numbers, like %(example)s. You typed "
              "%(count)d", length=LENGTH, example=EXAMPLE, count=refused.count)


class LinkPatientForm(FlaskForm):
    reference = StringField(_l("Patient reference"), validators=REFERENCE_RULES)


class PatientForm(FlaskForm):
    reference = StringField(_l("Patient reference"), validators=REFERENCE_RULES)
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=120)])
    date_of_birth = UKDateField(_l("Date of birth (optional)"), validators=[Optional()])
    # Choices come from the rule set's routes (set by the view), the one list of routes.
    route = RadioField(_l("How they take baclofen"), default="unknown",
                       validators=[InputRequired(_l("Select how they take baclofen"))])
    pump_model = StringField(_l("Pump model (optional)"), validators=[Optional(), Length(max=80)])
    reservoir_ml = FiniteDecimalField(_l("Reservoir volume (optional)"), places=1, validators=
                                      _between("0", "100", _l(
                                          "Enter a reservoir volume from 0 to 100 mL")))
    concentration_mcg_per_ml = FiniteDecimalField(
        _l("Concentration (optional)"), places=1, validators=_between("0", "4000", _l(
            "Enter a concentration from 0 to 4,000 micrograms/mL")))
    daily_dose_mcg = FiniteDecimalField(_l("Daily dose (optional)"), places=1, validators=
                                        _between("0.1", "2000", _l(
                                            "Enter a daily dose from 0.1 to 2,000 micrograms")))
    low_reservoir_alarm_ml = FiniteDecimalField(
        _l("Low-reservoir alarm volume (optional)"), places=1,
        validators=_between("0.1", "40", _l("Enter an alarm volume from 0.1 to 40 mL")))
    next_refill_date = UKDateField(_l("Next refill date (optional)"), validators=[Optional()])
    contact_name = StringField(_l("Who to call (optional)"),
                               validators=[Optional(), Length(max=120)])
    contact_phone = StringField(_l("Their phone (optional)"), validators=[
        Optional(), Length(max=40),
        Regexp(r"^[0-9 +()-]+$", message=PHONE_MESSAGE)])
    clinic_name = StringField(_l("Prescribing clinic (optional)"),
                              validators=[Optional(), Length(max=120)])
    clinic_phone = StringField(_l("Clinic phone (optional)"), validators=[
        Optional(), Length(max=40),
        Regexp(r"^[0-9 +()-]+$", message=PHONE_MESSAGE)])
    notes = TextAreaField(_l("Notes (optional)"), validators=[Optional(), Length(max=4000)])


YES_NO = (("yes", _l("Yes")), ("no", _l("No")))


class RefillForm(FlaskForm):
    """A refill on one form (issue 25; screener/staff/refills.py). With a pump record it asks
    what was drawn out and put in, the concentration and dose after it and whether the pump
    was reprogrammed; `check` then adds what only the pump's arithmetic can say."""

    form_key = HiddenField()  # once only: the same form sent twice records one refill
    refilled_on = DateInputField(_l("Date of the refill"), validators=[
        InputRequired(_l("Enter the date of the refill"))])
    drawn_ml = FiniteDecimalField(_l("Volume drawn out"), places=None, validators=_between(
        "0", "60", _l("Enter the volume drawn out, from 0 to 60 mL")))
    put_in_ml = FiniteDecimalField(_l("Volume in the reservoir after the refill"), places=None,
                                   validators=_between("0.1", "60", _l(
                                       "Enter the volume after the refill, from 0.1 to 60 mL")))
    concentration_mcg_per_ml = FiniteDecimalField(
        _l("Concentration"), places=None, validators=_between(
            "10", "4000", _l("Enter a concentration from 10 to 4,000 micrograms/mL")))
    bridge_bolus = BooleanField(_l("A bridge bolus was given for the old drug in the catheter"))
    fall_planned = BooleanField(_l("The concentration falls: the stronger old drug in the "
                                   "catheter is planned for, and they are watched for overdose"))
    daily_dose_mcg = FiniteDecimalField(_l("Daily dose"), places=None, validators=_between(
        "1", "2000", _l("Enter a daily dose from 1 to 2,000 micrograms")))
    titration_reason = TextAreaField(_l("Why the dose rises this much"),
                                     validators=[Optional(), Length(max=2000)])
    reprogrammed = RadioField(_l("Was the pump reprogrammed?"), choices=choices(YES_NO),
                              validators=[Optional()])
    pump_checked = BooleanField(_l("After programming, I checked the pump is running (no "
                                   "alarm, not stopped)"))
    residual_explanation = TextAreaField(_l("What was found about the volume drawn out"),
                                         validators=[Optional(), Length(max=2000)])
    next_refill_date = DateInputField(_l("Next refill booked for"), validators=[
        InputRequired(_l("Enter when the next refill is booked"))])
    another = BooleanField(_l("Record another refill for this day"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    # The patient's open screenings the refill deals with (choices set by the view).
    close = SelectMultipleField(_l("Close these screenings"), validate_choice=True)
    close_note = TextAreaField(_l("Note for the screenings closed (optional)"),
                               validators=[Optional(), Length(max=2000)])

    PUMP_FIELDS = ("drawn_ml", "put_in_ml", "concentration_mcg_per_ml", "daily_dose_mcg",
                   "reprogrammed")
    MISSING = {
        "drawn_ml": _l("Enter the volume drawn out: 0 if the reservoir was empty"),
        "put_in_ml": _l("Enter the volume in the reservoir after the refill"),
        "concentration_mcg_per_ml": _l("Enter the concentration"),
        "daily_dose_mcg": _l("Enter the daily dose"),
        "reprogrammed": _l("Select yes if the pump was reprogrammed"),
    }

    def validate_refilled_on(self, field) -> None:
        if field.data and field.data > service_today():
            raise ValidationError(_l("Date of the refill must be today or in the past"))

    def validate_next_refill_date(self, field) -> None:
        if self.refilled_on.data and field.data and field.data <= self.refilled_on.data:
            raise ValidationError(_l("Next refill booked for must be after the date of the "
                                     "refill"))

    def check_pump(self, reservoir_ml: float, alarm_ml: float) -> bool:
        """With a pump record: each pump answer is needed, no volume exceeds the reservoir,
        and the volume put in is above the alarm volume (else it alarms at once)."""
        valid = True
        for name in self.PUMP_FIELDS:
            field = self[name]
            if not field.errors and field.data in (None, ""):
                field.errors = [*field.errors, self.MISSING[name]]
                valid = False
        for field in (self.drawn_ml, self.put_in_ml):
            if field.data is not None and not field.errors and field.data > Decimal(
                    str(reservoir_ml)):
                field.errors = [_l("Enter no more than the reservoir's %(size)g mL",
                                   size=reservoir_ml)]
                valid = False
        put_in = self.put_in_ml
        if put_in.data is not None and not put_in.errors and put_in.data <= Decimal(
                str(alarm_ml)):
            put_in.errors = [_l("Enter more than the alarm volume, %(alarm)g mL: the pump "
                                "would alarm at once", alarm=alarm_ml)]
            valid = False
        return valid

    def check(self, review) -> bool:
        """What the refill's arithmetic (screener/pump/refill.py) refuses until answered."""
        valid = True
        if review.bridge_needed and not self.bridge_bolus.data:
            self.bridge_bolus.errors = [_l(
                "The concentration rises: give a bridge bolus and tick to confirm it, or the "
                "old drug in the catheter gives too little for days")]
            valid = False
        if review.concentration_falls and not self.fall_planned.data:
            self.fall_planned.errors = [_l(
                "The concentration falls: until the old drug clears the pump gives more than "
                "the dose. Plan for it, and tick to confirm")]
            valid = False
        if review.too_fast and not (self.titration_reason.data or "").strip():
            self.titration_reason.errors = [_l(
                "The dose rises by more than 15 % in a day: say why")]
            valid = False
        if review.changed and self.reprogrammed.data == "no":
            self.reprogrammed.errors = [_l(
                "A new dose or concentration must be programmed into the pump: select yes")]
            valid = False
        return valid


class PumpEventForm(FlaskForm):
    """An MRI scan, a programming session or a check that the pump is running."""

    kind = RadioField(_l("What happened"), choices=choices(PUMP_EVENTS), validators=[
        InputRequired(_l("Select what happened"))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class ResidualExplanationForm(FlaskForm):
    explanation = TextAreaField(_l("What was found about the residual"), validators=[
        DataRequired(_l("Enter what was found about the residual")), Length(max=2000)])


DOSING = (("continuous", _l("Continuous: the same rate all day")),
          ("schedule", _l("A simple daily schedule: different rates at set times")))
SCHEDULE_STEPS = 4
TIME = re.compile(r"([01]?[0-9]|2[0-3]):[0-5][0-9]")
_STEP_RATE = _between("0", "100", _l("Enter a rate from 0 to 100 micrograms an hour"))


def _required_between(low: str, high: str, missing, message) -> list:
    return [InputRequired(missing), NumberRange(Decimal(low), Decimal(high), message)]


class PumpSettingForm(FlaskForm):
    """A new version of the pump record (issue 25, item 1); screener/staff/pump.py."""

    model_id = SelectField(_l("Make and model"), validators=[
        InputRequired(_l("Select the make and model, or another pump"))])  # choices: the view
    other_model = StringField(_l("Another pump: its make and model"),
                              validators=[Optional(), Length(max=80)])
    reservoir_ml = FiniteDecimalField(_l("Its reservoir size"), places=1, validators=_between(
        "5", "60", _l("Enter a reservoir size from 5 to 60 mL")))
    alarm_ml = FiniteDecimalField(_l("Low-reservoir alarm volume"), places=1,
                                  validators=_required_between(
                                      "0.5", "20", _l("Enter the low-reservoir alarm volume"),
                                      _l("Enter an alarm volume from 0.5 to 20 mL")))
    concentration_mcg_per_ml = FiniteDecimalField(
        _l("Concentration"), places=1, validators=_required_between(
            "10", "4000", _l("Enter the concentration"),
            _l("Enter a concentration from 10 to 4,000 micrograms/mL")))
    # Not answered is continuous, as the form opens.
    dosing = RadioField(_l("How the dose is given"), default="continuous", choices=choices(
        DOSING), validators=[Optional()])
    daily_dose_mcg = FiniteDecimalField(_l("Daily dose"), places=None, validators=_between(
        "1", "2000", _l("Enter a daily dose from 1 to 2,000 micrograms")))
    # A simple daily schedule: up to SCHEDULE_STEPS steps, each from its start time to the
    # next step's (screener/pump/projection.py's scheduled_daily_dose).
    step1_start = StringField(_l("Step 1 starts at"), validators=[Optional(), Length(max=5)])
    step1_rate = FiniteDecimalField(_l("Step 1 rate"), places=None, validators=_STEP_RATE)
    step2_start = StringField(_l("Step 2 starts at"), validators=[Optional(), Length(max=5)])
    step2_rate = FiniteDecimalField(_l("Step 2 rate"), places=None, validators=_STEP_RATE)
    step3_start = StringField(_l("Step 3 starts at"), validators=[Optional(), Length(max=5)])
    step3_rate = FiniteDecimalField(_l("Step 3 rate"), places=None, validators=_STEP_RATE)
    step4_start = StringField(_l("Step 4 starts at"), validators=[Optional(), Length(max=5)])
    step4_rate = FiniteDecimalField(_l("Step 4 rate"), places=None, validators=_STEP_RATE)
    bolus_mcg_per_day = FiniteDecimalField(
        _l("Boluses allowed a day (optional)"), places=1, validators=_between(
            "0", "2000", _l("Enter the boluses allowed a day, from 0 to 2,000 micrograms")))
    implanted_on = DateInputField(_l("Implant date (optional)"), validators=[Optional()])
    indicator_on = DateInputField(_l("Replacement indicator shown on (optional)"),
                                  validators=[Optional()])
    catheter_cm = FiniteDecimalField(_l("Catheter length implanted (optional)"), places=1,
                                     validators=_between("1", "110", _l(
                                         "Enter a catheter length from 1 to 110 cm")))
    catheter_notes = TextAreaField(_l("Catheter notes (optional)"),
                                   validators=[Optional(), Length(max=2000)])
    reason = TextAreaField(_l("Why it changed (optional)"),
                           validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid = self._check_dose() and valid
        if self.model_id.data == "other":
            if not (self.other_model.data or "").strip():
                self.other_model.errors = [*self.other_model.errors,
                                           _l("Enter the make and model of the pump")]
                valid = False
            if self.reservoir_ml.data is None and not self.reservoir_ml.errors:
                self.reservoir_ml.errors = [_l("Enter the pump's reservoir size")]
                valid = False
        size = self.reservoir_size()
        if (size is not None and self.alarm_ml.data is not None and not self.alarm_ml.errors
                and self.alarm_ml.data >= size):
            self.alarm_ml.errors = [_l("Enter an alarm volume below the reservoir size")]
            valid = False
        for field in (self.implanted_on, self.indicator_on):
            if field.data and field.data > service_today() and not field.errors:
                field.errors = [_l("%(label)s must be today or in the past",
                                   label=str(field.label.text).replace(" (optional)", ""))]
                valid = False
        if (self.implanted_on.data and self.indicator_on.data
                and self.indicator_on.data < self.implanted_on.data):
            self.indicator_on.errors = [*self.indicator_on.errors,
                                        _l("Enter a date on or after the implant date")]
            valid = False
        return valid

    def steps(self) -> list[Step]:
        """The schedule's steps as typed (those with a start time)."""
        return [Step(self[f"step{n}_start"].data.strip(), float(self[f"step{n}_rate"].data))
                for n in range(1, SCHEDULE_STEPS + 1)
                if (self[f"step{n}_start"].data or "").strip()
                and self[f"step{n}_rate"].data is not None]

    def _check_dose(self) -> bool:
        """Continuous: a daily dose. A schedule: each step a time and a rate, the times
        different, the day's dose from 1 to 2,000 micrograms."""
        if self.dosing.data != "schedule":
            if self.daily_dose_mcg.data is None and not self.daily_dose_mcg.errors:
                self.daily_dose_mcg.errors = [_l("Enter the daily dose")]
                return False
            return True
        valid = True
        for n in range(1, SCHEDULE_STEPS + 1):
            start, rate = self[f"step{n}_start"], self[f"step{n}_rate"]
            typed = (start.data or "").strip()
            if typed and not TIME.fullmatch(typed) and not start.errors:
                start.errors = [_l("Enter step %(n)d's start as a time, like 08:00", n=n)]
                valid = False
            if typed and rate.data is None and not rate.errors:
                rate.errors = [_l("Enter step %(n)d's rate", n=n)]
                valid = False
            if rate.data is not None and not typed and not start.errors:
                start.errors = [_l("Enter step %(n)d's start time", n=n)]
                valid = False
        if not valid:
            return False
        steps = self.steps()
        if not steps:
            self.step1_start.errors = [_l("Enter the schedule's first step: its start time "
                                          "and rate")]
            return False
        try:
            daily = scheduled_daily_dose(steps)
        except ValueError:
            self.step1_start.errors = [_l("Give each step a different start time")]
            return False
        if not 1 <= daily <= 2000:
            self.step1_rate.errors = [_l("The schedule gives %(dose)g micrograms a day: make "
                                         "it from 1 to 2,000", dose=daily)]
            return False
        return True

    def reservoir_size(self) -> Decimal | None:
        known = MODELS.get(self.model_id.data or "")
        return Decimal(known.reservoir_ml) if known else self.reservoir_ml.data
