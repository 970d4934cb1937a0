"""Elementwise ops: arithmetic, pow, unary math, clamp, extrema, where, comparisons, casts."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import (
    attach,
    check_broadcast,
    needs_grad,
    operand_array,
    prepare2,
    result_dtype,
)

_ndarray = np.ndarray


def _as_tensor(x):
    if isinstance(x, Tensor):
        return x
    from .._creation import tensor

    return tensor(x)


def _binary(fn, a, b):
    """Run a NumPy binary function on promoted operands; returns (array, result dtype)."""
    ad, bd, rd = prepare2(a, b)
    try:
        out = fn(ad, bd)
    except ValueError:
        check_broadcast(np.shape(ad), np.shape(bd))
        raise
    return out, rd


def _float_input(x):
    """Array of x for a float-only op: ints and bools are promoted to the default float dtype."""
    d = x._data
    if d.dtype.kind != "f":
        d = d.astype(_dt.get_default_dtype().np)
    return d


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
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    if alpha == 1:
        out, rd = _binary(np.add, input, other)
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
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    _no_bool_sub(input, other)
    if alpha == 1:
        out, rd = _binary(np.subtract, input, other)
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

    @property
    def _saved_self(self):
        return self._saved[0]

    @property
    def _saved_other(self):
        return self._saved[1] if self._saved[1] is not None else self._other_scalar


def mul(input, other) -> Tensor:
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    out, rd = _binary(np.multiply, input, other)
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
    return _wrap(np.asarray(q, dtype=rd.np))


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
    if not isinstance(other, (Tensor, int, float, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(input, other)
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
    if np.asarray(a).dtype.kind != "f":
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

    @property
    def _saved_self(self):
        return self._saved[0]


class PowBackward1(Node):
    def backward(self, g):
        x, e = self.saved()
        nx, ne = self.next_functions
        gx = g * e * pow(x, e - 1) if nx[0] is not None else None
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
            return (where(ge_(r, 0), 0.0, g * r * float("-inf")),)
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
        out, rd = _binary(_power, input, exponent)
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


def rpow(input, base) -> Tensor:
    """base ** input for a scalar base (node PowBackward2)."""
    if not isinstance(base, (int, float, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(input, base)
    with np.errstate(all="ignore"):
        out = _wrap(np.power(bd, ad))
    if needs_grad(input) and out._data.dtype.kind == "f":
        node = PowBackward2()
        node._base = base
        node.save_output(out)
        attach(out, node, input)
    return out


def square(input) -> Tensor:
    if input._data.dtype == np.bool_:
        return pow(input.long(), 2)
    return pow(input, 2)


# Unary math -------------------------------------------------------------------------------------
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
    d = input._data
    if d.dtype == np.bool_:
        return _wrap(d.copy())
    out = np.sign(d)
    if d.dtype.kind == "f":
        out = np.nan_to_num(out, nan=0.0)  # PyTorch: sign(nan) == 0
    out = _wrap(out)
    if input._requires_grad and _state.enabled:
        attach(out, SignBackward0(), input)
    return out


class ExpBackward0(Node):
    def backward(self, g):
        return (g * self.output(),)

    @property
    def _saved_result(self):
        return self.output()


def exp(input) -> Tensor:
    out = _wrap(np.exp(_float_input(input)))
    if input._requires_grad and _state.enabled:
        node = ExpBackward0()
        node.save_output(out)
        attach(out, node, input)
    return out


class LogBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / x,)

    @property
    def _saved_self(self):
        return self._saved[0]


def log(input) -> Tensor:
    out = _wrap(np.log(_float_input(input)))
    if input._requires_grad and _state.enabled:
        node = LogBackward0()
        node.save(input)
        attach(out, node, input)
    return out


class Log1PBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g / (x + 1),)


def log1p(input) -> Tensor:
    out = _wrap(np.log1p(_float_input(input)))
    if input._requires_grad and _state.enabled:
        node = Log1PBackward0()
        node.save(input)
        attach(out, node, input)
    return out


class SqrtBackward0(Node):
    def backward(self, g):
        return (g / (self.output() * 2),)


def sqrt(input) -> Tensor:
    out = _wrap(np.sqrt(_float_input(input)))
    if input._requires_grad and _state.enabled:
        node = SqrtBackward0()
        node.save_output(out)
        attach(out, node, input)
    return out


class SinBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * cos(x),)


def sin(input) -> Tensor:
    out = _wrap(np.sin(_float_input(input)))
    if input._requires_grad and _state.enabled:
        node = SinBackward0()
        node.save(input)
        attach(out, node, input)
    return out


class CosBackward0(Node):
    def backward(self, g):
        (x,) = self.saved()
        return (g * -sin(x),)


def cos(input) -> Tensor:
    out = _wrap(np.cos(_float_input(input)))
    if input._requires_grad and _state.enabled:
        node = CosBackward0()
        node.save(input)
        attach(out, node, input)
    return out


class ReciprocalBackward0(Node):
    def backward(self, g):
        r = self.output()
        return (-g * (r * r),)


def reciprocal(input) -> Tensor:
    out = _wrap(np.reciprocal(_float_input(input)))
    if input._requires_grad and _state.enabled:
        node = ReciprocalBackward0()
        node.save_output(out)
        attach(out, node, input)
    return out


# clamp, maximum, minimum, where -----------------------------------------------------------------
class ClampBackward1(Node):
    __slots__ = ("lo", "hi")

    def backward(self, g):
        (x,) = self.saved()
        mask = None
        if self.lo is not None:
            mask = ge_(x, self.lo)
        if self.hi is not None:
            m = le(x, self.hi)
            mask = m if mask is None else logical_and(mask, m)
        return (g * mask,)


def _clamp_bounds(min, max):
    if min is None and max is None:
        raise RuntimeError(
            f"{_dt._PREFIX[0]}.clamp: At least one of 'min' or 'max' must not be None"
        )
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        raise NotImplementedError("clamp with tensor bounds is not implemented in fakel yet")


def _clamp_array(d, min, max, rd):
    if d.dtype != rd.np:
        d = d.astype(rd.np)
    if min is not None:
        d = np.where(d < min, np.asarray(min, dtype=rd.np), d) if d.dtype.kind == "f" else \
            np.maximum(d, min)
    if max is not None:
        d = np.where(d > max, np.asarray(max, dtype=rd.np), d) if d.dtype.kind == "f" else \
            np.minimum(d, max)
    return d


def clamp(input, min=None, max=None) -> Tensor:
    _clamp_bounds(min, max)
    rd = result_dtype(input, *(b for b in (min, max) if b is not None))
    out = _wrap(_clamp_array(input._data, min, max, rd))
    if input._requires_grad and _state.enabled:
        node = ClampBackward1()
        node.lo, node.hi = min, max
        node.save(input)
        attach(out, node, input)
    return out


class MaximumBackward0(Node):
    __slots__ = ("_sign",)

    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        half = g * 0.5
        first = gt(a, b) if self._sign > 0 else lt(a, b)
        tie = eq(a, b)
        ga = where(tie, half, g * first) if na[0] is not None else None
        gb = where(tie, half, g * logical_not(first)) if nb[0] is not None else None
        return ga, gb


class MinimumBackward0(MaximumBackward0):
    __slots__ = ()


def _extremum(input, other, fn, node_cls, sign):
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{fn.__name__}(): argument 'other' (position 2) must be Tensor, not "
            f"{type(other).__name__}"
        )
    out = _wrap(_binary(fn, input, other)[0])
    if needs_grad(input, other) and out._data.dtype.kind == "f":
        node = node_cls()
        node._sign = sign
        node.save(input, other)
        attach(out, node, input, other)
    return out


def maximum(input, other) -> Tensor:
    return _extremum(input, other, np.maximum, MaximumBackward0, 1)


def minimum(input, other) -> Tensor:
    return _extremum(input, other, np.minimum, MinimumBackward0, -1)


class WhereBackward0(Node):
    def backward(self, g):
        (c,) = self.saved()
        na, nb = self.next_functions
        ga = where(c, g, 0.0) if na[0] is not None else None
        gb = where(c, 0.0, g) if nb[0] is not None else None
        return ga, gb


def where(condition, input=None, other=None):
    if input is None and other is None:
        from .indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype._scalar_name}"
        )
    ad, bd, rd = prepare2(input, other)
    cd = condition._data
    try:
        out = np.where(cd, ad, bd)
    except ValueError:
        # PyTorch broadcasts condition, input, other in that order.
        check_broadcast(cd.shape, np.shape(ad))
        check_broadcast(np.broadcast_shapes(cd.shape, np.shape(ad)), np.shape(bd))
        raise
    out = _wrap(out if out.dtype == rd.np else out.astype(rd.np))
    if needs_grad(input, other) and out._data.dtype.kind == "f":
        node = WhereBackward0()
        node.save(condition)
        attach(out, node, input, other)
    return out


# Comparisons and logic: no gradient -------------------------------------------------------------
def _compare(fn, a, b):
    if not isinstance(b, (Tensor, int, float, np.generic)):
        return NotImplemented
    ad, bd, _ = prepare2(a, b)
    try:
        return _wrap(fn(ad, bd))
    except ValueError:
        check_broadcast(np.shape(ad), np.shape(bd))
        raise


def eq(input, other):
    if other is None or isinstance(other, (list, tuple, str)):
        return False
    return _compare(np.equal, input, other)


def ne(input, other):
    if other is None or isinstance(other, (list, tuple, str)):
        return True
    return _compare(np.not_equal, input, other)


def lt(input, other):
    return _compare(np.less, input, other)


def le(input, other):
    return _compare(np.less_equal, input, other)


def gt(input, other):
    return _compare(np.greater, input, other)


def ge(input, other):
    return _compare(np.greater_equal, input, other)


ge_ = ge  # the name ``ge`` is shadowed by gradients in a few backward formulas


def equal(input, other) -> bool:
    a, b = input._data, other._data
    return a.shape == b.shape and builtins.bool(np.all(a == b))


def _logical(fn, a, b):
    a = a if isinstance(a, Tensor) else _as_tensor(a)
    b = b if isinstance(b, Tensor) else _as_tensor(b)
    return _wrap(fn(a._data, b._data))


def logical_and(input, other):
    return _logical(np.logical_and, input, other)


def logical_or(input, other):
    return _logical(np.logical_or, input, other)


def logical_xor(input, other):
    return _logical(np.logical_xor, input, other)


def logical_not(input):
    return _wrap(np.logical_not(input._data))


def _bitwise(fn, name, a, b):
    if not isinstance(b, (Tensor, int, bool, np.generic)):
        return NotImplemented
    ad, bd, rd = prepare2(a, b)
    if rd.category == 2:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{rd._scalar_name}\'')
    return _wrap(fn(ad, bd))


def bitwise_and(input, other):
    return _bitwise(np.bitwise_and, "bitwise_and", input, other)


def bitwise_or(input, other):
    return _bitwise(np.bitwise_or, "bitwise_or", input, other)


def bitwise_xor(input, other):
    return _bitwise(np.bitwise_xor, "bitwise_xor", input, other)


def bitwise_not(input):
    d = input._data
    if d.dtype.kind == "f":
        raise NotImplementedError(
            f'"bitwise_not_cpu" not implemented for \'{input.dtype._scalar_name}\''
        )
    return _wrap(np.invert(d))


# Copies, casts and detaching --------------------------------------------------------------------
class CloneBackward0(Node):
    def backward(self, g):
        return (g,)


def clone(input, *, memory_format=None) -> Tensor:
    out = _wrap(input._data.copy())
    if input._requires_grad and _state.enabled:
        attach(out, CloneBackward0(), input)
    return out


def contiguous(input) -> Tensor:
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


class ToCopyBackward0(Node):
    def backward(self, g):
        return (g,)  # the engine casts it back to the input's dtype


def detach(input) -> Tensor:
    out = _wrap(input._data)
    out._vc = input._vc  # detach shares the version counter (and memory) with its source
    return out


def detach_(input) -> Tensor:
    if input._base is not None:
        raise RuntimeError(
            "Can't detach views in-place. Use detach() instead. If you are using DistributedDataP"
            "arallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients "
            "are views of DDP buckets, and hence detach_() cannot be called on these gradients. "
            "To fix this error, please refer to the Optimizer.zero_grad() function in "
            "torch/optim/optimizer.py as the solution."
        )
    input._grad_fn = None
    input._requires_grad = False
    return input


def _parse_to(args, kwargs):
    from .._device import as_device
    from .._device import device as _device_cls

    dtype = kwargs.pop("dtype", None)
    dev = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, _dt.dtype) or a in (float, int, bool):
            dtype = a
        elif isinstance(a, (str, _device_cls)) or (isinstance(a, int) and not isinstance(a, bool)):
            dev = a
        elif isinstance(a, Tensor):
            dtype, dev = a.dtype, a.device
        elif a is not None:
            raise TypeError(f"to() received an invalid combination of arguments - got {a!r}")
    return (None if dtype is None else _dt.to_dtype(dtype)), (
        None if dev is None else as_device(dev)), copy


def to(input, *args, **kwargs) -> Tensor:
    dtype, dev, copy = _parse_to(args, kwargs)
    data = input._data
    same_dtype = dtype is None or data.dtype == dtype.np
    same_dev = dev is None or dev == input.device
    if same_dtype and same_dev and not copy:
        return input
    if not same_dev:
        from .. import _backend

        data = _backend.to_device(data, dev)
    if not same_dtype:
        data = _cast(data, dtype)
    elif data is input._data:
        data = data.copy()
    out = _wrap(data)
    if input._requires_grad and _state.enabled and out._data.dtype.kind == "f":
        node = ToCopyBackward0()
        attach(out, node, input)
    return out


def _cast(data, dtype):
    """astype with PyTorch's float-to-int rule: truncate toward zero (NumPy agrees)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return data.astype(dtype.np)


