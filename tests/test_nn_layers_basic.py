"""Basic layers and activation modules against torch.nn: same weights in both, then outputs,
grad_fn names and every parameter and input gradient compared, float32 and float64."""

from __future__ import annotations

import warnings

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
import torch
from hypothesis import given

import fakel
from parity import assert_same_outcome

TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-12)}


def _sync(tm, fm):
    """Copy torch's parameters and buffers into the fakel module."""
    with torch.no_grad():
        for (tn, tp), (fn, fp) in zip(tm.state_dict().items(), fm.state_dict().items()):
            assert tn == fn
            fp.copy_(fakel.tensor(tp.numpy()))


def _compare(tm, fm, inputs, dtype, *, train=True, grad_inputs=True):
    """Run both modules on the same arrays; compare output, node name and all gradients."""
    tm.to(getattr(torch, dtype)).train(train)
    fm.to(getattr(fakel, dtype)).train(train)
    tin = [torch.tensor(a, requires_grad=grad_inputs and a.dtype.kind == "f") for a in inputs]
    fin = [fakel.tensor(a, requires_grad=grad_inputs and a.dtype.kind == "f") for a in inputs]
    ty, fy = tm(*tin), fm(*fin)
    tol = TOL[dtype]
    np.testing.assert_allclose(fy.detach().numpy(), ty.detach().numpy(), **tol)
    assert str(fy.dtype).split(".")[1] == str(ty.dtype).split(".")[1]
    assert type(fy.grad_fn).__name__ == type(ty.grad_fn).__name__
    if ty.grad_fn is None:
        return
    cot = np.random.default_rng(1).uniform(-1, 1, tuple(ty.shape)).astype(dtype)
    ty.backward(torch.tensor(cot))
    fy.backward(fakel.tensor(cot))
    for k, (t, f) in enumerate(zip(tin, fin)):
        if t.grad is not None:
            np.testing.assert_allclose(f.grad.numpy(), t.grad.numpy(), **tol, err_msg=f"in {k}")
    for (n, tp), (_, fp) in zip(tm.named_parameters(), fm.named_parameters()):
        if tp.grad is None:
            assert fp.grad is None, n
        else:
            np.testing.assert_allclose(fp.grad.numpy(), tp.grad.numpy(), **tol, err_msg=n)


def _values(draw, shape, dtype, scale=2.0):
    seed = draw(st.integers(0, 2**31))
    return np.random.default_rng(seed).uniform(-scale, scale, shape).astype(dtype)


DTYPES = st.sampled_from(["float32", "float64"])


@given(data=st.data())
def test_linear(data):
    d = data.draw
    dtype, fin, fout, bias = d(DTYPES), d(st.integers(1, 5)), d(st.integers(1, 5)), d(st.booleans())
    lead = d(st.lists(st.integers(0, 3), max_size=3))
    tm, fm = torch.nn.Linear(fin, fout, bias), fakel.nn.Linear(fin, fout, bias)
    _sync(tm, fm)
    _compare(tm, fm, [_values(d, tuple(lead) + (fin,), dtype)], dtype)


def test_linear_graph_matches_torch():
    def graph(fn, depth=2):
        if fn is None or depth == 0:
            return None if fn is None else type(fn).__name__
        return (type(fn).__name__, tuple(graph(n, depth - 1) for n, _ in fn.next_functions))

    for shape in [(3,), (4, 3), (2, 4, 3)]:
        for bias in (True, False):
            tm, fm = torch.nn.Linear(3, 2, bias), fakel.nn.Linear(3, 2, bias)
            ty = tm(torch.zeros(shape, requires_grad=True))
            fy = fm(fakel.zeros(shape, requires_grad=True))
            assert graph(fy.grad_fn) == graph(ty.grad_fn), (shape, bias)
    for bad in [lambda L: L.nn.Linear(3, 2)(L.zeros(4, 2)),
                lambda L: L.nn.functional.linear(L.zeros(4, 3), L.zeros(2, 3), L.zeros(3)),
                lambda L: L.nn.functional.linear(L.zeros(2, dtype=L.int64), L.zeros(2, 2),
                                                 L.zeros(2))]:
        assert_same_outcome(bad, lambda t, f: True)


