"""fakel: PyTorch's tensor API with autograd, on NumPy. Use it as ``import fakel as torch``."""

from __future__ import annotations

import importlib as _importlib
import warnings as _warnings

from . import _dtype
from ._creation import (
    Generator,
    arange,
    as_tensor,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from ._device import device
from ._dtype import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from ._tensor import Size, Tensor, layout, strided
from ._tensor_str import get_printoptions, set_printoptions
from .autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops.activation import relu, relu_, sigmoid, tanh
from .ops.arith import (
    add,
    div,
    floor_divide,
    mul,
    pow,
    remainder,
    rsub,
    square,
    sub,
)
from .ops.compare import (
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    clamp,
    eq,
    equal,
    ge,
    gt,
    le,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    maximum,
    minimum,
    ne,
    where,
)
from .ops.indexing import nonzero
from .ops.inplace import (
    clamp_,
    clone,
    detach,
)
from .ops.linalg import bmm, dot, matmul, mm, mv
from .ops.reduce import amax, amin, argmax, argmin, max, mean, min, prod, return_types, sum
from .ops.shape import flatten, permute, reshape, squeeze, t, transpose, unsqueeze
from .ops.unary import (
    abs,
    cos,
    exp,
    log,
    log1p,
    neg,
    reciprocal,
    sign,
    sin,
    sqrt,
)

__version__ = "0.1.0"

# PyTorch computes log(0) = -inf, x / 0 = inf and friends silently. NumPy warns; rather than pay
# for np.errstate on every op, ignore NumPy's floating-point RuntimeWarnings raised from fakel's
# own modules (user code calling NumPy directly still warns). Backward runs under np.errstate.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"fakel(\.|$)")

# PyTorch's other spellings of the same functions.
absolute = abs
clip = clamp
divide = true_divide = div
multiply = mul
subtract = sub
negative = neg
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
swapaxes = transpose


def set_default_dtype(d) -> None:
    """Set the dtype that float data and float factories use (float16/32/64 only)."""
    from .ops._common import clear_promotion_cache

    _dtype.set_default_dtype(d)
    clear_promotion_cache()


def result_type(tensor1, tensor2) -> dtype:
    """The dtype an arithmetic op on these two operands produces."""
    from .ops._common import result_dtype

    return result_dtype(tensor1, tensor2)


def promote_types(type1: dtype, type2: dtype) -> dtype:
    return _dtype.promote_types(type1, type2)


def can_cast(from_: dtype, to: dtype) -> bool:
    return _dtype.can_cast(from_, to)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def numel(input: Tensor) -> int:
    return input.numel()


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


_LAZY = ("optim", "autograd", "cuda", "nn", "linalg", "utils")


def __getattr__(name):
    # Submodules load on first use, so that ``import fakel`` stays fast.
    if name in _LAZY:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'fakel' has no attribute '{name}'")
