"""Creation functions: tensor, the legacy Tensor(...), zeros/ones/full/empty, ranges, random."""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _backend
from . import _dtype as _dt
from ._device import CPU, as_device
from ._tensor import Size, Tensor, _wrap

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
        _check_np_dtype(np.asarray(data))
        kinds.add(_dt.from_np(data.dtype))
    elif data is None:
        raise RuntimeError("Could not infer dtype of NoneType")
    elif isinstance(data, Tensor):
        if data._data.size != 1:
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
    """PyTorch's inference: every element's dtype promoted together, where NumPy scalars and
    tensors bring their own dtype and Python floats the default dtype, ints int64, bools bool."""
    best = None
    for k in kinds:
        d = (_dt.bool, _dt.int64, _dt.get_default_dtype())[_PY_KIND[k]] if k in _PY_KIND else k
        best = d if best is None else _dt.promote_types(best, d)
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
        _check_np_dtype(data)
        arr = np.array(data)
        return arr if dtype is None else arr.astype(dtype.np)
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


def _check_np_dtype(arr):
    if not arr.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. Conversion "
            "between byte orders is currently not supported."
        )
    if arr.dtype not in _dt._FROM_NP:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{arr.dtype.type.__name__}. The only "
            "supported types are: float64, float32, float16, int64, int32, int16, int8, uint8, "
            "and bool."
        )


def _plain(data):
    if isinstance(data, (list, tuple)):
        return [_plain(x) for x in data]
    if isinstance(data, Tensor):
        return data._data.reshape(()).item()
    return data


def _cast_checked(arr, dtype):
    """Cast Python-sourced values, refusing what PyTorch refuses: nan/inf or out-of-range values
    into an integer dtype (unsigned types accept -max..max: -1 becomes 255 for uint8)."""
    if arr.dtype == dtype.np:
        return arr
    if dtype.category == 1 and arr.dtype.kind in "fiu" and arr.size:
        info = np.iinfo(dtype.np)
        low = -int(info.max) if info.min == 0 else int(info.min)
        vals = np.trunc(arr) if arr.dtype.kind == "f" else arr
        if (arr.dtype.kind == "f" and not np.all(np.isfinite(arr))) or (
            dtype is not _dt.int64 and (vals.max() > info.max or vals.min() < low)
        ):
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
    _check_np_dtype(ndarray)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a "
            "copy of your array  with array.copy().) "
        )
    return _wrap(ndarray)


def _legacy_new(cls, args, device):
    """``Tensor(...)``: sizes give an uninitialised tensor, a sequence gives default-float data."""
    dt = _dt.get_default_dtype()
    if not args:
        return _wrap(np.empty(0, dtype=dt.np))
    if len(args) == 1:
        data = args[0]
        if isinstance(data, Size):
            return empty(*data, device=device)
        if isinstance(data, Tensor):
            return data.detach()  # PyTorch's legacy constructor aliases a tensor's memory
        if isinstance(data, np.ndarray) and data.dtype == dt.np:
            return from_numpy(data)
        if isinstance(data, (list, tuple, np.ndarray)):
            return _finish(_from_data(data, dt), dt, _dev(device), False)
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return empty(*args, device=device)
    raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")


def _dev(device):
    return None if device is None else as_device(device)


def _size(size, name=""):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"{name or 'zeros'}(): argument 'size' (position 1) must be tuple of ints, but "
                f"found element of type {type(s).__name__} at pos {len(out)}"
            )
        out.append(int(s))
    for s in out:
        if s < 0:
            if name == "zeros":  # PyTorch's zeros words it differently from the others
                raise RuntimeError("zeros: Dimension size must be non-negative.")
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


