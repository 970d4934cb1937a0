"""fakel.linalg: PyTorch's torch.linalg namespace (inv, det, slogdet, solve, matrix_rank, norms).

A singular matrix raises ``fakel.linalg.LinAlgError``, a RuntimeError subclass, as PyTorch's
``torch.linalg.LinAlgError`` is."""

from __future__ import annotations

from .ops.linalg import matmul
from .ops.solve import LinAlgError, det, inv, matrix_rank, slogdet, solve
from .ops.stats import matrix_norm, vector_norm

__all__ = [
    "LinAlgError",
    "det",
    "inv",
    "matmul",
    "matrix_norm",
    "matrix_rank",
    "slogdet",
    "solve",
    "vector_norm",
]


def __getattr__(name):
    # A name PyTorch has here and fakel lacks raises NotImplementedError naming it.
    from ._dropin import missing_attribute

    return missing_attribute(__name__, name)
