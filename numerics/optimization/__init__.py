"""Optimisation: failures of gradient-based learning and the implicit bias of gradient descent."""
