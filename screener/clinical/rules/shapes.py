"""What a condition's argument must look like: declared once per condition (conditions.py)
and checked at load, before any predicate is built, so a mistake in the rule file is refused
on its line in one line rather than failing later on every assessment.

Each shape names the YAML types it accepts (`types`, read by a test generated from the
registry) and says why a value does not fit (`problem`, None when it does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .model import Concept, Feature, Vital


class Known(Protocol):
    """The ids a rule file defines, which a condition may refer to."""

    features: Mapping[str, Feature]
    vitals: Mapping[str, Vital]
    concepts: Mapping[str, Concept]
    named: Mapping[str, Any]


def fits(value: Any, types: tuple[type, ...]) -> bool:
    """Whether `value` is of one of `types`; true and false are not numbers in a rule file."""
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def shown(value: Any) -> str:
    """A value as the problem message quotes it, kept short (a message is one line)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Shape:
    types: tuple[type, ...] = ()
    describe: str = ""

    def problem(self, value: Any, known: Known) -> str | None:
        if not fits(value, self.types):
            return self.mismatch(value)
        return self.check(value, known)

    def check(self, value: Any, known: Known) -> str | None:
        """Beyond the type: why this value does not fit, or None."""
        return None

    def mismatch(self, value: Any) -> str:
        return f"needs {self.describe}, not {shown(value)}"


@dataclass(frozen=True)
class Number(Shape):
    whole: bool = False
    at_least: float | None = None

    @property
    def types(self):  # type: ignore[override]
        return (int,) if self.whole else (int, float)

    @property
    def describe(self):  # type: ignore[override]
        noun = "a whole number" if self.whole else "a number"
        return noun if self.at_least is None else f"{noun} >= {self.at_least}"

    def check(self, value, known):
        if self.at_least is not None and value < self.at_least:
            return self.mismatch(value)
        return None


@dataclass(frozen=True)
class OneOf(Shape):
    """One of a few fixed words (or true); `describe` lists those a rule file should use."""

    values: tuple[Any, ...]
    describe: str = ""

    @property
    def types(self):  # type: ignore[override]
        return tuple({type(v) for v in self.values})

    def check(self, value, known):
        return None if value in self.values else self.mismatch(value)


@dataclass(frozen=True)
class Text(Shape):
    """Any word (its meaning is checked by the condition itself)."""

    describe: str = "a word"
    types: tuple[type, ...] = (str,)


# What a reference may name, and how the problem names it.
_REFERENCES = {
    "vital": ("a vital sign id", "vital sign '{}'"),
    "concept": ("a concept id", "concept '{}'"),
    "named": ("a named condition's id", "named condition '{}'"),
    **{kind: (f"a {kind} id", f"{kind} id '{{}}'")
       for kind in ("symptom", "history", "number", "choice")},
}


@dataclass(frozen=True)
class Ref(Shape):
    """The id of something the rule file defines: a feature of one kind, a vital sign, a
    concept or a named condition."""

    what: str
    types: tuple[type, ...] = (str,)

    @property
    def describe(self):  # type: ignore[override]
        return _REFERENCES[self.what][0]

    def check(self, value, known):
        if self.what == "vital":
            found = value in known.vitals
        elif self.what == "concept":
            found = value in known.concepts
        elif self.what == "named":
            found = value in known.named
        else:
            feature = known.features.get(value)
            found = feature is not None and feature.kind == self.what
        return None if found else "refers to unknown " + _REFERENCES[self.what][1].format(value)


@dataclass(frozen=True)
class ListOf(Shape):
    """A list that is not empty, of items of one shape."""

    item: Shape
    describe: str = ""
    types: tuple[type, ...] = (list,)

    def check(self, value, known):
        if not value:
            return self.mismatch(value)
        for item in value:
            problem = self.item.problem(item, known)
            if problem:
                return problem
        return None


@dataclass(frozen=True)
class OneOrList(Shape):
    """One item, or a list of them."""

    item: Shape
    describe: str = ""

    @property
    def types(self):  # type: ignore[override]
        return (*self.item.types, list)

    def check(self, value, known):
        items = value if isinstance(value, list) else [value]
        if not items:
            return self.mismatch(value)
        for item in items:
            if self.item.problem(item, known):
                return self.mismatch(item)
        return None


@dataclass(frozen=True)
class Fields(Shape):
    """A mapping: the keys it must have, those it may have, and a group of which it has
    exactly one (at_least or at_most); no other key."""

    required: Mapping[str, Shape] = field(default_factory=dict)
    optional: Mapping[str, Shape] = field(default_factory=dict)
    one_of: Mapping[str, Shape] = field(default_factory=dict)
    types: tuple[type, ...] = (dict,)

    @property
    def describe(self):  # type: ignore[override]
        parts = list(self.required)
        if self.one_of:
            parts.append("one of " + ", ".join(self.one_of))
        text = "a mapping with " + " and ".join(parts)
        return text + (f" (and perhaps {', '.join(self.optional)})" if self.optional else "")

    def check(self, value, known):
        every = {**self.required, **self.optional, **self.one_of}
        stray = [key for key in value if key not in every]
        chosen = [key for key in value if key in self.one_of]
        if stray or any(key not in value for key in self.required) or (
                self.one_of and len(chosen) != 1):
            return self.mismatch(dict(value))
        for key, shape in every.items():
            problem = shape.problem(value[key], known) if key in value else None
            if problem:
                return f"{key} {problem}"
        return None


class Conditions(Shape):
    """A list of conditions that is not empty (each is checked as it is compiled)."""

    describe = "a list of conditions"
    types = (list,)

    def check(self, value, known):
        return None if value else self.mismatch(value)


NUMBER = Number()
TRUE_OR_FALSE = OneOf((True, False), "true or false")
