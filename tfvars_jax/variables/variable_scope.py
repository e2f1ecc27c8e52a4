"""`tf.get_variable` and `tf.variable_scope`, following TF 1.15's rules exactly.

Each graph keeps a `VariableStore` (variables made by `get_variable`, keyed by full name), the
current `VariableScope` and the scope-name counts used to uniquify `default_name`. Notable
TF1 rules kept here: reuse is inherited by sub-scopes and never reset to False inside a reusing
scope; variable names ignore `name_scope`; entering a scope *object* jumps to its name (and
opens a fresh, uniquified name scope for ops, as TF 1.15 does); `tf.Variable`s are invisible to
`get_variable` reuse.
"""
import contextlib
import copy
import inspect

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework import provenance
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.tensor_shape import as_shape
from tfvars_jax.variables import cell_reruns
from tfvars_jax.variables import initializers as init_ops
from tfvars_jax.variables import partitioned as partitioned_lib
from tfvars_jax.variables.variable import Variable, VariableSynchronization


class _ReuseMode:
    """The type of `tf.AUTO_REUSE`: create variables when missing, reuse them otherwise."""

    def __repr__(self):
        return "tf.AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


class VariableStore:
    """The variables created by `get_variable` in one graph, keyed by full name."""

    def __init__(self):
        self.vars = {}
        self.partitioned_vars = {}  # full name -> PartitionedVariable
        self.current_scope = VariableScope(False)
        self.scope_counts = {}
        # scope name -> the scopes below it whose count may be non-zero (opened since it was
        # last reset): resetting touches only those, so re-entering a scope costs what it
        # reset, not a walk over every scope ever opened below it.
        self.opened_below = {}
        # In eager mode `get_variable` stores nothing unless an EagerVariableStore is active
        # (`as_default()`); its store is then here, and get_variable reuses its variables.
        self.eager_container = None

    def open_scope(self, name):
        count = self.scope_counts.get(name, 0)
        self.scope_counts[name] = count + 1
        if count == 0:  # record it under every prefix, opened or not: TF1 resets by prefix,
            parent = name  # so re-entering `t` resets `t/a/Adam` though `t/a` never opened
            while parent:
                parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
                self.opened_below.setdefault(parent, set()).add(name)

    def close_subscopes(self, name):
        """Resets the counts of every scope below `name` (all scopes for None), as TF1."""
        counts = self.scope_counts
        for child in self.opened_below.pop("" if name is None else name, ()):
            counts[child] = 0


_VARSTORE_KEY = ("__variable_store",)


def _store(graph=None):
    graph = graph or ops_lib.get_default_graph()
    store = graph.get_collection_ref(_VARSTORE_KEY)  # where TF1 keeps it too
    if not store:
        store.append(VariableStore())
    return store[0]


_GLOROT_UNIFORM = init_ops.glorot_uniform_initializer()  # unseeded, stateless: one for all


def _default_initializer(name, dtype):
    if dtype.is_floating:
        return _GLOROT_UNIFORM
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool:
        return init_ops.zeros_initializer()
    raise ValueError(f"An initializer for variable {name} of {dtype.name} is required")


