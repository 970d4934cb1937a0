"""Devices against PyTorch's CPU build: device objects, device= on factories, CUDA unavailable."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

import fakel
from fakel import _backend
from parity import assert_same_outcome
from parity import run as _run

# The oracle is PyTorch's CPU build, where CUDA is never available. fakel's CUDA comes from CuPy;
# the fixture below hides CuPy, so that these tests see "no CUDA" on any machine.


@pytest.fixture(autouse=True)
def _no_cuda(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # 'import cupy' raises ImportError
    monkeypatch.setattr(_backend, "_cupy", None)  # forget any earlier probe


def _compare(expected, actual) -> None:
    if isinstance(expected, torch.device):
        assert isinstance(actual, fakel.device), type(actual)
        assert repr(actual) == repr(expected) and str(actual) == str(expected)
        assert (actual.type, actual.index) == (expected.type, expected.index)
    elif isinstance(expected, torch.Size):
        assert isinstance(actual, fakel.Size) and tuple(actual) == tuple(expected)
    elif isinstance(expected, torch.Tensor):
        assert isinstance(actual, fakel.Tensor), type(actual)
        assert repr(actual) == repr(expected).replace("torch.", "fakel.")
        np.testing.assert_array_equal(actual.detach().numpy(), expected.detach().numpy())
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected) and len(actual) == len(expected)
        for e, a in zip(expected, actual):
            _compare(e, a)
    else:
        assert type(actual) is type(expected) and actual == expected, (expected, actual)


def _check(fn, *, msg: bool = True) -> None:
    assert_same_outcome(fn, _compare, msg=msg, warns=False)


# --- device objects -----------------------------------------------------------------------------

DEVICES = {
    "cpu": lambda lib: lib.device("cpu"),
    "cpu_repr": lambda lib: repr(lib.device("cpu")),
    "cpu_str": lambda lib: str(lib.device("cpu")),
    "cpu_type_index": lambda lib: (lib.device("cpu").type, lib.device("cpu").index),
    "cpu_0": lambda lib: lib.device("cpu", 0),
    "cpu_colon_0": lambda lib: lib.device("cpu:0"),
    "cpu_colon_0_str": lambda lib: str(lib.device("cpu:0")),
    "cuda_0": lambda lib: lib.device("cuda:0"),
    "cuda_0_repr": lambda lib: repr(lib.device("cuda:0")),
    "cuda_0_str": lambda lib: str(lib.device("cuda:0")),
    "cuda_0_index": lambda lib: lib.device("cuda:0").index,
    "cuda_1_pair": lambda lib: lib.device("cuda", 1),
    "cuda_1_pair_str": lambda lib: str(lib.device("cuda", 1)),
    "cuda_no_index": lambda lib: lib.device("cuda"),
    "cuda_no_index_str": lambda lib: str(lib.device("cuda")),
    "cuda_no_index_index": lambda lib: lib.device("cuda").index is None,
    "cuda_kwargs": lambda lib: lib.device(type="cuda", index=2),
    "copy_of_device": lambda lib: lib.device(lib.device("cuda:1")),
    "is_device_class": lambda lib: isinstance(lib.device("cpu"), lib.device),
    "eq_device": lambda lib: lib.device("cpu") == lib.device("cpu"),
    "eq_device_cpu_0": lambda lib: lib.device("cpu") == lib.device("cpu", 0),
    "eq_device_cuda": lambda lib: lib.device("cpu") == lib.device("cuda"),
    "eq_cuda_index": lambda lib: lib.device("cuda:0") == lib.device("cuda", 0),
    "eq_cuda_no_index": lambda lib: lib.device("cuda:0") == lib.device("cuda"),
    "ne_device": lambda lib: lib.device("cpu") != lib.device("cuda:0"),
    "eq_string_cpu": lambda lib: lib.device("cpu") == "cpu",
    "eq_string_reversed": lambda lib: "cpu" == lib.device("cpu"),
    "eq_string_cuda": lambda lib: lib.device("cuda:0") == "cuda:0",
    "ne_string": lambda lib: lib.device("cpu") != "cuda",
    "eq_string_other": lambda lib: lib.device("cpu") == "cpu:0",
    "eq_int": lambda lib: lib.device("cpu") == 1,
    "eq_none": lambda lib: lib.device("cpu") == None,  # noqa: E711
    "str_eq_string": lambda lib: str(lib.device("cpu")) == "cpu",
    "type_eq_string": lambda lib: lib.device("cuda:3").type == "cuda",
    "hash_equal": lambda lib: hash(lib.device("cpu")) == hash(lib.device("cpu")),
    "set_of_devices": lambda lib: len({lib.device("cpu"), lib.device("cpu"), lib.device("cuda:0")}),
    "dict_key": lambda lib: {lib.device("cuda", 0): 1}[lib.device("cuda:0")],
    "tensor_device_eq": lambda lib: lib.zeros(2).device == lib.device("cpu"),
    "tensor_device_eq_string": lambda lib: lib.zeros(2).device == "cpu",
    "tensor_device_type": lambda lib: lib.zeros(2).device.type,
    "tensor_device_index": lambda lib: lib.zeros(2).device.index,
}


@pytest.mark.parametrize("name", sorted(DEVICES))
def test_device(name):
    _check(DEVICES[name])


INVALID = {
    "gpu": lambda lib: lib.device("gpu"),
    "upper_case": lambda lib: lib.device("CPU"),
    "empty": lambda lib: lib.device(""),
    "leading_space": lambda lib: lib.device(" cpu"),
    "trailing_colon": lambda lib: lib.device("cpu:"),
    "bad_index": lambda lib: lib.device("cuda:x"),
    "negative_index_in_string": lambda lib: lib.device("cuda:-1"),
    "negative_index": lambda lib: lib.device("cuda", -1),
    "two_colons": lambda lib: lib.device("cuda:0:1"),
    "leading_zero": lambda lib: lib.device("cuda:01"),
    "space_after_colon": lambda lib: lib.device("cuda: 1"),
    "index_twice": lambda lib: lib.device("cuda:0", 1),
    "float": lambda lib: lib.device(1.5),
    "none": lambda lib: lib.device(None),
    "negative_int": lambda lib: lib.device(-1),
    "bare_int": lambda lib: lib.device(0),
    "factory_gpu": lambda lib: lib.zeros(2, device="gpu"),
    "factory_bad_index": lambda lib: lib.zeros(2, device="cuda:x"),
    "to_gpu": lambda lib: lib.zeros(2).to("gpu"),
}

# torch lists every backend it knows ("cpu, cuda, ipu, xpu, ...") or its argument overloads;
# for those only the class is compared.
CLASS_ONLY = {"gpu", "upper_case", "factory_gpu", "to_gpu", "float", "none"}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_device(name):
    _check(INVALID[name], msg=name not in CLASS_ONLY)


@pytest.mark.parametrize("name", ["gpu", "upper_case", "factory_gpu", "to_gpu"])
def test_invalid_device_type_message_names_the_string(name):
    _, t_err, _ = _run(INVALID[name], torch)
    _, f_err, _ = _run(INVALID[name], fakel)
    assert str(t_err).startswith("Expected one of cpu, cuda")
    assert str(f_err).startswith("Expected one of cpu, cuda")
    assert str(f_err).split("device string: ")[1] == str(t_err).split("device string: ")[1]


# --- CPU tensors ---------------------------------------------------------------------------------

CPU_FACTORIES = {
    "zeros": lambda lib, d: lib.zeros(2, device=d),
    "zeros_dtype": lambda lib, d: lib.zeros(2, device=d, dtype=lib.int64),
    "ones": lambda lib, d: lib.ones(2, 1, device=d),
    "empty": lambda lib, d: lib.empty(2, device=d).shape,
    "full": lambda lib, d: lib.full((2,), 1.5, device=d),
    "eye": lambda lib, d: lib.eye(2, device=d),
    "arange": lambda lib, d: lib.arange(3, device=d),
    "linspace": lambda lib, d: lib.linspace(0, 1, 3, device=d),
    "rand": lambda lib, d: lib.rand(2, device=d).shape,
    "randn": lambda lib, d: lib.randn(2, device=d).shape,
    "randint": lambda lib, d: lib.randint(0, 3, (2,), device=d).shape,
    "tensor": lambda lib, d: lib.tensor([1.0], device=d),
    "as_tensor": lambda lib, d: lib.as_tensor([1.0], device=d),
    "zeros_like": lambda lib, d: lib.zeros_like(lib.ones(2), device=d),
    "ones_like": lambda lib, d: lib.ones_like(lib.ones(2), device=d),
    "full_like": lambda lib, d: lib.full_like(lib.ones(2), 3.0, device=d),
    "rand_like": lambda lib, d: lib.rand_like(lib.ones(2), device=d).shape,
    "requires_grad": lambda lib, d: lib.zeros(2, device=d, requires_grad=True),
}

CPU_SPELLINGS = {
    "str": lambda lib: "cpu",
    "str_index": lambda lib: "cpu:0",
    "device": lambda lib: lib.device("cpu"),
    "device_index": lambda lib: lib.device("cpu", 0),
    "none": lambda lib: None,
}


@pytest.mark.parametrize("spelling", sorted(CPU_SPELLINGS))
@pytest.mark.parametrize("name", sorted(CPU_FACTORIES))
def test_cpu_device_on_factories(name, spelling):
    def make(lib):
        return CPU_FACTORIES[name](lib, CPU_SPELLINGS[spelling](lib))

    _check(make)
    if name not in ("empty", "rand", "randn", "randint", "rand_like"):
        _check(lambda lib: make(lib).device)
        _check(lambda lib: repr(make(lib).device))
    assert fakel.cuda.is_available() is False


@pytest.mark.parametrize(
    "move",
    [
        lambda t, lib: t.to("cpu"),
        lambda t, lib: t.to("cpu:0"),
        lambda t, lib: t.to(lib.device("cpu")),
        lambda t, lib: t.to(device="cpu"),
        lambda t, lib: t.to("cpu", non_blocking=True),
        lambda t, lib: t.cpu(),
        lambda t, lib: t.to("cpu", lib.float32),
        lambda t, lib: t.to(device="cpu", dtype=lib.float32),
    ],
    ids=[
        "to_str",
        "to_str_index",
        "to_device",
        "to_kwarg",
        "to_non_blocking",
        "cpu",
        "to_str_same_dtype",
        "to_kwargs_same_dtype",
    ],
)
def test_cpu_moves_return_self(move):
    # Whether the very same tensor comes back; torch returns self except for 'cpu:0'.
    same = {}
    for lib in (torch, fakel):
        t = lib.ones(2)
        out = move(t, lib)
        same[lib.__name__] = out is t
        assert out.device == lib.device("cpu") and not out.is_cuda
    assert same["fakel"] == same["torch"], same


def test_to_cpu_with_other_dtype_copies():
    _check(lambda lib: lib.ones(2).to("cpu", lib.float64))
    _check(lambda lib: lib.ones(2).to(device="cpu", dtype=lib.float64))
    for lib in (torch, fakel):
        t = lib.ones(2)
        assert t.to("cpu", lib.float64) is not t


def test_results_stay_on_cpu():
    _check(
        lambda lib: [
            r.device
            for r in (lib.ones(2) + 1, lib.ones(2, 2).sum(0), lib.ones(2)[0], lib.ones(2).clone())
        ]
    )


# --- CUDA unavailable ---------------------------------------------------------------------------


def test_cuda_is_not_available():
    assert torch.cuda.is_available() is False
    assert fakel.cuda.is_available() is False
    assert fakel.cuda.device_count() == torch.cuda.device_count() == 0


def test_cuda_seeding_is_harmless_without_cuda():
    _check(lambda lib: lib.cuda.manual_seed(0))
    _check(lambda lib: lib.cuda.manual_seed_all(0))


NO_CUDA = {
    "zeros": lambda lib: lib.zeros(2, device="cuda"),
    "zeros_index": lambda lib: lib.zeros(2, device="cuda:0"),
    "zeros_device": lambda lib: lib.zeros(2, device=lib.device("cuda", 1)),
    "ones": lambda lib: lib.ones(2, device="cuda"),
    "empty": lambda lib: lib.empty(2, device="cuda"),
    "full": lambda lib: lib.full((2,), 1.0, device="cuda"),
    "eye": lambda lib: lib.eye(2, device="cuda"),
    "arange": lambda lib: lib.arange(3, device="cuda"),
    "linspace": lambda lib: lib.linspace(0, 1, 3, device="cuda"),
    "rand": lambda lib: lib.rand(2, device="cuda"),
    "randn": lambda lib: lib.randn(2, device="cuda"),
    "randint": lambda lib: lib.randint(0, 3, (2,), device="cuda"),
    "tensor": lambda lib: lib.tensor([1.0], device="cuda"),
    "as_tensor": lambda lib: lib.as_tensor([1.0], device="cuda"),
    "zeros_like": lambda lib: lib.zeros_like(lib.ones(2), device="cuda"),
    "method_cuda": lambda lib: lib.zeros(2).cuda(),
    "method_cuda_index": lambda lib: lib.zeros(2).cuda(0),
    "to_cuda": lambda lib: lib.zeros(2).to("cuda"),
    "to_cuda_index": lambda lib: lib.zeros(2).to("cuda:0"),
    "to_cuda_device": lambda lib: lib.zeros(2).to(lib.device("cuda")),
    "to_cuda_kwarg": lambda lib: lib.zeros(2).to(device="cuda"),
    "to_cuda_and_dtype": lambda lib: lib.zeros(2).to("cuda", lib.float64),
    "factory_bare_int": lambda lib: lib.zeros(2, device=0),
    "to_bare_int": lambda lib: lib.zeros(2).to(0),
}

# Without any accelerator, torch says "Cannot access accelerator device when none is available."
# for a bare integer device; fakel reads a bare integer as a CUDA index.
CLASS_ONLY_NO_CUDA = {"factory_bare_int", "to_bare_int"}


@pytest.mark.parametrize("name", sorted(NO_CUDA))
def test_cuda_tensor_without_cuda_raises(name):
    _check(NO_CUDA[name], msg=name not in CLASS_ONLY_NO_CUDA)


def test_cuda_error_is_torchs_assertion():
    with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
        fakel.zeros(2, device="cuda")
    with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
        fakel.ones(2).cuda()


def test_failed_cuda_move_leaves_tensor_alone():
    t = fakel.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(AssertionError):
        t.to("cuda")
    assert t.device == fakel.device("cpu") and t.requires_grad and t.tolist() == [1.0, 2.0]
