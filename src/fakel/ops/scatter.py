"""Ops driven by index tensors and masks, with gradients: index_select, gather, scatter,
scatter_add, index_add, index_fill, index_copy, masked_fill, masked_select, take (and the
in-place forms). Repeated indices are summed by sorting (indexing.add_at_zeros), not np.add.at."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.graph import Node
from ._common import attach, canon_dim, needs_grad
from .indexing import _embed, _IndexPutEmbed, _mask, _read, add_at_zeros
from .inplace import _inplace, check_inplace

_FULL = slice(None)
_NOTHING = (np.zeros(0, dtype=np.int64),)  # the key of an empty index: nothing is touched


def _dim_key(ndim, dim, idx):
    """The NumPy key selecting ``idx`` along ``dim`` (every index of the other dims)."""
    return (_FULL,) * dim + (idx,)


def _along_key(idx, dim):
    """The NumPy key of gather/scatter: position ``idx[i, j, ...]`` along ``dim``, the index's own
    coordinates elsewhere."""
    key = list(np.indices(idx.shape, sparse=True))
    key[dim] = idx
    return tuple(key)


def _masked(g, key):
    """``g`` with the elements at ``key`` zeroed (differentiable)."""
    return g * _wrap(_mask(g._data.shape, key, g._data.dtype))


def _scalar_as(value, dtype):
    """A number (or 0-d array) cast to ``dtype`` as PyTorch does (ints wrap, floats truncate)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.asarray(value).astype(dtype)


def _record(out, node, *inputs):
    if needs_grad(*inputs) and out._data.dtype.kind == "f":
        attach(out, node, *inputs)
    return out


def _long_index(index, op):
    d = index._data
    if d.dtype != np.int64:
        if d.dtype != np.int32:
            raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")
        d = d.astype(np.int64)
    return d


# index_select ------------------------------------------------------------------------------------
class IndexSelectBackward0(Node):
    __slots__ = ("_shape", "_key")

    def backward(self, g):
        return (_embed(g, self._shape, self._key, True, _IndexPutEmbed),)


def index_select(input, dim, index) -> Tensor:
    d = input._data
    dim = canon_dim(dim, d.ndim)
    i = index._data
    if i.dtype not in (np.int64, np.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if i.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    i = i.reshape(-1).astype(np.int64, copy=False)
    size = d.shape[dim] if d.ndim else 1
    if d.ndim == 0:
        if i.size != 1:
            raise RuntimeError(
                f"index_select(): Index to scalar can have only 1 value, got {i.size} value(s)"
            )
    if d.ndim > 1 and size == 0 and i.size:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    bad = i[(i < 0) | (i >= size)]
    if bad.size:
        if d.ndim > 1 and (dim == 1 or d.size == 0):  # PyTorch's kernels differ in message
            raise RuntimeError(
                f"INDICES element is out of DATA bounds, id={int(bad[0])} axis_dim={size}"
            )
        raise IndexError("index out of range in self")
    if d.ndim == 0:
        out = _wrap(d.copy())
        if needs_grad(input):
            attach(out, _IdentityIndexSelect(), input)
        return out
    key = _dim_key(d.ndim, dim, i)
    out = _wrap(np.take(d, i, axis=dim))
    node = IndexSelectBackward0()
    node._shape, node._key = d.shape, key
    return _record(out, node, input)


class _IdentityIndexSelect(Node):
    def backward(self, g):
        return (g,)


_IdentityIndexSelect.__name__ = _IdentityIndexSelect.__qualname__ = "IndexSelectBackward0"


# gather ---------------------------------------------------------------------------------------
class GatherBackward0(Node):
    __slots__ = ("_shape", "_key")

    def backward(self, g):
        if self._key is _NOTHING:  # an empty index: no element was read
            return ((g.sum() * 0).expand(self._shape),)
        if not self._shape:
            return (g.sum() if g._data.shape else g,)
        return (_embed(g, self._shape, self._key, True, _IndexPutEmbed),)


def _check_gather_shapes(d, i, dim, src=None):
    if d.ndim == 0:
        return
    if i.ndim != d.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'input' if src is None else 'self'} tensor")
    for k in range(d.ndim):
        if k == dim:
            continue
        if i.shape[k] > d.shape[k] or (src is not None and i.shape[k] > src.shape[k]):
            if src is None:
                raise RuntimeError(
                    f"Size does not match at dimension {k} expected index "
                    f"[{', '.join(map(str, i.shape))}] to be no larger than self "
                    f"[{', '.join(map(str, d.shape))}] apart from dimension {dim}"
                )
            raise RuntimeError(
                f"Expected index [{', '.join(map(str, i.shape))}] to be no larger than self "
                f"[{', '.join(map(str, d.shape))}] apart from dimension {dim} and to be no "
                f"larger size than src [{', '.join(map(str, src.shape))}]"
            )
    if src is not None and src.ndim and i.ndim and any(
            i.shape[k] > src.shape[k] for k in range(min(i.ndim, src.ndim))):
        raise RuntimeError(
            f"Expected index [{', '.join(map(str, i.shape))}] to be no larger than self "
            f"[{', '.join(map(str, d.shape))}] apart from dimension {dim} and to be no "
            f"larger size than src [{', '.join(map(str, src.shape))}]"
        )


