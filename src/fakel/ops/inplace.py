"""Copies, casts and detaching; in-place ops, their refusals and the version counter."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import (
    attach,
    edge,
    needs_grad,
    prepare2,
    result_dtype,
)
from .arith import add, div, floor_divide, mul, pow, remainder, sub
from .compare import clamp
from .shape import positions, regenerate, view_grad_fn
from .unary import neg


# Copies, casts and detaching --------------------------------------------------------------------
class CloneBackward0(Node):
    def backward(self, g):
        return (g,)


def clone(input, *, memory_format=None) -> Tensor:
    out = _wrap(input._data.copy())
    if input._requires_grad and _state.enabled:
        attach(out, CloneBackward0(), input)
    return out


def contiguous(input) -> Tensor:
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


class ToCopyBackward0(Node):
    def backward(self, g):
        return (g,)  # the engine casts it back to the input's dtype


def detach(input) -> Tensor:
    out = _wrap(input._data)
    out._vc = input._vc  # detach shares the version counter (and memory) with its source
    return out


def detach_(input) -> Tensor:
    if input._base is not None:
        raise RuntimeError(
            "Can't detach views in-place. Use detach() instead. If you are using DistributedDataP"
            "arallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients "
            "are views of DDP buckets, and hence detach_() cannot be called on these gradients. "
            "To fix this error, please refer to the Optimizer.zero_grad() function in "
            "torch/optim/optimizer.py as the solution."
        )
    input._grad_fn = None
    input._requires_grad = False
    return input


def _parse_to(args, kwargs):
    from .._device import as_device
    from .._device import device as _device_cls

    dtype = kwargs.pop("dtype", None)
    dev = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, _dt.dtype) or a in (float, int, bool):
            dtype = a
        elif isinstance(a, (str, _device_cls)) or (isinstance(a, int) and not isinstance(a, bool)):
            dev = a
        elif isinstance(a, Tensor):
            dtype, dev = a.dtype, a.device
        elif a is not None:
            raise TypeError(f"to() received an invalid combination of arguments - got {a!r}")
    return (None if dtype is None else _dt.to_dtype(dtype)), (
        None if dev is None else as_device(dev)), copy


def to(input, *args, **kwargs) -> Tensor:
    dtype, dev, copy = _parse_to(args, kwargs)
    data = input._data
    same_dtype = dtype is None or data.dtype == dtype.np
    same_dev = dev is None or dev == input.device
    if same_dtype and same_dev and not copy:
        return input
    if not same_dev:
        from .. import _backend

        data = _backend.to_device(data, dev)
    if not same_dtype:
        data = _cast(data, dtype)
    elif data is input._data:
        data = data.copy()
    out = _wrap(data)
    if input._requires_grad and _state.enabled and out._data.dtype.kind == "f":
        node = ToCopyBackward0()
        attach(out, node, input)
    return out


def _cast(data, dtype):
    """astype with PyTorch's float-to-int rule: truncate toward zero (NumPy agrees)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return data.astype(dtype.np)


# In-place ---------------------------------------------------------------------------------------
_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)
_NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
    "code by moving both the view and the inplace either both inside the no_grad block (if you "
    "don't want the inplace to be tracked) or both outside (if you want the inplace to be "
    "tracked)."
)
_INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details."
)


def check_inplace(t, *others, overlap: bool = True):
    """PyTorch's refusals for writing into ``t`` (``others``: the op's other inputs, which
    decide whether the write is recorded). ``overlap=False`` for the ops PyTorch lets write
    into an expanded tensor (fill_ with a number, zero_, index_fill_, masked_fill_,
    index_put_)."""
    if t._vc.__class__ is not list and not _state.inference:  # an inference tensor
        raise RuntimeError(_INFERENCE_INPLACE)
    base = t._base
    if _state.enabled:
        if base is not None:
            if t._vattr != t._vc[0]:
                view_grad_fn(t)  # bring a stale view's history up to date first
            rg = t._requires_grad or base._requires_grad
            if rg or _any_requires_grad(others):
                if not t._vgrad:
                    raise RuntimeError(_NO_GRAD_VIEW)
                if rg and base._grad_fn is None:
                    raise RuntimeError(
                        "a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation."
                    )
        elif t._requires_grad and t._grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
    if not t._data.flags.writeable:
        _make_writable(t, overlap)


def _any_requires_grad(xs):
    for x in xs:
        if isinstance(x, Tensor) and x.requires_grad:
            return True
    return False


class _Alias:
    """Hands NumPy an array interface: a writable alias of memory a read-only view shows."""

    __slots__ = ("__array_interface__", "_keep")


