"""fakel.optim against torch.optim: lock-step trajectories, state, state_dict and error parity."""

import copy
import warnings

import numpy as np
import pytest
import torch

import fakel

# A fixed least-squares problem: minimise |A v - B|^2 over v.
A = [
    [0.5, -1.0, 0.25, 2.0],
    [1.5, 0.5, -0.75, 0.0],
    [-0.5, 2.0, 1.0, -1.25],
    [1.0, 0.0, 0.5, 0.5],
    [0.0, -1.5, 2.0, 1.0],
    [2.0, 1.0, -1.0, 0.25],
]
B = [1.0, -2.0, 0.5, 3.0, -1.0, 0.25]

# One parameter per problem, each in its own param group with a learning rate that keeps it
# finite for 200 steps: the seed parabola, prod(log(log(w + 7))), Rosenbrock, least squares.
INITIAL = [[1.5, -2.0, 0.5, 3.0], [1.0, 2.0, 3.0], [-1.2, 1.0, 0.5, -0.3], [0.1, -0.2, 0.3, 0.4]]
LRS = {"SGD": [0.01, 0.01, 1e-3, 0.01], "Adam": [0.05, 0.01, 0.05, 0.05]}
STEPS = 200
# float32: SGD is bit-identical (fakel fuses multiply-adds as PyTorch's CPU kernels do); Adam
# differs in the last bit where PyTorch's vectorised sqrt is not correctly rounded, and with each
# library's own backward the gradients may differ in the last bit too.
TOL = {"float32": dict(rtol=1e-6, atol=1e-6), "float64": dict(rtol=1e-12, atol=1e-13)}
# Moments and momentum buffers are gradient-sized: near a minimum they are differences of O(10)
# terms, so they carry an absolute error of a few units in the last place of those terms.
STATE_TOL = {"float32": dict(rtol=1e-5, atol=1e-5), "float64": dict(rtol=1e-12, atol=1e-13)}


_LSTSQ = {}


def loss_fn(lib, params, sign=1.0):
    x, w, r, v = params
    key = (lib.__name__, str(v.dtype))
    if key not in _LSTSQ:
        _LSTSQ[key] = lib.tensor(A, dtype=v.dtype), lib.tensor(B, dtype=v.dtype)
    a, b = _LSTSQ[key]
    parabola = 10 * (x**2).sum()
    loglog = lib.prod(lib.log(lib.log(w + 7)))
    rosenbrock = ((1 - r[::2]) ** 2 + 100 * (r[1::2] - r[::2] ** 2) ** 2).sum()
    lstsq = ((a @ v - b) ** 2).sum()
    return sign * (parabola + loglog + rosenbrock + lstsq)


def make_params(lib, dtype, values=INITIAL):
    return [lib.tensor(v, dtype=getattr(lib, dtype), requires_grad=True) for v in values]


def groups(params, lrs):
    return [{"params": [p], "lr": lr} for p, lr in zip(params, lrs)]


def assert_same_tensor(f, t, tol, what=""):
    assert str(f.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], what
    assert tuple(f.shape) == tuple(t.shape), what
    np.testing.assert_allclose(np.asarray(f._data), t.detach().numpy(), err_msg=what, **tol)


def assert_same_state(fopt, topt, tol):
    fsd, tsd = fopt.state_dict(), topt.state_dict()
    assert fsd["state"].keys() == tsd["state"].keys()
    for i, tstate in tsd["state"].items():
        fstate = fsd["state"][i]
        assert list(fstate) == list(tstate)
        for key, tval in tstate.items():
            assert_same_tensor(fstate[key], tval, tol, f"state[{i}][{key!r}]")


def numpy_grads(params, sign=1.0):
    """The gradient of loss_fn, in closed form and in float64, at the given parameter values."""
    x, w, r, v = (np.asarray(p, dtype=np.float64) for p in params)
    lw = np.log(w + 7)
    llw = np.log(lw)
    others = np.array([np.prod(np.delete(llw, j)) for j in range(llw.size)])
    a, b = r[::2], r[1::2]
    gr = np.empty_like(r)
    gr[::2] = -2 * (1 - a) - 400 * a * (b - a**2)
    gr[1::2] = 200 * (b - a**2)
    am = np.array(A)
    return [sign * g for g in (20 * x, others / (lw * (w + 7)), gr, 2 * am.T @ (am @ v - B))]


