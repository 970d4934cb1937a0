"""Shape ops (views where PyTorch gives views): reshape, view, flatten, transpose, permute, ..."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dim, canon_dims


def _view_of(input, arr):
    """A tensor on ``arr``, a view of ``input``'s memory: it shares the version counter, and
    its ``_base`` is the root tensor that owns the memory (as PyTorch's ``_base``)."""
    out = _wrap(arr)
    vc = out._vc = input._vc
    base = input._base
    if base is None:
        out._base = input
        out._vgrad = _state.enabled
    else:
        out._base = base
        out._vgrad = _state.enabled and input._vgrad  # made under no_grad somewhere on the way
    out._vattr = vc[0]
    return out


# Views after an in-place change ------------------------------------------------------------------
# When a base or any of its views is written in place, PyTorch rebuilds each view's grad_fn the
# next time it is read: an AsStridedBackward0 that reads the view's elements out of the base's
# (new) history. fakel does the same, lazily, keyed on the shared version counter.
class AsStridedBackward0(Node):
    __slots__ = ("_root", "_view")

    def backward(self, g):
        return (embed_positions(g, self._root, positions(self._root, self._view)),)


def view_grad_fn(v):
    """The grad_fn of view ``v``, rebuilt from its base if either was modified in place since."""
    fn = v._grad_fn
    root = v._base
    if fn is None and not root._requires_grad:
        return None
    if v._vattr != v._vc[0]:
        fn = regenerate(v)
    return fn


def regenerate(v):
    """Give view ``v`` a new grad_fn reading it out of its base's current history."""
    root = v._base
    node = AsStridedBackward0()
    node._root, node._view = root._data, v._data
    attach(v, node, root)
    v._vattr = v._vc[0]
    return node


def address(a) -> int:
    """The address of an array's first element (NumPy or CuPy)."""
    if a.__class__ is np.ndarray:
        return a.__array_interface__["data"][0]
    return a.data.ptr


def _lowest(a) -> int:
    """The lowest address an array's elements occupy (strides may be negative)."""
    lo = address(a)
    for n, s in zip(a.shape, a.strides):
        if s < 0 and n > 0:
            lo += (n - 1) * s
    return lo


def data_ptr(t) -> int:
    return address(t._data) if t._data.size else 0


def storage_offset(t) -> int:
    root = t._base if t._base is not None else t
    return (address(t._data) - _lowest(root._data)) // t._data.itemsize


def _memory_positions(a, lo):
    """Each element's offset (in elements) from address ``lo``, shaped like ``a``."""
    item = a.itemsize
    pos = np.array((address(a) - lo) // item, dtype=np.int64)
    for n, s in zip(a.shape, a.strides):
        pos = pos[..., None] + np.arange(n, dtype=np.int64) * (s // item)
    return pos


def positions(root, view):
    """The C-order flat index into ``root`` of every element of ``view`` (an array sharing
    ``root``'s memory), shaped like ``view``: where the view's elements live in its base."""
    if view.size == 0:
        return np.zeros(view.shape, dtype=np.int64)
    lo = _lowest(root)
    pos = _memory_positions(view, lo)
    if root.flags.c_contiguous:
        return pos
    # A root with another layout: map memory offsets to the root's logical order.
    rpos = _memory_positions(root, lo)
    inverse = np.zeros(int(rpos.max()) + 1, dtype=np.int64)
    inverse[rpos.reshape(-1)] = np.arange(root.size, dtype=np.int64)
    return inverse[pos]


def embed_positions(g, root, pos):
    """A zero tensor shaped like ``root`` with ``g`` added at flat positions ``pos`` (positions
    may repeat, as for an expanded view): differentiable, its backward reads them back."""
    from .indexing import _embed

    key = np.unravel_index(pos, root.shape) if root.ndim else ()
    if root.ndim == 0:
        return g.reshape(())
    return _embed(g, root.shape, key, True)


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for s in shape:
        if s.__class__ is not int:  # rare: NumPy ints, 0-d tensors, Size elements
            return tuple([int(s) for s in shape])
    return shape


def _infer(shape, numel):
    """Resolve one -1 in ``shape``, with PyTorch's errors."""
    known = 1
    for s in shape:
        known *= s
    if known == numel and min(shape, default=0) >= 0:  # the common case: nothing to infer
        return shape
    if known < 0 and shape.count(-1) == 1 and numel % -known == 0 and min(shape) == -1:
        return tuple([numel // -known if s == -1 else s for s in shape])
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(
                f"invalid shape dimension {s} at index {i} of shape [{', '.join(map(str, shape))}]"
            )
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
            )
        shape = shape[: neg[0]] + (numel // known,) + shape[neg[0] + 1:]
    elif known != numel:
        raise RuntimeError(
            f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
        )
    return shape


class ViewBackward0(Node):
    __slots__ = ("_shape",)

    def backward(self, g):
        return (g.reshape(self._shape),)


class UnsafeViewBackward0(ViewBackward0):
    __slots__ = ()


class ReshapeAliasBackward0(ViewBackward0):
    __slots__ = ()


def view(input, *shape) -> Tensor:
    d = input._data
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        from .inplace import to

        return to(input, shape[0])  # view(dtype) is not supported; a clear error comes from to()
    new = _infer(_shape_arg(shape), d.size)
    try:
        # A C-contiguous array always reshapes to a view; others may need NumPy's check.
        arr = d.reshape(new) if d.flags.c_contiguous else np.reshape(d, new, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    out = _view_of(input, arr)
    if input._requires_grad and _state.enabled:
        node = ViewBackward0()
        node._shape = d.shape
        attach(out, node, input)
    return out


def reshape(input, *shape) -> Tensor:
    d = input._data
    new = _infer(_shape_arg(shape), d.size)
    try:
        arr = d.reshape(new) if d.flags.c_contiguous else np.reshape(d, new, copy=False)
    except ValueError:
        # A copy is needed: PyTorch records it as clone followed by an unsafe view.
        from .inplace import clone

        c = clone(input)
        out = _wrap(c._data.reshape(new))
        if c._requires_grad:
            node = UnsafeViewBackward0()
            node._shape = d.shape
            attach(out, node, c)
        return out
    out = _view_of(input, arr)
    if input._requires_grad and _state.enabled:
        # PyTorch records a view of a non-contiguous tensor as a reshape alias.
        node = ViewBackward0() if d.flags.c_contiguous else ReshapeAliasBackward0()
        node._shape = d.shape
        attach(out, node, input)
    return out


def flatten(input, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    d = input._data
    if d.ndim == 0:
        return reshape(input, 1)
    s = canon_dim(start_dim, d.ndim)
    e = canon_dim(end_dim, d.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for k in d.shape[s:e + 1]:
        n *= k
    return reshape(input, d.shape[:s] + (n,) + d.shape[e + 1:])


class TBackward0(Node):
    def backward(self, g):
        if _state.enabled:  # create_graph: a differentiable transpose
            return (t(g),)
        # A gradient needs no view bookkeeping: a bare transposed array, which lets the engine
        # keep a Linear weight's gradient without a copy (see linalg._mat2_grad).
        return (_wrap(g._data.T),)


def t(input) -> Tensor:
    d = input._data
    if d.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {d.ndim}D")
    out = _view_of(input, d.T)
    if input._requires_grad and _state.enabled:
        attach(out, TBackward0(), input)
    return out


class TransposeBackward0(Node):
    __slots__ = ("_d0", "_d1")

    def backward(self, g):
        return (transpose(g, self._d0, self._d1),)


def transpose(input, dim0: int, dim1: int) -> Tensor:
    d = input._data
    a, b = canon_dim(dim0, d.ndim), canon_dim(dim1, d.ndim)
    out = _view_of(input, np.swapaxes(d, a, b) if d.ndim else d.view())
    if input._requires_grad and _state.enabled:
        node = TransposeBackward0()
        node._d0, node._d1 = a, b
        attach(out, node, input)
    return out


class PermuteBackward0(Node):
    __slots__ = ("_dims",)

    def backward(self, g):
        inverse = [0] * len(self._dims)
        for i, p in enumerate(self._dims):
            inverse[p] = i
        return (permute(g, tuple(inverse)),)


def permute(input, *dims) -> Tensor:
    d = input._data
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_arg(dims)
    if len(dims) != d.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{d.ndim} is not equal to len(dims) = {len(dims)}"
        )
    perm = [canon_dim(x, d.ndim) for x in dims]
    if len(set(perm)) != len(perm):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    out = _view_of(input, np.transpose(d, perm) if d.ndim else d.view())
    if input._requires_grad and _state.enabled:
        node = PermuteBackward0()
        node._dims = tuple(perm)
        attach(out, node, input)
    return out


class SqueezeBackward0(Node):
    __slots__ = ("_shape",)

    def backward(self, g):
        return (g.reshape(self._shape),)


class SqueezeBackward1(SqueezeBackward0):
    __slots__ = ()


class SqueezeBackward2(SqueezeBackward0):
    __slots__ = ()


def squeeze(input, dim=None) -> Tensor:
    d = input._data
    if dim is None:
        arr = d.reshape(tuple(s for s in d.shape if s != 1))
        node_cls = SqueezeBackward0
    else:
        if isinstance(dim, (tuple, list)):
            dims = canon_dims(dim, d.ndim)
            node_cls = SqueezeBackward2
        else:
            dims = (canon_dim(dim, d.ndim),) if d.ndim else ()
            node_cls = SqueezeBackward1
        drop = [ax for ax in dims if d.shape[ax] == 1]
        arr = np.squeeze(d, axis=tuple(drop)) if drop else d.view()
    out = _view_of(input, arr)
    if input._requires_grad and _state.enabled:
        node = node_cls()
        node._shape = d.shape
        attach(out, node, input)
    return out


class UnsqueezeBackward0(Node):
    __slots__ = ("_dim",)

    def backward(self, g):
        return (squeeze(g, self._dim),)


def _restrided(arr, strides):
    """``arr`` with other (byte) strides, for the size-1 dims where PyTorch's differ."""
    return np.lib.stride_tricks.as_strided(arr, arr.shape, strides,
                                           writeable=arr.flags.writeable)


def unsqueeze(input, dim: int) -> Tensor:
    d = input._data
    ax = canon_dim(dim, d.ndim + 1)
    if d.flags.c_contiguous and d.__class__ is np.ndarray:
        # C strides are PyTorch's for the new dim too (size times stride of the next one).
        arr = d.reshape(d.shape[:ax] + (1,) + d.shape[ax:])
    else:
        arr = d[(slice(None),) * ax + (None,)]
        step = d.shape[ax] * d.strides[ax] if ax < d.ndim else d.itemsize
        if step:
            arr = _restrided(arr, arr.strides[:ax] + (step,) + arr.strides[ax + 1:])
    out = _view_of(input, arr)
    if input._requires_grad and _state.enabled:
        node = UnsqueezeBackward0()
        node._dim = ax
        attach(out, node, input)
    return out


class ExpandBackward0(Node):
    __slots__ = ("_shape",)

    def backward(self, g):
        return (g.sum_to_size(self._shape),)


def expand(input, *sizes) -> Tensor:
    d = input._data
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    sizes = _shape_arg(sizes)
    if len(sizes) < d.ndim:
        raise RuntimeError(
            f"expand({input.dtype.legacy_name()}{{[{', '.join(map(str, d.shape))}]}}, "
            f"size=[{', '.join(map(str, sizes))}]): the number of sizes provided ({len(sizes)}) "
            f"must be greater or equal to the number of dimensions in the tensor ({d.ndim})"
        )
    lead = len(sizes) - d.ndim
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    "non-existing dimension 0"
                )
            target.append(s)
            continue
        have = d.shape[i - lead]
        if s == -1:
            s = have
        elif have != s and have != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({have}) at "
                f"non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  "
                f"Tensor sizes: [{', '.join(map(str, d.shape))}]"
            )
        target.append(s)
    target = tuple(target)
    if target == d.shape:
        arr = d.view()
    else:
        arr = np.broadcast_to(d, target)
        if 1 in target and d.ndim:  # NumPy gives size-1 dims stride 0, PyTorch does not
            strides = list(arr.strides)
            for i in range(len(target) - 1, -1, -1):
                if i >= lead:
                    if target[i] == d.shape[i - lead]:
                        strides[i] = d.strides[i - lead]
                elif target[i] == 1:
                    strides[i] = target[i + 1] * strides[i + 1]
            if tuple(strides) != arr.strides:
                arr = _restrided(arr, tuple(strides))
    out = _view_of(input, arr)
    if input._requires_grad and _state.enabled:
        node = ExpandBackward0()
        node._shape = d.shape
        attach(out, node, input)
    return out