def _make_writable(t, overlap):
    """Views of an expanded tensor are read-only NumPy arrays: refuse a write where elements
    share memory (as PyTorch), else swap in a writable alias of the same memory."""
    d = t._data
    if overlap:
        for n, s in zip(d.shape, d.strides):
            if s == 0 and n > 1:
                raise RuntimeError(_OVERLAP)
    if d.__class__ is not np.ndarray:
        return
    iface = dict(d.__array_interface__)
    iface["data"] = (iface["data"][0], False)
    alias = _Alias()
    alias.__array_interface__, alias._keep = iface, d
    t._data = np.asarray(alias)


def _grad_on():
    return _state.enabled


class CopySlices(Node):
    """The base's grad_fn after an in-place op wrote into one of its views: the op's own node
    (``_fn``) handles the view's elements, the rest of the base's gradient passes through."""

    __slots__ = ("_fn", "_root", "_view")

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def _release(self) -> None:
        self._fn._release()

    def backward(self, g):
        root, view = self._root, self._view
        pos = positions(root, view)
        fn = self._fn
        if _state.enabled:  # create_graph: the same steps in differentiable ops
            from .indexing import _embed, _mask, _read

            key = np.unravel_index(pos, root.shape) if root.ndim else ()
            res = fn.backward(_read(g, key))
        else:
            gd = g._data
            res = fn.backward(_wrap(np.ascontiguousarray(gd).reshape(-1)[pos]))
        if not isinstance(res, tuple):
            res = (res,)
        r0 = res[0]
        if r0 is not None and r0._data.shape != view.shape:
            r0 = r0.sum_to_size(view.shape) if r0._data.ndim > view.ndim else r0.expand(
                view.shape)
        gb = None
        if self.next_functions[0][0] is not None:
            if _state.enabled:
                gb = g * _wrap(_mask(root.shape, key, g._data.dtype))
                if r0 is not None:
                    gb = gb + _embed(r0, root.shape, key, False)
            else:
                out = np.array(gd, dtype=gd.dtype, order="C")
                out.reshape(-1)[pos] = 0 if r0 is None else r0._data
                gb = _wrap(out)
        return (gb,) + tuple(res[1:])


def link(node, *inputs):
    """Give ``node`` its edges (as attach does) without making it any tensor's grad_fn yet."""
    node.next_functions = tuple([edge(x) for x in inputs])
    return node


def rebase(t, node):
    """PyTorch's rebase_history: ``node`` (whose first input is ``t``) becomes the history of
    ``t``. Written through a view, the base's history becomes a CopySlices around ``node`` and
    the view's a fresh AsStridedBackward0 into it."""
    d = t._data
    node._oshape, node._odtype = d.shape, d.dtype
    root = t._base
    if root is None:
        old = t._grad_fn
        t._grad_fn = node
        t._requires_grad = True
        if old is not None and old._ext is not None and old._ext.retain is not None:
            if old._ext.retain() is t:  # retain_grad follows the tensor to its new history
                from ..autograd.graph import tensor_retain_grad

                tensor_retain_grad(t)
        return
    cs = CopySlices()
    cs._fn, cs._root, cs._view = node, root._data, d
    cs.next_functions = (edge(root),) + tuple(node.next_functions[1:])
    rd = root._data
    cs._oshape, cs._odtype = rd.shape, rd.dtype
    root._grad_fn = cs
    root._requires_grad = True
    regenerate(t)


def _inplace(t, result, overlap: bool = True):
    """Write ``result`` (a tensor computed out of place) into ``t`` and rebase its history."""
    check_inplace(t, result, overlap=overlap)
    rd = result._data
    if rd.dtype != t._data.dtype:
        if _dt._FROM_NP[rd.dtype].category > _dt._FROM_NP[t._data.dtype].category:
            raise RuntimeError(
                f"result type {_dt._FROM_NP[rd.dtype]._scalar_name} can't be cast to the desired "
                f"output type {t.dtype._scalar_name}"
            )
        rd = rd.astype(t._data.dtype)
    if rd.shape != t._data.shape:
        try:
            np.broadcast_to(rd, t._data.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape [{', '.join(map(str, t.shape))}] doesn't match the broadcast "
                f"shape [{', '.join(map(str, rd.shape))}]"
            ) from None
    node = result._grad_fn
    if node is not None and node._saved:
        _keep_original(node, t)
    t._data[...] = rd
    t._vc[0] += 1
    if node is not None:
        rebase(t, node)  # the in-place op's node takes over the tensor's history
    return t


def _keep_original(node, t):
    """The in-place op's own node saved ``t`` as its first input ("self"): like PyTorch, keep
    the value from before the write. Any other slot that is ``t`` (as in y.mul_(y)) stays the
    tensor itself, so backward raises PyTorch's version error."""
    saved = node._saved
    if saved[0] is t:
        # A clone in the graph (as PyTorch's self.clone()), so double backward sees the old
        # value's own history.
        node._saved = (clone(t),) + saved[1:]
        node._versions = (0,) + node._versions[1:]


