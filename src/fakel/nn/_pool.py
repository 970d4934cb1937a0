"""Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d (and the 1-d forms over them).

Windows are strided views of a padded copy; sums and gradients loop over the kernel offsets
(kh*kw vectorised slices), never over pixels. Max pooling scatters its gradient with one fancy
assignment (non-overlapping windows) or ``np.bincount`` (overlapping ones). Backward is NumPy:
no double backward.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ..ops._common import attach
from ._conv import _shape_str, no_double_backward

_INTS = (int, np.integer)


def _pair(value, what: str, fn: str, allow_none: bool = False):
    if value is None or (allow_none and isinstance(value, (tuple, list)) and len(value) == 0):
        return None
    if isinstance(value, _INTS):
        return (int(value), int(value))
    vals = tuple(int(v) for v in value)
    if len(vals) == 1:
        return vals * 2
    if len(vals) != 2:
        if what == "stride":
            raise RuntimeError(
                f"{fn}: stride must either be omitted, a single int, or a tuple of two ints"
            )
        verb = "be either" if what == "dilation" else "either be"
        raise RuntimeError(f"{fn}: {what} must {verb} a single int, or a tuple of two ints")
    return vals


def _out_size(size, k, pad, stride, dil, ceil):
    """PyTorch's pooling_output_shape, with its checks."""
    if stride == 0:
        raise RuntimeError("stride should not be zero")
    if pad < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {pad}")
    if pad > int(((k - 1) * dil + 1) / 2):
        raise RuntimeError(
            f"pad should be at most half of effective kernel size, but got pad={pad}, "
            f"kernel_size={k} and dilation={dil}"
        )
    out = (size + 2 * pad - dil * (k - 1) - 1 + (stride - 1 if ceil else 0)) // stride + 1
    if ceil and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _geometry(x, kernel, stride, padding, dilation, ceil, fn):
    """(kh, kw, sh, sw, ph, pw, dh, dw, ho, wo) after PyTorch's checks (input 3-d or 4-d)."""
    kh, kw = kernel
    sh, sw = stride
    ph, pw = padding
    dh, dw = dilation
    ho = _out_size(x.shape[-2], kh, ph, sh, dh, ceil)
    wo = _out_size(x.shape[-1], kw, pw, sw, dw, ceil)
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kh} kW: {kw}")
    if sh <= 0 or sw <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {sh} dW: {sw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(
            f"dilation should be greater than zero, but got dilationH: {dh} dilationW: {dw}"
        )
    shape = x.shape
    if any(v == 0 for v in shape[-3:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:{_shape_str(shape)}"
        )
    if ho < 1 or wo < 1:
        raise RuntimeError(
            f"Given input size: ({shape[-3]}x{shape[-2]}x{shape[-1]}). Calculated output size: "
            f"({shape[-3]}x{ho}x{wo}). Output size is too small"
        )
    return kh, kw, sh, sw, ph, pw, dh, dw, ho, wo


def _padded(x4, ph, pw, hp, wp, fill):
    """x4 (N, C, H, W) placed at (ph, pw) in an (N, C, hp, wp) array of ``fill``."""
    n, c, h, w = x4.shape
    if ph == 0 and pw == 0 and hp <= h and wp <= w:
        return x4
    out = np.full((n, c, max(hp, ph + h), max(wp, pw + w)), fill, dtype=x4.dtype)
    out[:, :, ph : ph + h, pw : pw + w] = x4
    return out


class MaxPool2DWithIndicesBackward0(Node):
    __slots__ = ("_idx", "_unique", "_xshape")

    def _release(self) -> None:
        super()._release()
        self._idx = None

    def backward(self, g):
        no_double_backward(self)
        (x,) = self.saved()
        idx = self._idx
        shape = self._xshape
        n_in = int(np.prod(shape))
        gd = g._data
        if self._unique:
            dx = np.zeros(n_in, dtype=gd.dtype)
            dx[idx.ravel()] = gd.ravel()
        else:
            dx = np.bincount(idx.ravel(), weights=gd.ravel(), minlength=n_in).astype(gd.dtype)
        return (_wrap(dx.reshape(shape)),)


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-d max pooling as ``torch.nn.functional.max_pool2d`` (NaN wins, ties go to the first)."""
    fn = "max_pool2d"
    kernel = _pair(kernel_size, "kernel_size", fn)
    strd = _pair(stride, "stride", fn, allow_none=True) or kernel
    pad = _pair(padding, "padding", fn)
    dil = _pair(dilation, "dilation", fn)
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    kh, kw, sh, sw, ph, pw, dh, dw, ho, wo = _geometry(x, kernel, strd, pad, dil, ceil_mode, fn)
    x4 = x if x.ndim == 4 else x[None]
    n, c, h, w = x4.shape
    hp = (ho - 1) * sh + dh * (kh - 1) + 1
    wp = (wo - 1) * sw + dw * (kw - 1) + 1
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min if x.dtype.kind in "iu" else 0
    xp = _padded(x4, ph, pw, hp, wp, fill)
    hspan, wspan = sh * (ho - 1) + 1, sw * (wo - 1) + 1
    # One strided slice per kernel offset; the maximum accumulates over them (NaN propagates).
    slices = [
        xp[:, :, i * dh : i * dh + hspan : sh, j * dw : j * dw + wspan : sw]
        for i in range(kh)
        for j in range(kw)
    ]
    out = slices[0].copy()
    for sl in slices[1:]:
        np.maximum(out, sl, out=out)
    oshape = out.shape if x.ndim == 4 else out.shape[1:]
    result = _wrap(out.reshape(oshape))
    need = input._requires_grad and _state.enabled
    if not (need or return_indices):
        return result
    # The offset PyTorch picks: the first maximum, or the last NaN of a window with NaNs.
    arg = np.zeros(out.shape, dtype=np.intp)
    for k in range(len(slices) - 1, -1, -1):
        np.copyto(arg, k, where=slices[k] == out)
    if out.dtype.kind == "f":
        nan = np.isnan(out)
        if nan.any():
            last = np.zeros(out.shape, dtype=np.intp)
            for k in range(1, len(slices)):
                np.copyto(last, k, where=np.isnan(slices[k]))
            np.copyto(arg, last, where=nan)
    # Window position -> index into the input plane (h * W + w), as PyTorch returns it.
    if ph == 0 and pw == 0 and xp.shape[2] == h and xp.shape[3] == w:
        # Every cell is real: the window's first cell plus the chosen offset's displacement.
        steps = np.array([i * dh * w + j * dw for i in range(kh) for j in range(kw)])
        idx = steps[arg]
        idx += np.arange(ho).reshape(ho, 1) * (sh * w) + np.arange(wo) * sw
    else:
        hi = np.arange(ho).reshape(ho, 1) * sh - ph + (arg // kw) * dh
        wi = np.arange(wo) * sw - pw + (arg % kw) * dw
        np.clip(hi, 0, h - 1, out=hi)  # an all -inf window: PyTorch names its first real cell
        np.clip(wi, 0, w - 1, out=wi)
        idx = hi * w + wi
    if need:
        node = MaxPool2DWithIndicesBackward0()
        node.save(input)
        base = (np.arange(n * c, dtype=np.int64) * (h * w)).reshape(n, c, 1, 1)
        node._idx = idx + base
        node._unique = sh >= dh * (kh - 1) + 1 and sw >= dw * (kw - 1) + 1
        node._xshape = x.shape
        attach(result, node, input)
    if return_indices:
        return result, _wrap(idx.reshape(oshape))
    return result


def _avg_divisor(size, k, pad, stride, out, include_pad):
    start = np.arange(out) * stride - pad
    end = np.minimum(start + k, size + pad)
    full = end - start
    if include_pad:
        return full
    return np.minimum(end, size) - np.maximum(start, 0)


class AvgPool2DBackward0(Node):
    __slots__ = ("_geom", "_div", "_xshape")

    def backward(self, g):
        no_double_backward(self)
        kh, kw, sh, sw, ph, pw, ho, wo, hp, wp = self._geom
        shape = self._xshape
        gd = g._data
        gd = gd.reshape((-1,) + gd.shape[-3:]) if gd.ndim == 3 else gd
        gd = gd / self._div
        n, c = gd.shape[:2]
        dxp = np.zeros((n, c, hp, wp), dtype=gd.dtype)
        hspan, wspan = sh * (ho - 1) + 1, sw * (wo - 1) + 1
        for i in range(kh):
            for j in range(kw):
                dxp[:, :, i : i + hspan : sh, j : j + wspan : sw] += gd
        h, w = shape[-2], shape[-1]
        return (_wrap(dxp[:, :, ph : ph + h, pw : pw + w].reshape(shape)),)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """2-d average pooling as ``torch.nn.functional.avg_pool2d``."""
    fn = "avg_pool2d"
    kernel = _pair(kernel_size, "kernel_size", fn)
    strd = _pair(stride, "stride", fn, allow_none=True) or kernel
    pad = _pair(padding, "padding", fn)
    x = input._data
    if x.ndim < 3:
        n = x.ndim if x.ndim else 1
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got -3)"
        )
    if x.ndim > 4:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    kh, kw, sh, sw, ph, pw, _, _, ho, wo = _geometry(x, kernel, strd, pad, (1, 1), ceil_mode, fn)
    x4 = x if x.ndim == 4 else x[None]
    n, c, h, w = x4.shape
    hp = max((ho - 1) * sh + kh, h + 2 * ph)
    wp = max((wo - 1) * sw + kw, w + 2 * pw)
    xp = _padded(x4, ph, pw, hp, wp, 0)
    hp, wp = xp.shape[2], xp.shape[3]
    hspan, wspan = sh * (ho - 1) + 1, sw * (wo - 1) + 1
    acc_dtype = np.int64 if x.dtype.kind in "biu" else x.dtype
    total = np.zeros((n, c, ho, wo), dtype=acc_dtype)
    for i in range(kh):
        for j in range(kw):
            total += xp[:, :, i : i + hspan : sh, j : j + wspan : sw]
    if divisor_override is not None:
        div = np.asarray(divisor_override, dtype=acc_dtype)
    else:
        dh_ = _avg_divisor(h, kh, ph, sh, ho, count_include_pad)
        dw_ = _avg_divisor(w, kw, pw, sw, wo, count_include_pad)
        div = (dh_.reshape(ho, 1) * dw_).astype(acc_dtype)
    if x.dtype.kind in "biu":
        out = (np.abs(total) // div * np.sign(total)).astype(x.dtype)  # C's truncating division
    else:
        out = total / div
    result = _wrap(out if x.ndim == 4 else out[0])
    if input._requires_grad and _state.enabled:
        node = AvgPool2DBackward0()
        node._geom = (kh, kw, sh, sw, ph, pw, ho, wo, hp, wp)
        node._div = div
        node._xshape = x.shape
        attach(result, node, input)
    return result


def _adaptive_matrix(size, out):
    """0/1 matrix (out, size) of PyTorch's adaptive windows and the window lengths."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    pos = np.arange(size)
    m = (pos >= start[:, None]) & (pos < end[:, None])
    return m, end - start


class AdaptiveAvgPool2DBackward0(Node):
    __slots__ = ("_mh", "_mw", "_cnt", "_xshape")

    def backward(self, g):
        no_double_backward(self)
        gd = g._data / self._cnt
        dx = np.matmul(np.matmul(self._mh.T, gd), self._mw)
        return (_wrap(dx.reshape(self._xshape)),)


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """Adaptive 2-d average pooling; an output of 1x1 is a mean (MeanBackward1, as PyTorch)."""
    x = input._data
    if isinstance(output_size, _INTS):
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    if x.ndim not in (3, 4):
        raise RuntimeError(
            f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {_shape_str(x.shape)}"
        )
    ho = x.shape[-2] if output_size[0] is None else int(output_size[0])
    wo = x.shape[-1] if output_size[1] is None else int(output_size[1])
    if ho < 0 or wo < 0:
        raise RuntimeError(
            "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
            f"received {{{ho}, {wo}}}"
        )
    if x.dtype.kind != "f":
        from ._conv import _TYPE_NAMES

        raise NotImplementedError(
            f"\"adaptive_avg_pool2d\" not implemented for '{_TYPE_NAMES[x.dtype.name]}'"
        )
    for d in range(x.ndim - 3 + 1, x.ndim):
        if x.shape[d] == 0:
            raise RuntimeError(
                "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                f"dimensions, but input has sizes {_shape_str(x.shape)} with dimension {d} being "
                "empty"
            )
    if ho == 1 and wo == 1:
        return input.mean(dim=(-1, -2), keepdim=True)
    h, w = x.shape[-2], x.shape[-1]
    mh, ch = _adaptive_matrix(h, ho)
    mw, cw = _adaptive_matrix(w, wo)
    cnt = (ch.reshape(ho, 1) * cw).astype(x.dtype)
    if h % max(ho, 1) == 0 and w % max(wo, 1) == 0 and ho and wo:
        out = x.reshape(x.shape[:-2] + (ho, h // ho, wo, w // wo)).sum(axis=(-3, -1)) / cnt
    else:
        mhf, mwf = mh.astype(x.dtype), mw.astype(x.dtype)
        out = np.matmul(np.matmul(mhf, x), mwf.T) / cnt
    result = _wrap(out)
    if input._requires_grad and _state.enabled:
        node = AdaptiveAvgPool2DBackward0()
        node._mh = mh.astype(x.dtype)
        node._mw = mw.astype(x.dtype)
        node._cnt = cnt
        node._xshape = x.shape
        attach(result, node, input)
    return result


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """1-d max pooling: a 2-d one over an unsqueezed height (PyTorch's graph: SqueezeBackward1)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
            f"for input, but got:{_shape_str(input.shape)}"
        )
    k = _one(kernel_size, "kernel_size", return_indices)
    s = _one(stride, "stride", return_indices) if stride is not None else None
    if s is None or s == ():
        s = k
    p = _one(padding, "padding", return_indices)
    d = _one(dilation, "dilation", return_indices)
    if not return_indices:  # PyTorch's max_pool1d checks its arguments itself first
        for name, v, low in (("kernel_size", k, 1), ("stride", s, 1)):
            if v < low:
                raise RuntimeError(f"max_pool1d() {name} must be greater than zero, but got {v}")
        if p < 0:
            raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
        if p > k // 2:
            raise RuntimeError(
                "max_pool1d() padding should be at most half of kernel size, but got padding="
                f"{p} and kernel_size={k}"
            )
        if d < 1:
            raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
        lo = _out_size(input.shape[-1], k, p, s, d, ceil_mode)
        if lo <= 0:
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {lo}")
    out = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-d average pooling over an unsqueezed height, as PyTorch (SqueezeBackward1 on top)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
            "'self' (while checking arguments for avg_pool1d)"
        )
    k = _one(kernel_size, "kernel_size", fn="avg_pool1d")
    s = _one(stride, "stride", fn="avg_pool1d") if stride is not None else None
    out = avg_pool2d(
        input.unsqueeze(-2),
        (1, k),
        (1, s) if s is not None and s != () else None,
        (0, _one(padding, "padding", fn="avg_pool1d")),
        ceil_mode,
        count_include_pad,
    )
    return out.squeeze(-2)


def _one(v, name, indices=True, fn="max_pool1d"):
    """A 1-d pooling parameter as one int (PyTorch's messages for longer lists)."""
    if isinstance(v, _INTS):
        return int(v)
    v = tuple(v)
    if len(v) == 1:
        return int(v[0])
    if not v and name == "stride":
        return ()
    if indices:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(v)})")
    raise RuntimeError(
        f"max_pool1d() {name} must be an int, list of ints or tuple of ints of size 1 but got "
        f"size {len(v)}"
    )
