"""The API's error format: {"error": {"code", "message", "fields"?}} for every status.

core/errors.py renders the same shape for /api/ paths no blueprint owns (unknown URL, wrong method), so a
client sees one format everywhere. Validation errors (422) name each field: {"fields": {"quantity": ["..."]}};
nested fields are joined with dots ("contacts.0.phone"); `_schema` is an error about the body as a whole.
"""
import marshmallow as ma
from flask import jsonify
from webargs.flaskparser import abort as webargs_abort
from werkzeug.exceptions import HTTPException

# A stable machine-readable code per status; clients switch on these, not on messages.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Machine-readable error code",
                                                      "example": "validation_error"})
    message = ma.fields.String(required=True, metadata={"description": "Human-readable explanation"})
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "Per-field messages (validation errors only)"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nest messages by location and field; clients want flat field names."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key)
            if not prefix and name in ("json", "query", "querystring", "view_args", "path", "form", "headers"):
                name = ""  # the location is implied by the operation
            full = f"{prefix}.{name}" if prefix and name else (prefix or name)
            for field, texts in flatten_messages(value, full).items():
                flat.setdefault(field, []).extend(texts)
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = [str(m) for m in messages]
    elif isinstance(messages, list | tuple):
        for item in messages:
            for field, texts in flatten_messages(item, prefix).items():
                flat.setdefault(field, []).extend(texts)
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def error_response(status: int, message: str, *, code: str | None = None, fields=None, headers=None):
    body = {"code": code or CODES.get(status, "error"), "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException):
    """Registered on every API blueprint: errors raised inside an API view come out in the API format."""
    data = getattr(error, "data", None) or {}
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    headers.update(data.get("headers") or {})
    if error.code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="harvestlink"')
    fields = None
    if error.code == 422 or "messages" in data or "fields" in data:
        fields = data.get("fields") or flatten_messages(data.get("messages") or {})
    message = data.get("message") or _default_message(error, fields)
    return error_response(error.code or 500, message, code=data.get("code"), fields=fields, headers=headers)


def _default_message(error: HTTPException, fields) -> str:
    if fields and list(fields) == ["_schema"]:
        return " ".join(fields["_schema"])
    if fields and error.code in (400, 422):
        return "The request has invalid fields: " + ", ".join(sorted(fields))
    return error.description or error.name


def fail(status: int, message: str, *, code: str | None = None, fields=None, headers=None):
    """Abort the request with an API error (a webargs abort, so the data reaches our handler)."""
    webargs_abort(status, message=message, code=code, fields=fields, headers=headers)


def field_error(field: str, message: str):
    """A service refused one field: 422 naming it, like a form shows the message beside the field."""
    fail(422, message, fields={field: [message]})
