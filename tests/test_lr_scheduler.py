"""fakel.optim.lr_scheduler against torch.optim.lr_scheduler: 200-step lr (and momentum)
sequences, state_dict round trips mid-way, warnings and error parity."""

import copy
import math
import warnings

import pytest
import torch

import fakel

STEPS = 200


def _opt(lib, name="SGD", lrs=(0.1, 0.01), **kw):
    params = [lib.tensor([1.0, 2.0], requires_grad=True) for _ in lrs]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, lrs)]
    return getattr(lib.optim, name)(groups, **kw)


def _sched(lib, name, opt, kw):
    mod = lib.optim.lr_scheduler
    if name == "SequentialLR":
        parts = [mod.LinearLR(opt, start_factor=0.1, total_iters=10), mod.ExponentialLR(opt, 0.97)]
        return mod.SequentialLR(opt, parts, milestones=[10])
    if name == "ChainedScheduler":
        parts = [mod.StepLR(opt, 30, gamma=0.5), mod.ExponentialLR(opt, 0.99)]
        return mod.ChainedScheduler(parts)
    return getattr(mod, name)(opt, **kw)


def _halve_every(n):
    return lambda epoch: 0.5 ** (epoch // n)


CASES = [
    ("StepLR", dict(step_size=30)),
    ("StepLR", dict(step_size=7, gamma=0.7)),
    ("MultiStepLR", dict(milestones=[30, 80, 80, 150], gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.98)),
    ("CosineAnnealingLR", dict(T_max=50)),
    ("CosineAnnealingLR", dict(T_max=37, eta_min=0.001)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1 / (1 + 0.05 * epoch))),
    ("MultiplicativeLR", dict(lr_lambda=lambda epoch: 0.99)),
    ("LinearLR", dict()),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.5, total_iters=60)),
    ("ConstantLR", dict(factor=0.5, total_iters=20)),
    ("PolynomialLR", dict(total_iters=150, power=2.0)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=STEPS)),
    ("OneCycleLR", dict(max_lr=[1.0, 0.5], total_steps=STEPS, anneal_strategy="linear")),
    ("OneCycleLR", dict(max_lr=0.3, epochs=20, steps_per_epoch=10, three_phase=True)),
    ("OneCycleLR", dict(max_lr=0.3, total_steps=STEPS, cycle_momentum=False, pct_start=0.1)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10, T_mult=2, eta_min=1e-4)),
    ("CosineAnnealingWarmRestarts", dict(T_0=25)),
    ("SequentialLR", {}),
    ("ChainedScheduler", {}),
]
OPTIMIZERS = [("SGD", dict(momentum=0.9)), ("Adam", {})]


def _id(case):
    name, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items() if k != "lr_lambda")


def _snapshot(opt):
    return [
        (g["lr"], g.get("momentum"), g.get("betas"), g.get("initial_lr")) for g in opt.param_groups
    ]


