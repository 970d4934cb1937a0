"""fakel.utils.data against torch.utils.data: same batches for the same seed, same collation,
same errors."""

from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import fakel
from parity import assert_same_outcome


def plain(x):
    """A structure with tensors replaced by (dtype, shape, values), comparable across libs."""
    if isinstance(x, (torch.Tensor, fakel.Tensor)):
        dt = str(x.dtype).split(".")[-1]
        return ("T", dt, tuple(x.shape), x.tolist(), bool(x.requires_grad))
    if isinstance(x, dict):
        return (type(x).__name__, [(k, plain(v)) for k, v in x.items()])
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, [plain(v) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    if isinstance(x, np.ndarray):
        return ("nd", x.dtype.str, x.tolist())
    return x


def same(a, b):
    assert plain(a) == plain(b)


def both(fn):
    assert_same_outcome(fn, same)


def D(lib):
    return lib.utils.data


def xy(lib, n):
    x = lib.arange(n * 3, dtype=lib.float32).reshape(n, 3)
    y = lib.arange(n) * 10
    return D(lib).TensorDataset(x, y)


# Shuffling: PyTorch's draws, in PyTorch's order -------------------------------------------------
@given(
    n=st.integers(1, 40),
    batch=st.integers(1, 9),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**40),
    use_gen=st.booleans(),
)
def test_shuffled_batches_equal_torch_over_epochs(n, batch, drop_last, seed, use_gen):
    def fn(lib):
        lib.manual_seed(seed)
        gen = lib.Generator().manual_seed(seed + 1) if use_gen else None
        loader = D(lib).DataLoader(
            xy(lib, n), batch_size=batch, shuffle=True, drop_last=drop_last, generator=gen
        )
        epochs = []
        for _ in range(3):
            epochs.append(list(loader))
            epochs.append(lib.rand(2))  # the global stream moves between epochs too
        return epochs, len(loader)

    both(fn)


def test_iterator_draws_base_seed_before_the_sampler():
    # iter() takes the base seed at once; the sampler draws its seed on the first batch.
    def fn(lib):
        lib.manual_seed(3)
        it = iter(D(lib).DataLoader(range(12), batch_size=5, shuffle=True))
        first = lib.rand(3)
        return first, list(it), lib.rand(2)

    both(fn)


def test_two_live_iterators_interleave_as_torch():
    def fn(lib):
        lib.manual_seed(11)
        g = lib.Generator().manual_seed(4)
        loader = D(lib).DataLoader(range(10), batch_size=3, shuffle=True, generator=g)
        a, b = iter(loader), iter(loader)
        return [next(a), next(b), next(b), next(a), list(a), list(b)]

    both(fn)


