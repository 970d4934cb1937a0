"""Reductions, scans and sorting beyond the op table: edge cases (empty, 0-d, NaN, ties,
correction >= n), warnings, printed named tuples, linalg norms, double backward, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fakel
from fakel.ops.stats import matrix_norm, vector_norm
from parity import assert_same_outcome

NAN, INF = float("nan"), float("inf")


def same(expected, actual):
    """Tensors, or (nested) tuples of them, equal in dtype, shape and values (NaN == NaN)."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected)
        assert type(actual).__name__ == type(expected).__name__
        for e, a in zip(expected, actual):
            same(e, a)
        return
    if not isinstance(expected, torch.Tensor):
        assert expected == actual
        return
    assert str(actual.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
    assert tuple(actual.shape) == tuple(expected.shape)
    e, a = expected.detach().numpy(), actual.detach().numpy()
    if e.dtype.kind == "f":
        np.testing.assert_allclose(a, e, rtol=1e-6, atol=1e-6, equal_nan=True)
    else:
        np.testing.assert_array_equal(a, e)
    assert (actual.grad_fn is None) == (expected.grad_fn is None)
    if expected.grad_fn is not None:
        assert type(actual.grad_fn).__name__ == type(expected.grad_fn).__name__


def _m(lib):
    return lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


_LONG = np.random.default_rng(3).standard_normal((3, 40))
_LONG[1, 7] = _LONG[2, 30] = NAN


def _long(lib, **kw):
    """Rows long enough for topk's select-then-sort path (with NaNs, no ties)."""
    return lib.tensor(_LONG, **kw)


EDGE_CASES = {
    # var / std: correction at or beyond n warns and gives nan/inf, as PyTorch
    "var_empty": lambda L: L.tensor([]).var(),
    "var_single": lambda L: L.tensor([1.0]).var(),
    "var_0d": lambda L: L.tensor(3.0).var(0),
    "var_0d_all": lambda L: L.tensor(3.0).std(),
    "var_correction_n": lambda L: _m(L).var(correction=6),
    "var_correction_big": lambda L: _m(L).std(correction=7),
    "var_correction_neg": lambda L: _m(L).var(correction=-1),
    "var_correction_float": lambda L: _m(L).var(1, correction=2.5),
    "var_empty_dim": lambda L: L.zeros(0, 3).var(0),
    "var_empty_out": lambda L: L.zeros(3, 0).var(0),
    "var_positional_unbiased": lambda L: _m(L).var(False),
    "var_positional_all": lambda L: _m(L).var(1, False, True),
    "var_dims_list": lambda L: _m(L).var([0, 1]),
    "var_dims_empty_list": lambda L: _m(L).var([]),
    "var_int": lambda L: L.tensor([1, 2]).var(),
    "std_bool": lambda L: L.tensor([True, False]).std(0),
    "var_half": lambda L: _m(L).half().var(1),
    "var_mean_tuple": lambda L: L.var_mean(_m(L), 1, keepdim=True),
    "std_mean_unbiased": lambda L: L.std_mean(_m(L), 1, False),
    "var_dim_range": lambda L: _m(L).var(2),
    "var_dim_repeat": lambda L: _m(L).var((0, 0)),
    # norms
    "norm_int": lambda L: L.tensor([1, 2]).norm(),
    "norm_empty_inf": lambda L: L.zeros(0).norm(INF),
    "norm_empty_neg_inf_dim": lambda L: L.zeros(0, 3).norm(-INF, 0),
    "norm_empty_inf_other_dim": lambda L: L.zeros(0, 3).norm(INF, 1),
    "norm_empty_2": lambda L: L.zeros(0, 3).norm(),
    "norm_0": lambda L: _m(L).norm(0),
    "norm_bad_str": lambda L: _m(L).norm("abc"),
    "norm_fro_three_dims": lambda L: L.ones(2, 2, 2).norm("fro", dim=(0, 1, 2)),
    "norm_2_three_dims": lambda L: L.ones(2, 2, 2).norm(2, dim=(0, 1, 2)),
    "norm_p_none": lambda L: _m(L).norm(None),
    "norm_dtype": lambda L: L.norm(_m(L), dtype=L.float64),
    "norm_dim_repeat": lambda L: _m(L).norm(dim=(0, 0)),
    # logsumexp
    "lse_all_neg_inf": lambda L: L.tensor([-INF, -INF]).logsumexp(0),
    "lse_pos_inf": lambda L: L.tensor([INF, 1.0]).logsumexp(0),
    "lse_big": lambda L: L.tensor([1000.0, 1000.0]).logsumexp(0),
    "lse_empty": lambda L: L.zeros(0).logsumexp(0),
    "lse_empty_rows": lambda L: L.zeros(0, 3).logsumexp(1),
    "lse_0d": lambda L: L.tensor(2.0).logsumexp(0),
    "lse_int": lambda L: L.tensor([[1, 2], [3, 4]]).logsumexp(1),
    "lse_dims_empty_tuple": lambda L: _m(L).logsumexp(()),
    # all / any / count_nonzero
    "all_uint8": lambda L: L.tensor([[1, 2], [0, 1]], dtype=L.uint8).all(1),
    "any_uint8_full": lambda L: L.tensor([0, 2], dtype=L.uint8).any(),
    "all_empty": lambda L: L.zeros(0).all(),
    "any_empty": lambda L: L.zeros(0).any(),
    "any_nan": lambda L: L.tensor([NAN]).any(),
    "all_keepdim_tuple": lambda L: _m(L).all((0,), keepdim=True),
    "all_0d_dim": lambda L: L.tensor(0.0).all(0),
    "count_nonzero_list": lambda L: _m(L).count_nonzero([0]),
    "count_nonzero_repeat": lambda L: _m(L).count_nonzero((0, 0)),
    "count_nonzero_0d": lambda L: L.tensor(2.0).count_nonzero(0),
    # scans
    "cumsum_int32": lambda L: L.tensor([1, 2], dtype=L.int32).cumsum(0),
    "cumsum_bool": lambda L: L.tensor([True, False, True]).cumsum(0),
    "cumsum_dtype": lambda L: L.tensor([1, 2]).cumsum(0, dtype=L.float32),
    "cumsum_half": lambda L: _m(L).half().cumsum(1),
    "cumsum_0d": lambda L: L.tensor(2.0).cumsum(-1),
    "cumsum_empty": lambda L: L.zeros(0, 2).cumsum(0),
    "cumprod_bool": lambda L: L.tensor([True, True, False, True]).cumprod(0),
    "cummax_ties": lambda L: L.tensor([1, 3, 3, 2, 3]).cummax(0),
    "cummin_ties": lambda L: L.tensor([3, 1, 1, 2, 1]).cummin(0),
    "cummax_nan": lambda L: L.tensor([1.0, NAN, 3.0, NAN]).cummax(0),
    "cummin_nan": lambda L: L.tensor([1.0, NAN, 0.0]).cummin(0),
    "cummax_bool": lambda L: L.tensor([False, True, True]).cummax(0),
    "cummax_0d": lambda L: L.tensor(2.0).cummax(0),
    "cummax_empty": lambda L: L.zeros(0).cummax(0),
    # sorting
    "sort_nan": lambda L: L.tensor([2.0, NAN, 1.0, -INF, NAN]).sort(),
    "sort_nan_desc": lambda L: L.tensor([2.0, NAN, 1.0, -INF, NAN]).sort(descending=True),
    "sort_stable_long": lambda L: L.tensor([2, 1, 2, 1, 3, 1] * 10).sort(stable=True),
    "sort_stable_long_desc": lambda L: L.sort(
        L.tensor([2, 1, 3] * 10), stable=True, descending=True
    ),
    "sort_bool": lambda L: L.tensor([True, False, True]).sort(),
    "sort_uint8_desc": lambda L: L.tensor([3, 1, 2], dtype=L.uint8).sort(descending=True),
    "sort_0d": lambda L: L.tensor(2.0).sort(),
    "sort_empty": lambda L: L.zeros(0, 2).sort(0),
    "sort_dim_range": lambda L: _m(L).sort(2),
    "argsort_positional": lambda L: L.tensor([[3, 1, 2]]).argsort(0, True),
    "msort_0d": lambda L: L.msort(L.tensor(2.0)),
    "topk_nan": lambda L: L.tensor([1.0, NAN, 3.0]).topk(2),
    "topk_nan_smallest": lambda L: L.tensor([1.0, NAN, 3.0]).topk(2, largest=False),
    "topk_k_too_big": lambda L: L.tensor([1, 2]).topk(3),
    "topk_k_negative": lambda L: L.tensor([1, 2]).topk(-1),
    "topk_0d": lambda L: L.tensor(2.0).topk(1),
    "topk_0d_k2": lambda L: L.tensor(2.0).topk(2),
    "topk_bool": lambda L: L.tensor([True, False]).topk(1),
    "topk_empty": lambda L: L.zeros(0, 2).topk(0, 0),
    "topk_unsorted_values": lambda L: L.tensor([1.0, 5, 3, 4, 2]).topk(3, sorted=False).values,
    "topk_long_largest": lambda L: _long(L).topk(3),
    "topk_long_smallest": lambda L: _long(L).topk(4, 1, largest=False),
    "topk_long_dim0": lambda L: _long(L).t().topk(2, 0),
    "topk_long_grad": lambda L: _grad(L, lambda x: x.topk(3).values.sum(), _LONG.tolist()),
    "kthvalue_nan": lambda L: L.tensor([1.0, NAN, 3.0]).kthvalue(3),
    "kthvalue_k0": lambda L: L.tensor([1.0, 2.0]).kthvalue(0),
    "kthvalue_0d_k2": lambda L: L.tensor(2.0).kthvalue(2),
    "kthvalue_bool": lambda L: L.tensor([True, False]).kthvalue(1),
    "kthvalue_empty_rows": lambda L: L.zeros(0, 2).kthvalue(1, 1),
    "median_even": lambda L: L.tensor([4.0, 1.0, 3.0, 2.0]).median(),
    "median_nan": lambda L: L.tensor([1.0, NAN, 3.0]).median(),
    "median_nan_dim": lambda L: L.tensor([1.0, NAN, 3.0, NAN]).median(0),
    "median_empty": lambda L: L.zeros(0).median(),
    "median_empty_dim": lambda L: L.zeros(0, 3).median(0),
    "median_empty_rows": lambda L: L.zeros(3, 0).median(0),
    "median_0d": lambda L: L.tensor(2.0).median(0),
    "median_bool": lambda L: L.tensor([True, False]).median(),
    "median_dim_none": lambda L: _m(L).median(dim=None, keepdim=True),
    "nanmedian": lambda L: L.tensor([1.0, NAN, 3.0, 2.0]).nanmedian(),
    "nanmedian_all_nan": lambda L: L.tensor([NAN, NAN]).nanmedian(0),
    "nanmedian_rows": lambda L: L.tensor([[1.0, NAN, 3.0, 2.0], [1.0, 2.0, 3.0, 4.0]]).nanmedian(1),
    "nanmedian_empty": lambda L: L.tensor([]).nanmedian(),
    "mode_ties": lambda L: L.tensor([3, 3, 1, 1, 2]).mode(),
    "mode_rows": lambda L: L.tensor([[3, 3, 1, 1, 2], [5, 4, 4, 5, 4]]).mode(1),
    "mode_nan": lambda L: L.tensor([1.0, NAN, NAN]).mode(),
    "mode_bool": lambda L: L.tensor([True, False, True]).mode(),
    "mode_empty": lambda L: L.zeros(0).mode(),
    "mode_0d": lambda L: L.tensor(2.0).mode(),
    "mode_dim_none": lambda L: _m(L).mode(dim=None),
    "unique_all": lambda L: L.unique(
        L.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True
    ),
    "unique_nan": lambda L: L.unique(L.tensor([1.0, NAN, NAN]), return_counts=True),
    "unique_2d_inverse": lambda L: L.unique(L.tensor([[3, 1], [3, 2]]), return_inverse=True),
    "unique_dim": lambda L: L.unique(
        L.tensor([[3, 1], [3, 2], [3, 1]]), dim=0, return_inverse=True, return_counts=True
    ),
    "unique_dim1": lambda L: L.tensor([[3, 1, 3], [3, 2, 3]]).unique(dim=1, return_counts=True),
    "unique_0d": lambda L: L.unique(L.tensor(3), return_inverse=True, return_counts=True),
    "unique_0d_dim": lambda L: L.unique(L.tensor(3.0), dim=0),
    "unique_empty": lambda L: L.unique(L.tensor([]), return_inverse=True, return_counts=True),
    "unique_empty_dim": lambda L: L.unique(L.zeros(0, 3), dim=0, return_inverse=True),
    "unique_empty_other_dim": lambda L: L.unique(L.zeros(2, 0), dim=0),
    "unique_bool": lambda L: L.unique(L.tensor([True, False, True])),
    "unique_requires_grad": lambda L: L.unique(L.tensor([2.0, 1.0], requires_grad=True)),
    "unique_dim_requires_grad": lambda L: L.tensor([[2.0], [1.0]], requires_grad=True).unique(
        dim=0
    ),
}


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_case_matches_torch(name):
    assert_same_outcome(EDGE_CASES[name], same)


def _grad(lib, fn, values, **kw):
    x = lib.tensor(values, requires_grad=True)
    fn(x).backward(**kw)
    return x.grad


GRAD_CASES = {
    "median_ties": (lambda x: x.median(), [1.0, 2.0, 2.0, 3.0]),
    "median_nan": (lambda x: x.median(), [1.0, NAN, 2.0, NAN]),
    "nanmedian_ties": (lambda x: x.nanmedian(), [1.0, 2.0, 2.0, 3.0, NAN]),
    "std_constant": (lambda x: x.std(), [1.0, 1.0, 1.0]),
    "std_single": (lambda x: x.std(), [1.0]),
    "var_single": (lambda x: x.var(), [1.0]),
    "norm_at_zero": (lambda x: x.norm(), [0.0, 0.0]),
    "norm1_at_zero": (lambda x: x.norm(1), [0.0, 1.0]),
    "norm_half_at_zero": (lambda x: x.norm(0.5), [0.0, 1.0]),
    "norm3_at_zero": (lambda x: x.norm(3), [0.0, 0.0]),
    "norm_1_5_at_zero": (lambda x: x.norm(1.5), [0.0, 0.0]),
    "norm_inf_ties": (lambda x: x.norm(INF), [-2.0, 1.0, 2.0]),
    "norm_neg_inf_ties": (lambda x: x.norm(-INF), [-1.0, 1.0, 2.0]),
    "norm_neg1": (lambda x: x.norm(-1), [-1.0, 1.0, 2.0]),
    "norm_neg1_zero": (lambda x: x.norm(-1), [0.0, 1.0, 2.0]),
    "norm_0": (lambda x: x.norm(0), [0.0, 1.0, 2.0]),
    "cumprod_zeros": (lambda x: x.cumprod(0).sum(), [2.0, 0.0, 3.0, 0.0, 5.0]),
    "cumprod_zero_first": (lambda x: x.cumprod(0).sum(), [0.0, 2.0, 3.0]),
    "cumprod_zero_last": (lambda x: (x.cumprod(0) * x).sum(), [2.0, 3.0, 0.0]),
    "cummax_ties": (lambda x: x.cummax(0).values.sum(), [1.0, 3.0, 3.0, 2.0, 3.0]),
    "lse_neg_inf": (lambda x: x.logsumexp(0), [-INF, -INF]),
    "lse_pos_inf": (lambda x: x.logsumexp(0), [INF, 1.0]),
    "sort_2d": (lambda x: (x.sort(0).values[1] * 3).sum(), [[3.0, 1.0], [2.0, 4.0]]),
    "mode_grad": (lambda x: x.mode().values, [2.0, 1.0, 2.0]),
    "unique_backward": (lambda x: x.unique().sum(), [1.0, 2.0]),
}


MISSING_ARGUMENT = {  # Python's own wording differs from PyTorch's parser: class only
    "lse_no_dim": lambda L: L.logsumexp(_m(L)),
    "cumsum_no_dim": lambda L: _m(L).cumsum(),
    "cumprod_no_dim": lambda L: L.cumprod(_m(L)),
    "var_unbiased_and_correction": lambda L: _m(L).var(1, unbiased=True, correction=1),
}


@pytest.mark.parametrize("name", list(MISSING_ARGUMENT))
def test_argument_errors_match_torch_class(name):
    assert_same_outcome(MISSING_ARGUMENT[name], same, msg=False)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradient_edge_case_matches_torch(name):
    fn, values = GRAD_CASES[name]
    assert_same_outcome(lambda L: _grad(L, fn, values), same, msg=True)


def test_norm_zero_order_gives_no_gradient():
    x = fakel.tensor([1.0, 2.0], requires_grad=True)
    y = x.norm(0)
    assert type(y.grad_fn).__name__ == "LinalgVectorNormBackward0"
    y.backward()
    assert x.grad is None


def test_named_tuples_print_and_unpack_like_torch():
    for name in ("sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin"):
        t = torch.tensor([[3.0, 1.0], [2.0, 2.0]])
        f = fakel.tensor([[3.0, 1.0], [2.0, 2.0]])
        args = {
            "sort": (),
            "topk": (1,),
            "kthvalue": (1,),
            "median": (1,),
            "nanmedian": (1,),
            "mode": (1,),
            "cummax": (1,),
            "cummin": (1,),
        }[name]
        tr, fr = getattr(t, name)(*args), getattr(f, name)(*args)
        assert repr(fr) == repr(tr).replace("torch.", "fakel.")
        assert type(fr).__name__ == name and isinstance(fr, tuple)
        values, indices = fr
        assert values is fr.values and indices is fr.indices
        assert fr.indices.dtype == fakel.int64


def test_var_correction_warning_text():
    def fn(L):
        return L.tensor([1.0]).std(), L.zeros(0, 2).var(0)

    assert_same_outcome(fn, same)  # compares the warnings too


# linalg norms (fakel.linalg re-exports these) --------------------------------------------------
VECTOR_NORM_CASES = [
    ((3, 4), {}),
    ((3, 4), {"ord": 1, "dim": 1}),
    ((3, 4), {"ord": INF, "dim": (0, 1)}),
    ((2, 3, 4), {"ord": 3, "dim": (-1, 0), "keepdim": True}),
    ((3,), {"ord": -INF}),
    ((3, 4), {"ord": 0.5, "dim": -2}),
    ((), {"dim": 0}),
    ((0, 3), {"ord": 2, "dim": 0}),
    ((3, 4), {"dtype": "float64"}),
]


@pytest.mark.parametrize("shape,kw", VECTOR_NORM_CASES)
def test_vector_norm_matches_torch(shape, kw):
    a = np.random.default_rng(0).uniform(-2, 2, size=shape).astype(np.float32)
    a = np.where(np.abs(a) < 0.1, 0.5, a)

    def fn(L, vn):
        x = L.tensor(a, requires_grad=True)
        k = dict(kw)
        if "dtype" in k:
            k["dtype"] = getattr(L, k["dtype"])
        y = vn(x, **k)
        y.sum().backward()
        return y, x.grad

    t = fn(torch, torch.linalg.vector_norm)
    f = fn(fakel, vector_norm)
    same(t, f)


VECTOR_NORM_ERRORS = {
    "int": lambda vn, L: vn(L.tensor([1, 2])),
    "int_dtype": lambda vn, L: vn(L.tensor([1.0, 2.0]), dtype=L.int64),
    "narrowing_dtype": lambda vn, L: vn(L.tensor([1.0], dtype=L.float64), dtype=L.float32),
    "str_ord": lambda vn, L: vn(L.tensor([1.0]), "fro"),
    "empty_inf": lambda vn, L: vn(L.zeros(0), INF),
    "empty_inf_dim": lambda vn, L: vn(L.zeros(0, 2), INF, dim=0),
}


@pytest.mark.parametrize("name", list(VECTOR_NORM_ERRORS))
def test_vector_norm_errors_match_torch(name):
    case = VECTOR_NORM_ERRORS[name]
    with pytest.raises(Exception) as t_err:
        case(torch.linalg.vector_norm, torch)
    with pytest.raises(Exception) as f_err:
        case(vector_norm, fakel)
    assert type(f_err.value) is type(t_err.value)
    assert str(f_err.value) == str(t_err.value)


@pytest.mark.parametrize("ord", ["fro", 1, -1, INF, -INF])
@pytest.mark.parametrize(
    "shape,dim,keepdim",
    [
        ((3, 4), (-2, -1), False),
        ((2, 3, 4), (0, 2), True),
        ((2, 3, 4), (2, 0), False),
        ((0, 3), (-2, -1), False),
    ],
)
def test_matrix_norm_matches_torch(ord, shape, dim, keepdim):
    a = np.random.default_rng(1).uniform(-2, 2, size=shape)

    def fn(L):
        mn = torch.linalg.matrix_norm if L is torch else matrix_norm
        x = L.tensor(a, requires_grad=True)
        y = mn(x, ord, dim, keepdim)
        if y.requires_grad:
            y.sum().backward()
        return y, x.grad

    assert_same_outcome(fn, same)


def test_matrix_norm_errors_match_torch():
    for ord, a in ((3, np.ones((2, 2))), ("fro", np.ones(3))):
        with pytest.raises(RuntimeError) as t_err:
            torch.linalg.matrix_norm(torch.tensor(a), ord)
        with pytest.raises(RuntimeError) as f_err:
            matrix_norm(fakel.tensor(a), ord)
        assert str(f_err.value) == str(t_err.value)


# double backward: the backward formulas are fakel ops ------------------------------------------
DOUBLE_BACKWARD = {
    "var": lambda x: x.var(1),
    "std": lambda x: x.std(0, correction=0),
    "norm2": lambda x: x.norm(dim=1),
    "norm3": lambda x: x.norm(3),
    "norm_half": lambda x: x.norm(0.5, 0),
    "norm_inf": lambda x: x.norm(INF, 1),
    "logsumexp": lambda x: x.logsumexp(1),
    "cumsum": lambda x: x.cumsum(1) ** 2,
    "cumprod": lambda x: x.cumprod(1),
    "cumprod_zeros": lambda x: (x * (x.abs() > 0.7)).cumprod(1),
    "cummax": lambda x: x.cummax(1).values ** 2,
    "sort": lambda x: x.sort(0).values ** 2,
    "topk": lambda x: x.topk(2).values ** 3,
    "kthvalue": lambda x: x.kthvalue(2, 0).values ** 2,
    "median": lambda x: x.median() ** 2,
    "median_dim": lambda x: x.median(1).values ** 2,
    "mode": lambda x: x.mode(0).values ** 2,
}


@pytest.mark.parametrize("name", list(DOUBLE_BACKWARD))
def test_second_derivative_matches_torch(name):
    a = np.random.default_rng(2).uniform(-2, 2, size=(3, 4))
    fn = DOUBLE_BACKWARD[name]

    def second(L):
        x = L.tensor(a, requires_grad=True)
        y = fn(x).sum()
        (g,) = L.autograd.grad(y, x, create_graph=True)
        (gg,) = L.autograd.grad((g * g).sum(), x, allow_unused=True)
        return g, gg

    t_g, t_gg = second(torch)
    f_g, f_gg = second(fakel)
    np.testing.assert_allclose(f_g.detach().numpy(), t_g.detach().numpy(), rtol=1e-10, atol=1e-12)
    if t_gg is None:
        assert f_gg is None or not f_gg.numpy().any()
    else:  # (torch may answer with a ZeroTensor, which needs force=True)
        t_gg = t_gg.numpy(force=True)
        np.testing.assert_allclose(f_gg.numpy(), t_gg, rtol=1e-9, atol=1e-12)


# error parity with messages -------------------------------------------------------------------
ERRORS = {
    "var_int": lambda L: L.tensor([1, 2]).var(),
    "std_bool_dim": lambda L: L.tensor([True]).std(0),
    "norm_long": lambda L: L.tensor([1, 2]).norm(),
    "norm_bad_order": lambda L: _m(L).norm("abc"),
    "norm_empty_inf": lambda L: L.zeros(0).norm(INF),
    "topk_k_out_of_range": lambda L: L.tensor([1.0, 2.0]).topk(3),
    "topk_bool": lambda L: L.tensor([True]).topk(1),
    "kthvalue_k_out_of_range": lambda L: L.tensor([[1.0, 2.0]]).kthvalue(3),
    "kthvalue_bool": lambda L: L.tensor([True]).kthvalue(1),
    "median_bool": lambda L: L.tensor([True]).median(),
    "median_empty_dim": lambda L: L.zeros(0, 2).median(0),
    "median_dim_none": lambda L: _m(L).median(dim=None, keepdim=True),
    "mode_empty": lambda L: L.zeros(0).mode(),
    "mode_dim_none": lambda L: _m(L).mode(dim=None),
    "sort_dim": lambda L: _m(L).sort(5),
    "cumsum_dim": lambda L: _m(L).cumsum(-3),
    "unique_dim_0d": lambda L: L.tensor(1.0).unique(dim=0),
    "unique_empty_other": lambda L: L.zeros(2, 0).unique(dim=0),
    "count_nonzero_repeat": lambda L: _m(L).count_nonzero((1, -1)),
    "all_dim": lambda L: _m(L).all(-3),
    "logsumexp_repeat": lambda L: _m(L).logsumexp((0, -2)),
    "unique_backward": lambda L: L.tensor([1.0], requires_grad=True).unique().sum().backward(),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_message_matches_torch(name):
    def fn(L):
        return ERRORS[name](L)

    _, t_err, _ = __import__("parity").run(fn, torch)
    assert t_err is not None, "torch raised nothing: the case is wrong"
    assert_same_outcome(fn, same)
