"""Tensor attributes, conversions, Python protocols and reduction conventions, against PyTorch."""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
import torch

import fakel
from parity import assert_same_outcome
from parity import run as _run

# Each case is a function of the library module; it runs with torch (the oracle) and with fakel.
# Results must agree in Python type, dtype, shape, values and printed text; warnings must agree
# too (NumPy's RuntimeWarnings must not leak), and when torch raises, fakel raises the same class
# with the same message (with 'torch.' read as 'fakel.').


def _name(d) -> str:
    return str(d).rsplit(".", 1)[-1]


def _expected_text(obj) -> str:
    return repr(obj).replace("torch.", "fakel.")


def _same_tensor(tt, ft) -> None:
    assert isinstance(ft, fakel.Tensor), f"expected a tensor, got {type(ft).__name__}: {ft!r}"
    assert _name(ft.dtype) == _name(tt.dtype), (ft.dtype, tt.dtype)
    assert tuple(ft.shape) == tuple(tt.shape), (ft.shape, tt.shape)
    assert ft.requires_grad == tt.requires_grad
    np.testing.assert_array_equal(ft.detach().numpy(), tt.detach().numpy())
    assert repr(ft) == _expected_text(tt)


def _compare(expected, actual) -> None:
    if isinstance(expected, torch.Tensor):
        _same_tensor(expected, actual)
    elif isinstance(expected, torch.Size):
        assert isinstance(actual, fakel.Size), type(actual)
        assert tuple(actual) == tuple(expected) and repr(actual) == _expected_text(expected)
    elif isinstance(expected, torch.dtype):
        assert isinstance(actual, fakel.dtype) and _name(actual) == _name(expected)
    elif isinstance(expected, torch.device):
        assert isinstance(actual, fakel.device) and repr(actual) == repr(expected)
    elif type(expected).__module__ == "torch.return_types":
        assert type(actual).__name__ == type(expected).__name__, type(actual)
        assert repr(actual) == _expected_text(expected)
        _compare(tuple(expected), tuple(actual))
        _compare(expected.values, actual.values)
        _compare(expected.indices, actual.indices)
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected) and len(actual) == len(expected), actual
        for e, a in zip(expected, actual):
            _compare(e, a)
    elif isinstance(expected, str):
        assert actual == expected.replace("torch.", "fakel."), (expected, actual)
    elif isinstance(expected, float) and math.isnan(expected):
        assert isinstance(actual, float) and math.isnan(actual)
    elif isinstance(expected, float):
        assert type(actual) is float and actual == expected
        assert math.copysign(1, actual) == math.copysign(1, expected)
    else:
        assert type(actual) is type(expected) and actual == expected, (expected, actual)


def _check(fn, *, msg: bool = True, warns: bool = True) -> None:
    assert_same_outcome(fn, _compare, msg=msg, warns=warns)


def _m(lib):
    return lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def _nan(lib):
    return lib.tensor([1.0, float("nan"), 3.0])


# --- attributes ---------------------------------------------------------------------------------

