"""`tf.make_template`: a function whose variables are created on the first call and reused after.

TF 1.15's `tensorflow/python/ops/template.py` (graph mode): the first call opens a variable
scope named `name_` (uniquified: `name_`, `name__1`, ...) and runs the function there; every
later call re-enters that scope with `reuse=True`, so `tf.get_variable` returns the same
variables and ops get fresh name scopes (`name__1/...`, as TF1 re-entering a scope object).
"""
import functools
import logging
import traceback

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.variables import variable_scope as vs

__all__ = ["Template", "make_template"]

_log = logging.getLogger("tfvars_jax")


def make_template(name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None,
                  **kwargs):
    """Wraps `func_` so that all its calls share the variables its first call creates.

    Args:
      name_: the variable scope's name (uniquified unless `unique_name_` is given).
      func_: the function; it should create variables with `tf.get_variable` only.
      create_scope_now_: open (and name) the scope now instead of at the first call.
      unique_name_: the scope name to use as is (no uniquifying).
      custom_getter_: a custom getter for the template's scope.
      **kwargs: keyword arguments bound to `func_`.

    Returns:
      A `Template`; calling it calls `func_`.

    Raises (when called):
      ValueError: a call after the first creates a trainable variable (e.g. with `tf.Variable`),
        or (from `tf.get_variable`) asks for a variable the first call did not create.

    Examples:
      >>> import tfvars_jax as tf
      >>> def scale(x):
      ...     w = tf.get_variable("w", shape=[], initializer=tf.constant_initializer(3.0))
      ...     return x * w
      >>> with tf.Graph().as_default():
      ...     t = tf.make_template("scale", scale)
      ...     a, b = t(tf.constant(1.0)), t(tf.constant(2.0))
      ...     print([v.name for v in tf.global_variables()], a.op.name, b.op.name)
      ['scale/w:0'] scale/mul scale_1/mul
    """
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(name_, func_, create_scope_now=create_scope_now_, unique_name=unique_name_,
                    custom_getter=custom_getter_)


def _skip_common_stack_elements(stacktrace, base_case):
    for i, (trace, base) in enumerate(zip(stacktrace, base_case)):
        if trace != base:
            return stacktrace[i:]
    return stacktrace[-1:]


class _PureVariableScope(vs.variable_scope):
    """A variable scope that opens no name scope (TF1's `_pure_variable_scope`): its
    `original_name_scope` is the scope's name."""

    def __init__(self, name, custom_getter=None):
        super().__init__(name, custom_getter=custom_getter)

    def _enter(self):
        self._name_ctx = _NullContext()
        return self._enter_pure(vs._store(self._graph), self._name_or_scope, None)


class _NullContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class Template:
    """A function that creates its variables on the first call and reuses them afterwards
    (see `make_template`)."""

    def __init__(self, name, func, create_scope_now=False, unique_name=None, custom_getter=None,
                 create_graph_function=False):
        if create_graph_function:
            raise NotImplementedError("Template argument 'create_graph_function' (tf.function) is "
                                      "not supported.")
        self._func = func
        self._stacktrace = traceback.format_stack()[:-2]
        self._name = name
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        if name is None:
            raise ValueError("name cannot be None.")
        if create_scope_now:
            scope_name = self._unique_name or vs._unique_scope_name(vs._store(), self._name)
            with _PureVariableScope(scope_name, custom_getter=self._custom_getter) as scope:
                self._variable_scope = scope
        else:
            self._variable_scope = None
        self._variables_created = False
        self._first_call = True

    def _call_func(self, args, kwargs):
        try:
            if self._variables_created:
                graph = ops_lib.get_default_graph()
                vars_at_start = len(graph.get_collection_ref(ops_lib.GraphKeys.GLOBAL_VARIABLES))
                trainable_at_start = len(graph.get_collection_ref(ops_lib.GraphKeys.TRAINABLE_VARIABLES))
                result = self._func(*args, **kwargs)
                trainable = graph.get_collection_ref(ops_lib.GraphKeys.TRAINABLE_VARIABLES)
                if trainable_at_start != len(trainable):
                    raise ValueError("Trainable variable created when calling a template after the "
                                     "first time, perhaps you used tf.Variable when you meant "
                                     f"tf.get_variable: {trainable[trainable_at_start:]}")
                variables = graph.get_collection_ref(ops_lib.GraphKeys.GLOBAL_VARIABLES)
                if vars_at_start != len(variables):
                    _log.info("New variables created when calling a template after the first time, perhaps you "
                              "used tf.Variable when you meant tf.get_variable: %s", variables[vars_at_start:])
            elif self._first_call:
                self._first_call = False
                try:
                    result = self._func(*args, **kwargs)
                except BaseException:
                    self._first_call = True
                    raise
                self._variables_created = True
            else:  # called again from another thread while the first call runs
                result = self._func(*args, **kwargs)
            return result
        except Exception as exc:
            exc_args = exc.args
            arg0 = exc_args[0] if exc_args else ""
            trace = "".join(_skip_common_stack_elements(self._stacktrace, traceback.format_stack()))
            exc.args = (f"{arg0}\n\noriginally defined at:\n{trace}",) + tuple(exc_args[1:])
            raise

    def __call__(self, *args, **kwargs):
        if self._variable_scope:
            with vs.variable_scope(self._variable_scope, reuse=not self._first_call):
                return self._call_func(args, kwargs)
        with vs.variable_scope(self._unique_name, self._name,
                               custom_getter=self._custom_getter) as scope:
            self._variable_scope = scope
            return self._call_func(args, kwargs)

    @property
    def name(self):
        return self._name

    @property
    def func(self):
        return self._func

    @property
    def variable_scope(self):
        """The template's `VariableScope` (None before the first call unless created now)."""
        return self._variable_scope

    @property
    def variable_scope_name(self):
        if self._variable_scope:
            name = self._variable_scope.name
            if not name or name[-1] == "/":
                return name
            return name + "/"
        return None

    def _collection(self, key):
        if not self._variables_created:
            return []
        return ops_lib.get_collection(key, self.variable_scope_name)

    @property
    def variables(self):
        return self.global_variables + self.local_variables

    @property
    def trainable_variables(self):
        return self._collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES)

    @property
    def non_trainable_variables(self):
        trainable = set(self.trainable_variables)
        return [x for x in self.global_variables if x not in trainable]

    @property
    def global_variables(self):
        return self._collection(ops_lib.GraphKeys.GLOBAL_VARIABLES)

    @property
    def local_variables(self):
        return self._collection(ops_lib.GraphKeys.LOCAL_VARIABLES)

    @property
    def weights(self):
        return self.variables

    @property
    def trainable_weights(self):
        return self.trainable_variables

    @property
    def non_trainable_weights(self):
        return self.non_trainable_variables
