"""`tf.nn`: activations, convolution and pooling (NHWC), losses, moments.

Convolutions and pools take TF1's `strides` (length 4, NHWC) and `padding` ("SAME"/"VALID")
and run on `jax.lax.conv_general_dilated` / `jax.lax.reduce_window`.
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes, errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op, next_op_name, op_output
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.ops import math_ops
from tfvars_jax.ops.array_ops import _dynamic_shape_spec, concrete_dims
from tfvars_jax.ops.random_ops import dropout  # noqa: F401 - re-exported as tf.nn.dropout


def _act(op_type, fn, default_name):
    def act(features, name=None):
        return op_output(op_type, fn, [convert_to_tensor(features)], name=name or default_name)
    act.__name__ = default_name
    act.__doc__ = f"TF1's `tf.nn.{default_name}` (elementwise)."
    return act


def _negative_part(x):
    """x where x < 0, else 0: the exponential branch of elu/selu sees no NaN or inf, so its
    (unselected) derivative cannot turn the gradient into NaN."""
    return jnp.where(x < 0, x, jnp.zeros_like(x))


def _elu_kernel(x):
    """TF1's elu: gradient 1 where x >= 0 or x is NaN (TF's EluGrad takes the linear branch
    unless the activation is < 0), e^x below 0."""
    return jnp.where(x < 0, jnp.expm1(_negative_part(x)), x)


def _selu_kernel(x):
    """TF1's selu; its gradient at 0 (and at NaN) is `scale`, as TF1's (x >= 0 takes the linear
    branch)."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * jnp.where(x < 0, alpha * jnp.expm1(_negative_part(x)), x)


@jax.custom_jvp
def _softsign_kernel(x):
    return x / (jnp.abs(x) + 1)


@_softsign_kernel.defjvp
def _softsign_jvp(primals, tangents):
    """TF1's SoftsignGrad, g / (1 + |x|)^2: 0 at +-inf (the quotient rule gives NaN there)."""
    (x,), (t,) = primals, tangents
    return _softsign_kernel(x), t / jnp.square(jnp.abs(x) + 1)


relu = _act("Relu", jax.nn.relu, "Relu")
relu6 = _act("Relu6", jax.nn.relu6, "Relu6")
elu = _act("Elu", _elu_kernel, "Elu")
selu = _act("Selu", _selu_kernel, "Selu")
softsign = _act("Softsign", _softsign_kernel, "Softsign")
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
                 attrs={"axes": tuple(int(a) for a in axes), "keepdims": keep}, num_outputs=2)
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
    name = name or "SparseSoftmaxCrossEntropyWithLogits"
    classes = lg.shape.as_tuple()[-1] if lg.shape.ndims else None
    msg = (f"Received a label value outside the valid range of [0, "
           f"{'the number of classes' if classes is None else classes}) in "
           f"SparseSoftmaxCrossEntropyWithLogits op '{next_op_name(name)}': labels "
           f"'{ops_lib.display_name(lb)}', logits '{ops_lib.display_name(lg)}'")
    return op_output("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_kernel, [lb, lg],
                     name=name, kind=CHECKED,
                     check=RunCheck(_label_out_of_range, errors.InvalidArgumentError, msg))


def _label_out_of_range(labels, logits):
    """TF1's CPU kernel raises on such a label (JAX would index out of bounds silently)."""
    return jnp.any((labels < 0) | (labels >= logits.shape[-1]))


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
    # Written as TF1 writes it (with `where`, not max/abs), so the gradient at logits == 0 is
    # TF1's sigmoid(0) - labels (JAX's max/abs split that tie differently and gave -labels).
    positive = logits >= 0
    relu_logits = jnp.where(positive, logits, jnp.zeros_like(logits))
    neg_abs_logits = jnp.where(positive, -logits, logits)
    return relu_logits - logits * labels + jnp.log1p(jnp.exp(neg_abs_logits))


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


