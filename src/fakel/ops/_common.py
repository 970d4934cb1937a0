"""Helpers every op file shares: graph edges, output wrapping, type promotion, dim checks."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor
from ..autograd.anomaly_mode import _mode as _anomaly_mode
from ..autograd.anomaly_mode import record as _anomaly_record
from ..autograd.grad_mode import _state

NO_EDGE = (None, 0)
_ndarray = np.ndarray
_INT_TYPES = (int, np.integer)


def edge(x):
    """The graph edge an op's node gets for input ``x``: (node, output_nr) or (None, 0)."""
    if x.__class__ is not Tensor and not isinstance(x, Tensor):
        return NO_EDGE
    if not x._requires_grad:
        return NO_EDGE
    fn = x._grad_fn
    if x._base is not None:  # a view: its grad_fn may need rebuilding (ops/shape.py)
        fn = x.grad_fn
    if fn is not None:
        return (fn, 0)
    acc = x._acc  # the leaf's AccumulateGrad, inlined from Tensor._accumulator for speed
    return (acc if acc is not None else x._accumulator(), 0)


def needs_grad(*xs) -> bool:
    """Whether an op on these inputs must record a node (grad mode on and any input requires it)."""
    if not _state.enabled:
        return False
    for x in xs:
        if x.__class__ is Tensor or isinstance(x, Tensor):
            if x._requires_grad:
                return True
    return False


def attach(out, node, *inputs):
    """Make ``node`` the grad_fn of ``out`` with one edge per input slot; returns ``out``."""
    if len(inputs) == 1:
        node.next_functions = (edge(inputs[0]),)
    elif len(inputs) == 2:
        node.next_functions = (edge(inputs[0]), edge(inputs[1]))
    else:
        node.next_functions = tuple([edge(x) for x in inputs])
    data = out._data
    node._oshape = data.shape  # what the engine fits incoming gradients to
    node._odtype = data.dtype
    out._grad_fn = node
    out._requires_grad = True
    if _anomaly_mode.enabled:  # anomaly mode only: remember where the node was made
        _anomaly_record(node)
    return out


def canon_dim(dim, ndim: int) -> int:
    """Normalise a possibly negative dim, with PyTorch's IndexError when out of range."""
    if not isinstance(dim, _INT_TYPES) or isinstance(dim, bool):
        if isinstance(dim, Tensor) and dim._data.size == 1:
            dim = int(dim)
        else:
            raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    n = ndim if ndim > 0 else 1
    if dim < -n or dim >= n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim + n if dim < 0 else dim if ndim > 0 else 0


def canon_dims(dims, ndim: int, op: str = "sum") -> tuple:
    """A tuple of distinct non-negative dims (PyTorch's error on repeats)."""
    if isinstance(dims, _INT_TYPES):
        dims = (dims,)
    out = []
    for d in dims:
        c = canon_dim(d, ndim)
        if c in out:
            raise RuntimeError(f"dim {c} appears multiple times in the list of dims")
        out.append(c)
    if ndim == 0:
        return ()
    return tuple(out)


# Type promotion ---------------------------------------------------------------------------------
# Operands are ranked: dimensioned tensors (2), zero-dim tensors (1), Python scalars (0). The
# highest category present decides; within it the highest-ranked operands' dtypes are promoted.
_promo_cache: dict = {}


def _kind(x):
    """(rank, dtype-or-pytype) describing one operand for promotion."""
    if x.__class__ is Tensor or isinstance(x, Tensor):
        return (2 if x._data.ndim else 1, _dt._FROM_NP[x._data.dtype])
    t = type(x)
    if t is bool or t is int or t is float:
        return (0, t)
    if isinstance(x, np.generic):
        # PyTorch reads NumPy scalars as Python numbers (np.bool_ oddly as a float).
        return (0, type(np_scalar_value(x)))
    if t is complex:
        raise NotImplementedError("complex numbers are not supported by fakel")
    return None


_PY_CATEGORY = {bool: 0, int: 1, float: 2}


def result_dtype(*operands) -> _dt.dtype:
    kinds = []
    for x in operands:
        k = _kind(x)
        if k is None:
            raise TypeError(f"unsupported operand type {type(x).__name__!r}")
        kinds.append(k)
    return _result_from_kinds(tuple(kinds))


def _result_from_kinds(kinds):
    r = _promo_cache.get(kinds)
    if r is not None:
        return r
    cat = -1
    for rank, d in kinds:
        c = _PY_CATEGORY[d] if rank == 0 else d.category
        cat = c if c > cat else cat
    result = None
    for want_rank in (2, 1):
        for rank, d in kinds:
            if rank == want_rank and d.category == cat:
                result = d if result is None else _dt.promote_types(result, d)
        if result is not None:
            break
    if result is None:  # only Python scalars reach the category: they give its default dtype
        result = (_dt.bool, _dt.int64, _dt.get_default_dtype())[cat]
    _promo_cache[kinds] = result
    return result


def clear_promotion_cache() -> None:
    _promo_cache.clear()


def np_scalar_value(x):
    """The Python number PyTorch takes a NumPy scalar for."""
    return float(x) if isinstance(x, np.bool_) else x.item()


def scalar_for(x, np_dtype):
    """A Python scalar made safe for a NumPy op in ``np_dtype`` (wrapping ints like PyTorch)."""
    if type(x) is int and (x > 9223372036854775807 or x < -9223372036854775808):
        raise OverflowError("int too big to convert")
    if np_dtype.kind in "iu" and type(x) is int and np_dtype != np.int64:
        info = np.iinfo(np_dtype)
        if x < info.min or x > info.max:
            return np.array(x, dtype=np.int64).astype(np_dtype)
    return x


def operand_array(x, np_dtype):
    """The array (or safe scalar) for operand ``x`` computed in ``np_dtype``."""
    if x.__class__ is Tensor or isinstance(x, Tensor):
        a = x._data
        return a if a.dtype == np_dtype else a.astype(np_dtype)
    if isinstance(x, np.generic):
        x = np_scalar_value(x)
    return scalar_for(x, np_dtype)


def prepare2(a, b):
    """Promote a binary op's operands: (array_a, array_b, result dtype)."""
    if b.__class__ is Tensor and a.__class__ is Tensor:
        ad, bd = a._data, b._data
        if ad.dtype == bd.dtype:
            return ad, bd, _dt._FROM_NP[ad.dtype]
    rd = result_dtype(a, b)
    npd = rd.np
    return operand_array(a, npd), operand_array(b, npd), rd


def check_broadcast(a_shape, b_shape):
    """PyTorch's message for shapes that do not broadcast."""
    na, nb = len(a_shape), len(b_shape)
    for i in range(1, max(na, nb) + 1):
        sa = a_shape[-i] if i <= na else 1
        sb = b_shape[-i] if i <= nb else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                f"non-singleton dimension {max(na, nb) - i}"
            )


def as_tensor(x):
    if isinstance(x, Tensor):
        return x
    from .._creation import tensor

    return tensor(x)


def binary(fn, a, b):
    """Run a NumPy binary function on promoted operands; returns (array, result dtype)."""
    ad, bd, rd = prepare2(a, b)
    try:
        out = fn(ad, bd)
    except ValueError:
        check_broadcast(np.shape(ad), np.shape(bd))
        raise
    return out, rd


def float_input(x):
    """Array of x for a float-only op: ints and bools are promoted to the default float dtype."""
    d = x._data
    if d.dtype.kind != "f":
        d = d.astype(_dt.get_default_dtype().np)
    return d

