"""Gradient clipping: clip_grad_norm_ and clip_grad_value_, as torch.nn.utils."""

from __future__ import annotations

import math

import numpy as np

from ..._tensor import Tensor, _wrap
from ...autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _norm_array(d, norm_type: float):
    a = np.abs(d.astype(np.float64) if d.dtype == np.float16 else d)
    if norm_type == math.inf:
        return a.max() if a.size else a.dtype.type(0)
    if norm_type == -math.inf:
        return a.min() if a.size else a.dtype.type(math.inf)
    if norm_type == 0:
        return a.dtype.type(np.count_nonzero(a))
    if norm_type == 2:
        return np.sqrt(np.sum(a * a))
    return np.sum(a**norm_type) ** (1.0 / norm_type)


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach=None) -> Tensor:
    """The norm of the per-tensor norms (one tensor; 0. when there are none)."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _wrap(np.array(0.0, np.float32))
    dtype = tensors[0]._data.dtype
    norms = np.array([_norm_array(t._data, norm_type) for t in tensors], dtype=dtype)
    total = np.asarray(_norm_array(norms, norm_type), dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return _wrap(total)


def clip_grads_with_norm_(parameters, max_norm: float, total_norm, foreach=None) -> None:
    grads = _grads(parameters)
    if not grads:
        return
    with no_grad():
        coef = float(max_norm) / (total_norm._data.astype(np.float64) + 1e-6)
        coef = min(coef, 1.0) if np.isfinite(coef) or coef > 1 else coef
        for g in grads:
            g.mul_(_wrap(np.asarray(coef, dtype=g._data.dtype)))


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Scale all gradients together so that their total norm is at most ``max_norm``; returns
    the total norm before clipping. ``foreach`` is accepted and ignored."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    grads = _grads(parameters)
    if not grads:
        return _wrap(np.array(0.0, np.float32))
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
