"""Class-index losses of nn.functional: nll_loss and cross_entropy (class indices of any rank,
class probabilities, weight, ignore_index, label_smoothing), with PyTorch's graphs.

cross_entropy is log_softmax followed by nll_loss, as in PyTorch: ``NllLossBackward0 ->
LogSoftmaxBackward0`` (inputs of 4 dims: ``NllLoss2DBackward0``; 3 or 5+ dims: views around
``NllLoss2DBackward0``). Label smoothing and probability targets are PyTorch's composites, so
their nodes (``AddBackward0``, ``MulBackward1``, ``DivBackward1``...) match too. The nll node's
gradient is ``g`` times a constant array, written as a fakel product under create_graph, so
cross_entropy is twice differentiable (log_softmax's backward is in fakel ops).
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import SECOND_BACKWARD, Node
from ..ops._common import attach
from ..ops.activation import log_softmax as _log_softmax
from ..ops.arith import add, div, mul
from ..ops.compare import where
from ..ops.reduce import sum as _sum
from ._loss import (
    MEAN,
    NONE,
    SUM,
    _scalar_name,
    legacy_reduction,
    not_differentiable,
    not_implemented,
    reduction_enum,
    shape_str,
)


# Nodes of PyTorch's tensor-with-C++-scalar ops (Python's x * 2.0 records MulBackward0) ---------
class MulBackward1(Node):
    __slots__ = ("_s",)

    def backward(self, g):
        return (mul(g, self._s),)


class DivBackward1(Node):
    __slots__ = ("_s",)

    def backward(self, g):
        return (div(g, self._s),)


class AddBackward1(Node):
    def backward(self, g):
        return (g,)


class FillBackward2(Node):
    def backward(self, g):
        return (mul(g, 0),)


class MaskedFillBackward0(Node):
    """Zeroes the gradient where the mask is set by selection, so an inf there does not become
    nan (ops.scatter's masked_fill multiplies by the mask)."""

    __slots__ = ("_mask",)

    def backward(self, g):
        return (where(self._mask, 0.0, g),)


def _masked_fill_zero(x, mask):
    out = _wrap(np.where(mask._data, x._data.dtype.type(0), x._data))
    if x._requires_grad and _state.enabled:
        node = MaskedFillBackward0()
        node._mask = mask
        attach(out, node, x)
    return out


def _scalar_op(x, out_data, node_cls, s=None):
    out = _wrap(out_data)
    if x._requires_grad and _state.enabled:
        node = node_cls()
        if s is not None:
            node._s = s
        attach(out, node, x)
    return out


def _mul_scalar(x, s):
    return _scalar_op(x, x._data * x._data.dtype.type(s), MulBackward1, s)


def _div_scalar(x, s):
    return _scalar_op(x, x._data / x._data.dtype.type(s), DivBackward1, s)


def _add_scalar(x, s):
    return _scalar_op(x, x._data + x._data.dtype.type(s), AddBackward1)


# nll_loss ----------------------------------------------------------------------------------------
class NllLossBackward0(Node):
    """grad_input = g * M, M holding -weight[target] (over the total weight for 'mean') at each
    target's class: linear in g, so double backward is a product with a constant."""

    __slots__ = ("_idx", "_coef", "_cdim", "_none", "_ishape")

    def _release(self) -> None:
        self._idx = None

    def backward(self, g):
        if self._idx is None:
            raise RuntimeError(SECOND_BACKWARD)
        cdim = self._cdim
        coef = self._coef
        m = np.zeros(self._ishape, dtype=coef.dtype)
        if m.size:
            m[self._idx] = coef
        if self._none and len(self._ishape) > 1:
            g = g.unsqueeze(cdim)
        if _state.enabled:  # create_graph: record the gradient's own node
            return (_nll_grad_in_graph(g, m, self.next_functions[0]),)
        gd = g._data
        if gd.dtype != m.dtype:
            gd = gd.astype(m.dtype)
        m *= gd
        return (_wrap(m),)


class NllLoss2DBackward0(NllLossBackward0):
    __slots__ = ()


class NllLossBackwardBackward0(Node):
    """The node of nll's gradient g * M: linear in g, zero derivative in the input (as PyTorch
    reports it, so a gradient penalty reaches the input with zeros)."""

    __slots__ = ("_m",)

    def backward(self, gg):
        ng, nx = self.next_functions
        dg = mul(gg, _wrap(self._m)) if ng[0] is not None else None
        dx = _wrap(np.zeros(nx[0]._oshape, self._m.dtype)) if nx[0] is not None else None
        return dg, dx


def _nll_grad_in_graph(g, m, input_edge):
    out = _wrap(g._data * m)
    if g._requires_grad or input_edge[0] is not None:
        node = NllLossBackwardBackward0()
        node._m = m
        attach(out, node, g)
        node.next_functions = (node.next_functions[0], input_edge)
    return out


def _check_kernel(input, target, weight, frame):
    td = target._data.dtype
    if td != np.int64 and td != np.uint8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_scalar_name(td)}")
    xd = input._data.dtype
    if xd.kind != "f":
        raise not_implemented(frame, xd)
    if weight is not None and weight._data.dtype != xd:
        raise RuntimeError(
            f"expected scalar type {_scalar_name(xd)} but found {_scalar_name(weight._data.dtype)}"
        )


