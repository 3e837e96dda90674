"""Random subset sum (strong lottery tickets): Numba kernels, checks and a benchmark."""
