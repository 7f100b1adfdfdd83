"""Command line: `screener assess [FILE|-] [--text]`, `screener rules check|lock|docs|replay`,
`screener init-config`. It needs no Flask (the web app's own commands are
`flask --app screener ...`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..clinical import assess, wording
from ..clinical.answers import InvalidAnswers
from ..clinical.rules import (
    LOCK_PATH,
    RuleSetError,
    default_ruleset,
    load_ruleset,
    parse_ruleset,
    read_lock,
    version_problem,
)
from ..settings import database_problem, instance_path, write_development_config
from .docs import rules_markdown


@click.group()
def main() -> None:
    """Baclofen withdrawal screener."""


@main.command("assess")
@click.argument("source", type=click.File("r"), default="-")
@click.option("--text", "as_text", is_flag=True, help="Print a readable summary, not JSON.")
@click.option("--audience", type=click.Choice(["caregiver", "staff"]), default="staff",
              show_default=True, help="Whose wording to use with --text.")
@click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False),
              help="A rule file to score with (default: the packaged one).")
def assess_command(source, as_text: bool, audience: str, rules_path: str | None) -> None:
    """Score the answers in SOURCE (a JSON file, or - for standard input)."""
    ruleset = _load_or_exit(rules_path)
    try:
        raw = json.load(source)
    except ValueError as error:
        raise click.ClickException(f"not valid JSON: {error}") from None
    try:
        result = assess(raw, ruleset)
    except InvalidAnswers as error:
        click.echo(json.dumps({"errors": error.errors}, indent=2), err=True)
        sys.exit(2)
    click.echo(wording.as_text(result, audience) if as_text
               else json.dumps(result.to_dict(), indent=2))


@main.command("init-config")
def init_config_command() -> None:
    """Write instance/config.py for local development on this clone (a random secret key,
    development mode), unless it exists. `make run` runs it first (screener/settings.py)."""
    written = write_development_config()
    click.echo(f"Wrote {written} (local development only; git-ignored)." if written else
               f"{instance_path() / 'config.py'} exists: left as it is.")


@main.group()
def rules() -> None:
    """Check or document the rule set."""


@rules.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def rules_check(path: str | None) -> None:
    """Validate a rule file (default: the packaged one); exit 1 naming each bad line, or if
    its content changed while its version did not (see screener/clinical/rules/ruleset.lock)."""
    ruleset = _load_or_exit(path)
    problem = version_problem(ruleset)
    if problem:
        click.echo(problem, err=True)
        sys.exit(1)
    click.echo(f"Rule set {ruleset.version} (sha256 {ruleset.short_hash}) is valid: "
               f"{len(ruleset.features)} features, {len(ruleset.discriminators)} "
               f"discriminators ({len(ruleset.red_flags)} emergency).")


def _load_or_exit(path: str | None):
    """The rule file at `path` (default: the packaged one); exit 1 naming each bad line."""
    try:
        return load_ruleset(path)
    except RuleSetError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(1)


@rules.command("lock")
def rules_lock() -> None:
    """Record the packaged rule set's version and content hash in the lock file (run it
    after giving a changed rule set its new version)."""
    ruleset = default_ruleset()
    locked = read_lock()
    if locked.get(ruleset.version, ruleset.content_hash) != ruleset.content_hash:
        raise click.ClickException(
            f"version {ruleset.version} is already locked to other content: give the rule "
            "set a new version first")
    locked[ruleset.version] = ruleset.content_hash
    LOCK_PATH.write_text(json.dumps(locked, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    click.echo(f"Locked {ruleset.version} to sha256 {ruleset.content_hash}.")


@rules.command("docs")
@click.option("--probes", type=click.Path(exists=True, dir_okay=False),
              help="A probe table (tests/data/probes.json) to include as the specification.")
def rules_docs(probes: str | None) -> None:
    """Print the rule set as Markdown (this is docs/rules.md)."""
    table = json.loads(Path(probes).read_text(encoding="utf-8")) if probes else None
    click.echo(rules_markdown(default_ruleset(), table), nl=False)


DEFAULT_CASES = ("tests/data/vignettes.json", "tests/data/probes.json",
                 "tests/data/review_cases.json", "tests/data/everyday_calls.json")


@rules.command("replay")
@click.argument("before")
@click.option("--after", "after_spec", help="The rule set to compare with: a file or a git "
              "revision (default: the packaged file, as it is now).")
@click.option("--database", envvar="DATABASE_URL", show_envvar=True,
              help="Replay the screenings stored in this database.")
@click.option("--cases", "case_files", multiple=True, type=click.Path(dir_okay=False),
              help="A JSON case file (repeatable; default: the vignettes and the probe "
                   "table, where this is the project's folder).")
@click.option("--workers", default=2, show_default=True, help="Processes deciding in parallel.")
@click.option("--examples", default=5, show_default=True,
              help="Examples shown per kind of move (for example soon to urgent).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, not a table.")
def rules_replay(before: str, after_spec: str | None, database: str | None,
                 case_files: tuple[str, ...], workers: int, examples: int,
                 as_json: bool) -> None:
    """Which screenings would a rule-set change move, and which way? BEFORE is a rule file
    or a git revision (for example HEAD, or 2026.2's commit); each stored screening, vignette
    and probe is decided under BEFORE and under the current rule set, and the moves are
    counted level by level, with examples and the rules responsible."""
    from . import replay

    try:
        texts = [replay.rules_text(spec) for spec in (before, after_spec)]
        rule_sets = [parse_ruleset(text, where, decisions_only=True) for text, where in texts]
    except (ValueError, RuleSetError) as error:
        problems = error.problems if isinstance(error, RuleSetError) else [str(error)]
        raise click.ClickException("; ".join(problems)) from None
    sources = {}
    if database:
        sources["stored screenings"] = replay.stored_answers(database)
    case_paths = case_files or [p for p in DEFAULT_CASES if Path(p).is_file()]
    for path in case_paths:
        sources[Path(path).stem] = replay.case_answers(path, rule_sets[1])
    if not sources:
        raise click.ClickException("nothing to replay: give --database or --cases")
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    try:
        reports = replay.replay(sources, texts[0][0], texts[1][0], workers, examples)
    except (ArgumentError, NoSuchModuleError, OperationalError) as error:
        raise click.ClickException(f"Cannot read the stored screenings (--database or "
                                   f"DATABASE_URL): {database_problem(error)}") from None
    bands = {Path(path).stem: tuple(replay.band_count(path, r) for r in rule_sets)
             for path in case_paths}
    bands = {name: pair for name, pair in bands.items() if pair[1].rows}
    if as_json:
        document = replay.as_json(reports, *rule_sets)
        document["bands"] = {name: {side: vars(count) | {"benign_share": count.benign_share}
                                    for side, count in zip(("before", "after"), pair,
                                                           strict=True)}
                             for name, pair in bands.items()}
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(replay.as_table(reports, *rule_sets))
        if bands:
            click.echo(replay.bands_table(bands, *rule_sets))
