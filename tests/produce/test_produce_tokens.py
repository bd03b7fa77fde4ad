"""Search tokens: the anchored ones a filtered search reads, and the migration that adds them to old listings."""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from core.db import db
from produce.catalogue import get_catalogue
from produce.models import Listing
from produce.queries import search_listings
from produce.tokens import listing_tokens

MIGRATION = next((Path(__file__).parents[2] / "migrations" / "versions").glob("*_0007_produce_anchored_*.py"))


def _migration():
    spec = importlib.util.spec_from_file_location("anchored_tokens_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_listing_holds_its_product_and_mentions_anchored_to_each_facet(catalogue, make_producer, make_listing):
    user, _ = make_producer(county="360732", certs=("green_food", "gi"))
    pear = make_listing(user, product="延边苹果梨", certifications=["green_food", "gi"])
    apple_id = catalogue.ids_by_code["apple"]
    tokens = pear.search_tokens.split()
    facets = ["r36", "r3607", "r360732", "zpoverty", "zgi", "zgreenfood"]
    assert {f"p{pear.product_id}{f}" for f in facets} <= set(tokens)
    assert {f"x{apple_id}{f}" for f in facets} <= set(tokens)  # the name mentions 苹果
    assert not [t for t in tokens if t.startswith(f"p{pear.product_id}c")]  # the category is implied


def test_the_migration_derives_exactly_the_tokens_a_new_write_makes(catalogue, make_producer, make_listing):
    migration = _migration()
    user, _ = make_producer(county="360732")
    other, _ = make_producer(county="610326", certs=())
    made = [make_listing(user, product="延边苹果梨", certifications=["green_food", "gi"]),
            make_listing(user, product="马铃薯", certifications=[]),
            make_listing(other, product="眉县猕猴桃", certifications=[], county_code="610326"),
            make_listing(other, product="不存在的东西", certifications=[], county_code="610326")]
    for listing in made:
        old_style = migration.without_anchored(listing.search_tokens, listing.product_id)
        assert old_style != listing.search_tokens or listing.product_id is None
        assert migration.with_anchored(old_style, listing.product_id) == listing_tokens(listing, get_catalogue())


def test_listings_written_before_the_migration_are_found_again_after_it(catalogue, make_producer, make_listing):
    """Downgrade strips the anchored tokens (through the FTS5 triggers / GIN index): filtered searches miss the
    listing. The upgrade puts them back and the searches find it again."""
    migration = _migration()
    user, _ = make_producer(county="360732")
    listing = make_listing(user, product="红富士苹果", certifications=["green_food"])
    filtered = {"region": "360000", "certification": "green_food"}
    assert [x.id for x in search_listings("苹果", filtered).items] == [listing.id]
    _run(migration.downgrade)
    assert search_listings("苹果", filtered).items == []
    assert [x.id for x in search_listings("苹果").items] == [listing.id]  # no filter: the product token
    _run(migration.upgrade)
    assert db.session.scalar(sa.select(Listing.search_tokens).where(Listing.id == listing.id)) == \
        listing_tokens(listing, get_catalogue())
    assert [x.id for x in search_listings("苹果", filtered).items] == [listing.id]


def _run(step) -> None:
    db.session.commit()
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        step()
    db.session.expire_all()
