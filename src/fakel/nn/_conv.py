"""conv1d and conv2d: im2col (a strided view, one copy) + batched matmul; one ConvolutionBackward0.

A 1-d convolution runs as a 2-d one with a height of 1. The forward keeps its im2col matrix for
the weight gradient; the input gradient is a col2im that loops over the kernel offsets (kh*kw
vectorised scatter-adds), never over pixels. The backward is NumPy: no double backward.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._dtype import _PREFIX
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state
from ..autograd.graph import SECOND_BACKWARD, Node
from ..ops._common import attach

_INTS = (int, np.integer)
_TYPE_NAMES = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}
_C_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def no_double_backward(node) -> None:
    """Raise under create_graph: these nodes compute their gradients in NumPy."""
    if _state.enabled:
        raise RuntimeError(
            f"fakel: {type(node).__name__} computes its gradient in NumPy and has no double "
            "backward (create_graph=True through this nn layer is not supported)"
        )


def conv_param(value, n: int, name: str) -> tuple:
    """PyTorch's expansion of an int-or-list convolution parameter to ``n`` values."""
    if isinstance(value, _INTS):
        return (int(value),) * n
    vals = tuple(int(v) for v in value)
    if len(vals) == 1:
        return vals * n
    if len(vals) != n:
        shown = "[" + ", ".join(map(str, vals)) + "]"
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match the "
            f"convolution dimensions, but got {name}={shown}"
        )
    return vals


def _shape_str(shape) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def _check_types(x, w, b) -> None:
    xd, wd = x.dtype, w.dtype
    if xd != wd:
        if xd == np.float64 or xd.kind != "f":
            raise RuntimeError(
                f"expected scalar type {_TYPE_NAMES[xd.name]} but found {_TYPE_NAMES[wd.name]}"
            )
        raise RuntimeError(
            f"Input type ({_PREFIX[0]}.{_TYPE_NAMES[xd.name]}Tensor) and weight type "
            f"({_PREFIX[0]}.{_TYPE_NAMES[wd.name]}Tensor) should be the same or input should be a "
            "MKLDNN tensor and weight is a dense tensor"
        )
    if b is not None and b.dtype != xd:
        raise RuntimeError(
            f"Input type ({_C_NAMES[xd.name]}) and bias type ({_C_NAMES[b.dtype.name]}) should "
            "be the same"
        )
    if xd == np.bool_:
        raise NotImplementedError("\"slow_conv2d_cpu\" not implemented for 'Bool'")


def _windows(xp, kh, kw, sh, sw, dh, dw, ho, wo):
    """(N, C, kh, kw, Ho, Wo) view of a padded (N, C, Hp, Wp) array: no copy."""
    s0, s1, s2, s3 = xp.strides
    n, c = xp.shape[:2]
    return as_strided(
        xp, (n, c, kh, kw, ho, wo), (s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw), writeable=False
    )


def _pad(x, pads):
    """Zero-pad the last two dims by (top, bottom, left, right)."""
    t, b, left, r = pads
    if not (t or b or left or r):
        return x
    n, c, h, w = x.shape
    out = np.zeros((n, c, h + t + b, w + left + r), dtype=x.dtype)
    out[:, :, t : t + h, left : left + w] = x
    return out


class ConvolutionBackward0(Node):
    __slots__ = ("_cols", "_geom", "_xshape", "_wshape")

    def _release(self) -> None:
        super()._release()
        self._cols = None

    def backward(self, g):
        no_double_backward(self)
        x, w, b = self.saved()
        cols = self._cols
        if cols is None:
            raise RuntimeError(SECOND_BACKWARD)
        kh, kw, sh, sw, dh, dw, pads, groups, n, cin, o, ho, wo, hp, wp = self._geom
        og = o // groups
        gd = g._data.reshape(n, groups, og, ho * wo)
        wd = w._data
        gx = gw = gb = None
        if x._requires_grad:
            wmat = wd.reshape(groups, og, cols.shape[2])
            dcols = np.matmul(wmat.swapaxes(1, 2), gd)  # (N, G, Cg*kh*kw, L)
            dcols = dcols.reshape(n, cin, kh, kw, ho, wo)
            t, bt, left, r = pads
            dxp = np.zeros((n, cin, hp, wp), dtype=gd.dtype)
            hspan, wspan = sh * (ho - 1) + 1, sw * (wo - 1) + 1
            for i in range(kh):
                for j in range(kw):
                    dxp[:, :, i * dh : i * dh + hspan : sh, j * dw : j * dw + wspan : sw] += dcols[
                        :, :, i, j
                    ]
            h4, w4 = hp - t - bt, wp - left - r
            gx = _wrap(dxp[:, :, t : t + h4, left : left + w4].reshape(self._xshape))
        if w._requires_grad:
            # N small GEMMs then a sum: measured far faster than one long-inner-dim GEMM
            # (tensordot), whose copies and threading cost more than the products.
            gwd = np.matmul(gd, cols.swapaxes(2, 3)).sum(axis=0)
            gw = _wrap(gwd.reshape(self._wshape))
        if b is not None and b._requires_grad:
            gb = _wrap(gd.sum(axis=(0, 3)).reshape(o))
        return (gx, gw, gb)


