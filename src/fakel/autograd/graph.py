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

    __slots__ = ("next_functions", "_saved", "_versions", "_out", "_oshape", "_odtype", "_ext",
                 "__weakref__")

    _nout = 1  # outputs the node produces (a custom Function may have several)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # PyTorch's node classes live in builtins, so reprs read <MulBackward0 object at 0x...>.
        cls.__module__ = "builtins"

    def __init__(self):
        self._saved = ()
        self._out = None
        self._ext = None  # hooks, metadata, anomaly trace: rare, so kept out of the way

    def name(self) -> str:
        return type(self).__name__

    @property
    def metadata(self) -> dict:
        ext = _ext(self)
        if ext.metadata is None:
            ext.metadata = {}
        return ext.metadata

    # Hooks ------------------------------------------------------------------------------------
    def register_hook(self, fn) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` runs after this node; it may return new grad_inputs."""
        return _add_hook(_ext(self), "post", fn)

    def register_prehook(self, fn) -> RemovableHandle:
        """``fn(grad_outputs)`` runs before this node; it may return new grad_outputs."""
        return _add_hook(_ext(self), "pre", fn)

    def __getattr__(self, name):
        # Only reached when normal lookup fails: PyTorch's ``_saved_*`` attributes come from a
        # table (node classes live in the ops files), everything else is a plain AttributeError.
        getter = _SAVED_TABLE.get(type(self).__name__, _NO_SAVED).get(name)
        if getter is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return getter(self)

    def __dir__(self):
        extra = _SAVED_TABLE.get(type(self).__name__, _NO_SAVED)
        return sorted(set(super().__dir__()) | set(extra))

    def backward(self, grad):  # pragma: no cover - every op overrides it
        raise NotImplementedError

    # Saved tensors ------------------------------------------------------------------------
    def save(self, *tensors) -> None:
        """Keep input tensors for backward, with their versions for the in-place check."""
        self._saved = tensors
        if len(tensors) == 1:
            vc = tensors[0]._vc
            if vc.__class__ is not list:  # an inference tensor's counter (see grad_mode)
                _refuse_inference()
            self._versions = (vc[0],)
        else:
            versions = []
            for t in tensors:
                if t is None:
                    versions.append(0)
                    continue
                vc = t._vc
                if vc.__class__ is not list:
                    _refuse_inference()
                versions.append(vc[0])
            self._versions = tuple(versions)

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
                raise RuntimeError(_version_message(t, versions[i], t.grad_fn))
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
        name = producer.name()
        base = name.split("Backward")[0] if "Backward" in name else name
        desc += f", which is output 0 of {base},"
    from .anomaly_mode import _mode

    if _mode.enabled:
        hint = (
            "Hint: the backtrace further above shows the operation that failed to compute its "
            "gradient. The variable in question was changed in there or anywhere later. Good luck!"
        )
    else:
        hint = (
            "Hint: enable anomaly detection to find the operation that failed to compute its "
            f"gradient, with {_dtype._PREFIX[0]}.autograd.set_detect_anomaly(True, "
            "check_nan=False)."
        )
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: {desc} is at version {t._vc[0]}; expected version {expected} instead. "
        + hint
    )


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds incoming gradients into ``variable.grad``."""

    __slots__ = ("_variable",)

    def __init__(self, variable):
        self._saved = ()
        self._out = None
        self._ext = None
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


# Hooks and extras --------------------------------------------------------------------------------
class _Ext:
    """What few nodes carry: hooks (id -> fn, in registration order), the tensor whose .grad is
    retained, user metadata and the anomaly-mode traceback of the forward call."""

    __slots__ = ("tensor_pre", "retain", "pre", "post", "metadata", "trace")

    def __init__(self):
        self.tensor_pre = self.pre = self.post = None
        self.retain = self.metadata = self.trace = None


def _ext(node) -> _Ext:
    ext = node._ext
    if ext is None:
        ext = node._ext = _Ext()
    return ext


class RemovableHandle:
    """Returned by ``register_hook``: ``remove()`` unregisters the hook (twice is harmless)."""

    next_id = 0

    def __init__(self, hooks: dict):
        self.hooks_dict_ref = weakref.ref(hooks)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1

    def remove(self) -> None:
        hooks = self.hooks_dict_ref()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _HookDict(dict):
    __slots__ = ("__weakref__",)


def _add_hook(ext, kind, fn) -> RemovableHandle:
    hooks = getattr(ext, kind)
    if hooks is None:
        hooks = _HookDict()
        setattr(ext, kind, hooks)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


def _hook_name(fn) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def run_tensor_hooks(hooks, g):
    """A tensor's hooks, in order; each may return a replacement gradient of the same kind."""
    for fn in tuple(hooks.values()):
        new = fn(g)
        if new is None:
            continue
        if not isinstance(new, _t.Tensor):
            raise TypeError(
                f"expected Variable or None (got {type(new).__name__})"
            )
        if new._data.shape != g._data.shape:
            raise RuntimeError(f"hook '{_hook_name(fn)}' has changed the size of value")
        if new._data.dtype != g._data.dtype:
            raise RuntimeError(
                f"hook '{_hook_name(fn)}' has changed the type of value (was "
                f"{g.dtype.legacy_name()} got {new.dtype.legacy_name()})"
            )
        g = new
    return g


def run_node_hooks(hooks, args, values):
    """Node pre-hooks (args=(grad_outputs,)) or post-hooks (args=(grad_inputs, grad_outputs));
    ``values`` is the tuple a hook may replace."""
    for fn in tuple(hooks.values()):
        new = fn(*args)
        if new is None:
            continue
        if not isinstance(new, (tuple, list)):
            new = (new,)
        if len(new) != len(values):
            raise RuntimeError(
                f"hook '{_hook_name(fn)}' has returned an incorrect number of values (got "
                f"{len(new)}, but expected {len(values)})"
            )
        values = tuple(new)
        args = (values,) + args[1:]
    return values


def _refuse_inference():
    p = _dtype._PREFIX[0]
    raise RuntimeError(
        "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
        "inference mode in computation tracked by autograd. To work around this, you can make a "
        "clone to get a normal tensor and use it in autograd, or use `" + p + ".no_grad()` "
        "instead of `" + p + ".inference_mode()`."
    )


# PyTorch's _saved_* attributes -----------------------------------------------------------------
# Node classes live in the ops files; what each keeps is read here, by node name, on demand.
def _in(i):
    def get(node):
        saved = node.saved()
        return saved[i] if i < len(saved) else None

    return get


def _result(node):
    return node.output()


def _slot(name, default=None):
    def get(node):
        try:
            return object.__getattribute__(node, name)
        except AttributeError:
            return default

    return get


def _sizes(node):
    shape = _slot("_shape")(node)
    return tuple(shape) if shape is not None else None


def _scalar_or(i, scalar_slot):
    def get(node):
        t = node.saved()[i]
        if t is None:
            s = _slot(scalar_slot)(node)
            if s is not None:
                return _t._wrap(__import__("numpy").asarray(s))
        return t

    return get


def _mm_sizes(which):
    def get(node):
        a, b = node.saved()
        m, n = node._oshape
        k = a._data.shape[1] if a is not None else b._data.shape[0]
        return (m, k) if which == 0 else (k, n)

    return get


def _numel(node):
    n = 1
    for s in _slot("_shape")(node):
        n *= s
    return n


def _dims_tuple(node):
    d = _slot("_dims")(node)
    return tuple(d) if d is not None else None


_SELF = {"_saved_self": _in(0)}
_RESULT = {"_saved_result": _result}
_ALPHA = {"_saved_alpha": _slot("alpha", 1)}
_SELF_OTHER = {"_saved_self": _in(0), "_saved_other": _scalar_or(1, "_other_scalar")}
_SIZES = {"_saved_self_sym_sizes": _sizes}
_SAVED_TABLE = {
    "AddBackward0": _ALPHA, "SubBackward0": _ALPHA, "RsubBackward1": _ALPHA,
    "MulBackward0": _SELF_OTHER, "DivBackward0": _SELF_OTHER,
    "PowBackward0": {"_saved_self": _in(0), "_saved_exponent": _slot("_saved_exponent")},
    "PowBackward1": {"_saved_self": _in(0), "_saved_exponent": _in(1)},
    "PowBackward2": {"_saved_self": _slot("_base"), "_saved_result": _result},
    "ExpBackward0": _RESULT, "SigmoidBackward0": _RESULT, "TanhBackward0": _RESULT,
    "ReluBackward0": _RESULT, "SqrtBackward0": _RESULT, "ReciprocalBackward0": _RESULT,
    "LogBackward0": _SELF, "AbsBackward0": _SELF, "SinBackward0": _SELF, "CosBackward0": _SELF,
    "Log1PBackward0": _SELF,
    "MmBackward0": {"_saved_self": _in(0), "_saved_mat2": _in(1),
                    "_saved_self_sym_sizes": _mm_sizes(0), "_saved_mat2_sym_sizes": _mm_sizes(1)},
    "MvBackward0": {"_saved_self": _in(0), "_saved_vec": _in(1)},
    "DotBackward0": {"_saved_self": _in(0), "_saved_tensor": _in(1)},
    "BmmBackward0": {"_saved_self": _in(0), "_saved_mat2": _in(1)},
    "SumBackward0": _SIZES,
    "SumBackward1": {"_saved_dim": _dims_tuple, "_saved_keepdim": _slot("_keepdim"), **_SIZES},
    "MeanBackward0": {"_saved_self_sym_numel": _numel, **_SIZES},
    "MeanBackward1": {"_saved_dim": _dims_tuple, "_saved_keepdim": _slot("_keepdim"),
                      "_saved_self_sym_numel": _numel, **_SIZES},
    "ProdBackward0": {"_saved_self": _in(0), "_saved_result": _result},
    "ProdBackward1": {"_saved_self": _in(0), "_saved_result": _result,
                      "_saved_dim": _slot("_dim"), "_saved_keepdim": _slot("_keepdim")},
    "MaxBackward1": {"_saved_self": _in(0), "_saved_result": _result},
    "MinBackward1": {"_saved_self": _in(0), "_saved_result": _result},
    "AmaxBackward0": {"_saved_self": _in(0), "_saved_result": _result,
                      "_saved_dim": _dims_tuple, "_saved_keepdim": _slot("_keepdim")},
    "AminBackward0": {"_saved_self": _in(0), "_saved_result": _result,
                      "_saved_dim": _dims_tuple, "_saved_keepdim": _slot("_keepdim")},
    "ViewBackward0": _SIZES, "ExpandBackward0": _SIZES,
    "TransposeBackward0": {"_saved_dim0": _slot("_d0"), "_saved_dim1": _slot("_d1")},
    "PermuteBackward0": {"_saved_dims": _dims_tuple},
    "UnsqueezeBackward0": {"_saved_dim": _slot("_dim")},
    "ClampBackward1": {"_saved_self": _in(0), "_saved_min": _slot("lo"), "_saved_max": _slot("hi")},
    "MaximumBackward0": {"_saved_self": _in(0), "_saved_other": _in(1)},
    "MinimumBackward0": {"_saved_self": _in(0), "_saved_other": _in(1)},
    "WhereBackward0": {"_saved_condition": _in(0)},
    "SoftmaxBackward0": {"_saved_result": _result, "_saved_dim": _slot("dim")},
    "LogSoftmaxBackward0": {"_saved_result": _result, "_saved_dim": _slot("dim")},
}
_NO_SAVED: dict = {}


# Tensor-side hooks (the Tensor methods are one-line calls into these) --------------------------
def tensor_register_hook(t, fn) -> RemovableHandle:
    """Tensor.register_hook: on a leaf the hook runs before accumulation into .grad; on a
    non-leaf it runs on the gradient of this tensor before its grad_fn sees it."""
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node = t._grad_fn if t._grad_fn is not None else t._accumulator()
    return _add_hook(_ext(node), "tensor_pre", fn)


def tensor_retain_grad(t) -> None:
    if not t._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if t._grad_fn is None:
        return  # a leaf keeps its .grad anyway
    _ext(t._grad_fn).retain = weakref.ref(t)


def tensor_retains_grad(t) -> bool:
    node = t._grad_fn
    if node is None or node._ext is None or node._ext.retain is None:
        return False
    return node._ext.retain() is t


def warn_non_leaf_grad(t) -> None:
    if tensor_retains_grad(t):
        return
    import warnings

    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
        "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
        "instead. See github.com/pytorch/pytorch/pull/30531 for more information.",
        UserWarning, stacklevel=3)
