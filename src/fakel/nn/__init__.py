"""fakel.nn: Module, Parameter, layers, functional and init, as torch.nn."""

from . import functional, init, utils
from .modules import *  # noqa: F403 - the layer classes are the public surface
from .modules import Module
from .parameter import Parameter


def __getattr__(name):
    # A name PyTorch has here and fakel lacks raises NotImplementedError naming it.
    from .._dropin import missing_attribute

    return missing_attribute(__name__, name)
