"""Arithmetic ops: + - * / // % ** with PyTorch's promotion, nodes and integer rules."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import (
    as_tensor,
    attach,
    binary,
    check_broadcast,
    needs_grad,
    operand_array,
    prepare2,
    result_dtype,
)
from .compare import eq, ge_, logical_and, where
from .unary import log, reciprocal


# add / sub --------------------------------------------------------------------------------------
class AddBackward0(Node):
    __slots__ = ("alpha",)

    def backward(self, g):
        a = self.alpha
        return g, (g if a == 1 else g * a)


class SubBackward0(Node):
    __slots__ = ("alpha",)

    def backward(self, g):
        a = self.alpha
        return g, (-g if a == 1 else g * -a)


class RsubBackward1(Node):
    __slots__ = ("alpha",)

    def backward(self, g):
        return ((-g if self.alpha == 1 else g * -self.alpha),)


def _check_alpha(alpha, rd):
    if rd.category < 2 and isinstance(alpha, float):
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )


def add(input, other, *, alpha=1) -> Tensor:
    if other.__class__ is np.ndarray:  # tensor op ndarray gives a tensor, as in PyTorch
        other = as_tensor(other)
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    if alpha == 1:
        out, rd = binary(np.add, input, other)
    else:
        ad, bd, rd = prepare2(input, other)
        _check_alpha(alpha, rd)
        out = np.add(ad, np.multiply(bd, alpha, dtype=rd.np) if rd.category else bd)
    out = _wrap(out)
    if _state.enabled and rd.category == 2 and (
        input._requires_grad or isinstance(other, Tensor) and other._requires_grad
    ):
        node = AddBackward0()
        node.alpha = alpha
        attach(out, node, input, other)
    return out


def _is_bool(x):
    if isinstance(x, Tensor):
        return x._data.dtype == np.bool_
    return type(x) is bool  # np.bool_ counts as a float for PyTorch


def _no_bool_sub(input, other):
    if not (_is_bool(input) or _is_bool(other)):
        return
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    raise RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead."
    )


def sub(input, other, *, alpha=1) -> Tensor:
    if other.__class__ is np.ndarray:  # tensor op ndarray gives a tensor, as in PyTorch
        other = as_tensor(other)
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    _no_bool_sub(input, other)
    if alpha == 1:
        out, rd = binary(np.subtract, input, other)
    else:
        ad, bd, rd = prepare2(input, other)
        _check_alpha(alpha, rd)
        out = np.subtract(ad, np.multiply(bd, alpha, dtype=rd.np))
    out = _wrap(out)
    if _state.enabled and rd.category == 2 and (
        input._requires_grad or isinstance(other, Tensor) and other._requires_grad
    ):
        node = SubBackward0()
        node.alpha = alpha
        attach(out, node, input, other)
    return out


def rsub(input, other, *, alpha=1) -> Tensor:
    """other - alpha * input, PyTorch's ``1 - x`` (node RsubBackward1, the scalar is no slot)."""
    if other.__class__ is np.ndarray:  # tensor op ndarray gives a tensor, as in PyTorch
        other = as_tensor(other)
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    _no_bool_sub(input, other)
    ad, bd, rd = prepare2(input, other)
    out = _wrap(np.subtract(bd, ad if alpha == 1 else np.multiply(ad, alpha, dtype=rd.np)))
    if needs_grad(input) and out._data.dtype.kind == "f":
        node = RsubBackward1()
        node.alpha = alpha
        attach(out, node, input)
    return out


# mul / div --------------------------------------------------------------------------------------
class MulBackward0(Node):
    __slots__ = ("_other_scalar",)

    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        if b is None:
            b = self._other_scalar
        ga = g * b if na[0] is not None else None
        gb = g * a if nb[0] is not None else None
        return ga, gb


def mul(input, other) -> Tensor:
    if other.__class__ is np.ndarray:  # tensor op ndarray gives a tensor, as in PyTorch
        other = as_tensor(other)
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    out, rd = binary(np.multiply, input, other)
    out = _wrap(out)
    if _state.enabled and rd.category == 2 and (
        input._requires_grad or isinstance(other, Tensor) and other._requires_grad
    ):
        node = MulBackward0()
        o_t = isinstance(other, Tensor)
        node._other_scalar = None if o_t else other
        node.save(input if (o_t and other._requires_grad) else None, other if o_t else None)
        attach(out, node, input, other)
    return out


class DivBackward0(Node):
    __slots__ = ("_other_scalar",)

    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        if b is None:
            return g / self._other_scalar, None
        ga = g / b if na[0] is not None else None
        gb = -g * a / (b * b) if nb[0] is not None else None
        return ga, gb


