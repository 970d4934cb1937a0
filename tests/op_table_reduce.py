"""Op-table rows for the reduce ops (joined into tests/op_table.py): statistics, norms,
logsumexp, logical reductions, scans, sorting and order statistics."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st

from op_spec import FLOAT, INTS, Op  # noqa: F401

INF = float("inf")


def _any_shape(draw):
    """0 to 3 dims, sides 0 to 4: empty and 0-d tensors included."""
    return [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))]


def _nonempty(draw):
    return [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))]


def _wide(draw):
    """At least 1 dim, sides 2 to 4: every reduction has two or more elements."""
    return [draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))]


def _dim(draw, shape):
    nd = len(shape)
    return draw(st.integers(-nd, nd - 1)) if nd else draw(st.sampled_from([0, -1]))


def _dims(draw, shape):
    """None, one dim (maybe negative) or a tuple of distinct dims."""
    nd = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int" or nd == 0:
        return _dim(draw, shape)
    dims = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
    return tuple(d - nd if draw(st.booleans()) else d for d in dims)


def _dim_kw(draw, shapes):
    return {"dim": _dim(draw, shapes[0]), "keepdim": draw(st.booleans())}


def _dims_kw(draw, shapes):
    return {"dim": _dims(draw, shapes[0]), "keepdim": draw(st.booleans())}


def _var_kw(draw, shapes):
    kw = _dims_kw(draw, shapes)
    kw["correction"] = draw(st.sampled_from([0, 1, 1, 0.5]))
    return kw


def _norm_kw(draw, shapes):
    kw = _dims_kw(draw, shapes)
    kw["p"] = draw(st.sampled_from([2, 1, INF, -INF, 0, 3, 0.5, 1.5, -1, "fro"]))
    return kw


def _lse_kw(draw, shapes):
    kw = _dims_kw(draw, shapes)
    if kw["dim"] is None:
        kw["dim"] = _dim(draw, shapes[0])
    return kw


def _sort_kw(draw, shapes):
    return {"dim": _dim(draw, shapes[0]), "descending": draw(st.booleans()),
            "stable": draw(st.booleans())}


def _size(shape, dim):
    return shape[dim] if shape else 1


def _topk_kw(draw, shapes):
    dim = _dim(draw, shapes[0])
    return {"k": draw(st.integers(0, _size(shapes[0], dim))), "dim": dim,
            "largest": draw(st.booleans())}


def _kth_kw(draw, shapes):
    dim = _dim(draw, shapes[0])
    return {"k": draw(st.integers(1, _size(shapes[0], dim))), "dim": dim,
            "keepdim": draw(st.booleans())}


def _unique_kw(draw, shapes):
    return {"return_inverse": draw(st.booleans()), "return_counts": draw(st.booleans())}


def _small_ints(draw):
    """Small sides so that integer rows hold ties (sort must order them as PyTorch)."""
    return [draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4))]


# fmt: off
OPS: list[Op] = [
    # var / std -----------------------------------------------------------------------------------
    Op("var", [lambda L, a, **k: L.var(a, k["dim"], keepdim=k["keepdim"],
                                      correction=k["correction"]),
               lambda L, a, **k: a.var(k["dim"], correction=k["correction"],
                                       keepdim=k["keepdim"]),
               lambda L, a, **k: a.var(k["dim"], k["correction"] != 0, k["keepdim"]),
               lambda L, a, **k: a.var()],
       shapes=_wide, kwargs=_var_kw, node="VarBackward0", int_dtypes=("int64", "bool"),
       covers=("var",)),
    Op("std", [lambda L, a, **k: L.std(a, k["dim"], keepdim=k["keepdim"],
                                      correction=k["correction"]),
               lambda L, a, **k: a.std(k["dim"], unbiased=k["correction"] != 0,
                                       keepdim=k["keepdim"]),
               lambda L, a, **k: a.std(False)],
       shapes=_wide, kwargs=_var_kw, node="StdBackward0", int_dtypes=("int32",),
       covers=("std",)),
    Op("var_mean", [lambda L, a, **k: L.var_mean(a, k["dim"], keepdim=k["keepdim"],
                                                correction=k["correction"]),
                    lambda L, a, **k: L.var_mean(a)],
       shapes=_wide, kwargs=_var_kw, node="VarMeanBackward0", covers=("var_mean",)),
    Op("std_mean", [lambda L, a, **k: L.std_mean(a, k["dim"], keepdim=k["keepdim"],
                                                correction=k["correction"]),
                    lambda L, a, **k: L.std_mean(a, k["dim"], k["correction"] != 0)],
       shapes=_wide, kwargs=_var_kw, node="StdMeanBackward0", covers=("std_mean",)),
    # norms and logsumexp -------------------------------------------------------------------------
    Op("norm", [lambda L, a, **k: L.norm(a, k["p"], k["dim"], k["keepdim"]),
                lambda L, a, **k: a.norm(p=k["p"], dim=k["dim"], keepdim=k["keepdim"]),
                lambda L, a, **k: a.norm(), lambda L, a, **k: L.norm(a, dtype=L.float64)],
       shapes=_nonempty, kwargs=_norm_kw, away=0.1, node="LinalgVectorNormBackward0",
       int_dtypes=("int64",), covers=("norm",)),
    Op("norm_empty", [lambda L, a, **k: L.norm(a, k["p"], k["dim"], k["keepdim"])],
       shapes=_any_shape, kwargs=_norm_kw, away=0.1, extra={"gradcheck": False}),
    Op("logsumexp", [lambda L, a, **k: L.logsumexp(a, k["dim"], k["keepdim"]),
                     lambda L, a, **k: a.logsumexp(k["dim"], keepdim=k["keepdim"])],
       shapes=_any_shape, kwargs=_lse_kw, domains=((-30, 30),), node="LogsumexpBackward0",
       int_dtypes=INTS, covers=("logsumexp",)),
    # logical reductions --------------------------------------------------------------------------
    Op("all_any", [lambda L, a, **k: L.all(a), lambda L, a, **k: a.any(),
                   lambda L, a, **k: L.all(a, k["dim"], k["keepdim"]),
                   lambda L, a, **k: a.any(k["dim"], keepdim=k["keepdim"]),
                   lambda L, a, **k: (a > 0).all(k["dim"])],
       shapes=_any_shape, kwargs=_dims_kw, away=0.0, grad=False, int_dtypes=INTS,
       covers=("all", "any")),
    Op("count_nonzero", [lambda L, a, **k: L.count_nonzero(a),
                         lambda L, a, **k: a.count_nonzero(k["dim"]),
                         lambda L, a, **k: L.count_nonzero(((a * 2).long() * 0.5), dim=k["dim"])],
       shapes=_any_shape, kwargs=_dims_kw, grad=False, int_dtypes=INTS,
       covers=("count_nonzero",)),
    # scans ---------------------------------------------------------------------------------------
    Op("cumsum", [lambda L, a, **k: L.cumsum(a, k["dim"]), lambda L, a, **k: a.cumsum(dim=k["dim"]),
                  lambda L, a, **k: a.cumsum(k["dim"], dtype=L.float64)],
       shapes=_any_shape, kwargs=_dim_kw, node="CumsumBackward0", int_dtypes=INTS,
       covers=("cumsum",)),
    Op("cumprod", [lambda L, a, **k: L.cumprod(a, k["dim"]), lambda L, a, **k: a.cumprod(k["dim"])],
       shapes=_any_shape, kwargs=_dim_kw, node="CumprodBackward0", int_dtypes=INTS,
       covers=("cumprod",)),
    # Rows with zeros: the gradient must stay exact there.
    Op("cumprod_zeros", [lambda L, a, **k: L.cumprod(a * (a.abs() > 0.8), k["dim"])],
       shapes=_any_shape, kwargs=_dim_kw, node="CumprodBackward0"),
    Op("cummax", [lambda L, a, **k: L.cummax(a, k["dim"]), lambda L, a, **k: a.cummax(k["dim"])[0],
                  lambda L, a, **k: ((a * 2).long() * 0.5).cummax(dim=k["dim"])],
       shapes=_any_shape, kwargs=_dim_kw, node="CummaxBackward0", int_dtypes=INTS,
       covers=("cummax",)),
    Op("cummin", [lambda L, a, **k: L.cummin(a, k["dim"]), lambda L, a, **k: a.cummin(k["dim"]).indices,
                  lambda L, a, **k: ((a * 2).long() * 0.5).cummin(dim=k["dim"])],
       shapes=_any_shape, kwargs=_dim_kw, node="CumminBackward0", int_dtypes=INTS,
       covers=("cummin",)),
    # sorting -------------------------------------------------------------------------------------
    Op("sort", [lambda L, a, **k: L.sort(a, k["dim"], k["descending"]),
                lambda L, a, **k: a.sort(dim=k["dim"], descending=k["descending"]),
                lambda L, a, **k: L.sort(a, stable=k["stable"], dim=k["dim"]).values,
                lambda L, a, **k: a.sort(stable=None, descending=k["descending"])],
       shapes=_any_shape, kwargs=_sort_kw, node="SortBackward0", covers=("sort",)),
    Op("sort_ties", [lambda L, a, **k: L.sort(a, k["dim"], k["descending"]),
                     lambda L, a, **k: L.argsort(a, dim=k["dim"], descending=k["descending"])],
       shapes=_small_ints, kwargs=_sort_kw, grad=False, int_dtypes=INTS),
    Op("argsort", [lambda L, a, **k: L.argsort(a, k["dim"], k["descending"]),
                   lambda L, a, **k: a.argsort(k["dim"], descending=k["descending"])],
       shapes=_any_shape, kwargs=_sort_kw, grad=False, covers=("argsort",)),
    Op("msort", [lambda L, a: L.msort(a), lambda L, a: a.msort()], shapes=_any_shape,
       node="SortBackward0", int_dtypes=INTS, covers=("msort",)),
    Op("topk", [lambda L, a, **k: L.topk(a, k["k"], k["dim"], k["largest"]),
                lambda L, a, **k: a.topk(k["k"], dim=k["dim"], largest=k["largest"], sorted=True)],
       shapes=_any_shape, kwargs=_topk_kw, node="TopkBackward0", covers=("topk",)),
    # Integer rows hold ties, whose indices PyTorch's selection algorithm orders its own way:
    # values only.
    Op("topk_values", [lambda L, a, **k: L.topk(a, k["k"], k["dim"], k["largest"]).values],
       shapes=_any_shape, kwargs=_topk_kw, grad=False, int_dtypes=INTS),
    Op("kthvalue", [lambda L, a, **k: L.kthvalue(a, k["k"], k["dim"], k["keepdim"]),
                    lambda L, a, **k: a.kthvalue(k["k"], k["dim"], keepdim=k["keepdim"])],
       shapes=_nonempty, kwargs=_kth_kw, node="KthvalueBackward0", covers=("kthvalue",)),
    Op("kthvalue_values", [lambda L, a, **k: L.kthvalue(a, k["k"], k["dim"], k["keepdim"])[0]],
       shapes=_nonempty, kwargs=_kth_kw, grad=False, int_dtypes=INTS),
    Op("median", [lambda L, a: L.median(a), lambda L, a: a.median()], shapes=_any_shape,
       node="MedianBackward0", int_dtypes=INTS[:3], covers=("median",)),
    Op("median_dim", [lambda L, a, **k: L.median(a, k["dim"], k["keepdim"]),
                      lambda L, a, **k: a.median(dim=k["dim"], keepdim=k["keepdim"])],
       shapes=_any_shape, kwargs=_dim_kw, node="MedianBackward1"),
    Op("median_dim_values", [lambda L, a, **k: L.median(a, k["dim"], k["keepdim"]).values],
       shapes=_any_shape, kwargs=_dim_kw, grad=False, int_dtypes=INTS),
    Op("nanmedian", [lambda L, a: L.nanmedian(a), lambda L, a: a.nanmedian(),
                     lambda L, a: a.log().nanmedian(), lambda L, a: a.log().median()],
       shapes=_any_shape, node="NanmedianBackward0", away=0.1, int_dtypes=INTS[:3],
       covers=("nanmedian",)),
    Op("nanmedian_dim", [lambda L, a, **k: L.nanmedian(a, k["dim"], k["keepdim"]),
                         lambda L, a, **k: a.log().median(k["dim"], keepdim=k["keepdim"])],
       shapes=_any_shape, kwargs=_dim_kw, node="NanmedianBackward1", away=0.1),
    # The index PyTorch picks in an all-NaN row depends on its selection algorithm: values only.
    Op("nanmedian_nan_values",
       [lambda L, a, **k: a.log().nanmedian(k["dim"], keepdim=k["keepdim"]).values],
       shapes=_any_shape, kwargs=_dim_kw, away=0.1, grad=False),
    Op("mode", [lambda L, a, **k: L.mode(a, k["dim"], k["keepdim"]),
                lambda L, a, **k: a.mode(k["dim"], keepdim=k["keepdim"]),
                lambda L, a, **k: ((a * 2).long() * 0.5).mode(k["dim"])],
       shapes=_any_shape, kwargs=_dim_kw, node="ModeBackward0", int_dtypes=INTS,
       covers=("mode",)),
    # PyTorch's unique has no derivative (its node raises): forward only.
    Op("unique", [lambda L, a, **k: L.unique(a, **k), lambda L, a, **k: a.unique(**k),
                  lambda L, a, **k: L.unique(((a * 2).long() * 0.5), sorted=False, **k)],
       shapes=_any_shape, kwargs=_unique_kw, grad=False, int_dtypes=INTS, covers=("unique",)),
    Op("unique_dim", [lambda L, a, **k: L.unique(a, dim=k["dim"], return_inverse=True,
                                                return_counts=True),
                      lambda L, a, **k: ((a * 2).long() * 0.5).unique(dim=k["dim"], return_counts=True)],
       shapes=_any_shape, kwargs=_dim_kw, grad=False, int_dtypes=INTS),
    Op("trace", [lambda L, a: L.trace(a), lambda L, a: a.trace()], kind="matrix",
       node="TraceBackward0", int_dtypes=("int64", "int32", "uint8", "bool"), covers=("trace",)),
]
# fmt: on
