"""Autograd beyond the basics, against PyTorch: autograd.grad's checks, tensor and node hooks,
retain_grad, _saved_* attributes, custom Functions, inference mode, anomaly mode,
functional.jacobian/hessian, gradcheck on mixed outputs, and 100 000-node graphs."""

from __future__ import annotations

import gc
import warnings
import weakref

import numpy as np
import pytest
import torch

import fakel
from parity import run, warning_texts
from test_autograd import assert_same, norm

CASES: dict = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def check(fn):
    """Same result (or same exception class and message) and same warnings in both libraries."""
    expected, t_err, t_warn = run(fn, torch)
    actual, f_err, f_warn = run(fn, fakel)
    if t_err is not None:
        assert f_err is not None, f"torch raised {t_err!r}; fakel returned {actual!r}"
        assert type(f_err).__name__ == type(t_err).__name__, (t_err, f_err)
        assert str(f_err) == str(t_err).replace("torch.", "fakel."), (t_err, f_err)
    else:
        if f_err is not None:
            raise AssertionError(f"torch returned {expected!r}; fakel raised {f_err!r}") from f_err
        assert_same(norm(actual), norm(expected))
    assert _own_frames(warning_texts(f_warn)) == _own_frames(warning_texts(t_warn))


def _own_frames(texts):
    """Anomaly-mode tracebacks from this file on: the frames above (pytest, and the line of
    ``check`` that called each library) differ between the two runs by construction."""
    out = []
    for text in texts:
        head, sep, frames = text.partition("caused the error:\n")
        if sep:
            frames = frames[frames.index(f'  File "{__file__}"', frames.index("parity.py")):]
        out.append(head + sep + frames)
    return out


