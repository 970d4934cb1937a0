"""``python -m fakel run SCRIPT|NOTEBOOK`` (drop-in execution) and ``python -m fakel check PATH``.

``run`` installs fakel as ``torch`` and executes a script, or a notebook's code cells in order,
printing each cell's result as Jupyter would. ``check`` reads scripts and notebooks with ``ast``
(nothing is executed) and marks each PyTorch API they use as supported or missing in fakel.
"""

from __future__ import annotations

import ast
import builtins
import json
import linecache
import os
import runpy
import sys
import types
from pathlib import Path

USAGE = """usage: python -m fakel run SCRIPT.py|NOTEBOOK.ipynb [ARGS...]
       python -m fakel check PATH [PATH...]

run    execute a PyTorch script or notebook with fakel standing in for torch
check  list the torch APIs that scripts/notebooks/folders use, supported or missing in fakel
       (exit status 1 when something is missing)"""

# Line magics that change nothing for a text run.
_QUIET_MAGICS = ("%matplotlib", "%load_ext fakel", "%config", "%reload_ext fakel")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] == "run":
        from ._dropin import install_as_torch

        if not os.path.exists(argv[1]):
            print(f"fakel run: no such file: {argv[1]}", file=sys.stderr)
            return 2
        install_as_torch()
        return run_file(argv[1], argv[2:])
    if len(argv) >= 2 and argv[0] == "check":
        return check(argv[1:])
    print(USAGE, file=sys.stderr)
    return 0 if argv[:1] in (["-h"], ["--help"]) else 2


