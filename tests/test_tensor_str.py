"""Tensor repr and print options, compared with PyTorch's text over generated and fixed grids."""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fakel import _dtype, _tensor_str

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
FLOATS = ["float16", "float32", "float64"]


class _Device:
    """Stand-in for fakel.device: only .type and str() are read."""

    __slots__ = ("index", "type")

    def __init__(self, type_: str = "cpu", index: int | None = None):
        self.type = type_
        self.index = index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


class _Tensor:
    """Stand-in for fakel.Tensor carrying exactly the attributes tensor_repr reads."""

    __slots__ = ("_data", "device", "dtype", "grad_fn", "requires_grad")

    def __init__(self, data, grad_fn=None, requires_grad=False, device=None):
        self._data = data
        self.dtype = _dtype.from_np(data.dtype)
        self.device = device or _Device()
        self.grad_fn = grad_fn
        self.requires_grad = requires_grad


_NODES: dict[str, type] = {}


def _node(name: str):
    """An instance of a class called ``name``, standing in for a grad_fn node."""
    if name not in _NODES:
        _NODES[name] = type(name, (), {})
    return _NODES[name]()


def _pair(arr: np.ndarray, grad: str | None = None):
    """The same values as a fakel stand-in and as a torch tensor, optionally with autograd.

    grad: None, 'leaf' (requires_grad=True), or 'Mul'/'Div' (a grad_fn from x * 1 or x / 1,
    which leaves every value as it was, -0.0 and nan included).
    """
    tt = torch.from_numpy(np.array(arr, order="C"))  # ascontiguousarray makes 0-d 1-d
    if grad is None:
        return _Tensor(arr), tt
    if grad == "leaf":
        return _Tensor(arr, requires_grad=True), tt.requires_grad_()
    one = torch.ones((), dtype=tt.dtype, requires_grad=True)
    tt = tt * one if grad == "Mul" else tt / one
    assert type(tt.grad_fn).__name__ == f"{grad}Backward0"
    return _Tensor(arr, grad_fn=_node(f"{grad}Backward0"), requires_grad=True), tt


@contextlib.contextmanager
def _options(**opts):
    """Set the same print options in both libraries; restore the defaults on the way out."""
    try:
        torch.set_printoptions(**opts)
        _tensor_str.set_printoptions(**opts)
        yield
    finally:
        torch.set_printoptions(profile="default")
        _tensor_str.set_printoptions(profile="default")


def _expected(tt: torch.Tensor) -> str:
    return repr(tt).replace("torch.", "fakel.")


def _check(arr: np.ndarray, grad: str | None = None, **opts) -> None:
    ft, tt = _pair(arr, grad)
    with _options(**opts):
        assert _tensor_str.tensor_repr(ft) == _expected(tt)


@pytest.fixture(autouse=True)
def _default_options():
    torch.set_printoptions(profile="default")
    _tensor_str.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    _tensor_str.set_printoptions(profile="default")


# --- observed examples from the reference (section 2.9) -------------------------------------