def check_params(fparams, tparams, tol, step):
    for i, (f, t) in enumerate(zip(fparams, tparams)):
        expected = t.detach().numpy()
        assert np.isfinite(expected).all(), "the reference run diverged: lower its lr"
        assert f._data.dtype == expected.dtype
        # A cheap check every step; assert_allclose only to explain a failure.
        if not (np.abs(f._data - expected) <= tol["atol"] + tol["rtol"] * np.abs(expected)).all():
            assert_same_tensor(f, t, tol, f"param {i} after step {step + 1}")


def lockstep(fopt, fparams, topt, tparams, steps, dtype, sign=1.0, tol=None):
    """Step both optimizers, each library differentiating loss_fn itself, and compare every
    parameter after every step."""
    tol = tol or TOL[dtype]
    for step in range(steps):
        topt.zero_grad()
        loss_fn(torch, tparams, sign).backward()
        topt.step()
        fopt.zero_grad()
        loss_fn(fakel, fparams, sign).backward()
        fopt.step()
        check_params(fparams, tparams, tol, step)


def lockstep_shared_grads(fopt, fparams, topt, tparams, steps, dtype, sign=1.0):
    """As lockstep, with gradients from numpy_grads: only the optimizers' arithmetic differs."""
    for step in range(steps):
        for params, wrap in ((tparams, torch.from_numpy), (fparams, fakel.from_numpy)):
            values = [p.detach().numpy() for p in params]
            for p, g in zip(params, numpy_grads(values, sign)):
                p.grad = wrap(g.astype(values[0].dtype))
        topt.step()
        fopt.step()
        check_params(fparams, tparams, TOL[dtype], step)


def sgd_grid():
    for momentum in (0.0, 0.9):
        for dampening in (0.0, 0.5):
            for nesterov in (False, True):
                if nesterov and (momentum == 0 or dampening != 0):
                    continue
                for weight_decay in (0.0, 0.1):
                    for maximize in (False, True):
                        # Without momentum, dampening is ignored: one such run shows it.
                        if momentum == 0 and dampening != 0 and not (weight_decay and maximize):
                            continue
                        yield dict(
                            momentum=momentum,
                            dampening=dampening,
                            nesterov=nesterov,
                            weight_decay=weight_decay,
                            maximize=maximize,
                        )


def adam_grid():
    for amsgrad in (False, True):
        for weight_decay, decoupled in ((0.0, False), (0.1, False), (0.1, True)):
            for maximize in (False, True):
                yield dict(
                    amsgrad=amsgrad,
                    weight_decay=weight_decay,
                    decoupled_weight_decay=decoupled,
                    maximize=maximize,
                )


GRID = [("SGD", kw) for kw in sgd_grid()] + [("Adam", kw) for kw in adam_grid()]


def _id(case):
    name, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items() if v)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", GRID, ids=[_id(c) for c in GRID])
def test_lockstep_against_torch(case, dtype):
    name, kw = case
    fparams, tparams = make_params(fakel, dtype), make_params(torch, dtype)
    fopt = getattr(fakel.optim, name)(groups(fparams, LRS[name]), **kw)
    topt = getattr(torch.optim, name)(groups(tparams, LRS[name]), **kw)
    # maximize=True climbs -loss, so every run heads for the same minimum.
    sign = -1.0 if kw["maximize"] else 1.0
    lockstep_shared_grads(fopt, fparams, topt, tparams, STEPS, dtype, sign)
    assert_same_state(fopt, topt, STATE_TOL[dtype])
    for f, t in zip(fparams, tparams):
        assert f.is_leaf and f.grad_fn is None and f._version == t._version


