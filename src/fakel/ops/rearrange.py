"""Rearranging copies and diagonals: repeat, tile, flip, fliplr, flipud, roll, diag, diagonal
(a view), tril, triu and their in-place forms."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dim, canon_dims
from .inplace import _inplace, check_inplace
from .join import _int_arg
from .shape import _view_of


def _ints(args, fn: str, arg: str) -> tuple:
    """Method-style varargs (``x.repeat(2, 1)``) or one sequence (``x.repeat((2, 1))``)."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = args[0]
    return tuple([_int_arg(a, fn, arg) for a in args])


def _seq(x, fn: str, arg: str) -> tuple:
    """A function's sequence argument: PyTorch refuses a lone int where it wants a tuple."""
    if not isinstance(x, (list, tuple)):
        raise TypeError(
            f"{fn}(): argument '{arg}' (position 2) must be tuple of ints, not {type(x).__name__}"
        )
    return tuple([_int_arg(a, fn, arg) for a in x])


# repeat / tile ----------------------------------------------------------------------------------
class RepeatBackward0(Node):
    __slots__ = ("_shape", "_repeats")

    def backward(self, g):
        # Output dim i is (repeats[i], padded size[i]) interleaved: sum the repeat axes away.
        shape, reps = self._shape, self._repeats
        padded = (1,) * (len(reps) - len(shape)) + tuple(shape)
        split, dims = [], []
        for r, s in zip(reps, padded):
            if r != 1:
                dims.append(len(split))
                split.append(r)
            split.append(s)
        if dims:
            g = g.reshape(tuple(split)).sum(tuple(dims))
        return (g.reshape(shape),)


def repeat(input, *repeats) -> Tensor:
    """``Tensor.repeat``: tile the data ``repeats[i]`` times along dim i (leading dims added)."""
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = _ints(repeats, "repeat", "repeats")
    d = input._data
    if len(reps) < d.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
            "tensor"
        )
    padded = (1,) * (len(reps) - d.ndim) + d.shape
    target = [r * s for r, s in zip(reps, padded)]
    if any(t < 0 for t in target):
        bad = next(t for t in target if t < 0)
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {bad}: "
            f"[{', '.join(map(str, target))}]"
        )
    out = _wrap(np.tile(d.reshape(padded), reps))
    if input._requires_grad and _state.enabled:
        node = RepeatBackward0()
        node._shape, node._repeats = d.shape, reps
        attach(out, node, input)
    return out


def tile(input, dims) -> Tensor:
    """``repeat`` with ``dims`` padded by leading 1s to the input's number of dims."""
    reps = _seq(dims, "tile", "dims")
    nd = input._data.ndim
    if len(reps) < nd:
        reps = (1,) * (nd - len(reps)) + reps
    return repeat(input, reps)


# flip / roll ------------------------------------------------------------------------------------
class FlipBackward0(Node):
    __slots__ = ("_dims",)

    def backward(self, g):
        return (flip(g, self._dims),)


def flip(input, dims) -> Tensor:
    """A reversed copy along ``dims`` (PyTorch copies; NumPy's flip would be a view)."""
    d = input._data
    axes = canon_dims(_seq(dims, "flip", "dims"), d.ndim)
    if len(axes) == 1 and axes[0] < d.ndim - 1 and d.size > 1024:
        # Reversing whole rows: a gather of contiguous blocks beats NumPy's strided copy.
        n = d.shape[axes[0]]
        out = _wrap(np.take(d, np.arange(n - 1, -1, -1), axes[0]))
    else:
        out = _wrap(np.flip(d, axes).copy() if axes else d.copy())
    if input._requires_grad and _state.enabled:
        node = FlipBackward0()
        node._dims = axes
        attach(out, node, input)
    return out


def fliplr(input) -> Tensor:
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input) -> Tensor:
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class RollBackward0(Node):
    __slots__ = ("_shifts", "_dims")

    def backward(self, g):
        return (roll(g, tuple([-s for s in self._shifts]), self._dims),)


def _roll_axis(a, shift, ax):
    """``a`` rotated by ``shift`` along ``ax`` in two block copies (np.roll is slower)."""
    n = a.shape[ax]
    shift %= n
    if not shift:
        return a
    out = np.empty_like(a)
    lead = (slice(None),) * ax
    out[lead + (slice(shift, None),)] = a[lead + (slice(None, n - shift),)]
    out[lead + (slice(None, shift),)] = a[lead + (slice(n - shift, None),)]
    return out


def roll(input, shifts, dims=None) -> Tensor:
    """Rotate entries along ``dims``; without dims, over the flattened tensor."""
    sh = (
        tuple([_int_arg(s, "roll", "shifts") for s in shifts])
        if isinstance(shifts, (list, tuple))
        else (_int_arg(shifts, "roll", "shifts", 1),)
    )
    if dims is None:
        dm = ()
    elif isinstance(dims, (list, tuple)):
        dm = tuple([_int_arg(k, "roll", "dims") for k in dims])
    else:
        dm = (_int_arg(dims, "roll", "dims", 2),)
    if not sh:
        raise RuntimeError("`shifts` required")
    if (dm or len(sh) != 1) and len(sh) != len(dm):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(dm)}")
    d = input._data
    if dm and d.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    axes = tuple([canon_dim(k, d.ndim) for k in dm])
    if not d.size:
        arr = d.copy()
    elif axes:
        arr = d
        for s, ax in zip(sh, axes):
            arr = _roll_axis(arr, s, ax)
        if arr is d:
            arr = d.copy()
    else:
        arr = _roll_axis(d.reshape(-1), sh[0], 0).reshape(d.shape)
    out = _wrap(arr)
    if input._requires_grad and _state.enabled:
        node = RollBackward0()
        node._shifts, node._dims = sh, axes
        attach(out, node, input)
    return out


