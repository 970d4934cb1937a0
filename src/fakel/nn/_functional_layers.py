"""Functional forms of the basic layers: linear, bilinear, dropout, embedding (+ their nodes)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state, no_grad
from ..autograd.graph import Node
from ..ops._common import attach, needs_grad
from ..ops.arith import add, mul
from ..ops.linalg import matmul, mm
from ..ops.shape import t as _t

try:  # the math helper's addmm (PyTorch's AddmmBackward0); a local one until it exists
    from ..ops.linalg import addmm as _shared_addmm
except ImportError:  # pragma: no cover - depends on the tree's state
    _shared_addmm = None


# linear -----------------------------------------------------------------------------------------
class AddmmBackward0(Node):
    """bias + mat1 @ mat2 (alpha = beta = 1): the node PyTorch's Linear shows for 2-d input."""

    def backward(self, g):
        m1, m2 = self.saved()
        nb, n1, n2 = self.next_functions
        return (
            g if nb[0] is not None else None,
            mm(g, _t(m2)) if n1[0] is not None else None,
            mm(_t(m1), g) if n2[0] is not None else None,
        )


def _addmm(bias, mat1, mat2):
    if _shared_addmm is not None:
        return _shared_addmm(bias, mat1, mat2)
    a, b = mat1._data, mat2._data
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: "
            f"{_TYPE_NAMES[a.dtype.name]} != {_TYPE_NAMES[b.dtype.name]}"
        )
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    prod = a @ b
    bd = bias._data
    try:
        target = np.broadcast_shapes(bd.shape, prod.shape)
    except ValueError:
        target = None
    if target != prod.shape:
        raise RuntimeError(
            f"The expanded size of the tensor ({prod.shape[-1]}) must match the existing size "
            f"({bd.shape[-1]}) at non-singleton dimension {prod.ndim - 1}.  Target sizes: "
            f"[{', '.join(map(str, prod.shape))}].  Tensor sizes: "
            f"[{', '.join(map(str, bd.shape))}]"
        )
    out = _wrap((prod + bd).astype(a.dtype, copy=False))
    if needs_grad(bias, mat1, mat2):
        node = AddmmBackward0()
        node.save(mat1, mat2)
        attach(out, node, bias, mat1, mat2)
    return out


_TYPE_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half",
               "int64": "long int", "int32": "int", "int16": "short int",
               "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def linear(input, weight, bias=None) -> Tensor:
    """input @ weight.T + bias, with PyTorch's graph: Addmm for 2-d input, views around it
    for other ranks; matmul when there is no bias."""
    if bias is None:
        return matmul(input, _t(weight))
    if input.ndim == 2:
        return _addmm(bias, input, _t(weight))
    shape = input.shape
    out = _addmm(bias, input.reshape(-1, shape[-1]) if input.ndim else input, _t(weight))
    return out.view(*shape[:-1], out.shape[-1])


# bilinear ---------------------------------------------------------------------------------------
class TrilinearBackward0(Node):
    """y[n, o] = sum_ij x1[n, i] W[o, i, j] x2[n, j]; gradients as matmuls in fakel ops."""

    def backward(self, g):
        x1, w, x2 = self.saved()
        n1, nw, n2 = self.next_functions
        gt = _t(g).unsqueeze(-1)  # (O, N, 1)
        g1 = gw = g2 = None
        if n1[0] is not None:  # sum_o g[n,o] (W x2)[o,i,n]
            g1 = (g.unsqueeze(-1) * matmul(w, _t(x2)).permute(2, 0, 1)).sum(1)
        if nw[0] is not None:
            gw = matmul((gt * x1.unsqueeze(0)).transpose(1, 2), x2)
        if n2[0] is not None:
            g2 = (gt * matmul(x1, w)).sum(0)
        return g1, gw, g2


def _trilinear(x1, w, x2):
    out = _wrap(np.einsum("ni,oij,nj->no", x1._data, w._data, x2._data, optimize=True))
    if needs_grad(x1, w, x2):
        node = TrilinearBackward0()
        node.save(x1, w, x2)
        attach(out, node, x1, w, x2)
    return out


def bilinear(input1, input2, weight, bias=None) -> Tensor:
    """x1^T W x2 + b over the last dims; leading dims are batch dims."""
    s1, s2, sw = input1.shape, input2.shape, weight.shape
    if input1.ndim != input2.ndim:
        raise RuntimeError(
            f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}"
        )
    for i in range(input1.ndim - 1):
        if s1[i] != s2[i]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {i}: got {s1[i]} and "
                f"{s2[i]}"
            )
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {weight.ndim}")
    if s1[-1] != sw[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {s1[-1]} but expected "
            f"{sw[1]}"
        )
    if s2[-1] != sw[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {s2[-1]} but expected "
            f"{sw[2]}"
        )
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != sw[0]):
        raise RuntimeError(
            f"bilinear(): bias size does not match weight size: got {bias.shape[-1]} but "
            f"expected {sw[0]}"
        )
    out = _trilinear(input1.reshape(-1, s1[-1]), weight, input2.reshape(-1, s2[-1]))
    out = out.view(*s1[:-1], sw[0])
    return out if bias is None else add(out, bias)


