"""Random numbers that are PyTorch's: its CPU generator (mt19937) and its sampling kernels, so
that ``manual_seed(s)`` followed by rand/randn/randint/randperm/uniform_/normal_ draws the same
numbers as PyTorch (see docs/ARCHITECTURE.md for the one known float32 randn difference)."""

from __future__ import annotations

import math

import numpy as np

from . import _creation as _c
from . import _dtype as _dt
from ._device import as_device
from ._tensor import Tensor, _wrap

_MASK32 = 0xFFFF_FFFF
_U64 = np.uint64
_TWO_PI = 2.0 * math.pi


class Generator:
    """A seedable random stream: PyTorch's CPU generator, an mt19937 seeded with the low 32 bits
    of the seed, plus the cached second Box-Muller sample PyTorch keeps for small normals."""

    def __init__(self, device="cpu"):
        self.device = as_device(device)
        self._seed = 67280421310721  # PyTorch's default seed: unseeded runs repeat, as there
        self._bg = None
        self._normal_cache = None

    @property
    def _mt(self):
        # Made on first use: NumPy's random module costs ~10 ms to import.
        if self._bg is None:
            bg = np.random.MT19937()
            bg._legacy_seeding(self._seed & _MASK32)  # mt19937's own init_genrand, as PyTorch
            self._bg = bg
        return self._bg

    def manual_seed(self, seed) -> Generator:
        seed = int(seed)
        if seed < -0x8000_0000_0000_0000 or seed > 0xFFFF_FFFF_FFFF_FFFF:
            raise RuntimeError(
                "Overflow when unpacking long long"
                if seed < 0
                else "Overflow when unpacking unsigned long"
            )
        self._seed = seed & 0xFFFF_FFFF_FFFF_FFFF
        self._bg = None
        self._normal_cache = None
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & 0x7FFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def get_state(self) -> Tensor:
        """The whole state as a uint8 tensor (fakel's own layout, not PyTorch's 5056 bytes)."""
        st = self._mt.state["state"]
        cache = np.nan if self._normal_cache is None else self._normal_cache
        head = np.array([self._seed, st["pos"]], dtype=np.uint64).view(np.uint8)
        key = np.asarray(st["key"], dtype=np.uint32).view(np.uint8)
        tail = np.array([cache], dtype=np.float64).view(np.uint8)
        return _wrap(np.concatenate([head, key, tail]))

    def set_state(self, new_state) -> Generator:
        a = new_state._data if isinstance(new_state, Tensor) else np.asarray(new_state)
        if a.dtype != np.uint8 or a.size != 16 + 624 * 4 + 8:
            raise RuntimeError("Invalid mt19937 state")
        a = np.ascontiguousarray(a)
        seed, pos = (int(v) for v in a[:16].view(np.uint64))
        key = a[16 : 16 + 2496].view(np.uint32)
        cache = float(a[-8:].view(np.float64)[0])
        self._seed = seed
        bg = np.random.MT19937()
        bg.state = {"bit_generator": "MT19937", "state": {"key": key.copy(), "pos": pos}}
        self._bg = bg
        self._normal_cache = None if math.isnan(cache) else cache
        return self

    # Raw draws: PyTorch's random() and random64().
    def _random32(self, n: int) -> np.ndarray:
        return self._mt.random_raw(n)  # uint64 holding 32-bit outputs

    def _random64(self, n: int) -> np.ndarray:
        r = self._mt.random_raw(2 * n)
        return (r[0::2] << _U64(32)) | r[1::2]


default_generator = Generator()


def _gen(generator) -> Generator:
    return default_generator if generator is None else generator


def manual_seed(seed) -> Generator:
    """Seed every fakel random stream, so that runs repeat (and draw what PyTorch draws)."""
    from . import _backend

    default_generator.manual_seed(seed)
    _backend.manual_seed(seed)
    return default_generator


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


# Sampling kernels on host arrays -----------------------------------------------------------------
def _unit(gen: Generator, n: int, np_dtype) -> np.ndarray:
    """n uniforms on [0, 1) as PyTorch makes them: the low 24 bits of random() for float32 and
    float16 (kept in float32), the low 53 bits of random64() for float64."""
    if np_dtype == np.float64:
        k = gen._random64(n) & _U64((1 << 53) - 1)
        return k.astype(np.float64) * (1.0 / (1 << 53))
    k = gen._random32(n) & _U64((1 << 24) - 1)  # float16 too: drawn as float, then rounded
    return k.astype(np.float32) * np.float32(1.0 / (1 << 24))


def uniform_array(gen: Generator, shape, np_dtype, a=0.0, b=1.0) -> np.ndarray:
    n = math.prod(shape)
    x = _unit(gen, n, np_dtype)
    if a != 0.0 or b != 1.0:
        if x.dtype == np.float32:
            # PyTorch: fma(x, to - from, from) in float. The float64 product of two floats is
            # exact, so one float64 add and the cast to float32 round as the fma does.
            span = np.float64(np.float32(b) - np.float32(a))
            x = (x.astype(np.float64) * span + np.float64(np.float32(a))).astype(np.float32)
        else:
            x = _c._fma(x, b - a, a)  # fused in PyTorch's kernel
    x = x.astype(np_dtype, copy=False)
    top = np.dtype(np_dtype).type(b)
    x[x == top] = a  # as PyTorch: a draw that rounded up to the upper bound becomes the lower
    return x.reshape(shape)


