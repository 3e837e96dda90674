"""Learning curves: double descent (minimum-norm, ridge, random features) and solvable scaling laws
(power-law ridgeless regression, random projections): simulators, checks, a benchmark and a
scaling-law fitter (``fit.fit_scaling_law``)."""
