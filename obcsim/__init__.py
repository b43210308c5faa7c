"""obcsim: a cost-benefit simulator for public-sector outline business cases.

The package has wings, and data flows down through them: `case` (the scenario) -> `model`
(draws, closed form, engines, Monte Carlo) -> `accounts` (ledger, years, funding, appraisal)
-> `evidence` and `obc` -> `outputs` -> `ui`. The names most users need are here.
"""

from obcsim.accounts.appraisal import Case, draws_case, expected_case
from obcsim.accounts.ledger import compare, draw_tables, expected_tables, summary
from obcsim.accounts.years import Settings
from obcsim.case.load import load_scenario
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model.montecarlo import Draws, run

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