def _box_muller_16(d, mean, std):
    """PyTorch's normal_fill_16 on rows of 16 uniforms: the first 8 give u1, the last 8 u2."""
    one = d.dtype.type(1)
    u1 = one - d[:, :8]
    u2 = d[:, 8:]
    radius = np.sqrt(d.dtype.type(-2) * np.log(u1))
    theta = d.dtype.type(_TWO_PI) * u2
    if std == 1.0 and mean == 0.0:
        d[:, :8] = radius * np.cos(theta)
        d[:, 8:] = radius * np.sin(theta)
        return
    # z * std + mean is fused (one rounding) in PyTorch's kernel.
    for sl, z in ((np.s_[:, :8], radius * np.cos(theta)), (np.s_[:, 8:], radius * np.sin(theta))):
        if d.dtype == np.float64:
            d[sl] = _c._fma(z, std, mean)
        else:  # float products are exact in float64: one add, one cast
            d[sl] = (z.astype(np.float64) * np.float64(np.float32(std)) + np.float32(mean))


def normal_array(gen: Generator, shape, np_dtype, mean=0.0, std=1.0) -> np.ndarray:
    n = math.prod(shape)
    if n >= 16:
        # PyTorch's vectorised path: uniforms in the target precision, Box-Muller in blocks of
        # 16; a ragged tail redraws 16 fresh uniforms for the last 16 slots.
        work = np.float64 if np_dtype == np.float64 else np.float32
        d = _unit(gen, n, work)
        full = n - n % 16
        _box_muller_16(d[:full].reshape(-1, 16), mean, std)
        if n % 16:
            tail = _unit(gen, 16, work)
            _box_muller_16(tail.reshape(1, 16), mean, std)
            d[n - 16 :] = tail
        return d.astype(np_dtype, copy=False).reshape(shape)
    # Small tensors: PyTorch's scalar normal_distribution<double>, two uniforms per pair and the
    # second sample of each pair cached in the generator (across calls).
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        c = gen._normal_cache
        if c is not None:
            gen._normal_cache = None
            out[i] = c
            continue
        r = gen._random64(2) & _U64((1 << 53) - 1)
        u1 = float(r[0]) * (1.0 / (1 << 53))
        u2 = float(r[1]) * (1.0 / (1 << 53))
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = _TWO_PI * u1
        gen._normal_cache = radius * math.sin(theta)
        out[i] = radius * math.cos(theta)
    if std != 1.0 or mean != 0.0:
        out = _c._fma(out, std, mean)  # fused in PyTorch's kernel
    return out.astype(np_dtype).reshape(shape)


def randint_array(gen: Generator, low: int, high: int, shape) -> np.ndarray:
    """PyTorch's random_from_to: random() % range below 2**32, random64() % range above."""
    n = math.prod(shape)
    span = high - low
    raw = gen._random32(n) if span < (1 << 32) else gen._random64(n)
    out = (raw % _U64(span)).astype(np.int64)
    if low:
        out += np.int64(low)
    return out.reshape(shape)


