"""More of `tf.nn`'s convolutions and pools: the raw gradient ops
(`conv2d_backprop_input`, `conv2d_backprop_filter`), `depthwise_conv2d_native`,
`conv3d_transpose`, `atrous_conv2d`, `convolution`, `max_pool_with_argmax` and TF's pool
aliases (`max_pool_v2`, `max_pool2d`, `avg_pool_v2`, `avg_pool2d`, `max_pool1d`,
`avg_pool1d`, `pool`).

Each is one JAX kernel built on `nn_ops`' convolution helpers; gradients are JAX's (the
transposes of the linear maps, as TF1's registered gradients compute them).
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op, op_output
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import manip_ops
from tfvars_jax.ops import math_ops
from tfvars_jax.ops import nn_ops


def _static_dims(v, what):
    static, dyn = array_ops._static_shape_arg(v, what)
    if static is None:
        raise NotImplementedError(f"{what} must be known when the graph is built; got the "
                                  f"computed tensor {dyn.name}.")
    return tuple(static)


def _conv_args(strides, padding, dilations, data_format, n, what):
    if (data_format, n) not in nn_ops._CONV_SPECS:
        raise ValueError(f"{what}: data_format {data_format!r} is not valid here.")
    return {"strides": nn_ops._spatial_nd(strides, data_format, n, f"{what} strides"),
            "padding": nn_ops._padding(padding, what),
            "dilations": nn_ops._spatial_nd(dilations if dilations is not None else 1,
                                            data_format, n, f"{what} dilations"),
            "spec": nn_ops._CONV_SPECS[(data_format, n)]}


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=(1, 1, 1, 1), name=None, filters=None):
    """TF1's `tf.nn.conv2d_backprop_input` ("Conv2DBackpropInput"): the gradient of conv2d with
    respect to its input, of shape `input_sizes` (static)."""
    filter = filters if filter is None else filter  # noqa: A001
    dy = convert_to_tensor(out_backprop, name="out_backprop")
    w = math_ops._convert_operand(filter, dy.dtype, "filter")
    attrs = _conv_args(strides, padding, dilations, data_format, 2, "conv2d_backprop_input")
    return op_output("Conv2DBackpropInput", nn_ops._conv_transpose_kernel, [dy, w],
                     name=name or "Conv2DBackpropInput",
                     attrs=dict(attrs, out_shape=_static_dims(input_sizes, "input_sizes")))


def _backprop_filter_kernel(x, dy, filter_shape, strides, padding, dilations, spec):
    def forward(w):
        return jax.lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dilations,
                                            dimension_numbers=spec)

    (out,) = jax.linear_transpose(forward, jax.ShapeDtypeStruct(filter_shape, x.dtype))(dy)
    return out


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=(1, 1, 1, 1),
                           name=None):
    """TF1's `tf.nn.conv2d_backprop_filter` ("Conv2DBackpropFilter"): the gradient of conv2d
    with respect to its filter, of shape `filter_sizes` (static)."""
    x = convert_to_tensor(input, name="input")
    dy = math_ops._convert_operand(out_backprop, x.dtype, "out_backprop")
    attrs = _conv_args(strides, padding, dilations, data_format, 2, "conv2d_backprop_filter")
    return op_output("Conv2DBackpropFilter", _backprop_filter_kernel, [x, dy],
                     name=name or "Conv2DBackpropFilter",
                     attrs=dict(attrs, filter_shape=_static_dims(filter_sizes, "filter_sizes")))


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=(1, 1, 1, 1), name=None):
    """TF1's `tf.nn.depthwise_conv2d_native` ("DepthwiseConv2dNative"): filter [h, w, in,
    multiplier]; output channel c * multiplier + m convolves input channel c with [..., c, m]."""
    x = convert_to_tensor(input, name="input")
    w = math_ops._convert_operand(filter, x.dtype, "filter")
    attrs = _conv_args(strides, padding, dilations, data_format, 2, "depthwise_conv2d_native")
    return op_output("DepthwiseConv2dNative", nn_ops._depthwise_kernel, [x, w],
                     name=name or "DepthwiseConv2dNative", attrs=attrs)


def conv3d_transpose(value, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NDHWC", name=None, filters=None,
                     dilations=None):
    """TF1's `tf.nn.conv3d_transpose` ("Conv3DBackpropInputV2", named `conv3d_transpose`): the
    gradient of conv3d with respect to its input; filter [d, h, w, out_channels, in_channels];
    `output_shape` static."""
    filter = filters if filter is None else filter  # noqa: A001
    if output_shape is None or strides is None:
        raise TypeError("conv3d_transpose() missing required arguments 'output_shape' and "
                        "'strides'")
    with ops_lib.name_scope(name, "conv3d_transpose", [value, filter, output_shape]) as scope:
        x = convert_to_tensor(value, name="value")
        w = math_ops._convert_operand(filter, x.dtype, "filter")
        attrs = _conv_args(strides, padding, dilations, data_format, 3, "conv3d_transpose")
        return op_output("Conv3DBackpropInputV2", nn_ops._conv_transpose_kernel, [x, w],
                         name=scope,
                         attrs=dict(attrs, out_shape=_static_dims(output_shape, "output_shape")))


def atrous_conv2d(value, filters, rate, padding, name=None):
    """TF1's `tf.nn.atrous_conv2d`: conv2d with the filter dilated by `rate` (NHWC, stride 1).
    TF1 computes it through space_to_batch; the values agree, and the op carries TF1's name
    (`convolution/BatchToSpaceND`, or `convolution` for rate 1)."""
    rate = int(rate)
    if rate < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    x = convert_to_tensor(value, name="value")
    w = math_ops._convert_operand(filters, x.dtype, "filters")
    attrs = _conv_args(1, padding, rate, "NHWC", 2, "atrous_conv2d")
    if rate == 1:
        return op_output("Conv2D", nn_ops._conv_nd_kernel, [x, w], name=name or "convolution",
                         attrs=attrs)
    with ops_lib.name_scope(name, "convolution", [x, w]):
        return op_output("BatchToSpaceND", nn_ops._conv_nd_kernel, [x, w], name="BatchToSpaceND",
                         attrs=attrs)


def convolution(input, filter=None, padding=None, strides=None, dilation_rate=None,  # noqa: A002
                name=None, data_format=None, filters=None, dilations=None):
    """TF1's `tf.nn.convolution` for 2-D and 3-D inputs (a "Conv2D"/"Conv3D" op named
    `convolution`); 1-D inputs raise NotImplementedError (use tf.nn.conv1d)."""
    filter = filters if filter is None else filter  # noqa: A001
    dilation_rate = dilation_rate if dilation_rate is not None else dilations
    x = convert_to_tensor(input, name="input")
    n = x.shape.ndims - 2 if x.shape.ndims is not None else None
    if n not in (2, 3):
        raise NotImplementedError(f"tf.nn.convolution of a rank-{x.shape.ndims} input is not "
                                  "supported (2-D and 3-D only); use tf.nn.conv1d.")
    fmt = data_format or ("NHWC" if n == 2 else "NDHWC")
    w = math_ops._convert_operand(filter, x.dtype, "filter")
    attrs = _conv_args(strides if strides is not None else 1, padding,
                       dilation_rate if dilation_rate is not None else 1, fmt, n, "convolution")
    return op_output("Conv2D" if n == 2 else "Conv3D", nn_ops._conv_nd_kernel, [x, w],
                     name=name or "convolution", attrs=attrs)


# ----- pools --------------------------------------------------------------------------------
def _argmax_pool_kernel(x, ksize, strides, padding, include_batch, index_dtype):
    n, h, w, c = x.shape
    b = jnp.arange(n).reshape(n, 1, 1, 1)
    y = jnp.arange(h).reshape(1, h, 1, 1)
    xx = jnp.arange(w).reshape(1, 1, w, 1)
    ch = jnp.arange(c).reshape(1, 1, 1, c)
    flat = (y * w + xx) * c + ch
    if include_batch:
        flat = flat + b * (h * w * c)
    flat = jnp.broadcast_to(flat, x.shape).astype(jnp.int64)

    def pick(a, bb):
        (av, ai), (bv, bi) = a, bb
        take = (bv > av) | ((bv == av) & (bi < ai))
        return jnp.where(take, bv, av), jnp.where(take, bi, ai)

    lowest = -jnp.inf if jnp.issubdtype(x.dtype, jnp.floating) else jnp.iinfo(x.dtype).min
    _, idx = jax.lax.reduce_window((jax.lax.stop_gradient(x), flat),
                                   (jnp.asarray(lowest, x.dtype),
                                    jnp.asarray(np.iinfo(np.int64).max, jnp.int64)),
                                   pick, ksize, strides, padding)
    values = nn_ops._pool_kernel(x, ksize, strides, padding, "max")
    return values, idx.astype(index_dtype)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",  # noqa: A002
                         Targmax=None, name=None, output_dtype=None,  # noqa: N803 - TF1's name
                         include_batch_in_index=False):
    """TF1's `tf.nn.max_pool_with_argmax` ("MaxPoolWithArgmax"): max pooling (NHWC) and the
    flattened index of each maximum, ((b * height + y) * width + x) * channels + c (b only with
    `include_batch_in_index`); ties pick the first in row-major order."""
    if data_format != "NHWC":
        raise ValueError(f"max_pool_with_argmax supports only NHWC, got {data_format!r}")
    index_dtype = dtypes.as_dtype(Targmax or output_dtype or dtypes.int64).base_dtype
    if index_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"max_pool_with_argmax: Targmax must be int32 or int64, got "
                        f"{index_dtype.name}")
    x = convert_to_tensor(input, name="input")
    full = []
    for what, v in (("ksize", ksize), ("strides", strides)):
        v = [int(v)] * 2 if isinstance(v, int) else [int(i) for i in v]
        v = [1] + v + [1] if len(v) == 2 else v
        if len(v) != 4 or v[0] != 1 or v[3] != 1:
            raise ValueError(f"max_pool_with_argmax: {what} must be [1, h, w, 1], got {v}")
        full.append(tuple(v))
    op = make_op("MaxPoolWithArgmax", _argmax_pool_kernel, [x],
                 name=name or "MaxPoolWithArgmax",
                 attrs={"ksize": full[0], "strides": full[1],
                        "padding": nn_ops._padding(padding, "max_pool_with_argmax"),
                        "include_batch": bool(include_batch_in_index),
                        "index_dtype": np.dtype(index_dtype.as_numpy_dtype)})
    return op.outputs[0], op.outputs[1]


def _nhwc4(v):
    """A pool size/stride as TF2 accepts it (an int, [h, w] or [1, h, w, 1]) -> length 4."""
    v = [int(v)] * 2 if isinstance(v, (int, np.integer)) else [int(i) for i in v]
    if len(v) == 1:
        v = v * 2
    return [1] + v + [1] if len(v) == 2 else v


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """TF's `tf.nn.max_pool_v2` / `max_pool2d` (4-D, NHWC): a "MaxPool" op named `MaxPool2d`."""
    return nn_ops._pool("max", input, _nhwc4(ksize), _nhwc4(strides), padding,
                        data_format or "NHWC", name or "MaxPool2d", "MaxPool")


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """TF's `tf.nn.avg_pool_v2` / `avg_pool2d` (4-D, NHWC): an "AvgPool" op."""
    return nn_ops._pool("avg", input, _nhwc4(ksize), _nhwc4(strides), padding,
                        data_format or "NHWC", name or "AvgPool", "AvgPool")


