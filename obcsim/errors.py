"""The one error type for bad input: it names the file, the field and the rule broken."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input (scenario, CSV, upload, CLI argument), reported as one line.

    The CLI prints `str(error)` and exits with status 2; the app shows it with `st.error`.
    """

    def __init__(self, source: str, field: str, rule: str) -> None:
        self.source = _one_line(source, 400)
        self.field = _one_line(field)
        self.rule = _one_line(rule, 600)
        source, field, rule = self.source, self.field, self.rule
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {rule}")


def _one_line(text: str, limit: int = 200) -> str:
    """Line breaks and runs of spaces as one space, and at most `limit` characters: a file's
    text quoted in a message (an unclosed quote swallows lines) never breaks the one line."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
