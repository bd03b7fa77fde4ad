"""The demo set loads, is idempotent, and its listings are found by search."""
import sqlalchemy as sa

from core.db import db
from core.demo import load_demo
from produce.models import Listing, ProducerMember, ProducerProfile
from produce.queries import search_listings


def test_demo_is_idempotent_and_searchable(app):
    load_demo()
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m))
              for m in (ProducerProfile, ProducerMember, Listing)]
    report = load_demo()
    again = [db.session.scalar(sa.select(sa.func.count()).select_from(m))
             for m in (ProducerProfile, ProducerMember, Listing)]
    assert counts == again and counts[2] >= 40 and counts[1] == 4
    assert any("0 added" in line for line in report if line.startswith("listings"))
    assert search_listings("土豆", {"poverty_only": True}).total >= 3  # 海原 and 西吉 are poverty counties
    assert search_listings("脐橙", {"region": "360732"}).total >= 3
    unresolved = db.session.scalars(sa.select(Listing.product_name).where(Listing.product_id.is_(None))).all()
    assert not unresolved, unresolved
