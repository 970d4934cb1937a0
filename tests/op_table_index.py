"""Op-table rows for the index ops (joined into tests/op_table.py).

Samplers draw the index arrays with the shapes: empty index lists, 0-d inputs, negative dims and
now and then an index out of range (the generic forward test then checks that fakel raises the
same class as PyTorch). Scatter-like writes draw indices without repeats where PyTorch leaves the
winner of a repeated write unspecified.
"""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np

from op_spec import INTS, Op


def _shape(draw, lo=0, hi=3, side=(0, 4)):
    nd = draw(st.integers(lo, hi))
    return tuple(draw(st.integers(*side)) for _ in range(nd))


def _dim(draw, nd):
    n = max(nd, 1)
    return draw(st.integers(-n, n - 1))


def _rng(draw):
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _bad(draw):
    """Whether this sample deliberately holds an out-of-range index (1 in 8)."""
    return draw(st.integers(0, 7)) == 0


def _one(draw):
    return [_shape(draw)]


def _size(shape, dim):
    return shape[dim] if shape else 1


# index_select / index_fill / take -------------------------------------------------------------
def _select_kw(draw, shapes, lowest=0, fill=False):
    shape = shapes[0]
    dim = _dim(draw, len(shape))
    n = _size(shape, dim)
    count = 1 if not shape else draw(st.integers(0, 5))
    lo = -n if lowest < 0 else 0
    idx = [draw(st.integers(lo, n - 1)) for _ in range(count)] if n else []
    if (_bad(draw) or not n) and count and not (fill and not n):
        # (index_fill into an empty dim trips an internal PyTorch error: not sampled)
        idx = idx + [n + draw(st.integers(0, 2))]
    return {"dim": dim, "idx": idx}


def _take_kw(draw, shapes):
    n = int(np.prod(shapes[0]))
    ishape = _shape(draw, 0, 2, (0, 3))
    idx = _rng(draw).integers(-n, n, size=ishape) if n else np.zeros(ishape, dtype=np.int64)
    if (_bad(draw) or not n) and idx.size:
        idx.reshape(-1)[0] = n
    return {"idx": idx}


# gather / scatter ----------------------------------------------------------------------------------
def _index_shape(draw, shape):
    if not shape:
        return () if draw(st.booleans()) else (draw(st.integers(0, 1)),)
    return tuple(draw(st.integers(0, s)) for s in shape)


def _along_kw(draw, shapes, unique=False):
    """An index for gather/scatter: as many dims as the input, each side at most the input's
    (for scatter, shaped like src: shapes[1]), values along ``dim`` in range (distinct per line
    when ``unique``)."""
    shape = shapes[0]
    nd = len(shape)
    dim = _dim(draw, nd)
    d = dim % max(nd, 1)
    n = _size(shape, d)
    rng = _rng(draw)
    ishape = shapes[1] if len(shapes) > 1 else _index_shape(draw, shape)
    if n == 0:
        idx = np.zeros(ishape, dtype=np.int64)
    elif unique and nd:
        keys = rng.random(ishape[:d] + (n,) + ishape[d + 1:])
        idx = np.argsort(keys, axis=d).take(range(ishape[d]), axis=d)
    else:
        idx = rng.integers(0, n, size=ishape)
    if _bad(draw) and idx.size:
        idx.reshape(-1)[0] = n + draw(st.integers(0, 2))
    return {"dim": dim, "idx": idx}


def _along_src_shapes(draw):
    # PyTorch's backward refuses a src larger than the index: src is shaped like the index.
    shape = _shape(draw)
    return [shape, _index_shape(draw, shape)]


# index_add / index_copy ----------------------------------------------------------------------------
def _same2(draw):
    s = _shape(draw)
    return [s, s]


def _source_kw(draw, shapes, unique=False):
    shape = shapes[0]
    dim = _dim(draw, len(shape))
    n = _size(shape, dim)
    rng = _rng(draw)
    idx = (rng.permutation(n) if unique else rng.integers(0, max(n, 1), size=n)).tolist()
    if _bad(draw) and idx and not unique:  # (index_copy: PyTorch fails in its own backward)
        idx[0] = n + draw(st.integers(0, 2))
    return {"dim": dim, "idx": idx}


