"""Conv1d/Conv2d and the pooling layers against torch: values, gradients, graphs, reprs, init,
errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import fakel
import fakel.nn as fnn
import fakel.nn.functional as FF
from nn_parity_util import make_pair, run_pair
from parity import assert_same_outcome, run

DTYPES = ["float64", "float32"]


@st.composite
def conv2d_case(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cin = groups * draw(st.integers(1, 2))
    cout = groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dil = draw(st.sampled_from([1, 2, (1, 2), (2, 1)]))
    dh, dw = (dil, dil) if isinstance(dil, int) else dil
    pad = draw(st.sampled_from([0, 1, (0, 2), (2, 1), "valid", "same"]))
    stride = 1 if pad == "same" else draw(st.sampled_from([1, 2, (1, 3), (2, 1)]))
    ph, pw = (0, 0) if isinstance(pad, str) else (pad, pad) if isinstance(pad, int) else pad
    if pad == "same":
        ph, pw = dh * (kh - 1), dw * (kw - 1)
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 7))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 7))
    n = draw(st.sampled_from([0, 1, 2, None]))  # None: unbatched
    bias = draw(st.booleans())
    shape = (cin, h, w) if n is None else (n, cin, h, w)
    kwargs = dict(stride=stride, padding=pad, dilation=dil, groups=groups, bias=bias)
    return (cin, cout, (kh, kw)), kwargs, shape


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("dtype", DTYPES)
@given(case=conv2d_case(), seed=st.integers(0, 2**16))
def test_conv2d_matches_torch(dtype, case, seed):
    args, kwargs, shape = case
    rng = np.random.default_rng(seed)
    tm, fm = make_pair(torch.nn.Conv2d, fnn.Conv2d, *args, dtype=dtype, **kwargs)
    x = rng.standard_normal(shape).astype(dtype)
    tout, fout = run_pair(tm, fm, [x], dtype, rng)  # graphs compared to depth 2 there
    if len(shape) == 4:
        assert type(fout.grad_fn).__name__ == "ConvolutionBackward0"


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("dtype", DTYPES)
@given(
    groups=st.sampled_from([1, 2]),
    k=st.integers(1, 4),
    stride=st.integers(1, 3),
    pad=st.sampled_from([0, 1, 2, "same", "valid"]),
    dil=st.integers(1, 2),
    length=st.integers(0, 4),
    batched=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_conv1d_matches_torch(dtype, groups, k, stride, pad, dil, length, batched, seed):
    rng = np.random.default_rng(seed)
    if pad == "same":
        stride = 1
    p = 0 if isinstance(pad, str) else pad
    size = dil * (k - 1) + 1 - 2 * p + length
    if size < 1:
        size = 1 + length
        p = pad = 0 if not isinstance(pad, str) else pad
    size = max(size, dil * (k - 1) + 1)
    tm, fm = make_pair(
        torch.nn.Conv1d,
        fnn.Conv1d,
        2 * groups,
        3 * groups,
        k,
        stride=stride,
        padding=pad,
        dilation=dil,
        groups=groups,
        dtype=dtype,
    )
    shape = (2, 2 * groups, size) if batched else (2 * groups, size)
    run_pair(tm, fm, [rng.standard_normal(shape).astype(dtype)], dtype, rng)


def test_conv_functional_and_graph():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 3)), np.ones(4)
    for lib in (torch, fakel):
        out = lib.nn.functional.conv2d(
            lib.tensor(x), lib.tensor(w, requires_grad=True), lib.tensor(b), 2, 1
        )
        nf = out.grad_fn.next_functions
        assert [type(n).__name__ if n else None for n, _ in nf] == [None, "AccumulateGrad", None]
        assert out.shape == (2, 4, 3, 3)
    t = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=(2, 0))
    f = FF.conv2d(fakel.tensor(x), fakel.tensor(w), padding=(2, 0))
    np.testing.assert_allclose(f.numpy(), t.numpy(), rtol=1e-12)
    ti = torch.nn.functional.conv2d(torch.tensor(x).long(), torch.tensor(w).long())
    fi = FF.conv2d(fakel.tensor(x).long(), fakel.tensor(w).long())
    assert fi.dtype == fakel.int64
    np.testing.assert_array_equal(fi.numpy(), ti.numpy())


def test_conv_no_double_backward_and_second_backward():
    x = fakel.randn(1, 1, 4, 4, requires_grad=True)
    conv = fnn.Conv2d(1, 1, 2)
    y = conv(x).sum()
    with pytest.raises(RuntimeError, match="no double backward"):
        fakel.autograd.grad(y, x, create_graph=True)
    y = conv(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


REPRS = [
    ("Conv2d", (1, 8, 3), {}),
    ("Conv2d", (2, 4, (3, 5)), dict(stride=2, padding=1, dilation=2, groups=2, bias=False)),
    ("Conv2d", (1, 2, 3), dict(padding="same")),
    ("Conv2d", (1, 2, 3), dict(padding="valid", padding_mode="reflect")),
    ("Conv1d", (2, 3, 4), dict(stride=2)),
    ("Conv1d", (2, 4, 3), dict(padding=1, dilation=3, groups=2)),
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", ((2, 3),), dict(stride=1, padding=1, return_indices=True, ceil_mode=True)),
    ("MaxPool1d", (3, 2, 1, 2), {}),
    ("AvgPool2d", (2,), {}),
    ("AvgPool2d", (3, 2, 1, True, False, 2), {}),
    ("AvgPool1d", (3,), {}),
    ("AvgPool1d", (3, 1, 1), {}),
    ("AdaptiveAvgPool2d", ((5, None),), {}),
    ("AdaptiveAvgPool2d", (1,), {}),
]


@pytest.mark.parametrize("name,args,kwargs", REPRS)
def test_reprs(name, args, kwargs):
    t = getattr(torch.nn, name)(*args, **kwargs)
    f = getattr(fnn, name)(*args, **kwargs)
    assert repr(f) == repr(t)
    assert [(n, tuple(p.shape)) for n, p in f.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in t.named_parameters()
    ]


@pytest.mark.parametrize("cls,args", [(fnn.Conv2d, (16, 32, 3)), (fnn.Conv1d, (6, 2000, 5))])
def test_default_init_statistics(cls, args):
    fakel.manual_seed(0)
    m = cls(*args)
    fan_in = args[0] * math.prod(m.kernel_size)
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) and the bias rule agree
    for p in (m.weight, m.bias):
        v = p.detach().numpy().astype(np.float64)
        assert p.dtype == fakel.float32 and p.requires_grad and p.is_leaf
        assert np.abs(v).max() <= bound
        assert np.abs(v).max() > bound * (1 - 8 / v.size)  # else P < e^-8
        se = bound / math.sqrt(3 * v.size)
        assert abs(v.mean()) < 5 * se
        assert abs(v.var() / (bound**2 / 3) - 1) < 5 * 0.9 / math.sqrt(v.size)


def test_padding_modes_other_than_zeros_raise():
    m = fnn.Conv2d(1, 1, 3, padding=1, padding_mode="circular")
    with pytest.raises(NotImplementedError, match="padding_mode='zeros' only"):
        m(fakel.ones(1, 1, 4, 4))


def _conv_call(*a, **k):
    return lambda lib: lib.nn.functional.conv2d(*a, **k)


def _t(lib, *shape, dtype="float32"):
    return lib.ones(*shape, dtype=getattr(lib, dtype))


CONV_ERRORS = [
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 2, 8, 8), _t(lib, 4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8), _t(lib, 4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 2, 2), _t(lib, 4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), stride=0),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), padding=-1),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), dilation=0),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), groups=0),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), groups=2),
    lambda lib: lib.nn.functional.conv2d(
        _t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), padding="same", stride=2
    ),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), padding="foo"),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 5, 3, 3, 3), _t(lib, 4)),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8, 2), _t(lib, 4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8, dtype="float64"), _t(lib, 4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3, dtype="float64")),
    lambda lib: lib.nn.functional.conv2d(
        _t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), _t(lib, 4, dtype="float64")
    ),
    lambda lib: lib.nn.functional.conv2d(
        _t(lib, 2, 3, 8, 8), _t(lib, 4, 3, 3, 3), stride=(1, 1, 1)
    ),
    lambda lib: lib.nn.functional.conv2d(_t(lib, 2, 3, 8, 8), _t(lib, 0, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv1d(_t(lib, 2, 2, 8), _t(lib, 4, 3, 3)),
    lambda lib: lib.nn.functional.conv1d(_t(lib, 2, 3, 2), _t(lib, 4, 3, 3)),
    lambda lib: lib.nn.Conv2d(3, 4, 3)(_t(lib, 2, 2, 8, 8)),
    lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2),
    lambda lib: lib.nn.Conv2d(4, 3, 3, groups=2),
    lambda lib: lib.nn.Conv2d(4, 4, 3, groups=0),
    lambda lib: lib.nn.Conv2d(4, 4, 3, padding="same", stride=2),
    lambda lib: lib.nn.Conv2d(4, 4, 3, padding="foo"),
]


@pytest.mark.parametrize("i", range(len(CONV_ERRORS)))
def test_conv_errors(i):
    assert_same_outcome(CONV_ERRORS[i], lambda t, f: None)


def test_bad_padding_mode_message():
    # PyTorch prints a set literal, whose order depends on the hash seed of the process that
    # compiled each .pyc file: compare the message up to the order of the set's items.
    _, t_err, _ = run(lambda lib: lib.nn.Conv2d(4, 4, 3, padding_mode="foo"), torch)
    _, f_err, _ = run(lambda lib: lib.nn.Conv2d(4, 4, 3, padding_mode="foo"), fakel)
    assert type(f_err) is type(t_err) is ValueError
    assert sorted(str(f_err)) == sorted(str(t_err))


# Pooling ------------------------------------------------------------------------------------------
@st.composite
def pool2d_case(draw):
    k = draw(st.sampled_from([1, 2, 3, (2, 3), (3, 1)]))
    kh, kw = (k, k) if isinstance(k, int) else k
    stride = draw(st.sampled_from([None, 1, 2, (1, 3), (2, 1)]))
    pad = draw(st.sampled_from([0, 1, (1, 0), (0, 1)]))
    ph, pw = (pad, pad) if isinstance(pad, int) else pad
    ph, pw = min(ph, kh // 2), min(pw, kw // 2)
    dil = draw(st.sampled_from([1, 2, (2, 1)]))
    ceil = draw(st.booleans())
    n = draw(st.sampled_from([0, 1, 2, None]))
    dh, dw = (dil, dil) if isinstance(dil, int) else dil
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 7))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 7))
    shape = (3, h, w) if n is None else (n, 3, h, w)
    return kh, kw, stride, (ph, pw), dil, ceil, shape


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=pool2d_case(), seed=st.integers(0, 2**16), ties=st.booleans())
def test_max_pool2d_matches_torch(dtype, case, seed, ties):
    kh, kw, stride, pad, dil, ceil, shape = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    if ties:  # repeated values: the gradient goes to the first maximum, as in PyTorch
        x = np.round(x).astype(dtype)
    tm = torch.nn.MaxPool2d((kh, kw), stride, pad, dil, return_indices=True, ceil_mode=ceil)
    fm = fnn.MaxPool2d((kh, kw), stride, pad, dil, return_indices=True, ceil_mode=ceil)
    tout, fout = run_pair(tm, fm, [x], dtype, rng)
    np.testing.assert_array_equal(fout[1].numpy(), tout[1].numpy())
    assert fout[1].dtype == fakel.int64
    assert type(fout[0].grad_fn).__name__ == "MaxPool2DWithIndicesBackward0"


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    case=pool2d_case(),
    seed=st.integers(0, 2**16),
    include=st.booleans(),
    divisor=st.sampled_from([None, None, 3]),
)
def test_avg_pool2d_matches_torch(dtype, case, seed, include, divisor):
    kh, kw, stride, pad, _, ceil, shape = case
    rng = np.random.default_rng(seed)
    h, w = shape[-2:]
    if h + 2 * pad[0] < kh or w + 2 * pad[1] < kw:
        return
    x = rng.standard_normal(shape).astype(dtype)
    tm = torch.nn.AvgPool2d((kh, kw), stride, pad, ceil, include, divisor)
    fm = fnn.AvgPool2d((kh, kw), stride, pad, ceil, include, divisor)
    tout, fout = run_pair(tm, fm, [x], dtype, rng)
    assert type(fout.grad_fn).__name__ == type(tout.grad_fn).__name__ == "AvgPool2DBackward0"


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    out=st.sampled_from([1, 2, 3, (2, 5), (None, 4), (4, None), (1, 3), 7]),
    hw=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    batched=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_adaptive_avg_pool2d_matches_torch(dtype, out, hw, batched, seed):
    rng = np.random.default_rng(seed)
    shape = ((2, 3) if batched else (3,)) + hw
    tm, fm = torch.nn.AdaptiveAvgPool2d(out), fnn.AdaptiveAvgPool2d(out)
    tout, fout = run_pair(tm, fm, [rng.standard_normal(shape).astype(dtype)], dtype, rng)
    assert type(fout.grad_fn).__name__ == type(tout.grad_fn).__name__


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    k=st.integers(1, 3),
    stride=st.sampled_from([None, 1, 2]),
    pad=st.integers(0, 1),
    ceil=st.booleans(),
    length=st.integers(3, 8),
    batched=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_pool1d_matches_torch(dtype, k, stride, pad, ceil, length, batched, seed):
    rng = np.random.default_rng(seed)
    pad = min(pad, k // 2)
    shape = (2, 3, length) if batched else (3, length)
    x = rng.standard_normal(shape).astype(dtype)
    for tcls, fcls, kw in (
        (torch.nn.MaxPool1d, fnn.MaxPool1d, dict(ceil_mode=ceil)),
        (torch.nn.AvgPool1d, fnn.AvgPool1d, dict(ceil_mode=ceil)),
    ):
        tout, fout = run_pair(
            tcls(k, stride, pad, **kw), fcls(k, stride, pad, **kw), [x], dtype, rng
        )
        assert type(fout.grad_fn).__name__ == type(tout.grad_fn).__name__ == "SqueezeBackward1"


def _p(lib, *shape):
    return lib.ones(*shape)


POOL_ERRORS = [
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), 3, padding=2),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), 0),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), 2, stride=0),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), 2, dilation=0),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), 6),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 5, 5), 2),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 1, 2, 3, 4, 5), 2),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), (2, 2, 2)),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), -1),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 5, 5), 2, padding=-1),
    lambda lib: lib.nn.functional.max_pool2d(_p(lib, 2, 3, 0, 4), 2),
    lambda lib: lib.nn.functional.avg_pool2d(_p(lib, 2, 3, 5, 5), 3, padding=2),
    lambda lib: lib.nn.functional.avg_pool2d(_p(lib, 2, 3, 5, 5), 6),
    lambda lib: lib.nn.functional.avg_pool2d(_p(lib, 2, 3, 5, 5), 2, stride=0),
    lambda lib: lib.nn.functional.avg_pool2d(_p(lib, 5, 5), 2),
    lambda lib: lib.nn.functional.avg_pool2d(_p(lib, 2, 3, 5, 5), 2, divisor_override=0),
    lambda lib: lib.nn.functional.avg_pool2d(_p(lib, 2, 0, 4, 4), 2),
    lambda lib: lib.nn.functional.adaptive_avg_pool2d(_p(lib, 5, 5), 2),
    lambda lib: lib.nn.functional.adaptive_avg_pool2d(_p(lib, 2, 3, 5, 5), (2, 2, 2)),
    lambda lib: lib.nn.functional.adaptive_avg_pool2d(_p(lib, 2, 3, 5, 5), -1),
    lambda lib: lib.nn.functional.adaptive_avg_pool2d(_p(lib, 2, 3, 5, 5).long(), 2),
    lambda lib: lib.nn.functional.adaptive_avg_pool2d(_p(lib, 2, 3, 0, 5), 2),
    lambda lib: lib.nn.functional.max_pool1d(_p(lib, 2, 3, 4, 4), 2),
    lambda lib: lib.nn.functional.max_pool1d(_p(lib, 2, 3, 5), 2, 1, 2),
    lambda lib: lib.nn.functional.max_pool1d(_p(lib, 2, 3, 5), 7),
    lambda lib: lib.nn.functional.max_pool1d(_p(lib, 2, 3, 5), 2, 1, 2, return_indices=True),
    lambda lib: lib.nn.functional.max_pool1d(_p(lib, 2, 3, 5), (2, 2)),
    lambda lib: lib.nn.functional.avg_pool1d(_p(lib, 4), 2),
    lambda lib: lib.nn.functional.avg_pool1d(_p(lib, 2, 3, 5), (2, 2)),
]


@pytest.mark.parametrize("i", range(len(POOL_ERRORS)))
def test_pool_errors(i):
    assert_same_outcome(POOL_ERRORS[i], lambda t, f: None)


def test_pool_integer_inputs_and_nan():
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5) % 7 - 3
    for fn, args in (("max_pool2d", (2,)), ("avg_pool2d", (3, 2, 1))):
        t = getattr(torch.nn.functional, fn)(torch.tensor(x), *args)
        f = getattr(FF, fn)(fakel.tensor(x), *args)
        assert f.dtype == fakel.int64
        np.testing.assert_array_equal(f.numpy(), t.numpy())
    nan = np.nan
    for v in (
        [1, nan, 3, 2],
        [1, nan, 3, nan],
        [nan, nan, 3, 1],
        [nan, 1, nan, 1],
        [2, 2, 2, 2],
        [-np.inf] * 4,
    ):
        xn = np.array(v, dtype=np.float64).reshape(1, 1, 2, 2)
        for pad in (0, 1):
            t = torch.nn.functional.max_pool2d(torch.tensor(xn), 2, 1, pad, return_indices=True)
            f = FF.max_pool2d(fakel.tensor(xn), 2, 1, pad, return_indices=True)
            np.testing.assert_array_equal(f[0].numpy(), t[0].numpy())
            np.testing.assert_array_equal(f[1].numpy(), t[1].numpy())


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_gradcheck_float64():
    rng = np.random.default_rng(5)

    def t(*shape):
        return fakel.tensor(rng.standard_normal(shape), requires_grad=True)

    x, w, b = t(2, 4, 5, 6), t(6, 2, 2, 3), t(6)
    assert fakel.autograd.gradcheck(
        lambda x, w, b: FF.conv2d(x, w, b, (2, 1), (1, 2), (1, 2), 2), (x, w, b)
    )
    assert fakel.autograd.gradcheck(lambda x: FF.max_pool2d(x, 2, 1, 1), (x,))
    assert fakel.autograd.gradcheck(lambda x: FF.avg_pool2d(x, 3, 2, 1, True, False), (x,))
    assert fakel.autograd.gradcheck(lambda x: FF.adaptive_avg_pool2d(x, (3, 4)), (x,))
    assert fakel.autograd.gradcheck(
        lambda x, w: FF.conv1d(x, w, padding="same"), (t(2, 3, 7), t(2, 3, 4))
    )
