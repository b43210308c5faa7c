"""The one error type for bad input: it names the file, the field and the rule broken."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input (scenario, CSV, upload, CLI argument), reported as one line.

    The CLI prints `str(error)` and exits with status 2; the app shows it with `st.error`.
    """

    def __init__(self, source: str, field: str, rule: str) -> None:
        self.source = source
        self.field = field
        self.rule = rule
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {rule}")