# ----- N-d convolution, transposed and separable convolution, 1-D/3-D pools -----------------
_CONV_SPECS = {("NWC", 1): ("NWC", "WIO", "NWC"), ("NCW", 1): ("NCW", "WIO", "NCW"),
               ("NHWC", 2): ("NHWC", "HWIO", "NHWC"), ("NCHW", 2): ("NCHW", "HWIO", "NCHW"),
               ("NDHWC", 3): ("NDHWC", "DHWIO", "NDHWC"), ("NCDHW", 3): ("NCDHW", "DHWIO", "NCDHW")}


def _conv_nd_kernel(x, w, strides, padding, dilations, spec, groups=1):
    return jax.lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dilations,
                                        dimension_numbers=spec, feature_group_count=groups)


def _spatial_nd(values, data_format, n, what):
    """TF1's full-rank strides/dilations (length n+2, batch and channel entries 1) -> the n spatial ones."""
    if isinstance(values, int):
        return (int(values),) * n
    values = [int(v) for v in values]
    if len(values) == n:
        return tuple(values)
    if len(values) != n + 2:
        raise ValueError(f"{what} must have length {n + 2}, got {values}")
    channels_first = data_format.startswith("NC")
    spatial = values[2:] if channels_first else values[1:-1]
    rest = values[:2] if channels_first else [values[0], values[-1]]
    if rest != [1, 1]:
        raise ValueError(f"{what} in the batch and depth dimensions must be 1, got {values}")
    return tuple(spatial)


def _padding(padding, what):
    if isinstance(padding, (list, tuple)):
        raise NotImplementedError(f"{what}: explicit padding lists are not supported; use 'SAME' "
                                  "or 'VALID'.")
    padding = str(padding).upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"{what}: padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding


def _conv_nd(op_type, x, w, strides, padding, dilations, data_format, name, default_name, n):
    x = convert_to_tensor(x)
    w = math_ops._convert_operand(w, x.dtype, "filter")
    if (data_format, n) not in _CONV_SPECS:
        raise ValueError(f"{default_name}: data_format {data_format!r} is not valid for a {n}-D "
                         "convolution")
    padding = _padding(padding, default_name)
    s = _spatial_nd(strides, data_format, n, f"{default_name} strides")
    d = _spatial_nd(dilations if dilations is not None else 1, data_format, n,
                    f"{default_name} dilations")
    return op_output(op_type, _conv_nd_kernel, [x, w], name=name or default_name,
                     attrs={"strides": s, "padding": padding, "dilations": d,
                            "spec": _CONV_SPECS[(data_format, n)]})


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None, data_format=None,
           name=None, input=None, dilations=None):  # noqa: A002
    """TF1's `tf.nn.conv1d(value, filters, stride, padding)`: NWC input, WIO filter (one op)."""
    value = input if value is None else value
    if stride is None or padding is None:
        raise TypeError("conv1d() missing required arguments 'stride' and 'padding'")
    fmt = {None: "NWC", "NHWC": "NWC", "NCHW": "NCW"}.get(data_format, data_format)
    with ops_lib.name_scope(name, "conv1d", [value, filters]) as scope:
        return _conv_nd("Conv1D", value, filters, stride, padding, dilations, fmt, scope, "conv1d",
                        1)


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",  # noqa: A002
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):
    """TF1's `tf.nn.conv3d(input, filter, strides, padding)`: NDHWC input, DHWIO filter."""
    filter = filters if filter is None else filter  # noqa: A001
    if strides is None or padding is None:
        raise TypeError("conv3d() missing required arguments 'strides' and 'padding'")
    return _conv_nd("Conv3D", input, filter, strides, padding, dilations, data_format, name,
                    "Conv3D", 3)


