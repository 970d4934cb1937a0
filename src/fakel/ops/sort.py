"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode,
unique; and the scatter/gather pair their value gradients are made of."""

from __future__ import annotations

import numpy as np

from .._tensor import DIM_NOT_GIVEN, Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dim, needs_grad
from .reduce import _hits, return_types


# Gradients of value-selecting ops: scatter into zeros, and its adjoint, gather ---------------
class ScatterAddBackward0(Node):
    """Node of ``zeros(shape).scatter_add(dim, idx, g)`` with respect to ``g``."""

    __slots__ = ("_dim", "_idx")

    def backward(self, gg):
        return (_gather(gg, self._dim, self._idx),)


class GatherBackward0(Node):
    __slots__ = ("_dim", "_idx", "_shape")

    def backward(self, g):
        return (scatter_add_zeros(g, self._dim, self._idx, self._shape),)


def scatter_add_zeros(g, dim, idx, shape, unique=True):
    """A tensor of zeros of ``shape`` with ``g`` added at positions ``idx`` (a NumPy int array
    shaped like ``g``) along ``dim``; differentiable in ``g``."""
    gd = g._data
    out = np.zeros(shape, dtype=gd.dtype)
    if gd.ndim == 0:
        out = gd.copy()
    elif unique:
        np.put_along_axis(out, idx, gd, axis=dim)
    else:
        where = list(np.indices(idx.shape, sparse=True))
        where[dim] = idx
        np.add.at(out, tuple(where), gd)
    out = _wrap(out)
    if needs_grad(g):
        node = ScatterAddBackward0()
        node._dim, node._idx = dim, idx
        attach(out, node, g)
    return out


def _gather(x, dim, idx):
    xd = x._data
    out = _wrap(xd.copy() if xd.ndim == 0 else np.take_along_axis(xd, idx, axis=dim))
    if needs_grad(x):
        node = GatherBackward0()
        node._dim, node._idx, node._shape = dim, idx, xd.shape
        attach(out, node, x)
    return out


class _SelectBackward(Node):
    """Values picked at ``_idx`` along ``_dim``: the gradient goes back to those positions."""

    __slots__ = ("_dim", "_idx", "_keepdim", "_shape")

    def backward(self, g):
        idx = self._idx
        if not self._keepdim and len(self._shape):
            g = g.unsqueeze(self._dim)
            idx = np.expand_dims(idx, self._dim)
        return (scatter_add_zeros(g, self._dim, idx, self._shape),)


class SortBackward0(_SelectBackward):
    __slots__ = ()


class SortBackward1(_SelectBackward):
    """sort called with ``stable=`` (PyTorch's other overload)."""

    __slots__ = ()


class TopkBackward0(_SelectBackward):
    __slots__ = ()


class KthvalueBackward0(_SelectBackward):
    __slots__ = ()


class MedianBackward1(_SelectBackward):
    __slots__ = ()


class NanmedianBackward1(_SelectBackward):
    __slots__ = ()


class ModeBackward0(_SelectBackward):
    __slots__ = ()


def _select_result(rt, node_cls, input, values, idx, dim, keepdim):
    """Wrap (values, indices) arrays in ``rt`` and record ``node_cls`` on the values."""
    vals, inds = _wrap(values), _wrap(np.asarray(idx, dtype=np.int64))
    if input._requires_grad and _state.enabled and vals._data.dtype.kind == "f":
        node = node_cls()
        node._dim, node._keepdim = dim, keepdim
        node._idx, node._shape = inds._data, input._data.shape
        attach(vals, node, input)
    return rt(vals, inds)


# sort ------------------------------------------------------------------------------------------
def _order(d, axis, descending):
    """Stable argsort along ``axis``; NaN counts as the largest value, as in PyTorch."""
    if not descending:
        return np.argsort(d, axis=axis, kind="stable")
    # Descending but stable: sort the reversed array ascending, then reverse back.
    n = d.shape[axis]
    rev = np.argsort(np.flip(d, axis), axis=axis, kind="stable")
    return (n - 1) - np.flip(rev, axis)


def sort(input, dim=-1, descending=False, *, stable=DIM_NOT_GIVEN):
    """Values and indices sorted along ``dim``. Always stable: PyTorch's unstable sort may order
    ties differently on long rows. Giving ``stable`` (even None) records SortBackward1, as
    PyTorch's keyword overload does; unlike PyTorch, a positional ``dim`` may come with it."""
    d = input._data
    dim = canon_dim(dim, d.ndim)
    node = SortBackward0 if stable is DIM_NOT_GIVEN else SortBackward1
    if d.ndim == 0:
        return _select_result(return_types.sort, node, input, d.copy(), 0, 0, True)
    idx = _order(d, dim, descending)
    vals = np.take_along_axis(d, idx, axis=dim)
    return _select_result(return_types.sort, node, input, vals, idx, dim, True)


def argsort(input, dim=-1, descending=False, *, stable=False) -> Tensor:
    d = input._data
    dim = canon_dim(dim, d.ndim)
    if d.ndim == 0:
        return _wrap(np.zeros((), dtype=np.int64))
    return _wrap(_order(d, dim, descending).astype(np.int64, copy=False))


def msort(input) -> Tensor:
    """Sort along the first dim (values only)."""
    return sort(input, 0)[0]


# topk / kthvalue -------------------------------------------------------------------------------
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) values and their indices, always in sorted order."""
    d = input._data
    dim = canon_dim(dim, d.ndim)
    size = d.shape[dim] if d.ndim else 1
    if k < 0 or k > size:
        raise RuntimeError("selected index k out of range")
    if d.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if d.ndim == 0:
        return _select_result(return_types.topk, TopkBackward0, input, d.copy(), 0, 0, True)
    n = d.shape[dim]
    if 0 < k < n // 8:  # select first (O(n)), then order only the k picked
        part = np.argpartition(d, n - k if largest else k - 1, axis=dim)
        picked = np.sort(np.take(part, np.arange(n - k, n) if largest else np.arange(k), dim), dim)
        vals = np.take_along_axis(d, picked, axis=dim)
        idx = np.take_along_axis(picked, _order(vals, dim, largest), axis=dim)
    else:
        idx = np.take(_order(d, dim, largest), np.arange(k), axis=dim)
    vals = np.take_along_axis(d, idx, axis=dim)
    return _select_result(return_types.topk, TopkBackward0, input, vals, idx, dim, True)


def _nth(d, dim, pos):
    """(values, indices) of the element at sorted position ``pos`` (an int or an array shaped
    like the reduced result) along ``dim``, keeping ``dim``."""
    order = np.argsort(d, axis=dim, kind="stable")
    if isinstance(pos, (int, np.integer)):
        idx = np.take(order, [pos], axis=dim)
    else:
        idx = np.take_along_axis(order, np.expand_dims(pos, dim), axis=dim)
    return np.take_along_axis(d, idx, axis=dim), idx


def _finish(d, vals, idx, dim, keepdim):
    if d.ndim == 0:
        return d.copy(), np.zeros((), dtype=np.int64)
    if not keepdim:
        vals, idx = vals.squeeze(dim), idx.squeeze(dim)
    return vals, idx


def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest value along ``dim`` and its index (ties: first in stable order)."""
    d = input._data
    dim = canon_dim(dim, d.ndim)
    size = d.shape[dim] if d.ndim else 1
    if k < 1 or k > size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    if d.dtype == np.bool_ and d.ndim:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    vals, idx = (None, None) if d.ndim == 0 else _nth(d, dim, k - 1)
    vals, idx = _finish(d, vals, idx, dim, keepdim)
    return _select_result(
        return_types.kthvalue, KthvalueBackward0, input, vals, idx, dim, keepdim or d.ndim == 0
    )


