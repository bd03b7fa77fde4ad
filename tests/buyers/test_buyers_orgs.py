"""Buyer organisations: set-up by a buyer user, bad input on the form, region scoping of officials,
private contacts, verification, deactivation and history."""
import pytest
from buyers_helpers import VALID_CODES
from helpers import login

from buyers.models import BuyerContact, BuyerMember, BuyerOrg
from core.db import db

ORG_FORM = {"name": "深圳鲜达生鲜供应链有限公司", "type": "distributor", "credit_code": "", "county_code": "440305",
            "address": "深圳市南山区科技园", "annual_volume_tons": "1200", "products_of_interest": "脐橙, 猕猴桃",
            "preferred_origin_codes": "360000", "delivery_region_codes": "440300",
            "contact-name": "王敏", "contact-phone": "13800138000", "contact-role": "采购经理"}


def test_buyer_user_sets_up_their_organisation(client, login_as):
    user = login_as("buyer")
    response = client.post("/buyers/orgs/new", data=ORG_FORM)
    assert response.status_code == 302
    org = db.session.scalar(db.select(BuyerOrg))
    assert org.name == ORG_FORM["name"] and org.province_code == "440000" and org.source == "self_registered"
    assert org.products_of_interest == ["脐橙", "猕猴桃"]
    assert db.session.scalar(db.select(BuyerMember.buyer_id).where(BuyerMember.user_id == user.id)) == org.id
    assert [c.name for c in org.contacts] == ["王敏"]
    assert client.get("/buyers/demands").status_code == 200


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "必填"),
    ("credit_code", "91330100799655058A", "校验"),
    ("credit_code", "9133010079965505", "18"),
    ("credit_code", "91330100799655058O", "I、O、Z、S"),
    ("county_code", "360000", "县"),
    ("county_code", "999999", "县"),
    ("annual_volume_tons", "many", "数"),
    ("preferred_origin_codes", "123456", "123456"),
    ("type", "bank", ""),
])
def test_bad_org_input_is_shown_next_to_the_field(client, login_as, field, value, message):
    login_as("buyer")
    response = client.post("/buyers/orgs/new", data={**ORG_FORM, field: value})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'class="error"' in body and message in body
    assert db.session.scalar(db.select(db.func.count()).select_from(BuyerOrg)) == 0


def test_duplicate_credit_code_is_refused(client, login_as, make_org):
    make_org("已有公司", credit_code=VALID_CODES[0])
    login_as("buyer")
    response = client.post("/buyers/orgs/new", data={**ORG_FORM, "credit_code": VALID_CODES[0]})
    assert response.status_code == 200 and "已有" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(BuyerOrg)) == 1


def test_jiangxi_official_cannot_see_or_edit_a_hubei_buyer(client, login_as, make_org):
    hubei = make_org("武汉白沙洲农副产品大市场有限公司", county_code="420106")
    jiangxi = make_org("南昌深圳农产品中心批发市场有限公司", county_code="360111")
    login_as("official", region_code="360000")
    listing = client.get("/buyers/admin").get_data(as_text=True)
    assert jiangxi.name in listing and hubei.name not in listing
    assert client.get(f"/buyers/orgs/{hubei.id}/edit").status_code == 403
    assert client.post(f"/buyers/orgs/{hubei.id}/edit", data={**ORG_FORM, "version": "1"}).status_code == 403
    assert client.post(f"/buyers/orgs/{hubei.id}/verify").status_code == 403
    assert client.post(f"/buyers/orgs/{hubei.id}/active", data={"active": "0"}).status_code == 403
    assert client.get(f"/buyers/orgs/{hubei.id}/history").status_code == 403
    export = client.get("/buyers/admin/export.csv").get_data(as_text=True)
    assert jiangxi.name in export and hubei.name not in export
    db.session.refresh(hubei)
    assert hubei.active and hubei.verified_at is None


def test_official_cannot_create_a_buyer_outside_the_region(client, login_as):
    login_as("official", region_code="360000")
    response = client.post("/buyers/orgs/new", data={**ORG_FORM, "county_code": "420106"})
    assert response.status_code == 200 and "范围" in response.get_data(as_text=True)


def test_prefecture_official_scope(client, login_as, make_org):
    ganzhou = make_org("兴国县果业公司", county_code="360732")
    nanchang = make_org("南昌果业公司", county_code="360111")
    login_as("official", region_code="360700")
    body = client.get("/buyers/admin").get_data(as_text=True)
    assert ganzhou.name in body and nanchang.name not in body


def test_admin_sees_every_buyer(client, login_as, make_org):
    make_org("武汉公司", county_code="420106")
    make_org("南昌公司", county_code="360111")
    login_as("admin")
    body = client.get("/buyers/admin").get_data(as_text=True)
    assert "武汉公司" in body and "南昌公司" in body


def test_private_contacts_are_hidden_from_other_buyers(client, make_user, make_org):
    owner, other = make_user("buyer"), make_user("buyer")
    contacts = [{"name": "公开联系人", "phone": "0797-1234567"}, {"name": "私密联系人", "phone": "13900000000",
                                                              "private": True}]
    org_a = make_org("甲公司", member=owner, contacts=contacts)
    make_org("乙公司", member=other)
    login(client, other)
    body = client.get(f"/buyers/orgs/{org_a.id}").get_data(as_text=True)
    assert "公开联系人" in body and "私密联系人" not in body and "13900000000" not in body
    private = db.session.scalar(db.select(BuyerContact).where(BuyerContact.private.is_(True)))
    assert client.post(f"/buyers/contacts/{private.id}/delete").status_code == 404
    assert client.post(f"/buyers/orgs/{org_a.id}/contacts", data={"name": "x"}).status_code == 403
    client.post("/logout")
    login(client, owner)
    assert "私密联系人" in client.get(f"/buyers/orgs/{org_a.id}").get_data(as_text=True)


