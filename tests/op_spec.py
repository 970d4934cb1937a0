"""The op-table row type, shared by tests/op_table.py and its per-area extensions
(tests/op_table_*.py); see test_ops.py for the generic tests every row gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

FLOAT = ("float32", "float64")
INTS = ("int64", "int32", "uint8", "bool")


@dataclass
class Op:
    """One table row.

    ``fns`` are the variants (function, method, operator), each ``fn(lib, *tensors, **kw)`` and
    run identically with ``lib`` = torch and ``lib`` = fakel. ``kind`` picks the shape sampler;
    ``domains`` gives each input's value range (a float ``(lo, hi)``; negative ``lo`` with
    ``away`` > 0 keeps values at least ``away`` from zero). ``node`` is PyTorch's grad_fn name.
    A variant may return a tuple or list of tensors (split, sort, ...): each element is compared,
    and backward runs with a random cotangent for every floating-point element.
    """

    name: str
    fns: list[Callable]
    kind: str = "unary"
    domains: tuple = ((-2.0, 2.0),)
    away: float = 0.0
    node: str | None = None
    int_dtypes: tuple = ()
    grad: bool = True
    gradgrad: bool = True
    kwargs: Callable | None = None  # (draw, shapes) -> dict of keyword arguments
    covers: tuple = ()
    extra: dict = field(default_factory=dict)
    # Optional own shape sampler, ``shapes(draw) -> list of input shapes``; overrides ``kind``.
    shapes: Callable | None = None
