"""`ResourceVariable`: TF1's resource variable (`use_resource=True`, `tf.contrib.eager.Variable`).

A resource variable is a `tf.Variable` whose graph ops are TF1's resource ops: a "VarHandleOp"
`v` whose output is a handle (dtype `resource`), `v/IsInitialized/VarIsInitializedOp`, the
initializer `v/Assign` (AssignVariableOp) and the read `v/Read/ReadVariableOp` that
`Session.run(v)` fetches. Its value lives where a ref variable's does (the Session's State,
under the variable's name), so checkpoints, initializers and optimizers treat both kinds alike.

What differs from a ref variable is what TF1 guarantees about reads: every use of the variable
as a tensor is a new `ReadVariableOp`, a copy of the value at the read's position in the run, so
a read made under `control_dependencies([v.assign(...)])` sees the write and a read never changes
after it is taken (no aliasing). Writes are ops without outputs (`AssignVariableOp`,
`ResourceScatterAdd`, ...); `assign*` and `scatter_*` return the variable read after the write
(`_UnreadVariable`, as TF1), or the op with `read_value=False`.

The graph-building path keeps value access behind a few small methods (`_read_variable_op`,
`_write_through`, `_lazy_read`), so that a mode holding a value directly can override them.
"""
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import eager
from tfvars_jax.framework import provenance
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.ops import array_ops, state_ops
from tfvars_jax.ops.tensor_operators import TensorOperators
from tfvars_jax.variables import variable_scope as vs
from tfvars_jax.variables.variable import (
    Variable, _initial_value_and_shape, _is_initializer_fn, _reject_protos,
    guard_uninitialized_reads)

_default_use_resource = [False]


def enable_resource_variables():
    """TF1's `tf.enable_resource_variables()`: from now on `tf.Variable` and `tf.get_variable`
    make resource variables unless told otherwise (`use_resource=False`, or a variable scope's
    `use_resource`)."""
    _default_use_resource[0] = True


def disable_resource_variables():
    """TF1's `tf.disable_resource_variables()`: ref variables by default again."""
    _default_use_resource[0] = False


def resource_variables_enabled():
    """TF1's `tf.resource_variables_enabled()`: whether variables are resource variables by
    default."""
    return _default_use_resource[0]


def use_resource_default(use_resource):
    """Whether a variable made with `use_resource` is a resource variable, as TF1 decides: the
    argument, else the current variable scope's `use_resource`, else the global default. In
    eager mode (also inside a function traced by `defun`'s `init_scope`) always, as TF1."""
    if context.executing_eagerly():
        return True
    if use_resource is None:
        use_resource = vs.get_variable_scope().use_resource
    if use_resource is None:
        use_resource = _default_use_resource[0]
    return bool(use_resource)


def is_resource_variable(var):
    """TF1's `resource_variable_ops.is_resource_variable`."""
    return isinstance(var, Variable) and var._is_resource


