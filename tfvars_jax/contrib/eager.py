"""`tf.contrib.eager` (TF 1.x): its `Variable`, the resource variable that TF1's `tf.Variable`
documentation recommends in place of a ref variable (no aliasing, usable in graph mode)."""
from tfvars_jax import _namespace
from tfvars_jax.variables.resource_variable import ResourceVariable as Variable

__all__ = ["Variable"]

__getattr__ = _namespace.unsupported_getattr(__name__)
