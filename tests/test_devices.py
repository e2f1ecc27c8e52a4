"""Runs tests/devices/ (placement on 8 JAX CPU devices) in a subprocess started with
`XLA_FLAGS=--xla_force_host_platform_device_count=8` (the flag must be set before JAX starts;
see tests/conftest.py)."""
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import EIGHT_DEVICES

HERE = pathlib.Path(__file__).parent


@pytest.mark.skipif(EIGHT_DEVICES, reason="tests/devices/ is collected directly")
def test_device_tests_on_8_host_devices():
    env = dict(os.environ)
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") +
                        " --xla_force_host_platform_device_count=8").strip()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-x", str(HERE / "devices")], env=env, cwd=HERE.parent,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    assert " passed" in result.stdout.splitlines()[-1], result.stdout[-2000:]
