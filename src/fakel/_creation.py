"""Creation functions: tensor, the legacy Tensor(...), zeros/ones/full/empty, ranges, random."""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _backend
from . import _dtype as _dt
from ._device import CPU, as_device
from ._tensor import Tensor, _wrap
from .autograd.grad_mode import _state

_PY_KIND = {bool: 0, int: 1, float: 2}


def _finish(arr, dtype, device, requires_grad):
    """Cast, move and wrap a freshly made host array; check requires_grad's dtype rule."""
    if dtype is not None and arr.dtype != dtype.np:
        arr = arr.astype(dtype.np)
    if device is not None and device is not CPU:
        arr = _backend.to_device(arr, device)
    t = _wrap(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t._requires_grad = True
    return t


def _scan(data, dim, shape, kinds, leaf=None):
    """Walk nested sequences: fix the shape at each depth, collect element kinds, reject ragged.
    ``leaf`` holds the depth where numbers were found, once one was."""
    if leaf is None:
        leaf = [None]
    if isinstance(data, (list, tuple)):
        if leaf[0] is not None and dim >= leaf[0]:
            if float in kinds:
                raise TypeError(f"must be real number, not {type(data).__name__}")
            raise TypeError(f"'{type(data).__name__}' object cannot be interpreted as an integer")
        n = len(data)
        if len(shape) <= dim:
            shape.append(n)
        elif shape[dim] != n:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {n})")
        for x in data:
            _scan(x, dim + 1, shape, kinds, leaf)
        return
    if len(shape) > dim:  # a number where the first element at this depth was a sequence
        raise TypeError("not a sequence")
    leaf[0] = dim
    t = type(data)
    if t in _PY_KIND:
        kinds.add(t)
    elif isinstance(data, np.generic):
        kinds.add(_dt.from_np(data.dtype))
    elif isinstance(data, Tensor):
        if data._data.size != 1 or data._data.ndim:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if data._requires_grad:
            warnings.warn(
                "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                "behavior.\nConsider using tensor.detach() first.", UserWarning, stacklevel=4)
        kinds.add(data.dtype)
    elif isinstance(data, complex):
        raise NotImplementedError("complex tensors are not supported by fakel")
    else:
        raise TypeError(f"new(): invalid data type '{t.__name__}'")


def _infer_dtype(kinds):
    """PyTorch's inference: NumPy scalars and tensors keep their dtype; Python floats give the
    default dtype, ints int64, bools bool; the highest category wins."""
    best = None
    for k in kinds:
        d = (_dt.bool, _dt.int64, _dt.get_default_dtype())[_PY_KIND[k]] if k in _PY_KIND else k
        if best is None or d.category > best.category:
            best = d
        elif d.category == best.category and k not in _PY_KIND:
            best = _dt.promote_types(best, d)
    return best or _dt.get_default_dtype()


def _from_data(data, dtype):
    """A host array from Python/NumPy data, with PyTorch's dtype inference and errors."""
    if isinstance(data, Tensor):
        arr = _backend.to_numpy(data._data).copy()
        return arr if dtype is None else arr.astype(dtype.np)
    if isinstance(data, np.ndarray):
        if any(s < 0 for s in data.strides):
            raise ValueError(
                "At least one stride in the given numpy array is negative, and tensors with "
                "negative strides are not currently supported. (You can probably work around this "
                "by making a copy of your array  with array.copy().) "
            )
        _dt.from_np(data.dtype)
        arr = np.array(data)
        return arr if dtype is None else _cast_checked(arr, dtype)
    shape: list = []
    kinds: set = set()
    _scan(data, 0, shape, kinds)
    target = dtype or _infer_dtype(kinds)
    if isinstance(data, (list, tuple)) and any(isinstance(k, _dt.dtype) for k in kinds):
        data = _plain(data)
    try:
        if target.category == 2 or (float in kinds and target.category < 2):
            arr = np.array(data, dtype=np.float64)
        else:
            arr = np.array(data, dtype=np.int64 if target is not _dt.bool else np.bool_)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None
    if not shape and arr.ndim == 0 and isinstance(data, (list, tuple)):
        arr = arr.reshape(0)
    return _cast_checked(arr, target)


def _plain(data):
    if isinstance(data, (list, tuple)):
        return [_plain(x) for x in data]
    if isinstance(data, Tensor):
        return data.item()
    return data


def _cast_checked(arr, dtype):
    if arr.dtype == dtype.np:
        return arr
    if dtype.category < 2 and dtype is not _dt.bool and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise RuntimeError(
                f"value cannot be converted to type {dtype.name} without overflow"
            )
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(dtype.np)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Copy ``data`` into a new leaf tensor, inferring the dtype as PyTorch does."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    dt = None if dtype is None else _dt.to_dtype(dtype)
    return _finish(_from_data(data, dt), dt, _dev(device), requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like tensor(), but shares memory with an ndarray or tensor when no conversion is needed."""
    dt = None if dtype is None else _dt.to_dtype(dtype)
    if isinstance(data, Tensor):
        return data if dt is None else data.to(dt)
    if isinstance(data, np.ndarray) and (dt is None or data.dtype == dt.np) and device is None:
        return from_numpy(data)
    return tensor(data, dtype=dt, device=device)


def from_numpy(ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a "
            "copy of your array  with array.copy().) "
        )
    _dt.from_np(ndarray.dtype)
    return _wrap(ndarray)


def _legacy_new(cls, args, device):
    """``Tensor(...)``: sizes give an uninitialised tensor, a sequence gives default-float data."""
    dt = _dt.get_default_dtype()
    if not args:
        return _wrap(np.empty(0, dtype=dt.np))
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)) and not (
        isinstance(args[0], tuple) and all(isinstance(a, int) for a in args[0]) and False
    ):
        data = args[0]
        if isinstance(data, Tensor):
            return data
        return _finish(_from_data(data, dt), dt, _dev(device), False)
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return empty(*args, device=device)
    raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")


def _dev(device):
    return None if device is None else as_device(device)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element "
                f"of type {type(s).__name__} at pos {len(out)}"
            )
        out.append(int(s))
    for s in out:
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: "
                f"[{', '.join(map(str, out))}]"
            )
    return tuple(out)


def _float_dtype(dtype):
    return _dt.get_default_dtype() if dtype is None else _dt.to_dtype(dtype)


def _filled(fn, size, dtype, device, requires_grad):
    dt = _float_dtype(dtype)
    dev = _dev(device)
    if dev is None or dev is CPU:
        return _finish(fn(size, dtype=dt.np), None, None, requires_grad)
    return _finish(fn(size, dtype=dt.np), None, dev, requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    return _filled(np.zeros, _size(size), dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    return _filled(np.ones, _size(size), dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          memory_format=None) -> Tensor:
    # Zero-filled rather than uninitialised: same cost with NumPy, and reproducible.
    return _filled(np.zeros, _size(size), dtype, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False) -> Tensor:
    if dtype is None:
        if isinstance(fill_value, Tensor):
            dt = fill_value.dtype
            fill_value = fill_value.item()
        elif isinstance(fill_value, np.generic):
            dt = _dt.from_np(fill_value.dtype)
        else:
            dt = _infer_dtype({type(fill_value)})
    else:
        dt = _dt.to_dtype(dtype)
    shape = _size((size,) if isinstance(size, int) else (size,))
    arr = np.full(shape, fill_value, dtype=dt.np)
    return _finish(arr, None, _dev(device), requires_grad)


def _like(input, dtype):
    return input.dtype if dtype is None else _dt.to_dtype(dtype)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return zeros(input.shape, dtype=_like(input, dtype), device=device or _cuda_of(input),
                 requires_grad=requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return ones(input.shape, dtype=_like(input, dtype), device=device or _cuda_of(input),
                requires_grad=requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return full(input.shape, fill_value, dtype=_like(input, dtype),
                device=device or _cuda_of(input), requires_grad=requires_grad)


def _cuda_of(t):
    return None if t._data.__class__ is np.ndarray else t.device


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) or
                     isinstance(v, bool) for v in vals)
        dt = _dt.int64 if is_int else _dt.get_default_dtype()
    else:
        dt = _dt.to_dtype(dtype)
    n = max(0, math.ceil((end - start) / step))
    if dt.category == 2:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = (start + np.arange(n, dtype=np.int64) * step) if isinstance(step, int) and \
            isinstance(start, int) else (start + np.arange(n) * step)
        arr = arr.astype(dt.np)
    return _finish(arr, None, _dev(device), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _float_dtype(dtype)
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    if steps == 1:
        arr = np.array([start], dtype=np.float64)
    else:
        # PyTorch fills the first half forward from start and the second half back from end.
        idx = np.arange(steps, dtype=np.float64)
        step = (end - start) / (steps - 1) if steps > 1 else 0.0
        half = steps // 2
        arr = np.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    if dt.category < 2:
        arr = np.trunc(arr) if dt is not _dt.bool else arr
    return _finish(arr.astype(dt.np), None, _dev(device), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad=False) -> Tensor:
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = _float_dtype(dtype)
    return _finish(np.eye(n, m, dtype=dt.np), None, _dev(device), requires_grad)


# Random -----------------------------------------------------------------------------------------
class Generator:
    """A seedable source of random numbers (fakel's own stream, not PyTorch's)."""

    def __init__(self, device="cpu"):
        self.device = as_device(device)
        self._seed = 67280421310721
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed & 0xFFFF_FFFF_FFFF_FFFF)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & 0x7FFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed every fakel random stream, so that runs repeat."""
    _backend.manual_seed(seed)
    default_generator.manual_seed(seed)
    return default_generator


def _rng(generator):
    return generator._rng if generator is not None else _backend._rng[0]


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False) -> Tensor:
    dt = _float_dtype(dtype)
    arr = _rng(generator).random(_size(size), dtype=np.float64).astype(dt.np)
    return _finish(arr, None, _dev(device), requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False) -> Tensor:
    dt = _float_dtype(dtype)
    arr = _rng(generator).standard_normal(_size(size)).astype(dt.np)
    return _finish(arr, None, _dev(device), requires_grad)


def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False) -> Tensor:
    """randint(high, size) or randint(low, high, size)."""
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, high, size = 0, args[0], args[1]
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint() missing required argument 'size'")
    if isinstance(size, int):
        raise TypeError(
            "randint(): argument 'size' (position 2) must be tuple of ints, not int"
        )
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dt = _dt.int64 if dtype is None else _dt.to_dtype(dtype)
    arr = _rng(generator).integers(low, high, _size((size,)), dtype=np.int64).astype(dt.np)
    return _finish(arr, None, _dev(device), requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:
    return rand(input.shape, dtype=_like(input, dtype), device=device or _cuda_of(input),
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:
    return randn(input.shape, dtype=_like(input, dtype), device=device or _cuda_of(input),
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, **_) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=_like(input, dtype),
                   device=device or _cuda_of(input))


def uniform_(t, a=0.0, b=1.0):
    from .ops.elementwise import check_inplace

    check_inplace(t)
    t._data[...] = _backend._rng[0].uniform(a, b, t._data.shape)
    t._vc[0] += 1
    return t


def normal_(t, mean=0.0, std=1.0):
    from .ops.elementwise import check_inplace

    check_inplace(t)
    t._data[...] = _backend._rng[0].normal(mean, std, t._data.shape)
    t._vc[0] += 1
    return t


_ = _state
