"""Shared differential-test helpers: run one scenario in torch and in fakel, compare outcomes."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch

import fakel


def run(fn, lib):
    """(result, exception, warnings) of ``fn(lib)``, as a user of ``lib`` would see them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # What a user sees: fakel ignores NumPy's floating-point warnings from its own modules
        # (see fakel/__init__.py); "always" above would otherwise bring them back.
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"fakel(\.|$)")
        try:
            return fn(lib), None, caught
        except Exception as e:  # noqa: BLE001 - the exception is the result under test
            return None, e, caught


def warning_texts(caught) -> list[str]:
    # torch appends where a C++ warning came from; that part is not behaviour.
    out = []
    for w in caught:
        text = str(w.message).split(" (Triggered internally at")[0]
        out.append(f"{w.category.__name__}: {text.replace('torch.', 'fakel.')}")
    return out


def assert_same_outcome(fn, compare: Callable, *, msg: bool = True, warns: bool = True) -> None:
    """Both raise the same class (and message, with torch. read as fakel.), or both return
    results that ``compare(torch_result, fakel_result)`` accepts, with the same warnings."""
    expected, t_err, t_warn = run(fn, torch)
    actual, f_err, f_warn = run(fn, fakel)
    if t_err is not None:
        assert f_err is not None, f"torch raised {t_err!r}; fakel returned {actual!r}"
        assert type(f_err).__name__ == type(t_err).__name__, (t_err, f_err)
        if msg:
            assert str(f_err) == str(t_err).replace("torch.", "fakel."), (t_err, f_err)
        return
    if f_err is not None:
        raise AssertionError(f"torch returned {expected!r}; fakel raised {f_err!r}") from f_err
    compare(expected, actual)
    if warns:
        assert warning_texts(f_warn) == warning_texts(t_warn)