max_pool2d = max_pool_v2
avg_pool2d = avg_pool_v2


def _pool1d(kind, input, ksize, strides, padding, data_format, name, scope):  # noqa: A002
    if data_format not in ("NWC", None):
        raise NotImplementedError(f"{scope}: data_format {data_format!r} is not supported (NWC).")
    with ops_lib.name_scope(name, scope, [input]):
        return nn_ops._pool_nd(kind, input, ksize, strides, padding, "NWC", "Squeeze", "Squeeze",
                               1)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """TF1's `tf.nn.max_pool1d` (NWC); the op is `MaxPool1d/Squeeze`, as TF1's."""
    return _pool1d("max", input, ksize, strides, padding, data_format, name, "MaxPool1d")


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """TF1's `tf.nn.avg_pool1d` (NWC); the op is `AvgPool1D/Squeeze`, as TF1's."""
    return _pool1d("avg", input, ksize, strides, padding, data_format, name, "AvgPool1D")


def pool(input, window_shape, pooling_type, padding, dilation_rate=None, strides=None,  # noqa: A002
         name=None, data_format=None, dilations=None):
    """TF1's `tf.nn.pool` for 2-D NHWC inputs: MAX or AVG pooling with `window_shape` and
    `strides` (default 1); dilations other than 1 raise NotImplementedError."""
    dilation_rate = dilation_rate if dilation_rate is not None else dilations
    if dilation_rate is not None and any(int(d) != 1 for d in np.ravel(dilation_rate)):
        raise NotImplementedError("tf.nn.pool with dilation_rate != 1 is not supported.")
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"Invalid pooling_type: {pooling_type}")
    window = [int(v) for v in window_shape]
    if len(window) != 2 or (data_format or "NHWC") != "NHWC":
        raise NotImplementedError("tf.nn.pool supports 2-D NHWC pooling only here.")
    s = [1, 1] if strides is None else [int(v) for v in strides]
    kind, default = ("max", "max_pool") if pooling_type == "MAX" else ("avg", "avg_pool")
    return nn_ops._pool(kind, input, [1] + window + [1], [1] + s + [1], padding, "NHWC",
                        name or default, "MaxPool" if kind == "max" else "AvgPool")


