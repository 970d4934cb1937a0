"""nn.functional's activation wrappers: inplace flags and softmax's implicit-dim warning."""

from __future__ import annotations

import warnings

from .._tensor import Tensor
from ..ops import activation as _act
from ..ops.inplace import _inplace


def relu(input, inplace: bool = False) -> Tensor:
    return _act.relu_(input) if inplace else _act.relu(input)


def relu_(input) -> Tensor:
    return _act.relu_(input)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    out = _act.leaky_relu(input, negative_slope)
    return _inplace(input, out) if inplace else out


def elu(input, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    out = _act.elu(input, alpha)
    return _inplace(input, out) if inplace else out


def selu(input, inplace: bool = False) -> Tensor:
    out = _act.selu(input)
    return _inplace(input, out) if inplace else out


def celu(input, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    out = _act.celu(input, alpha)
    return _inplace(input, out) if inplace else out


def gelu(input, approximate: str = "none") -> Tensor:
    return _act.gelu(input, approximate)


def silu(input, inplace: bool = False) -> Tensor:
    out = _act.silu(input)
    return _inplace(input, out) if inplace else out


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    out = _act.hardtanh(input, min_val, max_val)
    return _inplace(input, out) if inplace else out


def relu6(input, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def sigmoid(input) -> Tensor:
    return _act.sigmoid(input)


def tanh(input) -> Tensor:
    return _act.tanh(input)


def softplus(input, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _act.softplus(input, beta, threshold)


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """As F.softmax: without ``dim`` it warns and picks PyTorch's legacy default dim."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return _act.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return _act.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return _act.softmax(-input if dtype is None else -input.to(dtype), dim)