def _create_variable(store, name, shape, dtype, initializer, regularizer, reuse, trainable,
                     collections, caching_device, validate_shape, use_resource, constraint,
                     synchronization, aggregation, partition_info=None):
    """TF1's `_VariableStore._get_single_variable` (`partition_info` is set for a part of a
    partitioned variable and passed to initializers that take it, as TF1).

    In eager mode, as TF1: without an active `EagerVariableStore` every call makes a new
    variable that no store keeps; with one, its variables are found (reuse is AUTO_REUSE).
    """
    eager_mode = context.executing_eagerly()
    if eager_mode:
        if caching_device is not None:
            raise NotImplementedError("Caching devices is not yet supported when eager "
                                      "execution is enabled.")
        container = store.eager_container
        store = container if container is not None else VariableStore()
        reuse = AUTO_REUSE if container is not None else False
    if name in store.vars:
        found = store.vars[name]
        graph = None if eager_mode else found.graph
        if reuse is False and (eager_mode or not cell_reruns.may_reuse(graph, name)):
            raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                             "reuse=True or reuse=tf.AUTO_REUSE in VarScope? (Re-running a "
                             "notebook cell? Call tf.reset_default_graph() first, open the "
                             "scope with reuse=tf.AUTO_REUSE, or `%load_ext tfvars_jax` to make "
                             "re-runs find their variables.) " + _defined_at(found))
        if shape is not None and not as_shape(shape).is_compatible_with(found.get_shape()):
            raise ValueError(f"Trying to share variable {name}, but specified shape "
                             f"{as_shape(shape)} and found shape {found.get_shape()}. "
                             + _defined_at(found))
        if dtype is not None and not dtype.is_compatible_with(found.dtype):
            raise ValueError(f"Trying to share variable {name}, but specified dtype "
                             f"{dtype.base_dtype.name} and found dtype "
                             f"{found.dtype.base_dtype.name}. " + _defined_at(found))
        return found
    if reuse is True:
        raise ValueError(f"Variable {name} does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")
    initializing_from_value = initializer is not None and not callable(initializer)
    if initializer is None:
        initializer = _default_initializer(name, dtype)
    if initializing_from_value:
        init_val, variable_dtype = initializer, None
    else:
        if inspect.isclass(initializer):
            initializer = initializer()
        shape = as_shape(shape)
        if shape.is_fully_defined():
            full_dims = shape.as_list()
            if partition_info is None:
                def init_val(init=initializer, dims=full_dims):
                    return init(dims, dtype=dtype, partition_info=None)
            elif _takes_partition_info(initializer):
                def init_val(init=initializer, dims=full_dims):
                    return init(dims, dtype=dtype, partition_info=partition_info)
            else:
                def init_val(init=initializer, dims=full_dims):
                    return init(dims, dtype=dtype)
            variable_dtype = dtype.base_dtype
        elif _takes_no_args(initializer):
            init_val, variable_dtype = initializer, None
        else:
            raise ValueError("The initializer passed is not valid. It should be a callable with no "
                             "arguments and the shape should not be provided or an instance of "
                             "`tf.keras.initializers.*' and `shape` should be fully defined.")
    graph = ops_lib.get_default_graph()
    # When no user code makes ops while the variable is made (a value, or one of our
    # initializers), every op it makes has the user location of this call: found once.
    pin = initializing_from_value or _is_builtin_call(initializer)
    with graph.control_dependencies(None), provenance.Pinned() if pin else _NO_PIN:
        v = Variable(initial_value=init_val, name=name, trainable=trainable,
                     collections=collections, caching_device=caching_device, dtype=variable_dtype,
                     validate_shape=validate_shape, constraint=constraint,
                     use_resource=use_resource, synchronization=synchronization,
                     aggregation=aggregation)
    store.vars[name] = v
    if eager_mode:
        return v
    cell_reruns.created(graph, name)
    if regularizer:
        with ops_lib.name_scope(name + "/Regularizer/"):
            loss = regularizer(v)
        if loss is not None:
            ops_lib.add_to_collection(ops_lib.GraphKeys.REGULARIZATION_LOSSES, loss)
    return v


_NO_PIN = contextlib.nullcontext()


def _is_builtin_call(initializer):
    """Whether calling `initializer` runs only our code (an `Initializer` whose `__call__` is
    ours: a subclass's `_check`/`_sample` make no ops)."""
    return isinstance(initializer, init_ops.Initializer) and \
        type(initializer).__call__ is init_ops.Initializer.__call__


def _defined_at(variable):
    """TF1's "Originally defined at:" for an existing variable: where user code made it."""
    return provenance.originally_defined_at(provenance.defined_at(variable.op))


def _takes_partition_info(fn):
    try:
        return "partition_info" in inspect.getfullargspec(fn).args
    except TypeError:
        return True


def _takes_no_args(fn):
    try:
        spec = inspect.getfullargspec(fn)
    except TypeError:
        return False
    args = [a for a in spec.args if a != "self"]
    return len(args) == len(spec.defaults or ())


