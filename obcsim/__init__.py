"""obcsim: a cost-benefit simulator for public-sector outline business cases."""

from obcsim.errors import InputError
from obcsim.scenario import Scenario, load_scenario

__all__ = ["InputError", "Scenario", "load_scenario"]
__version__ = "0.1.0"
