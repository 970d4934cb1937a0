"""Statistics and norms: var, std (and var_mean/std_mean), vector/matrix norms, logsumexp,
all/any and count_nonzero."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dims
from .reduce import MeanBackward1, mean


def _reduce_dims(dim, ndim):
    """Reduction dims as a sorted tuple; None, () and [] all mean every dim."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return tuple(range(ndim))
        return tuple(sorted(canon_dims(dim, ndim)))
    return canon_dims((dim,), ndim)


def _keep(t, dims, keepdim):
    """``t`` (a reduced result) with its reduced dims put back as size 1, for broadcasting."""
    if keepdim:
        return t
    for d in dims:
        t = t.unsqueeze(d)
    return t


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


# var / std ---------------------------------------------------------------------------------------
_DOF_WARNING = (
    "{}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
    "factor (input numel divided by output numel)."
)


class VarBackward0(Node):
    __slots__ = ("_dims", "_keepdim", "_dof")

    def _var_grad(self, g, x):
        dof = self._dof
        scale = 2.0 / dof if dof else float("inf")  # 0 * inf: nan, as PyTorch's 2 / 0
        g = _keep(g, self._dims, self._keepdim)
        return g * scale * (x - mean(x, self._dims, keepdim=True))

    def backward(self, g):
        (x,) = self.saved()
        return (self._var_grad(g, x),)


class StdBackward0(VarBackward0):
    __slots__ = ()

    def backward(self, g):
        from .compare import where

        (x,) = self.saved()
        r = self.output()
        g = where(r == 0, 0.0, g / (r * 2))
        return (self._var_grad(g, x),)


class VarMeanBackward0(VarBackward0):
    """The var half of var_mean (the mean half is a second node under the same name)."""

    __slots__ = ()


_VarMeanMean = type("VarMeanBackward0", (MeanBackward1,), {"__slots__": ()})


class StdMeanBackward0(StdBackward0):
    __slots__ = ()


_StdMeanMean = type("StdMeanBackward0", (MeanBackward1,), {"__slots__": ()})


def _correction(name, dim, unbiased, correction):
    if isinstance(dim, bool):  # var(input, unbiased): PyTorch's legacy positional form
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got both 'unbiased' and "
            "'correction'"
        )
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def _moments(name, input, dim, unbiased, keepdim, correction):
    """(var array, mean array or None, dims, dof): the shared forward of var/std and friends."""
    d = input._data
    if d.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dim, correction = _correction(name, dim, unbiased, correction)
    dims = _reduce_dims(dim, d.ndim)
    work = d.astype(np.float32) if d.dtype == np.float16 else d
    cnt = _count(d.shape, dims)
    # PyTorch's n is input numel / output numel: 0 when either is empty.
    n = cnt if _count(d.shape, [i for i in range(d.ndim) if i not in dims]) else 0
    dof = n - correction
    if dof <= 0:
        warnings.warn(_DOF_WARNING.format(name), UserWarning, stacklevel=3)
        dof = 0
    axis = dims if d.ndim else None
    m = np.add.reduce(work, axis=axis, keepdims=True) / cnt
    dev = work - m
    ss = np.add.reduce(dev * dev, axis=axis, keepdims=keepdim)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.true_divide(ss, dof)
    if not keepdim and d.ndim:
        m = m.reshape(v.shape)
    elif d.ndim == 0:
        m = m.reshape(())
    return v, m, dims, dof


def _record(node_cls, out, input, dims, keepdim, dof, keep_output):
    node = node_cls()
    node._dims, node._keepdim, node._dof = dims, keepdim, dof
    node.save(input)
    if keep_output:
        node.save_output(out)
    return attach(out, node, input)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None) -> Tensor:
    """Sample variance; ``correction`` (default 1) or the legacy ``unbiased`` flag."""
    v, _, dims, dof = _moments("var", input, dim, unbiased, keepdim, correction)
    out = _wrap(np.asarray(v).astype(input._data.dtype, copy=False))
    if input._requires_grad and _state.enabled:
        _record(VarBackward0, out, input, dims, keepdim, dof, False)
    return out


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None) -> Tensor:
    """Sample standard deviation; ``correction`` (default 1) or the legacy ``unbiased`` flag."""
    v, _, dims, dof = _moments("std", input, dim, unbiased, keepdim, correction)
    out = _wrap(np.asarray(np.sqrt(v)).astype(input._data.dtype, copy=False))
    if input._requires_grad and _state.enabled:
        _record(StdBackward0, out, input, dims, keepdim, dof, True)
    return out


