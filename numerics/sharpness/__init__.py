"""Local entropy, flatness and sharpness: Numba kernels, checks and benchmarks."""
