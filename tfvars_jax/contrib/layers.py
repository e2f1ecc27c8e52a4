"""`tf.contrib.layers` (TF 1.15): initializers, regularizers and the layers TF1 code uses most.

`fully_connected`, `conv2d` (`convolution`), `batch_norm` and `flatten` are built, as in TF1,
on the `tf.layers` classes inside a variable scope whose custom getter renames `kernel`/`bias`
to `weights`/`biases` and makes every variable a model variable (GLOBAL_VARIABLES and
MODEL_VARIABLES). Each is decorated with `add_arg_scope`.
"""
import math

from tfvars_jax import _namespace
from tfvars_jax.contrib.framework import add_arg_scope
from tfvars_jax.contrib.framework import model_variable
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import constant, convert_to_tensor
from tfvars_jax.layers import convolutional as conv_layers
from tfvars_jax.layers import core as core_layers
from tfvars_jax.layers import normalization as norm_layers
from tfvars_jax.layers.base import unsupported_argument
from tfvars_jax.ops import array_ops, math_ops, nn_ops
from tfvars_jax.ops.loss_ops import l1_regularizer
from tfvars_jax.ops.loss_ops import l2_regularizer
from tfvars_jax.variables import initializers as init_ops
from tfvars_jax.variables import variable_scope as vs
from tfvars_jax.variables.initializers import Initializer, _truncated_normal, _uniform, compute_fans
from tfvars_jax.variables.variable import VariableAggregation, VariableSynchronization

_ZEROS = init_ops.zeros_initializer()
_ONES = init_ops.ones_initializer()