def test_official_in_scope_sees_private_contacts(client, login_as, make_org):
    org = make_org("甲公司", contacts=[{"name": "私密联系人", "phone": "13900000000", "private": True}])
    login_as("official", region_code="360000")
    assert "私密联系人" in client.get(f"/buyers/orgs/{org.id}").get_data(as_text=True)


def test_verify_deactivate_and_history(client, login_as, make_org):
    org = make_org("赣州公司", county_code="360702")
    official = login_as("official", region_code="360700")
    assert client.post(f"/buyers/orgs/{org.id}/verify", data={"verified": "1"}).status_code == 302
    assert client.post(f"/buyers/orgs/{org.id}/active", data={"active": "0"}).status_code == 302
    db.session.refresh(org)
    assert org.verified_at is not None and org.verified_by_id == official.id and not org.active
    history = client.get(f"/buyers/orgs/{org.id}/history").get_data(as_text=True)
    assert "buyer.verify" in history and "buyer.deactivate" in history and "buyer.create" in history


def test_official_edits_a_buyer_and_stale_version_gets_409(client, login_as, make_org):
    org = make_org("赣州公司", county_code="360702")
    login_as("official", region_code="360000")
    data = {**ORG_FORM, "county_code": "360702", "name": "赣州新名字公司", "version": str(org.version)}
    assert client.post(f"/buyers/orgs/{org.id}/edit", data=data).status_code == 302
    stale = client.post(f"/buyers/orgs/{org.id}/edit", data={**data, "name": "又一个名字"})
    assert (stale.status_code == 409 and "重新" in stale.get_data(as_text=True)) or stale.status_code == 409
    db.session.refresh(org)
    assert org.name == "赣州新名字公司"


def test_member_adds_a_colleague(client, make_user, make_org):
    owner, colleague = make_user("buyer"), make_user("buyer")
    org = make_org("甲公司", member=owner)
    login(client, owner)
    assert client.post(f"/buyers/orgs/{org.id}/members", data={"email": colleague.email}).status_code == 302
    assert db.session.scalar(db.select(BuyerMember.buyer_id).where(BuyerMember.user_id == colleague.id)) == org.id
    producer = make_user("producer")
    client.post(f"/buyers/orgs/{org.id}/members", data={"email": producer.email})
    assert db.session.scalar(db.select(BuyerMember).where(BuyerMember.user_id == producer.id)) is None


def test_anonymous_and_wrong_roles(client, login_as, make_org):
    org = make_org("甲公司")
    assert client.get(f"/buyers/orgs/{org.id}").status_code == 302
    assert client.get("/buyers/admin").status_code == 302
    login_as("producer")
    assert client.get("/buyers/admin").status_code == 403
    assert client.get("/buyers/demands").status_code == 403


def test_admin_filters(client, login_as, make_org):
    make_org("赣州超市", county_code="360702", type="supermarket", products_of_interest="脐橙, 蜜柚")
    make_org("九江市场", county_code="360402", products_of_interest="大米")
    login_as("official", region_code="360000")
    by_product = client.get("/buyers/admin?product=脐橙").get_data(as_text=True)
    assert "赣州超市" in by_product and "九江市场" not in by_product
    by_region = client.get("/buyers/admin?region=360400").get_data(as_text=True)
    assert "九江市场" in by_region and "赣州超市" not in by_region
    by_type = client.get("/buyers/admin?type=supermarket").get_data(as_text=True)
    assert "赣州超市" in by_type and "九江市场" not in by_type
    unverified = client.get("/buyers/admin?verified=yes").get_data(as_text=True)
    assert "赣州超市" not in unverified


def test_member_renaming_a_verified_org_withdraws_verification(client, make_user, make_org, admin):
    from buyers import services

    member = make_user("buyer")
    org = make_org("甲公司", member=member)
    services.verify_org(admin, org)
    login(client, member)
    data = {**ORG_FORM, "name": "乙公司", "county_code": org.county_code, "version": str(org.version)}
    assert client.post(f"/buyers/orgs/{org.id}/edit", data=data).status_code == 302
    db.session.refresh(org)
    assert org.name == "乙公司" and org.verified_at is None
    services.verify_org(admin, org)
    services.update_org(admin, org, {**services.org_snapshot(org), "name": "丙公司"}, org.version)
    assert org.verified_at is not None


@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "必填"), ({"name": "张三", "phone": "call me"}, "电话号码"),
    ({"name": "张三", "email": "not-an-email"}, "邮箱"), ({"name": "张" * 101}, "")])
def test_bad_contact_input(client, make_user, make_org, data, message):
    member = make_user("buyer")
    org = make_org("甲公司", member=member)
    login(client, member)
    page = client.post(f"/buyers/orgs/{org.id}/contacts", data=data, follow_redirects=True).get_data(as_text=True)
    assert 'flash-error' in page and message in page
    assert db.session.scalar(db.select(db.func.count()).select_from(BuyerContact)) == 0


def test_bad_member_input(client, make_user, make_org):
    member = make_user("buyer")
    org = make_org("甲公司", member=member)
    login(client, member)
    for email in ["", "nobody@example.com", member.email]:
        page = client.post(f"/buyers/orgs/{org.id}/members", data={"email": email}, follow_redirects=True)
        assert "flash-error" in page.get_data(as_text=True), email
    assert db.session.scalar(db.select(db.func.count()).select_from(BuyerMember)) == 1


def test_import_form_needs_a_file(client, login_as):
    login_as("admin")
    response = client.post("/buyers/admin/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)
