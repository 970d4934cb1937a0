"""Op-table rows for the join, split and rearrange ops (joined into tests/op_table.py).

Samplers draw empty sides, 0-d inputs and negative dims where PyTorch allows them, and now and
then an invalid argument: the generic forward test then checks that fakel raises the same class.
"""

from __future__ import annotations

import hypothesis.strategies as st

from op_spec import FLOAT, INTS, Op  # noqa: F401


def _shape(draw, lo=0, hi=3, side=(0, 3)):
    nd = draw(st.integers(lo, hi))
    return tuple(draw(st.integers(*side)) for _ in range(nd))


def _dim(draw, nd, extra=0):
    n = max(nd + extra, 1)
    return draw(st.integers(-n, n - 1))


# cat / stack -----------------------------------------------------------------------------------
def _cat_shapes(draw):
    base = _shape(draw, 1, 3)
    axis = draw(st.integers(0, len(base) - 1))
    shapes = []
    for _ in range(2):
        s = list(base)
        s[axis] = draw(st.integers(0, 3))
        shapes.append(tuple(s))
    case = draw(st.sampled_from(["ok", "ok", "ok", "legacy", "mismatch"]))
    if case == "legacy":  # PyTorch skips 1-d empty tensors whatever the other shapes
        shapes[draw(st.integers(0, 1))] = (0,)
    elif case == "mismatch":
        shapes[1] = _shape(draw, 1, 3)
    return shapes


def _cat_kw(draw, shapes):
    real = [s for s in shapes if s != (0,)] or shapes
    nd = len(real[0])
    diff = [a for a in range(nd) if len({s[a] for s in real if len(s) == nd}) > 1]
    if diff and draw(st.booleans()):
        return {"dim": diff[0] - nd if draw(st.booleans()) else diff[0]}
    return {"dim": _dim(draw, nd)}


def _same_shapes(draw):
    s = _shape(draw, 0, 3)
    return [s, s]


def _stack_kw(draw, shapes):
    return {"dim": _dim(draw, len(shapes[0]), 1)}


# split family ------------------------------------------------------------------------------------
def _nd1(draw):
    return [_shape(draw, 1, 3, (0, 5))]


def _nd0(draw):
    return [_shape(draw, 0, 3, (0, 4))]


def _split_kw(draw, shapes):
    return {"size": draw(st.integers(0, 4)), "dim": _dim(draw, len(shapes[0]))}


def _sizes_kw(draw, shapes):
    shape = shapes[0]
    dim = _dim(draw, len(shape))
    n = shape[dim]
    sizes = []
    while sum(sizes) < n:
        sizes.append(draw(st.integers(0, n - sum(sizes))))
    if draw(st.booleans()):
        sizes.insert(draw(st.integers(0, len(sizes))), 0)
    if draw(st.integers(0, 5)) == 0:
        sizes.append(1)  # does not sum up: an error
    return {"sizes": sizes, "dim": dim}


def _chunk_kw(draw, shapes):
    return {"chunks": draw(st.integers(1, 6)), "dim": _dim(draw, len(shapes[0]))}


def _dim_kw(draw, shapes):
    return {"dim": _dim(draw, len(shapes[0]))}


def _narrow_kw(draw, shapes):
    shape = shapes[0]
    dim = _dim(draw, len(shape))
    n = shape[dim]
    start = draw(st.integers(-n, n))
    pos = start + n if start < 0 else start
    return {"dim": dim, "start": start, "length": draw(st.integers(0, n - pos))}


def _movedim_kw(draw, shapes):
    nd = len(shapes[0])
    if nd == 0 or draw(st.booleans()):
        return {"source": _dim(draw, nd), "destination": _dim(draw, nd)}
    k = draw(st.integers(0, nd))
    src = draw(st.permutations(range(nd)))[:k]
    dst = draw(st.permutations(range(nd)))[:k]
    return {"source": tuple(s - nd if draw(st.booleans()) else s for s in src),
            "destination": tuple(dst)}


