"""Regression losses of nn.functional (mse, l1, smooth_l1, huber) and kl_div, with PyTorch's
nodes, reductions, checks and warnings; also the reduction and message helpers that the other
loss files (``_loss_bce.py``, ``_loss_nll.py``) share.

``MseLossBackward0``, ``SmoothL1LossBackward0`` and ``HuberLossBackward0`` compute the loss in
NumPy and write their backward in fakel ops, so double backward works through them. l1_loss and
kl_div are composites of fakel ops, as in PyTorch (``MeanBackward0 -> AbsBackward0 ->
SubBackward0``; kl_div through ``XlogyBackward0``).
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ..ops._common import attach, check_broadcast
from ..ops.arith import div, mul, sub
from ..ops.compare import clamp, ne, where
from ..ops.reduce import mean as _mean
from ..ops.reduce import sum as _sum
from ..ops.unary import abs as _abs
from ..ops.unary import exp, log

NONE, MEAN, SUM = 0, 1, 2


# Reductions, legacy arguments, shared checks -----------------------------------------------------
def reduction_enum(reduction) -> int:
    """PyTorch's _Reduction.get_enum: 'none' 0, 'mean' 1, 'sum' 2."""
    if reduction == "none":
        return NONE
    if reduction == "mean":
        return MEAN
    if reduction == "sum":
        return SUM
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            stacklevel=3,
        )
        return MEAN
    raise ValueError(f"{reduction} is not a valid value for reduction")


def legacy_reduction(size_average, reduce, emit_warning: bool = True) -> str:
    """The reduction that the deprecated size_average/reduce pair stands for, with a warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    if emit_warning:
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{ret}' instead.",
            stacklevel=3,
        )
    return ret


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce)
    return reduction


def _reduce_array(a, red):
    if red == MEAN:  # (NumPy's mean of nothing warns: PyTorch's is a quiet nan)
        return np.asarray(a.mean() if a.size else np.nan, dtype=a.dtype)
    if red == SUM:
        return np.asarray(a.sum(), dtype=a.dtype)
    return a


def _size_warning(input, target) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=3,
        )


def _broadcast_pair(a, b):
    """torch.broadcast_tensors for two tensors: an ExpandBackward0 only on the one that grows."""
    sa, sb = a.shape, b.shape
    if sa == sb:
        return a, b
    check_broadcast(sa, sb)
    shape = np.broadcast_shapes(sa, sb)
    return (a if sa == shape else a.expand(*shape)), (b if sb == shape else b.expand(*shape))


def _scalar_name(np_dtype) -> str:
    return _dt._FROM_NP[np.dtype(np_dtype)]._scalar_name


def not_implemented(name, np_dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{name}\" not implemented for '{_scalar_name(np_dtype)}'")


def _can_cast(src, dst) -> bool:
    """PyTorch's canCast: no float to integer, nothing but bool to bool."""
    if dst.kind == "b":
        return src.kind == "b"
    return not (dst.kind in "iu" and src.kind == "f")


def _cast_error(src, dst) -> RuntimeError:
    return RuntimeError(
        f"result type {_scalar_name(src)} can't be cast to the desired output type "
        f"{_scalar_name(dst)}"
    )


def shape_str(shape) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def not_differentiable(fn: str, arg: str) -> RuntimeError:
    return RuntimeError(
        f"The function '{fn}' is not differentiable with respect to argument '{arg}'. This input "
        "cannot have requires_grad True."
    )


def _inplace_broadcast(out_shape, other_shape) -> None:
    """The check of an in-place op ``out.op_(other)``: other must broadcast to out's shape."""
    if other_shape == out_shape:
        return
    check_broadcast(out_shape, other_shape)
    full = np.broadcast_shapes(out_shape, other_shape)
    if full != tuple(out_shape):
        raise RuntimeError(
            f"output with shape {shape_str(out_shape)} doesn't match the broadcast shape "
            f"{shape_str(full)}"
        )


def _records(*ts) -> bool:
    if not _state.enabled:
        return False
    for t in ts:
        if t is not None and t._requires_grad:
            return True
    return False


# Regression losses with their own node -----------------------------------------------------------
class _PointwiseLoss(Node):
    """A loss f(input - target) reduced; backward is f'(d) * g, and -that for the target."""

    __slots__ = ("_red", "_n", "_param")

    def _dloss(self, d):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def backward(self, g):
        x, t = self.saved()
        if self._red == MEAN:
            g = div(g, self._n)
        gx = mul(self._dloss(sub(x, t)), g)
        nx, nt = self.next_functions
        return (gx if nx[0] is not None else None, -gx if nt[0] is not None else None)


class MseLossBackward0(_PointwiseLoss):
    __slots__ = ()

    def _dloss(self, d):
        return mul(d, 2)


class SmoothL1LossBackward0(_PointwiseLoss):
    __slots__ = ()

    def _dloss(self, d):
        return clamp(div(d, self._param), -1.0, 1.0)


class HuberLossBackward0(_PointwiseLoss):
    __slots__ = ()

    def _dloss(self, d):
        return clamp(d, -self._param, self._param)


