"""tests/devices/ runs with 8 JAX CPU devices (see tests/conftest.py)."""
import jax
import pytest


def pytest_collection_modifyitems(config, items):
    if len(jax.devices("cpu")) < 8:
        skip = pytest.mark.skip(reason="needs XLA_FLAGS=--xla_force_host_platform_device_count=8")
        for item in items:
            item.add_marker(skip)