def div(input, other, *, rounding_mode=None) -> Tensor:
    if other.__class__ is np.ndarray:  # tensor op ndarray gives a tensor, as in PyTorch
        other = as_tensor(other)
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    if rounding_mode is not None:
        return _div_rounded(input, other, rounding_mode)
    rd = result_dtype(input, other)
    if rd.category < 2:  # true division of integers gives the default float dtype
        rd = _dt.get_default_dtype()
    npd = rd.np
    ad, bd = operand_array(input, npd), operand_array(other, npd)
    try:
        out = np.true_divide(ad, bd)
    except ValueError:
        check_broadcast(np.shape(ad), np.shape(bd))
        raise
    out = _wrap(out)
    if needs_grad(input, other):
        node = DivBackward0()
        o_t = isinstance(other, Tensor)
        node._other_scalar = None if o_t else other
        node.save(input if (o_t and other._requires_grad) else None, other if o_t else None)
        attach(out, node, input, other)
    return out


def _div_rounded(input, other, mode):
    if mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{mode}'"
        )
    ad, bd, rd = prepare2(input, other)
    if rd.category < 2:
        if np.any(np.asarray(bd) == 0):
            raise RuntimeError("ZeroDivisionError")
        q = np.floor_divide(ad, bd)
        if mode == "trunc":
            q = q + ((np.remainder(ad, bd) != 0) & ((np.asarray(ad) < 0) != (np.asarray(bd) < 0)))
            q = q.astype(rd.np)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.true_divide(ad, bd)
        q = np.trunc(q) if mode == "trunc" else np.floor(q)
    out = _wrap(np.asarray(q, dtype=rd.np))
    if rd.category == 2 and needs_grad(input, other):
        # A rounded quotient is piecewise constant: PyTorch's DivBackward2 gives zeros.
        attach(out, DivBackward2(), input, other)
    return out


class DivBackward2(Node):
    def backward(self, g):
        zero = g * 0
        return tuple(zero if nf[0] is not None else None for nf in self.next_functions)


def rdiv(input, other) -> Tensor:
    """other / input for a scalar other: PyTorch records it as reciprocal(input) * other."""
    if not isinstance(other, (int, float, np.generic)):
        return NotImplemented
    if input._data.dtype.kind != "f":  # no graph possible: compute directly
        rd = result_dtype(input, other)
        if rd.category < 2:
            rd = _dt.get_default_dtype()
        with np.errstate(divide="ignore", invalid="ignore"):
            return _wrap(np.true_divide(operand_array(other, rd.np),
                                        operand_array(input, rd.np)))
    return mul(reciprocal(input), other)


# floor division and remainder -------------------------------------------------------------------
class _NotImplementedNode(Node):
    """PyTorch's placeholder node for ops with no derivative: backward raises."""

    __slots__ = ("_op",)

    def name(self) -> str:
        return "torch::autograd::NotImplemented"

    def backward(self, g):
        raise RuntimeError(f"derivative for aten::{self._op} is not implemented")


NotImplementedBackward = type("NotImplemented", (_NotImplementedNode,), {"__slots__": ()})


def _int_zero_check(bd, rd):
    if rd.category < 2 and np.any(np.asarray(bd) == 0):
        raise RuntimeError("ZeroDivisionError")


def _not_differentiable(out, op, *inputs):
    if out._data.dtype.kind == "f" and needs_grad(*inputs):
        node = NotImplementedBackward()
        node._op = op
        attach(out, node, *[x for x in inputs if isinstance(x, Tensor)])
    return out


def floor_divide(input, other) -> Tensor:
    if other.__class__ is np.ndarray:  # tensor op ndarray gives a tensor, as in PyTorch
        other = as_tensor(other)
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(input, other)
    if rd is _dt.bool:
        raise NotImplementedError("\"div_floor_cpu\" not implemented for 'Bool'")
    _int_zero_check(bd, rd)
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            out = np.floor_divide(ad, bd)
        except ValueError:
            check_broadcast(np.shape(ad), np.shape(bd))
            raise
    return _not_differentiable(_wrap(out), "floor_divide", input, other)


