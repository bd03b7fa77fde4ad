"""The shared spreadsheet guard: zip bombs, XML bombs and unreadable files are refused before any parser
works on them, real workbooks and Chinese CSV files read, and the limits come from the app's config."""
import io
import zipfile

import pytest
from helpers import xlsx_of

from core import spreadsheets
from core.spreadsheets import SpreadsheetRefused
from produce import xlsx

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + f']><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'
          '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
            f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is>'
            '</c></row></sheetData></worksheet>')


def with_sheet(sheet_xml: str | bytes) -> bytes:
    """A real workbook whose first sheet is replaced by the given XML."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx_of([["名称"], ["某公司"]]))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, body)
    return out.getvalue()


def refusal(read) -> str:
    with pytest.raises(SpreadsheetRefused) as caught:
        read()
    return caught.value.code


def every_reader(data: bytes) -> set[str]:
    """The reason each reader refuses the file for: the guard itself, openpyxl's path, produce's fast reader."""
    return {refusal(lambda: spreadsheets.check_xlsx(data)),
            refusal(lambda: list(spreadsheets.workbook_rows(data))),
            refusal(lambda: list(xlsx.iter_rows(data)))}


def test_a_real_workbook_reads_in_both_readers(app):
    data = xlsx_of([["产品名称", "数量"], ["赣南脐橙", 5000]])
    spreadsheets.check_xlsx(data)
    assert [list(r) for r in spreadsheets.workbook_rows(data)] == [["产品名称", "数量"], ["赣南脐橙", 5000]]
    assert list(xlsx.iter_rows(data)) == [["产品名称", "数量"], ["赣南脐橙", 5000]]


def test_a_zip_bomb_is_refused_by_its_ratio_before_inflating(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>")
    data = out.getvalue()
    assert len(data) < 100_000  # 20 MB under every size cap: only the ratio can refuse it
    assert every_reader(data) == {"too_large"}


def test_sizes_and_ratio_follow_the_app_config(app):
    data = xlsx_of([["x" * 2000] for _ in range(300)])  # a plain, highly repetitive but real sheet
    spreadsheets.check_xlsx(data)
    app.config["SPREADSHEET_MAX_TOTAL_BYTES"] = 10_000
    assert refusal(lambda: spreadsheets.check_xlsx(data)) == "too_large"
    app.config["SPREADSHEET_MAX_TOTAL_BYTES"] = 400 * 1024 * 1024
    app.config["SPREADSHEET_MAX_MEMBER_BYTES"] = 10_000
    assert refusal(lambda: spreadsheets.check_xlsx(data)) == "too_large"


def test_too_many_members_are_refused(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(spreadsheets.limit("MEMBERS") + 1):
            archive.writestr(f"xl/media/{i}.bin", b"")
    assert every_reader(out.getvalue()) == {"too_many_parts"}


def test_billion_laughs_is_refused(app):
    assert every_reader(with_sheet(LAUGHS)) == {"declarations"}


def test_an_external_entity_is_refused(app):
    assert every_reader(with_sheet(EXTERNAL)) == {"declarations"}


def test_a_declaration_split_across_read_chunks_is_found(app, monkeypatch):
    monkeypatch.setattr(spreadsheets, "_CHUNK", 64)
    padding = " " * (64 - 4)  # "<!DOCTYPE" starts 4 bytes before the second chunk
    assert refusal(lambda: spreadsheets.check_xlsx(with_sheet(padding + LAUGHS.split("?>", 1)[1]))) == "declarations"


def test_defusedxml_refuses_what_the_byte_scan_cannot_see(app, monkeypatch):
    """The guard scans raw bytes; in UTF-16 a DTD is other bytes, and the parser must still refuse it."""
    monkeypatch.setattr(spreadsheets, "check_xlsx", lambda data: None)
    monkeypatch.setattr(xlsx, "check_xlsx", lambda data: None)
    data = with_sheet(LAUGHS.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"))
    assert refusal(lambda: list(xlsx.iter_rows(data))) == "declarations"
    assert refusal(lambda: list(spreadsheets.workbook_rows(data))) == "declarations"


@pytest.mark.parametrize("data", [b"\x7fELF" + b"\x00" * 100, b"PK\x03\x04 not really a zip", b""])
def test_a_file_that_is_not_a_zip_is_refused(app, data):
    assert refusal(lambda: spreadsheets.check_xlsx(data)) == "not_xlsx"
    assert refusal(lambda: list(spreadsheets.workbook_rows(data))) == "not_xlsx"


def test_csv_in_gbk_utf8_and_utf8_with_bom(app):
    rows = [["采购商名称", "县代码"], ["广州江南果菜批发市场", "440111"]]
    text = "采购商名称,县代码\r\n广州江南果菜批发市场,440111\r\n"
    for data in (text.encode("gbk"), text.encode("gb18030"), text.encode("utf-8"), text.encode("utf-8-sig")):
        assert list(spreadsheets.csv_rows(data)) == rows


def test_csv_in_an_unknown_encoding_is_refused_with_a_message(app):
    with pytest.raises(SpreadsheetRefused) as caught:
        list(spreadsheets.csv_rows("名称\n".encode("utf-16")))
    assert caught.value.code == "encoding"
    assert "GB18030" in caught.value.message


def test_refusals_read_in_chinese(app):
    with app.test_request_context():
        assert "已拒绝" in SpreadsheetRefused("too_large").message
        for code in spreadsheets._messages():
            message = SpreadsheetRefused(code).message
            assert any("\u4e00" <= char <= "\u9fff" for char in message), message


def test_an_upload_is_read_no_further_than_the_import_limit(app):
    app.config["UPLOAD_MAX_IMPORT_BYTES"] = 1024 * 1024
    assert spreadsheets.read_upload(io.BytesIO(b"x" * (1024 * 1024))) == b"x" * (1024 * 1024)
    stream = io.BytesIO(b"x" * (3 * 1024 * 1024))
    with app.test_request_context(), pytest.raises(SpreadsheetRefused) as caught:
        spreadsheets.read_upload(stream)
    assert stream.tell() == 1024 * 1024 + 1  # one byte past the limit tells, the rest is never read
    assert caught.value.message == "文件超过 1 MB。"


@pytest.mark.parametrize(("url", "field"), [("/produce/import", "file"), ("/counties/import", "file")])
def test_import_pages_refuse_a_file_over_the_limit(app, client, make_user, url, field):
    from helpers import login

    app.config.update(UPLOAD_MAX_IMPORT_BYTES=1024 * 1024, WTF_CSRF_ENABLED=False)
    login(client, make_user("admin"))
    response = client.post(url, data={field: (io.BytesIO(b"a,b\n" * 300_000), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 422) and "文件超过 1 MB" in response.get_data(as_text=True)
