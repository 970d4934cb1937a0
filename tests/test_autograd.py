"""Autograd parity with PyTorch: backward, accumulation, grad modes, in-place ops and versions,
graph structure, autograd.grad and higher order, gradcheck, kinks, deep graphs and memory."""

from __future__ import annotations

import gc
import operator
import sys
import threading
import warnings
import weakref

import numpy as np
import pytest
import torch

import fakel

LIBS = {"torch": torch, "fakel": fakel}

# Every scenario below is a function of the library module that returns what it observed (values,
# flags, names, identity facts). The same function runs against torch (the oracle) and fakel, and
# the observations, normalised (tensors to dtype/shape/values, nodes to names), must agree.
SCENARIOS: dict = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


@pytest.fixture(autouse=True)
def _grad_mode_restored():
    # A broken grad-mode switch must not leak into the tests that follow it.
    yield
    torch.set_grad_enabled(True)
    fakel.set_grad_enabled(True)


def _is_tensor(obj) -> bool:
    return isinstance(obj, (torch.Tensor, fakel.Tensor))


def _is_node(obj) -> bool:
    return hasattr(obj, "next_functions") and hasattr(obj, "name") and not _is_tensor(obj)


def _dtype_name(dtype) -> str:
    return str(dtype).split(".")[-1]


def _node_name(node):
    return None if node is None else type(node).__name__


def norm(obj):
    """A library-independent picture of an observation."""
    if _is_tensor(obj):
        return {
            "dtype": _dtype_name(obj.dtype),
            "shape": tuple(obj.shape),
            "requires_grad": obj.requires_grad,
            "grad_fn": _node_name(obj.grad_fn),
            "values": np.array(obj.detach().tolist()),
        }
    if _is_node(obj):
        return ("node", _node_name(obj))
    if isinstance(obj, dict):
        return {k: norm(v) for k, v in obj.items()}
    if isinstance(obj, (tuple, list)):
        return type(obj)(norm(v) for v in obj)
    if isinstance(obj, (torch.dtype, fakel.dtype)):
        return ("dtype", _dtype_name(obj))
    return obj


def assert_same(actual, expected, path="result"):
    if isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), f"{path}: {actual!r} is not an array"
        assert actual.shape == expected.shape, f"{path}: shape {actual.shape} != {expected.shape}"
        if expected.dtype.kind == "f" or actual.dtype.kind == "f":
            np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-7, equal_nan=True,
                                       err_msg=path)
        else:
            assert actual.tolist() == expected.tolist(), f"{path}: {actual} != {expected}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), (
            f"{path}: {actual!r} != {expected!r}")
        for k in expected:
            assert_same(actual[k], expected[k], f"{path}[{k!r}]")
    elif isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected) and len(actual) == len(expected), (
            f"{path}: {actual!r} != {expected!r}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, f"{path}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float), f"{path}: {actual!r} != {expected!r}"
        np.testing.assert_allclose(actual, expected, rtol=1e-6, equal_nan=True, err_msg=path)
    else:
        assert type(actual) is type(expected) and actual == expected, (
            f"{path}: {actual!r} != {expected!r}")


def structure(node):
    """A node's graph as nested names: (name, ((child, output_nr), ...))."""
    if node is None:
        return None
    return (_node_name(node), tuple((structure(n), nr) for n, nr in node.next_functions))


def _x(lib, values=(1.0, 2.0, 3.0), dtype=None):
    return lib.tensor(list(values), dtype=dtype or lib.float32, requires_grad=True)


# backward(): scalars, [1] shapes, explicit gradients, dtypes, broadcasting ---------------------


@scenario
def backward_scalar(lib):
    x = _x(lib)
    y = (x * x).sum()
    y.backward()
    return {"y": y, "grad": x.grad}


@scenario
def backward_shape_one(lib):
    x = lib.tensor([2.0], requires_grad=True)
    y = x * 3
    y.backward()
    return {"y": y, "grad": x.grad}


@scenario
def backward_explicit_gradient(lib):
    x = _x(lib)
    y = x * 2
    y.backward(lib.tensor([1.0, 10.0, 100.0]))
    return x.grad


@scenario
def backward_float64_gradient_on_float32_output(lib):
    x = _x(lib)
    y = x * 2
    y.backward(lib.tensor([1.0, 10.0, 100.0], dtype=lib.float64))
    return x.grad


@scenario
def backward_int64_gradient_on_float32_output(lib):
    x = _x(lib)
    y = x * 2
    y.backward(lib.tensor([1, 10, 100]))
    return x.grad


@scenario
def backward_float64_leaf_gradient_on_float32_leaf(lib):
    x = _x(lib)
    x.backward(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64))
    return x.grad


@scenario
def backward_broadcast_summed_back(lib):
    x = lib.ones(3, requires_grad=True)
    y = lib.ones(2, 1, requires_grad=True)
    (x * y).sum().backward()
    return {"x": x.grad, "y": y.grad}


