"""fakel.save / fakel.load: exact round trips, state_dicts, and refusal of malformed files."""

from __future__ import annotations

import collections
import io
import json
import math
import pathlib
import sys

import numpy as np
import pytest
import safetensors.numpy
import safetensors.torch
import torch
from hypothesis import given
from hypothesis import strategies as st

import fakel
from fakel.serialization import SerializationError

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def roundtrip(obj, **load_kwargs):
    buf = io.BytesIO()
    fakel.save(obj, buf)
    buf.seek(0)
    return fakel.load(buf, **load_kwargs)


def bits(t) -> tuple:
    a = t.detach().numpy()
    return str(a.dtype), a.shape, np.ascontiguousarray(a).view(np.uint8).tobytes()


# Round trips ------------------------------------------------------------------------------------
@given(
    dtype=st.sampled_from(DTYPES),
    shape=st.lists(st.integers(0, 4), min_size=0, max_size=4),
    seed=st.integers(0, 2**32 - 1),
    rg=st.booleans(),
    transpose=st.booleans(),
)
def test_tensor_roundtrip_bit_exact(dtype, shape, seed, rg, transpose):
    np_dtype = np.dtype(dtype)
    n = math.prod(shape)
    raw = np.random.default_rng(seed).integers(0, 256, n * np_dtype.itemsize, dtype=np.uint8)
    arr = raw.view(np_dtype).reshape(shape) if np_dtype != np.bool_ else (raw % 2 == 1)
    arr = arr.reshape(shape)
    t = fakel.from_numpy(arr.copy())
    if transpose and t.dim() >= 2:
        t = t.transpose(0, 1)  # not contiguous
    rg = rg and dtype.startswith("float")
    if rg:
        t.requires_grad_(True)
    back = roundtrip(t)
    assert type(back) is fakel.Tensor
    assert bits(back) == bits(t)
    assert back.dtype == t.dtype and back.shape == t.shape
    assert back.requires_grad == rg and back.grad_fn is None
    assert back.detach().numpy().flags.writeable


def test_zero_dim_and_empty_keep_shape():
    for t in (fakel.tensor(3.5), fakel.zeros(0, 3), fakel.tensor(7, dtype=fakel.int8)):
        back = roundtrip(t)
        assert back.shape == t.shape and back.dtype == t.dtype and back.tolist() == t.tolist()


def test_path_pathlike_and_file_object(tmp_path):
    t = fakel.arange(6.0).reshape(2, 3)
    fakel.save(t, str(tmp_path / "a.st"))
    fakel.save(t, tmp_path / "b.st")
    with open(tmp_path / "c.st", "wb") as fh:
        fakel.save(t, fh)
    for name in ("a.st", "b.st", "c.st"):
        assert fakel.load(tmp_path / name).tolist() == t.tolist()
        with open(tmp_path / name, "rb") as fh:
            assert fakel.load(fh).tolist() == t.tolist()
    assert fakel.load(str(tmp_path / "a.st")).tolist() == t.tolist()


def test_nested_plain_values_roundtrip():
    obj = {
        "none": None,
        "bools": [True, False],
        "ints": [0, -3, 2**70],
        "floats": [1.5, -0.0, 1e-310, float("inf"), -float("inf")],
        "str": 'ünïcode "quoted" $',
        "tuple": (1, (2, "x"), []),
        7: "int key",
        (1, 2): "tuple key",
        None: "none key",
        "od": collections.OrderedDict([("b", 1), ("a", 2)]),
        "size": fakel.Size([2, 3]),
        "dtype": fakel.float16,
        "device": fakel.device("cpu"),
        "$": {"$": "tensor", "k": "nope"},  # user data that looks like a tag stays data
    }
    back = roundtrip(obj)
    assert back == obj
    assert type(back["od"]) is collections.OrderedDict and list(back["od"]) == ["b", "a"]
    assert type(back["size"]) is fakel.Size and type(back["tuple"]) is tuple
    assert math.copysign(1.0, back["floats"][1]) == -1.0
    assert type(back["ints"][0]) is int and type(back["floats"][0]) is float
    nan = roundtrip([float("nan")])[0]
    assert math.isnan(nan)


