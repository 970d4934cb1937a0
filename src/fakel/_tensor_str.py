"""repr/str of tensors by PyTorch 2.13's rules, and the print options that steer them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _dtype

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# One mutable dict, in PyTorch's key order, so that get_printoptions() round-trips into
# set_printoptions(**opts).
_OPTS: dict[str, Any] = {**_PROFILES["default"], "sci_mode": None}

_PREFIX = "tensor("
_INDENT = len(_PREFIX)


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the options for printing tensors, as torch.set_printoptions.

    As in PyTorch, an unknown profile is ignored, and ``sci_mode`` is reset to None (automatic)
    whenever it is not passed.
    """
    if profile in _PROFILES:
        _OPTS.update(_PROFILES[profile])
    if precision is not None:
        _OPTS["precision"] = precision
    if threshold is not None:
        _OPTS["threshold"] = threshold
    if edgeitems is not None:
        _OPTS["edgeitems"] = edgeitems
    if linewidth is not None:
        _OPTS["linewidth"] = linewidth
    _OPTS["sci_mode"] = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as a dict that can be passed back to set_printoptions."""
    return dict(_OPTS)


def tensor_repr(t: Any) -> str:
    """PyTorch's repr of ``t``, with ``fakel.`` dtypes; str(t) is the same text.

    Reads ``t._data``, ``t.dtype``, ``t.device``, ``t.grad_fn`` and ``t.requires_grad`` only.
    """
    a = _host(t._data)
    dt = t.dtype
    opts = _OPTS
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    default_name = _dtype.get_default_dtype().name
    if a.size == 0:
        # Nothing shows the dtype of an empty tensor, so every non-default one is printed.
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt.name != default_name:
            suffixes.append(f"dtype={dt!r}")
        body = "[]"
    else:
        if not opts["edgeitems"]:
            # PyTorch adds the size whenever edgeitems is 0, summarized or not: a summarized body
            # is then only "[...]", and the shape is the one clue left.
            suffixes.append(f"size={tuple(a.shape)}")
        if dt.name != default_name and dt.name != "int64" and dt.name != "bool":
            suffixes.append(f"dtype={dt!r}")
        body = _body(a, dt.is_floating_point, opts)
    grad_fn = t.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(_PREFIX + body, suffixes, opts["linewidth"])


def _host(a: Any) -> np.ndarray:
    """A NumPy view of a backend array (CuPy arrays are copied to the host)."""
    if isinstance(a, np.ndarray):
        return a
    get = getattr(a, "get", None)
    return np.asarray(get() if get is not None else a)


def _body(a: np.ndarray, floating: bool, opts: dict[str, Any]) -> str:
    """The bracketed values of a non-empty array, summarized past the threshold."""
    edge = opts["edgeitems"]
    summarize = a.size > opts["threshold"]
    if summarize and not edge and a.ndim:
        return "[...]"
    # An axis is cut when it is longer than its two edges; the formatter then sees only the
    # values that are shown, so one outlier in the hidden middle cannot change the layout.
    cut = [summarize and n > 2 * edge for n in a.shape]
    for axis, c in enumerate(cut):
        if c:
            n = a.shape[axis]
            a = a.take(np.r_[0:edge, n - edge : n], axis=axis)
    flat = a.ravel().tolist()
    if floating:
        strs, width = _format_floats(a, flat, opts["precision"], opts["sci_mode"])
    else:
        strs = [str(v) for v in flat]
        width = max(map(len, strs))
        strs = [s.rjust(width) for s in strs]
    if a.ndim == 0:
        return strs[0]
    return _layout(strs, a.shape, cut, edge, width, opts["linewidth"])


def _format_floats(
    a: np.ndarray, flat: list, precision: int, sci_opt: bool | None
) -> tuple[list, int]:
    """Format every value with one layout for the tensor; return the strings and their width.

    The mode comes from the finite non-zero values only, taken at the tensor's own precision
    (so float32 1e-4, stored as 9.99999975e-05, is below the 1e-4 limit and goes scientific).
    """
    v = a.ravel()
    nz = v[np.isfinite(v) & (v != 0)]
    if nz.size == 0:
        # No value to measure: integral style, and the width stays 1 (nan/inf are not padded).
        return [f"{x:.0f}." if math.isfinite(x) else f"{x:.0f}" for x in flat], 1
    lo_v, hi_v = float(nz.min()), float(nz.max())
    mag = np.abs(nz)
    lo, hi = float(mag.min()), float(mag.max())
    int_mode = bool((np.ceil(nz) == nz).all())
    if sci_opt is None:
        sci = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
    else:
        sci = sci_opt
    # Formatting all values to find the widest costs as much as printing them. A formatted
    # value's length grows with |x| (plus one for a minus sign), so the widest is the largest or
    # the smallest value. In scientific mode a three-digit exponent (1e-120) can also come from
    # the value nearest zero: on the positive side that is the smallest value whenever no
    # negative (with its longer sign) competes, so only the negative side needs a look.
    cands = {lo_v, hi_v}
    if sci:
        if lo_v < 0.0 < hi_v:
            cands.add(float(nz[nz < 0].max()))
        spec = f".{precision}e"
        width = max(1, max(len(format(x, spec)) for x in cands))
        return [format(x, f"{width}{spec}") for x in flat], width
    if int_mode:
        width = max(1, max(len(format(x, ".0f")) + 1 for x in cands))
        strs = [f"{x:.0f}." if math.isfinite(x) else f"{x:.0f}" for x in flat]
        return [s.rjust(width) for s in strs], width
    spec = f".{precision}f"
    width = max(1, max(len(format(x, spec)) for x in cands))
    return [format(x, f"{width}{spec}") for x in flat], width


def _layout(strs: list, shape: tuple, cut: list, edge: int, width: int, linewidth: int) -> str:
    """Nest the formatted values into brackets, innermost axis first."""
    ndim = len(shape)
    indent = _INDENT + ndim - 1
    per_line = max(1, math.floor((linewidth - indent) / (width + 2)))
    wrap = ",\n" + " " * (indent + 1)
    n = shape[-1]
    blocks = []
    for i in range(0, len(strs), n):
        row = strs[i : i + n]
        if cut[-1]:
            row[edge:edge] = [" ..."]
        if len(row) <= per_line:
            blocks.append("[" + ", ".join(row) + "]")
        else:
            lines = [", ".join(row[j : j + per_line]) for j in range(0, len(row), per_line)]
            blocks.append("[" + wrap.join(lines) + "]")
    for axis in range(ndim - 2, -1, -1):
        # Blocks of a k-d tensor are separated by k-1 line breaks: a blank line between matrices.
        sep = "," + "\n" * (ndim - 1 - axis) + " " * (_INDENT + axis + 1)
        n = shape[axis]
        grouped = []
        for i in range(0, len(blocks), n):
            group = blocks[i : i + n]
            if cut[axis]:
                group[edge:edge] = ["..."]
            grouped.append("[" + sep.join(group) + "]")
        blocks = grouped
    return blocks[0]


def _add_suffixes(s: str, suffixes: list, linewidth: int) -> str:
    """Append ``, name=value`` suffixes, wrapping to a new line past the line width."""
    if not suffixes:
        return s + ")"
    # PyTorch counts the last line two characters longer than it is (rfind gives -1 on a one-line
    # string, and +1 is added); kept, as it decides where suffixes wrap.
    last = len(s) - s.rfind("\n") + 1
    parts = [s]
    for suffix in suffixes:
        n = len(suffix)
        if last + n + 2 > linewidth:
            parts.append(",\n" + " " * _INDENT + suffix)
            last = _INDENT + n
        else:
            parts.append(", " + suffix)
            last += n + 2
    parts.append(")")
    return "".join(parts)
