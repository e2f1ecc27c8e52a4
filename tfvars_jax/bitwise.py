"""`tf.bitwise`: bit operations on integer tensors (`ops/bitwise_ops.py`)."""
from tfvars_jax import _namespace
from tfvars_jax.ops.bitwise_ops import bitwise_and
from tfvars_jax.ops.bitwise_ops import bitwise_or
from tfvars_jax.ops.bitwise_ops import bitwise_xor
from tfvars_jax.ops.bitwise_ops import invert
from tfvars_jax.ops.bitwise_ops import left_shift
from tfvars_jax.ops.bitwise_ops import right_shift

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]

__getattr__ = _namespace.unsupported_getattr(__name__)
