"""Optimizer base class: parameter groups, per-parameter state, zero_grad and state_dict."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

import numpy as np

from .. import _backend
from .. import _dtype as _dt
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import enable_grad

__all__ = ["Optimizer", "required"]

StateDict = dict[str, Any]


class _RequiredParameter:
    """Marks a hyper-parameter each param group must give, as ``torch.optim.optimizer.required``."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj: Any) -> str:
    """The name PyTorch's messages print: ``fakel.FloatTensor`` for a tensor, else the class."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _scalar(x: Any) -> Any:
    """A hyper-parameter as kernels take it: a Python number, or for a 1-element tensor a NumPy
    scalar of its dtype, so that ``1 - beta1 ** t`` or ``lr / bias_correction`` round in that dtype
    as PyTorch's 0-d tensor arithmetic does."""
    if isinstance(x, Tensor):
        return _backend.to_numpy(x._data).reshape(())[()]
    return x


# Float32 arrays up to this many elements get PyTorch's single rounding of each fused multiply-add
# emulated exactly (in float64); bigger ones use plain float32 arithmetic, which rounds the product
# too (one unit in the last place in ~2% of the elements) but costs two NumPy passes instead of
# five. At that size the gradients themselves differ from PyTorch's in the last bits (another BLAS).
EXACT_FMA_MAX_NUMEL = 1 << 14


def _fma(a: Any, b: Any, c: Any, out: Any = None) -> Any:
    """``a * b + c`` as PyTorch's vectorised CPU kernels compute it: one fused multiply-add.

    ``add(x, alpha=s)``, ``lerp`` and ``addcmul`` round once in PyTorch. For float32 and float16
    the exact product fits a float64, so computing there and rounding back gives the same bits
    (save for double-rounding ties); float64 has no wider type in NumPy and rounds twice (one
    unit in the last place at most), and so do float32 arrays over ``EXACT_FMA_MAX_NUMEL``
    elements, for speed. A scalar ``b`` is first rounded to the arrays' dtype, as PyTorch does
    with ``alpha``.
    """
    dt = c.dtype
    if isinstance(b, (int, float, np.generic)):
        b = float(dt.type(b))
        if b == 1:  # a + c: one rounding either way, so skip the wide temporary
            if out is c:
                c += a
                return c
            return _store(a + c, out)
    if dt.itemsize >= 8 or (dt.itemsize == 4 and c.size > EXACT_FMA_MAX_NUMEL):
        if out is c:
            c += a * b
            return c
        r = a * b
        r += c
        return _store(r, out)
    r = a.astype(np.float64)
    r *= b
    r += c
    # Assigning into `out` rounds to its dtype in the same pass.
    return r.astype(dt) if out is None else _store(r, out)


def _lerp_(start: Any, end: Any, weight: Any) -> None:
    """``start.lerp_(end, weight)`` for a scalar weight (rounded to the arrays' dtype first).

    PyTorch switches formula at ``|weight| = 0.5`` to stay exact at both ends, each one fused
    multiply-add: ``start + w * (end - start)`` or ``end - (1 - w) * (end - start)``.
    """
    kind = start.dtype.type
    w = kind(weight)
    diff = end - start
    if abs(w) < 0.5:
        _fma(diff, w, start, out=start)
    else:
        _fma(diff, -(kind(1) - w), end, out=start)


def _addcmul_(acc: Any, a: Any, b: Any, value: float) -> None:
    """``acc.addcmul_(a, b, value=value)``: ``(value * a) * b + acc``, the last step fused."""
    if value == 1:
        _fma(a, b, acc, out=acc)
    else:
        _fma(a * value, b, acc, out=acc)


def _check_capturable(
    group: dict[str, Any], p: Tensor, what: str = "params and state_steps", xla: bool = True
) -> None:
    """PyTorch's refusal of ``capturable=True`` for parameters on the CPU."""
    if group.get("capturable") and p.device.type not in ("cuda", "xpu", "hpu", "privateuseone"):
        devices = ["cuda", "xpu", "hpu", "privateuseone"] + (["xla"] if xla else [])
        raise AssertionError(f"If capturable=True, {what} must be on supported devices: {devices}.")


def _store(r: Any, out: Any) -> Any:
    if out is None:
        return r
    out[...] = r
    return out


def _new_step() -> Tensor:
    # PyTorch keeps `step` on the CPU as a 0-d tensor of float64 under a float64 default dtype,
    # float32 otherwise.
    d = np.float64 if _dt.get_default_dtype() is _dt.float64 else np.float32
    return _wrap(np.zeros((), dtype=d))


def _zeros_like(p: Tensor) -> Tensor:
    # np.zeros_like keeps the layout (PyTorch's preserve_format) and dispatches to CuPy arrays.
    return _wrap(np.zeros_like(p._data))


