"""fakel.nn: Module, Parameter, layers, functional and init, as torch.nn."""

from . import functional, init, utils
from .modules import *  # noqa: F403 - the layer classes are the public surface
from .modules import Module
from .parameter import Parameter
