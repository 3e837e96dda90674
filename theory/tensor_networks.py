"""Tensor networks: the separation rank of convolutional arithmetic circuits as a min-cut
(Levine, Yakira, Cohen & Shashua 2018).

The ConvAC (hierarchical Tucker form of Cohen, Sharir & Shashua 2016) on N = 2^L inputs, each
represented by M functions: a 1x1 convolution from M to r_0 channels at every input (weights
not shared between positions); then L levels, each a size-2 product pooling (the two children
share the channel index) followed by a 1x1 convolution, level l from r_(l-1) to r_l channels
for l < L and the last level from r_(L-1) to the scalar output. Its coefficient tensor
A[d_1, ..., d_N] is a tree tensor network: per input, an open leg of dimension M into the
matrix of the first convolution; per pooling node, a copy (delta) tensor with three legs of
dimension r_(l-1) joining the two children and the next convolution.

For a partition (A, B) of the inputs, the separation rank of the network's function is the
rank of the matricisation [A]_(A,B). It is at most the minimal weight, multiplicatively, of an
edge cut of that graph separating the legs of A from those of B (Levine et al. 2018, ICLR,
Theorem 1); the min-cut is solved here with networkx max-flow (imported only inside the
evaluators, so ``dltheory eval`` stays fast) on capacities ln(bond dimension), scaled to exact
integers so that no floating-point tie can pick a cut of larger product (see ``_capacities``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ._quantity import BadInput, Int, IntList, Param, quantity

LEVINE = ("Levine, Yakira, Cohen & Shashua (2018), Deep Learning and Quantum Entanglement: Fundamental "
          "Connections with Implications to Network Design, ICLR 2018 (arXiv:1704.01552), "
          "Theorem 1 (min-cut upper bound; equality for all weights but a null set under their "
          "hypothesis on the channel numbers)")
NAMED_PARTITIONS = ("left-right", "odd-even")
MAX_INPUTS = 1024
MAX_DIM = 10**6
_POSITIONS = re.compile(r"\s*\d+\s*(,\s*\d+\s*)*")


@dataclass(frozen=True)
class PartitionParam(Param):
    """``left-right``, ``odd-even`` or distinct 1-based input positions (the set A); the range and
    the proper-subset condition depend on ``inputs`` and are checked by the evaluator."""

    @property
    def domain(self) -> str:
        return "left-right, odd-even, or comma-separated distinct 1-based input positions (the set A)"

    def _convert(self, text, raw):
        if text in NAMED_PARTITIONS:
            return text
        if not _POSITIONS.fullmatch(text):
            raise BadInput(self.name, raw, self.domain, "not a named partition nor a list of positions")
        return tuple(int(t) for t in text.split(","))

    def validate(self, value):
        if isinstance(value, str):
            return self._convert(value.strip(), value)
        if isinstance(value, int) and not isinstance(value, bool):
            value = (value,)
        try:
            items = tuple(value)
        except TypeError:
            raise BadInput(self.name, value, self.domain, "not a partition") from None
        if not items or any(isinstance(v, bool) or not isinstance(v, int) for v in items):
            raise BadInput(self.name, value, self.domain, "not a list of integer positions")
        if len(set(items)) != len(items):
            raise BadInput(self.name, ",".join(map(str, items)), self.domain, "a position is repeated")
        return tuple(sorted(items))


_INPUTS = Int("inputs", lo=2, hi=MAX_INPUTS, doc="N = 2^L inputs")
_CHANNELS = Int("channels", lo=1, hi=MAX_DIM, doc="M representation functions per input")
_WIDTHS = IntList("widths", lo=1, hi=MAX_DIM, doc="r_0, ..., r_(L-1): channels after each 1x1 convolution")
_PARTITION = PartitionParam("partition", doc="left-right, odd-even, or the 1-based positions of A")
_EXAMPLES = ({"inputs": 8, "channels": 2, "widths": (2, 2, 2), "partition": "left-right"},
             {"inputs": 8, "channels": 3, "widths": (4, 5, 3), "partition": "odd-even"},
             {"inputs": 16, "channels": 2, "widths": (4, 3, 8, 2), "partition": (1, 2, 5, 6, 9, 10, 13, 14)},
             {"inputs": 4, "channels": 3, "widths": (2, 5), "partition": (1, 3)})


def depth(inputs: int, widths) -> int:
    """L = log2 N, with N a power of 2 and one width per level enforced (BadInput otherwise)."""
    if inputs < 2 or inputs & (inputs - 1):
        raise BadInput("inputs", inputs, f"a power of 2 from 2 to {MAX_INPUTS}", "not a power of 2")
    L = inputs.bit_length() - 1
    if len(widths) != L:
        raise BadInput("widths", ",".join(map(str, widths)), f"exactly log2(inputs) = {L} widths r_0..r_{L - 1}",
                       "wrong length")
    return L


def side_a(inputs: int, partition) -> frozenset[int]:
    """The 0-based input positions of A for a named or explicit partition (validated)."""
    if partition == "left-right":
        return frozenset(range(inputs // 2))
    if partition == "odd-even":
        return frozenset(range(0, inputs, 2))  # positions 1, 3, 5, ... (1-based)
    shown = ",".join(map(str, partition))
    if min(partition) < 1 or max(partition) > inputs:
        raise BadInput("partition", shown, f"positions from 1 to inputs={inputs}", "position out of range")
    if len(partition) >= inputs:
        raise BadInput("partition", shown, "a proper subset of the inputs (B must not be empty)", "A is every input")
    return frozenset(p - 1 for p in partition)


def edges(inputs: int, channels: int, widths) -> list[tuple[tuple, tuple, int]]:
    """The ConvAC's tensor-network graph: (node, node, bond dimension) for every internal and
    open edge. Nodes: ("in", j) the open leg of input j, ("w", l, k) the convolution of level l
    at node k, ("d", l, k) the copy tensor of the pooling of level l (l = 1..L)."""
    L = depth(inputs, widths)
    out = []
    for j in range(inputs):
        out.append((("in", j), ("w", 0, j), channels))
        out.append((("w", 0, j), ("d", 1, j // 2), widths[0]))
    for level in range(1, L + 1):
        for k in range(inputs >> level):
            out.append((("d", level, k), ("w", level, k), widths[level - 1]))
            if level < L:
                out.append((("w", level, k), ("d", level + 1, k // 2), widths[level]))
    return out


def _capacities(graph_edges, bound: int) -> dict[int, int]:
    """Exact integer capacities c(d) with |c(d) - S ln d| <= 1, S = 2^k >= 4 E (bound + 1).

    For a cut C, S ln P_C - |C| <= c(C) <= S ln P_C + |C| (P_C: product of its dimensions). Two
    cuts of products P < Q <= bound differ by S ln(Q/P) >= S/(P + 1) > 2E in their ln-products,
    more than the rounding of both, so an integer-capacity min-cut is a cut of least product.
    """
    import mpmath

    count = len(graph_edges)
    bits = (4 * count * (bound + 1)).bit_length()
    dims = {d for _, _, d in graph_edges}
    with mpmath.workprec(bits + 64):
        scale = mpmath.mpf(2) ** bits
        return {d: (0 if d == 1 else int(mpmath.floor(scale * mpmath.log(d)))) for d in dims}


def min_cut(inputs: int, channels: int, widths, a_side) -> tuple[int, list[tuple[tuple, tuple, int]]]:
    """(least product of bond dimensions over edge cuts separating A's legs from B's, the cut's
    edges), by networkx max-flow on the TN graph (source joined to A's legs, sink to B's)."""
    import networkx as nx

    graph_edges = edges(inputs, channels, widths)
    a_side = frozenset(a_side)
    bound = channels ** min(len(a_side), inputs - len(a_side))  # cutting every leg of the smaller side
    caps = _capacities(graph_edges, bound)
    g = nx.Graph()
    for u, v, d in graph_edges:
        g.add_edge(u, v, capacity=caps[d])
    for j in range(inputs):  # no capacity attribute: infinite
        g.add_edge("source" if j in a_side else "sink", ("in", j))
    value, (reach, _) = nx.minimum_cut(g, "source", "sink")
    cut = [(u, v, d) for u, v, d in graph_edges if (u in reach) != (v in reach)]
    if sum(caps[d] for _, _, d in cut) != value:  # pragma: no cover - networkx's own consistency
        raise RuntimeError("min-cut edges do not add up to the max-flow value")
    return math.prod(d for _, _, d in cut), cut


@quantity("convac-separation-rank", _INPUTS, _CHANNELS, _WIDTHS, _PARTITION, status="rigorous-upper-bound",
          verified="recomputed", citation=LEVINE + "; min-cut by networkx max-flow", examples=_EXAMPLES)
def convac_separation_rank(inputs: int, channels: int, widths, partition):
    """Min-cut bound on the separation rank of a ConvAC: min over edge cuts of prod(bond dims).

    sep(A, B) = rank [A]_(A,B) <= min_C prod_{e in C} dim(e), over edge sets C of the ConvAC's
    tensor-network graph separating the inputs of A from those of B (Levine, Yakira, Cohen &
    Shashua 2018, ICLR, Theorem 1; quantum max-flow/min-cut). Rigorous upper bound for every
    weight setting; the paper proves equality for all weights but a Lebesgue-null set under a
    hypothesis on the channel numbers (widths that are powers of a common integer;
    ``docs/tensor_networks.md`` states what the check found beyond it). Closed forms: odd-even min(M, r_0)^(N/2); left-right
    min(r_(L-1), r_(L-2), r_(L-3)^2, ..., r_0^(2^(L-2)), M^(2^(L-1))) (derivation
    ``convac-min-cut``).
    """
    depth(inputs, widths)
    return min_cut(inputs, channels, widths, side_a(inputs, partition))[0]


@quantity("convac-entanglement-entropy", _INPUTS, _CHANNELS, _WIDTHS, _PARTITION, status="rigorous-upper-bound",
          verified="recomputed", citation=LEVINE + "; entanglement entropy <= ln(Schmidt rank)", examples=_EXAMPLES[:2])
def convac_entanglement_entropy(inputs: int, channels: int, widths, partition):
    """ln of the min-cut: the bound on the entanglement entropy of the ConvAC's coefficient tensor.

    With sigma_i the singular values of [A]_(A,B) and p_i = sigma_i^2 / sum sigma^2, the
    entanglement entropy -sum p_i ln p_i is at most ln rank [A]_(A,B) <= ln(min-cut) = the
    min-cut weight with capacities ln(bond dimension) (Levine et al. 2018, ICLR).
    Rigorous upper bound, attained by a flat spectrum; float (nats).
    """
    return math.log(convac_separation_rank.function(inputs, channels, widths, partition))


def orbit_count(height: int, size: int) -> int:
    """Number of orbits of the size-``size`` subsets of the 2^height leaves of a complete binary
    tree under swapping the two children of any node (the tree's automorphism group)."""
    counts = [1, 1]  # height 0: the empty set and the leaf
    for _ in range(height):
        c = lambda a: counts[a] if 0 <= a < len(counts) else 0  # noqa: E731
        top = 2 * (len(counts) - 1)
        counts = [(sum(c(a) * c(s - a) for a in range(s + 1)) + (c(s // 2) if s % 2 == 0 else 0)) // 2
                  for s in range(top + 1)]
    return counts[size] if 0 <= size < len(counts) else 0


def orbit_representatives(inputs: int, size: int) -> list[frozenset[int]]:
    """One subset (0-based positions) of each orbit of the size-``size`` subsets of the inputs
    under the tree's automorphisms, which preserve the TN graph and its dimensions (hence the
    min-cut). A subset of a subtree is the unordered pair of its children's subsets."""
    memo: dict[tuple[int, int], list[tuple[int, ...]]] = {}

    def forms(height: int, s: int) -> list[tuple[int, ...]]:  # subsets of leaves 0 .. 2^height - 1
        if (height, s) in memo:
            return memo[height, s]
        if height == 0:
            out = [()] if s == 0 else [(0,)] if s == 1 else []
        else:
            half, out = 1 << (height - 1), []
            for s1 in range(max(0, s - half), min(s, half) + 1):
                s2 = s - s1
                if s1 > s2:
                    continue
                left, right = forms(height - 1, s1), forms(height - 1, s2)
                for i, f1 in enumerate(left):
                    for f2 in (right[i:] if s1 == s2 else right):
                        out.append(f1 + tuple(half + x for x in f2))
        memo[height, s] = out
        return out

    return [frozenset(f) for f in forms(inputs.bit_length() - 1, size)]


def split_pairs(inputs: int, size: int) -> frozenset[int]:
    """A = one input from each of ``size`` level-1 pairs (0-based 0, 2, 4, ...); for size > N/2
    the complement of that set for N - size (a maximiser of the min-cut at that size)."""
    small = min(size, inputs - size)
    a = frozenset(range(0, 2 * small, 2))
    return a if small == size else frozenset(range(inputs)) - a


@quantity("convac-max-separation-rank", _INPUTS, _CHANNELS, _WIDTHS, Int("size", lo=1, doc="|A|"),
          status="rigorous-upper-bound", verified="recomputed",
          citation=LEVINE + "; maximised over partitions with |A| = size "
                                                           "(maximiser derived here)",
          examples=({"inputs": 8, "channels": 2, "widths": (2, 2, 2), "size": 4},
                    {"inputs": 16, "channels": 3, "widths": (2, 4, 4, 2), "size": 5}))
def convac_max_separation_rank(inputs: int, channels: int, widths, size: int):
    """max over |A| = size of the min-cut bound on sep(A, B): min(M, r_0)^min(size, N - size).

    Every A with |A| = k has a cut of product min(M, r_0)^k (sever each leaf of A below its
    first pooling), and the partition that puts one input of each of k level-1 pairs in A needs
    that much (the k leaf-to-leaf paths through the pairs' pooling nodes are disjoint, each
    costs min(M, r_0) to sever); by symmetry k -> N - k (derivation ``convac-min-cut``). The
    value is the networkx min-cut of that maximiser. Rigorous upper bound on the largest
    separation rank of any partition of that size (Levine et al. 2018, ICLR, Theorem 1).
    """
    depth(inputs, widths)
    if size >= inputs:
        raise BadInput("size", size, f"1 to inputs - 1 = {inputs - 1}", "A must be a proper subset")
    return min_cut(inputs, channels, widths, split_pairs(inputs, size))[0]


def naive_bound(inputs: int, channels: int, a_size: int) -> int:
    """min(M^|A|, M^|B|): the rank bound of an unstructured M^N tensor (the power test's wrong theory)."""
    return channels ** min(a_size, inputs - a_size)