# In-place ---------------------------------------------------------------------------------------
def check_inplace(t):
    """PyTorch's refusals for writing into ``t``; returns nothing."""
    if t._requires_grad and _grad_on():
        if t._grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
    b = t._base
    if b is not None and b._requires_grad and _grad_on():
        if b._grad_fn is None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation."
            )
        raise NotImplementedError(
            "in-place operations on a view of a tensor that is part of a graph are not "
            "implemented in fakel yet"
        )
    if not t._data.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )


def _grad_on():
    return _state.enabled


def _inplace(t, result):
    """Write ``result`` (a tensor computed out of place) into ``t`` and rebase its history."""
    check_inplace(t)
    rd = result._data
    if rd.dtype != t._data.dtype:
        if _dt._FROM_NP[rd.dtype].category > _dt._FROM_NP[t._data.dtype].category:
            raise RuntimeError(
                f"result type {_dt._FROM_NP[rd.dtype]._scalar_name} can't be cast to the desired "
                f"output type {t.dtype._scalar_name}"
            )
        rd = rd.astype(t._data.dtype)
    if rd.shape != t._data.shape:
        try:
            np.broadcast_to(rd, t._data.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape [{', '.join(map(str, t.shape))}] doesn't match the broadcast "
                f"shape [{', '.join(map(str, rd.shape))}]"
            ) from None
    node = result._grad_fn
    if node is not None and node._saved:
        _keep_original(node, t)
    t._data[...] = rd
    t._vc[0] += 1
    if node is not None:
        # The in-place op's node takes over: the tensor's history now ends in it.
        node._odtype = t._data.dtype
        t._grad_fn = result._grad_fn
        t._requires_grad = True
    return t


