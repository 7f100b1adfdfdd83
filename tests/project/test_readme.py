"""The README's layout tree and the code agree: every module of `screener/` is in the tree,
and every file and folder the tree names exists (issue 13, item 8)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tree_paths() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## Layout", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    paths, parents = set(), []
    for line in tree.splitlines():
        match = re.match(r"^( *)(\S+/|\S+\.py)(?:\s|$)", line)
        if not match:
            continue
        depth = len(match.group(1)) // 2
        parents = parents[:depth]
        path = "".join(parents) + match.group(2)
        paths.add(path.rstrip("/"))
        if path.endswith("/"):
            parents.append(match.group(2))
    return paths


def test_every_module_is_in_the_readme_tree():
    listed = _tree_paths()
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "screener").rglob("*.py")
               if "migrations" not in p.parts}
    assert modules - listed == set(), "add these to the README's layout"


def test_everything_the_tree_names_exists():
    missing = {path for path in _tree_paths() if not (ROOT / path).exists()}
    assert missing == set(), "the README's layout names files that are gone"
