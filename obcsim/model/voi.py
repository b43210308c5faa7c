"""Value of information for two-option decisions ("fund it or not": net benefit NB against 0):
EVPI from Monte Carlo samples, EVPPI per input group by regression (Strong, Oakley & Brennan
2014, Med Decis Making 34:311). `accounts.drivers` turns them into sentences a board can read.

EVPI = E[max(NB, 0)] - max(E[NB], 0). EVPPI of a group = E[max(g, 0)] - max(E[NB], 0), where
g = E[NB | group] is estimated by least squares of NB on a flexible basis of the group's inputs:
a restricted cubic spline (knots at quantiles) for one input, a tensor product of splines for
two or three, and a cubic polynomial (all products up to degree 3) plus each input's own spline
for more. Its standard error comes
from the fit's coefficient uncertainty, beta ~ N(b, s2 (B'B)^-1) as in the paper, propagated by
the delta method (the paper draws beta; the first-order answer costs one product per outcome).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from obcsim.model.sweep import InputLike

EVPPI_COLUMNS = ["outcome", "group", "inputs", "evppi", "se", "evpi", "share", "note"]
VOI_COLUMNS = ["outcome", "expected", "p_ahead", "decision", "evpi"]


def _evpi(nb: np.ndarray) -> float:
    nb = np.asarray(nb, dtype=np.float64)
    return max(float(np.mean(np.maximum(nb, 0.0)) - max(float(nb.mean()), 0.0)), 0.0)


def evpi(samples: Mapping[str, np.ndarray]) -> dict[str, float]:
    """EVPI of each decision "go ahead (NB) or not (0)", from samples of its net benefit."""
    return {name: _evpi(nb) for name, nb in samples.items()}


def decisions(samples: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Per outcome: expected net benefit, probability of coming out ahead (NB > 0), the decision
    on current evidence ("fund" when E[NB] > 0, else "do not fund") and its EVPI."""
    rows = []
    for name, nb in samples.items():
        nb = np.asarray(nb, dtype=np.float64)
        mean = float(nb.mean())
        rows.append(
            (name, mean, float((nb > 0).mean()), "fund" if mean > 0 else "do not fund", _evpi(nb))
        )
    return pd.DataFrame(rows, columns=VOI_COLUMNS)


def rcs(x: np.ndarray, knots: int) -> np.ndarray:
    """Restricted (natural) cubic spline basis of x without intercept: x itself and knots-2
    curves, knots at quantiles, linear beyond the outer knots (Harrell)."""
    x = np.asarray(x, dtype=np.float64)
    t = np.unique(np.quantile(x, np.linspace(0.05, 0.95, knots)))
    scale = float(np.std(x)) or 1.0
    z = (x - float(np.mean(x))) / scale
    t = (t - float(np.mean(x))) / scale
    cols = [z]
    if len(t) >= 3:
        k = len(t)
        norm = (t[-1] - t[0]) ** 2
        for j in range(k - 2):
            c = (
                np.maximum(z - t[j], 0) ** 3
                - np.maximum(z - t[-2], 0) ** 3 * (t[-1] - t[j]) / (t[-1] - t[-2])
                + np.maximum(z - t[-1], 0) ** 3 * (t[-2] - t[j]) / (t[-1] - t[-2])
            )
            cols.append(c / norm)
    return np.column_stack(cols)


def basis(Xg: np.ndarray) -> np.ndarray:
    """The regression basis (with intercept) for a group's inputs Xg (n, p)."""
    n, p = Xg.shape
    ones = np.ones((n, 1))
    if p == 1:
        return np.hstack([ones, rcs(Xg[:, 0], 10)])
    if p <= 3:
        out = ones
        for j in range(p):
            bj = np.hstack([ones, rcs(Xg[:, j], 5)])
            out = (out[:, :, None] * bj[:, None, :]).reshape(n, -1)
        return out
    # Four or more: every monomial of total degree <= 3 (so products such as volume x effect x
    # unit cost are exact; degree 2 past ten inputs), plus each input's own spline curvature.
    z = (Xg - Xg.mean(axis=0)) / np.where(Xg.std(axis=0) > 0, Xg.std(axis=0), 1.0)
    degree = 3 if p <= 10 else 2
    cols = [ones[:, 0]]
    for d in range(1, degree + 1):
        for combo in itertools.combinations_with_replacement(range(p), d):
            cols.append(np.prod(z[:, list(combo)], axis=1))
    cols += [rcs(Xg[:, j], 5)[:, 1:] for j in range(p)]
    return np.column_stack(cols)


