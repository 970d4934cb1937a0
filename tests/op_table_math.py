"""Op-table rows for the math ops (joined into tests/op_table.py): pointwise math, rounding,
fused products, einsum and fakel.linalg."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st

from op_spec import FLOAT, INTS, Op  # noqa: F401


def _with_empty(draw):
    """0-d to 3-d shapes, sometimes with an empty dimension."""
    return [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))]


def _three(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    return list(shapes.input_shapes)


def _addmm_shapes(draw):
    n, m, p = (draw(st.integers(1, 4)) for _ in range(3))
    return [draw(st.sampled_from([(n, p), (p,), (1, p), (n, 1), ()])), (n, m), (m, p)]


def _addmv_shapes(draw):
    n, m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return [draw(st.sampled_from([(n,), (1,), ()])), (n, m), (m,)]


def _baddbmm_shapes(draw):
    b, n, m, p = (draw(st.integers(1, 3)) for _ in range(4))
    return [draw(st.sampled_from([(b, n, p), (n, p), (p,), ()])), (b, n, m), (b, m, p)]


def _square(draw):
    n = draw(st.integers(1, 4))
    batch = draw(st.sampled_from([(), (2,), (2, 1)]))
    return [batch + (n, n)]


def _solve_shapes(draw):
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 3))
    return draw(st.sampled_from([[(n, n), (n,)], [(n, n), (n, k)], [(2, n, n), (2, n)],
                                 [(2, n, n), (n, k)], [(2, n, n), (2, n, k)]]))


def _vectors(draw):
    return [(draw(st.integers(0, 4)),), (draw(st.integers(0, 4)),)]


def _decimals(draw, shapes):
    return {"decimals": draw(st.sampled_from([0, 1, 2, -1]))}


def _nan_to_num_kw(draw, shapes):
    return {"nan": draw(st.sampled_from([0.0, 1.5])),
            "posinf": draw(st.sampled_from([None, 3.0])),
            "neginf": draw(st.sampled_from([None, -3.0]))}


def _alpha_beta(draw, shapes):
    return {"beta": draw(st.sampled_from([1, 0, 0.5, 2])),
            "alpha": draw(st.sampled_from([1, -1.5, 2]))}


def _wc(L, a):
    """A well-conditioned square matrix built from a (the graph records the shift)."""
    return a + 3 * L.eye(a.shape[-1], dtype=a.dtype)


def _specials(L, a):
    """a with nan, +inf and -inf written into it where it is large (a mask, so any shape)."""
    return L.where(a > 1.2, float("nan"), L.where(a > 0.8, float("inf"), L.where(
        a < -1.2, float("-inf"), a)))


# fmt: off
OPS: list[Op] = [
    # Exponentials, logarithms, roots -------------------------------------------------------------
    Op("exp2", [lambda L, a: L.exp2(a), lambda L, a: a.exp2()], node="Exp2Backward0",
       int_dtypes=("int64", "bool"), covers=("exp2",)),
    Op("expm1", [lambda L, a: L.expm1(a), lambda L, a: a.expm1()], node="Expm1Backward0",
       int_dtypes=("int64",), covers=("expm1",)),
    Op("log2", [lambda L, a: L.log2(a), lambda L, a: a.log2()], domains=((0.1, 5),),
       node="Log2Backward0", int_dtypes=("int64", "bool"), covers=("log2",)),
    Op("log10", [lambda L, a: L.log10(a), lambda L, a: a.log10()], domains=((0.1, 5),),
       node="Log10Backward0", int_dtypes=("int32",), covers=("log10",)),
    Op("rsqrt", [lambda L, a: L.rsqrt(a), lambda L, a: a.rsqrt()], domains=((0.2, 4),),
       node="RsqrtBackward0", int_dtypes=("int64",), covers=("rsqrt",)),
    Op("sgn", [lambda L, a: L.sgn(a), lambda L, a: a.sgn()], away=0.05, node="SgnBackward0",
       int_dtypes=INTS, grad=False, covers=("sgn",)),  # torch grad: a ZeroTensor
    # Trigonometric, hyperbolic, error functions --------------------------------------------------
    Op("tan", [lambda L, a: L.tan(a), lambda L, a: a.tan()], domains=((-1.2, 1.2),),
       node="TanBackward0", int_dtypes=("int64",), covers=("tan",)),
    Op("asin", [lambda L, a: L.asin(a), lambda L, a: a.arcsin(), lambda L, a: L.arcsin(a)],
       domains=((-0.9, 0.9),), node="AsinBackward0", int_dtypes=("int64",),
       covers=("asin", "arcsin")),
    Op("acos", [lambda L, a: L.acos(a), lambda L, a: a.arccos(), lambda L, a: L.arccos(a)],
       domains=((-0.9, 0.9),), node="AcosBackward0", covers=("acos", "arccos")),
    Op("atan", [lambda L, a: L.atan(a), lambda L, a: a.arctan(), lambda L, a: L.arctan(a)],
       domains=((-3, 3),), node="AtanBackward0", int_dtypes=("int32",), covers=("atan", "arctan")),
    Op("sinh", [lambda L, a: L.sinh(a), lambda L, a: a.sinh()], node="SinhBackward0",
       covers=("sinh",)),
    Op("cosh", [lambda L, a: L.cosh(a), lambda L, a: a.cosh()], node="CoshBackward0",
       int_dtypes=("int64",), covers=("cosh",)),
    Op("asinh", [lambda L, a: L.asinh(a), lambda L, a: a.arcsinh(), lambda L, a: L.arcsinh(a)],
       domains=((-3, 3),), node="AsinhBackward0", covers=("asinh", "arcsinh")),
    Op("acosh", [lambda L, a: L.acosh(a), lambda L, a: a.arccosh(), lambda L, a: L.arccosh(a)],
       domains=((1.2, 4),), node="AcoshBackward0", int_dtypes=("int64",),
       covers=("acosh", "arccosh")),
    Op("atanh", [lambda L, a: L.atanh(a), lambda L, a: a.arctanh(), lambda L, a: L.arctanh(a)],
       domains=((-0.9, 0.9),), node="AtanhBackward0", covers=("atanh", "arctanh")),
    Op("erf", [lambda L, a: L.erf(a), lambda L, a: a.erf()], domains=((-3.5, 3.5),),
       node="ErfBackward0", int_dtypes=("int64", "bool"), covers=("erf",)),
    Op("erfc", [lambda L, a: L.erfc(a), lambda L, a: a.erfc()], domains=((-3, 5),),
       node="ErfcBackward0", int_dtypes=("int64",), covers=("erfc",)),
    Op("erfinv", [lambda L, a: L.erfinv(a), lambda L, a: a.erfinv()], domains=((-0.95, 0.95),),
       node="ErfinvBackward0", int_dtypes=("int64", "bool"), covers=("erfinv",)),
    # Rounding and classification -----------------------------------------------------------------
    Op("floor", [lambda L, a: L.floor(a), lambda L, a: a.floor()], domains=((-4, 4),),
       node="FloorBackward0", int_dtypes=INTS, shapes=_with_empty, covers=("floor",)),
    Op("ceil", [lambda L, a: L.ceil(a), lambda L, a: a.ceil()], domains=((-4, 4),),
       node="CeilBackward0", int_dtypes=("int32", "bool"), covers=("ceil",)),
    Op("trunc", [lambda L, a: L.trunc(a), lambda L, a: a.trunc(), lambda L, a: L.fix(a),
                 lambda L, a: a.fix()],
       domains=((-4, 4),), node="TruncBackward0", int_dtypes=("int64", "bool"), covers=("trunc", "fix")),
    Op("round", [lambda L, a: L.round(a), lambda L, a: a.round(), lambda L, a: L.round(a * 2)],
       domains=((-4, 4),), node="RoundBackward0", int_dtypes=("int64", "bool"), covers=("round",)),
    Op("round_decimals", [lambda L, a, **k: L.round(a, **k), lambda L, a, **k: a.round(**k)],
       domains=((-300, 300),), kwargs=_decimals, node="RoundBackward1", int_dtypes=INTS[:1]),
    Op("frac", [lambda L, a: L.frac(a), lambda L, a: a.frac()], domains=((-4, 4),),
       node="FracBackward0", int_dtypes=("int64", "bool"), covers=("frac",)),
    Op("isnan", [lambda L, a: L.isnan(_specials(L, a)), lambda L, a: _specials(L, a).isinf(),
                 lambda L, a: L.isfinite(_specials(L, a)), lambda L, a: L.isposinf(a / 0),
                 lambda L, a: L.isneginf(a / 0), lambda L, a: L.isnan(a)],
       grad=False, int_dtypes=("int64", "bool"), shapes=_with_empty,
       covers=("isnan", "isinf", "isfinite", "isposinf", "isneginf")),
    Op("nan_to_num", [lambda L, a, **k: L.nan_to_num(_specials(L, a), **k),
                      lambda L, a, **k: _specials(L, a).nan_to_num(**k),
                      lambda L, a, **k: L.nan_to_num(a, **k)],
       kwargs=_nan_to_num_kw, node="NanToNumBackward0", int_dtypes=("int64",), covers=("nan_to_num",)),
    # Binary and ternary pointwise ----------------------------------------------------------------
    Op("atan2", [lambda L, a, b: L.atan2(a, b), lambda L, a, b: a.atan2(b),
                 lambda L, a, b: L.arctan2(a, b), lambda L, a, b: a.arctan2(b)],
       kind="binary", domains=((-2, 2), (-2, 2)), away=0.2, node="Atan2Backward0",
       int_dtypes=("int64", "bool"), covers=("atan2", "arctan2")),
    Op("fmod", [lambda L, a, b: L.fmod(a, b), lambda L, a, b: a.fmod(b)], kind="binary",
       domains=((-5, 5), (-3, 3)), away=0.5, node="FmodBackward1", int_dtypes=("int64", "bool"),
       covers=("fmod",)),
    Op("fmod_scalar", [lambda L, a: L.fmod(a, 1.5), lambda L, a: a.fmod(-2)],
       domains=((-5, 5),), node="FmodBackward0", int_dtypes=("int32", "bool")),
    Op("hypot", [lambda L, a, b: L.hypot(a, b), lambda L, a, b: a.hypot(b)], kind="binary",
       domains=((-2, 2), (-2, 2)), away=0.2, node="HypotBackward0", int_dtypes=INTS[:2],
       covers=("hypot",)),
    Op("logaddexp", [lambda L, a, b: L.logaddexp(a, b), lambda L, a, b: a.logaddexp(b)],
       kind="binary", domains=((-3, 3), (-3, 3)), node="LogaddexpBackward0",
       int_dtypes=("int64",), covers=("logaddexp",)),
    Op("lerp", [lambda L, a, b: L.lerp(a, b, 0.3), lambda L, a, b: a.lerp(b, 0.75),
                lambda L, a, b: L.lerp(a, b, 2)],
       kind="binary", node="LerpBackward0", int_dtypes=("int64",), covers=("lerp",)),
    Op("lerp_tensor", [lambda L, a, b, c: L.lerp(a, b, c), lambda L, a, b, c: a.lerp(b, c)],
       shapes=_three, domains=((-2, 2), (-2, 2), (-1, 2)), node="LerpBackward1",
       int_dtypes=("int64",)),
    Op("addcmul", [lambda L, a, b, c: L.addcmul(a, b, c), lambda L, a, b, c: a.addcmul(b, c),
                   lambda L, a, b, c: L.addcmul(a, b, c, value=-2.5)],
       shapes=_three, node="AddcmulBackward0", int_dtypes=INTS, covers=("addcmul",)),
    Op("addcdiv", [lambda L, a, b, c: L.addcdiv(a, b, c), lambda L, a, b, c: a.addcdiv(b, c),
                   lambda L, a, b, c: L.addcdiv(a, b, c, value=0.5)],
       shapes=_three, domains=((-2, 2), (-2, 2), (-2, 2)), away=0.5, node="AddcdivBackward0",
       int_dtypes=INTS[:2], covers=("addcdiv",)),
    Op("isclose", [lambda L, a, b: L.isclose(a, b), lambda L, a, b: a.isclose(a + b * 1e-6),
                   lambda L, a, b: L.isclose(a, b, rtol=0.5, atol=0.1),
                   lambda L, a, b: L.isclose(_specials(L, a), _specials(L, a), equal_nan=True),
                   lambda L, a, b: L.isclose(a, a * (1 + b)),
                   lambda L, a, b: L.tensor(L.allclose(a, b, atol=1.5)),
                   lambda L, a, b: L.tensor(a.allclose(a + 1e-7))],
       kind="binary", grad=False, int_dtypes=("int64", "uint8"), covers=("isclose", "allclose")),
    # Products ------------------------------------------------------------------------------------
    Op("outer", [lambda L, a, b: L.outer(a, b), lambda L, a, b: a.outer(b),
                 lambda L, a, b: L.ger(a, b), lambda L, a, b: a.ger(b)],
       shapes=_vectors, domains=((-2, 2), (-2, 2)), node="MulBackward0",
       int_dtypes=("int64", "bool"), covers=("outer", "ger")),
    Op("addmm", [lambda L, a, b, c, **k: L.addmm(a, b, c, **k),
                 lambda L, a, b, c, **k: a.addmm(b, c, **k),
                 lambda L, a, b, c, **k: L.addmm(a, b, c)],
       shapes=_addmm_shapes, kwargs=_alpha_beta, domains=((-2, 2), (-2, 2), (-2, 2)),
       node="AddmmBackward0", covers=("addmm",)),
    Op("addmv", [lambda L, a, b, c, **k: L.addmv(a, b, c, **k),
                 lambda L, a, b, c, **k: a.addmv(b, c, **k)],
       shapes=_addmv_shapes, kwargs=_alpha_beta, node="AddmvBackward0", covers=("addmv",)),
    Op("baddbmm", [lambda L, a, b, c, **k: L.baddbmm(a, b, c, **k),
                   lambda L, a, b, c, **k: a.baddbmm(b, c, **k)],
       shapes=_baddbmm_shapes, kwargs=_alpha_beta, node="BaddbmmBackward0",
       covers=("baddbmm",)),
    # einsum records one node where PyTorch records several (see fakel/ops/einsum.py): forward
    # here; gradients, node names and gradcheck in test_math_ext.py.
    Op("einsum_mm", [lambda L, a, b: L.einsum("ij,jk->ik", a, b), lambda L, a, b: L.einsum(
        "ij,jk", [a, b]), lambda L, a, b: L.einsum("ij,jk->ki", a, b),
        lambda L, a, b: L.einsum("ij,jk->", a, b), lambda L, a, b: L.einsum("ij,jk->ijk", a, b),
        lambda L, a, b: L.einsum("ij,j k->j", a, b)],
       kind="mm", grad=False, int_dtypes=("int64",), covers=("einsum",)),
    Op("einsum_one", [lambda L, a: L.einsum("ij->ji", a), lambda L, a: L.einsum("ij->", a),
                      lambda L, a: L.einsum("ij->j", a), lambda L, a: L.einsum("ba", a),
                      lambda L, a: L.einsum("...j->...", a), lambda L, a: L.einsum("i...->", a)],
       kind="matrix", grad=False, int_dtypes=("int64",)),
    Op("einsum_batch", [lambda L, a, b: L.einsum("bij,bjk->bik", a, b),
                        lambda L, a, b: L.einsum("...ij,...jk->...ik", a, b),
                        lambda L, a, b: L.einsum("bij,bjk->bj", a, b)],
       kind="bmm", grad=False, int_dtypes=("int64",)),
    # Linear algebra ------------------------------------------------------------------------------
    Op("inverse", [lambda L, a: L.inverse(_wc(L, a)), lambda L, a: _wc(L, a).inverse(),
                   lambda L, a: L.linalg.inv(_wc(L, a))],
       shapes=_square, node="LinalgInvExBackward0", covers=("inverse",)),
    Op("det", [lambda L, a: L.det(_wc(L, a)), lambda L, a: _wc(L, a).det(),
               lambda L, a: L.linalg.det(_wc(L, -a))],
       shapes=_square, node="LinalgDetBackward0", covers=("det",)),
    Op("slogdet", [lambda L, a: L.slogdet(_wc(L, a)), lambda L, a: _wc(L, a).slogdet(),
                   lambda L, a: L.linalg.slogdet(_wc(L, -a))[1]],
       shapes=_square, node="LinalgSlogdetBackward0", covers=("slogdet",)),
    Op("solve", [lambda L, a, b: L.linalg.solve(_wc(L, a), b)], shapes=_solve_shapes,
       node="LinalgSolveExBackward0"),
]
# fmt: on
