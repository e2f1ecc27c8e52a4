"""Shared pytest setup: every test starts with a fresh, empty default graph (and no default
session), so tests are independent of the order they run in.

The tests in tests/devices/ need 8 JAX CPU devices, which XLA makes only when
`XLA_FLAGS=--xla_force_host_platform_device_count=8` is set before JAX starts. The suite
itself runs with one device (8 devices made 3 test files ~13% slower); tests/test_devices.py
runs tests/devices/ in a subprocess with the flag. When the flag is already set, they are
collected here directly (and test_devices.py skips).
"""
import os

import pytest

import tfvars_jax as tf

EIGHT_DEVICES = "--xla_force_host_platform_device_count=8" in os.environ.get("XLA_FLAGS", "")
collect_ignore = [] if EIGHT_DEVICES else ["devices"]


@pytest.fixture(autouse=True)
def _fresh_default_graph():
    tf.reset_default_graph()
    yield


@pytest.fixture
def eager():
    """Eager execution for one test, in this process. TF1's eager mode is process-global and
    cannot be disabled; the library keeps its switch in one place (`context.EAGER`), so a
    test can turn it on and off again. A fresh default graph and eager seed before and
    after keep other tests unaffected. (`tf.enable_eager_execution()` itself, with its
    program-start rule, is tested in a subprocess.)"""
    from tfvars_jax.framework import context, eager as eager_lib

    assert not context.EAGER.enabled, "eager mode leaked from another test"
    tf.reset_default_graph()
    eager_lib.SEEDS.set_global_seed(None)
    context.EAGER.enabled = True
    try:
        yield tf
    finally:
        context.EAGER.enabled = False
        eager_lib.SEEDS.set_global_seed(None)
        tf.reset_default_graph()
