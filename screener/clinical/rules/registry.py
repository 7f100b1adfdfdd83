"""The registry of conditions: one entry per condition key, declared with `@condition` next
to the predicate builder it registers (conditions.py holds every entry)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .model import Facts, Predicate
from .shapes import Shape

Needs = Callable[[Any, Any], "frozenset[str] | None"]  # (argument, compiler)


def never(facts: Facts) -> bool:
    return False


@dataclass(frozen=True)
class Site:
    """Where a condition is being compiled: to refuse it on its line, or compile its parts."""

    compiler: Any  # the ConditionCompiler (conditions.py)
    node: Any
    where: str
    key: str

    def refuse(self, message: str) -> Predicate:
        self.compiler.check.problem(self.node, f"{self.where}: '{self.key}' {message}")
        return never

    def compile(self, part: Any) -> Predicate:
        return self.compiler.compile(part, self.where)


@dataclass(frozen=True)
class Condition:
    key: str
    shape: Shape
    build: Callable[[Any, Site], Predicate]  # given an argument that fits the shape
    needs: Needs  # None: it can hold without any finding
    requires: tuple[tuple[str, str], ...]  # (kind, id) of questions the engine reads for it
    doc: str


REGISTRY: dict[str, Condition] = {}


def condition(key: str, shape: Shape, *, needs: Needs | None = None,
              requires: tuple[tuple[str, str], ...] = ()):
    """Register the decorated predicate builder as the condition `key`."""
    def register(build: Callable[[Any, Site], Predicate]):
        REGISTRY[key] = Condition(key, shape, build, needs or (lambda value, c: None),
                                  requires, inspect.getdoc(build) or "")
        return build
    return register


def finding(kind: str) -> Needs:
    """Needs the finding the argument names ("symptom:seizure")."""
    return lambda value, c: frozenset({f"{kind}:{value}"})


def vital_sign(vital_id: str) -> Needs:
    """Needs this vital sign measured."""
    return lambda value, c: frozenset({f"vital:{vital_id}"})


def vital_named(value: Any, c: Any) -> frozenset[str]:
    return frozenset({f"vital:{value['id']}"})