def _fit(B: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orthonormal basis Q of B's column space (rank-revealing), fitted values Q Q'Y and each
    column's residual standard deviation."""
    lam, V = np.linalg.eigh(B.T @ B)  # B'B is small (columns x columns): cheap for many rows
    keep = lam > lam.max() * 1e-12
    Q = B @ (V[:, keep] / np.sqrt(lam[keep]))
    fitted = Q @ (Q.T @ Y)
    dof = max(len(B) - Q.shape[1], 1)
    sigma = np.sqrt(((Y - fitted) ** 2).sum(axis=0) / dof)
    return Q, fitted, sigma


def evppi(
    inputs: Sequence[InputLike],
    X: np.ndarray,
    outcomes: Mapping[str, np.ndarray],
    groups: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """EVPPI of each group of inputs for each outcome's go/no-go decision.

    X (n, k) are Monte Carlo draws (column j = inputs[j]) and `outcomes` the net benefits they
    give (from `sweep.draw`). `groups` maps a group name to input keys; by default the inputs'
    own `group`. Columns: outcome, group, inputs (keys, comma-separated), evppi, se (standard
    error from the regression's coefficient uncertainty, delta method), evpi, share
    (evppi / evpi), note. EVPPI is clipped to [0, EVPI]. Rows sorted by evppi, largest first,
    per outcome."""
    X = np.asarray(X, dtype=np.float64)
    keys = [i.key for i in inputs]
    if X.ndim != 2 or X.shape[1] != len(keys):
        raise ValueError(f"X must have one column per input ({len(keys)})")
    if groups is None:
        groups = {}
        for i in inputs:
            groups.setdefault(i.group, []).append(i.key)  # type: ignore[attr-defined]
    names = list(outcomes)
    Y = np.column_stack([np.asarray(outcomes[o], dtype=np.float64) for o in names])
    if Y.shape[0] != X.shape[0]:
        raise ValueError("outcomes and X must have the same number of rows")
    total = np.array([_evpi(Y[:, o]) for o in range(len(names))])
    base = np.maximum(Y.mean(axis=0), 0)
    rows = []
    for group, members in groups.items():
        cols = [keys.index(m) for m in members]
        Xg = X[:, cols]
        if np.ptp(Xg, axis=0).max() == 0:
            value, se = np.zeros(len(names)), np.zeros(len(names))
            note = "inputs do not vary"
        else:
            Q, fitted, sigma = _fit(basis(Xg), Y)
            value = np.maximum(fitted, 0).mean(axis=0) - base
            # Delta method: a coefficient draw moves the fitted values by dg = sigma Q z,
            # z ~ N(0, I); to first order EVPPI moves by mean(w dg), w = 1[g > 0] - 1[E[NB] > 0].
            w = (fitted > 0).astype(np.float64) - (Y.mean(axis=0) > 0)
            se = sigma * np.linalg.norm(Q.T @ w, axis=0) / len(Y)
            note = ""
        for o, name in enumerate(names):
            v = float(np.clip(value[o], 0.0, total[o]))
            share = v / total[o] if total[o] > 0 else 0.0
            rows.append((name, group, ", ".join(members), v, float(se[o]), total[o], share, note))
    table = pd.DataFrame(rows, columns=EVPPI_COLUMNS)
    order = {name: j for j, name in enumerate(names)}
    table["_o"] = table["outcome"].map(order)
    table = table.sort_values(["_o", "evppi"], ascending=[True, False], kind="stable")
    return table.drop(columns="_o").reset_index(drop=True)