def _depthwise_backprop_input_kernel(w, dy, in_shape, strides, padding, dilations, spec):
    def forward(x):
        return nn_ops._depthwise_kernel(x, w, strides, padding, dilations, spec)

    (out,) = jax.linear_transpose(forward, jax.ShapeDtypeStruct(in_shape, dy.dtype))(dy)
    return out


def _depthwise_backprop_filter_kernel(x, dy, filter_shape, strides, padding, dilations, spec):
    def forward(w):
        return nn_ops._depthwise_kernel(x, w, strides, padding, dilations, spec)

    (out,) = jax.linear_transpose(forward, jax.ShapeDtypeStruct(filter_shape, x.dtype))(dy)
    return out


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, strides,  # noqa: A002
                                           padding, data_format="NHWC",
                                           dilations=(1, 1, 1, 1), name=None):
    """TF1's `tf.nn.depthwise_conv2d_native_backprop_input` (also
    `depthwise_conv2d_backprop_input`): the gradient of depthwise_conv2d_native with respect to
    its input, of shape `input_sizes` (static)."""
    dy = convert_to_tensor(out_backprop, name="out_backprop")
    w = math_ops._convert_operand(filter, dy.dtype, "filter")
    attrs = _conv_args(strides, padding, dilations, data_format, 2,
                       "depthwise_conv2d_native_backprop_input")
    return op_output("DepthwiseConv2dNativeBackpropInput", _depthwise_backprop_input_kernel,
                     [w, dy], name=name or "DepthwiseConv2dNativeBackpropInput",
                     attrs=dict(attrs, in_shape=_static_dims(input_sizes, "input_sizes")))


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, strides,  # noqa: A002
                                            padding, data_format="NHWC",
                                            dilations=(1, 1, 1, 1), name=None):
    """TF1's `tf.nn.depthwise_conv2d_native_backprop_filter` (also
    `depthwise_conv2d_backprop_filter`): the gradient of depthwise_conv2d_native with respect
    to its filter, of shape `filter_sizes` (static)."""
    x = convert_to_tensor(input, name="input")
    dy = math_ops._convert_operand(out_backprop, x.dtype, "out_backprop")
    attrs = _conv_args(strides, padding, dilations, data_format, 2,
                       "depthwise_conv2d_native_backprop_filter")
    return op_output("DepthwiseConv2dNativeBackpropFilter", _depthwise_backprop_filter_kernel,
                     [x, dy], name=name or "DepthwiseConv2dNativeBackpropFilter",
                     attrs=dict(attrs, filter_shape=_static_dims(filter_sizes, "filter_sizes")))


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """TF1's `tf.nn.conv1d_transpose`: the gradient of conv1d with respect to its input; filter
    [width, output_channels, in_channels]; `output_shape` static. The op is
    `conv1d_transpose/Squeeze`, as TF1's."""
    if data_format not in ("NWC", None):
        raise NotImplementedError(f"conv1d_transpose: data_format {data_format!r} is not "
                                  "supported (NWC).")
    with ops_lib.name_scope(name, "conv1d_transpose", [input, filters, output_shape]):
        x = convert_to_tensor(input, name="input")
        w = math_ops._convert_operand(filters, x.dtype, "filters")
        attrs = _conv_args(strides, padding, dilations, "NWC", 1, "conv1d_transpose")
        return op_output("Squeeze", nn_ops._conv_transpose_kernel, [x, w], name="Squeeze",
                         attrs=dict(attrs, out_shape=_static_dims(output_shape, "output_shape")))


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None, scale_after_normalization=None,
                                         name=None, input=None, mean=None,  # noqa: A002
                                         variance=None):
    """TF1's `tf.nn.batch_norm_with_global_normalization`: `tf.nn.batch_normalization` with
    `gamma` applied only when `scale_after_normalization`."""
    t = input if t is None else t
    m = mean if m is None else m
    v = variance if v is None else v
    return nn_ops.batch_normalization(t, m, v, beta, gamma if scale_after_normalization
                                      else None, variance_epsilon, name)


