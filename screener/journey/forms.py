"""WTForms for each question page, built from the catalogue, and their conversion to answers.

The forms check what a person typed and give a specific message for each field; the
answers they produce go through the same validation and scoring as the API.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from ..clinical.answers import PATIENT_REF_MAX, UNKNOWN
from ..clinical.rules import Feature, RuleSet
from ..web.references import reference_problem
from .pages import ALL_CHANGES, NOTHING_NEW, Page, changes_chosen, pages_for

YES_NO_UNKNOWN = [("yes", _l("Yes")), ("no", _l("No")), (UNKNOWN, _l("I don\u2019t know"))]
FORM_ANSWERS = {"yes": True, "no": False}  # the form's words in the API's terms
ANSWER_WORDS = {answer: word for word, answer in FORM_ANSWERS.items()}  # and back
CALL_BACK = [("yes", _l("Yes")), ("no", _l("No"))]
NONE = NOTHING_NEW  # "None of these", and "Nothing new or worse": on its own only
FAHRENHEIT = "f"


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (rendered by our own template macro)."""


def parse_number(text: str | None) -> float | None:
    """A number as people type it ("38,5", " 120 "); None when blank; ValueError if not one."""
    text = (text or "").strip().replace(",", ".")
    return float(text) if text else None


def fahrenheit_to_celsius(value: float) -> float:
    return round((value - 32) * 5 / 9, 1)


def _between(low: float, high: float, message: str):
    def check(form, field: Field) -> None:
        try:
            value = parse_number(field.data)
        except ValueError:
            raise ValidationError(message) from None
        if value is not None and not low <= value <= high:
            raise ValidationError(message)

    return check


NOT_A_CHOICE = _l("Select one of the answers shown")


def only_choices(form, field: Field) -> None:
    """A radio's answer is one of its choices, even where the question is optional: first in
    the chain, as `Optional()` would clear WTForms' own choice check (red team 2, L12: a space
    as the pump's make was kept, then refused by the scoring on every later page)."""
    value = (field.raw_data or [""])[0]
    if value != "" and value not in {str(choice.value) for choice in field.iter_choices()}:
        field.errors[:] = []
        raise StopValidation(NOT_A_CHOICE)


NONE_ONLY_ALONE = _l("Select \u2018None of these\u2019 only if none of the others applies")


def _one_or_none(what, only_alone=NONE_ONLY_ALONE):
    """At least one box, and "None of these" only on its own (exclusive). (A box that means
    an emergency ticked with it is not refused: the view ends the check first.)"""
    def check(form, field: Field) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError(what)
        if NONE in chosen and len(chosen) > 1:
            raise ValidationError(only_alone)

    return check


def _temperature(form, field: Field) -> None:
    """Accept °C or °F; the plausible range is 25-45 °C (77-113 °F)."""
    message = _l("Enter a temperature between 25 and 45 \u00b0C (77 and 113 \u00b0F)")
    try:
        value = parse_number(field.data)
    except ValueError:
        raise ValidationError(message) from None
    if value is None:
        return
    celsius = fahrenheit_to_celsius(value) if form.temperature_unit.data == FAHRENHEIT else value
    if not 25 <= celsius <= 45:
        if form.temperature_unit.data != FAHRENHEIT and 77 <= value <= 113:
            message = _l("Enter a temperature between 25 and 45 \u00b0C (77 and 113 \u00b0F)."
                         " It looks like \u00b0F: choose \u00b0F below the box")
        raise ValidationError(message)


def _age(form, field: Field) -> None:
    """The age in years (or months under 2), or "I don't know": one of them, and a real age."""
    years, months = _number_or_none(field.data), _number_or_none(form.age_months.data)
    given = bool((field.data or "").strip() or (form.age_months.data or "").strip())
    if form.age_unknown.data and given:
        raise ValidationError(_l("Give their age, or select \u2018I don\u2019t know their "
                                 "age\u2019, not both"))
    if form.age_unknown.data or (months is not None and not (field.data or "").strip()):
        return
    if not given:
        raise ValidationError(_l("Enter their age in years (in months if they are under 2), "
                                 "or select \u2018I don\u2019t know their age\u2019"))
    if (field.data or "").strip() and (years is None or not 0 <= years <= 120):
        raise ValidationError(_l("Enter their age as a number of years from 0 to 120"))


