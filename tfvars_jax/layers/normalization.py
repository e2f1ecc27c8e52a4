"""`tf.layers.BatchNormalization` / `batch_normalization` (TF 1.15, graph mode).

Variables `<scope>/gamma`, `beta` (trainable) and `moving_mean`, `moving_variance`
(GLOBAL_VARIABLES only). In training the layer normalizes by the batch's moments and records
two update ops (`AssignMovingAvg`, `AssignMovingAvg_1`: `moving -= (moving - batch) * (1 -
momentum)`) that go to UPDATE_OPS: the moving statistics change only when the user runs them
(`tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`), exactly as in TF1.
`training` may be a bool tensor; the statistics and updates are then `tf.cond`s.

A 4-D input normalized over axis 1 or 3 takes TF1's fused path (`fused=None` or True): one
`FusedBatchNormV3` op, and the moving variance is updated with the Bessel-corrected batch
variance (n / (n - 1)), as TF1's fused kernel reports it; other inputs take the composed path
(`moments`, `batchnorm/...`), updated with the biased variance.
"""
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import constant, convert_to_tensor
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.layers.base import InputSpec, Layer, constant_value, smart_cond, unsupported_argument
from tfvars_jax.ops import array_ops, math_ops, nn_ops, state_ops
from tfvars_jax.variables import initializers as init_ops
from tfvars_jax.variables.variable import VariableAggregation, VariableSynchronization

_ZEROS = init_ops.zeros_initializer()
_ONES = init_ops.ones_initializer()


def _select(training, if_true, if_false):
    """`smart_cond(training, lambda: if_true, lambda: if_false)` for existing tensors (in a
    dynamic cond each branch returns an identity of its tensor: our tf.cond's branches must
    create the tensors they return)."""
    value = constant_value(training)
    if value is not None:
        return if_true if value else convert_to_tensor(if_false)
    return smart_cond(training, lambda: array_ops.identity(if_true),
                      lambda: array_ops.identity(if_false))


