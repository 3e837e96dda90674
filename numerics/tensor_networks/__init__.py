"""ConvAC tensor networks: exact ranks over a prime field (kernels), the checks of the min-cut
quantities (checks) and the benchmark of the modular rank (benchmarks)."""
