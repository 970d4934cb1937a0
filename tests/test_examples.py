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
    acc = digits.main(["--epochs", "12", "--out", str(tmp_path), "--quiet"])
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
