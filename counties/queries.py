"""Reads for dashboards, exports and the API: registry, figures per county, target progress, rankings."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa

from core import regions
from core.db import db
from counties import outcomes, periods, progress
from counties.models import FUND_FIELDS, DemoCounty, Indicator, IndicatorValue, Target

Points = list[tuple[periods.Period, Decimal]]


@lru_cache(maxsize=4096)
def _period(code: str) -> periods.Period:
    """Stored period codes were validated on the way in; parse each distinct one once."""
    return periods.parse(code, date.max)


def county_by_code(code: str) -> DemoCounty | None:
    return db.session.scalar(sa.select(DemoCounty).where(DemoCounty.code == str(code)))


def counties_in(scope_code: str | None = None) -> list[DemoCounty]:
    """The registry, national (None) or inside a region, ordered by code."""
    stmt = sa.select(DemoCounty).order_by(DemoCounty.code)
    if scope_code:
        stmt = stmt.where(DemoCounty.code.in_(regions.codes_within(scope_code)))
    return list(db.session.scalars(stmt))


def indicators(active_only: bool = True) -> list[Indicator]:
    stmt = sa.select(Indicator).order_by(Indicator.sort_order, Indicator.id)
    if active_only:
        stmt = stmt.where(Indicator.active)
    return list(db.session.scalars(stmt))


def targets() -> list[Target]:
    return list(db.session.scalars(sa.select(Target).order_by(Target.indicator_id, Target.due_on, Target.id)))


def value_points(county_ids: list[int], indicator_ids: list[int] | None = None) -> dict[int, dict[str, Points]]:
    """{county id: {indicator code: [(period, value), ...]}} in one query."""
    out: dict[int, dict[str, Points]] = defaultdict(lambda: defaultdict(list))
    if not county_ids:
        return out
    stmt = (sa.select(IndicatorValue.county_id, Indicator.code, IndicatorValue.period, IndicatorValue.value)
            .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .where(IndicatorValue.county_id.in_(county_ids)))
    if indicator_ids is not None:
        stmt = stmt.where(IndicatorValue.indicator_id.in_(indicator_ids))
    for county_id, code, period, value in db.session.execute(stmt):
        out[county_id][code].append((_period(period), value))
    return out


def current_figure(points: Points, flow: bool) -> tuple[str, Decimal] | None:
    """The figure a dashboard shows: a level's latest value; a flow's total over its latest year (the year's
    quarters when it has any, else its annual value)."""
    if not points:
        return None
    if not flow:
        period, value = max(points, key=lambda item: item[0].sort_key)
        return period.code, value
    year = max(period.year for period, _value in points)
    quarters = [v for p, v in points if p.year == year and p.quarter]
    if quarters:
        return str(year), sum(quarters, Decimal(0))
    return str(year), next(v for p, v in points if p.year == year and p.quarter is None)


def actor_names(user_ids) -> dict[int, str]:
    from accounts.models import User

    ids = [i for i in user_ids if i]
    if not ids:
        return {}
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids)))
    return {u.id: f"{u.display_name} <{u.email}>" if u.display_name else u.email for u in users}


def value_history(county: DemoCounty) -> list[IndicatorValue]:
    return list(db.session.scalars(
        sa.select(IndicatorValue).where(IndicatorValue.county_id == county.id)
        .order_by(IndicatorValue.period.desc(), IndicatorValue.indicator_id)))


def period_values(county: DemoCounty, period: str) -> dict[str, Decimal]:
    """{indicator code: value} of one period (to prefill the entry form)."""
    stmt = (sa.select(Indicator.code, IndicatorValue.value).join(Indicator)
            .where(IndicatorValue.county_id == county.id, IndicatorValue.period == period))
    return dict(db.session.execute(stmt).all())


def periods_with_values(county: DemoCounty) -> list[str]:
    found = db.session.scalars(sa.select(IndicatorValue.period).where(IndicatorValue.county_id == county.id)
                               .distinct())
    return sorted(found, key=lambda code: _period(code).sort_key, reverse=True)


def chart_series(county: DemoCounty, language: str) -> dict:
    """Time series for the county page charts: one dataset per indicator that has values."""
    points = value_points([county.id])[county.id]
    all_periods = sorted({p for series in points.values() for p, _v in series}, key=lambda p: p.sort_key)
    datasets = []
    for indicator in indicators():
        series = dict(points.get(indicator.code, []))
        if not series:
            continue
        datasets.append({
            "code": indicator.code, "label": indicator.label(language), "unit": indicator.unit,
            "kind": indicator.kind,
            "values": [None if p not in series else str(series[p]) for p in all_periods],
        })
    return {"county": county.code, "periods": [p.code for p in all_periods], "datasets": datasets}


# ------------------------------------------------------------------ targets


def applicable_targets(code: str, all_targets: list[Target]) -> list[Target]:
    return [t for t in all_targets if t.scope_code is None or regions.is_within(code, t.scope_code)]


@dataclass
class GrowthTable:
    """Year-on-year growth (%) of every registered county for one indicator, with per-province sums so that
    the average of "the other counties of the province" costs O(1) per county."""

    growth: dict[str, Decimal | None]
    sums: dict[str | None, tuple[Decimal, int]]

    def regional_average(self, code: str) -> Decimal | None:
        total, count = self.sums.get(regions.province_code(code), (Decimal(0), 0))
        own = self.growth.get(code)
        if own is not None:
            total, count = total - own, count - 1
        return (total / count).quantize(Decimal("0.01")) if count > 0 else None


def growth_table(indicator_code: str) -> GrowthTable:
    indicator = db.session.scalar(sa.select(Indicator).where(Indicator.code == indicator_code))
    all_counties = counties_in() if indicator is not None else []
    points = value_points([c.id for c in all_counties], [indicator.id]) if indicator is not None else {}
    growth = {c.code: progress.growth_percent(points[c.id].get(indicator_code, [])) for c in all_counties}
    sums: dict[str | None, tuple[Decimal, int]] = {}
    for code, value in growth.items():
        if value is not None:
            total, count = sums.get(regions.province_code(code), (Decimal(0), 0))
            sums[regions.province_code(code)] = (total + value, count + 1)
    return GrowthTable(growth, sums)


@dataclass
class TargetProgress:
    target: Target
    result: progress.Progress


def target_progress(county: DemoCounty, points: dict[str, Points], all_targets: list[Target],
                    today: date | None = None, growth_cache: dict | None = None) -> list[TargetProgress]:
    today = today or date.today()
    growth_cache = {} if growth_cache is None else growth_cache
    out = []
    for target in applicable_targets(county.code, all_targets):
        series = points.get(target.indicator.code, [])
        if target.kind == "growth_above_average":
            if target.indicator.code not in growth_cache:
                growth_cache[target.indicator.code] = growth_table(target.indicator.code)
            table = growth_cache[target.indicator.code]
            result = progress.growth_above_average(progress.growth_percent(series),
                                                   table.regional_average(county.code), target.threshold)
        else:
            result = progress.at_least(series, target.threshold, target.due_on, today, target.indicator.flow)
        out.append(TargetProgress(target, result))
    return out


# ------------------------------------------------------------------ dashboard rows


@dataclass
class CountyRow:
    county: DemoCounty
    figures: dict[str, Decimal | None] = field(default_factory=dict)
    progress: list[TargetProgress] = field(default_factory=list)
    outcomes: dict | None = None
    deals: dict | None = None

    @property
    def targets_met(self) -> int:
        return sum(1 for p in self.progress if p.result.status == progress.MET)


def county_rows(scope_code: str | None, today: date | None = None) -> list[CountyRow]:
    """Everything the ranking, comparison, breakdown and exports need, in a fixed number of queries."""
    counties = counties_in(scope_code)
    codes = [c.code for c in counties]
    inds, all_targets = indicators(), targets()
    points = value_points([c.id for c in counties])
    deals = outcomes.deal_amounts(codes)
    counts = outcomes.producer_counts(codes)
    growth_cache: dict = {}
    rows = []
    for county in counties:
        figures = {}
        for indicator in inds:
            found = current_figure(points[county.id].get(indicator.code, []), indicator.flow)
            figures[indicator.code] = found[1] if found else None
        rows.append(CountyRow(
            county, figures, target_progress(county, points[county.id], all_targets, today, growth_cache),
            counts.get(county.code) if counts is not None else None,
            deals.get(county.code) if deals is not None else None))
    return rows


def sort_rows(rows: list[CountyRow], key: str, descending: bool) -> list[CountyRow]:
    """Sorts by an indicator code, a fund field, 'deal_amount', 'targets_met', 'batch_year' or 'code'; rows
    without a figure go last either way."""
    def value(row: CountyRow):
        if key in row.figures:
            return row.figures[key]
        if key in FUND_FIELDS or key in ("batch_year", "code"):
            return getattr(row.county, key)
        if key == "deal_amount":
            return row.deals["deal_amount"] if row.deals else None
        if key == "targets_met":
            return row.targets_met
        if key in ("producers", "active_listings"):
            return row.outcomes[key] if row.outcomes else None
        return row.county.code

    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    return sorted(known, key=value, reverse=descending) + unknown


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def group_summary(rows: list[CountyRow], indicator_codes: list[str]) -> dict:
    """Counts, funds and deal totals and each indicator's average figure over a group of counties."""
    averages = {code: progress.average(r.figures.get(code) for r in rows) for code in indicator_codes}
    return {
        "counties": len(rows),
        "poverty": sum(1 for r in rows if r.county.poverty_county),
        "old_revolutionary": sum(1 for r in rows if r.county.old_revolutionary_area),
        **{name: _sum(getattr(r.county, name) for r in rows) for name in FUND_FIELDS},
        "deal_amount": _sum(r.deals["deal_amount"] for r in rows if r.deals) if any(r.deals for r in rows) else None,
        "intent_amount": _sum(r.deals["intent_amount"] for r in rows if r.deals) if any(r.deals for r in rows) else None,
        "targets_met": sum(r.targets_met for r in rows),
        "targets_total": sum(len(r.progress) for r in rows),
        "averages": averages,
        "totals": {code: _sum(r.figures.get(code) for r in rows) for code in indicator_codes},
    }


