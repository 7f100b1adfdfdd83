"""Command line: `screener assess [FILE|-] [--text]`, `screener rules check|docs`."""

from __future__ import annotations

import json
import sys

import click

from .answers import InvalidAnswers
from .docs import rules_markdown
from .ruleset import RuleSetError, default_ruleset, load_ruleset
from .scoring import Assessment, assess

DISCLAIMER = "This check supports, and never replaces, clinical judgement."


@click.group()
def main() -> None:
    """Baclofen withdrawal screener."""


@main.command("assess")
@click.argument("source", type=click.File("r"), default="-")
@click.option("--text", "as_text", is_flag=True, help="Print a readable summary, not JSON.")
@click.option("--audience", type=click.Choice(["caregiver", "staff"]), default="staff",
              show_default=True, help="Whose wording to use with --text.")
def assess_command(source, as_text: bool, audience: str) -> None:
    """Score the answers in SOURCE (a JSON file, or - for standard input)."""
    try:
        raw = json.load(source)
    except ValueError as error:
        raise click.ClickException(f"not valid JSON: {error}") from None
    try:
        result = assess(raw)
    except InvalidAnswers as error:
        click.echo(json.dumps({"errors": error.errors}, indent=2), err=True)
        sys.exit(2)
    click.echo(as_summary(result, audience) if as_text else json.dumps(result.to_dict(), indent=2))


def as_summary(result: Assessment, audience: str = "staff") -> str:
    """The assessment as plain text: level, advice, and the working."""
    advice = result.advice[audience]
    lines = [f"{result.level.upper()}: {advice.headline}",
             f"Score {result.score} (reaches {result.score_level} by points); "
             f"direction: {result.direction or 'none'}; NEWS2 {result.news2_total}", ""]
    for title, items in (("Red flags", [r.label for r in result.red_flags]),
                         ("Combinations", [f"{r.label} [{r.level}]" for r in result.combinations]),
                         ("What to do now", advice.do_now), ("What to tell them", advice.tell),
                         ("Watch for", advice.watch_for)):
        if items:
            lines += [f"{title}:", *(f"  - {item}" for item in items), ""]
    lines.append("Why (each answer that counted):")
    for c in result.contributions:
        label = c.term if audience == "staff" else c.label
        lines.append(f"  +{c.points:<2} {label}  [{', '.join(c.sources)}]")
    lines += ["", f"Rule set {result.ruleset_version}. {DISCLAIMER}"]
    return "\n".join(lines)


@main.group()
def rules() -> None:
    """Check or document the rule set."""


@rules.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def rules_check(path: str | None) -> None:
    """Validate a rule file (default: the packaged one); exit 1 naming each bad line."""
    try:
        ruleset = load_ruleset(path)
    except RuleSetError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    click.echo(f"Rule set {ruleset.version} is valid: {len(ruleset.features)} features, "
               f"{len(ruleset.red_flags)} red flags, {len(ruleset.combinations)} combinations.")


@rules.command("docs")
def rules_docs() -> None:
    """Print the rule set as Markdown (this is docs/rules.md)."""
    click.echo(rules_markdown(default_ruleset()), nl=False)