class VariableScope:
    """A variable scope: a name prefix plus defaults (reuse, initializer, regularizer, dtype,
    caching_device, partitioner, custom_getter, constraint) for `get_variable`."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=dtypes.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """From now on, `get_variable` in this scope reuses existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_dtype(self, dtype):
        self._dtype = dtypes.as_dtype(dtype)

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def global_variables(self):
        return ops_lib.get_collection(ops_lib.GraphKeys.GLOBAL_VARIABLES, self._scope_regex())

    def trainable_variables(self):
        return ops_lib.get_collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES, self._scope_regex())

    def local_variables(self):
        return ops_lib.get_collection(ops_lib.GraphKeys.LOCAL_VARIABLES, self._scope_regex())

    def _scope_regex(self):
        return self._name + "/" if self._name else None

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True, use_resource=None,
                     custom_getter=None, constraint=None,
                     synchronization=VariableSynchronization.AUTO, aggregation=0):
        """TF1's `VariableScope.get_variable`: applies this scope's defaults, then the store."""
        if regularizer is None:
            regularizer = self._regularizer
        if caching_device is None:
            caching_device = self._caching_device
        if partitioner is None:
            partitioner = self._partitioner
        if custom_getter is None:
            custom_getter = self._custom_getter
        if context.executing_eagerly():  # TF1: no reuse through scopes in eager mode
            reuse, use_resource = False, True
        if reuse is None:
            reuse = self._reuse
        if use_resource is None:
            use_resource = self._use_resource
        full_name = self._name + "/" + name if self._name else name
        with ops_lib.get_default_graph().name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = convert_to_tensor(initializer).dtype.base_dtype
                if init_dtype != dtypes.as_dtype(dtype):
                    # TF1 formats the dtypes with str(): "Initializer type '<dtype: 'int32'>' ..."
                    raise ValueError(f"Initializer type '{init_dtype}' and explicit dtype "
                                     f"'{dtypes.as_dtype(dtype)}' don't match.")
            if initializer is None:
                initializer = self._initializer
            if constraint is None:
                constraint = self._constraint
            if dtype is None:
                dtype = self._dtype
            return _store_get_variable(var_store, full_name, shape, dtype, initializer, regularizer,
                                       reuse, trainable, collections, caching_device, partitioner,
                                       validate_shape, use_resource, custom_getter, constraint,
                                       synchronization, aggregation)


def _store_get_variable(store, name, shape, dtype, initializer, regularizer, reuse, trainable,
                        collections, caching_device, partitioner, validate_shape, use_resource,
                        custom_getter, constraint, synchronization, aggregation):
    """TF1's `_VariableStore.get_variable`: argument checks, custom getters, then creation."""
    # TF1 checks "constant initializer and shape" only for single variables: a partitioned one
    # may give both (the value is sliced per part).
    partitioned = partitioner is not None and not partitioned_lib.is_scalar_shape(shape)
    if custom_getter is not None and not callable(custom_getter):
        raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
    initializing_from_value = initializer is not None and not callable(initializer)
    if shape is not None and initializing_from_value and not partitioned:
        raise ValueError("If initializer is a constant, do not specify shape.")
    dtype = dtypes.as_dtype(dtype)
    if trainable is None:
        trainable = synchronization != VariableSynchronization.ON_READ
    if initializing_from_value and not partitioned:
        shape = None
    elif shape is not None:
        shape = as_shape(shape)

    def true_getter(name, shape=None, dtype=dtypes.float32, initializer=None, regularizer=None,
                    reuse=None, trainable=None, collections=None, caching_device=None,
                    partitioner=None, validate_shape=True, use_resource=None, constraint=None,
                    synchronization=VariableSynchronization.AUTO, aggregation=0):
        if (partitioner is not None and not partitioned_lib.is_scalar_shape(shape)) or (
                reuse is True and partitioner is None and name in store.partitioned_vars):
            # Partitioned: TF1 lets a reusing get_variable find one without a partitioner.
            if partitioner is not None and not callable(partitioner):
                raise ValueError(f"Partitioner must be callable, but received: {partitioner}")
            with ops_lib.name_scope(None):
                return partitioned_lib.get_partitioned_variable(
                    store, name, partitioner, shape=shape, dtype=dtypes.as_dtype(dtype), initializer=initializer,
                    regularizer=regularizer, reuse=reuse, trainable=trainable, collections=collections,
                    caching_device=caching_device, validate_shape=validate_shape, use_resource=use_resource,
                    constraint=constraint, synchronization=synchronization, aggregation=aggregation)
        if name + "/part_0" in store.vars:
            raise ValueError("No partitioner was provided, but a partitioned version of the "
                             f"variable was found: {name}/part_0. Perhaps a variable of the same "
                             "name was already created with partitioning?")
        return _create_variable(store, name, shape, dtypes.as_dtype(dtype), initializer,
                                regularizer, reuse, trainable, collections, caching_device,
                                validate_shape, use_resource, constraint, synchronization,
                                aggregation)

    if custom_getter is not None:
        return custom_getter(true_getter, name, shape=shape, dtype=dtype, initializer=initializer,
                             regularizer=regularizer, reuse=reuse, trainable=trainable,
                             collections=collections, caching_device=caching_device,
                             partitioner=partitioner, validate_shape=validate_shape,
                             use_resource=use_resource, constraint=constraint,
                             synchronization=synchronization, aggregation=aggregation)
    return true_getter(name, shape=shape, dtype=dtype, initializer=initializer,
                       regularizer=regularizer, reuse=reuse, trainable=trainable,
                       collections=collections, caching_device=caching_device,
                       partitioner=partitioner, validate_shape=validate_shape,
                       use_resource=use_resource, constraint=constraint,
                       synchronization=synchronization, aggregation=aggregation)