OBSERVED = [
    (np.float32(0.5463), "tensor(0.5463)"),
    (np.float32(1.0), "tensor(1.)"),
    (np.int64(3), "tensor(3)"),
    (np.bool_(True), "tensor(True)"),
    (np.float64(0.5), "tensor(0.5000, dtype=fakel.float64)"),
    (np.float32([1, 2, 3]), "tensor([1., 2., 3.])"),
    (np.float32([1, 2.5, 3]), "tensor([1.0000, 2.5000, 3.0000])"),
    (np.float32([-1, 2.5]), "tensor([-1.0000,  2.5000])"),
    (np.float32([1e-5, 1]), "tensor([1.0000e-05, 1.0000e+00])"),
    (np.float32([1.5, 1000]), "tensor([   1.5000, 1000.0000])"),
    (np.float32([1e-2, 1e2]), "tensor([1.0000e-02, 1.0000e+02])"),
    (np.float32([np.nan, np.inf, -np.inf, 1.5]), "tensor([   nan,    inf,   -inf, 1.5000])"),
    (np.float32([np.nan, np.inf, 1]), "tensor([nan, inf, 1.])"),
    (np.float32([-0.0, 0.0]), "tensor([-0., 0.])"),
    (np.float32([16777216]), "tensor([16777216.])"),
    (np.float32([0.1, 100]), "tensor([  0.1000, 100.0000])"),
    (np.float32([1e-4, 1]), "tensor([1.0000e-04, 1.0000e+00])"),
    (np.int64(2341234123412341), "tensor(2341234123412341)"),
    (np.float16([1.5, 2]), "tensor([1.5000, 2.0000], dtype=fakel.float16)"),
    (np.int32([1, 2]), "tensor([1, 2], dtype=fakel.int32)"),
    (np.uint8([1, 2]), "tensor([1, 2], dtype=fakel.uint8)"),
    (np.int64([-1, 200]), "tensor([ -1, 200])"),
    (np.bool_([True, False]), "tensor([ True, False])"),
    (np.zeros(0, np.float32), "tensor([])"),
    (np.zeros(0, np.int64), "tensor([], dtype=fakel.int64)"),
    (np.zeros(0, np.bool_), "tensor([], dtype=fakel.bool)"),
    (np.zeros((2, 0), np.float32), "tensor([], size=(2, 0))"),
    (np.zeros((0, 3)), "tensor([], size=(0, 3), dtype=fakel.float64)"),
    (np.arange(1001), "tensor([   0,    1,    2,  ...,  998,  999, 1000])"),
    # Rules beyond section 2.9: widths come from finite non-zero values only.
    (np.float32([-0.0, 1.5]), "tensor([-0.0000, 1.5000])"),
    (np.float32([np.nan, 1]), "tensor([nan, 1.])"),
    (np.float32([-1e-5, 1.5]), "tensor([-1.0000e-05,  1.5000e+00])"),
    (
        np.arange(1000).reshape(10, 100)[:, :2],
        "tensor([[  0,   1],\n"
        + "".join(f"        [{i}00, {i}01],\n" for i in range(1, 9))
        + "        [900, 901]])",
    ),
    (
        np.arange(8).reshape(2, 2, 2),
        "tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])",
    ),
]


@pytest.mark.parametrize(("arr", "text"), OBSERVED)
def test_observed_examples(arr, text):
    ft, tt = _pair(np.asarray(arr))
    assert _tensor_str.tensor_repr(ft) == text
    assert _expected(tt) == text


def test_observed_suffix_examples():
    ft, _ = _pair(np.float32([1, 2]), "leaf")
    assert _tensor_str.tensor_repr(ft) == "tensor([1., 2.], requires_grad=True)"
    ft, _ = _pair(np.float64([2, 4]), "Mul")
    assert (
        _tensor_str.tensor_repr(ft)
        == "tensor([2., 4.], dtype=fakel.float64, grad_fn=<MulBackward0>)"
    )
    ft, tt = _pair(np.float64([0.0394664964, 0.0308770656, 0.0250286068]), "Div")
    with _options(precision=10):
        text = _tensor_str.tensor_repr(ft)
        assert text == _expected(tt)
    assert text == (
        "tensor([0.0394664964, 0.0308770656, 0.0250286068], dtype=fakel.float64,\n"
        "       grad_fn=<DivBackward0>)"
    )


# --- fixed grids ----------------------------------------------------------------------------

_rng = np.random.default_rng(0)

VALUE_SETS = {
    "ints": [0, 1, -2, 3, 100, -7, 42, 5],
    "fracs": [0.5, -1.25, 3.0, 0.1, 7.75, -0.3333, 2.0, 9.99996],
    "wide": [1e-5, 1.0, 3e5, -2e-3, 12345.678, 0.0, -1.0, 6.0],
    "huge": [1e9, -3e10, 1e12, 2.5, 0.0, 1.0, -1e8, 7.0],
    "special": [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0, np.nan],
    "int_special": [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -2.0, 4.0],
    "zeros": [0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0],
    "nonfinite": [np.nan, np.inf, -np.inf, 0.0, np.nan, np.inf, 0.0, -0.0],
    "tiny": [1e-4, 2e-4, -5e-5, 0.001, 0.0, 1e-3, -1e-4, 3e-4],
    "rounding": [9.99995, 99.99995, -0.00004, 0.99999, 0.12345, 1.0, -9.99996, 0.5],
}
SHAPES = [(), (8,), (2, 4), (4, 2), (2, 2, 2), (1, 2, 2, 2), (8, 1)]


