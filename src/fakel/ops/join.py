"""Joining and splitting: cat, stack, hstack, vstack, split, chunk, unbind, narrow, movedim,
unflatten. The split family, narrow, movedim and unflatten return views of their input."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dim, needs_grad
from .indexing import AliasBackward0, SliceBackward0
from .shape import _view_of, permute, reshape, unsqueeze, view

_FULL = slice(None)


def _int_arg(x, fn: str, arg: str, pos: int | None = None):
    """An int argument (0-d integer tensors and NumPy ints accepted), else PyTorch's TypeError."""
    if x.__class__ is int:
        return x
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, Tensor) and x._data.ndim == 0 and x._data.dtype.kind in "iu":
        return int(x._data)
    where = f" (position {pos})" if pos is not None else ""
    raise TypeError(f"{fn}(): argument '{arg}'{where} must be int, not {type(x).__name__}")


def _tensor_list(tensors, fn: str) -> list:
    """The tensors of a cat/stack argument, with PyTorch's TypeErrors for anything else."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
    return tensors


def _common_dtype(tensors):
    d = tensors[0]._data.dtype
    for t in tensors:
        if t._data.dtype != d:
            break
    else:
        return d
    r = _dt._FROM_NP[d]
    for t in tensors:
        r = _dt.promote_types(r, _dt._FROM_NP[t._data.dtype])
    return r.np


def _embed(g, shape, dim, start):
    """A zero tensor of ``shape`` holding ``g`` at ``start:start + g.shape[dim]`` along ``dim``
    (the gradient of a slice); differentiable, its own backward narrows again."""
    d = g._data
    z = np.zeros_like(d, shape=shape)  # zeros_like keeps the array's backend (NumPy or CuPy)
    n = d.shape[dim]
    z[(_FULL,) * dim + (slice(start, start + n),)] = d
    out = _wrap(z)
    if g._requires_grad and _state.enabled:
        node = SliceBackwardBackward0()
        node._dim, node._start, node._n = dim, start, n
        attach(out, node, g)
    return out


class SliceBackwardBackward0(Node):
    __slots__ = ("_dim", "_start", "_n")

    def backward(self, g):
        return (narrow(g, self._dim, self._start, self._n),)


# cat / stack ------------------------------------------------------------------------------------
class CatBackward0(Node):
    __slots__ = ("_dim", "_spans")

    def backward(self, g):
        out = []
        dim = self._dim
        for (nxt, _), span in zip(self.next_functions, self._spans):
            if nxt is None:
                out.append(None)
            elif span is None:  # a skipped empty 1-d input gets an empty gradient
                out.append(_wrap(np.zeros_like(g._data, shape=(0,))))
            else:
                out.append(narrow(g, dim, span[0], span[1]))
        return tuple(out)


def cat(tensors, dim=0) -> Tensor:
    """Concatenate along ``dim``; dtypes promote as in arithmetic. PyTorch's legacy rule: 1-d
    empty tensors are skipped whatever the other tensors' shapes (they still count for the
    dtype)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError(f"{_dt._PREFIX[0]}.cat(): expected a non-empty list of Tensors")
    ref = None
    for i, t in enumerate(tensors):
        s = t._data.shape
        if not s:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        if ref is None and not (len(s) == 1 and s[0] == 0):
            ref = s
    npd = _common_dtype(tensors)
    if ref is None:  # only empty 1-d tensors: dim is not even checked
        ax, arrays, spans = 0, [t._data for t in tensors], [(0, 0)] * len(tensors)
    else:
        ax = canon_dim(dim, len(ref))
        arrays, spans, pos = [], [], 0
        for i, t in enumerate(tensors):
            s = t._data.shape
            if len(s) == 1 and s[0] == 0 and len(ref) != 1:
                spans.append(None)
                continue
            if len(s) != len(ref):
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}"
                )
            if s != ref:
                for a in range(len(ref)):
                    if a != ax and s[a] != ref[a]:
                        raise RuntimeError(
                            f"Sizes of tensors must match except in dimension {ax}. Expected "
                            f"size {ref[a]} but got size {s[a]} for tensor number {i} in the list."
                        )
            arrays.append(t._data)
            spans.append((pos, s[ax]))
            pos += s[ax]
    arrays = [a if a.dtype == npd else a.astype(npd) for a in arrays]
    out = _wrap(np.concatenate(arrays, axis=ax) if len(arrays) > 1 else arrays[0].copy())
    if npd.kind in "fc" and needs_grad(*tensors):
        node = CatBackward0()
        node._dim, node._spans = ax, spans
        attach(out, node, *tensors)
    return out


def concat(tensors, dim=0) -> Tensor:
    return cat(tensors, dim)


def concatenate(tensors, axis=0) -> Tensor:
    return cat(tensors, axis)


class StackBackward0(Node):
    __slots__ = ("_dim",)

    def backward(self, g):
        parts = unbind(g, self._dim)
        return tuple(
            [p if nxt is not None else None for p, (nxt, _) in zip(parts, self.next_functions)]
        )


