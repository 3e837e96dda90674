"""Manifold capacity of point clouds by the anchor-point method: Numba kernels (``kernels``), the
API (``analysis``), the direct LP simulation (``simulation``), checks and benchmarks."""
from __future__ import annotations

from .analysis import ManifoldAnalysis, analyse, analyse_frames, frames, validate
from .kernels import anchor_chunk, anchor_one, max_margin, nnls

__all__ = ["ManifoldAnalysis", "analyse", "analyse_frames", "anchor_chunk", "anchor_one", "frames", "max_margin", "nnls",
           "validate"]
