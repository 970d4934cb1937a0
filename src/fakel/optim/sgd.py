"""Stochastic gradient descent (with momentum, Nesterov, weight decay) and its array kernel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._tensor import Tensor, _wrap
from .optimizer import Optimizer, _fma, _scalar

__all__ = ["SGD", "sgd_update"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum, as ``torch.optim.SGD``.

    For each parameter :math:`\theta` with a gradient, per step :math:`t = 1, 2, \ldots`::

        g = -grad if maximize else grad
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            if t == 1:
                b = g                                       # no dampening on the first step
            else:
                b = momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g

    ``b`` is ``state[p]['momentum_buffer']``. Parameters whose ``.grad`` is None are skipped and
    get no state. The update happens in place and bumps the parameter's version counter.

    Differences from PyTorch: ``foreach`` and ``fused`` are accepted and kept in the param
    groups, but fakel always runs its one (for-loop) kernel, whose operation order is PyTorch's
    for-loop path; PyTorch's foreach/fused paths agree with that to rounding.
    ``differentiable=True`` (autograd through ``step``) is not implemented and raises
    NotImplementedError.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float | Tensor = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        self._check_variant_flags(fused, foreach, differentiable)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step and return ``closure()``'s loss (None without one)."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            momentum = group["momentum"]
            hyper = {
                "lr": _scalar(group["lr"]),
                "weight_decay": _scalar(group["weight_decay"]),
                "momentum": momentum,
                "dampening": group["dampening"],
                "nesterov": group["nesterov"],
                "maximize": group["maximize"],
            }
            for p in group["params"]:
                if p.grad is None:
                    continue
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    new = sgd_update(
                        p._data, p.grad._data, None if buf is None else buf._data, **hyper
                    )
                    if buf is None:
                        state["momentum_buffer"] = _wrap(new)
                else:
                    sgd_update(p._data, p.grad._data, None, **hyper)
                p._vc[0] += 1
        return loss


def sgd_update(
    param: Any,
    grad: Any,
    momentum_buffer: Any,
    *,
    lr: float,
    weight_decay: float,
    momentum: float,
    dampening: float,
    nesterov: bool,
    maximize: bool,
) -> Any:
    """One SGD step on arrays: update ``param`` (and ``momentum_buffer``) in place.

    Returns the momentum buffer, a new array on the first step, or None without momentum.
    ``grad`` is never written. The operations and their order are those of PyTorch 2.13's
    ``_single_tensor_sgd``, each ``x.add(y, alpha=s)`` one fused multiply-add as in PyTorch's
    CPU kernels, so float32 results are PyTorch's bit for bit (float64 within rounding).
    """
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = _fma(param, weight_decay, g)
    if momentum != 0:
        if momentum_buffer is None:
            # The buffer must not alias the caller's gradient, which the next backward adds to.
            momentum_buffer = g.copy() if g is grad else g
        else:
            momentum_buffer *= momentum
            _fma(g, 1 - dampening, momentum_buffer, out=momentum_buffer)
        g = _fma(momentum_buffer, momentum, g) if nesterov else momentum_buffer
    _fma(g, -lr, param, out=param)
    return momentum_buffer if momentum != 0 else None