def _values(name: str, dtype: str, shape: tuple) -> np.ndarray:
    vals = np.array(VALUE_SETS[name], dtype=np.float64)
    n = math.prod(shape)
    with np.errstate(invalid="ignore", over="ignore"):
        if dtype == "bool":
            return (np.nan_to_num(vals[:n]) > 0.5).reshape(shape)
        if not dtype.startswith("float"):
            info = np.iinfo(dtype)
            clean = np.clip(
                np.nan_to_num(vals[:n], posinf=info.max, neginf=info.min), info.min, info.max
            )
            return clean.astype(dtype).reshape(shape)
        return vals[:n].astype(dtype).reshape(shape)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(VALUE_SETS))
def test_value_grid(dtype, name):
    for shape in SHAPES:
        _check(_values(name, dtype, shape))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3), (0, 2, 3), (3, 1, 0), (1, 0, 1, 2)])
def test_empty(dtype, shape):
    _check(np.zeros(shape, dtype=dtype))
    if dtype in FLOATS:
        _check(np.zeros(shape, dtype=dtype), "leaf")


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_integer_extremes(dtype):
    info = np.iinfo(dtype)
    _check(np.array([info.min, info.max, 0, -1 if info.min else 1], dtype=dtype))
    _check(np.array(info.min, dtype=dtype))
    _check(np.array([[info.max], [1]], dtype=dtype))


@pytest.mark.parametrize(
    "values",
    [
        [65504.0, 6e-8, -1.0],
        [1e-300, 1.0],
        [1e300, -1e-300, 1.0],
        [-1e-120, 5e-3, 1.0],
        [-1e-120, -1.0, 1.0],
        [1e-120, -1.0, 2.0],
        [-1e120, 1e-120, 1.0],
        [1e100, 9.99999e99, -1.0],
        [9.99996e-100, 1.0],
        [-0.0, 1.5],
        [-0.0, 100.25],
        [-0.00001, 2.5],
        [2.0**60, 1.0],
        [1e8, 1.0],
        [1.00000001e8],
        [123456789.0],
        [0.1, 100.0],
        [0.1, 100.5],
    ],
)
@pytest.mark.parametrize("dtype", FLOATS)
def test_float_edges(values, dtype):
    with np.errstate(over="ignore", under="ignore"):
        arr = np.array(values).astype(dtype)
    _check(arr)
    _check(arr, sci_mode=True)
    _check(arr, sci_mode=False)
    _check(arr.reshape(-1, 1))


@pytest.mark.parametrize("fill", [0.0, -0.0, np.nan, np.inf])
def test_no_measurable_value_long_rows(fill):
    # With no finite non-zero value the width stays 1, which sets how many fit on a line.
    _check(np.full(40, fill, dtype=np.float32))
    _check(np.full((2, 30), fill), "Mul", linewidth=50)


def test_non_contiguous_views():
    base = _rng.standard_normal((6, 8)).astype(np.float32)
    for view in (base.T, base[::2, ::-3], base[:, 1], base[::-1], base[3:4, ::2]):
        _check(view)
    big = np.arange(40 * 60, dtype=np.int32).reshape(40, 60)
    _check(big.T[::-1])


LARGE = {
    "arange1001": np.arange(1001),
    "arange1000": np.arange(1000),
    "sevenths": np.arange(2000.0) / 7,
    "square": np.arange(10000).reshape(100, 100),
    "cube": _rng.standard_normal((12, 10, 11)).astype(np.float32),
    "4d": _rng.integers(-50, 50, (5, 7, 6, 8), dtype=np.int16),
    "tall": _rng.standard_normal((1200, 2)).astype(np.float16),
    "wide_row": (_rng.standard_normal((2, 700)) * 1e4).astype(np.float64),
    "bools": _rng.random((40, 30)) > 0.5,
    "uint8": _rng.integers(0, 255, (3, 20, 20), dtype=np.uint8),
}