def poverty_comparison(rows: list[CountyRow], indicator_codes: list[str]) -> dict[str, dict]:
    return {
        "poverty": group_summary([r for r in rows if r.county.poverty_county], indicator_codes),
        "other": group_summary([r for r in rows if not r.county.poverty_county], indicator_codes),
    }


def regional_breakdown(rows: list[CountyRow], indicator_codes: list[str]) -> list[dict]:
    """Province -> prefecture: one summary per province followed by its prefectures (counties directly under
    a province are grouped under the province's own name)."""
    by_province: dict[str, list[CountyRow]] = defaultdict(list)
    for row in rows:
        by_province[row.county.province_code].append(row)
    out = []
    for province in sorted(by_province):
        members = by_province[province]
        out.append({"level": "province", "code": province, "name": regions.get(province).name,
                    **group_summary(members, indicator_codes)})
        by_prefecture: dict[str, list[CountyRow]] = defaultdict(list)
        for row in members:
            by_prefecture[regions.prefecture_code(row.county.code) or province].append(row)
        for prefecture in sorted(by_prefecture):
            out.append({"level": "prefecture", "code": prefecture, "name": regions.get(prefecture).name,
                        **group_summary(by_prefecture[prefecture], indicator_codes)})
    return out


# ------------------------------------------------------------------ records for the API (issue 8)


