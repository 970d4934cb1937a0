"""fakel: PyTorch's tensor API with autograd, on NumPy. Use it as ``import fakel as torch``."""

from __future__ import annotations

import importlib as _importlib
import warnings as _warnings

from . import _dtype
from ._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
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
from ._random import (
    Generator,
    bernoulli,
    default_generator,
    get_rng_state,
    manual_seed,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    set_rng_state,
)
from ._tensor import Size, Tensor, layout, strided
from ._tensor_str import get_printoptions, set_printoptions
from ._typeinfo import finfo, iinfo
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops.activation import celu, log_softmax, relu, relu_, selu, sigmoid, softmax, tanh
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
from .ops.einsum import einsum
from .ops.indexing import nonzero
from .ops.inplace import (
    clamp_,
    clone,
    detach,
)
from .ops.join import (
    cat,
    chunk,
    concat,
    concatenate,
    hstack,
    moveaxis,
    movedim,
    narrow,
    split,
    split_with_sizes,
    stack,
    unbind,
    unflatten,
    vstack,
)
from .ops.linalg import addmm, addmv, baddbmm, bmm, dot, ger, matmul, mm, mv, outer
from .ops.math_inplace import (
    abs_,
    acos_,
    acosh_,
    addmv_,
    arccos_,
    arccosh_,
    arcsin_,
    arcsinh_,
    arctan_,
    arctanh_,
    asin_,
    asinh_,
    atan_,
    atanh_,
    ceil_,
    cos_,
    cosh_,
    erf_,
    erfc_,
    exp2_,
    exp_,
    expm1_,
    fix_,
    floor_,
    frac_,
    log1p_,
    log2_,
    log10_,
    log_,
    nan_to_num_,
    negative_,
    reciprocal_,
    round_,
    rsqrt_,
    sin_,
    sinh_,
    sqrt_,
    square_,
    tan_,
    trunc_,
)
from .ops.pointwise import (
    addcdiv,
    addcmul,
    allclose,
    arctan2,
    atan2,
    fmod,
    hypot,
    isclose,
    lerp,
    logaddexp,
)
from .ops.rearrange import diag, diagonal, flip, fliplr, flipud, roll, tile, trace, tril, triu
from .ops.reduce import amax, amin, argmax, argmin, max, mean, min, prod, return_types, sum
from .ops.rounding import (
    ceil,
    fix,
    floor,
    frac,
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    nan_to_num,
    round,
    trunc,
)
from .ops.scan import cummax, cummin, cumprod, cumsum
from .ops.scatter import (
    gather,
    index_add,
    index_copy,
    index_fill,
    index_select,
    masked_fill,
    masked_select,
    scatter,
    scatter_add,
    take,
)
from .ops.shape import flatten, permute, reshape, squeeze, t, transpose, unsqueeze
from .ops.solve import det, slogdet
from .ops.solve import inv as inverse
from .ops.sort import (
    argsort,
    kthvalue,
    median,
    mode,
    msort,
    nanmedian,
    sort,
    topk,
    unique,
)
from .ops.stats import (
    all,
    any,
    count_nonzero,
    logsumexp,
    norm,
    std,
    std_mean,
    var,
    var_mean,
)
from .ops.trig import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cosh,
    erf,
    erfc,
    erfinv,
    sinh,
    tan,
)
from .ops.unary import (
    abs,
    cos,
    exp,
    exp2,
    expm1,
    log,
    log1p,
    log2,
    log10,
    neg,
    reciprocal,
    rsqrt,
    sgn,
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
arcsin, arccos, arctan = asin, acos, atan  # issue 3: math
arcsinh, arccosh, arctanh = asinh, acosh, atanh
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
swapaxes = swapdims = transpose
row_stack = vstack


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


def save(obj, f, *args, **kwargs) -> None:
    """Save tensors and nested state as a safetensors file (see fakel.serialization)."""
    from .serialization import save as _save

    _save(obj, f, *args, **kwargs)


def load(f, map_location=None, *args, weights_only=True, **kwargs):
    """Load what fakel.save wrote; never unpickles (see fakel.serialization)."""
    from .serialization import load as _load

    return _load(f, map_location, *args, weights_only=weights_only, **kwargs)


_LAZY = ("optim", "autograd", "cuda", "nn", "linalg", "utils", "viz", "testing")


def __getattr__(name):
    # Submodules load on first use, so that ``import fakel`` stays fast.
    if name in _LAZY:
        return _importlib.import_module(f"{__name__}.{name}")
    # A name PyTorch has raises NotImplementedError saying so (issue 5: _dropin.py).
    from ._dropin import missing_attribute

    return missing_attribute(__name__, name)


def install_as_torch() -> None:
    """Drop-in mode: ``import torch`` (torch.nn, torch.optim, ...) resolves to fakel."""
    from ._dropin import install_as_torch as _install

    _install()


def load_ipython_extension(ipython) -> None:
    """``%load_ext fakel`` in IPython/Jupyter: drop-in mode for the notebook."""
    install_as_torch()
