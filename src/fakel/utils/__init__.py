"""fakel.utils: data loading (``fakel.utils.data``), as ``torch.utils``."""

from __future__ import annotations

import importlib as _importlib


def __getattr__(name):
    # ``fakel.utils.data`` loads on first use, as ``fakel.utils`` itself does.
    if name == "data":
        return _importlib.import_module(f"{__name__}.data")
    raise AttributeError(f"module 'fakel.utils' has no attribute '{name}'")
