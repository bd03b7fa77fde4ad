"""Helpers for tests (importable as `from helpers import login` because tests/ holds conftest.py)."""
import io

TEST_PASSWORD = "correct horse battery staple"


def login(client, user_or_email, password=TEST_PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post("/login", data={"email": email, "password": password})


def xlsx_of(rows) -> bytes:
    """A one-sheet XLSX workbook holding these rows, as Excel would save it (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
