"""Quantity: a named closed-form result with typed parameters, a citation and a status.

Evaluating a quantity imports neither numba nor sympy: evaluators use integers,
``fractions.Fraction``, ``math`` and ``mpmath``.
"""
from __future__ import annotations

import inspect
import math
import numbers
import re
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

STATUSES = (
    "exact",
    "rigorous-upper-bound",
    "rigorous-lower-bound",
    "asymptotic",
    "replica-symmetric",
    "1rsb",
    "heuristic",
    "conjecture",
    "published-and-refuted",
)

_REQUIRED = object()


class BadInput(ValueError):
    """A parameter outside its domain; the CLI prints ``str(self)`` and exits 2."""

    def __init__(self, param: str, value: Any, domain: str, problem: str = "outside its domain"):
        self.param, self.value, self.domain = param, value, domain
        shown = value if isinstance(value, str) else repr(value)
        if len(shown) > 160:  # one readable line: a long value is shortened
            shown = f"{shown[:80]}...({len(shown)} characters)"
        super().__init__(f"parameter {param}={shown}: {problem}; allowed: {domain}")


@dataclass(frozen=True)
class Param:
    """A typed parameter; ``parse`` turns command-line text into a validated value.

    ``forms``: where a quantity has a ``form`` parameter, the forms that take this one (empty:
    all); each of them requires it unless ``form_optional``. Give such parameters default=None.
    """

    name: str
    doc: str = ""
    default: Any = _REQUIRED
    forms: tuple[str, ...] = ()
    form_optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    @property
    def domain(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """What ``dltheory list NAME`` shows of this parameter."""
        return {"name": self.name, "domain": self.domain, "required": self.required,
                "default": None if self.required else self.default, "forms": list(self.forms),
                "form_optional": self.form_optional, "doc": self.doc}

    def parse(self, text: str) -> Any:
        """Command-line text: ASCII only (Python's int() and float() would also read other scripts' digits)."""
        if not text.isascii():
            raise BadInput(self.name, text, self.domain, "not ASCII text")
        return self.validate(self._convert(text.strip(), text))

    def validate(self, value: Any) -> Any:
        return value

    def _convert(self, text: str, raw: str) -> Any:
        return text


_INT = re.compile(r"[+-]?[0-9]+")
MAX_DIGITS = 100_000  #: an exact result with more digits is refused (printing it would take seconds)


def _to_int(text: str, name: str, raw: str, domain: str) -> int:
    """int(text), or BadInput for integer text beyond Python's digit limit (4300 digits)."""
    try:
        return int(text)
    except ValueError:
        raise BadInput(name, raw, domain, "an integer with too many digits") from None


def _bounds_text(lo, hi, lo_open=False, hi_open=False) -> str:
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '>='} {lo}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '<='} {hi}")
    return " and ".join(parts)


