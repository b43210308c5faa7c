"""Every kind of bad scenario: exit 2, one line naming file, field and rule, no output file."""

from pathlib import Path

import pytest

from conftest import BARNET, run_cli

GOOD = BARNET.read_text()


def edit(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def anchor_bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


CASES = {
    "empty": ("", "", "empty"),
    "blank": ("   \n\n", "", "empty"),
    "not_yaml": ("name: [unclosed\n  x: {", "", "not valid YAML"),
    "binary": (b"\xff\xfe\x00garbage", "", "not UTF-8"),
    "a_list": ("- a\n- b\n", "", "YAML mapping"),
    "wrong_shape": (edit("strands:\n", "strands: 5\nold:\n"), "strands", "mapping"),
    "probability_above_1": (
        edit("uptake: {dist: beta, alpha: 7, beta: 3, base: 1.0,", "uptake: {value: 1.5,"),
        "strands.njp.uptake",
        "[0, 1]",
    ),
    "negative_cohort": (
        edit(
            "cohort: {dist: pert, min: 50, mode: 100, max: 110, base: 100,", "cohort: {value: -100,"
        ),
        "strands.coaches.cohort",
        ">= 0",
    ),
    "negative_cost": (
        edit("amount: {value: 75000,", "amount: {value: -75000,"),
        "strands.coaches.costs.1.amount",
        ">= 0",
    ),
    "nan": (
        edit(
            "reoffend_without: {dist: beta, alpha: 32, beta: 8, base: 0.8,",
            "reoffend_without: {value: .nan,",
        ),
        "strands.coaches.groups.all.reoffend_without.value",
        "finite",
    ),
    "unknown_strand": (
        edit("  housing_policy:\n", "  housing:\n"),
        "strands.housing",
        "unknown strand",
    ),
    "unknown_agency": (
        edit(
            "agency: council, kind: operating, type: cash, amount: {value: 75000",
            "agency: health, kind: operating, type: cash, amount: {value: 75000",
        ),
        "strands.coaches.costs.1.agency",
        "unknown agency 'health'",
    ),
    "impossible_beta": (
        edit(
            "share: {dist: pert, min: 0.55, mode: 0.575, max: 0.60,",
            "share: {dist: beta, alpha: -1, beta: 2,",
        ),
        "strands.iom.groups.statutory.share",
        "alpha > 0",
    ),
    "impossible_pert": (
        edit(
            "cohort: {dist: pert, min: 50, mode: 100, max: 110, base: 100,",
            "cohort: {dist: pert, min: 120, mode: 100, max: 150,",
        ),
        "strands.coaches.cohort",
        "min <= mode <= max",
    ),
    "misspelt_field": (
        edit("cohort: {dist: pert, min: 50,", "cohrt: {dist: pert, min: 50,"),
        "strands.coaches.cohrt",
        "unknown field",
    ),
    "missing_field": (edit("price_year: 2012/13\n", ""), "price_year", "required"),
    "bad_date": (
        edit("go_live: 2013-09-01", "go_live: 2013-13-01"),
        "strands.coaches.go_live",
        "date",
    ),
    "duplicate_key": (
        edit("price_year: 2012/13\n", "price_year: 2012/13\nprice_year: 2013/14\n"),
        "",
        "duplicate key 'price_year'",
    ),
    "object_tag": ('name: !!python/object/apply:os.system ["echo pwned"]\n', "", "constructor"),
    "too_large": ("a: " + "x" * 1_100_000 + "\n", "", "larger than"),
    "anchor_bomb": (anchor_bomb(), "", "too many aliases"),
    "shares_not_one": (
        edit(
            "share: {dist: pert, min: 0.55, mode: 0.575, max: 0.60,", "share: {value: 0.575,"
        ).replace("      non_statutory:\n", "      non_statutory:\n        share: 0.2\n"),
        "strands.iom",
        "sum",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_scenario(tmp_path: Path, case: str):
    content, field, words = CASES[case]
    scenario = tmp_path / f"{case}.yaml"
    if isinstance(content, bytes):
        scenario.write_bytes(content)
    else:
        scenario.write_text(content)
    out = tmp_path / "tables.xlsx"
    result = run_cli("tables", str(scenario), "--out", str(out))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    line = lines[0]
    assert str(scenario) in line and words in line
    if field:
        assert f": {field}: " in line
    assert not out.exists() and list(tmp_path.iterdir()) == [scenario]


def test_missing_scenario_file(tmp_path: Path):
    result = run_cli("tables", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "nope.yaml: no such file" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["tables", str(BARNET), "--format", "csv"], "needs --out"),
        (["tables", str(BARNET), "--out", "/no/such/dir/t.csv"], "no such directory"),
        (["tables", str(BARNET), "--out", "t.pdf"], "cannot tell the format"),
        (["tables", str(BARNET), "--format", "pdf", "--out", "t.pdf"], "invalid choice"),
        (["tabels"], "invalid choice"),
        (["tables"], "required"),
    ],
)
def test_bad_arguments(args, words):
    result = run_cli(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert "Traceback" not in result.stderr
