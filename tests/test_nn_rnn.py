"""RNN, LSTM, GRU and their cells against torch: outputs, final states, every gradient, graphs,
parameter names and shapes, state dicts, init, dropout between layers, reprs, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import fakel
import fakel.nn as fnn
from nn_parity_util import make_pair, run_pair
from parity import assert_same_outcome

DTYPES = ["float64", "float32"]


class _WithState:
    """Wraps an RNN so that run_pair passes (input, h0[, c0]) and compares every output."""

    @staticmethod
    def wrap(lib, mod, lstm):
        base = torch.nn.Module if lib is torch else fnn.Module

        class W(base):
            def __init__(self):
                super().__init__()
                self.m = mod

            def forward(self, x, h=None, c=None):
                if h is None:
                    return self.m(x)
                return self.m(x, (h, c) if lstm else h)

        return W()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU", "RNN_RELU"])
@given(
    layers=st.integers(1, 2),
    bias=st.booleans(),
    batch_first=st.booleans(),
    bidirectional=st.booleans(),
    batched=st.booleans(),
    with_h0=st.booleans(),
    steps=st.integers(1, 4),
    n=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_rnn_layers_match_torch(
    dtype, mode, layers, bias, batch_first, bidirectional, batched, with_h0, steps, n, seed
):
    rng = np.random.default_rng(seed)
    kwargs = dict(
        num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional
    )
    name = mode
    if mode == "RNN_RELU":
        name, kwargs["nonlinearity"] = "RNN", "relu"
    tm, fm = make_pair(getattr(torch.nn, name), getattr(fnn, name), 3, 4, dtype=dtype, **kwargs)
    lstm = name == "LSTM"
    x_shape = ((n, steps) if batch_first else (steps, n)) if batched else (steps,)
    inputs = [rng.standard_normal(x_shape + (3,)).astype(dtype)]
    if with_h0:
        h_shape = (layers * (2 if bidirectional else 1),) + ((n,) if batched else ()) + (4,)
        inputs.append(rng.standard_normal(h_shape).astype(dtype))
        if lstm:
            inputs.append(rng.standard_normal(h_shape).astype(dtype))
    # torch runs float32 LSTMs through a fused kernel (MkldnnRnnLayerBackward0): graphs differ
    names = not (lstm and dtype == "float32")
    run_pair(
        _WithState.wrap(torch, tm, lstm),
        _WithState.wrap(fakel, fm, lstm),
        inputs,
        dtype,
        rng,
        names=names,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cell", ["RNNCell", "LSTMCell", "GRUCell", "RNNCell_relu"])
@given(bias=st.booleans(), batched=st.booleans(), with_h=st.booleans(), seed=st.integers(0, 2**16))
def test_cells_match_torch(dtype, cell, bias, batched, with_h, seed):
    rng = np.random.default_rng(seed)
    kwargs = dict(bias=bias)
    if cell == "RNNCell_relu":
        cell, kwargs["nonlinearity"] = "RNNCell", "relu"
    tm, fm = make_pair(getattr(torch.nn, cell), getattr(fnn, cell), 3, 5, dtype=dtype, **kwargs)
    lead = (2,) if batched else ()
    inputs = [rng.standard_normal(lead + (3,)).astype(dtype)]
    lstm = cell == "LSTMCell"
    if with_h:
        inputs.append(rng.standard_normal(lead + (5,)).astype(dtype))
        if lstm:
            inputs.append(rng.standard_normal(lead + (5,)).astype(dtype))
    run_pair(_WithState.wrap(torch, tm, lstm), _WithState.wrap(fakel, fm, lstm), inputs, dtype, rng)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_dropout_between_layers(mode):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 2, 3))
    # p=1 zeroes the second layer's input in both libraries: deterministic, comparable
    tm, fm = make_pair(getattr(torch.nn, mode), getattr(fnn, mode), 3, 4, num_layers=2, dropout=1.0)
    run_pair(tm, fm, [x], "float64", rng, names=False)
    # eval mode: no dropout at all
    tm, fm = make_pair(getattr(torch.nn, mode), getattr(fnn, mode), 3, 4, num_layers=3, dropout=0.5)
    run_pair(tm, fm, [x], "float64", rng, train=False)
    # training with p=0.5: random, and different from eval
    fm.train()
    out_train = fm(fakel.tensor(x))[0].detach().numpy()
    fm.eval()
    out_eval = fm(fakel.tensor(x))[0].detach().numpy()
    assert not np.allclose(out_train, out_eval)


def test_state_dict_round_trip_and_names():
    t = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    f = fnn.LSTM(3, 4, num_layers=2, bidirectional=True)
    assert [(k, tuple(v.shape)) for k, v in f.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in t.state_dict().items()
    ]
    f.load_state_dict({k: fakel.tensor(v.numpy()) for k, v in t.state_dict().items()})
    t2 = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    t2.load_state_dict({k: torch.tensor(v.numpy()) for k, v in f.state_dict().items()})
    for k, v in t2.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), t.state_dict()[k].numpy())
    assert [[p.shape for p in ps] for ps in f.all_weights] == [
        [p.shape for p in ps] for ps in t.all_weights
    ]


@pytest.mark.parametrize(
    "cls,args", [(fnn.LSTM, (3, 50, 2)), (fnn.GRUCell, (7, 40)), (fnn.RNN, (10, 64))]
)
def test_default_init_statistics(cls, args):
    fakel.manual_seed(0)
    m = cls(*args)
    bound = 1 / math.sqrt(args[1])
    v = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()]).astype(np.float64)
    assert all(p.dtype == fakel.float32 and p.requires_grad for p in m.parameters())
    assert np.abs(v).max() <= bound
    assert np.abs(v).max() > bound * (1 - 8 / v.size)
    assert abs(v.mean()) < 5 * bound / math.sqrt(3 * v.size)
    assert abs(v.var() / (bound**2 / 3) - 1) < 5 * 0.9 / math.sqrt(v.size)


REPRS = [
    ("RNN", (3, 4), {}),
    ("RNN", (3, 4), dict(nonlinearity="relu", num_layers=2, bias=False)),
    ("LSTM", (3, 4), dict(num_layers=2, batch_first=True, dropout=0.5)),
    ("GRU", (3, 4), dict(bias=False, bidirectional=True)),
    ("RNNCell", (3, 4), {}),
    ("RNNCell", (3, 4), dict(nonlinearity="relu", bias=False)),
    ("LSTMCell", (3, 4), dict(bias=False)),
    ("GRUCell", (3, 4), {}),
]


@pytest.mark.parametrize("name,args,kwargs", REPRS)
def test_reprs(name, args, kwargs):
    t = getattr(torch.nn, name)(*args, **kwargs)
    f = getattr(fnn, name)(*args, **kwargs)
    assert repr(f) == repr(t)
    assert [(n, tuple(p.shape)) for n, p in f.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in t.named_parameters()
    ]


def _x(lib, *shape, dtype="float32"):
    return lib.ones(*shape, dtype=getattr(lib, dtype))


ERRORS = [
    lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 4)),
    lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 3, 1)),
    lambda lib: lib.nn.GRU(3, 4)(_x(lib, 3)),
    lambda lib: lib.nn.RNN(3, 4)(_x(lib, 1, 2, 3, 3)),
    lambda lib: lib.nn.RNN(3, 4, 2)(_x(lib, 5, 2, 3), _x(lib, 2, 4)),
    lambda lib: lib.nn.RNN(3, 4, 2)(_x(lib, 5, 3), _x(lib, 2, 1, 4)),
    lambda lib: lib.nn.RNN(3, 4, 2)(_x(lib, 5, 2, 3), _x(lib, 2, 3, 4)),
    lambda lib: lib.nn.RNN(3, 4, 2)(_x(lib, 5, 2, 3), _x(lib, 1, 2, 4)),
    lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 3), (_x(lib, 1, 2, 4), _x(lib, 1, 3, 4))),
    lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 3), (_x(lib, 1, 3, 4), _x(lib, 1, 2, 4))),
    lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 3), (_x(lib, 2, 4), _x(lib, 1, 2, 4))),
    lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 3), (_x(lib, 1, 4), _x(lib, 1, 1, 4))),
    lambda lib: lib.nn.GRU(3, 4)(_x(lib, 5, 2, 3, dtype="float64")),
    lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 0, 2, 3)),
    lambda lib: lib.nn.RNN(3, 4, nonlinearity="foo"),
    lambda lib: lib.nn.RNN(3, 4, dropout=1.5),
    lambda lib: lib.nn.RNN(3, 0),
    lambda lib: lib.nn.RNN(0, 3),
    lambda lib: lib.nn.RNN(3, 4, num_layers=0),
    lambda lib: lib.nn.RNN(3, 4, proj_size=2),
    lambda lib: lib.nn.GRU(3, 4, proj_size=2),
    lambda lib: lib.nn.LSTM(3, 4, proj_size=4),
    lambda lib: lib.nn.LSTM(3, 4, bias=1),
    lambda lib: lib.nn.LSTM(3.0, 4),
    lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 2, 5)),
    lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 2, 3), _x(lib, 3, 4)),
    lambda lib: lib.nn.GRUCell(3, 4)(_x(lib, 2, 3), _x(lib, 2, 5)),
    lambda lib: lib.nn.LSTMCell(3, 4)(_x(lib, 2, 2, 3)),
    lambda lib: lib.nn.LSTMCell(3, 4)(_x(lib, 2, 3), (_x(lib, 2, 4), _x(lib, 3, 4))),
]


@pytest.mark.filterwarnings("ignore:dropout option")
@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    assert_same_outcome(ERRORS[i], lambda t, f: None)


def test_dropout_warning_for_one_layer():
    assert_same_outcome(lambda lib: lib.nn.GRU(3, 4, dropout=0.2) and None, lambda t, f: None)


def test_proj_size_not_implemented():
    with pytest.raises(NotImplementedError, match="proj_size"):
        fnn.LSTM(3, 4, proj_size=2)
