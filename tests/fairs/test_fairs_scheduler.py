"""Property tests of the pure timetable scheduler on random fairs."""
from collections import Counter
from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fairs.scheduler import Busy, FairGrid, schedule


@st.composite
def fairs(draw):
    first = date(2026, 9, 1) + timedelta(days=draw(st.integers(0, 60)))
    days = tuple(first + timedelta(days=i) for i in range(draw(st.integers(1, 3))))
    start_hour = draw(st.integers(7, 12))
    end_hour = draw(st.integers(start_hour + 1, 20))
    grid = FairGrid(days=days, day_start=time(start_hour, draw(st.sampled_from([0, 30]))),
                    day_end=time(end_hour, draw(st.sampled_from([0, 15, 45]))),
                    slot_minutes=draw(st.sampled_from([15, 20, 30, 45, 60])), cap_per_day=draw(st.integers(1, 6)))
    producers = draw(st.integers(1, 8))
    buyers = draw(st.integers(1, 6))
    pairs = draw(st.lists(st.tuples(st.integers(0, producers - 1), st.integers(0, buyers - 1)), max_size=60))
    return grid, [(i, ("p", p), ("b", b)) for i, (p, b) in enumerate(pairs)]


def _final_busy(grid, placements):
    busy = Busy()
    for placed in placements:
        busy.take(grid, placed.a, placed.slot_start)
        busy.take(grid, placed.b, placed.slot_start)
    return busy


@settings(max_examples=150, deadline=None)
@given(fairs())
def test_no_overlap_caps_and_hours(fair):
    grid, pairs = fair
    placements, unplaced = schedule(grid, pairs)
    assert len(placements) + len(unplaced) == len(pairs)
    allowed = set(grid.slots())
    seats = Counter()
    per_day = Counter()
    for placed in placements:
        assert placed.slot_start in allowed
        local = placed.slot_start.astimezone(grid.slots()[0].tzinfo)
        assert grid.day_start <= local.time()
        assert (local + timedelta(minutes=grid.slot_minutes)).time() <= grid.day_end or \
            (local + timedelta(minutes=grid.slot_minutes)).time() == time(0, 0)
        assert local.date() in grid.days
        for who in (placed.a, placed.b):
            seats[(who, placed.slot_start)] += 1
            per_day[(who, local.date())] += 1
    assert all(count == 1 for count in seats.values()), "someone is in two meetings at once"
    assert all(count <= grid.cap_per_day for count in per_day.values()), "a daily cap is exceeded"


@settings(max_examples=150, deadline=None)
@given(fairs())
def test_meetings_as_early_as_possible(fair):
    grid, pairs = fair
    placements, unplaced = schedule(grid, pairs)
    busy = _final_busy(grid, placements)
    slots = grid.slots()
    for placed in placements:
        for earlier in (s for s in slots if s < placed.slot_start):
            moved_day = grid.day_of(earlier) != grid.day_of(placed.slot_start)
            def fits(who, earlier=earlier, moved_day=moved_day):
                if earlier in busy.slots[who]:
                    return False
                return not moved_day or busy.per_day[(who, grid.day_of(earlier))] < grid.cap_per_day
            assert not (fits(placed.a) and fits(placed.b)), "a meeting could have been earlier"
    by_id = {pair_id: (a, b) for pair_id, a, b in pairs}
    for pair_id in unplaced:
        a, b = by_id[pair_id]
        assert not any(busy.is_free(grid, a, s) and busy.is_free(grid, b, s) for s in slots)


def test_existing_bookings_are_respected():
    grid = FairGrid(days=(date(2026, 10, 1),), day_start=time(9), day_end=time(10), slot_minutes=30, cap_per_day=2)
    first, second = grid.slots()
    busy = Busy()
    busy.take(grid, "p", first)
    placements, unplaced = schedule(grid, [(1, "p", "b1"), (2, "p", "b2")], busy)
    assert [(p.pair_id, p.slot_start) for p in placements] == [(1, second)]
    assert unplaced == [2]


def test_slots_stay_inside_the_day():
    grid = FairGrid(days=(date(2026, 10, 1),), day_start=time(9), day_end=time(10, 40), slot_minutes=30, cap_per_day=9)
    assert [s.strftime("%H:%M") for s in grid.slots()] == ["09:00", "09:30", "10:00"]