ATTRS = {
    "shape": lambda lib: _m(lib).shape,
    "shape_0d": lambda lib: lib.tensor(1.0).shape,
    "shape_empty": lambda lib: lib.zeros(0, 3).shape,
    "shape_is_tuple": lambda lib: isinstance(_m(lib).shape, tuple),
    "shape_eq_tuple": lambda lib: _m(lib).shape == (2, 3),
    "shape_ne_tuple": lambda lib: _m(lib).shape == (3, 2),
    "shape_eq_list": lambda lib: _m(lib).shape == [2, 3],
    "shape_index": lambda lib: _m(lib).shape[1],
    "shape_negative_index": lambda lib: _m(lib).shape[-2],
    "shape_slice": lambda lib: _m(lib).shape[1:],
    "shape_plus_tuple": lambda lib: _m(lib).shape + (1,),
    "tuple_plus_shape": lambda lib: (1,) + _m(lib).shape,
    "shape_times_int": lambda lib: _m(lib).shape * 2,
    "shape_numel": lambda lib: lib.zeros(2, 3, 4).shape.numel(),
    "shape_unpack": lambda lib: [*_m(lib).shape],
    "shape_hash": lambda lib: hash(_m(lib).shape) == hash((2, 3)),
    "size_repr": lambda lib: repr(lib.Size([2, 3])),
    "size_repr_empty": lambda lib: repr(lib.Size([])),
    "size_repr_one": lambda lib: repr(lib.Size((4,))),
    "size_str": lambda lib: str(lib.Size([2, 3])),
    "size_from_tuple": lambda lib: lib.Size((2, 3)) == (2, 3),
    "size_of_shape": lambda lib: lib.zeros(lib.Size([2, 3])).shape,
    "size_method": lambda lib: _m(lib).size(),
    "size_dim": lambda lib: _m(lib).size(1),
    "size_dim_kwarg": lambda lib: _m(lib).size(dim=0),
    "size_neg": lambda lib: _m(lib).size(-1),
    "size_neg2": lambda lib: _m(lib).size(-2),
    "size_out_of_range": lambda lib: _m(lib).size(2),
    "size_out_of_range_neg": lambda lib: _m(lib).size(-3),
    "size_0d": lambda lib: lib.tensor(1.0).size(),
    "size_0d_dim": lambda lib: lib.tensor(1.0).size(0),
    "dim": lambda lib: _m(lib).dim(),
    "dim_0d": lambda lib: lib.tensor(1.0).dim(),
    "ndim": lambda lib: lib.zeros(2, 1, 3).ndim,
    "ndimension": lambda lib: _m(lib).ndimension(),
    "numel": lambda lib: _m(lib).numel(),
    "numel_0d": lambda lib: lib.tensor(5).numel(),
    "numel_empty": lambda lib: lib.zeros(0, 3).numel(),
    "nelement": lambda lib: _m(lib).nelement(),
    "torch_numel": lambda lib: lib.numel(_m(lib)),
    "dtype": lambda lib: _m(lib).dtype,
    "dtype_int": lambda lib: lib.tensor([1]).dtype,
    "dtype_repr": lambda lib: repr(lib.tensor([1], dtype=lib.int16).dtype),
    "device": lambda lib: _m(lib).device,
    "is_cuda": lambda lib: _m(lib).is_cuda,
    "layout": lambda lib: repr(_m(lib).layout),
    "element_size_f32": lambda lib: _m(lib).element_size(),
    "element_size_f16": lambda lib: lib.zeros(2, dtype=lib.float16).element_size(),
    "element_size_bool": lambda lib: lib.zeros(2, dtype=lib.bool).element_size(),
    "is_floating_point": lambda lib: (
        _m(lib).is_floating_point(),
        lib.tensor(1).is_floating_point(),
    ),
    "torch_is_floating_point": lambda lib: lib.is_floating_point(lib.tensor([True])),
    "is_tensor": lambda lib: (lib.is_tensor(_m(lib)), lib.is_tensor([1])),
    "is_leaf_plain": lambda lib: _m(lib).is_leaf,
    "is_leaf_grad": lambda lib: lib.ones(2, requires_grad=True).is_leaf,
    "is_leaf_result": lambda lib: (lib.ones(2, requires_grad=True) * 2).is_leaf,
    "is_leaf_result_no_grad": lambda lib: (lib.ones(2) * 2).is_leaf,
    "requires_grad_default": lambda lib: _m(lib).requires_grad,
    "requires_grad_result": lambda lib: (lib.ones(2, requires_grad=True) * 2).requires_grad,
    "requires_grad_under_no_grad": lambda lib: _under_no_grad(lib),
    "grad_fn_none": lambda lib: _m(lib).grad_fn is None,
    "grad_none": lambda lib: _m(lib).grad is None,
    "grad_fn_name": lambda lib: type((lib.ones(2, requires_grad=True) * 2).grad_fn).__name__,
    "T_2d": lambda lib: _m(lib).T,
    "T_1d": lambda lib: lib.tensor([1, 2, 3]).T,
    "T_0d": lambda lib: lib.tensor(5).T,
    "T_3d": lambda lib: lib.arange(24).reshape(2, 3, 4).T,
    "mT": lambda lib: lib.arange(12).reshape(2, 3, 2).mT,
    "t_method": lambda lib: _m(lib).t(),
    "stride": lambda lib: _m(lib).stride(),
    "stride_dim": lambda lib: _m(lib).stride(0),
    "stride_neg": lambda lib: _m(lib).stride(-1),
    "stride_0d": lambda lib: lib.tensor(1.0).stride(),
    "stride_transposed": lambda lib: _m(lib).t().stride(),
    "stride_permuted": lambda lib: lib.zeros(2, 3, 4).permute(2, 0, 1).stride(),
    "stride_sliced": lambda lib: lib.zeros(4, 6)[:, ::2].stride(),
    "stride_expanded": lambda lib: lib.zeros(3, 1).expand(3, 4).stride(),
    "stride_int8": lambda lib: lib.zeros(2, 3, dtype=lib.int8).stride(),
    "stride_float64": lambda lib: lib.zeros(2, 3, dtype=lib.float64).stride(),
    "is_contiguous": lambda lib: _m(lib).is_contiguous(),
    "is_contiguous_t": lambda lib: _m(lib).t().is_contiguous(),
    "is_contiguous_rows": lambda lib: lib.zeros(4, 6)[1:3].is_contiguous(),
    "is_contiguous_cols": lambda lib: lib.zeros(4, 6)[:, ::2].is_contiguous(),
    "is_contiguous_size_one": lambda lib: lib.zeros(1, 3).t().is_contiguous(),
    "is_contiguous_expanded": lambda lib: lib.zeros(3, 1).expand(3, 4).is_contiguous(),
    "contiguous_of_t": lambda lib: _m(lib).t().contiguous(),
    "contiguous_of_t_stride": lambda lib: _m(lib).t().contiguous().stride(),
    "contiguous_of_t_flag": lambda lib: _m(lib).t().contiguous().is_contiguous(),
}


