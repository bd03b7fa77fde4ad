"""core.bulk: the fast executemany writes what an ordinary INSERT would (types, defaults, NULLs), and the
garbage-collector pause nests and ends only with the last pause."""
import gc
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core import bulk
from core.db import db


def test_insert_rows_writes_typed_values_and_defaults(app, make_user):
    from buyers.models import BuyerContact, BuyerOrg

    user = make_user("admin")
    rows = [{"id": 10 + i, "name": f"公司{i}", "name_norm": f"公司{i}", "type": "distributor", "credit_code": None,
             "county_code": "360732", "province_code": "360000", "address": "", "source": "test",
             "annual_volume_tons": Decimal("12.5") if i else None, "products_of_interest": ["脐橙", "蜜柚"][:i],
             "active": True, "version": 1} for i in range(3)]
    with bulk.gc_paused():
        bulk.insert_rows(BuyerOrg.__table__, rows, chunk=2)
        bulk.insert_rows(BuyerContact.__table__, [{"buyer_id": 11, "name": "张三", "phone": "13800000000"}])
    db.session.commit()
    orgs = db.session.scalars(db.select(BuyerOrg).order_by(BuyerOrg.id)).all()
    assert [o.id for o in orgs] == [10, 11, 12]
    assert orgs[0].annual_volume_tons is None and orgs[1].annual_volume_tons == Decimal("12.50")
    assert orgs[2].products_of_interest == ["脐橙", "蜜柚"] and orgs[0].products_of_interest == []
    assert orgs[0].preferred_origin_codes == []                         # a callable default (list)
    assert orgs[0].created_at.tzinfo is UTC and abs((datetime.now(UTC) - orgs[0].created_at).total_seconds()) < 60
    (contact,) = orgs[1].contacts
    assert contact.name == "张三" and contact.id and contact.private is False and user.id


def test_insert_rows_of_nothing_does_nothing(app):
    from buyers.models import BuyerOrg

    bulk.insert_rows(BuyerOrg.__table__, [])
    assert db.session.scalar(db.select(db.func.count()).select_from(BuyerOrg)) == 0


@pytest.fixture
def gc_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_gc_pauses_nest_across_threads(gc_on):
    inner_started, outer_may_end = threading.Event(), threading.Event()

    def other_job():
        with bulk.gc_paused():
            inner_started.set()
            outer_may_end.wait(10)

    with bulk.gc_paused():
        assert not gc.isenabled()
        thread = threading.Thread(target=other_job)
        thread.start()
        assert inner_started.wait(10)
    assert not gc.isenabled()  # the other job still works
    outer_may_end.set()
    thread.join(10)
    assert gc.isenabled()


def test_gc_stays_off_when_it_was_off(gc_on):
    gc.disable()
    with bulk.gc_paused():
        pass
    assert not gc.isenabled()
