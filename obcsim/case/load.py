"""Loading a scenario: YAML text or a file into a validated `Scenario`, or one `InputError`
naming the file, the field and the rule broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from obcsim.case.inputs import read_input
from obcsim.case.prices import repriced
from obcsim.case.safeyaml import MAX_BYTES, parse_yaml
from obcsim.case.scenario import ALL_STRANDS, Scenario, _Located
from obcsim.errors import InputError

_PYDANTIC_RULES = {
    "extra_forbidden": "unknown field (misspelt, or not part of the scenario format)",
    "missing": "required field is missing",
    "finite_number": "must be a finite number (not NaN or infinity)",
    "model_type": "must be a mapping of fields to values",
    "dict_type": "must be a mapping of names to values",
    "string_pattern_mismatch": "must be a financial year written like 2012/13",
    "string_type": "must be text",
    "tuple_type": "must be a list",
    "date_from_datetime_parsing": "must be a date written like 2013-07-01",
    "date_type": "must be a date written like 2013-07-01",
}


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    if err["type"] == "literal_error" and loc and loc[-1] in ("[key]",):
        loc = loc[:-1]
    rule = _PYDANTIC_RULES.get(err["type"], err["msg"])
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _Located):
        loc += [str(p) for p in ctx_error.loc]
        rule = str(ctx_error)
    elif rule.startswith("Value error, "):
        rule = rule[len("Value error, ") :]
    if err["type"] == "literal_error":
        rule = f"not allowed here; {err['msg'].removeprefix('Input should be ')}"
    if err["type"] == "extra_forbidden" and len(loc) >= 2 and loc[-2] == "strands":
        rule = f"unknown strand; strands are {list(ALL_STRANDS)}"
    return ".".join(loc) or "(top level)", rule


def scenario_from_data(data: Any, source: str = "scenario") -> Scenario:
    """Validate parsed YAML data into a `Scenario`, or raise `InputError`."""
    if data is None:
        raise InputError(source, "", "the scenario is empty")
    if not isinstance(data, dict):
        raise InputError(source, "", "a scenario is a YAML mapping of fields to values")
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        field, rule = _first_error(exc)
        raise InputError(source, field, rule) from None
    except (OverflowError, ZeroDivisionError, RecursionError) as exc:  # a last guard
        raise InputError(source, "", f"a value is out of range ({exc})") from None
    return repriced(scn, source)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario YAML file; every failure is an `InputError`."""
    return parse_scenario(read_input(path, MAX_BYTES), str(path))


def parse_scenario(raw: bytes | str, source: str = "scenario") -> Scenario:
    """Parse and validate scenario YAML text (a file's bytes or an upload)."""
    if not raw.strip():
        raise InputError(source, "", "the file is empty")
    try:
        data = parse_yaml(raw)
    except ValueError as exc:
        raise InputError(source, "", str(exc)) from None
    return scenario_from_data(data, source)
