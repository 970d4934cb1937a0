"""Shared test setup: hypothesis profiles (ci by default; dev, thorough) and printing defaults."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev", max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", max_examples=400, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Hypothesis 6.170 chains one more settings object onto a @given test function each time a
# parametrized case of it runs; after ~950 cases of one function the chain's lookups exceed
# Python's recursion limit. Each case starts again from the function's own settings.
_ORIGINAL_SETTINGS: dict = {}


def pytest_runtest_setup(item):
    f = getattr(item, "obj", None)
    s = getattr(f, "_hypothesis_internal_use_settings", None)
    if s is not None:
        _ORIGINAL_SETTINGS.setdefault(f, s)


def pytest_runtest_teardown(item):
    f = getattr(item, "obj", None)
    if f in _ORIGINAL_SETTINGS:
        f._hypothesis_internal_use_settings = _ORIGINAL_SETTINGS[f]
