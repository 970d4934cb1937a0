"""Op-table rows for the index ops (joined into tests/op_table.py)."""

from __future__ import annotations

from op_spec import FLOAT, INTS, Op  # noqa: F401

# fmt: off
OPS: list[Op] = [
]
# fmt: on