# ----- initializers -------------------------------------------------------------------------
class _ContribVarianceScaling(Initializer):
    """contrib's variance scaling: n from FAN_IN/FAN_OUT/FAN_AVG; uniform on
    [-sqrt(3 factor / n), sqrt(3 factor / n)), else a normal truncated at two stddevs with
    stddev sqrt(1.3 factor / n) before truncation (not core VarianceScaling's 0.8796 rule)."""

    def __init__(self, factor, mode, uniform, seed, dtype):
        self.factor, self.mode, self.uniform, self.seed = factor, mode, uniform, seed
        self.dtype = dtypes.as_dtype(dtype)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        fan_in, fan_out = compute_fans(shape if full_shape is None else full_shape)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[self.mode]
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return _uniform(key, shape, dtype, -limit, limit)
        return _truncated_normal(key, shape, dtype, 0.0, math.sqrt(1.3 * self.factor / n))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode, "uniform": self.uniform,
                "seed": self.seed, "dtype": self.dtype.name}


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """TF1's `tf.contrib.layers.variance_scaling_initializer` (He initialization by default).

    Raises:
      TypeError: a non-floating dtype or a mode other than FAN_IN, FAN_OUT, FAN_AVG (as TF1).
    """
    if not dtypes.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ["FAN_IN", "FAN_OUT", "FAN_AVG"]:
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")
    return _ContribVarianceScaling(factor, mode, uniform, seed, dtype)


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """TF1's `tf.contrib.layers.xavier_initializer`: variance scaling, factor 1, FAN_AVG."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed,
                                        dtype=dtype)


xavier_initializer_conv2d = xavier_initializer
_XAVIER = xavier_initializer()


# ----- regularization -----------------------------------------------------------------------
def apply_regularization(regularizer, weights_list=None):
    """TF1's `tf.contrib.layers.apply_regularization`: the sum of `regularizer(w)` over
    `weights_list` (default: the WEIGHTS collection), named "get_regularization_penalty" and
    added to REGULARIZATION_LOSSES.

    Raises:
      ValueError: no weights, or a regularizer result that is not a scalar.
    """
    if not weights_list:
        weights_list = ops_lib.get_collection(ops_lib.GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with ops_lib.name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else constant(0.0) for p in penalties]
        for p in penalties:
            if p.get_shape().ndims != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a Tensor with "
                                 f"rank {p.get_shape().ndims}.")
        summed_penalty = math_ops.add_n(penalties, name=scope)
        ops_lib.add_to_collection(ops_lib.GraphKeys.REGULARIZATION_LOSSES, summed_penalty)
        return summed_penalty


# ----- layer helpers ------------------------------------------------------------------------
def _build_variable_getter(rename=None):
    """A custom getter making model variables, renaming the last name component per `rename`."""

    def layer_variable_getter(getter, name, shape=None, dtype=None, initializer=None,
                              regularizer=None, trainable=True, collections=None,
                              caching_device=None, partitioner=None, use_resource=None,
                              synchronization=VariableSynchronization.AUTO,
                              aggregation=VariableAggregation.NONE, **_):
        short_name = name.split("/")[-1]
        if rename and short_name in rename:
            name = "/".join(name.split("/")[:-1] + [rename[short_name]])
        return model_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                              regularizer=regularizer, collections=collections, trainable=trainable,
                              caching_device=caching_device, partitioner=partitioner,
                              custom_getter=getter, use_resource=use_resource,
                              synchronization=synchronization, aggregation=aggregation)
    return layer_variable_getter


def _variable_collections(collections_set, name):
    if isinstance(collections_set, dict):
        return collections_set.get(name)
    return collections_set


def _add_variable_to_collections(variable, collections_set, collections_name):
    collections = _variable_collections(collections_set, collections_name) or []
    variables = list(variable) if hasattr(variable, "_get_variable_list") else [variable]
    for collection in collections:
        for var in variables:
            if var not in ops_lib.get_collection(collection):
                ops_lib.add_to_collection(collection, var)


def _collect_named_outputs(collections, alias, outputs):
    if collections:
        if not hasattr(outputs, "aliases"):
            outputs.aliases = []
        outputs.aliases.append(alias)
        ops_lib.add_to_collections(collections, outputs)
    return outputs


# ----- layers -------------------------------------------------------------------------------
def _apply_layer(layer, inputs, sc, variables_collections, normalizer_fn, normalizer_params,
                 activation_fn, outputs_collections):
    """The part contrib's fully_connected and convolution share: apply the layer, collect its
    weights/biases, then the normalizer, the activation and the named outputs, as TF1 orders them."""
    outputs = layer.apply(inputs)
    _add_variable_to_collections(layer.kernel, variables_collections, "weights")
    if layer.bias is not None:
        _add_variable_to_collections(layer.bias, variables_collections, "biases")
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return _collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=nn_ops.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=_XAVIER, weights_regularizer=None,
                    biases_initializer=_ZEROS, biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None, trainable=True,
                    scope=None):
    """TF1's `tf.contrib.layers.fully_connected`: variables `fully_connected/weights` and
    `fully_connected/biases` (model variables), ReLU by default."""
    if not isinstance(num_outputs, int):
        raise ValueError("num_outputs type should be one of [<class 'int'>], got "
                         f"{type(num_outputs)}.")
    getter = _build_variable_getter({"bias": "biases", "kernel": "weights"})
    with vs.variable_scope(scope, "fully_connected", [inputs], reuse=reuse,
                           custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        layer = core_layers.Dense(units=num_outputs, activation=None,
                                  use_bias=not normalizer_fn and biases_initializer is not None,
                                  kernel_initializer=weights_initializer,
                                  bias_initializer=biases_initializer,
                                  kernel_regularizer=weights_regularizer,
                                  bias_regularizer=biases_regularizer, trainable=trainable,
                                  name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc,
                                  _reuse=reuse)
        return _apply_layer(layer, inputs, sc, variables_collections, normalizer_fn, normalizer_params,
                            activation_fn, outputs_collections)


@add_arg_scope
def convolution(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                rate=1, activation_fn=nn_ops.relu, normalizer_fn=None, normalizer_params=None,
                weights_initializer=_XAVIER, weights_regularizer=None, biases_initializer=_ZEROS,
                biases_regularizer=None, reuse=None, variables_collections=None,
                outputs_collections=None, trainable=True, scope=None, conv_dims=None):
    """TF1's `tf.contrib.layers.convolution` (`conv2d`): an N-D convolution by the input's rank,
    variables `Conv/weights` and `Conv/biases`, "SAME" padding and ReLU by default."""
    if data_format not in [None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"]:
        raise ValueError(f"Invalid data_format: {data_format!r}")
    getter = _build_variable_getter({"bias": "biases", "kernel": "weights"})
    with vs.variable_scope(scope, "Conv", [inputs], reuse=reuse, custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        input_rank = inputs.get_shape().ndims
        if conv_dims is not None and conv_dims + 2 != input_rank:
            raise ValueError(f"Convolution expects input with rank {conv_dims + 2}, got "
                             f"{input_rank}")
        classes = {3: conv_layers.Conv1D, 4: conv_layers.Conv2D, 5: conv_layers.Conv3D}
        if input_rank not in classes:
            raise ValueError(f"('Convolution not supported for input with rank', {input_rank})")
        df = "channels_first" if data_format and data_format.startswith("NC") else "channels_last"
        layer = classes[input_rank](filters=num_outputs, kernel_size=kernel_size, strides=stride,
                                    padding=padding, data_format=df, dilation_rate=rate,
                                    activation=None,
                                    use_bias=not normalizer_fn and biases_initializer is not None,
                                    kernel_initializer=weights_initializer,
                                    bias_initializer=biases_initializer,
                                    kernel_regularizer=weights_regularizer,
                                    bias_regularizer=biases_regularizer, trainable=trainable,
                                    name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc,
                                    _reuse=reuse)
        return _apply_layer(layer, inputs, sc, variables_collections, normalizer_fn, normalizer_params,
                            activation_fn, outputs_collections)


conv2d = convolution


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """TF1's `tf.contrib.layers.flatten`: [batch, ...] -> [batch, k], in name scope "Flatten"."""
    with ops_lib.name_scope(scope, "Flatten", [inputs]) as sc:
        inputs = convert_to_tensor(inputs)
        outputs = core_layers.flatten(inputs)
        return _collect_named_outputs(outputs_collections, sc, outputs)


