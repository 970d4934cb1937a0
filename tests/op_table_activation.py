"""Op-table rows for the activation ops (joined into tests/op_table.py)."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st

from op_spec import FLOAT, INTS, Op  # noqa: F401


def _shapes_with_empty(draw):
    """0-d to 3-d shapes, sometimes with an empty dimension."""
    return [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))]


def _dim(draw, shapes):
    n = max(len(shapes[0]), 1)
    return {"dim": draw(st.integers(-n, n - 1))}


def _dim_dtype(draw, shapes):
    return {**_dim(draw, shapes), "dtype": draw(st.sampled_from([None, "float64"]))}


def _with_dtype(fn):
    """Variant taking dtype by name (the same lambda runs in torch and fakel)."""
    return lambda L, a, dim, dtype: fn(L, a, dim, None if dtype is None else getattr(L, dtype))


def _F(L):
    return L.nn.functional


# fmt: off
OPS: list[Op] = [
    Op("softmax", [_with_dtype(lambda L, a, dim, dt: L.softmax(a, dim, dtype=dt)),
                   lambda L, a, dim, dtype: a.softmax(dim),
                   lambda L, a, dim, dtype: _F(L).softmax(a, dim)],
       domains=((-4, 4),), node="SoftmaxBackward0", shapes=_shapes_with_empty,
       kwargs=_dim_dtype, int_dtypes=("int64",), covers=("softmax",)),
    Op("log_softmax", [_with_dtype(lambda L, a, dim, dt: L.log_softmax(a, dim, dtype=dt)),
                       lambda L, a, dim, dtype: a.log_softmax(dim),
                       lambda L, a, dim, dtype: _F(L).log_softmax(a, dim)],
       domains=((-4, 4),), node="LogSoftmaxBackward0", shapes=_shapes_with_empty,
       kwargs=_dim_dtype, int_dtypes=("int64",), covers=("log_softmax",)),
    Op("softplus", [lambda L, a, beta, threshold: _F(L).softplus(a, beta, threshold)],
       domains=((-6, 6),), node="SoftplusBackward0", int_dtypes=("int64",),
       kwargs=lambda draw, s: {"beta": draw(st.sampled_from([1.0, 2.0, 0.5])),
                               "threshold": draw(st.sampled_from([20.0, 1.0]))}),
    Op("leaky_relu", [lambda L, a, s: _F(L).leaky_relu(a, s)], away=0.05,
       node="LeakyReluBackward0", int_dtypes=("int64", "bool"),
       kwargs=lambda draw, s: {"s": draw(st.sampled_from([0.01, 0.2, -0.5]))}),
    Op("elu", [lambda L, a, alpha: _F(L).elu(a, alpha)], away=0.05, node="EluBackward0",
       int_dtypes=("int64",), kwargs=lambda draw, s: {"alpha": draw(st.sampled_from([1.0, 0.5]))}),
    Op("selu", [lambda L, a: L.selu(a), lambda L, a: _F(L).selu(a)], away=0.05,
       node="EluBackward0", int_dtypes=("int64",), covers=("selu",)),
    Op("celu", [lambda L, a, alpha: L.celu(a, alpha), lambda L, a, alpha: _F(L).celu(a, alpha)],
       away=0.05, node="CeluBackward0", int_dtypes=("int64",), covers=("celu",),
       kwargs=lambda draw, s: {"alpha": draw(st.sampled_from([1.0, 0.5, 2.0]))}),
    Op("gelu", [lambda L, a, approximate: _F(L).gelu(a, approximate=approximate)],
       domains=((-4, 4),), node="GeluBackward0", int_dtypes=("int64",),
       kwargs=lambda draw, s: {"approximate": draw(st.sampled_from(["none", "tanh"]))}),
    Op("silu", [lambda L, a: _F(L).silu(a)], domains=((-5, 5),), node="SiluBackward0",
       int_dtypes=("int64",)),
    Op("hardtanh", [lambda L, a, lo, hi: _F(L).hardtanh(a, lo, hi)], domains=((-3, 3),),
       away=0.02, node="HardtanhBackward0",
       kwargs=lambda draw, s: {"lo": draw(st.sampled_from([-1.0, -0.5])),
                               "hi": draw(st.sampled_from([1.0, 0.25]))}),
    Op("relu6", [lambda L, a: _F(L).relu6(a)], domains=((-8, 8),), away=0.05,
       node="HardtanhBackward0"),
]
# fmt: on