@given(seed=st.integers(0, 2**31), n=st.integers(1, 50), use_gen=st.booleans())
def test_random_split_equals_torch(seed, n, use_gen):
    def fn(lib):
        lib.manual_seed(seed)
        gen = lib.Generator().manual_seed(seed) if use_gen else lib.default_generator
        k = n // 3
        by_len = D(lib).random_split(range(n), [k, n - k], generator=gen)
        by_frac = D(lib).random_split(range(n), [0.5, 0.3, 0.2], generator=gen)
        return [list(s) for s in by_len + by_frac] + [lib.rand(1)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-length splits warn in both
        both(fn)


def test_random_split_fraction_rounding_and_warnings():
    def fn(lib):
        parts = D(lib).random_split(range(5), [0.1, 0.1, 0.8], lib.Generator().manual_seed(0))
        return [len(p) for p in parts], [list(p) for p in parts]

    both(fn)  # also compares the "Length of split at index 0 is 0" warnings


@pytest.mark.parametrize(
    "lengths", [[3, 3], [0.5, 0.6], [-0.5, 1.5], [2, 9], [0.3, 0.3, 0.3]], ids=str
)
def test_random_split_errors(lengths):
    both(lambda lib: [list(s) for s in D(lib).random_split(range(10), lengths)])


@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("num_samples", [None, 1, 7, 33, 70])
@pytest.mark.parametrize("use_gen", [False, True])
def test_random_sampler_equals_torch(replacement, num_samples, use_gen):
    def fn(lib):
        lib.manual_seed(5)
        gen = lib.Generator().manual_seed(9) if use_gen else None
        s = D(lib).RandomSampler(range(20), replacement, num_samples, generator=gen)
        return [list(s), list(s), len(s)]

    both(fn)


@pytest.mark.parametrize(
    "args", [(True, None), (False, 0), (False, -3), (1, None), (False, 2.5)], ids=str
)
def test_random_sampler_errors(args):
    both(lambda lib: D(lib).RandomSampler(range(4), *args) and None)


def test_subset_random_sampler_equals_torch():
    def fn(lib):
        lib.manual_seed(2)
        s = D(lib).SubsetRandomSampler([5, 9, 2, 7, 11])
        g = D(lib).SubsetRandomSampler([1, 2, 3, 4], generator=lib.Generator().manual_seed(1))
        return [list(s), list(s), list(g), len(s)]

    both(fn)


@pytest.mark.parametrize("replacement", [True, False])
@pytest.mark.parametrize("k", [1, 2, 4, 40])
def test_weighted_random_sampler_equals_torch(replacement, k):
    weights = [0.1, 2.0, 0.0, 3.5, 1.0, 0.7]

    def fn(lib):
        lib.manual_seed(8)
        g = lib.Generator().manual_seed(3)
        s = D(lib).WeightedRandomSampler(weights, k, replacement)
        sg = D(lib).WeightedRandomSampler(weights, k, replacement, generator=g)
        return [list(s), list(sg), list(sg), len(s)]

    both(fn)


@pytest.mark.parametrize(
    "weights,k,repl",
    [
        ([1.0, -1.0], 2, True),
        ([1.0, float("inf")], 2, True),
        ([float("nan"), 1.0], 2, True),
        ([0.0, 0.0], 2, True),
        ([1.0, 2.0], 3, False),
        ([[1.0, 2.0]], 2, True),
        ([1.0], 0, True),
        ([1.0], 1, "yes"),
    ],
    ids=str,
)
def test_weighted_random_sampler_errors(weights, k, repl):
    both(lambda lib: list(D(lib).WeightedRandomSampler(weights, k, repl)))


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("n,b", [(0, 2), (7, 3), (9, 3), (2, 5)])
def test_batch_sampler(n, b, drop_last):
    def fn(lib):
        s = D(lib).BatchSampler(D(lib).SequentialSampler(range(n)), b, drop_last)
        return list(s), len(s)

    both(fn)


@pytest.mark.parametrize("args", [(0, False), (True, False), (2, 1), (-1, True)], ids=str)
def test_batch_sampler_errors(args):
    both(lambda lib: D(lib).BatchSampler(range(3), *args) and None)


# Datasets ---------------------------------------------------------------------------------------
def test_tensor_dataset_and_combinators():
    def fn(lib):
        ds = xy(lib, 5)
        cat = ds + xy(lib, 2)
        sub = D(lib).Subset(cat, [6, 0, 3])
        stack_t = D(lib).StackDataset(range(5), ds)
        stack_d = D(lib).StackDataset(a=range(5), b=ds)
        return [
            len(ds),
            ds[2],
            ds[-1],
            len(cat),
            cat[5],
            cat[-1],
            cat[-7],
            len(sub),
            sub[0],
            sub.__getitems__([1, 2]),
            cat.cumulative_sizes,
            stack_t[1],
            stack_d[4],
        ]

    both(fn)


@pytest.mark.parametrize(
    "case",
    [
        "mismatch",
        "concat_empty",
        "concat_iter",
        "neg_index",
        "stack_mixed",
        "stack_len",
        "stack_none",
        "chain_map",
    ],
)
def test_dataset_errors(case):
    def fn(lib):
        d = D(lib)
        Stream = lambda: _count(lib, 3)  # noqa: N806
        if case == "mismatch":
            return d.TensorDataset(lib.zeros(3, 2), lib.zeros(4))
        if case == "concat_empty":
            return d.ConcatDataset([])
        if case == "concat_iter":
            return d.ConcatDataset([range(2), Stream()])
        if case == "neg_index":
            return d.ConcatDataset([range(2), range(3)])[-6]
        if case == "stack_mixed":
            return d.StackDataset(range(2), b=range(2))
        if case == "stack_len":
            return d.StackDataset(range(2), range(3))
        if case == "stack_none":
            return d.StackDataset()
        return list(d.ChainDataset([Stream(), range(2)]))

    assert_same_outcome(fn, lambda a, b: None)


def test_base_dataset_getitem_raises():
    both(lambda lib: D(lib).Dataset()[0])


def test_subset_subclass_must_override_getitems():
    def fn(lib):
        class MySubset(D(lib).Subset):
            def __getitem__(self, i):
                return 0

        return MySubset(range(3), [0])

    assert_same_outcome(fn, lambda a, b: None)


# Collation --------------------------------------------------------------------------------------
Point = collections.namedtuple("Point", "x y")


def _samples(lib, kind):
    if kind == "tensors":
        return [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])]
    if kind == "int_tensors0d":
        return [lib.tensor(1), lib.tensor(5)]
    if kind == "numpy":
        return [np.arange(3, dtype=np.int16), np.ones(3, dtype=np.int16)]
    if kind == "numpy_f32":
        return [np.float32(1.5), np.float32(2.0)]
    if kind == "numpy_bool":
        return [np.bool_(True), np.bool_(False)]
    if kind == "floats":
        return [1.5, 2.0, -3.25]
    if kind == "ints":
        return [1, 2, 3]
    if kind == "bools":
        return [True, False]
    if kind == "strings":
        return ["a", "bc"]
    if kind == "bytes":
        return [b"a", b"b"]
    if kind == "dicts":
        return [{"a": 1, "b": lib.zeros(2)}, {"a": 2, "b": lib.ones(2)}]
    if kind == "ordered":
        return [collections.OrderedDict(b=1.0, a="x"), collections.OrderedDict(b=2.0, a="y")]
    if kind == "namedtuple":
        return [Point(1, "p"), Point(2, "q")]
    if kind == "tuples":
        return [("a", 1, 2.0, True), ("b", 2, 3.0, False)]
    if kind == "lists":
        return [[1, [2.0, "s"]], [3, [4.0, "t"]]]
    if kind == "nested":
        return [
            {"x": (lib.zeros(2, 1), [np.int64(3)]), "y": Point(lib.tensor(1), {"z": 1.0})},
            {"x": (lib.ones(2, 1), [np.int64(4)]), "y": Point(lib.tensor(2), {"z": 2.0})},
        ]
    if kind == "ragged_tensors":
        return [lib.zeros(2), lib.zeros(3)]
    if kind == "ragged_lists":
        return [[1, 2], [3]]
    if kind == "object":
        return [object(), object()]
    if kind == "np_strings":
        return [np.array(["a"]), np.array(["b"])]
    if kind == "big_int":
        return [2**70, 1]
    if kind == "mixed_dtypes":
        return [lib.zeros(2), lib.zeros(2, dtype=lib.int64)]
    raise AssertionError(kind)


