"""Drop-in mode: the corpus under real PyTorch and under ``python -m fakel run`` prints the same;
missing PyTorch APIs raise NotImplementedError naming them; notebooks, %load_ext, assert_close."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import torch

import fakel
from fakel import _cli, _dropin

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.py")) + sorted(
    (ROOT / "tests" / "corpus").glob("*.ipynb"))

# Outputs compared number by number (within float32 rounding) instead of character by character,
# and why the operation order legitimately differs.
CLOSE_ONLY = {
    "nb2_autograd.ipynb": "tanh'(x @ w) in w.grad: NumPy's tanh and PyTorch's vectorised tanh "
                          "round one float32 value differently (9.7770e-03 vs 9.7771e-03)",
}
# Addresses in object reprs (<MulBackward0 object at 0x...>) differ from run to run in PyTorch too.
_ADDRESS = re.compile(r"0x[0-9a-f]+")
_NUMBER = re.compile(r"-?\d+\.?\d*(?:e[+-]?\d+)?")

# One PyTorch process runs every corpus file (torch takes seconds to import), capturing each
# file's stdout; notebooks go through the same cell runner that `fakel run` uses.
_REFERENCE = """
import contextlib, io, json, runpy, sys
import torch
from fakel._cli import run_notebook
out = {}
for path in sys.argv[1:]:
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        if path.endswith(".ipynb"):
            run_notebook(path, {"__name__": "__main__"})
        else:
            runpy.run_path(path, run_name="__main__")
    out[path] = buf.getvalue()