def _xw(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = lib.tensor(1.5, requires_grad=True)
    return x, w


# autograd.grad ------------------------------------------------------------------------------------
@case
def grad_unused_input(lib):
    x, w = _xw(lib)
    return lib.autograd.grad((x * 2).sum(), [x, w])


@case
def grad_allow_unused(lib):
    x, w = _xw(lib)
    return lib.autograd.grad((x * 2).sum(), [x, w], allow_unused=True)


@case
def grad_materialize(lib):
    x, w = _xw(lib)
    return lib.autograd.grad((x * 2).sum(), [x, w], materialize_grads=True)


@case
def grad_materialize_with_allow_unused_false(lib):
    x, w = _xw(lib)
    return lib.autograd.grad((x * 2).sum(), [w], allow_unused=False, materialize_grads=True)


@case
def grad_input_not_requiring_grad(lib):
    x, _ = _xw(lib)
    return lib.autograd.grad((x * 2).sum(), [x, lib.tensor(1.0)])


@case
def grad_empty_inputs(lib):
    x, _ = _xw(lib)
    return lib.autograd.grad((x * 2).sum(), [])


@case
def grad_too_few_grad_outputs(lib):
    x, _ = _xw(lib)
    return lib.autograd.grad([(x * 2).sum(), (x * 3).sum()], [x], grad_outputs=[lib.ones(())])


@case
def grad_extra_grad_outputs_ignored(lib):
    x, _ = _xw(lib)
    return lib.autograd.grad((x * 2).sum(), [x], grad_outputs=[lib.ones(()), lib.ones(())])


@case
def grad_non_scalar_needs_grad_outputs(lib):
    x, _ = _xw(lib)
    return lib.autograd.grad(x * 2, [x])


@case
def grad_wrt_dict(lib):
    x, w = _xw(lib)
    return sorted(lib.autograd.grad((x * w).sum(), {"a": x, "b": w}).items())


@case
def grad_batched(lib):
    x, _ = _xw(lib)
    y = x * x
    return lib.autograd.grad(y, x, grad_outputs=lib.eye(3), is_grads_batched=True)


@case
def grad_create_graph_second_order(lib):
    x, w = _xw(lib)
    (g,) = lib.autograd.grad((x ** 3 * w).sum(), x, create_graph=True)
    return g, lib.autograd.grad(g.sum(), [x, w])


# Tensor hooks, retain_grad ----------------------------------------------------------------------
@case
def tensor_and_node_hooks_order(lib):
    log = []
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h1 = x.register_hook(lambda g: log.append(("x", g.clone())) or g * 10)
    y = x * 2
    hy = y.register_hook(lambda g: log.append(("y", g.clone())))
    y.register_hook(lambda g: g + 1)
    y.retain_grad()
    y.grad_fn.register_prehook(lambda go: log.append(("pre", go)))
    y.grad_fn.register_hook(lambda gi, go: log.append(("post", gi, go)))
    y.sum().backward(retain_graph=True)
    first = (list(log), x.grad.clone(), y.grad.clone())
    log.clear()
    h1.remove()
    hy.remove()
    h1.remove()  # twice is harmless
    y.sum().backward()
    return first, (log, x.grad, y.grad, y.retains_grad, x.retains_grad)


@case
def hook_changes_size(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    b.register_hook(lambda g: lib.ones(3))
    b.sum().backward()


@case
def hook_changes_dtype(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    a.register_hook(lambda g: g.double())
    (a * 1).sum().backward()


@case
def hook_on_tensor_without_grad(lib):
    return lib.tensor(1.0).register_hook(lambda g: g)


@case
def retain_grad_without_grad(lib):
    return lib.tensor(1.0).retain_grad()


@case
def node_hook_replaces_grad_inputs(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = a * 3
    b.grad_fn.register_hook(lambda gi, go: (gi[0] * 0 + 7, gi[1]))
    b.sum().backward()
    c = a * 3
    c.grad_fn.register_prehook(lambda go: (go[0] * 2,))
    c.sum().backward()
    return a.grad


@case
def node_hook_wrong_count(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = a * 3
    b.grad_fn.register_hook(lambda gi, go: (gi[0],))
    b.sum().backward()


@case
def hooks_on_captured_inputs(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    a.register_hook(lambda g: g * 100)
    b = a * 1
    b.register_hook(lambda g: g * 5)
    return (lib.autograd.grad((a * 1).sum(), a), lib.autograd.grad(b.sum(), b, retain_graph=True),
            lib.autograd.grad((b * 1).sum(), a))


@case
def retained_grad_accumulates(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    c = a * 2
    c.retain_grad()
    (c * c).sum().backward(retain_graph=True)
    (c * c).sum().backward()
    return c.grad, c.retains_grad


@case
def non_leaf_grad_warns(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    c = a * 2
    c.sum().backward()
    return c.grad, a.grad


@case
def node_name_metadata_and_call(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    y = a * w
    y.grad_fn.metadata["k"] = 1
    return (y.grad_fn.name(), y.grad_fn.metadata, y.grad_fn(lib.ones(2)),
            (a * 2).grad_fn(lib.ones(2)))


# _saved_* attributes ------------------------------------------------------------------------------
def _saved_ops(lib, x, w):
    return {
        "mul": x * w, "div": x / w, "add_alpha": lib.add(x, w, alpha=2), "sub": x - w,
        "pow_scalar": x ** 2, "pow_tensor": x ** w, "exp": x.exp(), "log": x.log(),
        "sigmoid": x.sigmoid(), "tanh": x.tanh(), "relu": x.relu(), "sqrt": x.sqrt(),
        "abs": x.abs(), "sin": x.sin(), "cos": x.cos(), "log1p": x.log1p(),
        "reciprocal": x.reciprocal(), "mm": x @ w, "sum": x.sum(), "sum_dim": x.sum(1),
        "mean": x.mean(), "mean_dim": x.mean(0, keepdim=True), "prod": x.prod(),
        "prod_dim": x.prod(1), "max": x.max(), "max_dim": x.max(1)[0], "view": x.view(4),
        "transpose": x.transpose(0, 1), "permute": x.permute(1, 0), "unsqueeze": x.unsqueeze(0),
        "expand": x.expand(3, 2, 2), "clamp": x.clamp(1, 2), "mv": x @ w[0],
        "dot": x[0].dot(w[0]), "maximum": lib.maximum(x, w),
        "where": lib.where(x > 2, x, w), "amax": x.amax(0),
    }


def test_saved_attributes_match_torch():
    from fakel.autograd.graph import _SAVED_TABLE

    def build(lib):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w = lib.tensor([[1.0, 2.0], [3.0, 5.0]], requires_grad=True)
        return x, w, _saved_ops(lib, x, w)

    tx, tw, t_ops = build(torch)
    fx, fw, f_ops = build(fakel)
    checked = 0
    for key, ty in t_ops.items():
        fy = f_ops[key]
        t_names = {a for a in dir(ty.grad_fn) if a.startswith("_saved")}
        table = set(_SAVED_TABLE.get(type(fy.grad_fn).__name__, ()))
        assert table <= t_names, (key, table - t_names)
        f_names = {a for a in dir(fy.grad_fn) if a.startswith("_saved")}
        for name in sorted(t_names & f_names):
            tv, fv = getattr(ty.grad_fn, name), getattr(fy.grad_fn, name)
            if isinstance(tv, torch.Tensor):
                assert isinstance(fv, fakel.Tensor), (key, name, fv)
                np.testing.assert_allclose(fv.detach().numpy(), tv.detach().numpy())
                # Saved inputs are the very tensors given, as in PyTorch.
                assert (tv is tx) == (fv is fx) and (tv is tw) == (fv is fw), (key, name)
            else:
                assert fv == tv, (key, name, fv, tv)
            checked += 1
    assert checked >= 50


@case
def saved_attribute_after_free(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.sum().backward()
    return y.grad_fn._saved_result


@case
def saved_attribute_after_inplace(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = h.sin()
    h.add_(1)
    return y.grad_fn._saved_self


@case
def unknown_node_attribute(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    return (x * 2).grad_fn._saved_nonsense


# Custom Function ----------------------------------------------------------------------------------
def _functions(lib):
    F = lib.autograd.Function

    class MyFn(F):
        @staticmethod
        def forward(ctx, x, k, w):
            ctx.save_for_backward(x, w)
            ctx.k = k
            ctx.seen = (ctx.needs_input_grad, lib.is_grad_enabled())
            return x * k * w

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * ctx.k * w, None, g * ctx.k * x

    class Setup(F):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, g):
            (o,) = ctx.saved_tensors
            return g * ctx.k + o * 0, None

    class Two(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2 + gb * 3

    class NoMat(F):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return (ga if ga is not None else 0) + gb * 3 * (ga is None)

    class Ident(F):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    return MyFn, Setup, Two, NoMat, Ident


@case
def function_basic(lib):
    MyFn, *_ = _functions(lib)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0])
    y = MyFn.apply(x, 2, w)
    y.sum().backward()
    return (y, y.grad_fn.name(), type(y.grad_fn).__name__, y.grad_fn.seen, x.grad,
            y.grad_fn.next_functions[1], repr(y.grad_fn).split(" object")[0].split(".")[-1])


@case
def function_setup_context_and_tuples(lib):
    _, Setup, Two, NoMat, Ident = _functions(lib)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    z = Setup.apply(x, 5)
    z.sum().backward()
    a, b = Two.apply(x)
    g2 = lib.autograd.grad(b.sum(), x, retain_graph=True)
    g3 = lib.autograd.grad((a * b).sum(), x)
    c, d = NoMat.apply(x)
    g4 = lib.autograd.grad(d.sum(), x)
    i = Ident.apply(x)
    return x.grad, g2, g3, g4, i is x, i._base is x, a.grad_fn.name(), b.grad_fn.name()


def _bad(lib, returns, second_tensor=True):
    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return returns(lib, g)

    x = lib.tensor([1.0, 2.0], requires_grad=True)
    return Bad.apply(x, x if second_tensor else 2).sum().backward()


@case
def function_too_few_gradients(lib):
    return _bad(lib, lambda lib, g: g)


@case
def function_extra_none_gradients(lib):
    return _bad(lib, lambda lib, g: (g, g, None))


@case
def function_wrong_gradient_shape(lib):
    return _bad(lib, lambda lib, g: (g, lib.ones(3)))


@case
def function_gradient_for_non_tensor(lib):
    return _bad(lib, lambda lib, g: (g, g), second_tensor=False)


@case
def function_saved_tensor_modified(lib):
    class Mod(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x

    x = lib.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    z = Mod.apply(h)
    h.add_(1)
    z.sum().backward()


@case
def function_without_grad(lib):
    MyFn, *_ = _functions(lib)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    plain = MyFn.apply(lib.ones(2), 2, lib.ones(2))
    with lib.no_grad():
        off = MyFn.apply(x, 2, lib.ones(2))
    return plain, off


@case
def function_non_differentiable_and_dirty(lib):
    class Sorter(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            v = x * 1
            idx = lib.tensor([1, 0])
            ctx.mark_non_differentiable(idx)
            return v, idx

        @staticmethod
        def backward(ctx, gv, gi):
            return gv * 2

    class AddOne(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = lib.tensor([1.0, 2.0], requires_grad=True)
    v, idx = Sorter.apply(x)
    h = x * 1
    h2 = AddOne.apply(h)
    (v.sum() + h2.sum()).backward()
    return v, idx, h2 is h, h.grad_fn.name(), x.grad


@case
def function_once_differentiable(lib):
    class Once(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = lib.tensor([1.0, 2.0], requires_grad=True)
    (gx,) = lib.autograd.grad(Once.apply(x).sum(), x, create_graph=True)
    y = Once.apply(x)
    (gy,) = lib.autograd.grad(y, x, lib.ones(2, requires_grad=True), create_graph=True)
    return gx, gy.requires_grad, lib.autograd.grad(gy.sum(), x)


@case
def function_forward_missing(lib):
    return lib.autograd.Function.apply(lib.ones(2))


def test_function_gradcheck_and_double_backward():
    class Cube(fakel.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * g

    x = fakel.tensor([0.5, -1.5, 2.0], dtype=fakel.float64, requires_grad=True)
    assert fakel.autograd.gradcheck(Cube.apply, (x,))
    assert fakel.autograd.gradgradcheck(Cube.apply, (x,))


# Inference mode -----------------------------------------------------------------------------------
@case
def inference_tensors(lib):
    n = lib.ones(2)
    w = lib.ones(2, requires_grad=True)
    with lib.inference_mode():
        a = lib.ones(2)
        b = n * 2
        v = n[0:1]
        c = w * 2
        with lib.inference_mode(False):
            d = lib.ones(2)
            inner = (d.is_inference(), lib.is_grad_enabled(), lib.is_inference_mode_enabled())
        a.add_(1)
    return (a.is_inference(), b.is_inference(), v.is_inference(), c.requires_grad,
            c.is_inference(), n.is_inference(), inner, a, (a * 1).is_inference(),
            a.detach().is_inference(), a[0].is_inference(), (a + w).grad_fn)


@case
def inference_tensor_saved_for_backward(lib):
    with lib.inference_mode():
        a = lib.ones(2)
    return a * lib.ones(2, requires_grad=True)


@case
def inference_tensor_inplace_outside(lib):
    with lib.inference_mode():
        a = lib.ones(2)
    return a.mul_(2)


@case
def inference_tensor_version(lib):
    with lib.inference_mode():
        a = lib.ones(2)
    return a._version


@case
def inference_tensor_requires_grad(lib):
    with lib.inference_mode():
        a = lib.ones(2)
    return a.requires_grad_()


@case
def inference_mode_view_of_normal_tensor_writable(lib):
    n = lib.ones(2)
    with lib.inference_mode():
        v = n[0:1]
    return v.add_(1), n


# Anomaly mode -------------------------------------------------------------------------------------
@case
def anomaly_nan_in_backward(lib):
    x = lib.tensor([-1.0, 2.0], requires_grad=True)
    with lib.autograd.detect_anomaly():
        flags = (lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled())
        y = x.sqrt()
        z = (y * 0).sum()
        try:
            z.backward()
        except RuntimeError as e:
            return flags, str(e), x.grad, lib.is_anomaly_enabled()
    return None


@case
def anomaly_off_no_check(lib):
    x = lib.tensor([-1.0, 2.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    with lib.autograd.set_detect_anomaly(True, check_nan=False):
        (x.sqrt() * 0).sum().backward()
        inside = (lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled())
    return x.grad, inside, lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()


@case
def anomaly_reports_other_errors(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    lib.autograd.set_detect_anomaly(True)
    try:
        h = x * 1
        y = h.log()
        h.add_(1)
    finally:
        lib.autograd.set_detect_anomaly(False)
    lib.autograd.set_detect_anomaly(True)
    try:
        y.sum().backward()
    finally:
        lib.autograd.set_detect_anomaly(False)


# functional.jacobian / hessian ----------------------------------------------------------------
@case
def jacobian_nesting(lib):
    from importlib import import_module

    F = import_module(lib.__name__ + ".autograd.functional")
    x = lib.tensor([1.0, 2.0])
    y = lib.tensor([3.0, 4.0, 5.0])
    return (
        F.jacobian(lambda a: a * 2, x),
        F.jacobian(lambda a, b: (a.sum() * b, a), (x, y)),
        F.jacobian(lambda a: (a * 2, a.sum()), x),
        F.jacobian(lambda a, b: a.sum() + b.sum(), (x, y)),
        F.jacobian(lambda a: a * 2, (x,)),
        F.jacobian(lambda a: lib.ones(2), x),
        F.jacobian(lambda a: a ** 2, x.clone().requires_grad_(), create_graph=True),
        F.hessian(lambda a: (a ** 3).sum(), x),
        F.hessian(lambda a, b: (a ** 2).sum() * b.sum(), (x, y)),
    )


@case
def jacobian_strict(lib):
    from importlib import import_module

    F = import_module(lib.__name__ + ".autograd.functional")
    return F.jacobian(lambda a: lib.ones(2), lib.tensor([1.0, 2.0]), strict=True)


@case
def hessian_needs_scalar(lib):
    from importlib import import_module

    F = import_module(lib.__name__ + ".autograd.functional")
    return F.hessian(lambda a: a * 2, lib.tensor([1.0, 2.0]))


# gradcheck on mixed outputs -------------------------------------------------------------------
@case
def gradcheck_skips_integer_outputs_and_takes_lists(lib):
    x = lib.tensor([0.3, -1.2, 2.5], dtype=lib.float64, requires_grad=True)
    return (
        lib.autograd.gradcheck(lambda a: (a * 2, (a > 0).long()), (x,)),
        lib.autograd.gradcheck(lambda a: [a.sin(), a.exp()], [x]),
        lib.autograd.gradgradcheck(lambda a: ((a ** 3).sum(), a.argmax()), (x,)),
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_torch(name):
    check(CASES[name])


# Deep graphs and memory -----------------------------------------------------------------------
def test_deep_chain_backward_and_free():
    n = 100_000
    x = fakel.tensor([0.5], dtype=fakel.float64, requires_grad=True)
    y = x
    middle = None
    for i in range(n):
        y = y.sin() if i % 50 == 0 else y * 1.0
        if i == n // 2 - 1:  # the next op, a sin, saves it
            middle = weakref.ref(y)
    assert middle() is not None  # held by the graph (saved by the next sin)
    y.sum().backward()
    assert x.grad is not None and np.isfinite(x.grad.item())
    gc.disable()
    try:
        assert middle() is None  # released by backward, without the cycle collector
    finally:
        gc.enable()
    # Dropping a whole 100 000-node graph that never ran must not recurse in deallocation.
    z = x
    for _ in range(n):
        z = z * 1.0
    node = weakref.ref(z.grad_fn)
    del z
    assert node() is None


def test_deep_chain_grad_value():
    x = fakel.tensor([2.0], dtype=fakel.float64, requires_grad=True)
    y = x
    for _ in range(30_000):
        y = y * 1.00001
    (g,) = fakel.autograd.grad(y.sum(), x)
    assert g.item() == pytest.approx(1.00001 ** 30_000, rel=1e-9)


def test_warning_filters_restored():
    # detect_anomaly warns on construction; nothing here may leave a global mode switched on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fakel.autograd.detect_anomaly():
            pass
    assert not fakel.is_anomaly_enabled()
    assert not fakel.is_inference_mode_enabled()
    assert fakel._tensor._INFERENCE == 0


def test_leaf_gradients_kept_without_copy_never_alias_anything_else():
    """The engine keeps a fresh gradient as .grad without copying it (as PyTorch steals a
    gradient nobody else holds), but never one the user, a hook, another leaf or a retained
    non-leaf gradient can still see."""
    lin = fakel.nn.Linear(4, 3)
    x = fakel.randn(5, 4)
    lin(x).sum().backward()
    first = lin.weight.grad.clone()
    assert lin.weight.grad._data.flags.c_contiguous
    lin(x).sum().backward()  # accumulating into a kept buffer
    np.testing.assert_allclose(lin.weight.grad.numpy(), 2 * first.numpy(), rtol=1e-6)

    w = fakel.ones(3, requires_grad=True)
    given = fakel.ones(3)
    w.backward(given)
    assert not np.shares_memory(w.grad._data, given._data)

    a = fakel.ones(3, requires_grad=True)
    b = fakel.ones(3, requires_grad=True)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad._data, b.grad._data)

    kept = []
    c = fakel.ones(3, requires_grad=True)
    c.register_hook(lambda g: kept.append(g))
    (c * 2).sum().backward()
    assert not np.shares_memory(kept[0]._data, c.grad._data)

    y = fakel.ones(3, requires_grad=True)
    z = y * 1
    z.retain_grad()
    z.sum().backward()
    assert not np.shares_memory(z.grad._data, y.grad._data)
