"""Binary and ternary pointwise math: atan2, fmod, hypot, logaddexp, lerp, addcmul, addcdiv,
isclose and allclose."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.graph import Node
from ._common import (
    attach,
    check_broadcast,
    needs_grad,
    operand_array,
    prepare2,
    result_dtype,
)
from .linalg import _TYPE
from .unary import exp


def _need_tensor(fn, other):
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{fn}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )


def _call(fn, *arrays):
    """A NumPy function on operands that should broadcast; PyTorch's message when they don't."""
    try:
        return fn(*arrays)
    except ValueError:
        shape = np.shape(arrays[0])
        for a in arrays[1:]:
            check_broadcast(shape, np.shape(a))
            shape = np.broadcast_shapes(shape, np.shape(a))
        raise


def _float_operands(input, other):
    """Both operands in their promoted dtype, raised to the default float for integer inputs."""
    rd = result_dtype(input, other)
    if rd.category < 2:
        rd = _dt.get_default_dtype()
    return operand_array(input, rd.np), operand_array(other, rd.np)


def _float_only(name, input, other):
    """Operands of an op PyTorch defines for floats only (hypot, logaddexp)."""
    ad, bd, rd = prepare2(input, other)
    if rd.category < 2:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{rd._scalar_name}'")
    return ad, bd


# atan2, hypot, logaddexp ------------------------------------------------------------------------
class Atan2Backward0(Node):
    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        r = g / (a * a + b * b)
        return (r * b if na[0] is not None else None, r * -a if nb[0] is not None else None)


def atan2(input, other) -> Tensor:
    _need_tensor("atan2", other)
    out = _wrap(_call(np.arctan2, *_float_operands(input, other)))
    if needs_grad(input, other):
        node = Atan2Backward0()
        node.save(input, other)
        attach(out, node, input, other)
    return out


arctan2 = atan2


class HypotBackward0(Node):
    def backward(self, g):
        a, b = self.saved()
        r = self.output()
        na, nb = self.next_functions
        return (g * a / r if na[0] is not None else None, g * b / r if nb[0] is not None else None)


def hypot(input, other) -> Tensor:
    _need_tensor("hypot", other)
    out = _wrap(_call(np.hypot, *_float_only("hypot", input, other)))
    if needs_grad(input, other):
        node = HypotBackward0()
        node.save(input, other)
        node.save_output(out)
        attach(out, node, input, other)
    return out


class LogaddexpBackward0(Node):
    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        ga = g / (exp(b - a) + 1) if na[0] is not None else None
        gb = g / (exp(a - b) + 1) if nb[0] is not None else None
        return ga, gb


def logaddexp(input, other) -> Tensor:
    _need_tensor("logaddexp", other)
    out = _wrap(_call(np.logaddexp, *_float_only("logaddexp", input, other)))
    if needs_grad(input, other):
        node = LogaddexpBackward0()
        node.save(input, other)
        attach(out, node, input, other)
    return out


# fmod -------------------------------------------------------------------------------------------
class FmodBackward0(Node):
    def backward(self, g):
        return (g,)


class FmodBackward1(Node):
    def backward(self, g):
        a, b = self.saved()
        na, nb = self.next_functions
        gb = None
        if nb[0] is not None:
            # The truncated quotient is piecewise constant: a constant for double backward too.
            with np.errstate(all="ignore"):
                q = np.trunc(np.true_divide(a._data, b._data))
            gb = -g * _wrap(q)
        return (g if na[0] is not None else None), gb


def fmod(input, other) -> Tensor:
    """C's fmod: the result has the sign of the dividend (``remainder`` follows the divisor)."""
    if not isinstance(other, (Tensor, int, float, np.generic)):
        raise TypeError(
            f"fmod() received an invalid combination of arguments - got (Tensor, "
            f"{type(other).__name__}), but expected one of:\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, Number other, *, Tensor out = None)\n"
        )
    ad, bd, rd = prepare2(input, other)
    if rd is _dt.bool:
        raise NotImplementedError("\"fmod_cpu\" not implemented for 'Bool'")
    if rd.category < 2 and np.any(np.asarray(bd) == 0):
        raise RuntimeError("ZeroDivisionError")
    out = _wrap(_call(np.fmod, ad, bd))
    if rd.category == 2 and needs_grad(input, other):
        if isinstance(other, Tensor):
            node = FmodBackward1()
            node.save(input, other)
            attach(out, node, input, other)
        else:
            attach(out, FmodBackward0(), input)
    return out


# lerp -------------------------------------------------------------------------------------------
def _lerp_dtype_check(input, t, what):
    if t._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"expected dtype {_TYPE[input.dtype.name]} for `{what}` but got dtype "
            f"{_TYPE[t.dtype.name]}"
        )


def _lerp_array(a, b, w):
    """PyTorch's two-sided formula: exact at both ends (w == 0 gives a, w == 1 gives b)."""
    diff = b - a
    if np.ndim(w) == 0:  # a scalar weight picks one side for every element
        return a + w * diff if abs(w) < 0.5 else b - diff * (1 - w)
    return np.where(np.abs(w) < 0.5, a + w * diff, b - diff * (1 - w))


class LerpBackward0(Node):
    __slots__ = ("_weight",)

    def backward(self, g):
        w = self._weight
        na, nb = self.next_functions
        return (g * (1 - w) if na[0] is not None else None, g * w if nb[0] is not None else None)


class LerpBackward1(Node):
    def backward(self, g):
        a, b, w = self.saved()
        na, nb, nw = self.next_functions
        ga = g * (1 - w) if na[0] is not None else None
        gb = g * w if nb[0] is not None else None
        gw = g * (b - a) if nw[0] is not None else None
        return ga, gb, gw