def _weight_error(c, weight) -> RuntimeError:
    return RuntimeError(
        f"weight tensor should be defined either for all {c} classes or no classes but got "
        f"weight tensor of shape: {shape_str(weight.shape)}"
    )


def _class_index(t, safe, cdim):
    """Index tuple picking, for each target position, its class along ``cdim``."""
    if cdim == 0:
        return (safe,)
    grids = np.indices(t.shape, sparse=True) if t.ndim > 1 else (np.arange(t.shape[0]),)
    return (grids[0], safe, *grids[1:])


def _all_in_range(t, c) -> bool:
    if not t.size:
        return True
    # Read as unsigned, negatives wrap to huge: one maximum checks both ends.
    u = t.view(np.uint64) if t.dtype == np.int64 else t
    return bool(np.maximum.reduce(u, axis=None) < c)


def _nll(input, target, weight, red, ignore_index, node_cls):
    """The nll kernel on (C,) / (N, C) / (N, C, H, W) input, checks already done."""
    x = input._data
    t = target._data
    cdim = 0 if x.ndim == 1 else 1
    if x.ndim == 1:
        t = t.reshape(())
    c = x.shape[cdim]
    dt = x.dtype
    if (ignore_index < 0 or ignore_index >= c) and _all_in_range(t, c):
        valid = None  # the common case: every target counts
        safe = t
    else:
        valid = t != ignore_index
        bad = valid & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {t[bad].reshape(-1)[0]} is out of bounds.")
        safe = np.where(valid, t, 0)
    idx = _class_index(t, safe, cdim)
    picked = x[idx] if c else np.zeros(t.shape, dtype=dt)
    if weight is None:
        wt = None if valid is None else valid.astype(dt)
    else:
        wt = weight._data[safe] if c else np.zeros(t.shape, dt)
        wt = (wt if valid is None else np.where(valid, wt, 0)).astype(dt, copy=False)
    loss = -picked if wt is None else -(picked * wt)
    if valid is not None:
        loss = np.where(valid, loss, dt.type(0))
    if red == NONE:
        out = loss
        coef = dt.type(-1) if wt is None else -wt
    else:
        total = loss.sum(dtype=dt)
        if red == MEAN:
            tw = dt.type(t.size) if wt is None else wt.sum(dtype=dt)
            out = np.asarray(total / tw, dtype=dt)
            if tw == 0:
                coef = dt.type(0)
            else:
                coef = -(dt.type(1) / tw) if wt is None else -wt / tw
        else:
            out = np.asarray(total, dtype=dt)
            coef = dt.type(-1) if wt is None else -wt
    res = _wrap(out)
    if input._requires_grad and _state.enabled:
        node = node_cls()
        node._idx = idx
        node._coef = coef
        node._cdim = cdim
        node._none = red == NONE
        node._ishape = x.shape
        attach(res, node, input)
    return res


