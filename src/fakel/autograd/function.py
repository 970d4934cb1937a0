"""Custom autograd functions: subclass Function with static forward/backward, call ``apply``."""

from __future__ import annotations

import functools
import warnings

from .. import _tensor as _t
from .grad_mode import _state
from .graph import Node


class FunctionCtx:
    """What ``forward`` (or ``setup_context``) gets as ``ctx``: it is also the graph node."""

    def save_for_backward(self, *tensors) -> None:
        for x in tensors:
            if x is not None and not isinstance(x, _t.Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{tensors.index(x)} is of type {type(x).__name__}"
                )
        self.to_save = tensors

    def mark_dirty(self, *tensors) -> None:
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value

    @property
    def saved_tensors(self) -> tuple:
        return tuple(self._unpack(i, t) for i, t in enumerate(self.saved()))

    saved_variables = saved_tensors


class BackwardCFunction(FunctionCtx, Node):
    """Base of every ``<Name>Backward`` node class (one per Function subclass)."""

    _forward_cls = None
    _out_saved = ()  # indices of saved tensors that are outputs (kept as data, not tensors)
    materialize_grads = True
    to_save = ()
    dirty_tensors = ()
    non_differentiable = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__module__ = f"{_t._dt._PREFIX[0]}.autograd.function"

    def _unpack(self, i, t):
        if i in self._out_saved:
            data, vc = t._data, t._vc
            out = _t._wrap(data)
            out._vc = vc
            out._requires_grad = True  # as PyTorch: the saved output keeps its grad_fn
            out._grad_fn = self
            return out
        return t

    def apply(self, *grads):
        return self.backward(grads[0] if len(grads) == 1 else list(grads))

    def backward(self, g):
        grads = list(g) if isinstance(g, (list, tuple)) else [g]
        shapes = self._out_meta
        grads += [None] * (len(shapes) - len(grads))
        for k, gk in enumerate(grads):
            if gk is None:
                if self.materialize_grads:
                    grads[k] = _t._wrap(_t._np.zeros(shapes[k][0], dtype=shapes[k][1]))
            elif gk._data.shape != shapes[k][0]:
                grads[k] = gk.sum_to_size(shapes[k][0])
        fwd = self._forward_cls
        out = fwd.backward(self, *grads)
        if not isinstance(out, tuple):
            out = (out,)
        n_args = len(self._is_tensor)
        name = type(self).__name__
        if len(out) != n_args:
            if len(out) > n_args and all(o is None for o in out[n_args:]):
                out = out[:n_args]
            else:
                raise RuntimeError(
                    f"function {name} returned an incorrect number of gradients (expected "
                    f"{n_args}, got {len(out)})"
                )
        result = []
        for i, (gi, is_t) in enumerate(zip(out, self._is_tensor)):
            if not is_t:
                if gi is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient different than None at position "
                        f"{i + 1}, but the corresponding forward input was not a Variable"
                    )
                continue
            if gi is not None:
                shape = self._in_shapes[len(result)]
                if gi._data.shape != shape:
                    try:
                        _t._np.broadcast_shapes(gi._data.shape, shape)
                        ok = len(gi._data.shape) >= len(shape) and _t._np.broadcast_shapes(
                            gi._data.shape, shape) == gi._data.shape
                    except ValueError:
                        ok = False
                    if not ok:
                        raise RuntimeError(
                            f"Function {name} returned an invalid gradient at index {i} - got "
                            f"[{', '.join(map(str, gi._data.shape))}] but expected shape "
                            f"compatible with [{', '.join(map(str, shape))}]"
                        )
            result.append(gi)
        return tuple(result)


class _OutputSlot(Node):
    """grad_fn of a custom Function's output number k > 0: hands its gradient to the main node
    as (node, k). (PyTorch gives every output the same grad_fn; fakel tensors carry no output
    number, so outputs after the first get this small forwarding node instead.)"""

    def backward(self, g):
        return (g,)


class FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        cls._backward_cls = backward_cls
        cls._slot_cls = type(name + "Backward", (_OutputSlot,), {})
        cls._slot_cls.__module__ = backward_cls.__module__
        super().__init__(name, bases, attrs)


class Function(metaclass=FunctionMeta):
    """Base class of custom autograd functions (``forward``/``backward`` are static methods)."""

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.", DeprecationWarning,
            stacklevel=2)

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        return _apply(cls, args, kwargs)


