"""fakel.nn.functional: the functional forms of layers and activations, as torch.nn.functional.

A re-export module: each family's functions live next to their ops; add import lines below.
"""

from __future__ import annotations

from ._conv import conv1d, conv2d
from ._functional_act import (
    celu,
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    relu_,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    tanh,
)
from ._functional_layers import bilinear, dropout, embedding, linear, normalize, one_hot
from ._loss import huber_loss, kl_div, l1_loss, mse_loss, smooth_l1_loss
from ._loss_bce import binary_cross_entropy, binary_cross_entropy_with_logits
from ._loss_nll import cross_entropy, nll_loss
from ._norm import batch_norm, group_norm, layer_norm
from ._pool import adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d


def __getattr__(name):
    # A name PyTorch has here and fakel lacks raises NotImplementedError naming it.
    from .._dropin import missing_attribute

    return missing_attribute(__name__, name)