def test_shared_tensor_stored_once_and_loaded_once():
    t = fakel.arange(4.0)
    view = t[1:]
    buf = io.BytesIO()
    fakel.save({"a": t, "b": t, "c": [t], "v": view}, buf)
    entries = safetensors.numpy.load(buf.getvalue())
    assert sorted(entries) == ["a", "v"]
    buf.seek(0)
    back = fakel.load(buf)
    assert back["a"] is back["b"] is back["c"][0]
    assert back["v"].tolist() == [1.0, 2.0, 3.0]


def test_parameters_and_requires_grad():
    p = fakel.nn.Parameter(fakel.ones(2))
    frozen = fakel.nn.Parameter(fakel.zeros(1), requires_grad=False)
    nonleaf = p * 2
    back = roundtrip([p, frozen, nonleaf, fakel.ones(1)])
    assert type(back[0]) is fakel.nn.Parameter and back[0].requires_grad
    assert type(back[1]) is fakel.nn.Parameter and not back[1].requires_grad
    assert type(back[2]) is fakel.Tensor and back[2].requires_grad and back[2].is_leaf
    assert not back[3].requires_grad


def test_unsupported_objects_refused():
    with pytest.raises(TypeError, match="cannot store an object of type set"):
        fakel.save({1, 2}, io.BytesIO())
    with pytest.raises(TypeError, match="ndarray"):
        fakel.save([np.zeros(2)], io.BytesIO())
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        fakel.save(loop, io.BytesIO())


def test_map_location():
    t = fakel.ones(2)
    assert roundtrip(t, map_location="cpu").device == fakel.device("cpu")
    assert roundtrip(t, map_location=fakel.device("cpu")).tolist() == [1.0, 1.0]
    assert roundtrip(t, map_location={"cuda:0": "cpu"}).device.type == "cpu"
    with pytest.raises(TypeError, match="map_location"):
        roundtrip(t, map_location=lambda s, loc: s)
    assert roundtrip(t, weights_only=False).tolist() == [1.0, 1.0]


def _train(model, opt, x):
    opt.zero_grad()
    model(x).pow(2).sum().backward()
    opt.step()


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_model_and_optimizer_state_dict_roundtrip(opt_name, tmp_path):
    fakel.manual_seed(0)
    kwargs = dict(lr=0.1, momentum=0.9) if opt_name == "SGD" else dict(lr=0.01)
    model = fakel.nn.Linear(3, 2)
    opt = getattr(fakel.optim, opt_name)(model.parameters(), **kwargs)
    x = fakel.randn(5, 3)
    _train(model, opt, x)
    fakel.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 1}, tmp_path / "ck")

    ck = fakel.load(tmp_path / "ck")
    model2 = fakel.nn.Linear(3, 2)
    opt2 = getattr(fakel.optim, opt_name)(model2.parameters(), **kwargs)
    model2.load_state_dict(ck["model"])
    opt2.load_state_dict(ck["opt"])
    assert ck["epoch"] == 1
    assert repr(opt2.state_dict()) == repr(opt.state_dict())
    for _ in range(2):
        _train(model, opt, x)
        _train(model2, opt2, x)
    for a, b in zip(model.parameters(), model2.parameters()):
        assert bits(a) == bits(b)


def test_state_dict_file_is_plain_safetensors_for_pytorch(tmp_path):
    fakel.manual_seed(1)
    model = fakel.nn.Linear(4, 3)
    fakel.save(model.state_dict(), tmp_path / "m.safetensors")
    tmodel = torch.nn.Linear(4, 3)
    tmodel.load_state_dict(safetensors.torch.load_file(str(tmp_path / "m.safetensors")))
    for name, value in model.state_dict().items():
        assert value.numpy().tobytes() == tmodel.state_dict()[name].numpy().tobytes()


def test_loads_foreign_safetensors_as_dict():
    tensors = {"w": torch.arange(6, dtype=torch.int32).reshape(2, 3), "b": torch.tensor(True)}
    back = fakel.load(io.BytesIO(safetensors.torch.save(tensors)))
    assert sorted(back) == ["b", "w"]
    assert back["w"].dtype == fakel.int32 and back["w"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert back["b"].dtype == fakel.bool and back["b"].shape == ()


def test_missing_safetensors_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match="pip install safetensors"):
        fakel.save(fakel.ones(1), io.BytesIO())


