"""Unary math ops: neg, abs, sign/sgn, exp/exp2/expm1, log/log2/log10/log1p, sqrt/rsqrt, sin,
cos, reciprocal."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import (
    attach,
    float_input,
)


# Unary math -------------------------------------------------------------------------------------
def _float_unary(ufunc, node_cls, input, keep):
    """The shape every float-valued unary op shares: compute in the input's float dtype (ints
    and bools promote to the default float), then record ``node_cls`` keeping the input or the
    output for backward."""
    out = _wrap(ufunc(float_input(input)))
    if input._requires_grad and _state.enabled:
        node = node_cls()
        if keep == "input":
            node.save(input)
        else:
            node.save_output(out)
        attach(out, node, input)
    return out


class NegBackward0(Node):
    def backward(self, g):
        return (-g,)


def neg(input) -> Tensor:
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    out = _wrap(np.negative(input._data))
    if input._requires_grad and _state.enabled:
        attach(out, NegBackward0(), input)
    return out


class AbsBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * sign(x),)


def abs(input) -> Tensor:
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
    out = _wrap(np.absolute(input._data))
    if input._requires_grad and _state.enabled:
        node = AbsBackward0()
        node.save(input)
        attach(out, node, input)
    return out


class SignBackward0(Node):
    def backward(self, g):
        return (g * 0,)


def sign(input) -> Tensor:
    return _sign(input, SignBackward0)


class SgnBackward0(Node):
    def backward(self, g):
        return (g * 0,)


def sgn(input) -> Tensor:
    """sign for real tensors (PyTorch's sgn differs only for complex ones)."""
    return _sign(input, SgnBackward0)


def _sign(input, node_cls):
    d = input._data
    if d.dtype == np.bool_:
        return _wrap(d.copy())
    out = np.sign(d)
    if d.dtype.kind == "f":
        out = np.nan_to_num(out, nan=0.0)  # PyTorch: sign(nan) == 0
    out = _wrap(out)
    if input._requires_grad and _state.enabled:
        attach(out, node_cls(), input)
    return out


class ExpBackward0(Node):
    def backward(self, g):
        return (g * self.output(),)


def exp(input) -> Tensor:
    return _float_unary(np.exp, ExpBackward0, input, "output")


class LogBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / x,)


def log(input) -> Tensor:
    return _float_unary(np.log, LogBackward0, input, "input")


class Log1PBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / (x + 1),)


def log1p(input) -> Tensor:
    return _float_unary(np.log1p, Log1PBackward0, input, "input")


class SqrtBackward0(Node):
    def backward(self, g):
        return (g / (self.output() * 2),)


def sqrt(input) -> Tensor:
    return _float_unary(np.sqrt, SqrtBackward0, input, "output")


class SinBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * cos(x),)


def sin(input) -> Tensor:
    return _float_unary(np.sin, SinBackward0, input, "input")


class CosBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * -sin(x),)


def cos(input) -> Tensor:
    return _float_unary(np.cos, CosBackward0, input, "input")


class ReciprocalBackward0(Node):
    def backward(self, g):
        r = self.output()
        return (-g * (r * r),)


def reciprocal(input) -> Tensor:
    return _float_unary(np.reciprocal, ReciprocalBackward0, input, "output")


_LN2 = float(np.log(2.0))
_LN10 = float(np.log(10.0))


class Exp2Backward0(Node):
    def backward(self, g):
        return (g * self.output() * _LN2,)


def exp2(input) -> Tensor:
    return _float_unary(np.exp2, Exp2Backward0, input, "output")


class Expm1Backward0(Node):
    def backward(self, g):
        return (g * (self.output() + 1),)


def expm1(input) -> Tensor:
    return _float_unary(np.expm1, Expm1Backward0, input, "output")


class Log2Backward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / (x * _LN2),)


def log2(input) -> Tensor:
    return _float_unary(np.log2, Log2Backward0, input, "input")


class Log10Backward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / (x * _LN10),)


def log10(input) -> Tensor:
    return _float_unary(np.log10, Log10Backward0, input, "input")


class RsqrtBackward0(Node):
    def backward(self, g):
        r = self.output()
        return (g * (r * r * r) * -0.5,)


def _rsqrt(d):
    return np.reciprocal(np.sqrt(d))


def rsqrt(input) -> Tensor:
    return _float_unary(_rsqrt, RsqrtBackward0, input, "output")
