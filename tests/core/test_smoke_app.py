"""The app starts, serves its home page in Chinese, and checks its database."""


def test_home_page_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "丰收对接" in response.get_data(as_text=True)


def test_healthz_reports_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "up"}


def test_login_as_fixture_signs_in(client, login_as):
    user = login_as("buyer")
    page = client.get("/account").get_data(as_text=True)
    assert user.email in page
