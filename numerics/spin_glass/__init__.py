"""Loss landscapes: spherical p-spin critical points and dense clusters of the binary perceptron (kernels, checks, benchmarks)."""