def _hidden_outlier(arr: np.ndarray) -> np.ndarray:
    """Put nan and a huge value where summarization hides them: they must not change the text."""
    out = arr.astype(np.float32).copy()
    mid = tuple(n // 2 for n in out.shape)
    out[mid] = np.nan
    out.reshape(-1)[out.size // 2 + 1] = 1e30
    return out


@pytest.mark.parametrize("name", list(LARGE))
def test_summarization(name):
    arr = LARGE[name]
    _check(arr)
    _check(arr, edgeitems=1)
    _check(arr, edgeitems=5, linewidth=120)
    _check(arr, edgeitems=0)
    _check(arr, threshold=50, edgeitems=2)
    if arr.dtype.kind == "f":
        _check(arr, "Mul", precision=2)
    if name not in ("bools", "uint8"):
        _check(_hidden_outlier(arr))


def test_full_and_short_profiles():
    _check(np.arange(1500.0).reshape(30, 50) / 3, profile="full")
    _check(np.arange(1500.0).reshape(30, 50) / 3, profile="short")
    _check(np.arange(1500.0), profile="short", precision=6)


def test_edgeitems_zero_small_tensors():
    for arr in (np.float32(2.5), np.float32([1, 2]), np.int8([[1, 2]]), np.zeros((2, 0))):
        _check(arr, edgeitems=0)
        _check(arr, threshold=0, edgeitems=0)
    _check(np.float32(2.5), threshold=0)


@pytest.mark.parametrize("linewidth", [1, 10, 20, 33, 40, 50, 79, 80, 81, 100, 200])
def test_linewidth_and_suffix_wrapping(linewidth):
    vals = _rng.standard_normal(23)
    _check(vals, "Div", linewidth=linewidth)
    _check(vals.reshape(1, 23).astype(np.float16), "leaf", linewidth=linewidth)
    _check(np.arange(30, dtype=np.int32).reshape(3, 10), linewidth=linewidth)
    _check(np.float64(1.5), "Mul", linewidth=linewidth)


def test_suffix_wrap_boundary():
    # Lengths around column 80 probe the +2 in PyTorch's last-line bookkeeping.
    for n in range(1, 12):
        _check(np.arange(n, dtype=np.float64) + 0.5, "Mul")
        _check(np.arange(n, dtype=np.int32), precision=9)
        _check(np.full(n, 1.25, dtype=np.float16), "Div", precision=6)


def test_device_suffix():
    ft = _Tensor(np.float32([1, 2]), device=_Device("cuda", 0))
    assert _tensor_str.tensor_repr(ft) == "tensor([1., 2.], device='cuda:0')"
    ft = _Tensor(np.zeros((2, 0), np.int64), device=_Device("cuda", 1), requires_grad=True)
    assert _tensor_str.tensor_repr(ft) == (
        "tensor([], device='cuda:1', size=(2, 0), dtype=fakel.int64, requires_grad=True)"
    )
    ft = _Tensor(
        np.arange(21, dtype=np.float64) * 1.5,
        grad_fn=_node("MulBackward0"),
        device=_Device("cuda", 0),
    )
    assert _tensor_str.tensor_repr(ft) == (
        "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
        "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
        "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000], device='cuda:0',\n"
        "       dtype=fakel.float64, grad_fn=<MulBackward0>)"
    )


def test_device_data_with_get():
    class _HostOnly:
        """Mimics a CuPy array: not an ndarray, but .get() returns one."""

        dtype = np.dtype(np.float32)

        def get(self):
            return np.float32([[1, 2], [3, 4]])

    ft = _Tensor(np.float32([[1, 2], [3, 4]]))
    ft._data = _HostOnly()
    assert _tensor_str.tensor_repr(ft) == "tensor([[1., 2.],\n        [3., 4.]])"


@pytest.mark.parametrize("default", ["float64", "float16"])
def test_default_dtype(default):
    old_torch, old_fakel = torch.get_default_dtype(), _dtype.get_default_dtype()
    try:
        torch.set_default_dtype(getattr(torch, default))
        _dtype.set_default_dtype(getattr(_dtype, default))
        for dtype in ("float16", "float32", "float64", "int64", "bool"):
            _check(np.ones((2, 2), dtype=dtype))
            _check(np.ones((0, 2), dtype=dtype))
    finally:
        torch.set_default_dtype(old_torch)
        _dtype.set_default_dtype(old_fakel)


def test_printoptions_round_trip():
    calls = [
        {"precision": 7},
        {"threshold": 10, "edgeitems": 1},
        {"profile": "short"},
        {"profile": "full", "linewidth": 120},
        {"sci_mode": True},
        {"profile": "nonsense", "precision": 3},
        {},
    ]
    for kwargs in calls:
        torch.set_printoptions(**kwargs)
        _tensor_str.set_printoptions(**kwargs)
        assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    saved = _tensor_str.get_printoptions()
    _tensor_str.set_printoptions(profile="default")
    _tensor_str.set_printoptions(**saved)
    assert _tensor_str.get_printoptions() == saved
    saved["precision"] = 99  # a copy: changing it does not change the options
    assert _tensor_str.get_printoptions()["precision"] != 99


# --- generated tensors ----------------------------------------------------------------------

_FLOAT_ELEMENTS = {
    "unit": st.floats(-1, 1),
    "moderate": st.floats(-1e4, 1e4),
    "integral": st.integers(-(10**6), 10**6).map(float),
    "any": st.floats(allow_nan=True, allow_infinity=True),
    "tiny": st.floats(-1e-3, 1e-3),
    "special": st.sampled_from([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 1e-4, 1e8, 0.1]),
    "mixed": st.one_of(
        st.floats(-1e3, 1e3), st.sampled_from([np.nan, np.inf, -0.0]), st.floats(-1e12, 1e12)
    ),
}


@st.composite
def _arrays(draw):
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6))
    if dtype == "bool":
        elements = st.booleans()
    elif dtype.startswith("float"):
        elements = _FLOAT_ELEMENTS[draw(st.sampled_from(sorted(_FLOAT_ELEMENTS)))]
        if dtype == "float16":
            elements = elements.map(lambda x: float(np.float16(x)) if abs(x) < 65504 else x)
    else:
        info = np.iinfo(dtype)
        lo, hi = int(info.min), int(info.max)
        bound = draw(st.sampled_from([10, 1000, hi]))
        elements = st.integers(max(lo, -bound), min(hi, bound))
    with np.errstate(over="ignore"):
        arr = draw(hnp.arrays(np.dtype(dtype), shape, elements=elements))
    if arr.ndim >= 2 and draw(st.booleans()):
        arr = arr.swapaxes(0, -1)  # a non-contiguous view
    return arr


