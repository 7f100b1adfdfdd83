"""The rule set against the probe table (tests/data/probes.json): every symptom alone for
each route, with the history unknown, all "no", and each withdrawal or overdose event
"yes"; every vital sign at its band edges; each age group; hand-written edge cases.

The lowest and highest acceptable levels were written from the clinical briefs before the
2026.2 engine was run on them. Below the lowest is under-triage (a failure); above the
highest is over-triage (also a failure here: it is measured, reported and kept at zero).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.clinical.rules import LEVEL_RANK, default_ruleset
from tests.packaged import assess

RULES = default_ruleset()
PROBES = json.loads((Path(__file__).parents[1] / "data" / "probes.json").read_text())
ROUTES = ("intrathecal", "oral", "both", "unknown")
# The events of each context, and which of them are about tablets, as the table defines them.
CONTEXTS = PROBES["contexts"]


# Rows the engine puts above the highest acceptable level, each with why we accept it.
# Under-triage is never accepted.
ACCEPTED_OVER_TRIAGE = {
    "fever-oral-all no": (
        "Rule set 2026.5 reads an age not given the cautious way: the person may be 75 or "
        "over, for whom a fever is urgent (NICE NG51 counts over-75s at higher risk; both "
        "blind raters put 39.2 °C at 80 at urgent). With the age given, as the web check "
        "requires, a fever alone on tablets with every answer no stays soon"),
    "adult-temperature-c-38_0-oral": (
        "38.0 °C is a fever by NICE NG143, and with the tablet history unknown a fever counts "
        "as a withdrawal sign after a possible interruption (urgent, one level above the "
        "table's soon); we keep invariant 3 over a tenth of a degree"),
}


def histories(route: str, context: str):
    """(label, history) pairs for one context of the probe table, as its header defines."""
    asked = RULES.asked_for(route)
    if context == "unknown":
        yield "history unknown", {}
    elif context == "all_no":
        yield "all no", dict.fromkeys(asked, False)
    else:
        for fact in CONTEXTS[context]:
            if fact in asked:
                history = {fact: True}
                if fact in CONTEXTS["tablet_events"]:
                    history["long_term_use"] = True
                yield f"{fact} yes", history


def symptom_rows():
    for entry in PROBES["symptoms"]:
        for route in ROUTES:
            for context, (lowest, highest) in entry["expect"][route].items():
                for label, history in histories(route, context):
                    answers = {"route": route, "symptoms": [entry["symptom"]],
                               "history": history}
                    yield pytest.param(answers, lowest, highest, entry["why"],
                                       id=f"{entry['symptom']}-{route}-{label}")


BLIND = PROBES["blind_2026_12_02"]["rows"]


def case_rows():
    for row in [*PROBES["vitals"], *PROBES["cases"], *BLIND]:
        yield pytest.param(row["answers"], row["lowest"], row["highest"], row["why"],
                           id=row["id"])


def check(row_id, answers, lowest, highest, why):
    result = assess(answers)
    rank = LEVEL_RANK[result.level]
    fired = [r.id for r in result.discriminators]
    assert rank >= LEVEL_RANK[lowest], (
        f"UNDER-TRIAGE: {result.level}, wanted at least {lowest} ({why}); fired {fired}")
    over = rank > LEVEL_RANK[highest]
    assert over == (row_id in ACCEPTED_OVER_TRIAGE), (
        f"over-triage: {result.level}, wanted at most {highest} ({why}); fired {fired}"
        if over else f"{row_id} is no longer over-triaged: take it off the accepted list")


@pytest.mark.parametrize(("answers", "lowest", "highest", "why"), list(symptom_rows()))
def test_each_symptom_alone(request, answers, lowest, highest, why):
    check(request.node.callspec.id, answers, lowest, highest, why)


@pytest.mark.parametrize(("answers", "lowest", "highest", "why"), list(case_rows()))
def test_vital_signs_age_groups_and_edge_cases(request, answers, lowest, highest, why):
    check(request.node.callspec.id, answers, lowest, highest, why)


def test_the_table_covers_every_symptom_route_and_age_group():
    assert {e["symptom"] for e in PROBES["symptoms"]} == set(RULES.ids("symptom"))
    for entry in PROBES["symptoms"]:
        assert set(entry["expect"]) == set(ROUTES)
    ages = {row["answers"].get("history", {}).get("age_years")
            for row in [*PROBES["vitals"], *PROBES["cases"]]}
    for group in RULES.children.groups:
        assert any(isinstance(a, int | float) and RULES.children.group_for(a) is group
                   for a in ages), group.id
    assert None in ages  # age not given


def test_the_fast_pre_check_gives_the_same_result_on_every_row():
    """Skipping rules whose needed findings are absent (Rule.needs) changes nothing."""
    import dataclasses

    full = dataclasses.replace(
        RULES, discriminators=tuple(dataclasses.replace(r, needs=None)
                                    for r in RULES.discriminators))
    rows = [p.values[0] for p in (*symptom_rows(), *case_rows())]
    for answers in rows:
        fast, slow = assess(answers), assess(answers, full)
        assert [r.id for r in fast.discriminators] == [r.id for r in slow.discriminators], answers


def test_every_discriminator_is_exercised_by_a_row_written_before_the_engine():
    """Each discriminator fires on at least one probe row, review case or vignette (each
    written from the sources before the engine it tests), so each has evidence that was not
    written from the rules themselves."""
    data = Path(__file__).parents[1] / "data"
    rows = [p.values[0] for p in (*symptom_rows(), *case_rows())]
    for name in ("review_cases.json", "vignettes.json"):
        rows += [case["answers"] for case in json.loads((data / name).read_text())]
    fired = {d.id for answers in rows for d in assess(answers).discriminators}
    assert {r.id for r in RULES.discriminators} - fired == set()


@pytest.mark.parametrize("name", ["probes", "review_cases", "everyday_calls"])
def test_benign_over_triage_is_at_most_five_percent_with_no_row_below_its_band(name):
    """Issue 20, item 7: of the rows whose highest acceptable level is soon or routine, at
    most 5 % are given more; no row, and so no emergency, is given less (the suite prints the
    shares at its end; `screener rules replay` prints them before and after a change)."""
    from screener.cli.replay import band_count

    count = band_count(Path(__file__).parents[1] / "data" / f"{name}.json", RULES)
    assert count.rows and count.benign and count.unreadable == 0
    assert count.under == 0 and count.emergencies_given_less == 0
    assert count.benign_share <= 0.05, (count.benign_over, count.benign)