def _conv_transpose_kernel(x, w, *dyn, out_shape, strides, padding, dilations, spec):
    """TF's Conv2DBackpropInput: the transpose (vjp) of the forward convolution whose input has
    `out_shape` and whose filter is `w` (HW[out][in])."""
    shape = out_shape if out_shape is not None else _concrete_shape(dyn[0])

    def forward(y):
        return jax.lax.conv_general_dilated(y, w, strides, padding, rhs_dilation=dilations,
                                            dimension_numbers=spec)

    (out,) = jax.linear_transpose(forward, jax.ShapeDtypeStruct(shape, x.dtype))(x)
    return out


def _concrete_shape(t):
    return concrete_dims(t, "conv2d_transpose output_shape")


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None, padding="SAME",  # noqa: A002
                     data_format="NHWC", name=None, input=None, filters=None, dilations=None):  # noqa: A002
    """TF1's `tf.nn.conv2d_transpose(value, filter, output_shape, strides, padding)`: the gradient
    of `conv2d` with respect to its input; `filter` is [height, width, output_channels, in_channels]."""
    value = input if value is None else value
    filter = filters if filter is None else filter  # noqa: A001
    if output_shape is None or strides is None:
        raise TypeError("conv2d_transpose() missing required arguments 'output_shape' and 'strides'")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("conv2d_transpose: data_format must be 'NHWC' or 'NCHW', got "
                         f"{data_format!r}")
    with ops_lib.name_scope(name, "conv2d_transpose", [value, filter, output_shape]) as scope:
        x = convert_to_tensor(value, name="value")
        w = math_ops._convert_operand(filter, x.dtype, "filter")
        padding = _padding(padding, "conv2d_transpose")
        s = _spatial_nd(strides, data_format, 2, "conv2d_transpose strides")
        d = _spatial_nd(dilations if dilations is not None else 1, data_format, 2,
                        "conv2d_transpose dilations")
        attrs = {"strides": s, "padding": padding, "dilations": d,
                 "spec": _CONV_SPECS[(data_format, 2)]}
        if isinstance(output_shape, ops_lib.Tensor) and output_shape._static_value is None:
            shape = convert_to_tensor(output_shape)
            return op_output("Conv2DBackpropInput", _conv_transpose_kernel, [x, w, shape],
                             name=scope, attrs=dict(attrs, out_shape=None),
                             out_specs=[(x.dtype.base_dtype, _dynamic_shape_spec(shape))])
        static = output_shape._static_value if isinstance(output_shape,
                                                          ops_lib.Tensor) else output_shape
        out_shape = tuple(int(v) for v in np.asarray(static).reshape(-1))
        return op_output("Conv2DBackpropInput", _conv_transpose_kernel, [x, w], name=scope,
                         attrs=dict(attrs, out_shape=out_shape))


def _depthwise_kernel(x, w, strides, padding, dilations, spec):
    kh, kw, cin, mult = w.shape
    return jax.lax.conv_general_dilated(x, w.reshape(kh, kw, 1, cin * mult), strides, padding,
                                        rhs_dilation=dilations, dimension_numbers=spec,
                                        feature_group_count=cin)


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None, data_format=None,  # noqa: A002
                     dilations=None):
    """TF1's `tf.nn.depthwise_conv2d`: filter [h, w, in_channels, channel_multiplier]; output
    channel `c * multiplier + m` is input channel c convolved with filter[..., c, m]."""
    data_format = data_format or "NHWC"
    rate = dilations if rate is None else rate
    with ops_lib.name_scope(name, "depthwise", [input, filter]) as scope:
        x = convert_to_tensor(input)
        w = math_ops._convert_operand(filter, x.dtype, "filter")
        d = _spatial_nd(rate if rate is not None else 1, data_format, 2, "depthwise_conv2d rate")
        return op_output("DepthwiseConv2dNative", _depthwise_kernel, [x, w], name=scope,
                         attrs={"strides": _spatial_nd(strides, data_format, 2,
                                                       "depthwise_conv2d strides"),
                                "padding": _padding(padding, "depthwise_conv2d"), "dilations": d,
                                "spec": _CONV_SPECS[(data_format, 2)]})


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, rate=None,  # noqa: A002
                     name=None, data_format=None, dilations=None):
    """TF1's `tf.nn.separable_conv2d`: a depthwise convolution ("<name>/depthwise") followed by a
    1x1 convolution (the op "<name>")."""
    data_format = data_format or "NHWC"
    with ops_lib.name_scope(name, "separable_conv2d",
                            [input, depthwise_filter, pointwise_filter]) as scope:
        depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, rate=rate if rate is not None
                                     else dilations, name="depthwise", data_format=data_format)
        return _conv_nd("Conv2D", depthwise, pointwise_filter, 1, "VALID", 1, data_format, scope,
                        "separable_conv2d", 2)


