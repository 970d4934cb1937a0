"""Parameter: a leaf tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor


class Parameter(Tensor):
    """A tensor that, set as a Module attribute, is registered in the module's parameters.

    ``Parameter(t)`` shares ``t``'s memory (as PyTorch's does) and is a leaf that requires grad
    unless ``requires_grad=False``. Ops on a parameter give plain tensors.
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .. import _dtype

            arr = np.empty(0, dtype=_dtype.get_default_dtype().np)
            vc = [0]
        elif isinstance(data, Tensor):
            arr, vc = data._data, data._vc
        else:
            raise TypeError(
                f"Parameter.__new__() argument 'data' must be Tensor, not {type(data).__name__}"
            )
        p = object.__new__(cls)
        p._data = arr
        p._vc = vc
        p._grad = None
        p._grad_fn = None
        p._base = None
        p._acc = None
        p._requires_grad = False
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(Tensor.__deepcopy__(self, {}), self._requires_grad)
        if self._grad is not None:
            p._grad = Tensor.__deepcopy__(self._grad, {})
        memo[id(self)] = p
        return p

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (np.array(self.detach().numpy()), self._requires_grad))


def _rebuild_parameter(arr, requires_grad):
    from .._creation import from_numpy

    return Parameter(from_numpy(arr), requires_grad)

