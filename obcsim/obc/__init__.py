"""The published case: its tables, their reconciliation, back-solved unit costs."""
