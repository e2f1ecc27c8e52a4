"""`tf.math`: element-wise math, special functions, comparisons, scans and reductions (the same
op definitions as the top-level names)."""
from tfvars_jax import _namespace
from tfvars_jax import math_special as special
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
from tfvars_jax.ops.segment_ops import segment_sum
from tfvars_jax.ops.segment_ops import segment_mean
from tfvars_jax.ops.segment_ops import segment_max
from tfvars_jax.ops.segment_ops import segment_min
from tfvars_jax.ops.segment_ops import segment_prod
from tfvars_jax.ops.segment_ops import unsorted_segment_sum
from tfvars_jax.ops.segment_ops import unsorted_segment_mean
from tfvars_jax.ops.segment_ops import unsorted_segment_max
from tfvars_jax.ops.segment_ops import unsorted_segment_min
from tfvars_jax.ops.segment_ops import unsorted_segment_prod
from tfvars_jax.ops.segment_ops import unsorted_segment_sqrt_n
from tfvars_jax.ops.math_ops import accumulate_n
from tfvars_jax.ops.math_ops import acos
from tfvars_jax.ops.math_ops import acosh
from tfvars_jax.ops.math_ops import add_n
from tfvars_jax.ops.math_ops import asin
from tfvars_jax.ops.math_ops import asinh
from tfvars_jax.ops.math_ops import atan
from tfvars_jax.ops.math_ops import atan2
from tfvars_jax.ops.math_ops import atanh
from tfvars_jax.ops.math_ops import bessel_i0
from tfvars_jax.ops.math_ops import bessel_i0e
from tfvars_jax.ops.math_ops import bessel_i1
from tfvars_jax.ops.math_ops import bessel_i1e
from tfvars_jax.ops.math_ops import betainc
from tfvars_jax.ops.math_ops import conj
from tfvars_jax.ops.math_ops import cos
from tfvars_jax.ops.math_ops import cosh
from tfvars_jax.ops.math_ops import count_nonzero
from tfvars_jax.ops.math_ops import cumprod
from tfvars_jax.ops.math_ops import cumsum
from tfvars_jax.ops.math_ops import cumulative_logsumexp
from tfvars_jax.ops.math_ops import digamma
from tfvars_jax.ops.math_ops import divide_no_nan
from tfvars_jax.ops.math_ops import erf
from tfvars_jax.ops.math_ops import erfc
from tfvars_jax.ops.math_ops import erfinv
from tfvars_jax.ops.math_ops import expm1
from tfvars_jax.ops.math_ops import greater_equal
from tfvars_jax.ops.math_ops import igamma
from tfvars_jax.ops.math_ops import igammac
from tfvars_jax.ops.math_ops import imag
from tfvars_jax.ops.math_ops import is_non_decreasing
from tfvars_jax.ops.math_ops import is_strictly_increasing
from tfvars_jax.ops.math_ops import lbeta
from tfvars_jax.ops.math_ops import less_equal
from tfvars_jax.ops.math_ops import lgamma
from tfvars_jax.ops.math_ops import log1p
from tfvars_jax.ops.math_ops import mod
from tfvars_jax.ops.math_ops import multiply_no_nan
from tfvars_jax.ops.math_ops import ndtri
from tfvars_jax.ops.math_ops import nextafter
from tfvars_jax.ops.math_ops import polygamma
from tfvars_jax.ops.math_ops import real
from tfvars_jax.ops.math_ops import reciprocal
from tfvars_jax.ops.math_ops import reciprocal_no_nan
from tfvars_jax.ops.math_ops import reduce_euclidean_norm
from tfvars_jax.ops.math_ops import reduce_std
from tfvars_jax.ops.math_ops import reduce_variance
from tfvars_jax.ops.math_ops import rint
from tfvars_jax.ops.math_ops import scalar_mul
from tfvars_jax.ops.math_ops import sin
from tfvars_jax.ops.math_ops import sinh
from tfvars_jax.ops.math_ops import softplus
from tfvars_jax.ops.math_ops import squared_difference
from tfvars_jax.ops.math_ops import tan
from tfvars_jax.ops.math_ops import xdivy
from tfvars_jax.ops.math_ops import xlog1py
from tfvars_jax.ops.math_ops import xlogy
from tfvars_jax.ops.math_ops import zeta
from tfvars_jax.ops.nn_ops import l2_normalize
from tfvars_jax.ops.nn_ops import log_softmax
from tfvars_jax.ops.nn_ops import softmax
from tfvars_jax.ops.nn_ops import softsign

from tfvars_jax.ops.sort_ops import top_k
from tfvars_jax.ops.sort_ops import in_top_k
from tfvars_jax.ops.data_dependent_ops import bincount
from tfvars_jax.ops.histogram_ops import confusion_matrix
from tfvars_jax.ops.manip_ops import invert_permutation
from tfvars_jax.ops.nn_ops import zero_fraction
from tfvars_jax.ops.math_ops import angle
from tfvars_jax.ops.math_ops import erfcinv
from tfvars_jax.ops.math_ops import polyval
from tfvars_jax.ops.sort_ops import approx_max_k
from tfvars_jax.ops.sort_ops import approx_min_k
__all__ = [
    "add", "subtract", "multiply", "truediv", "divide", "floordiv", "floormod", "maximum",
    "minimum", "exp", "log", "sqrt", "rsqrt", "square", "tanh", "sigmoid", "sign", "floor", "ceil",
    "round", "abs", "negative", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
    "reduce_prod", "reduce_any", "reduce_all", "reduce_logsumexp", "argmax", "argmin",
    "log_sigmoid", "is_nan", "is_inf", "is_finite", "logical_and", "logical_or", "logical_not",
    "logical_xor", "less", "greater", "equal", "not_equal", "pow",
    "accumulate_n",
    "acos",
    "acosh",
    "add_n",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "bessel_i0",
    "bessel_i0e",
    "bessel_i1",
    "bessel_i1e",
    "betainc",
    "conj",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "cumulative_logsumexp",
    "digamma",
    "divide_no_nan",
    "erf",
    "erfc",
    "erfinv",
    "expm1",
    "greater_equal",
    "igamma",
    "igammac",
    "imag",
    "is_non_decreasing",
    "is_strictly_increasing",
    "lbeta",
    "less_equal",
    "lgamma",
    "log1p",
    "mod",
    "multiply_no_nan",
    "ndtri",
    "nextafter",
    "polygamma",
    "real",
    "reciprocal",
    "reciprocal_no_nan",
    "reduce_euclidean_norm",
    "reduce_std",
    "reduce_variance",
    "rint",
    "scalar_mul",
    "sin",
    "sinh",
    "softplus",
    "squared_difference",
    "tan",
    "xdivy",
    "xlog1py",
    "xlogy",
    "zeta",
    "l2_normalize",
    "log_softmax",
    "softmax",
    "softsign",
    "segment_sum",
    "segment_mean",
    "segment_max",
    "segment_min",
    "segment_prod",
    "unsorted_segment_sum",
    "unsorted_segment_mean",
    "unsorted_segment_max",
    "unsorted_segment_min",
    "unsorted_segment_prod",
    "unsorted_segment_sqrt_n",
    "top_k",
    "in_top_k",
    "bincount",
    "confusion_matrix",
    "invert_permutation",
    "zero_fraction",
    "angle",
    "erfcinv",
    "polyval",
    "approx_max_k",
    "approx_min_k",
    "special",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
