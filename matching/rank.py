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
# at most this many demands per chunk: demands are taken in date order, so a short chunk spans
# few dates and fewer listings pass the date prefilter (measured ~5% less rank CPU than 2M cells)
CHUNK_ROWS = 64
# A fallback candidate (another product of the category, or a fuzzy name) keeps this share of
# its score, so an exact product match with a weak price or date still ranks above it.
BLOCK_FACTOR = {"product": 1.0, "category": 0.75, "fuzzy": 0.75}
FEW_LISTINGS = 5  # a product with fewer than FEW_LISTINGS x top listings likely needs its category


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
    """Candidates per demand row, kept as numpy arrays (one set per scored chunk) so choosing
    the final top list is one sort, not a Python sort per demand; reasons stay numeric until
    the final top list is known."""

    def __init__(self, n: int):
        self.n = n
        self.counts = np.zeros(n, dtype=np.int64)
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.tables: list[tuple[list[str], np.ndarray, str]] = []

    def __len__(self) -> int:
        return self.n

    def count(self, row: int) -> int:
        return int(self.counts[row])

    def add(self, targets, scores, listings, names, table, block) -> None:
        number = len(self.tables)
        self.tables.append((names, table, block))
        targets = np.asarray(targets, dtype=np.int64)
        self.parts.append((targets, np.asarray(scores, dtype=np.float64),
                           np.asarray(listings, dtype=np.int64), np.full(len(targets), number)))
        self.counts += np.bincount(targets, minlength=self.n)

    def _kept(self, top: int):
        """(target, score, listing, table number, row in table) of each row's best `top`,
        ordered by target, then score descending, then listing row (the final order)."""
        if not self.parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, np.zeros(0), empty, empty, empty
        targets, scores, listings, numbers = (np.concatenate(c) for c in zip(*self.parts, strict=True))
        within = np.concatenate([np.arange(len(p[0])) for p in self.parts])
        pick = _first_per_group(np.lexsort((listings, -scores, targets)), targets, top)
        return targets[pick], scores[pick], listings[pick], numbers[pick], within[pick]

    def best(self, top: int, reasons: str = "dict") -> list[list[tuple[float, int, object]]]:
        """Top `top` per demand row as (score, listing_row, reasons); reasons are dicts, JSON
        text ("json", for the command line) or None ("none", when only scores are needed)."""
        targets, scores, listings, numbers, within = self._kept(top)
        made = self._reasons(numbers, within, reasons)
        bounds = np.searchsorted(targets, np.arange(self.n + 1)).tolist()
        items = list(zip(scores.tolist(), listings.tolist(), made, strict=True))
        return [items[bounds[i]:bounds[i + 1]] for i in range(self.n)]

    def _reasons(self, numbers, within, reasons: str) -> list:
        made: list = [None] * len(numbers)
        if reasons == "none":
            return made
        for number in np.unique(numbers).tolist():
            where = np.flatnonzero(numbers == number)
            names, table, block = self.tables[number]
            lines = table[within[where]].tolist()
            if reasons == "json":
                template = "{" + ",".join(f'"{n}":%r' for n in names) + f',"block":"{block}"}}'
                for k, line in zip(where.tolist(), lines, strict=True):
                    made[k] = template % tuple(line)
            else:
                keys = (*names, "block")
                for k, line in zip(where.tolist(), lines, strict=True):
                    line.append(block)
                    made[k] = dict(zip(keys, line, strict=True))
        return made


def _first_per_group(order: np.ndarray, groups: np.ndarray, top: int) -> np.ndarray:
    """The first `top` entries of each group in `order` (indices sorted by group first)."""
    sorted_groups = groups[order]
    starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
    return order[np.arange(len(order)) - starts < top]


def _top_from_block(dt, lt, d_index, l_index, block, weights, top, found, exclude_same_product=False):
    """Score demands dt (rows d_index of the caller's table) against listings lt (rows
    l_index) and add the best eligible pairs of each demand to found.

    Demands are taken in order of their needed-from date, so each chunk needs a narrow span of
    dates and only the listings whose supply window meets that span are scored (the date
    constraint would drop the others anyway)."""
    step = max(1, min(CHUNK_ROWS, CHUNK_CELLS // max(len(lt), 1)))
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
        found.add(d_index[chunk_rows[rows[pick]]], score[pick], listing_rows, names, table, block)


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
    if parallel_ok and len(dt) > 1 and len(dt) * len(lt) >= parallel.MIN_CELLS:
        processes = parallel.workers()
        if processes > 1:
            return _rank_in_parallel(dt, lt, top, weights, reasons, processes)
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


def _rank_in_parallel(dt, lt, top, weights, reasons, processes):
    parts = _split_demands(dt, lt, processes, top)
    results = parallel.run(_rank_part, list(range(len(parts))),
                           {"dt": dt, "lt": lt, "parts": parts, "top": top, "weights": weights,
                            "reasons": reasons}, processes)
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


TASKS_PER_WORKER = 3  # more tasks than workers: a worker that finishes early takes the next one


def _split_demands(dt, lt, n: int, top: int = 10) -> list[np.ndarray]:
    """Demand rows in parts of similar work, biggest first (the pool hands them out in order,
    so the workers finish together). A product's demands stay together unless the product
    alone is more than a part's share. Work of a product = its demands x (its listings, plus
    the listings of its category when so few listings share the product that the category
    fallback will run: measured, that fallback is a third of all scored cells, most of it
    from products with few listings)."""
    listing_counts = {k: len(v) for k, v in _group(lt["product"]).items()}
    category_counts = {k: len(v) for k, v in _group(lt["category"]).items()}
    loads_by_product = []
    for product, rows in _group(dt["product"]).items():
        own = listing_counts.get(product, 0)
        fallback = category_counts.get(int(dt["category"][rows[0]]), 0) if own < FEW_LISTINGS * top else 0
        loads_by_product.append((len(rows) * max(own + fallback, 1), rows))
    parts_wanted = n * TASKS_PER_WORKER
    # a product bigger than one part's share is split (demands are ranked independently, and
    # the result does not depend on the chunking: tests compare the parallel and serial paths)
    share = sum(load for load, _ in loads_by_product) / parts_wanted
    pieces = []
    for load, rows in loads_by_product:
        count = min(len(rows), int(np.ceil(load / share))) if share else 1
        pieces.extend((load / count, piece) for piece in np.array_split(rows, max(count, 1)))
    loads_by_product = sorted(pieces, key=lambda item: -item[0])
    loads, parts = [0] * parts_wanted, [[] for _ in range(parts_wanted)]
    for load, rows in loads_by_product:
        k = loads.index(min(loads))
        loads[k] += load
        parts[k].append(rows)
    unresolved = np.flatnonzero(dt["product"] < 0)
    if len(unresolved):
        parts[loads.index(min(loads))].append(unresolved)
    ordered = sorted(range(parts_wanted), key=lambda k: -loads[k])
    return [np.sort(np.concatenate(parts[k])) for k in ordered if parts[k]]


def _category_fallback(dt, lt, blocks, weights, top, found):
    short = np.flatnonzero((found.counts < top) & (dt["category"] >= 0))
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
