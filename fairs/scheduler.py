"""Pure timetable scheduler: places accepted pairs into a fair's slots without conflicts.

No Flask or database here, so the rules can be property-tested on random fairs. Rules:
- a participant is never in two meetings in the same slot (the slot grid is fixed, so equal starts = overlap);
- nobody has more than `cap_per_day` meetings on a day (existing bookings count);
- every slot lies inside the fair's daily hours on a fair day;
- each pair, taken in the given priority order, goes into the earliest slot both parties have free.
"""
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class FairGrid:
    days: tuple[date, ...]
    day_start: time
    day_end: time
    slot_minutes: int
    cap_per_day: int
    tz: str = "Asia/Shanghai"

    def slots(self) -> list[datetime]:
        """Every slot start (aware, in the fair's zone) whose whole slot ends by day_end, earliest first."""
        zone, length, starts = ZoneInfo(self.tz), timedelta(minutes=self.slot_minutes), []
        for day in sorted(self.days):
            start = datetime.combine(day, self.day_start, zone)
            end = datetime.combine(day, self.day_end, zone)
            while start + length <= end:
                starts.append(start)
                start += length
        return starts

    def contains(self, slot_start: datetime) -> bool:
        return slot_start in set(self.slots())

    def day_of(self, slot_start: datetime) -> date:
        return slot_start.astimezone(ZoneInfo(self.tz)).date()


@dataclass
class Busy:
    """Existing bookings: who is taken in which slot, and how many meetings each has per day."""

    slots: dict[Hashable, set[datetime]] = field(default_factory=lambda: defaultdict(set))
    per_day: dict[tuple[Hashable, date], int] = field(default_factory=lambda: defaultdict(int))

    def take(self, grid: FairGrid, who: Hashable, slot_start: datetime) -> None:
        self.slots[who].add(slot_start)
        self.per_day[(who, grid.day_of(slot_start))] += 1

    def is_free(self, grid: FairGrid, who: Hashable, slot_start: datetime) -> bool:
        return (slot_start not in self.slots[who]
                and self.per_day[(who, grid.day_of(slot_start))] < grid.cap_per_day)


@dataclass(frozen=True)
class Placement:
    pair_id: Hashable
    a: Hashable
    b: Hashable
    slot_start: datetime


def schedule(grid: FairGrid, pairs: Iterable[tuple[Hashable, Hashable, Hashable]],
             busy: Busy | None = None) -> tuple[list[Placement], list[Hashable]]:
    """pairs: (pair_id, party_a, party_b) in priority order. Returns (placements, ids left unplaced)."""
    busy = busy or Busy()
    slots = grid.slots()
    # The first slot index still worth trying per participant: everything before it is taken or capped
    # for them, which keeps big fairs close to linear instead of rescanning from the first slot.
    first_free: dict[Hashable, int] = defaultdict(int)
    placed, unplaced = [], []
    for pair_id, a, b in pairs:
        if a == b:
            unplaced.append(pair_id)
            continue
        slot = _earliest_common(grid, slots, busy, a, b, max(first_free[a], first_free[b]))
        if slot is None:
            unplaced.append(pair_id)
            continue
        busy.take(grid, a, slots[slot])
        busy.take(grid, b, slots[slot])
        placed.append(Placement(pair_id, a, b, slots[slot]))
        for who in (a, b):
            while first_free[who] < len(slots) and not busy.is_free(grid, who, slots[first_free[who]]):
                first_free[who] += 1
    return placed, unplaced


def _earliest_common(grid, slots, busy, a, b, start_index) -> int | None:
    for index in range(start_index, len(slots)):
        slot = slots[index]
        if busy.is_free(grid, a, slot) and busy.is_free(grid, b, slot):
            return index
    return None
