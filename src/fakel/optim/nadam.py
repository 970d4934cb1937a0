"""NAdam (Adam with Nesterov momentum) and its array kernel."""

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
    _new_step,
    _scalar,
    _zeros_like,
)

__all__ = ["NAdam", "nadam_update"]


class NAdam(Optimizer):
    r"""NAdam, as ``torch.optim.NAdam``.

    For each parameter :math:`\theta` with a gradient, with ``m = v = 0``, ``P = 1`` at first
    and ``t = 1, 2, ...``::

        g = -grad if maximize else grad
        if weight_decay != 0:
            if decoupled_weight_decay:
                theta = theta * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * theta
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        P = P * mu_t                                   # the product of the mu_t so far
        m = m + (1 - beta1) * (g - m)                  # a lerp
        v = beta2 * v + (1 - beta2) * g * g
        denom = sqrt(v / (1 - beta2 ** t)) + eps
        theta = theta - lr * (1 - mu_t) / (1 - P) * g / denom
        theta = theta - lr * mu_next / (1 - P * mu_next) * m / denom

    ``state[p]`` holds ``step``, ``mu_product`` (``P``, a 0-d tensor of the same dtype as
    ``step``), ``exp_avg`` and ``exp_avg_sq``. ``foreach`` is kept but fakel runs its one
    (for-loop) kernel; ``capturable=True`` raises PyTorch's AssertionError at ``step`` for CPU
    parameters; ``differentiable=True`` raises NotImplementedError.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
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
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
        self._check_variant_flags(None, foreach, differentiable)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step and return ``closure()``'s loss (None without one)."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            for p in params:
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _new_step()
                    mu_product = _new_step()
                    mu_product._data.fill(1)
                    state["mu_product"] = mu_product
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
            beta1, beta2 = group["betas"]
            lr = _scalar(group["lr"])
            decoupled = group["decoupled_weight_decay"] and group["weight_decay"] != 0
            for p in params:
                _check_capturable(group, p, "params, mu_products and state_steps")
                state = self.state[p]
                nadam_update(
                    p._data,
                    p.grad._data,
                    state["exp_avg"]._data,
                    state["exp_avg_sq"]._data,
                    state["mu_product"]._data,
                    state["step"]._data,
                    lr=lr,
                    beta1=beta1,
                    beta2=beta2,
                    eps=group["eps"],
                    weight_decay=group["weight_decay"],
                    momentum_decay=group["momentum_decay"],
                    decoupled_weight_decay=group["decoupled_weight_decay"],
                    maximize=group["maximize"],
                )
                p._vc[0] += 3 if decoupled else 2
        return loss


def nadam_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    mu_product: Any,
    step: Any,
    *,
    lr: Any,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    momentum_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> None:
    """One NAdam step on arrays, in the operation order of PyTorch 2.13's
    ``_single_tensor_nadam``; ``mu_product`` and ``step`` are 0-d arrays updated in place.
    ``grad`` is never written."""
    g = -grad if maximize else grad
    step += 1
    t = float(step)
    bias_correction2 = 1 - beta2**t
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= float(1 - lr * weight_decay)
        else:
            g = _fma(param, weight_decay, g)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * momentum_decay)))
    mu_product *= mu
    _lerp_(exp_avg, g, 1 - beta1)
    exp_avg_sq *= beta2
    _addcmul_(exp_avg_sq, g, g, 1 - beta2)
    denom = exp_avg_sq / bias_correction2
    np.sqrt(denom, out=denom)
    product = float(mu_product)
    mu_product_next = product * mu_next
    denom += eps
    update = g * float(-lr * (1.0 - mu) / (1.0 - product))
    update /= denom
    param += update
    np.multiply(exp_avg, float((-lr * mu_next) / (1.0 - mu_product_next)), out=update)
    update /= denom
    param += update
