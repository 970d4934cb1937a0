"""Drop-in mode: ``import torch`` resolves to fakel, and PyTorch names fakel lacks say so.

``install_as_torch()`` puts a finder first on ``sys.meta_path``: every ``torch``/``torch.X``
import gets a thin module object named ``torch.X`` that reads its attributes from ``fakel.X``.
dtypes, sizes and class names then print with ``torch.`` as PyTorch's do. Nothing here runs
on the normal path: plain ``import fakel`` only reaches this file when an attribute is missing.

The names PyTorch has come from ``_torch_api.txt`` (written by ``tools/gen_torch_api.py``): a
name there that fakel lacks raises :class:`MissingAPIError`, a ``NotImplementedError`` saying
``torch.fft.rfft is not implemented in fakel``; any other missing name is an AttributeError.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

from . import _dtype

_API: dict[str, frozenset] | None = None


class MissingAPIError(NotImplementedError, AttributeError):
    """A PyTorch API that fakel does not implement (yet).

    A ``NotImplementedError`` (so tracebacks read ``NotImplementedError: torch.fft.rfft is not
    implemented in fakel``) that is also an ``AttributeError``, so ``hasattr(torch, 'compile')``
    and ``getattr(obj, name, default)`` keep working in code that probes for features.
    """


# Tracebacks print the class's module and name: show the plain builtin name a learner knows.
MissingAPIError.__module__ = "builtins"
MissingAPIError.__name__ = MissingAPIError.__qualname__ = "NotImplementedError"


def api() -> dict[str, frozenset]:
    """PyTorch's public names: ``{'torch.fft': frozenset({'rfft', ...}), 'torch.Tensor': ...}``."""
    global _API
    if _API is None:
        from importlib.resources import files

        text = files(__package__).joinpath("_torch_api.txt").read_text()
        sections: dict[str, frozenset] = {}
        lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
        for head, body in zip(lines[::2], lines[1::2]):
            sections[head.strip("[]")] = frozenset(body.split())
        _API = sections
    return _API


def torch_has(qualname: str) -> bool:
    """Whether ``torch.a.b`` is one of PyTorch's public names (or modules)."""
    sections = api()
    if qualname in sections:
        return True
    parent, _, name = qualname.rpartition(".")
    return name in sections.get(parent, ())


def _shown(torch_name: str) -> str:
    """The name a user sees: ``torch.X`` in drop-in mode, ``fakel.X`` otherwise."""
    return _dtype._PREFIX[0] + torch_name[5:]


def missing(torch_name: str) -> MissingAPIError:
    return MissingAPIError(f"{_shown(torch_name)} is not implemented in fakel")


def _torch_name(fakel_name: str) -> str:
    return "torch" + fakel_name[5:]


def missing_attribute(module_name: str, name: str):
    """What ``fakel.X.<name>`` gives when fakel.X lacks it (called from a module __getattr__).

    A submodule PyTorch has and fakel lacks gives a stub module whose attributes all raise
    MissingAPIError (``fakel.fft.rfft`` names the full API); a PyTorch name raises
    MissingAPIError; anything else raises AttributeError.
    """
    full = f"{_torch_name(module_name)}.{name}"
    if not name.startswith("__") and full in api():
        try:  # a real fakel submodule not imported yet
            if importlib.util.find_spec(f"{module_name}.{name}") is not None:
                return importlib.import_module(f"{module_name}.{name}")
        except ImportError:
            pass
        return _stub(full)
    if not name.startswith("__") and torch_has(full):
        raise missing(full)
    raise AttributeError(f"module '{_shown(_torch_name(module_name))}' has no attribute '{name}'")


def missing_tensor_attribute(cls, name: str) -> AttributeError:
    """The error for ``tensor.<name>`` when Tensor lacks it (see _tensor._MissingMethod)."""
    if name in api()["torch.Tensor"]:
        return missing(f"torch.Tensor.{name}")
    return AttributeError(f"'{cls.__name__}' object has no attribute '{name}'")


class _Stub(types.ModuleType):
    """A PyTorch module fakel lacks: importing works, using any of its names raises."""

    def __getattr__(self, name):
        full = f"{self.__dict__['_torch_name']}.{name}"
        if not name.startswith("__") and torch_has(full):
            if full in api():
                return _stub(full)
            raise missing(full)
        raise AttributeError(f"module '{_shown(self.__dict__['_torch_name'])}' has no attribute "
                             f"'{name}'")


def _stub(torch_name: str) -> _Stub:
    m = _Stub(_shown(torch_name), f"{_shown(torch_name)} is not implemented in fakel")
    m._torch_name = torch_name
    m.__path__ = []
    return m


