"""How many examples the property and fuzz tests try: a Hypothesis profile, chosen by the
environment (HYPOTHESIS_PROFILE), not written into each test.

- dev: 20 examples a weight, the default on a developer's machine (quick; the tests still
  run every property), with no deadline, as under ci: a first call that builds a cached
  validator took over Hypothesis's 200 ms on this shared 2-core machine and failed at random;
- ci: 100 a weight, the default when CI is set (.ci/run) and what `make test` uses, on top
  of Hypothesis's own ci profile (derandomized, no deadline): today's sizes exactly;
- nightly: 1,000 a weight, for a long run (HYPOTHESIS_PROFILE=nightly make test).

A test asks for `examples(weight)`: a weight of 1.5 is 150 examples under ci. Hypothesis's
--hypothesis-profile option still wins when given without HYPOTHESIS_PROFILE.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("ci", settings.get_profile("ci"), max_examples=100)
settings.register_profile("nightly", settings.get_profile("ci"), max_examples=1000)

if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif settings.get_current_profile_name() == "default":  # neither CI nor the option said
    settings.load_profile("dev")


def examples(weight: float) -> int:
    """`weight` times the profile's number of examples (at least one)."""
    return max(1, round(settings.default.max_examples * weight))