@given(data=st.data())
def test_bilinear(data):
    d = data.draw
    dtype, n1, n2, o = d(DTYPES), d(st.integers(1, 4)), d(st.integers(1, 4)), d(st.integers(1, 3))
    lead = tuple(d(st.lists(st.integers(1, 3), max_size=2)))
    bias = d(st.booleans())
    tm, fm = torch.nn.Bilinear(n1, n2, o, bias), fakel.nn.Bilinear(n1, n2, o, bias)
    _sync(tm, fm)
    _compare(tm, fm, [_values(d, lead + (n1,), dtype), _values(d, lead + (n2,), dtype)], dtype)


def test_bilinear_errors_match():
    for s1, s2, sw in [((5, 3), (5, 4), (2, 3, 5)), ((5, 3), (4, 4), (2, 3, 4)),
                       ((5, 2), (5, 4), (2, 3, 4)), ((5, 3), (4,), (2, 3, 4))]:
        assert_same_outcome(
            lambda L, s1=s1, s2=s2, sw=sw: L.nn.functional.bilinear(L.zeros(s1), L.zeros(s2),
                                                                    L.zeros(sw)),
            lambda t, f: True)


ACTIVATIONS = [
    lambda nn: nn.ReLU(), lambda nn: nn.LeakyReLU(0.1), lambda nn: nn.ELU(0.7),
    lambda nn: nn.GELU(), lambda nn: nn.GELU("tanh"), lambda nn: nn.SiLU(), lambda nn: nn.Sigmoid(),
    lambda nn: nn.Tanh(), lambda nn: nn.Softmax(dim=-1), lambda nn: nn.LogSoftmax(dim=0),
    lambda nn: nn.Softmin(dim=-1), lambda nn: nn.Softplus(), lambda nn: nn.Softplus(2.0, 1.0),
    lambda nn: nn.SELU(), lambda nn: nn.CELU(0.5), lambda nn: nn.ReLU6(),
    lambda nn: nn.Hardtanh(-0.5, 0.5), lambda nn: nn.Identity(3, x=1), lambda nn: nn.Flatten(),
    lambda nn: nn.Flatten(0, -1),
]


@pytest.mark.parametrize("k", range(len(ACTIVATIONS)))
@given(data=st.data())
def test_activation_modules(k, data):
    d = data.draw
    dtype = d(DTYPES)
    shape = d(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
    tm, fm = ACTIVATIONS[k](torch.nn), ACTIVATIONS[k](fakel.nn)
    assert repr(fm) == repr(tm)
    x = _values(d, shape, dtype, 4.0)
    x = np.where(np.abs(x) < 0.05, 0.1, x).astype(dtype)  # away from the kinks at 0
    _compare(tm, fm, [x], dtype, train=d(st.booleans()))


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "selu", "celu", "silu",
                                  "hardtanh", "relu6"])
def test_inplace_functional(name):
    def fn(L):
        x = L.tensor([-1.5, -0.2, 0.3, 2.0])
        y = getattr(L.nn.functional, name)(x, inplace=True)
        return y is x, x.tolist()

    assert_same_outcome(fn, lambda t, f: t[0] == f[0] and np.allclose(t[1], f[1]))


def test_softmax_implicit_dim_warns_like_torch():
    for shape in [(3,), (2, 3), (2, 3, 4), (2, 2, 2, 2)]:
        for name in ("softmax", "log_softmax", "softmin"):
            def fn(L, shape=shape, name=name):
                x = L.arange(float(np.prod(shape))).reshape(shape)
                return getattr(L.nn.functional, name)(x).numpy()

            assert_same_outcome(fn, lambda t, f: np.testing.assert_allclose(f, t, rtol=1e-6))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fakel.nn.Softmax()(fakel.ones(2, 2))
    assert "Implicit dimension choice for softmax" in str(w[0].message)
    for bad in [lambda L: L.softmax(L.ones(2)), lambda L: L.softmax(L.ones(2, 2), 2),
                lambda L: L.softmax(L.tensor([1, 2]), 0), lambda L: L.log_softmax(L.tensor([1]), 0),
                lambda L: L.nn.functional.gelu(L.ones(2), approximate="x"),
                lambda L: L.nn.functional.elu(L.tensor([1, 2]))]:
        assert_same_outcome(bad, lambda t, f: True)