# masks -------------------------------------------------------------------------------------------
def _mask_kw(draw, shapes):
    shape = shapes[0]
    choice = draw(st.sampled_from(["same", "same", "suffix", "lead", "bad"]))
    if choice == "suffix":
        mshape = shape[draw(st.integers(0, len(shape))):]
    elif choice == "lead":
        mshape = (draw(st.integers(1, 2)),) + shape
    elif choice == "bad":
        mshape = _shape(draw, 1, 2, (2, 3))
    else:
        mshape = shape
    return {"mask": _rng(draw).random(mshape) > 0.5}


def _t(L, x, dtype=None):
    return L.tensor(np.asarray(x, dtype=np.int64), dtype=L.int64 if dtype is None else dtype)


def _b(L, x):
    return L.tensor(np.asarray(x, dtype=bool))


# setitem and in-place writes through views (the result carries CopySlices or IndexPutBackward0)
def _setitem_kw(draw, shapes):
    shape = shapes[0]
    rng = _rng(draw)
    kind = draw(st.sampled_from(["int", "slice", "list", "int_list", "mask"]))
    n0 = shape[0]
    if kind == "int":
        key = (draw(st.integers(-n0, n0 - 1)),)
    elif kind == "slice":
        a = draw(st.integers(0, n0))
        key = (slice(a, draw(st.integers(a, n0))),)
    elif kind == "list":
        key = (rng.permutation(n0)[: draw(st.integers(0, n0))].tolist(),)
    elif kind == "int_list" and len(shape) > 1:
        n1 = shape[1]
        key = (draw(st.integers(0, n0 - 1)), rng.permutation(n1)[: draw(st.integers(0, n1))].tolist())
    else:
        key = (rng.random(shape[:1]) > 0.5,)
    return {"key": key}


def _setitem(L, a, v, key):
    b = a * 1
    k = tuple(_b(L, x) if isinstance(x, np.ndarray) else x for x in key)
    target = b[k].shape
    b[k] = v.reshape(-1)[: int(np.prod(target))].reshape(target) * 2 if v.numel() >= int(
        np.prod(target)) else v.sum()
    return b


def _view_write_kw(draw, shapes):
    shape = shapes[0]
    return {"row": draw(st.integers(-shape[0], shape[0] - 1)),
            "op": draw(st.sampled_from(["mul", "add", "copy", "zero", "fill", "div"]))}


def _view_write(L, a, v, row, op):
    b = a * 1
    view = b.t()[..., row] if b.dim() > 1 else b[row]
    w = v.reshape(-1)[: view.numel()].reshape(view.shape) if v.numel() >= view.numel() else v.sum()
    if op == "mul":
        view.mul_(w)
    elif op == "add":
        view.add_(w, alpha=2)
    elif op == "copy":
        view.copy_(w)
    elif op == "zero":
        view.zero_()
    elif op == "div":
        view.div_(2)
    else:
        view.fill_(v.sum())
    return b, view


def _pair_nd1(draw):
    s = _shape(draw, 1, 3, (1, 4))
    return [s, _shape(draw, 0, 2, (1, 5))]


