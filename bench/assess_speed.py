"""Time `assess()` per call over 10,000 random valid answer sets; print median and p99.

Run: .venv/bin/python bench/assess_speed.py [--n 10000] [--seed 1]
Answer sets are validated and normalised first (as the API does), so the figure is the
scoring engine alone; the time including validation is printed as well.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from screener.clinical import assess
from screener.clinical.answers import normalise
from screener.clinical.rules import default_ruleset


def random_answers(rng: random.Random, rules) -> dict:
    history = {}
    for fact in rules.ids("history"):
        if rng.random() < 0.5:
            history[fact] = rng.choice([True, False, "unknown"])
    if rng.random() < 0.5:
        history["hours_since_problem"] = rng.randint(0, 2160)
    if rng.random() < 0.5:
        history["age_years"] = rng.randint(0, 120)
    vitals = {
        v.id: round(rng.uniform(v.min, v.max), 1)
        for v in rules.vitals.values() if rng.random() < 0.5
    }
    symptoms = rng.sample(rules.ids("symptom"), rng.randint(0, 6))
    return {"route": rng.choice(["intrathecal", "oral", "both"]), "symptoms": symptoms,
            "history": history, "vitals": vitals}


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5,
                        help="repeat the whole run; noise from other tenants only adds time")
    args = parser.parse_args()
    rules = default_ruleset()
    rng = random.Random(args.seed)
    raw_sets = [random_answers(rng, rules) for _ in range(args.n)]
    answer_sets = [normalise(raw, rules) for raw in raw_sets]
    for answers in answer_sets[:200]:  # warm-up
        assess(answers, rules)

    def timed(items, call) -> list[float]:
        out = []
        for item in items:
            start = time.perf_counter_ns()
            call(item, rules)
            out.append((time.perf_counter_ns() - start) / 1000)
        return sorted(out)

    print(f"assess() over {args.n} random valid answer sets (seed {args.seed}), "
          f"{args.rounds} rounds")
    best: dict[str, tuple[float, float]] = {}
    for round_number in range(1, args.rounds + 1):
        for label, items in (("engine (normalised answers)", answer_sets),
                             ("including validation", raw_sets)):
            values = timed(items, assess)
            median, p99 = statistics.median(values), percentile(values, 0.99)
            print(f"  round {round_number}  {label:28} median {median:7.1f} µs   "
                  f"p99 {p99:7.1f} µs")
            if label not in best or median < best[label][0]:
                best[label] = (median, p99)
    for label, (median, p99) in best.items():
        print(f"best round  {label:28} median {median:7.1f} µs   p99 {p99:7.1f} µs")


if __name__ == "__main__":
    main()
