"""Reading the demo command's output (screener/demo.py)."""

from __future__ import annotations

import re

ACCOUNT = re.compile(r"^  (triage|clinic|admin) +(\S+) +(\S+)$", re.MULTILINE)


def accounts(output: str) -> dict[str, tuple[str, str]]:
    """Each role's username and password, as the command prints them."""
    return {role: (username, password) for role, username, password in ACCOUNT.findall(output)}
