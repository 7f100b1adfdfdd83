"""The clinical core is a library (issue 13, item 1): importing it, scoring with it and the
`screener` command line load no part of the web stack, and the engine takes no default
rule set."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from screener import clinical
from screener.clinical import answers

WEB_STACK = ("flask", "flask_wtf", "wtforms", "werkzeug", "jinja2", "sqlalchemy")


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(*sys.modules)"],
                          capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize("code", [
    "import screener.clinical",
    "import screener",
    "from screener.clinical import assess, rules\n"
    "ruleset = rules.default_ruleset()\n"
    "assess({'route': 'intrathecal', 'symptoms': ['seizure']}, ruleset)",
    "from screener.cli import main",
])
def test_the_clinical_core_loads_no_web_stack(code):
    assert not set(WEB_STACK) & _modules_after(code)


def test_the_issues_own_check_passes():
    check = ("import screener.clinical, sys; "
             "assert not {'flask', 'wtforms', 'sqlalchemy'} & set(sys.modules)")
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0


def test_the_engine_is_always_given_its_rule_set():
    for function in (clinical.assess, clinical.decide, answers.normalise, answers.validate):
        parameter = inspect.signature(function).parameters["ruleset"]
        assert parameter.default is inspect.Parameter.empty, function.__name__
