"""Matrix products: matmul (@), mm, mv, dot, and the bmm that batched matmul folds into."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, check_broadcast
from .shape import SqueezeBackward1, UnsafeViewBackward0, _view_of

_TYPE = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int",
         "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
         "bool": "bool"}


def _same_dtype_mm(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_TYPE[a.dtype.name]} != "
            f"{_TYPE[b.dtype.name]}"
        )


def _record(out, node_cls, a, b):
    if _state.enabled and (a._requires_grad or b._requires_grad) and out._data.dtype.kind == "f":
        node = node_cls()
        node.save(a if b._requires_grad else None, b if a._requires_grad else None)
        attach(out, node, a, b)
    return out


class MmBackward0(Node):
    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        ga = mm(g, b.t()) if na[0] is not None else None
        gb = mm(a.t(), g) if nb[0] is not None else None
        return ga, gb


def mm(input, mat2) -> Tensor:
    a, b = input._data, mat2._data
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0] or a.dtype != b.dtype:
        _mm_errors(input, mat2)
    # ndarray.dot: the same BLAS call as np.matmul with a third of its overhead on tiny inputs.
    return _record(_wrap(a.dot(b)), MmBackward0, input, mat2)


def _mm_errors(input, mat2):
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    _same_dtype_mm(input, mat2)


class MvBackward0(Node):
    def backward(self, g):
        m, v = self.saved()
        nm, nv = self.next_functions
        gm = g.unsqueeze(1) * v.unsqueeze(0) if nm[0] is not None else None
        gv = mv(m.t(), g) if nv[0] is not None else None
        return gm, gv


def mv(input, vec) -> Tensor:
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
            f"vec ({v.shape[0]})"
        )
    if a.dtype != v.dtype:
        from .._dtype import promote_types

        out_dt = promote_types(input.dtype, vec.dtype)
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {out_dt._scalar_name}, "
            f"{input.dtype._scalar_name}, and {vec.dtype._scalar_name}"
        )
    return _record(_wrap(a.dot(v)), MvBackward0, input, vec)


class DotBackward0(Node):
    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        return (g * b if na[0] is not None else None, g * a if nb[0] is not None else None)


def dot(input, other) -> Tensor:
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors"
        )
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
            f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
            "respectively"
        )
    if a.dtype != b.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{input.dtype._scalar_name} and {other.dtype._scalar_name}"
        )
    return _record(_wrap(a.dot(b)), DotBackward0, input, other)


class BmmBackward0(Node):
    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        ga = bmm(g, b.transpose(1, 2)) if na[0] is not None else None
        gb = bmm(a.transpose(1, 2), g) if nb[0] is not None else None
        return ga, gb


def bmm(input, mat2) -> Tensor:
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
            f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    _same_dtype_mm(input, mat2)
    return _record(_wrap(np.matmul(a, b)), BmmBackward0, input, mat2)


class SqueezeBackward4(SqueezeBackward1):
    __slots__ = ()


def _unsafe_view(x, shape):
    """Reshape a fresh matmul result; recorded as PyTorch's UnsafeViewBackward0."""
    out = _wrap(x._data.reshape(shape))
    if x._requires_grad and _state.enabled:
        node = UnsafeViewBackward0()
        node._shape = x._data.shape
        attach(out, node, x)
    return out


def _squeeze_first(x):
    """v @ M: drop the row that was added to v (PyTorch's SqueezeBackward4)."""
    out = _view_of(x, x._data[0])
    if x._requires_grad and _state.enabled:
        node = SqueezeBackward4()
        node._shape = x._data.shape
        attach(out, node, x)
    return out


def matmul(input, other) -> Tensor:
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        return NotImplemented
    na, nb = input._data.ndim, other._data.ndim
    if na == 2 and nb == 2:
        return mm(input, other)
    if na == 0 or nb == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D"
        )
    if na == 1 and nb == 1:
        return dot(input, other)
    if na == 2 and nb == 1:
        return mv(input, other)
    if na == 2 and nb == 2:
        return mm(input, other)
    if na == 1 and nb == 2:
        return _squeeze_first(mm(input.unsqueeze(0), other))
    if na >= 3 and nb <= 2:
        # Fold the batch into the rows: one mm, then a view back (as PyTorch does).
        a = input._data
        lead = a.shape[:-1]
        folded = input.reshape(-1, a.shape[-1])
        if nb == 1:
            return _unsafe_view(mv(folded, other), lead)
        out = mm(folded, other)
        return _unsafe_view(out, lead + (other._data.shape[-1],))
    if na <= 2 and nb >= 3:
        # Fold the other way: (b^T @ a^T)^T, with b^T's batch folded into rows (as PyTorch).
        b = other._data
        lead = b.shape[:-2]
        folded = other.transpose(-1, -2).reshape(-1, b.shape[-2])
        if na == 1:
            return _unsafe_view(mv(folded, input), lead + (b.shape[-1],))
        out = _unsafe_view(mm(folded, input.t()), lead + (b.shape[-1], input._data.shape[0]))
        return out.transpose(-1, -2).contiguous()
    return _batched(input, other)


def _batched(a, b):
    """Both operands at least 3-D: broadcast the batch dims, then one bmm."""
    n, k = a._data.shape[-2:]
    k2, m = b._data.shape[-2:]
    try:
        batch = np.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
    except ValueError:
        check_broadcast(a._data.shape[:-2], b._data.shape[:-2])
        raise
    if k != k2:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{int(np.prod(batch))}, {k}] but got: [{int(np.prod(batch))}, {k2}]."
        )
    ae = a.expand(*batch, n, k).reshape(-1, n, k)
    be = b.expand(*batch, k, m).reshape(-1, k, m)
    return _unsafe_view(bmm(ae, be), tuple(batch) + (n, m))
