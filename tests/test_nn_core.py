"""nn.Module's contract against torch.nn.Module: registration, traversal order, state_dict,
load_state_dict errors, hooks, modes, dtype conversion, reprs and containers."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import fakel
from parity import assert_same_outcome


def _model(L):
    """The same nested model in either library (a shared Linear appears twice)."""
    nn = L.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 4)
            self.act = nn.ReLU()
            self.register_buffer("count", L.zeros(2))
            self.register_buffer("scratch", L.ones(1), persistent=False)
            self.scale = nn.Parameter(L.ones(4))

        def forward(self, x):
            return self.act(self.fc(x)) * self.scale

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.layers = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Dropout(0.25))
            self.heads = nn.ModuleDict({"a": nn.Linear(4, 2), "b": nn.Linear(4, 2, bias=False)})
            self.shared = self.layers[0]
            self.emb = nn.Embedding(5, 3, padding_idx=0)

        def forward(self, x):
            h = self.layers(self.block(x))
            return self.heads["a"](h) + self.heads["b"](h)

    return Net()


def _copy_weights(tm, fm):
    with torch.no_grad():
        for (tn, tp), (fn, fp) in zip(tm.state_dict().items(), fm.state_dict().items()):
            assert tn == fn
            fp.copy_(fakel.tensor(tp.numpy()))


def _pair():
    tm, fm = _model(torch), _model(fakel)
    _copy_weights(tm, fm)
    return tm, fm


def test_named_parameters_buffers_modules_order():
    tm, fm = _pair()
    assert [n for n, _ in fm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert ([n for n, _ in fm.named_parameters(remove_duplicate=False)]
            == [n for n, _ in tm.named_parameters(remove_duplicate=False)])
    assert ([n for n, _ in fm.named_parameters(prefix="m", recurse=False)]
            == [n for n, _ in tm.named_parameters(prefix="m", recurse=False)])
    assert [n for n, _ in fm.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in fm.named_modules()] == [n for n, _ in tm.named_modules()]
    assert ([n for n, _ in fm.named_modules(remove_duplicate=False)]
            == [n for n, _ in tm.named_modules(remove_duplicate=False)])
    assert [n for n, _ in fm.named_children()] == [n for n, _ in tm.named_children()]
    assert len(list(fm.parameters())) == len(list(tm.parameters()))
    assert all(isinstance(p, fakel.nn.Parameter) for p in fm.parameters())
    assert all(isinstance(p, fakel.Tensor) for p in fm.parameters())


def test_state_dict_keys_values_and_load():
    tm, fm = _pair()
    tsd, fsd = tm.state_dict(), fm.state_dict()
    assert isinstance(fsd, OrderedDict)
    assert list(fsd) == list(tsd)
    for k in tsd:
        np.testing.assert_array_equal(fsd[k].numpy(), tsd[k].numpy())
        assert not fsd[k].requires_grad
    assert list(fm.state_dict(prefix="p.")) == list(tm.state_dict(prefix="p."))
    kv = fm.state_dict(keep_vars=True)
    assert kv["block.scale"] is fm.block.scale
    # round trip through a fresh model
    other = _model(fakel)
    res = other.load_state_dict(fsd)
    assert repr(res) == repr(tm.load_state_dict(tsd)) == "<All keys matched successfully>"
    assert res.missing_keys == [] and res.unexpected_keys == []
    for k in fsd:
        np.testing.assert_array_equal(other.state_dict()[k].numpy(), fsd[k].numpy())


@pytest.mark.parametrize("case", ["missing", "unexpected", "both", "size", "non_strict",
                                  "not_tensor", "not_mapping"])
def test_load_state_dict_errors_match(case):
    def fn(L):
        m = _model(L)
        sd = m.state_dict()
        if case in ("missing", "both", "non_strict"):
            del sd["block.fc.bias"]
            del sd["emb.weight"]
        if case in ("unexpected", "both", "non_strict"):
            sd["block.extra"] = L.zeros(1)
            sd["nothere.w"] = L.zeros(1)
        if case == "size":
            sd["block.fc.weight"] = L.zeros(2, 2)
        if case == "not_tensor":
            sd["block.fc.bias"] = [1.0, 2.0]
        if case == "not_mapping":
            sd = [1, 2]
        r = m.load_state_dict(sd, strict=case != "non_strict")
        return (r.missing_keys, r.unexpected_keys, repr(r))

    assert_same_outcome(fn, lambda t, f: t == f)


def test_register_errors_match():
    cases = [
        lambda L, m: m.register_buffer("a.b", L.zeros(1)),
        lambda L, m: m.register_buffer("", L.zeros(1)),
        lambda L, m: m.register_buffer("fc", L.zeros(1)),
        lambda L, m: m.register_parameter("a.b", None),
        lambda L, m: m.register_parameter("", None),
        lambda L, m: m.register_parameter("w", L.zeros(2)),
        lambda L, m: m.register_parameter("w", L.nn.Parameter(L.zeros(2)) * 2),
        lambda L, m: m.add_module("a.b", L.nn.ReLU()),
        lambda L, m: m.add_module("x", 3),
        lambda L, m: m.add_module("", L.nn.ReLU()),
        lambda L, m: setattr(m.fc, "weight", L.zeros(3)),
        lambda L, m: setattr(m, "fc", 3),
        lambda L, m: m.missing_attribute,
        lambda L, m: m.get_submodule("fc.nope"),
        lambda L, m: m.get_submodule("fc.weight"),
        lambda L, m: m.get_parameter("fc.nope"),
        lambda L, m: m.train("yes"),
        lambda L, m: m.to(L.int64),
    ]
    for case in cases:
        def fn(L, case=case):
            m = L.nn.Module()
            m.fc = L.nn.Linear(2, 3)
            return case(L, m)

        assert_same_outcome(fn, lambda t, f: True)
    # PyTorch's text says 'torch Tensor' (no dot); fakel's says 'fakel Tensor'.
    with pytest.raises(TypeError) as te:
        torch.nn.Module().register_buffer("x", [1])
    with pytest.raises(TypeError) as fe:
        fakel.nn.Module().register_buffer("x", [1])
    assert str(fe.value) == str(te.value).replace("torch ", "fakel ")


def test_setattr_reassignment_moves_between_kinds():
    for L in (torch, fakel):
        m = L.nn.Module()
        m.x = L.nn.Parameter(L.zeros(2))
        assert "x" in m._parameters
        m.x = None
        assert m._parameters["x"] is None and m.x is None
        m.y = L.nn.ReLU()
        m.register_buffer("b", L.zeros(1))
        m.b = L.ones(2)
        assert m._buffers["b"].shape == (2,)
        del m.y
        assert "y" not in m._modules
        m.plain = 3
        assert m.plain == 3 and "plain" in m.__dict__
    t, f = torch.nn.Module(), fakel.nn.Module()
    for m in (t, f):
        m.add_module("sub", m.__class__())
    assert [a for a in dir(f) if not a.startswith("_")] == \
        [a for a in dir(t) if not a.startswith("_") and a in dir(f)]


def test_get_submodule_and_parameter():
    tm, fm = _pair()
    assert fm.get_submodule("block.fc") is fm.block.fc
    assert fm.get_submodule("") is fm
    assert fm.get_parameter("block.fc.weight") is fm.block.fc.weight
    assert fm.get_buffer("block.count") is fm.block.count


def test_forward_backward_match_torch():
    tm, fm = _pair()
    tm.eval()
    fm.eval()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    ty, fy = tm(torch.tensor(x)), fm(fakel.tensor(x))
    np.testing.assert_allclose(fy.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    ty.sum().backward()
    fy.sum().backward()
    for (n, tp), (_, fp) in zip(tm.named_parameters(), fm.named_parameters()):
        if tp.grad is None:
            assert fp.grad is None, n
        else:
            np.testing.assert_allclose(fp.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=n)
    fm.zero_grad()
    assert all(p.grad is None for p in fm.parameters())
    fy = fm(fakel.tensor(x))
    fy.sum().backward()
    fm.zero_grad(set_to_none=False)
    assert all(p.grad is None or not p.grad.any() for p in fm.parameters())


def test_train_eval_requires_grad_apply():
    tm, fm = _pair()
    for m in (tm, fm):
        assert m.training and m.layers[2].training
        assert m.eval() is m
        assert not m.training and not m.layers[2].training and not m.block.act.training
        m.train()
        assert m.layers[2].training
        m.requires_grad_(False)
        assert not any(p.requires_grad for p in m.parameters())
        m.requires_grad_()
    seen_t, seen_f = [], []
    tm.apply(lambda m: seen_t.append(type(m).__name__))
    fm.apply(lambda m: seen_f.append(type(m).__name__))
    assert seen_t == seen_f


def test_to_dtype_keeps_parameter_objects():
    fm = _model(fakel)
    w = fm.block.fc.weight
    fm.block.fc(fakel.randn(2, 3)).sum().backward()
    assert fm.double() is fm
    assert fm.block.fc.weight is w and w.dtype == fakel.float64 and w.grad.dtype == fakel.float64
    assert fm.block.count.dtype == fakel.float64
    fm.to(fakel.float32)
    assert w.dtype == fakel.float32
    fm.to("cpu", dtype=fakel.float64)
    assert w.dtype == fakel.float64
    fm.half().float()
    assert w.dtype == fakel.float32
    fm.to(fakel.zeros(1, dtype=fakel.float64))
    assert w.dtype == fakel.float64
    fm.cpu()
    y = fm(fakel.randn(2, 3, dtype=fakel.float64))
    assert y.dtype == fakel.float64
    # integer buffers are left alone by dtype conversion
    m = fakel.nn.Module()
    m.register_buffer("steps", fakel.zeros(1, dtype=fakel.int64))
    m.float()
    assert m.steps.dtype == fakel.int64


def test_hooks_order_values_and_removal():
    calls = {"torch": [], "fakel": []}

    def run(L):
        log = calls[L.__name__]
        lin = L.nn.Linear(2, 2)
        with L.no_grad():
            lin.weight.copy_(L.tensor([[1.0, 2.0], [3.0, 4.0]]))
            lin.bias.zero_()
        h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        h2 = lin.register_forward_hook(lambda m, args, out: log.append("post") or out + 1)
        h3 = lin.register_forward_pre_hook(lambda m, args: log.append("pre-first"), prepend=True)
        h4 = lin.register_forward_hook(
            lambda m, args, kwargs, out: log.append(("kw", sorted(kwargs))), with_kwargs=True)
        h5 = lin.register_forward_pre_hook(
            lambda m, args, kwargs: (args, kwargs), with_kwargs=True)
        y1 = lin(L.ones(1, 2)).tolist()
        for h in (h1, h2, h3, h4, h5):
            h.remove()
        y2 = lin(L.ones(1, 2)).tolist()
        with lin.register_forward_hook(lambda m, a, o: o * 0):
            y3 = lin(L.ones(1, 2)).tolist()
        y4 = lin(L.ones(1, 2)).tolist()
        return y1, y2, y3, y4

    assert run(torch) == run(fakel)
    assert calls["torch"] == calls["fakel"]


def test_nested_repr_matches_torch():
    tm, fm = _pair()
    assert repr(fm) == repr(tm)

    def build(L):
        nn = L.nn
        return nn.Sequential(OrderedDict([
            ("conv", nn.Identity()), ("flat", nn.Flatten()), ("unflat", nn.Unflatten(1, (2, 3))),
            ("list", nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(inplace=True),
                                    nn.Linear(2, 2)])),
            ("empty", nn.ModuleList()),
            ("d", nn.ModuleDict({"x": nn.Sigmoid()})),
            ("acts", nn.Sequential(nn.LeakyReLU(), nn.LeakyReLU(0.2, inplace=True), nn.ELU(),
                                   nn.ELU(0.5, True), nn.GELU(), nn.GELU("tanh"), nn.SiLU(),
                                   nn.Tanh(), nn.Softmax(dim=1), nn.LogSoftmax(-1),
                                   nn.Softmax(), nn.Softplus(), nn.Softplus(2, 10),
                                   nn.SELU(), nn.CELU(), nn.ReLU6(), nn.Hardtanh(-2, 2),
                                   nn.Softmin(0))),
            ("bil", nn.Bilinear(2, 3, 4, bias=False)),
            ("drop", nn.Dropout(0.1)),
            ("emb", nn.Embedding(10, 3, padding_idx=2, max_norm=1.0, norm_type=1.0,
                                 scale_grad_by_freq=True, sparse=True)),
            ("plist", nn.ParameterList([nn.Parameter(L.zeros(2, 3)), L.ones(1)])),
            ("pdict", nn.ParameterDict({"p": nn.Parameter(L.zeros(2))})),
        ]))

    assert repr(build(fakel)) == repr(build(torch)).replace("torch.", "fakel.")
    p = fakel.nn.Parameter(fakel.tensor([1.0, 2.0]))
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert repr(fakel.nn.Parameter(fakel.ones(2), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))


def test_parameter_semantics():
    t = fakel.tensor([1.0, 2.0])
    p = fakel.nn.Parameter(t)
    assert p.requires_grad and p.is_leaf and isinstance(p, fakel.Tensor)
    assert type(p * 2) is fakel.Tensor
    with fakel.no_grad():
        p.add_(1)
    assert t.tolist() == [2.0, 3.0]  # shares memory, as torch's does
    q = copy.deepcopy(p)
    assert isinstance(q, fakel.nn.Parameter) and q.requires_grad and q is not p
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, fakel.nn.Parameter) and r.tolist() == [2.0, 3.0]
    assert fakel.nn.Parameter().shape == (0,)
    m = copy.deepcopy(_model(fakel))
    assert isinstance(m.block.fc.weight, fakel.nn.Parameter)
    assert m.shared is m.layers[0]


def test_sequential_containers_match_torch():
    def fn(L):
        nn = L.nn
        s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
        out = [type(s[0]).__name__, type(s[-1]).__name__, len(s), repr(s[1:])]
        s.append(nn.ELU())
        del s[1]
        out += [list(s._modules), repr(s)]
        s[0] = nn.GELU()
        s.insert(1, nn.SiLU())
        out += [repr(s), repr(s + nn.Sequential(nn.ReLU())), repr(s.pop(0))]
        ml = nn.ModuleList([nn.ReLU()])
        ml.append(nn.Tanh())
        ml.extend([nn.Sigmoid()])
        ml.insert(0, nn.ELU())
        del ml[1]
        out += [repr(ml), repr(ml[1:]), len(ml), list(ml._modules)]
        md = nn.ModuleDict([("a", nn.ReLU()), ("b", nn.Tanh())])
        md["c"] = nn.Sigmoid()
        out += [list(md.keys()), "a" in md, repr(md.pop("b")), len(md), repr(md)]
        return out

    assert_same_outcome(fn, lambda t, f: t == f)
    for bad in [lambda L: L.nn.Sequential(L.nn.ReLU())[3],
                lambda L: L.nn.ModuleList([L.nn.ReLU()])[-2],
                lambda L: L.nn.ModuleList().extend(3),
                lambda L: L.nn.ModuleList()(1),
                lambda L: L.nn.Sequential() + L.nn.ReLU()]:
        assert_same_outcome(bad, lambda t, f: True)


def test_sequential_forward_and_parameter_list():
    tm = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Sigmoid())
    fm = fakel.nn.Sequential(fakel.nn.Linear(3, 2), fakel.nn.Sigmoid())
    _copy_weights(tm, fm)
    x = np.ones((4, 3), np.float32)
    np.testing.assert_allclose(fm(fakel.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    pl = fakel.nn.ParameterList([fakel.zeros(2)])
    pl.append(fakel.nn.Parameter(fakel.ones(3)))
    assert len(pl) == 2 and isinstance(pl[0], fakel.nn.Parameter)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    pd = fakel.nn.ParameterDict({"a": fakel.zeros(1)})
    assert list(pd.keys()) == ["a"] and isinstance(pd["a"], fakel.nn.Parameter)


def test_module_forward_missing_and_cuda():
    assert_same_outcome(lambda L: L.nn.Module()(1), lambda t, f: True)
    if not fakel.cuda.is_available():
        with pytest.raises(Exception):  # noqa: B017 - fakel's own error for a missing CUDA
            fakel.nn.Linear(2, 2).cuda()
