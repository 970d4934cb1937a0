"""Dense linear algebra with gradients: inv, det, slogdet, solve, matrix_rank (fakel.linalg)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach
from .compare import eq, where
from .linalg import matmul


class _LinAlgError(RuntimeError):
    """A singular matrix or a failed factorisation: PyTorch's torch.linalg.LinAlgError, whose
    class is named ``_LinAlgError`` (``torch._C._LinAlgError``)."""


_LinAlgError.__module__ = "fakel._C"
LinAlgError = _LinAlgError


# Checks and the error messages of a singular input ----------------------------------------------
def _square_float(A, name):
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if d.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{A.dtype._scalar_name}"
        )
    if d.shape[-1] != d.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {d.shape[-2]} by "
            f"{d.shape[-1]} matrices"
        )
    return d


def _zero_pivot(m):
    """LAPACK getrf's ``info`` for one matrix: the 1-based index of the first exactly zero pivot
    of an LU factorisation with partial pivoting, 0 if there is none."""
    a = np.array(m, dtype=np.float64)
    n = a.shape[0]
    info = 0
    for j in range(n):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            info = info or j + 1
            continue
        a[[j, p]] = a[[p, j]]
        a[j + 1 :, j] /= a[j, j]
        a[j + 1 :, j + 1 :] -= np.outer(a[j + 1 :, j], a[j, j + 1 :])
    return info


def _first_singular(d):
    """(batch index, pivot info) of the first singular matrix in ``d``, or None."""
    flat = d.reshape((-1,) + d.shape[-2:])
    for b in range(flat.shape[0]):
        info = _zero_pivot(flat[b])
        if info:
            return b, info
    return None


def _batch_prefix(d, b):
    return f"(Batch element {b}): " if d.ndim > 2 else ""


# inv --------------------------------------------------------------------------------------------
class LinalgInvExBackward0(Node):
    def backward(self, g):
        r = self.output().mT
        return (-matmul(matmul(r, g), r),)


def inv(A) -> Tensor:
    """The inverse of each square matrix; a singular one raises fakel.linalg.LinAlgError."""
    d = _square_float(A, "linalg.inv")
    bad = _first_singular(d) if d.size else None
    if bad is not None:
        b, info = bad
        raise LinAlgError(
            f"linalg.inv: {_batch_prefix(d, b)}The diagonal element {info} is zero, the inversion "
            "could not be completed because the input matrix is singular."
        )
    out = _wrap(np.linalg.inv(d).astype(d.dtype, copy=False))
    if A._requires_grad and _state.enabled:
        node = LinalgInvExBackward0()
        node.save_output(out)
        attach(out, node, A)
    return out


# det, slogdet -----------------------------------------------------------------------------------
def _safe_inv_t(A, singular):
    """inv(A).mT with singular matrices replaced by the identity (their gradient is masked)."""
    if singular is not None:
        n = A._data.shape[-1]
        A = where(singular, _wrap(np.eye(n, dtype=A._data.dtype)), A)
    return inv(A).mT


class LinalgDetBackward0(Node):
    def backward(self, g):
        (A,) = self.saved()
        det = self.output()
        # PyTorch 2.13 gives an exactly singular matrix (det == 0) a zero gradient.
        singular = eq(det, 0).unsqueeze(-1).unsqueeze(-1) if (det._data == 0).any() else None
        scale = (g * det).unsqueeze(-1).unsqueeze(-1)
        return (scale * _safe_inv_t(A, singular),)


def det(A) -> Tensor:
    d = _square_float(A, "linalg.det")
    out = _wrap(np.asarray(np.linalg.det(d), dtype=d.dtype))
    if A._requires_grad and _state.enabled:
        node = LinalgDetBackward0()
        node.save(A)
        node.save_output(out)
        attach(out, node, A)
    return out


class LinalgSlogdetBackward0(Node):
    __slots__ = ("_sign_only",)

    def backward(self, g):
        if self._sign_only:  # the sign is piecewise constant
            return (None,)
        (A,) = self.saved()
        return (g.unsqueeze(-1).unsqueeze(-1) * _safe_inv_t(A, None),)


class linalg_slogdet(tuple):  # noqa: N801 - PyTorch's name for this result type
    """The (sign, logabsdet) pair; prints as ``fakel.return_types.linalg_slogdet(...)``."""

    __slots__ = ()

    def __new__(cls, sign, logabsdet):
        return tuple.__new__(cls, (sign, logabsdet))

    @property
    def sign(self):
        return self[0]

    @property
    def logabsdet(self):
        return self[1]

    def __repr__(self):
        return (
            f"{_dt._PREFIX[0]}.return_types.linalg_slogdet(\nsign={self[0]!r},\n"
            f"logabsdet={self[1]!r})"
        )


def slogdet(A):
    """(sign, logabsdet). Differs from PyTorch: the two outputs have two LinalgSlogdetBackward0
    nodes (PyTorch shares one); only logabsdet carries a gradient, as in PyTorch."""
    d = _square_float(A, "linalg.slogdet")
    s, la = np.linalg.slogdet(d)
    sign = _wrap(np.asarray(s, dtype=d.dtype))
    logabs = _wrap(np.asarray(la, dtype=d.dtype))
    if A._requires_grad and _state.enabled:
        for out, sign_only in ((sign, True), (logabs, False)):
            node = LinalgSlogdetBackward0()
            node._sign_only = sign_only
            if not sign_only:
                node.save(A)
            attach(out, node, A)
    return linalg_slogdet(sign, logabs)


# solve ------------------------------------------------------------------------------------------
class LinalgSolveExBackward0(Node):
    __slots__ = ("_vector",)

    def backward(self, g):
        A, _ = self.saved()
        X = self.output()
        nA, nB = self.next_functions
        if self._vector:
            g, X = g.unsqueeze(-1), X.unsqueeze(-1)
        gB = solve(A.mT, g)
        gA = -matmul(gB, X.mT) if nA[0] is not None else None
        if self._vector:
            gB = gB.squeeze(-1)
        return gA, (gB if nB[0] is not None else None)


def solve(A, B, *, left: bool = True) -> Tensor:
    """X with A @ X = B. B is a batch of vectors when it is 1-D or has A's batch shape plus one
    dim (PyTorch's rule). ``left=False`` (X @ A = B) is not supported."""
    if not left:
        raise NotImplementedError("fakel.linalg.solve: left=False is not supported")
    a = _square_float(A, "linalg.solve")
    b = B._data
    if b.dtype != a.dtype:
        raise RuntimeError(
            "linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{A.dtype._scalar_name} and B of type {B.dtype._scalar_name} instead"
        )
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    bm = b[..., None] if vector else b
    n = a.shape[-1]
    if bm.shape[-2] != n:
        raise RuntimeError(
            "linalg.solve: Incompatible shapes of A and B for the equation AX = B "
            f"({n}x{n} and {bm.shape[-2]}x{bm.shape[-1]})"
        )
    bad = _first_singular(a) if a.size else None
    if bad is not None:
        raise LinAlgError(
            f"{_dt._PREFIX[0]}.linalg.solve: {_batch_prefix(a, bad[0])}The solver failed because "
            "the input matrix is singular."
        )
    x = np.linalg.solve(
        np.broadcast_to(a, np.broadcast_shapes(a.shape[:-2], bm.shape[:-2]) + a.shape[-2:]), bm
    )
    out = _wrap((x[..., 0] if vector else x).astype(a.dtype, copy=False))
    if _state.enabled and (A._requires_grad or B._requires_grad):
        node = LinalgSolveExBackward0()
        node._vector = vector
        node.save(A, None)
        node.save_output(out)
        attach(out, node, A, B)
    return out


def matrix_rank(A, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The number of singular values above max(atol, rtol * largest); by default rtol is
    eps * max(m, n), as in PyTorch."""
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_rank: The input tensor input must have at least 2 dimensions."
        )
    if d.dtype.kind != "f":
        raise RuntimeError(
            "linalg.matrix_rank: Expected a floating point or complex tensor as input. Got "
            f"{A.dtype._scalar_name}"
        )
    s = np.linalg.svd(d, compute_uv=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else np.finfo(d.dtype).eps * max(d.shape[-2:])
    top = s.max(axis=-1, initial=0.0)
    tol = np.maximum(atol or 0.0, rtol * top)
    return _wrap(np.asarray((s > tol[..., None]).sum(axis=-1), dtype=np.int64))
