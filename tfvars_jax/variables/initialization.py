"""Variable collections and initialization ops: `global_variables_initializer` and friends.

An initializer op is a group of the variables' Assign ops. Running it assigns them in creation
order, which is dependency order, so initial values that read other variables (through
`initialized_value()`) never fail for ordering reasons.
"""
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework import errors
from tfvars_jax.framework.op_builder import make_op
from tfvars_jax.framework.op_kind import OpKind
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import control_flow_ops


class _ReportUninitialized(OpKind):
    """The names of `attrs["var_names"]` not initialized at this point of the run (host-side)."""
    name = "report_uninit"
    differentiable = False

    def status_vars(self, op):
        return op.attrs["var_names"]

    def run(self, op, ctx):
        status = ctx.resolved[op]
        ctx.env[op._outputs[0]] = np.asarray([n.encode() for n in op.attrs["var_names"] if not status[n]],
                                             dtype=object)


class _AssertInitialized(OpKind):
    """Raises FailedPreconditionError naming the variables of `attrs["var_names"]` that are not
    initialized at this point of the run."""
    name = "assert_init"
    differentiable = False

    def status_vars(self, op):
        return op.attrs["var_names"]

    def run(self, op, ctx):
        missing = [n for n in op.attrs["var_names"] if not ctx.resolved[op][n]]
        if missing:
            raise errors.FailedPreconditionError(None, op, "Attempting to use uninitialized value " +
                                                 ", ".join(missing))


REPORT_UNINITIALIZED = _ReportUninitialized()
ASSERT_INITIALIZED = _AssertInitialized()

GraphKeys = ops_lib.GraphKeys


def global_variables(scope=None):
    """Variables in GLOBAL_VARIABLES (optionally filtered by the regex `scope`)."""
    return ops_lib.get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables():
    """Deprecated TF1 alias of `global_variables()`."""
    return global_variables()


def local_variables(scope=None):
    return ops_lib.get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return ops_lib.get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def model_variables(scope=None):
    return ops_lib.get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None):
    return ops_lib.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def _parts(var_list):
    """Variables, with partitioned variables expanded into their parts."""
    out = []
    for v in var_list:
        out.extend(getattr(v, "_get_variable_list", lambda v=v: [v])())
    return out


def variables_initializer(var_list, name="init"):
    """An op that runs the initializers of `var_list` (a NoOp when the list is empty)."""
    var_list = _parts(var_list)
    if var_list:
        return control_flow_ops.group(*[v.initializer for v in var_list], name=name)
    return control_flow_ops.no_op(name=name)


def global_variables_initializer():
    """TF1's `tf.global_variables_initializer()`: initializes GLOBAL_VARIABLES; op name "init"."""
    return variables_initializer(global_variables())


def local_variables_initializer():
    """TF1's `tf.local_variables_initializer()`: initializes LOCAL_VARIABLES; op name "init"."""
    return variables_initializer(local_variables())


def initialize_all_variables():
    """Deprecated TF1 alias of `global_variables_initializer()`."""
    return global_variables_initializer()


def initialize_local_variables():
    return local_variables_initializer()


def initialize_variables(var_list, name="init"):
    return variables_initializer(var_list, name)


def _default_var_list():
    return _parts(global_variables() + local_variables())


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A 1-D string tensor of the names of uninitialized variables (op names, no ":0"), as TF1."""
    var_list = _default_var_list() if var_list is None else _parts(var_list)
    graph = var_list[0].graph if var_list else ops_lib.get_default_graph()
    op = make_op("ReportUninitialized", None, [], name=name, kind=REPORT_UNINITIALIZED,
                 attrs={"var_names": tuple(v.op.name for v in var_list)},
                 out_specs=[(dtypes.string, TensorShape([None]))], graph=graph)
    return op.outputs[0]


def assert_variables_initialized(var_list=None):
    """An op that raises FailedPreconditionError, naming them, if any of `var_list` (default:
    global and local variables) is uninitialized when it runs."""
    var_list = _default_var_list() if var_list is None else _parts(var_list)
    graph = var_list[0].graph if var_list else ops_lib.get_default_graph()
    return make_op("AssertVariablesInitialized", None, [], name="assert_variables_initialized",
                   kind=ASSERT_INITIALIZED, attrs={"var_names": tuple(v.op.name for v in var_list)},
                   out_specs=[], graph=graph)


def is_variable_initialized(variable):
    """A bool scalar: whether `variable` is initialized when the op runs."""
    return variable.is_initialized()


def tables_initializer(name="init_all_tables"):
    """TF1's `tf.tables_initializer`: runs the initializers of the graph's lookup tables.
    tfvars_jax has no lookup tables (tf.lookup is not shipped), so this is the no-op TF1 returns
    for a graph without tables (`init_all_tables`)."""
    return control_flow_ops.no_op(name=name)