# dropout ----------------------------------------------------------------------------------------
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (fakel's RNG)."""
    _check_p(p)
    if not training or p == 0:
        return input
    d = input._data
    if d.dtype.kind != "f":
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type "
            f"{input.dtype._scalar_name}"
        )
    if p == 1:
        mask = np.zeros(d.shape, d.dtype)
    else:
        from .. import rand

        keep = rand(*d.shape, dtype=_dt._FROM_NP[d.dtype])._data >= p
        mask = keep.astype(d.dtype) * d.dtype.type(1.0 / (1.0 - p))
    if inplace:
        return input.mul_(_wrap(mask))
    return mul(input, _wrap(mask))


# embedding --------------------------------------------------------------------------------------
class EmbeddingBackward0(Node):
    __slots__ = ("num_weights", "padding_idx", "scale_grad_by_freq", "_indices")

    def backward(self, g):
        return (embedding_dense_backward(g, self._indices, self.num_weights, self.padding_idx,
                                         self.scale_grad_by_freq),)


class EmbeddingDenseBackward0(Node):
    __slots__ = ("padding_idx", "scale_grad_by_freq", "_indices")

    def backward(self, gg):
        idx = self._indices
        out = _embedding_rows(gg, idx)
        keep = _row_scale(idx, self.padding_idx, self.scale_grad_by_freq, gg._data.dtype)
        if keep is not None:
            out = out * _wrap(keep.reshape(idx.shape + (1,)))
        return (out,)


def _row_scale(idx, padding_idx, scale_grad_by_freq, dtype):
    """Per-lookup factor of the gradient: 0 at padding_idx, 1/count with scale_grad_by_freq."""
    if padding_idx is None and not scale_grad_by_freq:
        return None
    f = np.ones(idx.shape, dtype)
    if scale_grad_by_freq:
        _, inv, counts = np.unique(idx, return_inverse=True, return_counts=True)
        f /= counts[inv.reshape(idx.shape)].astype(dtype)
    if padding_idx is not None:
        f[idx == padding_idx] = 0
    return f


def _embedding_rows(weight, idx):
    """weight[idx] through fakel indexing, so that it is differentiable."""
    return weight[_wrap(idx)]


def embedding_dense_backward(grad, indices, num_weights, padding_idx=None,
                             scale_grad_by_freq=False) -> Tensor:
    """The weight gradient of an embedding lookup: rows of ``grad`` summed per index."""
    gd = grad._data
    dim = gd.shape[-1]
    flat = gd.reshape(-1, dim)
    f = _row_scale(indices, padding_idx, scale_grad_by_freq, gd.dtype)
    if f is not None:
        flat = flat * f.reshape(-1, 1)
    out = np.zeros((num_weights, dim), gd.dtype)
    np.add.at(out, indices.reshape(-1), flat)
    res = _wrap(out)
    if grad._requires_grad and _state.enabled:
        node = EmbeddingDenseBackward0()
        node.padding_idx, node.scale_grad_by_freq, node._indices = (
            padding_idx, scale_grad_by_freq, indices)
        attach(res, node, grad)
    return res


def _renorm_rows(weight, idx, max_norm, norm_type):
    """PyTorch's embedding_renorm_: rescale the looked-up rows whose norm exceeds max_norm."""
    with no_grad():
        w = weight._data
        rows = np.unique(idx)
        sub = w[rows]
        if norm_type == float("inf"):
            norms = np.abs(sub).max(axis=1)
        else:
            norms = np.sum(np.abs(sub) ** norm_type, axis=1) ** (1.0 / norm_type)
        big = norms > max_norm
        if big.any():
            scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
            w[rows[big]] = sub[big] * scale[:, None]
            weight._vc[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False) -> Tensor:
    """Rows of ``weight`` picked by integer ``input``; ``sparse`` gradients are dense here."""
    if padding_idx is not None:
        n = weight.shape[0]
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
            f"Long, Int; but got {input.dtype.legacy_name()} instead (while checking arguments "
            "for embedding)"
        )
    w = weight._data
    if idx.size and (idx.min() < 0 or idx.max() >= w.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    out = _wrap(w[idx])
    if weight._requires_grad and _state.enabled:
        node = EmbeddingBackward0()
        node.num_weights = w.shape[0]
        node.padding_idx = padding_idx
        node.scale_grad_by_freq = scale_grad_by_freq
        node._indices = idx.copy()
        attach(out, node, weight)
    return out


def one_hot(tensor, num_classes: int = -1):
    """Class indices (int64) to one-hot rows: shape ``tensor.shape + (num_classes,)``, int64."""
    d = tensor._data
    if d.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if d.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(d.max()) + 1
    if d.size and d.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if d.size and d.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(d.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, d[..., None], 1, axis=-1)
    return _wrap(out)


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):
    """input / max(||input||_p over dim, eps), as PyTorch composes it (DivBackward0 on top)."""
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    return input / denom
