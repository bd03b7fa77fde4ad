"""Import of buyer lists: validation, entity resolution against the database and within the file,
preview decisions, all-or-nothing commit, error report, hostile XLSX files, staging bound to its official."""
import io
import zipfile

import pytest
from buyers_helpers import VALID_CODES, code_for
from helpers import finish_jobs, login

from buyers import exports, imports
from buyers.models import BuyerImport, BuyerOrg
from core.db import db

HEADER = "名称,类型,统一社会信用代码,地区代码,地址,联系人,职务,电话,邮箱,年采购量(吨),关注产品,来源\n"


def csv_file(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


def upload(client, data: bytes, name="buyers.csv"):
    return client.post("/buyers/admin/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def staged(client, data: bytes, name="buyers.csv") -> str:
    """Uploads, waits for the staging job, returns the import's token."""
    response = upload(client, data, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    finish_jobs()
    return response.headers["Location"].rstrip("/").split("/")[-1]


def commit(client, token: str, follow_redirects=False):
    """Posts the commit and waits for the commit job; with follow_redirects, the page shown afterwards."""
    response = client.post(f"/buyers/admin/import/{token}/commit")
    finish_jobs()
    return client.get(response.headers["Location"]) if follow_redirects and response.status_code == 302 else response


def count_orgs() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(BuyerOrg))


@pytest.fixture
def existing(make_org):
    return make_org("江西绿源农业发展有限公司", county_code="360732", credit_code=VALID_CODES[0],
                    address="兴国县潋江镇将军大道18号", contacts=[{"name": "刘强", "phone": "13907970001"}])


def test_duplicates_in_the_file_and_against_the_database(client, login_as, existing):
    login_as("official", region_code="360000")
    token = staged(client, csv_file(
        f"兴国绿源农业,批发市场,{VALID_CODES[0]},360732,,,,,,,,",               # same credit code -> duplicate
        "绿源农业发展有限公司（兴国）,经销商,,360732,兴国县潋江镇将军大道18号,刘强,,13907970001,,,,",  # name + phone
        "南昌深圳农产品中心批发市场有限公司,批发市场,,360111,南昌市青山湖区,张三,,0791-88888888,,,,",
        "南昌深圳农产品中心批发市场有限公司,批发市场,,360111,南昌市青山湖区,张三,,0791-88888888,,,,",  # in-file dup
        "赣州市南康区家居城食堂,餐饮,,360703,,,,,,,,",
    ))
    record, payload = imports.load(_official(), token)
    decisions = [(r["line"], r["decision"], r["of"]) for r in payload["rows"]]
    assert decisions[0] == (2, "duplicate", existing.id)
    assert decisions[1] == (3, "duplicate", existing.id)
    assert decisions[2][1] == "new"
    assert decisions[3] == (5, "duplicate", "row4")
    assert decisions[4][1] == "new"
    page = client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    assert 'data-count="new">2<' in page and 'data-count="duplicate">3<' in page
    assert commit(client, token).status_code == 302
    names = set(db.session.scalars(db.select(BuyerOrg.name)))
    assert names == {existing.name, "南昌深圳农产品中心批发市场有限公司", "赣州市南康区家居城食堂"}
    created = db.session.scalar(db.select(BuyerOrg).where(BuyerOrg.name == "南昌深圳农产品中心批发市场有限公司"))
    assert created.type == "wholesale_market" and created.source == "import" and created.province_code == "360000"
    assert [c.phone for c in created.contacts] == ["0791-88888888"]
    assert record.id == token and db.session.get(BuyerImport, token).status == "committed"


def _official():
    from accounts.models import User

    return db.session.scalar(db.select(User).where(User.role == "official"))


def test_similar_names_in_other_provinces_are_different_companies(client, login_as, existing):
    login_as("admin")
    token = staged(client, csv_file("湖北绿源农业发展有限公司,经销商,,420106,武汉市洪山区,,,,,,,"))
    _record, payload = imports.load(_admin(), token)
    assert payload["rows"][0]["decision"] == "new"


def _admin():
    from accounts.models import User

    return db.session.scalar(db.select(User).where(User.role == "admin", User.email.like("admin%")).order_by(
        User.id.desc()))


def test_possible_duplicates_wait_for_a_decision(client, login_as, make_org):
    make_org("赣州市绿野果业有限公司", county_code="360702", address="章贡区红旗大道1号")
    login_as("official", region_code="360000")
    # the same name in a neighbouring district, with no shared phone or address: possibly the same firm
    token = staged(client, csv_file("赣州市绿野果业有限公司,经销商,,360703,,,,,,,,"))
    _record, payload = imports.load(_official(), token)
    row = payload["rows"][0]
    assert row["decision"] == "possible" and row["choice"] is None
    assert "name_similarity" in row["reasons"]
    assert "疑似重复" in client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    refused = commit(client, token)
    assert refused.status_code == 302 and count_orgs() == 1
    client.post(f"/buyers/admin/import/{token}", data={f"choice-{row['line']}": "new"})
    commit(client, token)
    assert count_orgs() == 2


def test_a_bad_row_rolls_back_the_whole_import(client, login_as):
    login_as("official", region_code="360000")
    token = staged(client, csv_file(
        "南昌果蔬配送有限公司,经销商,,360111,,,,,,,,",
        "九江水产批发市场,批发市场,91360400MA3XXXXXX0,360402,,,,,,,,",      # bad credit code
        "上饶某公司,食堂,,999999,,,,,,,,",                                 # bad region, bad type spelling ok
        "抚州某公司,银行,,361002,,,,,,,,",                                 # unknown type
    ))
    page = client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    assert 'data-testid="errors"' in page and "credit_code" in page and "county_code" in page
    response = commit(client, token, follow_redirects=True)
    assert "没有写入任何数据" in response.get_data(as_text=True)
    assert count_orgs() == 0
    report = client.get(f"/buyers/admin/import/{token}/errors.csv").get_data(as_text=True)
    assert "行号" in report and "\n3," in report and "\n4," in report and "\n5," in report


def test_a_failure_while_writing_rolls_back_everything(client, login_as, monkeypatch):
    login_as("official", region_code="360000")
    token = staged(client, csv_file("南昌果蔬配送有限公司,经销商,,360111,,张三,,13800000001,,1200.5,,",
                                    "九江水产批发市场,批发市场,,360402,,李四,,13800000002,,,,"))
    real_insert = imports._insert

    def insert_then_fail(payload, token):
        created = real_insert(payload, token)  # every row is written to the transaction ...
        assert created == 2 and db.session.scalar(db.select(db.func.count()).select_from(BuyerOrg)) == 2
        raise RuntimeError("disk full")       # ... then the database fails

    monkeypatch.setattr(imports, "_insert", insert_then_fail)
    response = commit(client, token, follow_redirects=True)
    monkeypatch.undo()
    assert "回滚" in response.get_data(as_text=True), response.get_data(as_text=True)[-3000:]
    assert count_orgs() == 0 and db.session.get(BuyerImport, token).status == "staged"


def test_rows_outside_the_officials_region_are_errors(client, login_as):
    login_as("official", region_code="360000")
    token = staged(client, csv_file("武汉某公司,经销商,,420106,,,,,,,,"))
    page = client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    assert "管辖范围" in page


def test_staged_import_belongs_to_its_official(client, login_as, make_user):
    login_as("official", region_code="360000")
    token = staged(client, csv_file("南昌果蔬配送有限公司,经销商,,360111,,,,,,,,"))
    client.post("/logout")
    login(client, make_user("official", region_code="360000"))
    assert client.get(f"/buyers/admin/import/{token}").status_code == 404
    assert commit(client, token).status_code == 404
    assert client.get(f"/buyers/admin/import/{token}/errors.csv").status_code == 404
    assert count_orgs() == 0


def test_xlsx_import_and_template(client, login_as):
    login_as("admin")
    template = client.get("/buyers/admin/import/template.xlsx")
    assert template.status_code == 200
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).active
    assert [c.value for c in sheet[1]][:4] == ["名称", "类型", "统一社会信用代码", "地区代码"]
    rows = [[c.value for c in sheet[1]], ["成都农产品中心批发市场有限责任公司", "批发市场", code_for(1, "510100"),
                                          510107, "", "", "", "", "", "", "", ""]]
    token = staged(client, exports.to_xlsx(rows), "list.xlsx")
    commit(client, token)
    org = db.session.scalar(db.select(BuyerOrg))
    assert org.county_code == "510107" and org.credit_code == code_for(1, "510100")


def test_csv_in_gbk_is_read(client, login_as):
    login_as("admin")
    token = staged(client, (HEADER + "广州江南果菜批发市场,批发市场,,440111,,,,,,,,\n").encode("gb18030"))
    commit(client, token)
    assert count_orgs() == 1


def test_zip_bomb_is_refused(client, login_as):
    login_as("admin")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * (50 * 1024 * 1024) + "</a>")
    response = upload(client, buffer.getvalue(), "bomb.xlsx")
    assert response.status_code == 400 and "已拒绝" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(BuyerImport)) == 0


