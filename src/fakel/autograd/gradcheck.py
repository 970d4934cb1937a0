"""gradcheck / gradgradcheck: compare analytical (autograd) and numerical (central difference)
Jacobians, with PyTorch's algorithm and defaults."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _tensor as _t


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(x):
    """The outputs gradcheck looks at: floating-point tensors (sort's indices are skipped)."""
    return tuple(o for o in _as_tuple(x) if isinstance(o, _t.Tensor) and o._data.dtype.kind == "f")


def _differentiable_inputs(inputs):
    return [i for i, x in enumerate(inputs) if isinstance(x, _t.Tensor) and x._requires_grad]


def _numerical(fn, inputs, outputs, idx, eps):
    """J[out][in] as arrays (out_numel x in_numel) by central differences, perturbing in place."""
    jac = [[np.zeros((o._data.size, inputs[i]._data.size)) for i in idx] for o in outputs]
    for col, i in enumerate(idx):
        x = inputs[i]._data
        if not x.flags.c_contiguous:
            raise ValueError("gradcheck inputs must be contiguous")
        flat = x.reshape(-1)  # a view, since x is contiguous
        for j in range(flat.size):
            orig = flat[j].item()
            flat[j] = orig - eps
            a = [o._data.astype(np.float64).copy() for o in _float_outputs(fn(*inputs))]
            flat[j] = orig + eps
            b = [o._data.astype(np.float64).copy() for o in _float_outputs(fn(*inputs))]
            flat[j] = orig
            for k in range(len(outputs)):
                jac[k][col][:, j] = ((b[k] - a[k]) / (2 * eps)).reshape(-1)
    return jac


def _analytical(inputs, outputs, idx):
    from . import grad as autograd_grad

    jac = [[np.zeros((o._data.size, inputs[i]._data.size)) for i in idx] for o in outputs]
    diff_in = [inputs[i] for i in idx]
    for k, o in enumerate(outputs):
        if not o._requires_grad:
            continue
        for r in range(o._data.size):
            e = np.zeros(o._data.size, dtype=o._data.dtype)
            e[r] = 1
            g = _t._wrap(e.reshape(o._data.shape))
            grads = autograd_grad(o, diff_in, g, retain_graph=True, allow_unused=True)
            again = autograd_grad(o, diff_in, g, retain_graph=True, allow_unused=True)
            for col, (gi, gj) in enumerate(zip(grads, again)):
                if gi is None:
                    continue
                if gi._data.shape != diff_in[col]._data.shape:
                    raise GradcheckError(
                        f"Gradient has incorrect size for input {idx[col]}: expected "
                        f"{diff_in[col].shape!r}, got {gi.shape!r}"
                    )
                if not np.array_equal(gi._data, gj._data, equal_nan=True):
                    raise GradcheckError(
                        "Backward is not reentrant, i.e., running backward with same input and "
                        "grad_output multiple times gives different values, although analytical "
                        "gradient matches numerical gradient.The tolerance for nondeterminism "
                        "was 0.0."
                    )
                jac[k][col][r, :] = gi._data.astype(np.float64).reshape(-1)
    return jac


def _fmt(a):
    from .._creation import tensor

    return repr(tensor(a, dtype=np.float64))


def gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None) -> bool:
    """True when ``func``'s autograd Jacobian matches central differences at ``inputs``.

    Same algorithm and defaults as PyTorch's slow mode; ``fast_mode`` is accepted and runs the
    slow (exact) check. Forward-mode and batched checks are not available in fakel.
    """
    inputs = _as_tuple(inputs)
    idx = _differentiable_inputs(inputs)
    if not idx:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )
    for i in idx:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ", UserWarning, stacklevel=2)
        if 0 in inputs[i]._data.strides and inputs[i]._data.size > 1:
            raise RuntimeError(
                f"The {i}th input has a dimension with stride 0. gradcheck only supports inputs "
                "that are non-overlapping to be able to compute the numerical gradients "
                "correctly. You should call .contiguous on the input before passing it to "
                "gradcheck."
            )
    outputs = _float_outputs(func(*inputs))
    try:
        # Evaluated with grad mode on: gradgradcheck's function itself calls autograd.grad.
        numerical = _numerical(func, inputs, outputs, idx, eps)
        analytical = _analytical(inputs, outputs, idx)
        for k in range(len(outputs)):
            for col, i in enumerate(idx):
                a, n = analytical[k][col], numerical[k][col]
                if not outputs[k]._requires_grad:
                    if np.any(n != 0):
                        raise GradcheckError("Numerical gradient for function expected to be zero")
                    continue
                if not np.allclose(a, n, rtol=rtol, atol=atol):
                    raise GradcheckError(
                        f"Jacobian mismatch for output {k} with respect to input {i},\n"
                        f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n"
                    )
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-06, atol=1e-05, rtol=0.001,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False) -> bool:
    """gradcheck of the gradient: checks that every backward formula is itself differentiable."""
    from .. import rand
    from . import grad as autograd_grad

    inputs = _as_tuple(inputs)
    outputs = _float_outputs(func(*inputs))
    if grad_outputs is None:
        grad_outputs = tuple(
            (rand(o.shape, dtype=o.dtype) * 2 - 1).requires_grad_() for o in outputs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    idx = _differentiable_inputs(inputs)

    def new_func(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _float_outputs(func(*ins))
        diff = [ins[i] for i in idx]
        pairs = [(o, g) for o, g in zip(outs, gos) if o._requires_grad]
        grads = autograd_grad([o for o, _ in pairs], diff, [g for _, g in pairs],
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