def test_softmax_stable_on_large_values():
    x = [[1000.0, 1001.0, -1000.0], [-np.inf, 0.0, 1.0]]
    for fn in ("softmax", "log_softmax"):
        t = getattr(torch, fn)(torch.tensor(x, dtype=torch.float64), 1).numpy()
        f = getattr(fakel, fn)(fakel.tensor(x, dtype=fakel.float64), 1).numpy()
        np.testing.assert_allclose(f, t, rtol=1e-12)


def test_activation_double_backward():
    for name, kw in [("softmax", {"dim": 1}), ("log_softmax", {"dim": 0}), ("gelu", {}),
                     ("gelu", {"approximate": "tanh"}), ("silu", {}), ("elu", {}),
                     ("softplus", {"beta": 2.0}), ("leaky_relu", {})]:
        x = np.random.default_rng(3).uniform(-2, 2, (3, 4))
        res = []
        for L in (torch, fakel):
            t = L.tensor(x, requires_grad=True)
            y = getattr(L.nn.functional, name)(t, **kw)
            (g,) = L.autograd.grad((y * y).sum(), t, create_graph=True)
            (gg,) = L.autograd.grad(g.sum(), t)
            res.append((g.detach().numpy(), gg.numpy()))
        np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-10, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-9, atol=1e-12, err_msg=name)


@given(data=st.data())
def test_dropout_train_and_eval(data):
    d = data.draw
    p = d(st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0]))
    shape = d(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6))
    x = fakel.tensor(_values(d, shape, "float32") + 3.0, requires_grad=True)
    m = fakel.nn.Dropout(p)
    assert repr(m) == repr(torch.nn.Dropout(p))
    y = m(x)
    xs, ys = x.detach().numpy(), y.detach().numpy()
    kept = ys != 0
    if p < 1:
        np.testing.assert_allclose(ys[kept], xs[kept] / (1 - p), rtol=1e-6)
    else:
        assert not kept.any()
    if p > 0:
        assert type(y.grad_fn).__name__ == "MulBackward0"
        y.sum().backward()
        expect = np.where(kept, 1 / (1 - p) if p < 1 else 0, 0)
        np.testing.assert_allclose(x.grad.numpy(), expect, rtol=1e-6)
    else:
        assert y is x
    m.eval()
    assert m(x) is x


def test_dropout_keep_fraction_and_errors():
    fakel.manual_seed(0)
    y = fakel.nn.functional.dropout(fakel.ones(200_000), 0.3)
    frac = float((y != 0).float().mean())
    assert abs(frac - 0.7) < 5 * np.sqrt(0.21 / 200_000)
    for bad in [lambda L: L.nn.Dropout(1.5), lambda L: L.nn.functional.dropout(L.ones(2), -0.1),
                lambda L: L.nn.functional.dropout(L.tensor([1, 2]), 0.5)]:
        assert_same_outcome(bad, lambda t, f: True)
    x = fakel.ones(10)
    assert fakel.nn.functional.dropout(x, 0.5, inplace=True) is x


@given(data=st.data())
def test_embedding(data):
    d = data.draw
    dtype = d(DTYPES)
    n, dim = d(st.integers(1, 6)), d(st.integers(1, 4))
    padding_idx = d(st.one_of(st.none(), st.integers(-n, n - 1)))
    freq = d(st.booleans())
    idx_shape = d(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4))
    idx = np.random.default_rng(d(st.integers(0, 99))).integers(0, n, idx_shape)
    tm = torch.nn.Embedding(n, dim, padding_idx=padding_idx, scale_grad_by_freq=freq)
    fm = fakel.nn.Embedding(n, dim, padding_idx=padding_idx, scale_grad_by_freq=freq)
    assert repr(fm) == repr(tm)
    if padding_idx is not None:
        assert not fm.weight[padding_idx].any()
    _sync(tm, fm)
    _compare(tm, fm, [idx], dtype)