def _average_loss_kernel(loss, *weights, batch):
    if weights:
        loss = loss * weights[0]
    total = jnp.sum(loss)
    count = jnp.asarray(loss.shape[0] if batch is None else batch, total.dtype)
    return jnp.where(count == 0, jnp.zeros_like(total), total / jnp.where(count == 0, 1, count))


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """TF's `tf.nn.compute_average_loss` with one replica: sum(per_example_loss *
    sample_weight) / global_batch_size (default the loss's first dimension); 0 for a batch of
    0. The op is a "DivNoNan" named `div_no_nan`, as TF's."""
    loss = convert_to_tensor(per_example_loss, name="per_example_loss")
    if not loss.dtype.is_floating:
        raise TypeError(f"compute_average_loss: per_example_loss must be floating-point, got "
                        f"{loss.dtype.name}.")
    inputs = [loss]
    if sample_weight is not None:
        inputs.append(math_ops._convert_operand(sample_weight, loss.dtype, "sample_weight"))
    batch = None if global_batch_size is None else int(global_batch_size)
    return op_output("DivNoNan", _average_loss_kernel, inputs, name="div_no_nan",
                     attrs={"batch": batch})


def scale_regularization_loss(regularization_loss):
    """TF's `tf.nn.scale_regularization_loss` with one replica: sum(regularization_loss) / 1
    (a "RealDiv" op named `truediv`, as TF's)."""
    loss = convert_to_tensor(regularization_loss, name="regularization_loss")
    return op_output("RealDiv", lambda v: jnp.sum(v), [loss], name="truediv")


