"""The op table: every public op once, with how to sample its inputs; generic tests run each
entry's lambda in PyTorch and in fakel and compare (see test_ops.py)."""

from __future__ import annotations

import numpy as np

from op_spec import INTS, Op


def _dim_kw(draw, shapes, keepdim=True):
    import hypothesis.strategies as st

    nd = len(shapes[0])
    dim = draw(st.integers(-nd, nd - 1)) if nd else draw(st.sampled_from([0, -1]))
    kw = {"dim": dim}
    if keepdim:
        kw["keepdim"] = draw(st.booleans())
    return kw


def _dims_kw(draw, shapes):
    import hypothesis.strategies as st

    nd = len(shapes[0])
    if nd == 0:
        return {"dim": 0, "keepdim": draw(st.booleans())}
    dims = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
    return {"dim": tuple(dims), "keepdim": draw(st.booleans())}


def _transpose_kw(draw, shapes):
    import hypothesis.strategies as st

    nd = max(len(shapes[0]), 1)
    return {"dim0": draw(st.integers(-nd, nd - 1)), "dim1": draw(st.integers(-nd, nd - 1))}


def _perm_kw(draw, shapes):
    import hypothesis.strategies as st

    return {"dims": tuple(draw(st.permutations(range(len(shapes[0])))))}


def _unsqueeze_kw(draw, shapes):
    import hypothesis.strategies as st

    nd = len(shapes[0])
    return {"dim": draw(st.integers(-nd - 1, nd))}


def _flatten_kw(draw, shapes):
    import hypothesis.strategies as st

    nd = max(len(shapes[0]), 1)
    a = draw(st.integers(0, nd - 1))
    b = draw(st.integers(a, nd - 1))
    return {"start_dim": a, "end_dim": b}


def _clamp_kw(draw, shapes):
    import hypothesis.strategies as st

    lo = draw(st.sampled_from([None, -1.0, -0.5, 0]))
    hi = draw(st.sampled_from([None, 1.0, 0.5, 2]))
    if lo is None and hi is None:
        hi = 1.0
    return {"min": lo, "max": hi}