def get_variable_scope():
    """The current VariableScope of the default graph."""
    return _store().current_scope


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True,
                 use_resource=None, custom_getter=None, constraint=None,
                 synchronization=VariableSynchronization.AUTO, aggregation=0):
    """Gets the variable `<scope>/<name>`, or creates it, by the current scope's reuse rule.

    TF1's `tf.get_variable`, rule for rule: in a scope without reuse a second `get_variable`
    of one name raises; with `reuse=True` a missing variable raises; with `tf.AUTO_REUSE` it is
    created once and found afterwards. Arguments left as None come from the enclosing
    `variable_scope` (initializer, regularizer, partitioner, dtype, ...). The default dtype is
    float32 and the default initializer glorot_uniform (zeros for integer and bool dtypes).
    Variables made with `tf.Variable` are invisible here, and `name_scope` does not change the
    name, as in TF1. `caching_device`, `synchronization` and `aggregation` are recorded only.

    Args:
      name: the name within the current variable scope.
      shape: the shape (list, tuple or TensorShape); omitted when `initializer` is a value.
      dtype: the dtype; defaults to the scope's (float32).
      initializer: an initializer (`tf.zeros_initializer()`, a Keras-style class or instance,
        any `f(shape, dtype, partition_info)`), or a Tensor or Python value, which gives the
        shape and dtype.
      regularizer: `f(variable) -> Tensor`; its result is added to REGULARIZATION_LOSSES.
      trainable: add to TRAINABLE_VARIABLES (default True unless `synchronization` is ON_READ).
      collections: the collections to add the variable to (default [GLOBAL_VARIABLES]).
      caching_device: recorded only.
      partitioner: `f(shape, dtype) -> number of parts per dimension`; a non-scalar variable
        then becomes a `PartitionedVariable` of parts `<name>/part_<i>`.
      validate_shape: False allows an initial value of unknown shape.
      use_resource: True makes a resource variable (reads see the writes before them).
      custom_getter: `f(getter, name, *args, **kwargs)` wrapping the creation, as TF1's.
      constraint: `f(value) -> value` applied after each optimizer update.
      synchronization, aggregation: recorded only (they matter to distribution strategies).

    Returns:
      The new or existing `Variable` (or `PartitionedVariable`).

    Raises:
      ValueError: the variable exists and the scope does not reuse, it does not exist and the
        scope reuses, the shape or dtype differs from the existing variable's, both `shape` and
        a value `initializer` are given, or no initializer fits the dtype.

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     with tf.variable_scope("layer"):
      ...         w = tf.get_variable("w", shape=[2], initializer=tf.ones_initializer())
      ...     with tf.variable_scope("layer", reuse=True):
      ...         w_again = tf.get_variable("w")
      ...     print(w.name, w_again is w)
      ...     with tf.Session() as sess:
      ...         sess.run(tf.global_variables_initializer())
      ...         print(sess.run(w))
      layer/w:0 True
      [1. 1.]

      Without reuse, asking twice for one name is an error, as in TF1:

      >>> with tf.Graph().as_default():
      ...     v = tf.get_variable("v", shape=[])
      ...     tf.get_variable("v", shape=[])
      Traceback (most recent call last):
      ...
      ValueError: Variable v already exists, disallowed. Did you mean to set reuse=True ...
    """
    store = _store()
    return store.current_scope.get_variable(
        store, name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=trainable, collections=collections, caching_device=caching_device, partitioner=partitioner,
        validate_shape=validate_shape, use_resource=use_resource, custom_getter=custom_getter,
        constraint=constraint, synchronization=synchronization, aggregation=aggregation)


def _wrap_custom_getter(custom_getter, old_getter):
    """Chains custom getters: the new one wraps the old one, as TF1."""
    if old_getter is None:
        return custom_getter

    def wrapped(getter, *args, **kwargs):
        return custom_getter(lambda *a, **k: old_getter(getter, *a, **k), *args, **kwargs)
    return wrapped