def _nll_nd(input, target, weight, red, ignore_index):
    """PyTorch's nll_loss_nd: checks, then the 1-D/2-D kernel, the 2-D spatial kernel, or
    views of other ranks onto the spatial kernel."""
    nd = input.ndim
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    xs, ts = input.shape, target.shape
    if nd != 1 and xs[0] != (ts[0] if ts else 0):
        raise ValueError(
            f"Expected input batch_size ({xs[0]}) to match target batch_size "
            f"({ts[0] if ts else 0})."
        )
    if nd == 1 and len(ts) == 1 and ts[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {ts[0]}")
    if nd <= 2:
        _no_weight_grad(weight, "nll_loss_forward")
        if len(ts) > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        c = xs[-1]
        if weight is not None and (weight.ndim != 1 or weight.numel() != c):
            raise _weight_error(c, weight)
        _check_kernel(input, target, weight, "nll_loss_out_frame")
        return _nll(input, target, weight, red, ignore_index, NllLossBackward0)
    if nd == 4:
        _no_weight_grad(weight, "nll_loss2d_forward")
        if len(ts) != 3:
            raise RuntimeError(
                "only batches of spatial targets supported (3D tensors) but got targets of "
                f"dimension: {len(ts)}"
            )
        return _nll2d(input, target, weight, red, ignore_index)
    out_size = (xs[0],) + tuple(xs[2:])
    if tuple(ts[1:]) != tuple(xs[2:]):
        raise RuntimeError(f"Expected target size {shape_str(out_size)}, got {shape_str(ts)}")
    n, c = xs[0], xs[1]
    if input.numel() > 0:
        x4 = input.reshape(n, c, 1, -1)
    else:
        x4 = input.reshape(n, c, 0, 0)
    t3 = target.reshape(n, 1, -1) if target.numel() > 0 else target.reshape(n, 0, 0)
    out = _nll2d(x4, t3, weight, red, ignore_index)
    return out.view(out_size) if red == NONE else out


def _no_weight_grad(weight, fn) -> None:
    if weight is not None and weight._requires_grad and _state.enabled:
        raise not_differentiable(fn, "weight")


def _nll2d(input, target, weight, red, ignore_index):
    _no_weight_grad(weight, "nll_loss2d_forward")
    xs, ts = input.shape, target.shape
    c = xs[1]
    if weight is not None and weight.numel() != c:
        raise _weight_error(c, weight)
    if (xs[0], xs[2], xs[3]) != tuple(ts):
        raise RuntimeError(f"size mismatch (got input: {shape_str(xs)} , target: {shape_str(ts)}")
    _check_kernel(input, target, weight, "nll_loss2d_forward_out_frame")
    return _nll(input, target, weight, red, ignore_index, NllLoss2DBackward0)


def nll_loss(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of the target classes; input of shape (C,), (N, C) or
    (N, C, d1, ...), log-probabilities along dim 1."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    return _nll_nd(input, target, weight, reduction_enum(reduction), ignore_index)


# cross_entropy -----------------------------------------------------------------------------------
def _class_dim_view(weight, ndim, cdim):
    if ndim <= 1:
        return weight
    shape = [1] * ndim
    shape[cdim] = weight.shape[0]
    return weight.view(shape)


def _check_smoothing(label_smoothing) -> None:
    if label_smoothing > 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {_num(label_smoothing)}"
        )


def _num(v) -> str:
    """A float as C++ streams it (1.5, 2, 1e-05)."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e16 else f"{v:g}"


def _prob_target(input, target, weight, red, label_smoothing):
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    cdim = 0 if input.ndim == 1 else 1
    c = input.shape[cdim]
    if weight is not None and (weight.ndim != 1 or weight.numel() != c):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {c} classes or no "
            f"classes but got weight tensor of shape: {shape_str(weight.shape)}"
        )
    logp = _log_softmax(input, cdim)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        target = _add_scalar(_mul_scalar(target, 1 - label_smoothing), label_smoothing / c)
    prod = mul(logp, target)
    if weight is not None:
        prod = mul(prod, _class_dim_view(weight, input.ndim, cdim))
    if red == NONE:
        return -_sum(prod, cdim)
    total = _sum(prod)
    if red == SUM:
        return -total
    if input.numel() == 0:
        filled = _wrap(np.full((), math.nan, dtype=total._data.dtype))
        if total._requires_grad and _state.enabled:
            attach(filled, FillBackward2(), total)
        return -filled
    return _div_scalar(-total, input.numel() // c)


def _label_smoothing(input, target, weight, red, ignore_index, label_smoothing):
    cdim = 0 if input.ndim == 1 else 1
    logp = _log_softmax(input, cdim)
    nll = _nll_nd(logp, target, weight, red, ignore_index)
    c = logp.shape[cdim]
    if weight is not None:
        smooth = -_sum(mul(logp, _class_dim_view(weight, logp.ndim, cdim)), cdim)
    else:
        smooth = -_sum(logp, cdim)
    ignored = target == ignore_index
    smooth = _masked_fill_zero(smooth, ignored)
    if red == MEAN:
        kept = ~ignored._data
        if weight is not None:
            t = target._data[kept].astype(np.intp)
            denom = _wrap(np.asarray(weight._data[t].sum(), dtype=weight._data.dtype))
        else:
            denom = _wrap(np.asarray(kept.sum(), dtype=np.int64))
        ret = div(_sum(smooth), denom)
    elif red == SUM:
        ret = _sum(smooth)
    else:
        ret = smooth
    return add(_mul_scalar(nll, 1 - label_smoothing), _mul_scalar(ret, label_smoothing / c))


def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """log_softmax over dim 1 (dim 0 for 1-D input) then nll_loss; a target of the input's
    shape holds class probabilities."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    red = reduction_enum(reduction)
    if input.shape == target.shape:
        if target._data.dtype.kind != "f":
            raise RuntimeError(
                "Expected floating point type for target with class probabilities, got "
                f"{_scalar_name(target._data.dtype)}"
            )
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _prob_target(input, target, weight, red, label_smoothing)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        return _label_smoothing(input, target, weight, red, ignore_index, label_smoothing)
    logp = _log_softmax(input, 0 if input.ndim == 1 else 1)
    return _nll_nd(logp, target, weight, red, ignore_index)
