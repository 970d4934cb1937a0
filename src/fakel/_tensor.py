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
    t._vc = [0]
    t._base = None
    t._acc = None
    return t


_new = object.__new__


class Tensor:
    """A multi-dimensional array with autograd, mirroring ``torch.Tensor``.

    Calling ``Tensor(data)`` is PyTorch's legacy constructor: it always makes a tensor of the
    default float dtype (``Tensor(2, 3)`` is an uninitialised 2x3 tensor).
    """

    __slots__ = ("_data", "_requires_grad", "_grad", "_grad_fn", "_vc", "_base", "_acc",
                 "__weakref__", "__dict__")

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
        return self._grad_fn is None

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value) -> None:
        _set_requires_grad(self, value, "attr")

    @property
    def grad(self):
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
        return self._vc[0]

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

    def __getitem__(self, index) -> Tensor:
        return getitem(self, index)

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
        from ._creation import uniform_

        return uniform_(self, a, b)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
        from ._creation import normal_

        return normal_(self, mean, std)

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
from .autograd.graph import AccumulateGrad  # noqa: E402
from .ops.activation import relu, relu_, sigmoid, tanh  # noqa: E402
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
from .ops.indexing import getitem, setitem  # noqa: E402
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
from .ops.linalg import dot, matmul, mm, mv  # noqa: E402
from .ops.reduce import amax, amin, argmax, argmin, max, mean, min, prod, sum, sum_to_size  # noqa: E402
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
from .ops.unary import (  # noqa: E402
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
