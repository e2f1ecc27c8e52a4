"""`tf.debugging`: TF1's assertions (see `ops/check_ops.py`)."""
from tfvars_jax import _namespace
from tfvars_jax.ops.check_ops import Assert
from tfvars_jax.ops.check_ops import assert_equal
from tfvars_jax.ops.check_ops import assert_greater
from tfvars_jax.ops.check_ops import assert_greater_equal
from tfvars_jax.ops.check_ops import assert_less
from tfvars_jax.ops.check_ops import assert_less_equal
from tfvars_jax.ops.check_ops import assert_negative
from tfvars_jax.ops.check_ops import assert_non_negative
from tfvars_jax.ops.check_ops import assert_non_positive
from tfvars_jax.ops.check_ops import assert_none_equal
from tfvars_jax.ops.check_ops import assert_positive

from tfvars_jax.ops.check_ops import check_numerics
from tfvars_jax.ops.math_ops import is_finite
from tfvars_jax.ops.math_ops import is_inf
from tfvars_jax.ops.math_ops import is_nan
from tfvars_jax.ops.math_ops import is_non_decreasing
from tfvars_jax.ops.math_ops import is_strictly_increasing
from tfvars_jax.ops.check_ops import assert_rank
from tfvars_jax.ops.check_ops import assert_rank_at_least
from tfvars_jax.ops.check_ops import assert_rank_in
from tfvars_jax.ops.check_ops import assert_integer
from tfvars_jax.ops.check_ops import assert_type
from tfvars_jax.ops.check_ops import assert_scalar
from tfvars_jax.ops.check_ops import assert_same_float_dtype
from tfvars_jax.ops.check_ops import is_numeric_tensor
from tfvars_jax.ops.check_ops import verify_tensor_all_finite as assert_all_finite
from tfvars_jax.ops.check_ops import assert_near
__all__ = [
    "Assert", "assert_equal", "assert_greater", "assert_greater_equal", "assert_less",
    "assert_less_equal", "assert_negative", "assert_non_negative", "assert_non_positive",
    "assert_none_equal", "assert_positive",
    "check_numerics",
    "is_finite",
    "is_inf",
    "is_nan",
    "is_non_decreasing",
    "is_strictly_increasing",
    "assert_rank",
    "assert_rank_at_least",
    "assert_rank_in",
    "assert_integer",
    "assert_type",
    "assert_scalar",
    "assert_same_float_dtype",
    "is_numeric_tensor",
    "assert_all_finite",
    "assert_near",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