def _check_range(i, size, dim):
    if i.size:
        lo, hi = int(i.min()), int(i.max())
        if lo < 0 or hi >= size:
            raise RuntimeError(
                f"index {lo if lo < 0 else hi} is out of bounds for dimension {dim} with size "
                f"{size}"
            )


def gather(input, dim, index, *, sparse_grad=False) -> Tensor:
    d = input._data
    dim = canon_dim(dim, d.ndim)
    i = _long_index(index, "gather")
    if i.size == 0:  # PyTorch checks nothing for an empty index
        node = GatherBackward0()
        node._shape, node._key = d.shape, _NOTHING
        return _record(_wrap(np.zeros(i.shape, dtype=d.dtype)), node, input)
    _check_gather_shapes(d, i, dim)
    size = d.shape[dim] if d.ndim else 1
    _check_range(i, size, dim)
    if d.ndim == 0:
        out = _wrap(np.broadcast_to(d, i.shape).copy())
        key = None
    else:
        if i.ndim == 0:
            i = i.reshape((1,) * d.ndim)
        key = _along_key(i, dim)
        out = _wrap(d[key])
        if index._data.ndim == 0:
            out = _wrap(out._data.reshape(()))
            key = tuple(k.reshape(()) for k in key)
    node = GatherBackward0()
    node._shape, node._key = d.shape, key
    return _record(out, node, input)


# scatter / scatter_add ---------------------------------------------------------------------------
class ScatterBackward0(Node):
    """scatter with a src tensor: the written elements' gradient goes to src."""

    __slots__ = ("_key", "_src_shape")

    def backward(self, g):
        if self._key is _NOTHING:
            return g, (g.sum() * 0).expand(self._src_shape)
        ns, nsrc = self.next_functions
        gs = _masked(g, self._key) if ns[0] is not None else None
        gsrc = None
        if nsrc[0] is not None:
            gsrc = _pad_to(_read(g, self._key), self._src_shape)
        return gs, gsrc


class ScatterBackward1(Node):
    """scatter with a number: the written elements get no gradient."""

    __slots__ = ("_key",)

    def backward(self, g):
        return (g if self._key is _NOTHING else _masked(g, self._key),)


class ScatterAddBackward0(Node):
    __slots__ = ("_key", "_src_shape")

    def backward(self, g):
        if self._key is _NOTHING:
            return g, (g.sum() * 0).expand(self._src_shape)
        ns, nsrc = self.next_functions
        gsrc = _pad_to(_read(g, self._key), self._src_shape) if nsrc[0] is not None else None
        return (g if ns[0] is not None else None), gsrc


def _pad_to(part, shape):
    """A gradient for src: ``part`` covers only the index's extent; the rest of src gets 0."""
    if part._data.shape == tuple(shape):
        return part
    key = tuple(slice(0, s) for s in part._data.shape)
    return _embed(part, tuple(shape), key, False)


