"""`tf.layers` max and average pooling, 1-D/2-D/3-D, classes and functions (TF 1.15).

Average pooling with "same" padding divides by the number of unpadded cells, as TF's AvgPool.
1-D pooling is a 2-D pool between ExpandDims and Squeeze, as TF1 builds it.
"""
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.layers.base import InputSpec, Layer, normalize_data_format, normalize_padding, normalize_tuple
from tfvars_jax.layers.convolutional import conv_output_length
from tfvars_jax.ops import array_ops, nn_ops

_FORMATS = {(1, "channels_last"): "NHWC", (1, "channels_first"): "NCHW",
            (2, "channels_last"): "NHWC", (2, "channels_first"): "NCHW",
            (3, "channels_last"): "NDHWC", (3, "channels_first"): "NCDHW"}
_OP_TYPES = {("max", 1): "MaxPool", ("avg", 1): "AvgPool", ("max", 2): "MaxPool",
             ("avg", 2): "AvgPool", ("max", 3): "MaxPool3D", ("avg", 3): "AvgPool3D"}


class _Pooling(Layer):
    def __init__(self, kind, rank, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if strides is None:
            raise ValueError("`strides` must be given to a tf.layers pooling layer.")
        self.kind = kind
        self.rank = rank
        self.pool_size = normalize_tuple(pool_size, rank, "pool_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        fmt = _FORMATS[(self.rank, self.data_format)]
        op_type = _OP_TYPES[(self.kind, self.rank)]
        if self.rank == 1:
            pad_axis = 2 if self.data_format == "channels_last" else 3
            expanded = array_ops.expand_dims(inputs, pad_axis)
            pooled = nn_ops._pool_nd(self.kind, expanded, self.pool_size + (1,),
                                     self.strides + (1,), self.padding.upper(), fmt, None, op_type,
                                     2)
            return array_ops.squeeze(pooled, [pad_axis])
        return nn_ops._pool_nd(self.kind, inputs, self.pool_size, self.strides,
                               self.padding.upper(), fmt, None, op_type, self.rank)

    def compute_output_shape(self, input_shape):
        shape = TensorShape(input_shape).as_list()
        first = self.data_format == "channels_first"
        spatial = shape[2:] if first else shape[1:-1]
        new = [conv_output_length(n, k, self.padding, s) for n, k,
               s in zip(spatial, self.pool_size, self.strides)]
        return TensorShape(shape[:2] + new if first else [shape[0]] + new + [shape[-1]])


def _pool_class(kind, rank, class_name):
    class Pooling(_Pooling):
        def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                     name=None, **kwargs):
            super().__init__(kind, rank, pool_size, strides, padding=padding,
                             data_format=data_format, name=name, **kwargs)

    Pooling.__name__ = Pooling.__qualname__ = class_name
    Pooling.__doc__ = f"TF1's `tf.layers.{class_name}`."
    return Pooling


def _pool_function(cls, fn_name):
    def pool(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
        return cls(pool_size=pool_size, strides=strides, padding=padding, data_format=data_format,
                   name=name).apply(inputs)

    pool.__name__ = pool.__qualname__ = fn_name
    pool.__doc__ = f"TF1's `tf.layers.{fn_name}`: a `{cls.__name__}` layer applied to `inputs`."
    return pool


MaxPooling1D = _pool_class("max", 1, "MaxPooling1D")
MaxPooling2D = _pool_class("max", 2, "MaxPooling2D")
MaxPooling3D = _pool_class("max", 3, "MaxPooling3D")
AveragePooling1D = _pool_class("avg", 1, "AveragePooling1D")
AveragePooling2D = _pool_class("avg", 2, "AveragePooling2D")
AveragePooling3D = _pool_class("avg", 3, "AveragePooling3D")
max_pooling1d = _pool_function(MaxPooling1D, "max_pooling1d")
max_pooling2d = _pool_function(MaxPooling2D, "max_pooling2d")
max_pooling3d = _pool_function(MaxPooling3D, "max_pooling3d")
average_pooling1d = _pool_function(AveragePooling1D, "average_pooling1d")
average_pooling2d = _pool_function(AveragePooling2D, "average_pooling2d")
average_pooling3d = _pool_function(AveragePooling3D, "average_pooling3d")