def counties_for(user) -> list[DemoCounty]:
    """The registry a user may read in detail: everything for admins, their region for officials, nothing
    for others (they see the public summary)."""
    from counties import permissions

    if permissions.is_admin(user):
        return counties_in(None)
    if getattr(user, "role", None) == "official" and user.region_code:
        return counties_in(user.region_code)
    return []


def county_record(county: DemoCounty) -> dict:
    return {
        "code": county.code, "name": county.name, "full_name": regions.full_name(county.code),
        "batch_year": county.batch_year, "poverty_county": county.poverty_county,
        "poverty_county_national_list": regions.is_poverty_county(county.code),
        "old_revolutionary_area": county.old_revolutionary_area, "programme_flags": list(county.programme_flags),
        **{name: getattr(county, name) for name in FUND_FIELDS},
    }


def indicator_records(county: DemoCounty, period: str | None = None) -> list[dict]:
    stmt = (sa.select(IndicatorValue).where(IndicatorValue.county_id == county.id)
            .order_by(IndicatorValue.period, IndicatorValue.indicator_id))
    if period:
        stmt = stmt.where(IndicatorValue.period == period)
    return [{"indicator": v.indicator.code, "name_zh": v.indicator.name_zh, "name_en": v.indicator.name_en,
             "unit": v.indicator.unit, "kind": v.indicator.kind, "period": v.period, "value": v.value,
             "source": v.source, "updated_at": v.updated_at} for v in db.session.scalars(stmt)]
