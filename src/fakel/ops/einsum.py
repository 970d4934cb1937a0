"""einsum: NumPy's einsum for the forward, and for each operand's gradient an einsum of the
output gradient with the other operands (so double backward works too).

Differs from PyTorch in the graph only: PyTorch decomposes einsum into permute, diagonal, mul,
bmm, sum and view nodes; fakel records one node whose name is the one PyTorch's result shows
(SumBackward1 or PermuteBackward0 for one operand, ViewBackward0 or MulBackward0 for several,
depending on whether any subscript is summed away), with one edge per operand."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ._common import attach

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # PyTorch's label order


def _label(c, pos):
    i = _LETTERS.find(c)
    if i < 0 or not c:
        raise RuntimeError(
            f"einsum(): invalid subscript given at index {pos} in the equation string, "
            "subscripts must be in [a-zA-Z]"
        )
    return i


def _parse_term(term, start, k):
    """The labels of one operand term: ints 0..51, with None standing for the ellipsis."""
    labels = []
    i = 0
    seen_ellipsis = False
    while i < len(term):
        c = term[i]
        if c == ".":
            if seen_ellipsis:
                raise RuntimeError(
                    f"einsum(): found '.' for operand {k} for which an ellipsis was already found"
                )
            if term[i : i + 3] != "...":
                raise RuntimeError(
                    f"einsum(): found '.' for operand {k} that is not part of any ellipsis"
                )
            labels.append(None)
            seen_ellipsis = True
            i += 3
            continue
        if c != " ":
            labels.append(_label(c, start + i))
        i += 1
    return labels


def _parse(equation, arrays):
    """(label lists per operand, output labels, size of each label) with ellipses expanded into
    labels of their own (52 and up)."""
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(arrays):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(arrays):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    pos = 0
    parsed = []
    for k, term in enumerate(terms):
        parsed.append(_parse_term(term, pos, k))
        pos += len(term) + 1
    n_ell = 0
    sizes: dict = {}
    ops = []
    for k, (labels, a) in enumerate(zip(parsed, arrays)):
        named = len(labels) - (None in labels)
        if None in labels:
            if a.ndim < named:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({named}) is more than "
                    f"the number of dimensions ({a.ndim}) for operand {k}"
                )
            e = a.ndim - named
            n_ell = max(n_ell, e)
            at = labels.index(None)
            # Ellipsis dims align from the right, as in broadcasting.
            labels = labels[:at] + [100 - e + j for j in range(e)] + labels[at + 1 :]
        elif a.ndim != named:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) does not match "
                f"the number of dimensions ({a.ndim}) for operand {k} and no ellipsis was given"
            )
        for lab, s in zip(labels, a.shape):
            have = sizes.get(lab)
            if have is None or have == 1:
                sizes[lab] = s
            elif s != 1 and s != have:
                raise RuntimeError(
                    f"einsum(): subscript {_LETTERS[lab]} has size {s} for operand {k} which "
                    f"does not broadcast with previously seen size {have}"
                )
        ops.append(labels)
    ell = [100 - n_ell + j for j in range(n_ell)]
    if arrow:
        out = []
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == "." and rhs[i : i + 3] == "...":
                out.extend(ell)
                i += 3
                continue
            if c != " ":
                lab = _label(c, len(lhs) + 2 + i)
                if lab in out:
                    raise RuntimeError(
                        f"einsum(): output subscript {c} appears more than once in the output"
                    )
                if lab not in sizes:
                    raise RuntimeError(
                        f"einsum(): output subscript {c} does not appear in the equation for "
                        "any input operand"
                    )
                out.append(lab)
            i += 1
    else:  # implicit output: the ellipsis, then the labels seen once, in PyTorch's order
        counts: dict = {}
        for labels in ops:
            for lab in labels:
                counts[lab] = counts.get(lab, 0) + 1
        out = ell + sorted(lab for lab, n in counts.items() if n == 1 and lab < 52)
    # Renumber into NumPy's 0..51: named labels first, then the ellipsis ones in the gaps.
    used = sorted({lab for labels in ops for lab in labels})
    free = [i for i in range(52) if i not in used]
    remap = {lab: (lab if lab < 52 else free.pop(0)) for lab in used}
    ops = [[remap[lab] for lab in labels] for labels in ops]
    out = [remap[lab] for lab in out]
    sizes = {remap[lab]: s for lab, s in sizes.items()}
    return ops, out, sizes


def _node_class(n_ops, summed):
    if n_ops == 1:
        return EinsumSumBackward if summed else EinsumPermuteBackward
    return EinsumViewBackward if summed else EinsumMulBackward


class _EinsumBackward(Node):
    __slots__ = ("_ops", "_out", "_sizes")

    def backward(self, g):
        tensors = self.saved()
        grads = []
        for k, (nxt, _) in enumerate(self.next_functions):
            grads.append(
                _operand_grad(g, tensors, self._ops, self._out, self._sizes, k)
                if nxt is not None
                else None
            )
        return tuple(grads)


# Named after the node PyTorch's einsum result shows in each case.
EinsumSumBackward = type("SumBackward1", (_EinsumBackward,), {"__slots__": ()})
EinsumPermuteBackward = type("PermuteBackward0", (_EinsumBackward,), {"__slots__": ()})
EinsumViewBackward = type("ViewBackward0", (_EinsumBackward,), {"__slots__": ()})
EinsumMulBackward = type("MulBackward0", (_EinsumBackward,), {"__slots__": ()})


def _operand_grad(g, tensors, ops, out, sizes, k):
    """d out / d operand k: einsum(g, the other operands) -> operand k's labels. A label seen
    twice in operand k (a diagonal) gets a fresh label and an identity matrix tying the two; a
    label found nowhere else at its full size gets a vector of ones (its gradient is
    broadcast; the engine sums it back where operand k itself had size 1)."""
    dt = g._data.dtype
    operands = [g]
    subs = [list(out)]
    for j, t in enumerate(tensors):
        if j != k:
            operands.append(t)
            subs.append(ops[j])
    target = []
    fresh = [i for i in range(52) if i not in sizes]
    extra = []
    for lab in ops[k]:
        if lab in target:
            f = fresh.pop()
            target.append(f)
            extra.append((np.eye(sizes[lab], dtype=dt), [lab, f]))
        else:
            target.append(lab)
    provided = {lab for _, s in extra for lab in s}  # the identities have the full size
    for t, s in zip(operands, subs):
        provided.update(lab for lab, n in zip(s, t._data.shape) if n == sizes[lab])
    for lab in dict.fromkeys(ops[k]):
        if lab not in provided:  # summed only here, or broadcast from size 1 elsewhere
            extra.append((np.ones(sizes[lab], dtype=dt), [lab]))
    for arr, s in extra:
        operands.append(_wrap(arr))
        subs.append(s)
    return _einsum_sublists(operands, subs, target)


def _einsum_sublists(tensors, subs, out):
    """einsum on fakel tensors given NumPy's sublist form (the backward's own einsums)."""
    arrays = [t._data for t in tensors]
    args = []
    for a, s in zip(arrays, subs):
        args += [a, s]
    big = len(arrays) > 2 or any(a.size > 4096 for a in arrays)
    res = _wrap(np.asarray(np.einsum(*args, out, optimize=big)))
    if _state.enabled and any(t._requires_grad for t in tensors):
        summed = any(lab not in out for s in subs for lab in s)
        node = _node_class(len(tensors), summed)()
        node._ops, node._out = [list(s) for s in subs], list(out)
        node._sizes = {lab: n for a, s in zip(arrays, subs) for lab, n in zip(s, a.shape)}
        for a, s in zip(arrays, subs):  # broadcast sizes win over the 1s
            for lab, n in zip(s, a.shape):
                if n != 1:
                    node._sizes[lab] = n
        node.save(*tensors)
        attach(res, node, *tensors)
    return res


def einsum(equation, *operands) -> Tensor:
    """Einstein summation, with PyTorch's parsing, broadcasting and errors (see the module
    docstring for how the recorded graph differs)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(
            "einsum(): the sublist format is not supported by fakel; pass an equation string"
        )
    arrays = [t._data for t in operands]
    for t in operands[1:]:
        if t._data.dtype != arrays[0].dtype:
            raise RuntimeError(
                f"expected scalar type {operands[0].dtype._scalar_name} but found "
                f"{t.dtype._scalar_name}"
            )
    key = (equation, tuple([a.shape for a in arrays]))
    parsed = _PARSED.get(key)
    if parsed is None:
        if len(_PARSED) > 256:
            _PARSED.clear()
        parsed = _PARSED[key] = _parse(equation, arrays)
    ops, out, _ = parsed
    return _einsum_sublists(list(operands), ops, out)


_PARSED: dict = {}  # (equation, shapes) -> parsed subscripts: parsing costs more than small ops
