"""The package's wings: imports point down only, every module says its one job, none is long."""

from __future__ import annotations

import ast
from pathlib import Path

import obcsim

PACKAGE = Path(obcsim.__file__).parent
# Lower layers first; a module may import its own wing and any lower layer, never a higher one.
# evidence and obc share a layer but not each other: neither needs the other.
LAYERS = {
    "errors": 0,
    "case": 1,
    "model": 2,
    "accounts": 3,
    "evidence": 4,
    "obc": 4,
    "outputs": 5,
    "ui": 6,
}
MAX_LINES = 350


def modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py"]


def wing(module: str) -> str:
    """`obcsim.model.flow` -> `model`; `obcsim.errors` -> `errors`."""
    return module.split(".")[1]


def imported(path: Path) -> set[str]:
    """Every obcsim module the file imports, at any depth (function-level imports too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("obcsim.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("obcsim"):
            if node.module == "obcsim":
                out |= {f"obcsim.{a.name}" for a in node.names}
            else:
                out.add(node.module)
    return out


def test_every_module_belongs_to_a_wing():
    for path in modules():
        name = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        assert name in LAYERS or name == "data", f"{path} is in no wing"


def test_no_module_imports_upward():
    bad = []
    for path in modules():
        here = wing("obcsim." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        for target in imported(path):
            there = wing(target)
            if there == here:
                continue
            if LAYERS[there] >= LAYERS[here]:
                bad.append(f"{path.relative_to(PACKAGE)} imports {target}")
    assert not bad, (
        "imports must point down (ui > outputs > evidence, obc > accounts > model > case):\n"
        + "\n".join(bad)
    )


def test_the_walker_sees_an_upward_import(tmp_path):
    planted = tmp_path / "m.py"
    planted.write_text("def f():\n    from obcsim.ui import cli\n")
    assert imported(planted) == {"obcsim.ui"}


def test_modules_are_small_and_say_their_job():
    for path in modules():
        text = path.read_text()
        if path.name == "__init__.py" and not text.strip():
            continue
        assert len(text.splitlines()) <= MAX_LINES, f"{path} has more than {MAX_LINES} lines"
        assert ast.get_docstring(ast.parse(text)), f"{path} opens with no docstring"


def test_public_names_at_the_top():
    from obcsim import InputError, Scenario, expected_tables, load_scenario, run

    assert callable(load_scenario) and callable(run) and callable(expected_tables)
    assert issubclass(InputError, ValueError) and Scenario