def _pool_nd(kind, value, ksize, strides, padding, data_format, name, op_type, n):
    channels_first = data_format.startswith("NC")

    def full(v, what):
        if isinstance(v, int):
            v = [int(v)] * n
        v = [int(i) for i in v]
        if len(v) == n:
            return tuple([1, 1] + v if channels_first else [1] + v + [1])
        if len(v) != n + 2:
            raise ValueError(f"{op_type}: {what} must have {n + 2} elements, got {v}")
        return tuple(v)

    return op_output(op_type, _pool_kernel, [convert_to_tensor(value)], name=name or op_type,
                     attrs={"ksize": full(ksize, "ksize"), "strides": full(strides, "strides"),
                            "padding": _padding(padding, op_type), "kind": kind})


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    return _pool_nd("max", input, ksize, strides, padding, data_format, name, "MaxPool3D", 3)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    return _pool_nd("avg", input, ksize, strides, padding, data_format, name, "AvgPool3D", 3)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool_nd("max", input, ksize, strides, padding, data_format, name, "MaxPool1d", 1)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool_nd("avg", input, ksize, strides, padding, data_format, name, "AvgPool1D", 1)


# ----- normalization ------------------------------------------------------------------------
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """TF1's `tf.nn.batch_normalization`: `x * inv + (offset - mean * inv)` with
    `inv = rsqrt(variance + epsilon) * scale`, op for op as TF1 builds it (scope "batchnorm")."""
    with ops_lib.name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x)
        inv = math_ops.rsqrt(math_ops.add(variance, variance_epsilon, name="add"))
        if scale is not None:
            inv = math_ops.multiply(inv, scale, name="mul")
        scaled = math_ops.multiply(x, math_ops.cast(inv, x.dtype), name="mul")
        if offset is not None:
            shifted = math_ops.subtract(offset, math_ops.multiply(mean, inv, name="mul"),
                                        name="sub")
        else:
            shifted = math_ops.multiply(math_ops.negative(mean), inv, name="mul")
        return math_ops.add(scaled, math_ops.cast(shifted, x.dtype), name="add")


