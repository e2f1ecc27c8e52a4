"""`tf.keras`: only `tf.keras.initializers` (TF1's variable system needs no more of Keras)."""
from tfvars_jax import _namespace
from tfvars_jax.keras import initializers

__all__ = [
    "initializers",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
