"""Normalisation: batch_norm, layer_norm, group_norm, each one fused node computed in NumPy.

All three normalise ``x`` over some axes with the biased variance, then apply a per-feature
affine; the backward is the classic closed form
``dx = rstd / M * (M * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat))``. No double backward.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ..ops._common import attach
from ._conv import _TYPE_NAMES, _shape_str, no_double_backward


def _grads_any(*ts) -> bool:
    if not _state.enabled:
        return False
    for t in ts:
        if t is not None and t._requires_grad:
            return True
    return False


def _dx(gxhat, xhat, rstd, axes, count):
    """Input gradient of ``xhat = (x - mean) * rstd`` (stats over ``axes``) given d/dxhat."""
    s1 = gxhat.sum(axis=axes, keepdims=True)
    s2 = (gxhat * xhat).sum(axis=axes, keepdims=True)
    return (rstd / count) * (count * gxhat - s1 - xhat * s2)


def _mixed(*ts) -> None:
    d = ts[0]._data.dtype
    for t in ts[1:]:
        if t is not None and t._data.dtype != d:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


# Batch norm ---------------------------------------------------------------------------------------
class NativeBatchNormBackward0(Node):
    __slots__ = ("_xhat", "_rstd", "_axes", "_count", "_training", "_cshape")

    def _release(self) -> None:
        super()._release()
        self._xhat = None

    def backward(self, g):
        no_double_backward(self)
        x, w, b = self.saved()
        gd = g._data
        axes, cs = self._axes, self._cshape
        xhat = self._xhat
        gx = gw = gb = None
        if x._requires_grad:
            gxhat = gd if w is None else gd * w._data.reshape(cs)
            if self._training:
                gx = _wrap(_dx(gxhat, xhat, self._rstd, axes, self._count))
            else:
                gx = _wrap(gxhat * self._rstd)
        if w is not None and w._requires_grad:
            gw = _wrap((gd * xhat).sum(axis=axes))
        if b is not None and b._requires_grad:
            gb = _wrap(gd.sum(axis=axes))
        return (gx, gw, gb)


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-05,
) -> Tensor:
    """Batch normalisation as ``torch.nn.functional.batch_norm``.

    Training normalises with the batch's biased variance and moves the running variance towards
    the unbiased one, in place (PyTorch's kernel does not bump the buffers' versions).
    """
    x = input._data
    if x.ndim < 2:
        n = x.ndim if x.ndim else 1
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got 1)"
        )
    c = x.shape[1]
    count = x.size // c if c else 0
    if training and count == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {input.shape!r}"
        )
    if not training and (running_mean is None or running_var is None):
        name = "running_mean" if running_mean is None else "running_var"
        raise RuntimeError(f"{name} must be defined in evaluation mode")
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
    _mixed(input, weight, bias, running_mean, running_var)
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"batch_norm\" not implemented for '{_TYPE_NAMES[x.dtype.name]}'"
        )
    axes = (0,) + tuple(range(2, x.ndim))
    cs = (1, c) + (1,) * (x.ndim - 2)
    if training:
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = (xc * xc).mean(axis=axes, keepdims=True)
        rstd = 1.0 / np.sqrt(var + eps)
        if running_mean is not None and count:
            rm = running_mean._data
            rm *= 1 - momentum
            rm += momentum * mean.reshape(rm.shape)
        if running_var is not None and count:
            rv = running_var._data
            rv *= 1 - momentum
            rv += (momentum * count / (count - 1)) * var.reshape(rv.shape)
    else:
        xc = x - running_mean._data.reshape(cs)
        rstd = 1.0 / np.sqrt(running_var._data.reshape(cs) + eps)
    xhat = xc * rstd
    out = xhat
    if weight is not None:
        out = out * weight._data.reshape(cs)
    if bias is not None:
        out = out + bias._data.reshape(cs)
    result = _wrap(out.astype(x.dtype, copy=False))
    if _grads_any(input, weight, bias):
        node = NativeBatchNormBackward0()
        node.save(input, weight, bias)
        node._xhat, node._rstd, node._axes, node._count = xhat, rstd, axes, count
        node._training, node._cshape = bool(training), cs
        attach(result, node, input, weight, bias)
    return result


# Layer norm ---------------------------------------------------------------------------------------
class NativeLayerNormBackward0(Node):
    __slots__ = ("_xhat", "_rstd", "_axes", "_lead", "_count")

    def _release(self) -> None:
        super()._release()
        self._xhat = None

    def backward(self, g):
        no_double_backward(self)
        x, w, b = self.saved()
        gd = g._data
        xhat = self._xhat
        gx = gw = gb = None
        if x._requires_grad:
            gxhat = gd if w is None else gd * w._data
            gx = _wrap(_dx(gxhat, xhat, self._rstd, self._axes, self._count))
        if w is not None and w._requires_grad:
            gw = _wrap((gd * xhat).sum(axis=self._lead))
        if b is not None and b._requires_grad:
            gb = _wrap(gd.sum(axis=self._lead))
        return (gx, gw, gb)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05) -> Tensor:
    """Layer normalisation over the trailing ``normalized_shape`` dims."""
    if isinstance(normalized_shape, (int, np.integer)):
        raise TypeError(
            "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"
        )
    ns = tuple(int(v) for v in normalized_shape)
    x = input._data
    if not ns:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least "
            "one element, but got normalized_shape = []"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.shape != ns:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {_shape_str(t._data.shape)} and normalized_shape = {_shape_str(ns)}"
            )
    k = len(ns)
    if x.ndim < k or x.shape[x.ndim - k :] != ns:
        raise RuntimeError(
            f"Given normalized_shape={_shape_str(ns)}, expected input with shape "
            f"[*, {', '.join(map(str, ns))}], but got input of size{_shape_str(x.shape)}"
        )
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"LayerNormKernelImpl\" not implemented for '{_TYPE_NAMES[x.dtype.name]}'"
        )
    _mixed(input, weight, bias)
    axes = tuple(range(x.ndim - k, x.ndim))
    count = int(np.prod(ns))
    if x.size:
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = (xc * xc).mean(axis=axes, keepdims=True)
    else:
        xc = x.copy()
        var = np.zeros(x.shape[: x.ndim - k] + (1,) * k, dtype=x.dtype)
    rstd = 1.0 / np.sqrt(var + eps)
    xhat = xc * rstd
    out = xhat
    if weight is not None:
        out = out * weight._data
    if bias is not None:
        out = out + bias._data
    result = _wrap(out.astype(x.dtype, copy=False))
    if _grads_any(input, weight, bias):
        node = NativeLayerNormBackward0()
        node.save(input, weight, bias)
        node._xhat, node._rstd, node._axes, node._count = xhat, rstd, axes, count
        node._lead = tuple(range(x.ndim - k))
        attach(result, node, input, weight, bias)
    return result


# Group norm ---------------------------------------------------------------------------------------
class NativeGroupNormBackward0(Node):
    __slots__ = ("_xhat", "_rstd", "_count", "_gshape", "_cs", "_axes")

    def _release(self) -> None:
        super()._release()
        self._xhat = None

    def backward(self, g):
        no_double_backward(self)
        x, w, b = self.saved()
        gd = g._data
        xhat = self._xhat  # in the input's shape
        axes = self._axes  # every dim but the channels
        gx = gw = gb = None
        if x._requires_grad:
            gxhat = gd if w is None else gd * w._data.reshape(self._cs)
            gs = self._gshape
            d = _dx(gxhat.reshape(gs), xhat.reshape(gs), self._rstd, 2, self._count)
            gx = _wrap(d.reshape(x._data.shape))
        if w is not None and w._requires_grad:
            gw = _wrap((gd * xhat).sum(axis=axes))
        if b is not None and b._requires_grad:
            gb = _wrap(gd.sum(axis=axes))
        return (gx, gw, gb)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05) -> Tensor:
    """Group normalisation: channels split into ``num_groups`` groups, each normalised."""
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    n, c = x.shape[0], x.shape[1]
    if num_groups == 0:
        raise ZeroDivisionError("integer division or modulo by zero")
    if c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {_shape_str(x.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t._data.ndim != 1 or t._data.size != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {_shape_str(t._data.shape)} and input of shape "
                f"{_shape_str(x.shape)}"
            )
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"GroupNormKernelImpl\" not implemented for '{_TYPE_NAMES[x.dtype.name]}'"
        )
    _mixed(input, weight, bias)
    gs = (n, num_groups, x.size // max(n * num_groups, 1))
    xg = x.reshape(gs)
    mean = xg.mean(axis=2, keepdims=True)
    xc = xg - mean
    var = (xc * xc).mean(axis=2, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    xhat = (xc * rstd).reshape(x.shape)
    cs = (1, c) + (1,) * (x.ndim - 2)
    out = xhat
    if weight is not None:
        out = out * weight._data.reshape(cs)
    if bias is not None:
        out = out + bias._data.reshape(cs)
    result = _wrap(out.astype(x.dtype, copy=False))
    if _grads_any(input, weight, bias):
        node = NativeGroupNormBackward0()
        node.save(input, weight, bias)
        node._xhat, node._rstd, node._count, node._gshape = xhat, rstd, gs[2], gs
        node._cs = cs
        node._axes = (0,) + tuple(range(2, x.ndim))
        attach(result, node, input, weight, bias)
    return result