def _age_months(form, field: Field) -> None:
    if not (field.data or "").strip():
        return
    months = _number_or_none(field.data)
    if months is None or not 0 <= months < 24:
        raise ValidationError(_l("Enter an age in months from 0 to 23, or give it in years"))
    if (form.age_years.data or "").strip():
        raise ValidationError(_l("Give their age in years or in months, not both"))


def _number_or_none(text: str | None) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None


def age_from(values: dict[str, Any]) -> float | None:
    """The age in years from the age page's answers (months under 2), or None."""
    years = _number_or_none(values.get("age_years"))
    if years is not None:
        return years
    months = _number_or_none(values.get("age_months"))
    return None if months is None else round(months / 12, 3)


def _unit_needed(form, field: Field) -> None:
    if (form.temperature.data or "").strip() and not field.data:
        raise ValidationError(_l("Select \u00b0C or \u00b0F for the temperature"))


def _history_fields(page: Page, ruleset: RuleSet, route: str | None,
                    age: float | None, only: tuple[str, ...] | None) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for feature in page.features(ruleset, route, age):
        if only is not None and feature.id not in only:
            continue
        if feature.kind in ("history", "choice"):
            answers = (YES_NO_UNKNOWN if feature.kind == "history" else
                       [*((o.id, o.label) for o in feature.options), YES_NO_UNKNOWN[-1]])
            presence = (Optional() if feature.optional else InputRequired(
                _l("Select Yes, No or I don\u2019t know: %(question)s",
                   question=feature.question)))
            fields[feature.id] = RadioField(feature.question, choices=choices(answers),
                                            validators=[only_choices, presence])
        elif feature.kind == "number":
            low, high = feature.min, feature.max
            fields[feature.id] = StringField(feature.question, validators=[
                Optional(), _between(low, high, _l(
                    "Enter a number of %(unit)s from %(low)s to %(high)s, or leave it blank if "
                    "you do not know", unit=feature.unit, low=f"{low:g}", high=f"{high:g}"))])
    return fields


@cache
def form_class(page: Page, ruleset: RuleSet, route: str | None,
               callback: bool = False, age: float | None = None,
               only: tuple[str, ...] | None = None) -> type[FlaskForm]:
    """The form for `page` (history pages depend on the route, and may ask `only` some of
    their questions; the last page asks for a number to call back only where the service
    reads the checks)."""
    fields: dict[str, Any] = {}
    offered = {g for p in pages_for(ruleset, route) for g in p.groups if p.kind == "symptoms"}
    if page.kind in ("signs", "symptoms"):
        boxes = [(f.id, f.question) for f in page.features(ruleset, age=age)] + [
            (NONE, _l("None of these"))]
        what = (_l("Select the signs that are happening, or select \u2018None of these\u2019")
                if page.kind == "signs" else
                _l("Select what you have noticed, or select \u2018None of these\u2019"))
        fields["symptoms"] = CheckboxesField(_l(page.title), choices=choices(boxes),
                                             validators=[_one_or_none(what)])
    elif page.kind == "changes":
        kinds = [(g["id"], g["title"]) for g in ruleset.groups
                 if g["id"] in page.groups and g["id"] in offered]
        fields["changes"] = CheckboxesField(_l(page.title), choices=choices(
            [*kinds, (ALL_CHANGES, _l("I\u2019m not sure: show me all of them")),
             (NOTHING_NEW, _l("Nothing new or worse"))]), validators=[_one_or_none(
                 _l("Select what has changed, or select \u2018Nothing new or worse\u2019"),
                 _l("Select \u2018Nothing new or worse\u2019 only if nothing has changed"))])
    elif page.kind == "age":
        fields["age_years"] = StringField(_l("Age in years"), validators=[_age])
        fields["age_months"] = StringField(_l("Age in months"), validators=[_age_months])
        fields["age_unknown"] = BooleanField(_l("I don\u2019t know their age"))
    elif page.kind == "route":
        fields["route"] = RadioField(_l(page.title), choices=choices((r["id"], r["label"])
                                                                 for r in ruleset.routes),
                                     validators=[InputRequired(
                                         _l("Select how they take baclofen"))])
    elif page.kind == "history":
        fields.update(_history_fields(page, ruleset, route, age, only))
    elif page.kind == "vitals":
        fields["temperature"] = StringField(_l("Temperature"), validators=[_temperature])
        fields["temperature_unit"] = RadioField(
            _l("Temperature unit"), choices=choices([("c", "\u00b0C"), (FAHRENHEIT, "\u00b0F")]),
            validators=[_unit_needed], validate_choice=False)
        for vital in ruleset.vitals.values():
            if vital.id != "temperature_c":
                fields[vital.id] = StringField(vital.label, validators=[_between(
                    vital.min, vital.max, _l(
                        "Enter %(what)s between %(low)s and %(high)s %(unit)s, or leave it blank",
                        what=vital.label.lower(), low=f"{vital.min:g}", high=f"{vital.max:g}",
                        unit=vital.unit))])
    elif page.kind == "about":
        fields["respondent"] = RadioField(_l("Who is filling in this check?"), choices=choices(
            (r["id"], r["label"]) for r in ruleset.respondents),
            validators=[InputRequired(_l("Select who is filling in this check"))])
        fields["patient_ref"] = StringField(_l("Patient reference (optional)"), validators=[
            Optional(), Length(max=PATIENT_REF_MAX, message=_l(
                "Enter a reference of %(most)d characters or fewer", most=PATIENT_REF_MAX)),
            a_reference])
        if callback:  # Yes is the consent, and reveals the number (UX walk 2, finding 12)
            fields["callback_consent"] = RadioField(
                _l("Can the clinic call you back about this check?"),
                choices=choices(CALL_BACK), validators=[only_choices, Optional()])
            fields["callback_phone"] = StringField(_l("Phone number"),
                                                   validators=[_phone_if_called_back])
    return type(f"{page.id.title().replace('-', '')}Form", (FlaskForm,), fields)


