"""Recurrent layers: RNN (tanh/relu), LSTM, GRU and their cells, built from fakel ops.

Parameter names, shapes, gate order (LSTM i,f,g,o; GRU r,z,n) and initialisation are PyTorch's,
so state dicts load both ways. The layers run PyTorch's CPU composite: the input projection of a
whole layer is one ``linear``, then one cell per time step, outputs joined with ``stack`` (and
``cat`` for the two directions). RNN and GRU therefore show PyTorch's ``StackBackward0`` graph;
LSTM's output shows ``StackBackward0`` where PyTorch shows its fused ``MkldnnRnnLayerBackward0``.
Values and gradients are the same. ``proj_size`` is not supported.
"""

from __future__ import annotations

import math
import numbers
import warnings

from ... import _creation
from ..._tensor import _wrap
from ...autograd.grad_mode import _state, no_grad
from ...autograd.graph import Node
from ...ops._common import attach
from ...ops.activation import relu, sigmoid, tanh
from ...ops.join import SplitBackward0, _pieces, stack, unbind
from .._functional_layers import dropout, linear
from ..parameter import Parameter
from .module import Module

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


# Cells on precomputed input gates ``gi`` (the input's linear projection), in PyTorch's order of
# operations (hidden part first, ``unsafe_chunk`` for the gates) so that the graphs match.
class UnsafeSplitBackward0(SplitBackward0):
    __slots__ = ()


class TransposeBackward1(Node):
    """PyTorch's node for the in-place ``transpose_(0, 1)`` of a batch-first RNN/GRU output."""

    __slots__ = ()

    def backward(self, g):
        return (g.transpose(0, 1),)


def _transpose_(x):
    out = _wrap(x._data.swapaxes(0, 1))
    if x._requires_grad and _state.enabled:
        attach(out, TransposeBackward1(), x)
    return out


def _unsafe_chunk(x, n):
    size = x._data.shape[1] // n
    return _pieces(x, 1, [size] * n, UnsafeSplitBackward0)


def _rnn_tanh_step(gi, h, w_hh, b_hh):
    return tanh(linear(h, w_hh, b_hh) + gi)


def _rnn_relu_step(gi, h, w_hh, b_hh):
    return relu(linear(h, w_hh, b_hh) + gi)


def _lstm_step(gi, state, w_hh, b_hh):
    h, c = state
    i, f, g, o = _unsafe_chunk(linear(h, w_hh, b_hh) + gi, 4)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    return sigmoid(o) * tanh(c), c


def _gru_step(gi, h, w_hh, b_hh):
    ir, iz, in_ = _unsafe_chunk(gi, 3)
    hr, hz, hn = _unsafe_chunk(linear(h, w_hh, b_hh), 3)
    r = sigmoid(hr + ir)
    z = sigmoid(hz + iz)
    n = tanh(in_ + hn * r)
    return (h - n) * z + n


_STEPS = {
    "LSTM": _lstm_step,
    "GRU": _gru_step,
    "RNN_TANH": _rnn_tanh_step,
    "RNN_RELU": _rnn_relu_step,
}


def _init_uniform(module, hidden_size) -> None:
    stdv = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    with no_grad():
        for w in module.parameters():
            w.uniform_(-stdv, stdv)