def run_file(path: str, args: list[str]) -> int:
    """Run a script as ``__main__`` (argv and sys.path as ``python SCRIPT`` sets them)."""
    sys.argv = [path, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    if path.endswith(".ipynb"):
        return run_notebook(path)
    runpy.run_path(path, run_name="__main__")
    return 0


# Notebooks ---------------------------------------------------------------------------------------
def notebook_cells(path) -> list[str]:
    """The source of each code cell, in order (markdown and raw cells are skipped)."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            cells.append("".join(src) if isinstance(src, list) else src)
    return cells


# Magics that only time or capture their code: the code itself runs.
_RUN_BODY_CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun")
_RUN_REST_LINE_MAGICS = ("%time ", "%timeit ", "%prun ")


def _strip_magics(source: str, where: str, quiet: bool = False) -> str | None:
    """The cell without IPython magics (a note on stderr for each one skipped); None if the cell
    is a cell magic that does not run Python (``%%bash``...), which is skipped whole. Timing and
    capturing magics keep their code: ``%%time`` runs the cell body, ``%time x = f()`` runs
    ``x = f()``."""
    stripped_cell = source.lstrip()
    if stripped_cell.startswith("%%"):
        first, _, body = stripped_cell.partition("\n")
        if first.split()[0] not in _RUN_BODY_CELL_MAGICS:
            if not quiet:
                print(f"fakel run: {where}: skipped cell magic {first.split()[0]}",
                      file=sys.stderr)
            return None
        source = body
    lines = source.split("\n")
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(_RUN_REST_LINE_MAGICS):
            lines[i] = indent + stripped.split(None, 1)[1]
        elif stripped.startswith(("%", "!")):
            if not stripped.startswith(_QUIET_MAGICS) and not quiet:
                print(f"fakel run: {where}: skipped {stripped}", file=sys.stderr)
            lines[i] = indent + "pass"
    return "\n".join(lines)


def display(*objs, **kwargs) -> None:
    """IPython's ``display`` for a text run: prints each object's repr."""
    for obj in objs:
        print(repr(obj))


def run_notebook(path: str, namespace: dict | None = None) -> int:
    """Execute the code cells in one namespace; each cell's last expression is printed (repr,
    unless None or the line ends with ``;``), as Jupyter shows ``Out[n]``."""
    ns = namespace if namespace is not None else {"__name__": "__main__"}
    ns.setdefault("display", display)
    builtins.display = display  # as in IPython, where display() needs no import
    for n, raw in enumerate(notebook_cells(path), 1):
        where = f"{path} [cell {n}]"
        source = _strip_magics(raw, where)
        if source is None or not source.strip():
            continue
        linecache.cache[where] = (len(source), None, source.splitlines(True), where)
        tree = ast.parse(source, where)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, where, "exec"), ns)
        if last is not None:
            value = eval(compile(last, where, "eval"), ns)
            if value is not None:
                ns["_"] = value
                print(repr(value))
    return 0


# check -------------------------------------------------------------------------------------------
def _sources(paths):
    """(display path, [(source, line offset label)]) for each .py/.ipynb under the paths."""
    for p in map(Path, paths):
        files = sorted(q for q in p.rglob("*") if q.suffix in (".py", ".ipynb")) if p.is_dir() \
            else [p]
        for f in files:
            if f.suffix == ".ipynb":
                cells = [_strip_magics(c, "", quiet=True) for c in notebook_cells(f)]
                yield str(f), [(c, f"cell {i}, ") for i, c in enumerate(cells, 1) if c]
            else:
                yield str(f), [(f.read_text(encoding="utf-8"), "")]


class _Uses(ast.NodeVisitor):
    """Collects ``(dotted torch name, line)`` for each torch API a module uses."""

    def __init__(self, tensor_names, skip_names):
        self.alias: dict[str, str] = {}
        self.uses: list[tuple[str, int]] = []
        self.tensor_names, self.skip_names = tensor_names, skip_names

    def visit_Import(self, node):
        for a in node.names:
            if a.name == "torch" or a.name.startswith("torch."):
                self.alias[a.asname or "torch"] = a.name if a.asname else "torch"
                self.uses.append((a.name, node.lineno))

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        if node.level or not (mod == "torch" or mod.startswith("torch.")):
            return
        for a in node.names:
            if a.name == "*":
                self.uses.append((mod, node.lineno))
                continue
            self.alias[a.asname or a.name] = f"{mod}.{a.name}"
            self.uses.append((f"{mod}.{a.name}", node.lineno))

    def visit_Attribute(self, node):
        chain, root = [], node
        while isinstance(root, ast.Attribute):
            chain.append(root.attr)
            root = root.value
        if isinstance(root, ast.Name) and root.id in self.alias:
            self.uses.append((".".join([self.alias[root.id], *reversed(chain)]), node.lineno))
            return
        # obj.method on something else: PyTorch Tensor methods, recognised by name.
        if node.attr in self.tensor_names and node.attr not in self.skip_names:
            self.uses.append((f"torch.Tensor.{node.attr}", node.lineno))
        self.visit(node.value)


def _resolve(name: str) -> tuple[str, bool]:
    """(the API name, whether fakel has it) for a dotted ``torch...`` name used in code."""
    import importlib

    import fakel

    from ._dropin import _Stub

    parts = name.split(".")
    obj = fakel
    for i in range(1, len(parts)):
        if not isinstance(obj, (types.ModuleType, type)):
            return ".".join(parts[:i]), True
        try:
            nxt = getattr(obj, parts[i])
        except (AttributeError, NotImplementedError):
            nxt = None
            if isinstance(obj, types.ModuleType):
                try:
                    nxt = importlib.import_module(f"{obj.__name__}.{parts[i]}")
                except ImportError:
                    pass
            if nxt is None:
                return ".".join(parts[: i + 1]), False
        if isinstance(nxt, _Stub):  # a module fakel lacks: name the API used inside it
            from ._dropin import api

            j = i + 1
            while j < len(parts) and ".".join(parts[:j]) in api():
                j += 1
            return ".".join(parts[:j]), False
        obj = nxt
    return name, True


def _skip_names() -> set[str]:
    """Method names of builtin containers and of Module/Optimizer: not Tensor calls by name."""
    import fakel

    names: set[str] = set()
    for t in (str, bytes, list, dict, set, tuple, int, float, fakel.nn.Module,
              fakel.optim.Optimizer):
        names |= set(dir(t))
    return names


def check(paths: list[str], out=None) -> int:
    """Print each used torch API as supported/MISSING, then a summary; 1 if any is missing."""
    out = out or sys.stdout
    import fakel

    from ._dropin import api

    tensor_names = api()["torch.Tensor"]
    skip = _skip_names()
    status = 0
    seen: dict[str, bool] = {}
    files = 0
    for path in paths:
        if not os.path.exists(path):
            print(f"fakel check: no such file or folder: {path}", file=sys.stderr)
            return 2
    for path, parts in _sources(paths):
        files += 1
        first: dict[str, tuple[str, bool]] = {}
        v = _Uses(tensor_names, skip)  # one per file: a notebook's imports hold in later cells
        for source, label in parts:
            try:
                tree = ast.parse(source, path)
            except SyntaxError as e:
                print(f"{path}: {label}line {e.lineno}: syntax error: {e.msg}", file=out)
                status = 2
                continue
            v.uses = []
            v.visit(tree)
            for used, line in v.uses:
                if used.startswith("torch.Tensor.") and used.count(".") == 2:
                    attr = getattr(fakel.Tensor, used.rsplit(".", 1)[1], None)
                    ok = attr is not None and type(attr).__name__ != "_MissingMethod"
                    api_name = used
                else:
                    api_name, ok = _resolve(used)
                if api_name not in first:
                    first[api_name] = (f"{label}line {line}", ok)
        for api_name, (where, ok) in first.items():
            print(f"{path}: {where}: {'supported' if ok else 'MISSING  '}  {api_name}", file=out)
            seen[api_name] = seen.get(api_name, True) and ok
    missing = sorted(n for n, ok in seen.items() if not ok)
    summary = (f"fakel check: {files} file{'s' if files != 1 else ''}, {len(seen)} torch APIs "
               f"used: {len(seen) - len(missing)} supported, {len(missing)} missing")
    print(summary + (f" ({', '.join(missing)})" if missing else ""), file=out)
    return 1 if missing and status == 0 else status
