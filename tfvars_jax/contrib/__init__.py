"""`tf.contrib`: `framework` (variable helpers) and `layers` (regularizers) only."""
from tfvars_jax import _namespace
from tfvars_jax.contrib import framework
from tfvars_jax.contrib import layers

__all__ = [
    "framework", "layers",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