def _with_mean(name, input, dim, unbiased, keepdim, correction):
    v, m, dims, dof = _moments(name, input, dim, unbiased, keepdim, correction)
    dt = input._data.dtype
    if name == "std":
        v = np.sqrt(v)
    first = _wrap(np.asarray(v).astype(dt, copy=False))
    second = _wrap(np.asarray(m).astype(dt, copy=False))
    if input._requires_grad and _state.enabled:
        std_ = name == "std"
        _record(
            StdMeanBackward0 if std_ else VarMeanBackward0, first, input, dims, keepdim, dof, std_
        )
        node = _StdMeanMean() if std_ else _VarMeanMean()
        node._dims, node._keepdim, node._shape = dims, keepdim, input._data.shape
        node._n = _count(input._data.shape, dims)
        attach(second, node, input)
    return first, second


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) as a plain tuple, as PyTorch returns it."""
    return _with_mean("var", input, dim, unbiased, keepdim, correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) as a plain tuple, as PyTorch returns it."""
    return _with_mean("std", input, dim, unbiased, keepdim, correction)


# norms -------------------------------------------------------------------------------------------
class LinalgVectorNormBackward0(Node):
    __slots__ = ("_ord", "_dims", "_keepdim", "_cast")

    def backward(self, g):
        from .compare import where

        (x,) = self.saved()
        p = self._ord
        if p == 0:
            return (None,)
        if self._cast is not None:
            x = x.to(self._cast)
        dims, keep = self._dims, self._keepdim
        g = _keep(g, dims, keep)
        if p == 1:
            return (x.sign() * g,)
        norm = _keep(self.output(), dims, keep)
        if p == 2:
            return (x * where(norm == 0, 0.0, g / norm),)
        if p == float("inf") or p == -float("inf"):
            a = x.abs()
            mask = (a == norm) | (a != a)
            return (x.sign() * ((g / mask.sum(dims, keepdim=True)) * mask),)
        if p < 1:
            scaled = x.sign() * where(x == 0, 0.0, x.abs() ** (p - 1))
            return (scaled * g * norm ** (1 - p),)
        scale = where(norm == 0, 0.0, g / norm ** (p - 1))
        if p < 2:
            return (x.sign() * x.abs() ** (p - 1) * scale,)
        return (x * x.abs() ** (p - 2) * scale,)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None) -> Tensor:
    """``fakel.linalg.vector_norm``: the ord-norm of the entries over ``dim`` (all by default)."""
    d = x._data
    if isinstance(ord, bool) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
            f"{type(ord).__name__}"
        )
    in_dt = _dt.from_np(d.dtype)
    if d.dtype.kind != "f":
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{in_dt._scalar_name}"
        )
    cast = None
    if dtype is not None:
        want = _dt.to_dtype(dtype)
        if not want.is_floating_point:
            raise RuntimeError(
                "linalg.vector_norm: dtype should be floating point or complex, but got "
                f"{want._scalar_name}"
            )
        if want.np.itemsize < d.dtype.itemsize:
            raise RuntimeError(
                f"linalg.vector_norm: the dtype of the input ({in_dt._scalar_name}) should be "
                f"convertible without narrowing to the specified dtype ({want._scalar_name})"
            )
        if want.np != d.dtype:
            cast, d = want, d.astype(want.np)
    ord = float(ord)
    dims = _reduce_dims(dim, d.ndim)
    if ord < 0 or ord == float("inf"):  # no identity: max/min or a negative power
        name = "inf" if ord == float("inf") else "-inf" if ord == -float("inf") else f"{ord:g}"
        if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
            if d.size == 0:
                raise RuntimeError(
                    f"linalg.vector_norm cannot compute the {name} norm on an empty tensor "
                    "because the operation does not have an identity"
                )
        else:
            for ax in dims:
                if d.ndim and d.shape[ax] == 0:
                    raise RuntimeError(
                        f"linalg.vector_norm cannot compute the {name} norm on the dimension "
                        f"{ax}because this dimension is empty and the operation does not have "
                        "an identity"
                    )
    out = _wrap(_norm_array(d, ord, dims if d.ndim else None, keepdim))
    if x._requires_grad and _state.enabled:
        node = LinalgVectorNormBackward0()
        node._ord, node._dims, node._keepdim, node._cast = ord, dims, keepdim, cast
        node.save(x)
        node.save_output(out)
        attach(out, node, x)
    return out