_OPTION_SETS = st.fixed_dictionaries(
    {},
    optional={
        "precision": st.integers(0, 10),
        "threshold": st.sampled_from([0, 5, 20, 100, 1000]),
        "edgeitems": st.integers(0, 4),
        "linewidth": st.integers(10, 150),
        "sci_mode": st.sampled_from([None, True, False]),
        "profile": st.sampled_from(["default", "short", "full"]),
    },
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(arr=_arrays(), opts=_OPTION_SETS, grad=st.sampled_from([None, "leaf", "Mul", "Div"]))
def test_generated(arr, opts, grad):
    if arr.dtype.kind != "f":
        grad = None
    _check(arr, grad, **opts)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shape=st.sampled_from([(1001,), (40, 30), (3, 400), (11, 10, 10), (2, 3, 13, 13)]),
    dtype=st.sampled_from(DTYPES),
    seed=st.integers(0, 2**16),
    opts=_OPTION_SETS,
)
def test_generated_large(shape, dtype, seed, opts):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        arr = rng.random(shape) > 0.5
    elif dtype.startswith("float"):
        with np.errstate(over="ignore"):  # float16 overflows to inf, a value worth printing
            arr = (rng.standard_normal(shape) * 10.0 ** rng.integers(-6, 7)).astype(dtype)
    else:
        arr = rng.integers(
            np.iinfo(dtype).min, np.iinfo(dtype).max, shape, dtype=dtype, endpoint=True
        )
    _check(arr, **opts)
