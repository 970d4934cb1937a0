"""Type promotion parity with PyTorch over every dtype pair and every operand kind."""

from __future__ import annotations

import itertools
import operator
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fakel

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]

# Operand kinds: dimensioned tensor, 0-d tensor, NumPy scalar (all with a dtype), and the three
# Python scalar types (no dtype of their own). Priority classes differ between every one of them.
TYPED_KINDS = ["t1", "t0", "np"]
PY_KINDS = ["bool", "int", "float"]
KINDS = TYPED_KINDS + PY_KINDS

# Small values that exercise wrapping (uint8 2 - 3 = 255) and true division of ints, per category.
VALUES_1D = {
    "bool": [True, False, True],
    "uint8": [3, 1, 200],
    "int": [3, -1, 2],
    "float": [1.5, -2.0, 3.25],
}
VALUES_0D = {"bool": True, "uint8": 2, "int": 2, "float": 0.5}
PY_VALUES = {"bool": True, "int": 2, "float": 2.5}


def _category(dt: str) -> str:
    if dt in ("bool", "uint8"):
        return dt
    return "float" if dt.startswith("float") else "int"


def _operand(lib, kind: str, dt: str | None):
    if kind == "t1":
        return lib.tensor(VALUES_1D[_category(dt)], dtype=getattr(lib, dt))
    if kind == "t0":
        return lib.tensor(VALUES_0D[_category(dt)], dtype=getattr(lib, dt))
    if kind == "np":
        return getattr(np, "bool_" if dt == "bool" else dt)(VALUES_0D[_category(dt)])
    return PY_VALUES[kind]


def _dtypes_of(kind: str) -> list:
    return DTYPES if kind in TYPED_KINDS else [None]


def _label(kind: str, dt: str | None) -> str:
    return kind if dt is None else f"{kind}:{dt}"


def _name(dt) -> str:
    return str(dt).split(".")[-1]


def _is_tensor(x) -> bool:
    return isinstance(x, (torch.Tensor, fakel.Tensor))


def _outcome(fn):
    """What fn() gives, as plain data: a tensor's dtype/shape/values, an error, or another type."""
    try:
        with warnings.catch_warnings():
            # torch's NumPy-interop DeprecationWarnings are not what these tests are about.
            warnings.simplefilter("ignore")
            r = fn()
    except Exception as exc:  # noqa: BLE001 - the class is part of what is compared
        return ("raises", type(exc).__name__, str(exc).replace("torch.", "fakel."))
    if _is_tensor(r):
        return ("tensor", _name(r.dtype), tuple(r.shape), r.detach().tolist())
    if isinstance(r, (torch.dtype, fakel.dtype)):
        return ("dtype", _name(r))
    return ("value", type(r).__name__, r)


def _tolerance(dtype: str) -> float:
    # float16 ops in torch run in float32 and round once; NumPy may round differently in the
    # last place, so values are compared to a tolerance, integers and bools exactly.
    return {"float16": 2e-3, "float32": 1e-6, "float64": 1e-12}.get(dtype, 0.0)


def _same(expected, actual) -> bool:
    if expected[0] != "tensor" or actual[0] != "tensor":
        return expected == actual
    if expected[:3] != actual[:3]:
        return False
    rtol = _tolerance(expected[1])
    if not rtol:  # integers compared as Python ints: int64 values do not fit a float
        return expected[3] == actual[3]
    e, a = np.array(expected[3], dtype=float), np.array(actual[3], dtype=float)
    return bool(np.allclose(a, e, rtol=rtol, atol=rtol, equal_nan=True))


def _compare(call, cases) -> list:
    """Run call(lib, *args) for each (label, args-maker) in both libraries; list the mismatches."""
    bad = []
    for label, make in cases:
        expected = _outcome(lambda m=make: call(torch, *m(torch)))
        actual = _outcome(lambda m=make: call(fakel, *m(fakel)))
        if not _same(expected, actual):
            bad.append(f"{label}: torch {expected} fakel {actual}")
    return bad


@pytest.fixture(params=["float32", "float64"])
def default_dtype(request):
    """Both libraries run with the same default float dtype, restored afterwards."""
    saved = torch.get_default_dtype(), fakel.get_default_dtype()
    torch.set_default_dtype(getattr(torch, request.param))
    fakel.set_default_dtype(getattr(fakel, request.param))
    try:
        yield request.param
    finally:
        torch.set_default_dtype(saved[0])
        fakel.set_default_dtype(saved[1])


