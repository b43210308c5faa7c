"""Common random numbers that survive edits: one random stream per strand, keyed by name.

An iteration's (or a fast block's) `SeedSequence` is the root; each consumer of random numbers
takes its own child, keyed by *names* rather than by the order it asks in:

* `("param", strand)`: the strand's parameter draws (cohort, rates, its unit costs);
* `("param", "unit_cost_scale")`: the one factor on every unit cost;
* `("cost", strand)`: the strand's cost items (`"all"`: the programme's own costs);
* `("outcome", strand)`: the people of the strand (in `flow`, person i's uniforms are row i).

So changing one strand (its cohort, rates, costs, or leaving it out) changes only that strand's
streams: every other strand draws bit-for-bit the same numbers, in both engines and for any
number of workers, and a compared difference that is exactly zero is zero.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _word(name: str) -> int:
    """A stable 32-bit word for a name (Python's `hash` changes between processes)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


class Streams:
    """Random generators keyed by names under one `SeedSequence`; each is made once."""

    def __init__(self, seq: np.random.SeedSequence) -> None:
        self.seq = seq
        self._made: dict[tuple[str, ...], np.random.Generator] = {}

    @classmethod
    def of(cls, source: Streams | np.random.Generator | np.random.SeedSequence) -> Streams:
        """Streams from a root sequence, or from a generator's own seed sequence."""
        if isinstance(source, Streams):
            return source
        if isinstance(source, np.random.Generator):
            seq = source.bit_generator.seed_seq
            assert isinstance(seq, np.random.SeedSequence)
            return cls(seq)
        return cls(source)

    def __call__(self, *names: str) -> np.random.Generator:
        """The generator keyed by `names` (the same object on every call)."""
        if names not in self._made:
            s = self.seq
            key = (*s.spawn_key, 0x0C2E, *(_word(n) for n in names))
            child = np.random.SeedSequence(s.entropy, spawn_key=key, pool_size=s.pool_size)
            self._made[names] = np.random.default_rng(child)
        return self._made[names]
