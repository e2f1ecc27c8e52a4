"""tfvars_jax: TensorFlow 1.x's variable system on JAX.

`import tfvars_jax as tf` gives the `tf.compat.v1` names below, each imported explicitly from
where it is defined; `tf.nn`, `tf.train`, `tf.random`, ... are real modules (`tfvars_jax/nn.py`,
`tfvars_jax/train/`, ...) built the same way. A TF1 name we do not ship raises AttributeError
naming it.
"""
# TF1's int64/float64 values are exact without switching JAX's x64 mode on for the process:
# see framework/precision.py.

from tfvars_jax import _namespace
from tfvars_jax.runtime import compilation_cache

# ----- namespaces (each a real module or package) -------------------------------------------------
from tfvars_jax import bitwise
from tfvars_jax import contrib
from tfvars_jax import data
from tfvars_jax import debugging
from tfvars_jax import dtypes
from tfvars_jax import estimator
from tfvars_jax import functional
from tfvars_jax import image
from tfvars_jax import initializers
from tfvars_jax import keras
from tfvars_jax import layers
from tfvars_jax import linalg
from tfvars_jax import losses
from tfvars_jax import math
from tfvars_jax import metrics
from tfvars_jax import nn
from tfvars_jax import random
from tfvars_jax import sharding
from tfvars_jax import signal
from tfvars_jax import sparse
from tfvars_jax import spectral
from tfvars_jax import summary
from tfvars_jax import train
from tfvars_jax import version
from tfvars_jax.contrib import framework as contrib_framework
from tfvars_jax.framework import errors
from tfvars_jax.version import VERSION
from tfvars_jax.version import __version__  # noqa: F401 - tf.__version__

# ----- framework ----------------------------------------------------------------------------------
from tfvars_jax.framework.ops import Graph
from tfvars_jax.framework.ops import Operation
from tfvars_jax.framework.ops import Tensor
from tfvars_jax.framework.ops import GraphKeys
from tfvars_jax.framework.ops import get_default_graph
from tfvars_jax.framework.ops import reset_default_graph
from tfvars_jax.framework.ops import name_scope
from tfvars_jax.framework.ops import control_dependencies
from tfvars_jax.framework.ops import init_scope
from tfvars_jax.framework.ops import device
from tfvars_jax.framework.device_spec import DeviceSpec
from tfvars_jax.framework.indexed_slices import IndexedSlices
from tfvars_jax.framework.indexed_slices import IndexedSlicesValue
from tfvars_jax.framework.sparse_tensor import SparseTensor
from tfvars_jax.framework.sparse_tensor import SparseTensorValue
from tfvars_jax.ops.sparse_ops import sparse_add
from tfvars_jax.ops.sparse_ops import sparse_concat
from tfvars_jax.ops.sparse_ops import sparse_fill_empty_rows
from tfvars_jax.ops.sparse_ops import sparse_placeholder
from tfvars_jax.ops.sparse_ops import sparse_reduce_sum
from tfvars_jax.ops.sparse_ops import sparse_reorder
from tfvars_jax.ops.sparse_ops import sparse_reshape
from tfvars_jax.ops.sparse_ops import sparse_retain
from tfvars_jax.ops.sparse_ops import sparse_segment_mean
from tfvars_jax.ops.sparse_ops import sparse_segment_sqrt_n
from tfvars_jax.ops.sparse_ops import sparse_segment_sum
from tfvars_jax.ops.sparse_ops import sparse_slice
from tfvars_jax.ops.sparse_ops import sparse_softmax
from tfvars_jax.ops.sparse_ops import sparse_tensor_dense_matmul
from tfvars_jax.ops.sparse_ops import sparse_tensor_to_dense
from tfvars_jax.ops.sparse_ops import sparse_to_dense
from tfvars_jax.ops.sparse_ops import sparse_transpose
from tfvars_jax.ops.sparse_ops import sparse_split
from tfvars_jax.ops.sparse_ops import sparse_to_indicator
from tfvars_jax.ops.sparse_ops import sparse_maximum
from tfvars_jax.ops.sparse_ops import sparse_minimum
from tfvars_jax.ops.sparse_ops import sparse_reduce_max
from tfvars_jax.ops.sparse_ops import sparse_reduce_sum_sparse
from tfvars_jax.ops.sparse_ops import sparse_reduce_max_sparse
from tfvars_jax.ops.sparse_ops import sparse_reset_shape
from tfvars_jax.ops.sparse_ops import convert_to_tensor_or_sparse_tensor
from tfvars_jax.framework.ops import add_to_collection
from tfvars_jax.framework.ops import add_to_collections
from tfvars_jax.framework.ops import get_collection
from tfvars_jax.framework.ops import get_collection_ref
from tfvars_jax.framework.ops import set_random_seed
from tfvars_jax.framework.ops import get_seed
from tfvars_jax.framework.eager import enable_eager_execution
from tfvars_jax.framework.context import executing_eagerly
from tfvars_jax.ops.backprop import GradientTape
from tfvars_jax.ops.backprop import UnconnectedGradients
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.op_builder import constant
from tfvars_jax.framework.tensor_shape import Dimension
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.framework.dtypes import DType
from tfvars_jax.framework.dtypes import as_dtype
from tfvars_jax.framework.dtypes import float16
from tfvars_jax.framework.dtypes import float32
from tfvars_jax.framework.dtypes import float64
from tfvars_jax.framework.dtypes import bfloat16
from tfvars_jax.framework.dtypes import half
from tfvars_jax.framework.dtypes import double
from tfvars_jax.framework.dtypes import int8
from tfvars_jax.framework.dtypes import int16
from tfvars_jax.framework.dtypes import int32
from tfvars_jax.framework.dtypes import int64
from tfvars_jax.framework.dtypes import uint8
from tfvars_jax.framework.dtypes import uint16
from tfvars_jax.framework.dtypes import uint32
from tfvars_jax.framework.dtypes import uint64
from tfvars_jax.framework.dtypes import bool  # noqa: A004
from tfvars_jax.framework.dtypes import complex64
from tfvars_jax.framework.dtypes import complex128
from tfvars_jax.framework.dtypes import string
from tfvars_jax.framework.dtypes import resource

