"""Indexing: basic indexing as select/slice/unsqueeze views, advanced indexing, setitem, nonzero."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, needs_grad
from .shape import _view_of, unsqueeze

_FULL = slice(None)
_VIEW_IN_GRAPH = (
    "in-place operations on a view of a tensor that is part of a graph are not implemented "
    "in fakel yet"
)
_ZERO_DIM = ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")


class _Embed(Node):
    """Backward of a read at ``key``: a zero tensor of the input's shape holding ``g`` at ``key``
    (added, for advanced keys that may repeat). Its own backward reads ``key`` again."""

    __slots__ = ("_shape", "_key", "_accumulate")

    def backward(self, g):
        return (_read(g, self._key),)


class SelectBackwardBackward0(_Embed):
    __slots__ = ()


class IndexPutBackward0(_Embed):
    __slots__ = ()


def _embed(g, shape, key, accumulate, node_cls=SelectBackwardBackward0):
    d = g._data
    z = np.zeros(shape, dtype=d.dtype) if type(d) is np.ndarray else _zeros_like_dev(d, shape)
    if accumulate:
        np.add.at(z, key, d)
    else:
        z[key] = d
    out = _wrap(z)
    if g._requires_grad and _state.enabled:
        node = node_cls()
        node._shape, node._key, node._accumulate = shape, key, accumulate
        attach(out, node, g)
    return out


def _zeros_like_dev(d, shape):
    from .. import _backend

    return _backend.xp(_backend.device_of(d)).zeros(shape, dtype=d.dtype)


def _read(g, key):
    """Differentiable read of raw NumPy ``key`` (used by backward formulas)."""
    out = _wrap(g._data[key])
    if g._requires_grad and _state.enabled:
        node = IndexBackward0()
        node._shape, node._key = g._data.shape, key
        attach(out, node, g)
    return out


class SelectBackward0(Node):
    __slots__ = ("_shape", "_key")

    def backward(self, g):
        return (_embed(g, self._shape, self._key, False),)


class SliceBackward0(SelectBackward0):
    __slots__ = ()


class IndexBackward0(Node):
    __slots__ = ("_shape", "_key")

    def backward(self, g):
        return (_embed(g, self._shape, self._key, True, IndexPutBackward0),)


class AliasBackward0(Node):
    def backward(self, g):
        return (g,)


def _check_step(s):
    if s.step is not None:
        if s.step == 0:
            raise ValueError("slice step cannot be zero")
        if s.step < 0:
            raise ValueError("step must be greater than zero")


def _view_step(cur, node_cls, key, arr):
    out = _view_of(cur, arr)
    if cur._requires_grad and _state.enabled:
        node = node_cls()
        node._shape, node._key = cur._data.shape, key
        attach(out, node, cur)
    return out


def _select(cur, pos, i, orig):
    """Select index ``i`` of dim ``pos`` (``orig`` is that dim's number in the indexed tensor)."""
    size = cur._data.shape[pos]
    if i < -size or i >= size:
        raise IndexError(f"index {i} is out of bounds for dimension {orig} with size {size}")
    key = (_FULL,) * pos + (i,)
    return _view_step(cur, SelectBackward0, key, cur._data[key])


def _slice(cur, pos, s):
    _check_step(s)
    key = (_FULL,) * pos + (s,)
    return _view_step(cur, SliceBackward0, key, cur._data[key])


def _is_advanced(x):
    return isinstance(x, (Tensor, list, np.ndarray)) and not (
        isinstance(x, Tensor) and x._data.ndim == 0 and x._data.dtype.kind in "iu"
    )


def _check_entry(x):
    if x is None or x is Ellipsis or isinstance(x, (slice, int, np.integer)):
        return
    if isinstance(x, (Tensor, list, np.ndarray, bool)):
        return
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
        f"indices (got {type(x).__name__})"
    )


def getitem(input, index) -> Tensor:
    if index.__class__ is int and input._data.ndim:  # x[i]: the most common index, directly
        return _select(input, 0, index, 0)
    key = index if isinstance(index, tuple) else (index,)
    for x in key:
        _check_entry(x)
    if any(isinstance(x, bool) for x in key):
        return _advanced(input, key)
    if any(_is_advanced(x) for x in key):
        # PyTorch first applies the integers, slices and None, then the index arrays to what
        # is left: so x[0, :, [1, 3]] is x[0][:, [1, 3]] (NumPy would move the list's dim first).
        basic = tuple(slice(None) if _is_advanced(x) else x for x in key)
        rest = tuple(
            x if _is_advanced(x) or x is Ellipsis else slice(None)
            for x in key if not _is_int_index(x)
        )
        return _advanced(_basic(input, basic, False), rest)
    cur = _basic(input, key, isinstance(index, slice))
    if cur is input:  # only full slices and ellipses: PyTorch returns an alias
        cur = _view_of(input, input._data.view())
        if input._requires_grad and _state.enabled:
            attach(cur, AliasBackward0(), input)
    return cur


