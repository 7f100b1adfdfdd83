"""Replay: which screenings would a rule-set change move, and which way?

Stored screenings (read from a database), the vignettes and the probe table are decided
under two rule sets, "before" and "after", and compared level by level, with examples and
the rules responsible for each move. A clinical safety officer reviews every rule-set change
with it (docs/clinical-safety-case.md).

Speed, for a million stored screenings on two cores (bench/replay_speed.py):
- only the decision is made (`clinical.decide`): no advice is worded;
- identical answer sets are decided once, and the rest are read from the database while
  worker processes decide them;
- when both rule sets read answers alike, each answer set is read once, and the second
  rule set re-evaluates only what differs from the first (clinical/compare.py).

It reads the database with SQLAlchemy Core and needs no Flask.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..clinical import decide
from ..clinical.answers import Answers, InvalidAnswers, normalise, reading_key
from ..clinical.compare import Comparison, Outcome, outcome
from ..clinical.rules import DEFAULT_PATH, LEVEL_RANK, LEVELS, UNKNOWN, RuleSet, parse_ruleset

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where the rule file is kept in a revision: its place now, then its place before it joined
# the rules package (older revisions are replayed too).
RULES_IN_GIT = ("screener/clinical/rules/ruleset.yaml", "screener/rules/ruleset.yaml")
UNREADABLE = "unreadable"  # answers a rule set refuses (a question it no longer asks)
CHUNK = 2_000


# --- The two rule sets ----------------------------------------------------------------

def rules_text(spec: str | None) -> tuple[str, str]:
    """(text, where from) of a rule file: a path, a git revision of this repository, or None
    for the packaged file."""
    if spec is None:
        return DEFAULT_PATH.read_text(encoding="utf-8"), str(DEFAULT_PATH)
    if Path(spec).is_file():
        return Path(spec).read_text(encoding="utf-8"), spec
    for path in RULES_IN_GIT:
        shown = subprocess.run(["git", "show", f"{spec}:{path}"], cwd=PROJECT_ROOT,  # noqa: S603, S607
                               capture_output=True, text=True, check=False)
        if shown.returncode == 0:
            return shown.stdout, f"{spec}:{path}"
    raise ValueError(f"{spec!r} is neither a rule file nor a git revision holding one")


# --- What is replayed -----------------------------------------------------------------

# By row number, never the public id: that opens a caregiver's result, and the report is
# meant for change records and the safety case (red team 2, L18).
STORED_SQLITE = "SELECT id, CAST(answers AS BLOB) FROM screenings ORDER BY id"
STORED_OTHER = "SELECT id, CAST(answers AS TEXT) FROM screenings ORDER BY id"


def stored_answers(database_url: str, batch: int = 10_000) -> Iterator[tuple[str, bytes]]:
    """("screening N", answers as JSON text) of every stored screening, by row number,
    streamed.

    Through the driver's own cursor, fetched a batch at a time: SQLAlchemy's result rows
    cost more than the reading itself here (8.6 s against 3.7 s for a million on SQLite).
    PostgreSQL streams from a server-side (named) cursor, so the rows never all sit in
    memory."""
    from sqlalchemy import create_engine

    url = database_url
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    engine = create_engine(url)
    try:
        with engine.connect() as opened:  # SQLAlchemy's errors if it cannot connect
            connection = opened.connection
            # The JSON as bytes: SQLite hands its text over as a BLOB as it is; PostgreSQL's
            # jsonb is cast to text (one canonical spelling per answer set) and encoded.
            if engine.dialect.name == "sqlite":
                cursor, query = connection.cursor(), STORED_SQLITE
            else:
                cursor, query = connection.driver_connection.cursor(name="replay"), STORED_OTHER
            cursor.execute(query)
            while rows := cursor.fetchmany(batch):
                for row_id, answers in rows:
                    yield (f"screening {row_id}",
                           answers if isinstance(answers, bytes) else answers.encode())
            cursor.close()
    finally:
        engine.dispose()


def case_answers(path: str | Path, ruleset: RuleSet) -> Iterator[tuple[str, bytes]]:
    """(id, answers) of every case in a JSON case file: the vignettes, or the probe table,
    whose symptom rows are expanded here as tests/clinical/test_probes.py expands them (an event is
    asked about only on the routes where `ruleset` asks it)."""
    data = orjson.loads(Path(path).read_bytes())
    if isinstance(data, Mapping) and "symptoms" in data and "contexts" in data:
        yield from _probe_symptom_rows(data, ruleset)
    for item in _items_with_answers(data):
        yield str(item.get("id", "?")), orjson.dumps(item["answers"])


def _items_with_answers(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        if isinstance(node.get("answers"), Mapping):
            yield node
            return
        for value in node.values():
            yield from _items_with_answers(value)
    elif isinstance(node, list):
        for value in node:
            yield from _items_with_answers(value)


def _probe_symptom_rows(table: Mapping[str, Any], ruleset: RuleSet
                        ) -> Iterator[tuple[str, bytes]]:
    """Each symptom alone, per route, with the history unknown, all "no", or one event "yes"
    (the contexts are defined in the table itself). "All no" covers the questions asked on
    that route by the rule set the row is replayed under, so it is left to `_decide_one`."""
    contexts = table["contexts"]
    for entry in table["symptoms"]:
        for route, expected in entry["expect"].items():
            for context in expected:
                for label, history in _histories(context, contexts,
                                                 ruleset.asked_for(route)):
                    answers = {"route": route, "symptoms": [entry["symptom"]],
                               "history": history}
                    yield (f"{entry['symptom']}-{route}-{label}",
                           orjson.dumps(answers if context != "all_no"
                                        else {**answers, "all_no": True}))


def _histories(context: str, contexts: Mapping[str, Any], asked):
    if context in ("unknown", "all_no"):
        yield context.replace("_", " "), {}
        return
    for fact in (f for f in contexts[context] if f in asked):
        history = {fact: True}
        if fact in contexts["tablet_events"]:
            history["long_term_use"] = True
        yield f"{fact} yes", history


# --- Bands: the probe table's and the review's wanted levels ---------------------------

@dataclass
class BandCount:
    """How a rule set meets the bands of a case file: rows below their lowest level
    (under-triage), and, among the rows whose highest acceptable level is soon or routine
    (the benign ones), those given more (benign over-triage)."""

    rows: int = 0
    unreadable: int = 0  # rows with questions the rule set does not ask
    under: int = 0
    emergencies_given_less: int = 0
    benign: int = 0
    benign_over: int = 0
    over: int = 0

    @property
    def benign_share(self) -> float:
        return self.benign_over / self.benign if self.benign else 0.0


def banded_rows(path: str | Path, ruleset: RuleSet
                ) -> Iterator[tuple[str, dict[str, Any], str, str]]:
    """(id, answers, lowest, highest) of every banded row of a case file: the probe table
    (its symptom rows expanded for `ruleset`, as tests/clinical/test_probes.py does), the review
    cases or the everyday calls. Files without bands (the vignettes) give nothing."""
    data = orjson.loads(Path(path).read_bytes())
    if isinstance(data, Mapping) and "symptoms" in data and "contexts" in data:
        for entry in data["symptoms"]:
            for route, expected in entry["expect"].items():
                for context, (lowest, highest) in expected.items():
                    asked = ruleset.asked_for(route)
                    histories = ([("all no", dict.fromkeys(asked, False))]
                                 if context == "all_no" else
                                 _histories(context, data["contexts"], asked))
                    for label, history in histories:
                        yield (f"{entry['symptom']}-{route}-{label}",
                               {"route": route, "symptoms": [entry["symptom"]],
                                "history": history}, lowest, highest)
    for item in _items_with_answers(data):
        if item.get("lowest") in LEVEL_RANK and item.get("highest") in LEVEL_RANK:
            yield str(item.get("id", "?")), item["answers"], item["lowest"], item["highest"]


def band_count(path: str | Path, ruleset: RuleSet) -> BandCount:
    """Decide every banded row of a case file under `ruleset` and count it against its band
    (rows it cannot read are counted apart). Hazards: H1, H18."""
    count = BandCount()
    benign = (LEVEL_RANK["routine"], LEVEL_RANK["soon"])
    for _row_id, answers, lowest, highest in banded_rows(path, ruleset):
        count.rows += 1
        read = _read(_given(orjson.dumps(answers)), ruleset)
        if read is None:
            count.unreadable += 1
            continue
        rank = LEVEL_RANK[decide(read, ruleset).level]
        if rank < LEVEL_RANK[lowest]:
            count.under += 1
            count.emergencies_given_less += lowest == "emergency"
        if rank > LEVEL_RANK[highest]:
            count.over += 1
        if LEVEL_RANK[highest] in benign:
            count.benign += 1
            count.benign_over += rank > LEVEL_RANK[highest]
    return count


def bands_table(counts: Mapping[str, tuple[BandCount, BandCount]], before: RuleSet,
                after: RuleSet) -> str:
    """The bands of each case file, before and after, as lines of text."""
    lines = ["Against the wanted levels (rows below their band; benign rows, whose highest "
             "acceptable level is soon or routine, given more):"]
    for name, pair in counts.items():
        for label, ruleset, count in (("before", before, pair[0]), ("after", after, pair[1])):
            lines.append(
                f"  {name}, {label} ({ruleset.version}): {count.rows:,} rows "
                f"({count.unreadable:,} unreadable); under-triaged "
                f"{count.under:,} ({count.emergencies_given_less:,} emergencies given less); "
                f"benign over-triage {count.benign_over:,} of {count.benign:,} "
                f"({count.benign_share:.1%})")
    return "\n".join(lines)


# --- Deciding -------------------------------------------------------------------------

# Each worker process's two rule sets, and their comparison when both read answers alike.
_WORKER: dict[str, Any] = {}


def _start_worker(before_text: str, after_text: str) -> None:
    before = parse_ruleset(before_text, decisions_only=True)
    after = parse_ruleset(after_text, decisions_only=True)
    _WORKER.update(before=before, after=after, comparison=Comparison(before, after)
                   if reading_key(before) == reading_key(after) else None)


def _given(raw: bytes) -> dict[str, Any]:
    """Stored answers as given: parsed once, whichever rule sets then read them."""
    answers = orjson.loads(raw)
    # Stored answers spell out every question; "unknown" and null mean not answered, so
    # they are dropped: a rule set that asks other questions reads the rest the same way.
    answers = {key: value for key, value in answers.items() if value is not None}
    history = answers.get("history")
    if isinstance(history, Mapping):
        answers["history"] = {k: v for k, v in history.items()
                              if v is not None and v != UNKNOWN}
    return answers


def _read(given: dict[str, Any], ruleset: RuleSet) -> Answers | None:
    """The answers as `ruleset` reads them, or None if it cannot."""
    if given.get("all_no"):  # the probe table's "every history question: no"
        given = {**given, "history": dict.fromkeys(ruleset.asked_for(given["route"]), False)}
        del given["all_no"]
    try:
        return normalise(given, ruleset)
    except InvalidAnswers:
        return None


_NOT_READ = Outcome(UNREADABLE, frozenset(), UNREADABLE)


def _decide(answers: Answers | None, ruleset: RuleSet) -> Outcome:
    return _NOT_READ if answers is None else outcome(decide(answers, ruleset))


def _decide_chunk(chunk: list[bytes]) -> list[tuple]:
    """Each answer set's levels under both rule sets, with both outcomes in full only where
    they differ (what goes back to the parent stays small). When both rule sets read answers
    the same way, each is read once and `after` re-evaluates only what differs
    (clinical/compare.py)."""
    before, after, comparison = _WORKER["before"], _WORKER["after"], _WORKER["comparison"]
    if comparison is not None:
        pairs = ((_NOT_READ, _NOT_READ) if read is None else comparison.outcomes(read)
                 for read in (_read(_given(raw), before) for raw in chunk))
    else:
        pairs = ((_decide(_read(given, before), before), _decide(_read(given, after), after))
                 for given in map(_given, chunk))
    return [(first.level, second.level) if first.level == second.level != UNREADABLE
            else (first.level, second.level, first, second) for first, second in pairs]


# --- The report -----------------------------------------------------------------------

@dataclass
class Move:
    source: str
    id: str
    before: str
    after: str
    rules_now: list[str]  # fired after, not before
    rules_no_longer: list[str]  # fired before, not after
    score_level: tuple[str, str]


@dataclass
class SourceReport:
    total: int = 0
    distinct: int = 0
    up: int = 0
    down: int = 0
    unchanged: int = 0
    unreadable: dict[str, int] = field(default_factory=lambda: {"before": 0, "after": 0})
    # [before level][after level] -> how many
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)
    examples: list[Move] = field(default_factory=list)
    responsible: Counter = field(default_factory=Counter)


def replay(sources: Mapping[str, Iterable[tuple[str, bytes]]], before_text: str,
           after_text: str, workers: int = 2, examples: int = 5) -> dict[str, SourceReport]:
    """Decide every answer set of every source under both rule sets; a report per source."""
    reports = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                             initargs=(before_text, after_text)) as pool:
        for name, items in sources.items():
            reports[name] = _replay_source(name, items, pool, workers, examples)
    return reports


def _replay_source(name: str, items: Iterable[tuple[str, bytes]], pool, workers: int,
                   examples: int) -> SourceReport:
    """Distinct answer sets go to the workers in chunks while the rest are still being read
    (a few chunks in flight at a time); an answer set seen before only adds to its count.
    Keyed by a 128-bit digest, and only small results are kept, so a million stored answer
    sets are never all in memory at once."""
    slot_of: dict[bytes, int] = {}
    counts: list[int] = []
    first_ids: list[str] = []
    results: list[tuple] = []
    in_flight: deque = deque()
    pending: list[bytes] = []

    def send() -> None:
        in_flight.append(pool.submit(_decide_chunk, pending))
        while len(in_flight) > 4 * workers:
            results.extend(in_flight.popleft().result())

    for item_id, raw in items:
        key = hashlib.blake2b(raw, digest_size=16).digest()
        slot = slot_of.get(key)
        if slot is None:
            slot = slot_of[key] = len(counts)
            counts.append(0)
            first_ids.append(item_id)
            pending.append(raw)
            if len(pending) == CHUNK:
                send()
                pending = []
        counts[slot] += 1
    if pending:
        send()
    while in_flight:
        results.extend(in_flight.popleft().result())
    report = SourceReport(distinct=len(counts))
    shown: Counter = Counter()
    for first_id, n, result in zip(first_ids, counts, results, strict=True):
        _count(report, name, first_id, n, result, shown, examples)
    return report


def _count(report: SourceReport, name: str, first_id: str, n: int, result: tuple,
           shown: Counter, examples: int) -> None:
    report.total += n
    level_before, level_after = result[:2]
    report.matrix.setdefault(level_before, Counter())[level_after] += n
    if len(result) == 2:
        report.unchanged += n
        return
    before, after = result[2:]
    fired_before, score_before = before.fired, before.score_level
    fired_after, score_after = after.fired, after.score_level
    if UNREADABLE in (level_before, level_after):
        for side, level in (("before", level_before), ("after", level_after)):
            report.unreadable[side] += n if level == UNREADABLE else 0
        return
    change = LEVEL_RANK[level_after] - LEVEL_RANK[level_before]
    if change == 0:
        report.unchanged += n
        return
    if change > 0:
        report.up += n
        responsible = sorted(fired_after - fired_before)
    else:
        report.down += n
        responsible = sorted(fired_before - fired_after)
    if score_before != score_after:
        responsible.append(f"score: {score_before} to {score_after}")
    report.responsible.update({rule: n for rule in responsible})
    if shown[level_before, level_after] < examples:
        shown[level_before, level_after] += 1
        report.examples.append(Move(name, first_id, level_before, level_after,
                                    sorted(fired_after - fired_before),
                                    sorted(fired_before - fired_after),
                                    (score_before, score_after)))


def as_json(reports: Mapping[str, SourceReport], before: RuleSet, after: RuleSet) -> dict:
    return {
        "before": {"version": before.version, "sha256": before.content_hash},
        "after": {"version": after.version, "sha256": after.content_hash},
        "sources": {
            name: {
                "total": r.total, "distinct": r.distinct, "up": r.up, "down": r.down,
                "unchanged": r.unchanged, "unreadable": r.unreadable,
                "levels": {b: dict(a) for b, a in r.matrix.items()},
                "responsible": dict(r.responsible.most_common()),
                "examples": [vars(m) | {"score_level": list(m.score_level)}
                             for m in r.examples],
            } for name, r in reports.items()},
    }


HEADER = "before \\ after"


def as_table(reports: Mapping[str, SourceReport], before: RuleSet, after: RuleSet) -> str:
    lines = [f"Replay: rule set {before.version} (sha256 {before.short_hash}) before, "
             f"{after.version} (sha256 {after.short_hash}) after.", ""]
    columns = [*LEVELS, UNREADABLE]
    for name, r in reports.items():
        lines.append(f"{name}: {r.total:,} ({r.distinct:,} distinct answer sets). "
                     f"Up {r.up:,}, down {r.down:,}, unchanged {r.unchanged:,}; unreadable "
                     f"before {r.unreadable['before']:,}, after {r.unreadable['after']:,}.")
        lines.append(f"  {HEADER:16}" + "".join(f"{c:>12}" for c in columns))
        for level in columns:
            if level in r.matrix:
                lines.append(f"  {level:16}" + "".join(
                    f"{r.matrix[level].get(c, 0):>12,}" for c in columns))
        if r.responsible:
            lines.append("  Rules responsible for the moves (how many each):")
            lines += [f"    {rule}: {n:,}" for rule, n in r.responsible.most_common(10)]
        if r.examples:
            lines.append("  Examples:")
            for m in r.examples:
                why = "; ".join(filter(None, (
                    f"fires now: {', '.join(m.rules_now)}" if m.rules_now else "",
                    f"no longer fires: {', '.join(m.rules_no_longer)}"
                    if m.rules_no_longer else "",
                    f"score reaches {m.score_level[1]} (was {m.score_level[0]})"
                    if m.score_level[0] != m.score_level[1] else "")))
                lines.append(f"    {m.id}: {m.before} to {m.after} ({why})")
        lines.append("")
    return "\n".join(lines)