def test_embedding_max_norm_from_pretrained_and_errors():
    w = np.random.default_rng(0).standard_normal((5, 3)) * 2
    idx = [[1, 1, 3], [0, 4, 4]]
    tm = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, max_norm=1.0)
    fm = fakel.nn.Embedding.from_pretrained(fakel.tensor(w), freeze=False, max_norm=1.0)
    ty, fy = tm(torch.tensor(idx)), fm(fakel.tensor(idx))
    np.testing.assert_allclose(fy.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(fm.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-12)
    frozen = fakel.nn.Embedding.from_pretrained(fakel.tensor(w))
    assert not frozen.weight.requires_grad
    # double backward through the embedding gradient
    for L in (torch, fakel):
        wt = L.tensor(w, requires_grad=True)
        y = L.nn.functional.embedding(L.tensor(idx), wt, padding_idx=1)
        (g,) = L.autograd.grad((y * y).sum(), wt, create_graph=True)
        (gg,) = L.autograd.grad((g * g).sum(), wt)
        if L is torch:
            expect = gg.numpy()
        else:
            np.testing.assert_allclose(gg.numpy(), expect, rtol=1e-12)
    for bad in [lambda L: L.nn.functional.embedding(L.tensor([1.0]), L.zeros(3, 2)),
                lambda L: L.nn.functional.embedding(L.tensor([3]), L.zeros(3, 2)),
                lambda L: L.nn.functional.embedding(L.tensor([-1]), L.zeros(3, 2)),
                lambda L: L.nn.Embedding(3, 2, padding_idx=3),
                lambda L: L.nn.Embedding(3, 2, padding_idx=-4),
                lambda L: L.nn.Embedding.from_pretrained(L.zeros(3))]:
        assert_same_outcome(bad, lambda t, f: True)


def test_flatten_unflatten():
    for L in (torch, fakel):
        x = L.arange(24.0).reshape(2, 3, 4)
        assert tuple(L.nn.Flatten()(x).shape) == (2, 12)
        assert tuple(L.nn.Unflatten(1, (3, 1))(L.nn.Flatten()(x)[:, :3]).shape) == (2, 3, 1)
    assert repr(fakel.nn.Unflatten(1, (2, 3))) == repr(torch.nn.Unflatten(1, (2, 3)))
    assert_same_outcome(lambda L: L.nn.Unflatten(1, 3), lambda t, f: True)


def test_clip_grad_norm_and_value():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s) for s in [(3, 4), (5,), (2, 2, 2)]]
    for norm_type in (2.0, 1.0, 3.0, float("inf")):
        for max_norm in (0.5, 100.0):
            res = []
            for L in (torch, fakel):
                ps = [L.zeros(g.shape, dtype=L.float64, requires_grad=True) for g in grads]
                for p, g in zip(ps, grads):
                    p.grad = L.tensor(g)
                total = L.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
                res.append((float(total), [p.grad.numpy() for p in ps]))
            assert res[1][0] == pytest.approx(res[0][0], rel=1e-12)
            for a, b in zip(res[1][1], res[0][1]):
                np.testing.assert_allclose(a, b, rtol=1e-12)
    res = []
    for L in (torch, fakel):
        p = L.zeros(4, requires_grad=True)
        p.grad = L.tensor([-3.0, -0.5, 0.5, 3.0])
        L.nn.utils.clip_grad_value_([p], 1.0)
        res.append(p.grad.tolist())
    assert res[0] == res[1]

    def nonfinite(L):
        p = L.zeros(2, requires_grad=True)
        p.grad = L.tensor([float("inf"), 1.0])
        return L.nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)

    assert_same_outcome(nonfinite, lambda t, f: True)
    assert float(fakel.nn.utils.clip_grad_norm_([fakel.zeros(2, requires_grad=True)], 1.0)) == 0.0


def test_parameters_to_vector():
    m = fakel.nn.Linear(3, 2)
    v = fakel.nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (8,)
    fakel.nn.utils.vector_to_parameters(fakel.arange(8.0), m.parameters())
    assert m.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and m.bias.tolist() == [6, 7]
