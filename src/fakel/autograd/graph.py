"""Graph nodes (grad_fn): the Node base class, AccumulateGrad, saved-tensor checks."""

from __future__ import annotations

import weakref

from .. import _dtype
from .. import _tensor as _t

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


class Node:
    """A backward function in the graph; ``grad_fn`` of a non-leaf tensor is one of these.

    Subclasses are named exactly as PyTorch's nodes (``MulBackward0``), so that the class name,
    repr and IPython's display agree with PyTorch. ``next_functions`` holds one
    ``(node, output_nr)`` pair per differentiable input slot, ``(None, 0)`` where that input does
    not require grad. ``_oshape``/``_odtype`` are the shape and NumPy dtype of the tensor this
    node produced: the engine sums and casts each incoming gradient to them (broadcasting and
    type promotion are undone there, not in every op).
    """

    __slots__ = ("next_functions", "_saved", "_versions", "_out", "_oshape", "_odtype",
                 "__weakref__")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # PyTorch's node classes live in builtins, so reprs read <MulBackward0 object at 0x...>.
        cls.__module__ = "builtins"

    def __init__(self):
        self._saved = ()
        self._out = None

    def name(self) -> str:
        return type(self).__name__

    @property
    def metadata(self) -> dict:
        return {}

    def backward(self, grad):  # pragma: no cover - every op overrides it
        raise NotImplementedError

    # Saved tensors ------------------------------------------------------------------------
    def save(self, *tensors) -> None:
        """Keep input tensors for backward, with their versions for the in-place check."""
        self._saved = tensors
        if len(tensors) == 1:
            self._versions = (tensors[0]._vc[0],)
        else:
            self._versions = tuple([t._vc[0] if t is not None else 0 for t in tensors])

    def save_output(self, out) -> None:
        """Keep the output's data (not the tensor: that would make a reference cycle)."""
        self._out = (out._data, out._vc, out._vc[0])

    def saved(self):
        """The saved inputs, after checking that none was freed or modified in place."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(SECOND_BACKWARD)
        versions = self._versions
        for i, t in enumerate(saved):
            if t is not None and t._vc[0] != versions[i]:
                # PyTorch names the op that produced the tensor as it is now.
                raise RuntimeError(_version_message(t, versions[i], t._grad_fn))
        return saved

    def output(self):
        """The saved output as a tensor whose grad_fn is this node (for double backward)."""
        out = self._out
        if not out:  # None: nothing saved; False: freed by a backward without retain_graph
            raise RuntimeError(SECOND_BACKWARD)
        data, vc, version = out
        t = _t._wrap(data)
        t._vc = vc
        if vc[0] != version:
            raise RuntimeError(_version_message(t, version, self))
        if _t._grad_enabled():
            t._requires_grad = True
            t._grad_fn = self
        return t

    def _release(self) -> None:
        """Free saved values after a backward without retain_graph."""
        if self._saved:
            self._saved = None
        if self._out is not None:
            self._out = False

    def __call__(self, *grads):
        """Calling a node runs its backward on the given output gradients."""
        out = self.backward(grads[0] if len(grads) == 1 else grads)
        return out if isinstance(out, tuple) else (out,)


def _version_message(t, expected, producer=None) -> str:
    desc = f"[{t.dtype.legacy_name()} [{', '.join(map(str, t.shape))}]]"
    if producer is not None:
        name = type(producer).__name__
        base = name.split("Backward")[0] if "Backward" in name else name
        desc += f", which is output 0 of {base},"
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: {desc} is at version {t._vc[0]}; expected version {expected} instead. Hint: "
        "enable anomaly detection to find the operation that failed to compute its gradient, with "
        f"{_dtype._PREFIX[0]}.autograd.set_detect_anomaly(True, check_nan=False)."
    )


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds incoming gradients into ``variable.grad``."""

    __slots__ = ("_variable",)

    def __init__(self, variable):
        self._saved = ()
        self._out = None
        # The leaf keeps this node alive (so each op need not rebuild it) and the node refers
        # back weakly: no reference cycle. A leaf nobody holds any more receives no gradient.
        self._variable = weakref.ref(variable)
        self.next_functions = ()

    @property
    def variable(self):
        return self._variable()

    # Read from the leaf each time: `leaf.data = other` may have changed its shape or dtype.
    @property
    def _oshape(self):
        v = self._variable()
        return v._data.shape if v is not None else None

    @property
    def _odtype(self):
        v = self._variable()
        return v._data.dtype if v is not None else None

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def backward(self, grad):  # pragma: no cover - the engine accumulates directly
        raise RuntimeError("AccumulateGrad is applied by the engine")
