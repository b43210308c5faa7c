"""The evidence: observed outcomes, calibration, the evaluation report."""
