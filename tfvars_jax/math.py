"""`tf.math`: element-wise math, comparisons and reductions (the ops of the top-level names)."""
from tfvars_jax import _namespace
from tfvars_jax.ops.math_ops import add
from tfvars_jax.ops.math_ops import subtract
from tfvars_jax.ops.math_ops import multiply
from tfvars_jax.ops.math_ops import truediv
from tfvars_jax.ops.math_ops import divide
from tfvars_jax.ops.math_ops import floordiv
from tfvars_jax.ops.math_ops import floormod
from tfvars_jax.ops.math_ops import maximum
from tfvars_jax.ops.math_ops import minimum
from tfvars_jax.ops.math_ops import exp
from tfvars_jax.ops.math_ops import log
from tfvars_jax.ops.math_ops import sqrt
from tfvars_jax.ops.math_ops import rsqrt
from tfvars_jax.ops.math_ops import square
from tfvars_jax.ops.math_ops import tanh
from tfvars_jax.ops.math_ops import sigmoid
from tfvars_jax.ops.math_ops import sign
from tfvars_jax.ops.math_ops import floor
from tfvars_jax.ops.math_ops import ceil
from tfvars_jax.ops.math_ops import round  # noqa: A004
from tfvars_jax.ops.math_ops import abs  # noqa: A004
from tfvars_jax.ops.math_ops import negative
from tfvars_jax.ops.math_ops import reduce_sum
from tfvars_jax.ops.math_ops import reduce_mean
from tfvars_jax.ops.math_ops import reduce_max
from tfvars_jax.ops.math_ops import reduce_min
from tfvars_jax.ops.math_ops import reduce_prod
from tfvars_jax.ops.math_ops import reduce_any
from tfvars_jax.ops.math_ops import reduce_all
from tfvars_jax.ops.math_ops import reduce_logsumexp
from tfvars_jax.ops.math_ops import argmax
from tfvars_jax.ops.math_ops import argmin
from tfvars_jax.ops.math_ops import log_sigmoid
from tfvars_jax.ops.math_ops import is_nan
from tfvars_jax.ops.math_ops import is_inf
from tfvars_jax.ops.math_ops import is_finite
from tfvars_jax.ops.math_ops import logical_and
from tfvars_jax.ops.math_ops import logical_or
from tfvars_jax.ops.math_ops import logical_not
from tfvars_jax.ops.math_ops import logical_xor
from tfvars_jax.ops.math_ops import less
from tfvars_jax.ops.math_ops import greater
from tfvars_jax.ops.math_ops import equal
from tfvars_jax.ops.math_ops import not_equal
from tfvars_jax.ops.math_ops import pow  # noqa: A004

__all__ = [
    "add", "subtract", "multiply", "truediv", "divide", "floordiv", "floormod", "maximum",
    "minimum", "exp", "log", "sqrt", "rsqrt", "square", "tanh", "sigmoid", "sign", "floor", "ceil",
    "round", "abs", "negative", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
    "reduce_prod", "reduce_any", "reduce_all", "reduce_logsumexp", "argmax", "argmin",
    "log_sigmoid", "is_nan", "is_inf", "is_finite", "logical_and", "logical_or", "logical_not",
    "logical_xor", "less", "greater", "equal", "not_equal", "pow",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