# diagonals --------------------------------------------------------------------------------------
def _diag_view(d, offset, d1, d2):
    """NumPy's diagonal view, made writable like PyTorch's (NumPy hands it out read-only)."""
    arr = np.diagonal(d, offset, d1, d2)
    if type(arr) is np.ndarray and d.flags.writeable and arr.size:
        arr.flags.writeable = True
    return arr


def _diag_embed(g, shape, offset, d1, d2):
    """Zeros of ``shape`` with ``g`` on the (offset, d1, d2) diagonal: diagonal's gradient."""
    gd = g._data
    z = np.zeros_like(gd, shape=shape)
    n = gd.shape[-1]
    if n:
        rows = np.arange(n) + max(-offset, 0)
        cols = np.arange(n) + max(offset, 0)
        np.moveaxis(z, (d1, d2), (-2, -1))[..., rows, cols] = gd
    out = _wrap(z)
    if g._requires_grad and _state.enabled:
        node = DiagonalBackwardBackward0()
        node._args = (offset, d1, d2)
        attach(out, node, g)
    return out


class DiagonalBackwardBackward0(Node):
    __slots__ = ("_args",)

    def backward(self, g):
        return (diagonal(g, *self._args),)


class DiagonalBackward0(Node):
    __slots__ = ("_shape", "_args")

    def backward(self, g):
        return (_diag_embed(g, self._shape, *self._args),)


class DiagonalBackward0_copy(DiagonalBackward0):  # noqa: N801 - PyTorch's node name for diag()
    __slots__ = ()


def diagonal(input, offset=0, dim1=0, dim2=1) -> Tensor:
    """The diagonal of dims (dim1, dim2) as a view, appended as the last dim."""
    offset = _int_arg(offset, "diagonal", "offset")
    d = input._data
    a, b = canon_dim(dim1, d.ndim), canon_dim(dim2, d.ndim)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    out = _view_of(input, _diag_view(d, offset, a, b))
    if input._requires_grad and _state.enabled:
        node = DiagonalBackward0()
        node._shape, node._args = d.shape, (offset, a, b)
        attach(out, node, input)
    return out


class DiagEmbedBackward0(Node):
    __slots__ = ("_offset",)

    def backward(self, g):
        return (diagonal(g, self._offset, 0, 1),)


def diag(input, diagonal=0) -> Tensor:
    """1-d input: a square matrix with it on the ``diagonal``-th diagonal. 2-d input: a copy of
    that diagonal."""
    k = _int_arg(diagonal, "diag", "diagonal", 1)
    d = input._data
    if d.ndim == 1:
        out = _wrap(np.diag(d, k))
        node = DiagEmbedBackward0() if input._requires_grad and _state.enabled else None
        if node is not None:
            node._offset = k
    elif d.ndim == 2:
        out = _wrap(np.diagonal(d, k).copy())
        node = DiagonalBackward0_copy() if input._requires_grad and _state.enabled else None
        if node is not None:
            node._shape, node._args = d.shape, (k, 0, 1)
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {d.ndim}D")
    if node is not None:
        attach(out, node, input)
    return out


# tril / triu ------------------------------------------------------------------------------------
class TrilBackward0(Node):
    __slots__ = ("_k",)

    def backward(self, g):
        return (tril(g, self._k),)


class TriuBackward0(Node):
    __slots__ = ("_k",)

    def backward(self, g):
        return (triu(g, self._k),)


def _tri(input, k, upper, node_cls, name):
    k = _int_arg(k, name, "diagonal")
    d = input._data
    if d.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    mask = np.tri(d.shape[-2], d.shape[-1], k - 1 if upper else k, dtype=bool)
    out = np.zeros_like(d)
    np.copyto(out, d, where=~mask if upper else mask)  # faster than np.tril's np.where
    out = _wrap(out)
    if input._requires_grad and _state.enabled:
        node = node_cls()
        node._k = k
        attach(out, node, input)
    return out


def tril(input, diagonal=0) -> Tensor:
    """Entries on and below the ``diagonal``-th diagonal of the last two dims; zeros above."""
    return _tri(input, diagonal, False, TrilBackward0, "tril")


def triu(input, diagonal=0) -> Tensor:
    """Entries on and above the ``diagonal``-th diagonal of the last two dims; zeros below."""
    return _tri(input, diagonal, True, TriuBackward0, "triu")


def tril_(input, diagonal=0) -> Tensor:
    check_inplace(input)
    return _inplace(input, tril(input, diagonal))


def triu_(input, diagonal=0) -> Tensor:
    check_inplace(input)
    return _inplace(input, triu(input, diagonal))


class TraceBackward0(Node):
    __slots__ = ("_shape",)

    def backward(self, g):
        from .._creation import eye

        n, m = self._shape
        return (g * eye(n, m, dtype=g.dtype),)


def trace(input) -> Tensor:
    """Sum of the main diagonal of a matrix (integers and bools sum to int64)."""
    d = input._data
    if d.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {d.ndim}")
    if d.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    acc = np.int64 if d.dtype.kind in "iu" else d.dtype
    out = _wrap(np.asarray(np.trace(d, dtype=acc if acc != np.float16 else np.float32), dtype=acc))
    if input._requires_grad and _state.enabled:
        node = TraceBackward0()
        node._shape = d.shape
        attach(out, node, input)
    return out