def _keep_original(node, t):
    """A node that saved ``t`` itself needs its value from before the in-place write."""
    if any(x is t for x in node._saved):
        snap = _wrap(t._data.copy())
        node._saved = tuple([snap if x is t else x for x in node._saved])
        node._versions = tuple([(0, None) if x is snap else v
                                for x, v in zip(node._saved, node._versions)])


def _arith_inplace(fn, t, other, **kw):
    check_inplace(t)  # refuse before computing anything
    return _inplace(t, fn(t, other, **kw))


def add_(input, other, *, alpha=1) -> Tensor:
    return _arith_inplace(add, input, other, alpha=alpha)


def sub_(input, other, *, alpha=1) -> Tensor:
    return _arith_inplace(sub, input, other, alpha=alpha)


def mul_(input, other) -> Tensor:
    return _arith_inplace(mul, input, other)


def div_(input, other, *, rounding_mode=None) -> Tensor:
    return _arith_inplace(div, input, other, rounding_mode=rounding_mode)


def floor_divide_(input, other) -> Tensor:
    return _arith_inplace(floor_divide, input, other)


def remainder_(input, other) -> Tensor:
    return _arith_inplace(remainder, input, other)


def pow_(input, exponent) -> Tensor:
    return _inplace(input, pow(input, exponent))


