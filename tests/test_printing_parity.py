"""Print parity on real fakel tensors: repr(fakel t) == repr(torch t) with 'torch.' read 'fakel.'.

test_tensor_str.py checks the formatter on stand-ins; here the tensors come from fakel's own
factories and ops, so dtype mapping, grad_fn names, requires_grad and print options are all in
the path. Values are made identical in both libraries before printing, so that only printing is
compared.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fakel

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
FLOATS = ["float16", "float32", "float64"]

OPTION_SETS = [
    {},
    {"precision": 2},
    {"precision": 0},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"linewidth": 40},
    {"linewidth": 120},
    {"threshold": 5},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 10, "edgeitems": 2},
    {"profile": "short"},
    {"profile": "full"},
    {"precision": 2, "sci_mode": True, "linewidth": 50},
]


@pytest.fixture(autouse=True)
def _default_options():
    torch.set_printoptions(profile="default")
    fakel.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    fakel.set_printoptions(profile="default")


@contextlib.contextmanager
def _options(**opts):
    try:
        torch.set_printoptions(**opts)
        fakel.set_printoptions(**opts)
        yield
    finally:
        torch.set_printoptions(profile="default")
        fakel.set_printoptions(profile="default")


def _expected(obj) -> str:
    return repr(obj).replace("torch.", "fakel.")


def _check_text(tt, ft) -> None:
    assert repr(ft) == _expected(tt)
    assert str(ft) == repr(ft)


def _pair(arr: np.ndarray, grad: str | None = None):
    """The same values as a torch and a fakel tensor, built through each library's own API.

    grad: None; 'leaf' (requires_grad=True); or 'mul', 'sum', 'exp', 'neg' for a result with that
    grad_fn. Results keep their grad_fn, and get fakel's values in both, so that a last-ulp
    difference in an op cannot show up as a printing difference.
    """
    arr = np.array(arr, order="C")
    tt = torch.tensor(arr)
    ft = fakel.tensor(arr)
    if grad is None:
        return tt, ft
    tt.requires_grad_()
    ft.requires_grad_()
    if grad == "leaf":
        return tt, ft
    t_op, f_op = {
        "mul": (lambda x: x * 2, lambda x: x * 2),
        "sum": (lambda x: x.sum(), lambda x: x.sum()),
        "exp": (lambda x: x.exp(), lambda x: x.exp()),
        "neg": (lambda x: -x, lambda x: -x),
        "div": (lambda x: x / 3, lambda x: x / 3),
    }[grad]
    with np.errstate(all="ignore"):
        t_res, f_res = t_op(tt), f_op(ft)
    t_res.data.copy_(torch.from_numpy(np.array(f_res.detach().numpy(), order="C")))
    assert type(f_res.grad_fn).__name__ == type(t_res.grad_fn).__name__
    return t_res, f_res


def _check(arr, grad=None, **opts) -> None:
    tt, ft = _pair(arr, grad)
    with _options(**opts):
        _check_text(tt, ft)


# --- hypothesis ---------------------------------------------------------------------------------


def _elements(dtype: str):
    if dtype == "bool":
        return st.booleans()
    if not dtype.startswith("float"):
        info = np.iinfo(dtype)
        return st.one_of(
            st.integers(-9, 9).filter(lambda v: info.min <= v <= info.max),
            st.integers(int(info.min), int(info.max)),
        )
    width = {"float16": 16, "float32": 32, "float64": 64}[dtype]

    def exact(v: float) -> float:  # the nearest value of this dtype, so that arrays() accepts it
        with np.errstate(over="ignore"):
            return float(np.asarray(v, dtype=dtype))

    special = [0.0, -0.0, float("nan"), float("inf"), -float("inf"), 1e-5, 1e8, 123456.75]
    return st.one_of(
        st.floats(-10, 10, width=width),
        st.integers(-1000, 1000).map(float),
        st.floats(width=width),
        st.floats(1e-6, 1e-3).map(exact),
        st.floats(1e4, 1e12).map(exact),
        st.sampled_from([exact(v) for v in special]),
    )


def _arrays(dtype: str, max_dims: int = 4):
    return hnp.arrays(
        np.dtype(dtype),
        hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=5),
        elements=_elements(dtype),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_generated(dtype, data):
    arr = data.draw(_arrays(dtype))
    _check(arr)


@pytest.mark.parametrize("grad", ["leaf", "mul", "sum", "exp", "neg", "div"])
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_generated_with_grad(dtype, grad, data):
    arr = data.draw(_arrays(dtype, max_dims=3))
    _check(arr, grad)


@pytest.mark.parametrize(
    "opts", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default"
)
@given(data=st.data())
def test_generated_with_options(opts, data):
    dtype = data.draw(st.sampled_from(DTYPES))
    arr = data.draw(_arrays(dtype, max_dims=3))
    grad = data.draw(st.sampled_from([None, "leaf", "mul"])) if dtype in FLOATS else None
    _check(arr, grad, **opts)


# --- grids -------------------------------------------------------------------------------------

VALUES = {
    "small": [0.5, -1.25, 3.0, 0.1, 7.75, -0.3333, 2.0, 9.99996],
    "integral": [0.0, 1.0, -2.0, 3.0, 100.0, -7.0, 42.0, 5.0],
    "large": [1e9, -3e10, 1e12, 2.5, 0.0, 1.0, -1e8, 7.0],
    "tiny": [1e-4, 2e-4, -5e-5, 0.001, 0.0, 1e-3, -1e-4, 3e-4],
    "mixed": [1e-5, 1.0, 3e5, -2e-3, 12345.678, 0.0, -1.0, 6.0],
    "nonfinite": [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0, np.nan],
    "nonfinite_integral": [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -2.0, 4.0],
    "zeros": [0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0],
}
SHAPES = [(), (1,), (8,), (2, 4), (4, 2), (2, 2, 2), (1, 2, 2, 2), (8, 1)]


def _cast(vals, dtype: str, shape: tuple) -> np.ndarray:
    vals = np.array(vals, dtype=np.float64)[: int(np.prod(shape))]
    with np.errstate(invalid="ignore", over="ignore"):
        if dtype == "bool":
            return (np.nan_to_num(vals) > 0.5).reshape(shape)
        if not dtype.startswith("float"):
            info = np.iinfo(dtype)
            vals = np.clip(
                np.nan_to_num(vals, posinf=info.max, neginf=info.min), info.min, info.max
            )
        return vals.astype(dtype).reshape(shape)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(VALUES))
def test_value_grid(name, dtype):
    for shape in SHAPES:
        _check(_cast(VALUES[name], dtype, shape))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(VALUES))
@pytest.mark.parametrize("grad", ["leaf", "mul", "sum", "neg"])
def test_value_grid_with_grad(name, dtype, grad):
    for shape in [(), (8,), (2, 4), (2, 2, 2)]:
        _check(_cast(VALUES[name], dtype, shape), grad)


@pytest.mark.parametrize(
    "opts", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default"
)
@pytest.mark.parametrize("name", sorted(VALUES))
def test_value_grid_with_options(name, opts):
    for dtype in ("float32", "float64", "int64", "float16"):
        for shape in [(8,), (2, 4), (2, 2, 2)]:
            _check(_cast(VALUES[name], dtype, shape), **opts)


LARGE_SHAPES = [
    (1001,),
    (2000,),
    (40, 30),
    (3, 400),
    (2, 3, 200),
    (11, 11, 11),
    (7, 7, 7, 7),
    (1000,),
    (10, 100),
    (1, 1001),
    (1001, 1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", LARGE_SHAPES, ids=str)
def test_large(shape, dtype):
    rng = np.random.default_rng([len(shape), int(np.prod(shape)), DTYPES.index(dtype)])
    n = int(np.prod(shape))
    if dtype == "bool":
        arr = rng.random(n) > 0.5
    elif dtype.startswith("float"):
        arr = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4)).astype(dtype)
        arr[rng.integers(0, n, 3)] = [np.nan, np.inf, -1e-7]
    else:
        info = np.iinfo(dtype)
        arr = rng.integers(max(info.min, -(10**6)), min(info.max, 10**6), n).astype(dtype)
    _check(arr.reshape(shape))


@pytest.mark.parametrize(
    "opts",
    [
        {},
        {"threshold": 100, "edgeitems": 1},
        {"edgeitems": 5},
        {"linewidth": 60, "precision": 3},
        {"profile": "short"},
    ],
    ids=str,
)
@pytest.mark.parametrize("shape", [(1001,), (40, 30), (2, 3, 200)], ids=str)
def test_large_with_options_and_grad(shape, opts):
    arr = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) / 7
    for grad in (None, "leaf", "mul", "sum"):
        _check(arr, grad, **opts)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3), (0, 2, 3), (3, 1, 0)], ids=str)
def test_empty(shape, dtype):
    _check(np.zeros(shape, dtype=dtype))
    if dtype in FLOATS:
        _check(np.zeros(shape, dtype=dtype), "leaf")
        _check(np.zeros(shape, dtype=dtype), "mul")


# --- tensors made by fakel's own factories and ops ----------------------------------------------

MADE = {
    "arange_float": lambda lib: lib.arange(2000.0) / 7,
    "arange_int": lambda lib: lib.arange(1001),
    "arange_2d": lambda lib: lib.arange(10000).reshape(100, 100),
    "arange_3d": lambda lib: lib.arange(8).reshape(2, 2, 2),
    "linspace": lambda lib: lib.linspace(0, 43.5, 30),
    "eye": lambda lib: lib.eye(3),
    "eye_int": lambda lib: lib.eye(3, dtype=lib.int32),
    "zeros_f64": lambda lib: lib.zeros(2, 3, dtype=lib.float64),
    "ones_bool": lambda lib: lib.ones(2, dtype=lib.bool),
    "full_nan": lambda lib: lib.full((3,), float("nan")),
    "full_uint8": lambda lib: lib.full((2, 2), 7, dtype=lib.uint8),
    "empty_f64": lambda lib: lib.zeros(0, 3, dtype=lib.float64),
    "leaf": lambda lib: lib.ones(2, requires_grad=True),
    "leaf_0d": lambda lib: lib.tensor(1.0, requires_grad=True),
    "leaf_f64": lambda lib: lib.tensor([1.5], dtype=lib.float64, requires_grad=True),
    "mul": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2,
    "mul_f64": lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True) * 2,
    "sum": lambda lib: lib.tensor([1.0, 2.0, 3.0], requires_grad=True).sum(),
    "sum_dim": lambda lib: lib.ones(2, 3, requires_grad=True).sum(1),
    "mean": lambda lib: lib.ones(2, 3, requires_grad=True).mean(),
    "exp": lambda lib: lib.zeros(3, requires_grad=True).exp(),
    "div": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) / 4,
    "sub": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) - 1,
    "add": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) + 1,
    "pow": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) ** 2,
    "neg": lambda lib: -lib.tensor([1.0, 2.0], requires_grad=True),
    "relu": lambda lib: lib.relu(lib.tensor([-1.0, 2.0], requires_grad=True)),
    "transpose": lambda lib: lib.ones(2, 3, requires_grad=True).t(),
    "reshape": lambda lib: lib.ones(2, 3, requires_grad=True).reshape(3, 2),
    "index": lambda lib: lib.ones(2, 3, requires_grad=True)[0],
    "matmul": lambda lib: lib.ones(2, 3, requires_grad=True) @ lib.ones(3, 2),
    "clone": lambda lib: lib.ones(2, requires_grad=True).clone(),
    "max_dim_values": lambda lib: (
        lib.tensor([[5.0, 1.0], [3.0, 3.0]], requires_grad=True).max(1).values
    ),
    "detach": lambda lib: (lib.ones(2, requires_grad=True) * 2).detach(),
    "no_grad_result": lambda lib: _no_grad_mul(lib),
    "int_result": lambda lib: lib.tensor([1, 2]) * 3,
    "bool_result": lambda lib: lib.tensor([1.0, 2.0]) > 1,
    "float16_result": lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float16) * 2,
    "transposed_view": lambda lib: lib.arange(6.0).reshape(2, 3).t(),
    "strided_view": lambda lib: lib.arange(12).reshape(3, 4)[:, ::2],
    "expanded": lambda lib: lib.tensor([[1.5], [2.0]]).expand(2, 3),
    "long_row_wrap": lambda lib: lib.arange(30) * 1.5,
    "suffix_wrap": lambda lib: (
        lib.tensor(
            [0.0394664964, 0.0308770656, 0.0250286068], dtype=lib.float64, requires_grad=True
        )
        / 1
    ),
    "max_return_type": lambda lib: lib.tensor([[1, 5], [3, 0]]).max(1),
    "min_return_type_grad": lambda lib: lib.tensor(
        [[1.0, 5.0], [3.0, 0.0]], requires_grad=True
    ).min(0),
    "max_return_type_keepdim": lambda lib: lib.tensor([[1, 5], [3, 0]]).max(1, keepdim=True),
    "max_return_type_0d": lambda lib: lib.tensor(4).max(0),
}


def _no_grad_mul(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.no_grad():
        return x * 2


@pytest.mark.parametrize("name", sorted(MADE))
def test_made_by_the_library(name):
    t, f = MADE[name](torch), MADE[name](fakel)
    assert repr(f) == _expected(t)
    assert str(f) == repr(f)


@pytest.mark.parametrize("opts", OPTION_SETS, ids=str)
def test_made_by_the_library_with_options(opts):
    for name in ("arange_float", "arange_2d", "suffix_wrap", "long_row_wrap", "mul", "leaf"):
        t, f = MADE[name](torch), MADE[name](fakel)
        with _options(**opts):
            assert repr(f) == _expected(t), name


@pytest.mark.parametrize("precision", [10, 12])
def test_suffix_wrapped_at_column_80(precision):
    t = MADE["suffix_wrap"](torch)
    f = MADE["suffix_wrap"](fakel)
    with _options(precision=precision):
        assert repr(f) == _expected(t)
        assert "\n       grad_fn=<DivBackward0>)" in repr(f)


@pytest.mark.parametrize("opts", OPTION_SETS, ids=str)
def test_print_options_match_torchs_state(opts):
    # torch keeps its options in torch._tensor_str.PRINT_OPTS; fakel returns them as a dict.
    with _options(**opts):
        t = vars(torch._tensor_str.PRINT_OPTS)
        f = fakel.get_printoptions()
        assert {k: f[k] for k in t} == t


@pytest.mark.parametrize("default", ["float64", "float16"])
def test_default_dtype_changes_the_suffix(default):
    try:
        torch.set_default_dtype(getattr(torch, default))
        fakel.set_default_dtype(getattr(fakel, default))
        for make in (
            lambda lib: lib.tensor([1.5, 2.0]),
            lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float32),
            lambda lib: lib.zeros(0, dtype=lib.float32),
            lambda lib: lib.zeros(0),
            lambda lib: lib.tensor([1.5], requires_grad=True) * 2,
        ):
            assert repr(make(fakel)) == _expected(make(torch))
    finally:
        torch.set_default_dtype(torch.float32)
        fakel.set_default_dtype(fakel.float32)


# --- reprs of the other objects -----------------------------------------------------------------

OTHER = {
    "dtypes": lambda lib: [repr(getattr(lib, d)) for d in DTYPES],
    "dtype_str": lambda lib: [str(getattr(lib, d)) for d in DTYPES],
    "dtype_aliases": lambda lib: [
        repr(getattr(lib, d)) for d in ("float", "double", "half", "long", "int", "short")
    ],
    "dtype_of_tensor": lambda lib: repr(lib.tensor([1], dtype=lib.int8).dtype),
    "size": lambda lib: repr(lib.Size([2, 3])),
    "size_empty": lambda lib: repr(lib.Size([])),
    "size_one": lambda lib: repr(lib.Size([7])),
    "size_str": lambda lib: str(lib.zeros(2, 1, 3).shape),
    "size_of_0d": lambda lib: repr(lib.tensor(1.0).shape),
    "size_in_list": lambda lib: repr([lib.zeros(1).shape, lib.zeros(2, 2).shape]),
    "device_cpu": lambda lib: repr(lib.device("cpu")),
    "device_cuda": lambda lib: repr(lib.device("cuda:0")),
    "device_cuda_pair": lambda lib: repr(lib.device("cuda", 1)),
    "device_cuda_bare": lambda lib: repr(lib.device("cuda")),
    "device_str": lambda lib: [str(lib.device(d)) for d in ("cpu", "cuda", "cuda:2")],
    "tensor_device": lambda lib: repr(lib.zeros(1).device),
    "return_types_max": lambda lib: repr(lib.tensor([[1, 5], [3, 0]]).max(1)),
    "return_types_max_str": lambda lib: str(lib.tensor([[1, 5], [3, 0]]).max(1)),
    "return_types_min_float": lambda lib: repr(lib.tensor([[1.5, 5.0], [3.0, 0.25]]).min(0)),
    "return_types_max_2d": lambda lib: repr(lib.arange(24.0).reshape(2, 3, 4).max(2)),
    "return_types_name": lambda lib: type(lib.tensor([1, 5]).max(0)).__name__,
    "type_strings": lambda lib: [lib.ones(1, dtype=getattr(lib, d)).type() for d in DTYPES],
    "list_of_tensors": lambda lib: repr([lib.tensor(1.5), lib.tensor([1, 2])]),
    "tuple_of_tensors": lambda lib: repr((lib.tensor(True), lib.zeros(0))),
    "dict_of_tensors": lambda lib: repr({"a": lib.tensor([1.0], requires_grad=True)}),
    "grad_fn_in_repr": lambda lib: repr((lib.ones(1, requires_grad=True) * 2).grad_fn).split(
        " object at "
    )[0],
    "fstring": lambda lib: f"{lib.tensor([1.5, 2.0])}",
    "format_0d": lambda lib: f"{lib.tensor(1.5)}",
    "format_0d_spec": lambda lib: f"{lib.tensor(1.5):.3f}",
}


@pytest.mark.parametrize("name", sorted(OTHER))
def test_other_reprs(name):
    assert OTHER[name](fakel) == _strings(OTHER[name](torch))


def _strings(value):
    if isinstance(value, str):
        return value.replace("torch.", "fakel.")
    if isinstance(value, list):
        return [_strings(v) for v in value]
    return value
