"""Math ops beyond the op table: einsum gradients and node names, fakel.linalg errors, in-place
forms, special values (pow at 0, erf tails, half-to-even rounding) and error-message parity."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fakel
from fakel.autograd import gradcheck, gradgradcheck
from parity import assert_same_outcome


def _same(t, f, rtol=1e-6, atol=1e-6):
    if isinstance(t, (tuple, list)):
        assert len(t) == len(f)
        for a, b in zip(t, f):
            _same(a, b, rtol, atol)
        return
    if not isinstance(t, torch.Tensor):
        assert t == f, (t, f)
        return
    assert str(f.dtype).split(".")[1] == str(t.dtype).split(".")[1]
    assert tuple(f.shape) == tuple(t.shape)
    np.testing.assert_allclose(
        f.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True
    )


# einsum -----------------------------------------------------------------------------------------
EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("i,j,k->ijk", [(2,), (3,), (2,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("ij,k->ik", [(2, 3), (4,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
    ("...ij->...", [(2, 3, 2)]),
    ("ij...->...", [(2, 3, 2)]),
    ("ij,jk->ik", [(2, 1), (3, 4)]),  # size-1 broadcasting of a subscript
    ("i,->i", [(3,), ()]),
    ("ij,ji->", [(2, 3), (3, 2)]),
    ("Ab,bC->AC", [(2, 3), (3, 2)]),
    ("ij,jk->ik", [(0, 3), (3, 2)]),
    ("ii->", [(0, 0)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM, ids=[f"{e}-{len(s)}" for e, s in EINSUM])
def test_einsum_values_grads_and_node_name(eq, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-1, 1, s) for s in shapes]
    outs = []
    for lib in (torch, fakel):
        ins = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = lib.einsum(eq, *ins)
        cot = lib.tensor(np.random.default_rng(1).uniform(-1, 1, tuple(out.shape)))
        out.backward(cot)
        outs.append((out, [x.grad for x in ins], type(out.grad_fn).__name__))
    (t, tg, tn), (f, fg, fn) = outs
    _same(t, f, 1e-12, 1e-12)
    assert tn == fn
    for a, b in zip(tg, fg):
        if a is None:
            assert b is None or not b.any()
        else:
            _same(a, b, 1e-12, 1e-12)


@pytest.mark.parametrize("eq,shapes", EINSUM[:16], ids=[e for e, _ in EINSUM[:16]])
def test_einsum_gradcheck(eq, shapes):
    rng = np.random.default_rng(2)
    ins = tuple(fakel.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in shapes)
    assert gradcheck(lambda *xs: fakel.einsum(eq, *xs), ins)
    assert gradgradcheck(lambda *xs: fakel.einsum(eq, *xs), ins)


@pytest.mark.parametrize(
    "eq,n",
    [
        ("ij->k", 1),
        ("ijk", 1),
        ("ij,jk->ik", 1),
        ("ij->ii", 1),
        ("ij->i->j", 1),
        ("i1->i", 1),
        ("ij,jk->ik", 2),
        ("i...j...", 1),
        ("ij", 2),
        ("i.j", 1),
        ("ij->i", 1),
    ],
)
def test_einsum_errors(eq, n):
    shapes = [(2, 3), (4, 4)]
    assert_same_outcome(lambda L: L.einsum(eq, *[L.ones(s) for s in shapes[:n]]), _same)


def test_einsum_dtype_mismatch_and_ints():
    assert_same_outcome(lambda L: L.einsum("ij,jk", L.ones(2, 2).double(), L.ones(2, 2)), _same)
    assert_same_outcome(
        lambda L: L.einsum("ij,jk->ik", L.arange(6).reshape(2, 3), L.arange(6).reshape(3, 2)), _same
    )


# fakel.linalg -----------------------------------------------------------------------------------
SINGULAR = [[1.0, 2.0], [2.0, 4.0]]


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.linalg.inv(L.tensor(SINGULAR)),
        lambda L: L.inverse(L.zeros(3, 3)),
        lambda L: L.linalg.inv(L.stack([L.eye(2), L.tensor(SINGULAR)])),
        lambda L: L.linalg.inv(L.rand(2, 3)),
        lambda L: L.linalg.inv(L.eye(2, dtype=L.long)),
        lambda L: L.linalg.inv(L.rand(3)),
        lambda L: L.linalg.solve(L.tensor(SINGULAR), L.ones(2)),
        lambda L: L.linalg.solve(L.stack([L.eye(2), L.tensor(SINGULAR)]), L.ones(2, 2)),
        lambda L: L.linalg.solve(L.eye(2), L.ones(3)),
        lambda L: L.linalg.solve(L.eye(2), L.ones(3, 2)),
        lambda L: L.linalg.solve(L.eye(2), L.ones(2).double()),
        lambda L: L.linalg.det(L.rand(2, 3)),
        lambda L: L.det(L.eye(2, dtype=L.long)),
        lambda L: L.linalg.slogdet(L.rand(3)),
        lambda L: L.linalg.det(L.tensor(SINGULAR)),
        lambda L: L.linalg.slogdet(L.tensor(SINGULAR)),
        lambda L: L.linalg.inv(L.ones(0, 0)),
        lambda L: L.linalg.matrix_rank(L.tensor(SINGULAR)),
        lambda L: L.linalg.matrix_rank(L.eye(3).double()),
    ],
)
def test_linalg_parity(fn):
    assert_same_outcome(fn, _same)


def test_linalg_error_class():
    assert issubclass(fakel.linalg.LinAlgError, RuntimeError)
    with pytest.raises(fakel.linalg.LinAlgError):
        fakel.linalg.inv(fakel.tensor(SINGULAR))


def test_det_gradient_of_a_singular_matrix_is_zero_as_in_torch():
    for m in (SINGULAR, [[1.0, 0.0], [0.0, 0.0]]):
        grads = []
        for lib in (torch, fakel):
            x = lib.tensor(m, requires_grad=True)
            lib.linalg.det(x).backward()
            grads.append(x.grad)
        _same(*grads)


def test_linalg_gradcheck():
    rng = np.random.default_rng(3)
    a = fakel.tensor(rng.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3), requires_grad=True)
    b = fakel.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True)
    for fn, ins in [
        (fakel.linalg.inv, (a,)),
        (fakel.linalg.det, (a,)),
        (lambda x: fakel.linalg.slogdet(x)[1], (a,)),
        (fakel.linalg.solve, (a, b)),
    ]:
        assert gradcheck(fn, ins)
        assert gradgradcheck(fn, ins)


# In-place forms ---------------------------------------------------------------------------------
INPLACE = [
    lambda L, x: x.exp_(),
    lambda L, x: x.exp2_(),
    lambda L, x: x.log1p_(),
    lambda L, x: x.sqrt_(),
    lambda L, x: x.rsqrt_(),
    lambda L, x: x.sin_(),
    lambda L, x: x.tan_(),
    lambda L, x: x.arcsin_(),
    lambda L, x: x.sinh_(),
    lambda L, x: x.erf_(),
    lambda L, x: x.erfinv_(),
    lambda L, x: x.floor_(),
    lambda L, x: x.round_(decimals=1),
    lambda L, x: x.frac_(),
    lambda L, x: x.sign_(),
    lambda L, x: x.ceil_(),
    lambda L, x: x.abs_(),
    lambda L, x: x.reciprocal_(),
    lambda L, x: x.square_(),
    lambda L, x: x.fmod_(0.3),
    lambda L, x: x.atan2_(x * 2),
    lambda L, x: x.hypot_(x + 1),
    lambda L, x: x.lerp_(x * 3, 0.25),
    lambda L, x: x.addcmul_(x + 1, x * 3, value=2),
    lambda L, x: x.addcdiv_(x * 2, x + 2),
    lambda L, x: x.nan_to_num_(1.0),
    lambda L, x: L.exp_(x),
    lambda L, x: L.nan_to_num_(x),
    lambda L, x: L.trunc_(x),
    lambda L, x: L.fix_(x),
    lambda L, x: x.negative_(),
    lambda L, x: x.lerp_(x * 2, x + 0.5),
    lambda L, x: x.cosh_(),
]


@pytest.mark.parametrize("k", range(len(INPLACE)))
def test_inplace_values_and_graph(k):
    fn = INPLACE[k]
    res = []
    for lib in (torch, fakel):
        leaf = lib.tensor([0.25, -0.5], requires_grad=True)
        x = leaf * 1
        y = fn(lib, x)
        assert y is x
        name = type(x.grad_fn).__name__
        x.backward(lib.tensor([1.0, -2.0]))
        res.append((x.detach(), name, x._version, leaf.grad))
    (tx, tn, tv, tg), (fx, fn_, fv, fg) = res
    _same(tx, fx)
    assert tn == fn_ and tv == fv
    _same(tg, fg)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.tensor([1, 2]).exp_(),
        lambda L: L.tensor([1.0], requires_grad=True).floor_(),
        lambda L: L.tensor([1, 2]).sqrt_(),
        lambda L: L.tensor([1.0]).atan2_(L.ones(2)),
        lambda L: L.tensor([True]).floor_(),
        lambda L: L.tensor([1, 3]).fmod_(2),
    ],
)
def test_inplace_refusals(fn):
    assert_same_outcome(fn, _same)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L, x: x.addcmul_(x, x, value=2),  # the saved tensor1 is x itself, since modified
        lambda L, x: x.addcdiv_(x, x + 2),
        lambda L, x: x.atanh_(),  # PyTorch has no derivative for in-place atanh, asinh, acosh
        lambda L, x: x.asinh_(),
        lambda L, x: (x + 2).acosh_(),
        lambda L, x: x.arctanh_(),
    ],
)
def test_inplace_backward_raises_as_torch(fn):
    def scenario(L):
        x = L.tensor([0.25, -0.5], requires_grad=True) * 1
        y = fn(L, x)
        assert type(y.grad_fn).__name__ in (
            "AddcmulBackward0",
            "AddcdivBackward0",
            "AtanhBackward1",
            "AsinhBackward1",
            "AcoshBackward1",
        )
        y.sum().backward()

    assert_same_outcome(scenario, _same)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.ones(2, 2).addmm_(L.ones(2, 3), L.ones(3, 2), beta=0.5),
        lambda L: L.ones(2).addmm_(L.ones(2, 3), L.ones(3, 2)),
        lambda L: L.ones(1, 2).addmm_(L.ones(2, 3), L.ones(3, 2)),
        lambda L: L.ones(2).addmv_(L.ones(2, 3), L.ones(3), alpha=2),
        lambda L: L.addmv_(L.ones(2), L.ones(2, 3), L.ones(3)),
        lambda L: L.ones(2).addmv_(L.ones(3, 3), L.ones(3)),
        lambda L: L.ones(1, 2, 2).baddbmm_(L.ones(1, 2, 3), L.ones(1, 3, 2)),
        lambda L: L.ones(2).baddbmm_(L.ones(1, 2, 3), L.ones(1, 3, 2)),
        lambda L: L.tensor([1.0, -2.0]).sgn_(),
        lambda L: L.tensor([1, -2]).sgn_(),
    ],
)
def test_fused_inplace(fn):
    assert_same_outcome(fn, _same)


def test_inplace_saved_result_is_watched():
    """exp_ saves its result (the tensor itself): changing it again makes backward raise."""
    for lib in (torch, fakel):
        x = lib.tensor([1.0, 2.0], requires_grad=True) * 1
        x.exp_()
        x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            x.sum().backward()


# Special values ---------------------------------------------------------------------------------
SPECIAL = [
    lambda L: L.erf(
        L.tensor(
            [0.0, -0.0, 1e-30, 2.4999, 2.5, 6.0, -30.0, float("inf"), float("-inf"), float("nan")],
            dtype=L.float64,
        )
    ),
    lambda L: L.erfc(
        L.tensor([-5.0, 0.0, 2.5, 10.0, 26.0, 27.5, float("inf"), float("nan")], dtype=L.float64)
    ),
    lambda L: L.erfinv(L.tensor([-1.0, 1.0, 0.0, 1.5, 0.999999, -1e-12, 0.5], dtype=L.float64)),
    lambda L: L.erfinv(L.linspace(-0.9999, 0.9999, 201)),
    lambda L: L.round(L.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.675])),
    lambda L: L.round(L.tensor([1.25, 2.5, 1234.5, 0.125, 155.0]), decimals=-1),
    lambda L: L.round(L.tensor([1.25, 2.5, 1234.5, 0.125, 155.0]), decimals=2),
    lambda L: L.round(L.tensor([1.5]), decimals=1.5),
    lambda L: L.round(L.tensor([1, 2]), decimals=0),
    lambda L: L.nan_to_num(L.tensor([float("nan"), float("inf"), -float("inf")]).half()),
    lambda L: L.nan_to_num(L.tensor([float("nan"), float("inf")]).double(), posinf=1e300),
    lambda L: L.tensor([0.0, 0.0, 2.0]) ** L.tensor([0.0, 1.0, 0.0]),
    lambda L: L.tensor([-2.0, -8.0]) ** L.tensor([0.5, 1 / 3]),
    lambda L: L.tensor([2, -1, 1]) ** L.tensor([-1, -3, -2]),
    lambda L: 0 ** L.tensor([0.0, 1.0, -1.0]),
    lambda L: (-2) ** L.tensor([0.5, 2.0]),
    lambda L: L.equal(L.tensor([1.0, 2.0]), L.tensor([1, 2])),
    lambda L: L.equal(L.tensor([1.0, 2.0]), 1),
    lambda L: L.equal(L.tensor([float("nan")]), L.tensor([float("nan")])),
    lambda L: L.logaddexp(
        L.tensor([float("inf"), -float("inf")]), L.tensor([float("inf"), -float("inf")])
    ),
    lambda L: L.fmod(L.tensor([1.5, -2.5]), 0),
    lambda L: L.atan2(L.tensor([0.0, -0.0, 1.0]), L.tensor([-0.0, -1.0, 0.0])),
    lambda L: L.lerp(L.tensor([1.0, 2.0]), L.tensor([3.0, 5.0]), L.tensor(0.5).double()),
    lambda L: L.isclose(
        L.tensor([0, 3, 200], dtype=L.uint8), L.tensor([1, 2, 3], dtype=L.uint8), rtol=0.5, atol=0.1
    ),
]


@pytest.mark.parametrize("k", range(len(SPECIAL)))
def test_special_values(k):
    assert_same_outcome(SPECIAL[k], lambda t, f: _same(t, f, 1e-13, 1e-300))


def test_pow_gradients_at_zero_base():
    grads = []
    for lib in (torch, fakel):
        e = lib.tensor([0.0, 1.0, -1.0], requires_grad=True)
        (0**e).sum().backward()
        b = lib.tensor([0.0, 0.0, 3.0], requires_grad=True)
        x = lib.tensor([0.0, 2.0, 0.0], requires_grad=True)
        (b**x).sum().backward()
        grads.append((e.grad, b.grad, x.grad))
    _same(*grads)


def test_sgn_gradient_is_zero():
    x = fakel.tensor([1.0, -2.0, 0.0], requires_grad=True)
    y = x.sgn()
    assert type(y.grad_fn).__name__ == "SgnBackward0"
    y.backward(fakel.ones(3))
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


# Errors with PyTorch's messages -----------------------------------------------------------------
ERRORS = [
    lambda L: L.hypot(L.tensor([1, 2]), L.tensor([1, 2])),
    lambda L: L.hypot(L.tensor([1.0]), 2),
    lambda L: L.logaddexp(L.tensor([True]), L.tensor([False])),
    lambda L: L.atan2(L.tensor([1.0]), 2),
    lambda L: L.fmod(L.tensor([1, 2]), 0),
    lambda L: L.fmod(L.tensor([True]), L.tensor([True])),
    lambda L: L.fmod(L.tensor([1.0]), [1]),
    lambda L: L.lerp(L.tensor([1.0]), L.tensor([1.0]).double(), 0.5),
    lambda L: L.lerp(L.tensor([1.0]), L.tensor([1.0]), L.tensor([1]).long()),
    lambda L: L.lerp(L.tensor([1]), L.tensor([1]), 0.5),
    lambda L: L.lerp(L.tensor([1.0]), 2.0, 0.5),
    lambda L: L.addcdiv(L.tensor([1.0]), L.tensor([1]), L.tensor([2])),
    lambda L: L.addcmul(L.tensor([True]), L.tensor([True]), L.tensor([True])),
    lambda L: L.isclose(L.tensor([1.0]), L.tensor([1.0]).double()),
    lambda L: L.isclose(L.tensor([1.0]), L.tensor([1.0]), rtol=-1),
    lambda L: L.isclose(L.tensor([1.0]), L.tensor([1.0]), atol=-1),
    lambda L: L.isclose(L.tensor([1.0]), 1.0),
    lambda L: L.allclose(L.ones(2), L.ones(3)),
    lambda L: L.frac(L.tensor([1, 2])),
    lambda L: L.floor(L.tensor([True])),
    lambda L: L.round(L.tensor([1]), decimals=2),
    lambda L: L.outer(L.ones(2, 2), L.ones(2)),
    lambda L: L.outer(L.ones(2), L.tensor(1.0)),
    lambda L: L.addmm(L.ones(3), L.ones(2, 3), L.ones(3, 4)),
    lambda L: L.addmm(L.ones(4), L.ones(2, 3), L.ones(2, 3)),
    lambda L: L.addmm(L.ones(4), L.ones(1, 2, 3), L.ones(3, 4)),
    lambda L: L.addmm(L.ones(4), L.ones(2, 3), L.ones(3)),
    lambda L: L.addmm(L.ones(4).double(), L.ones(2, 3), L.ones(3, 4)),
    lambda L: L.addmm(L.ones(4), L.ones(2, 3).double(), L.ones(3, 4)),
    lambda L: L.addmm(L.ones(5, 2, 4), L.ones(2, 3), L.ones(3, 4)),
    lambda L: L.addmm(
        L.ones(4, dtype=L.long),
        L.ones(2, 3, dtype=L.long),
        L.ones(3, 4, dtype=L.long),
        alpha=2,
        beta=3,
    ),
    lambda L: L.addmv(L.ones(3), L.ones(2, 3), L.ones(3)),
    lambda L: L.addmv(L.ones(2, 2), L.ones(2, 3), L.ones(3)),
    lambda L: L.addmv(L.ones(2).double(), L.ones(2, 3), L.ones(3)),
    lambda L: L.baddbmm(L.ones(5, 2, 4), L.ones(1, 2, 3), L.ones(1, 3, 4)),
    lambda L: L.baddbmm(L.ones(4).double(), L.ones(1, 2, 3), L.ones(1, 3, 4)),
    lambda L: L.addcmul(
        L.ones(2, dtype=L.uint8), L.ones(2, dtype=L.uint8), L.ones(2, dtype=L.uint8), value=-2
    ),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_error_parity(k):
    assert_same_outcome(ERRORS[k], _same)
