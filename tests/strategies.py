"""Hypothesis strategies for answer sets: any route, symptoms, history facts (yes, no,
unknown or missing), numbers and vital signs within the rule set's ranges."""

from __future__ import annotations

from hypothesis import strategies as st

from screener.clinical.rules import default_ruleset

RULES = default_ruleset()
SYMPTOMS = RULES.ids("symptom")
HISTORY = RULES.ids("history")


def vital_values(vital_id: str):
    """Values of one vital sign within the rule set's range, to one decimal place."""
    vital = RULES.vitals[vital_id]
    return st.floats(vital.min, vital.max, allow_nan=False).map(lambda x: round(x, 1))


# The groups of the journey's last history pages (screener/journey/pages.py, LATE_PAGES;
# tests/web/test_what_matters.py keeps the two the same), named here because the clinical
# tests import no app.
LATE_GROUPS = ("pump_more", "tablets_more", "timing", "condition", "risks", "other_health",
               "medicines")
UNKNOWNS = st.sampled_from(["unknown", None])  # both mean "I don't know"


def _numbers():
    return st.fixed_dictionaries({}, optional={
        "hours_since_problem": st.one_of(st.integers(0, 2160), UNKNOWNS),
        "age_years": st.one_of(st.integers(0, 120), st.floats(0, 16).map(lambda x: round(x, 2)),
                               UNKNOWNS),
        "amount_taken_mg": st.one_of(st.integers(0, 20000), UNKNOWNS),
        "usual_systolic_bp": st.one_of(st.integers(50, 250), UNKNOWNS),
        **{choice: st.one_of(st.sampled_from([o.id for o in RULES.features[choice].options]),
                             UNKNOWNS) for choice in RULES.ids("choice")},
    })


@st.composite
def answer_sets(draw, routes=("intrathecal", "oral", "both", "unknown")):
    """A whole set of answers in the API's shape."""
    history = draw(st.dictionaries(st.sampled_from(HISTORY),
                                   st.sampled_from([True, False, "unknown", None])))
    history.update(draw(_numbers()))
    return {
        "route": draw(st.sampled_from(routes)),
        "symptoms": sorted(draw(st.frozensets(st.sampled_from(SYMPTOMS)))),
        "history": history,
        "vitals": draw(st.fixed_dictionaries(
            {}, optional={vid: vital_values(vid) for vid in RULES.vitals})),
    }