def _fused_bn_kernel(x, scale, offset, *stats, epsilon, channel_axis, training):
    axes = tuple(i for i in range(x.ndim) if i != channel_axis)
    shape = [1] * x.ndim
    shape[channel_axis] = -1
    xf = x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x
    if training:
        mean = jnp.mean(xf, axis=axes)
        var = jnp.mean(jnp.square(xf - mean.reshape(shape)), axis=axes)
        n = int(np.prod([x.shape[a] for a in axes]))
        reported_var = var * (n / max(n - 1, 1))  # TF's kernel reports Bessel-corrected variance
    else:
        mean, var = stats
        reported_var = var
    inv = jax.lax.rsqrt(var + epsilon) * scale
    y = xf * inv.reshape(shape) + (offset - mean * inv).reshape(shape)
    return y.astype(x.dtype), mean.astype(scale.dtype), reported_var.astype(scale.dtype)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001, data_format="NHWC",
                     is_training=True, name=None, exponential_avg_factor=1.0):
    """TF1's `tf.nn.fused_batch_norm` on a 4-D input: returns (y, batch_mean, batch_variance).
    In training the reported variance is Bessel-corrected (n / (n - 1)), as TF's kernel reports it,
    while `y` is normalized by the biased variance; epsilon is at least 1.001e-5."""
    if exponential_avg_factor != 1.0:
        raise NotImplementedError("tf.nn.fused_batch_norm argument 'exponential_avg_factor' is not "
                                  "supported.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("fused_batch_norm: data_format must be 'NHWC' or 'NCHW', got "
                         f"{data_format!r}")
    x = convert_to_tensor(x, name="input")
    scale = convert_to_tensor(scale, name="scale")
    offset = convert_to_tensor(offset, name="offset")
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"fused_batch_norm: input must be 4-dimensional, got shape {x.shape}")
    inputs = [x, scale, offset]
    if not is_training:
        if mean is None or variance is None:
            raise ValueError("fused_batch_norm: mean and variance are required when "
                             "is_training=False")
        inputs += [convert_to_tensor(mean), convert_to_tensor(variance)]
    op = make_op("FusedBatchNormV3", _fused_bn_kernel, inputs, name=name or "FusedBatchNormV3",
                 attrs={"epsilon": max(float(epsilon), 1.001e-5),
                        "channel_axis": 3 if data_format == "NHWC" else 1,
                        "training": bool(is_training)})
    return op.outputs[0], op.outputs[1], op.outputs[2]


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """TF1's `tf.nn.l2_normalize`: `x * rsqrt(max(sum(x ** 2, axis), epsilon))`."""
    axis = dim if axis is None else axis
    with ops_lib.name_scope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        x_inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.multiply(x, x_inv_norm, name=scope)


# ----- layers, activations and losses built from the ops above --------------------------------
def _xw_plus_b_kernel(x, w, b):
    return jnp.matmul(x, w) + b


def xw_plus_b(x, weights, biases, name=None):
    """TF1's `tf.nn.xw_plus_b`: matmul(x, weights) + biases; the op is a "BiasAdd" named
    `xw_plus_b`, as TF1's. x and weights must be matrices, biases a vector."""
    with ops_lib.name_scope(name, "xw_plus_b", [x, weights, biases]) as scope:
        x = convert_to_tensor(x, name="x")
        w = math_ops._convert_operand(weights, x.dtype, "weights")
        b = math_ops._convert_operand(biases, x.dtype, "biases")
        for t, rank in ((x, 2), (w, 2), (b, 1)):
            if t.shape.ndims not in (None, rank):
                raise ValueError(f"xw_plus_b: '{t.name}' must have rank {rank}, got {t.shape}.")
        return op_output("BiasAdd", _xw_plus_b_kernel, [x, w, b], name=scope)


def relu_layer(x, weights, biases, name=None):
    """TF1's `tf.nn.relu_layer`: relu(matmul(x, weights) + biases); the op is a "Relu" named
    `relu_layer`, as TF1's."""
    with ops_lib.name_scope(name, "relu_layer", [x, weights, biases]) as scope:
        x = convert_to_tensor(x, name="x")
        w = math_ops._convert_operand(weights, x.dtype, "weights")
        b = math_ops._convert_operand(biases, x.dtype, "biases")
        return op_output("Relu", lambda a, c, d: jax.nn.relu(_xw_plus_b_kernel(a, c, d)),
                         [x, w, b], name=scope)


def _crelu_kernel(x, axis):
    return jax.nn.relu(jnp.concatenate([x, -x], axis=axis))


def crelu(features, name=None, axis=-1):
    """TF1's `tf.nn.crelu`: relu(concat([x, -x], axis)); the op is `CRelu/Relu`."""
    with ops_lib.name_scope(name, "CRelu", [features]):
        x = convert_to_tensor(features, name="features")
        return op_output("Relu", _crelu_kernel, [x], name="Relu", attrs={"axis": int(axis)})


