"""`tf.contrib.eager` (TF 1.x's `tfe`): eager execution's helpers.

`Variable` is the resource variable (`ResourceVariable`; in eager mode every variable is one,
and in graph mode it is the cure TF1's `tf.Variable` documentation recommends for the ref
variable's aliasing); `GradientTape`, `gradients_function`, `val_and_grad_function`,
`implicit_gradients`, `implicit_value_and_gradients`; `defun` (compile a Python function into
one jitted call); `EagerVariableStore` (variable reuse for `get_variable` in eager mode);
`executing_eagerly`, `enable_eager_execution`, `num_gpus`.
"""
from tfvars_jax import _namespace
from tfvars_jax.framework.context import executing_eagerly
from tfvars_jax.framework.eager import enable_eager_execution
from tfvars_jax.function import defun
from tfvars_jax.ops.backprop import GradientTape
from tfvars_jax.ops.backprop import gradients_function
from tfvars_jax.ops.backprop import implicit_gradients
from tfvars_jax.ops.backprop import implicit_value_and_gradients
from tfvars_jax.ops.backprop import val_and_grad_function
from tfvars_jax.variables.resource_variable import ResourceVariable as Variable
from tfvars_jax.variables.variable_scope import EagerVariableStore


def num_gpus():
    """The number of GPUs JAX sees (TF1's `tfe.num_gpus()`)."""
    import jax

    return sum(1 for d in jax.devices() if d.platform == "gpu")


__all__ = [
    "Variable", "GradientTape", "gradients_function", "val_and_grad_function",
    "implicit_gradients", "implicit_value_and_gradients", "EagerVariableStore",
    "executing_eagerly", "enable_eager_execution", "num_gpus", "defun",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
