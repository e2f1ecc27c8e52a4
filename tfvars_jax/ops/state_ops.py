"""State ops: the ops that read or write a variable's value.

A variable is read by its "VariableV2" op (kind `READ`) and written by ops of kind `WRITE`,
whose kernel maps the variable's current value (and the other inputs) to its new value, or to
a pair (new value, op output) when the op returns something else (`count_up_to`). A
write op's first input is the variable's ref tensor, as in TF1; a run passes the value the
variable has at that op's position in program order.
"""
import functools

import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import eager
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops


# ----- op kinds ------------------------------------------------------------------------------
class _Read(OpKind):
    """The value of variable `op.var` at this point of the run (or the fed value of its ref).

    A ref variable's read (`v`, `v/read`, `read_value()`) is an alias of the variable, as in
    TF1, where these tensors share the variable's buffer and ref writes update it in place: an
    op that consumes one sees the variable's value at that op's position in the run (the
    Interpreter passes it), so `tf.identity(v)` under `control_dependencies([v.assign(..)])`
    sees the write. Fetched, a read gives the value at the read's own position. A resource
    variable's read (`attrs["copy"]`) is a copy taken where the read is. A read with a kernel
    (`ResourceGatherNd`: `gather_nd`) outputs `kernel(value, *other inputs)`; it keeps the value
    it read in `env[op]` so that a gradient's replay can run it on a perturbed value.
    """
    name = "read"
    runs_eagerly = True

    def aliases_variable(self, op):
        return not op.attrs.get("copy", False)

    def value_inputs(self, op):
        return op.inputs[1:]  # the ref input names the variable; the op itself reads it

    def var_reads(self, op, resolved=None, fed=frozenset()):
        if op._inputs and op._inputs[0] in fed:
            return ()
        return (op.var,)

    def run(self, op, ctx):
        if op._inputs and op._inputs[0] in ctx.fed:  # the variable itself was fed, as TF1 allows
            ctx.env[op._outputs[0]] = ctx.env[op._inputs[0]]
            return
        if op.var not in ctx.vars:
            raise errors.FailedPreconditionError(None, op,
                                                 f"Attempting to use uninitialized value {op.var}")
        if op.kernel is None:
            ctx.env[op._outputs[0]] = ctx.vars[op.var]
            return
        value = ctx.vars[op.var]
        ctx.env[op] = {op.var: value}
        ctx.store(op, ctx.call(op, [value] + [ctx.env[t] for t in op._inputs[1:]]))


class _Handle(OpKind):
    """A resource variable's handle (`VarHandleOp`): it names the variable for the ops that
    take it as their first input (which do not read it as a value). Running it does nothing
    (a control dependency on the variable); a fetch of the handle is refused when planned."""
    name = "handle"
    differentiable = False

    def run(self, op, ctx):
        pass


class _Write(OpKind):
    """`kernel(old value, *inputs)` becomes variable `op.var`'s value; the op's output is the new
    value, or the second item when the kernel returns a pair (`count_up_to`)."""
    name = "write"
    runs_eagerly = True
    differentiable = False

    def value_inputs(self, op):
        return op.inputs[1:]

    def aliases_variable(self, op):
        """A ref variable's assign (and scatter) returns the ref in TF1: a consumer sees the
        variable's value at its own position, like a read's (`count_up_to` returns a copy of
        the old value; a resource variable's writes return copies)."""
        if op.type in ("CountUpTo", "ResourceCountUpTo"):
            return False
        var = op.graph.variables_by_name.get(op.var)
        return var is not None and not getattr(var, "_is_resource", False)

    def var_reads(self, op, resolved=None, fed=frozenset()):
        return (op.var,) if op.needs_old else ()

    def var_writes(self, op):
        return (op.var,)

    def has_checks(self, op, resolved=None):
        return op.check is not None

    def op_by_op(self, op):
        return not op.needs_old

    def run(self, op, ctx):
        old = ctx.vars.get(op.var)
        args = [ctx.env[t] for t in op._inputs[1:]]
        if op.check is not None and old is not None:
            ctx.check(op, [old] + args)
        # Write kernels are cheap updates: called directly even op by op, so a kernel that
        # carries the variable's name does not compile once per variable.
        res = ctx.call(op, [old] + args, direct=True)
        new, out = res if isinstance(res, tuple) else (res, res)
        # A value folded at trace time (an assigned constant) is NumPy: later kernels of the run
        # take a variable's value as a JAX array (`old.at[...]`). Strings stay host-side.
        ctx.vars[op.var] = new if ctx.mode == "host" else jnp.asarray(new)
        ctx.store(op, out)