class _CollectedBatchNorm(norm_layers.BatchNormalization):
    """BatchNormalization whose updates go to `updates_collections` (not UPDATE_OPS), and which,
    as contrib's fused path, normalizes a 2-D input with the fused op (so its moving variance is
    updated with the Bessel-corrected batch variance, as in TF1)."""

    _updates_collection = None

    def build(self, input_shape):
        super().build(input_shape)
        self._fuse_2d = self._fused_requested and len(self.axis) == 1 and input_shape.ndims == 2
        if self._fuse_2d:
            self.fused, self._data_format = True, "NHWC"
            if not self.scale:
                self._gamma_const = constant(1.0, dtype=self._param_dtype,
                                             shape=self.moving_mean.shape.as_list())
            if not self.center:
                self._beta_const = constant(0.0, dtype=self._param_dtype,
                                            shape=self.moving_mean.shape.as_list())

    def call(self, inputs, training=False):
        if not self._fuse_2d:
            return super().call(inputs, training=training)
        channels = inputs.shape[-1].value
        out = self._fused_batch_norm(array_ops.reshape(inputs, [-1, 1, 1, channels]), training)
        return array_ops.reshape(out, array_ops.shape(inputs))


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None,
               updates_collections=ops_lib.GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC", zero_debias_moving_mean=False,
               scope=None, renorm=False, renorm_clipping=None, renorm_decay=0.99, adjustment=None):
    """TF1's `tf.contrib.layers.batch_norm`: variables `BatchNorm/beta` (and `gamma` with
    `scale=True`), `moving_mean`, `moving_variance` (model variables). In training the moving
    averages (decay 0.999) are updated by ops put in `updates_collections` (UPDATE_OPS by
    default: run them with the train op); `updates_collections=None` runs them with every
    forward pass instead.

    Raises:
      NotImplementedError: `batch_weights`, `zero_debias_moving_mean=True`, `renorm=True`,
        `renorm_clipping` or `adjustment` (named).
      ValueError: a data_format other than NHWC or NCHW.
    """
    for arg, given in (("batch_weights", batch_weights is not None), ("zero_debias_moving_mean",
                       bool(zero_debias_moving_mean)), ("renorm", bool(renorm)),
                      ("renorm_clipping",
                       renorm_clipping is not None), ("adjustment", adjustment is not None)):
        if given:
            raise unsupported_argument("tf.contrib.layers.batch_norm", arg)
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    fused = True if fused is None else fused
    getter = _build_variable_getter()
    with vs.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse, custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        param_initializers = param_initializers or {}
        param_regularizers = param_regularizers or {}
        default_path = updates_collections == ops_lib.GraphKeys.UPDATE_OPS
        cls = norm_layers.BatchNormalization if default_path else _CollectedBatchNorm
        layer = cls(axis=1 if data_format == "NCHW" else -1, momentum=decay, epsilon=epsilon,
                    center=center, scale=scale,
                    beta_initializer=param_initializers.get("beta", _ZEROS),
                    gamma_initializer=param_initializers.get("gamma", _ONES),
                    moving_mean_initializer=param_initializers.get("moving_mean", _ZEROS),
                    moving_variance_initializer=param_initializers.get("moving_variance", _ONES),
                    beta_regularizer=param_regularizers.get("beta"),
                    gamma_regularizer=param_regularizers.get("gamma"), trainable=trainable,
                    name=sc.name, _scope=sc, _reuse=reuse, fused=fused)
        layer._fused_requested = bool(fused)
        outputs = layer.apply(inputs, training=is_training)
        if not default_path:
            if updates_collections is None:
                if layer.updates:
                    with ops_lib.control_dependencies(layer.updates):
                        outputs = array_ops.identity(outputs)
            else:
                for update in layer.updates:
                    ops_lib.add_to_collections(updates_collections, update)
        _add_variable_to_collections(layer.moving_mean, variables_collections, "moving_mean")
        _add_variable_to_collections(layer.moving_variance, variables_collections,
                                     "moving_variance")
        if layer.beta is not None:
            _add_variable_to_collections(layer.beta, variables_collections, "beta")
        if layer.gamma is not None:
            _add_variable_to_collections(layer.gamma, variables_collections, "gamma")
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_named_outputs(outputs_collections, sc.name, outputs)


__all__ = [
    "l1_regularizer", "l2_regularizer", "apply_regularization",
    "xavier_initializer", "xavier_initializer_conv2d", "variance_scaling_initializer",
    "fully_connected", "convolution", "conv2d", "flatten", "batch_norm",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
