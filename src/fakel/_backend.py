"""The only module that tells NumPy from CuPy: array module per device, RNG, host transfer.

Ops call NumPy functions on arrays; CuPy arrays dispatch those calls to CuPy through NumPy's
``__array_ufunc__``/``__array_function__`` protocols, so only creation, RNG and transfer need
to know which library holds the data. CuPy is imported lazily, on first CUDA use.
"""

from __future__ import annotations

import numpy as np

_cupy = None  # the cupy module once loaded, False when unavailable


def _load_cupy():
    global _cupy
    if _cupy is None:
        try:
            import cupy  # type: ignore[import-not-found]

            _cupy = cupy if cupy.cuda.runtime.getDeviceCount() > 0 else False
        except Exception:  # no CuPy, no driver, or no device: CUDA is simply unavailable
            _cupy = False
    return _cupy


def cuda_available() -> bool:
    return bool(_load_cupy())


def cuda_device_count() -> int:
    cp = _load_cupy()
    return cp.cuda.runtime.getDeviceCount() if cp else 0


def require_cuda() -> None:
    if not _load_cupy():
        raise AssertionError("Torch not compiled with CUDA enabled")


def xp(device):
    """The array module for a device."""
    if device.type == "cpu":
        return np
    require_cuda()
    return _cupy


def to_numpy(a) -> np.ndarray:
    """A host (NumPy) view or copy of an array."""
    if type(a) is np.ndarray:
        return a
    get = getattr(a, "get", None)
    return get() if get is not None else np.asarray(a)


def to_device(a, device):
    """Move an array to a device (no copy when it is already there)."""
    if device.type == "cpu":
        return to_numpy(a)
    cp = xp(device)
    with cp.cuda.Device(device.index or 0):
        return cp.asarray(a)


def device_of(a):
    from ._device import CPU, device

    if type(a) is np.ndarray:
        return CPU
    return device("cuda", a.device.id)


def manual_seed(seed: int) -> None:
    """Seed CuPy's stream too, once CuPy is in use (fakel's CPU stream is _creation's)."""
    if _cupy:
        _cupy.random.seed(int(seed) & 0xFFFF_FFFF)
