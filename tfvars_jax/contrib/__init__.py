"""`tf.contrib`: `eager` (eager execution's helpers), `framework` (variable helpers,
arg_scope), `layers` and `slim` (basics), `rnn` (core cells, static RNNs) and `training` (ps
load balancing for replica_device_setter) only."""
from tfvars_jax import _namespace
from tfvars_jax.contrib import eager
from tfvars_jax.contrib import framework
from tfvars_jax.contrib import layers
from tfvars_jax.contrib import slim
from tfvars_jax.contrib import rnn
from tfvars_jax.contrib import training

__all__ = [
    "eager", "framework", "layers", "slim", "rnn", "training",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