def lerp(input, end, weight) -> Tensor:
    """input + weight * (end - input); input and end (and a dimensioned weight) share a dtype."""
    if not isinstance(end, Tensor) or not isinstance(weight, (Tensor, int, float, np.generic)):
        raise TypeError(
            "lerp() received an invalid combination of arguments - got (Tensor, "
            f"{type(end).__name__}, {type(weight).__name__}), but expected one of:\n"
            " * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
            " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n"
        )
    _lerp_dtype_check(input, end, "end")
    w_t = isinstance(weight, Tensor)
    if w_t and weight._data.ndim:
        _lerp_dtype_check(input, weight, "weight")
    d = input._data
    if d.dtype.kind != "f":
        kernel = "lerp_kernel_tensor" if w_t else "lerp_kernel_scalar"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype._scalar_name}'")
    w = weight._data.astype(d.dtype, copy=False) if w_t else d.dtype.type(weight)
    out = _wrap(np.asarray(_call(_lerp_array, d, end._data, w), dtype=d.dtype))
    if w_t:
        if needs_grad(input, end, weight):
            node = LerpBackward1()
            node.save(input, end, weight)
            attach(out, node, input, end, weight)
    elif needs_grad(input, end):
        node = LerpBackward0()
        node._weight = float(weight)
        attach(out, node, input, end)
    return out


# addcmul, addcdiv -------------------------------------------------------------------------------
class AddcmulBackward0(Node):
    __slots__ = ("_value",)

    def backward(self, g):
        _, t1, t2 = self.saved()
        n0, n1, n2 = self.next_functions
        v = self._value
        return (
            g if n0[0] is not None else None,
            g * v * t2 if n1[0] is not None else None,
            g * v * t1 if n2[0] is not None else None,
        )


class AddcdivBackward0(Node):
    __slots__ = ("_value",)

    def backward(self, g):
        _, t1, t2 = self.saved()
        n0, n1, n2 = self.next_functions
        v = self._value
        return (
            g if n0[0] is not None else None,
            g * v / t2 if n1[0] is not None else None,
            -g * v * t1 / (t2 * t2) if n2[0] is not None else None,
        )


_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
    "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
    "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
    "behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all "
    "dtypes."
)


def _addc(name, input, tensor1, tensor2, value):
    rd = result_dtype(input, tensor1, tensor2)
    if rd is _dt.bool:
        raise NotImplementedError(f"\"{name}_cpu_out\" not implemented for 'Bool'")
    npd = rd.np
    if rd.category < 2:
        if isinstance(value, float) and not np.iinfo(npd).min <= value <= np.iinfo(npd).max:
            raise RuntimeError(f"value cannot be converted to type {npd.name}_t without overflow")
        value = builtins.int(value)
        v = np.array(value).astype(npd)[()]  # an int value wraps, as PyTorch's does
    else:
        v = npd.type(value)
    return (
        operand_array(input, npd),
        operand_array(tensor1, npd),
        operand_array(tensor2, npd),
        v,
        rd,
    )


def _addc_record(node_cls, out, input, tensor1, tensor2, value):
    if out._data.dtype.kind == "f" and needs_grad(input, tensor1, tensor2):
        node = node_cls()
        node._value = value
        # Slot 0 (input) stays empty: an in-place addcmul_(x, x) must not keep x's old value.
        node.save(
            None,
            tensor1 if tensor2._requires_grad else None,
            tensor2 if tensor1._requires_grad or node_cls is AddcdivBackward0 else None,
        )
        attach(out, node, input, tensor1, tensor2)
    return out


def addcmul(input, tensor1, tensor2, *, value=1) -> Tensor:
    """input + value * tensor1 * tensor2."""
    a, t1, t2, v, rd = _addc("addcmul", input, tensor1, tensor2, value)
    out = _wrap(_call(lambda a, t1, t2: a + v * t1 * t2, a, t1, t2))
    return _addc_record(AddcmulBackward0, out, input, tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1) -> Tensor:
    """input + value * tensor1 / tensor2 (integer tensor1 and tensor2 raise, as in PyTorch)."""
    if tensor1._data.dtype.kind != "f" and tensor2._data.dtype.kind != "f":
        raise RuntimeError(_ADDCDIV_INT.replace("torch.", f"{_dt._PREFIX[0]}."))
    a, t1, t2, v, rd = _addc("addcdiv", input, tensor1, tensor2, value)
    out = _wrap(_call(lambda a, t1, t2: a + v * t1 / t2, a, t1, t2))
    return _addc_record(AddcdivBackward0, out, input, tensor1, tensor2, value)


# isclose, allclose ------------------------------------------------------------------------------
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise (infinities equal only themselves)."""
    _need_tensor("isclose", other)
    a, b = input._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"{input.dtype._scalar_name} did not match {other.dtype._scalar_name}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    close = _call(np.equal, a, b)
    if a.dtype.kind == "f":
        if equal_nan:
            close = close | (np.isnan(a) & np.isnan(b))
        if rtol or atol:
            with np.errstate(all="ignore"):
                t = a.dtype.type
                allowed = t(atol) + np.abs(t(rtol) * b)
                actual = np.abs(a - b)
                close = close | (np.isfinite(actual) & (actual <= allowed))
    elif rtol or atol:  # integers: the difference is taken in floating point (no wrap-around)
        a, b = a.astype(np.float64), b.astype(np.float64)
        close = close | (np.abs(a - b) <= atol + np.abs(rtol * b))
    return _wrap(np.asarray(close))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return builtins.bool(np.all(isclose(input, other, rtol, atol, equal_nan)._data))