def _is_int_index(x):
    return isinstance(x, (int, np.integer)) or (
        isinstance(x, Tensor) and x._data.ndim == 0 and x._data.dtype.kind in "iu"
    )


def _basic(input, key, lone_slice):
    """Apply ints (select), slices and None (unsqueeze) one by one, as PyTorch's nodes do;
    full slices are skipped unless the index was a bare slice (x[:] is a SliceBackward0)."""
    d = input._data
    consumed = 0
    for x in key:
        if x is not None and x is not Ellipsis:
            consumed += 1
    if consumed > d.ndim:
        if d.ndim == 0:
            raise IndexError(_ZERO_DIM)
        raise IndexError(f"too many indices for tensor of dimension {d.ndim}")
    cur, pos, orig = input, 0, 0
    for x in key:
        if x is None:
            cur = unsqueeze(cur, pos)
            pos += 1
        elif x is Ellipsis:
            pos += d.ndim - consumed
            orig += d.ndim - consumed
        elif isinstance(x, slice):
            orig += 1
            # A slice that keeps the whole dim is skipped (unless it is the bare x[a:b] form).
            if not lone_slice and x.indices(cur._data.shape[pos]) == (0, cur._data.shape[pos], 1):
                pos += 1
                continue
            cur = _slice(cur, pos, x)
            pos += 1
        else:
            cur = _select(cur, pos, int(x), orig)
            orig += 1
    return cur


def _np_key(key, shape):
    """Convert an index tuple to NumPy's form, checking bounds and mask shapes like PyTorch."""
    out = []
    dim = 0
    n_adv = 0  # PyTorch numbers out-of-range errors by position among the index arrays
    for x in key:
        if isinstance(x, Tensor):
            x = x._data
        if isinstance(x, list):
            x = np.asarray(x)
            if x.dtype.kind == "f":  # a list of floats is read as indices, truncated
                x = x.astype(np.int64)
        if isinstance(x, np.ndarray):
            if x.dtype == np.bool_:
                for k, s in enumerate(x.shape):
                    if dim + k >= len(shape) or shape[dim + k] != s:
                        raise IndexError(
                            f"The shape of the mask [{', '.join(map(str, x.shape))}] at index {k} "
                            "does not match the shape of the indexed tensor "
                            f"[{', '.join(map(str, shape))}] at index {dim + k}"
                        )
                dim += x.ndim
            elif x.dtype.kind in "iu":
                size = shape[dim] if dim < len(shape) else 0
                if x.size and (x.max() >= size or x.min() < -size):
                    bad = int(x.max()) if x.max() >= size else int(x.min())
                    raise IndexError(
                        f"index {bad} is out of bounds for dimension {n_adv} with size {size}"
                    )
                dim += 1
                n_adv += 1
            else:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        elif x is None:
            pass
        elif x is Ellipsis:
            dim = len(shape) - sum(
                1 for y in key if y is not None and y is not Ellipsis and not isinstance(y, bool)
            ) + dim
        elif isinstance(x, bool):
            pass
        else:
            dim += 1
        out.append(x)
    return tuple(out)


def _advanced(input, key):
    d = input._data
    nk = _np_key(key, d.shape)
    try:
        arr = d[nk]
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    # A fresh C-contiguous array, as PyTorch's index result (so .view() works on it).
    out = _wrap(np.ascontiguousarray(arr) if not np.shares_memory(arr, d) else arr.copy())
    if input._requires_grad and _state.enabled:
        node = IndexBackward0()
        node._shape, node._key = d.shape, nk
        attach(out, node, input)
    return out


class CopySlices(Node):
    """setitem on a tensor in the graph: the region written gets the value's gradient."""

    __slots__ = ("_key", "_vshape")

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def backward(self, g):
        nb, nv = self.next_functions
        gb = None
        if nb[0] is not None:
            gb = g * _wrap(_mask(g._data.shape, self._key, g._data.dtype))
        gv = None
        if nv[0] is not None:
            part = _read(g, self._key)
            gv = part.sum_to_size(self._vshape) if self._vshape != () else part.sum()
        return gb, gv


