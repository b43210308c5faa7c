"""The case: the scenario schema (pydantic), safe YAML, distributions, the edits a board may
make, the shipped scenarios."""
