"""`tf.layers.Dense`/`dense`, `Dropout`/`dropout`, `Flatten`/`flatten` (TF 1.15)."""
import numpy as np

from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.layers.base import InputSpec, Layer, smart_cond, unsupported_argument
from tfvars_jax.ops import array_ops, math_ops, nn_ops, random_ops
from tfvars_jax.variables import initializers as init_ops

_ZEROS = init_ops.zeros_initializer()


class Dense(Layer):
    """TF1's `tf.layers.Dense`: `activation(inputs @ kernel + bias)`; variables `<scope>/kernel`
    [in, units] and `<scope>/bias` [units]. Inputs of rank > 2 are contracted on their last axis
    (`Tensordot`)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=_ZEROS, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        if input_shape.ndims is None or input_shape[-1].value is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. Found "
                             "`None`.")
        last_dim = input_shape[-1].value
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight("kernel", shape=[last_dim, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, dtype=self.dtype,
                                      trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.units],
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, dtype=self.dtype,
                                        trainable=True)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            outputs = math_ops.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        else:
            outputs = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape)
        return input_shape[:-1].concatenate(self.units)


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=_ZEROS, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
          name=None, reuse=None):
    """TF1's `tf.layers.dense`: a `Dense` layer applied to `inputs` (`name` is its scope,
    `reuse=True` shares an existing layer's variables)."""
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                  bias_constraint=bias_constraint, trainable=trainable, name=name, _scope=name,
                  _reuse=reuse)
    return layer.apply(inputs)


class Dropout(Layer):
    """TF1's `tf.layers.Dropout(rate)`: in training, zeroes each value with probability `rate`
    and scales the rest by 1 / (1 - rate); `training` is a Python bool or a bool tensor (then a
    `tf.cond`). Note `rate` is the fraction dropped (`tf.nn.dropout` takes `keep_prob`)."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        if noise_shape is not None:
            raise unsupported_argument("tf.layers.Dropout", "noise_shape")
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=False):
        def dropped():
            return random_ops.dropout(inputs, seed=self.seed, rate=self.rate)
        return smart_cond(training, dropped, lambda: array_ops.identity(inputs))

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """TF1's `tf.layers.dropout(inputs, rate=0.5, training=False)`: identity unless `training`."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


class Flatten(Layer):
    """TF1's `tf.layers.Flatten`: [batch, ...] -> [batch, prod(...)]."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = "channels_last" if data_format is None else data_format.lower()
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError("The `data_format` argument must be one of \"channels_first\", "
                             f"\"channels_last\". Received: {data_format}")
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.shape.ndims is not None and inputs.shape.ndims > 2:
            perm = [0] + list(range(2, inputs.shape.ndims)) + [1]
            inputs = array_ops.transpose(inputs, perm=perm)
        shape = inputs.shape
        if shape.ndims == 1:
            return array_ops.expand_dims(inputs, 1)
        rest = shape[1:]
        if rest.is_fully_defined():
            return array_ops.reshape(inputs, [-1, int(np.prod(rest.as_list()))])
        batch = shape[0].value if shape[0].value is not None else array_ops.shape(inputs)[0]
        return array_ops.reshape(inputs, [batch, -1])

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape)
        rest = input_shape[1:]
        return TensorShape([input_shape[0].value,
                            rest.num_elements() if rest.is_fully_defined() else None])


def flatten(inputs, name=None, data_format="channels_last"):
    """TF1's `tf.layers.flatten`."""
    layer = Flatten(name=name, data_format=data_format)
    return layer.apply(inputs)

