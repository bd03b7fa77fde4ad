"""Fairs test data helpers (import as `from fairs_support import ...`; never import from a conftest)."""
from datetime import date, time, timedelta

import sqlalchemy as sa

from core.db import db

FAIR_DAY = date.today() + timedelta(days=20)


def fair_data(**overrides) -> dict:
    data = {
        "title": "赣南脐橙产销对接会", "theme": "脐橙上行", "description": "网上购销对接", "region_code": "360700",
        "categories": ["fruit"], "target_region_codes": ["360732"], "priority_poverty": True,
        "priority_old_revolutionary": False, "registration_opens_on": date.today() - timedelta(days=1),
        "registration_closes_on": FAIR_DAY - timedelta(days=2), "starts_on": FAIR_DAY, "ends_on": FAIR_DAY,
        "day_start": time(9, 0), "day_end": time(11, 0), "slot_minutes": 30, "max_meetings_per_day": 3,
        "meeting_link_template": "https://meet.example.org/harvestlink-{fair_id}-{meeting_id}",
    }
    data.update(overrides)
    return data


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0
