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


def _edit_elsewhere(alias: str) -> None:
    """An alias added and the version moved on, as another worker would, without touching this process."""
    product = db.session.scalar(sa.select(Product).where(Product.code == "apple"))
    db.session.add(ProductAlias(product_id=product.id, alias=alias, kind="regional"))
    row = db.session.get(CatalogueVersion, 1)
    row.version += 1
    db.session.commit()
    g.pop("produce_catalogue", None)


def test_another_worker_sees_an_edit_through_the_version(app, catalogue):
    """A worker keeps its cached catalogue until the version row moves on."""
    before = get_catalogue()
    g.pop("produce_catalogue", None)
    assert get_catalogue() is before  # nothing changed: the cache is reused
    _edit_elsewhere("花牛果")
    after = get_catalogue()
    assert after is not before and after.resolve("花牛果").code == "apple"
    assert cat_module._cached is after


def test_the_version_is_reread_once_the_check_interval_has_passed(app, catalogue, monkeypatch):
    app.config["CATALOGUE_CHECK_SECONDS"] = 60
    clock = [1000.0]
    monkeypatch.setattr(cat_module.time, "monotonic", lambda: clock[0])
    cat_module.forget_cached()
    before = get_catalogue()
    _edit_elsewhere("花牛果")
    clock[0] += 59
    assert get_catalogue() is before and before.resolve("花牛果").code != "apple"  # inside the interval
    g.pop("produce_catalogue", None)
    clock[0] += 1
    assert get_catalogue().resolve("花牛果").code == "apple"


def test_an_edit_in_this_process_is_seen_at_once_whatever_the_interval(client, app, catalogue, login_as):
    app.config["CATALOGUE_CHECK_SECONDS"] = 3600
    get_catalogue()
    login_as("admin")
    apple = db.session.scalar(sa.select(Product).where(Product.code == "apple"))
    response = client.post(f"/produce/catalogue/products/{apple.id}/aliases",
                           data={"alias": "花牛果", "kind": "regional"})
    assert response.status_code == 302
    g.pop("produce_catalogue", None)
    assert get_catalogue().resolve("花牛果").code == "apple"


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
