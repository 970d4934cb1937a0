"""fakel.viz.graph: text tree and DOT against golden files, node names against PyTorch's graph,
rendering through Graphviz (or its clear error when Graphviz is missing)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import torch

import fakel
from fakel import viz

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("FAKEL_REGEN_GOLDEN") == "1"  # rewrite the golden files from this run


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs from the golden file"


def _seed(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    return x, 10 * (x**2).sum()


def _two_layer(lib):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    loss = model(lib.randn(5, 3)).pow(2).mean()
    return model, loss


def _torch_titles(fn) -> list[str]:
    """Node names of PyTorch's graph in viz's breadth-first order (leaves as AccumulateGrad)."""
    order, seen, pos = [fn], {fn}, 0
    while pos < len(order):
        for nxt, _ in order[pos].next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
        pos += 1
    return [type(n).__name__ for n in order]


def test_seed_graph_text_and_dot_match_golden():
    x, z = _seed(fakel)
    g = viz.graph(z, params={"x": x})
    _golden("seed_tree.txt", str(g) + "\n")
    _golden("seed.dot", g.to_dot())
    _golden("seed_saved_tree.txt", str(viz.graph(z, params={"x": x}, show_saved=True)) + "\n")
    assert [i.title for i in g.items] == _torch_titles(_seed(torch)[1].grad_fn)


def test_two_layer_graph_text_and_dot_match_golden():
    model, loss = _two_layer(fakel)
    g = viz.graph(loss, params=dict(model.named_parameters()))
    _golden("two_layer_tree.txt", str(g) + "\n")
    _golden("two_layer.dot", g.to_dot())
    assert [i.title for i in g.items] == _torch_titles(_two_layer(torch)[1].grad_fn)
    # Every parameter appears as a named leaf.
    for name in dict(model.named_parameters()):
        assert f"AccumulateGrad  {name} [" in str(g)


def test_leaf_gradients_after_backward_with_retain_graph():
    x, z = _seed(fakel)
    before = str(viz.graph(z, params={"x": x}, show_grad=True))
    assert "grad: None" in before
    z.backward(retain_graph=True)
    after = str(viz.graph(z, params={"x": x}, show_grad=True))
    tx, tz = _seed(torch)
    tz.backward()
    assert f"grad: {tx.grad!r}" in after  # the gradient PyTorch computes, printed as PyTorch does
    assert "grad: tensor([20., 40., 60.])" in viz.graph(z, show_grad=True).to_dot().replace(
        "\\n", "\n")


def test_saved_tensors_freed_by_backward_are_shown_as_freed():
    x, z = _seed(fakel)
    z.backward()
    text = str(viz.graph(z, show_saved=True))
    assert "self: (freed by backward)" in text


def test_shared_nodes_appear_once_and_leaf_or_plain_tensors():
    x = fakel.ones(3, requires_grad=True)
    y = x * x + x
    text = str(viz.graph(y))
    assert text.count("(shown above)") == 2
    assert str(viz.graph(x)) == "AccumulateGrad  [3] float32"
    assert "no graph" in str(viz.graph(fakel.ones(2)))
    with pytest.raises(TypeError):
        viz.graph([1, 2])


def test_lazy_submodule():
    assert fakel.viz is viz


def _have_graphviz() -> bool:
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


def test_render_svg_and_png_or_the_clear_error(tmp_path):
    x, z = _seed(fakel)
    g = viz.graph(z, params={"x": x})
    if _have_graphviz():
        svg = Path(g.render(str(tmp_path / "g.svg"))).read_text()
        assert svg.lstrip().startswith("<?xml") and "MulBackward0" in svg
        png = Path(g.render(str(tmp_path / "g.png"))).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        bundle = g._repr_mimebundle_()
        assert bundle["text/plain"] == str(g) and "<svg" in bundle["image/svg+xml"]
    else:
        with pytest.raises(viz.GraphvizMissing, match="apt-get install graphviz"):
            g.render(str(tmp_path / "g.svg"))
        assert g._repr_mimebundle_() == {"text/plain": str(g)}
    with pytest.raises(ValueError, match="'svg' or 'png'"):
        g.render(str(tmp_path / "g.pdf"))


def test_missing_dot_binary_or_python_package_gives_the_clear_error(monkeypatch, tmp_path):
    x, z = _seed(fakel)
    g = viz.graph(z)
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on PATH
    with pytest.raises(viz.GraphvizMissing, match=r"conda install python-graphviz"):
        g.render(str(tmp_path / "g.svg"))
    assert g._repr_svg_() is None
    monkeypatch.setitem(sys.modules, "graphviz", None)  # the Python package not installed
    with pytest.raises(viz.GraphvizMissing, match=r"pip install graphviz"):
        g.pipe("svg")