def _under_no_grad(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.no_grad():
        y = x * 2
    return (y.requires_grad, y.is_leaf, y.grad_fn is None)


# torch gives these deprecation warnings once per process, so only the values are compared.
WARNS_ONCE = {"T_0d", "T_1d", "T_3d"}


@pytest.mark.parametrize("name", sorted(ATTRS))
def test_attribute(name):
    _check(ATTRS[name], warns=name not in WARNS_ONCE)


def test_size_is_a_tuple_subclass():
    s = fakel.zeros(2, 3).shape
    assert type(s) is fakel.Size and isinstance(s, tuple)
    assert repr(s) == "fakel.Size([2, 3])" and str(s) == "fakel.Size([2, 3])"
    assert repr(fakel.zeros(()).shape) == "fakel.Size([])"
    assert s == (2, 3) and (2, 3) == s and s != (3, 2)
    assert {s: 1}[(2, 3)] == 1


def test_read_only_attributes():
    for attr, value in (("shape", (3,)), ("grad_fn", None), ("is_leaf", True), ("ndim", 1)):
        t_err = _run(lambda lib, a=attr, v=value: setattr(lib.ones(2), a, v), torch)[1]
        f_err = _run(lambda lib, a=attr, v=value: setattr(lib.ones(2), a, v), fakel)[1]
        assert type(f_err) is type(t_err) is AttributeError, (attr, t_err, f_err)


# --- scalars and lists --------------------------------------------------------------------------

SCALARS = {
    "item_0d_float": lambda lib: lib.tensor(2.5).item(),
    "item_1x1x1": lambda lib: lib.ones(1, 1, 1).item(),
    "item_int": lambda lib: lib.tensor([3]).item(),
    "item_bool": lambda lib: lib.tensor([True]).item(),
    "item_float16": lambda lib: lib.tensor(2.5, dtype=lib.float16).item(),
    "item_float32_widened": lambda lib: lib.tensor([0.1]).item(),
    "item_float64": lambda lib: lib.tensor([0.1], dtype=lib.float64).item(),
    "item_uint8": lambda lib: lib.tensor(7, dtype=lib.uint8).item(),
    "item_int8_negative": lambda lib: lib.tensor(-7, dtype=lib.int8).item(),
    "item_nan": lambda lib: lib.tensor(float("nan")).item(),
    "item_neg_zero": lambda lib: lib.tensor(-0.0).item(),
    "item_many": lambda lib: lib.tensor([1, 2]).item(),
    "item_empty": lambda lib: lib.tensor([]).item(),
    "item_requires_grad": lambda lib: lib.tensor(1.5, requires_grad=True).item(),
    "tolist_0d_float": lambda lib: lib.tensor(1.5).tolist(),
    "tolist_0d_int": lambda lib: lib.tensor(3).tolist(),
    "tolist_0d_bool": lambda lib: lib.tensor(True).tolist(),
    "tolist_float32": lambda lib: lib.tensor([0.1, 0.2]).tolist(),
    "tolist_float16": lambda lib: lib.tensor([0.1], dtype=lib.float16).tolist(),
    "tolist_float64": lambda lib: lib.tensor([0.1], dtype=lib.float64).tolist(),
    "tolist_int8": lambda lib: lib.tensor([[1, 2], [3, 4]], dtype=lib.int8).tolist(),
    "tolist_uint8": lambda lib: lib.tensor([0, 255], dtype=lib.uint8).tolist(),
    "tolist_bool": lambda lib: lib.tensor([[True], [False]]).tolist(),
    "tolist_empty_rows": lambda lib: lib.zeros(0, 2).tolist(),
    "tolist_empty_cols": lambda lib: lib.zeros(2, 0).tolist(),
    "tolist_nan_inf": lambda lib: lib.tensor([float("nan"), float("inf"), -0.0]).tolist(),
    "tolist_3d": lambda lib: lib.arange(8).reshape(2, 2, 2).tolist(),
    "tolist_requires_grad": lambda lib: lib.tensor([1.5], requires_grad=True).tolist(),
    "tolist_transposed": lambda lib: _m(lib).t().tolist(),
}


@pytest.mark.parametrize("name", sorted(SCALARS))
def test_scalar_conversion(name):
    _check(SCALARS[name])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_tolist_widens_exactly(dtype):
    vals = [0.1, 1 / 3, 2.0 / 7, 1e-3, 123.456, -0.7]
    t = torch.tensor(vals, dtype=getattr(torch, dtype)).tolist()
    f = fakel.tensor(vals, dtype=getattr(fakel, dtype)).tolist()
    assert f == t and all(type(v) is float for v in f)


# --- NumPy --------------------------------------------------------------------------------------


def test_numpy_shares_memory():
    for lib in (torch, fakel):
        t = lib.tensor([1.0, 2.0])
        a = t.numpy()
        assert a.dtype == np.float32 and a.shape == (2,)
        a[0] = 9.0
        t[1] = 8.0
        assert t.tolist() == [9.0, 8.0] and a.tolist() == [9.0, 8.0]


@pytest.mark.parametrize(
    "dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
)
def test_numpy_dtype(dtype):
    t = torch.ones(2, 2, dtype=getattr(torch, dtype)).numpy()
    f = fakel.ones(2, 2, dtype=getattr(fakel, dtype)).numpy()
    assert f.dtype == t.dtype and f.shape == t.shape and type(f) is np.ndarray


NUMPY = {
    "requires_grad": lambda lib: lib.ones(2, requires_grad=True).numpy(),
    "result_requires_grad": lambda lib: (lib.ones(2, requires_grad=True) * 2).numpy(),
    "detached": lambda lib: lib.ones(2, requires_grad=True).detach().numpy().tolist(),
    "asarray": lambda lib: np.asarray(lib.ones(2, requires_grad=True)),
    "asarray_plain": lambda lib: np.asarray(lib.ones(2)).tolist(),
    "transposed": lambda lib: _m(lib).t().numpy().tolist(),
    "0d": lambda lib: type(lib.tensor(1.5).numpy()).__name__,
    "0d_shape": lambda lib: lib.tensor(1.5).numpy().shape,
}


@pytest.mark.parametrize("name", sorted(NUMPY))
def test_numpy(name):
    _check(NUMPY[name])


# --- dtype conversions --------------------------------------------------------------------------

CONVERSIONS = {
    "float": lambda lib: lib.tensor([1, 2]).float(),
    "double": lambda lib: lib.tensor([1, 2]).double(),
    "half": lambda lib: lib.tensor([1.5, 2]).half(),
    "long": lambda lib: lib.tensor([1.7, -1.7]).long(),
    "int": lambda lib: lib.tensor([1.7, -1.7]).int(),
    "short": lambda lib: lib.tensor([1.7, -300.2]).short(),
    "char": lambda lib: lib.tensor([1.7, -100.2]).char(),
    "byte": lambda lib: lib.tensor([1.7, 200.2]).byte(),
    "bool": lambda lib: lib.tensor([0, 3, -1]).bool(),
    "bool_from_float": lambda lib: lib.tensor([0.0, -0.0, 0.5, float("nan")]).bool(),
    "truncate": lambda lib: lib.tensor([2.7, -2.7]).to(lib.int64),
    "minus_one_to_uint8": lambda lib: lib.tensor([-1.0]).to(lib.uint8),
    "int_minus_one_to_uint8": lambda lib: lib.tensor([-1]).to(lib.uint8),
    "int_300_to_uint8": lambda lib: lib.tensor([300]).to(lib.uint8),
    "int_200_to_int8": lambda lib: lib.tensor([200]).to(lib.int8),
    "float_256_to_uint8": lambda lib: lib.tensor([256.0, 300.5]).to(lib.uint8),
    "inf_to_long": lambda lib: lib.tensor([float("inf"), -float("inf")]).long(),
    "nan_to_long": lambda lib: lib.tensor([float("nan")]).long(),
    "big_to_int32": lambda lib: lib.tensor([1e10]).int(),
    "to_dtype": lambda lib: lib.tensor([1.5]).to(lib.float64),
    "to_dtype_kwarg": lambda lib: lib.tensor([1.5]).to(dtype=lib.float64),
    "to_other": lambda lib: lib.tensor([1.5]).to(lib.tensor([1], dtype=lib.int32)),
    "to_device_dtype": lambda lib: lib.tensor([1.5]).to("cpu", lib.float64),
    "to_python_float": lambda lib: lib.tensor([1]).to(float),
    "to_python_int": lambda lib: lib.tensor([1.5]).to(int),
    "to_python_bool": lambda lib: lib.tensor([1.5]).to(bool),
    "float64_to_float16_overflow": lambda lib: lib.tensor([1e6], dtype=lib.float64).half(),
    "float_to_bool_to_float": lambda lib: lib.tensor([0.0, 2.0]).bool().float(),
    "type_as": lambda lib: lib.tensor([1.5]).type_as(lib.tensor([1])),
    "type_string": lambda lib: lib.tensor([1.5]).type(),
    "type_dtype": lambda lib: lib.tensor([1.5]).type(lib.int64),
    "type_legacy_name": lambda lib: lib.tensor([1.5]).type(f"{lib.__name__}.DoubleTensor"),
    "requires_grad_survives_to": lambda lib: lib.tensor([1.5], requires_grad=True).double(),
}


@pytest.mark.parametrize("name", sorted(CONVERSIONS))
def test_conversion(name):
    _check(CONVERSIONS[name])


@pytest.mark.parametrize(
    ("dtype", "legacy"),
    [
        ("float32", "FloatTensor"),
        ("float64", "DoubleTensor"),
        ("float16", "HalfTensor"),
        ("int64", "LongTensor"),
        ("int32", "IntTensor"),
        ("int16", "ShortTensor"),
        ("int8", "CharTensor"),
        ("uint8", "ByteTensor"),
        ("bool", "BoolTensor"),
    ],
)
def test_type_string(dtype, legacy):
    assert torch.ones(1, dtype=getattr(torch, dtype)).type() == f"torch.{legacy}"
    assert fakel.ones(1, dtype=getattr(fakel, dtype)).type() == f"fakel.{legacy}"


IDENTITY = {
    "to_same_dtype": lambda t, lib: t.to(lib.float32),
    "to_same_dtype_kwarg": lambda t, lib: t.to(dtype=lib.float32),
    "to_cpu": lambda t, lib: t.to("cpu"),
    "to_cpu_device": lambda t, lib: t.to(lib.device("cpu")),
    "to_same_other": lambda t, lib: t.to(lib.zeros(1)),
    "to_nothing": lambda t, lib: t.to(),
    "float_of_float": lambda t, lib: t.float(),
    "type_same": lambda t, lib: t.type(lib.float32),
    "cpu": lambda t, lib: t.cpu(),
    "contiguous": lambda t, lib: t.contiguous(),
    "type_as_same": lambda t, lib: t.type_as(lib.zeros(1)),
    "to_copy": lambda t, lib: t.to(lib.float32, copy=True),
    "to_other_dtype": lambda t, lib: t.to(lib.float64),
    "double": lambda t, lib: t.double(),
    "clone": lambda t, lib: t.clone(),
    "detach": lambda t, lib: t.detach(),
    "contiguous_of_t": lambda t, lib: t.t().contiguous(),
}


@pytest.mark.parametrize("name", sorted(IDENTITY))
def test_returns_self_when_nothing_changes(name):
    # Whether the call returns the very same tensor object, and whether it shares memory.
    seen = {}
    for lib in (torch, fakel):
        t = lib.ones(2, 2)
        out = IDENTITY[name](t, lib)
        out_values_before = out.tolist()
        t[0, 0] = 5.0
        seen[lib.__name__] = (out is t, out.tolist() != out_values_before)
    assert seen["fakel"] == seen["torch"], seen


def test_clone_copies_and_keeps_grad():
    _check(lambda lib: lib.tensor([1.0], requires_grad=True).clone())
    _check(lambda lib: type(lib.tensor([1.0], requires_grad=True).clone().grad_fn).__name__)
    _check(lambda lib: lib.tensor([1.0], requires_grad=True).clone().is_leaf)


def test_detach_shares_memory_and_drops_grad():
    _check(
        lambda lib: (lambda d: (d.requires_grad, d.is_leaf, d.grad_fn is None))(
            (lib.ones(2, requires_grad=True) * 2).detach()
        )
    )
    for lib in (torch, fakel):
        x = lib.ones(2, requires_grad=True)
        d = x.detach()
        d[0] = 3.0
        assert x.tolist() == [3.0, 1.0], lib.__name__


def test_contiguous_copy_of_transposed():
    for lib in (torch, fakel):
        m = lib.arange(6.0).reshape(2, 3)
        c = m.t().contiguous()
        assert c.is_contiguous() and c.stride() == (2, 1)
        c[0, 0] = -1.0
        assert m[0, 0].item() == 0.0, lib.__name__


# --- Python protocols ---------------------------------------------------------------------------

PROTOCOLS = {
    "len": lambda lib: len(lib.zeros(3, 2)),
    "len_0d": lambda lib: len(lib.tensor(1)),
    "len_empty": lambda lib: len(lib.zeros(0, 2)),
    "iter_1d": lambda lib: list(lib.tensor([1, 2])),
    "iter_2d": lambda lib: list(lib.zeros(2, 2)),
    "iter_0d": lambda lib: iter(lib.tensor(1)),
    "iter_items": lambda lib: [x.item() for x in lib.tensor([1.5, 2.5])],
    "unpack": lambda lib: (lambda a, b: (a, b))(*lib.tensor([1, 2])),
    "bool_zero": lambda lib: bool(lib.tensor(0)),
    "bool_one_element": lambda lib: bool(lib.tensor([1.5])),
    "bool_nan": lambda lib: bool(lib.tensor(float("nan"))),
    "bool_many": lambda lib: bool(lib.tensor([1, 2])),
    "bool_empty": lambda lib: bool(lib.tensor([])),
    "if_tensor": lambda lib: "yes" if lib.tensor([0.0]) else "no",
    "not_tensor": lambda lib: not lib.tensor(3),
    "float_one_element": lambda lib: float(lib.tensor([2])),
    "float_0d": lambda lib: float(lib.tensor(2.5)),
    "float_bool": lambda lib: float(lib.tensor(True)),
    "float_many": lambda lib: float(lib.tensor([1, 2])),
    "float_empty": lambda lib: float(lib.tensor([])),
    "int_truncates": lambda lib: int(lib.tensor(2.7)),
    "int_truncates_negative": lambda lib: int(lib.tensor(-2.7)),
    "int_bool": lambda lib: int(lib.tensor(True)),
    "int_many": lambda lib: int(lib.tensor([1, 2])),
    "int_nan": lambda lib: int(lib.tensor(float("nan"))),
    "complex": lambda lib: complex(lib.tensor(1.5)),
    "index": lambda lib: [10, 20, 30][lib.tensor(1)],
    "index_one_element": lambda lib: [10, 20, 30][lib.tensor([1])],
    "index_int32": lambda lib: range(10)[lib.tensor(3, dtype=lib.int32)],
    "index_float": lambda lib: [10, 20, 30][lib.tensor(1.0)],
    "index_many": lambda lib: [10, 20, 30][lib.tensor([1, 2])],
    "index_bool": lambda lib: [10, 20, 30][lib.tensor(True)],
    "hex": lambda lib: hex(lib.tensor(255)),
    "slice_bounds": lambda lib: [0, 1, 2, 3, 4][lib.tensor(1) : lib.tensor(3)],
    "hash_identity": lambda lib: len({lib.tensor(1): 1, lib.tensor(1): 2}),
    "same_key": lambda lib: (lambda t: {t: 1}[t])(lib.tensor(1)),
    "in_set": lambda lib: (lambda t: t in {t})(lib.tensor([1, 2])),
    "eq_none": lambda lib: lib.tensor([1, 1]) == None,  # noqa: E711
    "ne_none": lambda lib: lib.tensor([1, 1]) != None,  # noqa: E711
    "eq_list": lambda lib: lib.tensor([1, 1]) == [1, 1],
    "eq_string": lambda lib: lib.tensor([1, 1]) == "a",
    "format_0d": lambda lib: format(lib.tensor(1.5), ".2f"),
    "format_0d_int": lambda lib: format(lib.tensor(3), "05d"),
    "format_0d_empty_spec": lambda lib: format(lib.tensor(1.5), ""),
    "format_1d": lambda lib: format(lib.tensor([1.5]), ".2f"),
    "format_1d_empty_spec": lambda lib: format(lib.tensor([1.5]), ""),
    "fstring": lambda lib: f"{lib.tensor(2.25):.1f}",
    "fstring_bool": lambda lib: f"{lib.tensor(True)}",
    "str_equals_repr": lambda lib: str(_m(lib)) == repr(_m(lib)),
    "contains": lambda lib: 2 in lib.tensor([1, 2, 3]),
    "contains_not": lambda lib: 5 in lib.tensor([1, 2, 3]),
    "round_builtin": lambda lib: round(lib.tensor(2.5)),
    "math_floor": lambda lib: math.floor(lib.tensor(2.5)),
    "math_isclose": lambda lib: math.isclose(lib.tensor(0.5), 0.5),
    "sorted_0d": lambda lib: [t.item() for t in sorted([lib.tensor(3), lib.tensor(1)])],
    "max_builtin": lambda lib: max(lib.tensor([1, 5, 3])).item(),
    "sum_builtin": lambda lib: sum(lib.tensor([1, 5, 3])),
}


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
def test_protocol(name):
    _check(PROTOCOLS[name])


# --- equality, NaN and casts --------------------------------------------------------------------

EQUALITY = {
    "equal_int_float": lambda lib: lib.equal(lib.tensor([1, 2]), lib.tensor([1.0, 2.0])),
    "equal_values_differ": lambda lib: lib.equal(lib.tensor([1, 2]), lib.tensor([1, 3])),
    "equal_shapes_differ": lambda lib: lib.equal(lib.tensor([1, 2]), lib.tensor([1, 2, 3])),
    "equal_0d_vs_1d": lambda lib: lib.equal(lib.tensor([1]), lib.tensor(1)),
    "equal_2d_vs_1d": lambda lib: lib.equal(lib.tensor([[1, 2]]), lib.tensor([1, 2])),
    "equal_nan": lambda lib: lib.equal(_nan(lib), _nan(lib)),
    "equal_bool_int": lambda lib: lib.equal(lib.tensor([True, False]), lib.tensor([1, 0])),
    "equal_f64_f32": lambda lib: lib.equal(lib.tensor([0.1], dtype=lib.float64), lib.tensor([0.1])),
    "equal_f16_f32": lambda lib: lib.equal(lib.tensor([0.5], dtype=lib.float16), lib.tensor([0.5])),
    "equal_method": lambda lib: lib.tensor([1, 2]).equal(lib.tensor([1, 2])),
    "equal_empty": lambda lib: lib.equal(lib.tensor([]), lib.tensor([], dtype=lib.int64)),
    "equal_neg_zero": lambda lib: lib.equal(lib.tensor([0.0]), lib.tensor([-0.0])),
    "eq_nan_scalar": lambda lib: _nan(lib) == float("nan"),
    "ne_nan": lambda lib: _nan(lib) != _nan(lib),
    "lt_nan": lambda lib: _nan(lib) < 2,
    "ge_nan": lambda lib: _nan(lib) >= float("nan"),
    "eq_int_float": lambda lib: lib.tensor([1, 2]) == lib.tensor([1.0, 2.5]),
    "gt_uint8_negative": lambda lib: lib.tensor([0, 5], dtype=lib.uint8) > -1,
    "eq_bool_int": lambda lib: lib.tensor([True, False]) == 1,
    "max_nan": lambda lib: _nan(lib).max(),
    "min_nan": lambda lib: _nan(lib).min(),
    "argmax_nan": lambda lib: _nan(lib).argmax(),
    "argmin_nan": lambda lib: _nan(lib).argmin(),
    "amax_nan": lambda lib: _nan(lib).amax(),
    "max_dim_nan": lambda lib: lib.tensor([[1.0, float("nan")], [3.0, 0.0]]).max(dim=1),
    "min_dim_nan": lambda lib: lib.tensor([[1.0, float("nan")], [3.0, 0.0]]).min(0),
    "maximum_nan": lambda lib: lib.maximum(
        lib.tensor([1.0, float("nan")]), lib.tensor([float("nan"), 2.0])
    ),
    "minimum_nan": lambda lib: lib.minimum(_nan(lib), lib.tensor([0.0, 2.0, 4.0])),
    "sum_nan": lambda lib: _nan(lib).sum(),
    "clamp_nan": lambda lib: _nan(lib).clamp(0, 2),
    "relu_nan": lambda lib: lib.relu(lib.tensor([float("nan"), -1.0, 0.0, 2.0])),
    "relu_int": lambda lib: lib.relu(lib.tensor([-1, 2])),
    "sign_zero_nan": lambda lib: lib.sign(lib.tensor([0.0, -0.0, float("nan"), -2.0])),
    "log_negative": lambda lib: lib.tensor([-1.0]).log(),
    "log_zero": lambda lib: lib.tensor([0.0]).log(),
    "sqrt_negative": lambda lib: lib.tensor([-1.0]).sqrt(),
    "exp_overflow": lambda lib: lib.tensor([100.0]).exp(),
    "mul_overflow": lambda lib: lib.tensor([3e38]) * 10,
    "inf_minus_inf": lambda lib: lib.tensor([float("inf")]) - float("inf"),
    "zero_times_inf": lambda lib: lib.tensor([0.0]) * float("inf"),
}


@pytest.mark.parametrize("name", sorted(EQUALITY))
def test_equality_and_nan(name):
    _check(EQUALITY[name])


# --- reductions (reference 2.4) -----------------------------------------------------------------

REDUCTIONS = {
    "sum_empty": lambda lib: lib.tensor([]).sum(),
    "prod_empty": lambda lib: lib.tensor([]).prod(),
    "mean_empty": lambda lib: lib.tensor([]).mean(),
    "sum_empty_int": lambda lib: lib.tensor([], dtype=lib.int64).sum(),
    "sum_empty_bool": lambda lib: lib.tensor([], dtype=lib.bool).sum(),
    "prod_empty_int32": lambda lib: lib.tensor([], dtype=lib.int32).prod(),
    "sum_empty_dim0": lambda lib: lib.zeros(0, 3).sum(0),
    "sum_empty_dim1": lambda lib: lib.zeros(0, 3).sum(1),
    "mean_empty_dim0": lambda lib: lib.zeros(0, 3).mean(0),
    "prod_empty_dim1": lambda lib: lib.zeros(0, 3).prod(1),
    "max_empty": lambda lib: lib.tensor([]).max(),
    "max_empty_dim": lambda lib: lib.zeros(0, 3).max(dim=0),
    "max_empty_other_dim": lambda lib: lib.zeros(0, 3).max(dim=1),
    "argmax_empty": lambda lib: lib.tensor([]).argmax(),
    "sum_bool": lambda lib: lib.tensor([True, True, False]).sum(),
    "sum_uint8_no_wrap": lambda lib: lib.tensor([200, 200], dtype=lib.uint8).sum(),
    "sum_int32": lambda lib: lib.tensor([1, 2], dtype=lib.int32).sum(),
    "sum_int8": lambda lib: lib.tensor([100, 100], dtype=lib.int8).sum(),
    "sum_int16": lambda lib: lib.tensor([1, 2], dtype=lib.int16).sum(),
    "sum_float16": lambda lib: lib.tensor([1.5, 2], dtype=lib.float16).sum(),
    "sum_float64": lambda lib: lib.tensor([1.5, 2], dtype=lib.float64).sum(),
    "sum_dtype_float32": lambda lib: lib.tensor([1, 2]).sum(dtype=lib.float32),
    "sum_dtype_int32": lambda lib: lib.tensor([1, 2]).sum(dtype=lib.int32),
    "sum_dtype_truncates": lambda lib: lib.tensor([1.5, 2.5]).sum(dtype=lib.int64),
    "sum_dtype_dim": lambda lib: lib.tensor([[1, 2], [3, 4]]).sum(0, dtype=lib.float64),
    "torch_sum_dtype": lambda lib: lib.sum(lib.tensor([True, True]), dtype=lib.float16),
    "prod_bool": lambda lib: lib.tensor([True, True]).prod(),
    "prod_int32": lambda lib: lib.tensor([3, 4], dtype=lib.int32).prod(),
    "prod_uint8": lambda lib: lib.tensor([100, 100], dtype=lib.uint8).prod(),
    "prod_float16": lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float16).prod(),
    "prod_dtype": lambda lib: lib.tensor([1, 2]).prod(dtype=lib.float64),
    "prod_with_zero": lambda lib: lib.tensor([2.0, 0.0, 3.0]).prod(),
    "sum_dim_int32": lambda lib: lib.tensor([[1, 2], [3, 4]], dtype=lib.int32).sum(0),
    "sum_dim_bool": lambda lib: lib.tensor([[True, False], [True, True]]).sum(1),
    "sum_keepdim": lambda lib: lib.tensor([[1, 2], [3, 4]]).sum(1, keepdim=True),
    "sum_tuple_dims": lambda lib: lib.tensor([[1, 2], [3, 4]]).sum((0, 1)),
    "sum_negative_dim": lambda lib: lib.tensor([[1, 2], [3, 4]]).sum(-1),
    "sum_dim_out_of_range": lambda lib: lib.tensor([[1, 2], [3, 4]]).sum(dim=2),
    "sum_repeated_dim": lambda lib: lib.tensor([[1, 2], [3, 4]]).sum(dim=(0, 0)),
    "mean_int": lambda lib: lib.tensor([1, 2]).mean(),
    "mean_bool": lambda lib: lib.tensor([True]).mean(),
    "mean_dtype": lambda lib: lib.tensor([1, 2]).mean(dtype=lib.float32),
    "mean_keepdim": lambda lib: _m(lib).mean(0, keepdim=True),
    "max_int": lambda lib: lib.tensor([3, 1, 2]).max(),
    "min_bool": lambda lib: lib.tensor([True, False]).min(),
    "max_int32": lambda lib: lib.tensor([3, 1, 2], dtype=lib.int32).max(),
    "max_uint8": lambda lib: lib.tensor([3, 250], dtype=lib.uint8).max(),
    "max_dim": lambda lib: lib.tensor([[5, 1], [3, 3]]).max(dim=1),
    "max_dim_values": lambda lib: lib.tensor([[5, 1], [3, 3]]).max(1).values,
    "max_dim_indices": lambda lib: lib.tensor([[5, 1], [3, 3]]).max(1).indices,
    "max_dim_index0": lambda lib: lib.tensor([[5, 1], [3, 3]]).max(1)[0],
    "max_dim_unpack": lambda lib: (lambda v, i: (v, i))(*lib.tensor([[5, 1], [3, 3]]).max(1)),
    "max_dim_len": lambda lib: len(lib.tensor([[5, 1], [3, 3]]).max(1)),
    "max_dim_type": lambda lib: type(lib.tensor([[5, 1], [3, 3]]).max(1)).__name__,
    "max_dim_str": lambda lib: str(lib.tensor([[5, 1], [3, 3]]).max(1)),
    "max_dim_keepdim": lambda lib: lib.tensor([[5, 1], [3, 3]]).max(0, keepdim=True),
    "max_dim_keepdim_positional": lambda lib: lib.tensor([[5, 1], [3, 3]]).max(1, True),
    "min_dim_negative": lambda lib: lib.tensor([[5, 1], [3, 3]]).min(dim=-1),
    "max_dim_ties_first": lambda lib: lib.tensor([[2, 2, 1], [0, 3, 3]]).max(1),
    "max_dim_float_grad": lambda lib: lib.tensor([[2.5, 1.0], [3.0, 3.0]], requires_grad=True).max(
        1
    ),
    "torch_max_dim": lambda lib: lib.max(lib.tensor([[5, 1], [3, 3]]), 1),
    "torch_max_binary": lambda lib: lib.max(lib.tensor([1, 5]), lib.tensor([4, 2])),
    "argmax": lambda lib: lib.tensor([3, 5, 5]).argmax(),
    "argmax_flat": lambda lib: lib.tensor([[1, 9], [8, 2]]).argmax(),
    "argmax_dim": lambda lib: lib.tensor([[1, 9], [8, 2]]).argmax(dim=0),
    "argmax_keepdim": lambda lib: lib.tensor([[1, 9], [8, 2]]).argmax(1, keepdim=True),
    "argmin_bool": lambda lib: lib.tensor([True, False, False]).argmin(),
    "sum_0d_dim0": lambda lib: lib.tensor(5.0).sum(0),
    "sum_0d_dim_neg1": lambda lib: lib.tensor(5.0).sum(-1),
    "sum_0d_dim1": lambda lib: lib.tensor(5.0).sum(1),
    "sum_0d_keepdim": lambda lib: lib.tensor(5.0).sum(0, keepdim=True),
    "max_0d_dim": lambda lib: lib.tensor(5).max(0),
    "mean_0d_dim": lambda lib: lib.tensor(5.0).mean(-1),
    "argmax_0d_dim": lambda lib: lib.tensor(5.0).argmax(0),
    "prod_0d_dim": lambda lib: lib.tensor(5).prod(0),
    "sum_grad_fn": lambda lib: lib.ones(2, requires_grad=True).sum(),
    "mean_grad_fn": lambda lib: lib.ones(2, 2, requires_grad=True).mean(1),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction(name):
    _check(REDUCTIONS[name])


# --- integer and boolean arithmetic (reference 2.3), clamp, abs ---------------------------------

ARITHMETIC = {
    "int_true_div": lambda lib: lib.tensor([1, 2]) / lib.tensor([2, 2]),
    "bool_true_div": lambda lib: lib.tensor([True]) / lib.tensor([True]),
    "int_div_zero": lambda lib: lib.tensor([1, -1, 0]) / 0,
    "float_div_zero": lambda lib: lib.tensor([1.0, -1.0, 0.0]) / 0.0,
    "int_floordiv": lambda lib: lib.tensor([5, -5]) // 2,
    "float_floordiv": lambda lib: lib.tensor([5.0, -5.0]) // 2,
    "int_floordiv_float": lambda lib: lib.tensor([5, -5]) // 2.0,
    "int_floordiv_float_tensor": lambda lib: lib.tensor([5]) // lib.tensor([2.0]),
    "int_mod": lambda lib: lib.tensor([5, -5]) % 3,
    "int_mod_negative": lambda lib: lib.tensor([5, -5]) % -3,
    "float_mod": lambda lib: lib.tensor([5.0, -5.0]) % 3,
    "int_mod_float": lambda lib: lib.tensor([5, -5]) % 2.5,
    "float_mod_negative_zero": lambda lib: lib.tensor([-5.0, 5.0]) % 2.5,
    "remainder": lambda lib: lib.remainder(lib.tensor([5, -5]), 3),
    "div_trunc": lambda lib: lib.div(lib.tensor([5, -5]), 2, rounding_mode="trunc"),
    "div_floor": lambda lib: lib.div(lib.tensor([5, -5]), 2, rounding_mode="floor"),
    "div_trunc_float": lambda lib: lib.div(lib.tensor([5.0, -5.0]), 2, rounding_mode="trunc"),
    "int_floordiv_zero": lambda lib: lib.tensor([5, -5]) // 0,
    "int_mod_zero": lambda lib: lib.tensor([5, -5]) % 0,
    "int_floordiv_zero_tensor": lambda lib: lib.tensor([5, -5]) // lib.tensor([0, 1]),
    "int_mod_zero_tensor": lambda lib: lib.tensor([5, -5]) % lib.tensor([1, 0]),
    "float_floordiv_zero": lambda lib: lib.tensor([5.0, -5.0, 0.0]) // 0,
    "float_mod_zero": lambda lib: lib.tensor([5.0, -5.0, 0.0]) % 0,
    "int32_floordiv": lambda lib: lib.tensor([7], dtype=lib.int32) // 2,
    "int8_floordiv": lambda lib: lib.tensor([-7], dtype=lib.int8) // 2,
    "int16_mod": lambda lib: lib.tensor([-7], dtype=lib.int16) % 3,
    "uint8_mod": lambda lib: lib.tensor([7], dtype=lib.uint8) % 3,
    "int32_true_div": lambda lib: lib.tensor([-7], dtype=lib.int32) / 2,
    "pow_int": lambda lib: lib.tensor([2]) ** 2,
    "pow_float_exponent": lambda lib: lib.tensor([2]) ** 2.0,
    "pow_half": lambda lib: lib.tensor([4]) ** 0.5,
    "rpow_int": lambda lib: 2 ** lib.tensor([3]),
    "rpow_float": lambda lib: 2.0 ** lib.tensor([3]),
    "pow_negative_int": lambda lib: lib.tensor([1, -1]) ** -1,
    "pow_negative_int_0d": lambda lib: lib.tensor(2) ** -1,
    "pow_negative_tensor_exponent": lambda lib: lib.tensor([2, 3]) ** lib.tensor([-1, 2]),
    "pow_wraps": lambda lib: lib.tensor([3]) ** 40,
    "pow_zero_zero_int": lambda lib: lib.tensor([0]) ** 0,
    "pow_zero_zero_float": lambda lib: lib.tensor([0.0]) ** 0,
    "pow_negative_base_fraction": lambda lib: lib.tensor([-8.0]) ** (1 / 3),
    "pow_bool": lambda lib: lib.tensor([True]) ** 2,
    "bool_plus_bool": lambda lib: lib.tensor([True]) + lib.tensor([True]),
    "bool_times_int": lambda lib: lib.tensor([True]) * 3,
    "bool_plus_float": lambda lib: lib.tensor([True]) + 1.5,
    "neg_bool": lambda lib: -lib.tensor([True]),
    "bool_minus_bool": lambda lib: lib.tensor([True]) - lib.tensor([True]),
    "abs_bool": lambda lib: abs(lib.tensor([True])),
    "and_float": lambda lib: lib.tensor([1.0]) & lib.tensor([1.0]),
    "neg_uint8": lambda lib: -lib.tensor([1], dtype=lib.uint8),
    "invert_int": lambda lib: ~lib.tensor([1]),
    "invert_bool": lambda lib: ~lib.tensor([True]),
    "sqrt_int": lambda lib: lib.sqrt(lib.tensor([4])),
    "exp_int": lambda lib: lib.exp(lib.tensor([0, 0])),
    "exp_int_dtype": lambda lib: lib.exp(lib.tensor([0, 1])).dtype,
    "sin_bool": lambda lib: lib.sin(lib.tensor([False])),
    "sin_bool_dtype": lambda lib: lib.sin(lib.tensor([True])).dtype,
    "log_uint8_dtype": lambda lib: lib.log(lib.tensor([1, 2], dtype=lib.uint8)).dtype,
    "sqrt_int16_dtype": lambda lib: lib.sqrt(lib.tensor([4], dtype=lib.int16)).dtype,
    "add_int_alpha_float": lambda lib: lib.add(lib.tensor([1]), lib.tensor([1]), alpha=0.5),
    "uint8_plus_int_wraps": lambda lib: lib.tensor([200], dtype=lib.uint8) + 100,
    "int8_times_wraps": lambda lib: lib.tensor([100], dtype=lib.int8) * 2,
    "clamp_min_gt_max": lambda lib: lib.tensor([1.0, 5.0, 9.0]).clamp(min=3, max=1),
    "clamp_min_gt_max_int": lambda lib: lib.tensor([1, 5, 9]).clamp(min=3, max=1),
    "clamp_neither": lambda lib: lib.tensor([1.0]).clamp(),
    "clamp_int_float_bound": lambda lib: lib.tensor([1, 5, 9]).clamp(2.5),
    "clamp_max_only": lambda lib: lib.tensor([1, 5, 9]).clamp(max=4),
    "abs_int": lambda lib: lib.abs(lib.tensor([-3, 0, 2])),
    "abs_int8": lambda lib: lib.abs(lib.tensor([-3, 0, 2], dtype=lib.int8)),
    "abs_int8_min": lambda lib: lib.abs(lib.tensor([-128], dtype=lib.int8)),
    "abs_float_neg_zero": lambda lib: lib.abs(lib.tensor([-1.5, -0.0])),
    "abs_builtin_int32": lambda lib: abs(lib.tensor([-2], dtype=lib.int32)),
}


@pytest.mark.parametrize("name", sorted(ARITHMETIC))
def test_arithmetic(name):
    _check(ARITHMETIC[name])


_INTS = [-7, -3, -1, 0, 1, 2, 5]


@pytest.mark.parametrize("op", ["floordiv", "mod", "truediv", "pow"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8"])
def test_integer_tables(op, dtype):
    # Every pair from a small grid, as tensor op tensor and tensor op Python int; zero divisors
    # and negative exponents are left out (tested above).
    def table(lib):
        a_vals = [a for a in _INTS if dtype != "uint8" or a >= 0]
        rows = []
        for b in a_vals:
            if b == 0:  # zero divisors are cases of their own above
                continue
            if op == "pow" and b < 0:
                continue
            a = lib.tensor(a_vals, dtype=getattr(lib, dtype))
            bt = lib.tensor([b] * len(a_vals), dtype=getattr(lib, dtype))
            f = getattr(operator, op)
            rows.append((f(a, bt), f(a, b)))
        return rows

    _check(table)


BOOL_ARITH = {
    "mod_bool_bool": lambda lib: lib.tensor([True, False]) % lib.tensor([True, True]),
    "mod_bool_true": lambda lib: lib.tensor([True, False]) % True,
    "pow_bool_bool": lambda lib: lib.tensor([True, False]) ** lib.tensor([True, False]),
    "pow_bool_true": lambda lib: lib.tensor([True, False]) ** True,
    "pow_bool_false": lambda lib: lib.tensor([True, False]) ** False,
    "rpow_true_bool": lambda lib: True ** lib.tensor([True, False]),
    "pow_bool_int": lambda lib: lib.tensor([True, False]) ** 2,
    "rpow_int_bool": lambda lib: 2 ** lib.tensor([True, False]),
    "floordiv_bool": lambda lib: lib.tensor([True, False]) // lib.tensor([True, True]),
}


@pytest.mark.parametrize("name", sorted(BOOL_ARITH))
def test_bool_arithmetic(name):
    _check(BOOL_ARITH[name])
