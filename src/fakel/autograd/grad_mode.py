"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode."""

from __future__ import annotations

import functools
import inspect
import threading


class _State(threading.local):
    # Thread-local like PyTorch's: a new thread starts with grad mode on.
    enabled = True
    inference = False


_state = _State()


class InferenceVC(list):
    """The version counter of an inference tensor: its class is the mark (a view shares it, so
    a view of an inference tensor is one too). Normal tensors use a plain list."""

    __slots__ = ()


def _count_inference(delta: int) -> None:
    # _wrap checks this process-wide count before the thread-local flag: zero cost outside.
    from .. import _tensor

    _tensor._INFERENCE += delta


def is_grad_enabled() -> bool:
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


class _Mode:
    """Base of the grad-mode context managers; also usable as a decorator."""

    _target = True

    def __call__(self, fn=None):
        if fn is None:
            return self
        if inspect.isclass(fn):
            raise TypeError("grad-mode decorators do not support classes")
        mode = self

        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                gen = fn(*args, **kwargs)
                try:
                    with mode.clone():
                        request = next(gen)
                    while True:
                        try:
                            response = yield request
                        except GeneratorExit:
                            with mode.clone():
                                gen.close()
                            raise
                        except BaseException as exc:  # forward throw() into the generator
                            with mode.clone():
                                request = gen.throw(exc)
                        else:
                            with mode.clone():
                                request = gen.send(response)
                except StopIteration as stop:
                    return stop.value

            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with mode.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = self._target

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False


class no_grad(_Mode):
    """Disable gradient recording inside the block or the decorated function."""

    _target = False

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is not None:  # used as @no_grad without parentheses
            return self(orig_func)
        return self

    def __init__(self, orig_func=None):
        pass


class enable_grad(no_grad):
    """Re-enable gradient recording inside a no_grad block."""

    _target = True


class set_grad_enabled(_Mode):
    """Set grad mode: works as a plain call, a context manager and a decorator."""

    def __init__(self, mode: bool) -> None:
        if type(mode) is not bool:
            raise TypeError(
                "set_grad_enabled(): argument 'mode' (position 1) must be bool, not "
                f"{type(mode).__name__}"
            )
        self._prev = _state.enabled
        self._target = mode
        _state.enabled = mode

    def __call__(self, fn=None):
        _state.enabled = self._prev  # as a decorator, the mode applies only inside calls
        return super().__call__(fn)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False

    def clone(self):
        return _Scoped(self._target)


class _Scoped(_Mode):
    def __init__(self, mode: bool):
        self._target = mode

    def clone(self):
        return _Scoped(self._target)


class inference_mode(_Mode):
    """Like no_grad; tensors made inside are marked as inference tensors."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode) and not isinstance(mode, bool):
            self._mode = True
            return self(mode)
        return self

    def __init__(self, mode: bool = True):
        if callable(mode) and not isinstance(mode, bool):
            return
        self._mode = mode

    def clone(self):
        return inference_mode(self._mode)

    def __enter__(self):
        self._prev = (_state.enabled, _state.inference)
        if self._mode:
            _state.enabled = False
            _state.inference = True
            _count_inference(1)
        else:
            _state.enabled = True
            _state.inference = False

    def __exit__(self, *exc):
        _state.enabled, _state.inference = self._prev
        if self._mode:
            _count_inference(-1)
        return False
