"""`tf.contrib.slim` basics: TF-Slim's variable helpers and `arg_scope`.

TF 1.15's slim re-exports contrib.framework's variables and arg_scope modules and
contrib.layers; here those are the functions of `tfvars_jax.contrib.framework` and the l1/l2
regularizers of `tfvars_jax.contrib.layers`. `slim.variable` and `slim.model_variable` are
decorated with `add_arg_scope`, so `slim.arg_scope([slim.model_variable], ...)` sets their
defaults. Slim's layers, losses, metrics, learning and data modules are not shipped yet.

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
from tfvars_jax.contrib.layers import l1_regularizer
from tfvars_jax.contrib.layers import l2_regularizer

__all__ = [
    "add_arg_scope", "add_model_variable", "arg_scope", "arg_scope_func_key", "arg_scoped_arguments",
    "assert_global_step", "assert_or_get_global_step", "assign_from_checkpoint", "assign_from_checkpoint_fn",
    "assign_from_values", "assign_from_values_fn", "create_global_step", "current_arg_scope", "filter_variables",
    "get_global_step", "get_local_variables", "get_model_variables", "get_or_create_global_step",
    "get_trainable_variables", "get_unique_variable", "get_variable_full_name", "get_variables",
    "get_variables_by_name", "get_variables_by_suffix", "get_variables_to_restore", "global_variable",
    "has_arg_scope", "l1_regularizer", "l2_regularizer", "local_variable", "model_variable", "variable",
    "zero_initializer",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
