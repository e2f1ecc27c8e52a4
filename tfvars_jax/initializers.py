"""`tf.initializers`: the init_ops classes under their short names, and the graph-level
`global_variables`/`local_variables`/`variables` initializer ops.
"""
from tfvars_jax import _namespace
from tfvars_jax.variables.initializers import zeros
from tfvars_jax.variables.initializers import ones
from tfvars_jax.variables.initializers import constant
from tfvars_jax.variables.initializers import random_uniform
from tfvars_jax.variables.initializers import random_normal
from tfvars_jax.variables.initializers import truncated_normal
from tfvars_jax.variables.initializers import uniform_unit_scaling
from tfvars_jax.variables.initializers import variance_scaling
from tfvars_jax.variables.initializers import glorot_uniform
from tfvars_jax.variables.initializers import glorot_normal
from tfvars_jax.variables.initializers import orthogonal
from tfvars_jax.variables.initializers import identity
from tfvars_jax.variables.initializers import he_normal
from tfvars_jax.variables.initializers import he_uniform
from tfvars_jax.variables.initializers import lecun_normal
from tfvars_jax.variables.initializers import lecun_uniform
from tfvars_jax.variables.initialization import global_variables_initializer as global_variables
from tfvars_jax.variables.initialization import local_variables_initializer as local_variables
from tfvars_jax.variables.initialization import variables_initializer as variables

__all__ = [
    "zeros", "ones", "constant", "random_uniform", "random_normal", "truncated_normal",
    "uniform_unit_scaling", "variance_scaling", "glorot_uniform", "glorot_normal", "orthogonal",
    "identity", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "global_variables",
    "local_variables", "variables",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
