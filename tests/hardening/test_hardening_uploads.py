"""Hostile files against every upload form (every file input a user of each role can reach): renamed
executables, a zip bomb and an XML bomb dressed as .xlsx, an SVG with script, path-traversal names.
No 5xx, no file outside the upload folder, no executable or script stored, no runaway memory.
"""
import io
import resource
import zipfile
from pathlib import Path

import pytest
from helpers import login
from PIL import Image
from probes import REFUSALS, fill_form, forms_of, submit

from core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

DEMO_USERS = ("farmer@demo.harvestlink.cn", "coop@demo.harvestlink.cn", "buyer@demo.harvestlink.cn",
              "official.jiangxi@demo.harvestlink.cn", "admin@demo.harvestlink.cn")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 4000
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS mode.\r\n" * 20
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
BOMB_SIZE = 1 << 30  # 1 GiB of spaces inside one sheet: about 1 MB compressed
TRAVERSAL_NAMES = ("../../etc/passwd.jpg", "..\\..\\..\\windows\\evil.jpg", "/etc/cron.d/evil.jpg",
                   "../../../tmp/hl-traversal.csv", "....//....//hl-dots.xlsx")

_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
    'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
          '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')


def _xlsx(sheet_writer) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in _XLSX_PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet_writer(sheet)
    return buffer.getvalue()


def _bomb_sheet(sheet):
    sheet.write(SHEET_HEAD + b"<sheetData>")
    chunk = b" " * (1 << 20)
    for _ in range(BOMB_SIZE // len(chunk)):
        sheet.write(chunk)
    sheet.write(b"</sheetData></worksheet>")


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 120, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def hostile_files():
    """(label, filename, mimetype, bytes); the zip bomb is built once per module."""
    jpeg = _jpeg()
    files = [
        ("ELF renamed .jpg", "photo.jpg", "image/jpeg", ELF),
        ("PE renamed .xlsx", "buyers.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", PE),
        ("PE renamed .csv", "list.csv", "text/csv", PE),
        ("SVG with script", "photo.svg", "image/svg+xml", SVG),
        ("SVG renamed .png", "photo.png", "image/png", SVG),
        ("zip bomb .xlsx", "bomb.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         _xlsx(_bomb_sheet)),
        ("XML bomb .xlsx", "laughs.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         _xlsx(lambda sheet: sheet.write(LAUGHS.encode()))),
        ("empty file", "empty.xlsx", "application/octet-stream", b""),
    ]
    files += [(f"traversal {name}", name, "image/jpeg", jpeg) for name in TRAVERSAL_NAMES]
    return files


def _upload_forms(app):
    """(user, page, form) for every distinct form with a file input the demo users reach."""
    found, seen = [], set()
    for email in DEMO_USERS:
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        for page, form in forms_of(app, client):
            key = (form.action.split("?")[0], tuple(f.name for f in form.file_fields))
            if form.file_fields and key not in seen:
                seen.add(key)
                found.append((email, page, form))
    return found


def _files_under(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes()[:64] for p in folder.rglob("*") if p.is_file()}


def _escaped(app) -> list[str]:
    upload = Path(app.config["UPLOAD_FOLDER"]).resolve()
    candidates = [Path("/etc/passwd.jpg"), Path("/etc/cron.d/evil.jpg"), Path("/tmp/hl-traversal.csv"),
                  upload.parent / "etc" / "passwd.jpg", upload.parent.parent / "etc" / "passwd.jpg",
                  upload.parent / "hl-dots.xlsx", Path.cwd() / "hl-dots.xlsx"]
    return [str(p) for p in candidates if p.exists()]


def test_every_upload_form_refuses_hostile_files(app, runner, hostile_files):
    assert runner.invoke(args=["demo"]).exit_code == 0
    forms = _upload_forms(app)
    assert forms, "no upload form found: the crawler no longer reaches them"
    upload = Path(app.config["UPLOAD_FOLDER"]).resolve()
    before = _files_under(upload)
    problems = []
    for email, page, form in forms:
        client = app.test_client()
        login(client, email, DEMO_PASSWORD)
        for label, filename, mimetype, content in hostile_files:
            data = fill_form(form, "硬化测试")
            files = {f.name: (io.BytesIO(content), filename, mimetype) for f in form.file_fields}
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            response = submit(client, form, data, files=files, content_type="multipart/form-data")
            grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
            where = f"{email} {form.action} (form on {page}) {label}"
            if response.status_code >= 500 or not (response.status_code < 400 or response.status_code in
                                                   (*REFUSALS, 400, 413)):
                problems.append(f"{where} -> {response.status_code}")
            if grown_mb > 300:
                problems.append(f"{where} -> the process grew by {grown_mb:.0f} MB")
    problems += [f"a file escaped the upload folder: {path}" for path in _escaped(app)]
    for path, head in _files_under(upload).items():
        if path in before:
            continue
        if ".." in path.relative_to(upload).parts or path.name.startswith("."):
            problems.append(f"stored under a crafted name: {path}")
        if head.startswith((b"\x7fELF", b"MZ")) or b"<svg" in head:
            problems.append(f"stored an executable or script: {path} starts {head[:12]!r}")
    assert not problems, f"{len(problems)} problems over {len(forms)} upload forms:\n" + "\n".join(problems)
