"""Candidates by blocking, hard constraints, scores and top-N per demand, and "why not".

Blocking: a demand is compared with the listings of its catalogue product; when fewer than
`top` of them pass the hard constraints, with the other listings of its category (scored lower,
block 'category'); a demand whose product does not resolve is compared with listings whose
normalised names are similar (rapidfuzz, block 'fuzzy'). No demand is compared with everything.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz, process

from .catalogue import Catalogue
from .prepare import Table, demand_table, listing_table
from .records import Demand, Listing
from .scoring import combine, constraint_masks, factor_values, merge_weights

CHUNK_CELLS = 400_000  # cells of one D x L score matrix; bounds memory per step
# A fallback candidate (another product of the category, or a fuzzy name) keeps this share of
# its score, so an exact product match with a weak price or date still ranks above it.
BLOCK_FACTOR = {"product": 1.0, "category": 0.75, "fuzzy": 0.75}


class Blocks:
    """Listing indices by product and by category."""

    def __init__(self, lt: Table):
        self.by_product: dict[int, np.ndarray] = _group(lt["product"])
        self.by_category: dict[int, np.ndarray] = _group(lt["category"])
        self.names = lt["name"]


def _group(keys: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    uniq, starts = np.unique(keys[order], return_index=True)
    bounds = list(starts) + [len(order)]
    return {int(k): order[bounds[i]:bounds[i + 1]] for i, k in enumerate(uniq) if k >= 0}


def _score_block(dt: Table, lt: Table, block: str, weights: dict):
    masks = constraint_masks(dt, lt)
    passed = masks["date"] & masks["price"] & masks["certification"] & masks["min_order"]
    values = factor_values(dt, lt, block)
    score, total = combine(values, weights)
    return passed, score * BLOCK_FACTOR[block], values, total


def _reasons(values, weights, total, i, j, block) -> dict:
    """Each factor's contribution (they add up to the score, up to rounding) and the block."""
    scale = BLOCK_FACTOR.get(block, 1.0) / total
    out = {name: round(float(w * values[name][i, j] * scale), 4) for name, w in weights.items() if w}
    out["block"] = block
    return out


