"""Benchmark: the board's interactive loop. After a change to the NJP cohort, how long until
2,000 fast-engine iterations are run and the whole page is drawn again (Streamlit's AppTest,
which runs the real script without a browser)?

    python benchmarks/app.py
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def main(repeats: int = 5) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    cohort = next(w for w in at.number_input if w.key and w.key.endswith(":strands.njp.cohort"))
    key = cohort.key
    times, cached = [], []
    for i in range(repeats):
        value = 210 + 10 * i
        start = time.perf_counter()
        at.number_input(key=key).set_value(value).run()
        times.append(time.perf_counter() - start)
        assert not at.exception
    for i in range(repeats):  # back to a setting already seen: served from the cache
        start = time.perf_counter()
        at.number_input(key=key).set_value(210 + 10 * i).run()
        cached.append(time.perf_counter() - start)
    result = {
        "iterations": 2000,
        "new_setting_median_s": round(statistics.median(times), 3),
        "new_setting_max_s": round(max(times), 3),
        "cached_setting_median_s": round(statistics.median(cached), 3),
        "repeats": repeats,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
