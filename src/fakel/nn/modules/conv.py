"""Convolution layers: Conv1d and Conv2d (padding_mode='zeros'; other modes raise on forward)."""

from __future__ import annotations

import math

from ... import _creation
from ...autograd.grad_mode import no_grad
from .._conv import conv1d, conv2d
from ..parameter import Parameter
from .module import Module


def _tuple(v, n: int) -> tuple:
    if isinstance(v, (tuple, list)):
        return tuple(v)
    return (v,) * n


def _kaiming_uniform_a_sqrt5(weight) -> None:
    """PyTorch's default layer init: kaiming_uniform_(a=sqrt(5)), i.e. U(+-1/sqrt(fan_in))."""
    fan_in = weight.shape[1] * math.prod(weight.shape[2:]) if weight.ndim > 1 else 0
    if weight.numel() == 0:
        return
    gain = math.sqrt(2.0 / (1 + 5))
    bound = math.sqrt(3.0) * gain / math.sqrt(fan_in)
    weight.uniform_(-bound, bound)


class _ConvNd(Module):
    """Shared constructor, init, checks and repr of Conv1d/Conv2d (as torch's _ConvNd)."""

    _nd = 2

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        n = self._nd
        kernel_size = _tuple(kernel_size, n)
        stride = _tuple(stride, n)
        padding = padding if isinstance(padding, str) else _tuple(padding, n)
        dilation = _tuple(dilation, n)
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}"
                )
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(
                f"padding_mode must be one of {valid_padding_modes}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = False
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(_creation.empty(shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(_creation.empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        with no_grad():
            _kaiming_uniform_a_sqrt5(self.weight)
            if self.bias is not None:
                w = self.weight
                fan_in = w.shape[1] * math.prod(w.shape[2:])
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
                self.bias.uniform_(-bound, bound)

    def extra_repr(self) -> str:
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    def _check_mode(self) -> None:
        if self.padding_mode != "zeros":
            raise NotImplementedError(
                f"fakel: {type(self).__name__} supports padding_mode='zeros' only, not "
                f"padding_mode='{self.padding_mode}'"
            )

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_ConvNd):
    """1-d convolution over (N, C, L) or unbatched (C, L) input, as ``torch.nn.Conv1d``."""

    _nd = 1

    def _conv_forward(self, input, weight, bias):
        self._check_mode()
        return conv1d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-d convolution over (N, C, H, W) or unbatched (C, H, W) input, as ``torch.nn.Conv2d``."""

    _nd = 2

    def _conv_forward(self, input, weight, bias):
        self._check_mode()
        return conv2d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)