def _reshape_kw(draw, shapes):
    import hypothesis.strategies as st

    n = int(np.prod(shapes[0]))
    options = [(n,), (-1,), (1, n), (n, 1), (-1, 1)]
    for d in range(2, n):
        if n % d == 0:
            options.append((d, n // d))
            options.append((d, -1))
    return {"shape": draw(st.sampled_from(options))}


def _expand_kw(draw, shapes):
    import hypothesis.strategies as st

    shape = shapes[0]
    target = tuple(draw(st.integers(1, 3)) if s == 1 else s for s in shape)
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    target = lead + tuple(-1 if draw(st.booleans()) else s for s in target)
    return {"size": target}


def _index_kw(draw, shapes):
    import hypothesis.strategies as st

    shape = shapes[0]
    idx = []
    for s in shape:
        choice = draw(st.sampled_from(["int", "neg", "slice", "full", "none", "step"]))
        if choice == "int":
            idx.append(draw(st.integers(0, s - 1)))
        elif choice == "neg":
            idx.append(-draw(st.integers(1, s)))
        elif choice == "slice":
            a = draw(st.integers(0, s))
            idx.append(slice(a, draw(st.integers(a, s))))
        elif choice == "step":
            idx.append(slice(None, None, draw(st.integers(1, 3))))
        elif choice == "none":
            idx.append(None)
            idx.append(slice(None))
        else:
            idx.append(slice(None))
        if len(idx) >= 1 and draw(st.booleans()) and choice != "none":
            break
    if draw(st.booleans()) and idx and not any(i is None for i in idx):
        idx = [Ellipsis] + idx[1:]
    return {"index": tuple(idx)}


def _adv_index_kw(draw, shapes):
    import hypothesis.strategies as st

    s = shapes[0][0]
    return {"index": draw(st.lists(st.integers(-s, s - 1), min_size=1, max_size=5))}


# fmt: off
OPS: list[Op] = [
    # Arithmetic ----------------------------------------------------------------------------------
    Op("add", [lambda L, a, b: L.add(a, b), lambda L, a, b: a.add(b), lambda L, a, b: a + b,
               lambda L, a, b: L.add(a, b, alpha=2)],
       kind="binary", domains=((-2, 2), (-2, 2)), node="AddBackward0", int_dtypes=INTS[:3],
       covers=("add",)),
    Op("add_scalar", [lambda L, a: a + 2.5, lambda L, a: 3 + a, lambda L, a: a.add(2)],
       node="AddBackward0", int_dtypes=INTS, covers=()),
    Op("sub", [lambda L, a, b: L.sub(a, b), lambda L, a, b: a - b, lambda L, a, b: a.sub(b, alpha=3),
               lambda L, a, b: L.subtract(a, b)],
       kind="binary", domains=((-2, 2), (-2, 2)), node="SubBackward0", int_dtypes=INTS[:3],
       covers=("sub", "subtract")),
    Op("rsub", [lambda L, a: 1 - a, lambda L, a: 2.5 - a, lambda L, a: L.rsub(a, 2)],
       node="RsubBackward1", int_dtypes=INTS[:3], covers=("rsub",)),
    Op("mul", [lambda L, a, b: L.mul(a, b), lambda L, a, b: a * b, lambda L, a, b: a.mul(b),
               lambda L, a, b: L.multiply(a, b)],
       kind="binary", domains=((-2, 2), (-2, 2)), node="MulBackward0", int_dtypes=INTS,
       covers=("mul", "multiply")),
    Op("mul_scalar", [lambda L, a: a * 2, lambda L, a: 0.5 * a, lambda L, a: a * True],
       node="MulBackward0", int_dtypes=INTS),
    Op("div", [lambda L, a, b: L.div(a, b), lambda L, a, b: a / b, lambda L, a, b: a.div(b),
               lambda L, a, b: L.true_divide(a, b), lambda L, a, b: L.divide(a, b)],
       kind="binary", domains=((-2, 2), (-3, 3)), away=0.5, node="DivBackward0",
       int_dtypes=("int64", "int32"), covers=("div", "divide", "true_divide")),
    Op("div_scalar", [lambda L, a: a / 2, lambda L, a: a / 0.25], node="DivBackward0",
       int_dtypes=INTS[:3]),
    Op("rdiv", [lambda L, a: 2 / a, lambda L, a: 1.5 / a], domains=((-3, 3),), away=0.5,
       node="MulBackward0"),
    # Floor division has no derivative in PyTorch (its node raises): forward only.
    Op("floor_divide", [lambda L, a, b: a // b, lambda L, a, b: L.floor_divide(a, b),
                        lambda L, a, b: a.floor_divide(b), lambda L, a, b: a // 2,
                        lambda L, a, b: 7 // b],
       kind="binary", domains=((-5, 5), (-3, 3)), away=0.5, grad=False,
       int_dtypes=("int64", "int32"), covers=("floor_divide",)),
    Op("remainder", [lambda L, a, b: a % b, lambda L, a, b: L.remainder(a, b),
                     lambda L, a, b: a.remainder(b), lambda L, a, b: a % 1.5],
       kind="binary", domains=((-5, 5), (-3, 3)), away=0.5, node="RemainderBackward1",
       int_dtypes=("int64", "int32"), covers=("remainder",)),
    Op("pow_scalar", [lambda L, a: a ** 2, lambda L, a: L.pow(a, 3), lambda L, a: a.pow(0.5),
                      lambda L, a: a ** -1.5, lambda L, a: a ** 0],
       domains=((0.2, 3),), node="PowBackward0", int_dtypes=("int64", "int32"), covers=("pow",)),
    Op("pow_tensor", [lambda L, a, b: a ** b, lambda L, a, b: L.pow(a, b)], kind="binary",
       domains=((0.2, 3), (-2, 2)), node="PowBackward1"),
    Op("rpow", [lambda L, a: 2 ** a, lambda L, a: 0.5 ** a], node="PowBackward2"),
    Op("square", [lambda L, a: L.square(a), lambda L, a: a.square()], node="PowBackward0",
       int_dtypes=("int64",), covers=("square",)),
    Op("neg", [lambda L, a: L.neg(a), lambda L, a: -a, lambda L, a: a.neg(),
               lambda L, a: L.negative(a)],
       node="NegBackward0", int_dtypes=INTS[:3], covers=("neg", "negative")),
    Op("abs", [lambda L, a: L.abs(a), lambda L, a: a.abs(), lambda L, a: abs(a),
               lambda L, a: L.absolute(a)],
       away=0.05, node="AbsBackward0", int_dtypes=INTS[:3], covers=("abs", "absolute")),
    Op("sign", [lambda L, a: L.sign(a), lambda L, a: a.sign()], away=0.05, node="SignBackward0",
       int_dtypes=INTS[:2], gradgrad=False, covers=("sign",)),
    Op("reciprocal", [lambda L, a: L.reciprocal(a), lambda L, a: a.reciprocal()],
       domains=((-3, 3),), away=0.4, node="ReciprocalBackward0", int_dtypes=("int64",),
       covers=("reciprocal",)),
    # Unary math ----------------------------------------------------------------------------------
    Op("exp", [lambda L, a: L.exp(a), lambda L, a: a.exp()], node="ExpBackward0",
       int_dtypes=INTS, covers=("exp",)),
    Op("log", [lambda L, a: L.log(a), lambda L, a: a.log()], domains=((0.1, 5),),
       node="LogBackward0", int_dtypes=("int64",), covers=("log",)),
    Op("log1p", [lambda L, a: L.log1p(a), lambda L, a: a.log1p()], domains=((-0.8, 5),),
       node="Log1PBackward0", covers=("log1p",)),
    Op("sqrt", [lambda L, a: L.sqrt(a), lambda L, a: a.sqrt()], domains=((0.1, 5),),
       node="SqrtBackward0", int_dtypes=("int64",), covers=("sqrt",)),
    Op("sin", [lambda L, a: L.sin(a), lambda L, a: a.sin()], node="SinBackward0",
       int_dtypes=("int32",), covers=("sin",)),
    Op("cos", [lambda L, a: L.cos(a), lambda L, a: a.cos()], node="CosBackward0", covers=("cos",)),
    Op("tanh", [lambda L, a: L.tanh(a), lambda L, a: a.tanh()], node="TanhBackward0",
       covers=("tanh",)),
    Op("sigmoid", [lambda L, a: L.sigmoid(a), lambda L, a: a.sigmoid()], domains=((-8, 8),),
       node="SigmoidBackward0", int_dtypes=("int64",), covers=("sigmoid",)),
    Op("relu", [lambda L, a: L.relu(a), lambda L, a: a.relu()], away=0.05, node="ReluBackward0",
       int_dtypes=("int64", "int32"), covers=("relu",)),
    Op("clamp", [lambda L, a, **k: L.clamp(a, k["min"], k["max"]),
                 lambda L, a, **k: a.clamp(min=k["min"], max=k["max"]),
                 lambda L, a, **k: L.clip(a, k["min"], k["max"])],
       kwargs=_clamp_kw, node="ClampBackward1", away=0.0, int_dtypes=("int64",),
       covers=("clamp", "clip")),
    Op("clamp_tensor", [lambda L, a, b: a.clamp(min=b), lambda L, a, b: L.clamp(a, b, b + 1),
                        lambda L, a, b: a.clamp(max=b), lambda L, a, b: a.clip(b - 1, b)],
       kind="binary", domains=((-2, 2), (-2, 2)), node="ClampBackward0", int_dtypes=("int64",)),
    Op("div_rounding", [lambda L, a, b: a.div(b, rounding_mode="floor"),
                        lambda L, a, b: L.div(a, b, rounding_mode="trunc"),
                        lambda L, a, b: a.div(2.5, rounding_mode="floor")],
       kind="binary", domains=((-5, 5), (-3, 3)), away=0.5, node="DivBackward2",
       int_dtypes=("int64", "int32")),
    Op("maximum", [lambda L, a, b: L.maximum(a, b), lambda L, a, b: a.maximum(b),
                   lambda L, a, b: L.max(a, b)],
       kind="binary", domains=((-2, 2), (-2, 2)), node="MaximumBackward0", int_dtypes=INTS[:2],
       covers=("maximum",)),
    Op("minimum", [lambda L, a, b: L.minimum(a, b), lambda L, a, b: a.minimum(b),
                   lambda L, a, b: L.min(a, b)],
       kind="binary", domains=((-2, 2), (-2, 2)), node="MinimumBackward0", int_dtypes=INTS[:2],
       covers=("minimum",)),
    Op("where", [lambda L, a, b: L.where(a > 0, a, b), lambda L, a, b: a.where(b > 0, b),
                 lambda L, a, b: L.where(b < 0.5, a, 2.0)],
       kind="binary", domains=((-2, 2), (-2, 2)), node="WhereBackward0", int_dtypes=INTS[:1],
       covers=("where",)),
    # Linear algebra ------------------------------------------------------------------------------
    Op("matmul", [lambda L, a, b: L.matmul(a, b), lambda L, a, b: a @ b, lambda L, a, b: a.matmul(b)],
       kind="matmul", domains=((-2, 2), (-2, 2)), int_dtypes=("int64",), covers=("matmul",)),
    Op("mm", [lambda L, a, b: L.mm(a, b), lambda L, a, b: a.mm(b)], kind="mm",
       domains=((-2, 2), (-2, 2)), node="MmBackward0", covers=("mm",)),
    Op("mv", [lambda L, a, b: L.mv(a, b), lambda L, a, b: a.mv(b)], kind="mv",
       domains=((-2, 2), (-2, 2)), node="MvBackward0", covers=("mv",)),
    Op("dot", [lambda L, a, b: L.dot(a, b), lambda L, a, b: a.dot(b)], kind="dot",
       domains=((-2, 2), (-2, 2)), node="DotBackward0", int_dtypes=("int64",), covers=("dot",)),
    Op("bmm", [lambda L, a, b: L.bmm(a, b)], kind="bmm", domains=((-2, 2), (-2, 2)),
       node="BmmBackward0", covers=("bmm",)),
    # Reductions ----------------------------------------------------------------------------------
    Op("sum", [lambda L, a: L.sum(a), lambda L, a: a.sum()], node="SumBackward0",
       int_dtypes=INTS, covers=("sum",)),
    Op("sum_dim", [lambda L, a, **k: L.sum(a, **k), lambda L, a, **k: a.sum(k["dim"], k["keepdim"])],
       kwargs=_dims_kw, node="SumBackward1", int_dtypes=INTS),
    Op("mean", [lambda L, a: L.mean(a), lambda L, a: a.mean()], node="MeanBackward0",
       covers=("mean",)),
    Op("mean_dim", [lambda L, a, **k: L.mean(a, **k), lambda L, a, **k: a.mean(**k)],
       kwargs=_dims_kw, node="MeanBackward1"),
    Op("prod", [lambda L, a: L.prod(a), lambda L, a: a.prod()], domains=((-1.5, 1.5),),
       node="ProdBackward0", int_dtypes=INTS, covers=("prod",)),
    Op("prod_dim", [lambda L, a, **k: L.prod(a, **k), lambda L, a, **k: a.prod(k["dim"])],
       kwargs=_dim_kw, domains=((-1.5, 1.5),), node="ProdBackward1", int_dtypes=INTS[:2]),
    Op("max", [lambda L, a: L.max(a), lambda L, a: a.max()], node="MaxBackward1",
       int_dtypes=INTS, covers=("max",)),
    Op("min", [lambda L, a: L.min(a), lambda L, a: a.min()], node="MinBackward1",
       int_dtypes=INTS, covers=("min",)),
    Op("max_dim", [lambda L, a, **k: L.max(a, **k).values, lambda L, a, **k: a.max(**k)[0]],
       kwargs=_dim_kw, node="MaxBackward0", int_dtypes=INTS[:2]),
    Op("max_dim_indices", [lambda L, a, **k: L.max(a, **k).indices], kwargs=_dim_kw, grad=False,
       int_dtypes=INTS[:2]),
    Op("min_dim", [lambda L, a, **k: L.min(a, **k).values, lambda L, a, **k: a.min(**k)[0]],
       kwargs=_dim_kw, node="MinBackward0", int_dtypes=INTS[:2]),
    Op("amax", [lambda L, a, **k: L.amax(a, **k), lambda L, a, **k: a.amax(**k)],
       kwargs=_dims_kw, node="AmaxBackward0", int_dtypes=INTS[:2], covers=("amax",)),
    Op("amin", [lambda L, a, **k: L.amin(a, **k), lambda L, a, **k: a.amin(**k)],
       kwargs=_dims_kw, node="AminBackward0", int_dtypes=INTS[:2], covers=("amin",)),
    Op("argmax", [lambda L, a: L.argmax(a), lambda L, a, **k: a.argmax(**k)], grad=False,
       kwargs=_dim_kw, int_dtypes=INTS[:2], covers=("argmax",)),
    Op("argmin", [lambda L, a: L.argmin(a), lambda L, a, **k: a.argmin(**k)], grad=False,
       kwargs=_dim_kw, int_dtypes=INTS[:2], covers=("argmin",)),
    # Shape ---------------------------------------------------------------------------------------
    Op("reshape", [lambda L, a, **k: L.reshape(a, k["shape"]), lambda L, a, **k: a.reshape(*k["shape"])],
       kwargs=_reshape_kw, node="ViewBackward0", int_dtypes=INTS, covers=("reshape",)),
    Op("reshape_noncontiguous", [lambda L, a, **k: a.t().reshape(k["shape"])], kind="matrix",
       kwargs=_reshape_kw),  # a copy (UnsafeViewBackward0) or an alias, as PyTorch decides
    Op("view", [lambda L, a, **k: a.view(k["shape"]), lambda L, a, **k: a.view(*k["shape"])],
       kwargs=_reshape_kw, node="ViewBackward0", int_dtypes=INTS),
    Op("flatten", [lambda L, a, **k: L.flatten(a, **k), lambda L, a, **k: a.flatten(**k)],
       kwargs=_flatten_kw, kind="nd2", int_dtypes=INTS, covers=("flatten",)),
    Op("transpose", [lambda L, a, **k: L.transpose(a, **k),
                     lambda L, a, **k: a.transpose(k["dim0"], k["dim1"]),
                     lambda L, a, **k: L.swapaxes(a, k["dim0"], k["dim1"])],
       kwargs=_transpose_kw, node="TransposeBackward0", int_dtypes=INTS,
       covers=("transpose", "swapaxes")),
    Op("t", [lambda L, a: L.t(a), lambda L, a: a.t()], kind="matrix", node="TBackward0",
       int_dtypes=INTS, covers=("t",)),
    Op("T", [lambda L, a: a.T], kind="matrix", node="PermuteBackward0", int_dtypes=INTS),
    Op("permute", [lambda L, a, **k: L.permute(a, k["dims"]), lambda L, a, **k: a.permute(*k["dims"])],
       kwargs=_perm_kw, node="PermuteBackward0", int_dtypes=INTS, covers=("permute",)),
    Op("squeeze", [lambda L, a: L.squeeze(a), lambda L, a: a.squeeze()], kind="with_ones",
       node="SqueezeBackward0", int_dtypes=INTS, covers=("squeeze",)),
    Op("squeeze_dim", [lambda L, a, **k: a.squeeze(k["dim"])], kind="with_ones",
       kwargs=lambda d, s: _dim_kw(d, s, keepdim=False), node="SqueezeBackward1", int_dtypes=INTS),
    Op("unsqueeze", [lambda L, a, **k: L.unsqueeze(a, **k), lambda L, a, **k: a.unsqueeze(k["dim"])],
       kwargs=_unsqueeze_kw, node="UnsqueezeBackward0", int_dtypes=INTS, covers=("unsqueeze",)),
    Op("expand", [lambda L, a, **k: a.expand(*k["size"]), lambda L, a, **k: a.expand(k["size"])],
       kind="with_ones", kwargs=_expand_kw, node="ExpandBackward0", int_dtypes=INTS),
    Op("getitem", [lambda L, a, **k: a[k["index"]]], kind="nd1", kwargs=_index_kw,
       int_dtypes=INTS),
    Op("getitem_advanced", [lambda L, a, **k: a[k["index"]],
                            lambda L, a, **k: a[L.tensor(k["index"])]],
       kind="nd1", kwargs=_adv_index_kw, node="IndexBackward0", int_dtypes=INTS[:1]),
    Op("getitem_mask", [lambda L, a: a[a > 0], lambda L, a: a[(a > 0).detach()]], kind="nd1",
       node="IndexBackward0", away=0.05),
    # Copies and casts ----------------------------------------------------------------------------
    Op("clone", [lambda L, a: L.clone(a), lambda L, a: a.clone(), lambda L, a: a.t().contiguous()],
       kind="matrix", node="CloneBackward0", int_dtypes=INTS, covers=("clone",)),
    Op("to_double", [lambda L, a: a.double(), lambda L, a: a.to(L.float64),
                     lambda L, a: a.to(dtype=L.float64)],
       node="ToCopyBackward0", gradgrad=True),
    # Rounding to float32/float16 makes central differences meaningless: no gradcheck here.
    Op("to_float", [lambda L, a: a.float() * 1, lambda L, a: a.half().float()],
       int_dtypes=INTS, extra={"gradcheck": False}),
    # Comparisons and logic (no gradient) ---------------------------------------------------------
    Op("compare", [lambda L, a, b: a == b, lambda L, a, b: a != b, lambda L, a, b: a < b,
                   lambda L, a, b: a <= b, lambda L, a, b: a > b, lambda L, a, b: a >= b,
                   lambda L, a, b: L.eq(a, b), lambda L, a, b: L.ne(a, b), lambda L, a, b: L.lt(a, b),
                   lambda L, a, b: L.le(a, b), lambda L, a, b: L.gt(a, b), lambda L, a, b: L.ge(a, b),
                   lambda L, a, b: a.eq(b), lambda L, a, b: L.greater(a, b)],
       kind="binary", domains=((-2, 2), (-2, 2)), grad=False, int_dtypes=INTS,
       covers=("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
               "less_equal", "not_equal")),
    Op("compare_scalar", [lambda L, a: a > 0.5, lambda L, a: a == 1, lambda L, a: 0 < a],
       grad=False, int_dtypes=INTS),
    Op("logical", [lambda L, a, b: L.logical_and(a > 0, b > 0), lambda L, a, b: L.logical_or(a > 0, b),
                   lambda L, a, b: L.logical_xor(a, b > 0), lambda L, a, b: L.logical_not(a),
                   lambda L, a, b: (a > 0) & (b > 0), lambda L, a, b: (a > 0) | (b > 0),
                   lambda L, a, b: (a > 0) ^ (b > 0), lambda L, a, b: ~(a > 0)],
       kind="binary", domains=((-2, 2), (-2, 2)), grad=False, int_dtypes=INTS,
       covers=("logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
               "bitwise_or", "bitwise_xor", "bitwise_not")),
]
# fmt: on

# Each area of the API keeps its rows in its own file; all of them join the one table here.
for _area in ("index", "join", "reduce", "math", "activation"):
    OPS += __import__(f"op_table_{_area}").OPS

BY_NAME = {op.name: op for op in OPS}
assert len(BY_NAME) == len(OPS), "op-table row names must be unique"
