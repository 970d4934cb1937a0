"""Samplers: which dataset indices a DataLoader visits, and in which order.

Random samplers draw from fakel's generators in PyTorch's order (a fresh seed taken from the
global stream per epoch when no generator is given, one randperm per pass, randint in blocks of
32), so a seeded run visits the same indices as PyTorch."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Generic, TypeVar

import numpy as np

from ... import _random
from ..._creation import empty
from ..._dtype import int64
from ..._random import Generator, randint, randperm

T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class: subclasses give ``__iter__`` over indices (or lists of indices), and
    usually ``__len__``."""

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _epoch_generator(generator) -> Generator:
    # PyTorch: without a generator, each pass seeds a private one from the global stream.
    if generator is not None:
        return generator
    return Generator().manual_seed(draw_seed(None))


def draw_seed(generator) -> int:
    """PyTorch's ``torch.empty((), dtype=torch.int64).random_(generator=generator).item()``."""
    return empty((), dtype=int64).random_(generator=generator).item()


class RandomSampler(Sampler[int]):
    """A random permutation per pass (``num_samples`` may exceed the length: whole permutations
    then a cut one), or ``num_samples`` draws with replacement."""

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator=None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        n = self.num_samples
        if not isinstance(n, int) or n <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={n}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        gen = _epoch_generator(self.generator)
        k = self.num_samples
        if self.replacement:
            for _ in range(k // 32):
                yield from randint(0, n, (32,), generator=gen).tolist()
            yield from randint(0, n, (k % 32,), generator=gen).tolist()
        else:
            for _ in range(k // n):
                yield from randperm(n, generator=gen).tolist()
            yield from randperm(n, generator=gen).tolist()[: k % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices in a random order (one randperm per pass)."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


def _multinomial(weights: np.ndarray, k: int, replacement: bool, gen: Generator) -> list[int]:
    """PyTorch's CPU multinomial on a 1-d float64 weight vector, drawing what it draws. With
    replacement and k > 1: one uniform double per draw, searched in the normalised cumulative
    sum. Otherwise: the top k of ``weights / q`` with ``q ~ Exp(1)`` (one per category)."""
    bad = ~(weights >= 0) | ~np.isfinite(weights)
    if bad.any():
        first = weights[int(np.argmax(bad))]
        what = "< 0" if not first >= 0 else "= infinity or NaN"
        raise RuntimeError(
            f"invalid multinomial distribution (encountering probability entry {what})"
        )
    if not replacement and k > weights.size:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    total = weights.sum()
    if total <= 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if replacement and k > 1:
        cdf = np.cumsum(weights) / total
        u = _random._unit(gen, k, np.float64)
        return np.searchsorted(cdf, u, side="left").tolist()
    q = -np.log1p(-_random.uniform_array(gen, (weights.size,), np.float64))
    key = weights / q
    if k == 1:
        return [int(np.argmax(key))]
    return np.argsort(-key, kind="stable")[:k].tolist()


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``. With
    replacement (and more than one sample) the draws equal PyTorch's; see ``_multinomial``."""

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator=None,
    ) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        from ..._creation import as_tensor
        from ..._dtype import float64

        w = as_tensor(weights, dtype=float64)
        if w.dim() != 1:
            raise ValueError(
                f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}"
            )
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        gen = _random._gen(self.generator)
        w = np.asarray(self.weights._data, dtype=np.float64)
        yield from _multinomial(w, self.num_samples, self.replacement, gen)

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list]):
    """Groups another sampler's indices into lists of ``batch_size`` (the last one shorter,
    or dropped with ``drop_last``)."""

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list]:
        it = iter(self.sampler)
        size = self.batch_size
        batch = list(itertools.islice(it, size))
        while batch:
            if self.drop_last and len(batch) < size:
                return
            yield batch
            batch = list(itertools.islice(it, size))

    def __len__(self) -> int:
        n = len(self.sampler)
        if self.drop_last:
            return n // self.batch_size
        return (n + self.batch_size - 1) // self.batch_size
