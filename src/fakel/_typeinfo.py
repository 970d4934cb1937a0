"""finfo and iinfo: the numeric limits of fakel's dtypes, printed as PyTorch prints them."""

from __future__ import annotations

import numpy as np

from . import _dtype as _dt


class finfo:  # noqa: N801 - PyTorch's name
    """Limits of a floating-point dtype (the default dtype when none is given)."""

    def __init__(self, type=None):
        dt = _dt.get_default_dtype() if type is None else _dt.to_dtype(type)
        if dt.np.kind != "f":
            p = _dt._PREFIX[0]
            raise TypeError(
                f"{p}.finfo() requires a floating point input type. Use {p}.iinfo to handle "
                f"'{p}.finfo'"
            )
        f = np.finfo(dt.np)
        self.bits = int(f.bits)
        self.eps = float(f.eps)
        self.max = float(f.max)
        self.min = float(f.min)
        self.tiny = self.smallest_normal = float(f.tiny)
        self.resolution = float(f.resolution)
        self.dtype = dt.np.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 - PyTorch's name
    """Limits of an integer dtype."""

    def __init__(self, type):
        dt = _dt.to_dtype(type)
        if dt.np.kind == "b":
            p = _dt._PREFIX[0]
            raise TypeError(f"{p}.bool is not supported by {p}.iinfo")
        if dt.np.kind not in "iu":
            p = _dt._PREFIX[0]
            raise TypeError(
                f"{p}.iinfo() requires an integer input type. Use {p}.finfo to handle "
                f"'{p}.iinfo'"
            )
        i = np.iinfo(dt.np)
        self.bits = int(i.bits)
        self.max = int(i.max)
        self.min = int(i.min)
        self.dtype = dt.np.name

    def __repr__(self) -> str:
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"
