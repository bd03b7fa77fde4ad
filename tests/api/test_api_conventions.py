"""Conventions every endpoint shares: error format, unknown fields, pagination limits, decimals, dates."""
from datetime import date
from decimal import Decimal

import marshmallow as ma
import pytest
from flask import jsonify

from api.common import MAX_PAGE_SIZE, ApiBlueprint, DecimalString, paged_response


class Amounts(ma.Schema):
    price = DecimalString(places=2, required=True)
    quantity = DecimalString(places=3, required=True)
    needed_from = ma.fields.Date(required=True)


def _add_echo(app):
    echo = ApiBlueprint("api_test_echo", __name__, url_prefix="/api/v1/test-echo")

    @echo.route("", methods=["POST"])
    @echo.arguments(Amounts)
    @echo.response(200, Amounts)
    def echo_amounts(data):
        # The view sees exact Decimals; the response dumps them back as strings.
        assert isinstance(data["price"], Decimal) and isinstance(data["quantity"], Decimal)
        return data

    @echo.route("/raw", methods=["POST"])
    @echo.arguments(Amounts)
    def echo_raw(data):
        return jsonify({"price": repr(data["price"]), "quantity": repr(data["quantity"])})

    app.register_blueprint(echo)
    from core.extensions import csrf

    csrf.exempt(echo)


@pytest.fixture
def echo(app, api_as):
    _add_echo(app)
    return api_as("producer")[1]


def test_decimals_are_strings_with_fixed_places(client, echo):
    response = client.post("/api/v1/test-echo", headers=echo,
                           json={"price": "3.5", "quantity": "1000", "needed_from": "2026-09-01"})
    assert response.status_code == 200
    assert response.get_json() == {"price": "3.50", "quantity": "1000.000", "needed_from": "2026-09-01"}


def test_json_numbers_for_amounts_are_refused_so_no_float_slips_in(client, echo):
    raw = b'{"price": 0.1, "quantity": "1", "needed_from": "2026-09-01"}'
    response = client.post("/api/v1/test-echo/raw", headers={**echo, "Content-Type": "application/json"}, data=raw)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"price": ['Send decimals as strings, e.g. "12.50".']}


def test_decimal_strings_are_read_exactly(client, echo):
    body = {"price": "0.1", "quantity": "123456789012.345", "needed_from": "2026-09-01"}
    response = client.post("/api/v1/test-echo/raw", headers=echo, json=body)
    assert response.get_json() == {"price": "Decimal('0.10')", "quantity": "Decimal('123456789012.345')"}


@pytest.mark.parametrize("bad", ["abc", "1e5", "NaN", "Infinity", "", True, "１２", 12, None])
def test_non_decimal_amounts_are_field_errors(client, echo, bad):
    response = client.post("/api/v1/test-echo", headers=echo,
                           json={"price": bad, "quantity": "1", "needed_from": "2026-09-01"})
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["price"]


def test_dates_must_be_iso_8601(client, echo):
    response = client.post("/api/v1/test-echo", headers=echo,
                           json={"price": "1", "quantity": "1", "needed_from": "01/09/2026"})
    assert response.status_code == 422
    assert "needed_from" in response.get_json()["error"]["fields"]
    assert date.fromisoformat("2026-09-01")  # the format the API documents


def test_unknown_body_fields_are_rejected_and_named(client, echo):
    response = client.post("/api/v1/test-echo", headers=echo,
                           json={"price": "1", "quantity": "1", "needed_from": "2026-09-01", "producer_id": 7})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {"producer_id": ["Unknown field."]}


def test_unknown_query_parameters_are_rejected_too(client):
    response = client.get("/api/v1/regions?countycode=360732")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"countycode": ["Unknown field."]}


def test_missing_fields_are_named(client, echo):
    response = client.post("/api/v1/test-echo", headers=echo, json={})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"price", "quantity", "needed_from"}


def test_a_non_object_body_is_a_validation_error_not_a_crash(client, echo):
    response = client.post("/api/v1/test-echo", headers=echo, json=[1, 2, 3])
    assert response.status_code == 422
    assert "_schema" in response.get_json()["error"]["fields"]


def test_invalid_json_is_400(client, echo):
    response = client.post("/api/v1/test-echo", headers={**echo, "Content-Type": "application/json"}, data=b"{oops")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_page_size_has_a_hard_maximum(client):
    assert client.get(f"/api/v1/regions?size={MAX_PAGE_SIZE}").status_code == 200
    too_big = client.get(f"/api/v1/regions?size={MAX_PAGE_SIZE + 1}")
    assert too_big.status_code == 422
    assert "size" in too_big.get_json()["error"]["fields"]
    for bad in ("0", "-1", "x"):
        assert client.get(f"/api/v1/regions?size={bad}").status_code == 422
    assert client.get("/api/v1/regions?page=0").status_code == 422


def test_unknown_api_urls_and_methods_use_the_same_error_shape(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong_method = client.put("/api/v1/regions")
    assert wrong_method.status_code == 405 and "code" in wrong_method.get_json()["error"]


def test_spec_is_openapi_3_generated_from_the_code(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/regions/{code}" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    # Every operation lists its real error statuses rather than a catch-all.
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                assert "default" not in operation["responses"]
                assert {"401", "429"} <= set(map(str, operation["responses"]))


def test_docs_page_renders_the_spec_without_external_assets(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/regions/{code}" in page and "openapi.json" in page
    assert "http://" not in page and "https://" not in page and "<script>" not in page


def test_a_list_and_a_database_page_give_the_same_envelope():
    """Every list endpoint answers through paged_response: a whole list is cut here, a pagination is not."""
    from types import SimpleNamespace

    rows = list(range(1, 46))
    expected = {"items": [41 * 10, 42 * 10, 43 * 10, 44 * 10, 45 * 10], "page": 3, "size": 20, "total": 45,
                "pages": 3}
    assert paged_response(rows, lambda n: n * 10, page=3, size=20) == expected
    pagination = SimpleNamespace(items=rows[40:], total=45)
    assert paged_response(pagination, lambda n: n * 10, page=3, size=20) == expected
    assert paged_response([], str, page=1, size=20, capped=False) == {
        "items": [], "page": 1, "size": 20, "total": 0, "pages": 0, "capped": False}