def _top_from_block(dt, lt, l_index, block, weights, top, sink):
    """Score demands dt against listings lt (l_index maps back to global listing rows) and
    push (score, listing_row, reasons) candidates into sink[demand_pos]."""
    step = max(1, CHUNK_CELLS // max(len(lt), 1))
    for start in range(0, len(dt), step):
        chunk = dt.take(np.arange(start, min(start + step, len(dt))))
        passed, score, values, total = _score_block(chunk, lt, block, weights)
        masked = np.where(passed, score, -1.0)
        k = min(top, masked.shape[1])
        best = np.argpartition(-masked, k - 1, axis=1)[:, :k] if k < masked.shape[1] else \
            np.tile(np.arange(masked.shape[1]), (masked.shape[0], 1))
        for i in range(masked.shape[0]):
            for j in best[i]:
                if masked[i, j] >= 0:
                    sink[start + i].append((float(score[i, j]), int(l_index[j]),
                                            _reasons(values, weights, total, i, j, block)))


def rank_tables(dt: Table, lt: Table, top: int = 10, weights: dict | None = None,
                blocks: Blocks | None = None) -> list[list[tuple[float, int, dict]]]:
    """For each demand row: [(score, listing_row, reasons)], best first, at most `top`."""
    weights = merge_weights(weights)
    blocks = blocks or Blocks(lt)
    found: list[list] = [[] for _ in range(len(dt))]
    by_product = _group(dt["product"])
    for product, d_rows in by_product.items():
        l_rows = blocks.by_product.get(product)
        if l_rows is not None:
            sink = defaultdict(list)
            _top_from_block(dt.take(d_rows), lt.take(l_rows), l_rows, "product", weights, top, sink)
            for pos, items in sink.items():
                found[d_rows[pos]].extend(items)
    _category_fallback(dt, lt, blocks, weights, top, found)
    _fuzzy_fallback(dt, lt, blocks, weights, top, found)
    return [sorted(items, key=lambda t: (-t[0], t[1]))[:top] for items in found]


def _category_fallback(dt, lt, blocks, weights, top, found):
    short = [i for i in range(len(dt)) if len(found[i]) < top and dt["category"][i] >= 0]
    by_cat: dict[int, list[int]] = defaultdict(list)
    for i in short:
        by_cat[int(dt["category"][i])].append(i)
    for category, d_rows in by_cat.items():
        cat_rows = blocks.by_category.get(category)
        if cat_rows is None:
            continue
        for i in d_rows:  # exclude the demand's own product block (already scored)
            l_rows = cat_rows[lt["product"][cat_rows] != dt["product"][i]]
            if len(l_rows):
                sink = defaultdict(list)
                _top_from_block(dt.take(np.array([i])), lt.take(l_rows), l_rows, "category",
                                weights, top, sink)
                found[i].extend(sink[0])


def _fuzzy_fallback(dt, lt, blocks, weights, top, found):
    unresolved = [i for i in range(len(dt)) if dt["product"][i] < 0 and dt["name"][i]]
    if not unresolved:
        return
    names = blocks.names
    for i in unresolved:
        hits = process.extract(dt["name"][i], names, scorer=fuzz.WRatio, limit=top * 20, score_cutoff=70)
        l_rows = np.array(sorted({h[2] for h in hits}), dtype=np.int64)
        if len(l_rows):
            sink = defaultdict(list)
            _top_from_block(dt.take(np.array([i])), lt.take(l_rows), l_rows, "fuzzy", weights, top, sink)
            found[i].extend(sink[0])


def rank(demands: list[Demand], listings: list[Listing], top: int = 10, weights: dict | None = None,
         catalogue: Catalogue | None = None) -> list[dict]:
    """Best listings for each demand: [{"demand_id", "matches": [{"listing_id", "score",
    "reasons"}]}] in demand order, best match first. `reasons` holds each factor's
    contribution to the score (they add up to it) and the block the candidate came from."""
    catalogue = catalogue or Catalogue.load()
    dt, lt = demand_table(demands, catalogue), listing_table(listings, catalogue)
    results = rank_tables(dt, lt, top, weights)
    return [{"demand_id": d.id,
             "matches": [{"listing_id": listings[j].id, "score": round(s, 4), "reasons": r}
                         for s, j, r in items]}
            for d, items in zip(demands, results)]


def explain(demand: Demand, listing: Listing, weights: dict | None = None,
            catalogue: Catalogue | None = None) -> dict:
    """Why (not) this pair: {"eligible", "violations": [{"constraint", "message"}], "score",
    "reasons"}. The score is computed even for an ineligible pair so a user sees both."""
    catalogue = catalogue or Catalogue.load()
    weights = merge_weights(weights)
    dt, lt = demand_table([demand], catalogue), listing_table([listing], catalogue)
    violations = []
    if dt["product"][0] >= 0 and dt["product"][0] == lt["product"][0]:
        block = "product"
    elif dt["category"][0] >= 0 and dt["category"][0] == lt["category"][0]:
        block = "category"
    elif dt["product"][0] < 0 and fuzz.WRatio(dt["name"][0], lt["name"][0]) >= 70:
        block = "fuzzy"
    else:
        block = "none"
        violations.append({"constraint": "product", "message": _product_message(dt, lt, catalogue)})
    masks = constraint_masks(dt, lt)
    for name in ("date", "price", "certification", "min_order"):
        if not masks[name][0, 0]:
            violations.append({"constraint": name, "message": _MESSAGES[name](demand, listing)})
    scored_as = block if block != "none" else "category"
    values = factor_values(dt, lt, scored_as)
    score, total = combine(values, weights)
    score = score * BLOCK_FACTOR[scored_as]
    return {"eligible": not violations, "violations": violations, "score": round(float(score[0, 0]), 4),
            "reasons": _reasons(values, weights, total, 0, 0, block)}


def _product_message(dt, lt, catalogue) -> str:
    codes = list(catalogue.products)
    name = lambda p: codes[p] if p >= 0 else "unresolved"
    return (f"listing product {name(lt['product'][0])} is not demand product "
            f"{name(dt['product'][0])} nor in its category")


_MESSAGES = {
    "date": lambda d, lt: (f"supply window {lt.available_from}..{lt.available_to} does not overlap "
                           f"the needed window {d.needed_from}..{d.needed_to}"),
    "price": lambda d, lt: f"price {lt.price} {lt.price_unit} is above the ceiling {d.price_max} {d.price_unit}",
    "certification": lambda d, lt: (f"required certifications {sorted(d.required_certifications)} "
                                    f"not all held (listing has {sorted(lt.certifications)})"),
    "min_order": lambda d, lt: (f"minimum order {lt.min_order} {lt.unit} is above the demand's "
                                f"maximum {d.quantity_max} {d.unit}"),
}