class _InitValue(OpKind):
    """`initialized_value()`: the variable's value if it is initialized at this point of the run,
    else the initial value input (resolved when the run is planned)."""
    name = "init_value"
    runs_eagerly = True
    differentiable = False

    def _initialized(self, op, resolved):
        return bool(resolved) and op in resolved and resolved[op][op.var]

    def prune_inputs(self, op, resolved):
        return () if self._initialized(op, resolved) else op.inputs

    def var_reads(self, op, resolved=None, fed=frozenset()):
        return (op.var,) if self._initialized(op, resolved) else ()

    def status_vars(self, op):
        return (op.var,)

    def op_by_op(self, op):
        return True

    def run(self, op, ctx):
        if ctx.resolved[op][op.var]:
            ctx.env[op._outputs[0]] = ctx.vars[op.var]
        else:
            ctx.env[op._outputs[0]] = ctx.env[op._inputs[0]]


class _IsInit(OpKind):
    """Whether variable `op.var` is initialized at this point of the run (a resource variable's
    `VarIsInitializedOp` takes its handle, which only names the variable)."""
    name = "is_init"
    runs_eagerly = True
    differentiable = False

    def value_inputs(self, op):
        return ()

    def status_vars(self, op):
        return (op.var,)

    def run(self, op, ctx):
        ctx.env[op._outputs[0]] = np.asarray(ctx.resolved[op][op.var])


READ = _Read()
WRITE = _Write()
INIT_VALUE = _InitValue()
IS_INIT = _IsInit()
HANDLE = _Handle()


def variable_op(shape, dtype, name, graph=None):
    """The "VariableV2" op: its output is the variable's current value (a ref tensor)."""
    op = make_op("VariableV2", None, [], name=name, kind=READ,
                 attrs={"shape": shape, "dtype": dtype, "container": "", "shared_name": ""},
                 out_specs=[(dtype._as_ref, shape)], graph=graph)
    op.var = op.name  # the variable's name is its op's name, known once the op is named
    return op


def var_handle_op(shape, dtype, name, graph=None):
    """A resource variable's "VarHandleOp": its output is the handle (dtype `resource`, shape
    `()`); the variable's dtype and shape are its attrs, as TF1's."""
    op = make_op("VarHandleOp", None, [], name=name, kind=HANDLE,
                 attrs={"shape": shape, "dtype": dtype, "container": "", "shared_name": ""},
                 out_specs=[(dtypes.resource, TensorShape([]))], graph=graph)
    op.var = op.name
    op.attrs["shared_name"] = op.name  # TF1 shares a graph-mode handle by the variable's name
    return op


def value_spec(var_op):
    """(dtype, shape) of the value of the variable behind a VariableV2 or VarHandleOp op."""
    if var_op.type == "VarHandleOp":
        return var_op.attrs["dtype"], var_op.attrs["shape"]
    ref_tensor = var_op._outputs[0]
    return ref_tensor.dtype.base_dtype, ref_tensor.shape


def read(ref, name="read", copy=False):
    """A read of the variable (TF1's `identity(v, name="read")`): it sees every write that
    precedes it in program order within the run. `copy=True` makes a resource variable's
    read (`ReadVariableOp`), a value rather than an alias of the variable (see `_Read`)."""
    var_op = _ref_of(ref)
    op_type, attrs = ("ReadVariableOp", {"copy": True}) if copy else ("Identity", None)
    if type(var_op) is eager.EagerOp and context.executing_eagerly():
        value = eager.read_variable(var_op, op_type, name, READ, attrs)
        if value is not None:
            return value
    op = make_op(op_type, None, [var_op.outputs[0]], name=name, kind=READ, var=var_op.name,
                 attrs=attrs, out_specs=[value_spec(var_op)])
    return op.outputs[0]


def _gather_nd_kernel(value, indices, copy):
    return value[_nd_index(indices)]


