"""produce: anchored search tokens (p2r65, p2zgi) on every existing listing

Revision ID: 0007_anchored_tokens
Revises: 0006_api
Create Date: 2026-11-28 16:00:00

Searches with a product and filters now ask for anchored tokens (produce/tokens.py); a listing written before
this revision has none and would drop out of every filtered search. The tokens are derived from the stored
token string alone (no catalogue needed), in batches, so the FTS5 triggers and the GIN index follow.
Self-contained on purpose: a migration must keep working when produce/tokens.py changes later.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0007_anchored_tokens'
down_revision = '0006_api'
branch_labels = None
depends_on = None

BATCH = 5000
_ANCHOR = re.compile(r"[px]\d+")
_FACET = re.compile(r"r\d{2}(?:\d{2}(?:\d{2})?)?|z(?:greenfood|organic|gi|pollutionfree|poverty)")
_ANCHORED = re.compile(rf"[px]\d+(?:{_FACET.pattern})")

listings = sa.table("listings", sa.column("id", sa.Integer), sa.column("product_id", sa.Integer),
                    sa.column("search_tokens", sa.Text))


def with_anchored(tokens: str, product_id) -> str:
    words = tokens.split()
    # p<id> only for the listing's own product (a name's Latin word could look like one); x<id> mentions.
    anchors = [w for w in words if _ANCHOR.fullmatch(w) and (w[0] == "x" or w == f"p{product_id}")]
    facets = [w for w in words if _FACET.fullmatch(w)]
    return " ".join(dict.fromkeys([*words, *(a + f for a in anchors for f in facets)]))


def without_anchored(tokens: str, _product_id) -> str:
    return " ".join(w for w in tokens.split() if not _ANCHORED.fullmatch(w))


def _rewrite(change) -> None:
    conn = op.get_bind()
    last_id = 0
    while True:
        rows = conn.execute(sa.select(listings.c.id, listings.c.product_id, listings.c.search_tokens)
                            .where(listings.c.id > last_id).order_by(listings.c.id).limit(BATCH)).all()
        if not rows:
            return
        last_id = rows[-1].id
        updates = [{"row_id": r.id, "tokens": new} for r in rows
                   if (new := change(r.search_tokens or "", r.product_id)) != r.search_tokens]
        if updates:
            conn.execute(sa.update(listings).where(listings.c.id == sa.bindparam("row_id"))
                         .values(search_tokens=sa.bindparam("tokens")), updates)


def upgrade():
    _rewrite(with_anchored)


def downgrade():
    _rewrite(without_anchored)
