"""Demo data: demonstration counties with real codes, funds, eight quarters of indicator values and the
programme's targets. Idempotent: counties by code, values by (county, indicator, period), targets by
(indicator, kind, threshold, due date); nothing is added twice."""
import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from accounts.models import User
from core.db import db
from counties import periods, services
from counties.models import DemoCounty, Indicator, IndicatorValue, Target

DEMO_DOMAIN = "@demo.harvestlink.cn"
# code, batch year, old revolutionary base area, flags, central funds allocated (万元), strength, officials
COUNTIES = [
    ("360732", 2015, True, ["rural_revitalisation_key"], 2000, 1.15, ["official.xingguo", "official.ganzhou"]),
    ("360735", 2016, True, [], 1500, 0.85, ["official.ganzhou"]),
    ("360781", 2015, True, [], 2000, 1.05, ["official.ganzhou"]),
    ("360734", 2018, True, [], 1500, 0.9, ["official.ganzhou"]),
    ("361128", 2017, True, ["major_grain"], 1800, 1.0, ["official.jiangxi"]),
    ("422822", 2016, True, ["ethnic", "western"], 1500, 0.8, ["official.hubei"]),
    ("421127", 2019, True, ["major_grain"], 1000, 1.1, ["official.hubei"]),
    ("421182", 2020, False, [], 800, 0.95, ["official.hubei"]),
    ("620421", 2016, True, ["western"], 1500, 0.75, []),
    ("621126", 2015, False, ["western", "rural_revitalisation_key"], 2000, 0.7, []),
    ("522327", 2017, False, ["ethnic", "western"], 1500, 0.85, []),
    ("522634", 2018, False, ["ethnic", "western"], 1500, 0.95, []),
]
TARGETS = [
    ("village_coverage", "at_least", "50", date(2025, 12, 31), "建制村电商服务覆盖率达到50%"),
    ("village_coverage", "at_least", "80", date(2027, 12, 31), "建制村电商服务覆盖率达到80%"),
    ("poor_village_coverage", "at_least", "80", date(2027, 12, 31), "贫困村电商服务覆盖率达到80%"),
    ("trainees", "at_least", "3000", date(2027, 6, 30), "每县电商培训不少于3000人次"),
    ("rural_online_sales", "growth_above_average", "0", None, "农村网络零售额增速高于全省示范县平均"),
]
QUARTERS = 8


def _last_quarters(today: date) -> list[periods.Period]:
    """The eight completed quarters before today's (the current one stays open for officials to fill in)."""
    current = periods.Period(today.year, (today.month - 1) // 3 + 1)
    return periods.recent_quarters(current.start - timedelta(days=1), QUARTERS)


def _series(code: str, strength: float, quarters: list[periods.Period]) -> dict[str, list[Decimal]]:
    """Plausible, deterministic trajectories (seeded by the county code)."""
    rng = random.Random(int(code))
    n = len(quarters)
    grow = [i / max(n - 1, 1) for i in range(n)]
    townships = rng.randint(12, 25)
    base_sales = rng.uniform(6000, 16000) * strength
    cover0 = rng.uniform(35, 55) * strength
    out = {
        "service_centre_built": [1] * n,
        "service_centre_area": [round(rng.uniform(2000, 6000), -2)] * n,
        "logistics_centre_built": [0 if i < rng.randint(0, 4) else 1 for i in range(n)],
        "logistics_centre_area": [round(rng.uniform(3000, 12000), -2)] * n,
        "township_stations": [min(townships, round(townships * (0.6 + 0.4 * g))) for g in grow],
        "village_points": [round(rng.uniform(80, 160) * (0.6 + 0.5 * g * strength)) for g in grow],
        "village_coverage": [min(98.0, cover0 + 40 * g * strength) for g in grow],
        "poor_village_coverage": [min(100.0, cover0 + 10 + 40 * g * strength) for g in grow],
        "township_express_coverage": [min(100.0, 70 + 30 * g * strength) for g in grow],
        "rural_online_sales": [base_sales * (1 + (0.12 * strength) * i / 4) * rng.uniform(0.9, 1.1)
                               for i in range(n)],
        "training_sessions": [rng.randint(4, 15) for _ in range(n)],
        "trainees": [round(rng.uniform(180, 520) * strength) for _ in range(n)],
        "online_shops": [rng.randint(15, 90) for _ in range(n)],
        "jobs_created": [rng.randint(20, 160) for _ in range(n)],
        "poor_households_benefiting": [round(rng.uniform(300, 900) * (0.5 + g) * strength) for g in grow],
    }
    out["agri_online_sales"] = [v * rng.uniform(0.25, 0.45) for v in out["rural_online_sales"]]
    return {code: [Decimal(str(round(v, 2))) for v in values] for code, values in out.items()}


def _officials(names: list[str]) -> list[User]:
    emails = [name + DEMO_DOMAIN for name in names]
    return list(db.session.scalars(sa.select(User).where(User.email.in_(emails)).order_by(User.id)))


def _county(code, batch, old_area, flags, central, officials) -> tuple[DemoCounty, bool]:
    county = db.session.scalar(sa.select(DemoCounty).where(DemoCounty.code == code))
    if county is not None:
        return county, False
    county = DemoCounty(code=code, batch_year=batch, old_revolutionary_area=old_area, programme_flags=flags,
                        central_allocated=Decimal(central), central_disbursed=Decimal(central) * Decimal("0.8"),
                        local_allocated=Decimal(central) / 2, local_disbursed=Decimal(central) * Decimal("0.3"),
                        officials=_officials(officials))
    db.session.add(county)
    db.session.flush()
    return county, True


def _values(county: DemoCounty, strength: float, quarters, indicators: dict[str, Indicator]) -> int:
    existing = set(db.session.execute(sa.select(IndicatorValue.indicator_id, IndicatorValue.period)
                                      .where(IndicatorValue.county_id == county.id)))
    added = 0
    for code, values in _series(county.code, strength, quarters).items():
        indicator = indicators[code]
        for period, value in zip(quarters, values, strict=True):
            if (indicator.id, period.code) not in existing:
                services._set_value(county, indicator, period.code, value, None, "import")
                added += 1
    return added


def _targets(indicators: dict[str, Indicator]) -> int:
    added = 0
    for code, kind, threshold, due, description in TARGETS:
        found = db.session.scalar(sa.select(Target).filter_by(
            indicator_id=indicators[code].id, kind=kind, threshold=Decimal(threshold), due_on=due))
        if found is None:
            db.session.add(Target(indicator=indicators[code], kind=kind, threshold=Decimal(threshold), due_on=due,
                                  description=description))
            added += 1
    return added


def load(today: date | None = None) -> list[str]:
    services.ensure_indicators()
    indicators = {i.code: i for i in db.session.scalars(sa.select(Indicator))}
    quarters = _last_quarters(today or date.today())
    counties_added = values_added = 0
    for code, batch, old_area, flags, central, strength, officials in COUNTIES:
        county, added = _county(code, batch, old_area, flags, central, officials)
        counties_added += added
        values_added += _values(county, strength, quarters, indicators)
    targets_added = _targets(indicators)
    db.session.commit()
    return [f"counties: {counties_added} demonstration counties, {values_added} indicator values, "
            f"{targets_added} targets added ({len(COUNTIES)} counties in the demo set)"]
