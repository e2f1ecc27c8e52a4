"""`tf.contrib.framework`'s variable helpers (TF 1.15's contrib/framework/python/ops/variables.py).

The module `tfvars_jax.contrib.framework`, also reachable as `tf.contrib_framework`. Semantics
are TF 1.15's: scope and suffix filters are regexes matched (`re.match`) against variable names
such as "conv1/weights:0"; `variable` and `model_variable` go through `tf.get_variable`, so
scopes, reuse and partitioners apply. `assign_from_checkpoint`/`assign_from_checkpoint_fn` are
re-exported from `tfvars_jax.train.checkpoint_utils` (they come with checkpoint reading).

`arg_scope`/`add_arg_scope` come from `tfvars_jax.contrib._arg_scope`; `variable` and
`model_variable` are decorated with `add_arg_scope`, as in TF 1.15. Not here:
`VariableDeviceChooser`.
TF 1.15's deprecation warnings on the global-step aliases are not printed.
"""
import functools
import re

import jax.numpy as jnp
import numpy as np

from tfvars_jax import _namespace
from tfvars_jax.contrib._arg_scope import add_arg_scope
from tfvars_jax.contrib._arg_scope import arg_scope
from tfvars_jax.contrib._arg_scope import arg_scope_func_key
from tfvars_jax.contrib._arg_scope import arg_scoped_arguments
from tfvars_jax.contrib._arg_scope import current_arg_scope
from tfvars_jax.contrib._arg_scope import has_arg_scope
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.ops import array_ops, control_flow_ops, state_ops
from tfvars_jax.train import training_util
from tfvars_jax.train.checkpoint_utils import assign_from_checkpoint
from tfvars_jax.train.checkpoint_utils import assign_from_checkpoint_fn
from tfvars_jax.variables import variable_scope
from tfvars_jax.variables.variable import Variable, VariableAggregation, VariableSynchronization

GraphKeys = ops_lib.GraphKeys

__all__ = ["add_arg_scope", "arg_scope", "arg_scope_func_key", "arg_scoped_arguments",
           "current_arg_scope", "has_arg_scope", "add_model_variable", "assert_global_step",
           "assert_or_get_global_step", "assign_from_checkpoint", "assign_from_checkpoint_fn",
           "assign_from_values", "assign_from_values_fn", "create_global_step", "filter_variables",
           "get_global_step", "get_or_create_global_step", "get_local_variables",
           "get_model_variables", "get_trainable_variables", "get_unique_variable",
           "get_variables_by_name", "get_variables_by_suffix", "get_variable_full_name",
           "get_variables_to_restore", "get_variables", "global_variable", "local_variable",
           "model_variable", "variable", "zero_initializer"]


# ----- zero_initializer -------------------------------------------------------------------------
def _zero_initializer_kernel(old, is_initialized, shape, dtype):
    # `is_initialized` is resolved when the run is planned, so it is a concrete value here.
    if bool(np.asarray(is_initialized)):
        raise errors.InvalidArgumentError(None, None, "input is already initialized")
    return jnp.zeros(shape, dtype)


def zero_initializer(ref, use_locking=True, name="zero_initializer"):
    """Initializes the uninitialized variable `ref` with zeros (TF 1.15's ZeroInitializer op).

    Returns the op's output, the variable's new value. Running it when the variable is already
    initialized raises `errors.InvalidArgumentError("input is already initialized")` (TF 1.15's
    docstring says ValueError, but its kernel raises InvalidArgumentError at run time). The op
    is named `name` (type "ZeroInitializer"); an `IsVariableInitialized` op under it supplies
    the check.
    """
    var_op = state_ops._ref_of(ref)
    ref_tensor = var_op.outputs[0]
    shape = ref_tensor.shape
    if not shape.is_fully_defined():
        raise ValueError("zero_initializer needs a variable of fully defined shape, "
                         f"'{var_op.name}' has {shape}.")
    graph = var_op.graph
    with graph.as_default():
        full_name = graph.unique_name(name)
        with graph.name_scope(full_name + "/"):
            is_init = state_ops.is_initialized_op(var_op)
        dtype = ref_tensor.dtype.base_dtype
        return state_ops._write("ZeroInitializer", _zero_initializer_kernel, var_op, [is_init], full_name + "/",
                                attrs={"shape": tuple(shape.as_list()),
                                       "dtype": np.dtype(dtype.as_numpy_dtype)},
                                needs_old=False)


