"""TF1's exact dtypes without changing the user's JAX configuration.

TF1 programs use int64 (`global_step`) and float64 values; JAX computes them in 64 bits only
with its x64 mode on, and otherwise silently in 32. Rather than switching x64 on for the whole
process (which would change every other JAX library's dtypes, `jnp.array(1.0)` becoming
float64), each of our entry points into JAX — building an op (shape inference), a Session run,
setting values, a functional init — runs inside `jax.enable_x64(True)` (about 0.6 µs each).
The user's own JAX code keeps the user's setting. Ops keep their declared dtypes, so float32
models stay float32.
"""
import functools

import jax


def tf_precision():
    """The context in which TF1's dtypes are exact: JAX's x64 mode, for this thread only."""
    return jax.enable_x64(True)


def with_tf_precision(fn):
    """Decorates an entry point into JAX to run under `tf_precision()`."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with jax.enable_x64(True):
            return fn(*args, **kwargs)
    return wrapped


def x64_enabled():
    """Whether JAX's x64 mode is on here (globally or in a `tf_precision()` block)."""
    return bool(jax.config.jax_enable_x64)
