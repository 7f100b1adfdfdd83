"""A patient's screenings over time: an SVG chart (drawn on the server) and what changed.

The chart plots each screening's level (four bands, named in words) against its time, with a
marker shape per level and the score written beside it, so meaning never rests on colour or
on the score: a level set by a rule sits in its own band whatever the score. Refills and
follow-up calls are ticks under the time axis. The table beside it says the same in words.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app

from ..clinical import Assessment
from ..clinical.rules.vocabulary import LEVEL_RANK, LEVELS
from ..models import Screening, as_utc
from ..web.formatting import on_service_clock, short_date
from ..web.language import gettext as _

WIDTH, PLOT_HEIGHT = 640, 188
LEFT, RIGHT, TOP = 88, 16, 28  # room for the band names and the axis title
PAD = 24  # points stay this far inside the plot, clear of the band names
FONT, SMALL = 12, 10  # the axis text's size, and the scores' and ticks' size
MARK_ROWS = 3  # rows of tick labels, so ticks close together keep their labels apart
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
    below: bool = False  # the score written under the marker, clear of the one before

    @property
    def score_y(self) -> float:
        return self.y + 19 if self.below else self.y - 11


@dataclass(frozen=True)
class Band:
    """One level's strip of the y-axis: its name is written at `label_y`, left of the plot."""

    level: str
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def label_y(self) -> float:
        return self.middle + FONT / 3  # the baseline that centres the name on the band


@dataclass(frozen=True)
class Mark:
    """A tick under the time axis: a refill or a follow-up call, labelled in words."""

    x: float
    label: str
    row: int = 0


@dataclass
class Chart:
    points: list[Point] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    width: int = WIDTH
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom_y: int = TOP + PLOT_HEIGHT
    font: int = FONT
    small: int = SMALL

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}"
                        for i, p in enumerate(self.points))

    def mark_label_y(self, mark: Mark) -> float:
        return self.bottom_y + 18 + mark.row * (SMALL + 2)

    @property
    def dates_y(self) -> float:
        """Below the rows of tick labels there are."""
        rows = max((mark.row + 1 for mark in self.marks), default=0)
        return self.bottom_y + 6 + rows * (SMALL + 2) + FONT + 4

    @property
    def height(self) -> float:
        return self.dates_y + 8

    @property
    def title_y(self) -> float:
        return TOP - 12  # the axis title sits above the top band, clear of its name


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


def chart(screenings: list[Screening], refills: Iterable[date] = (),
          calls: Collection[int] = ()) -> Chart:
    """Lay out the most recent screenings (oldest first) on a time axis and a level axis,
    with a tick for each refill (by date) and each screening made on a follow-up call (by id,
    in `calls`) that falls within the time drawn."""
    shown = screenings[-CHART_LIMIT:]
    drawn = Chart()
    if not shown:
        return drawn
    band_h = PLOT_HEIGHT / len(LEVELS)
    drawn.bands = [Band(level, TOP + i * band_h, TOP + (i + 1) * band_h)
                   for i, level in enumerate(LEVELS)]  # most urgent at the top
    middle = {band.level: band.middle for band in drawn.bands}
    plot_w = WIDTH - LEFT - RIGHT - 2 * PAD
    times = [as_utc(s.created_at).timestamp() for s in shown]
    start, end = times[0], times[-1]

    def x_for(moment: float) -> float:
        if len(shown) == 1:
            return LEFT + PAD + plot_w / 2
        return LEFT + PAD + plot_w * (moment - start) / ((end - start) or 1.0)

    drawn.points = [Point(x_for(t), middle[s.level], s) for t, s in zip(times, shown, strict=True)]
    for before, point in zip(drawn.points, drawn.points[1:], strict=False):
        close = point.x - before.x < text_width(_("score %(score)s", score=100), SMALL)
        point.below = close and point.y == before.y and not before.below
    first, last = shown[0].created_at, shown[-1].created_at
    days = (on_service_clock(first).date(), on_service_clock(last).date())
    ticks = [(x_for(min(max(_start_of(day), start), end)), _("Refill"))
             for day in refills if days[0] <= day <= days[1]]
    ticks += [(x_for(t), _("Call")) for t, s in zip(times, shown, strict=True)
              if s.id in calls]
    drawn.marks = _rows(sorted(ticks))
    drawn.x_labels = [(x_for(times[0]), short_date(first))]
    if len(shown) > 1 and short_date(first) != short_date(last):
        drawn.x_labels.append((x_for(times[-1]), short_date(last)))
    return drawn


def _start_of(day: date) -> float:
    """The first moment of `day` on the service's clock, as a timestamp."""
    return datetime.combine(day, time(), current_app.extensions["service"].zone).timestamp()


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in the chart's sans-serif font."""
    return len(text) * size * 0.62


def _rows(ticks: list[tuple[float, str]]) -> list[Mark]:
    """Each tick (left to right) on the first row where its centred label clears the one
    before; where none does, on the row whose last label ends furthest left."""
    ends = [float("-inf")] * MARK_ROWS  # where each row's last label ends
    marks = []
    for x, label in ticks:
        half = text_width(label, SMALL) / 2
        row = next((i for i, end in enumerate(ends) if x - half >= end + 4),
                   ends.index(min(ends)))
        ends[row] = x + half
        marks.append(Mark(x, label, row))
    return marks
