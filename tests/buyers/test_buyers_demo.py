"""Demo data: idempotent, every buyer type, valid credit codes, 20+ open demands, the demo buyer linked."""
import sqlalchemy as sa

from buyers import credit_code, queries
from buyers.models import BUYER_TYPES, BuyerOrg, Demand
from core.db import db


def test_demo_is_complete_and_idempotent(app):
    from accounts.services import find_by_email
    from core.demo import load_demo

    load_demo()
    counts = (db.session.scalar(sa.select(sa.func.count()).select_from(BuyerOrg)),
              db.session.scalar(sa.select(sa.func.count()).select_from(Demand)))
    load_demo()
    assert counts == (db.session.scalar(sa.select(sa.func.count()).select_from(BuyerOrg)),
                      db.session.scalar(sa.select(sa.func.count()).select_from(Demand)))
    orgs = list(db.session.scalars(sa.select(BuyerOrg)))
    assert {o.type for o in orgs} == set(BUYER_TYPES)
    assert len({o.province_code for o in orgs}) >= 5
    assert all(credit_code.is_valid(o.credit_code) for o in orgs if o.credit_code)
    assert all(o.contacts for o in orgs)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Demand).where(Demand.status == "open")) >= 20
    assert all(d.product_code for d in db.session.scalars(sa.select(Demand)))
    org = queries.org_for_user(find_by_email("buyer@demo.harvestlink.cn"))
    assert org is not None and org.name == "深圳鲜达生鲜供应链有限公司" and queries.demands_of_org(org)
