"""Creation parity with PyTorch: dtype inference, factories, ranges, random, NumPy sharing."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import fakel
from parity import assert_same_outcome
from parity import run as _run

# Each case is a function of the library module; it runs once with torch (the oracle) and once
# with fakel, and the two results must agree in type, dtype, shape, values and printed text. When
# torch raises, fakel must raise the same class (and the same message unless the case says not).


def _name(d) -> str:
    return str(d).rsplit(".", 1)[-1]


def _expected_text(obj) -> str:
    return repr(obj).replace("torch.", "fakel.")


def _same_tensor(tt, ft, values: bool = True) -> None:
    assert isinstance(ft, fakel.Tensor), f"expected a tensor, got {type(ft).__name__}: {ft!r}"
    assert _name(ft.dtype) == _name(tt.dtype), (ft.dtype, tt.dtype)
    assert tuple(ft.shape) == tuple(tt.shape), (ft.shape, tt.shape)
    assert ft.requires_grad == tt.requires_grad
    if values:
        np.testing.assert_array_equal(ft.detach().numpy(), tt.detach().numpy())
        assert repr(ft) == _expected_text(tt)


def _compare(expected, actual, values: bool = True) -> None:
    if isinstance(expected, torch.Tensor):
        _same_tensor(expected, actual, values)
    elif isinstance(expected, torch.Size):
        assert isinstance(actual, fakel.Size) and tuple(actual) == tuple(expected)
    elif isinstance(expected, torch.dtype):
        assert isinstance(actual, fakel.dtype) and _name(actual) == _name(expected)
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected) and len(actual) == len(expected), actual
        for e, a in zip(expected, actual):
            _compare(e, a, values)
    elif isinstance(expected, str):
        assert actual == expected.replace("torch.", "fakel."), (expected, actual)
    elif isinstance(expected, float) and math.isnan(expected):
        assert isinstance(actual, float) and math.isnan(actual)
    else:
        assert type(actual) is type(expected) and actual == expected, (expected, actual)


def _check(fn, *, msg: bool = True, values: bool = True, warns: bool = True) -> None:
    assert_same_outcome(fn, lambda e, a: _compare(e, a, values), msg=msg, warns=warns)


# --- table 2.1 of the reference: dtype inference at construction ------------------------------

TABLE = {
    "list_int": lambda lib: lib.tensor([1, 2]),
    "legacy_list_int": lambda lib: lib.Tensor([1, 2]),
    "legacy_float_scalar": lambda lib: lib.Tensor(2.5),
    "list_float_int": lambda lib: lib.tensor([1.0, 2]),
    "list_bool_int_float": lambda lib: lib.tensor([True, 2, 3.5]),
    "list_bool": lambda lib: lib.tensor([True, False]),
    "scalar_int": lambda lib: lib.tensor(3),
    "scalar_float": lambda lib: lib.tensor(3.0),
    "scalar_bool": lambda lib: lib.tensor(True),
    "zeros": lambda lib: lib.zeros(2),
    "ones": lambda lib: lib.ones(2),
    "rand_dtype": lambda lib: lib.rand(2).dtype,
    "randn_dtype": lambda lib: lib.randn(2).dtype,
    "empty_dtype": lambda lib: lib.empty(2).dtype,
    "eye": lambda lib: lib.eye(2),
    "linspace": lambda lib: lib.linspace(0, 1, 3),
    "arange_int": lambda lib: lib.arange(3),
    "arange_float": lambda lib: lib.arange(3.0),
    "arange_float_step": lambda lib: lib.arange(0, 1, 0.5),
    "full_int": lambda lib: lib.full((2,), 1),
    "full_float": lambda lib: lib.full((2,), 1.0),
    "full_bool": lambda lib: lib.full((2,), True),
    "randint_dtype": lambda lib: lib.randint(0, 5, (2,)).dtype,
    "ones_dtype_int": lambda lib: lib.ones(2, dtype=int),
    "ones_dtype_float": lambda lib: lib.ones(2, dtype=float),
    "ones_dtype_bool": lambda lib: lib.ones(2, dtype=bool),
    "tensor_dtype_float": lambda lib: lib.tensor([1, 2], dtype=float),
    "tensor_dtype_int": lambda lib: lib.tensor(1.5, dtype=int),
    "tensor_dtype_bool": lambda lib: lib.tensor([1, 2], dtype=bool),
    "np_int64_array": lambda lib: lib.tensor(np.array([1, 2])),
    "np_int32_array": lambda lib: lib.tensor(np.array([1, 2], dtype=np.int32)),
    "np_float64_array": lambda lib: lib.tensor(np.array([1.5, 2.0])),
    "np_float64_scalar": lambda lib: lib.tensor(np.float64(1.5)),
    "np_float32_scalar": lambda lib: lib.tensor(np.float32(1.5)),
    "np_int32_scalar": lambda lib: lib.tensor(np.int32(7)),
    "np_bool_scalar": lambda lib: lib.tensor(np.bool_(True)),
    "np_0d_array": lambda lib: lib.tensor(np.array(2.5)),
    "np_bool_array": lambda lib: lib.tensor(np.array([True, False])),
    "np_uint8_array": lambda lib: lib.tensor(np.array([1, 2], dtype=np.uint8)),
    "np_int16_array": lambda lib: lib.tensor(np.array([1, 2], dtype=np.int16)),
    "np_float16_array": lambda lib: lib.tensor(np.array([1, 2], dtype=np.float16)),
    "np_empty_2d": lambda lib: lib.tensor(np.zeros((2, 0))),
    "np_float64_in_list": lambda lib: lib.tensor([np.float64(1.5)]),
    "np_float32_and_float": lambda lib: lib.tensor([np.float32(1.5), 2.5]),
    "np_float32_and_np_float64": lambda lib: lib.tensor([np.float32(1.5), np.float64(2.5)]),
    # Python scalars count as their default dtype (int64, default float, bool) and are promoted
    # with NumPy scalars like any dtype; several pairs, since a set-order bug shows on some only.
    "np_int32_and_int": lambda lib: lib.tensor([np.int32(1), 2]),
    "int_and_np_int32": lambda lib: lib.tensor([2, np.int32(1)]),
    "np_int16_and_int": lambda lib: lib.tensor([np.int16(1), 2]),
    "np_int8_and_int": lambda lib: lib.tensor([np.int8(1), 2]),
    "np_uint8_and_int": lambda lib: lib.tensor([np.uint8(1), 2]),
    "float_and_np_float16": lambda lib: lib.tensor([2.5, np.float16(1)]),
    "np_bool_and_float": lambda lib: lib.tensor([np.bool_(True), 2.5]),
    "np_uint8_and_bool": lambda lib: lib.tensor([np.uint8(3), False]),
    "np_int32_and_float": lambda lib: lib.tensor([np.int32(1), 2.5]),
    "np_int64_and_float": lambda lib: lib.tensor([np.int64(1), 2.5]),
    "np_int8_and_uint8": lambda lib: lib.tensor([np.int8(1), np.uint8(2)]),
    "np_int8_and_bool": lambda lib: lib.tensor([np.int8(1), True]),
    "np_float16_and_np_int64": lambda lib: lib.tensor([np.float16(1), np.int64(3)]),
    "np_float16_and_float": lambda lib: lib.tensor([np.float16(1), 2.5]),
    "empty_list": lambda lib: lib.tensor([]),
    "empty_nested": lambda lib: lib.tensor([[]]),
    "empty_nested_two": lambda lib: lib.tensor([[], []]),
    "empty_nested_deep": lambda lib: lib.tensor([[[]]]),
    "empty_nested_int": lambda lib: lib.tensor([[]], dtype=lib.int64),
    "empty_bool": lambda lib: lib.tensor([], dtype=lib.bool),
    "tuples": lambda lib: lib.tensor(((1, 2), (3, 4))),
    "list_of_tuples": lambda lib: lib.tensor([(1, 2), [3, 4]]),
    "nested_3d": lambda lib: lib.tensor([[[1.0, 2.0]], [[3.0, 4.5]]]),
    "set_default_int64": lambda lib: lib.set_default_dtype(lib.int64),
    "truncate_to_int": lambda lib: lib.tensor([1.7, -1.7], dtype=lib.int64),
    "truncate_to_int32": lambda lib: lib.tensor([2.9, -2.9, 0.5], dtype=lib.int32),
    "bool_from_ints": lambda lib: lib.tensor([0, 2, -1], dtype=lib.bool),
    "bool_from_floats": lambda lib: lib.tensor([0.0, 0.5, float("nan")], dtype=lib.bool),
    "nan_to_int": lambda lib: lib.tensor([float("nan")], dtype=lib.int64),
    "inf_long": lambda lib: lib.tensor([float("inf")]).long(),
    "overflow_int": lambda lib: lib.tensor(2**63),
    "overflow_int_list": lambda lib: lib.tensor([2**63]),
    "min_int64": lambda lib: lib.tensor(-(2**63)),
    "uint8_out_of_range": lambda lib: lib.tensor([300, -1], dtype=lib.uint8),
    "uint8_minus_one": lambda lib: lib.tensor([-1, 3], dtype=lib.uint8),
    "uint8_256": lambda lib: lib.tensor([256], dtype=lib.uint8),
    "int8_128": lambda lib: lib.tensor([128], dtype=lib.int8),
    "int32_2_pow_31": lambda lib: lib.tensor([2**31], dtype=lib.int32),
    "float_1e10_to_int32": lambda lib: lib.tensor([1e10], dtype=lib.int32),
    "float_to_float16_overflow": lambda lib: lib.tensor([70000.0], dtype=lib.float16),
    "float_to_float32_overflow": lambda lib: lib.tensor([1e40]),
    "float16_from_ints": lambda lib: lib.tensor([1, 2], dtype=lib.float16),
    "np_float_array_to_int32": lambda lib: lib.tensor(np.array([1.0, 2.7]), dtype=lib.int32),
    "np_int_array_to_float32": lambda lib: lib.tensor(np.array([1, 2]), dtype=lib.float32),
    "requires_grad_float": lambda lib: lib.tensor([1.0], requires_grad=True),
    "requires_grad_float64": lambda lib: lib.tensor([1.0], dtype=lib.float64, requires_grad=True),
    "requires_grad_int": lambda lib: lib.tensor(3, requires_grad=True),
    "ragged": lambda lib: lib.tensor([[1, 2], [3]]),
    "ragged_scalar_after_list": lambda lib: lib.tensor([[1, 2], 3]),
    "ragged_list_after_scalar": lambda lib: lib.tensor([1, [2]]),
    "string_element": lambda lib: lib.tensor([1, "a"]),
    "tensor_of_0d_tensors": lambda lib: lib.tensor([lib.tensor(1), lib.tensor(2)]),
    "tensor_of_0d_mixed": lambda lib: lib.tensor([lib.tensor(1.5), 2]),
    "tensor_of_0d_bool_int": lambda lib: lib.tensor([lib.tensor(True), 2]),
    "tensor_of_0d_int32": lambda lib: lib.tensor(
        [lib.tensor(1, dtype=lib.int32), lib.tensor(2, dtype=lib.int32)]
    ),
    "tensor_of_0d_int32_and_int": lambda lib: lib.tensor([lib.tensor(1, dtype=lib.int32), 2]),
    "tensor_of_0d_float64_and_int": lambda lib: lib.tensor([lib.tensor(1.0, dtype=lib.float64), 2]),
    "tensor_of_0d_uint8_int8": lambda lib: lib.tensor(
        [lib.tensor(1, dtype=lib.uint8), lib.tensor(2, dtype=lib.int8)]
    ),
    "tensor_of_0d_float16_int64": lambda lib: lib.tensor(
        [lib.tensor(1.5, dtype=lib.float16), lib.tensor(2)]
    ),
    "tensor_of_one_element_tensors": lambda lib: lib.tensor([lib.tensor([1]), lib.tensor([2])]),
    "tensor_from_tensor": lambda lib: lib.tensor(lib.tensor([1, 2])),
    "tensor_from_tensor_dtype": lambda lib: lib.tensor(lib.tensor([1, 2]), dtype=lib.float32),
    "tensor_from_grad_tensor": lambda lib: lib.tensor(lib.tensor([1.0, 2.0], requires_grad=True)),
    "tensor_of_grad_0d": lambda lib: lib.tensor([lib.tensor(1.0, requires_grad=True)] * 2),
    "as_tensor_list": lambda lib: lib.as_tensor([1, 2]),
    "as_tensor_list_dtype": lambda lib: lib.as_tensor([1.0, 2], dtype=lib.float64),
    "as_tensor_array_dtype": lambda lib: lib.as_tensor(np.array([1, 2]), dtype=lib.float32),
    "as_tensor_scalar": lambda lib: lib.as_tensor(3.5),
    "from_numpy_0d": lambda lib: lib.from_numpy(np.array(3.5)),
    "from_numpy_list": lambda lib: lib.from_numpy([1, 2]),
    "from_numpy_strided": lambda lib: lib.from_numpy(
        np.arange(6, dtype=np.float32).reshape(2, 3)[:, ::2]
    ),
    "from_numpy_transposed": lambda lib: lib.from_numpy(
        np.arange(6, dtype=np.float32).reshape(2, 3).T
    ),
    "tensor_from_transposed_array": lambda lib: lib.tensor(np.arange(6.0).reshape(2, 3).T),
}

# Messages that name torch-internal detail (a C++ source location, an overload list) are compared
# by exception class only.
CLASS_ONLY = {"from_numpy_list"}


# torch warns "Converting a tensor with requires_grad=True to a scalar" once per process.
ONCE_PER_PROCESS_WARNING = {"tensor_of_grad_0d"}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_table_2_1(name):
    _check(TABLE[name], msg=name not in CLASS_ONLY, warns=name not in ONCE_PER_PROCESS_WARNING)


def test_legacy_sizes_give_uninitialised_float_tensor():
    _check(lambda lib: lib.Tensor(2, 3), values=False)


@pytest.fixture
def float64_default():
    torch.set_default_dtype(torch.float64)
    fakel.set_default_dtype(fakel.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(torch.float32)
        fakel.set_default_dtype(fakel.float32)


DEFAULT_FLOAT64 = {
    "tensor_float": lambda lib: lib.tensor([1.5]),
    "tensor_scalar": lambda lib: lib.tensor(2.5),
    "tensor_int": lambda lib: lib.tensor([1, 2]),
    "tensor_bool": lambda lib: lib.tensor([True]),
    "tensor_empty": lambda lib: lib.tensor([]),
    "legacy_list": lambda lib: lib.Tensor([1]),
    "legacy_sizes_dtype": lambda lib: lib.Tensor(2, 2).dtype,
    "np_float32_in_list": lambda lib: lib.tensor([np.float32(1.5)]),
    "int_plus_0d_float": lambda lib: lib.tensor([1, 2]) + lib.tensor(1.5),
    "int_plus_python_float": lambda lib: lib.tensor([1, 2]) + 1.5,
    "int_true_div": lambda lib: lib.tensor([1, 2]) / 2,
    "float32_plus_python_float": lambda lib: lib.tensor([1.0], dtype=lib.float32) + 1.5,
    "zeros": lambda lib: lib.zeros(2),
    "ones": lambda lib: lib.ones(2, 1),
    "full_float": lambda lib: lib.full((2,), 1.5),
    "full_int": lambda lib: lib.full((2,), 1),
    "arange_int": lambda lib: lib.arange(3),
    "arange_float": lambda lib: lib.arange(0, 1, 0.25),
    "linspace": lambda lib: lib.linspace(0, 1, 5),
    "eye": lambda lib: lib.eye(2),
    "rand_dtype": lambda lib: lib.rand(2).dtype,
    "randn_dtype": lambda lib: lib.randn(2).dtype,
    "randint_dtype": lambda lib: lib.randint(3, (2,)).dtype,
    "empty_dtype": lambda lib: lib.empty(2).dtype,
    "get_default_dtype": lambda lib: lib.get_default_dtype(),
    "print_float32": lambda lib: repr(lib.tensor([1.5], dtype=lib.float32)),
    "print_float64": lambda lib: repr(lib.tensor([1.5])),
}


@pytest.mark.parametrize("name", sorted(DEFAULT_FLOAT64))
def test_default_dtype_float64(name, float64_default):
    _check(DEFAULT_FLOAT64[name])


@pytest.mark.parametrize("d", ["float16", "float32", "float64"])
def test_set_default_dtype_roundtrip(d):
    try:
        torch.set_default_dtype(getattr(torch, d))
        fakel.set_default_dtype(getattr(fakel, d))
        _check(lambda lib: (lib.get_default_dtype(), lib.tensor([0.5, 1.0]), lib.zeros(1)))
    finally:
        torch.set_default_dtype(torch.float32)
        fakel.set_default_dtype(fakel.float32)


@pytest.mark.parametrize("d", ["int64", "int32", "bool", "uint8"])
def test_set_default_dtype_rejects_non_float(d):
    _check(lambda lib: lib.set_default_dtype(getattr(lib, d)))
    assert fakel.get_default_dtype() is fakel.float32


def test_tensor_of_tensor_copies():
    src = fakel.tensor([1.0, 2.0])
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        out = fakel.tensor(src)
    out[0] = 5.0
    assert src.tolist() == [1.0, 2.0]


def test_tensor_of_grad_tensor_is_a_new_leaf():
    _check(
        lambda lib: (lambda t: (t.is_leaf, t.requires_grad, t.grad_fn is None))(
            lib.tensor(lib.tensor([1.0], requires_grad=True) * 2)
        )
    )


def test_tensor_of_0d_grad_tensors_loses_grad():
    x = fakel.tensor(1.0, requires_grad=True)
    with pytest.warns(UserWarning, match="Converting a tensor with requires_grad=True"):
        out = fakel.tensor([x, x * 2])
    assert out.requires_grad is False and out.grad_fn is None
    assert out.tolist() == [1.0, 2.0]


# --- legacy constructor -------------------------------------------------------------------------

LEGACY = {
    "no_args": lambda lib: lib.Tensor(),
    "zero": lambda lib: lib.Tensor(0),
    "one_size": lambda lib: lib.Tensor(3).shape,
    "sizes_3d": lambda lib: lib.Tensor(2, 1, 3).shape,
    "size_object": lambda lib: lib.Tensor(lib.Size([2, 3])).shape,
    "size_object_dtype": lambda lib: lib.Tensor(lib.Size([2, 3])).dtype,
    "np_int_size": lambda lib: lib.Tensor(np.int64(3)).shape,
    "tuple_is_data": lambda lib: lib.Tensor((2, 3)),
    "nested_list": lambda lib: lib.Tensor([[1, 2], [3, 4]]),
    "bool_list": lambda lib: lib.Tensor([True, False]),
    "empty_list": lambda lib: lib.Tensor([]),
    "float_list": lambda lib: lib.Tensor([1.5, -2.25]),
    "ndarray": lambda lib: lib.Tensor(np.array([1, 2])),
    "ndarray_float64": lambda lib: lib.Tensor(np.array([1.5, 2.5])),
    "float_scalar": lambda lib: lib.Tensor(2.5),
    "bool_scalar": lambda lib: lib.Tensor(True),
    "negative_size": lambda lib: lib.Tensor(-1),
    "string": lambda lib: lib.Tensor("a"),
    "float_size": lambda lib: lib.Tensor(2, 3.0),
    "isinstance": lambda lib: isinstance(lib.Tensor([1]), lib.Tensor),
    "tensor_isinstance": lambda lib: isinstance(lib.tensor([1]), lib.Tensor),
}


@pytest.mark.parametrize("name", sorted(LEGACY))
def test_legacy_constructor(name):
    _check(LEGACY[name], msg=name != "float_size")


@pytest.mark.parametrize("src", [[1, 2], [1.5, 2.0], [True]])
def test_legacy_constructor_of_tensor_aliases(src):
    # torch.Tensor(t) returns t's data with t's own dtype (an alias, not a copy).
    _check(lambda lib: lib.Tensor(lib.tensor(src)))
    seen = {}
    for lib in (torch, fakel):
        t = lib.tensor(src)
        u = lib.Tensor(t)
        u[0] = 0
        seen[lib.__name__] = t.tolist()
    assert seen["fakel"] == seen["torch"]


# --- factories: every argument form -------------------------------------------------------------

FACTORIES = {
    "zeros_varargs": lambda lib: lib.zeros(2, 3),
    "zeros_tuple": lambda lib: lib.zeros((2, 3)),
    "zeros_list": lambda lib: lib.zeros([2, 3]),
    "zeros_size": lambda lib: lib.zeros(lib.Size([2, 1])),
    "zeros_size_kwarg": lambda lib: lib.zeros(size=(2, 3)),
    "zeros_0d_tuple": lambda lib: lib.zeros(()),
    "zeros_0d_list": lambda lib: lib.zeros([]),
    "zeros_no_args": lambda lib: lib.zeros(),
    "zeros_0": lambda lib: lib.zeros(0),
    "zeros_2_0": lambda lib: lib.zeros(2, 0),
    "zeros_np_int": lambda lib: lib.zeros(np.int64(2)),
    "zeros_dtype_int32": lambda lib: lib.zeros(2, dtype=lib.int32),
    "zeros_dtype_bool": lambda lib: lib.zeros(2, 2, dtype=lib.bool),
    "zeros_dtype_float16": lambda lib: lib.zeros((3,), dtype=lib.float16),
    "zeros_requires_grad": lambda lib: lib.zeros(2, requires_grad=True),
    "zeros_requires_grad_int": lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True),
    "zeros_float_size": lambda lib: lib.zeros(2.5),
    "zeros_negative": lambda lib: lib.zeros(-1),
    "zeros_two_tuples": lambda lib: lib.zeros((2,), (3,)),
    "zeros_string_dtype": lambda lib: lib.zeros(2, dtype="float32"),
    "ones_varargs": lambda lib: lib.ones(1, 2, 3),
    "ones_tuple": lambda lib: lib.ones((2, 2)),
    "ones_list": lambda lib: lib.ones([4]),
    "ones_size": lambda lib: lib.ones(lib.zeros(3, 1).shape),
    "ones_size_kwarg": lambda lib: lib.ones(size=[2]),
    "ones_0d": lambda lib: lib.ones(()),
    "ones_dtype_int8": lambda lib: lib.ones(2, dtype=lib.int8),
    "ones_dtype_uint8": lambda lib: lib.ones(2, dtype=lib.uint8),
    "ones_dtype_float64": lambda lib: lib.ones(2, dtype=lib.float64),
    "ones_dtype_double_alias": lambda lib: lib.ones(2, dtype=lib.double),
    "ones_dtype_long_alias": lambda lib: lib.ones(2, dtype=lib.long),
    "ones_dtype_int_alias": lambda lib: lib.ones(2, dtype=lib.int),
    "ones_dtype_half_alias": lambda lib: lib.ones(2, dtype=lib.half),
    "ones_requires_grad": lambda lib: lib.ones(2, 2, requires_grad=True),
    "ones_requires_grad_float64": lambda lib: lib.ones(2, dtype=lib.float64, requires_grad=True),
    "empty_varargs": lambda lib: lib.empty(2, 3).shape,
    "empty_tuple": lambda lib: lib.empty((2, 3)).dtype,
    "empty_list": lambda lib: lib.empty([0]),
    "empty_size_kwarg": lambda lib: lib.empty(size=(1, 2)).shape,
    "empty_dtype": lambda lib: lib.empty(2, dtype=lib.int16).dtype,
    "empty_requires_grad": lambda lib: lib.empty(2, requires_grad=True).requires_grad,
    "empty_0_3": lambda lib: lib.empty(0, 3),
    "full_tuple": lambda lib: lib.full((2, 3), 1.5),
    "full_list": lambda lib: lib.full([2, 2], 7),
    "full_size": lambda lib: lib.full(lib.Size([2]), 7.0),
    "full_0d": lambda lib: lib.full((), 2.0),
    "full_int_size": lambda lib: lib.full(2, 1),
    "full_kwargs": lambda lib: lib.full(size=(2,), fill_value=3),
    "full_nan": lambda lib: lib.full((2,), float("nan")),
    "full_inf": lambda lib: lib.full((2,), -float("inf")),
    "full_negative_int": lambda lib: lib.full((3,), -4),
    "full_dtype_int_from_float": lambda lib: lib.full((2,), 1.5, dtype=lib.int64),
    "full_dtype_float64": lambda lib: lib.full((2,), 1, dtype=lib.float64),
    "full_dtype_bool": lambda lib: lib.full((2,), 2, dtype=lib.bool),
    "full_uint8_minus_one": lambda lib: lib.full((2,), -1, dtype=lib.uint8),
    "full_uint8_overflow": lambda lib: lib.full((2,), 300, dtype=lib.uint8),
    "full_np_float64": lambda lib: lib.full((2,), np.float64(1.5)),
    "full_np_int32": lambda lib: lib.full((2,), np.int32(3)),
    "full_0d_float64_tensor": lambda lib: lib.full((2,), lib.tensor(1.5, dtype=lib.float64)),
    "full_0d_int32_tensor": lambda lib: lib.full((2,), lib.tensor(3, dtype=lib.int32)),
    "full_requires_grad": lambda lib: lib.full((2,), 1.0, requires_grad=True),
    "full_requires_grad_int": lambda lib: lib.full((2,), 1, requires_grad=True),
    "eye_n": lambda lib: lib.eye(3),
    "eye_n_m": lambda lib: lib.eye(2, 3),
    "eye_m_lt_n": lambda lib: lib.eye(3, 2),
    "eye_kwargs": lambda lib: lib.eye(n=2, m=3),
    "eye_dtype_int64": lambda lib: lib.eye(3, 2, dtype=lib.int64),
    "eye_dtype_bool": lambda lib: lib.eye(2, dtype=lib.bool),
    "eye_0": lambda lib: lib.eye(0),
    "eye_3_0": lambda lib: lib.eye(3, 0),
    "eye_1": lambda lib: lib.eye(1),
    "eye_negative": lambda lib: lib.eye(-1),
    "eye_negative_m": lambda lib: lib.eye(2, -1),
    "eye_requires_grad": lambda lib: lib.eye(2, requires_grad=True),
    "arange_end": lambda lib: lib.arange(5),
    "arange_start_end": lambda lib: lib.arange(1, 5),
    "arange_step": lambda lib: lib.arange(1, 10, 3),
    "arange_negative_step": lambda lib: lib.arange(5, 0, -1),
    "arange_negative_step_2": lambda lib: lib.arange(5, 0, -2),
    "arange_float_step": lambda lib: lib.arange(1.0, 2.5, 0.5),
    "arange_negative_float_step": lambda lib: lib.arange(-1, -10, -2.5),
    "arange_float_start": lambda lib: lib.arange(0.5, 3),
    "arange_dtype_float32": lambda lib: lib.arange(10, dtype=lib.float32),
    "arange_dtype_float64": lambda lib: lib.arange(0, 5, 2, dtype=lib.float64),
    "arange_dtype_uint8": lambda lib: lib.arange(1, 5, dtype=lib.uint8),
    "arange_dtype_int_from_floats": lambda lib: lib.arange(0.5, 4.5, dtype=lib.int64),
    "arange_dtype_int_fractional_step": lambda lib: lib.arange(0, 3, 0.7, dtype=lib.int64),
    "arange_dtype_bool": lambda lib: lib.arange(5, dtype=lib.bool),
    "arange_kwargs": lambda lib: lib.arange(start=1, end=4),
    "arange_end_kwarg": lambda lib: lib.arange(end=4),
    "arange_np_float64": lambda lib: lib.arange(np.float64(2.5)),
    "arange_np_int32": lambda lib: lib.arange(np.int32(3)),
    "arange_0d_int_tensor": lambda lib: lib.arange(lib.tensor(3)),
    "arange_0d_float_tensor": lambda lib: lib.arange(lib.tensor(3.0)),
    "arange_bool": lambda lib: lib.arange(True),
    "arange_empty": lambda lib: lib.arange(1, 1),
    "arange_empty_float": lambda lib: lib.arange(2.0, 2.0),
    "arange_zero_step": lambda lib: lib.arange(0, 1, 0),
    "arange_wrong_sign": lambda lib: lib.arange(0, -1, 1),
    "arange_wrong_sign_negative": lambda lib: lib.arange(0, 1, -1),
    "arange_nan": lambda lib: lib.arange(float("nan")),
    "arange_inf": lambda lib: lib.arange(float("inf")),
    "arange_requires_grad": lambda lib: lib.arange(3.0, requires_grad=True),
    "arange_requires_grad_int": lambda lib: lib.arange(3, requires_grad=True),
    "linspace_basic": lambda lib: lib.linspace(0, 1, 5),
    "linspace_steps_1": lambda lib: lib.linspace(0, 1, 1),
    "linspace_steps_0": lambda lib: lib.linspace(0, 1, 0),
    "linspace_steps_negative": lambda lib: lib.linspace(0, 1, -1),
    "linspace_steps_kwarg": lambda lib: lib.linspace(0, 1, steps=3),
    "linspace_constant": lambda lib: lib.linspace(3, 3, 4),
    "linspace_decreasing": lambda lib: lib.linspace(1, 0, 4),
    "linspace_dtype_int64": lambda lib: lib.linspace(0, 10, 5, dtype=lib.int64),
    "linspace_dtype_int32": lambda lib: lib.linspace(-1, 1, 7, dtype=lib.int32),
    "linspace_dtype_uint8": lambda lib: lib.linspace(0, 5, 6, dtype=lib.uint8),
    "linspace_dtype_float64": lambda lib: lib.linspace(0, 1, 3, dtype=lib.float64),
    "linspace_dtype_bool": lambda lib: lib.linspace(0, 1, 3, dtype=lib.bool),
    "linspace_requires_grad": lambda lib: lib.linspace(0, 1, 3, requires_grad=True),
    "linspace_0d_tensors": lambda lib: lib.linspace(lib.tensor(0.0), lib.tensor(1.0), 3),
    "linspace_float_steps": lambda lib: lib.linspace(0, 1, 2.5),
}

CLASS_ONLY_FACTORIES = {
    # torch's messages here list overloads or name C++ types (uint8_t): class only.
    "zeros_two_tuples",
    "zeros_float_size",
    "zeros_string_dtype",
    "full_int_size",
    "full_uint8_overflow",
    "linspace_float_steps",
    "arange_dtype_int_fractional_step",
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_factory(name):
    _check(FACTORIES[name], msg=name not in CLASS_ONLY_FACTORIES)


ARANGES = [
    (0, 1, 0.1),
    (0, 1, 0.2),
    (0, 1, 0.3),
    (0, 1, 1 / 3),
    (-0.5, 0.5, 0.1),
    (1, 2, 0.1),
    (0, 10, 1.5),
    (10, 0, -1.5),
    (-1, 1, 0.25),
    (0, 2, 0.7),
    (0.1, 0.9, 0.05),
    (5, -5, -0.3),
    (0, 100, 7.3),
    (1e-3, 1e-2, 1e-3),
    (0, 1, 0.01),
    (-3, 3, 0.6),
    (2.5, 0.1, -0.4),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("start", "end", "step"), ARANGES)
def test_arange_float_values_exact(start, end, step, dtype):
    t = torch.arange(start, end, step, dtype=getattr(torch, dtype))
    f = fakel.arange(start, end, step, dtype=getattr(fakel, dtype))
    # Within one unit in the last place: PyTorch's own last bit depends on the CPU's vector width
    # (with ATEN_CPU_CAPABILITY=default it changes), so exact equality would pin one build.
    assert tuple(f.shape) == tuple(t.shape)
    np.testing.assert_array_max_ulp(f.numpy(), t.numpy(), maxulp=1)
    assert _name(f.dtype) == dtype


LINSPACES = [
    (0, 1, 5),
    (0, 1, 2),
    (0, 1, 1),
    (0, 1, 0),
    (0, 1, 10),
    (0, 1, 11),
    (-1, 1, 7),
    (1, 0, 4),
    (0, 10, 101),
    (0.1, 0.9, 9),
    (-5.5, 3.25, 13),
    (3, 3, 4),
    (0, 1e-3, 6),
    (1e6, 1e6 + 1, 5),
    (-1, -2, 3),
    (0, 2 * math.pi, 17),
    (1, 100, 1000),
    (0.0, 1.0, 3),
    (2, -3, 8),
    (0, 1, 1001),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize(("start", "end", "steps"), LINSPACES)
def test_linspace_values_exact(start, end, steps, dtype):
    def make(lib):
        return lib.linspace(start, end, steps, dtype=getattr(lib, dtype))

    t, t_err, _ = _run(make, torch)
    f, f_err, _ = _run(make, fakel)
    if t_err is not None:  # float16 overflow of a start or end value
        assert type(f_err) is type(t_err), (t_err, f, f_err)
        return
    if dtype == "float16":
        # Known gap: PyTorch's half linspace kernel rounds differently (its exact steps are not
        # reproduced yet); fakel's values are within a few half-precision units of PyTorch's.
        np.testing.assert_allclose(f.numpy(), t.numpy(), rtol=4e-3, atol=4e-3)
    else:
        assert f.tolist() == t.tolist()
    assert _name(f.dtype) == dtype and tuple(f.shape) == (steps,)


@pytest.mark.parametrize(
    ("start", "end", "steps"),
    [(0, 10, 5), (0, 7, 4), (-3, 3, 5), (10, 0, 6), (0, 1, 3), (-2.5, 2.5, 6)],
)
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16"])
def test_linspace_integer_values(start, end, steps, dtype):
    _check(lambda lib: lib.linspace(start, end, steps, dtype=getattr(lib, dtype)))


# --- *_like ------------------------------------------------------------------------------------

LIKE_SOURCES = {
    "f32_2x3": lambda lib: lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    "i32_0d": lambda lib: lib.tensor(5, dtype=lib.int32),
    "bool_3": lambda lib: lib.tensor([True, False, True]),
    "f64_empty": lambda lib: lib.zeros(0, 2, dtype=lib.float64),
    "u8_2x2": lambda lib: lib.ones(2, 2, dtype=lib.uint8),
    "f16_3": lambda lib: lib.tensor([1.0, 2.0, 3.0], dtype=lib.float16),
    "grad_leaf": lambda lib: lib.ones(2, requires_grad=True),
}

LIKES = {
    "zeros_like": lambda lib, x: lib.zeros_like(x),
    "ones_like": lambda lib, x: lib.ones_like(x),
    "full_like_int": lambda lib, x: lib.full_like(x, 7),
    "full_like_float": lambda lib, x: lib.full_like(x, 2.5),
    "empty_like": lambda lib, x: (lambda e: (e.dtype, e.shape, e.requires_grad))(lib.empty_like(x)),
    "zeros_like_dtype": lambda lib, x: lib.zeros_like(x, dtype=lib.float64),
    "ones_like_dtype_int": lambda lib, x: lib.ones_like(x, dtype=lib.int16),
    "full_like_dtype": lambda lib, x: lib.full_like(x, 3, dtype=lib.float32),
    "rand_like_meta": lambda lib, x: (lambda r: (r.dtype, r.shape))(
        lib.rand_like(x, dtype=lib.float32)
    ),
    "randn_like_meta": lambda lib, x: (lambda r: (r.dtype, r.shape))(
        lib.randn_like(x, dtype=lib.float64)
    ),
    "randint_like_meta": lambda lib, x: (lambda r: (r.dtype, r.shape))(lib.randint_like(x, 5)),
    "zeros_like_requires_grad": lambda lib, x: lib.zeros_like(
        x, dtype=lib.float32, requires_grad=True
    ),
}


@pytest.mark.parametrize("src", sorted(LIKE_SOURCES))
@pytest.mark.parametrize("name", sorted(LIKES))
def test_like(name, src):
    _check(lambda lib: LIKES[name](lib, LIKE_SOURCES[src](lib)))


@pytest.mark.parametrize("src", ["f32_2x3", "f64_empty", "f16_3"])
def test_rand_like_on_float_inputs_keeps_dtype(src):
    _check(
        lambda lib: (lambda x: [(f(x).dtype, f(x).shape) for f in (lib.rand_like, lib.randn_like)])(
            LIKE_SOURCES[src](lib)
        )
    )


@pytest.mark.parametrize("src", ["i32_0d", "bool_3", "u8_2x2"])
def test_rand_like_on_integer_inputs(src):
    _check(lambda lib: lib.rand_like(LIKE_SOURCES[src](lib)), msg=False)
    _check(lambda lib: lib.randn_like(LIKE_SOURCES[src](lib)), msg=False)


# --- random -------------------------------------------------------------------------------------

RANDOM_META = {
    "rand_varargs": lambda lib: lib.rand(2, 3),
    "rand_tuple": lambda lib: lib.rand((4,)),
    "rand_list": lambda lib: lib.rand([1, 2, 3]),
    "rand_size": lambda lib: lib.rand(lib.Size([2])),
    "rand_0d": lambda lib: lib.rand(()),
    "rand_empty": lambda lib: lib.rand(0, 3),
    "rand_float64": lambda lib: lib.rand(3, dtype=lib.float64),
    "rand_float16": lambda lib: lib.rand(3, dtype=lib.float16),
    "rand_requires_grad": lambda lib: lib.rand(2, requires_grad=True),
    "randn_varargs": lambda lib: lib.randn(2, 3),
    "randn_tuple": lambda lib: lib.randn((5,)),
    "randn_float64": lambda lib: lib.randn(2, dtype=lib.float64),
    "randn_requires_grad": lambda lib: lib.randn(2, 2, requires_grad=True),
    "randint_high_size": lambda lib: lib.randint(10, (3,)),
    "randint_low_high_size": lambda lib: lib.randint(-5, 5, (2, 2)),
    "randint_size_kwarg": lambda lib: lib.randint(0, 5, size=(4,)),
    "randint_dtype": lambda lib: lib.randint(0, 5, (2,), dtype=lib.int32),
    "randint_dtype_float": lambda lib: lib.randint(0, 5, (2,), dtype=lib.float32),
    "randint_dtype_uint8": lambda lib: lib.randint(0, 200, (2,), dtype=lib.uint8),
    "randint_list_size": lambda lib: lib.randint(3, [2, 2]),
    "randint_0d": lambda lib: lib.randint(3, ()),
}


@pytest.mark.parametrize("name", sorted(RANDOM_META))
def test_random_dtype_and_shape(name):
    _check(
        lambda lib: (lambda r: (r.dtype, r.shape, r.requires_grad, r.is_leaf))(
            RANDOM_META[name](lib)
        )
    )


RANDOM_ERRORS = {
    "rand_int_dtype": lambda lib: lib.rand(2, dtype=lib.int64),
    "randn_int_dtype": lambda lib: lib.randn(2, dtype=lib.int32),
    "randint_empty_range": lambda lib: lib.randint(5, 5, (2,)),
    "randint_reversed_range": lambda lib: lib.randint(5, 1, (2,)),
    "randint_int_size": lambda lib: lib.randint(0, 5, 3),
    "rand_negative": lambda lib: lib.rand(-1),
    "randint_requires_grad": lambda lib: lib.randint(0, 5, (2,), requires_grad=True),
}


@pytest.mark.parametrize("name", sorted(RANDOM_ERRORS))
def test_random_errors(name):
    _check(RANDOM_ERRORS[name], msg=name != "randint_int_size")


def test_rand_range():
    fakel.manual_seed(0)
    v = fakel.rand(100_000).numpy()
    assert v.dtype == np.float32
    assert v.min() >= 0.0 and v.max() < 1.0
    assert abs(v.mean() - 0.5) < 0.01 and abs(v.std() - math.sqrt(1 / 12)) < 0.01
    assert len(np.unique(v)) > 90_000
    # float16 draws are float32 draws rounded, so 1.0 can occur, exactly as in PyTorch.
    torch.manual_seed(0)
    torch.rand(100_000)
    h = fakel.rand(1000, dtype=fakel.float16).numpy()
    np.testing.assert_array_equal(h, torch.rand(1000, dtype=torch.float16).numpy())
    assert h.min() >= 0.0 and h.max() <= 1.0


def test_randn_is_standard_normal():
    fakel.manual_seed(1)
    v = fakel.randn(100_000, dtype=fakel.float64).numpy()
    assert abs(v.mean()) < 0.02 and abs(v.std() - 1.0) < 0.02
    assert 0.66 < np.mean(np.abs(v) < 1.0) < 0.705
    assert fakel.randn(10).dtype is fakel.float32


@pytest.mark.parametrize(("low", "high"), [(0, 2), (0, 10), (-5, 5), (100, 103), (-3, -1)])
def test_randint_range(low, high):
    fakel.manual_seed(2)
    v = fakel.randint(low, high, (10_000,)).numpy()
    assert v.dtype == np.int64
    assert v.min() == low and v.max() == high - 1
    assert set(np.unique(v).tolist()) == set(range(low, high))


def test_randint_high_only():
    fakel.manual_seed(3)
    v = fakel.randint(4, (1000,)).numpy()
    assert v.min() == 0 and v.max() == 3


def _draw(lib):
    return [lib.rand(5).tolist(), lib.randn(2, 3).tolist(), lib.randint(0, 1000, (5,)).tolist()]


def test_manual_seed_repeats():
    fakel.manual_seed(1234)
    a = _draw(fakel)
    fakel.manual_seed(1234)
    b = _draw(fakel)
    assert a == b
    fakel.manual_seed(1235)
    c = _draw(fakel)
    assert c[0] != a[0] and c[1] != a[1] and c[2] != a[2]


def test_manual_seed_continues_stream():
    fakel.manual_seed(7)
    first, second = fakel.rand(4).tolist(), fakel.rand(4).tolist()
    assert first != second
    fakel.manual_seed(7)
    assert fakel.rand(4).tolist() == first
    assert fakel.rand(4).tolist() == second


def test_manual_seed_returns_generator_like_torch():
    t = torch.manual_seed(5)
    f = fakel.manual_seed(5)
    assert type(f).__name__ == type(t).__name__ == "Generator"
    assert f.initial_seed() == t.initial_seed() == 5
    assert fakel.initial_seed() == torch.initial_seed() == 5


def test_generator_argument_repeats():
    g1 = fakel.Generator().manual_seed(42)
    g2 = fakel.Generator().manual_seed(42)
    assert fakel.rand(3, generator=g1).tolist() == fakel.rand(3, generator=g2).tolist()
    assert fakel.randn(3, generator=g1).tolist() == fakel.randn(3, generator=g2).tolist()


def test_random_is_not_torchs_stream_but_is_valid():
    # fakel's numbers are its own (not expected to equal torch's); both are seeded and repeatable.
    torch.manual_seed(0)
    fakel.manual_seed(0)
    t, f = torch.rand(3), fakel.rand(3)
    _same_tensor(t, f, values=False)


# --- NumPy interop: sharing and copying --------------------------------------------------------


@pytest.mark.parametrize("make", ["from_numpy", "as_tensor"])
@pytest.mark.parametrize(
    "dtype",
    [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_, np.float16, np.int8, np.int16],
)
def test_shares_memory_with_ndarray(make, dtype):
    for lib in (torch, fakel):
        a = np.zeros(3, dtype=dtype)
        t = getattr(lib, make)(a)
        assert _name(t.dtype) == np.dtype(dtype).name
        a[1] = 1
        assert bool(t[1]) is True, lib.__name__
        t[2] = 1
        assert bool(a[2]) is True, lib.__name__
        assert np.shares_memory(t.numpy(), a), lib.__name__


def test_shares_memory_2d_and_non_contiguous():
    for lib in (torch, fakel):
        a = np.arange(12.0).reshape(3, 4)
        col = a[:, 1]
        t = lib.from_numpy(col)
        assert tuple(t.shape) == (3,) and t.stride() == (4,)
        a[2, 1] = -1.0
        assert t.tolist() == [1.0, 5.0, -1.0]
        t.mul_(2)
        assert a[:, 1].tolist() == [2.0, 10.0, -2.0]


def test_numpy_shares_memory_with_tensor():
    for lib in (torch, fakel):
        t = lib.zeros(3)
        a = t.numpy()
        a[0] = 5.0
        t[1] = 6.0
        assert t.tolist() == [5.0, 6.0, 0.0] and a.tolist() == [5.0, 6.0, 0.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_tensor_of_ndarray_copies(dtype):
    for lib in (torch, fakel):
        a = np.ones(3, dtype=dtype)
        t = lib.tensor(a)
        a[0] = 9
        t[1] = 7
        assert t.tolist() == [1, 7, 1] and a.tolist() == [9, 1, 1], lib.__name__


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.float16])
def test_legacy_constructor_of_ndarray_shares_like_torch(dtype):
    # torch.Tensor(ndarray) shares memory when the array already has the default float dtype.
    shared = {}
    for lib in (torch, fakel):
        a = np.ones(3, dtype=dtype)
        t = lib.Tensor(a)
        a[0] = 9
        shared[lib.__name__] = (t.tolist(), _name(t.dtype))
    assert shared["fakel"] == shared["torch"]


def test_as_tensor_with_dtype_change_copies():
    for lib in (torch, fakel):
        a = np.ones(2, dtype=np.int64)
        t = lib.as_tensor(a, dtype=lib.float32)
        a[0] = 5
        assert t.tolist() == [1.0, 1.0]


def test_as_tensor_of_tensor_is_identity():
    for lib in (torch, fakel):
        t = lib.ones(2)
        assert lib.as_tensor(t) is t
        assert lib.as_tensor(t, dtype=lib.float32) is t
        assert lib.as_tensor(t, dtype=lib.float64) is not t


NUMPY_ERRORS = {
    "from_numpy_negative_stride": lambda lib: lib.from_numpy(np.arange(3.0)[::-1]),
    "tensor_negative_stride": lambda lib: lib.tensor(np.arange(3.0)[::-1]),
    "as_tensor_negative_stride": lambda lib: lib.as_tensor(np.arange(3.0)[::-1]),
    "legacy_negative_stride": lambda lib: lib.Tensor(np.arange(3.0)[::-1]),
    "from_numpy_2d_negative_stride": lambda lib: lib.from_numpy(np.ones((2, 2))[:, ::-1]),
    "from_numpy_longdouble": lambda lib: lib.from_numpy(np.zeros(2, dtype=np.longdouble)),
    "tensor_longdouble": lambda lib: lib.tensor(np.zeros(2, dtype=np.longdouble)),
    "tensor_longdouble_scalar": lambda lib: lib.tensor(np.longdouble(1.5)),
    "from_numpy_object": lambda lib: lib.from_numpy(np.zeros(2, dtype=object)),
    "from_numpy_str": lambda lib: lib.from_numpy(np.array(["a"])),
    "from_numpy_big_endian": lambda lib: lib.from_numpy(np.array([1, 2], dtype=">i4")),
    "tensor_big_endian": lambda lib: lib.tensor(np.array([1, 2], dtype=">i4")),
    "tensor_none": lambda lib: lib.tensor(None),
    "tensor_list_none": lambda lib: lib.tensor([None]),
}


def _prefix(text: str) -> str:
    # The list of supported dtypes legitimately differs (fakel has no complex or wide uints).
    return text.split(". The only supported types are")[0]


@pytest.mark.parametrize("name", sorted(NUMPY_ERRORS))
def test_numpy_errors(name):
    _, t_err, _ = _run(NUMPY_ERRORS[name], torch)
    _, f_err, _ = _run(NUMPY_ERRORS[name], fakel)
    assert t_err is not None
    assert type(f_err) is type(t_err), (t_err, f_err)
    assert _prefix(str(f_err)) == _prefix(str(t_err)), (t_err, f_err)
