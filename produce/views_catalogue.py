"""Catalogue administration: products and their aliases (admins)."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core.db import db
from produce import catalogue_services as cs
from produce.blueprint import bp
from produce.forms import AliasForm, ProductForm
from produce.models import Product, ProductAlias, ProductCategory

PAGE = 50


def _category_choices():
    return [(c.code, f"{c.name_zh} {c.name_en}") for c in
            db.session.scalars(sa.select(ProductCategory).order_by(ProductCategory.position))]


@bp.get("/catalogue")
@roles_required("admin")
def catalogue_admin():
    q = request.args.get("q", "").strip()[:30]
    category = request.args.get("category", "")
    stmt = sa.select(Product).order_by(Product.category_code, Product.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(Product.name.like(like), Product.code.like(like), Product.pinyin.like(like),
                                 Product.id.in_(sa.select(ProductAlias.product_id).where(ProductAlias.alias.like(like)))))
    if category:
        stmt = stmt.where(Product.category_code == category)
    # A bounded page number: ?page=99999999999999999999 would overflow the SQL OFFSET.
    page = db.paginate(stmt, page=min(request.args.get("page", 1, type=int), 100_000), per_page=PAGE, error_out=False)
    form = ProductForm()
    form.category_code.choices = _category_choices()
    return render_template("produce/catalogue_admin.html", page=page, q=q, category=category, form=form,
                           categories=_category_choices())


@bp.post("/catalogue/products")
@roles_required("admin")
def create_product():
    form = ProductForm()
    form.category_code.choices = _category_choices()
    if form.validate_on_submit():
        try:
            product = cs.save_product(current_user, form.data)
        except cs.CatalogueError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Product saved."), "success")
            return redirect(url_for("produce.product_edit", product_id=product.id))
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return redirect(url_for("produce.catalogue_admin"))


@bp.route("/catalogue/products/<int:product_id>", methods=["GET", "POST"])
@roles_required("admin")
def product_edit(product_id):
    product = db.session.get(Product, product_id) or abort(404)
    form = ProductForm(obj=product)
    form.category_code.choices = _category_choices()
    if form.validate_on_submit():
        try:
            cs.save_product(current_user, form.data, product)
        except cs.CatalogueError as error:
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            flash(_("Product saved."), "success")
            return redirect(url_for("produce.product_edit", product_id=product_id))
    return render_template("produce/product_edit.html", product=product, form=form, alias_form=AliasForm())


@bp.post("/catalogue/products/<int:product_id>/aliases")
@roles_required("admin")
def add_alias(product_id):
    product = db.session.get(Product, product_id) or abort(404)
    form = AliasForm()
    if form.validate_on_submit():
        try:
            cs.add_alias(current_user, product, form.alias.data, form.kind.data)
            flash(_("Alias added."), "success")
        except cs.CatalogueError as error:
            db.session.rollback()
            flash(error.message, "error")
    else:
        flash(_("Enter an alias of at most 32 characters."), "error")
    return redirect(url_for("produce.product_edit", product_id=product_id))


@bp.post("/catalogue/aliases/<int:alias_id>/delete")
@roles_required("admin")
def remove_alias(alias_id):
    alias = db.session.get(ProductAlias, alias_id) or abort(404)
    product_id = alias.product_id
    cs.remove_alias(current_user, alias)
    flash(_("Alias removed."), "success")
    return redirect(url_for("produce.product_edit", product_id=product_id))
