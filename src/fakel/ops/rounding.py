"""Rounding and float classification: floor, ceil, round (half to even, ``decimals=``), trunc
(fix), frac, nan_to_num, and isnan/isinf/isfinite/isposinf/isneginf."""

from __future__ import annotations

import builtins

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach


def _not_for(input, kernel):
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype._scalar_name}'")


class _ZeroGrad(Node):
    """Piecewise-constant ops: the gradient is zero wherever it exists."""

    __slots__ = ()

    def backward(self, g):
        return (g * 0,)


FloorBackward0 = type("FloorBackward0", (_ZeroGrad,), {"__slots__": ()})
CeilBackward0 = type("CeilBackward0", (_ZeroGrad,), {"__slots__": ()})
RoundBackward0 = type("RoundBackward0", (_ZeroGrad,), {"__slots__": ()})
RoundBackward1 = type("RoundBackward1", (_ZeroGrad,), {"__slots__": ()})
TruncBackward0 = type("TruncBackward0", (_ZeroGrad,), {"__slots__": ()})


def _rounding(input, ufunc, node_cls, kernel):
    d = input._data
    if d.dtype.kind != "f":
        if d.dtype == np.bool_:
            _not_for(input, kernel)
        return _wrap(d.copy())  # integers are already whole
    out = _wrap(ufunc(d))
    if input._requires_grad and _state.enabled:
        attach(out, node_cls(), input)
    return out


def floor(input) -> Tensor:
    return _rounding(input, np.floor, FloorBackward0, "floor_vml_cpu")


def ceil(input) -> Tensor:
    return _rounding(input, np.ceil, CeilBackward0, "ceil_vml_cpu")


def trunc(input) -> Tensor:
    return _rounding(input, np.trunc, TruncBackward0, "trunc_vml_cpu")


fix = trunc


def round(input, *, decimals: int | None = None) -> Tensor:
    """Round half to even. With ``decimals`` (even 0) the node is RoundBackward1 and the value
    is scaled by 10**decimals in the input's dtype first, as PyTorch does."""
    if decimals is None:
        return _rounding(input, np.rint, RoundBackward0, "round_vml_cpu")
    if not isinstance(decimals, int):
        raise TypeError(
            f"round() received an invalid combination of arguments - got (Tensor, decimals="
            f"{type(decimals).__name__}), but expected one of:\n * (Tensor input, *, Tensor out = "
            "None)\n * (Tensor input, *, int decimals, Tensor out = None)\n"
        )
    d = input._data
    if d.dtype.kind != "f":
        _not_for(input, "round_cpu" if decimals else "round_vml_cpu")
    if decimals == 0:
        r = np.rint(d)
    else:
        scale = d.dtype.type(10.0 ** builtins.abs(decimals))
        r = np.rint(d * scale) / scale if decimals > 0 else np.rint(d / scale) * scale
    out = _wrap(r.astype(d.dtype, copy=False))
    if input._requires_grad and _state.enabled:
        attach(out, RoundBackward1(), input)
    return out


class FracBackward0(Node):
    def backward(self, g):
        return (g,)


def frac(input) -> Tensor:
    d = input._data
    if d.dtype.kind != "f":
        _not_for(input, "frac_cpu")
    out = _wrap(d - np.trunc(d))
    if input._requires_grad and _state.enabled:
        attach(out, FracBackward0(), input)
    return out


# Classification (no gradient) -------------------------------------------------------------------
def isnan(input) -> Tensor:
    d = input._data
    return _wrap(np.isnan(d) if d.dtype.kind == "f" else np.zeros(d.shape, np.bool_))


def isinf(input) -> Tensor:
    d = input._data
    return _wrap(np.isinf(d) if d.dtype.kind == "f" else np.zeros(d.shape, np.bool_))


def isfinite(input) -> Tensor:
    d = input._data
    return _wrap(np.isfinite(d) if d.dtype.kind == "f" else np.ones(d.shape, np.bool_))


def isposinf(input) -> Tensor:
    d = input._data
    return _wrap(np.isposinf(d) if d.dtype.kind == "f" else np.zeros(d.shape, np.bool_))


def isneginf(input) -> Tensor:
    d = input._data
    return _wrap(np.isneginf(d) if d.dtype.kind == "f" else np.zeros(d.shape, np.bool_))


class NanToNumBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * isfinite(x),)


def _nan_to_num_array(d, nan, posinf, neginf):
    info = np.finfo(d.dtype)
    big = info.max if posinf is None else posinf
    small = info.min if neginf is None else neginf
    with np.errstate(over="ignore"):
        fill = np.array([nan, big, small], dtype=np.float64).astype(d.dtype)
    out = np.where(np.isnan(d), fill[0], d)
    out = np.where(np.isposinf(out), fill[1], out)
    return np.where(np.isneginf(out), fill[2], out)


def nan_to_num(input, nan: float = 0.0, posinf=None, neginf=None) -> Tensor:
    d = input._data
    if d.dtype.kind != "f":
        return _wrap(d.copy())
    out = _wrap(_nan_to_num_array(d, nan, posinf, neginf))
    if input._requires_grad and _state.enabled:
        node = NanToNumBackward0()
        node.save(input)
        attach(out, node, input)
    return out
