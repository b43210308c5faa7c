"""The OBC's published tables, shipped as package data, in the ledger's layout."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from obcsim.accounts.ledger import MEASURES

PROGRAMME_TABLE = "table1_programme"
STRAND_TABLE = "strand"
INVESTMENT_COLUMNS = ("setup_staff", "setup_cash", "ongoing_staff", "ongoing_cash")


def _read(name: str) -> pd.DataFrame:
    with resources.files("obcsim.data").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh)


def published_tables() -> pd.DataFrame:
    """Table 1 and the four strand tables: table, strand, agency and the five measures."""
    frame = _read("published_tables.csv")
    return frame.astype({m: float for m in MEASURES})


def published_investment() -> pd.DataFrame:
    """Table 2: investment by organisation (staff / cash, set-up / ongoing), annual net benefit."""
    frame = _read("published_investment.csv")
    return frame.astype({c: float for c in (*INVESTMENT_COLUMNS, "annual_net_benefit")})


def published_gross(strand: str, agency: str, tables: pd.DataFrame | None = None) -> float:
    """A strand's published gross saving for one agency; 0 where the table has no such row."""
    t = published_tables() if tables is None else tables
    row = t[(t.table == STRAND_TABLE) & (t.strand == strand) & (t.agency == agency)]
    return float(row.gross_saving.iloc[0]) if len(row) else 0.0


def published_text() -> pd.DataFrame:
    """Figures the OBC's text states for cells of its strand tables (costs positive), with
    where they are and whether the text says "about"."""
    frame = _read("obc_text_figures.csv")
    return frame.astype({"text_amount": float, "approximate": bool})
