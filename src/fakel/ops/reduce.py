"""Reductions: sum, mean, prod, max/min (full and along a dim), amax/amin, argmax/argmin."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import DIM_NOT_GIVEN, Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dim, canon_dims, needs_grad


def _dims(input, dim):
    """Normalised reduction dims as a tuple, or None for a full reduction."""
    if dim is None:
        return None
    nd = input._data.ndim
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        return canon_dims(dim, nd)
    return canon_dims((dim,), nd)


def _expand_back(g, shape, dims, keepdim):
    """Bring a reduced gradient back to ``shape`` (re-inserting reduced dims)."""
    if dims is not None and not keepdim:
        for d in sorted(dims):
            g = g.unsqueeze(d)
    elif dims is None and not keepdim:
        g = g.reshape((1,) * len(shape)) if shape else g
    return g.expand(shape)


class SumBackward0(Node):
    __slots__ = ("_shape",)

    def backward(self, g):
        return (g.expand(self._shape),)


class SumBackward1(Node):
    __slots__ = ("_shape", "_dims", "_keepdim")

    def backward(self, g):
        return (_expand_back(g, self._shape, self._dims, self._keepdim),)


def _sum_dtype(d, dtype):
    if dtype is not None:
        return _dt.to_dtype(dtype).np
    if d.kind in "biu":
        return np.int64
    if d == np.float16:  # PyTorch accumulates half in float (so 100 x 1000 does not overflow)
        return np.float32
    return None


def _half_back(out, d, acc):
    """A half input accumulated in float32 gives a half result again."""
    if acc is np.float32 and d.dtype == np.float16:
        return np.asarray(out).astype(np.float16)
    return out


_add_reduce = np.add.reduce  # np.sum's Python wrapper costs more than a 2x2 sum itself


def sum(input, dim=DIM_NOT_GIVEN, keepdim=False, *, dtype=None) -> Tensor:
    """Without ``dim``: SumBackward0. With any ``dim``, even None or (): SumBackward1."""
    d = input._data
    acc = _sum_dtype(d.dtype, dtype)
    if dim is DIM_NOT_GIVEN:
        dims = None
        out = _add_reduce(d, axis=None, dtype=acc)
    else:
        dims = _dims(input, dim)
        out = _add_reduce(d, axis=dims, dtype=acc, keepdims=keepdim)
    out = _wrap(_half_back(out, d, acc))
    if input._requires_grad and _state.enabled and out._data.dtype.kind == "f":
        if dim is DIM_NOT_GIVEN:
            node = SumBackward0()
        else:
            node = SumBackward1()
            node._dims, node._keepdim = dims, keepdim
        node._shape = d.shape
        attach(out, node, input)
    return out


def sum_to_size(input, *size) -> Tensor:
    """Sum ``input`` down to a broadcast-compatible smaller ``size``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = input._data.shape
    if tuple(size) == shape:
        return input
    lead = len(shape) - len(size)
    dims = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(size) if s == 1 and shape[i + lead] != 1
    )
    out = sum(input, dims, keepdim=True) if dims else input
    if lead:
        out = out.reshape(size)
    return out


class MeanBackward0(Node):
    __slots__ = ("_shape", "_n")

    def backward(self, g):
        return (g.expand(self._shape) / self._n,)


class MeanBackward1(Node):
    __slots__ = ("_shape", "_dims", "_keepdim", "_n")

    def backward(self, g):
        return (_expand_back(g, self._shape, self._dims, self._keepdim) / self._n,)


def mean(input, dim=DIM_NOT_GIVEN, keepdim=False, *, dtype=None) -> Tensor:
    """Without ``dim``: MeanBackward0. With any ``dim``, even None or (): MeanBackward1."""
    d = input._data
    if dtype is not None:
        d = d.astype(_dt.to_dtype(dtype).np)
    elif d.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype._scalar_name}"
        )
    dims = None if dim is DIM_NOT_GIVEN else _dims(input, dim)
    # sum / count rather than np.mean: no "Mean of empty slice" warning (PyTorch gives nan
    # silently), and less overhead on small tensors.
    acc = np.float32 if d.dtype == np.float16 else None  # half accumulates in float
    if dims is None:
        n = d.size
        out = _add_reduce(d, axis=None, dtype=acc,
                          keepdims=keepdim and dim is not DIM_NOT_GIVEN)
    else:
        n = 1
        for ax in dims:
            n *= d.shape[ax]
        out = _add_reduce(d, axis=dims, dtype=acc, keepdims=keepdim)
    out = _wrap(np.asarray(np.true_divide(out, n)).astype(d.dtype, copy=False))
    if input._requires_grad and _state.enabled:
        if dim is DIM_NOT_GIVEN:
            node = MeanBackward0()
        else:
            node = MeanBackward1()
            node._dims, node._keepdim = dims, keepdim
        node._n = n
        node._shape = d.shape
        attach(out, node, input)
    return out