def neg_(input) -> Tensor:
    return _inplace(input, neg(input))


def clamp_(input, min=None, max=None) -> Tensor:
    rd = result_dtype(input, *(b for b in (min, max) if b is not None))
    if rd.category > input.dtype.category:
        from .linalg import _TYPE

        raise RuntimeError(
            f"result type {rd._scalar_name} can't be cast to the desired output type "
            f"{_TYPE[input.dtype.name]}"
        )
    return _inplace(input, clamp(input, min, max))


class ZeroBackward0(Node):
    def backward(self, g):
        return (g * 0,)


class FillBackward0(ZeroBackward0):
    __slots__ = ()


def zero_(input) -> Tensor:
    check_inplace(input)
    input._data[...] = 0
    input._vc[0] += 1
    if input._grad_fn is not None and needs_grad(input):
        attach(input, ZeroBackward0(), input)
    return input


def fill_(input, value) -> Tensor:
    check_inplace(input)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value._data.ndim} dimensions."
            )
        value = value.item()
    input._data[...] = value
    input._vc[0] += 1
    if input._grad_fn is not None and needs_grad(input):
        attach(input, FillBackward0(), input)
    return input


class CopyBackwards(Node):
    def backward(self, g):
        return g * 0, g


def copy_(input, src) -> Tensor:
    check_inplace(input)
    s = src._data if isinstance(src, Tensor) else np.asarray(src)
    try:
        np.broadcast_to(s, input._data.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({input._data.shape[-1] if input._data.ndim else 1}) must "
            f"match the size of tensor b ({s.shape[-1] if s.ndim else 1}) at non-singleton "
            "dimension " f"{input._data.ndim - 1}"
        ) from None
    with np.errstate(invalid="ignore", over="ignore"):
        input._data[...] = s
    input._vc[0] += 1
    if needs_grad(input, src) and input._data.dtype.kind == "f":
        node = CopyBackwards()
        attach(input, node, input, src)
    return input
