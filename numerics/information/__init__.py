"""Information (issue 15): Numba kernels (``kernels``, ``trainer``), the checks of the information
quantities (``checks``, ``weights``, ``invariance``), benchmarks, and the information-plane experiment (``plane``)."""
