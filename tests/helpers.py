"""Helpers for tests (importable as `from helpers import login` because tests/ holds conftest.py)."""
TEST_PASSWORD = "correct horse battery staple"


def login(client, user_or_email, password=TEST_PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post("/login", data={"email": email, "password": password})