def _arith_inplace(fn, t, other, **kw):
    check_inplace(t, other)  # refuse before computing anything
    ufunc = _FAST_UFUNCS.get(fn)
    if ufunc is not None and not kw and t._data.dtype.kind == "f" and not needs_grad(t, other):
        # Outside autograd, a float destination is computed into directly (out=): no
        # temporary and no copy, as NumPy's own in-place operators.
        ad, bd, rd = prepare2(t, other)
        if rd.np == t._data.dtype:
            try:
                ufunc(ad, bd, out=t._data)
            except ValueError:
                pass  # a shape that does not broadcast into t: the general path says why
            else:
                t._vc[0] += 1
                return t
    return _inplace(t, fn(t, other, **kw))


_FAST_UFUNCS = {add: np.add, sub: np.subtract, mul: np.multiply, div: np.true_divide}


def add_(input, other, *, alpha=1) -> Tensor:
    if alpha == 1:
        return _arith_inplace(add, input, other)
    return _arith_inplace(add, input, other, alpha=alpha)


def sub_(input, other, *, alpha=1) -> Tensor:
    if alpha == 1:
        return _arith_inplace(sub, input, other)
    return _arith_inplace(sub, input, other, alpha=alpha)


def mul_(input, other) -> Tensor:
    return _arith_inplace(mul, input, other)


def div_(input, other, *, rounding_mode=None) -> Tensor:
    if rounding_mode is None:
        return _arith_inplace(div, input, other)
    return _arith_inplace(div, input, other, rounding_mode=rounding_mode)


def floor_divide_(input, other) -> Tensor:
    return _arith_inplace(floor_divide, input, other)


def remainder_(input, other) -> Tensor:
    return _arith_inplace(remainder, input, other)


def pow_(input, exponent) -> Tensor:
    check_inplace(input, exponent)
    return _inplace(input, pow(input, exponent))


def neg_(input) -> Tensor:
    check_inplace(input)
    return _inplace(input, neg(input))


def clamp_(input, min=None, max=None) -> Tensor:
    check_inplace(input, min, max)
    rd = result_dtype(input, *(b for b in (min, max) if b is not None))
    if rd.category > input.dtype.category:
        from .linalg import _TYPE

        raise RuntimeError(
            f"result type {rd._scalar_name} can't be cast to the desired output type "
            f"{_TYPE[input.dtype.name]}"
        )
    return _inplace(input, clamp(input, min, max))


class ZeroBackward0(Node):
    def backward(self, g):
        return (g * 0,)


class FillBackward2(ZeroBackward0):
    """fill_ with a number: the old values get no gradient."""

    __slots__ = ()


class FillBackward3(Node):
    """fill_ with a 0-d tensor: every element's gradient flows to that value."""

    def backward(self, g):
        nself, nvalue = self.next_functions
        return (g * 0 if nself[0] is not None else None,
                g.sum() if nvalue[0] is not None else None)


def zero_(input) -> Tensor:
    check_inplace(input, overlap=False)
    input._data[...] = 0
    input._vc[0] += 1
    if input._data.dtype.kind == "f" and needs_grad(input):
        rebase(input, link(ZeroBackward0(), input))
    return input


def fill_(input, value) -> Tensor:
    source = value if isinstance(value, Tensor) else None
    check_inplace(input, value, overlap=source is not None)  # a number may fill overlaps
    if source is not None:
        if source._data.ndim:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{source._data.ndim} dimensions."
            )
        value = source._data.reshape(()).item()
    input._data[...] = value
    input._vc[0] += 1
    if input._data.dtype.kind == "f":
        if source is not None and needs_grad(input, source):
            rebase(input, link(FillBackward3(), input, source))
        elif needs_grad(input):
            rebase(input, link(FillBackward2(), input))
    return input


class CopyBackwards(Node):
    def name(self) -> str:
        return "torch::autograd::CopyBackwards"

    def backward(self, g):
        return g * 0, g


def copy_(input, src) -> Tensor:
    check_inplace(input, src)
    s = src._data if isinstance(src, Tensor) else np.asarray(src)
    try:
        np.broadcast_to(s, input._data.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({input._data.shape[-1] if input._data.ndim else 1}) must "
            f"match the size of tensor b ({s.shape[-1] if s.ndim else 1}) at non-singleton "
            "dimension " f"{input._data.ndim - 1}"
        ) from None
    with np.errstate(invalid="ignore", over="ignore"):
        input._data[...] = s
    input._vc[0] += 1
    if input._data.dtype.kind == "f" and needs_grad(input, src):
        rebase(input, link(CopyBackwards(), input, src))
    return input