def _apply(cls, args, kwargs):
    node = cls._backward_cls()
    is_tensor = tuple(isinstance(a, _t.Tensor) for a in args)
    tensors = [a for a in args if isinstance(a, _t.Tensor)]
    node._is_tensor = is_tensor
    node.needs_input_grad = tuple(
        isinstance(a, _t.Tensor) and a._requires_grad for a in args
    )
    record = _state.enabled and any(t._requires_grad for t in tensors)
    custom_setup = cls.setup_context is not Function.setup_context
    prev = _state.enabled
    _state.enabled = False
    try:
        if custom_setup:
            output = cls.forward(*args, **kwargs)
            cls.setup_context(node, args, output)
        else:
            output = cls.forward(node, *args, **kwargs)
    finally:
        _state.enabled = prev
    multi = isinstance(output, tuple)
    outs = output if multi else (output,)
    if not record:
        return output
    return _wire(node, args, tensors, outs, multi)


def _wire(node, args, tensors, outs, multi):
    from ..ops._common import edge

    node.next_functions = tuple(edge(t) for t in tensors)
    node._in_shapes = tuple(t._data.shape for t in tensors)
    node._oshape = None  # the node fits each output's gradient itself (several outputs)
    node._odtype = None
    non_diff = {id(t) for t in node.non_differentiable}
    dirty = {id(t) for t in node.dirty_tensors}
    ins = {id(t) for t in tensors}
    meta = []
    new_outs = []
    k = 0
    for o in outs:
        if not isinstance(o, _t.Tensor):
            new_outs.append(o)
            continue
        meta.append((o._data.shape, o._data.dtype))
        if id(o) in ins and id(o) not in dirty:
            o = _alias(o)  # returning an input unchanged: PyTorch gives a view of it
        elif id(o) in dirty and o._requires_grad and o._grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad has been used in an in-place operation."
            )
        if id(outs[len(new_outs)]) in non_diff or o._data.dtype.kind != "f":
            o._requires_grad = False
        elif k == 0:
            o._grad_fn = node
            o._requires_grad = True
        else:
            slot = type(node)._forward_cls._slot_cls()
            slot.next_functions = ((node, k),)
            slot._oshape, slot._odtype = o._data.shape, o._data.dtype
            o._grad_fn = slot
            o._requires_grad = True
        new_outs.append(o)
        k += 1
    node._nout = k
    node._out_meta = meta
    _save_outputs(node, new_outs)
    from . import anomaly_mode

    if anomaly_mode._mode.enabled:
        anomaly_mode.record(node)
    return tuple(new_outs) if multi else new_outs[0]


def _alias(t):
    from ..ops.shape import _view_of

    return _view_of(t, t._data)


def _save_outputs(node, outs):
    """Saved tensors that are outputs are kept as data: the output holds the node, and the node
    holding the output would make a reference cycle."""
    to_save = node.to_save
    out_ids = {id(o): o for o in outs if isinstance(o, _t.Tensor)}
    kept, out_idx = [], []
    for i, t in enumerate(to_save):
        if t is not None and id(t) in out_ids:
            holder = _t._wrap(t._data)
            holder._vc = t._vc
            kept.append(holder)
            out_idx.append(i)
        else:
            kept.append(t)
    node.save(*kept)
    node._out_saved = tuple(out_idx)
    node.to_save = ()


def once_differentiable(fn):
    """Mark a backward as not differentiable: it runs without recording, and a later attempt to
    differentiate its result raises PyTorch's error."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = _state.enabled
        _state.enabled = False
        try:
            outputs = fn(ctx, *args)
        finally:
            _state.enabled = prev
        if not prev or not any(isinstance(a, _t.Tensor) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        wrapped = tuple(_delayed_error(o) if isinstance(o, _t.Tensor) else o for o in outs)
        return wrapped[0] if single else wrapped

    return wrapper


class DelayedError(Node):
    def backward(self, g):
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )


def _delayed_error(t):
    out = _t._wrap(t._data)
    node = DelayedError()
    node.next_functions = ()
    node._oshape, node._odtype = out._data.shape, out._data.dtype
    out._grad_fn = node
    out._requires_grad = True
    return out
