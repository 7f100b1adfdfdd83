"""Reading a rule file: YAML with line numbers, each text compiled once (by its content
hash), and the version lock that ties each released version to one content.

Hazards: H7 a corrupted or inconsistent rule set scores patients wrongly; H25 a result that
cannot be traced to the logic that produced it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .checker import Checker, Node, RuleSetError
from .compile import compile_ruleset
from .model import RuleSet
from .shapes import shown

DEFAULT_PATH = Path(__file__).parent / "ruleset.yaml"
# Each released version and the sha256 of its content: a version names one content only.
LOCK_PATH = Path(__file__).parent / "ruleset.lock"


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: 10x faster
    """A safe loader (libyaml's where installed) that records line numbers and refuses
    duplicate keys."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict | set):  # unhashable: a key is a word or a number
                raise RuleSetError([f"line {key_node.start_mark.line + 1}: a key must be a "
                                    f"word, not {shown(key)}"])
            if key in seen:
                raise RuleSetError(
                    [f"line {key_node.start_mark.line + 1}: duplicate key '{key}' "
                     f"(first on line {seen[key]})"]
                )
            seen[key] = key_node.start_mark.line + 1
        mapping = Node(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)



def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Read, validate and compile a rule file; raise `RuleSetError` naming each bad line."""
    path = Path(path) if path else DEFAULT_PATH
    return parse_ruleset(path.read_text(encoding="utf-8"), path.name)


def read_lock() -> dict[str, str]:
    """{version: sha256} of every locked rule-set version."""
    return json.loads(LOCK_PATH.read_text(encoding="utf-8")) if LOCK_PATH.exists() else {}


def version_problem(ruleset: RuleSet) -> str | None:
    """Why this rule set's version does not match its content, or None.

    Hazards: H25 a result that cannot be traced to the logic that produced it.
    """
    locked = read_lock().get(ruleset.version)
    if locked is None:
        return (f"rule set {ruleset.version} is not in {LOCK_PATH.name}: run `screener rules "
                "lock` once its content is final")
    if locked != ruleset.content_hash:
        return (f"the rule set's content changed but its version ({ruleset.version}) did not: "
                f"{LOCK_PATH.name} has sha256 {locked[:16]}, the file has "
                f"{ruleset.short_hash}. Give it a new version, then run `screener rules lock`.")
    return None


@cache
def default_ruleset() -> RuleSet:
    """The packaged rule set, loaded once per process."""
    return load_ruleset(DEFAULT_PATH)


# Compiled rule sets by content hash: each text is parsed and compiled once per process
# (every create_app(), test and CLI call after the first costs a file read and a hash).
_COMPILED: dict[tuple[str, bool], RuleSet] = {}


def parse_ruleset(text: str, filename: str = "ruleset.yaml", *,
                  decisions_only: bool = False) -> RuleSet:
    """Validate and compile rule-file text. Hazards: H7 (invalid rules used for scoring).

    `decisions_only` (for a replay of an older file): sections that only word things for
    staff, and that older files lack (the call script), are not required.
    """
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = (content_hash, decisions_only)
    if key in _COMPILED:
        return _COMPILED[key]
    try:
        # _LineLoader is a SafeLoader subclass: no arbitrary objects can be built.
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506
    except RuleSetError as error:
        raise RuleSetError([f"{filename} {p}" for p in error.problems]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise RuleSetError([f"{filename} line {line}: not valid YAML ({error})"]) from None
    if not isinstance(data, Mapping):
        raise RuleSetError([f"{filename} line 1: the rule file must be a mapping"])
    check = Checker(data, filename)
    ruleset = compile_ruleset(check, data, content_hash, decisions_only)
    if check.problems:
        raise RuleSetError(check.problems)
    _COMPILED[key] = ruleset
    return ruleset

