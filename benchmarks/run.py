"""fakel vs PyTorch (and NumPy by hand) in one process: prints a Markdown table of times and ratios.

Run ``python benchmarks/run.py`` from the repository root (``--quick`` for a smoke run of about 15
seconds, ``--markdown`` for the table alone, ``--only GROUP`` to run one group: seed, adam, tiny,
matmul, optim, deep, mlp, cnn, index or import). ratio = fakel time / PyTorch time: below 1
fakel is faster. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

import fakel


@dataclass
class Config:
    rounds: int  # timed rounds per benchmark; the best one is reported
    min_time: float  # seconds each round runs at least (the call count is calibrated to it)
    loop_steps: int  # steps of the optimisation loops per timed call
    import_runs: int  # fresh interpreters per import measurement
    torch_import_runs: int
    quick: bool = False  # a smoke run: skips the rows that only give context


FULL = Config(rounds=7, min_time=0.2, loop_steps=500, import_runs=20, torch_import_runs=4)
QUICK = Config(
    rounds=3, min_time=0.01, loop_steps=100, import_runs=2, torch_import_runs=1, quick=True
)


@dataclass
class Row:
    name: str
    unit: str  # "us" or "ms": how the times print
    times: dict[str, float] = field(default_factory=dict)  # seconds, per library
    target: float | None = None  # the ratio (fakel / torch) the team aims for, at most
    note: str = ""


# Timing ------------------------------------------------------------------------------------------


def _run(fn: Callable[[], object], number: int) -> float:
    loop = range(number)
    start = time.perf_counter()
    for _ in loop:
        fn()
    return time.perf_counter() - start


def _calibrate(fn: Callable[[], object], min_time: float) -> tuple[int, float]:
    """Calls per round so that a round lasts min_time (as timeit's autorange, with a set target).

    Returns that number and the seconds per call the last calibration round measured.
    """
    fn()  # warm-up: first-call caches, lazy imports, optimizer state
    number = 1
    while True:
        elapsed = _run(fn, number)
        if elapsed >= min_time or number >= 1 << 22:
            return number, elapsed / number
        number = max(number * 2, int(number * 1.2 * min_time / max(elapsed, 1e-7)))


def compare(fns: dict[str, Callable[[], object]], cfg: Config, per_call: int = 1) -> dict:
    """Best seconds per unit of work (a call / per_call) of each function.

    Libraries take turns round by round, so that drift in machine load hits them alike. The
    garbage collector stays on, as in a user's loop (timeit would switch it off); it runs
    between rounds. The last calibration round counts as the first timed round.
    """
    numbers, best = {}, {}
    for lib, fn in fns.items():
        numbers[lib], best[lib] = _calibrate(fn, cfg.min_time)
    for _ in range(cfg.rounds - 1):
        for lib, fn in fns.items():
            gc.collect()
            best[lib] = min(best[lib], _run(fn, numbers[lib]) / numbers[lib])
    return {lib: t / per_call for lib, t in best.items()}


# 1. The seed notebook's gradient-descent loop --------------------------------------------------


def seed_loop(lib, dtype, steps: int, alpha: float = 1e-3):
    w = lib.tensor([[5, 10], [1, 2]], dtype=dtype, requires_grad=True)
    for _ in range(steps):
        function = lib.prod(lib.log(lib.log(w + 7)))
        function.backward()
        w.data -= alpha * w.grad
        w.grad.zero_()
    return w.detach().numpy()


def seed_loop_numpy(dtype, steps: int, alpha: float = 1e-3):
    # d/dw_i prod_j log(log(w_j + 7)) = prod_{j != i}(l2_j) / l1_i / u_i, and every l2_j > 0.
    w = np.array([[5, 10], [1, 2]], dtype=dtype)
    for _ in range(steps):
        u = w + 7
        l1 = np.log(u)
        l2 = np.log(l1)
        grad = np.prod(l2) / l2 / l1 / u
        w -= alpha * grad
    return w


def bench_seed(cfg: Config) -> list[Row]:
    rows = []
    for label, dtypes in (
        (
            "seed loop step, float32 (as the notebook: dtype=torch.float)",
            (fakel.float, torch.float, np.float32),
        ),
        ("seed loop step, float64 (dtype=float)", (float, float, np.float64)),
    ):
        fd, td, nd = dtypes
        n = cfg.loop_steps
        results = {
            "fakel": seed_loop(fakel, fd, n),
            "torch": seed_loop(torch, td, n),
            "numpy": seed_loop_numpy(nd, n),
        }
        times = compare(
            {
                "fakel": lambda fd=fd, n=n: seed_loop(fakel, fd, n),
                "torch": lambda td=td, n=n: seed_loop(torch, td, n),
                "numpy": lambda nd=nd, n=n: seed_loop_numpy(nd, n),
            },
            cfg,
            per_call=n,
        )
        rows.append(Row(label, "us", times, 1.0, _agree(results)))
    return rows


# 2. Adam on the seed's parabola -------------------------------------------------------------------


def adam_loop(lib, steps: int):
    x = lib.tensor([8.0, 8.0], requires_grad=True)
    opt = lib.optim.Adam([x], lr=0.1)
    for _ in range(steps):
        loss = 10 * (x**2).sum()
        loss.backward()
        opt.step()
        opt.zero_grad()
    return x.detach().numpy()


def adam_loop_numpy(steps: int, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    x = np.array([8.0, 8.0], dtype=np.float32)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for t in range(1, steps + 1):
        g = 20 * x
        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * g * g
        denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
        x -= (lr / (1 - beta1**t)) * m / denom
    return x


def bench_adam(cfg: Config) -> list[Row]:
    n = cfg.loop_steps
    results = {
        "fakel": adam_loop(fakel, n),
        "torch": adam_loop(torch, n),
        "numpy": adam_loop_numpy(n),
    }
    times = compare(
        {
            "fakel": lambda: adam_loop(fakel, n),
            "torch": lambda: adam_loop(torch, n),
            "numpy": lambda: adam_loop_numpy(n),
        },
        cfg,
        per_call=n,
    )
    return [Row("Adam step, parabola 10*(x**2).sum(), float32", "us", times, 1.0, _agree(results))]


# 3. Tiny ops on 2x2 float32 ---------------------------------------------------------------------

TINY_OPS: dict[str, Callable] = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sum": lambda a, b: a.sum(),
    "log": lambda a, b: a.log(),
    "matmul": lambda a, b: a @ b,
}
NUMPY_OPS: dict[str, Callable] = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sum": lambda a, b: a.sum(),
    "log": lambda a, b: np.log(a),
    "matmul": lambda a, b: a @ b,
}


def chain_backward(a, b):
    a.grad = None
    b.grad = None
    (a * b + a).exp().log().sum().backward()


def bench_tiny(cfg: Config) -> list[Row]:
    av = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    bv = np.array([[0.5, 1.5], [2.5, 3.5]], dtype=np.float32)
    rows = []
    for grad in (False, True):
        fa, fb = (fakel.tensor(v, requires_grad=grad) for v in (av, bv))
        ta, tb = (torch.tensor(v, requires_grad=grad) for v in (av, bv))
        for name, op in TINY_OPS.items():
            fns = {
                "fakel": lambda op=op, a=fa, b=fb: op(a, b),
                "torch": lambda op=op, a=ta, b=tb: op(a, b),
            }
            if not grad:
                fns["numpy"] = lambda name=name: NUMPY_OPS[name](av, bv)
            label = f"2x2 {name}" + (", requires_grad (graph recorded)" if grad else "")
            rows.append(Row(label, "us", compare(fns, cfg), 1.5))
    fa, fb = (fakel.tensor(v, requires_grad=True) for v in (av, bv))
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (av, bv))
    times = compare(
        {
            "fakel": lambda: chain_backward(fa, fb),
            "torch": lambda: chain_backward(ta, tb),
        },
        cfg,
    )
    rows.append(
        Row(
            "2x2 (a*b + a).exp().log().sum(): forward + backward",
            "us",
            times,
            1.5,
            _agree({"fakel": fa.grad.numpy(), "torch": ta.grad.numpy()}),
        )
    )
    return rows


# 4. Large matmul forward + backward -------------------------------------------------------------


def matmul_backward(a, b):
    a.grad = None
    b.grad = None
    (a @ b).sum().backward()


def matmul_numpy(a, b):
    # The same work by hand: the product, then dL/da = 1 @ b.T and dL/db = a.T @ 1.
    out = a @ b
    out.sum()
    ones = np.ones_like(out)
    return ones @ b.T, a.T @ ones


def bench_matmul(cfg: Config) -> list[Row]:
    rng = np.random.default_rng(0)
    av = rng.standard_normal((1024, 1024), dtype=np.float32)
    bv = rng.standard_normal((1024, 1024), dtype=np.float32)
    fa, fb = (fakel.tensor(v, requires_grad=True) for v in (av, bv))
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (av, bv))
    times = compare(
        {
            "fakel": lambda: matmul_backward(fa, fb),
            "torch": lambda: matmul_backward(ta, tb),
            "numpy": lambda: matmul_numpy(av, bv),
        },
        cfg,
    )
    grads = {"fakel": fa.grad.numpy(), "torch": ta.grad.numpy()}
    rows = [
        Row(
            "1024x1024 float32 (a @ b).sum().backward()", "ms", times, 1.2, _agree(grads, rtol=1e-4)
        )
    ]
    if cfg.quick:
        return rows
    fa0, fb0 = fakel.from_numpy(av), fakel.from_numpy(bv)
    ta0, tb0 = torch.from_numpy(av), torch.from_numpy(bv)
    times = compare(
        {
            "fakel": lambda: fa0 @ fb0,
            "torch": lambda: ta0 @ tb0,
            "numpy": lambda: av @ bv,
        },
        cfg,
    )
    rows.append(Row("1024x1024 float32 a @ b, no grad (context, no target)", "ms", times))
    return rows


# 4b. Optimizer step on MLP-sized parameters (784-256-128-10: weights and biases, 235k floats) -----

MLP_SHAPES = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]


def optim_setup(lib, name: str, kw: dict):
    rng = np.random.default_rng(0)
    params = []
    for shape in MLP_SHAPES:
        p = lib.tensor(rng.standard_normal(shape, dtype=np.float32) * 0.05, requires_grad=True)
        p.grad = lib.tensor(rng.standard_normal(shape, dtype=np.float32) * 0.01)
        params.append(p)
    return getattr(lib.optim, name)(params, **kw), params


def bench_optim(cfg: Config) -> list[Row]:
    rows = []
    cases = [
        ("SGD", dict(lr=0.01, momentum=0.9)),
        ("Adam", dict(lr=1e-3)),
        ("AdamW", dict(lr=1e-3)),
        ("RMSprop", dict(lr=1e-3)),
    ]
    for name, kw in cases if not cfg.quick else cases[:2]:
        fopt, fparams = optim_setup(fakel, name, kw)
        topt, tparams = optim_setup(torch, name, kw)
        for _ in range(5):
            fopt.step()
            topt.step()
        agree = _agree({"fakel": fparams[0].detach().numpy(), "torch": tparams[0].detach().numpy()})
        times = compare({"fakel": fopt.step, "torch": topt.step}, cfg)
        label = f"{name}({', '.join(f'{k}={v}' for k, v in kw.items())}).step(), MLP params"
        rows.append(Row(label + " (235k float32)", "us", times, 1.5, agree))
    return rows


# 4c. Advanced indexing with a gradient ---------------------------------------------------------


def index_backward(x, idx):
    x.grad = None
    x[idx].sum().backward()


def bench_index(cfg: Config) -> list[Row]:
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((10000, 100), dtype=np.float32)
    iv = rng.integers(0, 10000, 1000)
    fx, tx = fakel.tensor(xv, requires_grad=True), torch.tensor(xv, requires_grad=True)
    fi, ti = fakel.tensor(iv), torch.tensor(iv)
    times = compare(
        {"fakel": lambda: index_backward(fx, fi), "torch": lambda: index_backward(tx, ti)}, cfg
    )
    agree = _agree({"fakel": fx.grad.numpy(), "torch": tx.grad.numpy()})
    return [Row("(10000, 100) float32 x[idx].sum().backward(), 1000 int64 indices", "us", times,
                1.5, agree)]


# 5. Import time ---------------------------------------------------------------------------------


# Run in a fresh interpreter, after NumPy: prints the seconds that importing fakel adds.
_FAKEL_AFTER_NUMPY = (
    "import time, numpy; t = time.perf_counter(); import fakel; print(time.perf_counter() - t)"
)


def _interpreter_seconds(code: str, env: dict[str, str]) -> float:
    """Wall time of a fresh interpreter running code, or what the code printed, if anything."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    return float(done.stdout) if done.stdout.strip() else elapsed


def bench_import(cfg: Config) -> list[Row]:
    no_pyc = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    with tempfile.TemporaryDirectory() as cache:
        # An installed package has its .pyc files, but this checkout may have none (with
        # PYTHONDONTWRITEBYTECODE=1 every import compiles fakel from source): fakel and NumPy
        # write theirs under a throwaway prefix. torch's wheel ships its own; it reads them and
        # writes nothing. No run writes into the source tree or site-packages.
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = cache
        read_only = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        cases = {
            "pass": ("pass", cached),
            "numpy": ("import numpy", cached),
            "fakel": ("import fakel", cached),
            "fakel after numpy": (_FAKEL_AFTER_NUMPY, cached),
            "pass read-only": ("pass", read_only),
            "torch": ("import torch", read_only),
        }
        if no_pyc:
            cases["fakel, no .pyc"] = ("import fakel", read_only)
        for name, (code, env) in cases.items():  # write the .pyc files, warm the file cache
            if name != "torch" or cfg.torch_import_runs > 1:  # torch takes seconds
                _interpreter_seconds(code, env)
        best = dict.fromkeys(cases, math.inf)
        for i in range(cfg.import_runs):  # interleaved, so that load changes hit all alike
            for name, (code, env) in cases.items():
                if name != "torch" or i < cfg.torch_import_runs:
                    best[name] = min(best[name], _interpreter_seconds(code, env))
    times = {
        "numpy": best["numpy"] - best["pass"],
        "fakel": best["fakel"] - best["pass"],
        "torch": best["torch"] - best["pass read-only"],
    }
    extra_ms = best["fakel after numpy"] * 1e3
    note = (
        f"import fakel after numpy, timed inside the interpreter: {extra_ms:.1f} ms (target "
        f"< 50 ms: {'ok' if extra_ms < 50 else 'MISS'})"
    )
    if no_pyc:
        no_pyc_ms = (best["fakel, no .pyc"] - best["pass read-only"]) * 1e3
        note += f"; fakel with no .pyc (PYTHONDONTWRITEBYTECODE is set here): {no_pyc_ms:.0f} ms"
    return [Row("import (fresh interpreter, minus `python -c pass`)", "ms", times, None, note)]


# Checks and output ------------------------------------------------------------------------------


def _agree(results: dict[str, np.ndarray], rtol: float = 1e-5) -> str:
    """Say if the libraries computed the same numbers (a benchmark of a wrong result is void)."""
    ref = np.asarray(results["torch"], dtype=np.float64)
    atol = rtol * float(np.abs(ref).max())
    bad = [
        lib
        for lib, value in results.items()
        if not np.allclose(np.asarray(value, dtype=np.float64), ref, rtol=rtol, atol=atol)
    ]
    return f"RESULTS DIFFER from torch: {', '.join(bad)}" if bad else ""


def _fmt(seconds: float | None, unit: str) -> str:
    if seconds is None:
        return "—"
    value = seconds * (1e6 if unit == "us" else 1e3)
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{digits}f} {'µs' if unit == 'us' else 'ms'}"


