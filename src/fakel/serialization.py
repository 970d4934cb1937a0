"""fakel.save / fakel.load: tensors and nested state (state_dicts, optimizer state) in one
safetensors file. Loading never runs code: there is no pickle, only a validated JSON header.

File layout (plain safetensors, readable by any safetensors tool):
- each distinct tensor is one safetensors entry, named after where it first appears
  (``weight``, ``state.0.exp_avg``; ``tensor`` for a bare tensor);
- the header's ``__metadata__`` holds ``format: fakel`` and ``fakel_obj``, the saved object
  as JSON in which each tensor is ``{"$": "tensor", "k": <entry name>}`` (plus ``rg`` for
  requires_grad, ``p`` for a Parameter, ``dev`` for a device other than the CPU). Tuples,
  dicts (any encodable keys), OrderedDicts, torch.Size, dtypes, devices and non-finite floats
  are tagged the same way; lists, strings, ints, finite floats, bools and None are plain JSON.
A safetensors file without fakel's metadata loads as a dict of tensors.

Differences from PyTorch: files are safetensors, not zip/pickle (each reads only its own);
objects other than the types above cannot be saved; ``pickle_module``, ``pickle_protocol``,
``weights_only`` and ``mmap`` are accepted and have no effect (loading is always weights-only).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import OrderedDict

import numpy as np

from . import _backend
from . import _dtype as _dt
from ._device import device as _device_cls
from ._tensor import Size, Tensor, _wrap

__all__ = ["SerializationError", "load", "save"]

_MAX_HEADER = 100_000_000  # bytes of JSON header, safetensors' own limit
_MAX_NDIM = 64
# safetensors dtype names fakel reads, and the ones it knows but has no dtype for.
_ST_DTYPES = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype(np.uint8),
    "I8": np.dtype(np.int8),
    "I16": np.dtype(np.int16),
    "I32": np.dtype(np.int32),
    "I64": np.dtype(np.int64),
    "F16": np.dtype(np.float16),
    "F32": np.dtype(np.float32),
    "F64": np.dtype(np.float64),
}
_ST_OTHER = {
    "U16",
    "U32",
    "U64",
    "BF16",
    "F8_E4M3",
    "F8_E5M2",
    "F8_E8M0",
    "F4",
    "F6_E2M3",
    "F6_E3M2",
    "C64",
    "C128",
}
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class SerializationError(RuntimeError):
    """A file that fakel.load cannot read: truncated, corrupted, hostile, or not safetensors."""


def _safetensors():
    try:
        import safetensors.numpy
    except ImportError as e:
        raise ImportError(
            "fakel.save and fakel.load need the safetensors package: "
            "pip install safetensors (or pip install fakel[save])"
        ) from e
    return safetensors.numpy


# Saving -----------------------------------------------------------------------------------------
class _Encoder:
    """Walks the object once, giving each distinct tensor an entry name."""

    def __init__(self):
        # Without fakel.nn imported no Parameter can exist; importing it here would be slow.
        self._param_cls = getattr(sys.modules.get("fakel.nn.parameter"), "Parameter", ())
        self.arrays: dict[str, np.ndarray] = {}
        self._names: dict[int, str] = {}  # id(tensor) -> entry name
        self._keep: list = []  # keeps encoded tensors alive, so that ids stay unique
        self._active: set[int] = set()  # containers being encoded (cycle check)

    def _entry_name(self, path: str) -> str:
        name = path or "tensor"
        if name == "__metadata__" or name in self.arrays:
            i = 1
            while f"{name}#{i}" in self.arrays:
                i += 1
            name = f"{name}#{i}"
        return name

    def tensor(self, t: Tensor, path: str) -> dict:
        name = self._names.get(id(t))
        if name is None:
            name = self._entry_name(path)
            self._names[id(t)] = name
            self._keep.append(t)
            arr = _backend.to_numpy(t._data)
            # (not np.ascontiguousarray: it turns 0-d arrays into 1-d ones)
            self.arrays[name] = arr if arr.flags.c_contiguous else arr.copy(order="C")
        out = {"$": "tensor", "k": name}
        if t.requires_grad:
            out["rg"] = True
        if isinstance(t, self._param_cls):
            out["p"] = True
        dev = str(t.device)
        if dev != "cpu":
            out["dev"] = dev
        return out

    def encode(self, obj, path: str = ""):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int) and type(obj) is not bool:
            return int(obj)
        if isinstance(obj, float):
            obj = float(obj)
            if math.isfinite(obj):
                return obj
            return {"$": "float", "v": "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")}
        if isinstance(obj, Tensor):
            return self.tensor(obj, path)
        if isinstance(obj, _dt.dtype):
            return {"$": "dtype", "v": str(obj).split(".")[-1]}
        if isinstance(obj, _device_cls):
            return {"$": "device", "v": str(obj)}
        if not isinstance(obj, (list, tuple, dict)):
            raise TypeError(
                f"fakel.save cannot store an object of type {type(obj).__name__}: only tensors, "
                "dicts, lists, tuples, str, int, float, bool, None, dtypes and devices"
            )
        if id(obj) in self._active:
            raise ValueError("fakel.save cannot store a structure that contains itself")
        self._active.add(id(obj))
        try:
            return self._container(obj, path)
        finally:
            self._active.discard(id(obj))

    def _container(self, obj, path: str):
        pre = f"{path}." if path else ""
        if isinstance(obj, dict):
            items = [
                [self.encode(k, f"{pre}key{i}"), self.encode(v, f"{pre}{k}")]
                for i, (k, v) in enumerate(obj.items())
            ]
            out = {"$": "odict" if isinstance(obj, OrderedDict) else "dict", "v": items}
            meta = getattr(obj, "_metadata", None)
            if meta is not None:
                out["meta"] = self.encode(meta, f"{pre}_metadata")
            return out
        values = [self.encode(v, f"{pre}{i}") for i, v in enumerate(obj)]
        if isinstance(obj, list):
            return values
        if isinstance(obj, Size):
            return {"$": "size", "v": values}
        return {"$": "tuple", "v": values}


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol=2,
    _use_new_zipfile_serialization=True,
    _disable_byteorder_record=False,
) -> None:
    """Save ``obj`` (a tensor, or dicts/lists/tuples of tensors and plain values) to ``f``, a
    path or a binary file object, as a safetensors file (see the module docstring)."""
    st = _safetensors()
    enc = _Encoder()
    tree = enc.encode(obj)
    meta = {"format": "fakel", "fakel_obj": json.dumps(tree, allow_nan=False)}
    data = st.save(enc.arrays, metadata=meta)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            fh.write(data)
    else:
        f.write(data)


# Loading ----------------------------------------------------------------------------------------
def _bad(reason: str):
    return SerializationError(f"not a valid fakel/safetensors file: {reason}")


def _reject_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _parse_json(text: str, what: str):
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except RecursionError:
        raise _bad(f"{what} is nested too deeply") from None
    except ValueError as e:
        raise _bad(f"{what} is not valid JSON ({e})") from None


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_header(data: bytes) -> tuple[dict, dict]:
    """Validate everything safetensors will rely on; return (entries, metadata)."""
    if len(data) == 0:
        raise _bad("the file is empty")
    n = int.from_bytes(data[:8], "little")
    if len(data) < 8 or n < 2 or n > min(_MAX_HEADER, len(data) - 8):
        # Not a safetensors start: say what it looks like instead, if we can tell.
        if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            raise _bad(
                "it is a zip archive, as PyTorch's torch.save writes; fakel only reads "
                "safetensors files (in PyTorch, save a state_dict with "
                "safetensors.torch.save_file, or load this file with torch.load)"
            )
        if data[0] == 0x80 and len(data) > 1 and 2 <= data[1] <= 5:
            raise _bad(
                "it is a pickle, as PyTorch's legacy torch.save writes; fakel only reads "
                "safetensors files and never unpickles"
            )
    if len(data) < 8:
        raise _bad(f"the file is {len(data)} bytes long, shorter than the 8-byte header length")
    if n < 2 or n > _MAX_HEADER:
        raise _bad(f"the header length {n} is not plausible")
    if n > len(data) - 8:
        raise _bad(f"the header length {n} runs past the end of the file ({len(data)} bytes)")
    try:
        text = data[8 : 8 + n].decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("the header is not UTF-8 text") from None
    header = _parse_json(text, "the header")
    if not isinstance(header, dict):
        raise _bad("the header is not a JSON object")
    meta = header.pop("__metadata__", None)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise _bad("__metadata__ is not a mapping of strings to strings")
    _check_entries(header, len(data) - 8 - n)
    return header, meta


def _check_entries(header: dict, buffer_len: int) -> None:
    spans = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise _bad(f"entry {name!r} needs exactly dtype, shape and data_offsets")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dtype, str) or dtype not in _ST_DTYPES:
            if dtype in _ST_OTHER:
                raise _bad(f"entry {name!r} has dtype {dtype}, which fakel does not support")
            raise _bad(f"entry {name!r} has unknown dtype {dtype!r}")
        if not isinstance(shape, list) or len(shape) > _MAX_NDIM:
            raise _bad(f"entry {name!r} has a shape that is not a list of at most 64 sizes")
        if not all(_is_int(d) and d >= 0 for d in shape):
            raise _bad(f"entry {name!r} has a shape {shape} that is not non-negative integers")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_int, offsets))):
            raise _bad(f"entry {name!r} has data_offsets that are not two integers")
        begin, end = offsets
        if not 0 <= begin <= end <= buffer_len:
            raise _bad(
                f"entry {name!r} has data_offsets {offsets} outside the {buffer_len}-byte data"
            )
        nbytes = math.prod(shape) * _ST_DTYPES[dtype].itemsize
        if nbytes != end - begin:
            raise _bad(
                f"entry {name!r} declares {dtype} {shape} ({nbytes} bytes) but spans "
                f"{end - begin} bytes"
            )
        spans.append((begin, end, name))
    pos = 0
    for begin, end, name in sorted(spans):
        if begin != pos:
            what = "overlaps the previous one" if begin < pos else f"leaves a gap at byte {pos}"
            raise _bad(f"entry {name!r} {what}")
        pos = end
    if pos != buffer_len:
        raise _bad(f"the data is {buffer_len} bytes but the entries cover {pos}")


class _Decoder:
    def __init__(self, arrays: dict, map_location):
        self.arrays = arrays
        self.map_location = map_location
        self.made: dict[tuple, Tensor] = {}  # shared entries load as one tensor

    def decode(self, node):
        if node is None or isinstance(node, (bool, str, int, float)):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict):
            raise _bad("fakel_obj holds an unexpected JSON value")
        tag = node.get("$")
        if tag == "tensor":
            return self.tensor(node)
        if tag in ("dict", "odict"):
            items = node.get("v")
            if not isinstance(items, list) or not all(
                isinstance(p, list) and len(p) == 2 for p in items
            ):
                raise _bad("fakel_obj has a dict that is not a list of key/value pairs")
            out = OrderedDict() if tag == "odict" else {}
            for k, v in items:
                key = self.decode(k)
                try:
                    out[key] = self.decode(v)
                except TypeError:
                    raise _bad("fakel_obj has a dict key that cannot be a key") from None
            if "meta" in node:
                if tag != "odict":
                    raise _bad("fakel_obj has _metadata on a plain dict")
                out._metadata = self.decode(node["meta"])
            return out
        if tag in ("tuple", "size"):
            values = node.get("v")
            if not isinstance(values, list):
                raise _bad(f"fakel_obj has a {tag} that is not a list")
            values = [self.decode(v) for v in values]
            if tag == "size":
                if not all(_is_int(v) for v in values):
                    raise _bad("fakel_obj has a torch.Size of non-integers")
                return Size(values)
            return tuple(values)
        value = node.get("v")
        if tag == "float" and isinstance(value, str) and value in _NONFINITE:
            return _NONFINITE[value]
        if tag == "dtype" and isinstance(getattr(_dt, str(node.get("v")), None), _dt.dtype):
            return getattr(_dt, node["v"])
        if tag == "device" and isinstance(node.get("v"), str):
            try:
                return _device_cls(node["v"])
            except (RuntimeError, ValueError, TypeError):
                raise _bad(f"fakel_obj has an invalid device {node['v']!r}") from None
        raise _bad(f"fakel_obj has an unknown or malformed tagged value {tag!r}")

    def tensor(self, node: dict) -> Tensor:
        name = node.get("k")
        if not isinstance(name, str) or name not in self.arrays:
            raise _bad(f"fakel_obj refers to a tensor {name!r} that the file does not hold")
        rg, param, dev = node.get("rg", False), node.get("p", False), node.get("dev", "cpu")
        if not (isinstance(rg, bool) and isinstance(param, bool) and isinstance(dev, str)):
            raise _bad(f"fakel_obj has malformed attributes for tensor {name!r}")
        key = (name, rg, param, dev)
        t = self.made.get(key)
        if t is None:
            t = self.made[key] = self._build(self.arrays[name], rg, param, dev)
        return t

    def _build(self, arr: np.ndarray, rg: bool, param: bool, dev: str) -> Tensor:
        t = _wrap(arr)
        target = _target_device(self.map_location, dev)
        if target != "cpu":
            t = t.to(target)
        if param:
            from .nn.parameter import Parameter

            return Parameter(t, requires_grad=rg)
        if rg:
            t.requires_grad_(True)
        return t


def _target_device(map_location, saved: str) -> str:
    if map_location is None:
        return saved
    if isinstance(map_location, dict):
        return str(map_location.get(saved, saved))
    if isinstance(map_location, (str, _device_cls)):
        return str(map_location)
    raise TypeError(
        "fakel.load: map_location must be None, a device, a string or a dict of device "
        f"strings, not {type(map_location).__name__}"
    )


def load(
    f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args
):
    """Load what ``fakel.save`` wrote (or any safetensors file, as a dict of tensors) from a
    path or a binary file object. ``map_location`` moves tensors to a device (a device, a
    string, or a dict from saved device strings to target ones). A file that is truncated,
    corrupted, hostile, or PyTorch's zip/pickle format raises SerializationError (a
    RuntimeError) and nothing else happens."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("fakel.load needs a path or a file object opened in binary mode")
    data = bytes(data)
    header, meta = _check_header(data)
    tree = None
    if meta.get("format") == "fakel" or "fakel_obj" in meta:
        if "fakel_obj" not in meta:
            raise _bad("format is fakel but the fakel_obj metadata is missing")
        tree = _parse_json(meta["fakel_obj"], "the fakel_obj metadata")
    st = _safetensors()
    try:
        raw = st.load(data)
    except Exception as e:  # noqa: BLE001 - any failure of the reader is a bad file
        raise _bad(f"safetensors could not read it ({e})") from None
    arrays = {}
    for name, info in header.items():
        a = raw.get(name)
        want = _ST_DTYPES[info["dtype"]]
        if a is None or a.dtype != want or list(a.shape) != info["shape"]:
            raise _bad(f"entry {name!r} did not read back as declared")
        arrays[name] = np.array(a, copy=True)  # writable, and owned by the tensor
    decoder = _Decoder(arrays, map_location)
    if tree is None:
        return {name: decoder.tensor({"k": name}) for name in raw}
    try:
        return decoder.decode(tree)
    except RecursionError:
        raise _bad("fakel_obj is nested too deeply") from None