class ResourceVariable(Variable):
    """TF1's `ResourceVariable`: a variable whose reads are copies ordered by the program.

    Made by `tf.Variable(..., use_resource=True)`, `tf.get_variable(..., use_resource=True)`,
    inside `tf.variable_scope(..., use_resource=True)` (or after `set_use_resource(True)`),
    after `tf.enable_resource_variables()`, or directly as `tf.contrib.eager.Variable(...)`.
    `isinstance(v, tf.Variable)` holds (as in TF 1.15; TF 2.x's compat.v1 says False).

    What a TF1 user sees: `v.dtype` is `float32` (no `_ref`), `v.op.type` is "VarHandleOp",
    `v.handle` is the resource tensor, `v.initializer` is `v/Assign` (AssignVariableOp),
    `sess.run(v)` fetches `v/Read/ReadVariableOp`; using `v` as a tensor (`v * 2`, `v.value()`)
    adds a `ReadVariableOp`; `read_value()` is `Read/ReadVariableOp` plus an `Identity`;
    `sparse_read(indices)` is a `ResourceGather`. `assign`, `assign_add`, `assign_sub`
    (`read_value=True`), `scatter_*` and `scatter_nd_*` return the variable read after the write
    (its name is the write op's, e.g. `AssignVariableOp`); `read_value=False` returns the op.
    Values, initializers, checkpoints and optimizers are as for a ref variable; an optimizer's
    slots of a resource variable are resource variables.

    Differences from TF1: `variable_def`/`import_scope` and `distribute_strategy` raise
    NotImplementedError; `caching_device` reads through an Identity on that device (as TF1)
    but runs on JAX's default device like everything else; fetching `v.handle` raises
    NotImplementedError (TF1 returns an opaque handle).

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     v = tf.Variable(True, use_resource=True, name="v")
      ...     flip = tf.cond(v, lambda: v.assign(False), lambda: tf.constant(True))
      ...     print(v.dtype.name, v.op.type, v.handle.dtype.name)
      ...     with tf.Session() as sess:
      ...         sess.run(v.initializer)
      ...         print([bool(sess.run(flip)) for _ in range(3)], sess.run(v))
      bool VarHandleOp resource
      [False, True, True] False
    """

    _is_resource = True

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, dtype=None, variable_def=None, import_scope=None,
                 constraint=None, distribute_strategy=None, synchronization=None,
                 aggregation=None, shape=None, expected_shape=None):
        _reject_protos(variable_def, import_scope)
        if distribute_strategy is not None:
            raise NotImplementedError("ResourceVariable argument 'distribute_strategy' is not "
                                      "supported (there are no distribution strategies).")
        collections = self._init_attributes(initial_value, trainable, collections, constraint,
                                            caching_device, synchronization, aggregation)
        if context.executing_eagerly():
            self._init_eager(initial_value, name, dtype, shape, validate_shape, expected_shape)
            if ops_lib.GraphKeys.GLOBAL_STEP in collections:  # the only collection eager
                ops_lib.get_default_graph().add_to_collection(  # variables join, as TF1
                    ops_lib.GraphKeys.GLOBAL_STEP, self)
            return
        self._init_graph(initial_value, name, dtype, shape, validate_shape, expected_shape,
                         caching_device, collections)

    def _init_graph(self, initial_value, name, dtype, shape, validate_shape, expected_shape,
                    caching_device, collections):
        """Adds TF1's ops of a resource variable to the graph and registers the variable."""
        init_from_fn = _is_initializer_fn(initial_value)
        graph = ops_lib.get_default_graph() if init_from_fn else ops_lib.graph_of([initial_value])
        with graph.as_default(), graph.control_dependencies(None), \
                ops_lib.name_scope(name, "Variable",
                                   [] if init_from_fn else [initial_value]) as scope:
            dtype = dtypes.as_dtype(dtype).base_dtype if dtype is not None else None
            # As TF1: the initial value (called or converted) is made under `Initializer`,
            # without a device of its own.
            with ops_lib.name_scope("Initializer"), graph.device(None):
                initial_value = convert_to_tensor(
                    initial_value() if init_from_fn else initial_value, dtype=dtype,
                    name="initial_value")
            initial_value, var_shape = _initial_value_and_shape(
                initial_value, dtype, shape, validate_shape, expected_shape, scope)
            self._initial_value = initial_value
            with provenance.Pinned():  # the variable's own ops: one user location
                self._variable_op = state_ops.var_handle_op(var_shape, initial_value.dtype.base_dtype,
                                                            scope)
                handle = self._variable_op.outputs[0]
                # As TF1, the variable's own ops are placed on the handle's device.
                with graph._colocate_with(self._variable_op):
                    with ops_lib.name_scope("IsInitialized"):
                        self._is_initialized_op = state_ops.is_initialized_op(self._variable_op)
                    with ops_lib.name_scope("Assign") as assign_scope:
                        self._initializer_op = state_ops.assign(
                            handle, guard_uninitialized_reads(initial_value),
                            validate_shape=validate_shape, name=assign_scope)
                    with ops_lib.name_scope("Read"):
                        self._graph_element = state_ops.read(self._variable_op,
                                                             name="ReadVariableOp", copy=True)
            self._cached_value = None
            if caching_device is not None:
                with ops_lib.name_scope("Read"), graph.device(caching_device):
                    self._cached_value = array_ops.identity(self._graph_element)
        self._take_sharding()
        graph.variables_by_name[self._variable_op.name] = self
        graph.add_to_collections(collections, self)

    def _init_eager(self, initial_value, name, dtype, shape, validate_shape, expected_shape):
        """An eager variable (TF1's eager `ResourceVariable`): its value, a JAX array, lives in
        a `VariableHandle` made now; it joins no collection (but GLOBAL_STEP) and has no
        initializer op."""
        with ops_lib.name_scope(name, "Variable") as scope:
            dtype = dtypes.as_dtype(dtype).base_dtype if dtype is not None else None
            if _is_initializer_fn(initial_value):
                with ops_lib.name_scope("Initializer"):
                    initial_value = initial_value()
            value, var_shape = _initial_value_and_shape(initial_value, dtype, shape,
                                                        validate_shape, expected_shape, scope)
        self._eager_handle = eager.VariableHandle(scope[:-1], value.dtype.base_dtype, var_shape,
                                                  self._trainable, value._value, variable=self)
        self._variable_op = self._eager_handle.op
        self._initializer_op = self._initial_value = self._cached_value = None
        self._graph_element = None

    @property
    def _variable_op(self):
        """The variable's op: the graph's VarHandleOp, or for an eager variable its handle's op
        (in eager code) or the op standing for it in a function being traced by `defun`
        (`capture_variable`)."""
        handle = self._eager_handle
        if handle is None or context.executing_eagerly():
            return self._var_op
        return capture_variable(self)

    @_variable_op.setter
    def _variable_op(self, op):
        self._var_op = op

    # ----- identity --------------------------------------------------------------------------
    @property
    def name(self):
        if self._eager_handle is not None:
            return self._eager_handle.var_name + ":0"
        return super().name

    @property
    def op(self):
        if self._eager_handle is not None and context.executing_eagerly():
            raise AttributeError("Tensor.op is meaningless when eager execution is enabled.")
        return self._variable_op

    @property
    def graph(self):
        if self._eager_handle is not None and context.executing_eagerly():
            raise AttributeError("Tensor.graph is meaningless when eager execution is enabled.")
        return self._variable_op.graph

    @property
    def device(self):
        if self._eager_handle is not None:
            return eager.DEVICE
        return self._variable_op.device

    @property
    def initial_value(self):
        if self._eager_handle is not None:
            raise RuntimeError("This property is not supported when eager execution is enabled.")
        return self._initial_value

    # ----- eager values --------------------------------------------------------------------
    def numpy(self):
        """An eager variable's value as NumPy (a NumPy scalar for a 0-d variable), as TF."""
        if self._eager_handle is None:
            raise NotImplementedError("numpy() is only available when eager execution is "
                                      "enabled.")
        return eager._as_numpy(self._eager_handle.value)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.numpy(), dtype=dtype)

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __index__(self):
        return self.numpy().__index__()

    def __bool__(self):
        if self._eager_handle is not None:
            return bool(eager.EagerTensor(self._eager_handle.value))
        return super().__bool__()

    def eval(self, session=None):
        if self._eager_handle is not None:
            raise RuntimeError("This operation is not supported when eager execution is enabled.")
        return super().eval(session)

    def load(self, value, session=None):
        """Sets the value directly in `session` (no op is added); in eager mode an assign."""
        if self._eager_handle is not None:
            self.assign(value)
            return
        super().load(value, session)

    def __getitem__(self, key):
        if self._eager_handle is not None and context.executing_eagerly():
            return array_ops.strided_slice_from_key(self.value(), key)  # a value, as TF eager
        return super().__getitem__(key)

    # ----- identity --------------------------------------------------------------------------
    @property
    def dtype(self):
        """The value's dtype (`float32`; a resource variable's has no `_ref`)."""
        return self._variable_op.attrs["dtype"]

    @property
    def shape(self):
        return self._variable_op.attrs["shape"]

    def set_shape(self, shape):
        self._variable_op.attrs["shape"] = self.shape.merge_with(shape)
        self._graph_element.set_shape(shape)

    @property
    def handle(self):
        """The resource handle (`v:0`, dtype `resource`, shape `()`) the variable's ops take."""
        return self._variable_op.outputs[0]

    def _ref(self):
        return self.handle

    def _as_graph_element(self):
        return self._graph_element

    # ----- reading -------------------------------------------------------------------------
    def _read_variable_op(self, name="ReadVariableOp"):
        """A new read of the value (a `ReadVariableOp`) where the program is now."""
        return state_ops.read(self._variable_op, name=name, copy=True)

    def value(self):
        """A new `ReadVariableOp` (or the caching device's copy, with `caching_device`)."""
        if self._cached_value is not None:
            return self._cached_value
        return self._read_variable_op()

    def read_value(self):
        """`Read/ReadVariableOp` and an `Identity` of it, as TF1: the value after the writes
        that precede it in the program (those it depends on, in TF1's terms)."""
        if self._eager_handle is not None and context.executing_eagerly():
            return self._read_variable_op()
        with ops_lib.name_scope("Read"):
            value = self._read_variable_op()
        return array_ops.identity(value)

    def _as_tensor(self, dtype=None):
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(self.dtype):
            raise ValueError("Incompatible type conversion requested to type "
                             f"'{dtypes.as_dtype(dtype).name}' for variable of type "
                             f"'{self.dtype.name}' ({self.name})")
        return self.value()

    def sparse_read(self, indices, name=None):
        """The rows `indices` of the value: op `Gather` reading `Gather/ReadVariableOp`.

        TF1 makes one ResourceGather op of the handle; ours is a read and a GatherV2 (the
        same name, values, index checks), so that `tf.gradients` gives the variable TF1's
        IndexedSlices gradient and optimizers update only the gathered rows, as TF1's sparse
        updates do."""
        with self.graph.as_default(), ops_lib.name_scope(name or "Gather") as scope:
            value = self._read_variable_op()
            return array_ops.gather(value, convert_to_tensor(indices, name="indices"),
                                    name=scope)

    def gather_nd(self, indices, name=None):
        """`ResourceGatherNd` (op `GatherNd`), as TF 1.15 (TF 2.x reads and gathers)."""
        return state_ops.resource_gather_nd(self._variable_op, indices, name=name)

    # ----- writing -------------------------------------------------------------------------
    def _write_through(self, make, read_value=True):
        """Makes a write op with `make()`; returns TF1's result for a resource variable: the
        variable read after it (`read_value`), else the op (a tensor result is returned as is:
        `count_up_to`'s old value)."""
        out = make()
        if isinstance(out, ops_lib.Tensor):
            return out
        if self._eager_handle is not None and context.executing_eagerly():
            # TF returns an `_UnreadVariable` (or None); the value read after the write here
            return self._read_variable_op() if read_value else None
        return self._lazy_read(out) if read_value else out

    def _lazy_read(self, op):
        """The variable as read after `op` (TF1's `_UnreadVariable`)."""
        return _UnreadVariable(self, op)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """`AssignVariableOp`; returns the variable read after it, or the op (`read_value=False`).
        The value must have the variable's shape."""
        return self._write_through(
            lambda: state_ops.assign(self._variable_op, value, name=name), read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """`AssignAddVariableOp`; returns the variable read after it, or the op."""
        return self._write_through(
            lambda: state_ops.assign_add(self._variable_op, delta, name=name), read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """`AssignSubVariableOp`; returns the variable read after it, or the op."""
        return self._write_through(
            lambda: state_ops.assign_sub(self._variable_op, delta, name=name), read_value)

    def _sparse(self, fn, sparse_delta, name):
        if not hasattr(sparse_delta, "indices") or not hasattr(sparse_delta, "values"):
            raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta} (variable "
                            f"'{self.name}')")
        return self._write_through(lambda: fn(self._variable_op, sparse_delta.indices,
                                              sparse_delta.values, name=name))

    def scatter_nd_update(self, indices, updates, name=None):
        return self._write_through(
            lambda: state_ops.scatter_nd_update(self._variable_op, indices, updates, name=name))

    def scatter_nd_add(self, indices, updates, name=None):
        return self._write_through(
            lambda: state_ops.scatter_nd_add(self._variable_op, indices, updates, name=name))

    def scatter_nd_sub(self, indices, updates, name=None):
        return self._write_through(
            lambda: state_ops.scatter_nd_sub(self._variable_op, indices, updates, name=name))

    def _slice_assign(self, spec, value, name):
        return self._write_through(
            lambda: state_ops.strided_slice_assign(self._variable_op, spec, value, name=name))

    def __repr__(self):
        if self._eager_handle is not None:
            value = eager.EagerTensor(self._eager_handle.value)
            return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, " \
                   f"numpy={eager._numpy_text(value, True)}>"
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


def capture_variable(variable):
    """The op standing for eager variable `variable` in the graph being built (a function
    traced by `tf.contrib.eager.defun`): a VarHandleOp named by the variable's handle, so the
    compiled function reads and writes the handle's value under that name. Raises ValueError
    in a graph that cannot take eager variables."""
    graph = ops_lib.get_default_graph()
    captures = getattr(graph, "eager_captures", None)
    handle = variable._eager_handle
    if captures is None:
        raise ValueError(f"Eager variable '{handle.var_name}' cannot be used in a graph: it lives "
                         "outside every graph. Use it in eager code or in a function compiled "
                         "by tf.contrib.eager.defun.")
    op = captures.get(handle.name)
    if op is None:
        with graph.as_default(), graph.control_dependencies(None), \
                ops_lib.name_scope(None):
            op = state_ops.var_handle_op(handle.shape, handle.dtype, handle.name + "/")
        captures[handle.name] = op
        graph.variables_by_name[handle.name] = variable
    return op


class _UnreadVariable(ResourceVariable):
    """TF1's `_UnreadVariable`: what a resource variable's write returns, the variable read
    after the write op. Its name and `op` are the write op's; every read of it (and every
    write through it) depends on that op. It is in no collection."""

    def __init__(self, variable, parent_op):
        self.__dict__.update(variable.__dict__)
        self._parent_op = parent_op
        self._cached_value = None
        self._graph_element = self._read_variable_op()

    @property
    def name(self):
        return self._parent_op.name

    @property
    def op(self):
        return self._parent_op

    def _after_parent(self):
        return self.graph.control_dependencies([self._parent_op])

    def _read_variable_op(self, name="ReadVariableOp"):
        with self._after_parent():
            return super()._read_variable_op(name)

    def value(self):
        return self._read_variable_op()

    def read_value(self):
        return self._read_variable_op()

    def _write_through(self, make, read_value=True):
        with self._after_parent():
            return super()._write_through(make, read_value)

    def count_up_to(self, limit):
        with self._after_parent():
            return super().count_up_to(limit)

    def sparse_read(self, indices, name=None):
        with self._after_parent():
            return super().sparse_read(indices, name=name)



def _read_first(operator):
    tensor_operator = getattr(TensorOperators, operator)

    def run(self, *args):
        return tensor_operator(self.value(), *args)
    run.__name__ = operator
    return run


# As TF1's `_OverloadAllOperators` for resource variables: `v * 2` reads the variable where the
# expression is (`ReadVariableOp`, in the caller's name scope), then applies the operator.
for _operator in vars(TensorOperators):
    if _operator.startswith("__") and _operator not in (
            "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__getitem__",
            "__array_priority__"):
        setattr(ResourceVariable, _operator, _read_first(_operator))
del _operator
