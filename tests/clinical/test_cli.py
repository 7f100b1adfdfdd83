"""The command line: `screener assess` and `screener rules docs`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from screener.cli import main

DOCS = Path(__file__).parents[2] / "docs" / "rules.md"


def test_assess_a_file_prints_the_assessment_as_json(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"route": "oral", "symptoms": ["seizure"]}))
    result = CliRunner().invoke(main, ["assess", str(path)])
    assert result.exit_code == 0
    output = json.loads(result.output)
    assert output["level"] == "emergency"
    assert output["red_flags"][0]["id"] == "seizure"


def test_assess_standard_input_as_text():
    answers = json.dumps({"route": "intrathecal", "symptoms": ["pruritus"],
                          "history": {"refill_overdue": True}})
    result = CliRunner().invoke(main, ["assess", "-", "--text", "--audience", "caregiver"],
                                input=answers)
    assert result.exit_code == 0
    assert result.output.startswith("URGENT: Get help within hours, today")
    assert "+3  Itching, without a rash  [LIORESAL-IT-PI, NSWIKI-ITBW]" in result.output
    assert "never replaces, clinical judgement" in result.output


def test_assess_refuses_invalid_answers_with_field_errors():
    result = CliRunner().invoke(main, ["assess", "-"], input='{"route": "nasal"}')
    assert result.exit_code == 2
    assert "Unknown route 'nasal'" in result.output


def test_assess_refuses_text_that_is_not_json():
    result = CliRunner().invoke(main, ["assess", "-"], input="route=oral")
    assert result.exit_code == 1
    assert "not valid JSON" in result.output


PROBES = Path(__file__).parents[1] / "data" / "probes.json"


def test_the_rule_document_is_current():
    """docs/rules.md is generated: regenerate it with
    `screener rules docs --probes tests/data/probes.json > docs/rules.md`."""
    result = CliRunner().invoke(main, ["rules", "docs", "--probes", str(PROBES)])
    assert result.exit_code == 0
    assert result.output == DOCS.read_text(encoding="utf-8")
    assert "| `pruritus` |" in result.output and "NEWS2" in result.output
    assert "## Clinical specification: the probe table" in result.output
    assert "| `autonomic_dysreflexia` | emergency |" in result.output
