"""Outputs for people and files: reports, charts, the committee workbook."""
