"""DataLoader: batches from a dataset through a sampler and a collate function, in process.

Differences from PyTorch, by design:
- ``num_workers`` is accepted (and validated as PyTorch does) but no worker processes start:
  batches are loaded in the calling process, in the same order. ``worker_init_fn`` is not
  called, ``get_worker_info()`` is always None, and an IterableDataset is read once (PyTorch
  replicates it in each worker unless the dataset shards itself).
- ``pin_memory`` has no effect (PyTorch's warning about a missing accelerator is given).
- ``timeout``, ``prefetch_factor``, ``persistent_workers`` and ``multiprocessing_context`` are
  validated, then ignored.

Random draws happen in PyTorch's order: each ``iter(loader)`` first takes a base seed from
``generator`` (or the global stream), then the sampler draws as it is consumed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any

from ... import _dtype
from ..._creation import tensor
from ._collate import default_collate, default_convert
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, draw_seed

_MAP, _ITERABLE = 0, 1
_START_METHODS = ("fork", "spawn", "forkserver")
_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


def get_worker_info():
    """Always None: fakel loads in the calling process (see the module docstring)."""
    return None


class _InfiniteConstantSampler(Sampler):
    """None forever: the sampler of an IterableDataset."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over ``dataset`` in batches. See the module docstring for what differs from
    PyTorch (no worker processes)."""

    _initialized = False

    def __init__(
        self,
        dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable | None = None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; "
                "use num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor "
                "to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _ITERABLE
            if shuffle not in (False, None):
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified "
                    f"batch_sampler option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _MAP

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive "
                "with drop_last"
            )

        if sampler is None:
            if self._dataset_kind == _ITERABLE:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called = None
        self._initialized = True

    @property
    def multiprocessing_context(self):
        return self._mp_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context) -> None:
        if context is not None:
            if self.num_workers == 0:
                raise ValueError(
                    "multiprocessing_context can only be used with multi-process loading "
                    f"(num_workers > 0), but got num_workers={self.num_workers}"
                )
            if isinstance(context, str) and context not in _START_METHODS:
                raise ValueError(
                    "multiprocessing_context option should specify a valid start method in "
                    f"{list(_START_METHODS)!r}, but got multiprocessing_context={context!r}"
                )
        self._mp_context = context

    def __setattr__(self, name, value) -> None:
        if self._initialized and name in _FROZEN:
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        object.__setattr__(self, name, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self) -> _DataLoaderIter:
        return _DataLoaderIter(self)

    def __len__(self) -> int:
        if self._dataset_kind == _ITERABLE:
            n = len(self.dataset)
            self._IterableDataset_len_called = n
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)


class _DataLoaderIter:
    """One pass over a DataLoader (PyTorch's single-process iterator)."""

    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        self._kind = loader._dataset_kind
        self._len_called = loader._IterableDataset_len_called
        self._auto = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._collate_fn = loader.collate_fn
        if loader.pin_memory:
            from ... import cuda

            if not cuda.is_available():
                warnings.warn(
                    "'pin_memory' argument is set as true but no accelerator is found, "
                    "then device pinned memory won't be used.",
                    stacklevel=3,
                )
        self._sampler_iter = iter(self._index_sampler)
        # Drawn though unused (no workers to seed), so that the random streams advance as
        # PyTorch's do.
        self._base_seed = draw_seed(loader.generator)
        self._num_yielded = 0
        self._ended = False
        self._data_iter = iter(self._dataset) if self._kind == _ITERABLE else None
        self._fast = (
            self._auto
            and self._collate_fn is default_collate
            and type(self._dataset) is TensorDataset
        )

    def __iter__(self) -> _DataLoaderIter:
        return self

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __next__(self) -> Any:
        index = next(self._sampler_iter)
        data = self._fetch_iterable(index) if self._kind == _ITERABLE else self._fetch_map(index)
        self._num_yielded += 1
        if self._len_called is not None and self._num_yielded > self._len_called:
            warnings.warn(
                f"Length of IterableDataset {self._dataset} was reported to be "
                f"{self._len_called}(when accessing len(dataloader)), but "
                f"{self._num_yielded} samples have been fetched. ",
                stacklevel=2,
            )
        return data

    def _fetch_map(self, index):
        if not self._auto:
            return self._collate_fn(self._dataset[index])
        if self._fast:
            tensors = self._dataset.tensors
            if not any(t.requires_grad for t in tensors):
                # default_collate stacks the rows; one gather per tensor gives the same batch.
                # Anything unusual (non-int indices, out of range) takes the general path,
                # which raises PyTorch's errors.
                try:
                    rows = tensor(index)
                    if rows.dtype is _dtype.int64 and rows.dim() == 1:
                        return [t[rows] for t in tensors]
                except (TypeError, ValueError, IndexError, RuntimeError):
                    pass
        many = getattr(self._dataset, "__getitems__", None)
        if many:
            samples = many(index)
        else:
            samples = [self._dataset[i] for i in index]
        return self._collate_fn(samples)

    def _fetch_iterable(self, index):
        if self._ended:
            raise StopIteration
        if not self._auto:
            return self._collate_fn(next(self._data_iter))
        samples = []
        for _ in index:
            try:
                samples.append(next(self._data_iter))
            except StopIteration:
                self._ended = True
                break
        if not samples or (self._drop_last and len(samples) < len(index)):
            raise StopIteration
        return self._collate_fn(samples)