def _convnd(input, weight, bias, stride, padding, dilation, groups, nd: int):
    """The shared body of conv1d/conv2d (``nd`` spatial dims, 1 or 2)."""
    name = f"conv{nd}d"
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({type(input).__name__}, {type(weight).__name__}), but expected (Tensor input, "
            "Tensor weight, Tensor bias = None, ...)"
        )
    x, w = input._data, weight._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
            f"input of size: {_shape_str(x.shape)}"
        )
    if x.ndim == nd + 1:  # unbatched: PyTorch's graph is unsqueeze -> conv -> squeeze
        out = _convnd(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups, nd)
        return out.squeeze(0)
    xs = x.shape
    s = conv_param(stride, nd, "stride")
    dl = conv_param(dilation, nd, "dilation")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = conv_param(padding, nd, "padding")
    if any(v <= 0 for v in s):
        raise RuntimeError("non-positive stride is not supported")
    if not isinstance(padding, str) and any(v < 0 for v in padding):
        raise RuntimeError("negative padding is not supported")
    if any(v <= 0 for v in dl):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w.ndim != nd + 2:
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of {w.ndim - 2} values to "
            f"match the convolution dimensions, but got stride={list(s)}"
        )
    o = w.shape[0]
    if o == 0 or o % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but "
            f"got weight of size {_shape_str(w.shape)} instead"
            if o < groups
            else f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size {_shape_str(w.shape)} instead"
        )
    if xs[1] != w.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {_shape_str(w.shape)}, expected input"
            f"{_shape_str(xs)} to have {w.shape[1] * groups} channels, but got {xs[1]} channels "
            "instead"
        )
    b = None
    if bias is not None:
        b = bias._data
        if b.ndim != 1 or b.shape[0] != o:
            raise RuntimeError(
                f"Given weight of size {_shape_str(w.shape)}, expected bias to be 1-dimensional "
                f"with {o} elements, but got bias of size {_shape_str(b.shape)} instead"
            )
    _check_types(x, w, b)
    # Work in 2-d: a 1-d convolution is a 2-d one of height 1.
    x4 = x.reshape(xs) if nd == 2 else x.reshape(xs[0], xs[1], 1, xs[2])
    w4 = w if nd == 2 else w.reshape(w.shape[0], w.shape[1], 1, w.shape[2])
    if nd == 1:
        s, dl = (1,) + s, (1,) + dl
    kh, kw = w4.shape[2], w4.shape[3]
    sh, sw = s
    dh, dw = dl
    if padding == "valid":
        pads = (0, 0, 0, 0)
    elif padding == "same":
        if any(v != 1 for v in s):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        tot_h, tot_w = dh * (kh - 1), dw * (kw - 1)
        if tot_h % 2 or tot_w % 2:
            warnings.warn(
                "Using padding='same' with even kernel lengths and odd dilation may require a "
                "zero-padded copy of the input be created",
                UserWarning,
                stacklevel=3,
            )
            # PyTorch pads the odd extra on the right as a node of its own, then convolves
            # with the symmetric rest.
            extra = (tot_h % 2, tot_w % 2) if nd == 2 else (tot_w % 2,)
            half = (tot_h // 2, tot_w // 2) if nd == 2 else (tot_w // 2,)
            return _convnd(
                _constant_pad_right(input, extra),
                weight,
                bias,
                stride,
                half,
                dilation,
                groups,
                nd,
            )
        pads = (tot_h // 2, tot_h // 2, tot_w // 2, tot_w // 2)
    else:
        p = padding if nd == 2 else (0,) + padding
        pads = (p[0], p[0], p[1], p[1])
    n, c, h, wd_ = x4.shape
    hp, wp = h + pads[0] + pads[1], wd_ + pads[2] + pads[3]
    ekh, ekw = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if hp < ekh or wp < ekw:
        size = f"({hp} x {wp})" if nd == 2 else f"({wp})"
        ksize = f"({ekh} x {ekw})" if nd == 2 else f"({ekw})"
        raise RuntimeError(
            f"Calculated padded input size per channel: {size}. Kernel size: {ksize}. Kernel "
            "size can't be greater than actual input size"
        )
    ho, wo = (hp - ekh) // sh + 1, (wp - ekw) // sw + 1
    xp = _pad(x4, pads)
    # im2col: (N, G, Cg*kh*kw, L), one copy of the strided view.
    cols = _windows(xp, kh, kw, sh, sw, dh, dw, ho, wo).reshape(
        n, groups, (c // groups) * kh * kw, ho * wo
    )
    out = np.matmul(w4.reshape(groups, o // groups, cols.shape[2]), cols)  # (N, G, Og, L)
    out = out.reshape(n, o, ho, wo)
    if b is not None:
        out += b.reshape(1, o, 1, 1)
    oshape = (n, o, ho, wo) if nd == 2 else (n, o, wo)
    result = _wrap(out.reshape(oshape))
    if _state.enabled and (
        input._requires_grad or weight._requires_grad or (bias is not None and bias._requires_grad)
    ):
        node = ConvolutionBackward0()
        node.save(input, weight, bias)
        node._cols = cols
        node._geom = (kh, kw, sh, sw, dh, dw, pads, groups, n, c, o, ho, wo, hp, wp)
        node._xshape = x.shape
        node._wshape = w.shape
        attach(result, node, input, weight, bias)
    return result


class ConstantPadNdBackward0(Node):
    __slots__ = ("_index",)

    def backward(self, g):
        return (g[self._index],)


def _constant_pad_right(input, extra):
    """Zero-pad the trailing dims of ``input`` on the right by ``extra`` (PyTorch's node)."""
    x = input._data
    k = len(extra)
    out = np.zeros(x.shape[:-k] + tuple(s + e for s, e in zip(x.shape[-k:], extra)), x.dtype)
    index = (Ellipsis,) + tuple(slice(0, s) for s in x.shape[-k:])
    out[index] = x
    result = _wrap(out)
    if input._requires_grad and _state.enabled:
        node = ConstantPadNdBackward0()
        node._index = index
        attach(result, node, input)
    return result


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-d convolution (cross-correlation) as ``torch.nn.functional.conv2d``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-d convolution (cross-correlation) as ``torch.nn.functional.conv1d``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1)
