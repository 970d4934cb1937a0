"""Anomaly detection: remember where each node was created, and check backward for NaN."""

from __future__ import annotations

import os
import traceback
import warnings

import numpy as np


class _Mode:
    # Global, as in PyTorch (not thread-local). ``attach`` reads ``enabled`` once per node.
    __slots__ = ("enabled", "check_nan")

    def __init__(self):
        self.enabled = False
        self.check_nan = True


_mode = _Mode()
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_anomaly_enabled() -> bool:
    return _mode.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _mode.check_nan


def record(node) -> None:
    """Called by ``attach`` while anomaly mode is on: keep the user's part of the stack."""
    from .graph import _ext

    frames = [f for f in traceback.extract_stack()[:-1] if not f.filename.startswith(_PKG)]
    _ext(node).trace = "".join(traceback.format_list(frames))


def check_nan(node, grads) -> None:
    if not _mode.check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and g._data.dtype.kind == "f" and np.isnan(g._data).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def report(node) -> None:
    """PyTorch's warning when a node fails under anomaly mode: where it was created."""
    ext = node._ext
    trace = ext.trace if ext is not None else None
    if trace is None:
        warnings.warn(
            "Error detected in " + node.name() + ". No forward pass information available. "
            "Enable detect anomaly during forward pass for more information.", UserWarning,
            stacklevel=4)
        return
    warnings.warn(
        f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
        + trace, UserWarning, stacklevel=4)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside it."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self.prev, self.prev_check_nan = _mode.enabled, _mode.check_nan
        _mode.enabled = True
        _mode.check_nan = self.check_nan

    def __exit__(self, *exc) -> None:
        _mode.enabled = self.prev
        _mode.check_nan = self.prev_check_nan

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off; as a context manager, the old setting comes back."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = _mode.enabled
        self.prev_check_nan = _mode.check_nan
        _mode.enabled = mode
        _mode.check_nan = check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _mode.enabled = self.prev
        _mode.check_nan = self.prev_check_nan
