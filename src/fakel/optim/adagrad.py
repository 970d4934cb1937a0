"""Adagrad (with learning-rate decay and an initial accumulator) and its array kernel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap
from .optimizer import Optimizer, _fma, _new_step, _scalar

__all__ = ["Adagrad", "adagrad_update"]


class Adagrad(Optimizer):
    r"""Adagrad, as ``torch.optim.Adagrad``.

    For each parameter :math:`\theta` with a gradient, with ``s = initial_accumulator_value``
    at first and ``t = 1, 2, ...``::

        g = -grad if maximize else grad
        if weight_decay != 0:
            g = g + weight_decay * theta
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        theta = theta - clr * g / (sqrt(s) + eps)

    As in PyTorch the state (``step``, ``sum``) of every parameter is created in the
    constructor. ``foreach`` and ``fused`` are kept but fakel runs its one (for-loop) kernel;
    ``differentiable=True`` raises NotImplementedError. Sparse gradients are not supported.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        self._check_variant_flags(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p: Tensor) -> None:
        state = self.state[p]
        state["step"] = _new_step()
        # PyTorch fills with the optimizer's default, not the group's value.
        state["sum"] = _wrap(np.full_like(p._data, self.defaults["initial_accumulator_value"]))

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step and return ``closure()``'s loss (None without one)."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            for p in params:
                if len(self.state[p]) == 0:  # a parameter added by add_param_group
                    self._init_state(p)
            lr = _scalar(group["lr"])
            for p in params:
                state = self.state[p]
                adagrad_update(
                    p._data,
                    p.grad._data,
                    state["sum"]._data,
                    state["step"]._data,
                    lr=lr,
                    weight_decay=group["weight_decay"],
                    lr_decay=group["lr_decay"],
                    eps=group["eps"],
                    maximize=group["maximize"],
                )
                p._vc[0] += 1
        return loss


def adagrad_update(
    param: Any,
    grad: Any,
    state_sum: Any,
    step: Any,
    *,
    lr: Any,
    weight_decay: float,
    lr_decay: float,
    eps: float,
    maximize: bool,
) -> None:
    """One Adagrad step on arrays, in the operation order of PyTorch 2.13's
    ``_single_tensor_adagrad``. ``grad`` is never written."""
    step += 1
    t = float(step)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = _fma(param, weight_decay, g)
    clr = lr / (1 + (t - 1) * lr_decay)
    _fma(g, g, state_sum, out=state_sum)
    std = np.sqrt(state_sum)
    std += eps
    update = g * float(-clr)
    update /= std
    param += update
