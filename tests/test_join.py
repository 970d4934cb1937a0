"""Join, split and rearrange ops against PyTorch: error messages, the legacy empty-tensor rule of
cat, dtype promotion, views sharing memory and version counter, and gradients through them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fakel
from parity import assert_same_outcome


def _same(t, f):
    ts = t if isinstance(t, (tuple, list)) else (t,)
    fs = f if isinstance(f, (tuple, list)) else (f,)
    assert len(ts) == len(fs)
    for a, b in zip(ts, fs):
        assert str(b.dtype) == str(a.dtype).replace("torch.", "fakel.")
        assert tuple(b.shape) == tuple(a.shape)
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy())


def _x(L):
    return L.arange(12.0).reshape(3, 4)


def _y(L):
    return L.arange(24.0).reshape(2, 3, 4)


ERRORS = {
    # cat / stack / hstack / vstack
    "cat_empty_list": lambda L: L.cat([]),
    "cat_zero_dim": lambda L: L.cat([_x(L), L.tensor(1.0)]),
    "cat_zero_dim_first": lambda L: L.cat([L.tensor(1.0), _x(L)], 5),
    "cat_ndim": lambda L: L.cat([_x(L), L.zeros(4)]),
    "cat_ndim_3": lambda L: L.cat([_y(L), _x(L)]),
    "cat_sizes": lambda L: L.cat([_x(L), L.zeros(3, 5)]),
    "cat_sizes_dim1": lambda L: L.cat([_x(L), L.zeros(2, 4)], 1),
    "cat_sizes_after_legacy": lambda L: L.cat([L.tensor([]), _x(L), L.zeros(2, 5)]),
    "cat_legacy_2d_empty": lambda L: L.cat([L.zeros(0, 2), _x(L)]),
    "cat_dim_range": lambda L: L.cat([_x(L), _x(L)], 2),
    "cat_dim_range_neg": lambda L: L.cat([_x(L), _x(L)], -3),
    "cat_legacy_dim_range": lambda L: L.cat([L.tensor([]), _x(L)], 5),
    "cat_not_tensor": lambda L: L.cat([_x(L), 1]),
    "cat_none": lambda L: L.cat([None]),
    "cat_tensor_arg": lambda L: L.cat(_x(L)),
    "stack_empty": lambda L: L.stack([]),
    "stack_sizes": lambda L: L.stack([_x(L), L.zeros(3, 5)]),
    "stack_ndim": lambda L: L.stack([_x(L), L.zeros(3)]),
    "stack_dim": lambda L: L.stack([_x(L), _x(L)], 3),
    "stack_dim_first": lambda L: L.stack([_x(L), L.zeros(3)], -4),
    "stack_not_tensor": lambda L: L.stack([_x(L), 2.0]),
    "hstack_empty": lambda L: L.hstack([]),
    "vstack_empty": lambda L: L.vstack([]),
    "vstack_sizes": lambda L: L.vstack([_x(L), L.zeros(5)]),
    "hstack_ndim": lambda L: L.hstack([_x(L), _y(L)]),
    # split / chunk / unbind
    "split_zero_dim": lambda L: L.tensor(1.0).split(1),
    "split_zero_dim_list": lambda L: L.tensor(1.0).split([1]),
    "split_negative": lambda L: _x(L).split(-1),
    "split_zero_size": lambda L: _x(L).split(0),
    "split_dim": lambda L: _x(L).split(2, 2),
    "split_sizes_sum": lambda L: _x(L).split([1, 1]),
    "split_sizes_sum_dim1": lambda L: _x(L).split([1, 4], 1),
    "split_sizes_negative": lambda L: _x(L).split([4, -1]),
    "split_sizes_dim": lambda L: _x(L).split([4, -1], 5),
    "split_float": lambda L: _x(L).split(2.0),
    "chunk_zero": lambda L: _x(L).chunk(0),
    "chunk_negative": lambda L: _x(L).chunk(-2, 1),
    "chunk_zero_dim": lambda L: L.tensor(1.0).chunk(1),
    "chunk_dim": lambda L: _x(L).chunk(2, -3),
    "unbind_zero_dim": lambda L: L.tensor(1.0).unbind(),
    "unbind_dim": lambda L: _x(L).unbind(2),
    # narrow / movedim / unflatten
    "narrow_zero_dim": lambda L: L.tensor(1.0).narrow(0, 0, 1),
    "narrow_start_high": lambda L: _x(L).narrow(0, 4, 0),
    "narrow_start_low": lambda L: _x(L).narrow(1, -5, 1),
    "narrow_too_long": lambda L: _x(L).narrow(0, 2, 2),
    "narrow_negative_length": lambda L: _x(L).narrow(0, 1, -1),
    "narrow_dim": lambda L: _x(L).narrow(2, 0, 1),
    "movedim_lengths": lambda L: _y(L).movedim((0, 1), (1,)),
    "movedim_repeat_source": lambda L: _y(L).movedim((0, -3), (1, 2)),
    "movedim_repeat_destination": lambda L: _y(L).movedim((0, 1), (-2, 1)),
    "movedim_range": lambda L: _y(L).movedim(3, 0),
    "moveaxis_range": lambda L: L.moveaxis(_y(L), 0, -4),
    "unflatten_empty_sizes": lambda L: _y(L).unflatten(1, ()),
    "unflatten_product": lambda L: _y(L).unflatten(1, (2, 2)),
    "unflatten_inferred": lambda L: _y(L).unflatten(2, (3, -1)),
    "unflatten_dim": lambda L: _y(L).unflatten(3, (3, 1)),
    "unflatten_dim_before_sizes": lambda L: _y(L).unflatten(5, (2, 2)),
    # repeat / tile / flip / roll
    "repeat_few": lambda L: _x(L).repeat(2),
    "repeat_none": lambda L: _x(L).repeat(),
    "repeat_negative": lambda L: _x(L).repeat(-1, 1),
    "repeat_negative_2": lambda L: _x(L).repeat(0, -2),
    "tile_negative": lambda L: _x(L).tile((-1,)),
    "tile_int": lambda L: L.tile(_x(L), 2),
    "flip_range": lambda L: _x(L).flip(2),
    "flip_repeated": lambda L: _x(L).flip((0, -2)),
    "flip_none": lambda L: _x(L).flip(),
    "fliplr_1d": lambda L: L.arange(3.0).fliplr(),
    "flipud_0d": lambda L: L.tensor(1.0).flipud(),
    "roll_align": lambda L: _x(L).roll(1, (0, 1)),
    "roll_align_2": lambda L: _x(L).roll((1, 2), 0),
    "roll_no_dims": lambda L: _x(L).roll((1, 2)),
    "roll_empty": lambda L: _x(L).roll((), ()),
    "roll_range": lambda L: _x(L).roll(1, -3),
    "roll_zero_dim": lambda L: L.tensor(1.0).roll(1, 0),
    # diag / diagonal / tril / triu
    "diag_0d": lambda L: L.tensor(1.0).diag(),
    "diag_3d": lambda L: _y(L).diag(),
    "diagonal_same": lambda L: _y(L).diagonal(0, 1, -2),
    "diagonal_same_neg": lambda L: _y(L).diagonal(0, -2, 1),
    "diagonal_range": lambda L: _y(L).diagonal(0, 3, 1),
    "diagonal_1d": lambda L: L.arange(3.0).diagonal(),
    "tril_1d": lambda L: L.arange(3.0).tril(),
    "triu_0d": lambda L: L.tensor(2.0).triu(1),
    "tril_inplace_1d": lambda L: L.arange(3.0).tril_(),
    "tril_inplace_leaf": lambda L: L.ones(2, 2, requires_grad=True).tril_(),
    "triu_inplace_leaf_1d": lambda L: L.ones(2, requires_grad=True).triu_(),
    "view_as": lambda L: _x(L).view_as(L.zeros(5)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_messages_match_torch(name):
    assert_same_outcome(ERRORS[name], _same)


RESULTS = {
    # The legacy rule: 1-d empty tensors are skipped whatever the shapes, but count for dtype.
    "cat_legacy_first": lambda L: L.cat([L.tensor([]), _x(L)]),
    "cat_legacy_last_dim1": lambda L: L.cat([_x(L), L.tensor([])], 1),
    "cat_legacy_dtype": lambda L: L.cat([L.tensor([]), L.ones(2, 2, dtype=L.int64)]),
    "cat_legacy_long_first": lambda L: L.cat([L.tensor([], dtype=L.int64), _x(L)]),
    "cat_only_empty": lambda L: L.cat([L.tensor([]), L.tensor([])], 5),
    "cat_empty_2d": lambda L: L.cat([L.zeros(0, 4), _x(L)]),
    "cat_promote_int_float": lambda L: L.cat([L.ones(2, dtype=L.int32), L.ones(2)]),
    "cat_promote_bool_uint8": lambda L: L.cat([L.ones(2, dtype=L.bool), L.ones(2, dtype=L.uint8)]),
    "cat_int32_int64": lambda L: L.cat([L.ones(2, dtype=L.int32), L.ones(2, dtype=L.int64)]),
    "cat_promote_f32_f64": lambda L: L.cat([L.ones(2), L.ones(2, dtype=L.float64)]),
    "stack_promote": lambda L: L.stack([L.ones(2, dtype=L.int16), L.ones(2, dtype=L.float16)]),
    "stack_zero_dim": lambda L: L.stack([L.tensor(1.0), L.tensor(2.0)]),
    "stack_empty": lambda L: L.stack([L.tensor([]), L.tensor([])], 1),
    "hstack_zero_dim": lambda L: L.hstack([L.tensor(1.0), L.tensor(2)]),
    "vstack_mixed": lambda L: L.vstack([_x(L), L.arange(4)]),
    "split_empty_dim": lambda L: L.zeros(0, 3).split(2),
    "split_empty_dim_zero": lambda L: L.zeros(0, 3).split(0),
    "split_large": lambda L: _x(L).split(10),
    "split_tensor_size": lambda L: _x(L).split(L.tensor(2)),
    "chunk_uneven": lambda L: L.arange(10).chunk(4),
    "chunk_fewer": lambda L: L.arange(6).chunk(4),
    "chunk_empty": lambda L: L.zeros(0, 3).chunk(3),
    "unbind_empty": lambda L: L.zeros(0, 3).unbind(),
    "roll_flat": lambda L: _x(L).roll(5),
    "roll_dims_empty": lambda L: _x(L).roll(-3, ()),
    "roll_empty_tensor": lambda L: L.zeros(0, 3).roll(1, 1),
    "diag_long_offset": lambda L: _x(L).diag(-5),
    "diag_empty": lambda L: L.tensor([]).diag(),
    "tril_bool": lambda L: L.ones(2, 3, 3, dtype=L.bool).tril(-1),
    "movedim_same": lambda L: _y(L).movedim((0, 1, 2), (2, 0, 1)),
}


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_results_match_torch(name):
    assert_same_outcome(RESULTS[name], _same)


# Views ------------------------------------------------------------------------------------------
VIEWS = {
    "split": lambda x: x.split(2)[1],
    "split_sizes": lambda x: x.split([1, 3], 1)[1],
    "chunk": lambda x: x.chunk(2, 1)[0],
    "unbind": lambda x: x.unbind(1)[2],
    "narrow": lambda x: x.narrow(1, 1, 2),
    "movedim": lambda x: x.movedim(0, 1),
    "unflatten": lambda x: x.unflatten(1, (2, 2)),
    "diagonal": lambda x: x.diagonal(1),
    "swapdims": lambda x: x.swapdims(0, 1),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_views_share_memory_and_version(name):
    fn = VIEWS[name]
    t = torch.arange(12.0).reshape(3, 4)
    f = fakel.arange(12.0).reshape(3, 4)
    tv, fv = fn(t), fn(f)
    assert fv._base is f._base and tv._base is t._base  # the tensor owning the memory
    fv.mul_(10)
    tv.mul_(10)
    np.testing.assert_array_equal(f.numpy(), t.numpy())  # the write reached the base
    assert f._version == t._version == 1
    f.add_(1)
    t.add_(1)
    np.testing.assert_array_equal(fv.numpy(), tv.numpy())  # and the base's write the view
    assert fv._version == tv._version == 2


COPIES = {
    "cat": lambda L, x: L.cat([x]),
    "stack": lambda L, x: L.stack([x]),
    "flip": lambda L, x: x.flip(0),
    "roll": lambda L, x: x.roll(1),
    "repeat": lambda L, x: x.repeat(1, 1),
    "tile": lambda L, x: x.tile(()),
    "diag": lambda L, x: x.diag(),
    "tril": lambda L, x: x.tril(),
}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copies_do_not_alias(name):
    fn = COPIES[name]
    t, f = torch.arange(12.0).reshape(3, 4), fakel.arange(12.0).reshape(3, 4)
    tc, fc = fn(torch, t), fn(fakel, f)
    assert fc._base is None and tc._base is None
    fc.zero_()
    tc.zero_()
    np.testing.assert_array_equal(f.numpy(), t.numpy())
    assert f._version == t._version == 0


# Gradients ----------------------------------------------------------------------------------------
def _grads(lib, fn, arrays, create_graph=False):
    xs = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *xs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    total = sum(
        (o * o * (lib.arange(o.numel(), dtype=o.dtype).reshape(o.shape) + 1)).sum() for o in outs
    )
    gs = lib.autograd.grad(total, xs, create_graph=create_graph, allow_unused=True)
    if create_graph:
        second = sum((g * g).sum() for g in gs if g is not None)
        gs = lib.autograd.grad(second, xs, allow_unused=True)
    return [None if g is None else g.detach().numpy() for g in gs]


GRADS = {
    "split_partly_used": (lambda L, x: x.split(2)[0] * x.split(2)[2], [(5, 3)]),
    "unbind_one": (lambda L, x: x.unbind(1)[1], [(3, 4)]),
    "unbind_all_stacked": (lambda L, x: L.stack(x.unbind(1), 0), [(3, 4)]),
    "cat_mixed_dtypes": (lambda L, a, b: L.cat([a, b.double()], 1), [(2, 3), (2, 2)]),
    "cat_legacy_empty": (lambda L, a, b: L.cat([a, b]), [(0,), (2, 2)]),
    "stack_then_split": (lambda L, a, b: L.stack([a, b], 2).split(1, 2), [(2, 3), (2, 3)]),
    "chain": (lambda L, x: x.flip(1).roll(1, 0).tril().repeat(2, 1).diagonal(), [(3, 3)]),
    "narrow_movedim": (
        lambda L, x: x.narrow(0, 1, 2).movedim(0, 2).unflatten(0, (2, 1)),
        [(3, 2, 4)],
    ),
    "diag_embed_and_back": (lambda L, v: v.diag(1).diag(1) * v, [(4,)]),
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_match_torch(name, create_graph):
    fn, shapes = GRADS[name]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    expected = _grads(torch, fn, arrays, create_graph)
    actual = _grads(fakel, fn, arrays, create_graph)
    for e, a in zip(expected, actual):
        if e is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)


def test_split_outputs_have_split_nodes_and_views_of_the_input():
    x = fakel.randn(5, 3, requires_grad=True)
    parts = x.split(2)
    assert [type(p.grad_fn).__name__ for p in parts] == ["SplitBackward0"] * 3
    assert all(p._base is x for p in parts)
    assert [p.grad_fn.next_functions[0][0].variable is x for p in parts] == [True] * 3


def test_tril_inplace_bumps_version_and_records_node():
    x = fakel.randn(3, 3, requires_grad=True)
    y = x * 2
    y.tril_(-1)
    assert y._version == 1 and type(y.grad_fn).__name__ == "TrilBackward0"
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.tril(np.full((3, 3), 2.0), -1))
