"""In-place forms of the math ops (``x.exp_()``, ``fakel.floor_(x)``...): each computes out of
place with the same op, then writes into ``input`` with PyTorch's refusals and version bump."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.graph import Node
from ._common import attach
from .arith import square
from .inplace import _inplace, neg_
from .linalg import addmm, addmv, baddbmm
from .pointwise import addcdiv, addcmul, atan2, fmod, hypot, lerp
from .rounding import ceil, floor, frac, nan_to_num, round, trunc
from .trig import acos, acosh, asin, asinh, atan, atanh, cosh, erf, erfc, erfinv, sinh, tan
from .unary import (
    abs,
    cos,
    exp,
    exp2,
    expm1,
    log,
    log1p,
    log2,
    log10,
    reciprocal,
    rsqrt,
    sgn,
    sign,
    sin,
    sqrt,
)


def _write(input, result):
    """_inplace, and a node that saved its output now watches ``input`` (as PyTorch's saved
    result is self): a later in-place change to ``input`` makes backward raise."""
    _inplace(input, result)
    node = result._grad_fn
    if node is not None and node._out:
        node._out = (input._data, input._vc, input._vc[0])
    return input


class _NoInplaceDerivative(Node):
    """PyTorch has no derivative for in-place asinh, acosh, atanh: their nodes raise."""

    __slots__ = ()
    _op = ""

    def backward(self, g):
        raise NotImplementedError(
            f"the derivative for 'inplace version of {self._op}' is not implemented."
        )


AsinhBackward1 = type("AsinhBackward1", (_NoInplaceDerivative,), {"__slots__": (), "_op": "asinh"})
AcoshBackward1 = type("AcoshBackward1", (_NoInplaceDerivative,), {"__slots__": (), "_op": "acosh"})
AtanhBackward1 = type("AtanhBackward1", (_NoInplaceDerivative,), {"__slots__": (), "_op": "atanh"})


def _no_derivative(input, out, node_cls):
    if out._grad_fn is not None:
        attach(out, node_cls(), input)
    return _write(input, out)


def asinh_(input) -> Tensor:
    return _no_derivative(input, asinh(input), AsinhBackward1)


def acosh_(input) -> Tensor:
    return _no_derivative(input, acosh(input), AcoshBackward1)


def atanh_(input) -> Tensor:
    return _no_derivative(input, atanh(input), AtanhBackward1)


def exp_(input) -> Tensor:
    return _write(input, exp(input))


def exp2_(input) -> Tensor:
    return _write(input, exp2(input))


def expm1_(input) -> Tensor:
    return _write(input, expm1(input))


def log_(input) -> Tensor:
    return _write(input, log(input))


def log2_(input) -> Tensor:
    return _write(input, log2(input))


def log10_(input) -> Tensor:
    return _write(input, log10(input))


def log1p_(input) -> Tensor:
    return _write(input, log1p(input))


def sqrt_(input) -> Tensor:
    return _write(input, sqrt(input))


def rsqrt_(input) -> Tensor:
    return _write(input, rsqrt(input))


def sin_(input) -> Tensor:
    return _write(input, sin(input))


def cos_(input) -> Tensor:
    return _write(input, cos(input))


def abs_(input) -> Tensor:
    return _write(input, abs(input))


def sign_(input) -> Tensor:
    return _write(input, sign(input))


def sgn_(input) -> Tensor:
    return _write(input, sgn(input))


def reciprocal_(input) -> Tensor:
    return _write(input, reciprocal(input))


def tan_(input) -> Tensor:
    return _write(input, tan(input))


def asin_(input) -> Tensor:
    return _write(input, asin(input))


def acos_(input) -> Tensor:
    return _write(input, acos(input))


def atan_(input) -> Tensor:
    return _write(input, atan(input))


def sinh_(input) -> Tensor:
    return _write(input, sinh(input))


def cosh_(input) -> Tensor:
    return _write(input, cosh(input))


def erf_(input) -> Tensor:
    return _write(input, erf(input))


def erfc_(input) -> Tensor:
    return _write(input, erfc(input))


def erfinv_(input) -> Tensor:
    return _write(input, erfinv(input))


def floor_(input) -> Tensor:
    return _write(input, floor(input))


def ceil_(input) -> Tensor:
    return _write(input, ceil(input))


def trunc_(input) -> Tensor:
    return _write(input, trunc(input))


def frac_(input) -> Tensor:
    return _write(input, frac(input))


def round_(input, *, decimals=None) -> Tensor:
    return _write(input, round(input, decimals=decimals))


def square_(input) -> Tensor:
    return _write(input, square(input))


def nan_to_num_(input, nan: float = 0.0, posinf=None, neginf=None) -> Tensor:
    return _write(input, nan_to_num(input, nan, posinf, neginf))


def fmod_(input, other) -> Tensor:
    return _write(input, fmod(input, other))


def atan2_(input, other) -> Tensor:
    return _write(input, atan2(input, other))


def hypot_(input, other) -> Tensor:
    return _write(input, hypot(input, other))


def lerp_(input, end, weight) -> Tensor:
    return _write(input, lerp(input, end, weight))


def addcmul_(input, tensor1, tensor2, *, value=1) -> Tensor:
    return _write(input, addcmul(input, tensor1, tensor2, value=value))


def addcdiv_(input, tensor1, tensor2, *, value=1) -> Tensor:
    return _write(input, addcdiv(input, tensor1, tensor2, value=value))


def _fused_write(input, result):
    if result._data.shape != input._data.shape:
        raise RuntimeError(
            f"Bad in-place call: input tensor size [{', '.join(map(str, input.shape))}] and "
            f"output tensor size [{', '.join(map(str, result.shape))}] should match"
        )
    return _write(input, result)


def addmm_(input, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
    return _fused_write(input, addmm(input, mat1, mat2, beta=beta, alpha=alpha))


def addmv_(input, mat, vec, *, beta=1, alpha=1) -> Tensor:
    return _fused_write(input, addmv(input, mat, vec, beta=beta, alpha=alpha))


def baddbmm_(input, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    return _fused_write(input, baddbmm(input, batch1, batch2, beta=beta, alpha=alpha))


# PyTorch's other spellings.
fix_ = trunc_
absolute_ = abs_
negative_ = neg_
arcsin_, arccos_, arctan_ = asin_, acos_, atan_
arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_
arctan2_ = atan2_
