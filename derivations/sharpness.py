"""Derivation: Keskar et al.'s epsilon-sharpness of a quadratic (the vertex lemma, the diagonal closed form)
and Dinh et al.'s alpha-scale transformation of the Hessian, its invariant and its sharpness."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

KESKAR = ("N. S. Keskar, D. Mudigere, J. Nocedal, M. Smelyanskiy, P. T. P. Tang. On large-batch training for "
          "deep learning: generalization gap and sharp minima. ICLR (2017), arXiv:1609.04836, Metric 2.1.")
DINH = ("L. Dinh, R. Pascanu, S. Bengio, Y. Bengio. Sharp minima can generalize for deep nets. ICML (2017), "
        "arXiv:1703.04933, Sec. 4.")

eps, alpha, w = sp.symbols("varepsilon alpha w", positive=True)
z, b, c0 = sp.symbols("z b c_0", real=True)
m = sp.Symbol("m", nonnegative=True)
f0 = sp.Symbol("f", nonnegative=True)
T1, T2 = sp.symbols("T_1 T_2", nonnegative=True)
u, v, x, y = sp.symbols("u v x y", positive=True)
ha, hc = sp.symbols("a c", real=True)
hb = sp.Symbol("b_H", real=True)
h1, h2 = sp.symbols("h_1 h_2", nonnegative=True)
x1, x2, g1, g2 = sp.symbols("x_1 x_2 g_1 g_2", real=True)


def _diag(point: dict) -> dict:
    h = point["hessian"]
    g = point.get("gradient") or (0.0, 0.0)
    return {"h_1": h[0], "h_2": h[3], "x_1": point["point"][0], "x_2": point["point"][1], "g_1": g[0], "g_2": g[1],
            "varepsilon": point["epsilon"], "f": point.get("loss") or 0.0}


def _dinh_diag(point: dict) -> dict:
    return {**_diag(point), "alpha": point["alpha"]}


def _two_by_two(point: dict) -> dict:
    h = point["hessian"]
    return {"a": h[0], "b_H": h[1], "c": h[3], "alpha": point["alpha"]}


_KESKAR_DIAG = ({"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "epsilon": 0.01},
                {"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "epsilon": 0.1, "loss": 0.2,
                 "gradient": (0.1, -0.3)})
_DINH_DIAG = ({"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "first": 1, "alpha": 4.0, "epsilon": 0.01},
              {"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "first": 1, "alpha": 0.1, "epsilon": 0.01,
               "loss": 0.1, "gradient": (0.2, 0.1)},
              {"hessian": (0.7, 0.0, 0.0, 3.0), "point": (-2.0, 0.25), "first": 1, "alpha": 1.5, "epsilon": 0.2,
               "loss": 1.0, "gradient": (-0.4, 0.0)})


def keskar_diagonal():
    wa, wb = eps * (sp.Abs(x1) + 1), eps * (sp.Abs(x2) + 1)
    return 100 * (h1 * wa**2 / 2 + sp.Abs(g1) * wa + h2 * wb**2 / 2 + sp.Abs(g2) * wb) / (1 + f0)


def dinh_diagonal():
    wa, wb = eps * (sp.Abs(x1) + 1 / alpha), eps * (sp.Abs(x2) + alpha)
    return 100 * (h1 * wa**2 / 2 + sp.Abs(g1) * wa + h2 * wb**2 / 2 + sp.Abs(g2) * wb) / (1 + f0)


@derivation("keskar-dinh-sharpness", title="Epsilon-sharpness of a quadratic, and the alpha-scale transformation "
                                          "of a ReLU network's Hessian",
            results=(Result("keskar_diag", "keskar-sharpness-quadratic", symbols=_diag, points=_KESKAR_DIAG),
                     Result("trace", "dinh-transformed-trace",
                            symbols={"T_1": "trace_first", "T_2": "trace_second", "alpha": "alpha"}),
                     Result("invariant", "dinh-invariant-trace", symbols={"T_1": "trace_first", "T_2": "trace_second"}),
                     Result("top", "dinh-transformed-top-eigenvalue", symbols=_two_by_two),
                     Result("dinh_diag", "dinh-transformed-sharpness", symbols=_dinh_diag, points=_DINH_DIAG)),
            citation="Keskar et al. (2017), Metric 2.1; Dinh et al. (2017), Sec. 4; derived here")
def keskar_dinh_sharpness(doc: Document) -> None:
    doc.abstract = (r"Keskar et al.\ (2017) measure the sharpness of a minimum $x$ by the largest relative rise "
                    r"of the loss over the box $C_\varepsilon=\{z:|z_i|\le\varepsilon(|(A^+x)_i|+1)\}$, "
                    r"$\phi=100\,(\max_{z\in C_\varepsilon}f(x+Az)-f(x))/(1+f(x))$. For a quadratic whose "
                    r"projected Hessian has a non-negative diagonal the maximum is at a vertex. Dinh et al.\ (2017) "
                    r"rescale a ReLU network's layers, $T_\alpha(\theta_1,\theta_2)=(\alpha\theta_1,\theta_2/\alpha)$, "
                    r"without changing its function; we give the transformed Hessian's trace, top eigenvalue and "
                    r"sharpness, and a measure that does not change.")
    doc.assume(r"$f(x+Az)=f(x)+g^\top Az+\tfrac12 z^\top Mz$ with $M=A^\top HA$, $M_{ii}\ge0$; "
               r"$\varepsilon>0$; half-widths $w_i=\varepsilon(|(A^+x)_i|+1)$.")
    doc.assume(r"Two-layer network $F_\theta(x)=\theta_2^\top\mathrm{relu}(\theta_1x)$, loss $L(\theta)$ a "
               r"function of the outputs $F_\theta(x_k)$ only, $\alpha>0$.")
    vertex = (r"\emph{Vertex lemma.} Fix all coordinates but $z_i$: $\varphi(z)=c_0+bz+\tfrac m2z^2$ with "
              r"$m=M_{ii}\ge0$. For $|z|\le w$ the convex combination of the end values exceeds the value at $z$:")
    phi = lambda s: c0 + b * s + m * s**2 / 2  # noqa: E731
    doc.equal(phi(w) * (w + z) / (2 * w) + phi(-w) * (w - z) / (2 * w) - phi(z), m * (w**2 - z**2) / 2, vertex,
              lhs_tex=r"\tfrac{w+z}{2w}\varphi(w)+\tfrac{w-z}{2w}\varphi(-w)-\varphi(z)")
    doc.say(r"So moving coordinates one at a time to the better end never lowers $f$: the maximum over "
            r"$C_\varepsilon$ is attained at one of its $2^p$ vertices, and enumerating them is exact.")
    doc.equal(sp.Max(b * w + m * w**2 / 2, -b * w + m * w**2 / 2), sp.Abs(b) * w + m * w**2 / 2,
              r"With a diagonal $M$ (and $A=I$) the coordinates decouple, each contributing",
              lhs_tex=r"\max_{|z|\le w}\varphi(z)-c_0")
    doc.result("keskar_diag", keskar_diagonal(),
               r"Two coordinates, diagonal $H$, $A=I$, gradient $g$ and loss $f$ at $x$:",
               lhs=r"\phi")
    doc.say(r"\emph{Alpha-scale transformation.} For $\alpha>0$, $\mathrm{relu}(\alpha s)=\alpha\,\mathrm{relu}(s)$, "
            r"so $(\theta_2/\alpha)^\top\mathrm{relu}(\alpha\theta_1x)=\theta_2^\top\mathrm{relu}(\theta_1x)$: "
            r"$L(D\theta)=L(\theta)$ for every $\theta$, with $D=\mathrm{diag}(\alpha I,I/\alpha)$. "
            r"Differentiating twice, $D\,\nabla^2L(D\theta)\,D=\nabla^2L(\theta)$, so "
            r"$\nabla^2L(T_\alpha\theta)=D^{-1}\nabla^2L(\theta)D^{-1}$: first-layer blocks divide by $\alpha^2$, "
            r"second-layer blocks multiply by $\alpha^2$, cross blocks are unchanged. On one active unit with "
            r"loss $(vux-y)^2/2$:")
    loss = (v * u * x - y) ** 2 / 2
    hess_trace = lambda uu, vv: (sp.diff(loss, u, 2) + sp.diff(loss, v, 2)).subs({u: uu, v: vv}, simultaneous=True)  # noqa: E731
    doc.equal(hess_trace(alpha * u, v / alpha), v**2 * x**2 / alpha**2 + alpha**2 * u**2 * x**2,
        r"the trace at $T_\alpha\theta$, with $T_1=v^2x^2$ and $T_2=u^2x^2$ the two diagonal entries at $\theta$:",
        lhs_tex=r"\operatorname{tr}\nabla^2L(\alpha u,v/\alpha)")
    trace = T1 / alpha**2 + alpha**2 * T2
    doc.result("trace", trace, r"In general, with $T_1$ and $T_2$ the traces of the two layers' blocks at $\theta$:",
               lhs=r"\operatorname{tr}\nabla^2L(T_\alpha\theta)")
    doc.equal(trace - 2 * sp.sqrt(T1 * T2), (sp.sqrt(T1) / alpha - alpha * sp.sqrt(T2)) ** 2,
              r"It is unbounded as $\alpha\to0$ ($T_1>0$) or $\alpha\to\infty$ ($T_2>0$), for the same function. "
              r"But $T_1T_2$ is invariant, and",
              lhs_tex=r"\tfrac{T_1}{\alpha^2}+\alpha^2T_2-2\sqrt{T_1T_2}")
    doc.result("invariant", 2 * sp.sqrt(T1 * T2),
               r"so the trace minimised over the orbit $\{T_\alpha\theta\}$ (attained at $\alpha^4=T_1/T_2$), "
               r"the same at every point of the orbit, is", lhs=r"\min_{\beta>0}\operatorname{tr}\nabla^2L(T_\beta\theta)")
    top = (ha / alpha**2 + hc * alpha**2) / 2 + sp.sqrt((ha / alpha**2 - hc * alpha**2) ** 2 / 4 + hb**2)
    doc.equal((top - ha / alpha**2) * (top - hc * alpha**2) - hb**2, 0,
              r"\emph{Top eigenvalue.} For $H=\begin{pmatrix}a&b_H\\b_H&c\end{pmatrix}$ (one parameter per layer), "
              r"$D^{-1}HD^{-1}$ has diagonal $a/\alpha^2$, $c\alpha^2$ and off-diagonal $b_H$; its larger root "
              r"solves the characteristic equation:",
              lhs_tex=r"(\lambda_{\max}-\tfrac{a}{\alpha^2})(\lambda_{\max}-c\alpha^2)-b_H^2")
    doc.result("top", top, r"so the top eigenvalue is (in general, at least "
                           r"$\max(\lambda_{\max}(H_{11})/\alpha^2,\alpha^2\lambda_{\max}(H_{22}))$ by Rayleigh "
                           r"quotients on each block, hence unbounded):",
               lhs=r"\lambda_{\max}(\nabla^2L(T_\alpha\theta))")
    sharp = (r"\emph{Sharpness under $T_\alpha$.} At $T_\alpha\theta$ the quadratic model has Hessian "
             r"$D^{-1}HD^{-1}$, gradient $D^{-1}g$, and Keskar's box has half-widths "
             r"$\varepsilon(\alpha|\theta_{1,i}|+1)$ and $\varepsilon(|\theta_{2,j}|/\alpha+1)$. With $z=Du$ the "
             r"objective is $g^\top u+\tfrac12u^\top Hu$ over the box $|u_{1,i}|\le\varepsilon(|\theta_{1,i}|+1/\alpha)$, "
             r"$|u_{2,j}|\le\varepsilon(|\theta_{2,j}|+\alpha)$. One first-layer coordinate "
             r"($h_1=H_{11}$, $x_1=\theta_1$, half-width $w_1'=\varepsilon(\alpha|x_1|+1)$ at $T_\alpha\theta$):")
    doc.equal((h1 / alpha**2) * (eps * (alpha * sp.Abs(x1) + 1)) ** 2 / 2 + sp.Abs(g1 / alpha) * eps * (alpha * sp.Abs(x1) + 1),
              h1 * (eps * (sp.Abs(x1) + 1 / alpha)) ** 2 / 2 + sp.Abs(g1) * eps * (sp.Abs(x1) + 1 / alpha),
              sharp, lhs_tex=r"\tfrac{h_1}{2\alpha^2}w_1'^2+\tfrac{|g_1|}{\alpha}w_1'")
    doc.say(r"and one second-layer coordinate likewise with $\alpha\to1/\alpha$.")
    doc.result("dinh_diag", dinh_diagonal(),
               r"For diagonal $H$, one parameter per layer, the sharpness at $T_\alpha\theta$ is "
               r"(growing like $\alpha^2$ and like $\alpha^{-2}$: unbounded for the same function)",
               lhs=r"\phi(T_\alpha\theta)")
    doc.references = [KESKAR, DINH]
