"""Hard constraints and the score of listing x demand blocks, vectorised with numpy.

Every factor is a value in [0, 1]; the score is the weighted mean, so it stays in [0, 1] and
each factor's contribution (weight x value / total weight) adds up to the score. Weights are
configurable per call (e.g. a fair that favours poverty counties raises `poverty_county`).
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

DEFAULT_WEIGHTS = {
    "product": 0.34,        # same catalogue product (and how alike the names are)
    "variety": 0.10,        # demand variety vs listing variety + name
    "spec": 0.05,           # demand spec vs listing spec
    "quantity": 0.14,       # share of the wanted quantity this listing can supply
    "price": 0.10,          # headroom under the ceiling
    "date": 0.08,           # share of the needed window the supply window covers
    "region": 0.11,         # same county / prefecture / province, preferred origins
    "poverty_county": 0.05,
    "old_revolutionary_area": 0.03,
}
FACTORS = tuple(DEFAULT_WEIGHTS)
CONSTRAINTS = ("product", "date", "price", "certification", "min_order")
_EPS = 1e-9


def merge_weights(weights: dict | None) -> dict:
    merged = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in merged:
            raise ValueError(f"unknown weight {key!r} (known: {', '.join(FACTORS)})")
        if value is None or value < 0:
            raise ValueError(f"weight {key!r} must be >= 0")
        merged[key] = float(value)
    if sum(merged.values()) <= 0:
        raise ValueError("at least one weight must be positive")
    return merged


def constraint_masks(d, lt) -> dict[str, np.ndarray]:
    """Boolean D x L matrices, True where the constraint holds. `d`/`lt` are Tables."""
    def col(t, k):
        return t[k][:, None] if t is d else t[k][None, :]
    date_ok = (col(lt, "start") <= col(d, "end")) & (col(lt, "end") >= col(d, "start"))
    p_kg, c_kg = col(lt, "price_kg"), col(d, "ceil_kg")
    by_kg = np.isfinite(p_kg) & np.isfinite(c_kg)
    same_unit = (col(lt, "price_unit") == col(d, "ceil_unit")) & (col(d, "ceil_unit") > 0)
    p_raw, c_raw = col(lt, "price_raw"), col(d, "ceil_raw")
    by_raw = ~by_kg & same_unit & np.isfinite(p_raw) & np.isfinite(c_raw)
    with np.errstate(invalid="ignore"):
        price_ok = np.where(by_kg, p_kg <= c_kg * (1 + _EPS),
                            np.where(by_raw, p_raw <= c_raw * (1 + _EPS), True))
        m_kg, x_kg = col(lt, "min_kg"), col(d, "max_kg")
        min_by_kg = np.isfinite(m_kg) & np.isfinite(x_kg)
        min_by_raw = ~min_by_kg & (col(lt, "unit") == col(d, "unit")) & np.isfinite(col(d, "max_raw"))
        min_ok = np.where(min_by_kg, m_kg <= x_kg * (1 + _EPS),
                          np.where(min_by_raw, col(lt, "min_raw") <= col(d, "max_raw") * (1 + _EPS), True))
    cert_ok = (col(lt, "certs") & col(d, "certs")) == col(d, "certs")
    return {"date": date_ok, "price": price_ok, "certification": cert_ok, "min_order": min_ok}


def unique_strings(ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Distinct interned strings of a column and each row's index into them."""
    from .prepare import STRINGS
    uniq, inverse = np.unique(ids, return_inverse=True)
    return [STRINGS[i] for i in uniq], inverse


def _similarity(d_ids: np.ndarray, listing_side, rows, cols, scorer) -> np.ndarray:
    """Similarity in [0, 1] of interned strings for the pairs (rows, cols), computed once per
    distinct pair of strings. listing_side: unique_strings() of the listing column."""
    q_strings, q_inv = unique_strings(d_ids)
    c_strings, c_inv = listing_side
    sims = cdist(q_strings, c_strings, scorer=scorer, dtype=np.uint8, workers=1)
    return sims[q_inv[rows], c_inv[cols]].astype(np.float32) / 100.0


