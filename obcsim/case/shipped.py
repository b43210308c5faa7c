"""The scenarios shipped with obcsim (package data), the OBC as published first."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SHIPPED = "barnet_obc_2013.yaml"


def shipped_scenario(name: str = SHIPPED) -> Path:
    """Path of a scenario shipped with the package."""
    return Path(str(resources.files("obcsim.scenarios").joinpath(name)))


def shipped() -> dict[str, bytes]:
    """Every shipped scenario, file name -> YAML, the OBC as published first."""
    folder = resources.files("obcsim.scenarios")
    files = sorted(
        (p for p in folder.iterdir() if p.name.endswith(".yaml")),
        key=lambda p: (p.name != SHIPPED, p.name),
    )
    return {p.name: p.read_bytes() for p in files}