def _factory_size(name, size, kw_size):
    if kw_size is not None:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kw_size,)
    if not size:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    return _size(size, name)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          **kwargs) -> Tensor:
    shape = _factory_size("zeros", size, kwargs.pop("size", None))
    return _filled(np.zeros, shape, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         **kwargs) -> Tensor:
    shape = _factory_size("ones", size, kwargs.pop("size", None))
    return _filled(np.ones, shape, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          memory_format=None, **kwargs) -> Tensor:
    # Zero-filled rather than uninitialised: same cost with NumPy, and reproducible.
    shape = _factory_size("empty", size, kwargs.pop("size", None))
    return _filled(np.zeros, shape, dtype, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False) -> Tensor:
    if isinstance(size, (int, np.integer)):
        raise TypeError(
            "full() received an invalid combination of arguments - got (int, "
            f"{type(fill_value).__name__}), but expected (tuple of ints size, Number fill_value)"
        )
    if isinstance(fill_value, Tensor):
        fill_value = fill_value._data.reshape(()).item()
    elif isinstance(fill_value, np.generic):
        fill_value = fill_value.item()
    # Only the kind of the fill value counts (bool, int or float), as in PyTorch.
    dt = _infer_dtype({type(fill_value)}) if dtype is None else _dt.to_dtype(dtype)
    shape = _size((size,))
    if dt.category == 1 and isinstance(fill_value, int):
        info = np.iinfo(dt.np)
        low = -int(info.max) if info.min == 0 else int(info.min)
        if not low <= fill_value <= info.max:
            ctype = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t",
                     "int32": "int", "int64": "int64_t"}[dt.name]
            raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")
        fill_value = np.array(fill_value, dtype=np.int64).astype(dt.np)
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


def _fma(a, b, c):
    """a * b + c with one rounding, as the fused multiply-add PyTorch's range kernels use
    (NumPy has no fma: the product is split exactly, Dekker-style, and the sum compensated)."""
    a, b, c = (np.asarray(x, dtype=np.float64) for x in (a, b, c))
    p = a * b
    split = 134217729.0  # 2**27 + 1
    ah = split * a
    ah = ah - (ah - a)
    bh = split * b
    bh = bh - (bh - b)
    err = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    s = p + c
    back = s - p
    return s + (((p - (s - back)) + (c - back)) + err)


def _range_values(start, step, n, dt):
    """PyTorch's arange values: start + i*step in double; float32 in blocks of 8 whose first
    value is rounded to float32 (its vectorised kernel), the tail element by element."""
    i = np.arange(n, dtype=np.float64)
    if dt is not _dt.float32:
        return _fma(step, i, start).astype(dt.np)
    out = np.empty(n, dtype=np.float32)
    full = n - n % 8
    if full:
        base = _fma(step, i[:full:8], start).astype(np.float32).astype(np.float64)
        out[:full] = _fma(step, np.arange(8.0)[None, :], base[:, None]).reshape(-1)
    out[full:] = _fma(step, i[full:], start)
    return out


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    """Values within one unit in the last place of PyTorch's (whose own last bits depend on the
    CPU's vector width)."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    for v in (start, end):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in vals)
        dt = _dt.int64 if is_int else _dt.get_default_dtype()
    else:
        dt = _dt.to_dtype(dtype)
    if dt is _dt.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = max(0, math.ceil((end - start) / step))  # the length comes from the arguments as given
    if dt.category == 1:  # then integer ranges truncate them
        start, step = int(start), int(step)
        if step == 0:
            raise ValueError("step must be nonzero")
    if dt.category == 2:
        arr = _range_values(start, step, n, dt)
    else:
        arr = (start + np.arange(n, dtype=np.int64) * step).astype(dt.np)
    return _finish(arr, None, _dev(device), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    """Computed as PyTorch does, in the output dtype: the first half forward from start, the
    second half back from end, each value one fused multiply-add."""
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(
            f"linspace(): argument 'steps' (position 3) must be int, not {type(steps).__name__}"
        )
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _float_dtype(dtype)
    if dt is _dt.bool:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    # Half ranges are computed in float32 and rounded at the end, as PyTorch does.
    kind = {"float16": np.float32, "float32": np.float32}.get(dt.name, np.float64)
    with np.errstate(over="ignore"):
        lo, hi = kind(start), kind(end)
        fits = np.isfinite(dt.np.type(start)) and np.isfinite(dt.np.type(end))
    if not fits and math.isfinite(start) and math.isfinite(end):
        raise RuntimeError(
            f"value cannot be converted to type {_C_NAMES.get(dt.name, dt.name)} without overflow"
        )
    if steps <= 1:
        arr = np.full(steps, lo, dtype=np.float64)
    else:
        step = kind((hi - lo) / kind(steps - 1))
        idx = np.arange(steps, dtype=np.float64)
        arr = np.where(idx < steps // 2, _fma(step, idx, lo),
                       _fma(-np.float64(step), steps - 1 - idx, hi))
    if dt.category < 2:
        arr = np.trunc(arr)
    return _finish(arr.astype(dt.np), None, _dev(device), requires_grad)


_C_NAMES = {"float16": "c10::Half"}


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad=False) -> Tensor:
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = _float_dtype(dtype)
    return _finish(np.eye(n, m, dtype=dt.np), None, _dev(device), requires_grad)

