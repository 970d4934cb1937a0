"""Scans along a dim: cumsum, cumprod, cummax, cummin."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dim
from .reduce import return_types
from .sort import _SelectBackward, scatter_add_zeros


def _rev_cumsum(g, dim):
    """Sum of g over positions >= i along ``dim``, for every i."""
    if g._data.ndim == 0:
        return g
    if not _state.enabled:  # plain backward: exact, in NumPy
        gd = g._data
        return _wrap(np.flip(np.cumsum(np.flip(gd, dim), axis=dim), dim))
    # create_graph: the same sum from differentiable ops
    return g.sum(dim, keepdim=True) - cumsum(g, dim) + g


def _scan_dtype(d, dtype):
    """(NumPy accumulation dtype, result dtype) with PyTorch's rules: ints and bools give int64,
    half accumulates in float."""
    if dtype is not None:
        want = _dt.to_dtype(dtype).np
        return want, want
    if d.kind in "biu":
        return np.int64, np.int64
    if d == np.float16:
        return np.float32, np.float16
    return d, d


# cumsum ----------------------------------------------------------------------------------------
class CumsumBackward0(Node):
    __slots__ = ("_dim",)

    def backward(self, g):
        return (_rev_cumsum(g, self._dim),)


def cumsum(input, dim, *, dtype=None) -> Tensor:
    d = input._data
    dim = canon_dim(dim, d.ndim)
    acc, res = _scan_dtype(d.dtype, dtype)
    if d.ndim == 0:
        out = d.astype(res)
    else:
        out = np.cumsum(d, axis=dim, dtype=acc).astype(res, copy=False)
    out = _wrap(out)
    if input._requires_grad and _state.enabled and out._data.dtype.kind == "f":
        node = CumsumBackward0()
        node._dim = dim
        attach(out, node, input)
    return out


# cumprod ---------------------------------------------------------------------------------------
class CumprodBackward0(Node):
    """Exact with zeros: before a row's first zero, reversed_cumsum(g * y) / x; at the first
    zero, the product before it times the reversed sum of g * (product since it); after, 0."""

    __slots__ = ("_dim",)

    def backward(self, g):
        from .compare import where

        (x,) = self.saved()
        xd = x._data
        if xd.ndim == 0:
            return (g,)
        dim = self._dim
        y = self.output()
        zero = xd == 0
        if not zero.any():
            return (_rev_cumsum(g * y, dim) / x,)
        n = xd.shape[dim]
        first = np.where(
            zero.any(axis=dim, keepdims=True), np.argmax(zero, axis=dim, keepdims=True), n
        )
        shape = [1] * xd.ndim
        shape[dim] = n
        pos = np.arange(n).reshape(shape)
        before, at = _wrap(pos < first), _wrap(pos == first)
        from_zero, to_zero = _wrap(pos >= first), _wrap(pos <= first)
        a = _rev_cumsum(g * y, dim) / where(before, x, 1.0)
        p = cumprod(where(from_zero, 1.0, x), dim)  # at the zero: the product before it
        q = cumprod(where(to_zero, 1.0, x), dim)  # past it: the product since it
        s = _rev_cumsum(where(from_zero, g * q, 0.0), dim)
        return (where(before, a, 0.0) + where(at, p * s, 0.0),)


def cumprod(input, dim, *, dtype=None) -> Tensor:
    d = input._data
    dim = canon_dim(dim, d.ndim)
    acc, res = _scan_dtype(d.dtype, dtype)
    if d.ndim == 0:
        out = d.astype(res)
    else:
        out = np.cumprod(d, axis=dim, dtype=acc).astype(res, copy=False)
    out = _wrap(out)
    if input._requires_grad and _state.enabled and out._data.dtype.kind == "f":
        node = CumprodBackward0()
        node._dim = dim
        node.save(input)
        node.save_output(out)
        attach(out, node, input)
    return out


# cummax / cummin -------------------------------------------------------------------------------
class CummaxBackward0(_SelectBackward):
    """Several outputs may come from one input: their gradients add up."""

    __slots__ = ()

    def backward(self, g):
        return (scatter_add_zeros(g, self._dim, self._idx, self._shape, unique=False),)


class CumminBackward0(CummaxBackward0):
    __slots__ = ()


def _cumext(input, dim, is_max):
    d = input._data
    dim = canon_dim(dim, d.ndim)
    if d.ndim == 0:
        vals, idx = d.copy(), np.zeros((), dtype=np.int64)
    else:
        vals = (np.maximum if is_max else np.minimum).accumulate(d, axis=dim)
        # The index is the latest position that holds the running value (ties: the later one;
        # a NaN stays the value from its first appearance, its index moves to later NaNs).
        hit = d == vals
        if d.dtype.kind == "f" and d.size and np.isnan(np.take(vals, -1, axis=dim)).any():
            hit |= np.isnan(d) & np.isnan(vals)
        shape = [1] * d.ndim
        shape[dim] = d.shape[dim]
        pos = np.arange(d.shape[dim], dtype=np.int64).reshape(shape)
        idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=dim)
    values, indices = _wrap(vals), _wrap(np.asarray(idx, dtype=np.int64))
    if input._requires_grad and _state.enabled and d.dtype.kind == "f":
        node = CummaxBackward0() if is_max else CumminBackward0()
        node._dim, node._keepdim = dim, True
        node._idx, node._shape = indices._data, d.shape
        attach(values, node, input)
    return (return_types.cummax if is_max else return_types.cummin)(values, indices)


def cummax(input, dim):
    return _cumext(input, dim, True)


def cummin(input, dim):
    return _cumext(input, dim, False)
