"""obcsim: a cost-benefit simulator for public-sector outline business cases.

The package has wings, and data flows down through them: `case` (the scenario) -> `model`
(draws, closed form, engines, Monte Carlo) -> `accounts` (ledger, years, funding, appraisal)
-> `evidence` and `obc` -> `outputs` -> `ui`. The names most users need are here, imported
when first used (so `obcsim --version` or a bad argument answers without loading pandas).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from obcsim.accounts.appraisal import Case, draws_case, expected_case
    from obcsim.accounts.ledger import compare, draw_tables, expected_tables, summary
    from obcsim.accounts.years import Settings
    from obcsim.case.load import load_scenario
    from obcsim.case.scenario import Scenario
    from obcsim.errors import InputError
    from obcsim.model.montecarlo import Draws, run

_WHERE = {
    "Case": "obcsim.accounts.appraisal",
    "draws_case": "obcsim.accounts.appraisal",
    "expected_case": "obcsim.accounts.appraisal",
    "compare": "obcsim.accounts.ledger",
    "draw_tables": "obcsim.accounts.ledger",
    "expected_tables": "obcsim.accounts.ledger",
    "summary": "obcsim.accounts.ledger",
    "Settings": "obcsim.accounts.years",
    "load_scenario": "obcsim.case.load",
    "Scenario": "obcsim.case.scenario",
    "InputError": "obcsim.errors",
    "Draws": "obcsim.model.montecarlo",
    "run": "obcsim.model.montecarlo",
}
__all__ = [
    "Case",
    "Draws",
    "InputError",
    "Scenario",
    "Settings",
    "compare",
    "draw_tables",
    "draws_case",
    "expected_case",
    "expected_tables",
    "load_scenario",
    "run",
    "summary",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'obcsim' has no attribute {name!r}")
