"""Staff forms. Filter forms use GET and change nothing, so they carry no CSRF token; the
patient search is the exception (POST), as names must stay out of URLs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
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
    ValidationError,
)

from ..clinical.answers import PATIENT_REF_MAX
from ..journey.forms import a_reference, choices
from ..models import ACTION_KINDS
from ..web.formatting import LEVEL_NAMES


class UKDateField(DateField):
    """A date typed as people in the UK write it (22/11/2026); ISO dates (2026-11-22) work
    too, so links and scripts that send them keep working."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%d/%m/%Y", "%Y-%m-%d"], **kwargs)


STATUS_FILTERS = (("active", _l("Open or claimed")), ("open", _l("Open, not claimed")),
                  ("claimed", _l("Claimed")), ("closed", _l("Closed")), ("all", _l("All")))
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


class QueueFilterForm(FilterForm):
    level = SelectField(_l("Level"), choices=choices([("", _l("Any level"))] + [
        (level, _l(name)) for level, name in LEVEL_NAMES.items()]), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(STATUS_FILTERS), default="active")
    date_from = UKDateField(_l("From (UTC date)"), validators=[Optional()])
    date_to = UKDateField(_l("To (UTC date)"), validators=[Optional()])


class DateRangeForm(FilterForm):
    date_from = UKDateField(_l("From (UTC date)"), validators=[Optional()])
    date_to = UKDateField(_l("To (UTC date)"), validators=[Optional()])


class AuditFilterForm(DateRangeForm):
    username = StringField(_l("User"), validators=[Optional(), Length(max=64)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=32)])
    record_type = SelectField(_l("Record type"), choices=choices([
        ("", _l("Any")), ("screening", _l("Screening")), ("patient", _l("Patient")),
        ("user", _l("User")), ("export", _l("Export")), ("page", _l("Page"))]),
        validators=[Optional()])


class ActionForm(FlaskForm):
    kind = RadioField(_l("What was done?"), choices=choices(
        kind for kind in ACTION_KINDS if kind[0] != "follow_up_call"),  # recorded by the call
                      validators=[InputRequired(_l("Select what was done"))])
    note = TextAreaField(_l("Note (optional)"), validators=[
        Optional(), Length(max=2000, message=_l("Keep the note under 2,000 characters"))])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
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
    reservoir_ml = DecimalField(_l("Reservoir volume (optional)"), places=1, validators=[
        Optional(), NumberRange(0, 100, _l("Enter a reservoir volume from 0 to 100 mL"))])
    concentration_mcg_per_ml = DecimalField(_l("Concentration (optional)"), places=1, validators=[
        Optional(),
        NumberRange(0, 4000, _l("Enter a concentration from 0 to 4,000 micrograms/mL"))])
    daily_dose_mcg = DecimalField(_l("Daily dose (optional)"), places=1, validators=[
        Optional(), NumberRange(0.1, 2000, _l("Enter a daily dose from 0.1 to 2,000 micrograms"))])
    low_reservoir_alarm_ml = DecimalField(_l("Low-reservoir alarm volume (optional)"), places=1,
                                          validators=[Optional(), NumberRange(
                                              0.1, 40,
                                              _l("Enter an alarm volume from 0.1 to 40 mL"))])
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


class RefillForm(FlaskForm):
    refilled_on = UKDateField(_l("Date of the refill"), validators=[
        InputRequired(_l("Enter the date of the refill"))])
    next_refill_date = UKDateField(_l("Next refill due"), validators=[
        InputRequired(_l("Enter when the next refill is due"))])
    volume_ml = DecimalField(_l("Volume put in (optional)"), places=1, validators=[
        Optional(), NumberRange(0.1, 100, _l("Enter a volume from 0.1 to 100 mL"))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    # The patient's open screenings the refill deals with (choices set by the view).
    close = SelectMultipleField(_l("Close these screenings"), validate_choice=True)
    close_note = TextAreaField(_l("Note for the screenings closed (optional)"),
                               validators=[Optional(), Length(max=2000)])

    def validate_next_refill_date(self, field) -> None:
        if self.refilled_on.data and field.data and field.data <= self.refilled_on.data:
            raise ValidationError(_l("The next refill must be after the date of this refill"))