def _pairs(kind_a: str, kind_b: str):
    """(label, maker) for every dtype pair of these two operand kinds."""
    for da, db in itertools.product(_dtypes_of(kind_a), _dtypes_of(kind_b)):
        label = f"{_label(kind_a, da)} , {_label(kind_b, db)}"
        yield (
            label,
            (lambda lib, da=da, db=db: (_operand(lib, kind_a, da), _operand(lib, kind_b, db))),
        )


KIND_PAIRS = [pytest.param(a, b, id=f"{a}-{b}") for a, b in itertools.product(KINDS, KINDS)]


# Helper APIs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("a", DTYPES)
def test_promote_types(a):
    cases = [(f"{a}, {b}", lambda lib, b=b: (getattr(lib, a), getattr(lib, b))) for b in DTYPES]
    assert _compare(lambda lib, x, y: lib.promote_types(x, y), cases) == []


@pytest.mark.parametrize("a", DTYPES)
def test_can_cast(a):
    cases = [(f"{a} -> {b}", lambda lib, b=b: (getattr(lib, a), getattr(lib, b))) for b in DTYPES]
    assert _compare(lambda lib, x, y: lib.can_cast(x, y), cases) == []


@pytest.mark.parametrize(("kind_a", "kind_b"), KIND_PAIRS)
def test_result_type(kind_a, kind_b, default_dtype):
    assert _compare(lambda lib, x, y: lib.result_type(x, y), _pairs(kind_a, kind_b)) == []


# Binary ops: result dtype and values --------------------------------------------------------------


def _where(lib, x, y):
    return lib.where(lib.tensor([True, False, True]), x, y)


OPS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "lt": operator.lt,
    "eq": operator.eq,
    "where": None,
    "maximum": None,
}


def _applies(op: str, kind_a: str, kind_b: str) -> bool:
    tensors = ("t1", "t0")
    if op == "maximum":  # torch.maximum takes tensors only
        return kind_a in tensors and kind_b in tensors
    # Without a tensor operand the result is not a tensor in either library (where excepted).
    return op == "where" or kind_a in tensors or kind_b in tensors


OP_CASES = [
    pytest.param(op, a, b, id=f"{a}-{b}-{op}")
    for op in OPS
    for a, b in itertools.product(KINDS, KINDS)
    if _applies(op, a, b)
]


@pytest.mark.parametrize(("op", "kind_a", "kind_b"), OP_CASES)
def test_binary_op(op, kind_a, kind_b, default_dtype):
    if op == "where":
        call = _where
    elif op == "maximum":
        call = lambda lib, x, y: lib.maximum(x, y)
    else:
        call = lambda lib, x, y, f=OPS[op]: f(x, y)
    assert _compare(call, _pairs(kind_a, kind_b)) == []


@pytest.mark.parametrize("kind_b", KINDS)
@pytest.mark.parametrize("dtype_a", DTYPES)
def test_inplace_keeps_destination_dtype(dtype_a, kind_b):
    # In-place ops never promote self: they either keep its dtype or raise.
    cases = [
        (
            f"{dtype_a} += {_label(kind_b, db)}",
            lambda lib, db=db: (_operand(lib, "t1", dtype_a), _operand(lib, kind_b, db)),
        )
        for db in _dtypes_of(kind_b)
    ]
    assert _compare(lambda lib, x, y: x.add_(y), cases) == []


# Named rules ----------------------------------------------------------------------------------


def _check(expr):
    """expr(lib) gives the same dtype, shape and values (or the same error) in both libraries."""
    expected = _outcome(lambda: expr(torch))
    assert expected[0] == "tensor", f"torch gave {expected}: the case is wrong"
    actual = _outcome(lambda: expr(fakel))
    assert _same(expected, actual), f"torch {expected} fakel {actual}"


def test_int_true_division(default_dtype):
    _check(lambda lib: lib.tensor([1, 2]) / lib.tensor([2, 2]))
    _check(lambda lib: lib.tensor([1, -1, 0]) / 0)
    _check(lambda lib: lib.tensor([True, False]) / lib.tensor([True, True]))
    _check(lambda lib: lib.tensor([7], dtype=lib.int8) / lib.tensor(2, dtype=lib.uint8))


