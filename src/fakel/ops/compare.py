"""clamp, maximum/minimum, where, and the comparison, logical and bitwise ops."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import (
    as_tensor,
    attach,
    binary,
    check_broadcast,
    needs_grad,
    prepare2,
    result_dtype,
)


# clamp, maximum, minimum, where -----------------------------------------------------------------
class ClampBackward1(Node):
    __slots__ = ("lo", "hi")

    def backward(self, g):
        (x,) = self.saved()
        mask = None
        if self.lo is not None:
            mask = ge_(x, self.lo)
        if self.hi is not None:
            m = le(x, self.hi)
            mask = m if mask is None else logical_and(mask, m)
        return (g * mask,)


class ClampBackward0(Node):
    """clamp with tensor bounds: each element's gradient goes to whichever of input, min or
    max it came from."""

    def backward(self, g):
        x, lo, hi = self.saved()
        nx, nlo, nhi = self.next_functions
        keep = None
        if lo is not None:
            keep = ge_(x, lo)
        if hi is not None:
            below = le(x, hi)
            keep = below if keep is None else logical_and(keep, below)
        gx = g * keep if nx[0] is not None else None
        glo = g * lt(x, lo) if nlo[0] is not None else None
        ghi = g * gt(x, hi) if nhi[0] is not None else None
        return gx, glo, ghi


def _clamp_bounds(min, max):
    if min is None and max is None:
        raise RuntimeError(
            f"{_dt._PREFIX[0]}.clamp: At least one of 'min' or 'max' must not be None"
        )


def _clamp_tensor(input, lo, hi):
    for b in (lo, hi):
        if b is not None and not isinstance(b, Tensor):
            raise TypeError(
                "clamp() received an invalid combination of arguments - got "
                f"({type(lo).__name__}, {type(hi).__name__}), but expected one of:\n"
                " * (Tensor min = None, Tensor max = None)\n"
                " * (Number min = None, Number max = None)"
            )
    bounds = [b for b in (lo, hi) if b is not None]
    rd = result_dtype(input, *bounds)
    d = input._data.astype(rd.np, copy=False)
    if lo is not None:
        d = np.maximum(d, lo._data.astype(rd.np, copy=False))
    if hi is not None:
        d = np.minimum(d, hi._data.astype(rd.np, copy=False))
    out = _wrap(d)
    if rd.category == 2 and needs_grad(input, *bounds):
        node = ClampBackward0()
        node.save(input, lo, hi)
        attach(out, node, input, lo, hi)
    return out


def _clamp_array(d, min, max, rd):
    if d.dtype != rd.np:
        d = d.astype(rd.np)
    if min is not None:
        d = np.where(d < min, np.asarray(min, dtype=rd.np), d) if d.dtype.kind == "f" else \
            np.maximum(d, min)
    if max is not None:
        d = np.where(d > max, np.asarray(max, dtype=rd.np), d) if d.dtype.kind == "f" else \
            np.minimum(d, max)
    return d


def clamp(input, min=None, max=None) -> Tensor:
    _clamp_bounds(min, max)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_tensor(input, min, max)
    rd = result_dtype(input, *(b for b in (min, max) if b is not None))
    out = _wrap(_clamp_array(input._data, min, max, rd))
    if input._requires_grad and _state.enabled:
        node = ClampBackward1()
        node.lo, node.hi = min, max
        node.save(input)
        attach(out, node, input)
    return out


class MaximumBackward0(Node):
    __slots__ = ("_sign",)

    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        half = g * 0.5
        first = gt(a, b) if self._sign > 0 else lt(a, b)
        tie = eq(a, b)
        ga = where(tie, half, g * first) if na[0] is not None else None
        gb = where(tie, half, g * logical_not(first)) if nb[0] is not None else None
        return ga, gb


class MinimumBackward0(MaximumBackward0):
    __slots__ = ()


def _extremum(input, other, fn, node_cls, sign):
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{fn.__name__}(): argument 'other' (position 2) must be Tensor, not "
            f"{type(other).__name__}"
        )
    out = _wrap(binary(fn, input, other)[0])
    if needs_grad(input, other) and out._data.dtype.kind == "f":
        node = node_cls()
        node._sign = sign
        node.save(input, other)
        attach(out, node, input, other)
    return out


def maximum(input, other) -> Tensor:
    return _extremum(input, other, np.maximum, MaximumBackward0, 1)


def minimum(input, other) -> Tensor:
    return _extremum(input, other, np.minimum, MinimumBackward0, -1)


class WhereBackward0(Node):
    def backward(self, g):
        (c,) = self.saved()
        na, nb = self.next_functions
        ga = where(c, g, 0.0) if na[0] is not None else None
        gb = where(c, 0.0, g) if nb[0] is not None else None
        return ga, gb


def where(condition, input=None, other=None):
    if input is None and other is None:
        from .indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype._scalar_name}"
        )
    ad, bd, rd = prepare2(input, other)
    cd = condition._data
    try:
        out = np.where(cd, ad, bd)
    except ValueError:
        # PyTorch broadcasts condition, input, other in that order.
        check_broadcast(cd.shape, np.shape(ad))
        check_broadcast(np.broadcast_shapes(cd.shape, np.shape(ad)), np.shape(bd))
        raise
    out = _wrap(out if out.dtype == rd.np else out.astype(rd.np))
    if needs_grad(input, other) and out._data.dtype.kind == "f":
        node = WhereBackward0()
        node.save(condition)
        attach(out, node, input, other)
    return out


# Comparisons and logic: no gradient -------------------------------------------------------------
def _compare(fn, a, b):
    if b.__class__ is np.ndarray:
        b = as_tensor(b)
    if not isinstance(b, (Tensor, int, float, np.generic)):
        return NotImplemented
    ad, bd, _ = prepare2(a, b)
    try:
        return _wrap(fn(ad, bd))
    except ValueError:
        check_broadcast(np.shape(ad), np.shape(bd))
        raise


def eq(input, other):
    if other is None or isinstance(other, (list, tuple, str)):
        return False
    return _compare(np.equal, input, other)


def ne(input, other):
    if other is None or isinstance(other, (list, tuple, str)):
        return True
    return _compare(np.not_equal, input, other)


def lt(input, other):
    return _compare(np.less, input, other)


def le(input, other):
    return _compare(np.less_equal, input, other)


def gt(input, other):
    return _compare(np.greater, input, other)


def ge(input, other):
    return _compare(np.greater_equal, input, other)


ge_ = ge  # the name ``ge`` is shadowed by gradients in a few backward formulas


def equal(input, other) -> bool:
    """Same shape and same values (dtypes may differ; nan is not equal to itself)."""
    if not isinstance(other, Tensor):
        raise TypeError(
            f"equal(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    a, b = input._data, other._data
    return a.shape == b.shape and builtins.bool(np.all(a == b))


def _logical(fn, a, b):
    a = a if isinstance(a, Tensor) else as_tensor(a)
    b = b if isinstance(b, Tensor) else as_tensor(b)
    return _wrap(fn(a._data, b._data))


def logical_and(input, other):
    return _logical(np.logical_and, input, other)


def logical_or(input, other):
    return _logical(np.logical_or, input, other)


def logical_xor(input, other):
    return _logical(np.logical_xor, input, other)


def logical_not(input):
    return _wrap(np.logical_not(input._data))


def _bitwise(fn, name, a, b):
    if not isinstance(b, (Tensor, int, bool, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(a, b)
    if rd.category == 2:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{rd._scalar_name}\'')
    return _wrap(fn(ad, bd))


def bitwise_and(input, other):
    return _bitwise(np.bitwise_and, "bitwise_and", input, other)


def bitwise_or(input, other):
    return _bitwise(np.bitwise_or, "bitwise_or", input, other)


def bitwise_xor(input, other):
    return _bitwise(np.bitwise_xor, "bitwise_xor", input, other)


def bitwise_not(input):
    d = input._data
    if d.dtype.kind == "f":
        raise NotImplementedError(
            f'"bitwise_not_cpu" not implemented for \'{input.dtype._scalar_name}\''
        )
    return _wrap(np.invert(d))

