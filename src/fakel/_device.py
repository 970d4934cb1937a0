"""device('cpu') / device('cuda:0') objects and the fakel.cuda namespace."""

from __future__ import annotations

import re

# A device string: a lower-case type and an optional index without leading zeros.
_DEVICE_RE = re.compile(r"([A-Za-z_]+)(?::(0|[1-9][0-9]*))?")


class device:
    """Where a tensor's memory lives: ``device(type='cpu')`` or ``device(type='cuda', index=0)``."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device | int, index: int | None = None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            if type < 0:
                raise RuntimeError("Device index must not be negative")
            from . import _backend

            if not _backend.cuda_available():
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got {type!r}")
        if type == "":
            raise RuntimeError("Device string must not be empty")
        match = _DEVICE_RE.fullmatch(type)
        if match is None:
            raise RuntimeError(f"Invalid device string: '{type}'")
        name, idx = match.group(1), match.group(2)
        if idx is not None:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed "
                    f"explicitly: {type}"
                )
            index = int(idx)
        if name not in ("cpu", "cuda"):
            raise RuntimeError(
                "Expected one of cpu, cuda device type at start of device string: " + name
            )
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = name, index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        # Only devices compare equal: device('cpu') == 'cpu' is False in PyTorch 2.13.
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")


def as_device(d) -> device:
    """Normalise a device argument (None, str, int, device) to a device; None means CPU."""
    if d is None or d is CPU:
        return CPU
    d = d if isinstance(d, device) else device(d)
    if d.type == "cpu":
        return CPU if d.index is None else d
    from . import _backend

    _backend.require_cuda()
    return d if d.index is not None else device("cuda", 0)