def conv3d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    """TF1's `tf.nn.conv3d_backprop_filter` / `conv3d_backprop_filter_v2`
    ("Conv3DBackpropFilterV2"): the gradient of conv3d with respect to its filter, of shape
    `filter_sizes` (static)."""
    x = convert_to_tensor(input, name="input")
    dy = math_ops._convert_operand(out_backprop, x.dtype, "out_backprop")
    attrs = _conv_args(strides, padding, dilations, data_format, 3, "conv3d_backprop_filter")
    return op_output("Conv3DBackpropFilterV2", _backprop_filter_kernel, [x, dy],
                     name=name or "Conv3DBackpropFilterV2",
                     attrs=dict(attrs, filter_shape=_static_dims(filter_sizes, "filter_sizes")))


conv3d_backprop_filter_v2 = conv3d_backprop_filter


def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None):
    """TF's `tf.nn.conv_transpose`: `conv1d_transpose`, `conv2d_transpose` or
    `conv3d_transpose` by the rank of `output_shape` (3, 4 or 5), in a `conv_transpose` scope."""
    with ops_lib.name_scope(name, "conv_transpose", [input, filters, output_shape]) as scope:
        rank = len(_static_dims(output_shape, "output_shape"))
        if rank not in (3, 4, 5):
            raise ValueError(f"output_shape must be of length 3, 4 or 5 but was {rank}.")
        if rank == 3:
            return conv1d_transpose(input, filters, output_shape, strides, padding=padding,
                                    data_format=data_format or "NWC", dilations=dilations,
                                    name=scope)
        if rank == 4:
            return nn_ops.conv2d_transpose(input, filters, output_shape, strides,
                                           padding=padding, data_format=data_format or "NHWC",
                                           dilations=dilations, name=scope)
        return conv3d_transpose(input, filters, output_shape, strides, padding=padding,
                                data_format=data_format or "NDHWC", dilations=dilations,
                                name=scope)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """TF1's `tf.nn.atrous_conv2d_transpose`: the transpose of `atrous_conv2d` (conv2d_transpose
    with the filter dilated by `rate`, stride 1, NHWC). TF1 computes it through
    space_to_batch; the values agree, and the op carries the name of TF1's last op
    (`atrous_conv2d_transpose/BatchToSpaceND`, or `.../conv2d_transpose` for rate 1)."""
    rate = int(rate)
    if rate < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    with ops_lib.name_scope(name, "atrous_conv2d_transpose", [value, filters, output_shape]) \
            as scope:
        x = convert_to_tensor(value, name="value")
        w = math_ops._convert_operand(filters, x.dtype, "filters")
        if w.shape.ndims is not None and x.shape.ndims is not None and \
                x.shape[3] is not None and w.shape[3] is not None and x.shape[3] != w.shape[3]:
            raise ValueError("value's input channels does not match filters' input channels, "
                             f"{x.shape[3]} != {w.shape[3]}")
        out_shape = _static_dims(output_shape, "output_shape")
        if len(out_shape) != 4:
            raise ValueError(f"output_shape must have shape (4,), got {list(out_shape)}")
        attrs = _conv_args(1, padding, rate, "NHWC", 2, "atrous_conv2d_transpose")
        del scope
        # TF1's last op: BatchToSpaceND (rate > 1) or a conv2d_transpose (rate 1).
        op_type, op_name = ("Conv2DBackpropInput", "conv2d_transpose") if rate == 1 else \
            ("BatchToSpaceND", "BatchToSpaceND")
        return op_output(op_type, nn_ops._conv_transpose_kernel, [x, w], name=op_name,
                         attrs=dict(attrs, out_shape=out_shape))


