"""Target progress: pure functions from a county's values to a status (met / on track / behind / no data).

Rules (documented for officials on the targets page):
- ``at_least``: the county's current figure (latest level, or the running total for flow indicators such as
  trainees) is compared with the threshold. Reached -> met. Otherwise, after the due date -> behind; before it,
  the trend of the last two figures is projected linearly to the due date: reaching the threshold -> on track,
  else behind. With a single figure there is no trend, so it counts as behind (enter more periods).
- ``growth_above_average``: year-on-year growth of the latest period against the same period a year before,
  compared with the average growth of the other demonstration counties of the same province. Growth above
  average + threshold (percentage points, usually 0) -> met, else behind.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from counties.periods import Period

MET, ON_TRACK, BEHIND, NO_DATA = "met", "on_track", "behind", "no_data"
AT_LEAST, GROWTH_ABOVE_AVERAGE = "at_least", "growth_above_average"


@dataclass(frozen=True)
class Progress:
    status: str
    current: Decimal | None = None  # the figure compared (level, running total, or growth in %)
    threshold: Decimal | None = None  # what it is compared with (threshold or regional average + margin)
    ratio: Decimal | None = None  # current / threshold for at_least (capped at 1), for a progress bar
    projected: Decimal | None = None


def figures(points: list[tuple[Period, Decimal]], flow: bool) -> list[tuple[date, Decimal]]:
    """(period end, figure) oldest first. Levels as they are; flows as running totals. A year's figure is used
    for a flow only when that year has no quarterly figures, so nothing is counted twice."""
    ordered = sorted(points, key=lambda item: item[0].sort_key)
    if not flow:
        return [(period.end, value) for period, value in ordered]
    years_with_quarters = {period.year for period, _value in ordered if period.quarter}
    total, out = Decimal(0), []
    for period, value in ordered:
        if period.quarter is None and period.year in years_with_quarters:
            continue
        total += value
        out.append((period.end, total))
    return out


def at_least(points, threshold: Decimal, due: date | None, today: date, flow: bool = False) -> Progress:
    series = figures(points, flow)
    if not series:
        return Progress(NO_DATA, threshold=threshold)
    current = series[-1][1]
    ratio = min(Decimal(1), current / threshold) if threshold > 0 else Decimal(1)
    if current >= threshold:
        return Progress(MET, current, threshold, ratio)
    if due is None or today > due or len(series) < 2:
        return Progress(BEHIND, current, threshold, ratio)
    (d0, v0), (d1, v1) = series[-2], series[-1]
    days = (d1 - d0).days
    slope = (v1 - v0) / days if days > 0 else Decimal(0)
    projected = v1 + slope * max(0, (due - d1).days)
    status = ON_TRACK if projected >= threshold else BEHIND
    return Progress(status, current, threshold, ratio, projected.quantize(Decimal("0.01")))


def growth_percent(points: list[tuple[Period, Decimal]]) -> Decimal | None:
    """Year-on-year growth (%) of the latest period; None when the year-earlier figure is missing or zero."""
    if not points:
        return None
    by_period = dict(points)
    latest = max(by_period, key=lambda period: period.sort_key)
    before = by_period.get(latest.previous_year())
    if before is None or before == 0:
        return None
    return ((by_period[latest] - before) / before * 100).quantize(Decimal("0.01"))


def growth_above_average(growth: Decimal | None, regional_average: Decimal | None, margin: Decimal) -> Progress:
    if growth is None or regional_average is None:
        return Progress(NO_DATA, current=growth, threshold=regional_average)
    bar = regional_average + margin
    return Progress(MET if growth > bar else BEHIND, growth, bar)


def average(values) -> Decimal | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(Decimal("0.01"))
