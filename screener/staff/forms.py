"""Staff forms. Filter forms use GET and change nothing, so they carry no CSRF token; the
patient search is the exception (POST), as names must stay out of URLs."""

from __future__ import annotations

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
from ..clinical.ruleset import LEVELS
from ..forms import a_reference, choices
from ..models import ACTION_KINDS


class UKDateField(DateField):
    """A date typed as people in the UK write it (22/11/2026); ISO dates (2026-11-22) work
    too, so links and scripts that send them keep working."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%d/%m/%Y", "%Y-%m-%d"], **kwargs)


STATUS_FILTERS = (("active", "Open or claimed"), ("open", "Open, not claimed"),
                  ("claimed", "Claimed"), ("closed", "Closed"), ("all", "All"))
REFERENCE_RULES = [
    InputRequired("Enter the patient reference"),
    Length(max=PATIENT_REF_MAX, message=f"Enter a reference of {PATIENT_REF_MAX} characters "
                                        "or fewer"),
    a_reference,
]


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing


class QueueFilterForm(FilterForm):
    level = SelectField("Level", choices=choices([("", "Any level")] + [
        (lvl, lvl.title()) for lvl in LEVELS]), validators=[Optional()])
    status = SelectField("Status", choices=choices(STATUS_FILTERS), default="active")
    date_from = UKDateField("From (UTC date)", validators=[Optional()])
    date_to = UKDateField("To (UTC date)", validators=[Optional()])


class DateRangeForm(FilterForm):
    date_from = UKDateField("From (UTC date)", validators=[Optional()])
    date_to = UKDateField("To (UTC date)", validators=[Optional()])


class AuditFilterForm(DateRangeForm):
    username = StringField("User", validators=[Optional(), Length(max=64)])
    action = StringField("Action", validators=[Optional(), Length(max=32)])
    record_type = SelectField("Record type", choices=choices([
        ("", "Any"), ("screening", "Screening"), ("patient", "Patient"), ("user", "User"),
        ("export", "Export"), ("page", "Page")]), validators=[Optional()])


class ActionForm(FlaskForm):
    kind = RadioField("What was done?", choices=choices(
        kind for kind in ACTION_KINDS if kind[0] != "follow_up_call"),  # recorded by the call
                      validators=[InputRequired("Select what was done")])
    note = TextAreaField("Note (optional)", validators=[
        Optional(), Length(max=2000, message="Keep the note under 2,000 characters")])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == "other" and not (self.note.data or "").strip():
            # Not an inline validator: Optional() would stop the chain before it ran.
            self.note.errors = [*self.note.errors,
                                "Describe what was done when you choose \u2018Other\u2019"]
            return False
        return valid


class SearchForm(FlaskForm):
    """Sent as POST, with a CSRF token, so what was typed never travels in a URL."""
    q = StringField("Reference or name", filters=[lambda typed: (typed or "").strip()],
                    validators=[DataRequired("Enter a reference or a name to search for"),
        Length(max=64, message="Enter 64 characters or fewer")])


class LinkPatientForm(FlaskForm):
    reference = StringField("Patient reference", validators=REFERENCE_RULES)


class PatientForm(FlaskForm):
    reference = StringField("Patient reference", validators=REFERENCE_RULES)
    name = StringField("Name (optional)", validators=[Optional(), Length(max=120)])
    date_of_birth = UKDateField("Date of birth (optional)", validators=[Optional()])
    # Choices come from the rule set's routes (set by the view), the one list of routes.
    route = RadioField("How they take baclofen", default="unknown",
                       validators=[InputRequired("Select how they take baclofen")])
    pump_model = StringField("Pump model (optional)", validators=[Optional(), Length(max=80)])
    reservoir_ml = DecimalField("Reservoir volume (optional)", places=1, validators=[
        Optional(), NumberRange(0, 100, "Enter a reservoir volume from 0 to 100 mL")])
    concentration_mcg_per_ml = DecimalField("Concentration (optional)", places=1, validators=[
        Optional(), NumberRange(0, 4000, "Enter a concentration from 0 to 4,000 micrograms/mL")])
    daily_dose_mcg = DecimalField("Daily dose (optional)", places=1, validators=[
        Optional(), NumberRange(0.1, 2000, "Enter a daily dose from 0.1 to 2,000 micrograms")])
    low_reservoir_alarm_ml = DecimalField("Low-reservoir alarm volume (optional)", places=1,
                                          validators=[Optional(), NumberRange(
                                              0.1, 40, "Enter an alarm volume from 0.1 to 40 mL")])
    next_refill_date = UKDateField("Next refill date (optional)", validators=[Optional()])
    contact_name = StringField("Who to call (optional)", validators=[Optional(), Length(max=120)])
    contact_phone = StringField("Their phone (optional)", validators=[
        Optional(), Length(max=40),
        Regexp(r"^[0-9 +()-]+$", message="Enter a phone number using digits, spaces and + ( ) -")])
    clinic_name = StringField("Prescribing clinic (optional)",
                              validators=[Optional(), Length(max=120)])
    clinic_phone = StringField("Clinic phone (optional)", validators=[
        Optional(), Length(max=40),
        Regexp(r"^[0-9 +()-]+$", message="Enter a phone number using digits, spaces and + ( ) -")])
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=4000)])


class RefillForm(FlaskForm):
    refilled_on = UKDateField("Date of the refill", validators=[
        InputRequired("Enter the date of the refill")])
    next_refill_date = UKDateField("Next refill due", validators=[
        InputRequired("Enter when the next refill is due")])
    volume_ml = DecimalField("Volume put in (optional)", places=1, validators=[
        Optional(), NumberRange(0.1, 100, "Enter a volume from 0.1 to 100 mL")])
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])
    # The patient's open screenings the refill deals with (choices set by the view).
    close = SelectMultipleField("Close these screenings", validate_choice=True)
    close_note = TextAreaField("Note for the screenings closed (optional)",
                               validators=[Optional(), Length(max=2000)])

    def validate_next_refill_date(self, field) -> None:
        if self.refilled_on.data and field.data and field.data <= self.refilled_on.data:
            raise ValidationError("The next refill must be after the date of this refill")

