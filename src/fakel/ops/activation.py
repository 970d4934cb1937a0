"""Activation functions with their own backward nodes: relu, sigmoid, tanh, softmax, log_softmax,
softplus, leaky_relu, elu/selu/celu, silu, hardtanh/relu6, gelu."""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as _dt
from .._tensor import DIM_NOT_GIVEN, Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, canon_dim, float_input
from .compare import gt, logical_and, where
from .inplace import _inplace
from .unary import _float_unary, exp


class ReluBackward0(Node):
    def backward(self, g):
        return (g * gt(self.output(), 0),)


def relu(input) -> Tensor:
    d = input._data
    if d.dtype == np.bool_:
        raise NotImplementedError("\"clamp_min_scalar_cpu\" not implemented for 'Bool'")
    # np.where keeps nan (PyTorch's relu(nan) is nan) where np.maximum(d, 0) would too, but is
    # slower; maximum propagates nan, so use it.
    out = _wrap(np.maximum(d, d.dtype.type(0)))
    if input._requires_grad and _state.enabled:
        node = ReluBackward0()
        node.save_output(out)
        attach(out, node, input)
    return out


def relu_(input) -> Tensor:
    return _inplace(input, relu(input))


def _half_in_float(g, r, formula):
    """PyTorch evaluates half-precision backward formulas in float and rounds once; without
    create_graph, do the same on arrays (with it, the formula runs in fakel ops)."""
    if r._data.dtype == np.float16 and not _state.enabled:
        gd, rd = g._data.astype(np.float32), r._data.astype(np.float32)
        return _wrap(formula(gd, rd).astype(np.float16))
    return None


class SigmoidBackward0(Node):
    def backward(self, g):
        r = self.output()
        half = _half_in_float(g, r, lambda gd, rd: gd * (1 - rd) * rd)
        return (half if half is not None else g * (1 - r) * r,)


def _sigmoid_array(d):
    # Split by sign so that exp never overflows: 1/(1+e^-x) for x >= 0, e^x/(1+e^x) otherwise.
    out = np.empty_like(d)
    pos = d >= 0
    if pos.all():
        np.divide(1, 1 + np.exp(-d), out=out)
        return out
    e = np.exp(np.where(pos, -d, d))
    np.divide(np.where(pos, 1, e), 1 + e, out=out)
    return out


def sigmoid(input) -> Tensor:
    d = float_input(input)
    if d.dtype == np.float16:  # computed in float and rounded once, as PyTorch does
        out = _wrap(_sigmoid_array(d.astype(np.float32)).astype(np.float16))
    else:
        out = _wrap(_sigmoid_array(d))
    if input._requires_grad and _state.enabled:
        node = SigmoidBackward0()
        node.save_output(out)
        attach(out, node, input)
    return out


class TanhBackward0(Node):
    def backward(self, g):
        r = self.output()
        half = _half_in_float(g, r, lambda gd, rd: gd * (1 - rd * rd))
        return (half if half is not None else g * (1 - r * r),)


def tanh(input) -> Tensor:
    return _float_unary(np.tanh, TanhBackward0, input, "output")


# Softmax family ---------------------------------------------------------------------------------
def _not_float(name, d):
    return NotImplementedError(
        f"\"{name}\" not implemented for '{_dt._FROM_NP[d.dtype]._scalar_name}'"
    )