def _scatter_parts(input, dim, index, src, op):
    d = input._data
    dim = canon_dim(dim, d.ndim)
    i = _long_index(index, op)
    s = src._data if isinstance(src, Tensor) else None
    if i.size == 0:  # PyTorch checks nothing for an empty index
        if s is not None and s.dtype != d.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
        return d, dim, _NOTHING, s
    if s is not None and s.dtype != d.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
    _check_gather_shapes(d, i, dim, s)
    size = d.shape[dim] if d.ndim else 1
    _check_range(i, size, dim)
    if d.ndim == 0:
        key = () if i.size else _NOTHING
        return d, dim, key, (s if s is None or s.ndim == 0 else s.reshape(-1)[:1].reshape(()))
    key = _along_key(i, dim)
    if s is not None:
        s = s.reshape((1,) * d.ndim) if s.ndim == 0 else s[tuple(slice(0, n) for n in i.shape)]
    return d, dim, key, s


def scatter(input, dim, index, src=None, *, value=None, reduce=None) -> Tensor:
    if reduce is not None:
        raise NotImplementedError("scatter(reduce=...) is not supported by fakel")
    if src is None:
        src = value
    d, dim, key, s = _scatter_parts(input, dim, index, src, "scatter")
    out = d.copy()
    if key is _NOTHING:
        pass
    elif s is None:
        out[key] = _scalar_as(src, d.dtype)
    else:
        out[key] = s
    out = _wrap(out)
    if isinstance(src, Tensor):
        node = ScatterBackward0()
        node._key, node._src_shape = key, src._data.shape
        return _record(out, node, input, src)
    node = ScatterBackward1()
    node._key = key
    return _record(out, node, input)


def scatter_add(input, dim, index, src) -> Tensor:
    d, dim, key, s = _scatter_parts(input, dim, index, src, "scatter_add")
    if key is _NOTHING:
        out = d.copy()
    elif d.ndim == 0:
        out = d + s if key is not _NOTHING else d.copy()
    else:
        out = d + add_at_zeros(d.shape, key, s)
    out = _wrap(out.astype(d.dtype, copy=False))
    node = ScatterAddBackward0()
    node._key, node._src_shape = key, src._data.shape
    return _record(out, node, input, src)


def scatter_(input, dim, index, src=None, *, value=None, reduce=None) -> Tensor:
    check_inplace(input, src)
    return _inplace(input, scatter(input, dim, index, src, value=value, reduce=reduce))


def scatter_add_(input, dim, index, src) -> Tensor:
    check_inplace(input, src)
    return _inplace(input, scatter_add(input, dim, index, src))


# index_add / index_fill / index_copy -------------------------------------------------------------
class IndexAddBackward0(Node):
    __slots__ = ("_key", "_alpha", "_src_shape")

    def backward(self, g):
        ns, nsrc = self.next_functions
        gsrc = None
        if nsrc[0] is not None and self._key is _NOTHING:
            gsrc = (g.sum() * 0).expand(self._src_shape)
        elif nsrc[0] is not None:
            gsrc = _read(g, self._key)
            if self._alpha != 1:
                gsrc = gsrc * self._alpha
            if gsrc._data.shape != self._src_shape:
                gsrc = gsrc.reshape(self._src_shape)
        return (g if ns[0] is not None else None), gsrc


class IndexFillBackward0(Node):
    __slots__ = ("_key",)

    def backward(self, g):
        return (_masked(g, self._key),)


class IndexFillBackward1(Node):
    __slots__ = ("_key",)

    def backward(self, g):
        ns, nv = self.next_functions
        gv = None
        if nv[0] is not None:  # each filled element once, however often its index repeats
            gv = (g * _wrap(1 - _mask(g._data.shape, self._key, g._data.dtype))).sum()
        return (_masked(g, self._key) if ns[0] is not None else None), gv


class IndexCopyBackward0(Node):
    __slots__ = ("_key", "_src_shape")

    def backward(self, g):
        ns, nsrc = self.next_functions
        gsrc = None
        if nsrc[0] is not None:
            gsrc = _read(g, self._key)
            if gsrc._data.shape != self._src_shape:
                gsrc = gsrc.reshape(self._src_shape)
        return (_masked(g, self._key) if ns[0] is not None else None), gsrc


