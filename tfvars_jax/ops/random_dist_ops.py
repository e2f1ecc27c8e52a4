"""More random ops: `tf.random_gamma`, `tf.random_poisson`, `tf.random_crop` (kind `RANDOM`,
seeded as every random op: see `random_ops`). Values follow the same distributions as TF1's
but are not TF1's bits (JAX's PRNG)."""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops
from tfvars_jax.ops.random_ops import random_op


def _sample_shape(shape, params, what):
    static, _ = array_ops._static_shape_arg(shape, what)
    if static is None:
        raise NotImplementedError(f"{what}: shape must be known when the graph is built.")
    dims = [p.shape.as_tuple() for p in params]
    if any(d is None or None in d for d in dims):
        raise NotImplementedError(f"{what}: the parameters' shapes must be fully known.")
    return tuple(static) + tuple(np.broadcast_shapes(*dims))


def _gamma_kernel(key, alpha, beta, shape, dtype):
    full = jnp.broadcast_to(alpha, shape)
    sample = jax.random.gamma(key, full, shape, dtype) / beta
    return jnp.maximum(jnp.finfo(dtype).tiny, sample).astype(dtype)


def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """TF1's `tf.random_gamma`: Gamma(alpha, beta) samples of shape `shape + broadcast(alpha,
    beta).shape`, at least the dtype's smallest normal number, as TF1; differentiable in alpha
    and beta. The op is `random_gamma/Maximum`, as TF1's."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    if not dtype.is_floating:
        raise TypeError(f"random_gamma: dtype must be floating-point, got {dtype.name}.")
    with ops_lib.name_scope(name, "random_gamma", [shape, alpha, beta]):
        a = convert_to_tensor(alpha, name="alpha", dtype=dtype)
        b = convert_to_tensor(1 if beta is None else beta, name="beta", dtype=dtype)
        full = _sample_shape(shape, [a, b], "random_gamma")
        return random_op("Maximum", _gamma_kernel, list(full), dtype, seed, "Maximum", [a, b])


def _poisson_kernel(key, lam, shape, dtype):
    sample = jax.random.poisson(key, jnp.broadcast_to(lam, shape), shape)
    return sample.astype(dtype)


def random_poisson(lam, shape, dtype=dtypes.float32, seed=None, name=None):
    """TF1's `tf.random_poisson(lam, shape)`: Poisson(lam) samples of shape `shape +
    lam.shape` in `dtype` ("RandomPoissonV2", named `random_poisson/RandomPoissonV2`)."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with ops_lib.name_scope(name, "random_poisson", [lam, shape]):
        lam = convert_to_tensor(lam, name="lam")
        if not lam.dtype.is_floating and not lam.dtype.is_integer:
            raise TypeError(f"random_poisson: lam must be a number tensor, got {lam.dtype.name}.")
        full = _sample_shape(shape, [lam], "random_poisson")
        return random_op("RandomPoissonV2", _poisson_kernel, list(full), dtype, seed,
                         "RandomPoissonV2", [lam])


def _offsets_kernel(key, value, size, shape, dtype):
    limit = np.maximum(np.asarray(np.shape(value)) - np.asarray(size) + 1, 1)
    return jax.random.randint(key, shape, 0, jnp.asarray(limit, dtype), dtype)


def _crop_kernel(value, offsets, size):
    if any(s > d for s, d in zip(size, np.shape(value))):  # the run fails (checked): any value
        return jnp.zeros(size, jnp.asarray(value).dtype)
    return jax.lax.dynamic_slice(value, tuple(offsets[i] for i in range(len(size))), size)


def _crop_too_large(value, offsets, size):
    return np.bool_(any(s > d for s, d in zip(size, np.shape(value))))


def random_crop(value, size, seed=None, name=None):
    """TF1's `tf.random_crop`: a slice of `size` (static) at a uniformly random offset of
    `value`. A `size` larger than the value's shape fails the run with InvalidArgumentError, as
    TF1's assertion. The op is a "Slice" named `random_crop`, as TF1's."""
    with ops_lib.name_scope(name, "random_crop", [value, size]) as scope:
        x = convert_to_tensor(value, name="value")
        size = tuple(int(s) for s in array_ops._static_shape_arg(size, "random_crop size")[0])
        if x.shape.ndims is not None and x.shape.ndims != len(size):
            raise ValueError(f"random_crop: size {list(size)} must have one entry per dimension "
                             f"of '{x.name}' {x.shape}.")
        offsets = random_op("RandomUniformInt", _offsets_kernel, [len(size)], dtypes.int32, seed,
                            "random_uniform", [x], attrs={"size": size})
        message = (f"random_crop '{scope[:-1]}': Need value.shape >= size, got the shape of "
                   f"'{x.name}' and size {list(size)}")
        return op_output("Slice", _crop_kernel, [x, offsets], name=scope, kind=CHECKED,
                         attrs={"size": size}, out_specs=[(x.dtype.base_dtype, TensorShape(size))],
                         check=RunCheck(functools.partial(_crop_too_large, size=size),
                                        errors.InvalidArgumentError, message))
