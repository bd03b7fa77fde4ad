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
the true optimum, which the docstring of `allocate` reports as `status`.
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
REPAIR_ROUNDS = 5
_TOL = 1e-6


@dataclass
class Edge:
    listing: int
    demand: int
    score: float
    cap: float        # upper bound: min(supply, want)
    min_order: float  # 0 when none
    unit: str         # "kg" or the shared count unit


def build_edges(dt, lt, ranked) -> list[Edge]:
    edges = []
    for d, items in enumerate(ranked):
        for score, l, _ in items:
            edge = _edge(dt, lt, d, l, score)
            if edge:
                edges.append(edge)
    return edges


def _edge(dt, lt, d, l, score) -> Edge | None:
    want_kg = dt["max_kg"][d] if np.isfinite(dt["max_kg"][d]) else dt["need_kg"][d]
    if np.isfinite(lt["qty_kg"][l]) and np.isfinite(want_kg):
        supply, want, minimum, unit = lt["qty_kg"][l], want_kg, lt["min_kg"][l], "kg"
    elif lt["unit"][l] and lt["unit"][l] == dt["unit"][d]:
        want_raw = dt["max_raw"][d] if np.isfinite(dt["max_raw"][d]) else dt["need_raw"][d]
        supply, want, minimum, unit = lt["qty"][l], want_raw, lt["min_raw"][l], lt.records[l].unit
    else:
        return None
    cap = float(min(supply, want))
    minimum = float(minimum) if np.isfinite(minimum) else 0.0
    if not np.isfinite(cap) or cap <= _TOL or minimum > cap + _TOL or score <= 0:
        return None
    return Edge(l, d, float(score), cap, minimum, unit)


def _capacities(edges, dt, lt):
    supply = {}
    want = {}
    for e in edges:
        supply[e.listing] = lt["qty_kg"][e.listing] if e.unit == "kg" else lt["qty"][e.listing]
        wk = dt["max_kg"][e.demand] if np.isfinite(dt["max_kg"][e.demand]) else dt["need_kg"][e.demand]
        wr = dt["max_raw"][e.demand] if np.isfinite(dt["max_raw"][e.demand]) else dt["need_raw"][e.demand]
        want[e.demand] = wk if e.unit == "kg" else wr
    return supply, want


def _matrix(edges, active):
    """Rows: one per listing then one per demand; columns: active edges."""
    l_ids = sorted({edges[i].listing for i in active})
    d_ids = sorted({edges[i].demand for i in active})
    l_row = {l: r for r, l in enumerate(l_ids)}
    d_row = {d: r + len(l_ids) for r, d in enumerate(d_ids)}
    rows, cols = [], []
    for c, i in enumerate(active):
        rows += [l_row[edges[i].listing], d_row[edges[i].demand]]
        cols += [c, c]
    shape = (len(l_ids) + len(d_ids), len(active))
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape), l_ids, d_ids


def _solve_lp(edges, active, supply, want) -> np.ndarray:
    a, l_ids, d_ids = _matrix(edges, active)
    b = np.array([supply[l] for l in l_ids] + [want[d] for d in d_ids], dtype=float)
    c = -np.array([edges[i].score for i in active])
    ub = np.array([edges[i].cap for i in active])
    result = linprog(c, A_ub=a, b_ub=b, bounds=np.column_stack([np.zeros(len(active)), ub]),
                     method="highs")
    if result.status != 0:
        raise RuntimeError(f"allocation LP failed: {result.message}")
    return np.clip(result.x, 0, None)


def _solve_milp(edges, active, supply, want) -> np.ndarray:
    n = len(active)
    a, l_ids, d_ids = _matrix(edges, active)
    b = np.array([supply[l] for l in l_ids] + [want[d] for d in d_ids], dtype=float)
    caps = np.array([edges[i].cap for i in active])
    mins = np.array([edges[i].min_order for i in active])
    # variables: x (n) then y (n); x - cap*y <= 0 ; min*y - x <= 0
    eye = np.eye(n)
    link_upper = np.hstack([eye, -np.diag(caps)])
    link_lower = np.hstack([-eye, np.diag(mins)])
    capacity = np.hstack([a.toarray(), np.zeros((a.shape[0], n))])
    constraints = [LinearConstraint(capacity, -np.inf, b),
                   LinearConstraint(np.vstack([link_upper, link_lower]), -np.inf, 0)]
    c = np.concatenate([-np.array([edges[i].score for i in active]), np.zeros(n)])
    integrality = np.concatenate([np.zeros(n), np.ones(n)])
    bounds = Bounds(np.zeros(2 * n), np.concatenate([caps, np.ones(n)]))
    result = milp(c, constraints=constraints, integrality=integrality, bounds=bounds)
    if result.x is None:
        raise RuntimeError(f"allocation MILP failed: {result.message}")
    return np.clip(result.x[:n], 0, None)


def solve(edges: list[Edge], dt, lt) -> tuple[np.ndarray, str]:
    """Quantities per edge (same order as edges) and 'optimal' or 'repaired'."""
    if not edges:
        return np.zeros(0), "optimal"
    supply, want = _capacities(edges, dt, lt)
    active = list(range(len(edges)))
    with_min = sum(1 for e in edges if e.min_order > _TOL)
    if with_min and len(edges) <= MILP_MAX_EDGES:
        flows = np.zeros(len(edges))
        flows[active] = _solve_milp(edges, active, supply, want)
        return _zero_small(flows), "optimal"
    status = "optimal"
    for _ in range(REPAIR_ROUNDS + 1):
        x = _solve_lp(edges, active, supply, want)
        short = [pos for pos, i in enumerate(active)
                 if _TOL < x[pos] < edges[i].min_order - _TOL]
        if not short:
            break
        status = "repaired"
        drop = {active[pos] for pos in short}
        active = [i for i in active if i not in drop]
        if not active:
            x = np.zeros(0)
            break
    flows = np.zeros(len(edges))
    flows[active] = x
    for i, e in enumerate(edges):  # after the last round: below minimum -> nothing
        if flows[i] < e.min_order - _TOL:
            flows[i] = 0.0
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
    return allocate_tables(dt, lt, rank_tables(dt, lt, top, weights))


def allocate_tables(dt, lt, ranked) -> list[dict]:
    edges = build_edges(dt, lt, ranked)
    flows, _status = solve(edges, dt, lt)
    out = []
    for edge, qty in zip(edges, flows):
        if qty <= 0:
            continue
        row = {"listing_id": lt.records[edge.listing].id, "demand_id": dt.records[edge.demand].id}
        if edge.unit == "kg":
            row["quantity_kg"] = round(float(qty), 3)
        else:
            row["quantity"], row["unit"] = round(float(qty), 3), edge.unit
        row["score"] = round(edge.score, 4)
        out.append(row)
    return out
