"""`tf.Variable`: a named, graph-side handle to persistent state.

A Variable holds no value: its value lives in a Session's State under `var.op.name`. Creating
one adds, as TF1 does, a "VariableV2" op (`v`), an "Assign" initializer op (`v/Assign`) and an
Identity snapshot (`v/read`) that ops consume when the variable is used as a tensor.
"""

import contextlib
import inspect

from tfvars_jax.framework import context
from tfvars_jax.framework import display
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework import provenance
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape
from tfvars_jax.ops import array_ops, state_ops
from tfvars_jax.ops.tensor_operators import TensorOperators

_UNSUPPORTED = ("variable_def", "import_scope")
_NO_CONTEXT = contextlib.nullcontext()


class VariableSynchronization:
    """TF1's enum; recorded on the variable (it only matters to distribution strategies)."""
    AUTO, NONE, ON_WRITE, ON_READ = 0, 1, 2, 3


class VariableAggregation:
    """TF1's enum; recorded on the variable (it only matters to distribution strategies)."""
    NONE, SUM, MEAN, ONLY_FIRST_REPLICA, ONLY_FIRST_TOWER = 0, 1, 2, 3, 3


def _resource_variable_module():
    """`variables/resource_variable.py` (which imports this module), imported once."""
    global _RESOURCE_VARIABLE
    if _RESOURCE_VARIABLE is None:
        from tfvars_jax.variables import resource_variable
        _RESOURCE_VARIABLE = resource_variable
    return _RESOURCE_VARIABLE


_RESOURCE_VARIABLE = None


class _VariableMeta(type):
    """As TF1's `VariableV1` metaclass: `tf.Variable(...)` makes a `ResourceVariable` when
    `use_resource=True`, or when it is None and the current variable scope says so
    (`set_use_resource`), or else `tf.enable_resource_variables()` was called."""

    def __call__(cls, *args, **kwargs):
        if cls is Variable:
            resource_variable = _resource_variable_module()
            # `use_resource` as given (the signature is bound only for a resource variable,
            # whose constructor orders its arguments differently; a bad call raises TypeError
            # from either constructor).
            use_resource = args[_USE_RESOURCE_POSITION] if len(args) > _USE_RESOURCE_POSITION \
                else kwargs.get("use_resource")
            if resource_variable.use_resource_default(use_resource):
                bound = _VARIABLE_SIGNATURE.bind(None, *args, **kwargs)
                arguments = dict(bound.arguments)
                arguments.pop("self")
                arguments.pop("use_resource", None)
                return resource_variable.ResourceVariable(**arguments)
        return super().__call__(*args, **kwargs)