def resource_gather_nd(ref, indices, name=None):
    """TF1.15's `ResourceGatherNd` (`v.gather_nd(indices)`)."""
    var_op = _ref_of(ref)
    dtype, shape = value_spec(var_op)
    with var_op.graph.as_default(), ops_lib.name_scope(name or "GatherNd") as scope:
        i = convert_to_tensor(indices, name="indices")
        if i.shape.ndims is not None and i.shape[-1] is not None and shape.ndims is not None:
            out_shape = i.shape[:-1].concatenate(shape[i.shape[-1]:])
        else:
            out_shape = TensorShape(None)
        op = make_op("ResourceGatherNd", _gather_nd_kernel, [var_op.outputs[0], i], name=scope,
                     kind=READ, var=var_op.name, attrs={"copy": True},
                     out_specs=[(dtype, out_shape)])
    return op.outputs[0]


_VARIABLE_OP_TYPES = ("VariableV2", "VarHandleOp")


def _ref_of(ref):
    """The variable op behind a Variable, its ref tensor or handle, or the op itself; TypeError
    for anything else."""
    kind = type(ref)
    if kind is ops_lib.Operation and ref._type in _VARIABLE_OP_TYPES:
        return ref  # the common cases first: a variable op, or its ref tensor
    if kind is ops_lib.Tensor and ref._op._type in _VARIABLE_OP_TYPES:
        return ref._op
    var_op = getattr(ref, "_variable_op", None)
    if isinstance(ref, ops_lib.Operation) and ref.type in _VARIABLE_OP_TYPES or \
            isinstance(ref, eager.EagerOp) and ref.type == "VarHandleOp":
        var_op = ref
    if isinstance(ref, eager.HandleTensor):
        var_op = ref._handle.op
    if var_op is None and isinstance(ref, ops_lib.Tensor) and ref.op.type in _VARIABLE_OP_TYPES:
        var_op = ref.op
    if var_op is None:
        raise TypeError(f"'{getattr(ref, 'name', ref)}' is not a variable: state ops such as "
                        "assign need a tf.Variable (or its ref tensor), not a computed tensor.")
    return var_op


def _in_op_scope(op_type):
    """Runs a state op's builder inside the op's own name scope, so the tensors it converts are
    named as TF1 names them (`Assign/value`).

    On a resource variable the builder runs in the caller's scope (TF1 converts the value there:
    `Const`) and makes the resource op (`AssignVariableOp`, `ResourceScatterAdd`, ...), which has
    no output: given the variable object, the result is what TF1's `tf.assign(v, ...)` returns
    for it (the variable read after the write, `v._lazy_read`); given its handle or op, the op.
    """
    def wrap(fn):
        @functools.wraps(fn)
        def build(ref, *args, name=None, **kwargs):
            var_op = _ref_of(ref)
            graph = var_op.graph
            if var_op.type == "VarHandleOp":
                if isinstance(ref, (ops_lib.Tensor, ops_lib.Operation, eager.EagerOp)):
                    with graph.as_default():
                        return fn(var_op, *args, name=name, **kwargs)
                return ref._write_through(lambda: build(var_op, *args, name=name, **kwargs))
            with graph.as_default(), graph.name_scope(name or op_type) as scope:
                return fn(ref, *args, name=scope, **kwargs)
        return build
    return wrap


def _value_for(ref_op, value, name):
    dtype, _ = value_spec(ref_op)
    if ref_op.type == "VarHandleOp":
        name = None  # TF1 converts a resource write's value in the caller's scope: `Const`
    try:
        return convert_to_tensor(value, dtype=dtype, name=name)
    except ValueError as e:
        raise TypeError(f"Cannot assign a value of another dtype to variable '{ref_op.name}' "
                        f"({dtype.name}): {e}") from None


def _check_same_shape(op_name, var_name, var_shape, value_shape):
    if not var_shape.is_compatible_with(value_shape):
        raise ValueError(f"Shapes {var_shape} and {value_shape} are incompatible: {op_name} on "
                         f"variable '{var_name}' needs a value of the variable's exact shape "
                         f"{var_shape}, got {value_shape}. (Pass validate_shape=False to assign to "
                         "change the shape.)")