def randperm_array(gen: Generator, n: int) -> np.ndarray:
    """PyTorch's CPU randperm: a forward Fisher-Yates with random() % (n - i)."""
    perm = list(range(n))
    if n > 1:
        raw = gen._random32(n - 1) if n < (1 << 32) // 20 else gen._random64(n - 1)
        picks = (raw % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
        for i, z in enumerate(picks):
            j = i + z
            perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


# Public functions --------------------------------------------------------------------------------
_MANTISSA_ERR = "check_uniform_bounds"


def rand(
    *size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    dt = _c._float_dtype(dtype)
    if dt.category < 2:
        raise NotImplementedError(f"\"{_MANTISSA_ERR}\" not implemented for '{dt._scalar_name}'")
    arr = uniform_array(_gen(generator), _c._size(size), dt.np)
    return _c._finish(arr, None, _c._dev(device), requires_grad)


def randn(
    *size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    dt = _c._float_dtype(dtype)
    if dt.category < 2:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{dt._scalar_name}'")
    arr = normal_array(_gen(generator), _c._size(size), dt.np)
    return _c._finish(arr, None, _c._dev(device), requires_grad)


def randint(
    *args,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """randint(high, size) or randint(low, high, size)."""
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, high, size = 0, args[0], args[1]
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint() missing required argument 'size'")
    if isinstance(size, int):
        raise TypeError("randint(): argument 'size' (position 2) must be tuple of ints, not int")
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dt = _dt.int64 if dtype is None else _dt.to_dtype(dtype)
    arr = randint_array(_gen(generator), low, high, _c._size((size,))).astype(dt.np)
    return _c._finish(arr, None, _c._dev(device), requires_grad)


def randperm(
    n,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = _dt.int64 if dtype is None else _dt.to_dtype(dtype)
    arr = randperm_array(_gen(generator), n).astype(dt.np)
    return _c._finish(arr, None, _c._dev(device), requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:
    return rand(
        input.shape,
        dtype=_c._like(input, dtype),
        device=device or _c._cuda_of(input),
        requires_grad=requires_grad,
    )


def randn_like(input, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:
    return randn(
        input.shape,
        dtype=_c._like(input, dtype),
        device=device or _c._cuda_of(input),
        requires_grad=requires_grad,
    )


def randint_like(input, low=0, high=None, *, dtype=None, device=None, **_) -> Tensor:
    if high is None:
        low, high = 0, low
    dt = _c._like(input, dtype)
    if dt is _dt.bool and high - 1 > 1:
        raise RuntimeError("to - 1 is out of bounds for bool")
    return randint(low, high, input.shape, dtype=dt, device=device or _c._cuda_of(input))


def normal(
    mean,
    std=1.0,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """normal(mean, std, size) with float mean/std, or with tensor mean and/or std."""
    gen = _gen(generator)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._data if isinstance(mean, Tensor) else np.float64(mean)
        s = std._data if isinstance(std, Tensor) else np.float64(std)
        if isinstance(std, Tensor) and (s < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        ref = mean if isinstance(mean, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        z = normal_array(gen, shape, ref._data.dtype)
        arr = (z * s + m).astype(ref._data.dtype)
        return _c._finish(arr, None, None, requires_grad)
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {float(std):g}")
    dt = _c._float_dtype(dtype)
    arr = normal_array(gen, _c._size((size,)), dt.np, float(mean), float(std))
    return _c._finish(arr, None, _c._dev(device), requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """Each element 1 with probability ``input`` (or ``p``): PyTorch's ``uniform < p``."""
    d = input._data
    probs = d if p is None else np.full(d.shape, p, dtype=np.float64)
    if ((probs < 0) | (probs > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    u = uniform_array(_gen(generator), d.shape, np.float32 if d.dtype != np.float64 else d.dtype)
    return _wrap((u < probs).astype(d.dtype))


# In-place fills (Tensor methods call these) ------------------------------------------------------
def _fill(t, arr) -> Tensor:
    from .ops.inplace import check_inplace

    check_inplace(t)
    t._data[...] = arr
    t._vc[0] += 1
    return t


def uniform_(t, a=0.0, b=1.0, generator=None) -> Tensor:
    if a > b:
        raise RuntimeError(
            "uniform_ expects to return a [from, to) range, but found "
            f"from={float(a):g} > to={float(b):g}"
        )
    d = t._data
    if d.dtype.kind != "f":
        raise NotImplementedError(
            f"\"check_uniform_bounds\" not implemented for '{_dt._FROM_NP[d.dtype]._scalar_name}'"
        )
    return _fill(t, uniform_array(_gen(generator), d.shape, d.dtype, float(a), float(b)))


def normal_(t, mean=0.0, std=1.0, generator=None) -> Tensor:
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {float(std):g}")
    d = t._data
    if d.dtype.kind != "f":
        raise NotImplementedError(
            f"\"normal_kernel_cpu\" not implemented for '{_dt._FROM_NP[d.dtype]._scalar_name}'"
        )
    return _fill(t, normal_array(_gen(generator), d.shape, d.dtype, float(mean), float(std)))


def random_(t, from_=None, to=None, generator=None) -> Tensor:
    """random_() draws over the dtype's whole range; random_(to) / random_(from, to) in [from,
    to)."""
    d = t._data
    gen = _gen(generator)
    if from_ is not None and to is None:
        from_, to = 0, from_
    if to is not None:
        return _fill(t, randint_array(gen, int(from_ or 0), int(to), d.shape).astype(d.dtype))
    n = d.size
    if d.dtype == np.bool_:
        arr = (gen._random32(n) & _U64(1)).astype(np.bool_)
    elif d.dtype in (np.int64, np.float64):
        top = 1 << 63 if d.dtype == np.int64 else (1 << 53) + 1
        arr = (gen._random64(n) % _U64(top)).astype(d.dtype)
    elif d.dtype.kind in "iu":
        arr = (gen._random32(n) % _U64(int(np.iinfo(d.dtype).max) + 1)).astype(d.dtype)
    else:
        bits = 11 if d.dtype == np.float16 else 24
        arr = (gen._random32(n) % _U64((1 << bits) + 1)).astype(d.dtype)
    return _fill(t, arr.reshape(d.shape))


def bernoulli_(t, p=0.5, generator=None) -> Tensor:
    d = t._data
    probs = p._data if isinstance(p, Tensor) else p
    u = uniform_array(_gen(generator), d.shape, np.float32 if d.dtype != np.float64 else d.dtype)
    return _fill(t, (u < probs).astype(d.dtype))


def exponential_(t, lambd=1.0, generator=None) -> Tensor:
    d = t._data
    u = uniform_array(_gen(generator), d.shape, np.float64)
    return _fill(t, (-np.log1p(-u) / lambd).astype(d.dtype))
