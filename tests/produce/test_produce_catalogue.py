"""The catalogue in the database: loading, admins' edits, and every worker seeing them."""
import sqlalchemy as sa
from flask import g

from core.db import db
from produce import catalogue as cat_module
from produce.catalogue import get_catalogue
from produce.catalogue_services import load_catalogue
from produce.models import CatalogueVersion, Product, ProductAlias, ProductCategory
from produce.queries import search_listings


def test_load_is_idempotent_and_ships_enough_products(app, catalogue):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) >= 300
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProductCategory)) == 10
    aliases = db.session.scalar(sa.select(sa.func.count()).select_from(ProductAlias))
    assert load_catalogue() == {"products": 0, "aliases": 0, "total": len(catalogue.ids_by_code)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProductAlias)) == aliases


def test_cli_loads_the_catalogue(runner):
    result = runner.invoke(args=["catalogue", "load"])
    assert result.exit_code == 0 and "products" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) >= 300


def test_admin_alias_is_used_by_search_and_re_resolves_listings(client, catalogue, login_as, make_producer,
                                                                  make_listing):
    user, _ = make_producer()
    unknown = make_listing(user, product="白不老")  # a northern name for green beans the file lacks
    assert unknown.product_id is None
    admin = login_as("admin")
    beans = db.session.get(Product, catalogue.resolve("豆角").product_id)
    response = client.post(f"/produce/catalogue/products/{beans.id}/aliases",
                           data={"alias": "白不老", "kind": "regional"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(unknown), unknown.id).product_id == beans.id
    g.pop("produce_catalogue", None)
    assert [x.id for x in search_listings(beans.name).items] == [unknown.id]
    assert admin.role == "admin"


def test_another_worker_sees_an_edit_through_the_version(app, catalogue):
    """A worker keeps its cached catalogue until the version row moves on."""
    before = get_catalogue()
    g.pop("produce_catalogue", None)
    assert get_catalogue() is before  # nothing changed: the cache is reused
    product = db.session.scalar(sa.select(Product).where(Product.code == "apple"))
    db.session.add(ProductAlias(product_id=product.id, alias="花牛果", kind="regional"))
    row = db.session.get(CatalogueVersion, 1)
    row.version += 1
    row.stamp = "edited-elsewhere"
    db.session.commit()  # as another worker would, without touching this process's cache
    g.pop("produce_catalogue", None)
    after = get_catalogue()
    assert after is not before and after.resolve("花牛果").code == "apple"
    assert cat_module._cached is after


def test_alias_of_another_product_is_refused(client, catalogue, login_as):
    login_as("admin")
    apple = db.session.scalar(sa.select(Product).where(Product.code == "apple"))
    client.post(f"/produce/catalogue/products/{apple.id}/aliases", data={"alias": "土豆", "kind": "synonym"})
    assert not db.session.scalar(sa.select(ProductAlias).where(ProductAlias.product_id == apple.id,
                                                               ProductAlias.alias == "土豆"))


def test_admin_creates_a_product(client, catalogue, login_as):
    login_as("admin")
    response = client.post("/produce/catalogue/products", data={
        "code": "xingguo_grey_goose", "category_code": "livestock", "name": "兴国灰鹅", "english": "Xingguo grey goose"})
    assert response.status_code == 302
    g.pop("produce_catalogue", None)
    assert get_catalogue().resolve("兴国灰鹅").code == "xingguo_grey_goose"


def test_only_admins_edit_the_catalogue(client, catalogue, login_as):
    login_as("official")
    assert client.get("/produce/catalogue").status_code == 403
    assert client.post("/produce/catalogue/products/1/aliases", data={"alias": "x"}).status_code == 403
