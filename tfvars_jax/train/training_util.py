"""The global step: `tf.train.get_global_step` and friends, as TF1's `training_util.py`.

The global step is an int64 scalar Variable named "global_step", created by `get_variable`
(zeros initializer, trainable=False) in the collections GLOBAL_VARIABLES and GLOBAL_STEP. As in
TF1 it ignores the name scope but not the variable scope: created inside
`variable_scope("foo")` it is "foo/global_step" (and `get_global_step` still finds it through
the GLOBAL_STEP collection).
"""
import logging
import os

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.summary import graph_def as graph_def_lib
from tfvars_jax.variables import initializers as init_ops
from tfvars_jax.variables import variable_scope
from tfvars_jax.variables.variable import Variable, VariableAggregation

__all__ = ["global_step", "get_global_step", "create_global_step", "get_or_create_global_step",
           "assert_global_step", "write_graph"]

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


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """TF1's `tf.train.write_graph(graph_or_graph_def, logdir, name, as_text=True)`: writes
    the graph to `logdir/name` (the directory is made if missing; the file is replaced
    atomically) as a text or binary proto, and returns the path.

    Where we differ: a tf.Graph is written as our GraphDef-shaped view (the picture
    `tf.summary.FileWriter.add_graph` shows: ops, scopes, inputs, devices, shapes; see
    `tfvars_jax/summary/graph_def.py`), which TF cannot import. Needs the `tensorboard`
    package (its GraphDef proto).
    """
    if isinstance(graph_or_graph_def, ops_lib.Graph):
        proto = graph_def_lib.graph_def(graph_or_graph_def)
    elif hasattr(graph_or_graph_def, "SerializeToString"):
        proto = graph_or_graph_def
    else:
        raise TypeError("write_graph takes a tf.Graph or a GraphDef proto, got "
                        f"{type(graph_or_graph_def).__name__}.")
    logdir = os.fspath(logdir)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    if as_text:
        from google.protobuf import text_format  # comes with TensorBoard
        data, mode = text_format.MessageToString(proto), "w"
    else:
        data, mode = proto.SerializeToString(), "wb"
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, mode) as f:
        f.write(data)
    os.replace(tmp, path)
    return path
