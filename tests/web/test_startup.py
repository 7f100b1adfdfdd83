"""The app refuses to start with a bad rule file, naming the problem (the rule file's own
checks are in tests/clinical/test_ruleset.py)."""

from __future__ import annotations

import pytest

from screener import create_app
from screener.clinical.rules import DEFAULT_PATH, RuleSetError
from screener.settings import ConfigurationError

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")


def test_the_app_refuses_to_start_with_a_bad_rule_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(TEXT.replace("when: {symptom: seizure}", "when: {symptom: fits}"))
    with pytest.raises(ConfigurationError, match="unknown symptom id 'fits'") as refused:
        create_app({"TESTING": True, "RULESET_PATH": str(path),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert isinstance(refused.value.__cause__, RuleSetError)  # the problems, line by line
