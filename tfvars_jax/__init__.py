"""tfvars_jax: TensorFlow 1.x's variable system on JAX.

`import tfvars_jax as tf` gives the `tf.compat.v1` names below; the namespace is assembled
here and only here. A TF1 name we do not ship raises AttributeError naming it.
"""
import jax as _jax

# TF1 programs use int64 (global_step) and float64 variables; without x64 JAX would silently
# compute them in 32 bits. Ops keep their declared dtypes, so float32 models stay float32.
_jax.config.update("jax_enable_x64", True)

from tfvars_jax import _namespace  # noqa: E402
from tfvars_jax import functional  # noqa: E402,F401 - tfvars_jax.functional
from tfvars_jax.ops import loss_ops as _losses  # noqa: E402
from tfvars_jax.framework import dtypes as _dtypes  # noqa: E402
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as _ops
from tfvars_jax.framework import op_builder as _op_builder
from tfvars_jax.framework.tensor_shape import Dimension, TensorShape
from tfvars_jax.ops import array_ops as _array_ops
from tfvars_jax.ops import control_flow_ops as _cf
from tfvars_jax.ops.gradients import gradients
from tfvars_jax.train import learning_rate_decay as _lr
from tfvars_jax.train import moving_averages as _ema
from tfvars_jax.train import optimizer as _optimizer
from tfvars_jax.ops import math_ops as _math
from tfvars_jax.ops import nn_ops as _nn
from tfvars_jax.ops import random_ops as _random
from tfvars_jax.ops import state_ops as _state
from tfvars_jax.runtime import session as _session
from tfvars_jax.runtime.state import State
from tfvars_jax.variables import initialization as _init
from tfvars_jax.variables import initializers as _initializers
from tfvars_jax.variables import variable_scope as _vs
from tfvars_jax.variables import partitioned as _partitioned
from tfvars_jax.train import training_util as _training_util
from tfvars_jax.train import saver as _saver
from tfvars_jax.train import checkpoint_management as _ckpt_mgmt
from tfvars_jax.train import checkpoint_utils as _ckpt_utils
from tfvars_jax import contrib_framework  # also `tfvars_jax.contrib.framework`
from tfvars_jax import version
from tfvars_jax.version import VERSION, __version__
from tfvars_jax.variables.variable import Variable, VariableAggregation, VariableSynchronization

# ----- framework --------------------------------------------------------------------------
Graph, Operation, Tensor, GraphKeys = _ops.Graph, _ops.Operation, _ops.Tensor, _ops.GraphKeys
get_default_graph, reset_default_graph = _ops.get_default_graph, _ops.reset_default_graph
name_scope, control_dependencies, device = _ops.name_scope, _ops.control_dependencies, _ops.device
add_to_collection, add_to_collections = _ops.add_to_collection, _ops.add_to_collections
get_collection, get_collection_ref = _ops.get_collection, _ops.get_collection_ref
set_random_seed, get_seed = _ops.set_random_seed, _ops.get_seed
convert_to_tensor, constant = _op_builder.convert_to_tensor, _op_builder.constant
DType, as_dtype = _dtypes.DType, _dtypes.as_dtype
float16, float32, float64, bfloat16, half, double = (_dtypes.float16, _dtypes.float32, _dtypes.float64,
                                                     _dtypes.bfloat16, _dtypes.half, _dtypes.double)
int8, int16, int32, int64 = _dtypes.int8, _dtypes.int16, _dtypes.int32, _dtypes.int64
uint8, uint16, uint32, uint64 = _dtypes.uint8, _dtypes.uint16, _dtypes.uint32, _dtypes.uint64
bool, complex64, complex128, string = _dtypes.bool, _dtypes.complex64, _dtypes.complex128, _dtypes.string  # noqa: A001
newaxis = None

# ----- sessions ---------------------------------------------------------------------------
Session, InteractiveSession, get_default_session = (_session.Session, _session.InteractiveSession,
                                                    _session.get_default_session)
ConfigProto, GPUOptions, RunOptions, RunMetadata = (_session.ConfigProto, _session.GPUOptions,
                                                    _session.RunOptions, _session.RunMetadata)

