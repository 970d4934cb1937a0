"""``python -m fakel check``: static classification of the torch APIs a script or notebook uses."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from fakel import _cli

ROOT = Path(__file__).resolve().parents[1]

MISSING_SCRIPT = """\
import torch as t
import torch.nn.functional as F
from torch import fft, nn
from torch.distributions import Normal
import torch.sparse
x = t.randn(8)
y = fft.rfft(x)
z = t.fft.ifft(y)
s = t.sparse_coo_tensor([[0]], [1.0], (2,))
m = torch.sparse.mm(s, s)
F.relu(x); nn.Linear(2, 2); x.stft(4); d = {}; d.items(); x.sum().backward()
"""


def _check(*paths) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = _cli.check([str(p) for p in paths], out=out)
    return code, out.getvalue().splitlines()


def _status(lines) -> dict[str, str]:
    return {ln.rsplit(None, 1)[1]: ln.split(": ")[-1].split()[0] for ln in lines[:-1]}


def test_corpus_is_fully_supported():
    r = subprocess.run([sys.executable, "-m", "fakel", "check", "tests/corpus"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1].startswith("fakel check: 20 files,") and lines[-1].endswith(", 0 missing")
    status = _status(lines)
    for api in ("torch.nn.Linear", "torch.optim.SGD", "torch.utils.data.DataLoader",
                "torch.nn.functional.cross_entropy", "torch.optim.lr_scheduler.StepLR",
                "torch.autograd.grad", "torch.Tensor.backward", "torch.manual_seed"):
        assert status[api] == "supported", api


def test_missing_fft_sparse_distributions(tmp_path):
    f = tmp_path / "uses_missing.py"
    f.write_text(MISSING_SCRIPT)
    code, lines = _check(f)
    assert code == 1
    status = _status(lines)
    want_missing = {"torch.fft", "torch.fft.rfft", "torch.fft.ifft", "torch.distributions.Normal",
                    "torch.sparse", "torch.sparse.mm", "torch.sparse_coo_tensor",
                    "torch.Tensor.stft"}
    want_supported = {"torch", "torch.nn", "torch.nn.functional", "torch.nn.functional.relu",
                      "torch.nn.Linear", "torch.randn", "torch.Tensor.sum",
                      "torch.Tensor.backward"}
    assert {k for k, v in status.items() if v == "MISSING"} == want_missing
    assert {k for k, v in status.items() if v == "supported"} == want_supported
    assert lines[-1] == ("fakel check: 1 file, 16 torch APIs used: 8 supported, 8 missing ("
                         + ", ".join(sorted(want_missing)) + ")")
    assert f"{f}: line 7: MISSING    torch.fft.rfft" in lines
    # PyTorch has every name reported missing; fakel really lacks them.
    for name in want_missing - {"torch.Tensor.stft"}:
        obj = torch
        for part in name.split(".")[1:]:
            obj = getattr(obj, part)


def test_notebooks_and_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    nb = {"cells": [
        {"cell_type": "markdown", "source": "import torch.fft"},
        {"cell_type": "code",
         "source": ["%matplotlib inline\n", "import torch\n", "torch.ones(2)"]},
        {"cell_type": "code", "source": ["torch.special.erfcx(torch.ones(1))"]},
    ]}
    (tmp_path / "sub" / "n.ipynb").write_text(json.dumps(nb))
    (tmp_path / "ok.py").write_text("from torch.optim import Adam\nimport torch.nn as nn\n"
                                    "nn.ReLU()\n")
    (tmp_path / "notes.txt").write_text("import torch.fft\n")
    code, lines = _check(tmp_path)
    assert code == 1
    nb_path = tmp_path / "sub" / "n.ipynb"
    assert f"{nb_path}: cell 2, line 1: MISSING    torch.special.erfcx" in lines
    assert f"{nb_path}: cell 1, line 3: supported  torch.ones" in lines
    assert f"{tmp_path / 'ok.py'}: line 1: supported  torch.optim.Adam" in lines
    assert lines[-1].startswith("fakel check: 2 files, ")
    code, lines = _check(tmp_path / "ok.py")
    assert code == 0 and lines[-1].endswith("3 supported, 0 missing")


def test_bad_input(tmp_path):
    code, _ = _check(tmp_path / "nope.py")
    assert code == 2
    (tmp_path / "bad.py").write_text("import torch\ndef (:\n")
    code, lines = _check(tmp_path / "bad.py")
    assert code == 2 and "line 2: syntax error" in lines[0]
