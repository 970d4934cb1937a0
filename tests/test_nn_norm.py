"""BatchNorm1d/2d, LayerNorm and GroupNorm against torch: train and eval, running statistics over
several steps, momentum=None, gradients, reprs, initial state, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import fakel
import fakel.nn as fnn
from nn_parity_util import TOL, make_pair, run_pair
from parity import assert_same_outcome

DTYPES = ["float64", "float32"]


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    dims=st.sampled_from([1, 1, 2]),
    shape_tail=st.sampled_from([(), (1,), (4,), (3, 2)]),
    n=st.integers(2, 4),
    affine=st.booleans(),
    bias=st.booleans(),
    track=st.booleans(),
    momentum=st.sampled_from([0.1, 0.5, None]),
    eps=st.sampled_from([1e-5, 0.1]),
    seed=st.integers(0, 2**16),
)
def test_batchnorm_steps_match_torch(
    dtype, dims, shape_tail, n, affine, bias, track, momentum, eps, seed
):
    rng = np.random.default_rng(seed)
    c = 3
    if dims == 1:
        tail = shape_tail[:1]
        tcls, fcls = torch.nn.BatchNorm1d, fnn.BatchNorm1d
    else:
        tail = (shape_tail + (2, 2))[:2]
        tcls, fcls = torch.nn.BatchNorm2d, fnn.BatchNorm2d
    tm, fm = make_pair(
        tcls,
        fcls,
        c,
        eps=eps,
        momentum=momentum,
        affine=affine,
        track_running_stats=track,
        bias=bias,
        dtype=dtype,
    )
    if affine:  # non-trivial affine parameters
        with torch.no_grad():
            tm.weight.normal_()
            if bias:
                tm.bias.normal_()
        fm.load_state_dict({k: fakel.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    for train in (True, True, False, True, False):  # running stats move over the steps
        x = (3 * rng.standard_normal((n, c) + tail) + 1).astype(dtype)
        tout, fout = run_pair(tm, fm, [x], dtype, rng, train=train)
        assert type(fout.grad_fn).__name__ == "NativeBatchNormBackward0"
        if track:
            assert fm.num_batches_tracked.item() == tm.num_batches_tracked.item()
            assert fm.num_batches_tracked.dtype == fakel.int64
        for p in list(tm.parameters()) + list(fm.parameters()):
            p.grad = None


def test_batchnorm_initial_state_and_versions():
    t, f = torch.nn.BatchNorm2d(4), fnn.BatchNorm2d(4)
    for name, tb in t.state_dict().items():
        fb = f.state_dict()[name]
        np.testing.assert_array_equal(fb.numpy(), tb.numpy())
        assert str(fb.dtype).split(".")[1] == str(tb.dtype).split(".")[1]
        assert getattr(f, name)._version == getattr(t, name)._version, name
    x = np.random.default_rng(0).standard_normal((2, 4, 3, 3)).astype(np.float32)
    t(torch.tensor(x))
    f(fakel.tensor(x))
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        assert getattr(f, name)._version == getattr(t, name)._version, name
    assert list(f.state_dict()) == list(t.state_dict())
    assert [n for n, _ in f.named_buffers()] == [n for n, _ in t.named_buffers()]


def test_batchnorm_functional_forms():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 3, 4))
    for training in (True, False):
        res = []
        for lib in (torch, fakel):
            rm, rv = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
            xt = lib.tensor(x, requires_grad=True)
            out = lib.nn.functional.batch_norm(xt, rm, rv, training=training, momentum=0.3)
            out.sum().backward()
            res.append((out.detach().numpy(), rm.numpy(), rv.numpy(), xt.grad.numpy()))
        for a, b in zip(*res):
            np.testing.assert_allclose(b, a, **TOL["float64"])
    # training without running statistics
    t = torch.nn.functional.batch_norm(torch.tensor(x), None, None, training=True)
    f = fnn.functional.batch_norm(fakel.tensor(x), None, None, training=True)
    np.testing.assert_allclose(f.numpy(), t.numpy(), **TOL["float64"])


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    lead=st.sampled_from([(), (0,), (2,), (2, 3)]),
    norm=st.sampled_from([(5,), (3, 4), (1,), (2, 1, 3)]),
    affine=st.booleans(),
    bias=st.booleans(),
    eps=st.sampled_from([1e-5, 0.5]),
    seed=st.integers(0, 2**16),
)
def test_layernorm_matches_torch(dtype, lead, norm, affine, bias, eps, seed):
    rng = np.random.default_rng(seed)
    tm, fm = make_pair(
        torch.nn.LayerNorm,
        fnn.LayerNorm,
        norm,
        eps=eps,
        elementwise_affine=affine,
        bias=bias,
        dtype=dtype,
    )
    if affine:
        with torch.no_grad():
            for p in tm.parameters():
                p.normal_()
        fm.load_state_dict({k: fakel.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    x = (2 * rng.standard_normal(lead + norm) - 1).astype(dtype)
    tout, fout = run_pair(tm, fm, [x], dtype, rng)
    assert type(fout.grad_fn).__name__ == "NativeLayerNormBackward0"


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    groups=st.sampled_from([1, 2, 3, 6]),
    tail=st.sampled_from([(), (4,), (2, 3)]),
    affine=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_groupnorm_matches_torch(dtype, groups, tail, affine, seed):
    rng = np.random.default_rng(seed)
    if groups >= 3 and not tail and dtype == "float32":
        # One or two values per group: the output is +-1 or 0 whatever x is, the gradient is
        # 0 analytically, and both libraries return their float32 rounding noise.
        tail = (4,)
    tm, fm = make_pair(torch.nn.GroupNorm, fnn.GroupNorm, groups, 6, affine=affine, dtype=dtype)
    x = rng.standard_normal((2, 6) + tail).astype(dtype)
    run_pair(tm, fm, [x], dtype, rng)


REPRS = [
    ("BatchNorm1d", (3,), {}),
    ("BatchNorm1d", (3,), dict(momentum=None, affine=False, track_running_stats=False)),
    ("BatchNorm2d", (8,), dict(eps=1e-3, momentum=0.2, bias=False)),
    ("LayerNorm", (5,), {}),
    ("LayerNorm", ((2, 3),), dict(elementwise_affine=False)),
    ("LayerNorm", (4,), dict(bias=False, eps=1e-6)),
    ("GroupNorm", (2, 4), {}),
    ("GroupNorm", (1, 3), dict(affine=False)),
]


@pytest.mark.parametrize("name,args,kwargs", REPRS)
def test_reprs_and_init(name, args, kwargs):
    t = getattr(torch.nn, name)(*args, **kwargs)
    f = getattr(fnn, name)(*args, **kwargs)
    assert repr(f) == repr(t)
    tsd, fsd = t.state_dict(), f.state_dict()
    assert list(fsd) == list(tsd)
    for k in tsd:
        np.testing.assert_array_equal(fsd[k].numpy(), tsd[k].numpy())
    assert [n for n, p in f.named_parameters() if p.requires_grad] == [
        n for n, _ in t.named_parameters()
    ]


def test_no_double_backward():
    x = fakel.randn(4, 3, requires_grad=True)
    for m in (fnn.BatchNorm1d(3), fnn.LayerNorm(3), fnn.GroupNorm(1, 3)):
        y = (m(x) ** 2).sum()
        with pytest.raises(RuntimeError, match="no double backward"):
            fakel.autograd.grad(y, x, create_graph=True)


def _t(lib, *shape):
    return lib.ones(*shape)


ERRORS = [
    lambda lib: lib.nn.functional.batch_norm(_t(lib, 4, 3, 5), None, None, training=False),
    lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 4, 3, 5), _t(lib, 4), _t(lib, 4), None, None, True
    ),
    lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 4, 3, 5), _t(lib, 3), _t(lib, 3), _t(lib, 4), None, True
    ),
    lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 4, 3, 5), _t(lib, 3), _t(lib, 3), None, _t(lib, 4), True
    ),
    lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 1, 3, 1), _t(lib, 3), _t(lib, 3), training=True
    ),
    lambda lib: lib.nn.functional.batch_norm(_t(lib, 3), None, None, training=True),
    lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 4, 3).double(), _t(lib, 3), _t(lib, 3), training=True
    ),
    lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 4, 3).long(), _t(lib, 3).long(), _t(lib, 3).long(), training=True
    ),
    lambda lib: lib.nn.BatchNorm1d(3)(_t(lib, 2, 3, 4, 5)),
    lambda lib: lib.nn.BatchNorm1d(3)(_t(lib, 3)),
    lambda lib: lib.nn.BatchNorm2d(3)(_t(lib, 2, 3, 4)),
    lambda lib: lib.nn.BatchNorm2d(3)(_t(lib, 2, 4, 4, 4)),
    lambda lib: lib.nn.BatchNorm2d(3)(_t(lib, 1, 3, 1, 1)),
    lambda lib: lib.nn.functional.layer_norm(_t(lib, 4, 3, 5), (4,)),
    lambda lib: lib.nn.functional.layer_norm(_t(lib, 4, 3, 5), 5),
    lambda lib: lib.nn.functional.layer_norm(_t(lib, 4, 3, 5), (3, 5), _t(lib, 5)),
    lambda lib: lib.nn.functional.layer_norm(_t(lib, 4, 3, 5), (3, 5), None, _t(lib, 5)),
    lambda lib: lib.nn.functional.layer_norm(_t(lib, 4, 3, 5), (4, 3, 5, 1)),
    lambda lib: lib.nn.functional.layer_norm(_t(lib, 4, 3, 5), ()),
    lambda lib: lib.nn.functional.layer_norm(_t(lib, 4, 3, 5).long(), (5,)),
    lambda lib: lib.nn.LayerNorm(4)(_t(lib, 2, 5)),
    lambda lib: lib.nn.functional.group_norm(_t(lib, 4, 3, 5), 2),
    lambda lib: lib.nn.functional.group_norm(_t(lib, 4, 3, 5), 3, _t(lib, 2)),
    lambda lib: lib.nn.functional.group_norm(_t(lib, 3), 1),
    lambda lib: lib.nn.GroupNorm(2, 3),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    assert_same_outcome(ERRORS[i], lambda t, f: None)


def test_gradcheck_float64():
    rng = np.random.default_rng(5)

    def t(*shape):
        return fakel.tensor(rng.standard_normal(shape), requires_grad=True)

    x, w, b = t(4, 6, 3), t(6), t(6)
    rm, rv = fakel.zeros(6, dtype=fakel.float64), fakel.ones(6, dtype=fakel.float64)
    for training in (True, False):
        assert fakel.autograd.gradcheck(
            lambda x, w, b, tr=training: fnn.functional.batch_norm(x, rm, rv, w, b, tr, 0.0),
            (x, w, b),
        )
    assert fakel.autograd.gradcheck(
        lambda x, w, b: fnn.functional.layer_norm(x, (3,), w[:3], b[:3]), (x, w, b)
    )
    assert fakel.autograd.gradcheck(
        lambda x, w, b: fnn.functional.group_norm(x, 3, w, b), (x, w, b)
    )
