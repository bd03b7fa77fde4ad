"""Allocation of supply to demand: maximise matched, score-weighted quantity without
over-committing either side, respecting each listing's minimum order.

Formulation (a transportation LP, solved with HiGHS through scipy):

    variables   x_e >= 0 for each candidate edge e = (listing l, demand d): the quantity sent,
                in kilograms when both sides convert to kg, else in their shared count unit
                (箱, 头 ...); pairs with no common unit get no edge.
    maximise    sum_e score_e * x_e
    subject to  sum_{e at l} x_e <= supply_l          (each listing's quantity)
                sum_{e at d} x_e <= want_d            (each demand's quantity_max, else quantity_min)
                x_e = 0 or x_e >= min_order_l         (minimum order)

Edges are the top-k ranked candidates of each demand (hard constraints already applied), so
the problem stays sparse: k x demands columns, one row per listing and per demand.

The minimum-order condition is a disjunction. Small problems (<= MILP_MAX_EDGES edges carrying a
minimum order) are solved exactly as a MILP with one binary y_e per such edge
(min_order_l * y_e <= x_e <= cap_e * y_e). Larger problems solve the LP relaxation and then
repair: edges whose flow is positive but below the minimum order are removed and the LP is
solved again (at most REPAIR_ROUNDS times); any edge still below its minimum is set to zero.
Removing flow never over-commits, so the result is always feasible; it can be slightly below
the true optimum (solve() reports 'repaired' when that path changed anything).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix

from .catalogue import Catalogue
from .prepare import demand_table, listing_table
from .rank import rank_tables
from .records import Demand, Listing

MILP_MAX_EDGES = 2_000
REPAIR_ROUNDS = 1
_TOL = 1e-6


@dataclass
class Edges:
    """Candidate edges as parallel arrays (one entry per edge)."""
    listing: np.ndarray   # listing row
    demand: np.ndarray    # demand row
    score: np.ndarray
    cap: np.ndarray       # upper bound: min(supply, want)
    min_order: np.ndarray  # 0 when none
    in_kg: np.ndarray     # True: quantities in kg; False: in the shared count unit
    supply: np.ndarray    # the listing's quantity in the edge's unit
    want: np.ndarray      # the demand's quantity in the edge's unit

    def __len__(self) -> int:
        return len(self.score)


def build_edges(dt, lt, ranked) -> Edges:
    d_idx = np.fromiter((d for d, items in enumerate(ranked) for _ in items), dtype=np.int64)
    l_idx = np.fromiter((listing for items in ranked for _, listing, _ in items), dtype=np.int64)
    score = np.fromiter((s for items in ranked for s, _, _ in items), dtype=np.float64)
    want_kg = np.where(np.isfinite(dt["max_kg"]), dt["max_kg"], dt["need_kg"])[d_idx]
    want_raw = np.where(np.isfinite(dt["max_raw"]), dt["max_raw"], dt["need_raw"])[d_idx]
    qty_kg = lt["qty_kg"][l_idx]
    in_kg = np.isfinite(qty_kg) & np.isfinite(want_kg)
    same_unit = ~in_kg & (lt["unit"][l_idx] > 0) & (lt["unit"][l_idx] == dt["unit"][d_idx])
    supply = np.where(in_kg, qty_kg, lt["qty"][l_idx])
    want = np.where(in_kg, want_kg, want_raw)
    minimum = np.where(in_kg, lt["min_kg"][l_idx], lt["min_raw"][l_idx])
    minimum = np.where(np.isfinite(minimum), minimum, 0.0)
    with np.errstate(invalid="ignore"):
        cap = np.minimum(supply, want)
        keep = (in_kg | same_unit) & np.isfinite(cap) & (cap > _TOL) & (minimum <= cap + _TOL) & (score > 0)
    return Edges(l_idx[keep], d_idx[keep], score[keep], cap[keep], minimum[keep], in_kg[keep],
                 supply[keep], want[keep])


def _matrix(edges: Edges, active: np.ndarray):
    """Capacity rows (one per listing, then one per demand) x active edges, and their bounds."""
    l_uniq, l_inv = np.unique(edges.listing[active], return_inverse=True)
    d_uniq, d_inv = np.unique(edges.demand[active], return_inverse=True)
    n = len(active)
    cols = np.arange(n)
    rows = np.concatenate([l_inv, d_inv + len(l_uniq)])
    matrix = csr_matrix((np.ones(2 * n), (rows, np.concatenate([cols, cols]))),
                        shape=(len(l_uniq) + len(d_uniq), n))
    first_l = np.zeros(len(l_uniq), dtype=np.int64)
    first_l[l_inv] = cols
    first_d = np.zeros(len(d_uniq), dtype=np.int64)
    first_d[d_inv] = cols
    bounds = np.concatenate([edges.supply[active][first_l], edges.want[active][first_d]])
    return matrix, bounds


def _solve_lp(edges: Edges, active: np.ndarray) -> np.ndarray:
    a, b = _matrix(edges, active)
    result = linprog(-edges.score[active], A_ub=a, b_ub=b,
                     bounds=np.column_stack([np.zeros(len(active)), edges.cap[active]]), method="highs")
    if result.status != 0:
        raise RuntimeError(f"allocation LP failed: {result.message}")
    return np.clip(result.x, 0, None)


def _solve_milp(edges: Edges, active: np.ndarray) -> np.ndarray:
    """Exact: x (n flows) and y (n binaries); min_order*y <= x <= cap*y."""
    from scipy.sparse import bmat, diags, identity
    n = len(active)
    a, b = _matrix(edges, active)
    caps, mins = edges.cap[active], edges.min_order[active]
    eye = identity(n, format="csr")
    link = bmat([[eye, -diags(caps)], [-eye, diags(mins)]], format="csr")
    capacity = bmat([[a, csr_matrix((a.shape[0], n))]], format="csr")
    constraints = [LinearConstraint(capacity, -np.inf, b), LinearConstraint(link, -np.inf, 0)]
    c = np.concatenate([-edges.score[active], np.zeros(n)])
    integrality = np.concatenate([np.zeros(n), np.ones(n)])
    bounds = Bounds(np.zeros(2 * n), np.concatenate([caps, np.ones(n)]))
    result = milp(c, constraints=constraints, integrality=integrality, bounds=bounds)
    if result.x is None:
        raise RuntimeError(f"allocation MILP failed: {result.message}")
    return np.clip(result.x[:n], 0, None)


def solve(edges: Edges, dt=None, lt=None) -> tuple[np.ndarray, str]:
    """Quantities per edge (same order as edges) and 'optimal' or 'repaired'."""
    flows = np.zeros(len(edges))
    if not len(edges):
        return flows, "optimal"
    active = np.arange(len(edges))
    with_min = int(np.count_nonzero(edges.min_order > _TOL))
    if with_min and len(edges) <= MILP_MAX_EDGES:
        flows[active] = _solve_milp(edges, active)
        return _zero_small(flows), "optimal"
    status = "optimal"
    for round_number in range(REPAIR_ROUNDS + 1):
        x = _solve_lp(edges, active)
        short = (x > _TOL) & (x < edges.min_order[active] - _TOL)
        if not short.any() or round_number == REPAIR_ROUNDS:
            break
        status = "repaired"
        active = active[~short]
        if not len(active):
            return flows, status
    flows[active] = x
    flows[flows < edges.min_order - _TOL] = 0.0  # after the last round: below minimum -> nothing
    return _zero_small(flows), status


def _zero_small(flows):
    flows[flows < 1e-6] = 0.0
    return flows


def allocate(demands: list[Demand], listings: list[Listing], top: int = 10,
             weights: dict | None = None, catalogue: Catalogue | None = None) -> list[dict]:
    """Assignments [{"listing_id", "demand_id", "quantity_kg" | ("quantity", "unit"), "score"}]
    over the top-`top` eligible candidates of each demand; see the module docstring."""
    catalogue = catalogue or Catalogue.load()
    dt, lt = demand_table(demands, catalogue), listing_table(listings, catalogue)
    return allocate_tables(dt, lt, rank_tables(dt, lt, top, weights, reasons="none"))


def allocate_tables(dt, lt, ranked) -> list[dict]:
    edges = build_edges(dt, lt, ranked)
    flows, _status = solve(edges)
    out = []
    for i in np.flatnonzero(flows > 0):
        row = {"listing_id": lt.records[edges.listing[i]].id, "demand_id": dt.records[edges.demand[i]].id}
        if edges.in_kg[i]:
            row["quantity_kg"] = round(float(flows[i]), 3)
        else:
            row["quantity"], row["unit"] = round(float(flows[i]), 3), lt.records[edges.listing[i]].unit
        row["score"] = round(float(edges.score[i]), 4)
        out.append(row)
    return out