# ----- morphology ---------------------------------------------------------------------------
def _dilation_kernel(x, w, strides, rates, padding):
    """Grayscale dilation: max over the window of input + filter; the gradient goes to the first
    maximum (TF's kernels), through an argmax rather than JAX's tie-splitting max."""
    _, h, wd, _ = x.shape
    kh, kw, _ = w.shape
    eff_h, eff_w = (kh - 1) * rates[0] + 1, (kw - 1) * rates[1] + 1
    if padding == "SAME":
        out_h, out_w = -(-h // strides[0]), -(-wd // strides[1])
        pad_h = max((out_h - 1) * strides[0] + eff_h - h, 0)
        pad_w = max((out_w - 1) * strides[1] + eff_w - wd, 0)
        low = jnp.finfo(x.dtype).min if jnp.issubdtype(x.dtype, jnp.floating) else \
            jnp.iinfo(x.dtype).min
        x = jnp.pad(x, [(0, 0), (pad_h // 2, pad_h - pad_h // 2),
                        (pad_w // 2, pad_w - pad_w // 2), (0, 0)], constant_values=low)
    else:
        out_h, out_w = (h - eff_h) // strides[0] + 1, (wd - eff_w) // strides[1] + 1
    windows = []
    for i in range(kh):
        for j in range(kw):
            y0, x0 = i * rates[0], j * rates[1]
            patch = x[:, y0:y0 + (out_h - 1) * strides[0] + 1:strides[0],
                      x0:x0 + (out_w - 1) * strides[1] + 1:strides[1], :]
            windows.append(patch + w[i, j])
    stacked = jnp.stack(windows, axis=3)  # [batch, out_h, out_w, kh * kw, depth]
    first = jnp.argmax(stacked, axis=3)[:, :, :, None, :]
    return jnp.take_along_axis(stacked, first, axis=3)[:, :, :, 0, :]


def _morphology_args(x, w, strides, rates, padding, what):
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"{what}: input must be 4-D [batch, height, width, depth], got "
                         f"{x.shape}")
    if w.shape.ndims not in (None, 3):
        raise ValueError(f"{what}: filter must be 3-D [height, width, depth], got {w.shape}")
    return {"strides": nn_ops._spatial_nd(strides, "NHWC", 2, f"{what} strides"),
            "rates": nn_ops._spatial_nd(rates, "NHWC", 2, f"{what} rates"),
            "padding": nn_ops._padding(padding, what)}


def dilation2d(input=None, filter=None, strides=None, rates=None, padding=None,  # noqa: A002
               name=None, filters=None, dilations=None):
    """TF1's `tf.nn.dilation2d` ("Dilation2D"): grayscale morphological dilation of NHWC
    `input` by the [height, width, depth] `filter`: the max over each window of input plus
    filter (SAME padding pads with the lowest value)."""
    filter = filters if filter is None else filter  # noqa: A001
    rates = dilations if rates is None else rates
    x = convert_to_tensor(input, name="input")
    w = math_ops._convert_operand(filter, x.dtype, "filter")
    attrs = _morphology_args(x, w, strides, rates, padding, "dilation2d")
    return op_output("Dilation2D", _dilation_kernel, [x, w], name=name or "Dilation2D",
                     attrs=attrs)


def _erosion_kernel(x, w, strides, rates, padding):
    return -_dilation_kernel(-x, w[::-1, ::-1], strides, rates, padding)


def erosion2d(value, kernel, strides, rates, padding, name=None):
    """TF1's `tf.nn.erosion2d`: grayscale morphological erosion, `-dilation2d(-value,
    reversed kernel)` as TF1 defines it; one op, "Neg" named `erosion2d/Neg_1` as TF1's last op."""
    with ops_lib.name_scope(name, "erosion2d", [value, kernel]) as scope:
        x = convert_to_tensor(value, name="value")
        w = math_ops._convert_operand(kernel, x.dtype, "kernel")
        attrs = _morphology_args(x, w, strides, rates, padding, "erosion2d")
        del scope
        return op_output("Neg", _erosion_kernel, [x, w], name="Neg_1", attrs=attrs)


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None,  # noqa: A002
                        spatial_dims=None, data_format=None):
    """TF1's `tf.nn.with_space_to_batch`: `op(converted, num_spatial_dims, padding)` on the
    input rearranged by `space_to_batch_nd` with block `dilation_rate`, then rearranged back
    with `batch_to_space_nd`, so that a VALID op on the blocks acts as its dilated version.
    "SAME" padding needs `filter_shape` and pads as a dilated filter would. `dilation_rate`,
    `filter_shape` and the input's spatial sizes must be static. All rates 1: `op(input,
    num_spatial_dims, padding)` directly, as TF1."""
    x = convert_to_tensor(input, name="input")
    rate = np.asarray(_static_dims(dilation_rate, "dilation_rate"), np.int64).reshape(-1)
    n = rate.size
    if n == 0 or np.any(rate < 1):
        raise ValueError(f"dilation_rate must be a non-empty vector of positive ints, got "
                         f"{rate.tolist()}")
    channels_first = data_format is not None and data_format.startswith("NC")
    if spatial_dims is None:
        spatial_dims = list(range(2, n + 2)) if channels_first else list(range(1, n + 1))
    spatial_dims = [int(d) for d in spatial_dims]
    if sorted(set(spatial_dims)) != spatial_dims or len(spatial_dims) != n or \
            spatial_dims[0] < 1:
        raise ValueError("spatial_dims must be a monotonically increasing sequence of positive "
                         f"integers, one per dilation rate, got {spatial_dims}")
    padding = nn_ops._padding(padding, "with_space_to_batch")
    if np.all(rate == 1):
        return op(x, n, padding)
    dims = x.shape.as_list() if x.shape.ndims is not None else None
    sizes = None if dims is None else [dims[d] for d in spatial_dims]
    if sizes is None or None in sizes:
        raise NotImplementedError("with_space_to_batch needs the input's spatial sizes when the "
                                  f"graph is built; got shape {x.shape}.")
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("filter_shape must be specified for SAME padding")
        filt = np.asarray(_static_dims(filter_shape, "filter_shape"), np.int64)[:n]
        extra = (filt - 1) * rate
        base = np.stack([extra // 2, extra - extra // 2], 1)
    else:
        base = np.zeros([n, 2], np.int64)
    full = np.asarray(sizes) + base[:, 0] + base[:, 1]
    pad_extra = (rate - full % rate) % rate
    paddings = np.stack([base[:, 0], base[:, 1] + pad_extra], 1)
    crops = np.stack([np.zeros_like(pad_extra), pad_extra], 1)
    # Dimensions between the spatial ones (and from dim 1) get block 1 and no padding.
    first, last = 1, spatial_dims[-1]
    block = np.ones(last - first + 1, np.int64)
    full_pads = np.zeros([last - first + 1, 2], np.int64)
    full_crops = np.zeros([last - first + 1, 2], np.int64)
    for k, d in enumerate(spatial_dims):
        block[d - first], full_pads[d - first], full_crops[d - first] = rate[k], paddings[k], \
            crops[k]
    converted = manip_ops.space_to_batch_nd(x, block.tolist(), full_pads.tolist())
    result = op(converted, n, "VALID")
    return manip_ops.batch_to_space_nd(result, block.tolist(), full_crops.tolist())
