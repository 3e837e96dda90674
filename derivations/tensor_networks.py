"""Derivation: the min-cut of the ConvAC tensor network in closed form for the left-right and
odd-even partitions (Levine, Yakira, Cohen & Shashua 2018), proved equal to the networkx
min-cut of ``convac-separation-rank`` at sample architectures."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

LEVINE = ("Y. Levine, D. Yakira, N. Cohen, A. Shashua. Deep Learning and Quantum Entanglement: Fundamental "
          "Connections with Implications to Network Design. ICLR (2018). arXiv:1704.01552.")
CSS = ("N. Cohen, O. Sharir, A. Shashua. On the Expressive Power of Deep Learning: A Tensor Analysis. "
       "COLT (2016). arXiv:1509.05009.")

M = sp.Symbol("M", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
R = sp.symbols("r_0:6", positive=True, integer=True)


def left_right(L: int):
    """min(r_(L-1), r_(L-2), r_(L-3)^2, ..., r_0^(2^(L-2)), M^(2^(L-1))); min(M, r_0) at L = 1."""
    if L == 1:
        return sp.Min(M, R[0])
    terms = [R[L - 1], R[L - 2]] + [R[L - 2 - j] ** (2**j) for j in range(1, L - 1)] + [M ** (2 ** (L - 1))]
    return sp.Min(*terms)


def recursion(L: int):
    """h_0 = min(M, r_0), h_l = min(r_l, r_(l-1), h_(l-1)^2); the left-right cut is h_(L-1)."""
    h = sp.Min(M, R[0])
    for level in range(1, L):
        h = sp.Min(R[level], R[level - 1], h**2, evaluate=False)
    return h


def _lr(L):
    return lambda p: {"M": p["channels"], **{f"r_{i}": p["widths"][i] for i in range(L)}}


@derivation("convac-min-cut", title="The min-cut of a ConvAC's tensor network for left-right and odd-even "
                                    "partitions",
            results=(Result("odd_even", "convac-separation-rank",
                            symbols=lambda p: {"N": p["inputs"], "M": p["channels"], "r_0": p["widths"][0]},
                            points=({"inputs": 8, "channels": 3, "widths": (4, 5, 3), "partition": "odd-even"},
                                    {"inputs": 16, "channels": 2, "widths": (1, 3, 3, 3), "partition": "odd-even"},
                                    {"inputs": 4, "channels": 5, "widths": (3, 1), "partition": "odd-even"},
                                    {"inputs": 2, "channels": 4, "widths": (7,), "partition": "odd-even"})),
                     Result("left_right_2", "convac-separation-rank", symbols=_lr(2),
                            points=({"inputs": 4, "channels": 2, "widths": (2, 3), "partition": "left-right"},
                                    {"inputs": 4, "channels": 3, "widths": (5, 7), "partition": "left-right"},
                                    {"inputs": 4, "channels": 2, "widths": (9, 2), "partition": "left-right"})),
                     Result("left_right_3", "convac-separation-rank", symbols=_lr(3),
                            points=({"inputs": 8, "channels": 2, "widths": (2, 2, 2), "partition": "left-right"},
                                    {"inputs": 8, "channels": 2, "widths": (9, 30, 40), "partition": "left-right"},
                                    {"inputs": 8, "channels": 3, "widths": (2, 9, 6), "partition": "left-right"},
                                    {"inputs": 8, "channels": 5, "widths": (50, 700, 800),
                                     "partition": "left-right"})),
                     Result("left_right_4", "convac-separation-rank", symbols=_lr(4),
                            points=({"inputs": 16, "channels": 2, "widths": (2, 4, 4, 2), "partition": "left-right"},
                                    {"inputs": 16, "channels": 2, "widths": (3, 10, 100, 1000),
                                     "partition": "left-right"},
                                    {"inputs": 16, "channels": 3, "widths": (3, 9, 80, 90),
                                     "partition": "left-right"})),
                     Result("entropy_odd_even", "convac-entanglement-entropy",
                            symbols=lambda p: {"N": p["inputs"], "M": p["channels"], "r_0": p["widths"][0]},
                            points=({"inputs": 8, "channels": 3, "widths": (4, 5, 3), "partition": "odd-even"},
                                    {"inputs": 16, "channels": 5, "widths": (2, 3, 3, 3), "partition": "odd-even"})),
                     Result("max_rank", "convac-max-separation-rank",
                            symbols=lambda p: {"k": min(p["size"], p["inputs"] - p["size"]), "M": p["channels"],
                                               "r_0": p["widths"][0]},
                            points=({"inputs": 8, "channels": 2, "widths": (2, 2, 2), "size": 4},
                                    {"inputs": 16, "channels": 3, "widths": (2, 4, 4, 2), "size": 5},
                                    {"inputs": 16, "channels": 4, "widths": (7, 1, 1, 1), "size": 13},
                                    {"inputs": 4, "channels": 5, "widths": (3, 9), "size": 1}))),
            citation="Levine, Yakira, Cohen & Shashua (2018), ICLR, Theorem 1")
def convac_min_cut(doc: Document) -> None:
    doc.abstract = (r"The coefficient tensor of a convolutional arithmetic circuit (ConvAC) on $N=2^L$ inputs "
                    r"is a binary-tree tensor network. Its matricisation by a partition $(A,B)$ of the inputs "
                    r"has rank at most the least product of bond dimensions over edge cuts separating $A$ "
                    r"from $B$ (Levine et al.\ 2018). We derive that min-cut in closed form for the odd-even "
                    r"partition, $\min(M,r_0)^{N/2}$, and the left-right one, "
                    r"$\min(r_{L-1},r_{L-2},r_{L-3}^2,\dots,r_0^{2^{L-2}},M^{2^{L-1}})$, and the build "
                    r"proves each equal to the networkx max-flow min-cut of the quantity.")
    doc.assume(r"Input $j$ is represented by $M$ functions; a $1\times1$ convolution maps them to $r_0$ "
               r"channels (weights $W^{(0,j)}\in\mathbb{R}^{r_0\times M}$, not shared); level $l=1..L$ "
               r"multiplies the two children channel-wise (a copy tensor $\delta$ with three legs of "
               r"dimension $r_{l-1}$) and convolves to $r_l$ channels, $r_L=1$ (Cohen, Sharir \& Shashua 2016).")
    doc.assume(r"The weight of an edge cut is the product of the bond dimensions it severs, so the weight "
               r"of a union of disjoint cuts is the product of their weights; equivalently its capacity "
               r"is $\ln(\text{bond dimension})$ and weights add.")
    # N = 2: the coefficient matrix, explicitly
    w1 = sp.Matrix(2, 2, sp.symbols("a_11 a_12 a_21 a_22"))
    w2 = sp.Matrix(2, 2, sp.symbols("b_11 b_12 b_21 b_22"))
    v = sp.symbols("v_1 v_2")
    coeff = w1.T * sp.diag(*v) * w2
    doc.equal(coeff.det(), v[0] * v[1] * w1.det() * w2.det(),
              r"For $N=2$ the coefficient matrix is $[A]=W^{(0,1)\top}\operatorname{diag}(v)\,W^{(0,2)}$, "
              r"$v$ the output weights. With $M=r_0=2$ its determinant factors, so its rank is 2 unless a "
              r"weight matrix is singular or an output weight vanishes (a null set):",
              lhs_tex=r"\det [A]_{\{1\},\{2\}}")
    u1, u2 = sp.Matrix(1, 2, sp.symbols("a_1 a_2")), sp.Matrix(1, 2, sp.symbols("b_1 b_2"))
    doc.equal((u1.T * sp.Matrix([[v[0]]]) * u2).det(), 0,
              r"With $r_0=1<M=2$ it is an outer product, of determinant zero: rank $\le\min(M,r_0)$, the "
              r"cheaper of cutting the open leg ($M$) or the channel bond ($r_0$):",
              lhs_tex=r"\det\bigl(v\,a^\top b\bigr)")
    # odd-even
    k, n2 = sp.Symbol("k", positive=True, integer=True), sp.Symbol("n", positive=True, integer=True)
    doc.say(r"\emph{Odd-even.} Every pooling node of level 1 joins an input of $A$ to one of $B$, so every "
            r"cut severs, in each of the $N/2$ pairs, a path from one leaf of the pair to the node: at "
            r"least $\min(M,r_0)$ per pair, on disjoint edges. Severing the leaf of $B$ in every pair "
            r"attains it: what remains connected holds legs of $A$ only.")
    doc.equal(sp.Product(sp.Min(M, R[0]), (k, 1, n2)), sp.Min(M, R[0]) ** n2,
              r"The weights of the $n=N/2$ disjoint pair cuts multiply:")
    doc.result("odd_even", sp.Min(M, R[0]) ** (N / 2), r"Odd-even min-cut, $n=N/2$:", lhs=r"\operatorname{rank}[A]_{\rm odd,even}")
    doc.equal(sp.log(sp.Min(M, R[0]) ** (N / 2)), N / 2 * sp.log(sp.Min(M, R[0])),
              r"Its entanglement-entropy reading, the min-cut weight with capacities $\ln(\text{bond "
              r"dimension})$, bounds $-\sum_i p_i\ln p_i\le\ln\operatorname{rank}$ ($p_i$ the normalised "
              r"squared singular values of $[A]_{A,B}$):")
    doc.result("entropy_odd_even", N / 2 * sp.log(sp.Min(M, R[0])), r"Odd-even entanglement-entropy bound:", lhs=r"S_{\rm odd,even}", relation="<=")
    doc.say(r"\emph{Largest over partitions of a given size.} Any $A$ with $|A|=k$ is separated by "
            r"severing, below its first pooling node, the cheaper edge of each leaf of $A$: weight "
            r"$\min(M,r_0)^k$. Putting one input of each of $k\le N/2$ level-1 pairs in $A$ (and the "
            r"partner in $B$) forces that much: the $k$ paths joining a pair's two leaves through its "
            r"pooling node are disjoint and each costs $\min(M,r_0)$ to sever. Complementing, $k\to N-k$.")
    kk = sp.Symbol("k", positive=True, integer=True)
    doc.result("max_rank", sp.Min(M, R[0]) ** kk,
               r"Largest min-cut over $|A|=k$, $k\le N/2$ (else $N-k$): depth and the widths above the "
               r"first layer play no role in it:", lhs=r"\max_{|A|=k}\operatorname{rank}[A]_{A,B}")
    # left-right
    doc.say(r"\emph{Left-right.} Let $h_l$ be the least weight of a cut separating the $2^l$ leaves of a "
            r"subtree whose top convolution outputs $r_l$ channels from everything above it. A leaf: "
            r"$h_0=\min(M,r_0)$. A subtree of level $l\ge1$: sever its top bond ($r_l$), or the bond "
            r"between its pooling node and its convolution ($r_{l-1}$), or both children separately "
            r"($h_{l-1}^2$, disjoint edges): $h_l=\min(r_l,r_{l-1},h_{l-1}^2)$. The left half is the "
            r"subtree of level $L-1$ and the right half its mirror, joined at the top pooling node, whose "
            r"third leg (the output convolution) is a dead end: the left-right min-cut is $h_{L-1}$.")
    for L in (2, 3, 4):
        doc.equal(recursion(L), left_right(L),
                  rf"Unrolled for $L={L}$ (using $x^2\ge x$ for positive integers, so $r_{{l-1}}^2$ never "
                  rf"beats $r_{{l-1}}$):", lhs_tex=rf"h_{{{L - 1}}}")
        doc.result(f"left_right_{L}", left_right(L), rf"Left-right min-cut at $L={L}$ ($N={2**L}$):", lhs=r"\operatorname{rank}[A]_{\rm left,right}")
    doc.say(r"The upper bound $\operatorname{rank}[A]_{A,B}\le$ min-cut holds for every weight setting "
            r"(contract each side of the cut into one matrix: the matricisation factors through the "
            r"severed bonds). Levine et al.\ prove equality for all weights outside a Lebesgue-null set "
            r"under their hypothesis on the channel numbers; the check \texttt{convac-rank-equals-min-cut} "
            r"measures exact ranks over $\mathbb{F}_p$ beyond it.")
    doc.references = [LEVINE, CSS]
