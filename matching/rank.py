"""Candidates by blocking, hard constraints, scores and top-N per demand, and "why not".

Blocking: a demand is compared with the listings of its catalogue product; when fewer than
`top` of them pass the hard constraints, with the other listings of its category (scored lower,
block 'category'); a demand whose product does not resolve is compared with listings whose
normalised names are similar (rapidfuzz, block 'fuzzy'). No demand is compared with everything.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from . import parallel
from .catalogue import Catalogue
from .prepare import STRINGS, Table, demand_table, listing_table
from .records import Demand, Listing
from .scoring import (
    combine,
    constraint_masks,
    factor_values,
    merge_weights,
    unique_strings,
)

CHUNK_CELLS = 2_000_000  # cells of one D x L score matrix; bounds memory per step
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
    bounds = [*list(starts), len(order)]
    return {int(k): order[bounds[i]:bounds[i + 1]] for i, k in enumerate(uniq) if k >= 0}


def _score_pairs(dt: Table, lt: Table, block: str, weights: dict, exclude_same_product=False,
                 listing_strings=None):
    """Eligible pairs (rows, cols) of dt x lt after the hard constraints, with their scores and
    factor values. Factors are computed for eligible pairs only."""
    masks = constraint_masks(dt, lt)
    passed = masks["date"] & masks["price"] & masks["certification"] & masks["min_order"]
    if exclude_same_product:  # those pairs were scored in the product block
        passed &= dt["product"][:, None] != lt["product"][None, :]
    rows, cols = np.nonzero(passed)
    values = factor_values(dt, lt, rows, cols, block, listing_strings)
    score, total = combine(values, weights)
    return rows, cols, score * BLOCK_FACTOR[block], values, total


def _contributions(values, weights, total, block, pick=None) -> tuple[list[str], np.ndarray]:
    """Factor names and an (n x factors) table of contributions (weight x value x block
    factor / total weight): they add up to the score, up to rounding."""
    scale = BLOCK_FACTOR.get(block, 1.0) / total
    names = [name for name, w in weights.items() if w]
    columns = [np.asarray(values[n]) if pick is None else np.asarray(values[n])[pick] for n in names]
    table = np.stack([weights[n] * scale * c for n, c in zip(names, columns, strict=False)], axis=1)
    return names, np.round(np.nan_to_num(table), 4)


def _reasons_many(values, weights, total, block, pick=None) -> list[dict]:
    names, table = _contributions(values, weights, total, block, pick)
    return [{**dict(zip(names, line, strict=False)), "block": block} for line in table.tolist()]


class _Found:
    """Candidates per demand row; reasons stay numeric until the final top list is known."""

    def __init__(self, n: int):
        self.items: list[list] = [[] for _ in range(n)]
        self.tables: list[tuple[list[str], np.ndarray, str]] = []

    def __len__(self) -> int:
        return len(self.items)

    def count(self, row: int) -> int:
        return len(self.items[row])

    def add(self, targets, scores, listings, names, table, block) -> None:
        number = len(self.tables)
        self.tables.append((names, table, block))
        items = self.items
        for i, (target, score, listing) in enumerate(zip(targets, scores, listings, strict=False)):
            items[target].append((score, listing, number, i))

    def best(self, top: int, reasons: str = "dict") -> list[list[tuple[float, int, object]]]:
        """Top `top` per demand row as (score, listing_row, reasons); reasons are dicts, JSON
        text ("json", for the command line) or None ("none", when only scores are needed)."""
        kept = [sorted(row, key=lambda t: (-t[0], t[1]))[:top] for row in self.items]
        if reasons == "none":
            return [[(score, listing, None) for score, listing, _, _ in row] for row in kept]
        wanted: dict[int, list[int]] = {}
        for row in kept:
            for _, _, number, i in row:
                wanted.setdefault(number, []).append(i)
        made: dict[tuple[int, int], object] = {}
        for number, rows in wanted.items():
            names, table, block = self.tables[number]
            if reasons == "json":
                template = "{" + ",".join(f'"{n}":%r' for n in names) + f',"block":"{block}"}}'
                for i, line in zip(rows, table[rows].tolist(), strict=False):
                    made[number, i] = template % tuple(line)
            else:
                keys = (*names, "block")
                for i, line in zip(rows, table[rows].tolist(), strict=False):
                    line.append(block)
                    made[number, i] = dict(zip(keys, line, strict=False))
        return [[(score, listing, made[number, i]) for score, listing, number, i in row] for row in kept]


def _top_from_block(dt, lt, d_index, l_index, block, weights, top, found, exclude_same_product=False):
    """Score demands dt (rows d_index of the caller's table) against listings lt (rows
    l_index) and add the best eligible pairs of each demand to found.

    Demands are taken in order of their needed-from date, so each chunk needs a narrow span of
    dates and only the listings whose supply window meets that span are scored (the date
    constraint would drop the others anyway)."""
    step = max(1, CHUNK_CELLS // max(len(lt), 1))
    strings = {k: unique_strings(lt[k]) for k in ("name", "variety", "spec")}
    order = np.argsort(dt["start"], kind="stable")
    for start in range(0, len(dt), step):
        chunk_rows = order[start:start + step]
        chunk = dt.take(chunk_rows)
        near = np.flatnonzero((lt["start"] <= chunk["end"].max()) & (lt["end"] >= chunk["start"].min()))
        if not len(near):
            continue
        sub = lt.take(near) if len(near) < len(lt) else lt
        sub_strings = strings if sub is lt else {k: (v[0], v[1][near]) for k, v in strings.items()}
        rows, cols, score, values, total = _score_pairs(chunk, sub, block, weights, exclude_same_product,
                                                        sub_strings)
        if not len(rows):
            continue
        global_rows = l_index[near] if sub is not lt else l_index
        pick = _top_pairs(rows, cols, score, len(chunk), len(sub), top, global_rows)
        names, table = _contributions(values, weights, total, block, pick)
        listing_rows = global_rows[cols[pick]]
        found.add(d_index[chunk_rows[rows[pick]]].tolist(), score[pick].tolist(),
                  listing_rows.tolist(), names, table, block)


def _top_pairs(rows, cols, score, n_rows, n_cols, top, tie_rank) -> np.ndarray:
    """Indices of the best `top` pairs of each row (pairs given as rows, cols, score); equal
    scores go to the lower tie_rank (the global listing row), as in the final ordering, so the
    result does not depend on how the work was chunked."""
    dense = np.full((n_rows, n_cols), -1.0, dtype=np.float64)
    dense[rows, cols] = score - tie_rank[cols] * 1e-15
    position = np.full((n_rows, n_cols), -1, dtype=np.int64)
    position[rows, cols] = np.arange(len(rows))
    k = min(top, n_cols)
    best = np.argpartition(-dense, k - 1, axis=1)[:, :k] if k < n_cols else \
        np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    picked = np.take_along_axis(position, best, axis=1).reshape(-1)
    return picked[picked >= 0]


def rank_tables(dt: Table, lt: Table, top: int = 10, weights: dict | None = None,
                blocks: Blocks | None = None, reasons: str = "dict",
                parallel_ok: bool = False) -> list[list[tuple[float, int, object]]]:
    """For each demand row: [(score, listing_row, reasons)], best first, at most `top`.
    reasons: "dict" (default), "json" (JSON text, for the command line) or "none".
    parallel_ok: split big inputs by product block over the cores in forked processes (the
    command line does; a web request or job should not fork, so the default is off)."""
    weights = merge_weights(weights)
    if parallel_ok and len(dt) > 1 and len(dt) * len(lt) >= parallel.MIN_CELLS and parallel.workers() > 1:
        return _rank_in_parallel(dt, lt, top, weights, reasons)
    blocks = blocks or Blocks(lt)
    found = _Found(len(dt))
    for product, d_rows in _group(dt["product"]).items():
        l_rows = blocks.by_product.get(product)
        if l_rows is not None:
            _top_from_block(dt.take(d_rows), lt.take(l_rows), d_rows, l_rows, "product",
                            weights, top, found)
    _category_fallback(dt, lt, blocks, weights, top, found)
    _fuzzy_fallback(dt, lt, blocks, weights, top, found)
    return found.best(top, reasons)


def _rank_in_parallel(dt, lt, top, weights, reasons):
    parts = _split_demands(dt, lt, parallel.workers())
    results = parallel.run(_rank_part, list(range(len(parts))),
                           {"dt": dt, "lt": lt, "parts": parts, "top": top, "weights": weights,
                            "reasons": reasons})
    out: list = [[] for _ in range(len(dt))]
    for rows, result in zip(parts, results, strict=False):
        for row, items in zip(rows.tolist(), result, strict=False):
            out[row] = items
    return out


def _rank_part(k: int):
    shared = parallel.shared()
    rows = shared["parts"][k]
    return rank_tables(shared["dt"].take(rows), shared["lt"], shared["top"], shared["weights"],
                       reasons=shared["reasons"], parallel_ok=False)


def _split_demands(dt, lt, n: int) -> list[np.ndarray]:
    """Demand rows in n parts of similar work (demands x listings of their product block);
    a product's demands stay together so each part scores whole blocks."""
    listing_counts = {k: len(v) for k, v in _group(lt["product"]).items()}
    groups = sorted(_group(dt["product"]).items(),
                    key=lambda kv: -len(kv[1]) * listing_counts.get(kv[0], 1))
    loads, parts = [0] * n, [[] for _ in range(n)]
    for product, rows in groups:
        k = loads.index(min(loads))
        loads[k] += len(rows) * listing_counts.get(product, 1)
        parts[k].append(rows)
    unresolved = np.flatnonzero(dt["product"] < 0)
    if len(unresolved):
        parts[loads.index(min(loads))].append(unresolved)
    return [np.sort(np.concatenate(p)) if p else np.zeros(0, dtype=np.int64) for p in parts if p]


def _category_fallback(dt, lt, blocks, weights, top, found):
    short = np.array([i for i in range(len(dt)) if found.count(i) < top and dt["category"][i] >= 0],
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
            for d, items in zip(demands, results, strict=False)]


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
            "reasons": {**_reasons_many(values, weights, total, scored_as)[0], "block": block}}


def _product_message(dt, lt, catalogue) -> str:
    codes = list(catalogue.products)
    def name(p):
        return codes[p] if p >= 0 else "unresolved"
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
