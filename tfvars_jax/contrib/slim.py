"""`tf.contrib.slim` basics: TF-Slim's variable helpers and `arg_scope`.

TF 1.15's slim re-exports contrib.framework's variables and arg_scope modules and
contrib.layers; here those are the functions of `tfvars_jax.contrib.framework` and what
`tfvars_jax.contrib.layers` ships (`conv2d`, `fully_connected`, `flatten`, `batch_norm`, the
initializers and regularizers). `slim.variable`, `slim.model_variable` and the layers are
decorated with `add_arg_scope`, so `slim.arg_scope([slim.conv2d], ...)` sets their defaults.
Slim's other layers and its losses, metrics, learning and data modules are not shipped yet.

Examples:
  >>> import tfvars_jax as tf
  >>> slim = tf.contrib.slim
  >>> with tf.Graph().as_default():
  ...     with slim.arg_scope([slim.model_variable], initializer=tf.zeros_initializer()):
  ...         with tf.variable_scope("conv1"):
  ...             w = slim.model_variable("weights", shape=[3, 3])
  ...     b = slim.variable("logits/biases", shape=[3])
  ...     print([v.op.name for v in slim.get_model_variables()])
  ...     print([v.op.name for v in slim.get_variables_to_restore(exclude=["logits"])])
  ['conv1/weights']
  ['conv1/weights']
"""
from tfvars_jax import _namespace
from tfvars_jax.contrib.framework import add_arg_scope
from tfvars_jax.contrib.framework import add_model_variable
from tfvars_jax.contrib.framework import arg_scope
from tfvars_jax.contrib.framework import arg_scope_func_key
from tfvars_jax.contrib.framework import arg_scoped_arguments
from tfvars_jax.contrib.framework import assert_global_step
from tfvars_jax.contrib.framework import assert_or_get_global_step
from tfvars_jax.contrib.framework import assign_from_checkpoint
from tfvars_jax.contrib.framework import assign_from_checkpoint_fn
from tfvars_jax.contrib.framework import assign_from_values
from tfvars_jax.contrib.framework import assign_from_values_fn
from tfvars_jax.contrib.framework import create_global_step
from tfvars_jax.contrib.framework import current_arg_scope
from tfvars_jax.contrib.framework import filter_variables
from tfvars_jax.contrib.framework import get_global_step
from tfvars_jax.contrib.framework import get_local_variables
from tfvars_jax.contrib.framework import get_model_variables
from tfvars_jax.contrib.framework import get_or_create_global_step
from tfvars_jax.contrib.framework import get_trainable_variables
from tfvars_jax.contrib.framework import get_unique_variable
from tfvars_jax.contrib.framework import get_variable_full_name
from tfvars_jax.contrib.framework import get_variables
from tfvars_jax.contrib.framework import get_variables_by_name
from tfvars_jax.contrib.framework import get_variables_by_suffix
from tfvars_jax.contrib.framework import get_variables_to_restore
from tfvars_jax.contrib.framework import global_variable
from tfvars_jax.contrib.framework import has_arg_scope
from tfvars_jax.contrib.framework import local_variable
from tfvars_jax.contrib.framework import model_variable
from tfvars_jax.contrib.framework import variable
from tfvars_jax.contrib.framework import zero_initializer
from tfvars_jax.contrib.layers import apply_regularization
from tfvars_jax.contrib.layers import batch_norm
from tfvars_jax.contrib.layers import conv2d
from tfvars_jax.contrib.layers import convolution
from tfvars_jax.contrib.layers import flatten
from tfvars_jax.contrib.layers import fully_connected
from tfvars_jax.contrib.layers import l1_regularizer
from tfvars_jax.contrib.layers import l2_regularizer
from tfvars_jax.contrib.layers import variance_scaling_initializer
from tfvars_jax.contrib.layers import xavier_initializer
from tfvars_jax.contrib.layers import xavier_initializer_conv2d

__all__ = [
    "add_arg_scope", "add_model_variable", "arg_scope", "arg_scope_func_key",
    "arg_scoped_arguments", "assert_global_step", "assert_or_get_global_step",
    "assign_from_checkpoint", "assign_from_checkpoint_fn", "assign_from_values",
    "assign_from_values_fn", "create_global_step", "current_arg_scope", "filter_variables",
    "get_global_step", "get_local_variables", "get_model_variables", "get_or_create_global_step",
    "get_trainable_variables", "get_unique_variable", "get_variable_full_name", "get_variables",
    "get_variables_by_name", "get_variables_by_suffix", "get_variables_to_restore",
    "global_variable", "has_arg_scope", "l1_regularizer", "l2_regularizer", "local_variable",
    "model_variable", "variable", "zero_initializer", "apply_regularization", "batch_norm",
    "conv2d", "convolution", "flatten", "fully_connected", "variance_scaling_initializer",
    "xavier_initializer", "xavier_initializer_conv2d",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