def _unique_scope_name(store, prefix, graph=None):
    graph = graph or ops_lib.get_default_graph()
    current = store.current_scope.name
    name = current + "/" + prefix if current else prefix

    def fresh():
        if store.scope_counts.get(name, 0) == 0:
            return prefix
        idx = 1
        while store.scope_counts.get(f"{name}_{idx}", 0) > 0:
            idx += 1
        return f"{prefix}_{idx}"
    # A re-run notebook cell gets the names its last run got (see cell_reruns.py).
    return cell_reruns.replay_name(graph, "variable_scope", name, fresh)


class variable_scope:  # noqa: N801 - TF1's public name
    """A context manager that opens a variable scope (and a name scope for ops).

    TF1's `tf.variable_scope`, following TF 1.15's rules: `get_variable` names inside it get
    the prefix `<scope>/`; reuse is inherited by sub-scopes and cannot be switched back off
    inside a reusing scope (`reuse=False` means "inherit"); the defaults given here
    (initializer, regularizer, dtype, ...) apply to every `get_variable` inside. Entering a
    scope by name a second time reuses the variable-scope name but opens a fresh, uniquified
    name scope for ops (`dense_1/MatMul`), and `default_name` scopes are uniquified
    (`block`, `block_1`). Entering a `VariableScope` object jumps to its name.

    Args:
      name_or_scope: a scope name or a `VariableScope`; None to use `default_name`.
      default_name: the name, uniquified, when `name_or_scope` is None.
      values: the Tensors the scope's ops use; their graph becomes the default graph.
      initializer, regularizer, caching_device, partitioner, dtype, use_resource, constraint:
        defaults for `get_variable` in this scope.
      custom_getter: wraps `get_variable` in this scope (chained with an outer scope's getter).
      reuse: True, `tf.AUTO_REUSE`, or None/False to inherit the enclosing scope's.
      auxiliary_name_scope: False to open no name scope for ops.

    Returns:
      On entering, the `VariableScope`.

    Raises:
      TypeError: neither `name_or_scope` nor `default_name` is given, `name_or_scope` is not a
        string or VariableScope, or `auxiliary_name_scope` is not a bool.
      ValueError: `reuse=True` without `name_or_scope` (on entering).

    Examples:
      >>> import tfvars_jax as tf
      >>> def dense(x):
      ...     with tf.variable_scope("dense", reuse=tf.AUTO_REUSE):
      ...         w = tf.get_variable("w", shape=[2, 1], initializer=tf.ones_initializer())
      ...         return tf.matmul(x, w)
      >>> with tf.Graph().as_default():
      ...     a = dense(tf.constant([[1.0, 2.0]]))
      ...     b = dense(tf.constant([[3.0, 4.0]]))
      ...     print([v.name for v in tf.global_variables()])
      ...     print(a.op.name, b.op.name)
      ...     with tf.variable_scope(None, default_name="block") as s1:
      ...         pass
      ...     with tf.variable_scope(None, default_name="block") as s2:
      ...         pass
      ...     print(s1.name, s2.name)
      ['dense/w:0']
      dense/MatMul dense_1/MatMul
      block block_1
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if name_or_scope is not None and not isinstance(name_or_scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        if reuse is False:
            reuse = None  # TF1: False means "inherit", exactly like None
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError(f"The auxiliary_name_scope must be `True` or `False`, while get "
                            f"{auxiliary_name_scope}")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values
        self._args = dict(initializer=initializer, regularizer=regularizer,
                          caching_device=caching_device, partitioner=partitioner,
                          custom_getter=custom_getter, dtype=dtype, use_resource=use_resource,
                          constraint=constraint)
        self._reuse = reuse
        self._aux = auxiliary_name_scope
        self._graph = ops_lib.graph_of(values or [])

    def __enter__(self):
        self._graph_ctx = self._graph.as_default()
        self._graph_ctx.__enter__()
        self._name_ctx = None
        try:
            return self._enter()
        except BaseException:  # leave no scope or default graph behind on an error
            if self._name_ctx is not None:
                self._name_ctx.__exit__(None, None, None)
            self._graph_ctx.__exit__(None, None, None)
            raise

    def _enter(self):
        graph = self._graph
        store = _store(graph)
        if self._aux:
            name_scope = None
        else:
            current = graph.get_name_scope()
            name_scope = current + "/" if current else ""
        if self._name_or_scope is not None:
            if isinstance(self._name_or_scope, str):
                ns = self._name_or_scope
            else:
                ns = self._name_or_scope.name.split("/")[-1]
            opened_name = self._open_name_scope(graph, ns if name_scope is None else name_scope)
            old_name_scope = opened_name if isinstance(self._name_or_scope, str) else \
                self._name_or_scope.original_name_scope
            scope_name = self._name_or_scope
        else:
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            opened_name = self._open_name_scope(graph, self._default_name if name_scope is None else name_scope)
            old_name_scope = opened_name
            scope_name = _unique_scope_name(store, self._default_name, graph)
        return self._enter_pure(store, scope_name, old_name_scope)

    def _open_name_scope(self, graph, name):
        self._name_ctx = graph.name_scope(name)
        return self._name_ctx.__enter__()

    def _enter_pure(self, store, name_or_scope, old_name_scope):
        a = self._args
        self._old = store.current_scope
        if isinstance(name_or_scope, VariableScope):
            self._new_name = name_or_scope.name
            scope = VariableScope(name_or_scope.reuse if not self._reuse else self._reuse,
                                  name=self._new_name, initializer=name_or_scope.initializer,
                                  regularizer=name_or_scope.regularizer,
                                  caching_device=name_or_scope.caching_device,
                                  partitioner=name_or_scope.partitioner, dtype=name_or_scope.dtype,
                                  custom_getter=name_or_scope.custom_getter,
                                  name_scope=name_or_scope.original_name_scope,
                                  use_resource=name_or_scope.use_resource,
                                  constraint=a["constraint"])
            store.open_scope(self._new_name)
            self._old_counts = copy.copy(store.scope_counts)
        else:
            old = self._old
            self._new_name = old.name + "/" + name_or_scope if old.name else name_or_scope
            reuse = self._reuse or old.reuse  # reuse is inherited by sub-scopes
            scope = VariableScope(reuse, name=self._new_name, initializer=old.initializer,
                                  regularizer=old.regularizer, caching_device=old.caching_device,
                                  partitioner=old.partitioner, dtype=old.dtype, use_resource=old.use_resource,
                                  custom_getter=old.custom_getter,
                                  name_scope=old_name_scope if old_name_scope is not None else name_or_scope,
                                  constraint=a["constraint"])
            store.open_scope(self._new_name)
            self._old_counts = None
        for key in ("initializer", "regularizer", "caching_device", "partitioner", "dtype",
                    "use_resource"):
            if a[key] is not None:
                getattr(scope, "set_" + key)(a[key])
        if a["custom_getter"] is not None:
            scope.set_custom_getter(_wrap_custom_getter(a["custom_getter"], scope.custom_getter))
        store.current_scope = scope
        self._store = store
        return scope

    def __exit__(self, exc_type, exc, tb):
        store = self._store
        if self._old_counts is not None:
            store.scope_counts = self._old_counts
        else:
            store.close_subscopes(self._new_name)
        store.current_scope = self._old
        self._name_ctx.__exit__(exc_type, exc, tb)
        self._graph_ctx.__exit__(exc_type, exc, tb)
        return False


def no_regularizer(_):
    """Use this to switch off a scope's regularizer for one variable."""
    return None


class EagerVariableStore:
    """TF1's `tf.contrib.eager.EagerVariableStore`: in eager mode `get_variable` keeps no
    variables; inside `with store.as_default():` it keeps them here and finds them again
    (reuse is AUTO_REUSE), so graph-style code (`tf.layers` functions) can run repeatedly.
    """

    def __init__(self, store=None):
        self._store = store if store is not None else VariableStore()

    @contextlib.contextmanager
    def as_default(self):
        graph_store = _store()
        old = graph_store.eager_container
        graph_store.eager_container = self._store
        try:
            yield self
        finally:
            graph_store.eager_container = old

    def variables(self):
        """The variables kept, sorted by name (as TF1)."""
        return sorted(self._store.vars.values(), key=lambda v: v.name)

    def trainable_variables(self):
        return [v for v in self.variables() if v.trainable]

    def non_trainable_variables(self):
        return [v for v in self.variables() if not v.trainable]

    def copy(self):
        """A new store holding new variables with copies of these values."""
        new = VariableStore()
        for key, var in self._store.vars.items():
            with ops_lib.name_scope(None):
                new.vars[key] = Variable(var.read_value(), name=var.name.split(":")[0],
                                         trainable=var.trainable)
        return EagerVariableStore(new)