# Drop-in mode ----------------------------------------------------------------------------------
class _TorchModule(types.ModuleType):
    """``torch.X`` in drop-in mode: reads its attributes from ``fakel.X`` (and caches them)."""

    def __getattr__(self, name):
        d = self.__dict__
        target = d["_fakel"]
        try:
            value = getattr(target, name)
        except AttributeError:
            full = f"{d['_torch_name']}.{name}"
            if not name.startswith("__") and full in api():
                return _proxy_for(full)
            if not name.startswith("__") and torch_has(full):
                raise missing(full) from None
            raise AttributeError(f"module '{d['_torch_name']}' has no attribute '{name}'") from None
        if isinstance(value, types.ModuleType) and value.__name__.startswith("fakel"):
            value = _proxy_for(_torch_name(value.__name__))
        if not name.startswith("__"):
            d[name] = value  # later reads skip __getattr__
        return value

    def __dir__(self):
        return sorted(set(dir(self.__dict__["_fakel"])) | set(self.__dict__))

    def __repr__(self) -> str:
        return f"<module '{self.__name__}' (fakel drop-in for {self.__dict__['_fakel'].__name__})>"


def _proxy_for(torch_name: str) -> types.ModuleType:
    """The drop-in module for ``torch.X`` (made once and kept in sys.modules)."""
    mod = sys.modules.get(torch_name)
    if isinstance(mod, (_TorchModule, _Stub)):
        return mod
    fakel_name = "fakel" + torch_name[5:]
    try:
        target = importlib.import_module(fakel_name)
    except ModuleNotFoundError as e:
        if e.name is None or not fakel_name.startswith(e.name):
            raise
        if not torch_has(torch_name):
            raise ModuleNotFoundError(f"No module named '{torch_name}'", name=torch_name) from None
        if torch_name not in api():
            # Not a module but a name (``from torch.nn import PReLU`` falls back to importing
            # ``torch.nn.PReLU``): say that the API is missing.
            raise missing(torch_name) from None
        mod = _stub(torch_name)
    else:
        mod = _TorchModule(torch_name, target.__doc__)
        mod._fakel = target
        mod._torch_name = torch_name
        mod.__path__ = []
        mod.__file__ = getattr(target, "__file__", None)
    sys.modules[torch_name] = mod
    return mod


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return _proxy_for(spec.name)

    def exec_module(self, module) -> None:
        pass


class _RenamingLoader(importlib.abc.Loader):
    """Wraps the loader of a fakel module imported in drop-in mode, to rename its classes."""

    def __init__(self, inner):
        self._inner = inner

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module) -> None:
        self._inner.exec_module(module)
        _rename_classes(module)

    def __getattr__(self, name):  # get_source & co, for tracebacks
        return getattr(self._inner, name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname == "torch" or fullname.startswith("torch."):
            return importlib.util.spec_from_loader(fullname, _Loader(), is_package=True)
        if fullname.startswith("fakel."):
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                        spec.loader = _RenamingLoader(spec.loader)
                    return spec
        return None


_FINDER = _Finder()
# Where PyTorch's classes live when fakel keeps them in a private module.
_CLASS_HOMES = {"Generator": "torch._C"}


def _rename_classes(module) -> None:
    """Classes defined in ``fakel.a.b`` report ``torch.a.b`` (fakel's private modules: ``torch``),
    so ``type(x)`` prints ``<class 'torch.Tensor'>`` and pickles name importable modules."""
    for value in list(vars(module).values()):
        if not isinstance(value, type):
            continue
        home = value.__module__
        if home != "fakel" and not home.startswith("fakel."):
            continue
        if value.__name__ in _CLASS_HOMES:
            value.__module__ = _CLASS_HOMES[value.__name__]
        elif home == "fakel" or home.startswith("fakel._"):
            value.__module__ = "torch"
        else:
            value.__module__ = _torch_name(home)


def is_installed() -> bool:
    return _FINDER in sys.meta_path


def install_as_torch() -> None:
    """Make ``import torch`` (and torch.nn, torch.optim, ... torch.testing) resolve to fakel.

    Also prints dtypes, sizes and types as ``torch.float32``, ``torch.Size``, ``torch.Tensor``.
    Call it before anything imports PyTorch; calling it twice does nothing.
    """
    if is_installed():
        return
    real = sys.modules.get("torch")
    if real is not None and not isinstance(real, _TorchModule):
        raise RuntimeError(
            "install_as_torch() must run before `import torch`: PyTorch is already imported in "
            "this process (restart the kernel or interpreter, then install fakel first)"
        )
    _dtype._PREFIX[0] = "torch"
    sys.meta_path.insert(0, _FINDER)
    for name, module in list(sys.modules.items()):
        if (name == "fakel" or name.startswith("fakel.")) and module is not None:
            _rename_classes(module)
    importlib.import_module("torch")


def load_ipython_extension(ipython) -> None:
    """``%load_ext fakel``: drop-in mode inside IPython/Jupyter."""
    install_as_torch()
