"""RAdam (rectified Adam) and its array kernel."""

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
    _lerp_,
    _scalar,
)

__all__ = ["RAdam", "radam_update"]


class RAdam(Optimizer):
    r"""RAdam, as ``torch.optim.RAdam``.

    For each parameter :math:`\theta` with a gradient, with ``m = v = 0`` at first and
    ``t = 1, 2, ...``::

        g = -grad if maximize else grad
        if weight_decay != 0:
            if decoupled_weight_decay:
                theta = theta * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * theta
        m = m + (1 - beta1) * (g - m)                  # a lerp
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)
        if rho_t > 5:
            rect = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            theta = theta - m_hat * lr * (sqrt(1 - beta2 ** t) / (sqrt(v) + eps)) * rect
        else:
            theta = theta - m_hat * lr

    ``state[p]`` holds ``step``, ``exp_avg`` (``m``) and ``exp_avg_sq`` (``v``). ``foreach``
    is kept but fakel runs its one (for-loop) kernel; ``capturable=True`` raises PyTorch's
    AssertionError at ``step`` for CPU parameters; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
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
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
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
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("capturable", False)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step and return ``closure()``'s loss (None without one)."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            params = self._params_with_state(group, "exp_avg", "exp_avg_sq")
            beta1, beta2 = group["betas"]
            lr = _scalar(group["lr"])
            decoupled = group["decoupled_weight_decay"] and group["weight_decay"] != 0
            for p in params:
                _check_capturable(group, p)
                state = self.state[p]
                radam_update(
                    p._data,
                    p.grad._data,
                    state["exp_avg"]._data,
                    state["exp_avg_sq"]._data,
                    state["step"]._data,
                    lr=lr,
                    beta1=beta1,
                    beta2=beta2,
                    eps=group["eps"],
                    weight_decay=group["weight_decay"],
                    decoupled_weight_decay=group["decoupled_weight_decay"],
                    maximize=group["maximize"],
                )
                p._vc[0] += 2 if decoupled else 1
        return loss


def radam_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    step: Any,
    *,
    lr: Any,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> None:
    """One RAdam step on arrays, in the operation order of PyTorch 2.13's
    ``_single_tensor_radam``. ``grad`` is never written."""
    g = -grad if maximize else grad
    step += 1
    t = float(step)
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= float(1 - lr * weight_decay)
        else:
            g = _fma(param, weight_decay, g)
    _lerp_(exp_avg, g, 1 - beta1)
    exp_avg_sq *= beta2
    _addcmul_(exp_avg_sq, g, g, 1 - beta2)
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    update = exp_avg / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * (beta2**t) / bias_correction2
    update *= lr
    if rho_t > 5.0:
        # (sqrt(bc2) / (sqrt(v) + eps)): a float over a tensor is reciprocal-then-multiply.
        adaptive = np.sqrt(exp_avg_sq)
        adaptive += eps
        np.reciprocal(adaptive, out=adaptive)
        adaptive *= bias_correction2**0.5
        update *= adaptive
        rect = (
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        ) ** 0.5
        update *= rect
    param -= update
