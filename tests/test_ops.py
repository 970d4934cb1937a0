"""Op-table tests: every op's values, dtype, shape, gradients, grad_fn and next_functions against
PyTorch on hypothesis-drawn inputs, plus fakel's own float64 gradcheck and gradgradcheck."""

from __future__ import annotations

import inspect

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
import torch
from hypothesis import given

import fakel
from fakel.autograd import gradcheck, gradgradcheck
from op_spec import FLOAT, Op
from op_table import OPS

TOL = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7), "float16": (1e-3, 1e-5)}
GRAD_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7)}


def _pair_shapes(kind, draw):
    n, m, p, b = (draw(st.integers(1, 4)) for _ in range(4))
    if kind == "mm":
        return [(m, n), (n, p)]
    if kind == "mv":
        return [(m, n), (n,)]
    if kind == "dot":
        return [(n,), (n,)]
    if kind == "bmm":
        return [(b, m, n), (b, n, p)]
    return draw(
        st.sampled_from(
            [
                [(n,), (n,)],
                [(m, n), (n,)],
                [(n,), (n, p)],
                [(m, n), (n, p)],
                [(b, m, n), (n, p)],
                [(b, m, n), (n,)],
                [(b, m, n), (b, n, p)],
                [(2, 1, m, n), (b, n, p)],
                [(n,), (b, n, p)],
                [(m, n), (b, n, p)],
            ]
        )
    )


def draw_shapes(kind, draw):
    if kind == "binary":
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
        return list(shapes.input_shapes)
    if kind in ("matmul", "mm", "mv", "dot", "bmm"):
        return _pair_shapes(kind, draw)
    if kind == "matrix":
        return [draw(hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4))]
    if kind in ("nd1", "nd2"):
        return [draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))]
    if kind == "with_ones":
        return [tuple(draw(st.lists(st.sampled_from([1, 1, 2, 3]), min_size=0, max_size=4)))]
    return [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))]


