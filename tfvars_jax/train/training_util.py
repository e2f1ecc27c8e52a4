"""The global step: `tf.train.get_global_step` and friends, as TF1's `training_util.py`.

The global step is an int64 scalar Variable named "global_step", created by `get_variable`
(zeros initializer, trainable=False) in the collections GLOBAL_VARIABLES and GLOBAL_STEP. As in
TF1 it ignores the name scope but not the variable scope: created inside
`variable_scope("foo")` it is "foo/global_step" (and `get_global_step` still finds it through
the GLOBAL_STEP collection).
"""
import logging

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.variables import initializers as init_ops
from tfvars_jax.variables import variable_scope
from tfvars_jax.variables.variable import Variable, VariableAggregation

__all__ = ["global_step", "get_global_step", "create_global_step", "get_or_create_global_step",
           "assert_global_step"]

_logger = logging.getLogger(__name__)


def global_step(sess, global_step_tensor):
    """The global step's value in `sess`, as a Python int.

    Args:
      sess: a Session.
      global_step_tensor: the global step Variable or Tensor (or its name).
    """
    return int(sess.run(global_step_tensor))


def get_global_step(graph=None):
    """The global step of `graph` (default: the default graph), or None.

    Looks in the GLOBAL_STEP collection, else for a tensor named "global_step:0" (which may be
    a plain Tensor, the ref output of a `tf.Variable(..., name="global_step")`). Several entries
    in the collection log an error and return None, as TF1.

    Raises:
      TypeError: the global step found is not an integer scalar Variable or Tensor.
    """
    graph = graph or ops_lib.get_default_graph()
    global_step_tensors = graph.get_collection(ops_lib.GraphKeys.GLOBAL_STEP)
    if len(global_step_tensors) == 1:
        global_step_tensor = global_step_tensors[0]
    elif not global_step_tensors:
        try:
            global_step_tensor = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    else:
        _logger.error("Multiple tensors in global_step collection.")
        return None
    assert_global_step(global_step_tensor)
    return global_step_tensor


def create_global_step(graph=None):
    """Creates the global step Variable in `graph` (default: the default graph).

    int64, shape [], zeros initializer, trainable=False, collections [GLOBAL_VARIABLES,
    GLOBAL_STEP], aggregation ONLY_FIRST_REPLICA; named "global_step" under the current
    variable scope (the name scope is reset), through `get_variable` as TF1.

    Raises:
      ValueError: '"global_step" already exists.'
    """
    graph = graph or ops_lib.get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default() as g, g.name_scope(None):
        return variable_scope.get_variable(
            ops_lib.GraphKeys.GLOBAL_STEP, shape=[], dtype=dtypes.int64,
            initializer=init_ops.zeros_initializer(), trainable=False,
            aggregation=VariableAggregation.ONLY_FIRST_REPLICA,
            collections=[ops_lib.GraphKeys.GLOBAL_VARIABLES, ops_lib.GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step of `graph`, created first if there is none."""
    graph = graph or ops_lib.get_default_graph()
    global_step_tensor = get_global_step(graph)
    if global_step_tensor is None:
        global_step_tensor = create_global_step(graph)
    return global_step_tensor


def assert_global_step(global_step_tensor):
    """Raises TypeError unless `global_step_tensor` is an integer Variable or Tensor that is a
    scalar (a tensor of unknown or partly unknown shape passes, as TF1)."""
    if not isinstance(global_step_tensor, (Variable, ops_lib.Tensor)):
        raise TypeError('Existing "global_step" must be a Variable or Tensor: '
                        f'{global_step_tensor}.')
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: '
                        f'{global_step_tensor.dtype}')
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError(f'Existing "global_step" is not scalar: {shape}')