@dataclass(frozen=True)
class Int(Param):
    lo: int | None = None
    hi: int | None = None

    @property
    def domain(self) -> str:
        b = _bounds_text(self.lo, self.hi)
        return f"integer {b}".strip()

    def _convert(self, text, raw):
        if not _INT.fullmatch(text):
            raise BadInput(self.name, raw, self.domain, "not an integer")
        return _to_int(text, self.name, raw, self.domain)

    def validate(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise BadInput(self.name, value, self.domain, "not an integer")
        value = int(value)  # numpy integers from Python and notebooks
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise BadInput(self.name, value, self.domain)
        return value


@dataclass(frozen=True)
class Real(Param):
    """A real number; ``allow_inf`` also admits +inf (text "inf" or "infinity"), where the
    quantity defines its limit there. NaN is always refused."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    allow_inf: bool = False

    @property
    def domain(self) -> str:
        b = _bounds_text(self.lo, self.hi, self.lo_open, self.hi_open)
        if self.allow_inf:
            return f"real number {b}".strip() + ", or inf"
        return f"finite real number {b}".strip()

    def _convert(self, text, raw):
        try:
            if "/" in text:
                return float(Fraction(text))
            return float(text)
        except (ValueError, ZeroDivisionError, OverflowError):
            raise BadInput(self.name, raw, self.domain, "not a number") from None

    def validate(self, value):
        if isinstance(value, bool):
            raise BadInput(self.name, value, self.domain, "not a number")
        try:
            value = float(value)
        except (TypeError, ValueError, OverflowError):
            raise BadInput(self.name, value, self.domain, "not a number") from None
        if math.isnan(value):
            raise BadInput(self.name, value, self.domain, "not a number (NaN)")
        if math.isinf(value):
            if self.allow_inf and value > 0:
                return value
            raise BadInput(self.name, value, self.domain, "outside its domain" if self.allow_inf else "not finite")
        lo_bad = self.lo is not None and (value <= self.lo if self.lo_open else value < self.lo)
        hi_bad = self.hi is not None and (value >= self.hi if self.hi_open else value > self.hi)
        if lo_bad or hi_bad:
            raise BadInput(self.name, value, self.domain)
        return value


@dataclass(frozen=True)
class IntList(Param):
    lo: int | None = None
    hi: int | None = None
    min_len: int = 1
    max_len: int | None = None

    @property
    def domain(self) -> str:
        n = f"at least {self.min_len}" + (f" and at most {self.max_len}" if self.max_len else "")
        return f"comma-separated list of {n} integers {_bounds_text(self.lo, self.hi)}".strip()

    def _convert(self, text, raw):
        items = [t.strip() for t in text.split(",")] if text else []
        if any(not _INT.fullmatch(t) for t in items):
            raise BadInput(self.name, raw, self.domain, "not a list of integers")
        return [_to_int(t, self.name, raw, self.domain) for t in items]

    def validate(self, value):
        if isinstance(value, int):
            value = [value]
        value = list(value)
        if len(value) < self.min_len or (self.max_len is not None and len(value) > self.max_len):
            raise BadInput(self.name, ",".join(map(str, value)), self.domain, "wrong length")
        item = Int(self.name, lo=self.lo, hi=self.hi)
        for v in value:
            try:
                item.validate(v)
            except BadInput:
                raise BadInput(self.name, ",".join(map(str, value)), self.domain) from None
        return tuple(int(v) for v in value)


@dataclass(frozen=True)
class RealList(Param):
    lo: float | None = None
    hi: float | None = None
    min_len: int = 1

    @property
    def domain(self) -> str:
        return f"comma-separated list of at least {self.min_len} finite reals {_bounds_text(self.lo, self.hi)}".strip()

    def _convert(self, text, raw):
        try:
            return [float(t) for t in text.split(",")] if text else []
        except ValueError:
            raise BadInput(self.name, raw, self.domain, "not a list of numbers") from None

    def validate(self, value):
        value = [value] if isinstance(value, (int, float)) else list(value)
        item = Real(self.name, lo=self.lo, hi=self.hi)
        if len(value) < self.min_len:
            raise BadInput(self.name, value, self.domain, "wrong length")
        try:
            return tuple(item.validate(v) for v in value)
        except BadInput:
            raise BadInput(self.name, ",".join(map(str, value)), self.domain) from None


@dataclass(frozen=True)
class Choice(Param):
    choices: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        return "one of " + ", ".join(self.choices)

    def validate(self, value):
        if value not in self.choices:
            raise BadInput(self.name, value, self.domain, "unknown choice")
        return value


@dataclass(frozen=True)
class Architecture:
    """What ``dltheory bounds`` knows about a fully connected network."""

    input_dim: int
    widths: tuple[int, ...]
    activation: str = "relu"
    samples: int | None = None
    delta: float | None = None
    weight_variance: float | None = None  #: sigma_w^2 of the mean-field rows (None: their default)
    bias_variance: float | None = None  #: sigma_b^2 of the mean-field rows (None: their default)


@dataclass(frozen=True)
class Quantity:
    """A named closed form: ``q(**params)`` validates and evaluates."""

    name: str
    params: tuple[Param, ...]
    function: Callable[..., Any]
    status: str
    citation: str
    examples: tuple[dict[str, Any], ...] = ()
    exempt: dict[str, str] = field(default_factory=dict, compare=False)
    bounds: Callable[[Architecture], dict | None] | None = field(default=None, compare=False)
    regime: Callable[..., list[str]] | None = field(default=None, compare=False)
    status_by: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    verified: str = field(default="", compare=False)

    def status_for(self, bound: dict[str, Any]) -> str:
        """The status of the evaluated form: ``status_by`` = {parameter: {value: status}} overrides
        the quantity's status where a parameter takes that value (the first match wins)."""
        for param, by_value in self.status_by.items():
            if bound.get(param) in by_value:
                return by_value[bound[param]]
        return self.status

    def warnings(self, bound: dict[str, Any]) -> list[str]:
        """Why these (validated) parameters lie outside the region where the formula is meant to
        be used: an asymptotic result still answers there, with these warnings."""
        return list(self.regime(**bound)) if self.regime is not None else []

    @property
    def summary(self) -> str:
        doc = inspect.getdoc(self.function) or ""
        return doc.splitlines()[0] if doc else ""

    @property
    def takes_dps(self) -> bool:
        return "dps" in inspect.signature(self.function).parameters

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """Validate a mapping of parameter values (text or Python values)."""
        known = {p.name: p for p in self.params}
        extra = sorted(set(values) - set(known))
        if extra:
            allowed = ", ".join(known) or "none"
            raise BadInput(extra[0], values[extra[0]], f"parameters of {self.name}: {allowed}", "unknown parameter")
        bound = {}
        for p in self.params:
            if p.name in values:
                v = values[p.name]
                if v is not None or not p.required and p.default is not None:
                    v = p.parse(v) if isinstance(v, str) else p.validate(v)
                bound[p.name] = v
            elif p.required:
                raise BadInput(p.name, "(missing)", p.domain, "required")
            else:
                bound[p.name] = p.default
        if "form" in bound:
            self._check_form_params(bound["form"], bound)
        return bound

    def _check_form_params(self, form: str, bound: dict[str, Any]) -> None:
        """A parameter the form requires must be given; one the form does not take must not be."""
        specific = [p for p in self.params if p.forms]
        for p in specific:
            if form in p.forms and not p.form_optional and bound[p.name] is None:
                raise BadInput(p.name, "(missing)", f"required by form={form}", "required")
        for p in specific:
            if form not in p.forms and bound[p.name] is not None:
                own = ", ".join(q.name for q in specific if form in q.forms) or "none"
                raise BadInput(p.name, bound[p.name], f"parameters of form={form}: {own}", "not used by this form")

    def __call__(self, dps: int | None = None, **values):
        """Validate and evaluate. Where a validated point takes the evaluation out of double
        precision (an overflow, a division by zero, a value that is not finite), the answer is
        BadInput naming the point, never a traceback, NaN or an unannounced infinity."""
        kwargs = self.bind(values)
        if dps is not None and self.takes_dps:
            kwargs["dps"] = dps
        try:
            value = self.function(**kwargs)
        except ArithmeticError as e:  # overflow, division by zero, a root finder that lost its bracket
            value = self._in_mpmath(kwargs, dps)
            if value is None:
                raise self._unrepresentable(kwargs, f"the evaluation fails ({type(e).__name__}: {e})") from None
        if _not_finite(value):
            value = self._in_mpmath(kwargs, dps) if isinstance(value, float) else None
            if value is None:
                raise self._unrepresentable(kwargs, "the value is not finite")
        if _too_long(value):
            raise BadInput(self.name, ", ".join(f"{k}={param_text(v)}" for k, v in kwargs.items() if v is not None),
                           f"parameters whose exact value has at most {MAX_DIGITS} digits",
                           "cost guard: the exact value is too long to print in a few seconds")
        return value

    def _in_mpmath(self, kwargs: dict[str, Any], dps: int | None):
        """Where double precision overflowed or underflowed, the same evaluation in mpmath at 15
        digits (its exponent range is unbounded): with dps=15 if the quantity takes --dps; otherwise
        with its real parameters given as mpmath numbers, so that arithmetic on them (a product of
        norms, 2/gamma at a subnormal margin, a square of a subnormal) is carried in mpmath. A
        result that is still not a finite number, or an evaluator that cannot take mpmath numbers
        (NumPy, math.exp beyond the double range), gives None."""
        if dps is not None:
            return None
        import mpmath

        if self.takes_dps:
            call = {**kwargs, "dps": 15}
        else:
            real = {p.name for p in self.params if isinstance(p, (Real, RealList))}
            if not any(kwargs.get(name) is not None for name in real):
                return None

            def mp(v):
                return tuple(map(mpmath.mpf, v)) if isinstance(v, tuple) else mpmath.mpf(v)

            call = {k: mp(v) if k in real and v is not None else v for k, v in kwargs.items()}
        try:
            with mpmath.workdps(15):
                value = self.function(**call)
        except (ArithmeticError, TypeError, ValueError):
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, mpmath.mpf)):
            return None
        return None if _not_finite(value) else value

    def _unrepresentable(self, kwargs: dict[str, Any], problem: str) -> BadInput:
        shown = ", ".join(f"{k}={param_text(v)}" for k, v in kwargs.items() if v is not None and k != "dps")
        return BadInput(self.name, shown, "parameters at which it is finite in double precision", problem)


