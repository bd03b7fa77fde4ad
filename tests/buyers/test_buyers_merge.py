"""Merging two buyer records (contacts, demands, users and history move to the survivor; audited)
and undoing the merge from its audit record."""
import pytest
from buyers_helpers import VALID_CODES, demand_form
from helpers import login

from buyers import merge, services
from buyers.models import BuyerContact, BuyerMember, BuyerOrg, Demand
from core.audit import AuditLog
from core.db import db


@pytest.fixture
def pair(make_user, make_org):
    buyer = make_user("buyer")
    survivor = make_org("江西绿源农业发展有限公司", county_code="360732", contacts=[{"name": "刘强"}])
    merged = make_org("绿源农业（兴国）", county_code="360732", credit_code=VALID_CODES[2], address="潋江镇",
                      member=buyer, contacts=[{"name": "王芳", "phone": "13907970002", "private": True}])
    demand = services.create_demand(buyer, demand_form())
    return survivor, merged, demand, buyer


def test_merge_moves_everything_and_undo_restores_it(client, login_as, pair):
    survivor, merged, demand, buyer = pair
    official = login_as("official", region_code="360700")
    response = client.post("/buyers/admin/merge", data={"survivor_id": survivor.id, "merged_id": merged.id})
    assert response.status_code == 302
    survivor, merged = db.session.get(BuyerOrg, survivor.id), db.session.get(BuyerOrg, merged.id)
    assert merged.merged_into_id == survivor.id and not merged.active and merged.credit_code is None
    assert survivor.credit_code == VALID_CODES[2] and survivor.address == "潋江镇"
    assert sorted(c.name for c in survivor.contacts) == ["刘强", "王芳"]
    assert db.session.get(Demand, demand.id).buyer_id == survivor.id
    assert db.session.scalar(db.select(BuyerMember.buyer_id).where(BuyerMember.user_id == buyer.id)) == survivor.id
    entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "buyer.merge"))
    assert entry.actor_id == official.id and entry.after["demand_ids"] == [demand.id]
    history = client.get(f"/buyers/orgs/{survivor.id}/history").get_data(as_text=True)
    assert "buyer.merged_into" in history and "buyer.create" in history and "撤销合并" in history
    listing = client.get("/buyers/admin").get_data(as_text=True)
    assert survivor.name in listing and merged.name not in listing

    assert client.post(f"/buyers/admin/merge/{entry.id}/undo").status_code == 302
    survivor, merged = db.session.get(BuyerOrg, survivor.id), db.session.get(BuyerOrg, merged.id)
    assert merged.merged_into_id is None and merged.active and merged.credit_code == VALID_CODES[2]
    assert survivor.credit_code is None and survivor.address == ""
    assert [c.name for c in survivor.contacts] == ["刘强"] and [c.name for c in merged.contacts] == ["王芳"]
    assert db.session.get(Demand, demand.id).buyer_id == merged.id
    assert db.session.scalar(db.select(BuyerMember.buyer_id).where(BuyerMember.user_id == buyer.id)) == merged.id
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "buyer.unmerge")) is not None
    # a second undo is refused and changes nothing
    client.post(f"/buyers/admin/merge/{entry.id}/undo")
    assert db.session.get(BuyerOrg, merged.id).merged_into_id is None


def test_undo_keeps_later_changes_to_the_survivor(admin, pair):
    survivor, merged, _demand, _buyer = pair
    entry = merge.merge_orgs(admin, survivor, merged)
    survivor = db.session.get(BuyerOrg, survivor.id)
    services.update_org(admin, survivor, {**services.org_snapshot(survivor), "address": "新地址"}, survivor.version)
    contact = services.add_contact(admin, survivor, {"name": "新联系人"})
    merge.undo_merge(admin, db.session.get(AuditLog, entry.id))
    survivor = db.session.get(BuyerOrg, survivor.id)
    assert survivor.address == "新地址"
    assert db.session.get(BuyerContact, contact.id).buyer_id == survivor.id


def test_merge_needs_both_records_in_scope(client, login_as, make_org):
    jiangxi = make_org("江西公司", county_code="360732")
    hubei = make_org("湖北公司", county_code="420106")
    login_as("official", region_code="360000")
    assert client.post("/buyers/admin/merge", data={"survivor_id": jiangxi.id, "merged_id": hubei.id}).status_code == 403
    assert db.session.get(BuyerOrg, hubei.id).merged_into_id is None


@pytest.mark.parametrize(("survivor", "merged", "message"), [(1, 1, "不同"), (1, 999, "没有此 ID")])
def test_merge_form_errors(client, login_as, make_org, survivor, merged, message):
    make_org("江西公司", county_code="360732")
    login_as("admin")
    response = client.post("/buyers/admin/merge", data={"survivor_id": survivor, "merged_id": merged})
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_a_merged_record_cannot_be_merged_again(admin, make_org):
    a, b, c = make_org("甲"), make_org("乙"), make_org("丙")
    merge.merge_orgs(admin, a, b)
    with pytest.raises(services.BuyerError):
        merge.merge_orgs(admin, c, db.session.get(BuyerOrg, b.id))


def test_buyer_cannot_merge(client, pair):
    survivor, merged, _demand, buyer = pair
    login(client, buyer)
    assert client.post("/buyers/admin/merge", data={"survivor_id": survivor.id, "merged_id": merged.id}).status_code == 403
