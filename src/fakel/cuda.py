"""fakel.cuda: whether CuPy sees a GPU, and how many."""

from __future__ import annotations

from . import _backend


def is_available() -> bool:
    return _backend.cuda_available()


def device_count() -> int:
    return _backend.cuda_device_count()


def manual_seed(seed: int) -> None:
    _backend.manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    _backend.manual_seed(seed)