def test_xml_entity_expansion_is_refused(client, login_as):
    login_as("admin")
    good = exports.to_xlsx([["名称"], ["某公司"]])
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
              '<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    source, buffer = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = laughs.encode() if item.filename.startswith("xl/worksheets/") else source.read(item.filename)
            target.writestr(item, data)
    response = upload(client, buffer.getvalue(), "laughs.xlsx")
    assert response.status_code == 400 and "XLSX" in response.get_data(as_text=True)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "没有采购商数据"), (b"foo,bar\n1,2\n", "列标题"), (HEADER.encode(), "没有采购商数据"),
    (b"\xff\xfe\x00garbage\x81\x82", ""),
])
def test_unreadable_files_get_a_clear_message(client, login_as, content, message):
    login_as("admin")
    response = upload(client, content)
    assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)


def test_too_many_rows(client, login_as, monkeypatch):
    from buyers import importfile

    monkeypatch.setattr(importfile, "MAX_ROWS", 3)
    login_as("admin")
    response = upload(client, csv_file(*[f"公司{i},经销商,,360111,,,,,,,," for i in range(4)]))
    assert response.status_code == 400 and "3" in response.get_data(as_text=True)


def test_only_staff_may_import(client, login_as):
    login_as("buyer")
    assert upload(client, csv_file("某公司,经销商,,360111,,,,,,,,")).status_code == 403


def test_an_import_commits_once(client, login_as):
    login_as("official", region_code="360000")
    token = staged(client, csv_file("南昌果蔬配送有限公司,经销商,,360111,,,,,,,,"))
    commit(client, token)
    again = commit(client, token, follow_redirects=True)
    assert "已提交" in again.get_data(as_text=True) and count_orgs() == 1


def test_imported_fields_are_typed(client, login_as):
    from decimal import Decimal

    login_as("official", region_code="360000")
    token = staged(client, csv_file("南昌果蔬配送有限公司,经销商,,360111,南昌市青山湖区,张三,经理,13800000001,zs@example.com,"
                                    "1200.5,脐橙、蜜柚,2026年南昌名录"))
    commit(client, token)
    org = db.session.scalar(db.select(BuyerOrg))
    assert org.annual_volume_tons == Decimal("1200.50") and org.products_of_interest == ["脐橙", "蜜柚"]
    assert org.source == "2026年南昌名录" and org.name_norm and org.contacts[0].email == "zs@example.com"