def _softmax_input(input, dim, dtype, name):
    """(input cast to dtype, its float array, canonical dim) for softmax and log_softmax."""
    x = input if dtype is None else input.to(dtype)
    d = x._data
    dim = canon_dim(dim, d.ndim)
    if d.dtype.kind != "f" and d.size:
        last = d.ndim == 0 or dim == d.ndim - 1
        raise _not_float(f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl", d)
    return x, d, dim


def _softmax_array(d, dim, log):
    if d.dtype == np.float16:  # computed in float and rounded once, as PyTorch does
        return _softmax_array(d.astype(np.float32), dim, log).astype(np.float16)
    if d.ndim == 0:
        return _softmax_array(d.reshape(1), 0, log).reshape(())
    if d.size == 0:
        return d.copy()
    shifted = d - np.max(d, axis=dim, keepdims=True)
    e = np.exp(shifted)
    s = np.sum(e, axis=dim, keepdims=True)
    if log:
        shifted -= np.log(s)
        return shifted
    e /= s
    return e


class SoftmaxBackward0(Node):
    __slots__ = ("dim",)

    def backward(self, g):
        y = self.output()
        return ((g - (g * y).sum(self.dim, True)) * y,)


class LogSoftmaxBackward0(Node):
    __slots__ = ("dim",)

    def backward(self, g):
        y = self.output()
        return (g - exp(y) * g.sum(self.dim, True),)


def _softmax(input, dim, dtype, log):
    if dim is None or dim is DIM_NOT_GIVEN:
        name = "log_softmax" if log else "softmax"
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    x, d, dim = _softmax_input(input, dim, dtype, "log_softmax" if log else "softmax")
    out = _wrap(_softmax_array(d, dim, log))
    if x._requires_grad and _state.enabled:
        node = LogSoftmaxBackward0() if log else SoftmaxBackward0()
        node.dim = dim
        node.save_output(out)
        attach(out, node, x)
    return out


def softmax(input, dim=DIM_NOT_GIVEN, dtype=None) -> Tensor:
    """Softmax along ``dim`` (required here, as in ``torch.softmax``), computed max-shifted."""
    return _softmax(input, dim, dtype, False)


def log_softmax(input, dim=DIM_NOT_GIVEN, dtype=None) -> Tensor:
    """log(softmax(x)) along ``dim``, as x - max - log(sum(exp(x - max)))."""
    return _softmax(input, dim, dtype, True)


# Pointwise activations with parameters ----------------------------------------------------------
def _float_array(input, name):
    d = input._data
    if d.dtype.kind != "f":
        raise _not_float(name, d)
    return d


def _record(out, node, input):
    node.save(input)
    return attach(out, node, input)


class SoftplusBackward0(Node):
    __slots__ = ("beta", "threshold")

    def backward(self, g):
        (x,) = self.saved()
        bx = x * self.beta
        z = exp(bx)
        return (where(bx > self.threshold, g, g * z / (z + 1)),)


def softplus(input, beta=1.0, threshold=20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold."""
    d = _float_array(input, "softplus_cpu")
    bx = d * d.dtype.type(beta)
    with np.errstate(over="ignore"):
        soft = np.log1p(np.exp(bx)) / d.dtype.type(beta)
    out = _wrap(np.where(bx > threshold, d, soft).astype(d.dtype, copy=False))
    if input._requires_grad and _state.enabled:
        node = SoftplusBackward0()
        node.beta, node.threshold = beta, threshold
        _record(out, node, input)
    return out


class LeakyReluBackward0(Node):
    __slots__ = ("negative_slope",)

    def backward(self, g):
        (x,) = self.saved()
        return (where(x > 0, g, g * self.negative_slope),)


def leaky_relu(input, negative_slope=0.01) -> Tensor:
    d = _float_array(input, "leaky_relu_cpu")
    out = _wrap(np.where(d > 0, d, d * d.dtype.type(negative_slope)))
    if input._requires_grad and _state.enabled:
        node = LeakyReluBackward0()
        node.negative_slope = negative_slope
        _record(out, node, input)
    return out


class EluBackward0(Node):
    __slots__ = ("alpha", "scale", "input_scale")

    def backward(self, g):
        (x,) = self.saved()
        neg = g * (self.input_scale * self.alpha * self.scale) * exp(x * self.input_scale)
        return (where(x > 0, g * self.scale, neg),)


class CeluBackward0(EluBackward0):
    __slots__ = ()


def _elu(input, alpha, scale, input_scale, node_cls, name):
    d = _float_array(input, name)
    t = d.dtype.type
    neg = np.expm1(d * t(input_scale)) * t(alpha * scale)
    out = _wrap(np.where(d > 0, d * t(scale) if scale != 1 else d, neg).astype(d.dtype, copy=False))
    if input._requires_grad and _state.enabled:
        node = node_cls()
        node.alpha, node.scale, node.input_scale = alpha, scale, input_scale
        _record(out, node, input)
    return out


def elu(input, alpha=1.0) -> Tensor:
    return _elu(input, alpha, 1.0, 1.0, EluBackward0, "elu_cpu")


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input) -> Tensor:
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0, EluBackward0, "elu_cpu")


def celu(input, alpha=1.0) -> Tensor:
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _elu(input, alpha, 1.0, 1.0 / alpha, CeluBackward0, "elu_cpu")


class SiluBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        s = sigmoid(x)
        return (g * s * (x * (1 - s) + 1),)


def silu(input) -> Tensor:
    d = _float_array(input, "silu_cpu")
    out = _wrap(d * sigmoid(_wrap(d))._data)
    if input._requires_grad and _state.enabled:
        _record(out, SiluBackward0(), input)
    return out


class HardtanhBackward0(Node):
    __slots__ = ("min_val", "max_val")

    def backward(self, g):
        (x,) = self.saved()
        return (where(logical_and(x > self.min_val, x < self.max_val), g, 0.0),)


def hardtanh(input, min_val=-1.0, max_val=1.0) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    d = input._data
    if d.dtype == np.bool_:
        raise _not_float("hardtanh_cpu", d)
    out = _wrap(np.clip(d, min_val, max_val).astype(d.dtype, copy=False))
    if input._requires_grad and _state.enabled:
        node = HardtanhBackward0()
        node.min_val, node.max_val = min_val, max_val
        _record(out, node, input)
    return out


def relu6(input) -> Tensor:
    return hardtanh(input, 0.0, 6.0)


# GELU -------------------------------------------------------------------------------------------
_SQRT_2PI_INV = 1.0 / math.sqrt(2.0 * math.pi)
_K_TANH = math.sqrt(2.0 / math.pi)
_C_TANH = 0.044715
def erf_array(d):
    """erf on a float array, in its dtype (NumPy has no erf; ops/trig.py has a vectorised one)."""
    from .trig import _erf64

    return _erf64(d).astype(d.dtype, copy=False)


def _check_approximate(approximate):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")


def _gelu_array(d, approximate):
    if d.dtype == np.float16:
        return _gelu_array(d.astype(np.float32), approximate).astype(np.float16)
    t = d.dtype.type
    if approximate == "tanh":
        inner = t(_K_TANH) * (d + t(_C_TANH) * d * d * d)
        return t(0.5) * d * (t(1) + np.tanh(inner))
    return d * t(0.5) * (t(1) + erf_array(d * t(1 / math.sqrt(2.0))))


def _gelu_grad_array(g, d, approximate):
    """g * gelu'(x) on arrays."""
    t = d.dtype.type
    if approximate == "tanh":
        x2 = d * d
        th = np.tanh(t(_K_TANH) * (d + t(_C_TANH) * x2 * d))
        du = t(_K_TANH) * (t(1) + t(3 * _C_TANH) * x2)
        return g * (t(0.5) * (t(1) + th) + t(0.5) * d * (t(1) - th * th) * du)
    cdf = t(0.5) * (t(1) + erf_array(d * t(1 / math.sqrt(2.0))))
    pdf = np.exp(t(-0.5) * d * d) * t(_SQRT_2PI_INV)
    return g * (cdf + d * pdf)


class GeluBackward0(Node):
    __slots__ = ("approximate",)

    def backward(self, g):
        (x,) = self.saved()
        return (gelu_backward(g, x, self.approximate),)


class GeluBackwardBackward0(Node):
    """Node of gelu's gradient g * gelu'(x), so that gelu has derivatives of every order."""

    __slots__ = ("approximate",)

    def backward(self, gg):
        g, x = self.saved()
        ng, nx = self.next_functions
        dg = gelu_backward(gg, x, self.approximate) if ng[0] is not None else None
        dx = None
        if nx[0] is not None:
            if self.approximate == "tanh":
                x2 = x * x
                th = tanh((x + x2 * x * _C_TANH) * _K_TANH)
                du = (x2 * (3 * _C_TANH) + 1) * _K_TANH
                second = (1 - th * th) * (
                    du + x * 0.5 * (x * (6 * _K_TANH * _C_TANH) - th * du * du * 2)
                )
            else:
                second = exp(x * x * -0.5) * _SQRT_2PI_INV * (2 - x * x)
            dx = gg * g * second
        return dg, dx


def gelu_backward(grad_output, input, approximate="none") -> Tensor:
    """grad_output * gelu'(input), differentiable (PyTorch's gelu_backward)."""
    d = input._data
    gd = grad_output._data
    if d.dtype == np.float16:
        out = _gelu_grad_array(gd.astype(np.float32), d.astype(np.float32), approximate)
        out = _wrap(out.astype(np.float16))
    else:
        out = _wrap(_gelu_grad_array(gd, d, approximate).astype(d.dtype, copy=False))
    if (grad_output._requires_grad or input._requires_grad) and _state.enabled:
        node = GeluBackwardBackward0()
        node.approximate = approximate
        node.save(grad_output, input)
        attach(out, node, grad_output, input)
    return out


def gelu(input, approximate="none") -> Tensor:
    """Gaussian error linear unit; ``approximate='tanh'`` uses the tanh formula."""
    _check_approximate(approximate)
    d = _float_array(input, "GeluKernelImpl")
    out = _wrap(_gelu_array(d, approximate))
    if input._requires_grad and _state.enabled:
        node = GeluBackward0()
        node.approximate = approximate
        _record(out, node, input)
    return out