def rfloordiv(input, other) -> Tensor:
    """other // input for a scalar other."""
    if not isinstance(other, (int, float, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(input, other)
    _int_zero_check(ad, rd)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.floor_divide(bd, ad)
    return _not_differentiable(_wrap(out), "floor_divide", input)


class RemainderBackward0(Node):
    def backward(self, g):
        return (g,)


class RemainderBackward1(Node):
    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        # The floor quotient is piecewise constant: a constant for double backward too.
        gb = -g * _wrap(np.floor_divide(a._data, b._data)) if nb[0] is not None else None
        return (g if na[0] is not None else None), gb


def remainder(input, other) -> Tensor:
    """Python's modulo: the result has the sign of the divisor."""
    if not isinstance(input, Tensor):
        return rmod(other, input)
    if other.__class__ is np.ndarray:  # tensor op ndarray gives a tensor, as in PyTorch
        other = as_tensor(other)
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(input, other)
    if rd is _dt.bool:
        raise NotImplementedError("\"remainder_cpu\" not implemented for 'Bool'")
    _int_zero_check(bd, rd)
    try:
        out = _wrap(_remainder(ad, bd))
    except ValueError:
        check_broadcast(np.shape(ad), np.shape(bd))
        raise
    if needs_grad(input, other) and out._data.dtype.kind == "f":
        if isinstance(other, Tensor):
            node = RemainderBackward1()
            node.save(input if other._requires_grad else None,
                      other if other._requires_grad else None)
            attach(out, node, input, other)
        else:
            node = RemainderBackward0()
            attach(out, node, input)
    return out


def _remainder(a, b):
    """PyTorch's remainder: fmod, moved into the divisor's sign (so -5. % 2.5 is -0.)."""
    if np.result_type(a, b).kind != "f":
        return np.remainder(a, b)
    m = np.fmod(a, b)
    return np.where((m != 0) & ((m < 0) != (np.asarray(b) < 0)), m + b, m)


def rmod(input, other) -> Tensor:
    """other % input for a scalar other (no derivative in PyTorch)."""
    if not isinstance(other, (int, float, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(input, other)
    _int_zero_check(ad, rd)
    return _not_differentiable(_wrap(_remainder(bd, ad)), "remainder", input)


# pow --------------------------------------------------------------------------------------------
class PowBackward0(Node):
    __slots__ = ("_saved_exponent",)

    def backward(self, g):
        (x,) = self.saved()
        e = self._saved_exponent
        if e == 0:
            return (g * 0,)
        return (g * e * pow(x, e - 1),)


class PowBackward1(Node):
    def backward(self, g):
        x, e = self.saved()
        nx, ne = self.next_functions
        # PyTorch masks the exponent-0 case: d/dx x**0 is 0 even at x == 0 (not 0 * inf).
        gx = where(eq(e, 0), 0.0, g * e * pow(x, e - 1)) if nx[0] is not None else None
        ge = None
        if ne[0] is not None:
            # d/de x**e = x**e * log x, taken as 0 where x == 0 and e >= 0 (no nan from log 0).
            ge = where(logical_and(eq(x, 0), ge_(e, 0)), 0.0, g * pow(x, e) * log(x))
        return gx, ge


class PowBackward2(Node):
    __slots__ = ("_base",)

    def backward(self, g):
        r = self.output()
        b = self._base
        if b == 0:
            # r * log(0), masked to 0 where the exponent is >= 0 (PyTorch's rule).
            (e,) = self.saved()
            return (g * where(ge_(e, 0), 0.0, r * float("-inf")),)
        return (g * r * float(np.log(b)),)


def _power(a, b):
    """np.power, but integer powers with negative exponents give PyTorch's values (1/x
    truncated: 0, or +-1 for bases +-1) instead of NumPy's error."""
    if np.asarray(a).dtype.kind in "iub" and np.asarray(b).dtype.kind in "iu" and np.any(
        np.asarray(b) < 0
    ):
        a_, b_ = np.broadcast_arrays(a, b)
        neg = b_ < 0
        out = np.power(a_, np.where(neg, 0, b_))
        one = np.ones_like(out)
        odd = (b_ % 2) != 0
        inv = np.where(a_ == 1, one, np.where(a_ == -1, np.where(odd, -one, one), 0 * one))
        return np.where(neg, inv, out)
    return np.power(a, b)


def _int_pow_check(base_dtype, exponent):
    if base_dtype.kind in "iub" and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")


def pow(input, exponent) -> Tensor:
    if not isinstance(input, Tensor):
        return rpow(exponent, input)
    if isinstance(exponent, Tensor):
        if input._data.dtype == np.bool_ and exponent._data.dtype == np.bool_:
            raise NotImplementedError(_BOOL_POW)
        out, rd = binary(_power, input, exponent)
        out = _wrap(out)
        if needs_grad(input, exponent) and out._data.dtype.kind == "f":
            node = PowBackward1()
            node.save(input, exponent)
            attach(out, node, input, exponent)
        return out
    if not isinstance(exponent, (int, float, np.generic)):
        return NotImplemented
    _int_pow_check(input._data.dtype, exponent)
    ad, bd, rd = prepare2(input, exponent)
    if rd is _dt.bool:  # bool ** bool: only x ** True (x) and x ** False (all True) exist
        return _wrap(ad.copy() if exponent else np.ones_like(ad))
    if rd.category == 1 and input._data.dtype == np.bool_:
        ad = ad.astype(np.int64)
    with np.errstate(all="ignore"):
        out = _wrap(np.power(ad, bd))
    if needs_grad(input) and out._data.dtype.kind == "f":
        node = PowBackward0()
        node._saved_exponent = exponent
        node.save(input)
        attach(out, node, input)
    return out


_BOOL_POW = "\"pow\" not implemented for 'Bool'"


def rpow(input, base) -> Tensor:
    """base ** input for a scalar base (node PowBackward2)."""
    if not isinstance(base, (int, float, np.generic)):
        return NotImplemented
    if type(base) is bool and input._data.dtype == np.bool_:
        raise NotImplementedError(_BOOL_POW)
    ad, bd, rd = prepare2(input, base)
    with np.errstate(all="ignore"):
        out = _wrap(np.asarray(_power(np.asarray(bd, dtype=rd.np), ad)))
    if needs_grad(input) and out._data.dtype.kind == "f":
        node = PowBackward2()
        node._base = base
        node.save_output(out)
        if base == 0:
            node.save(input)
        attach(out, node, input)
    return out


def square(input) -> Tensor:
    if input._data.dtype == np.bool_:
        return pow(input.long(), 2)
    return pow(input, 2)