def test_default_float_dtype_reaches_python_floats(default_dtype):
    _check(lambda lib: lib.tensor([1, 2]) + 2.5)
    _check(lambda lib: lib.tensor([1.5]))
    _check(lambda lib: lib.tensor([True]) * 0.5)
    _check(lambda lib: lib.tensor([1.0], dtype=lib.float16) + 2.5)
    _check(lambda lib: lib.tensor([1], dtype=lib.int32) + lib.tensor(2.5, dtype=lib.float64))


WRAPPING = {
    "uint8+300": lambda lib: lib.tensor([10], dtype=lib.uint8) + 300,
    "int8+1000": lambda lib: lib.tensor([10], dtype=lib.int8) + 1000,
    "uint8-2": lambda lib: lib.tensor([1], dtype=lib.uint8) - 2,
    "uint8+-1": lambda lib: lib.tensor([0], dtype=lib.uint8) + -1,
    "uint8*100": lambda lib: lib.tensor([3], dtype=lib.uint8) * 100,
    "int8-200": lambda lib: lib.tensor([-100], dtype=lib.int8) - 200,
    "int16+70000": lambda lib: lib.tensor([1], dtype=lib.int16) + 70000,
    "int32+2**40": lambda lib: lib.tensor([1], dtype=lib.int32) + 2**40,
    "int64+max": lambda lib: lib.tensor([1]) + (2**63 - 1),
    "300-uint8": lambda lib: 300 - lib.tensor([10], dtype=lib.uint8),
    "uint8*uint8": lambda lib: lib.tensor([16], dtype=lib.uint8) * lib.tensor(16, dtype=lib.uint8),
    "uint8+np.int64(300)": lambda lib: lib.tensor([10], dtype=lib.uint8) + np.int64(300),
    "int8*np.int16(1000)": lambda lib: lib.tensor([3], dtype=lib.int8) * np.int16(1000),
    "int8+0d_int64": lambda lib: lib.tensor([100], dtype=lib.int8) + lib.tensor(100),
    "neg_uint8": lambda lib: -lib.tensor([1], dtype=lib.uint8),
    "int64_pow_40": lambda lib: lib.tensor([3]) ** 40,
}


@pytest.mark.parametrize("name", list(WRAPPING))
def test_integer_overflow_wraps(name):
    _check(WRAPPING[name])


POWERS = {
    "int**2": lambda lib: lib.tensor([2, 3]) ** 2,
    "int**2.0": lambda lib: lib.tensor([2, 3]) ** 2.0,
    "int**0.5": lambda lib: lib.tensor([4, 9]) ** 0.5,
    "bool**2": lambda lib: lib.tensor([True, False]) ** 2,
    "2**int": lambda lib: 2 ** lib.tensor([2, 3]),
    "2.0**int": lambda lib: 2.0 ** lib.tensor([2, 3]),
    "2**bool": lambda lib: 2 ** lib.tensor([True, False]),
    "int**int_tensor_negative": lambda lib: lib.tensor([2, 3]) ** lib.tensor([-1, 2]),
    "int32**int64_0d": lambda lib: lib.tensor([2], dtype=lib.int32) ** lib.tensor(3),
    "float16**float32_0d": lambda lib: lib.tensor([2.0], dtype=lib.float16) ** lib.tensor(3.0),
    "0**0": lambda lib: lib.tensor([0]) ** 0,
}
for _dt in INTS:
    POWERS[f"{_dt}**2"] = lambda lib, d=_dt: lib.tensor([2, 3], dtype=getattr(lib, d)) ** 2
    POWERS[f"2**{_dt}"] = lambda lib, d=_dt: 2 ** lib.tensor([2, 3], dtype=getattr(lib, d))
    POWERS[f"2.0**{_dt}"] = lambda lib, d=_dt: 2.0 ** lib.tensor([2, 3], dtype=getattr(lib, d))


@pytest.mark.parametrize("name", list(POWERS))
def test_pow_dtype(name, default_dtype):
    _check(POWERS[name])


BOOL_ARITHMETIC = {
    "bool+bool": lambda lib: lib.tensor([True, False, False]) + lib.tensor([True, True, False]),
    "bool*bool": lambda lib: lib.tensor([True, False]) * lib.tensor([True, True]),
    "bool*3": lambda lib: lib.tensor([True, False]) * 3,
    "bool+1.5": lambda lib: lib.tensor([True, False]) + 1.5,
    "bool+True": lambda lib: lib.tensor([True, False]) + True,
    "bool+0d_int": lambda lib: lib.tensor([True, False]) + lib.tensor(2),
    "bool>int": lambda lib: lib.tensor([True, False]) > lib.tensor([0, 0]),
    "int==float": lambda lib: lib.tensor([1, 2]) == lib.tensor([1.0, 2.5]),
}


