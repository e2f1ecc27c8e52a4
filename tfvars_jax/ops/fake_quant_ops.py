"""`tf.fake_quant_with_min_max_*` (quantization-aware training): float tensors rounded to the
grid of a `num_bits` integer quantization of [min, max], and their gradient ops.

As TF's kernels (`fake_quant_ops_functor.h`), [min, max] is first nudged so that zero is
exactly representable (the zero point rounded half away from zero), then values are clamped
to the nudged range and rounded to the nearest step, all in float32. The gradient passes the
incoming gradient where the input lies inside the nudged range; with min/max tensors (`_vars`)
the gradient of the values below the range goes to `min` and above it to `max`.
"""
import jax
import jax.numpy as jnp

from tfvars_jax.framework import dtypes
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op, op_output


def _check_bits(num_bits, what):
    if not 2 <= int(num_bits) <= 16:
        raise ValueError(f"{what}: num_bits is out of range, expected between 2 and 16, was: "
                         f"{num_bits}")
    return int(num_bits)


def _f32(v):
    """`v` (float64) rounded to float32 and back: one float32 operation, exactly as IEEE
    float32 arithmetic rounds it (XLA may otherwise rewrite a float32 division)."""
    return v.astype(jnp.float32).astype(jnp.float64)


def _nudge(lo, hi, num_bits, narrow_range):
    """TF's `Nudge`: (nudged_min, nudged_max, scale, steps below zero), float32 values held in
    float64."""
    quant_min = float(1 if narrow_range else 0)
    quant_max = float((1 << num_bits) - 1)
    lo, hi = _f32(jnp.asarray(lo, jnp.float64)), _f32(jnp.asarray(hi, jnp.float64))
    scale = _f32(_f32(hi - lo) / (quant_max - quant_min))
    zero_from_min = _f32(quant_min - _f32(lo / scale))
    rounded = jnp.sign(zero_from_min) * jnp.floor(jnp.abs(zero_from_min) + 0.5)  # std::round
    zero = jnp.where(zero_from_min < quant_min, quant_min,
                     jnp.where(zero_from_min > quant_max, quant_max, rounded))
    return (_f32((quant_min - zero) * scale), _f32((quant_max - zero) * scale), scale,
            zero - quant_min)


def _quantize(x, nudged_min, nudged_max, scale, below, divide):
    """TF's float32 steps: clamp, shift by nudged_min, scale to steps (TF's `_args` kernel
    multiplies by the float32 inverse scale, its `_vars` kernels divide: ties differ), round
    half up, and scale the step count from zero back (values matched to TF's bit for bit)."""
    x64 = x.astype(jnp.float64)
    shifted = _f32(jnp.clip(x64, nudged_min, nudged_max) - nudged_min)
    ratio = _f32(shifted / scale) if divide else _f32(shifted * _f32(1.0 / scale))
    steps = jnp.floor(_f32(ratio + 0.5))
    return _f32((steps - below) * scale).astype(x.dtype)


def _inside(x, nudged_min, nudged_max):
    x = x.astype(jnp.float64)
    return (x >= nudged_min) & (x <= nudged_max)


# ----- min/max as attributes ---------------------------------------------------------------
def _args_kernel(x, lo, hi, num_bits, narrow_range):
    @jax.custom_vjp
    def fq(x):
        return _quantize(x, *_nudge(lo, hi, num_bits, narrow_range), divide=False)

    def fwd(x):
        return fq(x), x

    def bwd(x, g):
        nmin, nmax, _, _ = _nudge(lo, hi, num_bits, narrow_range)
        return (jnp.where(_inside(x, nmin, nmax), g, 0.0).astype(g.dtype),)

    fq.defvjp(fwd, bwd)
    return fq(x)


def _float32(t, what, op_type):
    t = convert_to_tensor(t, name=what)
    if t.dtype.base_dtype != dtypes.float32:
        raise TypeError(f"Value passed to parameter '{what}' of {op_type} has DataType "
                        f"{t.dtype.name} not in list of allowed values: float32")
    return t


def _check_range(lo, hi, what):
    if not lo < hi:
        raise ValueError(f"{what}: min has to be smaller than max, was: {lo} >= {hi}")


def fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """TF's `tf.fake_quant_with_min_max_args` ("FakeQuantWithMinMaxArgs"): `inputs` rounded to
    the `num_bits` grid of the nudged [min, max] (static floats); see the module docstring."""
    bits = _check_bits(num_bits, "FakeQuantWithMinMaxArgs")
    _check_range(float(min), float(max), "FakeQuantWithMinMaxArgs")
    x = _float32(inputs, "inputs", "FakeQuantWithMinMaxArgs")
    return op_output("FakeQuantWithMinMaxArgs", _args_kernel, [x],
                     name=name or "FakeQuantWithMinMaxArgs",
                     attrs={"lo": float(min), "hi": float(max), "num_bits": bits,
                            "narrow_range": bool(narrow_range)})


def _args_gradient_kernel(g, x, lo, hi, num_bits, narrow_range):
    nmin, nmax, _, _ = _nudge(lo, hi, num_bits, narrow_range)
    return jnp.where(_inside(x, nmin, nmax), g, 0.0).astype(g.dtype)


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """TF's `tf.fake_quant_with_min_max_args_gradient`: `gradients` where `inputs` is inside
    the nudged range, else 0."""
    bits = _check_bits(num_bits, "FakeQuantWithMinMaxArgsGradient")
    op_type = "FakeQuantWithMinMaxArgsGradient"
    g = _float32(gradients, "gradients", op_type)
    x = _float32(inputs, "inputs", op_type)
    return op_output(op_type, _args_gradient_kernel, [g, x], name=name or op_type,
                     attrs={"lo": float(min), "hi": float(max), "num_bits": bits,
                            "narrow_range": bool(narrow_range)})