# ----- sessions -----------------------------------------------------------------------------------
from tfvars_jax.runtime.session import Session
from tfvars_jax.runtime.session import InteractiveSession
from tfvars_jax.runtime.session import get_default_session
from tfvars_jax.runtime.session import ConfigProto
from tfvars_jax.runtime.session import GPUOptions
from tfvars_jax.runtime.session import RunOptions
from tfvars_jax.runtime.session import RunMetadata
from tfvars_jax.runtime.state import State

# ----- variables ----------------------------------------------------------------------------------
from tfvars_jax.variables.variable import Variable
from tfvars_jax.variables.variable import VariableAggregation
from tfvars_jax.variables.variable import VariableSynchronization
from tfvars_jax.variables.module import Module
from tfvars_jax.variables.resource_variable import enable_resource_variables
from tfvars_jax.variables.resource_variable import disable_resource_variables
from tfvars_jax.variables.resource_variable import resource_variables_enabled
from tfvars_jax.variables.initialization import global_variables
from tfvars_jax.variables.initialization import local_variables
from tfvars_jax.variables.initialization import trainable_variables
from tfvars_jax.variables.initialization import model_variables
from tfvars_jax.variables.initialization import moving_average_variables
from tfvars_jax.variables.initialization import all_variables
from tfvars_jax.variables.initialization import global_variables_initializer
from tfvars_jax.variables.initialization import local_variables_initializer
from tfvars_jax.variables.initialization import variables_initializer
from tfvars_jax.variables.initialization import initialize_all_variables
from tfvars_jax.variables.initialization import initialize_local_variables
from tfvars_jax.variables.initialization import initialize_variables
from tfvars_jax.variables.initialization import report_uninitialized_variables
from tfvars_jax.variables.initialization import assert_variables_initialized
from tfvars_jax.variables.initialization import is_variable_initialized
from tfvars_jax.ops.state_ops import assign
from tfvars_jax.ops.state_ops import assign_add
from tfvars_jax.ops.state_ops import assign_sub
from tfvars_jax.ops.state_ops import scatter_update
from tfvars_jax.ops.state_ops import scatter_add
from tfvars_jax.ops.state_ops import scatter_sub
from tfvars_jax.ops.state_ops import scatter_mul
from tfvars_jax.ops.state_ops import scatter_div
from tfvars_jax.ops.state_ops import scatter_min
from tfvars_jax.ops.state_ops import scatter_max
from tfvars_jax.ops.state_ops import scatter_nd_update
from tfvars_jax.ops.state_ops import scatter_nd_add
from tfvars_jax.ops.state_ops import scatter_nd_sub
from tfvars_jax.ops.state_ops import count_up_to
from tfvars_jax.variables.variable_scope import get_variable
from tfvars_jax.variables.variable_scope import get_variable_scope
from tfvars_jax.variables.variable_scope import variable_scope
from tfvars_jax.variables.variable_scope import VariableScope
from tfvars_jax.variables.variable_scope import AUTO_REUSE
from tfvars_jax.variables.variable_scope import no_regularizer
from tfvars_jax.variables.partitioned import fixed_size_partitioner
from tfvars_jax.variables.partitioned import variable_axis_size_partitioner
from tfvars_jax.variables.partitioned import min_max_variable_partitioner
from tfvars_jax.variables.partitioned import PartitionedVariable
from tfvars_jax.variables.template import make_template