class Variable(TensorOperators, metaclass=_VariableMeta):
    """A variable: a named graph handle to a value that persists across `Session.run` calls.

    TF1's `tf.Variable`, a ref variable. With `use_resource=True` (or a variable scope's
    `use_resource`, or after `tf.enable_resource_variables()`) it makes a `ResourceVariable`
    instead (`variables/resource_variable.py`), as TF1 does.
    Creating one adds TF1's ops: `<name>` (VariableV2), the initializer `<name>/Assign` and the
    snapshot `<name>/read` that ops use when the variable is used as a tensor. The value lives
    in each Session, not in the Variable: it is set by running `v.initializer` (or
    `tf.global_variables_initializer()`) or by restoring a checkpoint.

    Differences from TF1, all deliberate: `variable_def`/`import_scope` (protos) raise
    NotImplementedError; `caching_device` and `synchronization`/`aggregation` are recorded only.
    A ref variable's uses read it through `v/read`, which in our fixed run order sees the value
    the variable had when the run started unless written earlier in that order; `read_value()`
    creates a new read that sees preceding writes, as TF1 guarantees under
    `control_dependencies`.

    Args:
      initial_value: a Tensor or a value convertible to one, or a callable returning one; its
        shape becomes the variable's unless `shape` is given.
      trainable: add to TRAINABLE_VARIABLES (default True, False for ON_READ synchronization).
      collections: the collections to add the variable to (default [GLOBAL_VARIABLES]).
      validate_shape: False allows an initial value of unknown shape (the shape is unknown).
      caching_device: recorded only.
      name: the name (default "Variable"), scoped and uniquified.
      variable_def, import_scope: not supported.
      dtype: the dtype; a value is converted to it, a Tensor must have it.
      expected_shape: a shape the initial value must be compatible with.
      constraint: `f(value) -> value` applied after each optimizer update.
      use_resource: True makes a ResourceVariable; None follows the variable scope, then
        `tf.resource_variables_enabled()`.
      synchronization, aggregation: recorded only (they matter to distribution strategies).
      shape: the variable's shape, compatible with the initial value's (may be less defined).

    Raises:
      ValueError: no `initial_value`, an initial value of another dtype or shape, an unknown
        shape with `validate_shape`, a non-callable `constraint`, a non-list `collections`, or
        trainable=True with ON_READ synchronization.
      NotImplementedError: `variable_def` or `import_scope` is given.

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     v = tf.Variable([1.0, 2.0], name="v")
      ...     print(v.name, v.dtype.name, v.shape, v.trainable)
      ...     update = v.assign_add([10.0, 10.0])
      ...     with tf.Session() as sess:
      ...         sess.run(v.initializer)
      ...         print(sess.run(update))
      ...         print(sess.run(v))
      v:0 float32_ref (2,) True
      [11. 12.]
      [11. 12.]
    """

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None, expected_shape=None,
                 import_scope=None, constraint=None, use_resource=None, synchronization=None,
                 aggregation=None, shape=None):
        if variable_def is not None or import_scope is not None:
            _reject_protos(variable_def, import_scope)
        collections = self._init_attributes(initial_value, trainable, collections, constraint,
                                            caching_device, synchronization, aggregation)
        init_from_fn = _is_initializer_fn(initial_value)
        graph = ops_lib.get_default_graph() if init_from_fn else ops_lib.graph_of([initial_value])
        # TF1's `name_scope(name, "Variable", [initial_value])`, in `graph` (the value's; the
        # default graph already for an initializer function).
        with _NO_CONTEXT if init_from_fn else graph.as_default(), \
                graph.control_dependencies(None), \
                graph.name_scope("Variable" if name is None else name) as scope:
            dtype = dtypes.as_dtype(dtype).base_dtype if dtype is not None else None
            if init_from_fn:
                # As TF1: an initializer function's ops get no device (TF1 colocates them
                # with the variable instead, which needs no device of their own); with no
                # device scope open, `device(None)` changes nothing.
                with graph.name_scope("Initializer"), \
                        graph.device(None) if graph._thread_local.device_stack else _NO_CONTEXT:
                    initial_value = convert_to_tensor(initial_value(), dtype=dtype,
                                                      name="initial_value")
            initial_value, var_shape = _initial_value_and_shape(
                initial_value, dtype, shape, validate_shape, expected_shape, scope)
            initial_value = guard_uninitialized_reads(initial_value)
            self._initial_value = initial_value
            with provenance.Pinned():  # v, v/Assign, v/read: one user location, found once
                var_op = state_ops.variable_op(var_shape, initial_value.dtype.base_dtype, scope,
                                               graph)
                self._variable_op = var_op
                # `tf.assign(v, initial_value, validate_shape)` in TF1's `v/Assign` name scope,
                # which the op takes (the value is a tensor of v's dtype and a shape checked
                # above, so it needs no conversion or check).
                self._initializer_op = state_ops.assign_op(
                    var_op, initial_value, True if validate_shape is None else bool(validate_shape),
                    graph.unique_name("Assign") + "/").op
                # As TF1: the snapshot is placed on the caching device, else colocated with `v`
                # (which changes nothing when no device scope or colocation is open).
                if caching_device is not None:
                    with graph.device(caching_device):
                        self._snapshot = state_ops.read(var_op, name="read")
                elif graph._thread_local.device_stack or graph._thread_local.colocation_stack:
                    with graph._colocate_with(var_op):
                        self._snapshot = state_ops.read(var_op, name="read")
                else:
                    self._snapshot = state_ops.read(var_op, name="read")
        self._take_sharding()
        graph.variables_by_name[self._variable_op.name] = self
        graph.add_to_collections(collections, self)

    def _take_sharding(self):
        """Records the Mesh sharding `tfvars_jax.sharding.shard_variables` gives this variable."""
        sharding_fn = context.VARIABLE_SHARDINGS.current()
        self._sharding = None if sharding_fn is None else sharding_fn(self._variable_op.name,
                                                                      self.shape)

    def _init_attributes(self, initial_value, trainable, collections, constraint, caching_device,
                         synchronization, aggregation):
        """Checks and records what both kinds of variable take alike; returns the collections
        the variable joins (TRAINABLE_VARIABLES added for a trainable one)."""
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if constraint is not None and not callable(constraint):
            raise ValueError("The `constraint` argument must be a callable.")
        synchronization = VariableSynchronization.AUTO if synchronization is None else synchronization
        aggregation = VariableAggregation.NONE if aggregation is None else aggregation
        if trainable is None:
            trainable = synchronization != VariableSynchronization.ON_READ
        elif trainable and synchronization == VariableSynchronization.ON_READ:
            raise ValueError("Synchronization value can be set to VariableSynchronization.ON_READ "
                             "only for non-trainable variables. You have specified trainable=True "
                             "and synchronization=VariableSynchronization.ON_READ.")
        if collections is None:
            collections = [ops_lib.GraphKeys.GLOBAL_VARIABLES]
        if not isinstance(collections, (list, tuple, set)):
            raise ValueError("collections argument to Variable constructor must be a list, tuple, "
                             f"or set. Got {collections} of type {type(collections)}")
        collections = list(collections)
        if trainable and ops_lib.GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(ops_lib.GraphKeys.TRAINABLE_VARIABLES)
        self._trainable = bool(trainable)
        self._constraint = constraint
        self._caching_device = caching_device
        self._synchronization = synchronization
        self._aggregation = aggregation
        self._save_slice_info = None
        return collections

    _is_resource = False  # a ref variable (ResourceVariable sets True)
    _sharding = None      # a jax.sharding.Sharding over a Mesh (`tfvars_jax.sharding`), if any
    _eager_handle = None  # an eager variable's VariableHandle (ResourceVariable in eager mode)

    # ----- identity --------------------------------------------------------------------------
    @property
    def name(self):
        return self._variable_op.outputs[0].name

    @property
    def op(self):
        return self._variable_op

    @property
    def graph(self):
        return self._variable_op.graph

    @property
    def device(self):
        return self._variable_op.device

    @property
    def dtype(self):
        """`float32_ref`: a ref variable's dtype, as TF1 (a ResourceVariable's is `float32`)."""
        return self._variable_op.outputs[0].dtype

    @property
    def shape(self):
        return self._variable_op.outputs[0].shape

    def get_shape(self):
        return self.shape

    def set_shape(self, shape):
        self._variable_op.outputs[0].set_shape(shape)
        self._snapshot.set_shape(shape)

    @property
    def trainable(self):
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def synchronization(self):
        return self._synchronization

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def initializer(self):
        """The Assign op that sets the initial value."""
        return self._initializer_op

    @property
    def initial_value(self):
        return self._initial_value

    def __repr__(self):
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def _repr_html_(self):
        """Jupyter's rich display: name, shape, dtype, collections, device, where it was
        defined, and (from the default session, if any) whether it is initialized and a
        preview of its value."""
        graph = self.graph
        collections = sorted(key for key, items in graph._collections.items()
                             if isinstance(key, str) and any(item is self for item in items))
        fields = [("name", self.name), ("shape", self.shape), ("dtype", self.dtype.name),
                  ("trainable", self._trainable), ("collections", ", ".join(collections)),
                  ("device", self.device or "(none)"),
                  ("defined at", self._variable_op.defined_at)]
        session = context.default_session()
        if session is None or session.graph is not graph:
            fields.append(("initialized", "(no default session)"))
        else:
            value = session._peek_value(self._variable_op.name)
            fields.append(("initialized", value is not None))
            if value is not None:
                fields.append(("value", display.preview(value)))
        return display.variable_html(fields)

    def __bool__(self):
        raise TypeError("Using a `tf.Variable` as a Python `bool` is not allowed.")

    # ----- reading -------------------------------------------------------------------------
    def value(self):
        """The snapshot tensor `v/read`."""
        return self._as_tensor()

    def read_value(self):
        """A new read of the variable, placed after the writes that precede it in the program."""
        return state_ops.read(self._variable_op, name="read")

    def _as_tensor(self, dtype=None):
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(self.dtype):
            raise ValueError("Incompatible type conversion requested to type "
                             f"'{dtypes.as_dtype(dtype).name}' for variable of type "
                             f"'{self.dtype.name}' ({self.name})")
        return self._snapshot

    def _as_graph_element(self):
        return self._variable_op.outputs[0]

    def _ref(self):
        return self._variable_op.outputs[0]

    def initialized_value(self):
        """The variable's value if it is initialized, else its initial value (TF1 semantics).

        Use it in the initial value of another variable; the initial value is computed once per
        run, so both see the same random draw.
        """
        return state_ops.initialized_value_op(self._variable_op, self._initial_value)

    def is_initialized(self, name=None):
        return state_ops.is_initialized_op(self._variable_op, name=name)

    def eval(self, session=None):
        """The variable's value in `session` (default: the default session)."""
        return context.session_for(session, self.graph,
                                   "Variable.eval()").run(self._as_graph_element())

    def load(self, value, session=None):
        """Sets the value directly in `session` (no op is added), as TF1's `load`."""
        context.session_for(session, self.graph, "Variable.load()").load_variable(self, value)

    # ----- writing -------------------------------------------------------------------------
    # State ops build in the variable's own graph and name scope; no default-graph switch needed.
    def _write_result(self, out, read_value):
        return out if read_value else out.op

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Returns the new value (or the op with `read_value=False`); shapes must match."""
        return self._write_result(state_ops.assign(self._variable_op, value, name=name), read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        return self._write_result(state_ops.assign_add(self._variable_op, delta, name=name),
                                  read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        return self._write_result(state_ops.assign_sub(self._variable_op, delta, name=name),
                                  read_value)

    def _sparse(self, fn, sparse_delta, name):
        """TF1's `scatter_*` methods take an IndexedSlices-like (`.indices`, `.values`)."""
        return fn(self._variable_op, sparse_delta.indices, sparse_delta.values, name=name)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        return self._sparse(state_ops.scatter_update, sparse_delta, name)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        return self._sparse(state_ops.scatter_add, sparse_delta, name)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        return self._sparse(state_ops.scatter_sub, sparse_delta, name)

    def scatter_mul(self, sparse_delta, use_locking=False, name=None):
        return self._sparse(state_ops.scatter_mul, sparse_delta, name)

    def scatter_div(self, sparse_delta, use_locking=False, name=None):
        return self._sparse(state_ops.scatter_div, sparse_delta, name)

    def scatter_min(self, sparse_delta, use_locking=False, name=None):
        return self._sparse(state_ops.scatter_min, sparse_delta, name)

    def scatter_max(self, sparse_delta, use_locking=False, name=None):
        return self._sparse(state_ops.scatter_max, sparse_delta, name)

    def scatter_nd_update(self, indices, updates, name=None):
        return state_ops.scatter_nd_update(self._variable_op, indices, updates, name=name)

    def scatter_nd_add(self, indices, updates, name=None):
        return state_ops.scatter_nd_add(self._variable_op, indices, updates, name=name)

    def scatter_nd_sub(self, indices, updates, name=None):
        return state_ops.scatter_nd_sub(self._variable_op, indices, updates, name=name)

    def count_up_to(self, limit):
        return state_ops.count_up_to(self._variable_op, limit)

    def __getitem__(self, key):
        """`v[key]`: a slice of the value; `v[key].assign(x)` writes into the slice, as TF1."""
        out = array_ops.strided_slice_from_key(self._as_tensor(), key)
        spec = out.op.attrs["spec"]
        if not any(s[0] == "tensor" for s in spec):
            default_name = out.op.name + "/_assign/"  # TF1's `strided_slice/_assign`

            def assign(value, name=None):
                return self._slice_assign(spec, value, name or default_name)
            out.assign = assign
        return out

    def _slice_assign(self, spec, value, name):
        return state_ops.strided_slice_assign(self._variable_op, spec, value, name=name)

    def to_proto(self, export_scope=None):
        raise NotImplementedError("Variable.to_proto (VariableDef protos) is not supported.")

    @staticmethod
    def from_proto(variable_def, import_scope=None):
        raise NotImplementedError("Variable.from_proto (VariableDef protos) is not supported.")


