"""Learning-rate schedules as graph ops on `global_step`, with TF1's formulas and names."""
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.ops import math_ops


def _step(global_step, dtype):
    if global_step is None:
        raise ValueError("global_step is required for this learning rate schedule.")
    return math_ops.cast(convert_to_tensor(global_step), dtype)


def _progress(global_step, decay_steps, dtype, staircase):
    """global_step / decay_steps in `dtype`, floored with `staircase` (TF1's decay exponent)."""
    p = math_ops.truediv(_step(global_step, dtype), convert_to_tensor(decay_steps, dtype=dtype))
    return math_ops.floor(p) if staircase else p


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """lr * decay_rate ** (global_step / decay_steps), the exponent floored with `staircase`."""
    with ops_lib.name_scope(name, "ExponentialDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        return math_ops.multiply(lr, math_ops.pow(convert_to_tensor(decay_rate, dtype=dtype), p),
                                 name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] for boundaries[i-1] < x <= boundaries[i] (values[0] up to boundaries[0])."""
    if len(values) != len(boundaries) + 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with ops_lib.name_scope(name, "PiecewiseConstant", [x]) as scope:
        x = convert_to_tensor(x)
        b = convert_to_tensor(np.asarray(boundaries), dtype=x.dtype.base_dtype)
        v = convert_to_tensor(values)
        return op_output("PiecewiseConstant", _piecewise_kernel, [x, b, v], name=scope)


def _piecewise_kernel(x, boundaries, values):
    # Index with jnp.take: `values` may arrive as a NumPy constant while `x` is traced.
    return jnp.take(jnp.asarray(values), jnp.sum(x > boundaries))


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0,
                     cycle=False, name=None):
    """TF1's polynomial decay from `learning_rate` to `end_learning_rate` over `decay_steps`."""
    with ops_lib.name_scope(name, "PolynomialDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        step = _step(global_step, dtype)
        steps = convert_to_tensor(decay_steps, dtype=dtype)
        if cycle:
            mult = math_ops.ceil(math_ops.truediv(step, steps))
            mult = math_ops.maximum(mult, convert_to_tensor(1.0, dtype=dtype))
            steps = math_ops.multiply(steps, mult)
        else:
            step = math_ops.minimum(step, steps)
        frac = math_ops.pow(1 - math_ops.truediv(step, steps),
                            convert_to_tensor(power, dtype=dtype))
        end = convert_to_tensor(end_learning_rate, dtype=dtype)
        return math_ops.add(math_ops.multiply(lr - end, frac), end, name=scope)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """TF1's cosine decay: lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, T) / T)) + alpha)."""
    with ops_lib.name_scope(name, "CosineDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        steps = convert_to_tensor(decay_steps, dtype=dtype)
        step = math_ops.minimum(_step(global_step, dtype), steps)
        cosine = 0.5 * (1.0 + math_ops.cos(np.pi * step / steps))
        decayed = (1 - alpha) * cosine + alpha
        return math_ops.multiply(lr, decayed, name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """lr * exp(-decay_rate * global_step / decay_steps)."""
    with ops_lib.name_scope(name, "NaturalExpDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        return math_ops.multiply(lr, math_ops.exp(-convert_to_tensor(decay_rate, dtype=dtype) * p),
                                 name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """lr / (1 + decay_rate * global_step / decay_steps)."""
    with ops_lib.name_scope(name, "InverseTimeDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        return math_ops.truediv(lr, 1 + convert_to_tensor(decay_rate, dtype=dtype) * p, name=scope)


__all__ = ["exponential_decay", "piecewise_constant", "polynomial_decay", "cosine_decay",
           "natural_exp_decay", "inverse_time_decay"]
