"""The digits example trains to PyTorch-level accuracy on fakel, saves, reloads and plots."""

from __future__ import annotations

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _load(name: str, source: str):
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, str(ROOT / "examples" / "digits.py"), "exec"), module.__dict__)
    return module


def test_digits_reaches_95_percent_and_round_trips(tmp_path, capsys):
    digits = _load("digits_fakel", (ROOT / "examples" / "digits.py").read_text())
    acc = digits.main(["--epochs", "12", "--out", str(tmp_path), "--quiet"])["final_test_acc"]
    out = capsys.readouterr().out
    assert acc >= 0.95, out
    assert "library: fakel" in out
    assert (tmp_path / "digits_training.png").stat().st_size > 10_000
    # The saved model is a safetensors file fakel reads back to the same values.
    import fakel

    state = fakel.load(tmp_path / "digits_model.pt")
    model = digits.build_model()
    model.load_state_dict(state)
    for k, v in model.state_dict().items():
        assert (v == state[k]).all()


def test_digits_on_pytorch_follows_the_same_trajectory(tmp_path):
    """The same script on PyTorch (one import changed): same initial weights, same shuffled
    batches, so the per-epoch losses agree to float32 rounding."""
    source = (ROOT / "examples" / "digits.py").read_text()
    on_torch = source.replace("import fakel as torch  #", "import torch  #")
    assert on_torch != source
    args = ["--epochs", "3", "--quiet"]
    f = _load("digits_fakel", source).main(args + ["--out", str(tmp_path / "f")])
    t = _load("digits_torch", on_torch).main(args + ["--out", str(tmp_path / "t")])
    for key in ("loss", "train_acc", "test_acc"):
        assert len(f[key]) == len(t[key]) == 3
        for a, b in zip(f[key], t[key]):
            assert abs(a - b) <= 1e-4 * max(1.0, abs(b)), (key, f[key], t[key])