@pytest.mark.parametrize("name", list(BOOL_ARITHMETIC))
def test_bool_arithmetic(name):
    _check(BOOL_ARITHMETIC[name])


REDUCTIONS = {
    "sum_bool": lambda lib: lib.tensor([True, True, False]).sum(),
    "sum_uint8_no_wrap": lambda lib: lib.tensor([200, 200], dtype=lib.uint8).sum(),
    "sum_int8": lambda lib: lib.tensor([100, 100], dtype=lib.int8).sum(),
    "sum_int16": lambda lib: lib.tensor([1, 2], dtype=lib.int16).sum(),
    "sum_int32": lambda lib: lib.tensor([1, 2], dtype=lib.int32).sum(),
    "sum_int32_dim": lambda lib: lib.tensor([[1, 2]], dtype=lib.int32).sum(0),
    "sum_bool_dim": lambda lib: lib.tensor([[True, True]]).sum(1),
    "sum_float16": lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float16).sum(),
    "sum_int_dtype_float32": lambda lib: lib.tensor([1, 2]).sum(dtype=lib.float32),
    "prod_bool": lambda lib: lib.tensor([True, True]).prod(),
    "prod_int32": lambda lib: lib.tensor([3, 4], dtype=lib.int32).prod(),
    "prod_uint8": lambda lib: lib.tensor([20, 20], dtype=lib.uint8).prod(),
    "max_int8": lambda lib: lib.tensor([1, -3], dtype=lib.int8).max(),
    "min_bool": lambda lib: lib.tensor([True, False]).min(),
    "argmax_uint8": lambda lib: lib.tensor([1, 3], dtype=lib.uint8).argmax(),
    "mean_int_dtype": lambda lib: lib.tensor([1, 2]).mean(dtype=lib.float64),
    "sum_empty": lambda lib: lib.tensor([]).sum(),
    "sum_empty_int": lambda lib: lib.tensor([], dtype=lib.int32).sum(),
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_reduction_dtype(name):
    _check(REDUCTIONS[name])


# Random values: the grids above fix the values, hypothesis varies them and the shapes. ---------

_BOUNDS = {
    "uint8": (0, 255),
    "int8": (-128, 127),
    "int16": (-300, 300),
    "int32": (-(10**6), 10**6),
    "int64": (-(10**6), 10**6),
}


def _elements(dt: str):
    if dt == "bool":
        return st.booleans()
    if dt in _BOUNDS:
        return st.integers(*_BOUNDS[dt])
    return st.floats(-100, 100, width=16 if dt == "float16" else 32)


@given(st.data())
def test_random_values_and_shapes(data):
    da, db = data.draw(st.sampled_from(DTYPES)), data.draw(st.sampled_from(DTYPES))
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    a = data.draw(hnp.arrays(np.dtype(da), shapes.input_shapes[0], elements=_elements(da)))
    b = data.draw(hnp.arrays(np.dtype(db), shapes.input_shapes[1], elements=_elements(db)))
    name = data.draw(st.sampled_from(["add", "sub", "mul", "truediv", "lt", "maximum"]))
    fn = OPS[name] or (lambda x, y: x.maximum(y))

    def expr(lib):
        return fn(lib.tensor(a.copy()), lib.tensor(b.copy()))

    expected = _outcome(lambda: expr(torch))
    actual = _outcome(lambda: expr(fakel))
    assert _same(expected, actual), f"{da} {name} {db}: torch {expected} fakel {actual}"


@given(
    st.sampled_from(INTS),
    st.sampled_from(["t1", "t0"]),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from(["add", "sub", "mul"]),
)
def test_random_python_int_wraps(dt, kind, scalar, name):
    # Python ints are not range-checked against small dtypes: both libraries wrap them.
    def expr(lib):
        t = lib.tensor([1, 2] if kind == "t1" else 3, dtype=getattr(lib, dt))
        return OPS[name](t, scalar)

    expected = _outcome(lambda: expr(torch))
    actual = _outcome(lambda: expr(fakel))
    assert _same(expected, actual), f"{dt} {name} {scalar}: torch {expected} fakel {actual}"
