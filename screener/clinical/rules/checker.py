"""Problems in a rule file, each with the line it is on: the mapping that remembers its
line, the checker that collects problems while compiling, and the error that lists them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class RuleSetError(Exception):
    """The rule file is invalid; `problems` holds one message per problem, with its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Invalid rule set:\n  " + "\n  ".join(problems))


class Node(dict):
    """A mapping from the rule file that remembers the line it started on."""

    line: int = 0


def line_of(obj: Any) -> int:
    return getattr(obj, "line", 0)


class Checker:
    """Collects problems (with line numbers) while compiling the rule file."""

    def __init__(self, data: Mapping[str, Any], filename: str):
        self.data = data
        self.filename = filename
        self.problems: list[str] = []

    def problem(self, where: Any, message: str) -> None:
        self.problems.append(f"{self.filename} line {line_of(where)}: {message}")

    def require(self, node: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if not isinstance(node, Mapping) or key not in node:
            self.problem(node, f"{where} has no '{key}'")
            return None
        value = node[key]
        if not isinstance(value, kind) or isinstance(value, bool) and bool not in _tuple(kind):
            self.problem(node, f"{where}: '{key}' has the wrong type ({type(value).__name__})")
            return None
        return value

    def sources(self, node: Any, where: str) -> tuple[str, ...]:
        cited = node.get("sources") if isinstance(node, Mapping) else None
        if not cited:
            self.problem(node, f"{where} has no source")
            return ()
        if not isinstance(cited, list):
            self.problem(node, f"{where}: 'sources' must be a list")
            return ()
        known = self.data.get("sources") or {}
        for name in cited:
            if name not in known:
                self.problem(node, f"{where} cites unknown source '{name}'")
        return tuple(cited)

    def unique(self, items: Iterable[Any], what: str) -> None:
        seen: dict[str, int] = {}
        for item in items:
            item_id = item.get("id") if isinstance(item, Mapping) else None
            if not isinstance(item_id, str):
                self.problem(item, f"{'an' if what[0] in 'aeiou' else 'a'} {what} has no id")
                continue
            if item_id in seen:
                self.problem(item, f"duplicate {what} id '{item_id}' "
                                   f"(first on line {seen[item_id]})")
            seen[item_id] = line_of(item)


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def listed(node: Any, key: str) -> list:
    value = node.get(key) if isinstance(node, Mapping) else None
    return value if isinstance(value, list) else []