# ----- variables --------------------------------------------------------------------------
global_variables, local_variables = _init.global_variables, _init.local_variables
trainable_variables, model_variables = _init.trainable_variables, _init.model_variables
moving_average_variables, all_variables = _init.moving_average_variables, _init.all_variables
global_variables_initializer = _init.global_variables_initializer
local_variables_initializer = _init.local_variables_initializer
variables_initializer, initialize_all_variables = _init.variables_initializer, _init.initialize_all_variables
initialize_local_variables, initialize_variables = _init.initialize_local_variables, _init.initialize_variables
report_uninitialized_variables = _init.report_uninitialized_variables
assert_variables_initialized, is_variable_initialized = (_init.assert_variables_initialized,
                                                         _init.is_variable_initialized)
assign, assign_add, assign_sub = _state.assign, _state.assign_add, _state.assign_sub
scatter_update, scatter_add, scatter_sub = _state.scatter_update, _state.scatter_add, _state.scatter_sub
scatter_mul, scatter_div = _state.scatter_mul, _state.scatter_div
scatter_min, scatter_max = _state.scatter_min, _state.scatter_max
scatter_nd_update, scatter_nd_add, scatter_nd_sub = (_state.scatter_nd_update, _state.scatter_nd_add,
                                                     _state.scatter_nd_sub)
count_up_to = _state.count_up_to
get_variable, get_variable_scope, variable_scope = _vs.get_variable, _vs.get_variable_scope, _vs.variable_scope
VariableScope, AUTO_REUSE, no_regularizer = _vs.VariableScope, _vs.AUTO_REUSE, _vs.no_regularizer
fixed_size_partitioner, variable_axis_size_partitioner, min_max_variable_partitioner = (
    _partitioned.fixed_size_partitioner, _partitioned.variable_axis_size_partitioner,
    _partitioned.min_max_variable_partitioner)
PartitionedVariable = _partitioned.PartitionedVariable

# ----- initializers -----------------------------------------------------------------------
for _name in ("zeros_initializer", "ones_initializer", "constant_initializer", "random_uniform_initializer",
              "random_normal_initializer", "truncated_normal_initializer", "uniform_unit_scaling_initializer",
              "variance_scaling_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
              "orthogonal_initializer"):
    globals()[_name] = getattr(_initializers, _name)
initializers = _namespace.Namespace("tfvars_jax.initializers", {
    "zeros": _initializers.zeros, "ones": _initializers.ones, "constant": _initializers.constant,
    "random_uniform": _initializers.random_uniform, "random_normal": _initializers.random_normal,
    "truncated_normal": _initializers.truncated_normal, "uniform_unit_scaling": _initializers.uniform_unit_scaling,
    "variance_scaling": _initializers.variance_scaling, "glorot_uniform": _initializers.glorot_uniform,
    "glorot_normal": _initializers.glorot_normal, "orthogonal": _initializers.orthogonal,
    "identity": _initializers.identity, "he_normal": _initializers.he_normal,
    "he_uniform": _initializers.he_uniform, "lecun_normal": _initializers.lecun_normal,
    "lecun_uniform": _initializers.lecun_uniform,
    "global_variables": _init.global_variables_initializer, "local_variables": _init.local_variables_initializer,
    "variables": _init.variables_initializer,
})
keras = _namespace.Namespace("tfvars_jax.keras", {
    "initializers": _namespace.Namespace("tfvars_jax.keras.initializers", vars(_initializers.keras_initializers)),
})

# ----- ops --------------------------------------------------------------------------------
for _module, _names in (
    (_array_ops, "placeholder placeholder_with_default identity stop_gradient zeros ones zeros_like ones_like "
                 "fill shape size rank reshape transpose expand_dims squeeze concat stack parallel_stack unstack "
                 "split tile pad gather gather_nd slice one_hot where where_v2 reverse boolean_mask"),
    (_math, "add subtract multiply truediv divide div floordiv floormod mod pow maximum minimum "
            "squared_difference atan2 less less_equal greater greater_equal equal not_equal logical_and "
            "logical_or logical_xor logical_not negative abs exp expm1 log log1p sqrt rsqrt square tanh sigmoid "
            "sign floor ceil round rint reciprocal sin cos tan asin acos atan sinh cosh erf lgamma is_nan "
            "is_inf is_finite real imag conj cast to_float to_int32 to_int64 saturate_cast reduce_sum "
            "reduce_mean reduce_max reduce_min reduce_prod reduce_any reduce_all reduce_logsumexp argmax "
            "argmin matmul einsum tensordot add_n accumulate_n clip_by_value clip_by_norm global_norm "
            "clip_by_global_norm range cumsum log_sigmoid"),
    (_random, "random_normal truncated_normal random_uniform random_shuffle multinomial"),
    (_cf, "no_op group tuple cond Print"),
):
    for _name in _names.split():
        globals()[_name] = getattr(_module, _name)