def _cast_like(param: Tensor, value: Tensor) -> Tensor:
    """``value.to(dtype=param.dtype, device=param.device)`` for floating params: the same tensor
    when nothing changes, as PyTorch, so a loaded state shares memory with the saved one."""
    data = value._data
    if param.dtype.is_floating_point and data.dtype != param._data.dtype:
        data = data.astype(param._data.dtype)
    data = _backend.to_device(data, param.device)
    return value if data is value._data else _wrap(data)


class Optimizer:
    """Base class of all optimizers, as ``torch.optim.Optimizer``.

    Subclasses validate their hyper-parameters, pass them as ``defaults`` and implement
    ``step``. ``state`` maps each parameter tensor (hashed by identity) to a dict of tensors.
    Not implemented: step/state-dict hooks and the profiler's step wrapper.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                "dicts, but got " + _typename(params)
            )
        self.state: defaultdict[Any, Any] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _check_variant_flags(self, fused: Any, foreach: Any, differentiable: bool) -> None:
        """PyTorch's refusals for the implementation flags, and fakel's for what it lacks."""
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        if differentiable:
            raise NotImplementedError(
                f"fakel.optim.{type(self).__name__} does not implement differentiable=True "
                "(autograd through optimizer.step())"
            )

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def state_dict(self) -> StateDict:
        """The state as PyTorch's format: parameters replaced by integer indices.

        As in PyTorch the result shares its state dicts and tensors with the optimizer; copy it
        (``copy.deepcopy``) to keep a snapshot.
        """
        param_mappings: dict[int, int] = {}
        start_index = 0

        def pack_group(group: dict[str, Any]) -> dict[str, Any]:
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start_index):
                param_mappings.setdefault(id(p), i)
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {
            (param_mappings[id(k)] if isinstance(k, Tensor) else k): v
            for k, v in self.state.items()
        }
        return {"state": packed_state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Load a state from :meth:`state_dict`; groups are matched by order, params by index.

        Floating-point state tensors are cast to their parameter's dtype and device (no copy
        when they already match, as in PyTorch); ``step`` is kept as it is.
        """
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group "
                "that doesn't match the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )

        def cast(param: Tensor, value: Any, key: Any = None) -> Any:
            if isinstance(value, Tensor):
                return value if key == "step" else _cast_like(param, value)
            if isinstance(value, dict):
                return {k: cast(param, v, k) for k, v in value.items()}
            # PyTorch rebuilds any other iterable; strings are left alone here (PyTorch would
            # turn one into the text of a generator).
            if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
                return type(value)(cast(param, v) for v in value)
            return value

        state: defaultdict[Any, Any] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v)
            else:
                state[k] = v

        def update_group(group: dict[str, Any], new_group: dict[str, Any]) -> dict[str, Any]:
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every parameter's ``.grad`` to None, or with ``set_to_none=False`` zero it in place
        (detached from any graph and no longer requiring grad)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    elif g.requires_grad:
                        g.requires_grad_(False)
                    g._data.fill(0)
                    g._vc[0] += 1

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step and return ``closure()``'s loss (None without one)."""
        raise NotImplementedError

    def _params_with_state(self, group: dict[str, Any], *buffers: str) -> list[Tensor]:
        """The group's parameters that have a gradient. On first use each gets PyTorch's state:
        a 0-d ``step`` and a zero tensor like the parameter for each name in ``buffers``."""
        params = [p for p in group["params"] if p.grad is not None]
        for p in params:
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _new_step()
                for name in buffers:
                    state[name] = _zeros_like(p)
        return params

    def _run_closure(self, closure: Callable[[], Any] | None) -> Any:
        # The closure re-evaluates the model, so it needs grad mode even if step() is called
        # under no_grad.
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group; keys it leaves out take the optimizer's defaults.

        Like PyTorch this does not re-validate the group's hyper-parameters.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")

        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but "
                "the ordering of tensors in sets will change between runs. "
                "Please use a list instead."
            )
        else:
            param_group["params"] = list(params)

        # (name, tensor) pairs, as model.named_parameters() yields them.
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError(
                    "all optimizer params should be with/without names. "
                    "Some param names are missing"
                )
            param_group["param_names"] = names

        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, "
                    "but one of the params is " + _typename(param)
                )
            if not self.defaults.get("differentiable", None) and not (
                param.is_leaf or getattr(param, "retains_grad", False)
            ):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group.setdefault(name, default)

        if len(tensors) != len(set(tensors)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error; "
                "see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )

        param_set: set[Tensor] = set()
        for group in self.param_groups:
            param_set.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not param_set.isdisjoint(tensors):
            raise ValueError("some parameters appear in more than one parameter group")

        self.param_groups.append(param_group)
