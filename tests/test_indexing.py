"""Indexing against PyTorch: basic, advanced and mask reads, setitem (with gradients), nonzero."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fakel
from parity import run

BASE = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7 - 1


def _x(lib, requires_grad=True):
    return lib.tensor(BASE.copy(), requires_grad=requires_grad)


READS = {
    "int": lambda x: x[1],
    "neg_int": lambda x: x[-1, -2],
    "slice_step": lambda x: x[:, ::2],
    "ellipsis_int": lambda x: x[..., 1],
    "none_ellipsis": lambda x: x[None, ..., None],
    "int_none_slice": lambda x: x[0, None, 1:],
    "full_slices_alias": lambda x: x[:, :],
    "list_index": lambda x: x[[1, 0, 1]],
    "repeated_index": lambda x: x[[0, 0, 1]],
    "two_lists": lambda x: x[[0, 1], [2, 0]],
    "list_then_slice": lambda x: x[[1, 0], 1:],
    "slice_then_list": lambda x: x[:, [2, 0]],
    "ellipsis_list": lambda x: x[..., [3, 0]],
    "mask": lambda x: x[x > 0],
    "mask_first_dim": lambda x: x[torch_or_fakel_bool(x, [True, False])],
    "tensor_index": lambda x: x[x.detach().argmax(0)],
    "bool_scalar": lambda x: x[True],
    "zero_d_tensor_index": lambda x: x[x.detach().argmin()[None][0] % 2],
}


def torch_or_fakel_bool(x, values):
    lib = torch if isinstance(x, torch.Tensor) else fakel
    return lib.tensor(values)


@pytest.mark.parametrize("name", sorted(READS))
def test_read_values_nodes_and_gradients(name):
    results = {}
    for lib in (torch, fakel):
        x = _x(lib)
        out = READS[name](x)
        node = type(out.grad_fn).__name__ if out.grad_fn is not None else None
        cot = np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)).astype(np.float32)
        out.backward(lib.tensor(cot))
        results[lib.__name__] = (node, tuple(out.shape), out.detach().numpy().copy(),
                                 x.grad.numpy().copy())
    t, f = results["torch"], results["fakel"]
    assert f[0] == t[0] and f[1] == t[1]
    np.testing.assert_allclose(f[2], t[2])
    np.testing.assert_allclose(f[3], t[3], rtol=1e-5, atol=1e-7)  # repeats accumulate


SETS = {
    "int_scalar": lambda x, v: x.__setitem__(0, 5.0),
    "slice_tensor": lambda x, v: x.__setitem__((slice(None), 1), v[:2]),
    "list_index": lambda x, v: x.__setitem__([1, 0], v[0, 0]),
    "mask": lambda x, v: x.__setitem__(x > 0.5, 2.0),
    "ellipsis": lambda x, v: x.__setitem__((Ellipsis, 0), v[0, 0]),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_setitem_in_graph(name):
    results = {}
    for lib in (torch, fakel):
        w = _x(lib)
        v = lib.tensor(np.full((3, 4), 0.5, dtype=np.float32), requires_grad=True)
        x = w * 1  # a non-leaf: setitem rebases its history onto CopySlices
        SETS[name](x, v * 3)
        (x * x).sum().backward()
        results[lib.__name__] = (
            type(x.grad_fn).__name__, x.detach().numpy().copy(), w.grad.numpy().copy(),
            None if v.grad is None else v.grad.numpy().copy(), x._version,
        )
    t, f = results["torch"], results["fakel"]
    assert f[0] == t[0] and f[4] == t[4]
    for a, b in zip(f[1:4], t[1:4]):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b)


def test_setitem_casts_silently_and_bumps_version():
    for lib in (torch, fakel):
        t = lib.tensor([1, 2, 3])
        t[0] = 2.7
        assert t.tolist() == [2, 2, 3] and t._version == 1
        b = lib.tensor([False, False])
        b[0] = 0.5
        assert b.tolist() == [True, False]


NONZERO = [
    [[0.0, 1.0], [2.0, 0.0]],
    [0, 3, 0, 4],
    [[[True, False]], [[False, True]]],
    [],
    5.0,
    0,
]


@pytest.mark.parametrize("data", NONZERO, ids=range(len(NONZERO)))
@pytest.mark.parametrize("as_tuple", [False, True])
def test_nonzero(data, as_tuple):
    t = torch.nonzero(torch.tensor(data), as_tuple=as_tuple)
    f = fakel.nonzero(fakel.tensor(data), as_tuple=as_tuple)
    if as_tuple:
        assert len(f) == len(t)
        for a, b in zip(f, t):
            assert a.dtype == fakel.int64 and a.tolist() == b.tolist()
    else:
        assert f.dtype == fakel.int64 and tuple(f.shape) == tuple(t.shape)
        assert f.tolist() == t.tolist()


ERRORS = {
    "advanced_out_of_range": lambda lib: lib.ones(2, 3)[[0, 5]],
    "advanced_negative_out_of_range": lambda lib: lib.ones(2, 3)[:, [-4]],
    "mask_wrong_shape": lambda lib: lib.ones(2, 3)[lib.tensor([True, False, True])],
    "float_index_tensor": lambda lib: lib.ones(3)[lib.tensor([0.5])],
    "float_index": lambda lib: lib.ones(3)[1.5],
    "step_negative": lambda lib: lib.ones(3)[::-1],
    "step_zero": lambda lib: lib.ones(3)[::0],
    "setitem_wrong_shape": lambda lib: lib.ones(2, 3).__setitem__(0, lib.ones(2)),
    "setitem_leaf": lambda lib: lib.ones(2, requires_grad=True).__setitem__(0, 1.0),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match(name):
    _, t_err, _ = run(ERRORS[name], torch)
    _, f_err, _ = run(ERRORS[name], fakel)
    assert t_err is not None and f_err is not None, (t_err, f_err)
    assert type(f_err) is type(t_err), (t_err, f_err)
    assert str(f_err) == str(t_err).replace("torch.", "fakel."), (t_err, f_err)


def test_detach_in_place():
    for lib in (torch, fakel):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        assert y.detach_() is y and y.grad_fn is None and not y.requires_grad
        view = (x * 2)[0:1]
        with pytest.raises(RuntimeError, match="Can't detach views in-place"):
            view.detach_()


def test_integer_then_array_index_order_like_pytorch():
    # PyTorch applies integers first, then index arrays: x[0, :, [1, 3]] has shape (3, 2).
    for key in [(0, slice(None), [1, 3]), (slice(None), 1, [0, 2]), (1, [0, 2], slice(1, 3))]:
        results = []
        for lib in (torch, fakel):
            x = lib.arange(24.0).reshape(2, 3, 4).requires_grad_()
            out = x[key]
            out.backward(lib.ones(tuple(out.shape)) * 2)
            results.append((tuple(out.shape), out.detach().tolist(), x.grad.tolist(),
                            out.is_contiguous()))
        assert results[0] == results[1]
        values = []
        for lib in (torch, fakel):
            x = lib.arange(24).reshape(2, 3, 4)
            x[key] = lib.tensor(np.arange(np.prod(tuple(results[0][0]))).reshape(results[0][0]))
            values.append(x.tolist())
        assert values[0] == values[1]
