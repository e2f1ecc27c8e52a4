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
import numpy as np


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


# The same switch as `tf_precision()` without a context-manager object, for the eager per-op
# path (0.1 µs instead of 0.5-1 µs per op): `token = enter_x64()` ... `exit_x64(token)`, in a
# `finally`. It sets the same thread-local value the context manager does (JAX's
# `StateContextManager` is exactly `swap_local` and `set_local`); JAX versions without those
# methods get the context manager itself.
if hasattr(jax.enable_x64, "swap_local") and hasattr(jax.enable_x64, "set_local"):
    enter_x64 = functools.partial(jax.enable_x64.swap_local, True)
    exit_x64 = jax.enable_x64.set_local
else:  # pragma: no cover - older/newer JAX
    def enter_x64():
        context = jax.enable_x64(True)
        context.__enter__()
        return context

    def exit_x64(context):
        context.__exit__(None, None, None)


def x64_enabled():
    """Whether JAX's x64 mode is on here (globally or in a `tf_precision()` block)."""
    return bool(jax.config.jax_enable_x64)


def pure_callback_exact(fn, shape, dtype):
    """`jax.pure_callback(fn, ShapeDtypeStruct(shape, dtype))` whose 64-bit result stays exact.

    JAX converts a callback's result in the thread that runs the callback, under the process's
    x64 setting rather than ours, and would narrow a float64 result. A 64-bit result therefore
    travels as 32-bit words and is bitcast back inside the traced program.
    """
    dtype = np.dtype(dtype)
    shape = tuple(shape)
    if dtype.itemsize <= 4 or dtype.kind not in "iufc":
        return jax.pure_callback(fn, jax.ShapeDtypeStruct(shape, dtype))
    words = dtype.itemsize // 4

    def as_words():
        return np.ascontiguousarray(fn(), dtype).view(np.uint32).reshape(shape + (words,))
    packed = jax.pure_callback(as_words, jax.ShapeDtypeStruct(shape + (words,), np.uint32))
    if dtype.kind == "c":  # two float64 (or float32) parts
        half = np.dtype(f"f{dtype.itemsize // 2}")
        parts = packed.reshape(shape + (2, words // 2))
        real, imag = (jax.lax.bitcast_convert_type(parts[..., i, :], half) for i in (0, 1))
        return jax.lax.complex(real, imag)
    return jax.lax.bitcast_convert_type(packed, dtype)