class BatchNormalization(Layer):
    """TF1's `tf.layers.BatchNormalization`.

    Raises:
      NotImplementedError: `renorm=True`, `virtual_batch_size` or `adjustment` (named).
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=_ZEROS, gamma_initializer=_ONES, moving_mean_initializer=_ZEROS,
                 moving_variance_initializer=_ONES, beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, fused=None, trainable=True, virtual_batch_size=None,
                 adjustment=None, name=None, **kwargs):
        if renorm:
            raise unsupported_argument("tf.layers.BatchNormalization", "renorm")
        if renorm_clipping is not None:
            raise unsupported_argument("tf.layers.BatchNormalization", "renorm_clipping")
        if virtual_batch_size is not None:
            raise unsupported_argument("tf.layers.BatchNormalization", "virtual_batch_size")
        if adjustment is not None:
            raise unsupported_argument("tf.layers.BatchNormalization", "adjustment")
        super().__init__(trainable=trainable, name=name, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"axis must be int or list, type given: {type(axis)}")
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.renorm = False
        self.virtual_batch_size = None
        self.adjustment = None
        self.fused = True if fused is None else fused  # TF1 (V1 behaviour): decided again at build time

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        if not input_shape.ndims:
            raise ValueError(f"('Input has undefined rank:', {input_shape})")
        ndims = input_shape.ndims
        if isinstance(self.axis, int):
            self.axis = [self.axis]
        self.axis = [a + ndims if a < 0 else a for a in self.axis]
        for a in self.axis:
            if a < 0 or a >= ndims:
                raise ValueError(f"Invalid axis: {a}")
        if len(self.axis) != len(set(self.axis)):
            raise ValueError(f"Duplicate axis: {self.axis}")
        self.fused = bool(self.fused) and ndims == 4 and self.axis in ([1], [3])
        if self.fused:
            self._data_format = "NCHW" if self.axis == [1] else "NHWC"
        dtype = self.dtype or dtypes.float32
        self._param_dtype = dtypes.float32 if dtype in (dtypes.float16, dtypes.bfloat16) else dtype
        axis_to_dim = {a: input_shape[a].value for a in self.axis}
        for d in axis_to_dim.values():
            if d is None:
                raise ValueError("('Input has undefined `axis` dimension. Input shape: ', "
                                 f"{input_shape})")
        self.input_spec = InputSpec(ndim=ndims, axes=axis_to_dim)
        if len(axis_to_dim) == 1:
            param_shape = (list(axis_to_dim.values())[0],)
        else:
            param_shape = [axis_to_dim.get(i, 1) for i in range(ndims)]
        if self.scale:
            self.gamma = self.add_weight("gamma", shape=param_shape, dtype=self._param_dtype,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, trainable=True)
        else:
            self.gamma = None
            if self.fused:
                self._gamma_const = constant(1.0, dtype=self._param_dtype, shape=param_shape)
        if self.center:
            self.beta = self.add_weight("beta", shape=param_shape, dtype=self._param_dtype,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, trainable=True)
        else:
            self.beta = None
            if self.fused:
                self._beta_const = constant(0.0, dtype=self._param_dtype, shape=param_shape)
        partitioner = self._scope.partitioner if self._scope else None
        if partitioner:  # TF1 never partitions the moving statistics
            self._scope.set_partitioner(None)
        try:
            self.moving_mean = self.add_weight(
                "moving_mean", shape=param_shape, dtype=self._param_dtype, initializer=self.moving_mean_initializer,
                synchronization=VariableSynchronization.ON_READ, trainable=False, aggregation=VariableAggregation.MEAN)
            self.moving_variance = self.add_weight(
                "moving_variance", shape=param_shape, dtype=self._param_dtype,
                initializer=self.moving_variance_initializer, synchronization=VariableSynchronization.ON_READ,
                trainable=False, aggregation=VariableAggregation.MEAN)
        finally:
            if partitioner:
                self._scope.set_partitioner(partitioner)
        self.built = True

    @staticmethod
    def _assign_moving_average(variable, value, momentum):
        with ops_lib.name_scope(None, "AssignMovingAvg", [variable, value, momentum]) as scope:
            if isinstance(momentum, ops_lib.Tensor):
                decay = math_ops.subtract(1.0, momentum, name="sub")
            else:
                decay = convert_to_tensor(1.0 - momentum, name="decay")
            if decay.dtype != variable.dtype.base_dtype:
                decay = math_ops.cast(decay, variable.dtype.base_dtype)
            update_delta = math_ops.multiply(
                math_ops.subtract(variable, math_ops.cast(value, variable.dtype.base_dtype),
                                  name="sub"), decay,
                name="mul")
            return state_ops.assign_sub(variable, update_delta, name=scope)

    def _fused_batch_norm(self, inputs, training):
        beta = self.beta if self.center else self._beta_const
        gamma = self.gamma if self.scale else self._gamma_const

        def training_fn():
            return nn_ops.fused_batch_norm(inputs, gamma, beta, epsilon=self.epsilon,
                                           data_format=self._data_format)

        def inference_fn():
            return nn_ops.fused_batch_norm(inputs, gamma, beta, mean=self.moving_mean,
                                           variance=self.moving_variance, epsilon=self.epsilon,
                                           is_training=False, data_format=self._data_format)

        output, mean, variance = smart_cond(training, training_fn, inference_fn)
        training_value = constant_value(training)
        if training_value is None:
            momentum = smart_cond(training, lambda: constant(self.momentum, dtype=dtypes.float32),
                                  lambda: constant(1.0, dtype=dtypes.float32))
        else:
            momentum = convert_to_tensor(self.momentum, dtype=dtypes.float32)
        if training_value or training_value is None:
            self.add_update(lambda: self._assign_moving_average(self.moving_mean, mean, momentum),
                            inputs=inputs)
            self.add_update(lambda: self._assign_moving_average(self.moving_variance, variance,
                                                                momentum),
                            inputs=inputs)
        return output

    def call(self, inputs, training=False):
        if training is None:
            raise NotImplementedError("tf.layers.BatchNormalization with training=None (Keras's "
                                      "learning phase) is not supported; pass a bool or a bool "
                                      "tensor.")
        if self.fused:
            return self._fused_batch_norm(inputs, training)
        input_shape = inputs.shape
        ndims = input_shape.ndims
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = input_shape[self.axis[0]].value

        def _broadcast(v):
            if v is not None and v.shape.ndims != ndims and reduction_axes != list(range(ndims - 1)):
                return array_ops.reshape(v, broadcast_shape)
            return v

        scale, offset = _broadcast(self.gamma), _broadcast(self.beta)
        training_value = constant_value(training)
        if training_value is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            keep_dims = len(self.axis) > 1
            mean, variance = nn_ops.moments(math_ops.cast(inputs, self._param_dtype),
                                            reduction_axes, keep_dims=keep_dims)
            moving_mean, moving_variance = self.moving_mean, self.moving_variance
            mean = _select(training, mean, moving_mean)
            variance = _select(training, variance, moving_variance)
            new_mean, new_variance = mean, variance

            def mean_update():
                return smart_cond(training, lambda: self._assign_moving_average(moving_mean,
                                                                                new_mean,
                                                                                self.momentum),
                                  lambda: array_ops.identity(moving_mean))

            def variance_update():
                return smart_cond(training,
                                  lambda: self._assign_moving_average(moving_variance, new_variance,
                                                                      self.momentum),
                                  lambda: array_ops.identity(moving_variance))

            self.add_update(mean_update, inputs=inputs)
            self.add_update(variance_update, inputs=inputs)
        mean = math_ops.cast(mean, inputs.dtype)
        variance = math_ops.cast(variance, inputs.dtype)
        if offset is not None:
            offset = math_ops.cast(offset, inputs.dtype)
        if scale is not None:
            scale = math_ops.cast(scale, inputs.dtype)
        outputs = nn_ops.batch_normalization(inputs, _broadcast(mean), _broadcast(variance), offset,
                                             scale, self.epsilon)
        outputs.set_shape(input_shape)
        return outputs

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=_ZEROS, gamma_initializer=_ONES,
                        moving_mean_initializer=_ZEROS, moving_variance_initializer=_ONES,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """TF1's `tf.layers.batch_normalization`. In training (`training=True` or a true bool tensor)
    it normalizes by the batch's moments and adds its moving-average updates to UPDATE_OPS; run
    them with the train op, as TF1 requires."""
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                               scale=scale, beta_initializer=beta_initializer,
                               gamma_initializer=gamma_initializer,
                               moving_mean_initializer=moving_mean_initializer,
                               moving_variance_initializer=moving_variance_initializer,
                               beta_regularizer=beta_regularizer,
                               gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                               gamma_constraint=gamma_constraint, renorm=renorm,
                               renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum,
                               fused=fused, trainable=trainable,
                               virtual_batch_size=virtual_batch_size, adjustment=adjustment,
                               name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs, training=training)

