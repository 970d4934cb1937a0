"""Indexing: basic indexing as select/slice/unsqueeze views, advanced indexing, setitem, nonzero."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, needs_grad
from .shape import _view_of, unsqueeze

_FULL = slice(None)
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


# The double backward of an advanced read (PyTorch's index_put into zeros).
_IndexPutEmbed = type("IndexPutBackward0", (_Embed,), {"__slots__": ()})


def _embed(g, shape, key, accumulate, node_cls=SelectBackwardBackward0):
    d = g._data
    if accumulate:
        z = add_at_zeros(shape, key, d)
    else:
        z = np.zeros(shape, dtype=d.dtype) if type(d) is np.ndarray else _zeros_dev(d, shape)
        z[key] = d
    out = _wrap(z)
    if g._requires_grad and _state.enabled:
        node = node_cls()
        node._shape, node._key, node._accumulate = shape, key, accumulate
        attach(out, node, g)
    return out


def _zeros_dev(d, shape):
    from .. import _backend

    return _backend.xp(_backend.device_of(d)).zeros(shape, dtype=d.dtype)


def add_at_zeros(shape, key, d):
    """An array of zeros of ``shape`` with ``d`` added at NumPy index ``key``, positions that
    repeat summed: np.add.at's result, by sorting instead of its per-element loop."""
    if type(d) is not np.ndarray or not shape:
        z = np.zeros(shape, dtype=d.dtype) if type(d) is np.ndarray else _zeros_dev(d, shape)
        np.add.at(z, key, d)
        return z
    dims = _key_dims(key, len(shape))
    if dims is None:  # None or bool scalars in the key: the general (slow) path
        z = np.zeros(shape, dtype=d.dtype)
        np.add.at(z, key, d)
        return z
    arrays, adv = [], []
    for dim, k in dims:
        if k.dtype == np.bool_:
            arrays.extend(np.nonzero(k))
            adv.extend(range(dim, dim + k.ndim))
        else:
            arrays.append(k)
            adv.append(dim)
    if not arrays:  # only slices: no position repeats
        z = np.zeros(shape, dtype=d.dtype)
        z[key] = d
        return z
    arrays = np.broadcast_arrays(*arrays)
    bshape = arrays[0].shape
    sizes = [shape[a] for a in adv]
    rows = np.ravel_multi_index(tuple(np.where(a < 0, a + n, a) for a, n in zip(arrays, sizes)),
                                sizes) if len(arrays) > 1 else np.where(
        arrays[0] < 0, arrays[0] + sizes[0], arrays[0])
    rest = [i for i in range(len(shape)) if i not in adv]
    # In NumPy's result the broadcast index dims sit where the first index array was when the
    # arrays are adjacent, else first: move them to the front.
    nb = len(bshape)
    first = adv[0] if _adjacent(dims) else 0
    g = np.broadcast_to(d, _result_shape(shape, rest, bshape, first))
    if first:
        g = np.moveaxis(g, tuple(range(first, first + nb)), tuple(range(nb)))
    rshape = tuple(shape[i] for i in rest)
    rows = rows.reshape(-1)
    g = g.reshape((rows.size,) + rshape)
    n_rows = 1
    for s in sizes:
        n_rows *= s
    z = np.zeros((n_rows,) + rshape, dtype=d.dtype)
    if rows.size:
        order = np.argsort(rows, kind="stable")
        sorted_rows = rows[order]
        new = np.empty(rows.size, dtype=bool)
        new[0] = True
        np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=new[1:])
        if new.all():
            z[rows] = g
        else:
            starts = np.flatnonzero(new)
            g = g[order]
            rank = np.arange(rows.size) - starts[np.cumsum(new) - 1]  # k-th repeat of a row
            top = int(rank.max())
            if top <= 16:
                # Few repeats (the usual case): one vectorised write per repeat level, which
                # also sums in PyTorch's order (first occurrence first).
                first = rank == 0
                z[sorted_rows[first]] = g[first]
                for k in range(1, top + 1):
                    level = rank == k
                    z[sorted_rows[level]] += g[level]
            else:
                z[sorted_rows[starts]] = np.add.reduceat(g, starts, axis=0)
    z = z.reshape(tuple(sizes) + rshape)
    perm = adv + rest
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return z.transpose(inverse)


def _key_dims(key, ndim):
    """[(dim, index array)] for a key of index arrays, full slices and one Ellipsis; None if
    the key holds anything else."""
    out = []
    n_used = sum(1 if not isinstance(k, np.ndarray) or k.dtype != np.bool_ else k.ndim
                 for k in key if k is not Ellipsis)
    dim = 0
    for k in key:
        if k is Ellipsis:
            dim += ndim - n_used
        elif isinstance(k, np.ndarray):
            out.append((dim, k))
            dim += k.ndim if k.dtype == np.bool_ else 1
        elif isinstance(k, slice) and k == _FULL:
            dim += 1
        else:
            return None
    return out


def _adjacent(dims):
    end = None
    for dim, k in dims:
        if end is not None and dim != end:
            return False
        end = dim + (k.ndim if k.dtype == np.bool_ else 1)
    return True


def _result_shape(shape, rest, bshape, first):
    rshape = [shape[i] for i in rest]
    return tuple(rshape[:first]) + tuple(bshape) + tuple(rshape[first:])


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
        return (_embed(g, self._shape, self._key, True, _IndexPutEmbed),)


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
    key = (_FULL,) * pos + (i, Ellipsis)  # the Ellipsis makes NumPy return a 0-d view
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
        if x.__class__ is Tensor and x._data.dtype == np.uint8:
            key = _uint8_as_bool(key)
            break
    if any(isinstance(x, bool) or _is_nd_mask(x) for x in key):
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