def a_reference(form, field: Field) -> None:
    """A clinic's reference, never a name or a phone number (the pattern is a setting)."""
    problem = reference_problem((field.data or "").strip(),
                                current_app.config["PATIENT_REF_PATTERN"])
    if problem:
        raise ValidationError(problem)


def _phone(form, field: Field) -> None:
    """A phone number as people write it: digits, spaces, brackets, hyphens and a leading +."""
    text = (field.data or "").strip()
    digits = sum(c.isdigit() for c in text)
    if not re.fullmatch(r"\+?[0-9 ()-]+", text) or not 7 <= digits <= 15:
        raise ValidationError(_l("Enter a phone number, like 07700 900 982 or "
                                 "+44 7700 900 982"))


def _phone_if_called_back(form, field: Field) -> None:
    """The number only with Yes to a call back; with No (or no answer) a number typed (the
    field shows without JavaScript) is dropped, never kept or refused."""
    if not called_back(form.callback_consent.data):
        field.data = ""
        raise StopValidation()
    if not (field.data or "").strip():
        raise StopValidation(_l("Enter the phone number the clinic can call you on, or "
                                "choose No"))
    _phone(form, field)


def called_back(answer: Any) -> bool:
    """Yes to "Can the clinic call you back?" (True: a draft saved when it was a tick box)."""
    return answer in ("yes", True)


def form_values(form: FlaskForm) -> dict[str, Any]:
    """What the person entered, to keep in the draft (never the CSRF token)."""
    return {name: value for name, value in form.data.items() if name != "csrf_token"}


def asks(feature: Feature, values: dict[str, Any]) -> bool:
    """Whether the page's answers ask `feature` (always, unless it is a follow-up)."""
    if feature.follows is None:
        return True
    parent = values.get(feature.follows.parent) or UNKNOWN
    return feature.follows.asked(FORM_ANSWERS.get(parent, parent))


