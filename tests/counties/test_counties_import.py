"""Imports of county lists and indicator values: all or nothing, a row-by-row error report, safe XLSX."""
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from helpers import login, xlsx_of

from core import audit
from core.db import db
from counties import importing, queries
from counties.models import DemoCounty, IndicatorValue

HEADERS = ["县代码", "县名称", "批次年份", "贫困县(留空按国家名单)", "革命老区", "其他项目标志",
           "中央资金安排(万元)", "中央资金拨付(万元)", "地方资金安排(万元)", "地方资金拨付(万元)", "负责人邮箱", "备注"]


_xlsx = xlsx_of


def _csv(rows) -> bytes:
    return ("\n".join(",".join(str(c) for c in row) for row in rows) + "\n").encode("utf-8-sig")


def _upload(client, url, name, data):
    return client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _county_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(DemoCounty))


@pytest.fixture
def jiangxi(client, officials, indicators):
    login(client, officials["jiangxi"])
    return officials["jiangxi"]


def test_a_good_county_list_is_imported_from_xlsx(client, jiangxi, officials):
    data = _xlsx([HEADERS,
                  [360732, "兴国县", 2015, "", "是", "乡村振兴重点帮扶县", 2000, 1600, 500, 200,
                   "official.xingguo@example.com; official.ganzhou@example.com", ""],
                  ["360735", "石城县", "2016", "否", "否", "", "1500.5", "0", "", "", "", "=cmd"]])
    response = _upload(client, "/counties/import", "counties.xlsx", data)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _county_count() == 2
    xingguo, shicheng = queries.county_by_code("360732"), queries.county_by_code("360735")
    assert xingguo.old_revolutionary_area and xingguo.programme_flags == ["rural_revitalisation_key"]
    assert xingguo.poverty_county and xingguo.poverty_override is None
    assert shicheng.poverty_override is False and shicheng.central_allocated == Decimal("1500.5")
    assert {u.email for u in xingguo.officials} == {"official.xingguo@example.com", "official.ganzhou@example.com"}
    assert len(audit.history("demo_county", "360732")) == 1
    # importing the same file again changes nothing
    response = _upload(client, "/counties/import", "counties.xlsx", data)
    assert "更新 0 条，未变 2 条" in response.get_data(as_text=True)


