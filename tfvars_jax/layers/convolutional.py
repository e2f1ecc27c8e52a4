"""`tf.layers.Conv1D/2D/3D`, `Conv2DTranspose`, `SeparableConv2D` and their functions (TF 1.15).

Kernels are `<scope>/kernel` [*kernel_size, in_channels, filters] (`Conv2DTranspose`:
[kh, kw, filters, in_channels]; `SeparableConv2D`: `depthwise_kernel` and `pointwise_kernel`)
and `<scope>/bias` [filters]. Both data formats are accepted.
"""
import jax

from tfvars_jax.framework.op_builder import op_output
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.layers.base import InputSpec, Layer, normalize_data_format, normalize_padding, normalize_tuple
from tfvars_jax.ops import array_ops, math_ops, nn_ops
from tfvars_jax.variables import initializers as init_ops

_ZEROS = init_ops.zeros_initializer()

_FORMATS = {(1, "channels_last"): "NWC", (1, "channels_first"): "NCW",
            (2, "channels_last"): "NHWC", (2, "channels_first"): "NCHW",
            (3, "channels_last"): "NDHWC", (3, "channels_first"): "NCDHW"}
_OP_TYPES = {1: "Conv1D", 2: "Conv2D", 3: "Conv3D"}


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Keras's `conv_utils.conv_output_length`."""
    if input_length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        output_length = input_length
    elif padding == "valid":
        output_length = input_length - dilated + 1
    else:
        output_length = input_length + dilated - 1
    return (output_length + stride - 1) // stride


def deconv_output_length(input_length, filter_size, padding, stride):
    """Keras's `conv_utils.deconv_output_length` (no output_padding, dilation 1)."""
    if input_length is None:
        return None
    input_length *= stride
    if padding == "valid":
        input_length += max(filter_size - stride, 0)
    elif padding == "full":
        input_length -= stride + filter_size - 2
    return input_length


