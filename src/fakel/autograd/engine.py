"""backward(): dependency counting, iterative execution, unbroadcast, accumulation into .grad."""

from __future__ import annotations

import sys

import numpy as np

from .. import _tensor as _t
from . import anomaly_mode as _anomaly
from .grad_mode import _state
from .graph import AccumulateGrad, run_node_hooks, run_tensor_hooks


def _root_edge(t, i):
    fn = t._grad_fn
    if fn is not None:
        return fn
    if t._requires_grad:
        return t._accumulator()
    raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


def _root_grad(t, g, i):
    if g is None:
        if t._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return _t._wrap(_t._np.ones_like(t._data))
    if not isinstance(g, _t.Tensor):
        raise TypeError(
            f"gradients can be either Tensors or None, but got {type(g).__name__}"
        )
    if g._data.shape != t._data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape!r} and output[{i}] has "
            f"a shape of {t.shape!r}."
        )
    if g._data.dtype != t._data.dtype:  # PyTorch casts the given gradient silently
        g = _t._wrap(g._data.astype(t._data.dtype))
    return g


def _fit(g, node):
    """Sum a gradient back to the shape of the tensor ``node`` produced (undoing broadcasting)
    and cast it to that tensor's dtype (undoing type promotion)."""
    if node._oshape is None:  # a leaf that nobody holds any more: its gradient goes nowhere
        return g
    if g._data.shape != node._oshape:
        g = g.sum_to_size(node._oshape)
    if g._data.dtype != node._odtype:
        g = g.to(_t._dt.from_np(node._odtype))
    return g


def run_backward(tensors, grad_tensors, retain_graph=None, create_graph=False, inputs=None,
                 accumulate=True):
    """Backpropagate from ``tensors``.

    Without ``inputs``: accumulate into the .grad of every leaf reached. With ``inputs``: run
    only the nodes that lead to them, stop at them, and either accumulate into their .grad
    (``backward(inputs=...)``) or return their gradients (``autograd.grad``, ``accumulate``
    False). Nodes that did not run keep what they saved.
    """
    if retain_graph is None:
        retain_graph = create_graph
    roots = []
    for i, t in enumerate(tensors):
        node = _root_edge(t, i)
        roots.append((node, _root_grad(t, grad_tensors[i], i)))

    targets = None  # node -> indices into ``inputs`` whose gradient arrives there
    if inputs is not None:
        targets = {}
        for k, x in enumerate(inputs):
            if not x._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            node = x._grad_fn if x._grad_fn is not None else x._accumulator()
            targets.setdefault(node, []).append(k)

    # Count, for every node reachable from the roots, how many edges lead into it.
    deps: dict = {}
    parents: dict | None = {} if targets is not None else None
    stack = [n for n, _ in roots]
    for n in stack:
        deps.setdefault(n, 0)
    while stack:
        node = stack.pop()
        if parents is not None:
            for nxt, _nr in node.next_functions:
                if nxt is not None:
                    parents.setdefault(nxt, []).append(node)
        for nxt, _nr in node.next_functions:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    stack.append(nxt)
    needed, through = _leading_to(parents, targets) if targets is not None else (None, None)

    buffers: dict = {}
    for n, g in roots:
        buffers[n] = buffers[n] + g if n in buffers else g
    ready = []
    for n, _ in roots:
        if deps[n] == 0 and n not in ready:
            ready.append(n)

    executed = []
    accumulations = []
    captured = [None] * len(inputs) if inputs is not None else None
    prev_mode = _state.enabled
    _state.enabled = create_graph
    errstate = np.errstate(all="ignore")  # inf/nan at kinks are results, not warnings
    errstate.__enter__()
    anomaly = _anomaly._mode.enabled
    try:
        while ready:
            node = ready.pop()
            g = buffers.pop(node, None)
            ext = node._ext
            if ext is not None and g is not None:
                g = _tensor_hooks(node, ext, g, create_graph)
            if targets is not None and node in targets:
                if g is not None:
                    kept = ext.retain() if ext is not None and ext.retain is not None else None
                    for k in targets[node]:
                        captured[k] = g
                        if accumulate and inputs[k] is not kept:  # a retained grad is set
                            accumulations.append((inputs[k], g))
                if node not in through:
                    continue  # nothing below this input leads to another one
                # else: another requested input lies below this one; keep going
            if node.__class__ is AccumulateGrad:
                if g is not None and accumulate and targets is None:
                    if ext is not None and ext.pre:
                        (g,) = run_node_hooks(ext.pre, ((g,),), (g,))
                    accumulations.append((node.variable, g))
                continue
            if needed is not None and node not in needed:
                g = None  # leads to no requested input: skip it (its children still count down)
            nexts = node.next_functions
            if g is not None:
                if ext is None and not anomaly:
                    grads = node.backward(g)
                else:
                    grads = _run_node(node, ext, g, anomaly)
                executed.append(node)
            for i, (nxt, nr) in enumerate(nexts):
                if nxt is None:
                    continue
                if g is not None:
                    gi = grads[i]
                    if gi is not None:
                        d = gi._data
                        if d.shape != nxt._oshape or d.dtype != nxt._odtype:
                            gi = _fit(gi, nxt)
                        prev = buffers.get(nxt)
                        if nr:  # output nr of a node with several outputs (custom Function)
                            _deliver_slot(buffers, nxt, nr, gi)
                        elif prev is None:
                            buffers[nxt] = gi
                        elif prev.__class__ is list:
                            prev[0] = gi if prev[0] is None else prev[0] + gi
                        else:
                            buffers[nxt] = prev + gi
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    ready.append(nxt)
    finally:
        errstate.__exit__(None, None, None)
        _state.enabled = prev_mode

    # Apply only after the whole pass succeeded, so that an error leaves every .grad as it was.
    # The loop's last values go first: _accumulate counts who else holds a gradient.
    g = gi = grads = prev = d = None
    buffers.clear()
    for var, g in accumulations:
        if var is not None:  # a leaf that nobody holds any more
            _accumulate(var, g, create_graph)
    if not retain_graph:
        for node in executed:
            node._release()
    return captured