def _norm_array(d, p, axis, keepdim):
    a = np.absolute(d)
    if p == 2:
        r = np.sqrt(np.add.reduce(a * a, axis=axis, keepdims=keepdim))
    elif p == 1:
        r = np.add.reduce(a, axis=axis, keepdims=keepdim)
    elif p == float("inf"):
        r = np.max(a, axis=axis, keepdims=keepdim)
    elif p == -float("inf"):
        r = np.min(a, axis=axis, keepdims=keepdim)
    elif p == 0:
        r = np.add.reduce(a != 0, axis=axis, keepdims=keepdim, dtype=d.dtype)
    else:
        with np.errstate(divide="ignore", over="ignore"):
            r = np.add.reduce(a**p, axis=axis, keepdims=keepdim) ** (1.0 / p)
    return np.asarray(r, dtype=d.dtype)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None) -> Tensor:
    """``fakel.norm`` / ``Tensor.norm``: vector norms ('fro' is the 2-norm); no 'nuc'."""
    if isinstance(dim, int) and not isinstance(dim, bool):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro":
            if dim is not None and len(dim) > 2:
                _two_dims(dim)
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p == "nuc":
            raise NotImplementedError("fakel does not support the nuclear norm ('nuc')")
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    if p is None:
        p = 2
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


def _two_dims(dim):
    raise RuntimeError(
        "linalg.matrix_norm: dim must be a 2-tuple. Got " + " ".join(str(d) for d in dim)
    )


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None) -> Tensor:
    """``fakel.linalg.matrix_norm`` for ord 'fro', 1, -1, inf, -inf (no SVD-based orders)."""
    from .reduce import amax, amin

    if A._data.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    if len(dim) != 2:
        _two_dims(dim)
    d0, d1 = canon_dims(tuple(dim), A._data.ndim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if isinstance(ord, str) or ord not in (1, -1, float("inf"), -float("inf")):
        if ord in ("nuc", 2, -2):
            raise NotImplementedError(f"fakel does not support matrix norms of order {ord}")
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if abs(ord) == float("inf"):
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    col = vector_norm(A, 1, d0, keepdim, dtype=dtype)
    if ord > 0 and col._data.shape[d1] == 0:  # PyTorch: the max over nothing is a plain 0
        shape = list(col._data.shape)
        shape[d1 : d1 + 1] = [1] if keepdim else []
        return _wrap(np.zeros(shape, dtype=col._data.dtype))
    return (amax if ord > 0 else amin)(col, d1, keepdim)


# logsumexp ---------------------------------------------------------------------------------------
class LogsumexpBackward0(Node):
    __slots__ = ("_dims", "_keepdim")

    def backward(self, g):
        (x,) = self.saved()
        r = _keep(self.output(), self._dims, self._keepdim)
        return (_keep(g, self._dims, self._keepdim) * (x - r).exp(),)


def logsumexp(input, dim, keepdim=False) -> Tensor:
    """log(sum(exp(input))) over ``dim``, computed stably (shifted by the max)."""
    d = input._data
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        shape = ", ".join(["1"] * d.ndim)
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape [{shape}]")
    dims = _reduce_dims(dim, d.ndim)
    if d.dtype.kind != "f":
        d = d.astype(_dt.get_default_dtype().np)
    axis = dims if d.ndim else None
    if d.size:
        m = np.max(d, axis=axis, keepdims=True) if _count(d.shape, dims) else None
    else:
        m = None
    if m is None:
        r = np.log(np.add.reduce(np.exp(d), axis=axis, keepdims=keepdim))
    else:
        m = np.where(np.isinf(m), 0, m)
        with np.errstate(divide="ignore"):
            r = np.log(np.add.reduce(np.exp(d - m), axis=axis, keepdims=True)) + m
        if not keepdim:
            r = r.reshape(tuple(s for i, s in enumerate(d.shape) if i not in dims))
    out = _wrap(np.asarray(r, dtype=d.dtype))
    if input._requires_grad and _state.enabled:
        node = LogsumexpBackward0()
        node._dims, node._keepdim = dims, keepdim
        node.save(input)
        node.save_output(out)
        attach(out, node, input)
    return out


# all / any / count_nonzero -----------------------------------------------------------------------
def _logical_reduce(fn, input, dim, keepdim):
    d = input._data
    if dim is None:
        r = fn(d, axis=None, keepdims=keepdim)
    else:
        dims = _reduce_dims(dim, d.ndim)
        r = fn(d, axis=dims if d.ndim else None, keepdims=keepdim and d.ndim > 0)
    r = np.asarray(r)
    if d.dtype == np.uint8:  # PyTorch keeps uint8 for uint8 input
        r = r.astype(np.uint8)
    return _wrap(r)


def all(input, dim=None, keepdim=False) -> Tensor:
    """True where every element (over ``dim``) is non-zero; uint8 input gives uint8."""
    return _logical_reduce(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False) -> Tensor:
    """True where some element (over ``dim``) is non-zero; uint8 input gives uint8."""
    return _logical_reduce(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None) -> Tensor:
    d = input._data
    axis = None if dim is None else _reduce_dims(dim, d.ndim)
    if d.ndim == 0:
        axis = None
    return _wrap(np.asarray(np.count_nonzero(d, axis=axis), dtype=np.int64))
