"""Answers and outcomes in plain words: the answers page by page (the last page's summary,
the staff screening page and a follow-up call's "last time" hints), and why a level was
reached, in one line.

It reads answers in the API's shape (as stored, or as the web form's `to_request` makes
them). Every question asked for the route gets a row, so staff see the "no" and "I don't
know" answers and the blanks, not only the answers that counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..clinical import Assessment
from ..clinical.rules import UNKNOWN, Feature, RuleSet
from ..web import language
from ..web.language import gettext as _
from .forms import NONE
from .pages import Page, pages_for


@dataclass(frozen=True)
class Row:
    key: str  # a feature or vital id, "route", "symptoms" or "respondent"
    question: str
    words: str
    known: bool = True  # False: not answered, "I don't know" or not measured


@dataclass(frozen=True)
class Section:
    page: Page
    rows: tuple[Row, ...]


def in_words(answers: dict[str, Any], rules: RuleSet, staff: bool = False) -> list[Section]:
    """Each page asked for the route, with every answer in words (the last page's own
    questions only for staff: the caregiver is answering them)."""
    route = answers.get("route") or UNKNOWN
    history = answers.get("history") or {}
    symptoms = set(answers.get("symptoms") or ()) - {NONE}
    vitals = answers.get("vitals") or {}
    age = history.get("age_years")
    age = age if isinstance(age, int | float) else None
    said = _Phrases()  # the fixed phrases, looked up once, not once a row
    sections = []
    # The kinds of change with a box ticked: their pages, and the "What has changed?" row.
    changed = tuple(sorted({rules.features[s].group for s in symptoms if s in rules.features}))
    for page in pages_for(rules, route, changed or (NONE,)):
        rows: list[Row] = []
        if page.kind in ("signs", "symptoms"):
            ticked = [f.question for f in page.features(rules) if f.id in symptoms]
            rows.append(Row("symptoms", page.heading, "; ".join(ticked) or _("None of these")))
        elif page.kind == "changes":
            kinds = [g["title"] for g in rules.groups if g["id"] in page.groups
                     and g["id"] in changed]
            rows.append(Row("changes", page.heading,
                            "; ".join(kinds) or _("Nothing new or worse")))
        elif page.kind == "route":
            label = next((r["label"] for r in rules.routes if r["id"] == route), None)
            rows.append(Row("route", page.heading, label or said.not_known, label is not None))
        elif page.kind in ("age", "history"):
            rows += [_history_row(f, history, said) for f in page.features(rules, route, age)]
        elif page.kind == "vitals":
            for vital in rules.vitals.values():
                value = vitals.get(vital.id)
                rows.append(Row(vital.id, vital.label, said.not_measured if value is None
                                else f"{value:g} {vital.unit}", value is not None))
        elif page.kind == "about" and staff:
            rows.append(Row("respondent", _("Who filled in the check"), next(
                (r["label"] for r in rules.respondents
                 if r["id"] == answers.get("respondent")), _("Not answered"))))
            rows.append(Row("patient_ref", _("Patient reference"),
                            answers.get("patient_ref") or _("Not given")))
        if rows:
            sections.append(Section(page, tuple(rows)))
    return sections


class _Phrases:
    """The phrases every answer summary uses, in the request's language."""

    def __init__(self) -> None:
        self.not_known = _("I don\u2019t know, or not answered")
        self.not_measured = _("Not measured")
        self.yes, self.no = _("Yes"), _("No")


def _history_row(feature: Feature, history: dict[str, Any], said: _Phrases) -> Row:
    value = history.get(feature.id, UNKNOWN)
    known = value not in (UNKNOWN, None) and (feature.kind != "choice"
                                              or feature.option(value) is not None)
    words = _value_words(feature, value, said) if known else said.not_known
    follows = feature.follows
    if follows and not follows.asked(history.get(follows.parent, UNKNOWN)):
        words = (_("Not asked (taken as %(answer)s)", answer=words.lower()) if known
                 else _("Not asked"))
    return Row(feature.id, feature.question, words, known)


def _value_words(feature: Feature, value: Any, said: _Phrases) -> str:
    """A known answer in words."""
    if feature.kind == "number":
        return f"{value:g} {feature.unit}"
    if feature.kind == "choice":
        return feature.option(value).label
    return said.yes if value is True else said.no if value is False else str(value)


def why_in_one_line(assessment: Assessment, audience: str, rules: RuleSet) -> str:
    """Why this level: the rule that set it, or the score against the level's threshold."""
    level = assessment.level
    setting = next((r for r in assessment.discriminators if r.level == level), None)
    if setting is not None:
        return setting.says if audience != "staff" and setting.says else setting.label
    threshold = rules.level(level).min_score
    if assessment.score and threshold:
        return _("The answers add up to %(score)d points; %(threshold)d or more means "
                 "\u201c%(level)s\u201d.", score=assessment.score, threshold=threshold,
                 level=level)
    return _("No sign of baclofen withdrawal or overdose was reported.")


def _first_aid_to_read_out(assessment: Assessment, rules: RuleSet) -> list[str]:
    """The caregiver's first-aid lines this result gave, for staff to read out on the call
    (review 2, W10): the additions the call script names, as the caregiver saw them."""
    texts = {rules.addition[i].text for i in rules.call_script.read_out if i in rules.addition}
    advice = assessment.advice.get("caregiver")
    return [_("Read out: %(line)s", line=line) for line in (advice.do_now if advice else ())
            if line in texts]


def words_shown(assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    """What the result and staff pages show beyond the stored assessment, in the words of
    the rule set that scored it: kept with the screening so that its pages never take
    wording from a later rule set."""
    return {
        "locale": language.locale(),
        "ruleset_version": rules.version,
        "ruleset_hash": rules.short_hash,
        "meaning": rules.level(assessment.level).meaning,
        "why": {audience: why_in_one_line(assessment, audience, rules)
                for audience in ("caregiver", "staff")},
        "call_script": {"confirm": list(rules.call_script.confirm),
                        "say": [*rules.call_script.say.get(assessment.level, ()),
                                *_first_aid_to_read_out(assessment, rules)]},
        "answers": [{"title": section.page.heading,
                     "rows": [[row.key, row.question, row.words] for row in section.rows]}
                    for section in in_words(assessment.answers, rules, staff=True)],
    }


def words_shown_for(screening: Any, rules: RuleSet) -> dict[str, Any]:
    """What a stored screening's pages show: as kept with it. One stored before that was kept
    is worded again by `rules`, marked `reworded` when `rules` did not score it (its pages
    then say so)."""
    if screening.shown:
        return screening.shown
    again = words_shown(screening.result, rules)
    again["reworded"] = screening.ruleset_hash != rules.short_hash
    return again