# fmt: off
OPS: list[Op] = [
    Op("index_select", [lambda L, a, dim, idx: L.index_select(a, dim, _t(L, idx)),
                        lambda L, a, dim, idx: a.index_select(dim, _t(L, idx, L.int32))],
       shapes=_one, kwargs=_select_kw, node="IndexSelectBackward0", int_dtypes=INTS,
       covers=("index_select",)),
    Op("gather", [lambda L, a, dim, idx: L.gather(a, dim, _t(L, idx)),
                  lambda L, a, dim, idx: a.gather(dim, _t(L, idx))],
       shapes=_one, kwargs=_along_kw, node="GatherBackward0", int_dtypes=INTS,
       covers=("gather",)),
    Op("scatter", [lambda L, a, b, dim, idx: L.scatter(a, dim, _t(L, idx), b),
                   lambda L, a, b, dim, idx: (a * 1).scatter_(dim, _t(L, idx), b * 1)],
       shapes=_along_src_shapes, kwargs=lambda d, s: _along_kw(d, s, unique=True),
       node="ScatterBackward0", int_dtypes=INTS, covers=("scatter",)),
    Op("scatter_value", [lambda L, a, dim, idx: L.scatter(a, dim, _t(L, idx), value=1.5),
                         lambda L, a, dim, idx: (a * 1).scatter_(dim, _t(L, idx), value=-2)],
       shapes=_one, kwargs=_along_kw, node="ScatterBackward1", int_dtypes=INTS),
    Op("scatter_add", [lambda L, a, b, dim, idx: L.scatter_add(a, dim, _t(L, idx), b),
                       lambda L, a, b, dim, idx: (a * 1).scatter_add_(dim, _t(L, idx), b)],
       shapes=_along_src_shapes, kwargs=_along_kw, node="ScatterAddBackward0",
       int_dtypes=INTS[:3], covers=("scatter_add",)),
    Op("index_add", [lambda L, a, b, dim, idx: L.index_add(a, dim, _t(L, idx), b),
                     lambda L, a, b, dim, idx: a.index_add(dim, _t(L, idx), b, alpha=2),
                     lambda L, a, b, dim, idx: (a * 1).index_add_(dim, _t(L, idx), b)],
       shapes=_same2, kwargs=_source_kw, node="IndexAddBackward0", int_dtypes=INTS[:3],
       covers=("index_add",)),
    Op("index_fill", [lambda L, a, dim, idx: L.index_fill(a, dim, _t(L, idx), 1.5),
                      lambda L, a, dim, idx: (a * 1).index_fill_(dim, _t(L, idx), -1)],
       shapes=_one, kwargs=lambda d, s: _select_kw(d, s, lowest=-1, fill=True),
       node="IndexFillBackward0",
       int_dtypes=INTS, covers=("index_fill",)),
    Op("index_fill_tensor", [lambda L, a, b, dim, idx: a.index_fill(dim, _t(L, idx), b),
                             lambda L, a, b, dim, idx: (a * 1).index_fill_(dim, _t(L, idx), b * 2)],
       # (non-negative indices: PyTorch's own backward of this node fails on negative ones)
       shapes=lambda d: [_shape(d), ()], kwargs=lambda d, s: _select_kw(d, s, fill=True),
       node="IndexFillBackward1", int_dtypes=INTS[:1]),
    Op("index_copy", [lambda L, a, b, dim, idx: L.index_copy(a, dim, _t(L, idx), b),
                      lambda L, a, b, dim, idx: (a * 1).index_copy_(dim, _t(L, idx), b)],
       shapes=_same2, kwargs=lambda d, s: _source_kw(d, s, unique=True),
       node="IndexCopyBackward0", int_dtypes=INTS, covers=("index_copy",)),
    Op("masked_fill", [lambda L, a, mask: L.masked_fill(a, _b(L, mask), 0.5),
                       lambda L, a, mask: (a * 1).masked_fill_(_b(L, mask), -1)],
       shapes=_one, kwargs=_mask_kw, node="MaskedFillBackward0", int_dtypes=INTS,
       covers=("masked_fill",)),
    Op("masked_fill_tensor", [lambda L, a, b, mask: a.masked_fill(_b(L, mask), b),
                              lambda L, a, b, mask: (a * 1).masked_fill_(_b(L, mask), b * 3)],
       shapes=lambda d: [_shape(d), ()], kwargs=_mask_kw, node="MaskedFillBackward1",
       int_dtypes=INTS[:1]),
    Op("masked_select", [lambda L, a, mask: L.masked_select(a, _b(L, mask)),
                         lambda L, a, mask: a.masked_select(_b(L, mask))],
       shapes=_one, kwargs=_mask_kw, node="MaskedSelectBackward0", int_dtypes=INTS,
       covers=("masked_select",)),
    Op("take", [lambda L, a, idx: L.take(a, _t(L, idx)), lambda L, a, idx: a.take(_t(L, idx))],
       shapes=_one, kwargs=_take_kw, node="TakeBackward0", int_dtypes=INTS, covers=("take",)),
    Op("nonzero_tuple", [lambda L, a: L.nonzero(a, as_tuple=True), lambda L, a: a.nonzero(),
                         lambda L, a: (a * 0 + a)[a.abs() > 0.5]],
       shapes=_one, grad=False, int_dtypes=INTS),
    Op("setitem", [_setitem], shapes=_pair_nd1, kwargs=_setitem_kw),
    Op("view_write", [_view_write], shapes=_pair_nd1, kwargs=_view_write_kw),
]
# fmt: on
