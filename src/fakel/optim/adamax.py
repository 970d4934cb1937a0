"""Adamax (Adam with the infinity norm) and its array kernel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _check_capturable,
    _fma,
    _lerp_,
    _scalar,
)

__all__ = ["Adamax", "adamax_update"]


class Adamax(Optimizer):
    r"""Adamax, as ``torch.optim.Adamax``.

    For each parameter :math:`\theta` with a gradient, with ``m = u = 0`` at first and
    ``t = 1, 2, ...``::

        g = -grad if maximize else grad
        if weight_decay != 0:
            g = g + weight_decay * theta
        m = m + (1 - beta1) * (g - m)                  # a lerp
        u = max(beta2 * u, |g| + eps)
        theta = theta - (lr / (1 - beta1 ** t)) * m / u

    ``state[p]`` holds ``step``, ``exp_avg`` (``m``) and ``exp_inf`` (``u``). ``foreach`` is
    kept but fakel runs its one (for-loop) kernel; ``capturable=True`` raises PyTorch's
    AssertionError at ``step`` for CPU parameters; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
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
            params = self._params_with_state(group, "exp_avg", "exp_inf")
            beta1, beta2 = group["betas"]
            lr = _scalar(group["lr"])
            for p in params:
                _check_capturable(group, p)
                state = self.state[p]
                adamax_update(
                    p._data,
                    p.grad._data,
                    state["exp_avg"]._data,
                    state["exp_inf"]._data,
                    state["step"]._data,
                    lr=lr,
                    beta1=_scalar(beta1),
                    beta2=_scalar(beta2),
                    eps=group["eps"],
                    weight_decay=group["weight_decay"],
                    maximize=group["maximize"],
                )
                p._vc[0] += 1
        return loss


def adamax_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_inf: Any,
    step: Any,
    *,
    lr: Any,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adamax step on arrays, in the operation order of PyTorch 2.13's
    ``_single_tensor_adamax``. ``grad`` is never written."""
    step += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = _fma(param, weight_decay, g)
    _lerp_(exp_avg, g, 1 - beta1)
    exp_inf *= beta2
    norm = np.abs(g)
    norm += eps
    np.maximum(exp_inf, norm, out=exp_inf)
    clr = lr / (1 - beta1 ** float(step))
    update = exp_avg * float(-clr)
    update /= exp_inf
    param += update
