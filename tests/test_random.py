"""Random streams against PyTorch: the same seed gives the same numbers, call after call."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest
import torch
from hypothesis import given

import fakel
from parity import assert_same_outcome

SEEDS = st.one_of(st.integers(0, 2**32 + 5), st.sampled_from([0, 1, 42, 67280421310721, 2**63]))
SHAPES = st.lists(st.integers(0, 7), min_size=0, max_size=3).map(tuple)
FLOATS = ["float32", "float64"]

# Each draw is ``fn(lib, gen, shape)``; gen is None (the global stream) or a Generator.
DRAWS = {
    "rand": lambda L, g, s: L.rand(s, generator=g),
    "rand64": lambda L, g, s: L.rand(s, dtype=L.float64, generator=g),
    "rand16": lambda L, g, s: L.rand(s, dtype=L.float16, generator=g),
    "randn": lambda L, g, s: L.randn(s, generator=g),
    "randn64": lambda L, g, s: L.randn(s, dtype=L.float64, generator=g),
    "randint": lambda L, g, s: L.randint(-3, 17, s, generator=g),
    "randint_big": lambda L, g, s: L.randint(0, 2**40, s, generator=g),
    "randint_int32": lambda L, g, s: L.randint(5, s, dtype=L.int32, generator=g),
    "randperm": lambda L, g, s: L.randperm(sum(s) * 3, generator=g),
    "uniform_": lambda L, g, s: L.empty(s).uniform_(-1.5, 2.5, generator=g),
    "uniform_64": lambda L, g, s: L.empty(s, dtype=L.float64).uniform_(2, 5, generator=g),
    "normal_": lambda L, g, s: L.empty(s).normal_(0.5, 3.0, generator=g),
    "normal_64": lambda L, g, s: L.empty(s, dtype=L.float64).normal_(-1, 0.1, generator=g),
    "normal": lambda L, g, s: L.normal(2.0, 0.5, s, generator=g),
    "random_": lambda L, g, s: L.empty(s, dtype=L.int64).random_(generator=g),
    "random_to": lambda L, g, s: L.empty(s, dtype=L.int32).random_(3, 9, generator=g),
    "random_bool": lambda L, g, s: L.empty(s, dtype=L.bool).random_(generator=g),
}


def _same(f, t):
    f, t = f.numpy(), t.numpy()
    assert f.dtype == t.dtype and f.shape == t.shape
    if f.dtype == np.float32 and f.size >= 16:
        # PyTorch's vectorised float32 Box-Muller uses SLEEF's log/sin/cos: last-bit differences.
        np.testing.assert_allclose(f, t, rtol=3e-7, atol=3e-7)
    else:
        np.testing.assert_array_equal(f, t)


@given(seed=SEEDS, calls=st.lists(st.tuples(st.sampled_from(sorted(DRAWS)), SHAPES), max_size=6),
       own=st.booleans())
def test_seeded_sequences_draw_what_torch_draws(seed, calls, own):
    fakel.manual_seed(seed)
    torch.manual_seed(seed)
    fg = fakel.Generator().manual_seed(seed + 1) if own else None
    tg = torch.Generator().manual_seed(seed + 1) if own else None
    for name, shape in calls:
        _same(DRAWS[name](fakel, fg, shape), DRAWS[name](torch, tg, shape))
    # The streams are still in step afterwards (the normal cache included).
    _same(fakel.randn(3, generator=fg), torch.randn(3, generator=tg))
    _same(fakel.rand(2, generator=fg), torch.rand(2, generator=tg))


@pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 33, 1000])
@pytest.mark.parametrize("dtype", FLOATS)
def test_randn_sizes_around_the_vector_path(n, dtype):
    fakel.manual_seed(3)
    torch.manual_seed(3)
    _same(fakel.randn(n, dtype=getattr(fakel, dtype)), torch.randn(n, dtype=getattr(torch, dtype)))
    _same(fakel.rand(5), torch.rand(5))


def test_initial_seed_and_default_seed():
    g, tg = fakel.Generator(), torch.Generator()
    assert g.initial_seed() == tg.initial_seed()
    _same(fakel.rand(4, generator=g), torch.rand(4, generator=tg))
    fakel.manual_seed(123)
    assert fakel.initial_seed() == 123


def test_rng_state_replays():
    fakel.manual_seed(7)
    fakel.randn(3)  # leaves a cached normal sample: the state must carry it
    state = fakel.get_rng_state()
    a = [fakel.randn(5), fakel.rand(3), fakel.randperm(6)]
    fakel.set_rng_state(state)
    b = [fakel.randn(5), fakel.rand(3), fakel.randperm(6)]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    g = fakel.Generator().manual_seed(1)
    s = g.get_state()
    x = fakel.rand(4, generator=g)
    np.testing.assert_array_equal(fakel.rand(4, generator=g.set_state(s)).numpy(), x.numpy())


def test_bernoulli_of_a_probability_tensor_matches():
    fakel.manual_seed(11)
    torch.manual_seed(11)
    p = np.linspace(0, 1, 40, dtype=np.float32)
    np.testing.assert_array_equal(
        fakel.bernoulli(fakel.tensor(p)).numpy(), torch.bernoulli(torch.tensor(p)).numpy()
    )


def test_random_fills_do_not_record_a_graph_and_bump_the_version():
    x = fakel.zeros(3)
    v = x._version
    x.uniform_()
    assert x._version == v + 1 and x.grad_fn is None


ERRORS = {
    "uniform_from_gt_to": lambda L: L.empty(3).uniform_(2, 1),
    "normal_neg_std": lambda L: L.empty(3).normal_(0, -1),
    "normal_fn_neg_std": lambda L: L.normal(0.0, -1.0, (2,)),
    "randint_empty_range": lambda L: L.randint(5, 5, (2,)),
    "randint_int_size": lambda L: L.randint(5, 3),
    "randperm_negative": lambda L: L.randperm(-1),
    "rand_int_dtype": lambda L: L.rand(2, dtype=L.int64),
    "randn_int_dtype": lambda L: L.randn(2, dtype=L.int32),
    "uniform_leaf_requiring_grad": lambda L: L.zeros(2, requires_grad=True).uniform_(),
    "normal_leaf_requiring_grad": lambda L: L.zeros(2, requires_grad=True).normal_(),
    "bernoulli_bad_p": lambda L: L.bernoulli(L.tensor([0.5, 1.5])),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    assert_same_outcome(ERRORS[name], lambda a, b: None, msg=name != "bernoulli_bad_p")