def _index_along(input, dim, index, op, lowest, error=RuntimeError, prefix=""):
    """(array, dim, 1-D int64 index, key) for the index_* ops, with their checks (``lowest``:
    -1 where negative indices count from the end, else 0)."""
    d = input._data
    dim = canon_dim(dim, d.ndim)
    i = index._data
    if i.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    i = i.reshape(-1).astype(np.int64, copy=False)
    size = d.shape[dim] if d.ndim else 1
    if i.size and d.size:  # PyTorch checks no index into an empty tensor
        lo, hi = int(i.min()), int(i.max())
        if lo < lowest * size or hi >= size:
            raise error(f"{prefix}index {hi if hi >= size else lo} is out of bounds for "
                        f"dimension {dim} with size {size}")
    if not d.size:
        return d, dim, i, _NOTHING
    key = _dim_key(d.ndim, dim, i) if d.ndim else ()
    return d, dim, i, key


def _check_source(d, dim, i, s, op):
    n = s.shape[dim] if s.ndim else 1
    if i.size != n:
        raise RuntimeError(
            f"{op}(): Number of indices ({i.size}) should be equal to source.size(dim): ({n}), "
            f"for dim: {dim}"
        )


def index_add(input, dim, index, source, *, alpha=1) -> Tensor:
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError("index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype._scalar_name}")
    d = input._data
    s = source._data
    nd = d.ndim
    # PyTorch's kernels word the range error differently by layout: mirror them.
    middle = nd <= 1 or alpha != 1 or (nd > 2 and 0 < canon_dim(dim, nd) < nd - 1)
    if s.size == 0 and nd:  # nothing is added: PyTorch checks no index value
        dim = canon_dim(dim, nd)
        _check_source(d, dim, index._data.reshape(-1), s, "index_add_")
        node = IndexAddBackward0()
        node._key, node._alpha, node._src_shape = _NOTHING, alpha, s.shape
        return _record(_wrap(d.copy()), node, input, source)
    try:
        d, dim, i, key = _index_along(input, dim, index, "index_add_", 0)
    except RuntimeError:
        if middle:
            raise IndexError("index out of range in self") from None
        raise
    _check_source(d, dim, i, s, "index_add_")
    if key is _NOTHING:
        out = d.copy()
    elif d.ndim == 0:
        out = d + alpha * s.reshape(()) if i.size else d.copy()
    else:
        sv = s.reshape(d.shape[:dim] + (i.size,) + d.shape[dim + 1:]) if s.ndim else s.reshape(
            (1,) * d.ndim)
        added = add_at_zeros(d.shape, key, sv)
        out = d + (added if alpha == 1 else alpha * added)
    out = _wrap(np.asarray(out).astype(d.dtype, copy=False))
    node = IndexAddBackward0()
    node._key, node._alpha, node._src_shape = key, alpha, s.shape
    return _record(out, node, input, source)


def index_add_(input, dim, index, source, *, alpha=1) -> Tensor:
    check_inplace(input, source)
    return _inplace(input, index_add(input, dim, index, source, alpha=alpha))


def index_fill(input, dim, index, value) -> Tensor:
    if index._data.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    d, dim, i, key = _index_along(input, dim, index, "index_fill_", -1, IndexError)
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(
            "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value._data.ndim} dimension(s)."
        )
    out = d.copy()
    v = value._data if isinstance(value, Tensor) else value
    out[key] = _scalar_as(v, d.dtype)
    out = _wrap(out)
    if isinstance(value, Tensor):
        node = IndexFillBackward1()
        node._key = key
        return _record(out, node, input, value)
    node = IndexFillBackward0()
    node._key = key
    return _record(out, node, input)


def index_fill_(input, dim, index, value) -> Tensor:
    check_inplace(input, value, overlap=False)
    return _inplace(input, index_fill(input, dim, index, value), False)