def param_text(v) -> str:
    return ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)


def _too_long(value) -> bool:
    """An exact integer or rational of more than MAX_DIGITS digits (3.33 bits a digit)."""
    bits = MAX_DIGITS * 3.33
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() > bits
    if isinstance(value, Fraction):
        return max(value.numerator.bit_length(), value.denominator.bit_length()) > bits
    return False


def _not_finite(value) -> bool:
    """A float or mpmath number that is infinite or NaN (exact ints and Fractions are finite)."""
    if isinstance(value, (bool, int, Fraction)):
        return False
    if type(value).__module__.startswith("mpmath"):  # an mpf beyond the double range is finite
        import mpmath

        return not mpmath.isfinite(value)
    return isinstance(value, float) and not math.isfinite(value)


VERIFIED = ("paper", "secondary", "recomputed")
_QUANTITIES: dict[str, Quantity] = {}


def quantity(name: str, *params: Param, status: str, citation: str, examples: tuple[dict, ...] = (),
             exempt: dict[str, str] | None = None, bounds: Callable | None = None,
             regime: Callable[..., list[str]] | None = None, status_by: dict[str, dict[str, str]] | None = None,
             verified: str = ""):
    """Register ``function`` as the quantity ``name``; returns the Quantity.

    ``examples``: parameter points at which it is evaluated by the conformance suite and shown
    by ``dltheory list NAME`` (at least one). ``exempt``: {"derivation" or "check": reason} for
    a quantity that has no derivation or no check, with the reason ``list`` shows. Its
    derivations and checks are not declared here: they name it (see ``dltheory.registry``).
    ``regime(**params) -> [warning, ...]``: for an asymptotic formula, why a point lies outside
    the region where it is meant to be used (``eval`` answers with the warnings).
    ``status_by={param: {value: status}}``: the status of a form that differs from ``status``.
    ``verified``: how the citation was verified, one of ``VERIFIED`` (``paper``: read in the paper's
    text; ``secondary``: from a secondary source; ``recomputed``: derived or recomputed here).
    """
    if verified not in VERIFIED:
        raise ValueError(f"quantity {name}: verified={verified!r} must be one of {VERIFIED} (how its citation "
                         "was verified)")
    status_by = {p: dict(v) for p, v in (status_by or {}).items()}
    for st in (status, *(s for v in status_by.values() for s in v.values())):
        if st not in STATUSES:
            raise ValueError(f"status {st!r} of {name} not in {STATUSES}")
    exempt = dict(exempt or {})
    if set(exempt) - {"derivation", "check"}:
        raise ValueError(f"quantity {name}: exempt keys are 'derivation' and 'check'")

    def register(function: Callable) -> Quantity:
        if name in _QUANTITIES:
            raise ValueError(f"quantity {name} registered twice")
        if not inspect.getdoc(function):
            raise ValueError(f"quantity {name} needs a docstring with its formula and reference")
        known = {p.name for p in params}
        if set(status_by) - known:
            raise ValueError(f"quantity {name}: status_by names unknown parameters {sorted(set(status_by) - known)}")
        q = Quantity(name, tuple(params), function, status, citation, tuple(dict(e) for e in examples), exempt,
                     bounds, regime, status_by, verified)
        _QUANTITIES[name] = q
        return q

    return register


