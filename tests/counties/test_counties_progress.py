"""Pure period parsing and target progress (no app)."""
from datetime import date
from decimal import Decimal as D

import pytest

from counties import periods, progress
from counties.periods import Period

TODAY = date(2026, 11, 28)


def q(text):
    return periods.parse(text, TODAY)


def test_periods_parse_quarters_and_years_and_refuse_future_or_malformed():
    assert q("2025q3") == Period(2025, 3) and q(" 2025 ") == Period(2025)
    assert q("2026Q4").code == "2026Q4"  # the current quarter has started: allowed
    assert Period(2025, 1).end == date(2025, 3, 31) and Period(2024, 1).end == date(2024, 3, 31)
    for bad, reason in [("2027Q1", "future"), ("2027", "future"), ("2013", "too_early"), ("2025Q5", "format"),
                        ("Q3", "format"), ("", "format")]:
        with pytest.raises(periods.PeriodError) as error:
            q(bad)
        assert error.value.reason == reason


def test_at_least_met_when_the_latest_level_reaches_the_threshold():
    points = [(q("2025Q1"), D(40)), (q("2025Q2"), D(52))]
    result = progress.at_least(points, D(50), date(2025, 12, 31), TODAY)
    assert result.status == progress.MET and result.current == D(52) and result.ratio == 1


def test_at_least_on_track_when_the_trend_reaches_the_threshold_by_the_due_date():
    # 60 -> 70 over one quarter: +10 per quarter reaches 80 well before the end of 2027
    points = [(q("2026Q2"), D(60)), (q("2026Q3"), D(70))]
    result = progress.at_least(points, D(80), date(2027, 12, 31), TODAY)
    assert result.status == progress.ON_TRACK and result.projected > D(80)
    assert result.ratio == D(70) / D(80)


def test_at_least_behind_when_the_trend_falls_short_or_the_date_passed_or_no_trend():
    flat = [(q("2026Q2"), D(60)), (q("2026Q3"), D("60.5"))]
    assert progress.at_least(flat, D(80), date(2027, 3, 31), TODAY).status == progress.BEHIND
    rising = [(q("2025Q1"), D(30)), (q("2025Q2"), D(45))]
    assert progress.at_least(rising, D(50), date(2025, 12, 31), TODAY).status == progress.BEHIND  # due passed
    assert progress.at_least([(q("2026Q3"), D(70))], D(80), date(2027, 12, 31), TODAY).status == progress.BEHIND
    assert progress.at_least([], D(80), None, TODAY).status == progress.NO_DATA


def test_flow_targets_use_running_totals_without_counting_a_year_twice():
    # trainees: 2025 has quarters and a yearly figure (ignored), 2024 only a yearly one
    points = [(q("2024"), D(1000)), (q("2025Q1"), D(500)), (q("2025Q2"), D(700)), (q("2025"), D(1200))]
    totals = progress.figures(points, flow=True)
    assert [v for _d, v in totals] == [D(1000), D(1500), D(2200)]
    result = progress.at_least(points, D(3000), date(2027, 6, 30), TODAY, flow=True)
    assert result.current == D(2200) and result.status == progress.ON_TRACK
    assert progress.at_least(points, D(2000), None, TODAY, flow=True).status == progress.MET


def test_growth_above_the_regional_average():
    points = [(q("2024Q3"), D(100)), (q("2025Q2"), D(90)), (q("2025Q3"), D(125))]
    assert progress.growth_percent(points) == D("25.00")
    assert progress.growth_percent([(q("2025Q3"), D(125))]) is None  # no year-earlier figure
    average = progress.average([D(10), D(20), None])
    assert average == D("15.00")
    assert progress.growth_above_average(D(25), average, D(0)).status == progress.MET
    assert progress.growth_above_average(D(25), average, D(12)).status == progress.BEHIND  # bar = 27
    assert progress.growth_above_average(None, average, D(0)).status == progress.NO_DATA
