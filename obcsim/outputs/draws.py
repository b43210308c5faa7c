"""Monte Carlo draws as a file: one row per iteration x strand x agency, the five measures as
columns. Parquet by default (pyarrow: columnar, typed, a tenth of the size and written in a
fraction of the time), CSV on request."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from obcsim.accounts.ledger import MEASURES, draw_frame, draw_tables
from obcsim.model.montecarlo import Draws

FORMATS = ("parquet", "csv")


def table(draws: Draws, start: int = 0) -> pa.Table:
    """The draws as an Arrow table (iterations numbered from `start`): strand and agency
    dictionary-encoded, money float64."""
    t = draw_tables(draws)
    n, cells = draws.runs, len(t)
    strands = list(dict.fromkeys(t.strand))
    agencies = list(dict.fromkeys(t.agency))
    strand_codes = np.repeat([strands.index(s) for s in t.strand], n).astype(np.int8)
    agency_codes = np.repeat([agencies.index(a) for a in t.agency], n).astype(np.int8)
    columns = {
        "iteration": pa.array(np.tile(np.arange(start, start + n, dtype=np.int64), cells)),
        "strand": pa.DictionaryArray.from_arrays(strand_codes, strands),
        "agency": pa.DictionaryArray.from_arrays(agency_codes, agencies),
    }
    for m in MEASURES:
        columns[m] = pa.array(
            np.concatenate([np.broadcast_to(np.asarray(x, float), (n,)) for x in t[m]])
        )
    return pa.table(columns)


class Writer:
    """Draws written block by block to one file (`with Writer(path, fmt) as w: w.write(...)`),
    so a run of any length is written in bounded memory."""

    def __init__(self, path: Path, fmt: str = "parquet") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown draws format {fmt!r}; formats are {FORMATS}")
        self.path, self.fmt = path, fmt
        self._parquet: pq.ParquetWriter | None = None
        self._header = True

    def write(self, draws: Draws, start: int = 0) -> None:
        """Append `draws`, whose first iteration is number `start`."""
        if self.fmt == "parquet":
            block = table(draws, start)
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, block.schema, compression="zstd")
            self._parquet.write_table(block)
            return
        frame = draw_frame(draws)
        if start:
            frame = frame.assign(iteration=frame.iteration + start)
        with open(self.path, "w" if self._header else "a", encoding="utf-8", newline="") as f:
            frame.to_csv(f, header=self._header, index=False, float_format="%.2f")
        self._header = False

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._parquet is not None:
            self._parquet.close()


def write(draws: Draws, path: Path, fmt: str = "parquet") -> None:
    """Write the draws to `path` as `fmt` (parquet or csv, money to the penny)."""
    with Writer(path, fmt) as w:
        w.write(draws)