class _IndexPutSetItem(CopySlices):
    __slots__ = ()

    def name(self) -> str:
        return "IndexPutBackward0"


# setitem with index arrays or masks is PyTorch's index_put_: same gradients, its node name.
IndexPutSetItemBackward = type("IndexPutBackward0", (_IndexPutSetItem,), {"__slots__": ()})


def _mask(shape, key, dtype):
    m = np.ones(shape, dtype=dtype)
    m[key] = 0
    return m


def setitem(input, index, value) -> None:
    from .inplace import check_inplace

    key = index if isinstance(index, tuple) else (index,)
    for x in key:
        _check_entry(x)
    d = input._data
    if input._requires_grad and input._grad_fn is None and needs_grad(input):
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    check_inplace(input)
    if input._base is not None and needs_grad(value):
        raise NotImplementedError(_VIEW_IN_GRAPH)
    advanced = any(_is_advanced(x) for x in key)
    if advanced and any(_is_int_index(x) for x in key):
        # PyTorch's order: the integers select first, then the index arrays apply (see getitem).
        if needs_grad(input, value):
            raise NotImplementedError(
                "setitem mixing integer and array indices inside a graph is not implemented "
                "in fakel yet"
            )
        basic = _basic_key(tuple(slice(None) if _is_advanced(x) else x for x in key), d)
        rest = tuple(x if _is_advanced(x) or x is Ellipsis else slice(None)
                     for x in key if not _is_int_index(x))
        d, key = d[basic], rest
    nk = _np_key(key, d.shape) if advanced else _basic_key(key, d)
    v = value._data if isinstance(value, Tensor) else value
    _check_value_shape(np.shape(v), d[nk].shape)
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            d[nk] = v
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    except ValueError:
        target = d[nk].shape
        raise RuntimeError(
            f"shape mismatch: value tensor of shape [{', '.join(map(str, np.shape(v)))}] cannot "
            f"be broadcast to indexing result of shape [{', '.join(map(str, target))}]"
        ) from None
    input._vc[0] += 1
    if needs_grad(input, value) and d.dtype.kind == "f":
        node = IndexPutSetItemBackward() if advanced else CopySlices()
        node._key = nk
        node._vshape = value._data.shape if isinstance(value, Tensor) else ()
        attach(input, node, input, value)


def _check_value_shape(vshape, target):
    """PyTorch expands the value to the indexed region: its message when that fails."""
    while len(vshape) > len(target) and vshape[0] == 1:
        vshape = vshape[1:]
    lead = len(target) - len(vshape)
    for i, s in enumerate(vshape):
        t = target[lead + i] if lead + i >= 0 else None
        if t is not None and s != t and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({s}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: "
                f"[{', '.join(map(str, target))}].  Tensor sizes: [{', '.join(map(str, vshape))}]"
            )


def _basic_key(key, d):
    """Bounds-checked NumPy key for basic indexing (PyTorch's IndexError text)."""
    consumed = sum(1 for x in key if x is not None and x is not Ellipsis)
    if consumed > d.ndim:
        if d.ndim == 0:
            raise IndexError(_ZERO_DIM)
        raise IndexError(f"too many indices for tensor of dimension {d.ndim}")
    pos = 0
    for x in key:
        if x is Ellipsis:
            pos += d.ndim - consumed
        elif x is None:
            continue
        else:
            if isinstance(x, (int, np.integer)) or isinstance(x, Tensor):
                i = int(x)
                size = d.shape[pos]
                if i < -size or i >= size:
                    raise IndexError(
                        f"index {i} is out of bounds for dimension {pos} with size {size}"
                    )
            elif isinstance(x, slice):
                _check_step(x)
            pos += 1
    return tuple(int(x) if isinstance(x, Tensor) else x for x in key)


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements; a 0-d input counts as one element with no dims."""
    d = input._data
    if d.ndim == 0:
        hit = int(bool(d))
        if as_tuple:
            return (_wrap(np.zeros(hit, dtype=np.int64)),)
        return _wrap(np.zeros((hit, 0), dtype=np.int64))
    idx = np.nonzero(d)
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64)) for i in idx)
    return _wrap(np.stack(idx, axis=1).astype(np.int64))

