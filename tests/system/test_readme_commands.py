"""Every command the README shows works as written (issue 14): after `make run`'s first
step (`screener init-config`), each `.venv/bin/flask --app screener ...` and
`.venv/bin/screener ...` line of the README is run in a new process, in the README's own
order, in a clone-like folder with nothing exported. Lines for a production database
(`DATABASE_URL=...db.internal`) are the deployment recipe, not a local command, and are
left out.

A command either works (exit 0) or, where the README says it cannot here, refuses in one
line with no traceback.
"""

from __future__ import annotations

import re
import shlex

from tests.commands import PROJECT, run

README = (PROJECT / "README.md").read_text(encoding="utf-8")
PASSWORD = "a long enough password"
# What a person types at each prompt, and what they put for the README's placeholders.
TYPED = {"set-password": f"{PASSWORD}\n{PASSWORD}\n", "erase-patient": "y\n"}
PLACEHOLDERS = {"USERNAME": "a.nurse", "REFERENCE": "DEMO-0004", "ROLE": "screener_app",
                "[FILE]": ""}
# Refusals the README itself states, with the words of the refusal.
REFUSED_HERE = {
    "grant-app-role": "PostgreSQL",  # "PostgreSQL, as the owner"; this clone runs SQLite
    "demo": "already holds data",  # "runs once per database": the first five minutes ran it
}


def readme_commands() -> list[str]:
    """The command lines of the README's shell blocks, comments dropped, in order."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [re.split(r"\s+# ", line)[0].strip() for line in lines
            if line.startswith((".venv/bin/flask --app screener", ".venv/bin/screener",
                                "echo "))]


def test_the_readme_shows_the_commands_a_newcomer_needs():
    commands = readme_commands()
    assert commands[0] == ".venv/bin/flask --app screener demo"  # the first five minutes
    for needed in ("init-config", "init-db", "create-user", "demo", "set-password",
                   "erase-patient", "rules check", "rules replay", "assess"):
        assert any(needed in command for command in commands), needed


def test_every_readme_command_works_as_written(tmp_path):
    instance = tmp_path / "instance"
    answers = tmp_path / "answers.json"
    answers.write_text('{"route": "intrathecal", "symptoms": ["pruritus"]}')
    assert run(instance, "screener", "init-config").returncode == 0  # as make run does
    assert run(instance, "flask", "--app", "screener", "init-db").returncode == 0
    seen, ran = 0, set()
    for line in readme_commands():
        for placeholder, value in {**PLACEHOLDERS, "answers.json": str(answers)}.items():
            line = line.replace(placeholder, value)
        # As pasted into a shell, but what the README sends to a file goes to the output.
        command = re.sub(r"\s>\s*\S+$", "", line)
        words = shlex.split(command.split("|")[-1])
        name = next((w for w in words[1:] if not w.startswith("-") and w not in (
            "--app", "screener", "rules")), "")
        stdin = TYPED.get(name, "")
        if name == "create-user":  # each prompt answered; the password is always asked
            stdin = (f"{PASSWORD}\n{PASSWORD}\n" if "--username" in words else
                     f"user{seen}\nUser {seen}\nclinic\n{PASSWORD}\n{PASSWORD}\n")
        done = run(instance, "bash", "-c", command, stdin=stdin)
        said = done.stdout + done.stderr
        assert "Traceback" not in said, (line, said)
        if name in REFUSED_HERE and done.returncode != 0 and (name != "demo" or "demo" in ran):
            assert REFUSED_HERE[name] in said and len(done.stderr.strip().splitlines()) == 1, (
                line, said)
        else:
            assert done.returncode == 0, (line, said)
        seen += 1
        ran.add(name)
    assert seen >= 15
