"""The rule set's wording in another language.

Every sentence in the rule file (questions, labels, meanings, advice, the call script) has
an id path ("features.itching.question") and its English text. A catalogue translates the
pair with gettext's context: `pgettext(id path, English)`. A translation therefore names the
English it was made from: when the rule set's English changes, the old translation no
longer matches and the new English is shown until a clinician reviews a new one (README,
"Adding a language"). Translation never touches what decides: ids, weights, conditions,
bands and sources are the same objects, so a translated rule set decides exactly as the
English one does (tests/clinical/test_translation.py).

`extract` lets `make messages` (pybabel) put the rule set's wording in the same catalogue
template as the pages' strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any, Protocol

from .rules import RuleSet, parse_ruleset

Say = Callable[[str, str], str]  # (id path, English) -> the words shown


class Catalogue(Protocol):
    """What a gettext catalogue offers (stdlib gettext, Babel, Flask-Babel)."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def pgettext(self, context: str, message: str) -> str: ...


def reworded(ruleset: RuleSet, say: Say) -> RuleSet:
    """A copy of the rule set with every sentence replaced by `say(id path, English)`."""

    def each(prefix: str, texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(say(f"{prefix}.{i}", text) for i, text in enumerate(texts))

    def mapping(prefix: str, node: Mapping[str, str], keys: tuple[str, ...]) -> dict[str, str]:
        return {k: (say(f"{prefix}.{node['id']}.{k}", v) if k in keys and v else v)
                for k, v in node.items()}

    def maybe(path: str, text: str | None) -> str | None:
        return say(path, text) if text else text

    def rule(kind: str, r):
        at = f"{kind}.{r.id}"
        return replace(r, label=say(f"{at}.label", r.label), says=maybe(f"{at}.says", r.says),
                       rationale=maybe(f"{at}.rationale", r.rationale),
                       says_unmeasured=maybe(f"{at}.says_unmeasured", r.says_unmeasured))

    features = {}
    for f in ruleset.features.values():
        at = f"features.{f.id}"
        options = tuple(replace(o, label=say(f"{at}.options.{o.id}.label", o.label),
                                statement=say(f"{at}.options.{o.id}.statement", o.statement))
                        for o in f.options)
        features[f.id] = replace(
            f, question=say(f"{at}.question", f.question), term=say(f"{at}.term", f.term),
            unit=maybe(f"{at}.unit", f.unit), statement=maybe(f"{at}.statement", f.statement),
            options=options)
    advice = {level: {audience: replace(
        text, headline=say(f"advice.{level}.{audience}.headline", text.headline),
        do_now=each(f"advice.{level}.{audience}.do_now", text.do_now),
        tell=each(f"advice.{level}.{audience}.tell", text.tell),
        watch_for=each(f"advice.{level}.{audience}.watch_for", text.watch_for))
        for audience, text in by_audience.items()} for level, by_audience in ruleset.advice.items()}
    script = ruleset.call_script
    return replace(
        ruleset,
        title=say("title", ruleset.title),
        levels=tuple(replace(lv, title=say(f"levels.{lv.id}.title", lv.title),
                             meaning=say(f"levels.{lv.id}.meaning", lv.meaning),
                             analogue=say(f"levels.{lv.id}.analogue", lv.analogue))
                     for lv in ruleset.levels),
        routes=tuple(mapping("routes", r, ("label", "hint")) for r in ruleset.routes),
        respondents=tuple(mapping("respondents", r, ("label",)) for r in ruleset.respondents),
        groups=tuple(mapping("groups", g, ("title", "question")) for g in ruleset.groups),
        features=features,
        vitals={v.id: replace(v, label=say(f"vitals.{v.id}.label", v.label),
                              unit=say(f"vitals.{v.id}.unit", v.unit),
                              statement=say(f"vitals.{v.id}.statement", v.statement))
                for v in ruleset.vitals.values()},
        concepts={c.id: replace(c, label=say(f"concepts.{c.id}.label", c.label))
                  for c in ruleset.concepts.values()},
        discriminators=tuple(rule("discriminators", r) for r in ruleset.discriminators),
        notes=tuple(rule("notes", r) for r in ruleset.notes),
        advice=advice,
        advice_additions=tuple(replace(a, text=say(f"advice_additions.{a.id}.text", a.text))
                               for a in ruleset.advice_additions),
        call_script=replace(script, confirm=each("call_script.confirm", script.confirm),
                            say={level: each(f"call_script.say.{level}", lines)
                                 for level, lines in script.say.items()}),
    )


def wording(ruleset: RuleSet) -> list[tuple[str, str]]:
    """Every (id path, English) pair of the rule set, in the file's order."""
    pairs: list[tuple[str, str]] = []

    def keep(path: str, text: str) -> str:
        pairs.append((path, text))
        return text

    reworded(ruleset, keep)
    return pairs


@lru_cache(maxsize=16)  # one per rule set and language: made once, then shared
def translated(ruleset: RuleSet, catalogue: Catalogue) -> RuleSet:
    """The rule set worded by `catalogue` (its decisions unchanged)."""
    return reworded(ruleset, catalogue.pgettext)


def extract(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, Any, list]]:
    """A Babel extractor for the rule file (babel.cfg): each sentence with its id path as
    the message context."""
    ruleset = parse_ruleset(fileobj.read().decode("utf-8"), "ruleset.yaml")
    for path, text in wording(ruleset):
        yield 0, "pgettext", (path, text), []