# TF1's op type of each write on a resource variable (they take the handle, not a ref).
RESOURCE_WRITE_TYPES = {
    "Assign": "AssignVariableOp", "AssignAdd": "AssignAddVariableOp",
    "AssignSub": "AssignSubVariableOp", "StridedSliceAssign": "ResourceStridedSliceAssign",
    "CountUpTo": "ResourceCountUpTo",
    **{f"Scatter{how}": f"ResourceScatter{how}"
       for how in ("Update", "Add", "Sub", "Mul", "Div", "Min", "Max")},
    **{f"ScatterNd{how}": f"ResourceScatterNd{how}" for how in ("Update", "Add", "Sub")},
}


def _write(op_type, kernel, ref, inputs, name, attrs=None, out_spec=None, check=None,
           needs_old=True):
    """A write op. On a ref variable its output is the new value (or `out_spec`'s), and the
    result is that tensor; on a resource variable it is TF1's resource op, without outputs
    (but `ResourceCountUpTo`'s old value), and the result is the op (or that tensor)."""
    var_op = _ref_of(ref)
    spec = out_spec or value_spec(var_op)
    if var_op.type == "VarHandleOp":
        op_type = RESOURCE_WRITE_TYPES[op_type]
        specs = [spec] if op_type == "ResourceCountUpTo" else []
    else:
        specs = [spec]
    op = make_op(op_type, kernel, [var_op.outputs[0]] + list(inputs), name=name or op_type,
                 attrs=attrs, out_specs=specs, kind=WRITE, var=var_op.name,
                 check=None if check is None else RunCheck(*check), needs_old=needs_old)
    return op.outputs[0] if specs else op


# ----- kernels: (current value, *inputs) -> new value -------------------------------------
def _assign_kernel(old, value, validate_shape, var_name):
    if validate_shape and old is not None and tuple(old.shape) != tuple(value.shape):
        raise errors.InvalidArgumentError(
            None, None, f"Assign requires shapes of both tensors to match. lhs shape= {list(old.shape)} "
                        f"rhs shape= {list(value.shape)} (variable '{var_name}')")
    return value


def _exact_shape(old, delta, what, var_name):
    if tuple(old.shape) != tuple(delta.shape):
        raise errors.InvalidArgumentError(
            None, None, f"{what} on variable '{var_name}' needs a value of shape {list(old.shape)}, got "
                        f"{list(delta.shape)}; TF1 does not broadcast here.")


def _assign_add_kernel(old, delta, var_name):
    _exact_shape(old, delta, "AssignAdd", var_name)
    return old + delta


def _assign_sub_kernel(old, delta, var_name):
    _exact_shape(old, delta, "AssignSub", var_name)
    return old - delta


@_in_op_scope("Assign")
def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """TF1's `tf.assign`: returns the variable's new value. Shapes must match unless
    `validate_shape=False` (then the variable takes the value's shape)."""
    var_op = _ref_of(ref)
    v = _value_for(var_op, value, "value")
    validate = True if validate_shape is None else bool(validate_shape)
    dtype, ref_shape = value_spec(var_op)
    if var_op.type == "VarHandleOp":
        # As TF1's ResourceVariable.assign (which tf.assign calls, validate_shape unused): the
        # value must fit the variable's shape; one of unknown shape takes any.
        validate = ref_shape.is_fully_defined()
        _check_same_shape("Assign", var_op.name, ref_shape, v.shape)
    if validate:
        _check_same_shape("Assign", var_op.name, ref_shape, v.shape)
    return assign_op(var_op, v, validate, name)


def assign_op(var_op, value, validate, name):
    """The Assign op of `value` (a Tensor of the variable's dtype, checked by the caller: of a
    compatible shape when `validate`) to the variable of `var_op`, named `name`; returns what
    `assign` returns. A variable's own initializer is made with it directly."""
    dtype, ref_shape = value_spec(var_op)
    spec = (dtype, ref_shape.merge_with(value.shape) if validate else value.shape)
    return _write("Assign", _assign_kernel, var_op, [value], name, out_spec=spec,
                  needs_old=False, attrs={"validate_shape": validate, "var_name": var_op.name})