print(json.dumps(out))
"""


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run_fakel(path: Path):
    return subprocess.run([sys.executable, "-m", "fakel", "run", str(path)], capture_output=True,
                          text=True, cwd=ROOT, env=_env(), timeout=120)


@pytest.fixture(scope="module")
def outputs():
    with ThreadPoolExecutor(3) as pool:
        ref = pool.submit(subprocess.run, [sys.executable, "-c", _REFERENCE, *map(str, CORPUS)],
                          capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=300)
        runs = dict(zip(CORPUS, pool.map(_run_fakel, CORPUS)))
        ref = ref.result()
    assert ref.returncode == 0, ref.stderr
    return json.loads(ref.stdout), runs


def test_corpus_size():
    assert len([p for p in CORPUS if p.suffix == ".py"]) >= 15
    assert len([p for p in CORPUS if p.suffix == ".ipynb"]) >= 3


def _numbers_close(want: str, got: str) -> bool:
    if _NUMBER.sub("#", want) != _NUMBER.sub("#", got):
        return False
    for a, b in zip(_NUMBER.findall(want), _NUMBER.findall(got)):
        x, y = float(a), float(b)
        if abs(x - y) > 1e-4 * max(abs(x), abs(y)) + 1e-7:
            return False
    return True


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_runs_the_same_under_fakel(outputs, path):
    ref, runs = outputs
    run = runs[path]
    assert run.returncode == 0, run.stderr
    want, got = _ADDRESS.sub("0x?", ref[str(path)]), _ADDRESS.sub("0x?", run.stdout)
    assert want.strip(), "the script printed nothing"
    if path.name in CLOSE_ONLY:
        assert want != got, f"{path.name} now matches exactly: drop it from CLOSE_ONLY"
        assert _numbers_close(want, got), f"torch:\n{want}\nfakel:\n{got}"
    else:
        assert got == want


def test_notebook_magics_are_skipped_with_a_note(outputs):
    run = outputs[1][ROOT / "tests" / "corpus" / "nb3_training.ipynb"]
    assert "[cell 5]: skipped !echo skipped shell line" in run.stderr
    assert "matplotlib" not in outputs[1][ROOT / "tests" / "corpus" / "nb1_tensors.ipynb"].stderr


# Drop-in behaviour in a fresh interpreter (this one has real torch imported) ---------------------
_DROPIN = r"""
import fakel, sys
fakel.install_as_torch()
fakel.install_as_torch()  # twice: nothing changes
import torch, torch.nn as nn, torch.nn.functional as F, torch.optim.lr_scheduler as S
import torch.autograd, torch.utils.data, torch.testing, torch.fft, torch.distributions
from torch.utils.data import DataLoader
print(torch.ones(1).dtype, type(torch.ones(1)), type(torch.ones(2).shape), torch.Size([2]))
print(type(nn.Linear(1, 1)), type(nn.Parameter(torch.ones(1))))
print(type(torch.float32))
print(torch.nn.functional is F, torch.testing.assert_close is fakel.testing.assert_close)
print(DataLoader is fakel.utils.data.DataLoader, S.StepLR is fakel.optim.lr_scheduler.StepLR)
print(torch.ones(2).type(), hasattr(torch, "compile"), hasattr(torch.ones(1), "stft"))
def show(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__ + ":", e, isinstance(e, NotImplementedError))
show(lambda: torch.fft.rfft(torch.ones(4)))
show(lambda: torch.distributions.Normal(0, 1))
show(lambda: torch.sparse_coo_tensor)
show(lambda: torch.ones(3).stft(2))
show(lambda: nn.Transformer)
show(lambda: torch.no_such_thing)
show(lambda: torch.ones(1).no_such_method)
show(lambda: __import__("torch.no_such_module"))
show(lambda: torch.max(torch.ones(2), 0).foo)
print(torch.max(torch.tensor([1.0, 3.0]), 0))
"""

_DROPIN_EXPECTED = """\
torch.float32 <class 'torch.Tensor'> <class 'torch.Size'> torch.Size([2])
<class 'torch.nn.modules.linear.Linear'> <class 'torch.nn.parameter.Parameter'>
<class 'torch.dtype'>
True True
True True
torch.FloatTensor False False
NotImplementedError: torch.fft.rfft is not implemented in fakel True
NotImplementedError: torch.distributions.Normal is not implemented in fakel True
NotImplementedError: torch.sparse_coo_tensor is not implemented in fakel True
NotImplementedError: torch.Tensor.stft is not implemented in fakel True
NotImplementedError: torch.nn.Transformer is not implemented in fakel True
AttributeError: module 'torch' has no attribute 'no_such_thing' False
AttributeError: 'Tensor' object has no attribute 'no_such_method' False
ModuleNotFoundError: No module named 'torch.no_such_module' False
AttributeError: 'max' object has no attribute 'foo' False
torch.return_types.max(
values=tensor(3.),
indices=tensor(1))
"""


def test_dropin_names_types_and_missing_api():
    r = subprocess.run([sys.executable, "-c", _DROPIN], capture_output=True, text=True,
                       cwd=ROOT, env=_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == _DROPIN_EXPECTED
    # The reference: PyTorch prints the same for what fakel implements.
    assert repr(torch.max(torch.tensor([1.0, 3.0]), 0)) + "\n" in _DROPIN_EXPECTED
    assert str(type(torch.nn.Linear(1, 1))) in _DROPIN_EXPECTED


def test_missing_api_traceback_and_install_after_torch():
    code = "import fakel; fakel.install_as_torch(); import torch; torch.fft.rfft(torch.ones(2))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=_env(), timeout=60)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == (
        "NotImplementedError: torch.fft.rfft is not implemented in fakel")
    # In this process PyTorch is imported: drop-in mode refuses rather than mixing the two.
    with pytest.raises(RuntimeError, match="before `import torch`"):
        fakel.install_as_torch()
    assert not _dropin.is_installed()


def test_ipython_load_ext():
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_line_magic('load_ext', 'fakel')\n"
        "r = ip.run_cell('import torch\\nx = torch.ones(2, requires_grad=True)\\n"
        "print(type(x), (x * 2).sum(), torch.float64)')\n"
        "assert r.success\n"
        "import sys; assert 'torch' in sys.modules and sys.modules['torch']._fakel.__name__ == "
        "'fakel'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert "<class 'torch.Tensor'> tensor(4., grad_fn=<SumBackward0>) torch.float64" in r.stdout


# Plain mode (import fakel) ----------------------------------------------------------------------
def test_plain_mode_missing_names_say_fakel():
    with pytest.raises(NotImplementedError, match=r"^fakel\.fft\.rfft is not implemented in fakel"):
        fakel.fft.rfft
    with pytest.raises(NotImplementedError, match=r"^fakel\.Tensor\.stft is not implemented"):
        fakel.ones(2).stft
    with pytest.raises(AttributeError, match="module 'fakel' has no attribute 'nope'"):
        fakel.nope
    with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'nope'"):
        fakel.ones(1).nope
    assert not hasattr(fakel, "compile") and hasattr(fakel, "tensor")
    assert getattr(fakel.ones(1), "stft", 5) == 5


def test_every_torch_name_is_present_or_explicitly_missing():
    """No PyTorch top-level or Tensor name gives a plain AttributeError in fakel."""
    api = _dropin.api()
    assert {"rfft", "fft"} <= api["torch.fft"] and "Linear" in api["torch.nn"]
    assert "add" in api["torch.Tensor"] and "stft" in api["torch.Tensor"]
    for section, obj in (("torch", fakel), ("torch.Tensor", fakel.ones(1))):
        for name in sorted(api[section]):
            try:
                getattr(obj, name)
            except NotImplementedError as e:
                assert isinstance(e, _dropin.MissingAPIError), name
            except AttributeError as e:  # pragma: no cover - the failure being tested for
                pytest.fail(f"{section}.{name}: plain AttributeError {e}")
            except Exception:  # a property that needs arguments fakel's tensor lacks (e.g. .H)
                pass
    # The data file is what tools/gen_torch_api.py writes from this PyTorch.
    assert torch.__version__ in (Path(_dropin.__file__).parent / "_torch_api.txt").read_text(
    ).splitlines()[0]


def test_notebook_runner_prints_like_jupyter(tmp_path, capsys):
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["# title"]},
        {"cell_type": "code", "source": ["a = 1 + 1\n", "a"]},
        {"cell_type": "code", "source": "a * 10;"},
        {"cell_type": "code", "source": ["%time b = 3\n", "display(a, 'x')\n", "None"]},
        {"cell_type": "code", "source": ["%%bash\n", "echo no"]},
        {"cell_type": "code", "source": ["if a:\n", "    !ls\n", "    print('in if')\n", "_"]},
        # Timing magics run their code, as in Jupyter.
        {"cell_type": "code", "source": ["%%time\n", "c = b + 1\n", "print(c)"]},
        {"cell_type": "code", "source": ["c * 2"]},
    ]}
    path = tmp_path / "t.ipynb"
    path.write_text(json.dumps(nb))
    assert _cli.run_notebook(str(path), {"__name__": "__main__"}) == 0
    out, err = capsys.readouterr()
    assert out == "2\n2\n'x'\nin if\n2\n4\n8\n"
    assert "%time" not in err and "skipped cell magic %%bash" in err
    assert "[cell 5]: skipped !ls" in err


def test_cli_usage_and_script_args(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import sys, torch\nprint(sys.argv[1:], torch.tensor([1, 2]).sum())\n")
    r = subprocess.run([sys.executable, "-m", "fakel", "run", str(script), "--lr", "0.1"],
                       capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "['--lr', '0.1'] tensor(3)\n"
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert _cli.main(["run", str(tmp_path / "missing.py")]) == 2
    assert _cli.main([]) == 2


# fakel.testing.assert_close: the same outcome and message as torch.testing's --------------------
def _cases(lib):
    t = lib.tensor
    nan, inf = float("nan"), float("inf")
    return [
        (t([1.0, 2.0, 3.0]), t([1.0, 2.1, 3.0]), {}),
        (t([1.0, 2.0]), t([1.0, 2.0], dtype=lib.float64), {}),
        (t([1.0, 2.0]), t([1.0, 2.0], dtype=lib.float64), {"check_dtype": False}),
        (t([1.0, 2.0, 3.0]), t([1.0, 2.0]), {}),
        (t([1, 2, 3]), t([1, 2, 6]), {}),
        (1.0, 1.1, {}), (1, 2, {}), (True, False, {}), (1, 1.0, {}), ((1, 2), [1, 2], {}),
        (t([[1.0, nan], [0.0, 0.0]]), t([[1.0, nan], [0.0, 1.0]]), {}),
        (t([1.0, nan]), t([1.0, nan]), {}), (t([1.0, nan]), t([1.0, nan]), {"equal_nan": True}),
        (t([1.0, 2.0]), [1.0, 2.0], {}), ("a", "b", {}),
        ([t(1.0)], [t(2.0)], {}), ([t(1.0)], [t(1.0), t(2.0)], {}),
        ({"a": t(1.0)}, {"a": t(2.0)}), ({"a": 1}, {"b": 1}, {}),
        (t(1.0), t(1.5), {}), (t([True, False]), t([True, True]), {}),
        (t([0.0, 0.0]), t([0.0, 1e-6]), {}), (t([1.0, 2.0]), t([-1.0, inf]), {}),
        (t([1.0, 2.0]), t([1.0, 2.5]), {"atol": 0.1, "rtol": 0.1}),
        (t([1.0, 2.0]), t([1.0, 2.5]), {"rtol": 0.1}),
        (t([1.0, 2.0]), t([1.0, 2.5]), {"msg": "boom"}),
        (lib.zeros(2, 3), lib.ones(2, 3), {}),
        (t([1.0, 2.0], requires_grad=True), t([1.0, 2.0]), {}),
    ]


def test_assert_close_matches_torch():
    for (a, b, *kw), (fa, fb, *_) in zip(_cases(torch), _cases(fakel)):
        kw = kw[0] if kw else {}
        outcome = []
        for fn, x, y in ((torch.testing.assert_close, a, b),
                         (fakel.testing.assert_close, fa, fb)):
            try:
                fn(x, y, **kw)
                outcome.append(None)
            except Exception as e:
                outcome.append((type(e).__name__, str(e).replace("torch.", "fakel.")))
        assert outcome[0] == outcome[1], (a, b, kw)
