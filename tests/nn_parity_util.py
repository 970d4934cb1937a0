"""Helpers for the nn layer tests: run one torch module and its fakel twin (same weights) on the
same inputs and compare outputs, gradients of inputs and parameters, and buffers."""

from __future__ import annotations

import numpy as np
import torch

import fakel

TOL = {"float64": dict(rtol=1e-9, atol=1e-10), "float32": dict(rtol=2e-4, atol=2e-5)}


def copy_weights(tmod, fmod) -> None:
    """Load torch's state dict (parameters and buffers) into the fakel module."""
    sd = {k: fakel.tensor(v.detach().numpy().copy()) for k, v in tmod.state_dict().items()}
    fmod.load_state_dict(sd)


def _flat(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat(o))
        return res
    return [out]


def _np(t):
    return t.detach().numpy()


def graph_names(t, depth=2):
    """Node names of ``t``'s graph, breadth first to ``depth`` (AccumulateGrad as one name)."""

    def name(n):
        return None if n is None else type(n).__name__.split("::")[-1]

    level = [t.grad_fn]
    out = [[name(n) for n in level]]
    for _ in range(depth):
        level = [nxt for n in level if n is not None for nxt, _ in n.next_functions]
        out.append([name(n) for n in level])
    return out


def run_pair(tmod, fmod, inputs, dtype="float64", rng=None, train=True, extra=(), names=True):
    """Forward both modules on ``inputs`` (NumPy arrays; float ones require grad) plus ``extra``
    positional arguments built per library by ``extra(lib)``; backward a random cotangent through
    every float output; compare everything. Returns (torch outputs, fakel outputs)."""
    rng = rng or np.random.default_rng(0)
    tol = TOL[dtype]
    tmod.train(train)
    fmod.train(train)
    tin = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    fin = [fakel.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    targs = extra(torch) if callable(extra) else ()
    fargs = extra(fakel) if callable(extra) else ()
    tout = tmod(*tin, *targs)
    fout = fmod(*fin, *fargs)
    tl, fl = _flat(tout), _flat(fout)
    assert len(tl) == len(fl)
    tloss, floss = 0, 0
    for t, f in zip(tl, fl):
        assert tuple(t.shape) == tuple(f.shape), (t.shape, f.shape)
        assert str(t.dtype).split(".")[-1] == str(f.dtype).split(".")[-1]
        np.testing.assert_allclose(_np(f), _np(t), **tol)
        if names and t.grad_fn is not None:
            assert graph_names(f) == graph_names(t)
        if t.requires_grad:
            assert f.requires_grad
            cot = rng.standard_normal(t.shape).astype(dtype)
            tloss = tloss + (t * torch.tensor(cot)).sum()
            floss = floss + (f * fakel.tensor(cot)).sum()
    if isinstance(tloss, torch.Tensor):
        tloss.backward()
        floss.backward()
    for t, f in zip(tin, fin):
        if t.grad is None:
            assert f.grad is None
        else:
            np.testing.assert_allclose(f.grad.numpy(), t.grad.numpy(), **tol)
    fparams = dict(fmod.named_parameters())
    for name, tp in tmod.named_parameters():
        fp = fparams[name]
        if tp.grad is None:
            assert fp.grad is None, name
        else:
            np.testing.assert_allclose(fp.grad.numpy(), tp.grad.numpy(), err_msg=name, **tol)
    fbufs = dict(fmod.named_buffers())
    for name, tb in tmod.named_buffers():
        fb = fbufs[name]
        np.testing.assert_allclose(fb.numpy(), tb.numpy(), err_msg=name, **tol)
    return tout, fout


def make_pair(tcls, fcls, *args, dtype="float64", **kwargs):
    """The same layer in both libraries with torch's initial weights copied into fakel's."""
    tmod = tcls(*args, **kwargs).to(getattr(torch, dtype))
    fmod = fcls(*args, **kwargs).to(getattr(fakel, dtype))
    copy_weights(tmod, fmod)
    return tmod, fmod
