"""Tensor: an array plus autograd state; its methods are one-line calls into fakel.ops."""

from __future__ import annotations

import numpy as _np

from . import _dtype as _dt
from ._device import CPU
from .autograd.grad_mode import _state as _gs


class _DimNotGiven:
    """Default of ``dim`` in sum/mean: PyTorch records sum() and sum(dim=None) differently."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "None"


DIM_NOT_GIVEN = _DimNotGiven()


def _grad_enabled() -> bool:
    return _gs.enabled


class layout:
    """Memory layout; fakel has only ``strided`` (dense arrays)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"{_dt._PREFIX[0]}.{self.name}"


strided = layout("strided")


class Size(tuple):
    """A tensor shape: a tuple that prints as ``fakel.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{_dt._PREFIX[0]}.Size([{', '.join(map(str, self))}])"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    # Size arithmetic stays a Size, as in PyTorch.
    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r


_ndarray = _np.ndarray
_generic = _np.generic
_asarray = _np.asarray


def _wrap(data, requires_grad=False):
    """A plain tensor around an array (no copy); NumPy scalars become 0-d arrays."""
    t = _new(Tensor)
    if data.__class__ is not _ndarray and isinstance(data, _generic):
        data = _asarray(data)
    t._data = data
    t._requires_grad = requires_grad
    t._grad = None
    t._grad_fn = None
    t._vc = [0] if not _INFERENCE else _new_vc()
    t._base = None
    t._acc = None
    return t


_new = object.__new__
_INFERENCE = 0  # inference_mode blocks open in any thread (autograd/grad_mode.py counts them)


def _new_vc():
    return InferenceVC([0]) if _gs.inference else [0]


class Tensor:
    """A multi-dimensional array with autograd, mirroring ``torch.Tensor``.

    Calling ``Tensor(data)`` is PyTorch's legacy constructor: it always makes a tensor of the
    default float dtype (``Tensor(2, 3)`` is an uninitialised 2x3 tensor).
    """

    # _vattr/_vgrad exist on views only (set in ops/shape.py _view_of): the version the view's
    # grad_fn was built at, and whether it was made with grad mode on.
    __slots__ = ("_data", "_requires_grad", "_grad", "_grad_fn", "_vc", "_base", "_acc",
                 "_vattr", "_vgrad", "__weakref__", "__dict__")

    def __new__(cls, *args, device=None):
        from ._creation import _legacy_new

        return _legacy_new(cls, args, device)

    # Attributes -------------------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> _dt.dtype:
        return _dt._FROM_NP[self._data.dtype]

    @property
    def device(self):
        if self._data.__class__ is _ndarray:
            return CPU
        from . import _backend

        return _backend.device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return self._data.__class__ is not _ndarray

    @property
    def is_leaf(self) -> bool:
        if self._base is None:
            return self._grad_fn is None
        return _view_grad_fn(self) is None

    @property
    def grad_fn(self):
        if self._base is None:
            return self._grad_fn
        return _view_grad_fn(self)  # a view's history is rebuilt after its base changed

    @property
    def requires_grad(self) -> bool:
        if self._base is None or self._requires_grad:
            return self._requires_grad
        return self._base._requires_grad  # a view requires grad when its base does

    @requires_grad.setter
    def requires_grad(self, value) -> None:
        _set_requires_grad(self, value, "attr")

    @property
    def grad(self):
        if self._grad_fn is not None and self._grad is None:
            _warn_non_leaf_grad(self)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        _set_grad(self, value)

    @property
    def data(self) -> Tensor:
        # A new tensor on the same memory, outside autograd and with its own version counter.
        return _wrap(self._data)

    @data.setter
    def data(self, value) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        if self._requires_grad and not value.dtype.is_floating_point:
            raise RuntimeError(
                "data set to a tensor that requires gradients must be floating point or complex "
                "dtype"
            )
        self._data = value._data

    @property
    def _version(self) -> int:
        if self._vc.__class__ is not list:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._vc[0]

    @property
    def retains_grad(self) -> bool:
        return _retains_grad(self)

    def is_inference(self) -> bool:
        return self._vc.__class__ is not list

    def register_hook(self, hook):
        return _register_hook(self, hook)

    def retain_grad(self) -> None:
        _retain_grad(self)

    @property
    def T(self) -> Tensor:
        return _T(self)

    @property
    def mT(self) -> Tensor:
        return transpose(self, -2, -1)

    @property
    def layout(self):
        return strided

    def _accumulator(self):
        """This leaf's AccumulateGrad node (one per leaf; the graph holds it, we hold it weakly)."""
        node = self._acc
        if node is None:
            node = self._acc = AccumulateGrad(self)
        return node

    # Sizes and conversions ----------------------------------------------------------------------
    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        if self._data.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._data.shape[_canon_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    def ndimension(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    def nelement(self) -> int:
        return self._data.size

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim: int | None = None):
        item = self._data.itemsize
        strides = tuple(s // item for s in self._data.strides)
        if dim is None:
            return strides
        return strides[_canon_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format=None) -> bool:
        return self._data.flags.c_contiguous

    def storage_offset(self) -> int:
        return _storage_offset(self)

    def data_ptr(self) -> int:
        return _data_ptr(self)

    def _is_view(self) -> bool:
        return self._base is not None

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return False

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return self.dtype.legacy_name()
        if isinstance(dtype, str):  # 'torch.DoubleTensor' / 'fakel.DoubleTensor'
            legacy = dtype.rsplit(".", 1)[-1]
            for d in _dt.ALL:
                if d._legacy == legacy:
                    return to(self, d)
            raise ValueError(f"invalid type: '{dtype}'")
        return to(self, dtype)

    def item(self):
        return _item(self)

    def tolist(self):
        return _tolist(self)

    def numpy(self, *, force: bool = False):
        return _numpy(self, force)

    def __array__(self, dtype=None, copy=None):
        arr = _numpy(self, False)
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def float(self) -> Tensor:
        return to(self, _dt.float32)

    def double(self) -> Tensor:
        return to(self, _dt.float64)

    def half(self) -> Tensor:
        return to(self, _dt.float16)

    def long(self) -> Tensor:
        return to(self, _dt.int64)

    def int(self) -> Tensor:
        return to(self, _dt.int32)

    def short(self) -> Tensor:
        return to(self, _dt.int16)

    def char(self) -> Tensor:
        return to(self, _dt.int8)

    def byte(self) -> Tensor:
        return to(self, _dt.uint8)

    def bool(self) -> Tensor:
        return to(self, _dt.bool)

    def to(self, *args, **kwargs) -> Tensor:
        return to(self, *args, **kwargs)

    def type_as(self, other: Tensor) -> Tensor:
        return to(self, other.dtype)

    def cpu(self) -> Tensor:
        return to(self, CPU)

    def cuda(self, device=None) -> Tensor:
        return to(self, "cuda" if device is None else device)

    def clone(self, *, memory_format=None) -> Tensor:
        return clone(self)

    def detach(self) -> Tensor:
        return detach(self)

    def detach_(self) -> Tensor:
        return detach_(self)

    def contiguous(self, memory_format=None) -> Tensor:
        return contiguous(self)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        _set_requires_grad(self, requires_grad, "method")
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def sum_to_size(self, *size) -> Tensor:
        return sum_to_size(self, *size)

    # Arithmetic ---------------------------------------------------------------------------------
    def add(self, other, *, alpha=1) -> Tensor:
        return add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1) -> Tensor:
        return sub(self, other, alpha=alpha)

    def subtract(self, other, *, alpha=1) -> Tensor:
        return sub(self, other, alpha=alpha)

    def mul(self, other) -> Tensor:
        return mul(self, other)

    def multiply(self, other) -> Tensor:
        return mul(self, other)

    def div(self, other, *, rounding_mode=None) -> Tensor:
        return div(self, other, rounding_mode=rounding_mode)

    def divide(self, other, *, rounding_mode=None) -> Tensor:
        return div(self, other, rounding_mode=rounding_mode)

    def true_divide(self, other) -> Tensor:
        return div(self, other)

    def floor_divide(self, other) -> Tensor:
        return floor_divide(self, other)

    def remainder(self, other) -> Tensor:
        return remainder(self, other)

    def pow(self, exponent) -> Tensor:
        return pow(self, exponent)

    def square(self) -> Tensor:
        return square(self)

    def neg(self) -> Tensor:
        return neg(self)

    def negative(self) -> Tensor:
        return neg(self)

    def abs(self) -> Tensor:
        return abs(self)

    def sign(self) -> Tensor:
        return sign(self)

    def reciprocal(self) -> Tensor:
        return reciprocal(self)

    def exp(self) -> Tensor:
        return exp(self)

    def log(self) -> Tensor:
        return log(self)

    def log1p(self) -> Tensor:
        return log1p(self)

    def sqrt(self) -> Tensor:
        return sqrt(self)

    def sin(self) -> Tensor:
        return sin(self)

    def cos(self) -> Tensor:
        return cos(self)

    def tanh(self) -> Tensor:
        return tanh(self)

    def sigmoid(self) -> Tensor:
        return sigmoid(self)

    def relu(self) -> Tensor:
        return relu(self)

    def softmax(self, dim, dtype=None) -> Tensor:
        return softmax(self, dim, dtype)

    def log_softmax(self, dim, dtype=None) -> Tensor:
        return log_softmax(self, dim, dtype)

    def clamp(self, min=None, max=None) -> Tensor:
        return clamp(self, min, max)

    def clip(self, min=None, max=None) -> Tensor:
        return clamp(self, min, max)

    def maximum(self, other: Tensor) -> Tensor:
        return maximum(self, other)

    def minimum(self, other: Tensor) -> Tensor:
        return minimum(self, other)

    def where(self, condition: Tensor, other) -> Tensor:
        return where(condition, self, other)

    def matmul(self, other: Tensor) -> Tensor:
        return matmul(self, other)

    def mm(self, mat2: Tensor) -> Tensor:
        return mm(self, mat2)

    def mv(self, vec: Tensor) -> Tensor:
        return mv(self, vec)

    def dot(self, other: Tensor) -> Tensor:
        return dot(self, other)

    # Math (issue 3): pointwise, rounding, products, linear algebra --------------------------------
    def exp2(self) -> Tensor:
        return exp2(self)

    def expm1(self) -> Tensor:
        return expm1(self)

    def log2(self) -> Tensor:
        return log2(self)

    def log10(self) -> Tensor:
        return log10(self)

    def rsqrt(self) -> Tensor:
        return rsqrt(self)

    def sgn(self) -> Tensor:
        return sgn(self)

    def tan(self) -> Tensor:
        return tan(self)

    def asin(self) -> Tensor:
        return asin(self)

    def acos(self) -> Tensor:
        return acos(self)

    def atan(self) -> Tensor:
        return atan(self)

    def sinh(self) -> Tensor:
        return sinh(self)

    def cosh(self) -> Tensor:
        return cosh(self)

    def asinh(self) -> Tensor:
        return asinh(self)

    def acosh(self) -> Tensor:
        return acosh(self)

    def atanh(self) -> Tensor:
        return atanh(self)

    def erf(self) -> Tensor:
        return erf(self)

    def erfc(self) -> Tensor:
        return erfc(self)

    def erfinv(self) -> Tensor:
        return erfinv(self)

    def floor(self) -> Tensor:
        return floor(self)

    def ceil(self) -> Tensor:
        return ceil(self)

    def trunc(self) -> Tensor:
        return trunc(self)

    def frac(self) -> Tensor:
        return frac(self)

    def isnan(self) -> Tensor:
        return isnan(self)

    def isinf(self) -> Tensor:
        return isinf(self)

    def isfinite(self) -> Tensor:
        return isfinite(self)

    def isposinf(self) -> Tensor:
        return isposinf(self)

    def isneginf(self) -> Tensor:
        return isneginf(self)

    def arcsin(self) -> Tensor:
        return asin(self)

    def arccos(self) -> Tensor:
        return acos(self)

    def arctan(self) -> Tensor:
        return atan(self)

    def arcsinh(self) -> Tensor:
        return asinh(self)

    def arccosh(self) -> Tensor:
        return acosh(self)

    def arctanh(self) -> Tensor:
        return atanh(self)

    def fix(self) -> Tensor:
        return trunc(self)

    def absolute(self) -> Tensor:
        return abs(self)

    def round(self, *, decimals=None) -> Tensor:
        return _round(self, decimals=decimals)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None) -> Tensor:
        return nan_to_num(self, nan, posinf, neginf)

    def atan2(self, other) -> Tensor:
        return atan2(self, other)

    def fmod(self, other) -> Tensor:
        return fmod(self, other)

    def hypot(self, other) -> Tensor:
        return hypot(self, other)

    def logaddexp(self, other) -> Tensor:
        return logaddexp(self, other)

    def arctan2(self, other) -> Tensor:
        return atan2(self, other)

    def lerp(self, end, weight) -> Tensor:
        return lerp(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1) -> Tensor:
        return addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1) -> Tensor:
        return addcdiv(self, tensor1, tensor2, value=value)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
        return isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return allclose(self, other, rtol, atol, equal_nan)

    def outer(self, vec2) -> Tensor:
        return outer(self, vec2)

    def ger(self, vec2) -> Tensor:
        return outer(self, vec2)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
        return addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1) -> Tensor:
        return addmv(self, mat, vec, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
        return baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def inverse(self) -> Tensor:
        return _inv(self)

    def det(self) -> Tensor:
        return _det(self)

    def slogdet(self):
        return _slogdet(self)

    # Math in place (issue 3) ------------------------------------------------------------------
    def exp_(self) -> Tensor:
        return exp_(self)

    def exp2_(self) -> Tensor:
        return exp2_(self)

    def expm1_(self) -> Tensor:
        return expm1_(self)

    def log_(self) -> Tensor:
        return log_(self)

    def log2_(self) -> Tensor:
        return log2_(self)

    def log10_(self) -> Tensor:
        return log10_(self)

    def log1p_(self) -> Tensor:
        return log1p_(self)

    def sqrt_(self) -> Tensor:
        return sqrt_(self)

    def rsqrt_(self) -> Tensor:
        return rsqrt_(self)

    def sin_(self) -> Tensor:
        return sin_(self)

    def cos_(self) -> Tensor:
        return cos_(self)

    def tan_(self) -> Tensor:
        return tan_(self)

    def asin_(self) -> Tensor:
        return asin_(self)

    def acos_(self) -> Tensor:
        return acos_(self)

    def atan_(self) -> Tensor:
        return atan_(self)

    def sinh_(self) -> Tensor:
        return sinh_(self)

    def cosh_(self) -> Tensor:
        return cosh_(self)

    def asinh_(self) -> Tensor:
        return asinh_(self)

    def acosh_(self) -> Tensor:
        return acosh_(self)

    def atanh_(self) -> Tensor:
        return atanh_(self)

    def erf_(self) -> Tensor:
        return erf_(self)

    def erfc_(self) -> Tensor:
        return erfc_(self)

    def erfinv_(self) -> Tensor:
        return erfinv_(self)

    def floor_(self) -> Tensor:
        return floor_(self)

    def ceil_(self) -> Tensor:
        return ceil_(self)

    def trunc_(self) -> Tensor:
        return trunc_(self)

    def frac_(self) -> Tensor:
        return frac_(self)

    def sign_(self) -> Tensor:
        return sign_(self)

    def sgn_(self) -> Tensor:
        return sgn_(self)

    def abs_(self) -> Tensor:
        return abs_(self)

    def reciprocal_(self) -> Tensor:
        return reciprocal_(self)

    def square_(self) -> Tensor:
        return square_(self)

    def arcsin_(self) -> Tensor:
        return asin_(self)

    def arccos_(self) -> Tensor:
        return acos_(self)

    def arctan_(self) -> Tensor:
        return atan_(self)

    def arcsinh_(self) -> Tensor:
        return asinh_(self)

    def arccosh_(self) -> Tensor:
        return acosh_(self)

    def arctanh_(self) -> Tensor:
        return atanh_(self)

    def fix_(self) -> Tensor:
        return trunc_(self)

    def absolute_(self) -> Tensor:
        return abs_(self)

    def negative_(self) -> Tensor:
        return neg_(self)

    def round_(self, *, decimals=None) -> Tensor:
        return round_(self, decimals=decimals)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None) -> Tensor:
        return nan_to_num_(self, nan, posinf, neginf)

    def atan2_(self, other) -> Tensor:
        return atan2_(self, other)

    def fmod_(self, other) -> Tensor:
        return fmod_(self, other)

    def hypot_(self, other) -> Tensor:
        return hypot_(self, other)

    def arctan2_(self, other) -> Tensor:
        return atan2_(self, other)

    def lerp_(self, end, weight) -> Tensor:
        return lerp_(self, end, weight)

    def addcmul_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return addcmul_(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return addcdiv_(self, tensor1, tensor2, value=value)

    def addmm_(self, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
        return addmm_(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv_(self, mat, vec, *, beta=1, alpha=1) -> Tensor:
        return addmv_(self, mat, vec, beta=beta, alpha=alpha)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
        return baddbmm_(self, batch1, batch2, beta=beta, alpha=alpha)

    # Reductions ---------------------------------------------------------------------------------
    def sum(self, dim=DIM_NOT_GIVEN, keepdim=False, *, dtype=None) -> Tensor:
        return sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=DIM_NOT_GIVEN, keepdim=False, *, dtype=None) -> Tensor:
        return mean(self, dim, keepdim, dtype=dtype)

    def prod(self, dim=None, keepdim=False, *, dtype=None) -> Tensor:
        return prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False) -> Tensor:
        return amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False) -> Tensor:
        return amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False) -> Tensor:
        return argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False) -> Tensor:
        return argmin(self, dim, keepdim)

    # Statistics, norms, scans, sorting (ops/stats.py, ops/scan.py, ops/sort.py) ----------------
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None) -> Tensor:
        return var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None) -> Tensor:
        return std(self, dim, unbiased, keepdim, correction=correction)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None) -> Tensor:
        return norm(self, p, dim, keepdim, dtype=dtype)

    def logsumexp(self, dim, keepdim=False) -> Tensor:
        return logsumexp(self, dim, keepdim)

    def all(self, dim=None, keepdim=False) -> Tensor:
        return _all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False) -> Tensor:
        return _any(self, dim, keepdim)

    def count_nonzero(self, dim=None) -> Tensor:
        return count_nonzero(self, dim)

    def cumsum(self, dim, *, dtype=None) -> Tensor:
        return cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None) -> Tensor:
        return cumprod(self, dim, dtype=dtype)

    def cummax(self, dim):
        return cummax(self, dim)

    def cummin(self, dim):
        return cummin(self, dim)

    def sort(self, dim=-1, descending=False, *, stable=DIM_NOT_GIVEN):
        return sort(self, dim, descending, stable=stable)

    def argsort(self, dim=-1, descending=False, *, stable=False) -> Tensor:
        return argsort(self, dim, descending, stable=stable)

    def msort(self) -> Tensor:
        return msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return kthvalue(self, k, dim, keepdim)

    def median(self, dim=None, keepdim=False):
        return median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return nanmedian(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return mode(self, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return unique(self, sorted, return_inverse, return_counts, dim)

    # Shape --------------------------------------------------------------------------------------
    def reshape(self, *shape) -> Tensor:
        return reshape(self, *shape)

    def view(self, *shape) -> Tensor:
        return view(self, *shape)

    def view_as(self, other: Tensor) -> Tensor:
        return view(self, other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return reshape(self, other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return transpose(self, dim0, dim1)

    def swapaxes(self, dim0: int, dim1: int) -> Tensor:
        return transpose(self, dim0, dim1)

    def t(self) -> Tensor:
        return t(self)

    def permute(self, *dims) -> Tensor:
        return permute(self, *dims)

    def squeeze(self, dim=None) -> Tensor:
        return squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return unsqueeze(self, dim)

    def expand(self, *sizes) -> Tensor:
        return expand(self, *sizes)

    def expand_as(self, other: Tensor) -> Tensor:
        return expand(self, other.shape)

    def swapdims(self, dim0: int, dim1: int) -> Tensor:
        return transpose(self, dim0, dim1)

    def split(self, split_size, dim: int = 0) -> tuple:
        return split(self, split_size, dim)

    def split_with_sizes(self, split_sizes, dim: int = 0) -> tuple:
        return split_with_sizes(self, split_sizes, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> tuple:
        return unbind(self, dim)

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        return narrow(self, dim, start, length)

    def movedim(self, source, destination) -> Tensor:
        return movedim(self, source, destination)

    def moveaxis(self, source, destination) -> Tensor:
        return movedim(self, source, destination)

    def unflatten(self, dim: int, sizes) -> Tensor:
        return unflatten(self, dim, sizes)

    def repeat(self, *repeats) -> Tensor:
        return repeat(self, *repeats)

    def tile(self, *args, dims=None) -> Tensor:
        if dims is None:
            if not args:
                raise TypeError('tile() missing 1 required positional arguments: "dims"')
            dims = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        return tile(self, dims)

    def flip(self, *args, dims=None) -> Tensor:
        if dims is None:
            if not args:
                raise TypeError('flip() missing 1 required positional arguments: "dims"')
            dims = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        return flip(self, dims)

    def fliplr(self) -> Tensor:
        return fliplr(self)

    def flipud(self) -> Tensor:
        return flipud(self)

    def roll(self, shifts, dims=None) -> Tensor:
        return roll(self, shifts, dims)

    def diag(self, diagonal: int = 0) -> Tensor:
        return diag(self, diagonal)

    def trace(self) -> Tensor:
        return trace(self)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return diagonal(self, offset, dim1, dim2)

    def tril(self, diagonal: int = 0) -> Tensor:
        return tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return triu(self, diagonal)

    def tril_(self, diagonal: int = 0) -> Tensor:
        return tril_(self, diagonal)

    def triu_(self, diagonal: int = 0) -> Tensor:
        return triu_(self, diagonal)

    def __getitem__(self, index) -> Tensor:
        return getitem(self, index)

    def nonzero(self, *, as_tuple: bool = False):
        return nonzero(self, as_tuple=as_tuple)

    def index_select(self, dim: int, index: Tensor) -> Tensor:
        return index_select(self, dim, index)

    def gather(self, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
        return gather(self, dim, index)

    def scatter(self, dim: int, index: Tensor, src=None, *, value=None, reduce=None) -> Tensor:
        return scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim: int, index: Tensor, src=None, *, value=None, reduce=None) -> Tensor:
        return scatter_(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        return scatter_add(self, dim, index, src)

    def scatter_add_(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        return scatter_add_(self, dim, index, src)

    def index_add(self, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
        return index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
        return index_add_(self, dim, index, source, alpha=alpha)

    def index_fill(self, dim: int, index: Tensor, value) -> Tensor:
        return index_fill(self, dim, index, value)

    def index_fill_(self, dim: int, index: Tensor, value) -> Tensor:
        return index_fill_(self, dim, index, value)

    def index_copy(self, dim: int, index: Tensor, source: Tensor) -> Tensor:
        return index_copy(self, dim, index, source)

    def index_copy_(self, dim: int, index: Tensor, source: Tensor) -> Tensor:
        return index_copy_(self, dim, index, source)

    def masked_fill(self, mask: Tensor, value) -> Tensor:
        return masked_fill(self, mask, value)

    def masked_fill_(self, mask: Tensor, value) -> Tensor:
        return masked_fill_(self, mask, value)

    def masked_select(self, mask: Tensor) -> Tensor:
        return masked_select(self, mask)

    def take(self, index: Tensor) -> Tensor:
        return take(self, index)

    def __setitem__(self, index, value) -> None:
        setitem(self, index, value)

    # Comparisons and logic (no gradient) --------------------------------------------------------
    def eq(self, other) -> Tensor:
        return eq(self, other)

    def ne(self, other) -> Tensor:
        return ne(self, other)

    def lt(self, other) -> Tensor:
        return lt(self, other)

    def le(self, other) -> Tensor:
        return le(self, other)

    def gt(self, other) -> Tensor:
        return gt(self, other)

    def ge(self, other) -> Tensor:
        return ge(self, other)

    def equal(self, other: Tensor) -> bool:
        return equal(self, other)

    def logical_and(self, other) -> Tensor:
        return logical_and(self, other)

    def logical_or(self, other) -> Tensor:
        return logical_or(self, other)

    def logical_xor(self, other) -> Tensor:
        return logical_xor(self, other)

    def logical_not(self) -> Tensor:
        return logical_not(self)

    # In place -----------------------------------------------------------------------------------
    def add_(self, other, *, alpha=1) -> Tensor:
        return add_(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1) -> Tensor:
        return sub_(self, other, alpha=alpha)

    def mul_(self, other) -> Tensor:
        return mul_(self, other)

    def div_(self, other, *, rounding_mode=None) -> Tensor:
        return div_(self, other, rounding_mode=rounding_mode)

    def pow_(self, exponent) -> Tensor:
        return pow_(self, exponent)

    def neg_(self) -> Tensor:
        return neg_(self)

    def zero_(self) -> Tensor:
        return zero_(self)

    def fill_(self, value) -> Tensor:
        return fill_(self, value)

    def copy_(self, src: Tensor, non_blocking: bool = False) -> Tensor:
        return copy_(self, src)

    def clamp_(self, min=None, max=None) -> Tensor:
        return clamp_(self, min, max)

    def clip_(self, min=None, max=None) -> Tensor:
        return clamp_(self, min, max)

    def relu_(self) -> Tensor:
        return relu_(self)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator=None) -> Tensor:
        return _random.uniform_(self, a, b, generator)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
        return _random.normal_(self, mean, std, generator)

    def random_(self, from_=None, to=None, *, generator=None) -> Tensor:
        return _random.random_(self, from_, to, generator)

    def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
        return _random.bernoulli_(self, p, generator)

    def exponential_(self, lambd: float = 1.0, *, generator=None) -> Tensor:
        return _random.exponential_(self, lambd, generator)

    def bernoulli(self, p=None, *, generator=None) -> Tensor:
        return _random.bernoulli(self, p, generator=generator)

    # Operators ----------------------------------------------------------------------------------
    def __add__(self, other) -> Tensor:
        return add(self, other)

    def __radd__(self, other) -> Tensor:
        return add(self, other)

    def __iadd__(self, other) -> Tensor:
        return add_(self, other)

    def __sub__(self, other) -> Tensor:
        return sub(self, other)

    def __rsub__(self, other) -> Tensor:
        return rsub(self, other)

    def __isub__(self, other) -> Tensor:
        return sub_(self, other)

    def __mul__(self, other) -> Tensor:
        return mul(self, other)

    def __rmul__(self, other) -> Tensor:
        return mul(self, other)

    def __imul__(self, other) -> Tensor:
        return mul_(self, other)

    def __truediv__(self, other) -> Tensor:
        return div(self, other)

    def __rtruediv__(self, other) -> Tensor:
        return rdiv(self, other)

    def __itruediv__(self, other) -> Tensor:
        return div_(self, other)

    def __floordiv__(self, other) -> Tensor:
        return floor_divide(self, other)

    def __rfloordiv__(self, other) -> Tensor:
        return rfloordiv(self, other)

    def __ifloordiv__(self, other) -> Tensor:
        return floor_divide_(self, other)

    def __mod__(self, other) -> Tensor:
        return remainder(self, other)

    def __rmod__(self, other) -> Tensor:
        return rmod(self, other)

    def __imod__(self, other) -> Tensor:
        return remainder_(self, other)

    def __pow__(self, exponent) -> Tensor:
        return pow(self, exponent)

    def __rpow__(self, base) -> Tensor:
        return rpow(self, base)

    def __ipow__(self, exponent) -> Tensor:
        return pow_(self, exponent)

    def __matmul__(self, other) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other) -> Tensor:
        return matmul(other, self)

    def __neg__(self) -> Tensor:
        return neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return abs(self)

    def __invert__(self) -> Tensor:
        return bitwise_not(self)

    def __and__(self, other) -> Tensor:
        return bitwise_and(self, other)

    def __rand__(self, other) -> Tensor:
        return bitwise_and(self, other)

    def __or__(self, other) -> Tensor:
        return bitwise_or(self, other)

    def __ror__(self, other) -> Tensor:
        return bitwise_or(self, other)

    def __xor__(self, other) -> Tensor:
        return bitwise_xor(self, other)

    def __rxor__(self, other) -> Tensor:
        return bitwise_xor(self, other)

    def __eq__(self, other):  # type: ignore[override]
        return eq(self, other)

    def __ne__(self, other):  # type: ignore[override]
        return ne(self, other)

    def __lt__(self, other) -> Tensor:
        return lt(self, other)

    def __le__(self, other) -> Tensor:
        return le(self, other)

    def __gt__(self, other) -> Tensor:
        return gt(self, other)

    def __ge__(self, other) -> Tensor:
        return ge(self, other)

    # NumPy defers to our reflected operators (np.float64(1.5) + t is a tensor, as in PyTorch).
    __array_priority__ = 1000

    __hash__ = object.__hash__  # identity, as PyTorch: two equal tensors are two dict keys

    # Python protocols ---------------------------------------------------------------------------
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter([getitem(self, i) for i in range(self._data.shape[0])])

    def __bool__(self) -> bool:
        n = self._data.size
        if n != 1:
            word = "more than one value" if n else "no values"
            raise RuntimeError(f"Boolean value of Tensor with {word} is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self) -> float:
        return float(_scalar(self))

    def __int__(self) -> int:
        return int(_scalar(self))

    def __index__(self) -> int:
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __repr__(self) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        if self._grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                "because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        return (_rebuild, (_np.array(_numpy_host(self)), self._requires_grad, self._grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            self.__reduce_ex__(2)
        t = _wrap(self._data.copy(), self._requires_grad)
        if self._grad is not None:
            t._grad = _wrap(self._grad._data.copy())
        memo[id(self)] = t
        return t


Tensor.__module__ = "fakel"  # prints as <class 'fakel.Tensor'>, as PyTorch's torch.Tensor


def _rebuild(arr, requires_grad, grad):
    t = _wrap(arr, requires_grad)
    t._grad = grad
    return t


def _numpy_host(t):
    from . import _backend

    return _backend.to_numpy(t._data)


def _canon_dim(dim, ndim):
    from .ops._common import canon_dim

    return canon_dim(dim, ndim)


def _scalar(t):
    if t._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return _numpy_host(t).reshape(()).item()


def _item(t):
    n = t._data.size
    if n != 1:
        raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
    return _numpy_host(t).reshape(()).item()


def _tolist(t):
    return _numpy_host(t).tolist()


def _numpy(t, force):
    if t._requires_grad and not force:
        raise RuntimeError(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
        )
    if t._data.__class__ is not _ndarray:
        if not force:
            raise TypeError(
                "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                "tensor to host memory first."
            )
        return _numpy_host(t)
    return t._data


def _set_requires_grad(t, value, how):
    if how == "attr" and type(value) is not bool:
        raise RuntimeError("requires_grad must be a bool")
    value = bool(value)
    if t._grad_fn is not None:
        hint = (" If you want to use a computed variable in a subgraph that doesn't require "
                "differentiation use var_no_grad = var.detach().")
        raise RuntimeError(
            "you can only change requires_grad flags of leaf variables." + ("" if value else hint)
        )
    if value and t._vc.__class__ is not list and not _gs.inference:
        raise RuntimeError(
            "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
        )
    if value and t._data.dtype.kind != "f":
        if how == "method":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        raise RuntimeError(
            "only Tensors of floating point and complex dtype can require gradients"
        )
    t._requires_grad = value


_TORCH_DTYPE_NAMES = {
    "float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int",
    "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
    "bool": "bool",
}


def _set_grad(t, value):
    if value is not None:
        if not isinstance(value, Tensor):
            raise TypeError(
                f"assigned grad expected to be a Tensor or None but got grad of type "
                f"{type(value).__name__}"
            )
        if value._data.shape != t._data.shape:
            raise RuntimeError(
                f"attempting to assign a gradient of size '[{', '.join(map(str, value.shape))}]' "
                f"to a tensor of size '[{', '.join(map(str, t.shape))}]'. Please ensure that the "
                "gradient and the tensor are the same size"
            )
        if value._data.dtype != t._data.dtype:
            raise RuntimeError(
                f"attempting to assign a gradient with dtype "
                f"'{_TORCH_DTYPE_NAMES[value.dtype.name]}' to a tensor with grad_dtype "
                f"'{t.dtype._scalar_name}'. The gradient must match the tensor's grad_dtype "
                "(defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute "
                "with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. "
                "Diverging the dtypes of a tensor and its gradient may break downstream systems "
                "that assume they match."
            )
    t._grad = value


def _T(t):
    n = t._data.ndim
    if n == 2:
        return permute(t, 1, 0)
    return permute(t, tuple(range(n - 1, -1, -1)))


# The op functions the methods call; imported last because the ops import this module.
from . import _random  # noqa: E402
from .autograd.grad_mode import InferenceVC  # noqa: E402
from .autograd.graph import AccumulateGrad  # noqa: E402
from .autograd.graph import tensor_register_hook as _register_hook  # noqa: E402
from .autograd.graph import tensor_retain_grad as _retain_grad  # noqa: E402
from .autograd.graph import tensor_retains_grad as _retains_grad  # noqa: E402
from .autograd.graph import warn_non_leaf_grad as _warn_non_leaf_grad  # noqa: E402
from .ops.activation import log_softmax, relu, relu_, sigmoid, softmax, tanh  # noqa: E402
from .ops.arith import (  # noqa: E402
    add,
    div,
    floor_divide,
    mul,
    pow,
    rdiv,
    remainder,
    rfloordiv,
    rmod,
    rpow,
    rsub,
    square,
    sub,
)
from .ops.compare import (  # noqa: E402
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
from .ops.indexing import getitem, nonzero, setitem  # noqa: E402
from .ops.inplace import (  # noqa: E402
    add_,
    clamp_,
    clone,
    contiguous,
    copy_,
    detach,
    detach_,
    div_,
    fill_,
    floor_divide_,
    mul_,
    neg_,
    pow_,
    remainder_,
    sub_,
    to,
    zero_,
)
from .ops.join import (  # noqa: E402
    chunk,
    movedim,
    narrow,
    split,
    split_with_sizes,
    unbind,
    unflatten,
)
from .ops.linalg import addmm, addmv, baddbmm, dot, matmul, mm, mv, outer  # noqa: E402
from .ops.math_inplace import (  # noqa: E402
    abs_,
    acos_,
    acosh_,
    addcdiv_,
    addcmul_,
    addmm_,
    addmv_,
    asin_,
    asinh_,
    atan2_,
    atan_,
    atanh_,
    baddbmm_,
    ceil_,
    cos_,
    cosh_,
    erf_,
    erfc_,
    erfinv_,
    exp2_,
    exp_,
    expm1_,
    floor_,
    fmod_,
    frac_,
    hypot_,
    lerp_,
    log1p_,
    log2_,
    log10_,
    log_,
    nan_to_num_,
    reciprocal_,
    round_,
    rsqrt_,
    sgn_,
    sign_,
    sin_,
    sinh_,
    sqrt_,
    square_,
    tan_,
    trunc_,
)
from .ops.pointwise import (  # noqa: E402
    addcdiv,
    addcmul,
    allclose,
    atan2,
    fmod,
    hypot,
    isclose,
    lerp,
    logaddexp,
)
from .ops.rearrange import (  # noqa: E402
    diag,
    diagonal,
    flip,
    fliplr,
    flipud,
    repeat,
    roll,
    tile,
    trace,
    tril,
    tril_,
    triu,
    triu_,
)
from .ops.reduce import amax, amin, argmax, argmin, max, mean, min, prod, sum, sum_to_size  # noqa: E402
from .ops.rounding import (  # noqa: E402
    ceil,
    floor,
    frac,
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    nan_to_num,
    trunc,
)
from .ops.rounding import round as _round  # noqa: E402
from .ops.scan import cummax, cummin, cumprod, cumsum  # noqa: E402
from .ops.scatter import (  # noqa: E402
    gather,
    index_add,
    index_add_,
    index_copy,
    index_copy_,
    index_fill,
    index_fill_,
    index_select,
    masked_fill,
    masked_fill_,
    masked_select,
    scatter,
    scatter_,
    scatter_add,
    scatter_add_,
    take,
)
from .ops.shape import data_ptr as _data_ptr  # noqa: E402
from .ops.shape import (  # noqa: E402
    expand,
    flatten,
    permute,
    reshape,
    squeeze,
    t,
    transpose,
    unsqueeze,
    view,
)
from .ops.shape import storage_offset as _storage_offset  # noqa: E402
from .ops.shape import view_grad_fn as _view_grad_fn  # noqa: E402
from .ops.solve import det as _det  # noqa: E402
from .ops.solve import inv as _inv  # noqa: E402
from .ops.solve import slogdet as _slogdet  # noqa: E402
from .ops.sort import (  # noqa: E402
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
from .ops.stats import all as _all  # noqa: E402
from .ops.stats import any as _any  # noqa: E402
from .ops.stats import count_nonzero, logsumexp, norm, std, var  # noqa: E402
from .ops.trig import (  # noqa: E402
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
from .ops.unary import (  # noqa: E402
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


# PyTorch's Tensor names that fakel lacks -------------------------------------------------------
class _MissingMethod:
    """A name PyTorch's Tensor has and fakel's lacks: reading it from a tensor raises
    ``NotImplementedError: torch.Tensor.<name> is not implemented in fakel`` (see _dropin.py).
    Class attributes, not ``Tensor.__getattr__``: a class with ``__getattr__`` pays on every
    attribute read of every tensor."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        from ._dropin import missing

        raise missing(f"torch.Tensor.{self.name}")


def _install_missing_methods() -> None:
    import os

    path = os.path.join(os.path.dirname(__file__), "_torch_api.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("[torch.Tensor]"):
                for name in next(f).split():
                    if not name.startswith("_") and not hasattr(Tensor, name):
                        setattr(Tensor, name, _MissingMethod(name))
                break


_install_missing_methods()