def test_a_bad_row_rolls_back_the_whole_county_import_and_every_error_is_listed(client, jiangxi):
    rows = [HEADERS,
            ["360732", "兴国县", "2015", "", "", "", "100", "0", "0", "0", "", ""],
            ["360799", "", "2015", "", "", "", "0", "0", "0", "0", "", ""],  # not a county
            ["360735", "瑞金市", "2016", "", "", "", "0", "0", "0", "0", "", ""],  # name does not match
            ["360781", "", "2012", "", "", "", "0", "0", "0", "0", "", ""],  # batch year too early
            ["360734", "", "2018", "", "", "", "10", "20", "0", "0", "", ""],  # disbursed > allocated
            ["421127", "", "2019", "", "", "", "0", "0", "0", "0", "", ""],  # Hubei: outside Jiangxi
            ["360732", "", "2015", "", "", "", "0", "0", "0", "0", "", ""]]  # duplicate of row 2
    response = _upload(client, "/counties/import", "counties.csv", _csv(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _county_count() == 0
    table = html.split('data-testid="import-errors"')[1]
    reported = [int(n) for n in __import__("re").findall(r"<tr><td>(\d+)</td>", table)]
    assert reported == [3, 4, 5, 6, 7, 8]
    assert "第 2 行重复" in html and "不能超过" in html and "辖区以外" in html


def test_file_problems_get_a_message_not_a_500(client, jiangxi):
    response = _upload(client, "/counties/import", "counties.txt", b"hello")
    assert response.status_code == 422 and ".csv" in response.get_data(as_text=True)
    response = _upload(client, "/counties/import", "counties.csv", _csv([["foo", "bar"], ["1", "2"]]))
    assert response.status_code == 422 and "缺少列" in response.get_data(as_text=True)
    response = _upload(client, "/counties/import", "counties.xlsx", b"PK\x03\x04 not really a zip")
    assert response.status_code == 422 and "XLSX" in response.get_data(as_text=True)


def test_a_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>")
    with pytest.raises(importing.FileProblem) as problem:
        importing.read_rows("bomb.xlsx", buffer.getvalue(), "county")
    assert "体积异常" in problem.value.message or "unreasonable" in problem.value.message


def test_xml_entities_are_refused():
    good = _xlsx([HEADERS, ["360732", "", "2015"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + body.split(b"?>", 1)[-1]
            archive.writestr(item, body)
    with pytest.raises(importing.FileProblem):
        importing.read_rows("evil.xlsx", buffer.getvalue(), "county")


def test_templates_download_with_chinese_headers_and_import_back(client, jiangxi):
    response = client.get("/counties/import/template-county.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("县代码", "县名称", "批次年份")
    csv_template = client.get("/counties/import/template-values.csv").get_data(as_text=True)
    assert csv_template.lstrip("\ufeff").startswith("县代码,期间,指标,数值,单位")
    # the template's example row is itself a valid row (the example official does not exist here: drop it)
    example = dict(zip(rows[0], rows[1], strict=True)) | {"负责人邮箱": ""}
    response = _upload(client, "/counties/import", "filled.xlsx", _xlsx([list(example), list(example.values())]))
    assert response.status_code == 200 and queries.county_by_code("360732") is not None


# ------------------------------------------------------------------ values

VALUE_HEADERS = ["县代码", "期间", "指标", "数值", "单位"]


@pytest.fixture
def registry(add_county):
    return add_county("360732", 2015), add_county("360735", 2016)


def _value_rows():
    return {(v.period, v.indicator.code): v.value for v in db.session.scalars(sa.select(IndicatorValue))}


def test_county_official_imports_their_values(client, officials, indicators, registry):
    login(client, officials["xingguo"])
    data = _xlsx([VALUE_HEADERS,
                  ["360732", "2025Q2", "village_coverage", 55.5, "%"],
                  ["360732", "2025Q2", "农村网络零售额", 12000, "万元"],
                  ["360732", "2025", "trainees", "3100", ""],
                  ["360732", "2025Q2", "service_centre_built", "是", ""]])
    response = _upload(client, "/counties/values/import", "values.xlsx", data)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _value_rows() == {("2025Q2", "village_coverage"): Decimal("55.5"),
                             ("2025Q2", "rural_online_sales"): Decimal(12000),
                             ("2025", "trainees"): Decimal(3100), ("2025Q2", "service_centre_built"): Decimal(1)}
    assert "新增 4 条，更新 0 条，未变 0 条" in response.get_data(as_text=True)
    entries = audit.history("demo_county", "360732")
    assert len(entries) == 4 and {e.after["source"] for e in entries} == {"import"}
    assert {e.actor_id for e in entries} == {officials["xingguo"].id}


def test_value_import_is_all_or_nothing_with_row_errors(client, officials, indicators, registry):
    login(client, officials["xingguo"])
    rows = [VALUE_HEADERS,
            ["360732", "2025Q2", "village_coverage", "55", "%"],  # fine
            ["360732", "2025Q2", "rural_online_sales", "12000", "元"],  # unit mismatch
            ["360732", "2025Q2", "village_coverage", "101", ""],  # duplicate and > 100
            ["360735", "2025Q2", "trainees", "10", ""],  # another county
            ["360732", "2099Q1", "trainees", "10", ""],  # future
            ["360732", "2025Q2", "no_such_indicator", "10", ""],
            ["360732", "2025Q3", "trainees", "-4", ""]]
    response = _upload(client, "/counties/values/import", "values.csv", _csv(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and _value_rows() == {}
    assert audit.history("demo_county", "360732") == []
    for message in ("单位 元 与指标单位 万元 不一致", "0 到 100", "只有本县", "未来", "未知指标", "不能为负"):
        assert message in html, message


def test_province_officials_cannot_import_values(client, officials, indicators, registry):
    login(client, officials["jiangxi"])
    response = _upload(client, "/counties/values/import", "values.csv",
                       _csv([VALUE_HEADERS, ["360732", "2025Q2", "trainees", "10", ""]]))
    assert response.status_code == 422 and "只有本县" in response.get_data(as_text=True)
    assert _value_rows() == {}
