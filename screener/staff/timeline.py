"""A patient's screenings over time: an SVG chart (drawn on the server) and what changed.

The chart plots each screening's score against its time, with a marker shape per level, so
meaning never rests on colour; the table beside it says the same in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..clinical import Assessment
from ..clinical.rules.vocabulary import LEVEL_RANK
from ..models import Screening, as_utc
from ..web.formatting import short_date
from ..web.language import gettext as _

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
CHART_LIMIT = 30  # the most recent screenings drawn; the table lists them all


@dataclass(frozen=True)
class Change:
    """How one screening differs from the one before it."""

    level_from: str | None
    score_delta: int | None
    new: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()

    def summary(self, level: str) -> str:
        if self.level_from is None:
            return _("First screening")
        parts = []
        if self.level_from != level:
            change = (_("Worse: %(before)s to %(after)s", before=self.level_from, after=level)
                      if LEVEL_RANK[level] > LEVEL_RANK[self.level_from] else
                      _("Better: %(before)s to %(after)s", before=self.level_from, after=level))
            parts.append(change)
        else:
            parts.append(_("Level unchanged (%(level)s)", level=level))
        if self.score_delta:
            parts.append(_("score %(change)s", change=f"{self.score_delta:+d}"))
        if self.new:
            parts.append(_("new: %(findings)s", findings="; ".join(self.new)))
        if self.gone:
            parts.append(_("no longer: %(findings)s", findings="; ".join(self.gone)))
        return ", ".join(parts)


@dataclass
class Point:
    x: float
    y: float
    screening: Screening


@dataclass
class Chart:
    points: list[Point] = field(default_factory=list)
    y_max: int = 20
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    thresholds: list[tuple[float, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}"
                        for i, p in enumerate(self.points))


def findings(screening: Screening) -> dict[str, str]:
    """What counted towards this screening: each contributing feature, by id, with its label.
    From the stored assessment alone: the answers are not needed (nor loaded, on the patient
    page)."""
    result = Assessment.from_dict(screening.assessment, {})
    found = {c.feature: c.label for c in result.contributions}
    found.update({f"red-flag:{r.id}": r.label for r in result.red_flags})
    return found


def changes(screenings: list[Screening]) -> list[Change]:
    """For each screening (oldest first), what changed since the one before."""
    result, before = [], None
    for current in screenings:
        if before is None:
            result.append(Change(None, None))
        else:
            now, then = findings(current), findings(before)
            result.append(Change(
                before.level, current.score - before.score,
                tuple(now[k] for k in now if k not in then),
                tuple(then[k] for k in then if k not in now)))
        before = current
    return result


def chart(screenings: list[Screening], level_thresholds: dict[str, int]) -> Chart:
    """Lay out the most recent screenings (oldest first) on a time axis and a score axis."""
    shown = screenings[-CHART_LIMIT:]
    drawn = Chart()
    if not shown:
        return drawn
    top_score = max([s.score for s in shown] + list(level_thresholds.values()))
    drawn.y_max = max(20, (top_score // 5 + 1) * 5)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    times = [as_utc(s.created_at).timestamp() for s in shown]
    start, span = times[0], (times[-1] - times[0]) or 1.0

    def y_for(score: float) -> float:
        return TOP + plot_h * (1 - min(score, drawn.y_max) / drawn.y_max)

    def x_for(moment: float) -> float:
        return LEFT + (plot_w / 2 if len(shown) == 1 else plot_w * (moment - start) / span)

    drawn.points = [Point(x_for(t), y_for(s.score), s) for t, s in zip(times, shown, strict=True)]
    drawn.y_ticks = [(y_for(v), v) for v in range(0, drawn.y_max + 1, 5)]
    drawn.thresholds = [(y_for(v), name) for name, v in level_thresholds.items() if v > 0]
    first, last = shown[0].created_at, shown[-1].created_at
    drawn.x_labels = [(x_for(times[0]), short_date(first))]
    if len(shown) > 1 and short_date(first) != short_date(last):
        drawn.x_labels.append((x_for(times[-1]), short_date(last)))
    return drawn
