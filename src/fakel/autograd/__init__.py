"""fakel.autograd: backward, grad, grad modes, gradcheck, and the graph node classes."""

from __future__ import annotations

from .. import _tensor as _t
from .._dtype import _PREFIX
from .engine import run_backward
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .graph import Node


def _seq(x):
    if x is None:
        return None
    return (x,) if isinstance(x, _t.Tensor) else tuple(x)


def _grads_for(outputs, grad_outputs):
    """grad_outputs as a tuple matching ``outputs``, with PyTorch's count check."""
    if grad_outputs is None:
        return (None,) * len(outputs)
    grads = _seq(grad_outputs)[: len(outputs)]
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None) -> None:
    """Accumulate gradients of ``tensors`` into the .grad of the leaves that need them."""
    tensors = _seq(tensors)
    grads = _grads_for(tensors, grad_tensors)
    if create_graph:
        import warnings

        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this "
            "function, make sure to reset the .grad fields of your parameters to None after use "
            "to break the cycle and avoid the leak.", UserWarning, stacklevel=3)
    if inputs is not None:
        inputs = _seq(inputs)
        if len(inputs) == 0:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned (never stored in .grad).

    ``inputs`` may be a dict (the result is then a dict with the same keys).
    ``is_grads_batched`` runs one backward per row of the grad_outputs (no vmap).
    """
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but "
            "got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _seq(outputs)
    keys = None
    if type(inputs) is dict:
        keys = list(inputs)
        inputs = tuple(inputs.values())
    else:
        inputs = _seq(inputs)
    if len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if not only_inputs:
        import warnings

        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use "
            "torch.autograd.backward.".replace("torch.", _PREFIX[0] + "."), FutureWarning,
            stacklevel=2)
    grads = _grads_for(outputs, grad_outputs)
    if is_grads_batched:
        result = _batched(outputs, inputs, grads, retain_graph, create_graph, allow_unused)
    else:
        result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                              accumulate=False)
        for i, g in enumerate(result):
            if g is None and not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
    if materialize_grads:
        from .._creation import zeros_like

        result = [g if g is not None else zeros_like(inputs[i], requires_grad=create_graph)
                  for i, g in enumerate(result)]
    result = tuple(result)
    return dict(zip(keys, result)) if keys is not None else result


def _batched(outputs, inputs, grads, retain_graph, create_graph, allow_unused):
    from .. import stack

    n = grads[0].shape[0]
    rows = []
    for b in range(n):
        last = b == n - 1
        rows.append(grad(outputs, inputs, [g[b] for g in grads],
                         retain_graph=retain_graph if last else True, create_graph=create_graph,
                         allow_unused=allow_unused))
    return [None if rows[0][i] is None else stack([r[i] for r in rows])
            for i in range(len(inputs))]


from . import functional  # noqa: E402
from .anomaly_mode import (  # noqa: E402
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .function import Function, FunctionCtx, once_differentiable  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402

__all__ = [
    "Function", "FunctionCtx", "Node", "backward", "detect_anomaly", "functional",
    "is_anomaly_check_nan_enabled", "is_anomaly_enabled", "once_differentiable",
    "set_detect_anomaly", "enable_grad", "grad", "gradcheck", "gradgradcheck", "inference_mode",
    "is_grad_enabled", "is_inference_mode_enabled", "no_grad", "set_grad_enabled",
]


def __getattr__(name):
    # A name PyTorch has here and fakel lacks raises NotImplementedError naming it.
    from .._dropin import missing_attribute

    return missing_attribute(__name__, name)
