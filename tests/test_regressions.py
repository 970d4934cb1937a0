"""Defects found by review against PyTorch, each pinned by a comparison with torch."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import fakel
from parity import assert_same_outcome


def _same(expected, actual):
    """Same structure, dtypes and shapes; values equal (floats to float32 rounding)."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected)
        for e, a in zip(expected, actual):
            _same(e, a)
        return
    if expected is None:
        assert actual is None
        return
    e, a = expected.detach().numpy(), actual.detach().numpy()
    assert e.dtype == a.dtype and e.shape == a.shape
    np.testing.assert_allclose(a, e, rtol=1e-6, atol=0)


def _grad_through_nonleaf(L):
    x = L.tensor([1.0, 3.0], requires_grad=True)
    w = x * x
    return L.autograd.grad((w + x).sum(), [w, x])


def _grad_input_above_another(L):
    x = L.tensor([1.0, 3.0], requires_grad=True)
    y = x * 2
    return L.autograd.grad((y * 3).sum(), [x, y])


def _backward_inputs_both(L):
    x = L.tensor([1.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    (y * 3).sum().backward(inputs=[x, y])
    return x.grad, y.grad


def _backward_inputs_retained(L):
    x = L.tensor([1.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    (y * 3).sum().backward(inputs=[y])
    return x.grad, y.grad


def _retain_grad_after_inplace(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.add_(1)
    (y * y).sum().backward()
    return y.grad, x.grad


def _uint8_mask_read(L):
    x = L.arange(6).reshape(3, 2)
    return x[L.tensor([0, 1, 1], dtype=L.uint8)]


def _uint8_mask_write_tensor(L):
    y = L.zeros(3)
    y[L.tensor([0, 1, 1], dtype=L.uint8)] = L.tensor([1.0, 2.0])
    return y


def _uint8_mask_write_number(L):
    y = L.zeros(3)
    y[L.tensor([0, 1, 1], dtype=L.uint8)] = 5
    return y


def _uint8_mask_wrong_shape(L):
    return L.arange(6).reshape(3, 2)[L.tensor([0, 1], dtype=L.uint8)]


def _trunc_normal_default(L):
    L.manual_seed(0)
    return L.nn.init.trunc_normal_(L.empty(4)), L.rand(2)


def _trunc_normal_narrow(L):
    L.manual_seed(3)
    return L.nn.init.trunc_normal_(L.empty(7), 0.5, 0.2, 0.45, 0.5), L.rand(2)


CASES = {
    "grad_through_nonleaf": _grad_through_nonleaf,
    "grad_input_above_another": _grad_input_above_another,
    "backward_inputs_both": _backward_inputs_both,
    "backward_inputs_retained": _backward_inputs_retained,
    "retain_grad_after_inplace": _retain_grad_after_inplace,
    "uint8_mask_read": _uint8_mask_read,
    "uint8_mask_write_tensor": _uint8_mask_write_tensor,
    "uint8_mask_write_number": _uint8_mask_write_number,
    "uint8_mask_wrong_shape": _uint8_mask_wrong_shape,
    "trunc_normal_default": _trunc_normal_default,
    "trunc_normal_narrow": _trunc_normal_narrow,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_torch(name):
    assert_same_outcome(CASES[name], _same)


@pytest.mark.parametrize(
    "get",
    [
        lambda L: L.linalg.norm,
        lambda L: L.nn.functional.interpolate,
        lambda L: L.nn.Transformer,
        lambda L: L.optim.LBFGS,
        lambda L: L.optim.lr_scheduler.CyclicLR,
        lambda L: L.autograd.functional.vjp,
    ],
)
def test_missing_names_in_submodules_say_so(get):
    assert get(torch) is not None  # PyTorch has it
    with pytest.raises(NotImplementedError, match="is not implemented in fakel"):
        get(fakel)


def test_from_import_of_a_missing_name_in_dropin_mode_names_it(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        try:
            from torch.nn import PReLU
        except NotImplementedError as e:
            print("error:", e)
    """))
    out = subprocess.run([sys.executable, "-m", "fakel", "run", str(script)],
                         capture_output=True, text=True, check=True).stdout
    assert out == "error: torch.nn.PReLU is not implemented in fakel\n"


def test_uint8_index_warns_like_torch():
    with pytest.warns(UserWarning, match="indexing with dtype fakel.uint8 is now deprecated"):
        picked = fakel.arange(3)[fakel.tensor([1, 0, 1], dtype=fakel.uint8)]
    np.testing.assert_array_equal(picked.numpy(), [0, 2])


def _one_hot(L):
    return L.nn.functional.one_hot(L.tensor([[0, 2], [1, 1]])), L.nn.functional.one_hot(
        L.tensor([3, 0]), 5)


def _one_hot_errors(L):
    return L.nn.functional.one_hot(L.tensor([0, 5]), 3)


def _normalize(L):
    x = L.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]], requires_grad=True)
    y = L.nn.functional.normalize(x)
    y.sum().backward()
    z = L.nn.functional.normalize(x.detach(), p=1, dim=0)
    return y, x.grad, z


def _trace(L):
    x = L.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x.trace()
    y.backward()
    return y, x.grad, L.trace(L.ones(3, 3, dtype=L.int32))


EXTRA = {"one_hot": _one_hot, "one_hot_errors": _one_hot_errors, "normalize": _normalize,
         "trace": _trace}


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_extras_same_as_torch(name):
    assert_same_outcome(EXTRA[name], _same)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "uint8", "int32",
                                   "int64", "bool"])
def test_finfo_iinfo_as_torch(dtype):
    for fn in ("finfo", "iinfo"):
        assert_same_outcome(
            lambda L, fn=fn: getattr(L, fn)(getattr(L, dtype)),
            lambda t, f: (repr(f), f.bits, f.max, f.min, f.dtype) == (repr(t), t.bits, t.max,
                                                                      t.min, t.dtype),
        )
    assert repr(fakel.finfo()) == repr(torch.finfo())


def _uniform_float64_fused(L):
    L.manual_seed(0)  # PyTorch fuses x * (to - from) + from in double too
    return L.empty(4, dtype=L.float64).uniform_(2, 5), L.empty(64, dtype=L.float64).uniform_(-3, 7)


def _norm_negative_p_empty(L):
    return L.norm(L.ones(0), -1)


def _norm_negative_p_empty_dim(L):
    return L.linalg.vector_norm(L.ones(0, 3), -0.5, dim=0)


def _max_pool_ceil_edge(L):
    x = L.arange(25.0).reshape(1, 1, 5, 5)
    return L.nn.functional.max_pool2d(x, 2, ceil_mode=True, return_indices=True)


MORE = {"uniform_float64_fused": _uniform_float64_fused,
        "norm_negative_p_empty": _norm_negative_p_empty,
        "norm_negative_p_empty_dim": _norm_negative_p_empty_dim,
        "max_pool_ceil_edge": _max_pool_ceil_edge}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_same_as_torch(name):
    assert_same_outcome(MORE[name], _same)
