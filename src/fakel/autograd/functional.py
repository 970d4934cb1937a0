"""jacobian and hessian of Python functions, built on autograd.grad (one backward per output
element, as PyTorch's reverse mode without ``vectorize``)."""

from __future__ import annotations

from .. import _tensor as _t


def _as_tuple(x, arg_name, fn_name):
    if isinstance(x, tuple):
        is_tuple = True
    else:
        is_tuple, x = False, (x,)
    for i, el in enumerate(x):
        if not isinstance(el, _t.Tensor):
            if is_tuple:
                raise TypeError(
                    f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                    f"Tensors but the value at index {i} has type {type(el)}."
                )
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                f"but the given {arg_name} has type {type(el)}."
            )
    return is_tuple, x


def _prepare(inputs, create_graph):
    return tuple(
        x.view_as(x) if create_graph and x._requires_grad else x.detach().requires_grad_(True)
        for x in inputs
    )


def _nest(res, outer_tuple, inner_tuple):
    if not inner_tuple:
        res = tuple(r[0] for r in res)
    return res if outer_tuple else res[0]


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` has shape output_i.shape +
    input_j.shape, nested as in PyTorch. ``vectorize`` and ``strategy`` are accepted and ignored
    (fakel always runs one backward per output element)."""
    from .. import stack, zeros_like
    from . import grad

    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = _prepare(inputs, create_graph)
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(
        outputs, "outputs of the user-provided function", "jacobian"
    )
    result = []
    for i, out in enumerate(outputs):
        if strict and not out._requires_grad:
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when running "
                "in strict mode."
            )
        n = out._data.size
        rows = [[] for _ in inputs]
        for k in range(n):
            if out._requires_grad:
                onehot = _t._np.zeros(n, dtype=out._data.dtype)
                onehot[k] = 1
                g = _t._wrap(onehot.reshape(out._data.shape))
                grads = grad(out, inputs, g, retain_graph=True, create_graph=create_graph,
                             allow_unused=True)
            else:
                grads = (None,) * len(inputs)
            for j, gj in enumerate(grads):
                if gj is None:
                    if strict and out._requires_grad:
                        raise RuntimeError(
                            f"The output of the user-provided function is independent of input "
                            f"{j}. This is not allowed in strict mode."
                        )
                    gj = zeros_like(inputs[j])
                rows[j].append(gj)
        jac_i = []
        for j, x in enumerate(inputs):
            shape = tuple(out._data.shape) + tuple(x._data.shape)
            if n:
                jac = stack(rows[j]).view(shape)
            else:
                jac = _t._wrap(_t._np.zeros(shape, dtype=x._data.dtype))
            jac_i.append(jac if create_graph else jac.detach())
        result.append(tuple(jac_i))
    return _nest(tuple(result), is_outputs_tuple, is_inputs_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar-valued ``func`` at ``inputs`` (nested as in PyTorch)."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if is_out_tuple or not isinstance(out, _t.Tensor):
            raise RuntimeError(
                "The function given to hessian should return a single Tensor"
            )
        if out._data.size != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single "
                "element"
            )
        return out.squeeze()

    def jac_func(*inp):
        return jacobian(ensure_single_output_function, inp, create_graph=True, strict=strict)

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict)
    return _nest(res, is_inputs_tuple, True) if is_inputs_tuple else res[0][0]


def __getattr__(name):
    # A name PyTorch has here and fakel lacks raises NotImplementedError naming it.
    from .._dropin import missing_attribute

    return missing_attribute(__name__, name)
