"""The README's promises: its two commands, CI running the same test command, its figures."""

import re

from conftest import ROOT
from obcsim.accounts.ledger import expected_tables
from obcsim.case.shipped import shipped_scenario
from obcsim.model import expected
from obcsim.obc.faults import by_fault
from obcsim.obc.published import published_investment, published_tables
from obcsim.obc.reconcile import reconcile

README = (ROOT / "README.md").read_text()


def commands() -> list[str]:
    return re.findall(r"```\n(python3 -m venv[^\n]+)\n```", README)


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    install_and_run, install_and_test = commands()
    assert install_and_run.endswith("obcsim tables scenarios/barnet_obc_2013.yaml")
    assert install_and_test.endswith("pytest")
    assert install_and_test in (ROOT / ".ci" / "run").read_text()


def test_shipped_scenario_is_package_data():
    assert (
        shipped_scenario().read_bytes()
        == (ROOT / "scenarios" / "barnet_obc_2013.yaml").read_bytes()
    )


def test_readme_figures(barnet):
    assert f"{len(published_tables()) * 3} cells" in README
    inputs = (published_tables(), published_investment(), expected_tables(barnet), barnet.name)
    faults = by_fault(*inputs, scn=barnet)
    assert f"{len(faults)} distinct faults" in README
    assert f"lists the {len(reconcile(*inputs))} failing cells" in README
    for name, shown in [
        ("njp", "190"),
        ("coaches", "40"),
        ("conditional_cautions", "220"),
        ("iom", "21.14"),
    ]:
        assert f"{expected.avoided_episodes(barnet, name):.4g}" == shown


def test_cli_choices_match_the_library():
    """The CLI lists its choices without importing the heavy modules; they must agree."""
    from obcsim.accounts import funding
    from obcsim.model import montecarlo
    from obcsim.outputs import draws
    from obcsim.ui import args

    assert args.ENGINES == montecarlo.ENGINES
    assert args.FUNDING == funding.MODELS
    assert args.DRAWS == draws.FORMATS
