"""`tf.data.experimental`: only `AUTOTUNE` (for `Dataset.prefetch`)."""
from tfvars_jax import _namespace
from tfvars_jax.data.dataset_ops import AUTOTUNE

__all__ = ["AUTOTUNE"]

__getattr__ = _namespace.unsupported_getattr(__name__)