# ----- initializers -------------------------------------------------------------------------------
from tfvars_jax.variables.initializers import zeros_initializer
from tfvars_jax.variables.initializers import ones_initializer
from tfvars_jax.variables.initializers import constant_initializer
from tfvars_jax.variables.initializers import random_uniform_initializer
from tfvars_jax.variables.initializers import random_normal_initializer
from tfvars_jax.variables.initializers import truncated_normal_initializer
from tfvars_jax.variables.initializers import uniform_unit_scaling_initializer
from tfvars_jax.variables.initializers import variance_scaling_initializer
from tfvars_jax.variables.initializers import glorot_uniform_initializer
from tfvars_jax.variables.initializers import glorot_normal_initializer
from tfvars_jax.variables.initializers import orthogonal_initializer

# ----- ops ----------------------------------------------------------------------------------------
from tfvars_jax.ops.array_ops import placeholder
from tfvars_jax.ops.array_ops import placeholder_with_default
from tfvars_jax.ops.array_ops import identity
from tfvars_jax.ops.array_ops import stop_gradient
from tfvars_jax.ops.array_ops import zeros
from tfvars_jax.ops.array_ops import ones
from tfvars_jax.ops.array_ops import zeros_like
from tfvars_jax.ops.array_ops import ones_like
from tfvars_jax.ops.array_ops import fill
from tfvars_jax.ops.array_ops import shape
from tfvars_jax.ops.array_ops import size
from tfvars_jax.ops.array_ops import rank
from tfvars_jax.ops.array_ops import reshape
from tfvars_jax.ops.array_ops import transpose
from tfvars_jax.ops.array_ops import expand_dims
from tfvars_jax.ops.array_ops import squeeze
from tfvars_jax.ops.array_ops import concat
from tfvars_jax.ops.array_ops import stack
from tfvars_jax.ops.array_ops import parallel_stack
from tfvars_jax.ops.array_ops import unstack
from tfvars_jax.ops.array_ops import split
from tfvars_jax.ops.array_ops import tile
from tfvars_jax.ops.array_ops import pad
from tfvars_jax.ops.array_ops import gather
from tfvars_jax.ops.array_ops import gather_nd
from tfvars_jax.ops.array_ops import slice  # noqa: A004
from tfvars_jax.ops.array_ops import one_hot
from tfvars_jax.ops.array_ops import where
from tfvars_jax.ops.array_ops import where_v2
from tfvars_jax.ops.array_ops import reverse
from tfvars_jax.ops.array_ops import reverse_sequence
from tfvars_jax.ops.data_dependent_ops import boolean_mask
from tfvars_jax.ops.data_dependent_ops import dynamic_partition
from tfvars_jax.ops.data_dependent_ops import dynamic_stitch
from tfvars_jax.ops.data_dependent_ops import unique
from tfvars_jax.ops.array_ops import stack as pack
from tfvars_jax.ops.array_ops import unstack as unpack
from tfvars_jax.ops.math_ops import add
from tfvars_jax.ops.math_ops import subtract
from tfvars_jax.ops.math_ops import multiply
from tfvars_jax.ops.math_ops import truediv
from tfvars_jax.ops.math_ops import divide
from tfvars_jax.ops.math_ops import div
from tfvars_jax.ops.math_ops import floordiv
from tfvars_jax.ops.math_ops import floormod
from tfvars_jax.ops.math_ops import mod
from tfvars_jax.ops.math_ops import pow  # noqa: A004
from tfvars_jax.ops.math_ops import maximum
from tfvars_jax.ops.math_ops import minimum
from tfvars_jax.ops.math_ops import squared_difference
from tfvars_jax.ops.math_ops import atan2
from tfvars_jax.ops.math_ops import less
from tfvars_jax.ops.math_ops import less_equal
from tfvars_jax.ops.math_ops import greater
from tfvars_jax.ops.math_ops import greater_equal
from tfvars_jax.ops.math_ops import equal
from tfvars_jax.ops.math_ops import not_equal
from tfvars_jax.ops.math_ops import logical_and
from tfvars_jax.ops.math_ops import logical_or
from tfvars_jax.ops.math_ops import logical_xor
from tfvars_jax.ops.math_ops import logical_not
from tfvars_jax.ops.math_ops import negative
from tfvars_jax.ops.math_ops import abs  # noqa: A004
from tfvars_jax.ops.math_ops import exp
from tfvars_jax.ops.math_ops import expm1
from tfvars_jax.ops.math_ops import log
from tfvars_jax.ops.math_ops import log1p
from tfvars_jax.ops.math_ops import sqrt
from tfvars_jax.ops.math_ops import rsqrt
from tfvars_jax.ops.math_ops import square
from tfvars_jax.ops.math_ops import tanh
from tfvars_jax.ops.math_ops import sigmoid
from tfvars_jax.ops.math_ops import sign
from tfvars_jax.ops.math_ops import floor
from tfvars_jax.ops.math_ops import ceil
from tfvars_jax.ops.math_ops import round  # noqa: A004
from tfvars_jax.ops.math_ops import rint
from tfvars_jax.ops.math_ops import reciprocal
from tfvars_jax.ops.math_ops import sin
from tfvars_jax.ops.math_ops import cos
from tfvars_jax.ops.math_ops import tan
from tfvars_jax.ops.math_ops import asin
from tfvars_jax.ops.math_ops import acos
from tfvars_jax.ops.math_ops import atan
from tfvars_jax.ops.math_ops import sinh
from tfvars_jax.ops.math_ops import cosh
from tfvars_jax.ops.math_ops import erf
from tfvars_jax.ops.math_ops import lgamma
from tfvars_jax.ops.math_ops import is_nan
from tfvars_jax.ops.math_ops import is_inf
from tfvars_jax.ops.math_ops import is_finite
from tfvars_jax.ops.math_ops import real
from tfvars_jax.ops.math_ops import imag
from tfvars_jax.ops.math_ops import conj
from tfvars_jax.ops.math_ops import cast
from tfvars_jax.ops.math_ops import to_float
from tfvars_jax.ops.math_ops import to_int32
from tfvars_jax.ops.math_ops import to_int64
from tfvars_jax.ops.math_ops import saturate_cast
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
from tfvars_jax.ops.math_ops import matmul
from tfvars_jax.ops.math_ops import einsum
from tfvars_jax.ops.math_ops import tensordot
from tfvars_jax.ops.math_ops import add_n
from tfvars_jax.ops.math_ops import accumulate_n
from tfvars_jax.ops.math_ops import clip_by_value
from tfvars_jax.ops.math_ops import clip_by_norm
from tfvars_jax.ops.math_ops import global_norm
from tfvars_jax.ops.math_ops import clip_by_global_norm
from tfvars_jax.ops.math_ops import range  # noqa: A004
from tfvars_jax.ops.math_ops import cumsum
from tfvars_jax.ops.math_ops import log_sigmoid
from tfvars_jax.ops.math_ops import subtract as sub
from tfvars_jax.ops.math_ops import multiply as mul
from tfvars_jax.ops.math_ops import negative as neg
from tfvars_jax.ops.check_ops import assert_near
from tfvars_jax.ops.random_dist_ops import random_gamma
from tfvars_jax.ops.random_dist_ops import random_poisson
from tfvars_jax.ops.random_dist_ops import random_crop
from tfvars_jax.ops.manip_ops import strided_slice
from tfvars_jax.ops.check_ops import assert_rank
from tfvars_jax.ops.check_ops import assert_rank_at_least
from tfvars_jax.ops.check_ops import assert_rank_in
from tfvars_jax.ops.check_ops import assert_integer
from tfvars_jax.ops.check_ops import assert_type
from tfvars_jax.ops.check_ops import assert_scalar
from tfvars_jax.ops.check_ops import assert_same_float_dtype
from tfvars_jax.ops.check_ops import is_numeric_tensor
from tfvars_jax.ops.tensor_util import dimension_value
from tfvars_jax.ops.tensor_util import dimension_at_index
from tfvars_jax.ops.math_ops import complex  # noqa: A004
from tfvars_jax.ops.math_ops import angle
from tfvars_jax.variables.initialization import tables_initializer
from tfvars_jax.ops.linalg_ops import matrix_band_part
from tfvars_jax.ops.linalg_ops import matrix_diag
from tfvars_jax.ops.linalg_ops import matrix_diag_part
from tfvars_jax.ops.linalg_ops import matrix_set_diag
from tfvars_jax.ops.linalg_ops import diag
from tfvars_jax.ops.linalg_ops import diag_part
from tfvars_jax.ops.linalg_ops import matrix_transpose
from tfvars_jax.ops.linalg_ops import trace
from tfvars_jax.ops.linalg_ops import eye
from tfvars_jax.ops.linalg_ops import matrix_inverse
from tfvars_jax.ops.linalg_ops import matrix_determinant
from tfvars_jax.ops.linalg_ops import matrix_solve
from tfvars_jax.ops.linalg_ops import matrix_triangular_solve
from tfvars_jax.ops.linalg_ops import cholesky_solve
from tfvars_jax.ops.linalg_ops import matrix_solve_ls
from tfvars_jax.ops.linalg_ops import cholesky
from tfvars_jax.ops.linalg_ops import qr
from tfvars_jax.ops.linalg_ops import svd
from tfvars_jax.ops.linalg_ops import self_adjoint_eig
from tfvars_jax.ops.linalg_ops import self_adjoint_eigvals
from tfvars_jax.ops.linalg_ops import norm
from tfvars_jax.ops.linalg_ops import cross
from tfvars_jax.ops.sort_ops import sort
from tfvars_jax.ops.sort_ops import argsort
from tfvars_jax.ops.sort_ops import searchsorted
from tfvars_jax.ops.manip_ops import roll
from tfvars_jax.ops.manip_ops import broadcast_to
from tfvars_jax.ops.manip_ops import repeat
from tfvars_jax.ops.manip_ops import meshgrid
from tfvars_jax.ops.manip_ops import linspace
from tfvars_jax.ops.manip_ops import lin_space
from tfvars_jax.ops.manip_ops import sequence_mask
from tfvars_jax.ops.manip_ops import invert_permutation
from tfvars_jax.ops.manip_ops import unravel_index
from tfvars_jax.ops.manip_ops import batch_gather
from tfvars_jax.ops.manip_ops import shape_n
from tfvars_jax.ops.manip_ops import identity_n
from tfvars_jax.ops.manip_ops import ensure_shape
from tfvars_jax.ops.manip_ops import space_to_depth
from tfvars_jax.ops.manip_ops import depth_to_space
from tfvars_jax.ops.manip_ops import space_to_batch_nd
from tfvars_jax.ops.manip_ops import batch_to_space_nd
from tfvars_jax.ops.manip_ops import space_to_batch
from tfvars_jax.ops.manip_ops import batch_to_space
from tfvars_jax.ops.manip_ops import extract_image_patches
from tfvars_jax.ops.scatter_ops import scatter_nd
from tfvars_jax.ops.scatter_ops import tensor_scatter_update
from tfvars_jax.ops.scatter_ops import tensor_scatter_add
from tfvars_jax.ops.scatter_ops import tensor_scatter_sub
from tfvars_jax.ops.scatter_ops import tensor_scatter_nd_update
from tfvars_jax.ops.scatter_ops import tensor_scatter_nd_add
from tfvars_jax.ops.scatter_ops import tensor_scatter_nd_sub
from tfvars_jax.ops.scatter_ops import tensor_scatter_nd_max
from tfvars_jax.ops.scatter_ops import tensor_scatter_nd_min
from tfvars_jax.ops.data_dependent_ops import unique_with_counts
from tfvars_jax.ops.data_dependent_ops import setdiff1d
from tfvars_jax.ops.data_dependent_ops import bincount
from tfvars_jax.ops.histogram_ops import histogram_fixed_width
from tfvars_jax.ops.histogram_ops import confusion_matrix
from tfvars_jax.ops.check_ops import check_numerics
from tfvars_jax.ops.check_ops import verify_tensor_all_finite
from tfvars_jax.ops.check_ops import add_check_numerics_ops
from tfvars_jax.ops.tensor_util import is_tensor
from tfvars_jax.ops.tensor_util import get_static_value
from tfvars_jax.ops.tensor_util import broadcast_static_shape
from tfvars_jax.ops.tensor_util import broadcast_dynamic_shape
from tfvars_jax.ops.math_ops import clip_by_average_norm
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
from tfvars_jax.ops.math_ops import acosh
from tfvars_jax.ops.math_ops import asinh
from tfvars_jax.ops.math_ops import atanh
from tfvars_jax.ops.math_ops import erfc
from tfvars_jax.ops.math_ops import digamma
from tfvars_jax.ops.math_ops import igamma
from tfvars_jax.ops.math_ops import igammac
from tfvars_jax.ops.math_ops import betainc
from tfvars_jax.ops.math_ops import zeta
from tfvars_jax.ops.math_ops import polygamma
from tfvars_jax.ops.math_ops import lbeta
from tfvars_jax.ops.math_ops import div_no_nan
from tfvars_jax.ops.math_ops import truncatediv
from tfvars_jax.ops.math_ops import truncatemod
from tfvars_jax.ops.math_ops import realdiv
from tfvars_jax.ops.math_ops import floor_div
from tfvars_jax.ops.math_ops import cumprod
from tfvars_jax.ops.math_ops import count_nonzero
from tfvars_jax.ops.math_ops import is_non_decreasing
from tfvars_jax.ops.math_ops import is_strictly_increasing
from tfvars_jax.ops.math_ops import scalar_mul
from tfvars_jax.ops.math_ops import to_double
from tfvars_jax.ops.math_ops import to_bfloat16
from tfvars_jax.ops.math_ops import to_complex64
from tfvars_jax.ops.math_ops import to_complex128
from tfvars_jax.ops.math_ops import argmax as arg_max
from tfvars_jax.ops.math_ops import argmin as arg_min
from tfvars_jax.ops.array_ops import reverse as reverse_v2
from tfvars_jax.ops.gradient_registry import NotDifferentiable
from tfvars_jax.ops.gradient_registry import NoGradient
from tfvars_jax.ops.gradient_registry import RegisterGradient
from tfvars_jax.ops.gradient_registry import no_gradient
from tfvars_jax.ops.random_ops import random_normal
from tfvars_jax.ops.random_ops import truncated_normal
from tfvars_jax.ops.random_ops import random_uniform
from tfvars_jax.ops.random_ops import random_shuffle
from tfvars_jax.ops.random_ops import multinomial
from tfvars_jax.ops.control_flow_ops import no_op
from tfvars_jax.ops.control_flow_ops import group
from tfvars_jax.ops.control_flow_ops import tuple  # noqa: A004
from tfvars_jax.ops.control_flow_ops import cond
from tfvars_jax.ops.control_flow_case import case
from tfvars_jax.ops.loop_ops import while_loop
from tfvars_jax.ops.functional_ops import foldl, foldr, map_fn, scan
from tfvars_jax.ops.tensor_array_ops import TensorArray
from tfvars_jax.ops.control_flow_ops import Print
from tfvars_jax.ops.control_flow_ops import print_v2 as print  # noqa: A004
from tfvars_jax.ops.check_ops import Assert
from tfvars_jax.ops.check_ops import assert_equal
from tfvars_jax.ops.check_ops import assert_none_equal
from tfvars_jax.ops.check_ops import assert_less
from tfvars_jax.ops.check_ops import assert_less_equal
from tfvars_jax.ops.check_ops import assert_greater
from tfvars_jax.ops.check_ops import assert_greater_equal
from tfvars_jax.ops.check_ops import assert_positive
from tfvars_jax.ops.check_ops import assert_negative
from tfvars_jax.ops.check_ops import assert_non_negative
from tfvars_jax.ops.check_ops import assert_non_positive
from tfvars_jax.ops.gradients import gradients
from tfvars_jax.ops.gradients import hessians
from tfvars_jax.ops.manip_ops import required_space_to_batch_paddings
from tfvars_jax.ops.fake_quant_ops import fake_quant_with_min_max_args
from tfvars_jax.ops.fake_quant_ops import fake_quant_with_min_max_args_gradient
from tfvars_jax.ops.fake_quant_ops import fake_quant_with_min_max_vars
from tfvars_jax.ops.fake_quant_ops import fake_quant_with_min_max_vars_gradient
from tfvars_jax.ops.fake_quant_ops import fake_quant_with_min_max_vars_per_channel
from tfvars_jax.ops.fake_quant_ops import fake_quant_with_min_max_vars_per_channel_gradient
from tfvars_jax.ops.math_ops import sparse_matmul
from tfvars_jax.ops.array_ops import guarantee_const
from tfvars_jax.ops.histogram_ops import histogram_fixed_width_bins
from tfvars_jax.ops.gradients import AggregationMethod
from tfvars_jax.ops.gradients import grad_pass_through
from tfvars_jax.ops.bitwise_ops import bitcast
from tfvars_jax.ops.control_flow_case import switch_case
from tfvars_jax.ops.signal_ops import fft
from tfvars_jax.ops.signal_ops import fft2d
from tfvars_jax.ops.signal_ops import fft3d
from tfvars_jax.ops.signal_ops import ifft
from tfvars_jax.ops.signal_ops import ifft2d
from tfvars_jax.ops.signal_ops import ifft3d
from tfvars_jax.ops.script_ops import py_func
from tfvars_jax.ops.script_ops import numpy_function
from tfvars_jax.ops.custom_gradient import custom_gradient

