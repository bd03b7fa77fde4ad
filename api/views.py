"""Web pages of the API package: personal tokens in the account area and the API docs page.

The JSON API itself is a set of flask-smorest blueprints (api/v1/); they are bound to the app, with the spec at
/api/v1/openapi.json, when this module's blueprint registers (create_app does not know about flask-smorest).
"""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from api import queries, services
from api.docs import operations_by_tag, schemas
from api.ext import init_api
from api.forms import RevokeForm, TokenForm
from core.db import db, utcnow

bp = Blueprint("api_tokens", __name__)
docs_bp = Blueprint("api_docs", __name__)
blueprints = [bp, docs_bp]


@bp.record_once
def _bind_api(state):
    init_api(state.app)


def _render_tokens(form, new_secret=None, status=200):
    response = make_response(render_template(
        "api/tokens.html", form=form, tokens=queries.tokens_of(current_user), revoke_form=RevokeForm(),
        new_secret=new_secret, now=utcnow()), status)
    response.headers["Cache-Control"] = "no-store"  # the page may show a secret once
    return response


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, secret = services.create_personal_token(current_user, form.name.data, form.scopes.data.split(),
                                                            int(form.days.data))
        except services.TokenError as error:
            db.session.rollback()
            getattr(form, error.field, form.name).errors.append(error.message)
        else:
            # Shown in this response only: never flashed (the session cookie is signed, not encrypted).
            return _render_tokens(TokenForm(formdata=None), new_secret=secret)
    return _render_tokens(form, status=422 if form.errors else 200)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = queries.token_of(current_user, token_id)
    if token is None:
        abort(404)
    if RevokeForm().validate_on_submit():
        services.revoke_token(current_user, token)
        flash(_("The token has been revoked."), "success")
    return redirect(url_for("api_tokens.tokens"))


@docs_bp.route("/api/v1/docs")
def docs():
    spec = current_app.extensions["harvestlink_api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, groups=operations_by_tag(spec), schemas=schemas(spec))