def _run(lib, case, optname, optkw, steps, resume_at=None):
    """lr/momentum after every step; with resume_at, a fresh optimizer and scheduler take over
    from a deep-copied state_dict at that step."""
    name, kw = case
    opt = _opt(lib, optname, **optkw)
    sched = _sched(lib, name, opt, kw)
    seen = [(_snapshot(opt), sched.get_last_lr())]
    for step in range(steps):
        if step == resume_at:
            osd, ssd = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
            # PyTorch's recipe: build both, then load both (the new scheduler's initial step
            # is overwritten).
            opt = _opt(lib, optname, lrs=(5.0, 6.0), **optkw)
            sched = _sched(lib, name, opt, kw)
            opt.load_state_dict(osd)
            sched.load_state_dict(ssd)
        opt.step()
        sched.step()
        seen.append((_snapshot(opt), list(sched.get_last_lr())))
    return seen, sched


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_sequence_matches_torch(case, opt):
    optname, optkw = opt
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # optimizer.step() comes first: no warning
        tseq, tsched = _run(torch, case, optname, optkw, STEPS)
        fseq, fsched = _run(fakel, case, optname, optkw, STEPS)
    # Same Python float arithmetic in the same order: equal to the last bit.
    assert fseq == tseq
    assert len({lr for snap, _ in tseq for lr, *_ in snap}) > 1  # the schedule moved
    tsd, fsd = tsched.state_dict(), fsched.state_dict()
    assert list(fsd) == list(tsd)
    if case[0] not in ("LambdaLR", "MultiplicativeLR", "ChainedScheduler"):
        assert fsd == tsd


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_state_dict_round_trip_mid_way(case):
    tseq, _ = _run(torch, case, "SGD", dict(momentum=0.9), STEPS, resume_at=STEPS // 2)
    fseq, _ = _run(fakel, case, "SGD", dict(momentum=0.9), STEPS, resume_at=STEPS // 2)
    assert fseq == tseq
    if case[0] not in ("SequentialLR", "ChainedScheduler"):  # they rebuild their parts
        # Resuming changes nothing from the uninterrupted run.
        assert fseq == _run(fakel, case, "SGD", dict(momentum=0.9), STEPS)[0]


def _plateau_run(lib, kw, metrics):
    opt = _opt(lib, "SGD", momentum=0.9)
    sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    out = []
    for i, m in enumerate(metrics):
        if i == len(metrics) // 2:
            sd = copy.deepcopy(sched.state_dict())
            sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
            sched.load_state_dict(sd)
        opt.step()
        sched.step(m)
        out.append(
            (
                [g["lr"] for g in opt.param_groups],
                sched.get_last_lr(),
                sched.best,
                sched.num_bad_epochs,
                sched.cooldown_counter,
            )
        )
    return out, sched.state_dict()


# A noisy loss that plateaus: improvements, flat stretches and bumps.
METRICS = [
    0.5 + 1.0 / (1 + 0.3 * i) + 0.05 * math.sin(i * 1.7) + (0.2 if i % 37 == 0 else 0)
    for i in range(STEPS)
]
PLATEAU = [
    {},
    dict(mode="max", factor=0.5, patience=3),
    dict(patience=2, threshold=0.05, threshold_mode="abs", cooldown=4),
    dict(factor=0.2, patience=1, min_lr=[0.05, 1e-3], eps=1e-3),
    dict(mode="max", threshold_mode="abs", threshold=0.0, patience=0, min_lr=0.001),
]


@pytest.mark.parametrize("kw", PLATEAU)
def test_reduce_lr_on_plateau_matches_torch(kw):
    metrics = [-m for m in METRICS] if kw.get("mode") == "max" else METRICS
    tout, tsd = _plateau_run(torch, kw, metrics)
    fout, fsd = _plateau_run(fakel, kw, metrics)
    assert fout == tout
    assert fsd == tsd
    assert len({lrs[0] for lrs, *_ in tout}) > 1


def test_tensor_lr_is_updated_in_place():
    out = []
    for lib in (torch, fakel):
        p = lib.tensor([1.0], requires_grad=True)
        lr = lib.tensor(0.1)
        opt = lib.optim.Adam([p], lr=lr)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2, gamma=0.5)
        for _ in range(5):
            opt.step()
            sched.step()
        assert opt.param_groups[0]["lr"] is lr
        out.append((lr.item(), [float(x) for x in sched.get_last_lr()]))
    assert out[0] == out[1]


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [str(w.message).replace("torch", "fakel") for w in caught]


def test_warnings_match_torch():
    def before_optimizer(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        sched.step()  # before any optimizer.step()

    def epoch_argument(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        opt.step()
        sched.step(3)
        return sched.get_last_lr()

    def get_lr_directly(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        return sched.get_lr()

    def overridden_step(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        opt.step = lambda: None
        opt.step()
        sched.step()

    for fn in (before_optimizer, epoch_argument, get_lr_directly, overridden_step):
        expected = _warnings_of(lambda fn=fn: fn(torch))
        assert expected, fn.__name__
        assert _warnings_of(lambda fn=fn: fn(fakel)) == expected, fn.__name__


def _outcome(fn):
    try:
        fn()
    except Exception as e:  # the class and message are compared
        return type(e).__name__, str(e).replace("torch.", "fakel.")
    return "ok", ""


def _step_n(sched, n):
    for _ in range(n):
        sched.step()


def _bad(lib):
    m = lib.optim.lr_scheduler
    opt = _opt(lib)
    adagrad = _opt(lib, "Adagrad")
    return [
        lambda: m.StepLR(object(), 3),
        lambda: m.StepLR(_opt(lib), 3, last_epoch=5),
        lambda: m.LambdaLR(opt, [lambda e: 1.0]),
        lambda: m.MultiplicativeLR(opt, 0.9),
        lambda: m.ConstantLR(opt, factor=1.5),
        lambda: m.LinearLR(opt, start_factor=0),
        lambda: m.LinearLR(opt, end_factor=2.0),
        lambda: m.OneCycleLR(opt, max_lr=1.0),
        lambda: m.OneCycleLR(opt, max_lr=1.0, total_steps=0),
        lambda: m.OneCycleLR(opt, max_lr=1.0, epochs=0, steps_per_epoch=3),
        lambda: m.OneCycleLR(opt, max_lr=1.0, epochs=2, steps_per_epoch=1.5),
        lambda: m.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=1),
        lambda: m.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="exp"),
        lambda: m.OneCycleLR(opt, max_lr=[1.0], total_steps=10),
        lambda: m.OneCycleLR(adagrad, max_lr=1.0, total_steps=10),
        lambda: _step_n(m.OneCycleLR(opt, max_lr=1.0, total_steps=2), 3),
        lambda: m.CosineAnnealingWarmRestarts(opt, T_0=0),
        lambda: m.CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=1.5),
        lambda: m.CosineAnnealingWarmRestarts(opt, T_0=5, eta_min="0"),
        lambda: m.CosineAnnealingWarmRestarts(opt, T_0=5).step(-1),
        lambda: m.ReduceLROnPlateau(opt, factor=1.0),
        lambda: m.ReduceLROnPlateau(opt, mode="avg"),
        lambda: m.ReduceLROnPlateau(opt, threshold_mode="pct"),
        lambda: m.ReduceLROnPlateau(opt, min_lr=[0.1]),
        lambda: m.ReduceLROnPlateau(object()),
        lambda: m.SequentialLR(opt, [], milestones=[]),
        lambda: m.SequentialLR(opt, [m.StepLR(opt, 2)], milestones=[3]),
        lambda: m.SequentialLR(opt, [m.ReduceLROnPlateau(opt)], milestones=[]),
        lambda: m.SequentialLR(opt, [m.StepLR(adagrad, 2)], milestones=[]),
        lambda: m.SequentialLR(opt, [object()], milestones=[]),
        lambda: m.ChainedScheduler([]),
        lambda: m.ChainedScheduler([m.StepLR(opt, 2), m.StepLR(adagrad, 2)]),
    ]


@pytest.mark.parametrize("index", range(len(_bad(torch))))
def test_errors_match_torch(index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _outcome(_bad(torch)[index])
        got = _outcome(_bad(fakel)[index])
    assert expected[0] != "ok"
    if expected[0] == "ValueError" and "which is different from" in expected[1]:
        # The message prints the optimizer's repr, which names its parameters' tensors.
        assert got[0] == expected[0] and got[1].split(" has ")[0] == expected[1].split(" has ")[0]
    else:
        assert got == expected


def test_initial_lr_and_last_epoch():
    for lib in (torch, fakel):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.01]
        assert sched.last_epoch == 0 and sched.base_lrs == [0.1, 0.01]
        # Resuming: last_epoch >= 0 needs initial_lr, which is now there.
        sched2 = lib.optim.lr_scheduler.StepLR(opt, 3, last_epoch=5)
        assert sched2.last_epoch == 6