COLLATE_KINDS = [
    "tensors",
    "int_tensors0d",
    "numpy",
    "numpy_f32",
    "numpy_bool",
    "floats",
    "ints",
    "bools",
    "strings",
    "bytes",
    "dicts",
    "ordered",
    "namedtuple",
    "tuples",
    "lists",
    "nested",
    "ragged_tensors",
    "ragged_lists",
    "np_strings",
    "big_int",
    "mixed_dtypes",
]


@pytest.mark.parametrize("kind", COLLATE_KINDS)
def test_default_collate_equals_torch(kind):
    both(lambda lib: D(lib).default_collate(_samples(lib, kind)))


def test_default_collate_unsupported_type_message():
    class Thing:
        pass

    both(lambda lib: D(lib).default_collate([Thing(), Thing()]))


@pytest.mark.parametrize(
    "kind", ["numpy", "numpy_f32", "dicts", "namedtuple", "tuples", "lists", "strings", "nested"]
)
def test_default_convert_equals_torch(kind):
    both(lambda lib: D(lib).default_convert(_samples(lib, kind)))


def test_default_convert_leaves_other_things():
    both(lambda lib: [D(lib).default_convert(v) for v in (1, "s", np.array(["a"]), None)])


# DataLoader -------------------------------------------------------------------------------------
class Squares:
    """A map-style dataset that is not a Dataset subclass (allowed, as in PyTorch)."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"i": i, "sq": float(i * i), "name": f"n{i}"}


def test_loader_sequential_dict_samples():
    both(lambda lib: list(D(lib).DataLoader(Squares(), batch_size=3)))


def test_loader_without_batching_converts():
    def fn(lib):
        ds = [np.arange(2) + i for i in range(3)]
        return list(D(lib).DataLoader(ds, batch_size=None)), list(D(lib).DataLoader(ds))

    both(fn)


def test_loader_custom_collate_sampler_and_batch_sampler():
    def fn(lib):
        d = D(lib)
        ds = xy(lib, 6)
        a = list(d.DataLoader(ds, batch_size=2, collate_fn=lambda b: [s[1].item() for s in b]))
        b = list(d.DataLoader(ds, batch_size=4, sampler=[5, 1, 3, 0, 2]))
        c = list(d.DataLoader(ds, batch_sampler=[[0, 5], [2], [1, 1, 1]]))
        e = list(d.DataLoader(range(5), batch_size=2, drop_last=True))
        return a, b, c, e

    both(fn)


def test_loader_fast_path_matches_general_path():
    # A TensorDataset subclass takes the general path (stack of rows); the plain one gathers.
    class Sub(fakel.utils.data.TensorDataset):
        pass

    x = fakel.randn(11, 2, 3)
    y = fakel.arange(11).to(fakel.int16)
    fast = list(fakel.utils.data.DataLoader(fakel.utils.data.TensorDataset(x, y), batch_size=4))
    slow = list(fakel.utils.data.DataLoader(Sub(x, y), batch_size=4))
    assert plain(fast) == plain(slow)


def test_loader_with_grad_tensors_stacks():
    def fn(lib):
        w = lib.ones(4, 2, requires_grad=True)
        (batch,) = list(D(lib).DataLoader(D(lib).TensorDataset(w * 2), batch_size=4))
        return batch[0], type(batch[0].grad_fn).__name__

    both(fn)


def test_loader_index_errors_as_torch():
    def fn(lib):
        return list(D(lib).DataLoader(xy(lib, 3), batch_size=2, sampler=[0, 7]))

    both(fn)


def test_loader_num_workers_runs_in_process_same_batches():
    def fn(lib, workers):
        lib.manual_seed(1)
        loader = D(lib).DataLoader(xy(lib, 9), batch_size=2, shuffle=True, num_workers=workers)
        return list(loader) + list(loader)

    assert plain(fn(fakel, 3)) == plain(fn(torch, 0)) == plain(fn(fakel, 0))
    assert fakel.utils.data.get_worker_info() is None


def _count(lib, n, length=None):
    """An IterableDataset of lib yielding 0..n-1 and reporting ``length`` (default n)."""

    class Count(D(lib).IterableDataset):
        def __iter__(self):
            return iter(range(n))

        def __len__(self):
            return n if length is None else length

        def __repr__(self):
            return "Count"

    return Count()


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("batch", [None, 1, 3])
def test_loader_iterable_dataset(batch, drop_last):
    def fn(lib):
        if batch is None and drop_last:
            return None
        loader = D(lib).DataLoader(_count(lib, 8), batch_size=batch, drop_last=drop_last)
        return list(loader), len(loader)

    both(fn)


def test_loader_iterable_longer_than_reported_warns():
    def fn(lib):
        loader = D(lib).DataLoader(_count(lib, 4, length=2), batch_size=1)
        len(loader)
        return list(loader)

    both(fn)


def test_pin_memory_warning_as_torch():
    both(lambda lib: list(D(lib).DataLoader(range(3), batch_size=2, pin_memory=True)))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(shuffle=True, sampler=[0, 1]),
        dict(batch_sampler=[[0]], batch_size=2),
        dict(batch_sampler=[[0]], shuffle=True),
        dict(batch_sampler=[[0]], sampler=[0]),
        dict(batch_sampler=[[0]], drop_last=True),
        dict(batch_size=None, drop_last=True),
        dict(num_workers=-1),
        dict(timeout=-1),
        dict(prefetch_factor=2),
        dict(num_workers=2, prefetch_factor=-1),
        dict(persistent_workers=True),
        dict(multiprocessing_context="spawn"),
        dict(num_workers=1, multiprocessing_context="nope"),
        dict(batch_size=0),
        dict(batch_size=2, drop_last=1),
    ],
    ids=str,
)
def test_loader_option_errors(kwargs):
    both(lambda lib: D(lib).DataLoader(range(4), **kwargs) and None)


@pytest.mark.parametrize(
    "kwargs", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])], ids=str
)
def test_loader_iterable_dataset_option_errors(kwargs):
    both(lambda lib: D(lib).DataLoader(_count(lib, 3), **kwargs) and None)


@pytest.mark.parametrize("attr", ["batch_size", "sampler", "dataset", "drop_last"])
def test_loader_frozen_attributes(attr):
    def fn(lib):
        loader = D(lib).DataLoader(range(4))
        setattr(loader, attr, None)

    both(fn)


def test_utils_is_lazy_attribute():
    assert fakel.utils.data.DataLoader is fakel.utils.data.dataloader.DataLoader
