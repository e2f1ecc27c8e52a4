"""`tf.nn`: activations, convolution and pooling (NHWC), losses, moments.

Convolutions and pools take TF1's `strides` (length 4, NHWC) and `padding` ("SAME"/"VALID")
and run on `jax.lax.conv_general_dilated` / `jax.lax.reduce_window`.
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op, op_output
from tfvars_jax.ops import math_ops
from tfvars_jax.ops.random_ops import dropout  # noqa: F401 - re-exported as tf.nn.dropout


def _act(op_type, fn, default_name):
    def act(features, name=None):
        return op_output(op_type, fn, [convert_to_tensor(features)], name=name or default_name)
    act.__name__ = default_name
    act.__doc__ = f"TF1's `tf.nn.{default_name}` (elementwise)."
    return act


relu = _act("Relu", jax.nn.relu, "Relu")
relu6 = _act("Relu6", jax.nn.relu6, "Relu6")
elu = _act("Elu", jax.nn.elu, "Elu")
def _selu_kernel(x):
    """TF1's selu; its gradient at 0 is `scale`, as TF1's (x >= 0 takes the linear branch)."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * jnp.where(x < 0, alpha * jnp.expm1(jnp.minimum(x, 0)), x)


selu = _act("Selu", _selu_kernel, "Selu")
softsign = _act("Softsign", jax.nn.soft_sign, "Softsign")
softplus = math_ops.softplus
sigmoid = math_ops.sigmoid
tanh = math_ops.tanh


def _leaky_relu_kernel(x, alpha):
    return jnp.where(x > 0, x, x * alpha).astype(x.dtype)


def leaky_relu(features, alpha=0.2, name=None):
    """TF1's `tf.nn.leaky_relu` (default alpha 0.2); integer features are cast to float32 first."""
    x = convert_to_tensor(features)
    if x.dtype.is_integer:
        x = math_ops.cast(x, dtypes.float32)
    return op_output("LeakyRelu", _leaky_relu_kernel, [x], name=name or "LeakyRelu",
                     attrs={"alpha": float(alpha)})


def _softmax_kernel(x, axis, log):
    return jax.nn.log_softmax(x, axis=axis) if log else jax.nn.softmax(x, axis=axis)


def softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return op_output("Softmax", _softmax_kernel, [convert_to_tensor(logits)],
                     name=name or "Softmax", attrs={"axis": int(axis), "log": False})


def log_softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return op_output("LogSoftmax", _softmax_kernel, [convert_to_tensor(logits)],
                     name=name or "LogSoftmax", attrs={"axis": int(axis), "log": True})


def _bias_add_kernel(x, b, data_format):
    if data_format in ("NCHW", "NCDHW", "NCW") and x.ndim > 2:
        return x + b.reshape((1, -1) + (1,) * (x.ndim - 2))
    return x + b


def bias_add(value, bias, data_format=None, name=None):
    """TF1's `tf.nn.bias_add`: `bias` (1-D) is added along the channel dimension."""
    x = convert_to_tensor(value)
    b = math_ops._convert_operand(bias, x.dtype, "bias")
    if b.shape.ndims not in (None, 1):
        raise ValueError(f"bias_add: bias must be 1-D, got shape {b.shape}")
    return op_output("BiasAdd", _bias_add_kernel, [x, b], name=name or "BiasAdd",
                     attrs={"data_format": data_format or "NHWC"})


def _spatial(strides, data_format, what):
    strides = list(strides) if isinstance(strides,
                                          (list, tuple)) else [1, int(strides), int(strides), 1]
    if len(strides) != 4:
        raise ValueError(f"{what}: strides must have 4 elements (NHWC), got {strides}")
    if data_format == "NHWC":
        if strides[0] != 1 or strides[3] != 1:
            raise ValueError(f"{what}: strides in the batch and depth dimensions must be 1, got "
                             f"{strides}")
        return tuple(strides[1:3])
    if strides[0] != 1 or strides[1] != 1:
        raise ValueError(f"{what}: strides in the batch and depth dimensions must be 1, got "
                         f"{strides}")
    return tuple(strides[2:4])


