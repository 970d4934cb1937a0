"""Optimizers (torch.optim): the Optimizer base class, SGD and Adam."""

from .adam import Adam
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "Optimizer"]