def index_copy(input, dim, index, source) -> Tensor:
    if index._data.dtype != np.int64:
        raise RuntimeError("index_copy_(): Expected a long tensor for index, but got "
                           f"{index.dtype._scalar_name}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{input.dtype._scalar_name} and (source) {source.dtype._scalar_name}"
        )
    d, dim, i, key = _index_along(input, dim, index, "index_copy_", 0, IndexError,
                                  "index_copy_(): ")
    s = source._data
    _check_source(d, dim, i, s, "index_copy_")
    out = d.copy()
    if key is _NOTHING:
        pass
    elif d.ndim == 0:
        if i.size:
            out[...] = s.reshape(())
    else:
        out[key] = s.reshape(d.shape[:dim] + (i.size,) + d.shape[dim + 1:]) if s.ndim else s
    out = _wrap(out)
    node = IndexCopyBackward0()
    node._key, node._src_shape = key, s.shape
    return _record(out, node, input, source)


def index_copy_(input, dim, index, source) -> Tensor:
    check_inplace(input, source)
    return _inplace(input, index_copy(input, dim, index, source))


# masked_fill / masked_select ---------------------------------------------------------------------
class MaskedFillBackward0(Node):
    __slots__ = ("_mask",)

    def backward(self, g):
        return (g * _wrap(~self._mask),)


class MaskedFillBackward1(Node):
    __slots__ = ("_mask",)

    def backward(self, g):
        ns, nv = self.next_functions
        return (g * _wrap(~self._mask) if ns[0] is not None else None,
                (g * _wrap(self._mask)).sum() if nv[0] is not None else None)


def masked_fill(input, mask, value) -> Tensor:
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {_C_NAME[m.dtype]}"
        )
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value._data.ndim} dimension(s)."
        )
    d = input._data
    v = value._data if isinstance(value, Tensor) else value
    shape = _broadcast_shape(d.shape, m.shape)
    out = _wrap(np.where(m, _scalar_as(v, d.dtype), d))
    mb = np.broadcast_to(m, shape)
    if isinstance(value, Tensor):
        node = MaskedFillBackward1()
        node._mask = mb
        return _record(out, node, input, value)
    node = MaskedFillBackward0()
    node._mask = mb
    return _record(out, node, input)


def masked_fill_(input, mask, value) -> Tensor:
    check_inplace(input, value, overlap=False)
    return _inplace(input, masked_fill(input, mask, value), False)


_C_NAME = {np.dtype(k): v for k, v in {
    "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
    "uint8": "unsigned char", "float32": "float", "float64": "double", "float16": "c10::Half",
    "bool": "bool"}.items()}


def _broadcast_shape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        from ._common import check_broadcast

        check_broadcast(a, b)
        raise


class MaskedSelectBackward0(Node):
    __slots__ = ("_shape", "_mask")

    def backward(self, g):
        return (_embed(g, self._shape, (self._mask,), False),)


def masked_select(input, mask) -> Tensor:
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    d = input._data
    shape = _broadcast_shape(d.shape, m.shape)
    mb = np.broadcast_to(m, shape)
    out = _wrap(np.broadcast_to(d, shape)[mb])
    node = MaskedSelectBackward0()
    node._shape, node._mask = shape, mb
    return _record(out, node, input)


# take -------------------------------------------------------------------------------------------
class TakeBackward0(Node):
    __slots__ = ("_shape", "_key")

    def backward(self, g):
        if not self._shape:
            return (g.sum() if g._data.shape else g,)
        return (_embed(g, self._shape, self._key, True, _IndexPutEmbed),)


def take(input, index) -> Tensor:
    d = input._data
    i = index._data
    if i.dtype != np.int64:
        raise RuntimeError(
            f"take(): Expected a long tensor for index, but got {index.dtype._scalar_name}"
        )
    n = d.size
    if i.size:
        lo, hi = int(i.min()), int(i.max())
        if lo < -n or hi >= n:
            raise IndexError(
                f"out of range: tried to access index {hi if hi >= n else lo} on a tensor of "
                f"{n} elements."
            )
    flat = np.where(i < 0, i + n, i)
    out = _wrap(d.reshape(-1)[flat])
    node = TakeBackward0()
    node._shape = d.shape
    node._key = np.unravel_index(flat, d.shape) if d.ndim else None
    return _record(out, node, input)