class _Conv(Layer):
    """Keras's `Conv` base under TF1's `tf.layers` naming rules."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.rank = rank
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding, allow_causal=rank == 1)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        if any(s > 1 for s in self.strides) and any(d > 1 for d in self.dilation_rate):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(ndim=rank + 2)

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _input_dim(self, input_shape):
        input_shape = TensorShape(input_shape)
        dim = input_shape[self._channel_axis()].value
        if dim is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        return dim

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (input_dim, self.filters)

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self.kernel = self.add_weight("kernel", shape=self._kernel_shape(input_dim),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True,
                                      dtype=self.dtype)
        self._add_bias()
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): input_dim})
        self.built = True

    def _add_bias(self):
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True,
                                        dtype=self.dtype)
        else:
            self.bias = None

    def _convolve(self, inputs):
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            inputs = array_ops.pad(inputs, [[0, 0], [left, 0], [0, 0]])
            padding = "valid"
        fmt = _FORMATS[(self.rank, self.data_format)]
        if self.rank == 1:
            return nn_ops.conv1d(inputs, self.kernel, stride=self.strides[0], padding=padding.upper(),
                                 data_format="NCHW" if self.data_format == "channels_first" else "NHWC",
                                 dilations=self.dilation_rate)
        return nn_ops._conv_nd(_OP_TYPES[self.rank], inputs, self.kernel, self.strides,
                               padding.upper(), self.dilation_rate, fmt, None, _OP_TYPES[self.rank],
                               self.rank)

    def _bias_and_activation(self, outputs):
        if self.use_bias:
            if self.data_format == "channels_first" and self.rank == 1:
                outputs = math_ops.add(outputs, array_ops.reshape(self.bias, (1, self.filters, 1)))
            elif self.data_format == "channels_first":
                outputs = nn_ops.bias_add(outputs, self.bias,
                                          data_format="NCHW" if self.rank == 2 else "NCDHW")
            else:
                outputs = nn_ops.bias_add(outputs, self.bias, data_format="NHWC")
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def call(self, inputs):
        return self._bias_and_activation(self._convolve(inputs))

    def compute_output_shape(self, input_shape):
        shape = TensorShape(input_shape).as_list()
        spatial = shape[2:] if self.data_format == "channels_first" else shape[1:-1]
        new = [conv_output_length(n, k, self.padding, s, d)
               for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        if self.data_format == "channels_first":
            return TensorShape([shape[0], self.filters] + new)
        return TensorShape([shape[0]] + new + [self.filters])


def _conv_class(rank, class_name):
    defaults = (1,) * rank

    class Conv(_Conv):
        def __init__(self, filters, kernel_size, strides=defaults, padding="valid",
                     data_format="channels_last", dilation_rate=defaults, activation=None,
                     use_bias=True, kernel_initializer=None, bias_initializer=_ZEROS,
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                     **kwargs):
            super().__init__(rank, filters, kernel_size, strides=strides, padding=padding,
                             data_format=data_format, dilation_rate=dilation_rate,
                             activation=activation, use_bias=use_bias,
                             kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer,
                             activity_regularizer=activity_regularizer,
                             kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                             trainable=trainable, name=name, **kwargs)

    Conv.__name__ = Conv.__qualname__ = class_name
    Conv.__doc__ = f"TF1's `tf.layers.{class_name}`: a {rank}-D convolution layer."
    return Conv


Conv1D = _conv_class(1, "Conv1D")
Conv2D = _conv_class(2, "Conv2D")
Conv3D = _conv_class(3, "Conv3D")


def _conv_function(cls, fn_name, rank):
    ones = 1 if rank == 1 else (1,) * rank

    def conv(inputs, filters, kernel_size, strides=ones, padding="valid",
             data_format="channels_last", dilation_rate=ones, activation=None, use_bias=True,
             kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
             bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
             bias_constraint=None, trainable=True, name=None, reuse=None):
        layer = cls(filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                    data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                    use_bias=use_bias, kernel_initializer=kernel_initializer,
                    bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                    bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                    kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                    trainable=trainable, name=name, _reuse=reuse, _scope=name)
        return layer.apply(inputs)

    conv.__name__ = conv.__qualname__ = fn_name
    conv.__doc__ = f"TF1's `tf.layers.{fn_name}`: a `{cls.__name__}` layer applied to `inputs`."
    return conv


conv1d = _conv_function(Conv1D, "conv1d", 1)
conv2d = _conv_function(Conv2D, "conv2d", 2)
conv3d = _conv_function(Conv3D, "conv3d", 3)


def _deconv2d_kernel(x, w, strides, padding, spec, channels_first, kernel_size):
    """TF's Conv2DBackpropInput with the output shape Keras infers from the input's."""
    h_axis, w_axis = (2, 3) if channels_first else (1, 2)
    filters = w.shape[2]
    out_h = deconv_output_length(x.shape[h_axis], kernel_size[0], padding.lower(), strides[0])
    out_w = deconv_output_length(x.shape[w_axis], kernel_size[1], padding.lower(), strides[1])
    out_shape = (x.shape[0], filters, out_h,
                 out_w) if channels_first else (x.shape[0], out_h, out_w, filters)

    def forward(y):
        return jax.lax.conv_general_dilated(y, w, strides, padding, dimension_numbers=spec)

    (out,) = jax.linear_transpose(forward, jax.ShapeDtypeStruct(out_shape, x.dtype))(x)
    return out


class Conv2DTranspose(Conv2D):
    """TF1's `tf.layers.Conv2DTranspose` ("deconvolution"): kernel [kh, kw, filters, in_channels];
    output size `in * stride` ("same") or `in * stride + max(k - stride, 0)` ("valid")."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        for arg in ("output_padding", "dilation_rate"):
            if kwargs.get(arg) not in (None, 1, (1, 1), [1, 1]):
                raise TypeError(f"('Keyword argument not understood:', {arg!r})")
            kwargs.pop(arg, None)
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         trainable=trainable, name=name, **kwargs)
        self.input_spec = InputSpec(ndim=4)

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (self.filters, input_dim)

    def _convolve(self, inputs):
        kernel = math_ops._convert_operand(self.kernel, inputs.dtype, "filter")
        return op_output("Conv2DBackpropInput", _deconv2d_kernel, [inputs,
                                                                   kernel], name="conv2d_transpose",
                         attrs={"strides": self.strides, "padding": self.padding.upper(),
                                "spec": nn_ops._CONV_SPECS[(_FORMATS[(2, self.data_format)], 2)],
                                "channels_first": self.data_format == "channels_first",
                                "kernel_size": self.kernel_size})

    def compute_output_shape(self, input_shape):
        shape = TensorShape(input_shape).as_list()
        h, w = (2, 3) if self.data_format == "channels_first" else (1, 2)
        c = 1 if self.data_format == "channels_first" else 3
        shape[c] = self.filters
        shape[h] = deconv_output_length(shape[h], self.kernel_size[0], self.padding,
                                        self.strides[0])
        shape[w] = deconv_output_length(shape[w], self.kernel_size[1], self.padding,
                                        self.strides[1])
        return TensorShape(shape)


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """TF1's `tf.layers.conv2d_transpose`."""
    layer = Conv2DTranspose(filters=filters, kernel_size=kernel_size, strides=strides,
                            padding=padding, data_format=data_format, activation=activation,
                            use_bias=use_bias, kernel_initializer=kernel_initializer,
                            bias_initializer=bias_initializer,
                            kernel_regularizer=kernel_regularizer,
                            bias_regularizer=bias_regularizer,
                            activity_regularizer=activity_regularizer,
                            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                            trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


class SeparableConv2D(Conv2D):
    """TF1's `tf.layers.SeparableConv2D`: a depthwise convolution (`depthwise_kernel` [kh, kw, in,
    depth_multiplier]) followed by a 1x1 one (`pointwise_kernel` [1, 1, in * depth_multiplier,
    filters]), then the bias."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=_ZEROS, depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint,
                         trainable=trainable, name=name, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, trainable=True, dtype=self.dtype)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", shape=(1, 1, self.depth_multiplier * input_dim, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, trainable=True, dtype=self.dtype)
        self._add_bias()
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis(): input_dim})
        self.built = True

    def _convolve(self, inputs):
        fmt = _FORMATS[(2, self.data_format)]
        strides = (1, 1) + self.strides if fmt == "NCHW" else (1,) + self.strides + (1,)
        return nn_ops.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                       strides=strides, padding=self.padding.upper(),
                                       rate=self.dilation_rate, data_format=fmt)


def separable_conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=_ZEROS,
                     depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                     activity_regularizer=None, depthwise_constraint=None,
                     pointwise_constraint=None, bias_constraint=None, trainable=True, name=None,
                     reuse=None):
    """TF1's `tf.layers.separable_conv2d`."""
    layer = SeparableConv2D(filters=filters, kernel_size=kernel_size, strides=strides,
                            padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                            depth_multiplier=depth_multiplier, activation=activation,
                            use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                            pointwise_initializer=pointwise_initializer,
                            bias_initializer=bias_initializer,
                            depthwise_regularizer=depthwise_regularizer,
                            pointwise_regularizer=pointwise_regularizer,
                            bias_regularizer=bias_regularizer,
                            activity_regularizer=activity_regularizer,
                            depthwise_constraint=depthwise_constraint,
                            pointwise_constraint=pointwise_constraint,
                            bias_constraint=bias_constraint, trainable=trainable, name=name,
                            _reuse=reuse, _scope=name)
    return layer.apply(inputs)