@_in_op_scope("AssignAdd")
def assign_add(ref, value, use_locking=None, name=None):
    """TF1's `tf.assign_add`: returns the new value; the value must have the variable's shape."""
    var_op = _ref_of(ref)
    v = _value_for(var_op, value, "value")
    _check_same_shape("AssignAdd", var_op.name, value_spec(var_op)[1], v.shape)
    return _write("AssignAdd", _assign_add_kernel, var_op, [v], name,
                  attrs={"var_name": var_op.name})


@_in_op_scope("AssignSub")
def assign_sub(ref, value, use_locking=None, name=None):
    """TF1's `tf.assign_sub`: returns the new value; the value must have the variable's shape."""
    var_op = _ref_of(ref)
    v = _value_for(var_op, value, "value")
    _check_same_shape("AssignSub", var_op.name, value_spec(var_op)[1], v.shape)
    return _write("AssignSub", _assign_sub_kernel, var_op, [v], name,
                  attrs={"var_name": var_op.name})


# ----- scatter ops ----------------------------------------------------------------------
_SCATTER = {
    "ScatterUpdate": lambda at, u: at.set(u),
    "ScatterAdd": lambda at, u: at.add(u),
    "ScatterSub": lambda at, u: at.add(-u),
    "ScatterMul": lambda at, u: at.multiply(u),
    "ScatterDiv": lambda at, u: at.divide(u),
    "ScatterMin": lambda at, u: at.min(u),
    "ScatterMax": lambda at, u: at.max(u),
}


def _scatter_kernel(old, indices, updates, how):
    return _SCATTER[how](old.at[indices], updates.astype(old.dtype))


def _scatter_check(old, indices, updates):
    return jnp.any((indices < 0) | (indices >= old.shape[0]))


def _indices_and_updates(var_op, op_type, indices, updates, name):
    """The converted indices and updates of a scatter, and the op's name. A ref variable's are
    converted in the op's scope (the caller opened it); a resource variable's as TF1 makes its
    resource op: the updates in the caller's scope, then the indices in the op's own
    (`ResourceScatterNdUpdate/indices`), whose name the op then takes."""
    if var_op.type != "VarHandleOp":
        return convert_to_tensor(indices), _value_for(var_op, updates, "updates"), name
    u = _value_for(var_op, updates, None)
    with ops_lib.name_scope(name or RESOURCE_WRITE_TYPES[op_type]) as scope:
        i = convert_to_tensor(indices, name="indices")
    return i, u, scope


def _scatter(how, ref, indices, updates, name):
    var_op = _ref_of(ref)
    i, u, name = _indices_and_updates(var_op, how, indices, updates, name)
    if not i.dtype.is_integer:
        raise TypeError(f"{how} indices must be int32 or int64, got {i.dtype.name}")
    vs = value_spec(var_op)[1]
    if vs.ndims is not None and i.shape.ndims is not None and u.shape.ndims is not None:
        expected = i.shape.concatenate(vs[1:])
        if not expected.is_compatible_with(u.shape):
            raise ValueError(f"{how} on '{var_op.name}': updates must have shape indices.shape + "
                             f"ref.shape[1:] = {expected}, got {u.shape}")
    return _write(how, _scatter_kernel, var_op, [i, u], name, attrs={"how": how},
                  check=(_scatter_check, errors.InvalidArgumentError,
                         f"{how} on variable '{var_op.name}': an index is out of range [0, {vs[0]})"))


@_in_op_scope("ScatterUpdate")
def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """TF1's `tf.scatter_update`: ref[indices] = updates (last write wins for duplicates)."""
    return _scatter("ScatterUpdate", ref, indices, updates, name)


