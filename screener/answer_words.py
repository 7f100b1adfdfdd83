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

from .clinical.ruleset import UNKNOWN, Feature, RuleSet
from .clinical.scoring import Assessment
from .forms import NONE
from .pages import Page, pages_for

LOCALE = "en-GB"  # the only language until a clinician has reviewed a translation
NOT_KNOWN = "I don\u2019t know, or not answered"
YES_NO = {True: "Yes", False: "No"}


@dataclass(frozen=True)
class Row:
    key: str  # a feature or vital id, "route", "symptoms" or "respondent"
    question: str
    words: str


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
    sections = []
    for page in pages_for(rules, route):
        rows: list[Row] = []
        if page.kind in ("signs", "symptoms"):
            ticked = [f.question for f in page.features(rules) if f.id in symptoms]
            rows.append(Row("symptoms", page.title, "; ".join(ticked) or "None of these"))
        elif page.kind == "route":
            rows.append(Row("route", page.title, next(
                (r["label"] for r in rules.routes if r["id"] == route), NOT_KNOWN)))
        elif page.kind == "history":
            rows += [Row(f.id, f.question, _history_words(f, history))
                     for f in page.features(rules, route)]
        elif page.kind == "vitals":
            for vital in rules.vitals.values():
                value = vitals.get(vital.id)
                rows.append(Row(vital.id, vital.label, "Not measured" if value is None
                                else f"{value:g} {vital.unit}"))
        elif page.kind == "about" and staff:
            rows.append(Row("respondent", "Who filled in the check", next(
                (r["label"] for r in rules.respondents
                 if r["id"] == answers.get("respondent")), "Not answered")))
            rows.append(Row("patient_ref", "Patient reference",
                            answers.get("patient_ref") or "Not given"))
        if rows:
            sections.append(Section(page, tuple(rows)))
    return sections


def _history_words(feature: Feature, history: dict[str, Any]) -> str:
    words = _value_words(feature, history.get(feature.id, UNKNOWN))
    follows = feature.follows
    if follows and not follows.asked(history.get(follows.parent, UNKNOWN)):
        return "Not asked" + ("" if words == NOT_KNOWN else f" (taken as {words.lower()})")
    return words


def _value_words(feature: Feature, value: Any) -> str:
    if feature.kind == "number":
        return NOT_KNOWN if value in (UNKNOWN, None) else f"{value:g} {feature.unit}"
    if feature.kind == "choice":
        chosen = feature.option(value)
        return chosen.label if chosen else NOT_KNOWN
    return YES_NO.get(value, NOT_KNOWN)


def why_in_one_line(assessment: Assessment, audience: str, rules: RuleSet) -> str:
    """Why this level: the rule that set it, or the score against the level's threshold."""
    level = assessment.level
    setting = next((r for r in assessment.discriminators if r.level == level), None)
    if setting is not None:
        return setting.says if audience != "staff" and setting.says else setting.label
    threshold = rules.level(level).min_score
    if assessment.score and threshold:
        return (f"The answers add up to {assessment.score} points; {threshold} or more "
                f"means \u201c{level}\u201d.")
    return "No sign of baclofen withdrawal or overdose was reported."


def shown(assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    """What the result and staff pages show beyond the stored assessment, in the words of
    the rule set that scored it: kept with the screening so that its pages never take
    wording from a later rule set."""
    return {
        "locale": LOCALE,
        "ruleset_version": rules.version,
        "ruleset_hash": rules.short_hash,
        "meaning": rules.level(assessment.level).meaning,
        "why": {audience: why_in_one_line(assessment, audience, rules)
                for audience in ("caregiver", "staff")},
        "call_script": {"confirm": list(rules.call_script.confirm),
                        "say": list(rules.call_script.say.get(assessment.level, ()))},
        "answers": [{"title": section.page.title,
                     "rows": [[row.key, row.question, row.words] for row in section.rows]}
                    for section in in_words(assessment.answers, rules, staff=True)],
    }


def shown_for(screening: Any, rules: RuleSet) -> dict[str, Any]:
    """What a stored screening's pages show: as kept with it. One stored before that was kept
    is worded again by `rules`, marked `reworded` when `rules` did not score it (its pages
    then say so)."""
    if screening.shown:
        return screening.shown
    again = shown(screening.result, rules)
    again["reworded"] = screening.ruleset_hash != rules.short_hash
    return again