def registered() -> dict[str, Quantity]:
    return _QUANTITIES


def import_public_modules(path, package: str) -> None:
    """Import every module of ``package`` and of its subpackages whose name does not start with
    '_' (they register themselves)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(path):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        if info.ispkg:
            import_public_modules(module.__path__, module.__name__)


def lookup(name: str, known: dict, kind: str):
    """known[name], or BadInput naming the close matches."""
    if name not in known:
        import difflib

        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise BadInput("NAME", name, f"a {kind} listed by `dltheory list`" + hint, f"unknown {kind}")
    return known[name]


def present(value: Any, dps: int = 15) -> tuple[Any, str | None, str]:
    """(JSON value, exact string or None, display text) of an evaluator's result."""
    if isinstance(value, bool):
        raise TypeError("quantities return numbers, not booleans")
    if isinstance(value, int):
        if value.bit_length() > 10_000 and sys.get_int_max_str_digits():
            sys.set_int_max_str_digits(0)  # exact integers are printed whole, however long
        text = str(value)
        if len(text) > 24:
            text += f"  (~{_sci(value)})"
        return value, str(value), text
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return present(value.numerator, dps)
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > 10_000 and sys.get_int_max_str_digits():
            sys.set_int_max_str_digits(0)  # exact rationals are printed whole, however long
        exact = f"{value.numerator}/{value.denominator}"
        try:
            f = float(value)
        except OverflowError:  # beyond the double range: JSON carries it as text, like a large mpf
            import mpmath

            f = mpmath.nstr(mpmath.mpf(value.numerator) / value.denominator, max(dps, 15))
            return f, exact, f"{exact}  (~{f})"
        return f, exact, f"{value}  (= {f!r})"
    if isinstance(value, float):
        return value, None, repr(value)
    import mpmath  # only reached for mpmath results

    if isinstance(value, mpmath.mpf):
        text = mpmath.nstr(value, max(dps, 15))
        try:
            f = float(value)
            f = f if math.isfinite(f) else text
        except OverflowError:
            f = text
        return f, None, text
    raise TypeError(f"unsupported result type {type(value).__name__}")


def _sci(n: int) -> str:
    sign = "-" if n < 0 else ""
    n = abs(n)
    digits = len(str(n))
    lead = str(n)[:4]
    return f"{sign}{lead[0]}.{lead[1:]}e{digits - 1}"
