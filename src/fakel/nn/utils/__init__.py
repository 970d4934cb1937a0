"""fakel.nn.utils: gradient clipping and parameter/vector conversion."""

from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters"]


def __getattr__(name):
    # A name PyTorch has here and fakel lacks raises NotImplementedError naming it.
    from ..._dropin import missing_attribute

    return missing_attribute(__name__, name)