_VARIABLE_SIGNATURE = inspect.signature(Variable.__init__)
# `use_resource`'s index among Variable's positional arguments (after `self`).
_USE_RESOURCE_POSITION = list(_VARIABLE_SIGNATURE.parameters).index("use_resource") - 1


def _reject_protos(variable_def, import_scope):
    for arg, value in (("variable_def", variable_def), ("import_scope", import_scope)):
        if value is not None:
            raise NotImplementedError(f"tf.Variable argument '{arg}' (VariableDef protos) is "
                                      "not supported.")


def _is_initializer_fn(initial_value):
    """Whether `initial_value` is a function to call for the value (not a tensor-like)."""
    return callable(initial_value) and not isinstance(initial_value, ops_lib.Tensor) \
        and not hasattr(initial_value, "_as_tensor")


def _initial_value_and_shape(initial_value, dtype, shape, validate_shape, expected_shape, scope):
    """The initial value as a tensor of `dtype` and the variable's shape, checked as TF1 does
    (`scope` is the variable's name scope, for messages)."""
    initial_value = convert_to_tensor(initial_value, dtype=dtype, name="initial_value")
    if dtype is not None and initial_value.dtype.base_dtype != dtype:
        raise ValueError(f"Variable '{scope[:-1]}': initial value has dtype "
                         f"{initial_value.dtype.name}, expected {dtype.name}.")
    if shape is not None:
        var_shape = as_shape(shape)
        if validate_shape and not var_shape.is_compatible_with(initial_value.shape):
            raise ValueError(f"Variable '{scope[:-1]}': shape {var_shape} is incompatible "
                             f"with the initial value's shape {initial_value.shape}.")
    elif validate_shape:
        var_shape = initial_value.shape
        if not var_shape.is_fully_defined():
            raise ValueError(f"initial_value must have a shape specified: {initial_value}")
    else:
        var_shape = TensorShape(None)
    if expected_shape is not None and \
            not as_shape(expected_shape).is_compatible_with(initial_value.shape):
        raise ValueError(f"Variable '{scope[:-1]}': the initial value's shape "
                         f"{initial_value.shape} is not the expected_shape "
                         f"{as_shape(expected_shape)}.")
    return initial_value, var_shape


