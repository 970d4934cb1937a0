"""Dropout: zeroes elements with probability p in training mode, identity in eval mode."""

from __future__ import annotations

from .._functional_layers import _check_p, dropout
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """As torch.nn.Dropout; the mask comes from fakel's random stream."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        _check_p(p)
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