def _unflatten_kw(draw, shapes):
    shape = shapes[0]
    dim = _dim(draw, len(shape))
    n = shape[dim]
    divisors = [d for d in range(1, n + 1) if n % d == 0] or [0]
    a = draw(st.sampled_from(divisors))
    sizes = [a, n // a if a else 0]
    if draw(st.booleans()) and n:
        sizes[draw(st.integers(0, 1))] = -1
    if draw(st.booleans()):
        sizes.insert(draw(st.integers(0, 2)), 1)
    return {"dim": dim, "sizes": tuple(sizes)}


# rearranging copies --------------------------------------------------------------------------------
def _repeat_kw(draw, shapes):
    nd = len(shapes[0])
    return {"reps": tuple(draw(st.lists(st.integers(0, 3), min_size=nd, max_size=nd + 2)))}


def _tile_kw(draw, shapes):
    nd = len(shapes[0])
    return {"dims": tuple(draw(st.lists(st.integers(0, 3), min_size=0, max_size=nd + 1)))}


def _flip_kw(draw, shapes):
    nd = len(shapes[0])
    if nd == 0:
        return {"dims": draw(st.sampled_from([(), (0,), (-1,)]))}
    dims = draw(st.lists(st.integers(0, nd - 1), max_size=nd, unique=True))
    return {"dims": tuple(d - nd if draw(st.booleans()) else d for d in dims)}


def _roll_kw(draw, shapes):
    nd = len(shapes[0])
    if nd == 0:
        return {"shifts": draw(st.integers(-3, 3)), "dims": None}
    dims = draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd, unique=True))
    shifts = [draw(st.integers(-7, 7)) for _ in dims]
    if len(dims) == 1 and draw(st.booleans()):
        return {"shifts": shifts[0], "dims": dims[0]}
    return {"shifts": tuple(shifts), "dims": tuple(dims)}


def _diag_shapes(draw):
    return [_shape(draw, 1, 2, (0, 4))] if draw(st.integers(0, 7)) else [_shape(draw, 0, 3)]


def _diagonal_kw(draw, shapes):
    nd = len(shapes[0])
    d1 = _dim(draw, nd)
    d2 = _dim(draw, nd)
    return {"offset": draw(st.integers(-4, 4)), "dim1": d1, "dim2": d2}


def _mat_shapes(draw):
    return [_shape(draw, 2, 3, (0, 4))] if draw(st.integers(0, 7)) else [_shape(draw, 0, 1)]


def _k_kw(draw, shapes):
    return {"k": draw(st.integers(-4, 4))}


def _swap_kw(draw, shapes):
    nd = len(shapes[0])
    return {"d0": _dim(draw, nd), "d1": _dim(draw, nd)}