# ----- notebook tools (not TF1 names) ------------------------------------------------------------
from tfvars_jax.notebook import load_ipython_extension
from tfvars_jax.notebook import unload_ipython_extension
from tfvars_jax.variable_table import show_variables
from tfvars_jax.graph_picture import show_graph

newaxis = None

__all__ = [
    "bitwise", "contrib", "dtypes", "estimator", "functional", "image", "initializers", "keras",
    "losses", "math", "metrics", "nn", "sharding", "signal", "spectral",
    "data",
    "summary",
    "random", "layers", "train", "version", "contrib_framework", "errors", "VERSION", "Graph",
    "Operation", "Tensor", "GraphKeys", "get_default_graph", "reset_default_graph", "name_scope",
    "control_dependencies", "init_scope", "device", "add_to_collection", "add_to_collections", "get_collection",
    "DeviceSpec",
    "get_collection_ref", "set_random_seed", "get_seed",
    "enable_eager_execution", "executing_eagerly", "GradientTape", "UnconnectedGradients",
    "convert_to_tensor", "constant",
    "Dimension", "TensorShape", "DType", "as_dtype", "float16", "float32", "float64", "bfloat16",
    "half", "double", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "bool", "complex64", "complex128", "string", "newaxis", "Session", "InteractiveSession",
    "get_default_session", "IndexedSlices", "IndexedSlicesValue", "ConfigProto", "GPUOptions",
    "RunOptions", "RunMetadata", "State",
    "Variable", "VariableAggregation", "VariableSynchronization", "Module",
    "enable_resource_variables",
    "disable_resource_variables", "resource_variables_enabled", "resource", "global_variables",
    "local_variables", "trainable_variables", "model_variables", "moving_average_variables",
    "all_variables", "global_variables_initializer", "local_variables_initializer",
    "variables_initializer", "initialize_all_variables", "initialize_local_variables",
    "initialize_variables", "report_uninitialized_variables", "assert_variables_initialized",
    "is_variable_initialized", "assign", "assign_add", "assign_sub", "scatter_update",
    "scatter_add", "scatter_sub", "scatter_mul", "scatter_div", "scatter_min", "scatter_max",
    "scatter_nd_update", "scatter_nd_add", "scatter_nd_sub", "count_up_to", "get_variable",
    "get_variable_scope", "variable_scope", "VariableScope", "AUTO_REUSE", "no_regularizer",
    "fixed_size_partitioner", "variable_axis_size_partitioner", "min_max_variable_partitioner",
    "PartitionedVariable", "make_template", "zeros_initializer", "ones_initializer",
    "constant_initializer", "random_uniform_initializer", "random_normal_initializer",
    "truncated_normal_initializer", "uniform_unit_scaling_initializer",
    "variance_scaling_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
    "orthogonal_initializer", "placeholder", "placeholder_with_default", "identity",
    "stop_gradient", "zeros", "ones", "zeros_like", "ones_like", "fill", "shape", "size", "rank",
    "reshape", "transpose", "expand_dims", "squeeze", "concat", "stack", "parallel_stack",
    "unstack", "split", "tile", "pad", "gather", "gather_nd", "slice", "one_hot", "where",
    "where_v2", "reverse", "boolean_mask", "dynamic_partition", "dynamic_stitch", "unique",
    "pack", "unpack", "add", "subtract", "multiply",
    "reverse_sequence",
    "truediv", "divide", "div", "floordiv", "floormod", "mod", "pow", "maximum", "minimum",
    "squared_difference", "atan2", "less", "less_equal", "greater", "greater_equal", "equal",
    "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "negative", "abs",
    "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "square", "tanh", "sigmoid", "sign", "floor",
    "ceil", "round", "rint", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
    "cosh", "erf", "lgamma", "is_nan", "is_inf", "is_finite", "real", "imag", "conj", "cast",
    "to_float", "to_int32", "to_int64", "saturate_cast", "reduce_sum", "reduce_mean", "reduce_max",
    "reduce_min", "reduce_prod", "reduce_any", "reduce_all", "reduce_logsumexp", "argmax", "argmin",
    "matmul", "einsum", "tensordot", "add_n", "accumulate_n", "clip_by_value", "clip_by_norm",
    "global_norm", "clip_by_global_norm", "range", "cumsum", "log_sigmoid", "sub", "mul", "neg",
    "random_normal", "truncated_normal", "random_uniform", "random_shuffle", "multinomial", "no_op",
    "group", "tuple", "cond", "case", "while_loop", "TensorArray", "scan", "map_fn", "foldl",
    "foldr", "Print", "print", "gradients", "hessians", "AggregationMethod", "grad_pass_through",
    "bitcast", "switch_case", "required_space_to_batch_paddings", "sparse_matmul", "guarantee_const",
    "histogram_fixed_width_bins",
    "fake_quant_with_min_max_args",
    "fake_quant_with_min_max_args_gradient",
    "fake_quant_with_min_max_vars",
    "fake_quant_with_min_max_vars_gradient",
    "fake_quant_with_min_max_vars_per_channel",
    "fake_quant_with_min_max_vars_per_channel_gradient",
    "fft", "fft2d", "fft3d", "ifft", "ifft2d", "ifft3d", "Assert", "assert_equal",
    "assert_none_equal", "assert_less", "assert_less_equal", "assert_greater",
    "assert_greater_equal", "assert_positive", "assert_negative", "assert_non_negative",
    "assert_non_positive", "debugging", "py_func", "numpy_function",
    "custom_gradient", "load_ipython_extension", "unload_ipython_extension", "show_variables",
    "show_graph",
    "acosh",
    "asinh",
    "atanh",
    "erfc",
    "digamma",
    "igamma",
    "igammac",
    "betainc",
    "zeta",
    "polygamma",
    "lbeta",
    "div_no_nan",
    "truncatediv",
    "truncatemod",
    "realdiv",
    "floor_div",
    "cumprod",
    "count_nonzero",
    "is_non_decreasing",
    "is_strictly_increasing",
    "scalar_mul",
    "to_double",
    "to_bfloat16",
    "to_complex64",
    "to_complex128",
    "arg_max",
    "arg_min",
    "reverse_v2",
    "NotDifferentiable",
    "NoGradient",
    "RegisterGradient",
    "no_gradient",
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
    "sort",
    "argsort",
    "searchsorted",
    "roll",
    "broadcast_to",
    "repeat",
    "meshgrid",
    "linspace",
    "lin_space",
    "sequence_mask",
    "invert_permutation",
    "unravel_index",
    "batch_gather",
    "shape_n",
    "identity_n",
    "ensure_shape",
    "space_to_depth",
    "depth_to_space",
    "space_to_batch_nd",
    "batch_to_space_nd",
    "space_to_batch",
    "batch_to_space",
    "extract_image_patches",
    "scatter_nd",
    "tensor_scatter_update",
    "tensor_scatter_add",
    "tensor_scatter_sub",
    "tensor_scatter_nd_update",
    "tensor_scatter_nd_add",
    "tensor_scatter_nd_sub",
    "tensor_scatter_nd_max",
    "tensor_scatter_nd_min",
    "unique_with_counts",
    "setdiff1d",
    "bincount",
    "histogram_fixed_width",
    "confusion_matrix",
    "check_numerics",
    "verify_tensor_all_finite",
    "add_check_numerics_ops",
    "is_tensor",
    "get_static_value",
    "broadcast_static_shape",
    "broadcast_dynamic_shape",
    "clip_by_average_norm",
    "matrix_band_part",
    "matrix_diag",
    "matrix_diag_part",
    "matrix_set_diag",
    "diag",
    "diag_part",
    "matrix_transpose",
    "trace",
    "eye",
    "matrix_inverse",
    "matrix_determinant",
    "matrix_solve",
    "matrix_triangular_solve",
    "cholesky_solve",
    "matrix_solve_ls",
    "cholesky",
    "qr",
    "svd",
    "self_adjoint_eig",
    "self_adjoint_eigvals",
    "norm",
    "cross",
    "linalg",
    "assert_rank",
    "assert_rank_at_least",
    "assert_rank_in",
    "assert_integer",
    "assert_type",
    "assert_scalar",
    "assert_same_float_dtype",
    "is_numeric_tensor",
    "dimension_value",
    "dimension_at_index",
    "complex",
    "angle",
    "tables_initializer",
    "strided_slice",
    "random_gamma",
    "random_poisson",
    "random_crop",
    "assert_near",
    "sparse",
    "SparseTensor",
    "SparseTensorValue",
    "sparse_add",
    "sparse_concat",
    "sparse_fill_empty_rows",
    "sparse_placeholder",
    "sparse_reduce_sum",
    "sparse_reorder",
    "sparse_reshape",
    "sparse_retain",
    "sparse_segment_mean",
    "sparse_segment_sqrt_n",
    "sparse_segment_sum",
    "sparse_slice",
    "sparse_softmax",
    "sparse_tensor_dense_matmul",
    "sparse_tensor_to_dense",
    "sparse_to_dense",
    "sparse_transpose",
    "sparse_split",
    "sparse_to_indicator",
    "sparse_maximum",
    "sparse_minimum",
    "sparse_reduce_max",
    "sparse_reduce_sum_sparse",
    "sparse_reduce_max_sparse",
    "sparse_reset_shape",
    "convert_to_tensor_or_sparse_tensor",
]

__getattr__ = _namespace.unsupported_getattr(__name__)

# A second process that runs the same graph loads its compiled steps from disk (opt out:
# TFVARS_JAX_COMPILATION_CACHE=0); see runtime/compilation_cache.py.
compilation_cache.enable_persistent_cache()
