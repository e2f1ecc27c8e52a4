"""`tf.contrib.layers`: the l1/l2 weight regularizers."""
from tfvars_jax import _namespace
from tfvars_jax.ops.loss_ops import l1_regularizer
from tfvars_jax.ops.loss_ops import l2_regularizer

__all__ = [
    "l1_regularizer", "l2_regularizer",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
