"""`tf.random`: TF1's random ops under their `tf.random.*` names, and the graph-level seed."""
from tfvars_jax import _namespace
from tfvars_jax.ops.random_ops import random_normal as normal
from tfvars_jax.ops.random_ops import random_uniform as uniform
from tfvars_jax.ops.random_ops import truncated_normal
from tfvars_jax.ops.random_ops import random_shuffle as shuffle
from tfvars_jax.framework.ops import set_random_seed
from tfvars_jax.ops.candidate_sampling_ops import log_uniform_candidate_sampler

from tfvars_jax.ops.random_dist_ops import random_gamma as gamma
from tfvars_jax.ops.random_dist_ops import random_poisson as poisson
__all__ = [
    "normal", "uniform", "truncated_normal", "shuffle", "set_random_seed",
    "log_uniform_candidate_sampler",
    "gamma",
    "poisson",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
