"""dtype objects, Python-type mapping, the default dtype and PyTorch's type promotion as a table."""

from __future__ import annotations

import builtins as _builtins

import numpy as np

# Printed module prefix of dtypes ('fakel.float32'); install_as_torch() may switch it to 'torch'.
_PREFIX = ["fakel"]

_BOOL, _INT, _FLOAT = 0, 1, 2  # promotion categories: bool < integer < floating


class dtype:
    """A tensor element type; prints as ``fakel.float32``. Immutable, compared by identity."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_signed", "category",
                 "is_complex", "_legacy", "_scalar_name")

    def __init__(self, name, np_dtype, category, legacy, scalar_name):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_floating_point = category == _FLOAT
        self.is_complex = False
        self.is_signed = name not in ("bool", "uint8")
        self._legacy = legacy  # 'FloatTensor', for error messages and Tensor.type()
        self._scalar_name = scalar_name  # 'Float', used in PyTorch's error messages

    def __repr__(self):
        return f"{_PREFIX[0]}.{self.name}"

    def __reduce__(self):
        return self.name

    def legacy_name(self) -> str:
        """'fakel.FloatTensor': the legacy type name PyTorch's messages use."""
        return f"{_PREFIX[0]}.{self._legacy}"

    def to_real(self):
        return self

    def to_complex(self):
        raise NotImplementedError("complex dtypes are not implemented in fakel")


dtype.__module__ = "fakel"

bool = dtype("bool", np.bool_, _BOOL, "BoolTensor", "Bool")  # noqa: A001
uint8 = dtype("uint8", np.uint8, _INT, "ByteTensor", "Byte")
int8 = dtype("int8", np.int8, _INT, "CharTensor", "Char")
int16 = dtype("int16", np.int16, _INT, "ShortTensor", "Short")
int32 = dtype("int32", np.int32, _INT, "IntTensor", "Int")
int64 = dtype("int64", np.int64, _INT, "LongTensor", "Long")
float16 = dtype("float16", np.float16, _FLOAT, "HalfTensor", "Half")
float32 = dtype("float32", np.float32, _FLOAT, "FloatTensor", "Float")
float64 = dtype("float64", np.float64, _FLOAT, "DoubleTensor", "Double")

# PyTorch's aliases.
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
FLOATS = (float16, float32, float64)
_FROM_NP = {d.np: d for d in ALL}
_FROM_PY = {_builtins.bool: bool, _builtins.int: int64, _builtins.float: float64}

_default = [float32]


def from_np(np_dtype) -> dtype:
    """The fakel dtype of a NumPy dtype (raises TypeError for kinds fakel lacks)."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        d = np.dtype(np_dtype)
        if d in _FROM_NP:
            return _FROM_NP[d]
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{d.name}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(d) -> dtype:
    """Accept a fakel dtype, a Python type (float/int/bool), or a NumPy dtype-like."""
    if d.__class__ is dtype:
        return d
    py = _FROM_PY.get(d)
    if py is not None:
        return py
    if isinstance(d, str):
        raise TypeError(f"dtype must be a fakel.dtype, got the string {d!r}")
    try:
        return from_np(np.dtype(d))
    except TypeError:
        raise TypeError(f"expected a fakel.dtype, got {d!r}") from None


def get_default_dtype() -> dtype:
    return _default[0]


def set_default_dtype(d) -> None:
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def _build_table():
    order = ALL
    table = {}
    for a in order:
        for b in order:
            if a is b:
                r = a
            elif a.category != b.category:
                r = a if a.category > b.category else b
            elif a.category == _INT and {a.name, b.name} == {"uint8", "int8"}:
                r = int16
            elif a.category == _INT and "uint8" in (a.name, b.name):
                other = b if a is uint8 else a
                r = other  # uint8 with a wider signed int: the signed int holds every uint8
            else:
                r = a if a.itemsize >= b.itemsize else b
            table[a, b] = r
    return table


_PROMOTE = _build_table()


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both can be cast to, as torch.promote_types."""
    return _PROMOTE[a, b]


def can_cast(from_: dtype, to: dtype) -> _builtins.bool:
    """Same-kind casting, as torch.can_cast: no cast to a lower category."""
    return from_.category <= to.category