def factor_values(d, lt, rows: np.ndarray, cols: np.ndarray, block: str,
                  listing_strings: dict | None = None) -> dict[str, np.ndarray]:
    """Factor values in [0, 1] for the pairs (demand row, listing col), as 1-D arrays. block:
    'product' (same catalogue product), 'category' (same category, fallback) or 'fuzzy'
    (unresolved name, fallback). listing_strings: unique_strings() of lt's name, variety and
    spec columns, when the caller scores several demand chunks against the same listings."""
    strings = listing_strings or {k: unique_strings(lt[k]) for k in ("name", "variety", "spec")}

    def col(t, k):
        return t[k][rows] if t is d else t[k][cols]
    name_sim = _similarity(d["name"], strings["name"], rows, cols, fuzz.ratio)
    if block == "product":
        product = 0.8 + 0.2 * name_sim
    else:
        product = (0.4 if block == "category" else 0.5) * name_sim
    values = {"product": product}
    ones = np.ones(len(rows), dtype=np.float32)
    if d["variety"].any():  # most demands name no variety: skip the string work then
        variety = _similarity(d["variety"], strings["variety"], rows, cols, fuzz.partial_ratio)
        values["variety"] = np.where(col(d, "variety") > 0, variety, 1.0)
    else:
        values["variety"] = ones
    if d["spec"].any():
        spec = _similarity(d["spec"], strings["spec"], rows, cols, fuzz.partial_ratio)
        values["spec"] = np.where(col(d, "spec") > 0, np.where(col(lt, "spec") > 0, spec, 0.5), 1.0)
    else:
        values["spec"] = ones
    values["quantity"] = _quantity_fit(d, lt, col)
    values["price"] = _price_headroom(d, lt, col)
    values["date"] = _date_overlap(d, lt, col)
    values["region"] = _region(d, lt, col)
    values["poverty_county"] = col(lt, "poverty").astype(np.float32)
    values["old_revolutionary_area"] = col(lt, "old_rev").astype(np.float32)
    return values


def _quantity_fit(d, lt, col) -> np.ndarray:
    """Share of the wanted quantity (quantity_min, else quantity_max) the listing can supply."""
    with np.errstate(invalid="ignore", divide="ignore"):
        by_kg = np.clip(col(lt, "qty_kg") / col(d, "need_kg"), 0, 1)
        same = (col(lt, "unit") == col(d, "unit")) & (col(d, "unit") > 0)
        by_raw = np.where(same, np.clip(col(lt, "qty") / col(d, "need_raw"), 0, 1), np.nan)
    fit = np.where(np.isfinite(by_kg), by_kg, by_raw)
    no_need = ~np.isfinite(col(d, "need_raw"))
    return np.where(no_need, 1.0, np.where(np.isfinite(fit), fit, 0.5))


def _price_headroom(d, lt, col) -> np.ndarray:
    """0.5 at the ceiling rising to 1 at 30% below it; 0.5 for a negotiable price."""
    p, c = col(lt, "price_kg"), col(d, "ceil_kg")
    with np.errstate(invalid="ignore", divide="ignore"):
        headroom = np.clip((c - p) / c, 0, 1)
        value = 0.5 + 0.5 * np.minimum(headroom / 0.3, 1.0)
    negotiable = ~np.isfinite(col(lt, "price_raw"))
    no_ceiling = ~np.isfinite(col(d, "ceil_raw"))
    return np.where(negotiable, 0.5, np.where(no_ceiling, 1.0, np.where(np.isfinite(value), value, 0.6)))


def _date_overlap(d, lt, col) -> np.ndarray:
    """Share of the needed window covered by the supply window (0.7 if the listing gives none)."""
    from .prepare import FAR_FUTURE, FAR_PAST
    ls, le, ds, de = col(lt, "start"), col(lt, "end"), col(d, "start"), col(d, "end")
    known = (ds > FAR_PAST) & (de < FAR_FUTURE)
    listing_known = (ls > FAR_PAST) | (le < FAR_FUTURE)
    overlap = np.minimum(le, de) - np.maximum(ls, ds) + 1
    span = np.maximum(de - ds + 1, 1)
    share = np.clip(overlap / span, 0, 1)
    return np.where(known, np.where(listing_known, share, 0.7), 1.0)


def _region(d, lt, col) -> np.ndarray:
    """Origin county vs delivery county: same county 1, prefecture 0.8, province 0.6, else 0.2
    (0.5 when unknown); an origin in a preferred province scores 1."""
    lc, dc = col(lt, "county"), col(d, "county")
    known = (lc > 0) & (dc > 0)
    level = np.where(lc == dc, 1.0, np.where(lc // 100 == dc // 100, 0.8,
                                             np.where(lc // 10000 == dc // 10000, 0.6, 0.2)))
    delivery = np.where(known, level, 0.5)
    preferred = (col(lt, "province_bit") & col(d, "preferred")) != 0
    has_pref = col(d, "preferred") != 0
    pref_value = np.where(preferred, 1.0, 0.2)
    return np.where(has_pref, np.maximum(np.where(known, delivery, 0.0), pref_value), delivery)


def combine(values: dict[str, np.ndarray], weights: dict) -> tuple[np.ndarray, float]:
    total = sum(weights.values())
    score = np.zeros(np.shape(values["product"]), dtype=np.float64)
    for name, weight in weights.items():
        if weight:
            score += weight * values[name]
    return np.clip(score / total, 0.0, 1.0), total
