"""Trigonometric, hyperbolic and error functions: tan, asin, acos, atan, sinh, cosh, asinh,
acosh, atanh, erf, erfc, erfinv (NumPy has no erf: ours is a vectorised series / continued
fraction, accurate to a few ulps in float64)."""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import Node
from .unary import _float_unary, exp, rsqrt

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_HALF_SQRT_PI = 0.5 * math.sqrt(math.pi)


# Trigonometric ----------------------------------------------------------------------------------
class TanBackward0(Node):
    def backward(self, g):
        r = self.output()
        return (g * (r * r + 1),)


def tan(input) -> Tensor:
    return _float_unary(np.tan, TanBackward0, input, "output")


class AsinBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * rsqrt(1 - x * x),)


def asin(input) -> Tensor:
    return _float_unary(np.arcsin, AsinBackward0, input, "input")


class AcosBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * -rsqrt(1 - x * x),)


def acos(input) -> Tensor:
    return _float_unary(np.arccos, AcosBackward0, input, "input")


class AtanBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / (x * x + 1),)


def atan(input) -> Tensor:
    return _float_unary(np.arctan, AtanBackward0, input, "input")


# Hyperbolic -------------------------------------------------------------------------------------
class SinhBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * cosh(x),)


def sinh(input) -> Tensor:
    return _float_unary(np.sinh, SinhBackward0, input, "input")


class CoshBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * sinh(x),)


def cosh(input) -> Tensor:
    return _float_unary(np.cosh, CoshBackward0, input, "input")


class AsinhBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * rsqrt(x * x + 1),)


def asinh(input) -> Tensor:
    return _float_unary(np.arcsinh, AsinhBackward0, input, "input")


class AcoshBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * rsqrt(x * x - 1),)


def acosh(input) -> Tensor:
    return _float_unary(np.arccosh, AcoshBackward0, input, "input")


class AtanhBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / (1 - x * x),)


def atanh(input) -> Tensor:
    return _float_unary(np.arctanh, AtanhBackward0, input, "input")


# Error functions --------------------------------------------------------------------------------
def _erf_series(x):
    """erf for |x| < 2.5: 2/sqrt(pi) e^-x^2 sum 2^n x^(2n+1) / (1*3*...*(2n+1)), whose terms are
    all of one sign (no cancellation, unlike the Maclaurin series)."""
    x2 = x * x
    term = x.copy()
    total = x.copy()
    for n in range(1, 60):
        term *= (2.0 / (2 * n + 1)) * x2
        total += term
        if n % 8 == 0 and not (np.abs(term) > 1e-17 * np.abs(total)).any():
            break  # small arguments converge long before 60 terms
    return _TWO_OVER_SQRT_PI * np.exp(-x2) * total


def _erfc_tail(x):
    """erfc for x >= 2.5: Laplace's continued fraction, evaluated bottom-up."""
    f = x.copy()
    for k in range(60, 0, -1):
        f = x + (k / 2.0) / f
    return np.exp(-x * x) / (math.sqrt(math.pi) * f)


def _erf64(x):
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    small = a < 2.5
    out = np.empty_like(x)
    out[small] = _erf_series(x[small])
    big = ~small
    tail = _erfc_tail(np.minimum(a[big], 30.0))  # erfc(30) is 0 in float64; avoids inf/inf
    out[big] = np.sign(x[big]) * (1.0 - tail)
    return out


def _erfc64(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    big = x >= 2.5
    out[big] = _erfc_tail(np.minimum(x[big], 30.0))
    out[~big] = 1.0 - _erf64(x[~big])
    return out


def _erfinv64(y):
    """Winitzki's closed-form guess, then Newton steps on erf (on erfc near +-1, where the
    complement keeps the precision)."""
    y = np.asarray(y, dtype=np.float64)
    ay = np.abs(y)
    with np.errstate(all="ignore"):
        ln = np.log1p(-ay * ay)
        t = 2.0 / (math.pi * 0.147) + ln / 2
        x = np.sqrt(np.sqrt(t * t - ln / 0.147) - t)
        ok = ay < 1
        x = np.where(ok, x, 0.0)
        tail = ay > 0.5
        mid = ~tail
        for _ in range(4):
            r = np.empty_like(x)
            r[tail] = (1.0 - ay[tail]) - _erfc64(x[tail])
            r[mid] = _erf64(x[mid]) - ay[mid]
            x = x - r / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
        x = np.where(ay == 1, np.inf, np.where(ok, x, np.nan))
        return np.copysign(x, y)


def _in_dtype(fn64):
    """A float64 kernel applied to an array of any float dtype, rounded once to that dtype."""

    def run(d):
        return fn64(d).astype(d.dtype, copy=False)

    return run


_erf = _in_dtype(_erf64)
_erfc = _in_dtype(_erfc64)
_erfinv = _in_dtype(_erfinv64)


class ErfBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * exp(-(x * x)) * _TWO_OVER_SQRT_PI,)


def erf(input) -> Tensor:
    return _float_unary(_erf, ErfBackward0, input, "input")


class ErfcBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * exp(-(x * x)) * -_TWO_OVER_SQRT_PI,)


def erfc(input) -> Tensor:
    return _float_unary(_erfc, ErfcBackward0, input, "input")


class ErfinvBackward0(Node):
    def backward(self, g):
        r = self.output()
        return (g * exp(r * r) * _HALF_SQRT_PI,)


def erfinv(input) -> Tensor:
    return _float_unary(_erfinv, ErfinvBackward0, input, "output")