# median / nanmedian ----------------------------------------------------------------------------
class MedianBackward0(Node):
    """Full median: ties share the gradient evenly (as max does)."""

    def backward(self, g):
        (x,) = self.saved()
        mask = _hits(x._data, self.output()._data)
        return (g * _wrap(mask / mask.sum(dtype=x._data.dtype)),)


class NanmedianBackward0(MedianBackward0):
    __slots__ = ()


def _no_bool(name, d):
    if d.dtype == np.bool_:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")


def _median_all(input, ignore_nan):
    d = input._data
    flat = d.reshape(-1)
    if flat.size == 0:  # PyTorch: nan for floats, the lowest value (True for bool) otherwise
        fill = (
            np.nan
            if d.dtype.kind == "f"
            else True
            if d.dtype == np.bool_
            else np.iinfo(d.dtype).min
        )
        value = np.array(fill, d.dtype)
    else:
        _no_bool("median", d)
        value = _median_dim(flat, 0, ignore_nan)[0].reshape(())
    out = _wrap(np.asarray(value, dtype=d.dtype))
    if input._requires_grad and _state.enabled:
        node = NanmedianBackward0() if ignore_nan else MedianBackward0()
        node.save(input)
        node.save_output(out)
        attach(out, node, input)
    return out


def _median_dim(d, dim, ignore_nan):
    """(values, indices) of the lower median along ``dim`` (kept as size 1)."""
    n = d.shape[dim]
    if d.dtype.kind != "f":
        return _nth(d, dim, (n - 1) // 2)
    nan = np.isnan(d)
    if ignore_nan:
        m = n - nan.sum(axis=dim)
        vals, idx = _nth(d, dim, np.maximum(m - 1, 0) // 2)
        return vals, np.where(np.expand_dims(m == 0, dim), 0, idx)
    vals, idx = _nth(d, dim, (n - 1) // 2)
    has = np.expand_dims(nan.any(axis=dim), dim)
    if has.any():  # a NaN makes the median NaN, at the first NaN's index
        first = np.expand_dims(np.argmax(nan, axis=dim), dim)
        vals = np.where(has, np.nan, vals).astype(d.dtype)
        idx = np.where(has, first, idx)
    return vals, idx


def _median(input, dim, keepdim, ignore_nan):
    name = "nanmedian" if ignore_nan else "median"
    d = input._data
    if dim is None:
        raise TypeError(f"{name}(): argument 'dim' must be int, not NoneType")
    dim = canon_dim(dim, d.ndim)
    if d.ndim and d.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    _no_bool("median_out", d)
    vals, idx = (None, None) if d.ndim == 0 else _median_dim(d, dim, ignore_nan)
    vals, idx = _finish(d, vals, idx, dim, keepdim)
    rt = return_types.nanmedian if ignore_nan else return_types.median
    node = NanmedianBackward1 if ignore_nan else MedianBackward1
    return _select_result(rt, node, input, vals, idx, dim, keepdim or d.ndim == 0)


def median(input, dim=None, keepdim=False):
    """Lower median: of everything (a tensor), or along ``dim`` (values and indices)."""
    if dim is None and keepdim is False:
        return _median_all(input, False)
    return _median(input, dim, keepdim, False)


def nanmedian(input, dim=None, keepdim=False):
    """median that ignores NaNs (NaN only where a row is all NaN)."""
    if dim is None and keepdim is False:
        return _median_all(input, True)
    return _median(input, dim, keepdim, True)


# mode ------------------------------------------------------------------------------------------
def mode(input, dim=-1, keepdim=False):
    """Most frequent value along ``dim`` (ties: the smallest value) and its last index."""
    d = input._data
    if dim is None:
        raise TypeError("mode(): argument 'dim' must be int, not NoneType")
    dim = canon_dim(dim, d.ndim)
    if d.ndim and d.shape[dim] == 0:
        raise IndexError(f"mode(): Expected reduction dim {dim} to have non-zero size.")
    if d.ndim == 0:
        vals, idx = _finish(d, None, None, 0, True)
    else:
        moved = np.moveaxis(d, dim, -1)
        rows = moved.reshape(-1, moved.shape[-1])
        order = np.argsort(rows, axis=1, kind="stable")
        s = np.take_along_axis(rows, order, axis=1)
        n = s.shape[1]
        pos = np.arange(n)
        starts = np.ones(s.shape, dtype=bool)
        starts[:, 1:] = s[:, 1:] != s[:, :-1]  # NaN != NaN: every NaN is its own run
        ends = np.ones(s.shape, dtype=bool)
        ends[:, :-1] = starts[:, 1:]
        run_start = np.maximum.accumulate(np.where(starts, pos, 0), axis=1)
        counts = np.where(ends, pos - run_start + 1, 0)
        best = np.argmax(counts, axis=1)[:, None]  # first longest run: the smallest value
        # Within a run the stable order keeps original positions increasing: take its last.
        vals = np.take_along_axis(s, best, axis=1).reshape(moved.shape[:-1])
        idx = np.take_along_axis(order, best, axis=1).reshape(moved.shape[:-1])
        if keepdim:
            vals, idx = np.expand_dims(vals, dim), np.expand_dims(idx, dim)
    return _select_result(
        return_types.mode, ModeBackward0, input, vals, idx, dim, keepdim or d.ndim == 0
    )


# unique ----------------------------------------------------------------------------------------
class Unique2Backward0(Node):
    def backward(self, g):
        raise NotImplementedError("the derivative for '_unique2' is not implemented.")


class UniqueDimBackward0(Node):
    def backward(self, g):
        raise NotImplementedError("the derivative for 'unique_dim' is not implemented.")


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Sorted unique values (always sorted, as PyTorch on CPU); NaNs are all kept."""
    d = input._data
    if dim is None:
        vals, inv, counts = np.unique(
            d.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False
        )
        inv = inv.reshape(d.shape)
        node_cls = Unique2Backward0
    else:
        if d.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        dim = canon_dim(dim, d.ndim)
        if d.shape.count(0) > 1:
            raise RuntimeError(
                "Number of zero sized dimensions is more than one, so unique cannot be applied "
            )
        if d.size == 0 and d.shape[dim] != 0:
            raise RuntimeError(
                "There are 0 sized dimensions, and they aren't selected, so unique cannot be "
                "applied"
            )
        if d.size == 0:
            vals = d.copy()
            inv = counts = np.zeros(0, dtype=np.int64)
        else:
            vals, inv, counts = np.unique(d, return_inverse=True, return_counts=True, axis=dim)
            inv = inv.reshape(-1)
        node_cls = UniqueDimBackward0
    out = _wrap(vals)
    if input._requires_grad and _state.enabled:
        attach(out, node_cls(), input)
    if not return_inverse and not return_counts:
        return out
    res = [out]
    if return_inverse:
        res.append(_wrap(inv.astype(np.int64, copy=False)))
    if return_counts:
        res.append(_wrap(counts.astype(np.int64, copy=False)))
    return tuple(res)