def guard_uninitialized_reads(initial_value):
    """TF1's `_try_guard_against_uninitialized_dependencies`: in an initial value, reads of other
    variables become their `initialized_value()`, so an initializer never fails because another
    variable is not yet initialized."""
    op = initial_value.op
    if not op._inputs and op.kind is not state_ops.READ:
        return initial_value  # an op without inputs reads no variable (an initializer's value)
    memo = {}

    def rewrite(t):
        op = t.op
        if op in memo:
            return memo[op][t.value_index]
        if op.kind is state_ops.READ:
            var = op.graph.variables_by_name.get(op.var)
            outs = [var.initialized_value()] if var is not None else op.outputs
        else:
            new_inputs = [rewrite(i) for i in op.inputs]
            unchanged = all(a is b for a, b in zip(new_inputs, op.inputs))
            if unchanged or op.kind in (state_ops.WRITE, state_ops.INIT_VALUE):
                outs = op.outputs
            else:
                outs = _copy_op(op, new_inputs)
        memo[op] = outs
        return outs[t.value_index]

    return rewrite(initial_value)


def _copy_op(op, inputs):
    new = make_op(op.type, op.kernel, inputs, name=op.name.rsplit("/", 1)[-1], kind=op.kind,
                  out_specs=[(t.dtype, t.shape) for t in op.outputs], var=op.var, check=op.check,
                  needs_old=op.needs_old)
    new.attrs = op.attrs
    new.seed = op.seed  # the copy draws what the original would
    return new.outputs
