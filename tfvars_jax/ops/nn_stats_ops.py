"""`tf.nn` statistics beside `moments`: `sufficient_statistics`, `normalize_moments`,
`weighted_moments`, and local response normalization (`tf.nn.lrn`).

The first three are built from TF1's own ops in TF1's name scopes (`mean_ss`, `var_ss`,
`divisor`, `weighted_input_sum`, ...), so values, names and gradients follow TF1. `lrn` is one
`LRN` op whose gradient is JAX's derivative of the kernel (TF1's LRNGrad is the same function
written out).
"""
import jax.numpy as jnp

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import constant, convert_to_tensor, op_output
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import math_ops


def _keep(keep_dims, keepdims):
    if keep_dims is not None and keepdims is not None and bool(keep_dims) != bool(keepdims):
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims' with different values.")
    return bool(keepdims if keepdims is not None else (keep_dims or False))


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """TF1's `tf.nn.sufficient_statistics`: (count, sum of x - shift, sum of squared
    differences, shift) over `axes`. The count is a constant when the reduced dimensions are
    known (TF1 otherwise computes it at run time; we raise NotImplementedError then)."""
    keep = _keep(keep_dims, keepdims)
    axes = [int(a) for a in axes]
    with ops_lib.name_scope(name, "sufficient_statistics", [x, shift]):
        x = convert_to_tensor(x, name="x")
        dims = x.shape.as_tuple()
        if dims is None or any(dims[a] is None for a in axes):
            raise NotImplementedError(
                "tf.nn.sufficient_statistics over dimensions unknown when the graph is built "
                f"(x has shape {x.shape}, axes {axes}) is not supported.")
        counts = 1
        for a in axes:
            counts *= dims[a]
        counts = constant(counts, dtype=x.dtype)
        if shift is not None:
            shift = convert_to_tensor(shift, name="shift")
            m_ss = math_ops.subtract(x, shift)
            v_ss = math_ops.squared_difference(x, shift)
        else:
            m_ss, v_ss = x, math_ops.square(x)
        m_ss = math_ops.reduce_sum(m_ss, axes, keepdims=keep, name="mean_ss")
        v_ss = math_ops.reduce_sum(v_ss, axes, keepdims=keep, name="var_ss")
    return counts, m_ss, v_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """TF1's `tf.nn.normalize_moments`: (mean, variance) from sufficient statistics."""
    with ops_lib.name_scope(name, "normalize", [counts, mean_ss, variance_ss, shift]):
        divisor = math_ops.reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="shifted_mean")
            mean = math_ops.add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="mean")
            mean = shifted_mean
        variance = math_ops.subtract(math_ops.multiply(variance_ss, divisor),
                                     math_ops.square(shifted_mean), name="variance")
    return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """TF1's `tf.nn.weighted_moments`: the frequency-weighted mean and variance over `axes`
    (float16 computed in float32, weights cast to x's dtype), as TF 1.15 builds them: divided
    by multiplying with `inv_weight_sum` (TF 2.x's compat.v1 uses div_no_nan, which gives 0
    where all weights are 0; TF 1.15 and we give nan/inf there)."""
    keep = _keep(keep_dims, keepdims)
    axes = [int(a) for a in axes]
    with ops_lib.name_scope(name, "weighted_moments", [x, frequency_weights, axes]):
        x = convert_to_tensor(x, name="x")
        weights = convert_to_tensor(frequency_weights, name="frequency_weights")
        needs_cast = x.dtype.base_dtype == dtypes.float16
        if needs_cast:
            x = math_ops.cast(x, dtypes.float32)
        if weights.dtype.base_dtype != x.dtype.base_dtype:
            weights = math_ops.cast(weights, x.dtype.base_dtype)
        weighted_input_sum = math_ops.reduce_sum(weights * x, axes, name="weighted_input_sum",
                                                 keepdims=True)
        broadcasted_weights = weights + array_ops.zeros_like(x)
        sum_of_weights = math_ops.reduce_sum(broadcasted_weights, axes, name="sum_of_weights",
                                             keepdims=True)
        divisor = math_ops.reciprocal(sum_of_weights, name="inv_weight_sum")
        weighted_mean = math_ops.multiply(weighted_input_sum, divisor)
        weighted_distsq = math_ops.reduce_sum(
            weights * math_ops.squared_difference(x, weighted_mean), axes,
            name="weighted_distsq", keepdims=True)
        weighted_variance = math_ops.multiply(weighted_distsq, divisor)
        if not keep:
            weighted_mean = array_ops.squeeze(weighted_mean, axis=axes)
            weighted_variance = array_ops.squeeze(weighted_variance, axis=axes)
        if needs_cast:
            weighted_mean = math_ops.cast(weighted_mean, dtypes.float16)
            weighted_variance = math_ops.cast(weighted_variance, dtypes.float16)
    return weighted_mean, weighted_variance


def _lrn_kernel(x, depth_radius, bias, alpha, beta):
    y = x.astype(jnp.float32) if x.dtype != jnp.float32 else x
    channels = y.shape[-1]
    padded = jnp.pad(jnp.square(y), ((0, 0),) * 3 + ((depth_radius, depth_radius),))
    sqr_sum = sum(padded[..., i:i + channels] for i in range(2 * depth_radius + 1))
    return (y / (bias + alpha * sqr_sum) ** beta).astype(x.dtype)


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5,  # noqa: A002
                                 name=None):
    """TF1's `tf.nn.lrn` / `tf.nn.local_response_normalization` on a 4-D float tensor (last
    dimension the channels): `input / (bias + alpha * sqr_sum) ** beta`, `sqr_sum` the sum of
    squares over `depth_radius` channels either side. float16 and bfloat16 are computed in
    float32."""
    x = convert_to_tensor(input)
    if x.dtype.base_dtype not in (dtypes.float32, dtypes.float16, dtypes.bfloat16):
        raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} not in "
                        "list of allowed values: float16, bfloat16, float32")
    if x.shape.ndims is not None and x.shape.ndims != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {x.shape.ndims} for 'LRN' with "
                         f"input shapes: {x.shape}.")
    if x.shape.ndims is None:
        raise NotImplementedError("tf.nn.lrn on an input of unknown rank is not supported.")
    return op_output("LRN", _lrn_kernel, [x], name=name or "LRN",
                     attrs={"depth_radius": int(depth_radius), "bias": float(bias),
                            "alpha": float(alpha), "beta": float(beta)})


lrn = local_response_normalization