# prod -------------------------------------------------------------------------------------------
def _prod_others(x, axis):
    """For each element, the product of the others along ``axis`` (exact with zeros)."""
    before = np.cumprod(x, axis=axis)
    after = np.flip(np.cumprod(np.flip(x, axis), axis=axis), axis)
    ones_shape = list(x.shape)
    ones_shape[axis] = 1
    one = np.ones(ones_shape, dtype=x.dtype)
    excl_before = np.concatenate([one, np.take(before, range(x.shape[axis] - 1), axis=axis)], axis)
    excl_after = np.concatenate([np.take(after, range(1, x.shape[axis]), axis=axis), one], axis)
    return excl_before * excl_after


def _others_in_graph(x, dim):
    """For each element, the product of the others along ``dim``, built from fakel ops so that
    it can be differentiated again (only used under create_graph, when x holds a zero): the
    row is repeated n times with ones on the diagonal, then multiplied out."""
    from .compare import where

    n = x._data.shape[dim]
    moved = x.transpose(dim, -1) if x._data.ndim > 1 else x
    rows = moved.unsqueeze(-2).expand(*moved.shape[:-1], n, n)
    eye = _wrap(np.eye(n, dtype=bool))
    others = where(eye, 1.0, rows).prod(-1)
    return others.transpose(dim, -1) if x._data.ndim > 1 else others


class ProdBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        xd = x._data
        if np.all(xd != 0):
            return (g * self.output() / x,)
        if _state.enabled:  # create_graph: the product of the others, differentiably
            return (g * _others_in_graph(x.reshape(-1), 0).reshape(xd.shape),)
        others = _prod_others(xd.reshape(-1), 0).reshape(xd.shape)
        return (g * _wrap(others),)


class ProdBackward1(Node):
    __slots__ = ("_dim", "_keepdim")

    def backward(self, g):
        (x,) = self.saved()
        dim = self._dim
        if not self._keepdim:
            g = g.unsqueeze(dim)
        xd = x._data
        if np.all(xd != 0):
            r = self.output()
            if not self._keepdim:
                r = r.unsqueeze(dim)
            return (g * r / x,)
        if _state.enabled:
            return (g * _others_in_graph(x, dim),)
        return (g * _wrap(_prod_others(xd, dim)),)


def prod(input, dim=None, keepdim=False, *, dtype=None) -> Tensor:
    d = input._data
    acc = _sum_dtype(d.dtype, dtype)
    if dim is None:
        out = _wrap(_half_back(np.multiply.reduce(d, axis=None, dtype=acc), d, acc))
        node = ProdBackward0() if input._requires_grad else None
    else:
        dim = canon_dim(dim, d.ndim)
        out = _wrap(_half_back(np.multiply.reduce(d, axis=dim if d.ndim else None, dtype=acc,
                                                   keepdims=keepdim and d.ndim > 0), d, acc))
        node = ProdBackward1() if input._requires_grad else None
        if node is not None:
            node._dim, node._keepdim = dim, keepdim or d.ndim == 0
    if node is not None and needs_grad(input) and out._data.dtype.kind == "f":
        node.save(input)
        node.save_output(out)
        attach(out, node, input)
    return out


# max / min --------------------------------------------------------------------------------------
class _ReturnType(tuple):
    """A (values, indices) pair that prints as ``fakel.return_types.max(values=..., ...)``."""

    __slots__ = ()
    _name = ""

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return (f"{_dt._PREFIX[0]}.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


def _return_type(name):
    return type(name, (_ReturnType,), {"__slots__": (), "_name": name})


class return_types:
    """Named result tuples of reductions that return values and indices."""

    max = _return_type("max")
    min = _return_type("min")
    sort = _return_type("sort")
    topk = _return_type("topk")
    kthvalue = _return_type("kthvalue")
    median = _return_type("median")
    nanmedian = _return_type("nanmedian")
    mode = _return_type("mode")
    cummax = _return_type("cummax")
    cummin = _return_type("cummin")


def _hits(x, r):
    """Where x equals the reduced value r; a NaN result is hit by the NaNs that made it."""
    mask = x == r
    if x.dtype.kind == "f":
        mask |= np.isnan(x) & np.isnan(r)
    return mask


class MaxBackward1(Node):
    """Full max/min: ties share the gradient evenly."""

    def backward(self, g):
        (x,) = self.saved()
        mask = _hits(x._data, self.output()._data)
        return (g * _wrap(mask / mask.sum(dtype=x._data.dtype)),)


class MinBackward1(MaxBackward1):
    __slots__ = ()


class MaxBackward0(Node):
    """max/min along a dim: the gradient goes to the (first) index that was picked."""

    __slots__ = ("_dim", "_keepdim", "_indices", "_shape")

    def backward(self, g):
        if not self._shape:
            return (g,)
        dim = self._dim
        idx = self._indices
        if not self._keepdim:
            g = g.unsqueeze(dim)
            idx = np.expand_dims(idx, dim)
        onehot = np.zeros(self._shape, dtype=g._data.dtype)
        np.put_along_axis(onehot, idx, 1, axis=dim)
        return (g * _wrap(onehot),)


class MinBackward0(MaxBackward0):
    __slots__ = ()


def _empty_check(name, d, dim):
    if dim is None and d.size == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )


def _extreme(input, dim, keepdim, is_max):
    name = "max" if is_max else "min"
    d = input._data
    if isinstance(dim, Tensor):
        from .compare import maximum, minimum

        return (maximum if is_max else minimum)(input, dim)
    if dim is None:
        _empty_check(name, d, None)
        out = _wrap((np.max if is_max else np.min)(d))  # NaN propagates, as in PyTorch
        if input._requires_grad and _state.enabled:
            node = MaxBackward1() if is_max else MinBackward1()
            node.save(input)
            node.save_output(out)
            attach(out, node, input)
        return out
    dim = canon_dim(dim, d.ndim)
    if d.ndim and d.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    if d.ndim == 0:
        values = _wrap(d.copy())
        indices = _wrap(np.zeros((), dtype=np.int64))
    else:
        idx = _arg(d, dim, is_max)
        vals = np.take_along_axis(d, np.expand_dims(idx, dim), axis=dim)
        if not keepdim:
            vals = vals.squeeze(dim)
        else:
            idx = np.expand_dims(idx, dim)
        values, indices = _wrap(vals), _wrap(idx)
    if input._requires_grad and _state.enabled:
        node = MaxBackward0() if is_max else MinBackward0()
        node._dim, node._keepdim = dim, keepdim or d.ndim == 0
        node._indices = indices._data
        node._shape = d.shape
        attach(values, node, input)
    rt = return_types.max if is_max else return_types.min
    return rt(values, indices)


def _arg(d, axis, is_max):
    """argmax/argmin that, like PyTorch, returns the index of a NaN if there is one."""
    if d.dtype.kind == "f":
        nan = np.isnan(d)
        if nan.any():
            has = nan.any(axis=axis)
            first_nan = np.argmax(nan, axis=axis)
            plain = np.argmax(d, axis=axis) if is_max else np.argmin(d, axis=axis)
            return np.where(has, first_nan, plain)
    return np.argmax(d, axis=axis) if is_max else np.argmin(d, axis=axis)


def max(input, dim=None, keepdim=False):
    return _extreme(input, dim, keepdim, True)


def min(input, dim=None, keepdim=False):
    return _extreme(input, dim, keepdim, False)


class AmaxBackward0(Node):
    __slots__ = ("_dims", "_keepdim")

    def backward(self, g):
        (x,) = self.saved()
        r = self.output()._data
        dims = self._dims
        if not self._keepdim:
            r = np.expand_dims(r, dims)
            for ax in sorted(dims):
                g = g.unsqueeze(ax)
        mask = _hits(x._data, r)
        share = mask / mask.sum(axis=dims, keepdims=True, dtype=x._data.dtype)
        return (g * _wrap(share),)


class AminBackward0(AmaxBackward0):
    __slots__ = ()


def _amax(input, dim, keepdim, is_max):
    d = input._data
    dims = tuple(range(d.ndim)) if dim in ((), [], None) else canon_dims(dim, d.ndim)
    name = "amax" if is_max else "amin"
    for ax in dims:
        if d.shape[ax] == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim {ax} to have non-zero size."
            )
    out = _wrap((np.max if is_max else np.min)(d, axis=dims, keepdims=keepdim))
    if input._requires_grad and _state.enabled:
        node = AmaxBackward0() if is_max else AminBackward0()
        node._dims, node._keepdim = dims, keepdim
        node.save(input)
        node.save_output(out)
        attach(out, node, input)
    return out


def amax(input, dim=(), keepdim=False) -> Tensor:
    return _amax(input, dim, keepdim, True)


def amin(input, dim=(), keepdim=False) -> Tensor:
    return _amax(input, dim, keepdim, False)


def _argext(input, dim, keepdim, is_max):
    d = input._data
    name = "argmax" if is_max else "argmin"
    if d.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if d.size == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        idx = _arg(d.reshape(-1), 0, is_max)
        if keepdim:
            idx = np.reshape(idx, (1,) * d.ndim)
        return _wrap(np.asarray(idx, dtype=np.int64))
    dim = canon_dim(dim, d.ndim)
    if d.ndim == 0:
        return _wrap(np.zeros((), dtype=np.int64))
    if d.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    idx = _arg(d, dim, is_max)
    if keepdim:
        idx = np.expand_dims(idx, dim)
    return _wrap(np.asarray(idx, dtype=np.int64))


def argmax(input, dim=None, keepdim=False) -> Tensor:
    return _argext(input, dim, keepdim, True)


def argmin(input, dim=None, keepdim=False) -> Tensor:
    return _argext(input, dim, keepdim, False)

