"""Adadelta and its array kernel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _addcmul_,
    _check_capturable,
    _fma,
    _scalar,
)

__all__ = ["Adadelta", "adadelta_update"]


class Adadelta(Optimizer):
    r"""Adadelta, as ``torch.optim.Adadelta``.

    For each parameter :math:`\theta` with a gradient, with ``v = u = 0`` at first::

        g = -grad if maximize else grad
        if weight_decay != 0:
            g = g + weight_decay * theta
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        theta = theta - lr * delta

    ``state[p]`` holds ``step``, ``square_avg`` (``v``) and ``acc_delta`` (``u``). ``foreach``
    is kept but fakel runs its one (for-loop) kernel; ``capturable=True`` raises PyTorch's
    AssertionError at ``step`` for CPU parameters; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
        self._check_variant_flags(None, foreach, differentiable)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step and return ``closure()``'s loss (None without one)."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            params = self._params_with_state(group, "square_avg", "acc_delta")
            for p in params:  # PyTorch checks every parameter before updating any
                _check_capturable(group, p, xla=False)
            lr = _scalar(group["lr"])
            for p in params:
                state = self.state[p]
                adadelta_update(
                    p._data,
                    p.grad._data,
                    state["square_avg"]._data,
                    state["acc_delta"]._data,
                    state["step"]._data,
                    lr=lr,
                    rho=group["rho"],
                    eps=group["eps"],
                    weight_decay=group["weight_decay"],
                    maximize=group["maximize"],
                )
                p._vc[0] += 1
        return loss


def adadelta_update(
    param: Any,
    grad: Any,
    square_avg: Any,
    acc_delta: Any,
    step: Any,
    *,
    lr: Any,
    rho: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adadelta step on arrays, in the operation order of PyTorch 2.13's
    ``_single_tensor_adadelta``. ``grad`` is never written."""
    step += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = _fma(param, weight_decay, g)
    square_avg *= rho
    _addcmul_(square_avg, g, g, 1 - rho)
    std = square_avg + eps
    np.sqrt(std, out=std)
    delta = acc_delta + eps
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= g
    acc_delta *= rho
    _addcmul_(acc_delta, delta, delta, 1 - rho)
    _fma(delta, -lr, param, out=param)