class RNNBase(Module):
    """Shared parameters, checks and the layer loop of RNN, LSTM and GRU."""

    def __init__(
        self,
        mode,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if (
            not isinstance(dropout, numbers.Number)
            or not 0 <= dropout <= 1
            or isinstance(dropout, bool)
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=3,
            )
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(
                f"batch_first should be of type bool, got: {type(batch_first).__name__}"
            )
        for name, v in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(v, int):
                raise TypeError(f"{name} should be of type int, got: {type(v).__name__}")
            if v <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size:
            raise NotImplementedError("fakel: LSTM with proj_size > 0 is not implemented")
        gate_size = _GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(dirs):
                in_size = input_size if layer == 0 else hidden_size * dirs
                suffix = "_reverse" if direction == 1 else ""
                shapes = [(gate_size, in_size), (gate_size, hidden_size)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                names = [n.format(layer, suffix) for n in names]
                for name, shape in zip(names, shapes):
                    setattr(
                        self, name, Parameter(_creation.empty(shape, dtype=dtype, device=device))
                    )
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def reset_parameters(self) -> None:
        _init_uniform(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """A no-op, as PyTorch's on CPU."""

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # Checks -----------------------------------------------------------------------------------
    def _check_input(self, input) -> None:
        wd = self._flat_weights[0].dtype
        if input.dtype != wd:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({wd}). Convert "
                f"input: input.to({wd}), or convert model: model.to({input.dtype})"
            )
        if self.input_size != input.size(-1):
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.size(-1)}"
            )

    def _expected_hidden(self, input) -> tuple:
        batch = input.size(0) if self.batch_first else input.size(1)
        dirs = 2 if self.bidirectional else 1
        return (self.num_layers * dirs, batch, self.hidden_size)

    @staticmethod
    def _check_hidden(hx, expected, msg="Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _prepare(self, input, hx):
        """(input as (T, N, I), hx with a batch dim, is_batched) after PyTorch's checks."""
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if input.dim() not in (2, 3):
            what = "tensor instead" if name == "RNN" else "instead"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D {what}")
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        lstm = self.mode == "LSTM"
        if hx is not None:
            want = 3 if batched else 2
            if lstm:
                if hx[0].dim() != want or hx[1].dim() != want:
                    kind = "batched 3-D" if batched else "unbatched 2-D"
                    raise RuntimeError(
                        f"For {kind} input, hx and cx should also be {want}-D but got "
                        f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors"
                    )
                if not batched:
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
            else:
                if hx.dim() != want:
                    kind = "batched 3-D" if batched else "unbatched 2-D"
                    raise RuntimeError(
                        f"For {kind} input, hx should also be {want}-D but got {hx.dim()}-D tensor"
                    )
                if not batched:
                    hx = hx.unsqueeze(1)
        self._check_input(input)
        expected = self._expected_hidden(input)
        if hx is None:
            zeros = _creation.zeros(expected, dtype=input.dtype)
            hx = (zeros, _creation.zeros(expected, dtype=input.dtype)) if lstm else zeros
        elif lstm:
            self._check_hidden(hx[0], expected, "Expected hidden[0] size {}, got {}")
            self._check_hidden(hx[1], expected, "Expected hidden[1] size {}, got {}")
        else:
            self._check_hidden(hx, expected)
        if self.batch_first:
            input = input.transpose(0, 1)
        if input.size(0) == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        return input, hx, batched

    # The layer loop ---------------------------------------------------------------------------
    def _run(self, x, hx):
        """x: (T, N, I); hx: (L*D, N, H) or a pair of them. Returns (output, final states)."""
        lstm = self.mode == "LSTM"
        step = _STEPS[self.mode]
        dirs = 2 if self.bidirectional else 1
        h0 = unbind(hx[0], 0) if lstm else unbind(hx, 0)
        c0 = unbind(hx[1], 0) if lstm else None
        finals_h, finals_c = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                params = [getattr(self, n) for n in self._all_weights[k]]
                w_ih, w_hh = params[0], params[1]
                b_ih, b_hh = (params[2], params[3]) if self.bias else (None, None)
                gis = unbind(linear(x, w_ih, b_ih), 0)
                state = (h0[k], c0[k]) if lstm else h0[k]
                steps = range(len(gis) - 1, -1, -1) if d == 1 else range(len(gis))
                seq = [None] * len(gis)
                for t in steps:
                    state = step(gis[t], state, w_hh, b_hh)
                    seq[t] = state[0] if lstm else state
                outs.append(stack(seq, 0))
                if lstm:
                    finals_h.append(state[0])
                    finals_c.append(state[1])
                else:
                    finals_h.append(state)
            x = outs[0] if dirs == 1 else _cat_last(outs)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = dropout(x, self.dropout, True)
        h_n = stack(finals_h, 0)
        return x, ((h_n, stack(finals_c, 0)) if lstm else h_n)

    def forward(self, input, hx=None):
        x, hx, batched = self._prepare(input, hx)
        out, state = self._run(x, hx)
        if self.batch_first:
            out = out.transpose(0, 1) if self.mode == "LSTM" else _transpose_(out)
        if not batched:
            out = out.squeeze(0 if self.batch_first else 1)
            if isinstance(state, tuple):
                state = (state[0].squeeze(1), state[1].squeeze(1))
            else:
                state = state.squeeze(1)
        return out, state


def _cat_last(ts):
    from ...ops.join import cat

    return cat(ts, ts[0].dim() - 1)


class RNN(RNNBase):
    """Elman RNN with tanh or ReLU, as ``torch.nn.RNN``: returns ``(output, h_n)``."""

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(
                f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        super().__init__(mode, *args, **kwargs)


class LSTM(RNNBase):
    """LSTM as ``torch.nn.LSTM``: returns ``(output, (h_n, c_n))``; gates i, f, g, o."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """GRU as ``torch.nn.GRU``: returns ``(output, h_n)``; gates r, z, n."""

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# Cells ------------------------------------------------------------------------------------------
class RNNCellBase(Module):
    """Parameters ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` of the cells."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        g = num_chunks * hidden_size
        self.weight_ih = Parameter(_creation.empty((g, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(_creation.empty((g, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(_creation.empty(g, dtype=dtype, device=device))
            self.bias_hh = Parameter(_creation.empty(g, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _init_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def _check(self, input, hx, name):
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for h in hx if isinstance(hx, tuple) else (hx,):
                if h.dim() not in (1, 2):
                    raise ValueError(
                        f"{name}: Expected hidden to be 1D or 2D, got {h.dim()}D instead"
                    )
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.size(1) != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.size(1)} expected {self.input_size}"
            )
        return input, batched

    def _hidden(self, input, h, batched, i=0):
        if h is None:
            return _creation.zeros((input.size(0), self.hidden_size), dtype=input.dtype)
        if not batched:
            h = h.unsqueeze(0)
        if h.size(0) != input.size(0):
            raise RuntimeError(
                f"Input batch size {input.size(0)} doesn't match hidden{i} batch size {h.size(0)}"
            )
        if h.size(1) != self.hidden_size:
            raise RuntimeError(
                f"hidden{i} has inconsistent hidden_size: got {h.size(1)}, expected "
                f"{self.hidden_size}"
            )
        return h


class RNNCell(RNNCellBase):
    """One Elman RNN step, as ``torch.nn.RNNCell``."""

    def __init__(
        self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, batched = self._check(input, hx, "RNNCell")
        hx = self._hidden(input, hx, batched)
        if self.nonlinearity == "tanh":
            step = _rnn_tanh_step
        elif self.nonlinearity == "relu":
            step = _rnn_relu_step
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        h = step(linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step, as ``torch.nn.LSTMCell``: returns ``(h_1, c_1)``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, batched = self._check(input, hx, "LSTMCell")
        if hx is None:
            h = c = self._hidden(input, None, batched)
        else:
            h = self._hidden(input, hx[0], batched, 0)
            c = self._hidden(input, hx[1], batched, 1)
        gi = linear(input, self.weight_ih, self.bias_ih)
        h, c = _lstm_step(gi, (h, c), self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step, as ``torch.nn.GRUCell``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, batched = self._check(input, hx, "GRUCell")
        hx = self._hidden(input, hx, batched)
        h = _gru_step(linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
