"""The seed notebook as a script: every value it shows, printed text included, as PyTorch 2.13."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed.py"


def _run(source: str) -> str:
    proc = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _normalise(text: str) -> str:
    text = re.sub(r" at 0x[0-9a-f]+", " at 0x…", text)
    return text.replace("torch.", "fakel.").replace("'torch'", "'fakel'")


@pytest.fixture(scope="module")
def outputs():
    src = SEED.read_text()
    fakel_out = _run(src)
    torch_src = src.replace("import fakel as torch", "import torch").replace(
        "import fakel.optim", "import torch.optim")
    assert torch_src != src
    return fakel_out, _run(torch_src)


def test_seed_output_is_pytorchs(outputs):
    fakel_out, torch_out = outputs
    assert _normalise(fakel_out) == _normalise(torch_out)


# What the notebook shows (from ../shared/seed), cell by cell; the Adam cell as PyTorch 2.13.
NOTEBOOK = [
    "tensor([[1., 2.],\n        [4., 5.]])",
    "tensor([[-4.0000, -1.3333],\n        [ 2.0000,  3.3333]])",
    "[[-4.0, -1.3333334922790527], [2.0, 3.3333332538604736]]",
    "tensor([[ 1.,  2.,  3.,  4.],\n        [ 5.,  6.,  7.,  8.],\n        [ 9., 10., 11., 12.]])",
    "tensor([[ 1.,  2.,  3.,  4.],\n        [ 5.,  6.,  7.,  8.],\n"
    "        [ 9., 10., 11., 12.]], dtype=fakel.float64, requires_grad=True)",
    "<class 'fakel.Tensor'>",
    "device(type='cpu')",
    "tensor([[ 20.,  40.,  60.,  80.],\n        [100., 120., 140., 160.],\n"
    "        [180., 200., 220., 240.]], dtype=fakel.float64)",
    "<MulBackward0 object at 0x…>",
    "<SumBackward0 object at 0x…>",
    "<PowBackward0 object at 0x…>",
    "((<AccumulateGrad object at 0x…>, 0),)",
    "tensor(0.5463)",
    "tensor([[0.0201, 0.0109],\n        [0.0449, 0.0351]])",
    "tensor([[ 1.,  2.,  3.,  4.],\n        [ 5.,  6.,  7.,  8.],\n"
    "        [ 9., 10., 11., 12.]], requires_grad=True)",
    "tensor([[ 20.,  40.,  60.,  80.],\n        [100., 120., 140., 160.],\n"
    "        [180., 200., 220., 240.]])",
    "tensor([[ 0.9800,  1.9600,  2.9400,  3.9200],\n        [ 4.9000,  5.8800,  6.8600,  7.8400],\n"
    "        [ 8.8200,  9.8000, 10.7800, 11.7600]], requires_grad=True)",
    "tensor([[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]])",
    "tensor([[4.9900, 9.9948],\n        [0.9775, 1.9825]], requires_grad=True)",
    "tensor(1280.)",
    "tensor([0.0003, 0.0003], requires_grad=True)",
    "tensor([-5.8741e-10, -5.8741e-10], requires_grad=True)",
]


def test_seed_shows_every_notebook_value_in_order(outputs):
    text = _normalise(outputs[0])
    pos = 0
    for expected in NOTEBOOK:
        found = text.find(expected, pos)
        assert found >= 0, f"not shown (in order): {expected!r}"
        pos = found + len(expected)
    # The two descents on f(w) (by hand and with SGD) end at the same point.
    final_w = "tensor([[4.9900, 9.9948],\n        [0.9775, 1.9825]], requires_grad=True)"
    assert text.count(final_w) == 2