def _conv2d_kernel(x, w, strides, padding, dilations, data_format):
    spec = ("NHWC", "HWIO", "NHWC") if data_format == "NHWC" else ("NCHW", "HWIO", "NCHW")
    return jax.lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dilations,
                                        dimension_numbers=spec)


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """TF1's `tf.nn.conv2d(input, filter, strides, padding)`, NHWC input, HWIO filter."""
    filter = filters if filter is None else filter  # noqa: A001
    if strides is None or padding is None:
        raise TypeError("conv2d() missing required arguments 'strides' and 'padding'")
    if isinstance(padding, (list, tuple)):
        raise NotImplementedError("conv2d explicit padding lists are not supported; use 'SAME' or "
                                  "'VALID'.")
    padding = padding.upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"conv2d: padding must be 'SAME' or 'VALID', got {padding!r}")
    x = convert_to_tensor(input)
    w = math_ops._convert_operand(filter, x.dtype, "filter")
    s = _spatial(strides, data_format, "conv2d")
    d = _spatial(dilations, data_format, "conv2d dilations")
    return op_output("Conv2D", _conv2d_kernel, [x, w], name=name or "Conv2D",
                     attrs={"strides": s, "padding": padding, "dilations": d,
                            "data_format": data_format})


def _pool_kernel(x, ksize, strides, padding, kind):
    # NumPy scalars as init values let JAX use its differentiable max/sum window reducers.
    if kind == "max":
        init = -np.inf if jnp.issubdtype(x.dtype, jnp.floating) else np.iinfo(x.dtype).min
        return jax.lax.reduce_window(x, np.array(init, x.dtype), jax.lax.max, ksize, strides,
                                     padding)
    ones = jnp.ones(x.shape, x.dtype)
    total = jax.lax.reduce_window(x, np.array(0, x.dtype), jax.lax.add, ksize, strides, padding)
    count = jax.lax.reduce_window(ones, np.array(0, x.dtype), jax.lax.add, ksize, strides, padding)
    return total / count  # TF1's avg_pool divides by the number of valid (unpadded) cells


def _pool(kind, value, ksize, strides, padding, data_format, name, default):
    if data_format != "NHWC":
        raise NotImplementedError(f"{default}: data_format {data_format!r} is not supported; use "
                                  "NHWC.")
    ksize = list(ksize) if isinstance(ksize, (list, tuple)) else [1, int(ksize), int(ksize), 1]
    strides = list(strides) if isinstance(strides,
                                          (list, tuple)) else [1, int(strides), int(strides), 1]
    if len(ksize) != 4 or len(strides) != 4:
        raise ValueError(f"{default}: ksize and strides must have 4 elements (NHWC)")
    return op_output(default, _pool_kernel, [convert_to_tensor(value)], name=name or default,
                     attrs={"ksize": tuple(ksize), "strides": tuple(strides),
                            "padding": padding.upper(), "kind": kind})


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    return _pool("max", value if input is None else input, ksize, strides, padding, data_format,
                 name, "MaxPool")


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    return _pool("avg", value if input is None else input, ksize, strides, padding, data_format,
                 name, "AvgPool")


def _l2_loss_kernel(t):
    return (jnp.sum(jnp.square(t)) / 2).astype(t.dtype)


def l2_loss(t, name=None):
    """TF1's `tf.nn.l2_loss`: sum(t ** 2) / 2, for floating-point `t` only."""
    t = convert_to_tensor(t)
    if not t.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 't' has DataType {t.dtype.name} not in list of "
                        "allowed values: float16, bfloat16, float32, float64")
    return op_output("L2Loss", _l2_loss_kernel, [t], name=name or "L2Loss")


