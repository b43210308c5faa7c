"""The model: parameter draws, the closed form (expected), the SimPy engine (flow), the
vectorised engine (fast), Monte Carlo."""
