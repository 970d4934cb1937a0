"""Adam and AdamW (with AMSGrad, L2 or decoupled weight decay) and their array kernel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, _fma, _new_step, _scalar, _zeros_like

__all__ = ["Adam", "AdamW", "adam_update"]

_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone", "xla"]


class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam``.

    For each parameter :math:`\theta` with a gradient, with ``m = v = v_max = 0`` at first and
    ``t = 1, 2, ...`` counted per parameter::

        g = -grad if maximize else grad
        if weight_decay != 0:
            if decoupled_weight_decay:                 # AdamW
                theta = theta * (1 - lr * weight_decay)
            else:                                      # L2 penalty, folded into the gradient
                g = g + weight_decay * theta
        m = m + (1 - beta1) * (g - m)                  # = beta1 * m + (1 - beta1) * g, as a lerp
        v = beta2 * v + (1 - beta2) * g * g
        if amsgrad:
            v_max = max(v_max, v)                      # the running maximum replaces v below
            v = v_max
        denom = sqrt(v) / sqrt(1 - beta2 ** t) + eps   # eps is added after the bias correction
        theta = theta - (lr / (1 - beta1 ** t)) * m / denom

    ``state[p]`` holds ``step`` (``t``, a 0-d float32 tensor, float64 under a float64 default
    dtype), ``exp_avg`` (``m``), ``exp_avg_sq`` (``v``) and with amsgrad ``max_exp_avg_sq``.
    Parameters whose ``.grad`` is None are skipped and get no state.

    Differences from PyTorch: ``foreach`` and ``fused`` are accepted and kept in the param
    groups, but fakel always runs its one (for-loop) kernel, in the operation order of PyTorch's
    for-loop path. ``capturable=True`` raises PyTorch's AssertionError at ``step`` for CPU
    parameters, and otherwise runs the same kernel. ``differentiable=True`` is not implemented
    and raises NotImplementedError.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError(
                    "lr as a Tensor is not supported for capturable=False and foreach=True"
                )
            if lr.numel() != 1:
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
        # Exactly float or exactly Tensor: PyTorch refuses ints here, so betas=(0, 0) raises.
        if not (
            (isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, beta in enumerate(betas[:2]):
            if isinstance(beta, Tensor):
                if not capturable and foreach:
                    raise ValueError(
                        f"betas[{i}] as a Tensor is not supported for capturable=False and "
                        "foreach=True"
                    )
                if beta.numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() != 0 else b for b in betas)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        self._check_variant_flags(fused, foreach, differentiable)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
            # Old checkpoints stored `step` as a number.
            for p in group["params"]:
                p_state = self.state.get(p, {})
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    step = _new_step()
                    step._data[()] = float(p_state["step"])
                    p_state["step"] = step

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step and return ``closure()``'s loss (None without one)."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            amsgrad = group["amsgrad"]
            decoupled = group["decoupled_weight_decay"]
            hyper = {
                "lr": _scalar(group["lr"]),
                "beta1": _scalar(beta1),
                "beta2": _scalar(beta2),
                "eps": group["eps"],
                "weight_decay": group["weight_decay"],
                "amsgrad": amsgrad,
                "maximize": group["maximize"],
                "decoupled_weight_decay": decoupled,
            }
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _new_step()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                if group["capturable"] and p.device.type not in _CAPTURABLE_DEVICES:
                    raise AssertionError(
                        "If capturable=True, params and state_steps must be on supported "
                        f"devices: {_CAPTURABLE_DEVICES}."
                    )
                adam_update(
                    p._data,
                    p.grad._data,
                    state["exp_avg"]._data,
                    state["exp_avg_sq"]._data,
                    state["max_exp_avg_sq"]._data if amsgrad else None,
                    state["step"]._data,
                    **hyper,
                )
                # PyTorch's step changes the parameter in place once, twice with AdamW's decay.
                p._vc[0] += 2 if decoupled and group["weight_decay"] != 0 else 1
        return loss


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: :class:`Adam` with ``decoupled_weight_decay=True`` (the
    parameter shrinks by ``lr * weight_decay`` before the update) and ``weight_decay=1e-2`` by
    default. The group key ``decoupled_weight_decay`` stays True, as in PyTorch."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True


def adam_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    max_exp_avg_sq: Any,
    step: Any,
    *,
    lr: Any,
    beta1: Any,
    beta2: Any,
    eps: float,
    weight_decay: float,
    amsgrad: bool,
    maximize: bool,
    decoupled_weight_decay: bool = False,
) -> None:
    """One Adam step on arrays: update ``param``, the moments and the 0-d ``step`` in place.

    ``grad`` is never written. The operations and their order are those of PyTorch 2.13's
    ``_single_tensor_adam`` (non-capturable): scalar factors are computed in Python floats (or
    in the dtype of a tensor ``lr``/``betas``) and then rounded to the parameter's dtype, and
    ``lerp``/``add(alpha=)``/``addcmul`` are fused multiply-adds as in PyTorch's CPU kernels.
    PyTorch takes ``sqrt`` of more than a few elements from a vector library that is not always
    correctly rounded, so large tensors agree to rounding rather than bit for bit.
    """
    step += 1
    t = float(step)
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= float(1 - lr * weight_decay)
        else:
            g = _fma(param, weight_decay, g)

    # exp_avg.lerp_(g, 1 - beta1); the weight is rounded to the parameter's dtype and PyTorch's
    # lerp switches formula at |weight| = 0.5 to stay accurate near both ends.
    kind = param.dtype.type
    # A tensor beta1 is first cast to the parameter's dtype; a float enters as a double.
    weight = kind(1) - kind(beta1) if isinstance(beta1, np.generic) else kind(1 - beta1)
    if abs(weight) < 0.5:
        _fma(g - exp_avg, weight, exp_avg, out=exp_avg)
    else:
        _fma(g - exp_avg, -(kind(1) - weight), g, out=exp_avg)

    # exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2): ((1 - beta2) * g) * g + v, fused.
    exp_avg_sq *= float(beta2)
    _fma(g * float(1 - beta2), g, exp_avg_sq, out=exp_avg_sq)

    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    if isinstance(bias_correction1, np.generic) and not isinstance(lr, np.generic):
        # float / tensor is reciprocal-then-multiply in PyTorch (Tensor.__rtruediv__).
        step_size = (1 / bias_correction1) * lr
    else:
        step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2**0.5

    if amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        denom = np.sqrt(max_exp_avg_sq)
    else:
        denom = np.sqrt(exp_avg_sq)
    denom /= float(bias_correction2_sqrt)
    denom += float(eps)

    # param.addcdiv_(exp_avg, denom, value=-step_size): (value * exp_avg) / denom, then added.
    update = exp_avg * float(-step_size)
    update /= denom
    param += update
