"""Building blocks every API v1 resource uses: the blueprint class, the strict parser, decimal and paging fields.

Conventions (also in the spec's description):
- Unknown fields are rejected everywhere, in JSON bodies and in query strings: 422 naming the field.
  A typo in a filter name (`?countycode=`) would otherwise silently return unfiltered data.
- Amounts and quantities are decimal strings ("12.50") in both directions; a JSON number for one is a 422.
  JSON numbers elsewhere (ids, versions) are parsed as exact decimals, never through a float.
- Dates are ISO 8601 (`2026-09-01`), times ISO 8601 with offset (UTC).
- Lists are paged with `page` (from 1) and `size` (1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE); a larger size is a
  422, not silently clipped.
"""
import decimal
import json

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from api.errors import ErrorSchema, handle_http_exception
from core.sqlite import SAFE_METHODS

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
BEARER = [{"bearerAuth": []}]
OPTIONAL_BEARER = [{}, {"bearerAuth": []}]


class StrictParser(FlaskParser):
    """Rejects unknown fields in every location and reads JSON numbers as exact decimals."""

    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, ma.RAISE)

    def _raw_load_json(self, req):
        if not req.is_json:
            return ma.missing if not req.get_data(cache=True) else self._not_json()
        data = req.get_data(cache=True)
        try:
            return json.loads(data.decode("utf-8"), parse_float=decimal.Decimal)
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"Bytes decoding error: {error.reason}", doc="?", pos=0) from error

    @staticmethod
    def _not_json():
        from api.errors import fail

        fail(415, "Send the body as application/json.")


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint with our parser and our error format; authentication runs before each view."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, name: str, import_name: str, **kwargs):
        super().__init__(name, import_name, **kwargs)
        from api import auth

        self.register_error_handler(HTTPException, handle_http_exception)
        self.before_request(auth.authenticate_request)
        self.after_request(auth.add_rate_headers)

    def route(self, rule, *, parameters=None, tags=None, **options):
        """Every operation documents the errors any request can meet; writes also the body-related ones."""
        methods = options.get("methods", ["GET"])
        codes = {401, 422, 429}
        if any(method not in SAFE_METHODS for method in methods):
            codes |= {400, 403, 415}
        register = super().route(rule, parameters=parameters, tags=tags, **options)
        return lambda func: register(self.errors(*sorted(codes))(func))

    def errors(self, *codes: int):
        """Document the error statuses an operation can answer with (the schema is always ErrorSchema)."""

        def decorator(func):
            for code in codes:
                documented = getattr(func, "_apidoc", {}).get("response", {}).get("responses", {})
                if code not in documented:
                    func = self.alt_response(code, schema=ErrorSchema, description=_DESCRIPTIONS.get(code, ""))(func)
            return func

        return decorator


_DESCRIPTIONS = {
    400: "Malformed request (e.g. invalid JSON)",
    401: "Missing, wrong, revoked or expired token",
    403: "Authenticated but not allowed (role, region or token scope)",
    404: "No such record, or one you may not know of",
    409: "Stale version: someone else changed the record since you read it",
    415: "Body is not JSON",
    422: "Invalid or unknown fields, named in error.fields",
    429: "Rate limit exceeded: wait Retry-After seconds",
}


DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


class DecimalString(ma.fields.Decimal):
    """A decimal written as a JSON string ("12.50") both ways. A JSON number is refused on input: many clients
    would have produced it from a float, and the spec promises strings.

    No rounding by default: the feature package's validation decides how many places it accepts (rounding
    3.555 to 3.56 here would change what the caller sent without telling them)."""

    def __init__(self, places: int | None = None, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN, "maxLength": 24,
                              "example": "12.50", **kwargs["metadata"]}
        super().__init__(places=places, as_string=True, allow_nan=False, **kwargs)
        self.error_messages["not_string"] = 'Send decimals as strings, e.g. "12.50".'

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("not_string")
        return super()._deserialize(value, attr, data, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str) and not _looks_decimal(value):
            raise self.make_error("invalid")
        return super()._validated(value)


def non_negative(value) -> bool:
    """A decimal >= 0 (a Range validator would put a string minimum into the spec)."""
    if value < 0:
        raise ma.ValidationError("Must not be negative.")
    return True


def _looks_decimal(text: str) -> bool:
    body = text.strip().lstrip("-")
    if not body or body.count(".") > 1 or len(text) > 24:
        return False
    whole, _dot, frac = body.partition(".")
    return (whole + frac).isdigit() and whole.isascii() and frac.isascii() and len(body) <= 24


class JsonBool(ma.fields.Boolean):
    """A boolean in a JSON body: true or false only (marshmallow would also take 0, 1, "yes"...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class PageQuery(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    size = ma.fields.Integer(load_default=DEFAULT_PAGE_SIZE, validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE))


class PageMeta(ma.Schema):
    page = ma.fields.Integer(required=True)
    size = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)


def page_schema(item_schema, name: str):
    """A page envelope {items, page, size, total, pages} for one item schema (named for the spec)."""
    return type(name, (PageMeta,), {"items": ma.fields.List(ma.fields.Nested(item_schema), required=True)})


def page_of(items, *, page: int, size: int, total: int) -> dict:
    return {"items": list(items), "page": page, "size": size, "total": total, "pages": -(-total // size)}


def paged_response(found, render, *, page: int, size: int, **extra) -> dict:
    """The page envelope of a list endpoint, each item passed through `render`.

    `found` is either a pagination from the database (it has `items` and `total`: the page is already cut)
    or a whole list, cut here. `extra` adds fields a page schema declares beyond the envelope."""
    if isinstance(found, list | tuple):
        start = (page - 1) * size
        rows, total = found[start:start + size], len(found)
    else:
        rows, total = found.items, found.total or 0
    return {**page_of([render(row) for row in rows], page=page, size=size, total=total), **extra}


def wants_json_body() -> bool:
    return request.is_json