def _pointwise(input, target, red, node_cls, name, param, out_dtype=None):
    xd, td = input._data, target._data
    cd = _dt.promote_types(_dt._FROM_NP[xd.dtype], _dt._FROM_NP[td.dtype]).np
    if out_dtype is not None:  # huber writes into an input-typed output
        if not _can_cast(cd, out_dtype):
            raise _cast_error(cd, out_dtype)
        cd = out_dtype
    if cd.kind != "f":
        raise not_implemented(name, cd)
    d = xd.astype(cd, copy=False) - td.astype(cd, copy=False)
    if node_cls is MseLossBackward0:
        loss = d * d
    else:
        z = np.abs(d)
        t = cd.type(param)
        half = cd.type(0.5)
        if node_cls is SmoothL1LossBackward0:
            loss = np.where(z < t, half * z * z / t, z - half * t)
        else:
            loss = np.where(z < t, half * z * z, t * (z - half * t))
    out = _wrap(_reduce_array(loss, red))
    if _records(input, target):
        node = node_cls()
        node._red, node._n, node._param = red, d.size, param
        node.save(input, target)
        attach(out, node, input, target)
    return out


def _weighted(loss, weight, red, input):
    """The Python-side weighting of mse/l1/huber: loss * weight, then PyTorch's reduction."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = mul(loss, weight)
    if red == "none":
        return weighted
    if red == "sum":
        return _sum(weighted)
    if red == "mean":
        return div(_sum(weighted), _sum(weight))
    raise ValueError(f"Invalid reduction mode: {red}. Expected one of 'none', 'mean', 'sum'.")


def mse_loss(
    input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None
) -> Tensor:
    """Mean squared error; ``MseLossBackward0`` (twice differentiable)."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted(sub(x, t) ** 2, weight, reduction, input)
    return _pointwise(x, t, reduction_enum(reduction), MseLossBackward0, "mse_cpu", None)


def l1_loss(
    input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None
) -> Tensor:
    """Mean absolute error, as PyTorch's composite abs(input - target) then mean or sum."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted(_abs(sub(x, t)), weight, reduction, input)
    return _l1(x, t, reduction_enum(reduction))


def _l1(x, t, red):
    loss = _abs(sub(x, t))
    return _mean(loss) if red == MEAN else _sum(loss) if red == SUM else loss


def smooth_l1_loss(
    input, target, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere; beta=0 is l1_loss."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, target)
    red = reduction_enum(reduction)
    if beta == 0.0:
        return _l1(x, t, red)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _pointwise(x, t, red, SmoothL1LossBackward0, "smooth_l1_cpu", beta)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None) -> Tensor:
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere; the result has the input's
    dtype, as PyTorch's."""
    _size_warning(input, target)
    x, t = _broadcast_pair(input, target)
    red = "none" if weight is not None else reduction
    enum = reduction_enum(red)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    out = _pointwise(x, t, enum, HuberLossBackward0, "huber_cpu", delta, x._data.dtype)
    if weight is None:
        return out
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    out = mul(out, weight)
    if reduction == "none":
        return out
    if reduction == "sum":
        return _sum(out)
    if reduction == "mean":
        return _mean(out)
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


# KL divergence -----------------------------------------------------------------------------------
class XlogyBackward0(Node):
    def backward(self, g):
        x, y = self.saved()
        nx, ny = self.next_functions
        gx = gy = None
        if nx[0] is not None:
            gx = mul(g, where(ne(x, 0), log(y), 0.0))
        if ny[0] is not None:
            gy = div(mul(g, x), y)
        return gx, gy


def _xlogy(x, y):
    """x * log(y), 0 where x == 0 (nan where y is nan), as torch.xlogy."""
    xd, yd = x._data, y._data
    cd = _dt.promote_types(_dt._FROM_NP[xd.dtype], _dt._FROM_NP[yd.dtype]).np
    xd, yd = xd.astype(cd, copy=False), yd.astype(cd, copy=False)
    out = np.where(xd == 0, cd.type(0), xd * np.log(yd))
    out = _wrap(np.where(np.isnan(yd), yd, out))
    if _records(x, y):
        node = XlogyBackward0()
        node.save(x, y)
        attach(out, node, x, y)
    return out


def kl_div(
    input, target, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False
) -> Tensor:
    """target * (log target - input) (``log_target``: exp(target) (target - input)), reduced;
    'batchmean' divides the sum by the batch size."""
    if size_average is not None or reduce is not None:
        red = reduction_enum(legacy_reduction(size_average, reduce))
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                "major release.",
                stacklevel=2,
            )
        red = SUM if reduction == "batchmean" else reduction_enum(reduction)
    if input._data.dtype.kind != "f" or target._data.dtype.kind != "f":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        out = mul(exp(target), sub(target, input))
    else:
        out = sub(_xlogy(target, target), mul(target, input))
    if red == MEAN:
        out = _mean(out)
    elif red == SUM:
        out = _sum(out)
    if reduction == "batchmean" and input.ndim != 0:
        out = div(out, input.shape[0])
    return out