# fmt: off
OPS: list[Op] = [
    # Joining -------------------------------------------------------------------------------------
    Op("cat", [lambda L, a, b, dim: L.cat([a, b], dim), lambda L, a, b, dim: L.cat((a, b, a), dim=dim),
               lambda L, a, b, dim: L.concat([a, b], dim=dim),
               lambda L, a, b, dim: L.concatenate([b, a], axis=dim),
               lambda L, a, b, dim: L.cat([a, b.double()], dim),
               lambda L, a, b, dim: L.cat([a, b > 0], dim), lambda L, a, b, dim: L.cat([a], dim)],
       shapes=_cat_shapes, kwargs=_cat_kw, node="CatBackward0", int_dtypes=INTS,
       covers=("cat", "concat", "concatenate")),
    Op("stack", [lambda L, a, b, dim: L.stack([a, b], dim), lambda L, a, b, dim: L.stack((a, b, a), dim=dim),
                 lambda L, a, b, dim: L.stack([a, b.double()], dim), lambda L, a, b, dim: L.stack([b], dim)],
       shapes=_same_shapes, kwargs=_stack_kw, node="StackBackward0", int_dtypes=INTS,
       covers=("stack",)),
    Op("hstack_vstack", [lambda L, a, b: L.hstack([a, b]), lambda L, a, b: L.vstack((a, b)),
                         lambda L, a, b: L.row_stack([a, b, a]), lambda L, a, b: L.hstack([a])],
       shapes=_same_shapes, node="CatBackward0", int_dtypes=INTS[:1],
       covers=("hstack", "vstack", "row_stack")),
    # Splitting (views) ---------------------------------------------------------------------------
    Op("split", [lambda L, a, size, dim: a.split(size, dim),
                 lambda L, a, size, dim: L.split(a, size, dim=dim)],
       shapes=_nd1, kwargs=_split_kw, node="SplitBackward0", int_dtypes=INTS[:1],
       covers=("split",)),
    Op("split_sizes", [lambda L, a, sizes, dim: a.split(sizes, dim),
                       lambda L, a, sizes, dim: L.split(a, tuple(sizes), dim),
                       lambda L, a, sizes, dim: a.split_with_sizes(sizes, dim=dim),
                       lambda L, a, sizes, dim: L.split_with_sizes(a, sizes, dim)],
       shapes=_nd1, kwargs=_sizes_kw, node="SplitWithSizesBackward0", int_dtypes=INTS[:1],
       covers=("split_with_sizes",)),
    Op("chunk", [lambda L, a, chunks, dim: a.chunk(chunks, dim),
                 lambda L, a, chunks, dim: L.chunk(a, chunks, dim=dim)],
       shapes=_nd1, kwargs=_chunk_kw, int_dtypes=INTS[:1], covers=("chunk",)),
    Op("unbind", [lambda L, a, dim: a.unbind(dim), lambda L, a, dim: L.unbind(a, dim=dim)],
       shapes=_nd0, kwargs=_dim_kw, node="UnbindBackward0", int_dtypes=INTS[:1],
       covers=("unbind",)),
    Op("narrow", [lambda L, a, **k: a.narrow(k["dim"], k["start"], k["length"]),
                  lambda L, a, **k: L.narrow(a, **k)],
       shapes=_nd1, kwargs=_narrow_kw, node="SliceBackward0", int_dtypes=INTS[:1],
       covers=("narrow",)),
    Op("movedim", [lambda L, a, **k: a.movedim(k["source"], k["destination"]),
                   lambda L, a, **k: L.movedim(a, **k), lambda L, a, **k: L.moveaxis(a, **k),
                   lambda L, a, **k: a.moveaxis(k["source"], k["destination"])],
       shapes=_nd0, kwargs=_movedim_kw, int_dtypes=INTS[:1],
       covers=("movedim", "moveaxis")),
    Op("unflatten", [lambda L, a, dim, sizes: a.unflatten(dim, sizes),
                     lambda L, a, dim, sizes: L.unflatten(a, dim, list(sizes))],
       shapes=_nd1, kwargs=_unflatten_kw, node="ViewBackward0", int_dtypes=INTS[:1],
       covers=("unflatten",)),
    Op("swapdims", [lambda L, a, d0, d1: L.swapdims(a, d0, d1), lambda L, a, d0, d1: a.swapdims(d0, d1)],
       shapes=_nd0, kwargs=_swap_kw, node="TransposeBackward0", covers=("swapdims",)),
    Op("as_other", [lambda L, a: a.view_as(a.reshape(-1)), lambda L, a: a.reshape_as(a.t()),
                    lambda L, a: a[:1].expand_as(a)],
       kind="matrix", node="ViewBackward0"),
    # Rearranging copies --------------------------------------------------------------------------
    Op("repeat", [lambda L, a, reps: a.repeat(*reps) if reps else a.repeat(reps),
                  lambda L, a, reps: a.repeat(reps)],
       shapes=_nd0, kwargs=_repeat_kw, node="RepeatBackward0", int_dtypes=INTS),
    Op("tile", [lambda L, a, dims: L.tile(a, dims), lambda L, a, dims: a.tile(dims),
                lambda L, a, dims: a.tile(*dims)],
       shapes=_nd0, kwargs=_tile_kw, node="RepeatBackward0", int_dtypes=INTS[:1], covers=("tile",)),
    Op("flip", [lambda L, a, dims: L.flip(a, dims), lambda L, a, dims: a.flip(dims),
                lambda L, a, dims: a.flip(list(dims))],
       shapes=_nd0, kwargs=_flip_kw, node="FlipBackward0", int_dtypes=INTS, covers=("flip",)),
    Op("fliplr_ud", [lambda L, a: L.fliplr(a), lambda L, a: a.flipud(), lambda L, a: a.fliplr(),
                     lambda L, a: L.flipud(a)],
       shapes=_nd0, node="FlipBackward0", int_dtypes=INTS[:1], covers=("fliplr", "flipud")),
    Op("roll", [lambda L, a, **k: L.roll(a, **k), lambda L, a, **k: a.roll(k["shifts"], k["dims"]),
                lambda L, a, **k: a.roll(k["shifts"])],
       shapes=_nd0, kwargs=_roll_kw, node="RollBackward0", int_dtypes=INTS, covers=("roll",)),
    Op("diag", [lambda L, a, k: L.diag(a, k), lambda L, a, k: a.diag(diagonal=k)],
       shapes=_diag_shapes, kwargs=_k_kw, int_dtypes=INTS, covers=("diag",)),
    Op("diagonal", [lambda L, a, **k: L.diagonal(a, **k),
                    lambda L, a, **k: a.diagonal(k["offset"], k["dim1"], k["dim2"])],
       shapes=_mat_shapes, kwargs=_diagonal_kw, node="DiagonalBackward0", int_dtypes=INTS[:1],
       covers=("diagonal",)),
    Op("tril", [lambda L, a, k: L.tril(a, k), lambda L, a, k: a.tril(diagonal=k),
                lambda L, a, k: (a * 1).tril_(k)],
       shapes=_mat_shapes, kwargs=_k_kw, node="TrilBackward0", int_dtypes=INTS, covers=("tril",)),
    Op("triu", [lambda L, a, k: L.triu(a, k), lambda L, a, k: a.triu(k),
                lambda L, a, k: (a * 1).triu_(diagonal=k)],
       shapes=_mat_shapes, kwargs=_k_kw, node="TriuBackward0", int_dtypes=INTS, covers=("triu",)),
]
# fmt: on
