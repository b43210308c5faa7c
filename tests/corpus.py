"""The bad-input corpus: every input that once broke the promise "one line naming file, field
and rule, exit 2, no traceback, no partial output". It grows: add a case here for each new way.

`SCENARIOS` are scenario files (bytes) and `OBSERVED` observed-outcome CSVs (bytes), each with
the words its one line must hold; the CLI tests and the app tests both run every one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BARNET = ROOT / "scenarios" / "barnet_obc_2013.yaml"
GOOD = BARNET.read_text()
OUTCOMES = (ROOT / "examples" / "observed_outcomes.csv").read_text()
JDL = (ROOT / "examples" / "jdl_summary.csv").read_text()


def text_edit(old: str, new: str) -> bytes:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1).encode()


def data_edit(change: Callable[[dict[str, Any]], None]) -> bytes:
    data = copy.deepcopy(yaml.safe_load(GOOD))
    change(data)
    return yaml.safe_dump(data, sort_keys=False).encode()


def set_at(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for p in parents:
            data = data[p]
        data[last] = value

    return change


def _deep(depth: int) -> bytes:
    return ("name: " + "[" * depth + "]" * depth + "\n").encode()


# name -> (content, words the one line holds)
SCENARIOS: dict[str, tuple[bytes, str]] = {
    "nul_byte": (GOOD.replace("name: Barnet", "name: Bar\x00net", 1).encode(), "not valid YAML"),
    "control_byte": (
        GOOD.replace("name: Barnet", "name: Bar\x07net", 1).encode(),
        "not valid YAML",
    ),
    "nested_500_deep": (_deep(500), "levels deep"),
    "nested_60_deep": (_deep(60), "levels deep"),
    "no_strands": (data_edit(set_at("strands", {})), "at least one costed strand"),
    "only_housing": (
        data_edit(set_at("strands", {"housing_policy": {"costed": False}})),
        "at least one costed strand",
    ),
    "cohort_near_max_float": (data_edit(set_at("strands.njp.cohort", 1.7e308)), "at most 1e+12"),
    "cost_near_max_float": (
        data_edit(set_at("unit_costs.cps_hearing.cost", 1.0e308)),
        "at most 1e+12",
    ),
    "lognormal_sd_1e200": (
        data_edit(set_at("strands.njp.cohort", {"dist": "lognormal", "mean": 200, "sd": 1e200})),
        "at most 1e+12",
    ),
    "lognormal_cv_huge": (
        data_edit(set_at("strands.njp.cohort", {"dist": "lognormal", "mean": 1e-6, "sd": 10})),
        "times its mean",
    ),
    "pert_to_max_float": (
        data_edit(
            set_at("strands.njp.cohort", {"dist": "pert", "min": 0, "mode": 1, "max": 1.7e308})
        ),
        "at most 1e+12",
    ),
    "gamma_mean_huge": (
        data_edit(set_at("strands.njp.cohort", {"dist": "gamma", "shape": 1e6, "rate": 1e-9})),
        "at most 1e+12",
    ),
    "cohort_1e19": (data_edit(set_at("strands.njp.cohort", 1e19)), "at most 1e+12"),
    "sentences_over_one_inherited": (
        text_edit("  custody:\n    value: 0.0", "  custody:\n    value: 0.3").replace(
            b"    cascade:\n      hearings: {value: 0.4473684",
            b"    cascade:\n      community_order: 0.9\n      hearings: {value: 0.4473684",
            1,
        ),
        "shares of one sentence",
    ),
    "yaml11_yes": (text_edit("  discount_rate: 0.035", "  discount_rate: yes"), "YAML 1.1"),
    "yaml11_on": (text_edit("  optimism_bias: 0.0", "  optimism_bias: on"), "YAML 1.1"),
    "yaml11_octal": (text_edit("follow_up_days: 365", "follow_up_days: 0200"), "YAML 1.1"),
    "yaml11_sexagesimal": (text_edit("follow_up_days: 365", "follow_up_days: 6:05"), "YAML 1.1"),
    "agency_formula": (
        text_edit("agencies: [police, cps,", 'agencies: ["=cmd()", cps,'),
        "lower-case letters",
    ),
    "true_as_a_number": (
        text_edit("  discount_rate: 0.035", "  discount_rate: true"),
        "not true/false",
    ),
    "true_as_a_count": (
        text_edit("  horizon_years: 5", "  horizon_years: true"),
        "not true/false",
    ),
}

_BAD_ROW = "njp,intervention,2013-07-01,2014-06-30,180,163,16,18,45500"
assert _BAD_ROW in OUTCOMES


def _outcomes(old: str, new: str) -> bytes:
    assert old in OUTCOMES, old
    return OUTCOMES.replace(old, new, 1).encode()


OBSERVED: dict[str, tuple[bytes, str]] = {
    "people_1e300": (
        _outcomes(_BAD_ROW, "njp,intervention,2013-07-01,2014-06-30,1e300,163,16,18,45500"),
        "at most 1,000,000,000",
    ),
    "people_inf": (
        _outcomes(_BAD_ROW, "njp,intervention,2013-07-01,2014-06-30,inf,163,16,18,45500"),
        "whole number",
    ),
    "field_200k_chars": (
        _outcomes(
            _BAD_ROW, "njp,intervention,2013-07-01,2014-06-30,180,163,16,18," + "9" * 200_000
        ),
        "longer than 1,000 characters",
    ),
    "field_200k_quoted": (
        _outcomes(
            _BAD_ROW, 'njp,intervention,2013-07-01,2014-06-30,180,163,16,18,"' + "x" * 200_000
        ),
        "row",
    ),
    "duplicate_row": (
        OUTCOMES.replace(_BAD_ROW, _BAD_ROW + "\n" + _BAD_ROW, 1).encode(),
        "repeats row 2",
    ),
    "duplicate_header": (
        OUTCOMES.replace("people,completed", "people,people", 1).encode(),
        "appears twice",
    ),
    "jdl_missing_column": (
        JDL.replace("treatment_people,", "", 1)
        .replace(",56,", ",", 1)
        .replace(",41,", ",", 1)
        .encode(),
        "required column is missing (for a Justice Data Lab summary)",
    ),
    "jdl_interval_contradicts_rates": (
        JDL.replace("0.46,560,0.55,-0.22,0.04", "0.46,560,0.55,0.05,0.20", 1).encode(),
        "does not hold the rates' own difference",
    ),
    "unclosed_quote_in_header": (('"' + OUTCOMES).encode(), "unknown column"),
    "nul_bytes_not_utf16": (b"strand,group\x00\x00\n", "NUL"),
    "empty": (b"", "empty"),
    "only_separators": (b",,,\n,,,\r\n", "empty"),
    "day_31_of_month_13": (
        _outcomes("2013-07-01,2014-06-30,180,163", "31/13/2013,2014-06-30,180,163"),
        "must be a date",
    ),
}


def cli_cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """Argument cases (files made in `tmp`): args -> words of the one line."""
    scn = str(BARNET)
    obs = str(ROOT / "examples" / "observed_outcomes.csv")
    folder = tmp / "a_folder.xlsx"
    folder.mkdir()
    a_file = tmp / "a_file"
    a_file.write_text("x")
    crowded = tmp / "crowded"
    crowded.mkdir()
    (crowded / "notes.txt").write_text("mine")
    big = tmp / "big_cohort.yaml"
    big.write_bytes(data_edit(set_at("strands.njp.cohort", 10_000_000)))
    long = "a" * 300
    return {
        "out_is_a_directory": (["tables", scn, "--out", str(folder)], "is a directory"),
        "out_under_a_file": (["tables", scn, "--out", str(a_file / "t.xlsx")], "no such directory"),
        "out_name_over_255": (["tables", scn, "--out", str(tmp / f"{long}.xlsx")], "too long"),
        "scenario_name_over_255": (["tables", str(tmp / f"{long}.yaml")], "too long"),
        "scenario_is_a_directory": (["tables", str(tmp)], "is a directory"),
        "run_out_is_a_file": (["run", scn, "--out", str(a_file)], "not a directory"),
        "run_out_holds_other_files": (["run", scn, "--out", str(crowded)], "holds other files"),
        "calibrate_out_is_report": (
            ["calibrate", scn, obs, "--out", str(tmp / "x.md"), "--report", str(tmp / "x.md")],
            "is also the --out output",
        ),
        "calibrate_out_is_report_json": (
            ["calibrate", scn, obs, "--out", str(tmp / "r.json"), "--report", str(tmp / "r.md")],
            "give each its own path",
        ),
        "port_99999": (["app", "--port", "99999"], "a TCP port"),
        "years_1000": (["tables", scn, "--years", "1000"], "the limit on years"),
        "years_100000": (
            ["tables", scn, "--years", "100000", "--runs", "10"],
            "the limit on years",
        ),
        "years_x_runs_memory": (
            ["tables", scn, "--years", "500", "--runs", "1000000"],
            "GiB",
        ),
        "runs_1e8": (["run", scn, "--engine", "fast", "--runs", "100000000"], "the limit on runs"),
        "workers_100": (["run", scn, "--workers", "100"], "twice this machine's cores"),
        "flow_cohort_1e7": (
            ["run", str(big), "--engine", "flow", "--runs", "2"],
            "people an iteration",
        ),
        "flow_people_x_runs": (["run", scn, "--runs", "200000"], "people x 200,000 runs"),
        "calibrate_runs_1e8": (
            ["calibrate", scn, obs, "--out", str(tmp / "c.yaml"), "--runs", "100000000"],
            "the limit on runs",
        ),
    }