print = _cf.print_v2  # noqa: A001 - TF1's tf.print
pack, unpack = _array_ops.stack, _array_ops.unstack
sub, mul, neg = _math.subtract, _math.multiply, _math.negative

nn = _namespace.Namespace("tfvars_jax.nn", {
    name: getattr(_nn, name) for name in (
        "relu relu6 elu selu softsign softplus sigmoid tanh leaky_relu softmax log_softmax bias_add conv2d "
        "max_pool avg_pool l2_loss moments sparse_softmax_cross_entropy_with_logits dropout "
        "softmax_cross_entropy_with_logits softmax_cross_entropy_with_logits_v2 "
        "sigmoid_cross_entropy_with_logits").split()})
random = _namespace.Namespace("tfvars_jax.random", {
    "normal": _random.random_normal, "uniform": _random.random_uniform,
    "truncated_normal": _random.truncated_normal, "shuffle": _random.random_shuffle,
    "set_random_seed": _ops.set_random_seed})
math = _namespace.Namespace("tfvars_jax.math", {
    name: getattr(_math, name) for name in (
        "add subtract multiply truediv divide floordiv floormod maximum minimum exp log sqrt rsqrt square tanh "
        "sigmoid sign floor ceil round abs negative reduce_sum reduce_mean reduce_max reduce_min reduce_prod "
        "reduce_any reduce_all reduce_logsumexp argmax argmin log_sigmoid is_nan is_inf is_finite "
        "logical_and logical_or logical_not logical_xor less greater equal not_equal pow").split()})
dtypes = _namespace.Namespace("tfvars_jax.dtypes", {
    name: getattr(_dtypes, name) for name in (
        "DType as_dtype float16 float32 float64 bfloat16 int8 int16 int32 int64 uint8 uint16 uint32 uint64 "
        "bool complex64 complex128 string").split()})
train = _namespace.Namespace("tfvars_jax.train", {
    **{name: getattr(_optimizer, name) for name in (
        "Optimizer GradientDescentOptimizer MomentumOptimizer AdamOptimizer AdagradOptimizer RMSPropOptimizer "
        "AdadeltaOptimizer FtrlOptimizer ProximalGradientDescentOptimizer ProximalAdagradOptimizer "
        "OptaxOptimizer").split()},
    **{name: getattr(_lr, name) for name in _lr.__all__},
    "ExponentialMovingAverage": _ema.ExponentialMovingAverage,
    **{name: getattr(_training_util, name) for name in _training_util.__all__},
    "Saver": _saver.Saver, "SaverDef": _saver.SaverDef,
    **{name: getattr(_ckpt_mgmt, name) for name in _ckpt_mgmt.__all__ if name != "meta_graph_filename"},
    **{name: getattr(_ckpt_utils, name) for name in (
        "NewCheckpointReader load_checkpoint load_variable list_variables init_from_checkpoint").split()},
})
contrib = _namespace.Namespace("tfvars_jax.contrib", {
    "framework": _namespace.Namespace("tfvars_jax.contrib.framework", {
        **{name: getattr(contrib_framework, name) for name in contrib_framework.__all__},
        "assign_from_checkpoint": _ckpt_utils.assign_from_checkpoint,
        "assign_from_checkpoint_fn": _ckpt_utils.assign_from_checkpoint_fn}),
    "layers": _namespace.Namespace("tfvars_jax.contrib.layers", {
        "l1_regularizer": _losses.l1_regularizer, "l2_regularizer": _losses.l2_regularizer}),
})
losses = _namespace.Namespace("tfvars_jax.losses", {
    name: getattr(_losses, name) for name in (
        "add_loss get_losses get_regularization_losses get_regularization_loss get_total_loss").split()})


def __getattr__(attr):
    if attr.startswith("__"):
        raise AttributeError(attr)
    raise _namespace.unsupported("tfvars_jax", attr)


del _name, _names, _module
