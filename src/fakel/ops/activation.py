"""Activation functions with their own backward nodes: relu, sigmoid, tanh."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach, float_input
from .compare import gt
from .inplace import _inplace
from .unary import _float_unary


class ReluBackward0(Node):
    def backward(self, g):
        return (g * gt(self.output(), 0),)

    @property
    def _saved_result(self):
        return self.output()


def relu(input) -> Tensor:
    d = input._data
    if d.dtype == np.bool_:
        raise NotImplementedError('"clamp_min_scalar_cpu" not implemented for \'Bool\'')
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

    @property
    def _saved_result(self):
        return self.output()


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

    @property
    def _saved_result(self):
        return self.output()


def tanh(input) -> Tensor:
    return _float_unary(np.tanh, TanhBackward0, input, "output")