BACKWARD_CASES = [
    ("SGD", dict(momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(momentum=0.9, dampening=0.5, maximize=True)),
    ("Adam", dict(amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", BACKWARD_CASES, ids=[_id(c) for c in BACKWARD_CASES])
def test_lockstep_with_own_backward(case, dtype):
    # The learner's loop: zero_grad, loss.backward() in each library, step; 200 steps.
    name, kw = case
    fparams, tparams = make_params(fakel, dtype), make_params(torch, dtype)
    fopt = getattr(fakel.optim, name)(groups(fparams, LRS[name]), **kw)
    topt = getattr(torch.optim, name)(groups(tparams, LRS[name]), **kw)
    sign = -1.0 if kw.get("maximize") else 1.0
    lockstep(fopt, fparams, topt, tparams, STEPS, dtype, sign)
    assert_same_state(fopt, topt, STATE_TOL[dtype])


def test_numpy_grads_match_autograd():
    params = make_params(torch, "float64")
    loss_fn(torch, params).backward()
    for p, g in zip(params, numpy_grads([p.detach().numpy() for p in params])):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-13, atol=1e-13)


def test_sgd_float32_is_bit_identical():
    # fakel fuses each multiply-add into one rounding as PyTorch's CPU kernels do.
    fparams, tparams = make_params(fakel, "float32"), make_params(torch, "float32")
    kw = dict(momentum=0.9, dampening=0.5, weight_decay=0.1)
    fopt = fakel.optim.SGD(groups(fparams, LRS["SGD"]), **kw)
    topt = torch.optim.SGD(groups(tparams, LRS["SGD"]), **kw)
    lockstep_shared_grads(fopt, fparams, topt, tparams, 50, "float32")
    for f, t in zip(fparams, tparams):
        assert np.array_equal(f._data, t.detach().numpy())


# Section 3.4 of the reference: f(w) = sum(w^2 / 2 + sin w), w0 = [1, -2, 3, 0.5], 10 steps.
GOLDEN = [
    ("Adam", dict(lr=0.1, weight_decay=0.01), [0.01088986, -1.05285825, 2.0109572, -0.4663202]),
    (
        "SGD",
        dict(lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
        [-0.95667289, -0.62368888, -1.56394947, -0.85215943],
    ),
    (
        "SGD",
        dict(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.01),
        [-1.4807642, 0.18581282, -1.06195681, -1.35130928],
    ),
    ("SGD", dict(lr=0.1), [-0.2417311, -0.90630328, 1.31910476, -0.45043566]),
]


@pytest.mark.parametrize("name, kw, expected", GOLDEN)
def test_golden_values(name, kw, expected):
    w = fakel.tensor([1.0, -2.0, 3.0, 0.5], dtype=fakel.float64, requires_grad=True)
    opt = getattr(fakel.optim, name)([w], **kw)
    for _ in range(10):
        opt.zero_grad()
        (w**2 / 2 + fakel.sin(w)).sum().backward()
        opt.step()
    np.testing.assert_allclose(w._data, expected, rtol=0, atol=1e-8)


TENSOR_HYPER = [
    ("SGD", lambda lib: dict(lr=lib.tensor(0.001), momentum=0.9), "float64"),
    # A tensor lr makes PyTorch compute lr / bias_correction1 in float32.
    ("Adam", lambda lib: dict(lr=lib.tensor(0.05)), "float64"),
    # Tensor betas put the bias corrections in float32, where PyTorch's sqrt is not always
    # correctly rounded: they agree to float32 rounding.
    ("Adam", lambda lib: dict(lr=0.05, betas=(lib.tensor(0.8), lib.tensor(0.99))), "float32"),
]


@pytest.mark.parametrize("name, kw, tol", TENSOR_HYPER)
def test_tensor_hyperparameters_match_torch(name, kw, tol):
    fparams, tparams = make_params(fakel, "float64"), make_params(torch, "float64")
    fopt = getattr(fakel.optim, name)(fparams, **kw(fakel))
    topt = getattr(torch.optim, name)(tparams, **kw(torch))
    lockstep(fopt, fparams, topt, tparams, 20, "float64", tol=TOL[tol])
    assert_same_state(fopt, topt, STATE_TOL[tol])


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_implementation_flags_are_accepted(name):
    # foreach/fused select PyTorch's implementation; fakel has one, which matches the for-loop.
    for kw in (dict(foreach=False), dict(foreach=True), dict(fused=True), dict(fused=False)):
        fparams, tparams = make_params(fakel, "float64"), make_params(torch, "float64")
        fopt = getattr(fakel.optim, name)(fparams, lr=0.01, **kw)
        topt = getattr(torch.optim, name)(tparams, lr=0.01, foreach=False)
        lockstep(fopt, fparams, topt, tparams, 3, "float64")
        assert fopt.param_groups[0]["foreach"] == kw.get("foreach")
        assert fopt.param_groups[0]["fused"] == kw.get("fused")


def test_unsupported_modes():
    w = fakel.tensor([1.0], requires_grad=True)
    for name in ("SGD", "Adam"):
        with pytest.raises(NotImplementedError, match="differentiable=True"):
            getattr(fakel.optim, name)([w], differentiable=True)
    # capturable=True on CPU: PyTorch's own AssertionError at step().
    errors = []
    for lib in (torch, fakel):
        p = lib.tensor([1.0], requires_grad=True)
        opt = lib.optim.Adam([p], capturable=True)
        (p * 2).sum().backward()
        with pytest.raises(AssertionError) as info:
            opt.step()
        errors.append(str(info.value))
    assert errors[0] == errors[1]


# Construction errors: (optimizer, kwargs builder), run in both libraries.
def _bad(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    v = lib.tensor([3.0], requires_grad=True)
    t = lib.tensor
    return [
        ("SGD", [w], dict(lr=-1e-3)),
        ("SGD", [w], dict(lr=t([0.1, 0.2]))),
        ("SGD", [w], dict(momentum=-0.5)),
        ("SGD", [w], dict(weight_decay=-0.5)),
        ("SGD", [w], dict(nesterov=True)),
        ("SGD", [w], dict(nesterov=True, momentum=0.9, dampening=0.1)),
        ("SGD", [w], dict(fused=True, differentiable=True)),
        ("SGD", [w], dict(fused=True, foreach=True)),
        ("SGD", [w], dict(lr=None)),
        ("SGD", [w], dict(capturable=True)),
        ("Adam", [w], dict(lr=-1)),
        ("Adam", [w], dict(lr=t(-1.0))),
        ("Adam", [w], dict(lr=t([0.1, 0.2]))),
        ("Adam", [w], dict(lr=t(0.1), foreach=True)),
        ("Adam", [w], dict(lr=float("nan"))),
        ("Adam", [w], dict(eps=-1)),
        ("Adam", [w], dict(betas=(1.0, 0.0))),
        ("Adam", [w], dict(betas=(0.5, 1.0))),
        ("Adam", [w], dict(betas=(-0.5, 0.9))),
        ("Adam", [w], dict(betas=(0, 0))),
        ("Adam", [w], dict(betas=(t(0.9), 0.99))),
        ("Adam", [w], dict(betas=(t([0.9]), t([0.99, 0.9])))),
        ("Adam", [w], dict(betas=(t(0.9), t(0.99)), foreach=True)),
        ("Adam", [w], dict(weight_decay=-1)),
        ("Adam", [w], dict(fused=True, foreach=True)),
        ("Adam", [w], dict(fused=True, differentiable=True)),
        ("SGD", w, {}),
        ("Adam", w, {}),
        ("SGD", [], {}),
        ("SGD", [w, 1.0], {}),
        ("SGD", [w, None], {}),
        ("SGD", [w * 2], {}),
        ("SGD", [{"params": {w}}], {}),
        ("SGD", [{"params": [w]}, {"params": [v, w]}], {}),
        ("SGD", [{"params": [w]}, [v]], {}),
        ("SGD", [{"lr": 0.1}], {}),
        ("SGD", [("a", w), v], {}),
        ("SGD", [{"params": [("a", w)]}, {"params": [v]}], {}),
    ], [w, v]


def _outcome(fn):
    try:
        fn()
    except Exception as e:  # the class and message are what is compared
        return type(e).__name__, str(e).replace("torch.", "fakel.")
    return "ok", ""


@pytest.mark.parametrize("index", range(len(_bad(torch)[0])))
def test_construction_errors_match_torch(index):
    tname, targs, tkw = _bad(torch)[0][index]
    fcases, (w, v) = _bad(fakel)
    fname, fargs, fkw = fcases[index]
    before = [(p._data.copy(), p._version, p.grad, p.requires_grad) for p in (w, v)]
    expected = _outcome(lambda: getattr(torch.optim, tname)(targs, **tkw))
    got = _outcome(lambda: getattr(fakel.optim, fname)(fargs, **fkw))
    assert expected[0] != "ok"
    assert got == expected
    for p, (data, version, grad, requires_grad) in zip((w, v), before):
        assert np.array_equal(p._data, data) and p._version == version
        assert p.grad is grad and p.requires_grad == requires_grad


def test_duplicate_parameters_warn():
    for lib in (torch, fakel):
        w = lib.tensor([1.0], requires_grad=True)
        with pytest.warns(UserWarning, match="a parameter group with duplicate parameters"):
            lib.optim.SGD([w, w])


def test_failed_add_param_group_changes_nothing():
    results = []
    for lib in (torch, fakel):
        w, v = lib.tensor([1.0], requires_grad=True), lib.tensor([2.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
        (w * 3).sum().backward()
        opt.step()
        before = (len(opt.param_groups), len(opt.state), repr(opt))
        outcomes = [
            _outcome(lambda opt=opt, v=v, w=w: opt.add_param_group({"params": [v, w]})),
            _outcome(lambda opt=opt, v=v: opt.add_param_group([v])),
            _outcome(lambda opt=opt: opt.add_param_group({"lr": 1.0})),
        ]
        assert (len(opt.param_groups), len(opt.state), repr(opt)) == before
        results.append(outcomes)
    assert results[0] == results[1]


def test_repr_matches_torch():
    for name, kw in [("SGD", {}), ("Adam", {}), ("SGD", dict(lr=0.1, momentum=0.9))]:
        reprs = []
        for lib in (torch, fakel):
            a, b = lib.tensor([1.0], requires_grad=True), lib.tensor([2.0], requires_grad=True)
            opt = getattr(lib.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.5}], **kw)
            reprs.append(repr(opt))
        assert reprs[0] == reprs[1]
    assert repr(fakel.optim.SGD([fakel.tensor([1.0], requires_grad=True)])).startswith(
        "SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n"
    )


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    seen = []
    for lib in (torch, fakel):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        opt.zero_grad(set_to_none=set_to_none)  # no grad yet: nothing to do
        (w * w).sum().backward()
        grad = w.grad
        version = grad._version
        opt.zero_grad(set_to_none=set_to_none)
        if set_to_none:
            seen.append(w.grad is None)
        else:
            seen.append(
                (
                    w.grad is grad,
                    w.grad.tolist(),
                    str(w.grad.dtype)[-7:],
                    w.grad._version - version,  # zeroing in place is one in-place op
                    w.grad.requires_grad,
                )
            )
        # The next backward starts from the zeroed (or absent) gradient.
        (w * w).sum().backward()
        seen.append(w.grad.tolist())
    assert seen[:2] == seen[2:]


def test_zero_grad_default_is_set_to_none():
    w = fakel.tensor([1.0], requires_grad=True)
    opt = fakel.optim.Adam([w])
    (w * 2).sum().backward()
    opt.zero_grad()
    assert w.grad is None


@pytest.mark.parametrize("name, kw", [("SGD", dict(momentum=0.9)), ("SGD", {}), ("Adam", {})])
def test_param_without_grad_is_skipped(name, kw):
    for lib in (torch, fakel):
        used = lib.tensor([1.0, 2.0], requires_grad=True)
        unused = lib.tensor([3.0], requires_grad=True)
        frozen = lib.tensor([4.0])  # requires_grad=False is allowed and never steps
        opt = getattr(lib.optim, name)([used, unused, frozen], lr=0.1, **kw)
        for _ in range(3):
            opt.zero_grad()
            (used**2).sum().backward()
            opt.step()
        assert unused.tolist() == [3.0] and unused._version == 0 and unused.grad is None
        assert frozen.tolist() == [4.0] and frozen._version == 0
        assert unused not in opt.state and frozen not in opt.state
        assert used._version == 3
        assert (used in opt.state) == (name == "Adam" or "momentum" in kw)


def test_step_runs_closure_with_grad_enabled():
    w = fakel.tensor([1.0, -1.0], requires_grad=True)
    opt = fakel.optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        return loss

    with fakel.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 2.0
    assert w.tolist() == pytest.approx([0.8, -0.8])
    assert opt.step() is None


def test_adamw_decay_bumps_version_twice():
    for lib in (torch, fakel):
        w = lib.tensor([1.0], requires_grad=True)
        opt = lib.optim.Adam([w], weight_decay=0.1, decoupled_weight_decay=True)
        (w * 2).sum().backward()
        opt.step()
        assert w._version == 2


@pytest.mark.parametrize("name, kw", [("Adam", dict(amsgrad=True)), ("SGD", dict(momentum=0.9))])
def test_state_dict_round_trip(name, kw):
    dtype = "float64"
    fparams, tparams = make_params(fakel, dtype), make_params(torch, dtype)
    fopt = getattr(fakel.optim, name)(groups(fparams, LRS[name]), **kw)
    topt = getattr(torch.optim, name)(groups(tparams, LRS[name]), **kw)
    lockstep(fopt, fparams, topt, tparams, 5, dtype)

    fsd, tsd = fopt.state_dict(), topt.state_dict()
    assert fsd["param_groups"] == tsd["param_groups"]
    assert list(fsd["state"]) == list(tsd["state"]) == [0, 1, 2, 3]
    if name == "Adam":
        step = fsd["state"][0]["step"]
        assert isinstance(step, fakel.Tensor) and step.dtype == fakel.float32
        assert step.shape == () and step.item() == 5.0
    # As in PyTorch, the state dict shares its per-parameter dicts with the optimizer.
    assert fsd["state"][0] is fopt.state[fparams[0]]

    # A fresh optimizer (other hyper-parameters) on copies of the parameters continues exactly.
    saved = copy.deepcopy(fsd)
    fresh = [fakel.tensor(p.tolist(), dtype=fakel.float64, requires_grad=True) for p in fparams]
    fopt2 = getattr(fakel.optim, name)(fresh, lr=123.0)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        fopt2.load_state_dict(saved)
    fopt2 = getattr(fakel.optim, name)(groups(fresh, [123.0] * 4))
    fopt2.load_state_dict(saved)
    assert [g["lr"] for g in fopt2.param_groups] == LRS[name]
    assert fopt2.param_groups[0]["params"][0] is fresh[0]
    lockstep(fopt2, fresh, topt, tparams, 5, dtype)
    assert_same_state(fopt2, topt, STATE_TOL[dtype])


def test_load_state_dict_errors_and_casts():
    errors = []
    for lib in (torch, fakel):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        opt = lib.optim.Adam([a])
        (a * a).sum().backward()
        opt.step()
        sd = opt.state_dict()
        b = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        c = lib.tensor([1.0], requires_grad=True)
        errors.append(
            _outcome(lambda lib=lib, b=b, c=c, sd=sd: lib.optim.Adam([b, c]).load_state_dict(sd))
        )
        errors.append(
            _outcome(
                lambda lib=lib, b=b, c=c, sd=sd: lib.optim.Adam(
                    [{"params": [b]}, {"params": [c]}]
                ).load_state_dict(sd)
            )
        )
        # Loading float32 state for a float64 parameter casts the moments, not `step`.
        opt2 = lib.optim.Adam([b])
        opt2.load_state_dict(sd)
        st = opt2.state[b]
        errors.append([str(st[k].dtype)[-7:] for k in ("step", "exp_avg", "exp_avg_sq")])
    assert errors[:3] == errors[3:]
    assert errors[2] == ["float32", "float64", "float64"]


def test_step_is_float64_under_float64_default():
    old = fakel.get_default_dtype()
    fakel.set_default_dtype(fakel.float64)
    try:
        w = fakel.tensor([1.0], requires_grad=True)
        opt = fakel.optim.Adam([w])
        (w * 2).sum().backward()
        opt.step()
        assert opt.state[w]["step"].dtype == fakel.float64
    finally:
        fakel.set_default_dtype(old)


def test_add_param_group_and_named_parameters():
    results = []
    for lib in (torch, fakel):
        a = lib.tensor([1.0, -1.0], requires_grad=True)
        b = lib.tensor([2.0], requires_grad=True)
        opt = lib.optim.SGD([("a", a)], lr=0.1, momentum=0.9)
        opt.add_param_group({"params": [("b", b)], "lr": 0.01})
        for _ in range(3):
            opt.zero_grad()
            ((a**2).sum() + (b**3).sum()).backward()
            opt.step()
        sd = opt.state_dict()
        results.append((a.tolist(), b.tolist(), sd["param_groups"], list(sd["state"])))
    assert results[0][2] == results[1][2]
    assert results[0][3] == results[1][3]
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)


def test_kernels_never_write_the_gradient():
    for name, kw in [("SGD", dict(momentum=0.9)), ("Adam", dict(weight_decay=0.1, amsgrad=True))]:
        w = fakel.tensor([1.0, 2.0], requires_grad=True)
        opt = getattr(fakel.optim, name)([w], lr=0.1, **kw)
        (w * w).sum().backward()
        grad = w.grad._data.copy()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
            opt.step()
        assert np.array_equal(w.grad._data, grad)
        if name == "SGD":
            assert not np.shares_memory(opt.state[w]["momentum_buffer"]._data, w.grad._data)