def _deliver_slot(buffers, node, nr, g):
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._nout
    elif buf.__class__ is not list:
        buf = buffers[node] = [buf] + [None] * (node._nout - 1)
    buf[nr] = g if buf[nr] is None else buf[nr] + g


def _tensor_hooks(node, ext, g, create_graph):
    """The hooks registered on the tensor this node produced, then its retained .grad."""
    first = g[0] if g.__class__ is list else g
    if first is None:
        return g
    if ext.tensor_pre:
        first = run_tensor_hooks(ext.tensor_pre, first)
    if ext.retain is not None:
        t = ext.retain()
        if t is not None and t._grad_fn is node:
            # PyTorch's retains_grad hook: a copy first, then out-of-place sums.
            t._grad = first.clone() if t._grad is None else t._grad + first
    if g.__class__ is list:
        g[0] = first
        return g
    return first


def _run_node(node, ext, g, anomaly):
    """A node's backward with its pre- and post-hooks, and anomaly mode's checks."""
    multi = g.__class__ is list
    if ext is not None and ext.pre:
        gos = tuple(g) if multi else (g,)
        gos = run_node_hooks(ext.pre, (gos,), gos)
        g = list(gos) if multi else gos[0]
    try:
        grads = node.backward(g)
        if anomaly:
            _anomaly.check_nan(node, grads)
    except Exception:
        if anomaly:
            _anomaly.report(node)
        raise
    if ext is not None and ext.post:
        gos = tuple(g) if multi else (g,)
        grads = run_node_hooks(ext.post, (tuple(grads), gos), tuple(grads))
    return grads


def _leading_to(parents, targets):
    """(needed, through): the nodes from which some target is reachable (targets included), and
    those that reach one through at least one edge (a target above another target is one)."""
    through = set()
    stack = list(targets)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in through:
                through.add(parent)
                stack.append(parent)
    return through | set(targets), through


def _accumulate(var, g, create_graph):
    if g._data.dtype != var._data.dtype:
        g = _t._wrap(g._data.astype(var._data.dtype))
    old = var._grad
    if old is None:
        if create_graph:
            # PyTorch stores a differentiable copy (grad_fn CopyBackwards).
            from ..ops._common import attach
            from ..ops.inplace import CopyBackwards

            copy = _t._wrap(g._data.copy())
            var._grad = attach(copy, CopyBackwards(), None, g) if g._requires_grad else copy
        elif _stealable(g):
            var._grad = _t._wrap(g._data)  # nothing else holds it: keep it, as PyTorch does
        else:
            var._grad = _t._wrap(g._data.copy())  # never alias a gradient held elsewhere
    elif create_graph or old._requires_grad:
        var._grad = old + g
    else:
        old._data += g._data


_refcount = sys.getrefcount


def _stealable(g) -> bool:
    """Whether gradient ``g`` may become a leaf's .grad without a copy: a C-contiguous array
    that only this gradient tensor holds (directly or as the one view of a fresh array), and a
    tensor that only the engine's list of accumulations holds. Counts: the list's tuple, the
    loop variable, this call's argument and getrefcount's own (4); the array is held by the
    tensor, the local and getrefcount (3)."""
    if _refcount(g) > 5:
        return False
    a = g._data
    if a.__class__ is not np.ndarray or not a.flags.c_contiguous or not a.flags.writeable:
        return False
    if _refcount(a) > 3:
        return False
    base = a.base
    if base is None:
        return True
    return base.__class__ is np.ndarray and base.base is None and base.size == a.size and (
        _refcount(base) <= 3
    )
