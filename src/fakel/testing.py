"""fakel.testing: ``assert_close`` with PyTorch's tolerances and failure messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import _dtype as _dt
from ._tensor import Tensor

__all__ = ["assert_close"]

# (rtol, atol) by dtype, as torch.testing's defaults; other dtypes compare exactly.
_PRECISIONS = {"float16": (0.001, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


class _Fail(Exception):
    def __init__(self, kind, text):
        self.kind, self.text = kind, text


def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol=None, atol=None,
                 equal_nan: bool = False, check_device: bool = True, check_dtype: bool = True,
                 check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise AssertionError unless ``actual`` and ``expected`` are close (as torch.testing's).

    Handles tensors, Python numbers and (nested) sequences and mappings of them. Differs from
    PyTorch: no NumPy-array inputs, strides are never compared (fakel tensors are dense).
    """
    if (rtol is None) ^ (atol is None):
        raise ValueError(
            "Both 'rtol' and 'atol' must be either specified or omitted, "
            f"but got no {'rtol' if rtol is None else 'atol'}."
        )
    opts = (rtol, atol, equal_nan, check_device, check_dtype)
    try:
        _compare(actual, expected, opts, "")
    except _Fail as f:
        text = f.text
        if msg is not None:
            text = msg(text) if callable(msg) else msg
        raise f.kind(text) from None


def _compare(actual, expected, opts, where: str) -> None:
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _where(_compare_tensors, actual, expected, opts, where)
    numbers = (bool, int, float)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        return _where(_compare_numbers, actual, expected, opts, where)
    seqs = isinstance(actual, Sequence) and isinstance(expected, Sequence)
    if seqs and not isinstance(actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Fail(AssertionError, f"The length of the sequences mismatch: {len(actual)} != "
                                        f"{len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, opts, f"{where}[{i}]")
        return None
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        ka, ke = list(actual), list(expected)
        if set(ka) != set(ke):
            raise _Fail(AssertionError, (
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {sorted(set(ke) - set(ka))}\n"
                f"Additional keys in the actual mapping: {sorted(set(ka) - set(ke))}"))
        for k in ke:
            _compare(actual[k], expected[k], opts, f"{where}[{k!r}]")
        return None
    raise _Fail(TypeError, "No comparison pair was able to handle inputs of type "
                           f"{type(actual)} and {type(expected)}.")


def _where(fn, actual, expected, opts, where):
    try:
        fn(actual, expected, opts)
    except _Fail as f:
        if where:
            f.text += f"\n\nThe failure occurred for item {where}"
        raise


def _compare_numbers(actual, expected, opts) -> None:
    rtol, atol, equal_nan = opts[0], opts[1], opts[2]
    if type(actual) is bool or type(expected) is bool:
        if type(actual) is not type(expected):
            raise _Fail(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                        f"{type(expected)}.")
        if actual is not expected:
            raise _Fail(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
        return
    if type(actual) is not type(expected):
        raise _Fail(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                    f"{type(expected)}.")
    if rtol is None:
        rtol, atol = _PRECISIONS["float64"] if type(actual) is float else (0.0, 0.0)
    if actual == expected or (equal_nan and actual != actual and expected != expected):
        return
    diff = abs(actual - expected)
    if diff == diff and diff <= atol + rtol * abs(expected):
        return
    raise _Fail(AssertionError, _scalar_msg(actual, expected, rtol, atol))


def _scalar_msg(actual, expected, rtol, atol) -> str:
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _msg("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None, rtol,
                rel_diff, None, atol)


def _msg(what, extra, abs_diff, abs_idx, rtol, rel_diff, rel_idx, atol) -> str:
    equality = rtol == 0 and atol == 0
    text = f"{what} are not {'equal' if equality else 'close'}!\n\n{extra}\n"
    for kind, diff, idx, tol in (("absolute", abs_diff, abs_idx, atol),
                                 ("relative", rel_diff, rel_idx, rtol)):
        line = (f"{kind.title()} difference: {diff}" if idx is None
                else f"Greatest {kind} difference: {diff} at index {idx}")
        text += line + ("" if equality else f" (up to {tol} allowed)") + "\n"
    return text.strip()


def _compare_tensors(actual, expected, opts) -> None:
    rtol, atol, equal_nan, check_device, check_dtype = opts

    def mismatch(attr, a, e):
        raise _Fail(AssertionError, f"The values for attribute '{attr}' do not match: {a} != {e}.")

    if actual.shape != expected.shape:
        mismatch("shape", actual.shape, expected.shape)
    if check_device and actual.device != expected.device:
        mismatch("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        mismatch("dtype", actual.dtype, expected.dtype)
    a, e = actual.detach().cpu().numpy(), expected.detach().cpu().numpy()
    if a.dtype != e.dtype:
        common = _dt.promote_types(actual.dtype, expected.dtype).np
        a, e = a.astype(common), e.astype(common)
    if rtol is None:
        rtol, atol = (max(p) for p in zip(_PRECISIONS.get(actual.dtype.name, (0.0, 0.0)),
                                          _PRECISIONS.get(expected.dtype.name, (0.0, 0.0))))
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        raise _Fail(AssertionError, _scalar_msg(a.item(), e.item(), rtol, atol))
    n = matches.size
    bad = n - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    af, ef, mf = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if a.dtype.kind in "biu":
        af, ef = af.astype(np.int64), ef.astype(np.int64)
    with np.errstate(all="ignore"):
        abs_diff = np.abs(af - ef)
        abs_diff[mf] = 0
        rel_diff = abs_diff / np.abs(ef)
    if a.dtype.kind in "biu":  # PyTorch divides integers into the default float dtype
        rel_diff = rel_diff.astype(_dt.get_default_dtype().np)
    rel_diff[mf] = 0
    ai, ri = _argmax_nan(abs_diff), _argmax_nan(rel_diff)
    raise _Fail(AssertionError, _msg(
        "Tensor-likes", extra, abs_diff[ai].item(), _index(ai, a.shape), rtol,
        rel_diff[ri].item(), _index(ri, a.shape), atol))


def _index(flat: int, shape) -> tuple:
    return tuple(int(i) for i in np.unravel_index(flat, shape))


def _argmax_nan(x) -> int:
    # torch.max propagates NaN and reports its index; np.argmax does the same for floats.
    return int(np.argmax(x))


def _isclose(a, e, rtol, atol, equal_nan):
    if a.dtype.kind == "b":
        return a == e
    with np.errstate(all="ignore"):
        if a.dtype.kind in "iu":
            a, e = a.astype(np.float64), e.astype(np.float64)
        close = a == e
        if equal_nan:
            close |= np.isnan(a) & np.isnan(e)
        diff = np.abs(a - e)
        close |= np.isfinite(diff) & (diff <= atol + rtol * np.abs(e))
    return close


def __getattr__(name):
    from ._dropin import missing_attribute

    return missing_attribute(__name__, name)