def table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | fakel | PyTorch | ratio | NumPy (by hand) | target | note |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ratio = row.times["fakel"] / row.times["torch"]
        if row.target is None:
            target = ""
        else:
            target = f"≤ {row.target:g} " + ("ok" if ratio <= row.target else "MISS")
        lines.append(
            f"| {row.name} | {_fmt(row.times.get('fakel'), row.unit)} "
            f"| {_fmt(row.times.get('torch'), row.unit)} | {ratio:.2f} "
            f"| {_fmt(row.times.get('numpy'), row.unit)} | {target} | {row.note} |"
        )
    return "\n".join(lines)


def _source_state() -> str:
    """The git commit fakel was run from (with -dirty for uncommitted edits), if known."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=os.path.dirname(os.path.abspath(fakel.__file__)),
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def header(cfg: Config, load: tuple[float, float]) -> str:
    env = {k: os.environ.get(k, "(unset)") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return "\n".join(
        [
            f"# fakel {fakel.__version__} vs PyTorch {torch.__version__} "
            f"(NumPy {np.__version__}, Python {platform.python_version()})",
            "",
            f"- fakel source: git {_source_state()}",
            f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
            f"- threads: default; torch.get_num_threads() = {torch.get_num_threads()}, "
            f"NumPy's BLAS left at its default",
            f"- OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}, "
            f"OPENBLAS_L2_SIZE={env['OPENBLAS_L2_SIZE']}",
            f"- timing: best of {cfg.rounds} rounds, each >= {cfg.min_time * 1e3:g} ms "
            f"(libraries alternate round by round, gc on); loops run {cfg.loop_steps} steps"
            + (" [--quick]" if cfg.quick else ""),
            f"- 1-minute load average at start / end: {load[0]:.2f} / {load[1]:.2f} (other "
            "processes on these CPUs slow the multi-threaded BLAS rows most)",
            "- ratio = fakel / PyTorch (< 1: fakel is faster); target = the team's goal for it",
            "",
        ]
    )


# 6. Backward through deep graphs (the engine's cost per node) --------------------------------


def _deep_chain(lib, n: int):
    x = lib.ones(4, dtype=lib.float64, requires_grad=True)  # float32 sin drifts over 100k ops
    y = x
    for i in range(n):
        y = y.sin() if i % 2 else y * 1.0001  # alternate: one node that saves, one that does not
    return x, y.sum()


def bench_deep(cfg: Config) -> list[Row]:
    """Backward alone (the graph is built outside the timed region), per node of the chain: the
    10k and 100k rows agree when the engine's time is linear in the graph's size."""
    rows = []
    for n in (10_000, 100_000):
        best: dict[str, float] = {}
        results = {}
        for _ in range(max(2, cfg.rounds // 2)):
            for name, lib in (("fakel", fakel), ("torch", torch)):
                x, out = _deep_chain(lib, n)
                gc.collect()
                start = time.perf_counter()
                out.backward()
                elapsed = (time.perf_counter() - start) / n
                best[name] = min(best.get(name, elapsed), elapsed)
                results[name] = x.grad.numpy()
                del x, out
        rows.append(Row(f"backward of a {n // 1000}k-op chain, per op", "us", best, None,
                        _agree(results)))
    return rows


# 7. A small CNN training step (fakel.nn convolution, pooling, linear; SGD) ----------------------


def _cnn(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 10),
    )


def _train_step(lib, model, opt, x, y):
    opt.zero_grad()
    loss = lib.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


def _paired(make, shapes_x, classes, lr, momentum=0.0):
    """The same model (torch's initial weights copied into fakel), data and optimizer in both."""
    rng = np.random.default_rng(0)
    xv = rng.standard_normal(shapes_x, dtype=np.float32)
    yv = rng.integers(0, classes, shapes_x[0])
    tm = make(torch)
    fm = make(fakel)
    fm.load_state_dict({k: fakel.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    args = {}
    for name, lib, model in (("torch", torch, tm), ("fakel", fakel, fm)):
        opt = lib.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        args[name] = (lib, model, opt, lib.tensor(xv), lib.tensor(yv))
    return args


def bench_cnn(cfg: Config) -> list[Row]:
    """Two Conv2d + ReLU + MaxPool2d blocks and a Linear on a batch of 64 1x28x28 images:
    forward, backward and an SGD step, float32. Both models start from torch's weights."""
    args = _paired(_cnn, (64, 1, 28, 28), 10, lr=0.01)
    losses = {name: [_train_step(*a).item() for _ in range(3)] for name, a in args.items()}
    times = compare({name: lambda a=a: _train_step(*a) for name, a in args.items()}, cfg)
    return [Row("small CNN step (2 conv + pool + linear, batch 64 of 1x28x28), fwd+bwd+SGD",
                "ms", times, 2.0, _agree(losses, rtol=1e-4))]


# 8. MLP training throughput (784-256-128-10, batch 128, SGD momentum, cross-entropy) -----------


def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
    )


def bench_mlp(cfg: Config) -> list[Row]:
    """One training step of an MNIST-sized MLP: forward, cross-entropy, backward, SGD with
    momentum, float32. Throughput is 128 samples / step time; the target is 0.9x PyTorch's
    throughput, i.e. a time ratio of at most 1/0.9."""
    args = _paired(_mlp, (128, 784), 10, lr=0.01, momentum=0.9)
    losses = {name: [_train_step(*a).item() for _ in range(3)] for name, a in args.items()}
    times = compare({name: lambda a=a: _train_step(*a) for name, a in args.items()}, cfg)
    return [Row("MLP 784-256-128-10 training step (batch 128, SGD momentum, cross-entropy)",
                "ms", times, 1.11, _agree(losses, rtol=1e-4))]


BENCHES = (
    bench_seed, bench_adam, bench_tiny, bench_matmul, bench_optim, bench_deep, bench_mlp,
    bench_cnn, bench_index, bench_import,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke run")
    parser.add_argument("--markdown", action="store_true", help="print the table only")
    parser.add_argument(
        "--only",
        default="",
        help="run only the groups whose name contains this: seed, adam, tiny, matmul, optim, deep, "
        "mlp, cnn, index, import",
    )
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    # torch's modules hold ~10^5 objects that every full collection would scan (0.15 s each,
    # charged to whichever library happens to trigger it): freeze them out of the collector.
    gc.collect()
    gc.freeze()
    rows = []
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    try:
        for bench in BENCHES:
            if args.only.lower() in bench.__name__.lower():
                rows.extend(bench(cfg))
    finally:
        gc.unfreeze()
    if not args.markdown:
        print(header(cfg, (load_start, os.getloadavg()[0])))
    print(table(rows))
    if not args.markdown:
        tiny = [r.times["fakel"] / r.times["torch"] for r in rows if r.name.startswith("2x2")]
        if tiny:
            print(f"\nTiny ops, geometric mean of ratios: {statistics.geometric_mean(tiny):.2f}")
        print(f"Total run time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
