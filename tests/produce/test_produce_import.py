"""Bulk import: template, preview, all-or-nothing commit, the row report, suggestions, and bomb defences."""
import csv
import io
import re
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa
from helpers import finish_jobs, login, xlsx_of

from core.db import db
from produce import importer
from produce.models import Listing

HEADER = [zh for zh, _name in importer.COLUMNS]


def row(**overrides):
    values = dict(zip(HEADER, importer.EXAMPLE, strict=True))
    values.update(overrides)
    return [values[h] for h in HEADER]


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows) -> bytes:
    return xlsx_of([HEADER, *rows])


def count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Listing))


@pytest.fixture
def producer(client, catalogue, make_producer):
    user, profile = make_producer()
    login(client, user)
    return user, profile


def preview(client, data: bytes, name: str):
    """Uploads, waits for the check job, returns the page that follows (the form again for a refused file)."""
    response = client.post("/produce/import", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    if response.status_code != 302:
        return response
    finish_jobs()
    return client.get(response.headers["Location"])


def commit(client, token: str):
    response = client.post(f"/produce/import/{token}/commit")
    finish_jobs()
    return response


def token_of(html: str) -> str:
    return re.search(r"/produce/import/([0-9a-f]{32})/", html).group(1)


def test_good_file_previews_then_commits(client, producer):
    data = csv_bytes([row(), row(产品名称="土豆", 数量="5", 单位="吨", 价格单位="元/吨", 价格="1800", 起订量="1", 认证="")])
    html = preview(client, data, "listings.csv").get_data(as_text=True)
    assert 'data-testid="import-commit"' in html
    assert count() == 0  # preview writes nothing
    response = commit(client, token_of(html))
    assert response.status_code == 302
    listings = db.session.scalars(sa.select(Listing).order_by(Listing.id)).all()
    assert [(x.product_name, x.status) for x in listings] == [("赣南脐橙", "active"), ("土豆", "active")]
    assert listings[1].product.code == "potato" and listings[1].quantity_kg == 5000
    assert listings[0].certifications == ["gi", "green_food"]


def test_one_bad_row_commits_nothing_and_the_report_names_it(client, producer):
    rows = [row() for _ in range(5)]
    rows[3] = row(数量="-10")
    html = preview(client, xlsx_bytes(rows), "listings.xlsx").get_data(as_text=True)
    assert 'data-testid="import-commit"' not in html
    token = token_of(html)
    assert commit(client, token).status_code == 302
    assert count() == 0
    report = client.get(f"/produce/import/{token}/errors.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert lines[1][:2] == ["5", "数量"]  # header is row 1, so the fourth data row is row 5
    assert len(lines) == 2


@pytest.mark.parametrize(("column", "value", "field"), [
    ("产品名称", "xyz蔬", "product"),
    ("产地县代码", "999999", "county_code"),
    ("单位", "桶装", "unit"),
    ("数量", "-3", "quantity"),
    ("供应结束日期", "2020-01-01", "available_to"),
    ("认证", "有机", "certifications"),
    ("状态", "卖完", "status"),
])
def test_each_kind_of_bad_row_is_reported(app, producer, column, value, field):
    user, _ = producer
    result = importer.check_file(csv_bytes([row(), row(**{column: value})]), "x.csv", user)
    assert [(e.row, e.field) for e in result.errors] == [(3, field)]


def test_unknown_product_suggests_catalogue_names(app, producer):
    user, _ = producer
    result = importer.check_file(csv_bytes([row(产品名称="苹菓子")]), "x.csv", user)
    assert [e.field for e in result.errors] == ["product"]
    assert "苹果" in result.errors[0].message


def test_missing_columns_are_named(app, producer):
    user, _ = producer
    with pytest.raises(importer.ImportFileError) as caught:
        importer.check_file(csv_bytes([["x"]], header=["产品名称"]), "x.csv", user)
    assert "数量" in caught.value.message


def test_zip_bomb_is_refused_before_parsing(app, producer):
    user, _ = producer
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 50_000_000 + b"/>")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(importer.ImportFileError):
        importer.check_file(out.getvalue(), "bomb.xlsx", user)


def test_xml_entity_bomb_is_refused(app, producer):
    user, _ = producer
    good = xlsx_bytes([row()])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            content = bomb if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            archive.writestr(item.filename, content)
    with pytest.raises(importer.ImportFileError):
        importer.check_file(out.getvalue(), "lol.xlsx", user)
    assert count() == 0


def test_a_renamed_binary_is_not_a_workbook(client, producer):
    html = preview(client, b"\x7fELF" + b"\x00" * 100, "listings.xlsx").get_data(as_text=True)
    assert 'class="error"' in html


def test_another_user_cannot_commit_my_upload(client, producer, make_producer):
    html = preview(client, csv_bytes([row()]), "x.csv").get_data(as_text=True)
    other, _ = make_producer()
    login(client, other)
    assert commit(client, token_of(html)).status_code == 404
    assert client.get(f"/produce/import/{token_of(html)}").status_code == 404
    assert client.get(f"/produce/import/{token_of(html)}/job").status_code == 404
    assert client.get(f"/produce/import/{token_of(html)}/errors.csv").status_code == 404
    assert count() == 0


def test_templates_have_chinese_headers(client, producer):
    book = openpyxl.load_workbook(io.BytesIO(client.get("/produce/import/template.xlsx").data))
    assert [c.value for c in book.active[1]] == HEADER
    text = client.get("/produce/import/template.csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("产品名称,品种")
    # the template's example row imports cleanly
    user, _ = producer
    assert importer.check_file(client.get("/produce/import/template.csv").data, "t.csv", user).ok


def test_official_imports_for_producers_in_their_region_only(app, catalogue, make_user, make_producer):
    _u, jiangxi = make_producer(county="360732")
    _v, shaanxi = make_producer(county="610326")
    official = make_user("official", region_code="360000")
    header = [*HEADER, "生产者编号"]
    good = csv_bytes([[*row(), str(jiangxi.id)]], header=header)
    assert importer.check_file(good, "x.csv", official).ok
    bad = csv_bytes([[*row(产地县代码="610326"), str(shaanxi.id)]], header=header)
    result = importer.check_file(bad, "x.csv", official)
    assert [e.field for e in result.errors] == ["producer_id"]


def _rewrite_sheet(xml: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = xml.encode("utf-7" if "UTF-7" in xml else "utf-8") if item.filename == "xl/worksheets/sheet1.xml" \
                else source.read(item.filename)
            archive.writestr(item.filename, data)
    return out.getvalue()


def test_a_dtd_hidden_in_another_encoding_is_refused(app, producer):
    user, _ = producer
    sneaky = ('<?xml version="1.0" encoding="UTF-7"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    with pytest.raises(importer.ImportFileError):
        importer.check_file(_rewrite_sheet(sneaky), "utf7.xlsx", user)


def test_dates_typed_as_excel_dates_are_read(app, producer):
    from datetime import date, timedelta

    user, _ = producer
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    values = row()
    end = date.today() + timedelta(days=40)
    values[HEADER.index("供应开始日期")] = date.today()
    values[HEADER.index("供应结束日期")] = end
    values[HEADER.index("数量")] = 5000  # a number cell, not text
    sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    result = importer.check_file(out.getvalue(), "typed.xlsx", user)
    assert result.ok, result.errors
    assert result.valid[0][3]["available_to"] == end and result.valid[0][3]["quantity"] == 5000
