"""The persistent compilation cache: on by default in the per-user directory, opt-out by
environment variable, a user's own JAX cache directory kept (each checked in a new process,
since the setting is made on import)."""
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # each test starts a Python process that imports tfvars_jax

PROBE = ("import jax, tfvars_jax as tf\n"
         "v = tf.Variable(1.0)\n"
         "with tf.Session() as s:\n"
         "    s.run(v.initializer); s.run(v.assign_add(1.0))\n"
         "print(jax.config.jax_compilation_cache_dir)\n")


def _probe(env, code=PROBE):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **env}, check=True)
    return out.stdout.strip().splitlines()[-1]


def test_cache_is_on_by_default_and_fills_the_directory(tmp_path):
    cache = tmp_path / "xla"
    assert _probe({"TFVARS_JAX_CACHE_DIR": str(cache)}) == str(cache)
    assert any(cache.iterdir())  # the compiled steps were written


def test_xdg_cache_home_is_the_default_location(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "TFVARS_JAX_CACHE_DIR": ""}
    assert _probe(env) == str(tmp_path / "tfvars_jax" / "xla")


def test_opt_out_and_user_setting(tmp_path):
    assert _probe({"TFVARS_JAX_COMPILATION_CACHE": "0"}) == "None"
    mine = tmp_path / "mine"
    code = (f"import jax\njax.config.update('jax_compilation_cache_dir', {str(mine)!r})\n" +
            PROBE)
    assert _probe({"TFVARS_JAX_CACHE_DIR": str(tmp_path / "ours")}, code) == str(mine)
