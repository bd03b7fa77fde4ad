"""The demo fairs load through the services, are idempotent, and the finished fair has verified deals."""
import sqlalchemy as sa

from core.db import db
from core.demo import load_demo
from fairs import queries
from fairs.demo import FINISHED_TITLE, OPEN_TITLE
from fairs.models import Agreement, Fair, Meeting


def _counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Fair, Meeting, Agreement)]


def test_demo_fairs_are_idempotent(app):
    report = load_demo()
    assert any(line.startswith("fairs: finished fair with") for line in report), report
    first = _counts()
    load_demo()
    assert _counts() == first
    finished = db.session.scalar(sa.select(Fair).where(Fair.title == FINISHED_TITLE))
    opened = db.session.scalar(sa.select(Fair).where(Fair.title == OPEN_TITLE))
    assert finished.status == "finished" and opened.status == "open"
    stats = queries.fair_stats(finished.id)
    assert stats["meetings_held"] >= 2 and stats["deal_amount"] > 0 and stats["intent_amount"] > 0
    assert queries.deal_amounts_by_county(["360732"])["360732"]["deals"] == 1
