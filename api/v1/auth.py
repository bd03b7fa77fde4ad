"""Tokens through the API: exchange e-mail and password for a bearer token, see who you are, sign the token out."""
import marshmallow as ma
from flask import g, request

from accounts import services as account_services
from api import services
from api.auth import require_user, scope_free
from api.common import BEARER, ApiBlueprint
from api.errors import fail

blp = ApiBlueprint("api_v1_auth", __name__, url_prefix="/api/v1/auth",
                   description="Bearer tokens. Personal tokens with chosen scopes are made on the account page.")


class Credentials(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1024))


class IssuedToken(ma.Schema):
    token = ma.fields.String(required=True, metadata={"description": "Shown once; send as 'Authorization: Bearer'"})
    token_type = ma.fields.String(required=True, metadata={"example": "Bearer"})
    scopes = ma.fields.List(ma.fields.String(), required=True)
    expires_at = ma.fields.DateTime(required=True)


class Me(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    role = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True, allow_none=True)
    scopes = ma.fields.List(ma.fields.String(), required=True)
    token_expires_at = ma.fields.DateTime(required=True, allow_none=True)


@blp.route("/token", methods=["POST"])
@blp.arguments(Credentials)
@blp.response(201, IssuedToken)
@scope_free
def issue_token(credentials):
    """Exchange e-mail and password for a read/write bearer token (sign-in throttling applies)."""
    try:
        user = account_services.authenticate(credentials["email"], credentials["password"], request.remote_addr)
    except account_services.LoginLocked:
        fail(429, "Too many failed sign-ins. Wait 15 minutes and try again.", headers={"Retry-After": "900"})
    if user is None:
        fail(401, "Wrong e-mail or password.", code="invalid_credentials")
    token, secret = services.issue_login_token(user)
    return {"token": secret, "token_type": "Bearer", "scopes": sorted(token.scope_set),
            "expires_at": token.expires_at}


@blp.route("/token", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
@scope_free
def revoke_current_token():
    """Revoke the token this request was made with."""
    user = require_user()
    token = g.get("api_token")
    if token is None:
        fail(400, "This request was not made with a token.")
    services.revoke_token(user, token)
    return None


@blp.route("/me")
@blp.response(200, Me)
@blp.errors(403)
@blp.doc(security=BEARER)
def me():
    """The user this request acts for, and the token's scopes."""
    user = require_user()
    token = g.get("api_token")
    return {"id": user.id, "email": user.email, "display_name": user.display_name, "role": user.role,
            "region_code": user.region_code, "scopes": sorted(g.api_scopes),
            "token_expires_at": token.expires_at if token is not None else None}