def _moments_kernel(x, axes, keepdims):
    """TF1's moments: float16 is computed in float32 and cast back; integers use TF1's integer
    (truncating) reduce_mean for both the mean and the variance."""
    dtype = x.dtype
    y = x.astype(jnp.float32) if dtype == jnp.float16 else x
    if jnp.issubdtype(dtype, jnp.integer):
        count = jnp.asarray(max(int(np.prod([y.shape[a] for a in axes])), 1), dtype)
        mean = jax.lax.div(jnp.sum(y, axis=axes, keepdims=True).astype(dtype), count)
        var = jax.lax.div(jnp.sum(jnp.square(y - mean), axis=axes, keepdims=True).astype(dtype),
                          count)
    else:
        mean = jnp.mean(y, axis=axes, keepdims=True)
        var = jnp.mean(jnp.square(y - jax.lax.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean, var = jnp.squeeze(mean, axes), jnp.squeeze(var, axes)
    return mean.astype(dtype), var.astype(dtype)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """TF1's `tf.nn.moments`: (mean, variance) over `axes`."""
    keep = bool(keepdims if keepdims is not None else (keep_dims or False))
    op = make_op("moments", _moments_kernel, [convert_to_tensor(x)], name=name or "moments",
                 attrs={"axes": tuple(int(a) for a in axes), "keepdims": keep})
    return op.outputs[0], op.outputs[1]


def _sparse_xent_kernel(labels, logits):
    logp = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.take_along_axis(logp, labels[..., None].astype(jnp.int32), axis=-1)[..., 0]


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """TF1's `tf.nn.sparse_softmax_cross_entropy_with_logits(labels=, logits=)` (keywords only)."""
    if _sentinel is not None:
        raise ValueError("Only call `sparse_softmax_cross_entropy_with_logits` with named "
                         "arguments (labels=..., logits=..., ...)")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    lg = convert_to_tensor(logits)
    lb = convert_to_tensor(labels)
    if not lb.dtype.is_integer:
        raise TypeError(f"labels must be int32 or int64, got {lb.dtype.name}")
    if lg.shape.ndims is not None and lb.shape.ndims is not None and lb.shape.ndims != lg.shape.ndims - 1:
        raise ValueError(f"Rank mismatch: Rank of labels (received {lb.shape.ndims}) should equal "
                         f"rank of logits minus 1 (received {lg.shape.ndims}).")
    return op_output("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_kernel, [lb, lg],
                     name=name or "SparseSoftmaxCrossEntropyWithLogits")


def _xent_kernel(labels, logits, axis, stop_labels):
    if stop_labels:
        labels = jax.lax.stop_gradient(labels)
    return -jnp.sum(labels * jax.nn.log_softmax(logits, axis=axis), axis=axis)


def _softmax_xent(labels, logits, axis, name, stop_labels, sentinel, what):
    if sentinel is not None:
        raise ValueError(f"Only call `{what}` with named arguments (labels=..., logits=..., ...)")
    lg = convert_to_tensor(logits)
    lb = math_ops._convert_operand(labels, lg.dtype, "labels")
    return op_output("SoftmaxCrossEntropyWithLogits", _xent_kernel, [lb, lg], name=name or what,
                     attrs={"axis": int(axis), "stop_labels": stop_labels})


def softmax_cross_entropy_with_logits_v2(_sentinel=None, labels=None, logits=None, axis=None,
                                         name=None, dim=None):
    """TF1's v2 softmax cross-entropy: gradients flow into labels too."""
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return _softmax_xent(labels, logits, axis, name, False, _sentinel,
                         "softmax_cross_entropy_with_logits_v2")


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None,
                                      axis=None):
    """TF1's deprecated v1 softmax cross-entropy: no gradient into labels."""
    axis = dim if axis is None else axis
    return _softmax_xent(labels, logits, axis, name, True, _sentinel,
                         "softmax_cross_entropy_with_logits")


def _sigmoid_xent_kernel(labels, logits):
    return jnp.maximum(logits, 0) - logits * labels + jnp.log1p(jnp.exp(-jnp.abs(logits)))


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """TF1's numerically stable max(x, 0) - x * z + log(1 + exp(-|x|))."""
    if _sentinel is not None:
        raise ValueError("Only call `sigmoid_cross_entropy_with_logits` with named arguments "
                         "(labels=..., logits=..., ...)")
    lg = convert_to_tensor(logits)
    lb = math_ops._convert_operand(labels, lg.dtype, "labels")
    if not lg.shape.is_compatible_with(lb.shape):
        raise ValueError(f"logits and labels must have the same shape ({lg.shape} vs {lb.shape})")
    return op_output("logistic_loss", _sigmoid_xent_kernel, [lb, lg], name=name or "logistic_loss")