@scenario
def backward_broadcast_values(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = lib.tensor([[4.0], [5.0]], requires_grad=True)
    w = lib.tensor([[1.0, -1.0, 2.0], [0.5, 3.0, -2.0]])
    (x * y * w).sum().backward()
    return {"x": x.grad, "y": y.grad}


@scenario
def backward_mixed_float32_float64_leaves(lib):
    a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([3.0, 4.0], dtype=lib.float32, requires_grad=True)
    y = a * b
    y.sum().backward()
    return {"y": y, "a": a.grad, "b": b.grad}


@scenario
def backward_mixed_broadcast_and_dtype(lib):
    a = lib.tensor([[1.0], [2.0]], dtype=lib.float32, requires_grad=True)
    b = lib.tensor([3.0, 4.0, 5.0], dtype=lib.float64, requires_grad=True)
    (a + b * a).sum().backward()
    return {"a": a.grad, "b": b.grad}


# .grad: a new tensor first, then accumulation in place ----------------------------------------


@scenario
def first_backward_makes_new_grad(lib):
    x = _x(lib)
    y = _x(lib, (4.0, 5.0, 6.0))
    z = x + y
    g = lib.tensor([1.0, 2.0, 3.0])
    z.backward(g)
    facts = {
        "x_grad_is_g": x.grad is g,
        "y_grad_is_g": y.grad is g,
        "x_grad_is_y_grad": x.grad is y.grad,
    }
    g.mul_(100)
    x.grad.add_(1)
    return {**facts, "x": x.grad, "y": y.grad, "g": g}


@scenario
def leaf_backward_makes_new_grad(lib):
    x = _x(lib)
    g = lib.tensor([1.0, 1.0, 1.0])
    x.backward(g)
    is_g = x.grad is g
    g.add_(5)
    return {"is_g": is_g, "grad": x.grad}


@scenario
def later_backward_accumulates_in_place(lib):
    x = _x(lib)
    (x * 2).sum().backward()
    first = x.grad
    (x * x).sum().backward()
    second = x.grad
    (x * 3).sum().backward()
    return {"same_1": second is first, "same_2": x.grad is first, "grad": x.grad}


@scenario
def accumulation_with_broadcast_and_dtype(lib):
    x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    c = lib.ones(3, 2)
    (x * c).sum().backward()
    first = x.grad
    (x.float() * c).sum().backward()
    return {"same": x.grad is first, "grad": x.grad}


@scenario
def retain_graph_second_backward(lib):
    x = _x(lib)
    y = (x * x).exp().sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


@scenario
def no_saved_tensors_backward_twice(lib):
    x = _x(lib)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    return x.grad


@scenario
def unused_leaf_keeps_grad_none(lib):
    x = _x(lib)
    w = _x(lib)
    (x * 2).sum().backward()
    return {"x": x.grad, "w_is_none": w.grad is None}


@scenario
def backward_inside_no_grad(lib):
    x = _x(lib)
    y = (x * x).sum()
    with lib.no_grad():
        y.backward()
    return {"grad": x.grad, "enabled": lib.is_grad_enabled()}


@scenario
def backward_inputs_only_accumulates_into_them(lib):
    a = _x(lib)
    b = _x(lib, (4.0, 5.0, 6.0))
    (a * b).sum().backward(inputs=[a])
    return {"a": a.grad, "b_is_none": b.grad is None}


@scenario
def autograd_backward_function(lib):
    a = _x(lib)
    b = _x(lib, (4.0, 5.0, 6.0))
    lib.autograd.backward([(a * b).sum(), a * 2], [None, lib.ones(3)])
    return {"a": a.grad, "b": b.grad}


# Grad modes -----------------------------------------------------------------------------------


@scenario
def grad_mode_context_nesting(lib):
    x = _x(lib)
    seen = [lib.is_grad_enabled()]
    with lib.no_grad():
        seen += [lib.is_grad_enabled(), (x * 2).requires_grad]
        with lib.enable_grad():
            seen += [lib.is_grad_enabled(), (x * 2).requires_grad]
            with lib.no_grad():
                seen += [lib.is_grad_enabled(), (x * 2).requires_grad]
            seen.append(lib.is_grad_enabled())
        seen.append(lib.is_grad_enabled())
        with lib.set_grad_enabled(True):
            seen += [lib.is_grad_enabled(), (x * 2).requires_grad]
        seen.append(lib.is_grad_enabled())
    seen += [lib.is_grad_enabled(), (x * 2).requires_grad]
    with lib.set_grad_enabled(False):
        seen += [lib.is_grad_enabled(), (x * 2).requires_grad]
    seen.append(lib.is_grad_enabled())
    return seen


@scenario
def grad_mode_restored_after_exception(lib):
    seen = []
    try:
        with lib.no_grad():
            raise KeyError("boom")
    except KeyError:
        pass
    seen.append(lib.is_grad_enabled())
    with lib.no_grad():
        try:
            with lib.enable_grad():
                raise ValueError
        except ValueError:
            pass
        seen.append(lib.is_grad_enabled())
    try:
        with lib.set_grad_enabled(False):
            raise ValueError
    except ValueError:
        pass
    seen.append(lib.is_grad_enabled())

    @lib.no_grad()
    def failing():
        raise IndexError

    try:
        failing()
    except IndexError:
        pass
    seen.append(lib.is_grad_enabled())
    return seen


@scenario
def grad_mode_decorators(lib):
    x = _x(lib)

    @lib.no_grad()
    def parens(a):
        return lib.is_grad_enabled(), (a * 2).requires_grad

    @lib.no_grad
    def bare(a):
        return lib.is_grad_enabled(), (a * 2).requires_grad

    @lib.enable_grad()
    def enabled_parens(a):
        return lib.is_grad_enabled(), (a * 2).requires_grad

    @lib.enable_grad
    def enabled_bare(a):
        return lib.is_grad_enabled(), (a * 2).requires_grad

    @lib.set_grad_enabled(False)
    def disabled(a):
        return lib.is_grad_enabled(), (a * 2).requires_grad

    after_decorating = lib.is_grad_enabled()
    seen = [after_decorating, parens(x), bare(x), lib.is_grad_enabled(), disabled(x)]
    with lib.no_grad():
        seen += [enabled_parens(x), enabled_bare(x), lib.is_grad_enabled()]
    seen += [parens.__name__, bare.__name__, lib.is_grad_enabled()]
    return seen


@scenario
def grad_mode_generator_function(lib):
    x = _x(lib)

    @lib.no_grad()
    def gen():
        yield lib.is_grad_enabled()
        yield (x * 2).requires_grad
        with lib.enable_grad():
            yield (x * 2).requires_grad
        yield lib.is_grad_enabled()

    @lib.enable_grad()
    def gen_enabled():
        yield lib.is_grad_enabled()

    g = gen()
    seen = [next(g), lib.is_grad_enabled(), next(g), (x * 2).requires_grad, next(g), next(g)]
    seen.append(lib.is_grad_enabled())
    with lib.no_grad():
        seen += [list(gen_enabled()), lib.is_grad_enabled()]
    return seen


@scenario
def set_grad_enabled_plain_call(lib):
    x = _x(lib)
    lib.set_grad_enabled(False)
    try:
        seen = [lib.is_grad_enabled(), (x * 2).requires_grad]
    finally:
        lib.set_grad_enabled(True)
    seen += [lib.is_grad_enabled(), (x * 2).requires_grad]
    with lib.no_grad():
        lib.set_grad_enabled(True)
        seen.append(lib.is_grad_enabled())
    seen.append(lib.is_grad_enabled())
    return seen


@scenario
def grad_mode_is_thread_local(lib):
    seen = {}

    def worker():
        x = _x(lib)
        seen["thread_start"] = lib.is_grad_enabled()
        seen["thread_records"] = (x * 2).requires_grad
        lib.set_grad_enabled(False)
        seen["thread_after_disable"] = lib.is_grad_enabled()

    with lib.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        seen["main_inside"] = lib.is_grad_enabled()
    seen["main_after"] = lib.is_grad_enabled()
    return seen


@scenario
def factory_requires_grad_inside_no_grad(lib):
    with lib.no_grad():
        a = lib.ones(2, requires_grad=True)
        b = lib.tensor([1.0, 2.0], requires_grad=True)
        c = a * 2 + b
    return {
        "a": a, "a_leaf": a.is_leaf, "b": b, "b_leaf": b.is_leaf,
        "c": c, "c_leaf": c.is_leaf, "c_grad_fn_none": c.grad_fn is None,
    }


@scenario
def inference_mode_context(lib):
    x = _x(lib)
    with lib.inference_mode():
        y = x * 2
        inside = [lib.is_grad_enabled(), lib.is_inference_mode_enabled()]
    with lib.inference_mode(False):
        z = x * 2

    @lib.inference_mode()
    def decorated(a):
        return (a * 2).requires_grad

    return {
        "y": y, "y_leaf": y.is_leaf, "inside": inside, "z": z,
        "after": [lib.is_grad_enabled(), lib.is_inference_mode_enabled()],
        "decorated": decorated(x), "after_decorated": lib.is_grad_enabled(),
    }


# detach, requires_grad_, .data ----------------------------------------------------------------


@scenario
def detach_shares_memory_and_version(lib):
    x = _x(lib)
    d = x.detach()
    facts = {"d": d, "d_leaf": d.is_leaf, "d_is_x": d is x}
    d[0] = 10.0
    d.mul_(2)
    return {**facts, "x": x, "x_version": x._version, "d_version": d._version}


@scenario
def detach_of_non_leaf(lib):
    x = _x(lib)
    y = x * 2
    d = y.detach()
    d.add_(1)
    return {"y": y, "d": d, "y_version": y._version, "d_leaf": d.is_leaf}


@scenario
def requires_grad_method(lib):
    t = lib.ones(2)
    r = t.requires_grad_()
    facts = {"same": r is t, "t": t, "leaf": t.is_leaf}
    (t * 3).sum().backward()
    u = lib.ones(2, requires_grad=True)
    u.requires_grad_(False)
    return {**facts, "grad": t.grad, "u": u}


@scenario
def requires_grad_not_retroactive(lib):
    a = lib.ones(2)
    b = a * 2
    a.requires_grad_()
    c = a * 2
    return {"b": b, "c": c}


@scenario
def data_shares_memory(lib):
    x = _x(lib)
    d = x.data
    facts = {"d": d, "leaf": d.is_leaf, "is_x": d is x}
    d[1] = 20.0
    d.mul_(2)
    return {**facts, "x": x, "x_version": x._version, "d_version": d._version}


@scenario
def data_inplace_not_seen_by_version_check(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = a.exp()
    b.data.mul_(0)
    version = b._version
    b.sum().backward()
    return {"version": version, "grad": a.grad}


@scenario
def data_update_between_steps(lib):
    x = _x(lib)
    (x * x).sum().backward()
    x.data -= 0.1 * x.grad
    return {"x": x, "version": x._version, "leaf": x.is_leaf}


@scenario
def data_assignment_changes_shape(lib):
    x = lib.zeros(2, requires_grad=True)
    x.data = lib.tensor([1.0, 2.0, 3.0])
    facts = {"x": x, "leaf": x.is_leaf}
    (x * x).sum().backward()
    return {**facts, "grad": x.grad}


# Leaves and requires_grad propagation ---------------------------------------------------------


@scenario
def is_leaf_table(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([1.0, 2.0])
    rows = {"a": a, "b": b, "a*2": a * 2, "b*2": b * 2, "a.detach()": a.detach()}
    return {k: (v.is_leaf, v.requires_grad, _node_name(v.grad_fn)) for k, v in rows.items()}


@scenario
def requires_grad_propagation(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, 4.0])
    outs = {
        "a+b": a + b, "b+a": b + a, "b+b": b + b, "b*a.sum()": b * a.sum(),
        "a.detach()*b": a.detach() * b, "(a*b).exp()": (a * b).exp(),
    }
    return {k: (v.requires_grad, v.is_leaf) for k, v in outs.items()}


@scenario
def integer_and_bool_outputs_never_require_grad(lib):
    a = lib.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    outs = {
        "argmax": a.argmax(), "argmax0": a.argmax(0), "argmin": a.argmin(),
        "gt": a > 1, "eq": a == a, "long": a.long(), "int": a.int(), "bool": a.bool(),
        "max_indices": a.max(0).indices, "long_plus": a.long() + 1,
    }
    return {k: (v.requires_grad, v.grad_fn is None, v.is_leaf, _dtype_name(v.dtype))
            for k, v in outs.items()}


# In-place ops: rebased history, gradients, versions --------------------------------------------


INPLACE = {
    "add_": lambda y, lib: y.add_(1),
    "add_tensor": lambda y, lib: y.add_(lib.tensor([1.0, 2.0, 3.0]), alpha=2),
    "sub_": lambda y, lib: y.sub_(0.5),
    "mul_": lambda y, lib: y.mul_(3),
    "mul_tensor": lambda y, lib: y.mul_(lib.tensor([1.0, -2.0, 3.0])),
    "div_": lambda y, lib: y.div_(4),
    "zero_": lambda y, lib: y.zero_(),
    "relu_": lambda y, lib: y.relu_(),
    "clamp_": lambda y, lib: y.clamp_(-1.0, 3.0),
    "clamp_min": lambda y, lib: y.clamp_(min=0.0),
    "iadd": lambda y, lib: operator.iadd(y, 2),
    "isub": lambda y, lib: operator.isub(y, 2),
    "imul": lambda y, lib: operator.imul(y, 3),
    "idiv": lambda y, lib: operator.itruediv(y, 2),
    "iadd_tensor": lambda y, lib: operator.iadd(y, lib.tensor([1.0, 2.0, 3.0])),
    "imul_tensor": lambda y, lib: operator.imul(y, lib.tensor([2.0, 2.0, -1.0])),
}


def _inplace_scenario(op):
    def run(lib):
        x = lib.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        y = x * 2
        r = INPLACE[op](y, lib)
        facts = {
            "returns_self": r is y, "y": y, "leaf": y.is_leaf, "version": y._version,
            "graph": structure(y.grad_fn), "name": y.grad_fn.name(),
        }
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return {**facts, "grad": x.grad}

    run.__name__ = f"inplace_on_non_leaf_{op}"
    return run


for _op in INPLACE:
    scenario(_inplace_scenario(_op))


@scenario
def inplace_chain_on_non_leaf(lib):
    x = _x(lib)
    y = x * 2
    y.add_(1)
    y.mul_(y.detach().clone())
    y.sub_(1)
    y /= 2
    y -= x
    y *= x
    y += 1
    facts = {"y": y, "version": y._version, "graph": structure(y.grad_fn)}
    (y * y).sum().backward()
    return {**facts, "grad": x.grad}


@scenario
def inplace_with_differentiable_argument(lib):
    x = _x(lib)
    w = _x(lib, (4.0, 5.0, 6.0))
    y = x * 1
    y.mul_(w)
    facts = {"y": y, "graph": structure(y.grad_fn)}
    (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
    return {**facts, "x": x.grad, "w": w.grad}


@scenario
def inplace_div_and_add_with_differentiable_argument(lib):
    x = _x(lib)
    w = _x(lib, (4.0, 5.0, 6.0))
    y = x * 3
    y.div_(w)
    y.add_(w, alpha=-2)
    y.sub_(x)
    facts = {"y": y, "graph": structure(y.grad_fn)}
    (y * y).sum().backward()
    return {**facts, "x": x.grad, "w": w.grad}


@scenario
def inplace_relu_then_exp(lib):
    x = lib.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = x * 1.5
    y.relu_()
    z = y.exp()
    z.sum().backward()
    return {"z": z, "graph": structure(z.grad_fn), "grad": x.grad}


@scenario
def inplace_on_leaf_under_no_grad(lib):
    x = _x(lib)
    with lib.no_grad():
        x.add_(1)
        x.mul_(2)
    facts = {"x": x, "leaf": x.is_leaf, "grad_fn_none": x.grad_fn is None,
             "version": x._version}
    (x * x).sum().backward()
    return {**facts, "grad": x.grad}


@scenario
def setitem_on_leaf_under_no_grad(lib):
    x = _x(lib)
    with lib.no_grad():
        x[0] = 7.0
    return {"x": x, "leaf": x.is_leaf, "version": x._version}


@scenario
def every_inplace_op_bumps_version_once(lib):
    t = lib.ones(3)
    versions = [t._version]
    ops = [
        lambda: t.add_(1), lambda: t.sub_(1), lambda: t.mul_(2), lambda: t.div_(2),
        lambda: t.pow_(2), lambda: t.neg_(), lambda: t.clamp_(-1, 1), lambda: t.relu_(),
        lambda: t.zero_(), lambda: t.fill_(2.0), lambda: t.copy_(lib.tensor([1.0, 2.0, 3.0])),
        lambda: t.__setitem__(0, 5.0), lambda: t.__setitem__(slice(1, 3), lib.ones(2)),
        lambda: t.__iadd__(1), lambda: t.__isub__(1), lambda: t.__imul__(2),
        lambda: t.__itruediv__(2), lambda: t.uniform_(), lambda: t.normal_(),
    ]
    for op in ops:
        op()
        versions.append(t._version)
    return versions


@scenario
def two_inplace_ops_version_two(lib):
    x = _x(lib)
    y = x * 2
    y.add_(1)
    y.mul_(2)
    t = lib.zeros(2)
    t.add_(1)
    t.add_(1)
    return {"y": y._version, "t": t._version, "x": x._version}


@scenario
def setitem_on_non_leaf(lib):
    x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = lib.tensor([5.0, 6.0], requires_grad=True)
    y = x * 2
    y[1:3] = v * 3
    facts = {"y": y, "version": y._version, "leaf": y.is_leaf}
    (y * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    return {**facts, "x": x.grad, "v": v.grad}


@scenario
def setitem_scalar_and_index_on_non_leaf(lib):
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = lib.tensor(9.0, requires_grad=True)
    y = x.sin()
    y[0, 1] = v
    y[1] = 0.5
    facts = {"y": y, "version": y._version}
    (y * y).sum().backward()
    return {**facts, "x": x.grad, "v": v.grad}


@scenario
def setitem_grad_value_into_plain_tensor(lib):
    t = lib.zeros(4)
    v = lib.tensor([2.0, 3.0], requires_grad=True)
    t[1:3] = v
    facts = {"t": t, "leaf": t.is_leaf, "version": t._version}
    (t * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    return {**facts, "v": v.grad}


@scenario
def setitem_copy_slices_name(lib):
    t = lib.zeros(4)
    t[1:3] = lib.tensor([2.0, 3.0], requires_grad=True)
    return t.grad_fn.name()


@scenario
def setitem_copy_slices_next_functions(lib):
    t = lib.zeros(4)
    v = lib.tensor([2.0, 3.0], requires_grad=True)
    t[1:3] = v
    x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x * 2
    y[0] = v[0]
    return {"plain": structure(t.grad_fn), "non_leaf": structure(y.grad_fn)}


@scenario
def optimizer_step_bumps_version(lib):
    p = lib.tensor([1.0, -2.0], requires_grad=True)
    opt = lib.optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    first = {"p": p, "version": p._version, "leaf": p.is_leaf, "fn": p.grad_fn is None}
    opt.zero_grad()
    (p * p).sum().backward()
    opt.step()
    return {**first, "p2": p, "version2": p._version, "leaf2": p.is_leaf}


# Graph structure --------------------------------------------------------------------------------


@scenario
def graph_identity_facts(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    z = x + x
    fn = z.grad_fn
    (a, na), (b, nb) = fn.next_functions
    other = (x * 3).grad_fn.next_functions[0][0]
    return {
        "same_acc_twice": a is b, "output_nrs": (na, nb), "acc_variable_is_x": a.variable is x,
        "acc_next": a.next_functions, "acc_name": a.name(), "acc_type": _node_name(a),
        "grad_fn_same_object": z.grad_fn is fn, "name": fn.name(), "leaf_grad_fn": x.grad_fn,
        "metadata": fn.metadata, "shared_across_graphs": other is a,
    }


GRAPHS = {
    "x*y": lambda x, y, w: x * y,
    "y*x": lambda x, y, w: y * x,
    "x+1": lambda x, y, w: x + 1,
    "1+x": lambda x, y, w: 1 + x,
    "x-1": lambda x, y, w: x - 1,
    "x*2": lambda x, y, w: x * 2,
    "x/2": lambda x, y, w: x / 2,
    "2/x": lambda x, y, w: 2 / x,
    "1-x": lambda x, y, w: 1 - x,
    "x**2": lambda x, y, w: x**2,
    "x**0.5": lambda x, y, w: x**0.5,
    "2**x": lambda x, y, w: 2**x,
    "x**x": lambda x, y, w: x**x,
    "x**w": lambda x, y, w: x**w,
    "x+x": lambda x, y, w: x + x,
    "(x*w).sum()": lambda x, y, w: (x * w).sum(),
    "x.exp().log()": lambda x, y, w: x.exp().log(),
    "x.view(2,1)": lambda x, y, w: x.view(2, 1),
    "-x": lambda x, y, w: -x,
    "x.relu()": lambda x, y, w: x.relu(),
    "x.sum()": lambda x, y, w: x.sum(),
    "x[0]": lambda x, y, w: x[0],
    "x.square()": lambda x, y, w: x.square(),
    "deep": lambda x, y, w: ((x * w + y).exp() * x).sum(0) / w.sum(),
}


@scenario
def next_functions_table(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0])
    w = lib.tensor([5.0, 6.0], requires_grad=True)
    return {k: structure(f(x, y, w).grad_fn) for k, f in GRAPHS.items()}


@scenario
def calling_a_node_directly(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0])
    z = x * y
    return z.grad_fn(lib.ones(2))


@scenario
def calling_a_node_directly_both_inputs(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0], requires_grad=True)
    return (x * y).grad_fn(lib.tensor([1.0, 10.0]))


@scenario
def saved_tensors(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0], requires_grad=True)
    m = (x * y).grad_fn
    p = (x**2).grad_fn
    return {
        "mul_self": m._saved_self, "mul_other": m._saved_other,
        "pow_self": p._saved_self, "pow_exponent": p._saved_exponent,
    }


# autograd.grad and higher order -----------------------------------------------------------------


@scenario
def autograd_grad_returns_new_tensors(lib):
    x = _x(lib)
    y = (x * x).sum()
    (g,) = lib.autograd.grad(y, x)
    return {"g": g, "x_grad_none": x.grad is None, "g_leaf": g.is_leaf, "type": type(g).__name__}


@scenario
def autograd_grad_with_grad_outputs(lib):
    x = _x(lib)
    w = _x(lib, (1.0, 1.0, 2.0), dtype=lib.float64)
    y = x * w
    gx, gw = lib.autograd.grad(y, [x, w], lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64))
    return {"gx": gx, "gw": gw, "x": x.grad is None, "w": w.grad is None}


@scenario
def autograd_grad_allow_unused(lib):
    x = _x(lib)
    w = _x(lib)
    y = (x * 2).sum()
    gx, gw = lib.autograd.grad(y, [x, w], allow_unused=True)
    return {"gx": gx, "gw_none": gw is None}


@scenario
def autograd_grad_leaves_existing_grad_alone(lib):
    x = _x(lib)
    (x * 3).sum().backward()
    before = x.grad
    (g,) = lib.autograd.grad((x * x).sum(), x)
    return {"same": x.grad is before, "grad": x.grad, "g": g, "g_is_grad": g is x.grad}


@scenario
def autograd_grad_create_graph(lib):
    x = _x(lib)
    y = (x**3).sum()
    (g,) = lib.autograd.grad(y, x, create_graph=True)
    facts = {"g": g, "leaf": g.is_leaf}
    (gg,) = lib.autograd.grad(g.sum(), x)
    return {**facts, "gg": gg, "x_grad_none": x.grad is None}


@scenario
def grad_without_create_graph_is_constant(lib):
    x = _x(lib)
    (g,) = lib.autograd.grad((x * x).sum(), x)
    return {"g": g, "grad_fn_none": g.grad_fn is None}


@scenario
def golden_first_derivative_graph(lib):
    w = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    y = lib.prod(lib.log(lib.log(w + 7)))
    (g,) = lib.autograd.grad(y, w, create_graph=True)
    return {"y": y, "g": g}


def _golden(lib, w):
    return lib.prod(lib.log(lib.log(w + 7)))


def _hessian_rows(lib, f, w):
    y = f(lib, w)
    (g,) = lib.autograd.grad(y, w, create_graph=True)
    flat = g.reshape(-1)
    rows = [lib.autograd.grad(flat[i], w, retain_graph=True)[0].reshape(-1)
            for i in range(flat.shape[0])]
    return y, g, np.array([r.detach().tolist() for r in rows])


GOLDEN_Y = 0.4806570417087224
GOLDEN_G = [0.03946649643647673, 0.030877065570596076, 0.025028606751620962]
GOLDEN_H = [
    [-0.007305733666649881, 0.0025352995848737913, 0.002055085712801076],
    [0.0025352995848737913, -0.004992202634815425, 0.001607819848146084],
    [0.002055085712801076, 0.0016078198481460843, -0.003589839255357642],
]


@pytest.mark.parametrize("name", ["torch", "fakel"])
def test_golden_higher_order_example(name):
    lib = LIBS[name]
    w = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    y, g, hess = _hessian_rows(lib, _golden, w)
    assert abs(y.item() - GOLDEN_Y) <= 1e-12
    np.testing.assert_allclose(g.detach().tolist(), GOLDEN_G, rtol=0, atol=1e-12)
    np.testing.assert_allclose(hess, GOLDEN_H, rtol=0, atol=1e-12)
    assert _dtype_name(g.dtype) == "float64"
    assert w.grad is None


def test_seed_function_hessian_matches_torch():
    values = [[5.0, 10.0], [1.0, 2.0]]
    wt = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    expected = torch.autograd.functional.hessian(lambda w: _golden(torch, w), wt)
    expected = expected.reshape(4, 4).numpy()
    _, _, torch_rows = _hessian_rows(torch, _golden, wt)
    np.testing.assert_allclose(torch_rows, expected, rtol=1e-12, atol=1e-15)
    wf = fakel.tensor(values, dtype=fakel.float64, requires_grad=True)
    _, gf, rows = _hessian_rows(fakel, _golden, wf)
    np.testing.assert_allclose(rows, expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(rows, rows.T, rtol=1e-10, atol=1e-14)
    _, gt, _ = _hessian_rows(torch, _golden, wt)
    np.testing.assert_allclose(gf.detach().tolist(), gt.detach().tolist(), rtol=1e-12)


@scenario
def backward_create_graph_then_grad_of_grad(lib):
    x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x**3).sum().backward(create_graph=True)
    g = x.grad
    facts = {"g": g, "leaf": g.is_leaf}
    (gg,) = lib.autograd.grad(g.sum(), x)
    return {**facts, "gg": gg}


# Kinks and special values, exactly as the reference's table -----------------------------------


def _kink_grad(lib, values, fn):
    x = lib.tensor(values, requires_grad=True)
    fn(lib, x).sum().backward()
    return x.grad.tolist()


def _pow_base_zero(lib):
    e = lib.tensor([0.0, 1.0], requires_grad=True)
    (0.0**e).sum().backward()
    return e.grad.tolist()


def _pow_zero_tensor_base(lib):
    e = lib.tensor([0.0, 1.0], requires_grad=True)
    lib.pow(lib.zeros(2), e).sum().backward()
    return e.grad.tolist()


def _maximum_tie(lib):
    z0 = lib.tensor([2.0], requires_grad=True)
    z1 = lib.tensor([2.0], requires_grad=True)
    lib.maximum(z0, z1).sum().backward()
    return [z0.grad.item(), z1.grad.item()]


KINKS = {
    "abs_at_0": (lambda lib: _kink_grad(lib, [0.0], lambda lb, x: x.abs()), [0.0]),
    "relu_at_0": (lambda lib: _kink_grad(lib, [0.0], lambda lb, x: x.relu()), [0.0]),
    "sqrt_at_0": (lambda lib: _kink_grad(lib, [0.0], lambda lb, x: x.sqrt()), [np.inf]),
    "pow_half_at_0": (lambda lib: _kink_grad(lib, [0.0], lambda lb, x: x**0.5), [np.inf]),
    "pow_2_at_0": (lambda lib: _kink_grad(lib, [0.0], lambda lb, x: x**2), [0.0]),
    "pow_0_at_0": (lambda lib: _kink_grad(lib, [0.0], lambda lb, x: x**0), [0.0]),
    "zero_pow_e": (_pow_base_zero, [0.0, 0.0]),
    "zero_tensor_pow_e": (_pow_zero_tensor_base, [0.0, 0.0]),
    "max_ties": (lambda lib: _kink_grad(lib, [1.0, 1.0, 0.0], lambda lb, x: x.max()),
                 [0.5, 0.5, 0.0]),
    "min_ties": (lambda lib: _kink_grad(lib, [0.0, 0.0, 1.0], lambda lb, x: x.min()),
                 [0.5, 0.5, 0.0]),
    "amax_ties": (lambda lib: _kink_grad(lib, [1.0, 1.0, 0.0], lambda lb, x: x.amax()),
                  [0.5, 0.5, 0.0]),
    "amax_dim_ties": (lambda lib: _kink_grad(lib, [1.0, 1.0, 0.0], lambda lb, x: x.amax(0)),
                      [0.5, 0.5, 0.0]),
    "max_dim_first_index": (
        lambda lib: _kink_grad(lib, [1.0, 1.0, 0.0], lambda lb, x: x.max(dim=0).values),
        [1.0, 0.0, 0.0]),
    "maximum_tie": (_maximum_tie, [0.5, 0.5]),
    "prod_one_zero": (lambda lib: _kink_grad(lib, [0.0, 2.0, 3.0], lambda lb, x: x.prod()),
                      [6.0, 0.0, 0.0]),
    "prod_two_zeros": (lambda lib: _kink_grad(lib, [0.0, 0.0, 3.0], lambda lb, x: x.prod()),
                       [0.0, 0.0, 0.0]),
    "prod_dim_zero": (lambda lib: _kink_grad(lib, [0.0, 2.0, 3.0], lambda lb, x: x.prod(0)),
                      [6.0, 0.0, 0.0]),
    "sign": (lambda lib: _kink_grad(lib, [-1.0, 0.0, 2.0], lambda lb, x: x.sign()),
             [0.0, 0.0, 0.0]),
    "clamp_boundary": (
        lambda lib: _kink_grad(lib, [-1.0, 0.0, 0.5, 1.0, 2.0], lambda lb, x: x.clamp(0, 1)),
        [0.0, 1.0, 1.0, 1.0, 0.0]),
    "clamp_min_boundary": (
        lambda lib: _kink_grad(lib, [-1.0, 0.0, 1.0], lambda lb, x: x.clamp(min=0)),
        [0.0, 1.0, 1.0]),
}
# round and floor only where fakel has them (sign above always).
for _name in ("round", "floor"):
    if hasattr(fakel.Tensor, _name):
        KINKS[_name] = (
            lambda lib, _n=_name: _kink_grad(lib, [-1.5, 0.0, 0.5, 2.7],
                                             lambda lb, x: getattr(x, _n)()),
            [0.0, 0.0, 0.0, 0.0])


@pytest.mark.parametrize("lib_name", ["torch", "fakel"])
@pytest.mark.parametrize("kink", sorted(KINKS))
def test_kink_values(kink, lib_name):
    fn, expected = KINKS[kink]
    assert fn(LIBS[lib_name]) == expected


def test_kinks_emit_no_warnings():
    # PyTorch computes inf and masked nan silently; NumPy's RuntimeWarnings must not leak out.
    warned = {}
    for kink in sorted(KINKS):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            KINKS[kink][0](fakel)
        if caught:
            warned[kink] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    assert warned == {}


# gradcheck / gradgradcheck --------------------------------------------------------------------


def _gradcheck_error(lib):
    return sys.modules[f"{lib.__name__}.autograd.gradcheck"].GradcheckError


@pytest.mark.parametrize("lib_name", ["torch", "fakel"])
def test_gradcheck_passes_on_correct_functions(lib_name):
    lib = LIBS[lib_name]
    a = lib.tensor([[0.3, -1.2], [0.7, 2.0]], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([0.5, 1.5], dtype=lib.float64, requires_grad=True)
    c = lib.tensor([1.0, 2.0], dtype=lib.float64)
    assert lib.autograd.gradcheck(lambda a, b, c: (a * b.exp() + c).tanh() @ b, (a, b, c))
    assert lib.autograd.gradgradcheck(lambda a, b: (a * b).sigmoid().sum(1) * b, (a, b))
    w = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    assert lib.autograd.gradcheck(lambda w: _golden(lib, w), (w,))
    assert lib.autograd.gradgradcheck(lambda w: _golden(lib, w), (w,))
    assert lib.autograd.gradcheck(lambda a: (a, a * 2), a)
    assert a.grad is None and b.grad is None


@pytest.mark.parametrize("lib_name", ["torch", "fakel"])
def test_gradcheck_detects_wrong_gradient(lib_name):
    lib = LIBS[lib_name]
    x = lib.tensor([0.5, 1.5, -2.0], dtype=lib.float64, requires_grad=True)

    def wrong(x):
        return x * x.detach()  # the graph sees x * const: half the true gradient

    with pytest.raises(RuntimeError) as info:
        lib.autograd.gradcheck(wrong, (x,))
    assert type(info.value) is _gradcheck_error(lib)
    assert str(info.value).startswith("Jacobian mismatch for output 0 with respect to input 0")
    assert lib.autograd.gradcheck(wrong, (x,), raise_exception=False) is False
    assert lib.autograd.gradgradcheck(wrong, (x,), raise_exception=False) is False
    assert x.tolist() == [0.5, 1.5, -2.0]


@pytest.mark.parametrize("lib_name", ["torch", "fakel"])
def test_gradcheck_error_class(lib_name):
    err = _gradcheck_error(LIBS[lib_name])
    assert issubclass(err, RuntimeError) and err.__name__ == "GradcheckError"


@pytest.mark.parametrize("lib_name", ["torch", "fakel"])
def test_gradcheck_warns_for_float32(lib_name):
    lib = LIBS[lib_name]
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    with pytest.warns(UserWarning, match=r"Input #0 requires gradient and is not a double"):
        lib.autograd.gradcheck(lambda x: x * 2, (x,), raise_exception=False)


@pytest.mark.parametrize("lib_name", ["torch", "fakel"])
def test_gradcheck_needs_an_input_requiring_grad(lib_name):
    lib = LIBS[lib_name]
    x = lib.tensor([0.5, 1.5], dtype=lib.float64)
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        lib.autograd.gradcheck(lambda x: x * 2, (x,))


# Deep graphs and memory -------------------------------------------------------------------------


@scenario
def deep_chain_backward(lib):
    x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    y = x
    for i in range(20_000):
        y = y * 1.0001 if i % 2 else y + 0.5
    y.sum().backward()
    out = {"y": y, "grad": x.grad}
    del y  # freeing a 20 000-node graph must not overflow either
    return out


@scenario
def deep_chain_autograd_grad(lib):
    x = lib.tensor([0.5], dtype=lib.float64, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y.sin() * 0.5 + y * 0.5
    (g,) = lib.autograd.grad(y.sum(), x)
    return {"y": y, "g": g}


@scenario
def intermediate_freed_after_backward(lib):
    gc.disable()
    try:
        x = lib.ones(100_000, requires_grad=True)
        h = x.exp()
        y = (h * h).sum()
        ref = weakref.ref(h)
        del h
        held_by_graph = ref() is not None
        y.backward()
        after_backward = ref() is not None
        return {"held": held_by_graph, "after": after_backward, "grad": x.grad[:3]}
    finally:
        gc.enable()


@scenario
def intermediate_freed_with_graph(lib):
    gc.disable()
    try:
        x = lib.ones(100_000, requires_grad=True)
        h = x.exp()
        y = (h * h).sum()
        ref = weakref.ref(h)
        del h
        held_by_graph = ref() is not None
        del y
        return {"held": held_by_graph, "after": ref() is not None}
    finally:
        gc.enable()


def test_graph_freed_without_cycles():
    # Reference counting alone must free the graph: no node, tensor or array is kept by a cycle.
    gc.collect()
    gc.disable()
    try:
        x = fakel.ones(100_000, requires_grad=True)
        h = x.exp()
        big = h._data
        y = (h * h.sin()).sum()
        node_ref = weakref.ref(y.grad_fn)
        h_node_ref = weakref.ref(h.grad_fn)
        data_ref = weakref.ref(big)
        h_ref = weakref.ref(h)
        del h, big
        assert data_ref() is not None and h_node_ref() is not None
        y.backward()
        assert h_ref() is None and data_ref() is None  # saved values released by backward
        assert node_ref() is not None
        del y
        assert node_ref() is None and h_node_ref() is None
        # Without a backward, dropping the output frees everything too.
        h = x * 3
        data_ref, h_ref = weakref.ref(h._data), weakref.ref(h)
        y = (h.exp() * h).sum()
        node_ref = weakref.ref(y.grad_fn)
        del h
        assert data_ref() is not None
        del y
        assert node_ref() is None and h_ref() is None and data_ref() is None
        # retain_graph keeps the saved values until the graph goes.
        h = x.exp()
        h_ref = weakref.ref(h)
        y = (h * h).sum()
        del h
        y.backward(retain_graph=True)
        assert h_ref() is not None
        del y
        assert h_ref() is None
    finally:
        gc.enable()


def test_leaf_and_its_accumulate_grad_form_no_cycle():
    # fakel's leaf keeps its AccumulateGrad node (so ops need not rebuild it) and the node refers
    # to the leaf weakly: once the user drops everything, both go without the cycle collector.
    gc.disable()
    try:
        x = fakel.ones(3, requires_grad=True)
        y = x * 2
        acc_ref = weakref.ref(y.grad_fn.next_functions[0][0])
        assert acc_ref().variable is x
        x_ref = weakref.ref(x)
        z = (x * x).sum()
        z.backward()
        del y, z, x
        assert x_ref() is None
        assert acc_ref() is None
    finally:
        gc.enable()


# The differential test over every scenario ----------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_as_torch(name):
    fn = SCENARIOS[name]
    expected = norm(fn(torch))
    actual = norm(fn(fakel))
    assert_same(actual, expected)


# A few scenarios also checked against the reference's own numbers, for torch and fakel.


@pytest.mark.parametrize("lib_name", ["torch", "fakel"])
def test_reference_numbers(lib_name):
    lib = LIBS[lib_name]
    out = backward_broadcast_summed_back(lib)
    assert out["x"].tolist() == [2.0, 2.0, 2.0]
    assert out["y"].tolist() == [[3.0], [3.0]]
    out = backward_mixed_float32_float64_leaves(lib)
    assert (_dtype_name(out["a"].dtype), _dtype_name(out["b"].dtype)) == ("float64", "float32")
    out = data_inplace_not_seen_by_version_check(lib)
    assert out["version"] == 0 and out["grad"].tolist() == [0.0, 0.0]
    assert no_saved_tensors_backward_twice(lib).tolist() == [2.0, 2.0, 2.0]
    assert calling_a_node_directly(lib)[0].tolist() == [3.0, 4.0]
    assert calling_a_node_directly(lib)[1] is None
    assert saved_tensors(lib)["pow_exponent"] == 2
    assert two_inplace_ops_version_two(lib) == {"y": 2, "t": 2, "x": 0}


def test_backward_gradient_must_be_a_tensor():
    # PyTorch refuses a list or number as the gradient, and leaves .grad untouched.
    for lib in (torch, fakel):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        with pytest.raises(TypeError, match="gradients can be either Tensors or None, but got"):
            lib.autograd.backward([y], [[1.0, 2.0]])
        assert x.grad is None


def _grad_wrt_non_leaf_keeps_the_rest(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    z = (y * y).sum()
    (gy,) = lib.autograd.grad(z, y)
    y.sum().backward()  # the graph below y was neither run nor freed
    return gy.tolist(), x.grad.tolist()


def _backward_inputs_non_leaf(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    (y * y).sum().backward(inputs=[y])
    return y.grad.tolist(), x.grad


def _dropped_broadcast_leaf(lib):
    x = lib.ones(2, 2, requires_grad=True)
    (x + lib.tensor(1.0, requires_grad=True)).sum().backward()  # that leaf is gone at once
    return x.grad.tolist()


def _diamond_to_non_leaf(lib):
    x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    a = x * 3
    b = a.exp()
    c = a * b + b.sin()
    (ga,) = lib.autograd.grad(c.sum(), a, retain_graph=True)
    return [round(v, 9) for v in ga.tolist()]


@pytest.mark.parametrize(
    "scenario",
    [_grad_wrt_non_leaf_keeps_the_rest, _backward_inputs_non_leaf, _dropped_broadcast_leaf,
     _diamond_to_non_leaf],
)
def test_engine_stops_at_requested_inputs(scenario):
    assert scenario(fakel) == scenario(torch)


def _review_cases(lib):
    out = {}
    x = lib.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    x.max().backward()
    out["max_nan_grad"] = x.grad.tolist()
    x = lib.tensor([0.0, 2.0], requires_grad=True)
    e = lib.tensor([0.0, 1.0], requires_grad=True)
    (x**e).sum().backward()
    out["pow_zero_exponent_grad"] = x.grad.tolist()
    out["rpow_int_negative"] = (2 ** lib.tensor([-1, 2])).tolist()
    out["half_mean"] = lib.full((100,), 1000.0, dtype=lib.float16).mean().item()
    out["rmod_zero_sign"] = str(3 % lib.tensor([-3.0]))
    return out


def test_review_findings_match_torch():
    assert _review_cases(fakel) == {
        k: v.replace("torch.", "fakel.") if isinstance(v, str) else v
        for k, v in _review_cases(torch).items()
    }


def _fill_nodes(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    v = lib.tensor(3.0, requires_grad=True)
    y = x * 1
    y.fill_(2.0)
    names = [type(y.grad_fn).__name__]
    y = x * 1
    y.fill_(v)
    names.append(type(y.grad_fn).__name__)
    (y * lib.tensor([1.0, 2.0])).sum().backward()
    z = lib.zeros(2)
    z.fill_(v)
    names.append(graph_names(z.grad_fn))
    return names, v.grad.item(), x.grad.tolist()


def graph_names(fn):
    return (type(fn).__name__,
            tuple(None if n is None else type(n).__name__ for n, _ in fn.next_functions))


def test_fill_nodes_and_gradients_match_torch():
    assert _fill_nodes(fakel) == _fill_nodes(torch)


def _half_activations(lib):
    x = lib.tensor([0.9165, 4.1836, -3.0], dtype=lib.float16, requires_grad=True)
    s = x.sigmoid()
    t = x.tanh()
    (s + t).sum().backward()
    return s.tolist(), t.tolist(), x.grad.tolist()


def test_half_activations_round_like_torch():
    # PyTorch computes half activations and their gradients in float, rounding once.
    assert _half_activations(fakel) == _half_activations(torch)


def _explicit_dim_none_nodes(lib):
    x = lib.ones(2, 3, requires_grad=True)
    cases = [x.sum(), x.sum(None), x.sum(dim=None, keepdim=True), lib.sum(x, None), x.sum(()),
             x.mean(), x.mean(None), x.mean(dim=None, keepdim=True), x.mean(())]
    return [(type(r.grad_fn).__name__, tuple(r.shape)) for r in cases]


def test_sum_and_mean_record_whether_dim_was_given():
    assert _explicit_dim_none_nodes(fakel) == _explicit_dim_none_nodes(torch)


def _prod_zero_double_backward(lib):
    out = []
    for data, reduce in (([2.0, 0.0, 3.0], lambda x: x.prod()),
                         ([[2.0, 0.0, 3.0], [1.0, 4.0, 0.0]], lambda x: x.prod(1).sum()),
                         ([[2.0, 0.0, 3.0], [0.0, 4.0, 0.0]], lambda x: x.prod(0).sum())):
        x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(reduce(x), x, create_graph=True)
        (h,) = lib.autograd.grad((g * g).sum(), x)
        out.append((g.detach().tolist(), h.tolist()))
    return out


def test_prod_with_zeros_has_a_double_backward():
    assert _prod_zero_double_backward(fakel) == _prod_zero_double_backward(torch)
