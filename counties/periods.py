"""Reporting periods: a quarter (``2025Q3``) or a whole year (``2025``). Pure: no Flask, no database."""
import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[Qq]\s*([1-4]))?\s*$")
FIRST_YEAR = 2014  # the programme's first batch


class PeriodError(ValueError):
    """``reason`` is one of format, too_early, future (the web layer turns it into a translated message)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int | None = None  # None = the whole year

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def start(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def end(self) -> date:
        if not self.quarter or self.quarter == 4:
            return date(self.year, 12, 31)
        next_start = date(self.year, 3 * self.quarter + 1, 1)
        return date.fromordinal(next_start.toordinal() - 1)

    @property
    def sort_key(self) -> tuple[date, int]:
        # A year sorts after its fourth quarter (both end on 31 December).
        return (self.end, 0 if self.quarter else 1)

    def previous_year(self) -> "Period":
        return Period(self.year - 1, self.quarter)

    def __str__(self) -> str:
        return self.code


def parse(text: str | int | None, today: date | None = None) -> Period:
    """Parses and validates: a known year, not in the future (a period that has not started yet)."""
    match = _PERIOD.match(str(text or ""))
    if not match:
        raise PeriodError("format")
    period = Period(int(match.group(1)), int(match.group(2)) if match.group(2) else None)
    if period.year < FIRST_YEAR:
        raise PeriodError("too_early")
    if period.start > (today or date.today()):
        raise PeriodError("future")
    return period


def recent_quarters(today: date, count: int) -> list[Period]:
    """The last ``count`` quarters that have started, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        found.append(Period(year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return found[::-1]
