"""nn.init and the layers' default initialisation: gains exactly as torch's, distributions
checked statistically (bounds, mean and std within a few standard errors), not by value."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import fakel
from parity import assert_same_outcome

init = fakel.nn.init


def _moments_ok(a, mean, std, k=5.0):
    a = np.asarray(a, np.float64).ravel()
    n = a.size
    assert abs(a.mean() - mean) < k * std / math.sqrt(n), (a.mean(), mean)
    assert abs(a.std() - std) < k * std / math.sqrt(2 * n) + 1e-12, (a.std(), std)


def _uniform_ok(a, lo, hi):
    a = np.asarray(a, np.float64)
    assert a.min() >= lo and a.max() <= hi
    _moments_ok(a, (lo + hi) / 2, (hi - lo) / math.sqrt(12))


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3),
                                  ("selu",), ("leaky_relu", "x"), ("softmax",),
                                  ("leaky_relu", True)])
def test_calculate_gain_exact(args):
    assert_same_outcome(lambda L: L.nn.init.calculate_gain(*args), lambda t, f: t == f)


@pytest.mark.parametrize("shape", [(3,), (4, 5), (6, 3, 2, 2), (2, 0)])
def test_fan_in_fan_out(shape):
    assert_same_outcome(lambda L: L.nn.init._calculate_fan_in_and_fan_out(L.empty(shape)),
                        lambda t, f: t == f)


def test_uniform_normal_constant_family():
    fakel.manual_seed(0)
    w = fakel.empty(200, 100)
    assert init.uniform_(w, -0.3, 0.7) is w
    _uniform_ok(w.numpy(), -0.3, 0.7)
    init.normal_(w, 1.5, 0.2)
    _moments_ok(w.numpy(), 1.5, 0.2)
    init.trunc_normal_(w, 0.0, 1.0, -1.0, 0.5)
    a = w.numpy()
    assert a.min() >= -1.0 and a.max() <= 0.5
    # moments of N(0,1) truncated to [-1, 0.5]
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    z = cdf(0.5) - cdf(-1.0)
    m = (phi(-1.0) - phi(0.5)) / z
    var = 1 + (-1.0 * phi(-1.0) - 0.5 * phi(0.5)) / z - m * m
    _moments_ok(a, m, math.sqrt(var))
    assert init.constant_(w, 0.25) is w and (w == 0.25).all()
    assert not init.zeros_(w).any() and (init.ones_(w) == 1).all()
    e = init.eye_(fakel.empty(3, 4))
    assert e.tolist() == torch.nn.init.eye_(torch.empty(3, 4)).tolist()
    dr = init.dirac_(fakel.empty(4, 2, 3, 3), groups=2)
    assert np.array_equal(dr.numpy(), torch.nn.init.dirac_(torch.empty(4, 2, 3, 3), 2).numpy())
    p = fakel.nn.Parameter(fakel.empty(3, 3))
    init.normal_(p)
    assert p.requires_grad and p.grad_fn is None  # ran under no_grad


@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3)])
def test_xavier_and_kaiming(shape):
    fakel.manual_seed(1)
    w = fakel.empty(shape)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(w)
    std = 2.0 * math.sqrt(2.0 / (fan_in + fan_out))
    _uniform_ok(init.xavier_uniform_(w, gain=2.0).numpy(), -std * math.sqrt(3), std * math.sqrt(3))
    _moments_ok(init.xavier_normal_(w, gain=2.0).numpy(), 0.0, std)
    for mode, fan in (("fan_in", fan_in), ("fan_out", fan_out)):
        for a, nl in ((0, "relu"), (math.sqrt(5), "leaky_relu"), (0.1, "leaky_relu")):
            s = init.calculate_gain(nl, a) / math.sqrt(fan)
            b = math.sqrt(3) * s
            _uniform_ok(init.kaiming_uniform_(w, a, mode, nl).numpy(), -b, b)
            _moments_ok(init.kaiming_normal_(w, a, mode, nl).numpy(), 0.0, s)


def test_orthogonal():
    for shape, gain in (((6, 4), 1.0), ((3, 8), 2.0), ((4, 2, 3), 1.0)):
        w = init.orthogonal_(fakel.empty(shape), gain=gain).numpy().reshape(shape[0], -1)
        if w.shape[0] >= w.shape[1]:
            np.testing.assert_allclose(w.T @ w, gain**2 * np.eye(w.shape[1]), atol=1e-5)
        else:
            np.testing.assert_allclose(w @ w.T, gain**2 * np.eye(w.shape[0]), atol=1e-5)


def test_init_errors_match():
    for bad in [lambda L: L.nn.init.xavier_uniform_(L.empty(3)),
                lambda L: L.nn.init.kaiming_uniform_(L.empty(3, 3), mode="fan_x"),
                lambda L: L.nn.init.kaiming_normal_(L.empty(3, 3), nonlinearity="nope"),
                lambda L: L.nn.init.eye_(L.empty(3)),
                lambda L: L.nn.init.orthogonal_(L.empty(3)),
                lambda L: L.nn.init.dirac_(L.empty(3, 3)),
                lambda L: L.nn.init.kaiming_uniform_(L.empty(0, 3)).shape]:
        assert_same_outcome(bad, lambda t, f: t == f)


def test_default_layer_init_distributions():
    fakel.manual_seed(2)
    fin, fout = 400, 300
    lin = fakel.nn.Linear(fin, fout)
    b = 1 / math.sqrt(fin)  # kaiming_uniform(a=sqrt(5)) gives the same bound as the bias
    _uniform_ok(lin.weight.detach().numpy(), -b, b)
    big = fakel.nn.Linear(fin, 20_000)
    _uniform_ok(big.bias.detach().numpy(), -b, b)
    bil = fakel.nn.Bilinear(50, 30, 40)
    b = 1 / math.sqrt(50)
    _uniform_ok(bil.weight.detach().numpy(), -b, b)
    assert np.abs(bil.bias.detach().numpy()).max() <= b
    emb = fakel.nn.Embedding(1000, 50, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert not w[3].any()
    _moments_ok(np.delete(w, 3, axis=0), 0.0, 1.0)
    for L in (torch, fakel):  # dtype and requires_grad of defaults
        m = L.nn.Linear(3, 2, dtype=L.float64)
        assert str(m.weight.dtype).endswith("float64") and m.weight.requires_grad