def stack(tensors, dim=0) -> Tensor:
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    ax = canon_dim(dim, len(shape) + 1)
    for i, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(
                "stack expects each tensor to be equal size, but got "
                f"[{', '.join(map(str, shape))}] at entry 0 and "
                f"[{', '.join(map(str, t._data.shape))}] at entry {i}"
            )
    npd = _common_dtype(tensors)
    out = _wrap(
        np.stack(
            [t._data if t._data.dtype == npd else t._data.astype(npd) for t in tensors], axis=ax
        )
    )
    if npd.kind in "fc" and needs_grad(*tensors):
        node = StackBackward0()
        node._dim = ax
        attach(out, node, *tensors)
    return out


def _atleast(t, n):
    nd = t._data.ndim
    if nd >= n:
        return t
    if nd == 0:
        return reshape(t, (1,) * n)
    return unsqueeze(t, 0)  # only 1-d -> 2-d is needed here


def hstack(tensors) -> Tensor:
    tensors = _tensor_list(tensors, "hstack")
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    parts = [_atleast(t, 1) for t in tensors]
    return cat(parts, 0 if parts[0]._data.ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    tensors = _tensor_list(tensors, "vstack")
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat([_atleast(t, 2) for t in tensors], 0)


# split / chunk / unbind: each output is a view with its own node ---------------------------------
# PyTorch gives all outputs one multi-output node; fakel's engine routes one gradient per node,
# so each output gets its own node of the same name, whose backward pads its gradient to the
# input's shape.
class SplitBackward0(Node):
    __slots__ = ("_shape", "_dim", "_start")

    def backward(self, g):
        return (_embed(g, self._shape, self._dim, self._start),)


class SplitWithSizesBackward0(SplitBackward0):
    __slots__ = ()


class UnbindBackward0(SplitBackward0):
    __slots__ = ()

    def backward(self, g):
        return (_embed(unsqueeze(g, self._dim), self._shape, self._dim, self._start),)


def _pieces(input, dim, sizes, node_cls):
    d = input._data
    record = input._requires_grad and _state.enabled
    lead = (_FULL,) * dim
    outs = []
    pos = 0
    for n in sizes:
        out = _view_of(input, d[lead + (slice(pos, pos + n),)])
        if record:
            node = node_cls()
            node._shape, node._dim, node._start = d.shape, dim, pos
            attach(out, node, input)
        outs.append(out)
        pos += n
    return tuple(outs)


def _split_size(input, size, dim):
    d = input._data
    n = d.shape[dim]
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n != 0:
        raise RuntimeError(
            f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
        )
    count = max((n + size - 1) // size, 1) if size else 1
    sizes = [size] * count
    sizes[-1] = n - size * (count - 1)
    return _pieces(input, dim, sizes, SplitBackward0)


def _split_sizes(input, sizes, dim):
    n = input._data.shape[dim]
    if any(s < 0 for s in sizes):
        raise RuntimeError(
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes=[{', '.join(map(str, sizes))}]"
        )
    if sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
            f"dimension {dim}), but got split_sizes=[{', '.join(map(str, sizes))}]"
        )
    return _pieces(input, dim, sizes, SplitWithSizesBackward0)


def split(tensor, split_size_or_sections, dim=0) -> tuple:
    """Views of consecutive pieces: an int gives pieces of that size (the last may be smaller),
    a list gives pieces of those sizes."""
    s = split_size_or_sections
    if isinstance(s, (list, tuple)):
        sizes = [_int_arg(k, "split_with_sizes", "split_sizes", 2) for k in s]
        if tensor._data.ndim == 0:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        return _split_sizes(tensor, sizes, canon_dim(dim, tensor._data.ndim))
    if isinstance(s, float):
        raise TypeError(
            "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
            "float"
        )
    size = _int_arg(s, "split", "split_size", 2)
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    return _split_size(tensor, size, canon_dim(dim, tensor._data.ndim))


def split_with_sizes(input, split_sizes, dim=0) -> tuple:
    if input._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    sizes = [_int_arg(k, "split_with_sizes", "split_sizes", 2) for k in split_sizes]
    return _split_sizes(input, sizes, canon_dim(dim, input._data.ndim))


def chunk(input, chunks, dim=0) -> tuple:
    """At most ``chunks`` views of equal size (the last may be smaller), as PyTorch."""
    chunks = _int_arg(chunks, "chunk", "chunks", 1)
    d = input._data
    if d.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    ax = canon_dim(dim, d.ndim)
    n = d.shape[ax]
    size = (n + chunks - 1) // chunks
    if n == 0:  # PyTorch keeps the number of (empty) chunks here
        return _pieces(input, ax, [0] * chunks, SplitWithSizesBackward0)
    return _split_size(input, size, ax)


def unbind(input, dim=0) -> tuple:
    d = input._data
    if d.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    ax = canon_dim(dim, d.ndim)
    record = input._requires_grad and _state.enabled
    lead = (_FULL,) * ax
    outs = []
    for i in range(d.shape[ax]):
        out = _view_of(input, d[lead + (i,)])
        if record:
            node = UnbindBackward0()
            node._shape, node._dim, node._start = d.shape, ax, i
            attach(out, node, input)
        outs.append(out)
    return tuple(outs)


# narrow / movedim / unflatten --------------------------------------------------------------------
def narrow(input, dim, start, length) -> Tensor:
    """A view of ``length`` entries of ``dim`` from ``start`` (PyTorch records it as a slice)."""
    d = input._data
    if d.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    start = _int_arg(start, "narrow", "start", 2)
    length = _int_arg(length, "narrow", "length", 3)
    ax = canon_dim(dim, d.ndim)
    n = d.shape[ax]
    if start < -n or start > n:
        raise IndexError(
            f"start out of range (expected to be in range of [{-n}, {n}], but got {start})"
        )
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    key = (_FULL,) * ax + (slice(start, start + length),)
    out = _view_of(input, d[key])
    if input._requires_grad and _state.enabled:
        node = SliceBackward0()
        node._shape, node._key = d.shape, key
        attach(out, node, input)
    return out


def _dims_arg(x, fn, arg):
    if isinstance(x, (list, tuple)):
        return [_int_arg(k, fn, arg) for k in x]
    return None


def movedim(input, source, destination) -> Tensor:
    """Move dims ``source`` to positions ``destination`` (ints or sequences); a permute view."""
    src = _dims_arg(source, "movedim", "source")
    dst = _dims_arg(destination, "movedim", "destination")
    if (src is None) != (dst is None):
        raise TypeError(
            "movedim() received an invalid combination of arguments - got "
            f"({type(source).__name__}, {type(destination).__name__})"
        )
    if src is None:
        src = [_int_arg(source, "movedim", "source", 1)]
        dst = [_int_arg(destination, "movedim", "destination", 2)]
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ([{', '.join(map(str, src))}]"
            f" dims) should contain the same number of dims as destination "
            f"([{', '.join(map(str, dst))}] dims)"
        )
    nd = input._data.ndim
    cs = [canon_dim(k, nd) for k in src]
    cd = [canon_dim(k, nd) for k in dst]
    for name, orig, c in (("source", src, cs), ("destination", dst, cd)):
        if len(set(c)) != len(c):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ([{', '.join(map(str, orig))}])")
    if nd == 0:  # PyTorch returns an alias of a 0-d tensor
        out = _view_of(input, input._data.view())
        if input._requires_grad and _state.enabled:
            attach(out, AliasBackward0(), input)
        return out
    perm = [-1] * nd
    for s, t in zip(cs, cd):
        perm[t] = s
    rest = iter([k for k in range(nd) if k not in cs])
    perm = [p if p >= 0 else next(rest) for p in perm]
    return permute(input, tuple(perm))


def moveaxis(input, source, destination) -> Tensor:
    return movedim(input, source, destination)


def unflatten(input, dim, sizes) -> Tensor:
    """Split ``dim`` into ``sizes`` (one may be -1); a view."""
    sizes = tuple([_int_arg(k, "unflatten", "sizes") for k in sizes])
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    d = input._data
    if d.ndim == 0:
        raise RuntimeError(
            "unflatten got an unexpected error:\n"
            "Dimension specified as 0 but tensor has no dimensions"
        )
    ax = canon_dim(dim, d.ndim)
    n = d.shape[ax]
    shown = ", ".join(map(str, sizes))
    neg = [i for i, s in enumerate(sizes) if s == -1]
    bad = [i for i, s in enumerate(sizes) if s < -1]
    if len(neg) > 1 or bad:
        why = (
            f"invalid shape dimension {sizes[bad[0]]} at index {bad[0]} of shape [{shown}]"
            if bad and (len(neg) < 2 or bad[0] < neg[1])
            else "only one dimension can be inferred"
        )
        raise RuntimeError(f"unflatten got an unexpected error:\n{why}")
    known = 1
    for s in sizes:
        if s != -1:
            known *= s
    mismatch = (
        f"unflatten: Provided sizes [{shown}] don't multiply up to the size of dim {ax} "
        f"({n}) in the input tensor"
    )
    if neg:
        if known == 0 and n == 0:
            raise RuntimeError(
                "unflatten got an unexpected error:\ncannot reshape tensor of 0 elements into "
                f"shape [{shown}] because the unspecified dimension size -1 can be any value and "
                "is ambiguous"
            )
        if known == 0 or n % known:
            raise RuntimeError(mismatch)
        sizes = sizes[: neg[0]] + (n // known,) + sizes[neg[0] + 1 :]
    elif known != n:
        raise RuntimeError(mismatch)
    return view(input, d.shape[:ax] + sizes + d.shape[ax + 1 :])