# ----- min/max as tensors (per tensor or per channel) --------------------------------------
def _vars_backprop(g, x, lo, hi, num_bits, narrow_range, per_channel):
    nmin, nmax, _, _ = _nudge(lo, hi, num_bits, narrow_range)
    axes = tuple(range(x.ndim - 1)) if per_channel else None
    x64 = x.astype(jnp.float64)
    zero = jnp.zeros((), g.dtype)
    dx = jnp.where(_inside(x, nmin, nmax), g, zero)
    dmin = jnp.sum(jnp.where(x64 < nmin, g, zero), axis=axes)
    dmax = jnp.sum(jnp.where(x64 > nmax, g, zero), axis=axes)
    return dx, dmin.astype(g.dtype), dmax.astype(g.dtype)


def _vars_kernel(x, lo, hi, num_bits, narrow_range, per_channel):
    @jax.custom_vjp
    def fq(x, lo, hi):
        return _quantize(x, *_nudge(lo, hi, num_bits, narrow_range), divide=True)

    def fwd(x, lo, hi):
        return fq(x, lo, hi), (x, lo, hi)

    def bwd(res, g):
        return _vars_backprop(g, *res, num_bits, narrow_range, per_channel)

    fq.defvjp(fwd, bwd)
    return fq(x, lo, hi)


def _vars_inputs(op_type, inputs, lo, hi, per_channel):
    x = _float32(inputs, "inputs", op_type)
    lo = _float32(lo, "min", op_type)
    hi = _float32(hi, "max", op_type)
    want = 1 if per_channel else 0
    for what, t in (("min", lo), ("max", hi)):
        if t.shape.ndims is not None and t.shape.ndims != want:
            raise ValueError(f"{op_type}: {what} must be {'a vector' if per_channel else 'a scalar'}"
                             f", got shape {t.shape}")
    if per_channel and x.shape.ndims is not None:
        depth = x.shape[-1].value if x.shape.ndims else None
        for what, t in (("min", lo), ("max", hi)):
            if t.shape.ndims == 1 and None not in (depth, t.shape[0].value) and \
                    t.shape[0].value != depth:
                raise ValueError(f"{op_type}: {what} must have the inputs' last dimension "
                                 f"({depth}) entries, got shape {t.shape}")
    return x, lo, hi


def _fake_quant_vars(op_type, inputs, lo, hi, num_bits, narrow_range, name, per_channel):
    bits = _check_bits(num_bits, op_type)
    x, lo, hi = _vars_inputs(op_type, inputs, lo, hi, per_channel)
    return op_output(op_type, _vars_kernel, [x, lo, hi], name=name or op_type,
                     attrs={"num_bits": bits, "narrow_range": bool(narrow_range),
                            "per_channel": per_channel})


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """TF's `tf.fake_quant_with_min_max_vars` ("FakeQuantWithMinMaxVars"): as
    `fake_quant_with_min_max_args` with scalar float32 tensors `min`/`max` (usually
    variables), which get gradients too (see the module docstring)."""
    return _fake_quant_vars("FakeQuantWithMinMaxVars", inputs, min, max, num_bits,
                            narrow_range, name, False)


def fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8,  # noqa: A002
                                             narrow_range=False, name=None):
    """TF's `tf.fake_quant_with_min_max_vars_per_channel`: per last-dimension channel `min` and
    `max` vectors."""
    return _fake_quant_vars("FakeQuantWithMinMaxVarsPerChannel", inputs, min, max, num_bits,
                            narrow_range, name, True)


def _vars_gradient_kernel(g, x, lo, hi, num_bits, narrow_range, per_channel):
    return _vars_backprop(g, x, lo, hi, num_bits, narrow_range, per_channel)


def _fake_quant_vars_gradient(op_type, gradients, inputs, lo, hi, num_bits, narrow_range,
                              name, per_channel):
    bits = _check_bits(num_bits, op_type)
    g = _float32(gradients, "gradients", op_type)
    x, lo, hi = _vars_inputs(op_type, inputs, lo, hi, per_channel)
    op = make_op(op_type, _vars_gradient_kernel, [g, x, lo, hi], name=name or op_type,
                 attrs={"num_bits": bits, "narrow_range": bool(narrow_range),
                        "per_channel": per_channel})
    return tuple(op.outputs)


def fake_quant_with_min_max_vars_gradient(gradients, inputs, min, max, num_bits=8,  # noqa: A002
                                          narrow_range=False, name=None):
    """TF's `tf.fake_quant_with_min_max_vars_gradient`: (backprops_wrt_input,
    backprop_wrt_min, backprop_wrt_max) of `fake_quant_with_min_max_vars`."""
    return _fake_quant_vars_gradient("FakeQuantWithMinMaxVarsGradient", gradients, inputs, min,
                                     max, num_bits, narrow_range, name, False)


def fake_quant_with_min_max_vars_per_channel_gradient(gradients, inputs, min, max,  # noqa: A002
                                                      num_bits=8, narrow_range=False, name=None):
    """TF's `tf.fake_quant_with_min_max_vars_per_channel_gradient`: the per-channel version."""
    return _fake_quant_vars_gradient("FakeQuantWithMinMaxVarsPerChannelGradient", gradients,
                                     inputs, min, max, num_bits, narrow_range, name, True)