def _swish_kernel(x, beta):
    return x * jax.nn.sigmoid(beta * x)


def swish(features, beta=1.0, name=None):
    """TF's `tf.nn.swish` / `tf.nn.silu`: x * sigmoid(beta * x). The op is an "IdentityN" (TF
    wraps it in a custom gradient), named `IdentityN` unless `name` is given."""
    x = convert_to_tensor(features, name="features")
    b = math_ops._convert_operand(beta, x.dtype, "beta")
    return op_output("IdentityN", _swish_kernel, [x, b], name=name or "IdentityN")


silu = swish


def _zero_fraction_kernel(is_zero):
    return jnp.mean(is_zero.astype(jnp.float32))


def zero_fraction(value, name=None):
    """TF1's `tf.nn.zero_fraction`: the fraction of zeros in `value`, as float32; the op is
    `zero_fraction/fraction`, as TF1's."""
    with ops_lib.name_scope(name, "zero_fraction", [value]):
        x = convert_to_tensor(value, name="value")
        is_zero = op_output("Equal", lambda v: v == 0, [x], name="Equal")  # no gradient, as TF1
        return op_output("Identity", _zero_fraction_kernel, [is_zero], name="fraction")


def _log_poisson_kernel(targets, log_input, full):
    loss = jnp.exp(log_input) - log_input * targets
    if full:  # TF1's formula as written: its gradient in `targets` is NaN where targets <= 0
        stirling = targets * jnp.log(targets) - targets + 0.5 * jnp.log(2 * np.pi * targets)
        loss = loss + jnp.where(targets > 1, stirling, jnp.zeros_like(targets))
    return loss


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """TF1's `tf.nn.log_poisson_loss`: exp(log_input) - log_input * targets, plus Stirling's
    approximation of log(targets!) for targets > 1 with `compute_full_loss`. The op is
    `log_poisson_loss/sub` (`log_poisson_loss/add_1` with the full loss), as TF1's."""
    with ops_lib.name_scope(name, "log_poisson_loss", [targets, log_input]):
        li = convert_to_tensor(log_input, name="log_input")
        t = math_ops._convert_operand(targets, li.dtype, "targets")
        if not t.shape.is_compatible_with(li.shape):
            raise ValueError(f"log_input and targets must have the same shape ({li.shape} vs "
                             f"{t.shape})")
        full = bool(compute_full_loss)
        return op_output("AddV2" if full else "Sub", _log_poisson_kernel, [t, li],
                         name="add_1" if full else "sub", attrs={"full": full})


def _weighted_xent_kernel(labels, logits, pos_weight):
    log_weight = 1 + (pos_weight - 1) * labels
    abs_logits = math_ops._abs_kernel(logits)  # TF1's |x|: gradient 0 at 0
    return (1 - labels) * logits + log_weight * (jnp.log1p(jnp.exp(-abs_logits)) +
                                                 jax.nn.relu(-logits))


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """TF1's `tf.nn.weighted_cross_entropy_with_logits`: sigmoid cross-entropy with positives
    weighted by `pos_weight` (numerically stable form, as TF1); the op is `logistic_loss`."""
    labels = labels if labels is not None else targets
    if labels is None or logits is None or pos_weight is None:
        raise ValueError("weighted_cross_entropy_with_logits needs labels, logits and "
                         "pos_weight.")
    with ops_lib.name_scope(name, "logistic_loss", [logits, labels]) as scope:
        lg = convert_to_tensor(logits, name="logits")
        lb = math_ops._convert_operand(labels, lg.dtype, "labels")
        pw = math_ops._convert_operand(pos_weight, lg.dtype, "pos_weight")
        if not lg.shape.is_compatible_with(lb.shape):
            raise ValueError(f"logits and labels must have the same shape ({lg.shape} vs "
                             f"{lb.shape})")
        return op_output("AddV2", _weighted_xent_kernel, [lb, lg, pw], name=scope)
