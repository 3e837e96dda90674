"""Derivations of the generalization capability (``dltheory.derivations.generalization``): modules
``pac_bayes`` (kl-inverse, PAC-Bayes), ``rademacher`` (Rademacher complexities, the margin bound) and
``vc`` (the VC bound, VC-dimension bounds)."""