def to_request(pages: dict[str, dict[str, Any]], ruleset: RuleSet) -> dict[str, Any]:
    """The draft's answers in the API's request shape (only pages asked for the route)."""
    route = (pages.get("route") or {}).get("route") or "unknown"
    # A page of symptoms left out by a later change of the kinds chosen does not count.
    asked = {p.id for p in pages_for(ruleset, route, changes_chosen(pages.get("changes")))}
    symptoms: list[str] = []
    history: dict[str, Any] = {}
    vitals: dict[str, float] = {}
    request: dict[str, Any] = {"route": route}
    for page_id, values in pages.items():
        if page_id not in asked:
            continue
        symptoms += [s for s in values.get("symptoms") or [] if s != NONE]
        for name, value in values.items():
            feature = ruleset.features.get(name)
            if feature is not None and not asks(feature, values):
                continue  # a follow-up the earlier answer ruled out (answered before a change)
            if feature is not None and feature.kind == "history" and value:
                history[name] = FORM_ANSWERS.get(value, UNKNOWN)
            elif feature is not None and feature.kind == "choice" and value:
                # Only an option's id (a draft kept before L12's fix may hold anything).
                if value == UNKNOWN or feature.option(value) is not None:
                    history[name] = value
            elif feature is not None and feature.kind == "number":
                number = parse_number(value)
                history[name] = UNKNOWN if number is None else number
            elif name in ruleset.vitals and parse_number(value) is not None:
                vitals[name] = parse_number(value)
        if page_id == "vitals" and parse_number(values.get("temperature")) is not None:
            temperature = parse_number(values["temperature"])
            if values.get("temperature_unit") == FAHRENHEIT:
                temperature = fahrenheit_to_celsius(temperature)
            vitals["temperature_c"] = temperature
        if page_id == "age":
            age = age_from(values)
            history["age_years"] = UNKNOWN if age is None else age
        if page_id == "about":
            request["respondent"] = values.get("respondent")
            if (values.get("patient_ref") or "").strip():
                request["patient_ref"] = values["patient_ref"].strip()
    return {**request, "symptoms": symptoms, "history": history, "vitals": vitals}


def pages_from(answers: dict[str, Any], ruleset: RuleSet) -> dict[str, dict[str, Any]]:
    """A saved screening's answers (the API's shape) as the journey's pages, each as its
    form would keep it: `to_request` the other way, so "Change your answers" starts a check
    already answered (UX walk 2, finding 13). The call back is asked again."""
    route = answers.get("route") or "unknown"
    history, vitals = answers.get("history") or {}, answers.get("vitals") or {}
    symptoms = set(answers.get("symptoms") or ())
    age = history.get("age_years")
    known_age = age if isinstance(age, int | float) else None
    # The kinds of change are those of the symptoms ticked after the emergency signs.
    kinds = sorted({ruleset.features[s].group for s in symptoms
                    if ruleset.features[s].group != "emergency_signs"}) or [NONE]
    pages: dict[str, dict[str, Any]] = {}
    for page in pages_for(ruleset, route, tuple(kinds)):
        if page.kind == "changes":
            pages[page.id] = {"changes": kinds}
        elif page.kind in ("signs", "symptoms"):
            ticked = [f.id for f in page.features(ruleset) if f.id in symptoms]
            pages[page.id] = {"symptoms": ticked or [NONE]}
        elif page.kind == "age":
            pages[page.id] = ({"age_unknown": True} if known_age is None else
                              {"age_months": f"{round(known_age * 12)}"} if known_age < 2 else
                              {"age_years": f"{known_age:g}"})
        elif page.kind == "route":
            pages[page.id] = {"route": route}
        elif page.kind == "history":
            pages[page.id] = {f.id: _form_answer(f, history.get(f.id))
                              for f in page.features(ruleset, route, known_age)}
        elif page.kind == "vitals":
            values = {v: f"{vitals[v]:g}" if v in vitals else "" for v in ruleset.vitals}
            pages[page.id] = {**values, "temperature": values.pop("temperature_c", ""),
                              "temperature_unit": "c" if "temperature_c" in vitals else None}
        elif page.kind == "about":
            pages[page.id] = {"respondent": answers.get("respondent"),
                              "patient_ref": answers.get("patient_ref") or ""}
    return pages


def _form_answer(feature: Feature, value: Any) -> Any:
    """One history answer as its form field holds it (None: not answered)."""
    if feature.kind == "number":
        return "" if value in (None, UNKNOWN) else f"{value:g}"
    if feature.kind == "choice":
        return value
    return ANSWER_WORDS.get(value, value)