def make_values(op: Op, shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    arrays = []
    for i, shape in enumerate(shapes):
        lo, hi = op.domains[i] if i < len(op.domains) else op.domains[-1]
        v = rng.uniform(lo, hi, size=shape)
        if op.away:
            v = np.where(v >= 0, v + op.away, v - op.away)
        if dtype == "bool":
            v = v > 0
        elif dtype.startswith(("int", "uint")):
            v = np.round(v)
            if dtype == "uint8":
                v = np.abs(v)
            if op.away:
                v = np.where(v == 0, 1, v)
        arrays.append(np.asarray(v).astype(dtype))
    return arrays


def run(lib, fn, arrays, kwargs, requires_grad):
    ts = []
    for a in arrays:
        t = lib.tensor(a)
        if requires_grad and a.dtype.kind == "f":
            t.requires_grad_()
        ts.append(t)
    try:
        return ts, fn(lib, *ts, **kwargs), None
    except Exception as e:  # the error itself is compared
        return ts, None, e


def assert_same_tensor(ft, tt, what="value"):
    assert isinstance(ft, fakel.Tensor), f"{what}: expected a fakel tensor, got {type(ft)}"
    assert str(ft.dtype).split(".")[1] == str(tt.dtype).split(".")[1], what
    assert tuple(ft.shape) == tuple(tt.shape), what
    fv = ft.detach().numpy()
    tv = tt.detach().numpy()
    if tv.dtype.kind == "f":
        rtol, atol = TOL[str(tv.dtype)]
        np.testing.assert_allclose(fv, tv, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(fv, tv, err_msg=what)


def as_outputs(fout, tout):
    """Both results as equal-length lists of tensors (a variant may return a tuple or list)."""
    if isinstance(tout, torch.Tensor):
        return [fout], [tout]
    assert isinstance(fout, (tuple, list)), f"torch returned a sequence, fakel {type(fout)}"
    assert len(fout) == len(tout), (len(fout), len(tout))
    return list(fout), list(tout)


def node_name(fn):
    return None if fn is None else type(fn).__name__


def graph_shape(fn, depth=2):
    """Node names down ``depth`` levels of next_functions (None for an empty slot)."""
    if fn is None:
        return None
    if depth == 0:
        return type(fn).__name__
    return (
        type(fn).__name__,
        tuple((graph_shape(n, depth - 1), nr) for n, nr in fn.next_functions),
    )


def variants(op):
    return [(op, i) for i in range(len(op.fns))]


FORWARD = [
    pytest.param(op, i, dt, id=f"{op.name}-{i}-{dt}")
    for op in OPS
    for (_, i) in variants(op)
    for dt in FLOAT + tuple(op.int_dtypes)
]
BACKWARD = [
    pytest.param(op, i, dt, id=f"{op.name}-{i}-{dt}")
    for op in OPS
    if op.grad
    for (_, i) in variants(op)
    for dt in FLOAT
]


def _draw_case(data, op):
    shapes = op.shapes(data.draw) if op.shapes else draw_shapes(op.kind, data.draw)
    kwargs = op.kwargs(data.draw, shapes) if op.kwargs else {}
    seed = data.draw(st.integers(0, 2**32 - 1))
    return shapes, kwargs, seed


@pytest.mark.parametrize("op,i,dtype", FORWARD)
@given(data=st.data())
def test_forward_matches_torch(op, i, dtype, data):
    shapes, kwargs, seed = _draw_case(data, op)
    arrays = make_values(op, shapes, dtype, seed)
    fn = op.fns[i]
    _, tout, terr = run(torch, fn, arrays, kwargs, False)
    _, fout, ferr = run(fakel, fn, arrays, kwargs, False)
    if terr is not None:
        assert ferr is not None, f"torch raised {terr!r}, fakel returned {fout!r}"
        assert type(ferr).__name__ == type(terr).__name__, (ferr, terr)
        return
    assert ferr is None, f"fakel raised {ferr!r} where torch gave {tout!r}"
    fouts, touts = as_outputs(fout, tout)
    for k, (f, t) in enumerate(zip(fouts, touts)):
        assert_same_tensor(f, t, f"output {k}")
        assert f.requires_grad is False and f.grad_fn is None
    for a, b in zip(arrays, make_values(op, shapes, dtype, seed)):
        np.testing.assert_array_equal(a, b)  # inputs untouched


@pytest.mark.parametrize("op,i,dtype", BACKWARD)
@given(data=st.data())
def test_backward_matches_torch(op, i, dtype, data):
    shapes, kwargs, seed = _draw_case(data, op)
    arrays = make_values(op, shapes, dtype, seed)
    fn = op.fns[i]
    tins, tout, terr = run(torch, fn, arrays, kwargs, True)
    fins, fout, ferr = run(fakel, fn, arrays, kwargs, True)
    if terr is not None:
        assert ferr is not None and type(ferr).__name__ == type(terr).__name__, (ferr, terr)
        return
    assert ferr is None, f"fakel raised {ferr!r}"
    fouts, touts = as_outputs(fout, tout)
    rng = np.random.default_rng(seed + 1)
    t_roots, t_cots, f_roots, f_cots = [], [], [], []
    for k, (f, t) in enumerate(zip(fouts, touts)):
        assert_same_tensor(f, t, f"output {k}")
        assert f.requires_grad == t.requires_grad, f"output {k}"
        assert node_name(f.grad_fn) == node_name(t.grad_fn), f"output {k}"
        assert graph_shape(f.grad_fn) == graph_shape(t.grad_fn), f"output {k}"
        if op.node is not None and i == 0 and k == 0 and t.grad_fn is not None:
            assert node_name(f.grad_fn) == op.node
        if t.requires_grad:
            cot = rng.uniform(-1, 1, size=tuple(t.shape))
            t_roots.append(t)
            t_cots.append(torch.tensor(cot, dtype=t.dtype))
            f_roots.append(f)
            f_cots.append(fakel.tensor(cot, dtype=f.dtype))
    if not t_roots:
        return
    torch.autograd.backward(t_roots, t_cots)
    fakel.autograd.backward(f_roots, f_cots)
    for k, (ft, tt) in enumerate(zip(fins, tins)):
        if tt.grad is None:
            assert ft.grad is None, f"input {k}: torch has no grad, fakel has {ft.grad!r}"
            continue
        assert ft.grad is not None, f"input {k}: no gradient"
        rtol, atol = GRAD_TOL[dtype]
        assert str(ft.grad.dtype).split(".")[1] == str(tt.grad.dtype).split(".")[1]
        np.testing.assert_allclose(
            ft.grad.numpy(), tt.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"grad of input {k}"
        )


GRADCHECK = [
    pytest.param(op, id=op.name) for op in OPS if op.grad and op.extra.get("gradcheck", True)
]


@pytest.mark.parametrize("op", GRADCHECK)
@given(data=st.data())
def test_gradcheck_float64(op, data):
    shapes, kwargs, seed = _draw_case(data, op)
    arrays = make_values(op, shapes, "float64", seed)
    ins = [fakel.tensor(a, requires_grad=True) for a in arrays]
    fn = op.fns[0]
    try:
        out = fn(fakel, *ins, **kwargs)
    except (RuntimeError, IndexError, TypeError):
        return  # a sample PyTorch also rejects (the forward test checks the error matches)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    if not any(o.requires_grad for o in outs):
        return
    assert gradcheck(lambda *xs: fn(fakel, *xs, **kwargs), tuple(ins))
    if op.gradgrad:
        assert gradgradcheck(lambda *xs: fn(fakel, *xs, **kwargs), tuple(ins))


# Which public callables the table must cover: every op function fakel exports from fakel.ops.
def _public_ops():
    names = set()
    for name, obj in vars(fakel).items():
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if obj.__module__.startswith("fakel.ops.") and not name.endswith("_"):
            names.add(name)
    return names


NOT_IN_TABLE = {
    # Ops with their own dedicated tests instead of a table row, and why.
    "nonzero": "integer output with data-dependent shape: test_indexing.py",
    "equal": "returns a Python bool: test_tensor.py",
    "detach": "no new node by design: test_autograd.py",
    "tanh": None,
}


def test_every_public_op_has_a_table_entry():
    covered = {c for op in OPS for c in op.covers}
    missing = sorted(n for n in _public_ops() if n not in covered and not NOT_IN_TABLE.get(n))
    assert not missing, f"ops with no op-table entry: {missing}"
