"""Mean-field derivations: the length and correlation maps (``maps``), the kernels (``kernels``),
the four-point vertex for one and two inputs (``four_point``), the fluctuation exponents
(``fluctuations``); ``common`` holds the symbols, references and the checked Gaussian identity table.
"""