# Malformed files --------------------------------------------------------------------------------
def _file(header, data: bytes = b"", *, length=None) -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    n = len(text) if length is None else length
    return n.to_bytes(8, "little") + text + data


def _entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def _fakel_file(tree, entries, data):
    return _file(
        {"__metadata__": {"format": "fakel", "fakel_obj": json.dumps(tree)}, **entries}, data
    )


def _valid() -> bytes:
    buf = io.BytesIO()
    fakel.save({"a": fakel.arange(6.0), "b": [fakel.ones(2, dtype=fakel.int16), 3]}, buf)
    return buf.getvalue()


def _torch_zip() -> bytes:
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    return buf.getvalue()


def _torch_legacy() -> bytes:
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf, _use_new_zipfile_serialization=False)
    return buf.getvalue()


F4 = _entry("F32", [2], 0, 8)
TREE = {"$": "tensor", "k": "x"}
MALFORMED = {
    "empty": (b"", "empty"),
    "seven_bytes": (b"\x10\x00\x00\x00\x00\x00\x00", "shorter than the 8-byte"),
    "header_len_zero": (_file(b"", length=0), "not plausible"),
    "header_len_huge": (_file({"x": F4}, b"\0" * 8, length=2**63), "not plausible"),
    "header_past_end": (_file({"x": F4}, b"\0" * 8, length=500), "runs past the end"),
    "header_cut_short": (_file({"x": F4}, b"\0" * 8, length=20), "not valid JSON"),
    "not_json": (_file(b"{this is not json}"), "not valid JSON"),
    "not_utf8": (_file(b'{"\xff\xfe": 1}'), "not UTF-8"),
    "json_array": (_file([1, 2]), "not a JSON object"),
    "nan_constant": (_file(b'{"x": NaN}'), "not valid JSON"),
    "duplicate_key": (_file(b'{"x": {}, "x": {}}'), "duplicate key"),
    "bad_dtype": (_file({"x": _entry("F99", [2], 0, 8)}, b"\0" * 8), "unknown dtype"),
    "bf16": (_file({"x": _entry("BF16", [2], 0, 4)}, b"\0" * 4), "does not support"),
    "negative_shape": (_file({"x": _entry("F32", [-2], 0, 8)}, b"\0" * 8), "non-negative"),
    "float_shape": (_file({"x": _entry("F32", [2.0], 0, 8)}, b"\0" * 8), "non-negative"),
    "bool_shape": (_file({"x": _entry("U8", [True], 0, 1)}, b"\0"), "non-negative"),
    "shape_not_list": (_file({"x": _entry("F32", 2, 0, 8)}, b"\0" * 8), "not a list"),
    "too_many_dims": (_file({"x": _entry("U8", [1] * 65, 0, 1)}, b"\0"), "at most 64"),
    "huge_shape": (
        _file({"x": _entry("F64", [2**40, 2**40], 0, 8)}, b"\0" * 8),
        "declares F64",
    ),
    "size_mismatch": (_file({"x": _entry("F32", [3], 0, 8)}, b"\0" * 8), "spans 8 bytes"),
    "offsets_past_end": (_file({"x": _entry("F32", [2], 8, 16)}, b"\0" * 8), "outside"),
    "offsets_reversed": (_file({"x": _entry("F32", [0], 8, 0)}, b"\0" * 8), "outside"),
    "offsets_not_ints": (_file({"x": _entry("F32", [2], 0, 8.0)}, b"\0" * 8), "two integers"),
    "overlap": (
        _file({"x": _entry("F32", [2], 0, 8), "y": _entry("F32", [2], 4, 12)}, b"\0" * 12),
        "overlaps",
    ),
    "gap": (
        _file({"x": _entry("F32", [1], 0, 4), "y": _entry("F32", [1], 8, 12)}, b"\0" * 12),
        "gap at byte 4",
    ),
    "trailing_bytes": (_file({"x": F4}, b"\0" * 12), "cover 8"),
    "missing_field": (_file({"x": {"dtype": "F32", "shape": [2]}}, b"\0" * 8), "exactly"),
    "extra_field": (_file({"x": {**F4, "more": 1}}, b"\0" * 8), "exactly"),
    "metadata_not_strings": (_file({"__metadata__": {"a": 1}, "x": F4}, b"\0" * 8), "strings"),
    "fakel_obj_not_json": (
        _file({"__metadata__": {"format": "fakel", "fakel_obj": "{oops"}, "x": F4}, b"\0" * 8),
        "fakel_obj metadata is not valid JSON",
    ),
    "fakel_obj_missing": (
        _file({"__metadata__": {"format": "fakel"}, "x": F4}, b"\0" * 8),
        "fakel_obj metadata is missing",
    ),
    "missing_tensor": (
        _fakel_file({"$": "tensor", "k": "nope"}, {"x": F4}, b"\0" * 8),
        "refers to a tensor 'nope'",
    ),
    "unknown_tag": (_fakel_file({"$": "pickle", "v": "os.system"}, {}, b""), "unknown"),
    "bad_dict_pairs": (_fakel_file({"$": "dict", "v": [[1]]}, {}, b""), "key/value pairs"),
    "unhashable_key": (
        _fakel_file({"$": "dict", "v": [[[1, 2], 3]]}, {}, b""),
        "cannot be a key",
    ),
    "bad_tensor_attrs": (
        _fakel_file({"$": "tensor", "k": "x", "rg": "yes"}, {"x": F4}, b"\0" * 8),
        "malformed attributes",
    ),
    "bad_float_tag": (_fakel_file({"$": "float", "v": [1]}, {}, b""), "unknown or malformed"),
    "bad_dtype_tag": (_fakel_file({"$": "dtype", "v": "__class__"}, {}, b""), "unknown or"),
    "deep_nesting": (_fakel_file(json.loads("[" * 900 + "]" * 900), {}, b""), None),
    "deep_json": (
        _file({"__metadata__": {"format": "fakel", "fakel_obj": "[" * 100000 + "]" * 100000}}),
        "nested too deeply",
    ),
    "torch_zip": (_torch_zip(), "zip archive, as PyTorch's torch.save"),
    "torch_legacy_pickle": (_torch_legacy(), "pickle"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_raises_clear_error(case):
    data, reason = MALFORMED[case]
    if reason is None:  # deep but legal nesting: either it loads or it says it is too deep
        try:
            out = fakel.load(io.BytesIO(data))
        except SerializationError as e:
            assert "nested too deeply" in str(e)
        else:
            assert isinstance(out, list)
        return
    with pytest.raises(SerializationError) as info:
        fakel.load(io.BytesIO(data))
    assert isinstance(info.value, RuntimeError)
    assert "not a valid fakel/safetensors file" in str(info.value)
    assert reason in str(info.value), str(info.value)


def test_every_truncation_of_a_valid_file_is_refused():
    data = _valid()
    assert fakel.load(io.BytesIO(data))["b"][1] == 3
    for cut in range(len(data)):
        with pytest.raises(SerializationError, match="not a valid fakel/safetensors file"):
            fakel.load(io.BytesIO(data[:cut]))


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_refused(seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, int(rng.integers(1, 4000)), dtype=np.uint8).tobytes()
    with pytest.raises(SerializationError, match="not a valid fakel/safetensors file"):
        fakel.load(io.BytesIO(data))


def test_corrupted_bytes_in_header_refused_or_exact():
    # Flip single bytes in the header: the load either fails cleanly or (when the flip lands
    # in padding or a string value) still gives well-formed tensors.
    data = bytearray(_valid())
    n = int.from_bytes(data[:8], "little")
    for pos in range(8, 8 + n, 7):
        bad = bytearray(data)
        bad[pos] ^= 0x5A
        try:
            out = fakel.load(io.BytesIO(bytes(bad)))
        except SerializationError:
            continue
        assert isinstance(out, dict)


class _Hostile:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.path),))


def test_pickle_payload_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    for legacy in (False, True):
        buf = io.BytesIO()
        torch.save({"x": _Hostile(str(marker))}, buf, _use_new_zipfile_serialization=not legacy)
        with pytest.raises(SerializationError, match="fakel only reads safetensors"):
            fakel.load(io.BytesIO(buf.getvalue()))
    assert not marker.exists()


def test_text_mode_file_refused(tmp_path):
    fakel.save(fakel.ones(1), tmp_path / "t")
    with open(tmp_path / "t", encoding="latin-1") as fh:
        with pytest.raises(TypeError, match="binary mode"):
            fakel.load(fh)