# ----- global step ------------------------------------------------------------------------------
# TF1's deprecated contrib aliases of the tf.train global-step functions.
assert_global_step = training_util.assert_global_step
get_global_step = training_util.get_global_step
create_global_step = training_util.create_global_step
get_or_create_global_step = training_util.get_or_create_global_step


def assert_or_get_global_step(graph=None, global_step_tensor=None):
    """Checks `global_step_tensor` with `assert_global_step` and returns it; when it is None,
    returns `get_global_step(graph)` (possibly None)."""
    if global_step_tensor is None:
        return get_global_step(graph)
    assert_global_step(global_step_tensor)
    return global_step_tensor


# ----- creating variables -----------------------------------------------------------------------
def local_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable `tf.Variable` in LOCAL_VARIABLES only."""
    return Variable(initial_value, trainable=False, collections=[GraphKeys.LOCAL_VARIABLES],
                    validate_shape=validate_shape, use_resource=use_resource, name=name)


def global_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable `tf.Variable` in GLOBAL_VARIABLES only."""
    return Variable(initial_value, trainable=False, collections=[GraphKeys.GLOBAL_VARIABLES],
                    validate_shape=validate_shape, use_resource=use_resource, name=name)


@add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
             collections=None, caching_device=None, device=None, partitioner=None,
             custom_getter=None, use_resource=None, synchronization=VariableSynchronization.AUTO,
             aggregation=VariableAggregation.NONE):
    """Gets or creates a variable with `tf.get_variable` (current scope's reuse rules).

    `collections` defaults to [GLOBAL_VARIABLES] (duplicates removed); `device` (a string or
    device function) places the variable. `custom_getter`, as in TF 1.15, *replaces*
    `get_variable`: it is called as `custom_getter(name, shape=..., ..., reuse=<scope reuse>)`
    (no getter argument).
    """
    collections = list(collections if collections is not None else [GraphKeys.GLOBAL_VARIABLES])
    collections = list(dict.fromkeys(collections))  # remove duplicates (TF1 uses a set)
    getter = variable_scope.get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=variable_scope.get_variable_scope().reuse)
    kwargs = dict(shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                  trainable=trainable, collections=collections, caching_device=caching_device,
                  partitioner=partitioner, use_resource=use_resource,
                  synchronization=synchronization, aggregation=aggregation)
    if not device:  # TF1's `device('')` merges nothing: the surrounding device stays
        return getter(name, **kwargs)
    with ops_lib.device(device):
        return getter(name, **kwargs)


