"""fakel.viz: the autograd graph behind a tensor, as a text tree, DOT source or SVG/PNG.

``graph(loss)`` walks ``loss.grad_fn`` through ``next_functions`` (the graph backward will run)
and returns a :class:`Graph`: ``print`` it for an indented tree, ``to_dot()`` for Graphviz
source, ``render('g.svg')`` for a picture; in Jupyter it displays as SVG when Graphviz is there.
"""

from __future__ import annotations

from . import _dtype as _dt
from ._tensor import Tensor

__all__ = ["Graph", "GraphvizMissing", "graph"]

_INSTALL_HINT = (
    "rendering needs the graphviz Python package and Graphviz's `dot` program: "
    "pip install graphviz, then apt-get install graphviz (Debian/Ubuntu) or "
    "conda install python-graphviz (conda)"
)


class GraphvizMissing(RuntimeError):
    """Graphviz (the Python package or the ``dot`` binary) is not installed."""


def graph(tensor: Tensor, params: dict | None = None, show_saved: bool = False,
          show_grad: bool = False) -> Graph:
    """The grad_fn graph that ``tensor.backward()`` would run through.

    ``params``: ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``) to name the leaves;
    unnamed leaves show their shape. ``show_saved``: list what each node saved for backward.
    ``show_grad``: show each leaf's ``.grad`` (after ``backward(retain_graph=True)``).
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"graph() expects a tensor, got {type(tensor).__name__}")
    names = {id(t): n for n, t in (params or {}).items()}
    return Graph(tensor, names, show_saved, show_grad)


def _meta(shape, np_dtype) -> str:
    if shape is None:
        return "?"
    dt = _dt.from_np(np_dtype).name if np_dtype is not None else "?"
    return f"[{', '.join(map(str, shape))}] {dt}"


class _Item:
    """One node of the drawing: its label lines, saved values and child indices."""

    __slots__ = ("title", "detail", "extra", "children", "leaf")

    def __init__(self, title, detail, leaf):
        self.title, self.detail, self.leaf = title, detail, leaf
        self.extra: list[tuple[str, str]] = []  # (label, text) shown under the node
        self.children: list[int] = []


class Graph:
    """A snapshot of a grad_fn graph; ``str()`` is the text tree, ``to_dot()`` the DOT source."""

    def __init__(self, tensor, names, show_saved, show_grad):
        self.items: list[_Item] = []
        self._build(tensor, names, show_saved, show_grad)

    # Building ----------------------------------------------------------------------------------
    def _build(self, tensor, names, show_saved, show_grad) -> None:
        root = tensor.grad_fn
        if root is None:
            if tensor.requires_grad:  # a leaf: its graph is the leaf alone
                self.items.append(self._leaf_item(tensor, names, show_grad))
            return
        index: dict[int, int] = {}
        order = [root]
        index[id(root)] = 0
        self.items.append(None)
        pos = 0
        while pos < len(order):  # breadth-first: stable numbering for the golden files
            node = order[pos]
            self.items[pos] = self._item(node, names, show_saved, show_grad)
            for nxt, _ in node.next_functions:
                if nxt is None:
                    continue
                if id(nxt) not in index:
                    index[id(nxt)] = len(order)
                    order.append(nxt)
                    self.items.append(None)
                self.items[pos].children.append(index[id(nxt)])
            pos += 1

    def _leaf_item(self, t, names, show_grad) -> _Item:
        name = names.get(id(t))
        item = _Item("AccumulateGrad", (f"{name} " if name else "") + _meta(t.shape, t._data.dtype),
                     True)
        if show_grad:
            item.extra.append(("grad", "None" if t.grad is None else repr(t.grad)))
        return item

    def _item(self, node, names, show_saved, show_grad) -> _Item:
        variable = getattr(node, "variable", None) if type(node).__name__ == "AccumulateGrad" \
            else None
        if variable is not None:
            return self._leaf_item(variable, names, show_grad)
        item = _Item(type(node).__name__,
                     _meta(getattr(node, "_oshape", None), getattr(node, "_odtype", None)), False)
        if show_saved:
            item.extra.extend(_saved(node))
        return item

    # Text --------------------------------------------------------------------------------------
    def __str__(self) -> str:
        if not self.items:
            return "(no graph: the tensor does not require grad)"
        lines: list[str] = []
        shown: set[int] = set()
        # Iterative depth-first walk: (item index, prefix for its line, prefix for its children).
        stack = [(0, "", "")]
        while stack:
            i, head, body = stack.pop()
            item = self.items[i]
            again = i in shown
            mark = "  (shown above)" if again else ""
            lines.append(f"{head}{item.title}  {item.detail}{mark}")
            if again:
                continue
            shown.add(i)
            for label, text in item.extra:
                more = "│ " if item.children else "  "
                first, *rest = text.split("\n")
                lines.append(f"{body}{more}· {label}: {first}")
                pad = " " * (len(label) + 4)
                lines.extend(f"{body}{more}{pad}{r}" for r in rest)
            kids = item.children
            for k, child in reversed(list(enumerate(kids))):
                last = k == len(kids) - 1
                stack.append((child, body + ("└─ " if last else "├─ "),
                              body + ("   " if last else "│  ")))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    # DOT ---------------------------------------------------------------------------------------
    def to_dot(self) -> str:
        """Graphviz source: nodes point from inputs to the node that consumes them."""
        out = ["digraph grad_fn {",
               '  graph [rankdir=BT];',
               '  node [shape=box, style=filled, fillcolor=white, fontname="monospace", '
               'fontsize=10];']
        for i, item in enumerate(self.items):
            label = f"{item.title}\\n{item.detail}"
            for name, text in item.extra:
                if name == "grad":
                    label += "\\ngrad: " + _one_line(text)
            color = "lightblue" if item.leaf else ("darkolivegreen1" if i == 0 else "white")
            out.append(f'  n{i} [label="{_esc(label)}", fillcolor={color}];')
            saved = [(n, t) for n, t in item.extra if n != "grad"]
            for j, (name, text) in enumerate(saved):
                out.append(f'  n{i}s{j} [label="{_esc(name)}\\n{_esc(_one_line(text))}", '
                           'fillcolor=orange, fontsize=9];')
                out.append(f"  n{i}s{j} -> n{i} [style=dashed];")
        for i, item in enumerate(self.items):
            for child in item.children:
                out.append(f"  n{child} -> n{i};")
        out.append("}")
        return "\n".join(out) + "\n"

    # Rendering ---------------------------------------------------------------------------------
    def pipe(self, format: str = "svg") -> bytes:
        """The rendered picture as bytes ('svg' or 'png'), through Graphviz."""
        try:
            import graphviz
        except ImportError:
            raise GraphvizMissing(f"fakel.viz: {_INSTALL_HINT}") from None
        try:
            return graphviz.Source(self.to_dot()).pipe(format=format)
        except graphviz.ExecutableNotFound:
            raise GraphvizMissing(
                f"fakel.viz: Graphviz's `dot` program was not found; {_INSTALL_HINT}") from None

    def render(self, path: str, format: str | None = None) -> str:
        """Write the picture to ``path`` (format from its suffix unless given); returns path."""
        fmt = format or (path.rsplit(".", 1)[-1] if "." in path else "svg")
        if fmt not in ("svg", "png"):
            raise ValueError(f"format must be 'svg' or 'png', got {fmt!r}")
        data = self.pipe(fmt)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_svg_(self):
        try:
            return self.pipe("svg").decode("utf-8")
        except GraphvizMissing:
            return None  # Jupyter falls back to the text tree

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": str(self)}
        svg = self._repr_svg_()
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle


def _saved(node) -> list[tuple[str, str]]:
    """What a node keeps for backward: PyTorch's ``_saved_*`` names where fakel knows them."""
    names = [n for n in dir(node) if n.startswith("_saved_")]
    out = []
    if names:
        for n in names:
            try:
                value = getattr(node, n)
            except (RuntimeError, TypeError):  # freed (TypeError: a getter reading freed slots)
                out.append((n[7:], "(freed by backward)"))
                continue
            out.append((n[7:], _describe(value)))
        return out
    saved = node._saved
    if saved is None:
        return [("saved", "(freed by backward)")]
    for k, t in enumerate(saved):
        out.append((f"saved[{k}]", _describe(t)))
    if node._out:
        out.append(("result", _meta(node._out[0].shape, node._out[0].dtype)))
    return out


def _describe(value) -> str:
    if isinstance(value, Tensor):  # a 0-d tensor (a wrapped scalar, mostly) shows its value
        return repr(value) if value.ndim == 0 else _meta(value.shape, value._data.dtype)
    return repr(value)


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.split("\n"))


def _esc(s: str) -> str:
    return s.replace('"', '\\"')