@_in_op_scope("ScatterAdd")
def scatter_add(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterAdd", ref, indices, updates, name)


@_in_op_scope("ScatterSub")
def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterSub", ref, indices, updates, name)


@_in_op_scope("ScatterMul")
def scatter_mul(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterMul", ref, indices, updates, name)


@_in_op_scope("ScatterDiv")
def scatter_div(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterDiv", ref, indices, updates, name)


@_in_op_scope("ScatterMin")
def scatter_min(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterMin", ref, indices, updates, name)


@_in_op_scope("ScatterMax")
def scatter_max(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterMax", ref, indices, updates, name)


def _nd_index(indices):
    return tuple(jnp.moveaxis(indices, -1, 0))


def _scatter_nd_kernel(old, indices, updates, how):
    return _SCATTER[how](old.at[_nd_index(indices)], updates.astype(old.dtype))


def _scatter_nd_check(old, indices, updates):
    bounds = jnp.asarray(old.shape[:indices.shape[-1]])
    return jnp.any((indices < 0) | (indices >= bounds))


def _scatter_nd(how, ref, indices, updates, name):
    var_op = _ref_of(ref)
    i, u, name = _indices_and_updates(var_op, how.replace("Scatter", "ScatterNd"), indices,
                                      updates, name)
    return _write(how.replace("Scatter", "ScatterNd"), _scatter_nd_kernel, var_op, [i, u], name,
                  attrs={"how": how},
                  check=(_scatter_nd_check, errors.InvalidArgumentError,
                         f"ScatterNd on variable '{var_op.name}': an index is out of range of shape "
                         f"{value_spec(var_op)[1]}"))


@_in_op_scope("ScatterNdUpdate")
def scatter_nd_update(ref, indices, updates, use_locking=True, name=None):
    return _scatter_nd("ScatterUpdate", ref, indices, updates, name)


@_in_op_scope("ScatterNdAdd")
def scatter_nd_add(ref, indices, updates, use_locking=False, name=None):
    return _scatter_nd("ScatterAdd", ref, indices, updates, name)


@_in_op_scope("ScatterNdSub")
def scatter_nd_sub(ref, indices, updates, use_locking=False, name=None):
    return _scatter_nd("ScatterSub", ref, indices, updates, name)


# ----- sliced assign and count_up_to ---------------------------------------------------------
def _slice_assign_kernel(old, value, spec):
    idx = tuple(array_ops._resolve(s, iter(())) for s in spec)
    return old.at[idx].set(value.astype(old.dtype))


@_in_op_scope("StridedSliceAssign")
def strided_slice_assign(ref, spec, value, name=None):
    """`v[1:3].assign(x)`: writes `value` into the slice (static slices only)."""
    var_op = _ref_of(ref)
    v = _value_for(var_op, value, "value")
    return _write("StridedSliceAssign", _slice_assign_kernel, var_op, [v], name,
                  attrs={"spec": spec})


def _count_up_to_kernel(old, limit):
    return old + jnp.ones_like(old), old  # (new value, op output)


def _count_up_to_check(old, limit):
    return old >= limit


@_in_op_scope("CountUpTo")
def count_up_to(ref, limit, name=None):
    """TF1's `tf.count_up_to`: returns the old value and increments; at `limit` the run raises
    `errors.OutOfRangeError` and the variable keeps its value."""
    var_op = _ref_of(ref)
    dtype = value_spec(var_op)[0]
    if dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"count_up_to needs an int32 or int64 variable, '{var_op.name}' is "
                        f"{dtype.name}")
    return _write("CountUpTo", _count_up_to_kernel, var_op, [], name, attrs={"limit": int(limit)},
                  check=(functools.partial(_count_up_to_check, limit=int(limit)),
                         errors.OutOfRangeError, f"Reached limit of {int(limit)}"))


# ----- initialization status -----------------------------------------------------------
def initialized_value_op(var_op, initial_value, name=None):
    """The value of the variable if it is initialized at this point of the run, else its initial
    value (TF1's `initialized_value()`); resolved when the run is planned."""
    op = make_op("InitializedValue", None, [initial_value], name=name or "initialized_value",
                 kind=INIT_VALUE, var=var_op.name,
                 out_specs=[(initial_value.dtype, initial_value.shape)])
    return op.outputs[0]


def is_initialized_op(var_op, name=None):
    """A bool scalar: whether the variable holds a value at this point of the run (a resource
    variable's is TF1's `VarIsInitializedOp` of its handle)."""
    op_type, inputs = "IsVariableInitialized", []
    if var_op.type == "VarHandleOp":
        op_type, inputs = "VarIsInitializedOp", [var_op.outputs[0]]
    op = make_op(op_type, None, inputs, name=name or op_type,
                 kind=IS_INIT, var=var_op.name, out_specs=[(dtypes.bool, TensorShape([]))],
                 graph=var_op.graph)
    return op.outputs[0]
