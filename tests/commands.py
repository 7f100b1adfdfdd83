"""Running the project's commands as a newcomer would: in a fresh process from the clone,
with none of the settings a person might have exported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parents[1]


def run(instance: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    """One command in a fresh process, with none of the settings a person might have
    exported: only the instance folder (so the clone's own instance/ is never touched)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SCREENER_", "FLASK_")) and k not in ("SECRET_KEY",
                                                                        "DATABASE_URL")}
    clean.update(SCREENER_INSTANCE_PATH=str(instance), **env)
    program = BIN / args[0] if (BIN / args[0]).exists() else args[0]  # ours, or bash
    return subprocess.run([str(program), *args[1:]], input=stdin, text=True,
                          capture_output=True, env=clean, cwd=PROJECT, timeout=120)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The refusal: exit 1, one line on stderr, no traceback."""
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]
