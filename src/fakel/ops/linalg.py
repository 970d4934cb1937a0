"""Matrix products: matmul (@), mm, mv, dot, bmm, outer, and the fused addmm/addmv/baddbmm."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, check_broadcast
from .shape import SqueezeBackward1, TBackward0, UnsafeViewBackward0, _view_of, expand, reshape

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
        gb = _mat2_grad(a, g, nb[0]) if nb[0] is not None else None
        return ga, gb


def _mat2_grad(m1, g, mat2_node):
    """m1.T @ g. When mat2 is a transpose (Linear's weight.t()), as (g.T @ m1).T: after
    TBackward0 the weight's gradient is then C-contiguous and the engine keeps it without a
    copy (PyTorch's mm_mat2_backward picks the layout the same way)."""
    if mat2_node.__class__ is TBackward0:
        if _state.enabled:  # create_graph: differentiable transposes
            return mm(g.t(), m1).t()
        return _wrap(g._data.T.dot(m1._data).T)
    return mm(m1.t(), g)


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



# outer and the fused beta * input + alpha * product ops -----------------------------------------
def outer(input, vec2) -> Tensor:
    """input[:, None] * vec2, recorded as PyTorch does (a ViewBackward0 under a MulBackward0)."""
    for name, v in (("self", input), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    from .arith import mul

    return mul(reshape(input, (input._data.shape[0], 1)), vec2)


ger = outer


def _scaled(g, factor):
    return g if factor == 1 else g * factor


class AddmmBackward0(Node):
    __slots__ = ("_alpha", "_beta")

    def backward(self, g):
        m1, m2 = self.saved()
        ni, n1, n2 = self.next_functions
        a = self._alpha
        gi = _scaled(g, self._beta) if ni[0] is not None else None
        g1 = _scaled(mm(g, m2.t()), a) if n1[0] is not None else None
        g2 = _scaled(_mat2_grad(m1, g, n2[0]), a) if n2[0] is not None else None
        return gi, g1, g2


class AddmvBackward0(Node):
    __slots__ = ("_alpha", "_beta")

    def backward(self, g):
        m, v = self.saved()
        ni, nm, nv = self.next_functions
        a = self._alpha
        gi = _scaled(g, self._beta) if ni[0] is not None else None
        gm = _scaled(g.unsqueeze(1) * v.unsqueeze(0), a) if nm[0] is not None else None
        gv = _scaled(mv(m.t(), g), a) if nv[0] is not None else None
        return gi, gm, gv


class BaddbmmBackward0(Node):
    __slots__ = ("_alpha", "_beta")

    def backward(self, g):
        b1, b2 = self.saved()
        ni, n1, n2 = self.next_functions
        a = self._alpha
        gi = _scaled(g, self._beta) if ni[0] is not None else None
        g1 = _scaled(bmm(g, b2.transpose(1, 2)), a) if n1[0] is not None else None
        g2 = _scaled(bmm(b1.transpose(1, 2), g), a) if n2[0] is not None else None
        return gi, g1, g2


def _fused(node_cls, input, m1, m2, product, beta, alpha):
    """beta * input + alpha * product, with input broadcast to the product's shape."""
    p = product
    d = input._data
    if d.dtype != p.dtype:
        if node_cls is BaddbmmBackward0:
            raise RuntimeError(
                f"Input dtypes must be the same, got: input {_TYPE[input.dtype.name]}, batch1: "
                f"{_TYPE[m1.dtype.name]}, batch2: {_TYPE[m2.dtype.name]}"
            )
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {input.dtype._scalar_name} and "
            f"{m2.dtype._scalar_name}"
        )
    if d.shape != p.shape:
        try:
            d = np.broadcast_to(d, p.shape)
        except ValueError:
            expand(_wrap(d), p.shape)  # PyTorch's expand error
            raise
    if p.dtype.kind != "f":
        alpha, beta = int(alpha), int(beta)
    if alpha != 1:
        p = p * p.dtype.type(alpha)
    out = p if beta == 0 else p + (d if beta == 1 else d * d.dtype.type(beta))
    out = _wrap(np.asarray(out, dtype=p.dtype))
    if out._data.dtype.kind == "f" and _state.enabled and (
        input._requires_grad or m1._requires_grad or m2._requires_grad
    ):
        node = node_cls()
        node._alpha, node._beta = alpha, beta
        node.save(m1 if m2._requires_grad else None, m2 if m1._requires_grad else None)
        attach(out, node, input, m1, m2)
    return out


def addmm(input, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2) (beta == 0 ignores input, nan and inf included)."""
    a, b = mat1._data, mat2._data
    for name, m in (("mat1", a), ("mat2", b)):
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    if a.shape[1] != b.shape[0]:
        _mm_errors(mat1, mat2)
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {mat1.dtype._scalar_name} and "
            f"{mat2.dtype._scalar_name}"
        )
    return _fused(AddmmBackward0, input, mat1, mat2, a.dot(b), beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (mat @ vec)."""
    a, v = mat._data, vec._data
    if a.ndim != 2 or v.ndim != 1 or input._data.ndim > 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got {input._data.ndim}, {a.ndim}, {v.ndim}"
        )
    n = input._data.shape[0] if input._data.ndim else 1
    if a.shape[1] != v.shape[0] or n not in (1, a.shape[0]):
        raise RuntimeError(
            f"size mismatch, got input ({n}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
        )
    if a.dtype != v.dtype or input._data.dtype != a.dtype:
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {input.dtype._scalar_name}, "
            f"{mat.dtype._scalar_name}, and {vec.dtype._scalar_name}"
        )
    return _fused(AddmvBackward0, input, mat, vec, a.dot(v), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (batch1 @ batch2), batch by batch."""
    a, b = batch1._data, batch2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
            f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    _same_dtype_mm(batch1, batch2)
    return _fused(BaddbmmBackward0, input, batch1, batch2, np.matmul(a, b), beta, alpha)