def _uint8_as_bool(key):
    """A uint8 index tensor is a mask, as in PyTorch (which warns that this is deprecated)."""
    import warnings

    from .._dtype import _PREFIX

    warnings.warn(
        f"indexing with dtype {_PREFIX[0]}.uint8 is now deprecated, please use a dtype "
        f"{_PREFIX[0]}.bool instead.", UserWarning, stacklevel=4
    )
    return tuple(
        _wrap(x._data.astype(np.bool_)) if x.__class__ is Tensor and x._data.dtype == np.uint8
        else x for x in key
    )


def _is_nd_mask(x):
    """A bool mask that covers other than one dim (NumPy's own rules then apply)."""
    return isinstance(x, Tensor) and x._data.dtype == np.bool_ and x._data.ndim != 1


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


class IndexPutBackward0(Node):
    """index_put_ (setitem with index arrays or masks): the elements written get the value's
    gradient (summed where the value was broadcast), the rest keep the tensor's own."""

    __slots__ = ("_key",)

    def backward(self, g):
        ns, nv = self.next_functions
        gs = None
        if ns[0] is not None:
            gs = g * _wrap(_mask(g._data.shape, self._key, g._data.dtype))
        return gs, (_read(g, self._key) if nv[0] is not None else None)


def _mask(shape, key, dtype):
    m = np.ones(shape, dtype=dtype)
    m[key] = 0
    return m


def setitem(input, index, value) -> None:
    """``input[index] = value`` as PyTorch runs it: the integers, slices and None make a view,
    which ``value`` is copied into (fill_ for a number or 0-d tensor); index arrays and masks
    then go through index_put_ on that view. Written into a view, the base's history becomes a
    CopySlices (see ops/inplace.py)."""
    v = _value_tensor(input, value)
    if index is False:
        return
    key = index if isinstance(index, tuple) else (index,)
    for x in key:
        _check_entry(x)
        if x.__class__ is Tensor and x._data.dtype == np.uint8:
            if not isinstance(value, Tensor) or value._data.ndim == 0:
                raise RuntimeError(
                    "masked_fill_ only supports boolean masks, but got mask with dtype unsigned "
                    "char"
                )
            key = _uint8_as_bool(key)
            break
    if index is True:
        return _copy_to(unsqueeze(input, 0), v)
    if any(isinstance(x, bool) or _is_nd_mask(x) for x in key):
        return _index_put(input, key, v)
    if any(_is_advanced(x) for x in key):
        basic = tuple(slice(None) if _is_advanced(x) else x for x in key)
        rest = tuple(
            x if _is_advanced(x) or x is Ellipsis else slice(None)
            for x in key if not _is_int_index(x)
        )
        return _index_put(_basic(input, basic, False), rest, v)
    _copy_to(_basic(input, key, False), v)


def _value_tensor(input, value):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)):
        with np.errstate(invalid="ignore", over="ignore"):
            return _wrap(np.asarray(value).astype(input._data.dtype))
    if isinstance(value, complex):
        raise RuntimeError(
            f"value cannot be converted to type {_C_TYPE.get(input._data.dtype.name, 'float')} "
            "without overflow"
        )
    raise TypeError(f"can't assign a {type(value).__name__} to a {input.type()}")


_C_TYPE = {"float32": "float", "float64": "double", "float16": "at::Half", "int64": "int64_t",
           "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t",
           "bool": "bool"}


def _copy_to(dst, v):
    """PyTorch's copy_to: copy_ when the shapes agree, fill_ from a 0-d value, else the value
    without its leading 1s, expanded to the destination."""
    from .inplace import copy_, fill_
    from .shape import expand, view

    ds, vs = dst._data.shape, v._data.shape
    if ds == vs:
        copy_(dst, v)
    elif not vs:
        fill_(dst, v)
    else:
        k = 0
        while k < len(vs) and vs[k] == 1:
            k += 1
        v = view(v, vs[k:])
        if vs[k:] != ds:
            v = expand(v, ds)
        copy_(dst, v)


def _index_put(target, key, v):
    """index_put_ of ``v`` at ``key`` (index arrays, masks, full slices) into ``target``."""
    from .inplace import check_inplace, link, rebase

    check_inplace(target, v, overlap=False)
    d = target._data
    if 0 in d.strides and any(s == 0 and n > 1 for n, s in zip(d.shape, d.strides)):
        import warnings

        warnings.warn(
            "Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor "
            "before performing this operation. This also applies to advanced indexing e.g. "
            "tensor[indices] = tensor", UserWarning, stacklevel=3)
    if v._data.dtype != d.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{target.dtype._scalar_name} for the destination and {v.dtype._scalar_name} for the "
            "source."
        )
    nk = _np_key(key, d.shape)
    vs = v._data.shape
    k = 0
    while k < len(vs) and vs[k] == 1:
        k += 1
    if k:
        from .shape import view

        v = view(v, vs[k:])
    vd = v._data
    try:
        d[nk] = vd
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape [{', '.join(map(str, vd.shape))}] cannot "
            f"be broadcast to indexing result of shape [{', '.join(map(str, d[nk].shape))}]"
        ) from None
    target._vc[0] += 1
    if d.dtype.kind == "f" and needs_grad(target, v):
        node = IndexPutBackward0()
        node._key = nk
        rebase(target, link(node, target, v))


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

