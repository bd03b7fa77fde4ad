"""Candidates by blocking, hard constraints, scores and top-N per demand, and "why not".

Blocking: a demand is compared with the listings of its catalogue product; when fewer than
`top` of them pass the hard constraints, with the other listings of its category (scored lower,
block 'category'); a demand whose product does not resolve is compared with listings whose
normalised names are similar (rapidfuzz, block 'fuzzy'). No demand is compared with everything.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from .catalogue import Catalogue
from .prepare import STRINGS, Table, demand_table, listing_table
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
        self.name_ids = lt["name"]


def _group(keys: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    uniq, starts = np.unique(keys[order], return_index=True)
    bounds = list(starts) + [len(order)]
    return {int(k): order[bounds[i]:bounds[i + 1]] for i, k in enumerate(uniq) if k >= 0}


def _score_pairs(dt: Table, lt: Table, block: str, weights: dict, exclude_same_product=False):
    """Eligible pairs (rows, cols) of dt x lt after the hard constraints, with their scores and
    factor values. Factors are computed for eligible pairs only."""
    masks = constraint_masks(dt, lt)
    passed = masks["date"] & masks["price"] & masks["certification"] & masks["min_order"]
    if exclude_same_product:  # those pairs were scored in the product block
        passed &= dt["product"][:, None] != lt["product"][None, :]
    rows, cols = np.nonzero(passed)
    values = factor_values(dt, lt, rows, cols, block)
    score, total = combine(values, weights)
    return rows, cols, score * BLOCK_FACTOR[block], values, total


def _reasons_many(values, weights, total, block, pick=None) -> list[dict]:
    """Each factor's contribution (they add up to the score, up to rounding) and the block."""
    scale = BLOCK_FACTOR.get(block, 1.0) / total
    names = [name for name, w in weights.items() if w]
    columns = [np.asarray(values[n]) if pick is None else np.asarray(values[n])[pick] for n in names]
    table = np.round(np.stack([weights[n] * scale * c for n, c in zip(names, columns)], axis=1), 4)
    out = []
    for line in table.tolist():
        reasons = dict(zip(names, line))
        reasons["block"] = block
        out.append(reasons)
    return out


def _top_from_block(dt, lt, d_index, l_index, block, weights, top, found, exclude_same_product=False):
    """Score demands dt (rows d_index of the caller's table) against listings lt (rows
    l_index) and append (score, listing_row, reasons) of the best eligible ones to found."""
    step = max(1, CHUNK_CELLS // max(len(lt), 1))
    for start in range(0, len(dt), step):
        chunk = dt.take(np.arange(start, min(start + step, len(dt))))
        rows, cols, score, values, total = _score_pairs(chunk, lt, block, weights, exclude_same_product)
        if not len(rows):
            continue
        order = np.lexsort((-score, rows))  # by row, best score first
        rows_sorted = rows[order]
        first = np.searchsorted(rows_sorted, rows_sorted, side="left")
        pick = order[(np.arange(len(order)) - first) < top]
        reasons = _reasons_many(values, weights, total, block, pick)
        targets = d_index[start + rows[pick]].tolist()
        listings = l_index[cols[pick]].tolist()
        for target, s, listing, reason in zip(targets, score[pick].tolist(), listings, reasons):
            found[target].append((s, listing, reason))


def rank_tables(dt: Table, lt: Table, top: int = 10, weights: dict | None = None,
                blocks: Blocks | None = None) -> list[list[tuple[float, int, dict]]]:
    """For each demand row: [(score, listing_row, reasons)], best first, at most `top`."""
    weights = merge_weights(weights)
    blocks = blocks or Blocks(lt)
    found: list[list] = [[] for _ in range(len(dt))]
    for product, d_rows in _group(dt["product"]).items():
        l_rows = blocks.by_product.get(product)
        if l_rows is not None:
            _top_from_block(dt.take(d_rows), lt.take(l_rows), d_rows, l_rows, "product",
                            weights, top, found)
    _category_fallback(dt, lt, blocks, weights, top, found)
    _fuzzy_fallback(dt, lt, blocks, weights, top, found)
    return [sorted(items, key=lambda t: (-t[0], t[1]))[:top] for items in found]


def _category_fallback(dt, lt, blocks, weights, top, found):
    short = np.array([i for i in range(len(dt)) if len(found[i]) < top and dt["category"][i] >= 0],
                     dtype=np.int64)
    if not len(short):
        return
    for category, positions in _group(dt["category"][short]).items():
        l_rows = blocks.by_category.get(category)
        if l_rows is None:
            continue
        d_rows = short[positions]
        _top_from_block(dt.take(d_rows), lt.take(l_rows), d_rows, l_rows, "category",
                        weights, top, found, exclude_same_product=True)


def _fuzzy_fallback(dt, lt, blocks, weights, top, found):
    unresolved = [i for i in range(len(dt)) if dt["product"][i] < 0 and dt["name"][i] > 0]
    if not unresolved:
        return
    uniq, inverse = np.unique(blocks.name_ids, return_inverse=True)
    names = [STRINGS[i] for i in uniq]
    for i in unresolved:
        hits = process.extract(STRINGS[dt["name"][i]], names, scorer=fuzz.WRatio, limit=top * 5,
                               score_cutoff=70)
        hit_ids = np.array([h[2] for h in hits], dtype=np.int64)
        l_rows = np.flatnonzero(np.isin(inverse, hit_ids))
        if len(l_rows):
            _top_from_block(dt.take(np.array([i])), lt.take(l_rows), np.array([i]), l_rows,
                            "fuzzy", weights, top, found)


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
    elif dt["product"][0] < 0 and fuzz.WRatio(STRINGS[dt["name"][0]], STRINGS[lt["name"][0]]) >= 70:
        block = "fuzzy"
    else:
        block = "none"
        violations.append({"constraint": "product", "message": _product_message(dt, lt, catalogue)})
    masks = constraint_masks(dt, lt)
    for name in ("date", "price", "certification", "min_order"):
        if not masks[name][0, 0]:
            violations.append({"constraint": name, "message": _MESSAGES[name](demand, listing)})
    scored_as = block if block != "none" else "category"
    one = np.array([0])
    values = factor_values(dt, lt, one, one, scored_as)
    score, total = combine(values, weights)
    return {"eligible": not violations, "violations": violations,
            "score": round(float(score[0] * BLOCK_FACTOR[scored_as]), 4),
            "reasons": _reasons_many(values, weights, total, scored_as)[0]}


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
