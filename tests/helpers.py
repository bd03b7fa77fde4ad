"""Helpers for tests (importable as `from helpers import login` because tests/ holds conftest.py)."""
import io

TEST_PASSWORD = "correct horse battery staple"


def login(client, user_or_email, password=TEST_PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post("/login", data={"email": email, "password": password})


def finish_jobs(timeout: float = 120) -> list:
    """Waits for every background job started in this process (imports, matching run in threads when
    JOBS_INLINE) and returns their rows, oldest first."""
    from core import jobs

    finished = []
    while jobs._threads:  # a job may start another; wait until none is left
        finished.extend(jobs.wait(job_id, timeout) for job_id in sorted(jobs._threads))
    return finished


def xlsx_of(rows) -> bytes:
    """A one-sheet XLSX workbook holding these rows, as Excel would save it (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