@add_arg_scope
def model_variable(name, shape=None, dtype=dtypes.float32, initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None,
                   synchronization=VariableSynchronization.AUTO,
                   aggregation=VariableAggregation.NONE):
    """`variable(...)` that is also in GLOBAL_VARIABLES and MODEL_VARIABLES."""
    collections = list(collections or [])
    collections += [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    return variable(name, shape=shape, dtype=dtype, initializer=initializer,
                    regularizer=regularizer, trainable=trainable, collections=collections,
                    caching_device=caching_device, device=device, partitioner=partitioner,
                    custom_getter=custom_getter, use_resource=use_resource,
                    synchronization=synchronization, aggregation=aggregation)


def add_model_variable(var):
    """Adds `var` to MODEL_VARIABLES unless it is there already."""
    if var not in ops_lib.get_collection(GraphKeys.MODEL_VARIABLES):
        ops_lib.add_to_collection(GraphKeys.MODEL_VARIABLES, var)


# ----- finding variables ------------------------------------------------------------------------
def get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES):
    """Variables of `collection` whose name matches the regex `scope` (a string or a
    VariableScope) at its start and, with `suffix`, the regex `scope + ".*" + suffix` (a ":"
    is appended to a suffix that has none, so "weights" matches "conv/weights:0" only)."""
    if isinstance(scope, variable_scope.VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return ops_lib.get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_to_restore(include=None, exclude=None):
    """GLOBAL_VARIABLES under any of the scopes in `include` (all when None) and under none of
    the scopes in `exclude`.

    Raises:
      TypeError: `include` or `exclude` is given but is not a list or tuple.
    """
    if include is None:
        vars_to_include = get_variables()
    else:
        if not isinstance(include, (list, tuple)):
            raise TypeError("include is provided but is not a list or a tuple.")
        vars_to_include = []
        for scope in include:
            vars_to_include += get_variables(scope)
    vars_to_exclude = set()
    if exclude is not None:
        if not isinstance(exclude, (list, tuple)):
            raise TypeError("exclude is provided but is not a list or a tuple.")
        for scope in exclude:
            vars_to_exclude |= set(get_variables(scope))
    return [v for v in vars_to_include if v not in vars_to_exclude]


def get_variables_by_suffix(suffix, scope=None):
    """GLOBAL_VARIABLES whose name ends with `suffix` (before the ":0")."""
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
    """GLOBAL_VARIABLES whose last name component is `given_name` ("w" finds "a/w:0" and "w:0").

    As in TF 1.15 the regex is `scope + ".*/" + given_name + ":|^" + given_name + ":"`, so a
    top-level variable named `given_name` is returned even when `scope` is given.
    """
    suffix = "/" + given_name + ":|^" + given_name + ":"
    return get_variables(scope=scope, suffix=suffix)


def get_unique_variable(var_op_name):
    """The GLOBAL_VARIABLES variable whose op name is exactly `var_op_name`.

    Raises:
      ValueError: no variable's name starts with `var_op_name`, or none is exactly it.
    """
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")


def get_variable_full_name(var):
    """The name a checkpoint uses: the full variable's name for a part of a partitioned
    variable ("v" for "v/part_1"), else `var.op.name`."""
    if getattr(var, "_save_slice_info", None):
        return var._save_slice_info.full_name
    return var.op.name


def filter_variables(var_list, include_patterns=None, exclude_patterns=None, reg_search=True):
    """`var_list` filtered by regexes on `var.name`: kept if it matches any include pattern (all
    when None) and no exclude pattern; `re.search` by default, `re.match` with
    `reg_search=False`."""
    reg_exp_func = re.search if reg_search else re.match
    if include_patterns is None:
        included = list(var_list)
    else:
        included = [v for v in var_list if any(reg_exp_func(p, v.name) for p in include_patterns)]
    if exclude_patterns is None:
        return included
    return [v for v in included if not any(reg_exp_func(p, v.name) for p in exclude_patterns)]


# ----- assigning values -------------------------------------------------------------------------
def assign_from_values(var_names_to_values):
    """An op assigning values to variables through placeholders, and the feed_dict for it.

    Args:
      var_names_to_values: {variable op name (a regex prefix, exact name wins): value}. Values
        are NumPy arrays (anything `np.asarray` takes works here), reshaped to the variable's
        shape.
    Returns:
      (assign_op, feed_dict): a group of one Assign per variable, each from a placeholder named
      "placeholder/<var op name>"; `sess.run(assign_op, feed_dict)` assigns.
    Raises:
      ValueError: a name matches no variable, or several without an exact match.
    """
    feed_dict = {}
    assign_ops = []
    for var_name in var_names_to_values:
        var_value = var_names_to_values[var_name]
        var = ops_lib.get_collection(GraphKeys.GLOBAL_VARIABLES, var_name)
        if not var:
            raise ValueError(f"Variable {var_name} wasn't found")
        if len(var) > 1:
            # get_collection is a prefix filter: find the exact match.
            exact = [v for v in var if v.op.name == var_name]
            if not exact:
                raise ValueError(f"Variable {var_name} doesn't uniquely identify a variable")
            var = exact[0]
        else:
            var = var[0]
        placeholder = array_ops.placeholder(dtype=var.dtype.base_dtype, shape=var.get_shape(),
                                            name="placeholder/" + var.op.name)
        assign_ops.append(var.assign(placeholder))
        feed_dict[placeholder] = np.asarray(var_value).reshape(var.get_shape().as_list())
    assign_op = control_flow_ops.group(*assign_ops)
    return assign_op, feed_dict


def assign_from_values_fn(var_names_to_values):
    """A function `callback(session)` that runs `assign_from_values(var_names_to_values)`'s op
    with its feed_dict (the op is built now, not in the callback)."""
    assign_op, feed_dict = assign_from_values(var_names_to_values)

    def callback(session):
        return session.run(assign_op, feed_dict)
    return callback


__getattr__ = _namespace.unsupported_getattr(__name__)
