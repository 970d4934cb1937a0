"""Binary cross entropy losses of nn.functional: on probabilities (log clamped at -100, as
PyTorch) and on logits (one stable formula with pos_weight). Both nodes compute the loss in NumPy
and write their backward in fakel ops, so double backward works; like PyTorch, neither weight
nor pos_weight may require grad.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ..ops._common import attach, check_broadcast
from ..ops.activation import sigmoid, softplus
from ..ops.arith import div, mul, sub
from ..ops.compare import clamp
from ..ops.unary import log
from ._loss import (
    MEAN,
    _can_cast,
    _cast_error,
    _inplace_broadcast,
    _records,
    _reduce_array,
    _scalar_name,
    legacy_reduction,
    not_differentiable,
    not_implemented,
    reduction_enum,
    shape_str,
)

# Binary cross entropy on probabilities -----------------------------------------------------------
_EPS = 1e-12


class BinaryCrossEntropyBackward0(Node):
    __slots__ = ("_red", "_weight")

    def backward(self, g):
        x, t = self.saved()
        if self._red == MEAN:
            g = div(g, x._data.size)
        if self._weight is not None:
            g = mul(g, self._weight)
        nx, nt = self.next_functions
        gx = gt = None
        if nx[0] is not None:
            gx = div(mul(g, sub(x, t)), clamp(mul(1 - x, x), _EPS))
        if nt[0] is not None:
            gt = -mul(g, log(div(x, 1 - x)))
        return gx, gt


def _check_unit_range(xd, td) -> None:
    """PyTorch checks input then target, element by element; nan fails too."""
    ok_x = (xd >= 0) & (xd <= 1)
    ok_t = (td >= 0) & (td <= 1)
    if ok_x.all() and ok_t.all():
        return
    first = np.flatnonzero(~(ok_x & ok_t))[0]
    what = "input" if not ok_x.reshape(-1)[first] else "target"
    raise RuntimeError(f"all elements of {what} should be between 0 and 1")


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """-w (t log x + (1 - t) log(1 - x)), each log clamped at -100 as in PyTorch."""
    if size_average is not None or reduce is not None:
        red = reduction_enum(legacy_reduction(size_average, reduce))
    else:
        red = reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}) is deprecated. Please ensure they have the same size."
        )
    wd = None
    if weight is not None:
        new = broadcast_shapes(target.shape, weight.shape)
        wd = np.broadcast_to(weight._data, new)
        if weight._requires_grad and _state.enabled:
            raise not_differentiable("binary_cross_entropy", "weight")
    xd, td = input._data, target._data
    if td.dtype != xd.dtype:
        raise RuntimeError(
            f"Found dtype {_scalar_name(td.dtype)} but expected {_scalar_name(xd.dtype)}"
        )
    if xd.dtype.kind != "f":
        raise not_implemented("binary_cross_entropy", xd.dtype)
    _check_unit_range(xd, td)
    if wd is not None:
        _inplace_broadcast(tuple(input.shape), wd.shape)
    floor = xd.dtype.type(-100)
    one = xd.dtype.type(1)
    loss = (td - one) * np.maximum(np.log1p(-xd), floor) - td * np.maximum(np.log(xd), floor)
    if wd is not None:
        wd = wd.astype(xd.dtype, copy=False)
        loss *= wd
    out = _wrap(_reduce_array(loss, red))
    if _records(input, target):
        node = BinaryCrossEntropyBackward0()
        node._red = red
        node._weight = None if wd is None else _wrap(wd)
        node.save(input, target)
        attach(out, node, input, target)
    return out


def broadcast_shapes(*shapes) -> tuple:
    """torch.broadcast_shapes, with its message for the first shape that does not fit."""
    common = [1] * max(len(s) for s in shapes)
    for arg_idx, shape in enumerate(shapes):
        for idx in range(-1, -1 - len(shape), -1):
            if shape[idx] == common[idx]:
                continue
            if common[idx] == 1:
                common[idx] = shape[idx]
            if shape[idx] != 1 and common[idx] != shape[idx]:
                from .._tensor import Size

                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[idx]} at {idx}! "
                    f"Mismatching argument at index {arg_idx} had {Size(shape)}; but expected "
                    f"shape should be broadcastable to {shape_str(common)}"
                )
    return tuple(common)


# Binary cross entropy on logits ------------------------------------------------------------------
def _log_sigmoid(d):
    return np.minimum(d, 0) - np.log1p(np.exp(-np.abs(d)))


def _log_sigmoid_t(x):
    """log(sigmoid(x)) in fakel ops, = -softplus(-x): stable for large |x|."""
    return -softplus(-x)


class BinaryCrossEntropyWithLogitsBackward0(Node):
    __slots__ = ("_red", "_weight", "_pos_weight")

    def backward(self, g):
        x, t = self.saved()
        if self._red == MEAN:
            g = div(g, x._data.size)
        if self._weight is not None:
            g = mul(g, self._weight)
        pw = self._pos_weight
        nx, nt = self.next_functions
        gx = gt = None
        if nx[0] is not None:
            if pw is None:
                gx = mul(sub(sigmoid(x), t), g)
            else:
                tpw = mul(pw, t)
                gx = mul(sub(mul(sub(tpw + 1, t), sigmoid(x)), tpw), g)
        if nt[0] is not None:
            if pw is None:
                gt = mul(-x, g)
            else:
                gt = mul(sub(_log_sigmoid_t(-x), mul(_log_sigmoid_t(x), pw)), g)
        return gx, gt


def binary_cross_entropy_with_logits(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight=None,
) -> Tensor:
    """Sigmoid and binary cross entropy in one stable formula:
    (1 - t) x - (1 + (pos_weight - 1) t) log_sigmoid(x), times weight. The result has the
    target's dtype, as in PyTorch."""
    if size_average is not None or reduce is not None:
        red = reduction_enum(legacy_reduction(size_average, reduce))
    else:
        red = reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    if _state.enabled:
        for arg, t in (("weight", weight), ("pos_weight", pos_weight)):
            if t is not None and t._requires_grad:
                raise not_differentiable("binary_cross_entropy_with_logits", arg)
    xd, td = input._data, target._data
    if xd.dtype.kind != "f":
        raise not_implemented("log_sigmoid_cpu", xd.dtype)
    shape = xd.shape
    if pos_weight is not None:
        check_broadcast(pos_weight.shape, shape)
        _inplace_broadcast(shape, np.broadcast_shapes(pos_weight.shape, shape))
    if td.dtype == np.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    cd = _dt.promote_types(_dt._FROM_NP[xd.dtype], _dt._FROM_NP[td.dtype]).np
    if not _can_cast(cd, td.dtype):
        raise _cast_error(cd, td.dtype)
    if weight is not None:
        _inplace_broadcast(shape, weight.shape)
    x = xd.astype(cd, copy=False)
    t = td.astype(cd, copy=False)
    one = cd.type(1)
    ls = _log_sigmoid(x)
    if pos_weight is not None:
        ls = ls * ((pos_weight._data.astype(cd, copy=False) - one) * t + one)
    loss = (one - t) * x - ls
    if weight is not None:
        loss = loss * weight._data.astype(cd, copy=False)
    out = _wrap(_reduce_array(loss.astype(td.dtype, copy=False), red))
    if _records(input, target):
        node = BinaryCrossEntropyWithLogitsBackward0()
        node._red = red
        node._weight = weight.detach() if weight is not None else None
        node._pos_weight = pos_weight.detach() if pos_weight is not None else None
        node.save(input, target)
        attach(out, node, input, target)
    return out
