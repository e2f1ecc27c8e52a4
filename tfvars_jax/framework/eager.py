"""Eager execution: ops run when they are made and return concrete tensors.

`make_op` is the one place that switches (`framework/op_builder.py`): when
`context.executing_eagerly()`, it calls `execute` here instead of adding an op to a graph.
A pure kernel runs at once through a per-op jit cache: one `jax.jit` per (kernel, static
attrs), whose own cache is keyed by the input avals. Other op kinds run through their
`OpKind.run` against `EagerContext`, the eager `RunContext`: variables' values live in their
handles (`VariableHandle`), random ops draw from eager seeds (TF1's `get_seed` in eager mode),
and a run-time check raises at once. The result is an `EagerTensor` holding a JAX array.

While a `GradientTape` records (`framework/tape.py`), each executed op that consumes a
watched tensor is recorded with a pure function of its inputs, for the tape to replay under
`jax.vjp`.
"""
import functools
import random
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_kind import PURE, FilledArray
from tfvars_jax.framework.precision import enter_x64, exit_x64
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"

_DTYPES = {}


def dtype_of(value):
    """The tf.DType of a JAX or NumPy value (cached per NumPy dtype)."""
    np_dtype = value.dtype
    dt = _DTYPES.get(np_dtype)
    if dt is None:
        dt = _DTYPES[np_dtype] = dtypes.string if np_dtype.kind == "O" else dtypes.as_dtype(np_dtype)
    return dt


class EagerTensor(ops_lib.Tensor):
    """A concrete tensor of eager execution (TF's `EagerTensor`): it holds its value, a JAX
    array (a NumPy object array for `tf.string`).

    As TF1: `.numpy()`, `np.asarray(t)`, `float(t)`, `int(t)`, `bool(t)`, `t.__index__()`,
    `len(t)`, iteration over the first dimension, printing as `tf.Tensor(1.0, shape=(),
    dtype=float32)`; `==` is identity (TF1's default), the Python operators build (and run)
    ops. `t.op`, `t.name` and `t.graph` raise AttributeError and `t.eval()` raises
    NotImplementedError, as in TF's eager mode.
    """

    __slots__ = ("_value", "_dtype", "_shape")  # slots: every eager op makes one
    _is_eager = True  # for messages (`ops.display_name`)

    def __init__(self, value, dtype=None):  # no Tensor.__init__: there is no op
        self._value = value
        self._dtype = dtype if dtype is not None else dtype_of(value)
        self._shape = None

    # ----- what eager tensors have --------------------------------------------------------
    @property
    def shape(self):
        if self._shape is None:
            self._shape = TensorShape(self._value.shape)
        return self._shape

    def get_shape(self):
        return self.shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def device(self):
        return DEVICE

    @property
    def ndim(self):
        return self._value.ndim

    def numpy(self):
        """The value as a NumPy array (a NumPy scalar for a 0-d tensor, as TF); do not mutate
        it, it may share the tensor's buffer."""
        return _as_numpy(self._value)

    def _numpy(self):
        return _as_numpy(self._value)

    @property
    def _static_value(self):
        return np.asarray(self._value)

    @_static_value.setter
    def _static_value(self, value):
        pass  # the value is always known

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._value, dtype=dtype)

    def __jax_array__(self):
        return self._value

    def set_shape(self, shape):
        """Checks that `shape` is compatible with the value's shape, as TF's eager tensors."""
        shape = as_shape(shape)
        if not shape.is_compatible_with(self.shape):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied "
                             f"shape {shape}.")

    def __float__(self):
        return float(self._numpy())

    def __int__(self):
        return int(self._numpy())

    def __complex__(self):
        return complex(self._numpy())

    def __index__(self):
        return self._numpy().__index__()

    def __bool__(self):
        x = self._numpy()
        return bool(x.size > 0 and x) if isinstance(x, np.ndarray) else bool(x)

    def __len__(self):
        if not self._value.ndim:
            raise TypeError("Scalar tensor has no `len()`")
        return self._value.shape[0]

    def __iter__(self):
        if not self._value.ndim:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in range(self._value.shape[0]))

    def __format__(self, format_spec):
        return self._numpy().__format__(format_spec)

    def __str__(self):
        return f"tf.Tensor({_numpy_text(self, False)}, shape={self.shape}, " \
               f"dtype={self._dtype.name})"

    def __repr__(self):
        return f"<tf.Tensor: shape={self.shape}, dtype={self._dtype.name}, " \
               f"numpy={_numpy_text(self, True)}>"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return EagerTensor(self._value, self._dtype)

    def __reduce__(self):
        return (_from_numpy, (self._numpy(),))

    # ----- what they do not have --------------------------------------------------------
    @property
    def op(self):
        raise AttributeError("Tensor.op is meaningless when eager execution is enabled.")

    @property
    def graph(self):
        raise AttributeError("Tensor.graph is meaningless when eager execution is enabled.")

    @property
    def name(self):
        raise AttributeError("Tensor.name is meaningless when eager execution is enabled.")

    @property
    def value_index(self):
        raise AttributeError("Tensor.value_index is meaningless when eager execution is enabled.")

    def consumers(self):
        raise NotImplementedError("Tensor.consumers is meaningless when eager execution is "
                                  "enabled.")

    def eval(self, feed_dict=None, session=None):
        raise NotImplementedError("eval is not supported when eager execution is enabled, is "
                                  ".numpy() the method you want?")

    def _as_graph_element(self):
        raise TypeError("An EagerTensor is not an element of a graph: eager tensors cannot be "
                        "fetched by a Session.")


def _as_numpy(value):
    a = np.asarray(value)
    return a[()] if a.ndim == 0 else a


def _from_numpy(value):
    return EagerTensor(as_device_value(value))


def _numpy_text(tensor, is_repr):
    value = tensor._numpy()
    if is_repr:
        text = repr(value.item()) if np.isscalar(value) and not isinstance(value, bytes) \
            else repr(value)
    else:
        text = str(value)
    return "\n" + text if "\n" in text else text


def as_device_value(value):
    """A NumPy (or FilledArray) value as the value of an EagerTensor: a JAX array, or the NumPy
    object array of a `tf.string` value.

    Small values (at most 64 bytes: scalars, shapes, the Python numbers of `x * 2.0`) are
    cached by their exact bytes (so -0.0 and 0.0, or two NaNs, stay apart): a JAX array is
    immutable, so tensors of one value may share it, and putting a value on the device costs
    more than the op that uses it. A cached array that was deleted (a user donated it) is made
    again."""
    if isinstance(value, FilledArray):
        with jax.enable_x64(True):
            return value.materialize()
    if isinstance(value, np.ndarray) and value.dtype == object:
        return value
    if isinstance(value, (np.ndarray, np.generic)) and value.nbytes <= 64:
        key = (value.dtype, value.shape, value.tobytes())
        cached = _small_values.get(key)
        if cached is None or cached.is_deleted():
            if len(_small_values) >= _SMALL_VALUES_LIMIT:
                _small_values.clear()
            with jax.enable_x64(True):
                cached = _small_values[key] = jnp.asarray(value)
        return cached
    with jax.enable_x64(True):
        return jnp.asarray(value)


_small_values = {}
_SMALL_VALUES_LIMIT = 4096


class HandleTensor(EagerTensor):
    """The handle of an eager variable (`v.handle`): a scalar of dtype `resource`, as TF; it
    names the `VariableHandle` (the value's dtype and shape are its op's attrs)."""

    __slots__ = ("_handle",)

    def __init__(self, handle):
        self._handle = handle
        self._value = None
        self._dtype = dtypes.resource
        self._shape = TensorShape([])

    def numpy(self):
        raise ValueError(f"Cannot convert the handle of variable '{self._handle.var_name}' to "
                         "NumPy; read the variable (v.numpy()) instead.")

    _numpy = numpy

    def __repr__(self):
        return f"<tf.Tensor: shape=(), dtype=resource, value=<handle of '{self._handle.var_name}'>>"

    __str__ = __repr__


class VariableHandle:
    """Where an eager variable's value lives. `name` is the handle's unique shared name
    (TF's `<name>_<uid>`), by which eager state ops find it (`op.var`); `var_name` is the
    variable's name."""

    __slots__ = ("name", "var_name", "dtype", "shape", "trainable", "value", "op", "variable",
                 "uid", "__weakref__")

    def __init__(self, var_name, dtype, shape, trainable, value, variable=None):
        self.var_name = var_name
        self.variable = weakref.ref(variable) if variable is not None else lambda: None
        self.uid = next(_uids)  # creation order
        self.name = f"{var_name}_{self.uid}"
        self.dtype, self.shape, self.trainable, self.value = dtype, shape, trainable, value
        self.op = EagerOp("VarHandleOp", self.name, None, {"dtype": dtype, "shape": shape},
                          (), None)
        self.op.var = self.name
        self.op._outputs = [HandleTensor(self)]
        _handles[self.name] = self


def _counter():
    i = 0
    while True:
        i += 1
        yield i


_uids = _counter()
_handles = weakref.WeakValueDictionary()


class _HandleValues:
    """`RunContext.vars` of eager execution: variable handle name -> the handle's value."""

    def __getitem__(self, name):
        return _handles[name].value

    def get(self, name, default=None):
        handle = _handles.get(name)
        return default if handle is None else handle.value

    def __contains__(self, name):
        return name in _handles

    def __setitem__(self, name, value):
        handle = _handles[name]
        if tuple(value.shape) != tuple(handle.value.shape) and handle.shape.is_fully_defined():
            raise ValueError(f"Cannot assign to variable {handle.var_name}: the value's shape "
                             f"{tuple(value.shape)} differs from the variable's shape "
                             f"{handle.shape}.")
        handle.value = value


class EagerOp:
    """What `make_op` returns in eager mode: the executed op's type, attrs and `outputs` (the
    EagerTensors). It is not part of any graph."""

    __slots__ = ("type", "name", "kernel", "attrs", "_inputs", "_outputs", "kind", "var",
                 "check", "needs_old", "seed", "host", "key", "sizes")

    def __init__(self, op_type, name, kernel, attrs, inputs, kind):
        self.type, self.name, self.kernel, self.attrs = op_type, name, kernel, attrs
        self._inputs, self.kind = inputs, kind
        self.var = self.check = self.seed = self.key = self.sizes = None
        self.needs_old = True
        self.host = False

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def inputs(self):
        return tuple(self._inputs)

    @property
    def control_inputs(self):
        return []

    def values(self):
        return tuple(self._outputs)

    def get_attr(self, name):
        if name not in self.attrs:
            raise ValueError(f"Operation '{self.name}' has no attr named '{name}'.")
        return self.attrs[name]

    @property
    def graph(self):
        """The global default graph, which holds eager code's name scopes."""
        return ops_lib.get_default_graph()

    def run(self, feed_dict=None, session=None):
        """Nothing to do: an eager op ran when it was made."""

    def __repr__(self):
        return f"<tf.Operation '{self.name}' type={self.type} (executed eagerly)>"


# ----- the per-op jit cache -----------------------------------------------------------------
_jit_cache = {}
_JIT_CACHE_LIMIT = 8192


def _freeze(v):
    """A hashable stand-in for an attr value (TypeError if there is none)."""
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, np.ndarray):
        if v.size > 4096:
            raise TypeError("a large array attr")
        return ("nd", v.dtype.str, v.shape, v.tobytes())
    hash(v)
    return v


def jitted(fn, attrs):
    """`jax.jit` of `fn(*args, **attrs)`, one per (kernel, static attrs); JAX's own cache keys
    the compiled code by the input avals. None when an attr has no hashable form (the caller
    then calls the kernel op by op).

    The cache is keyed by `id(fn)` (a `jax.numpy` ufunc hashes in Python, ~0.6 µs); each entry
    holds `fn`, so the id stays its own while the entry lives."""
    try:
        key = (id(fn), tuple(attrs.items())) if attrs else id(fn)
        entry = _jit_cache.get(key)
    except TypeError:
        try:
            key = (id(fn), _freeze(attrs))
        except TypeError:
            return None
        entry = _jit_cache.get(key)
    if entry is None:
        if len(_jit_cache) >= _JIT_CACHE_LIMIT:  # kernels made per call must not pile up
            _jit_cache.clear()
        kernel = (lambda *a: fn(*a, **attrs)) if attrs else fn
        entry = _jit_cache[key] = (fn, jax.jit(kernel))
    return entry[1]


# ----- seeds ------------------------------------------------------------------------------
class EagerSeeds:
    """TF's eager random state: the global seed (`tf.set_random_seed`), the generator of
    per-op seeds for ops without one, and per (global seed, op seed) the number of draws, so
    that repeated calls of a seeded op continue one sequence and setting the seed again
    restarts every sequence, as TF's eager kernels do."""

    def __init__(self):
        self.global_seed = None
        self.rng = random.Random()
        self.draws = {}

    def set_global_seed(self, seed):
        self.global_seed = None if seed is None else int(np.asarray(seed))
        self.rng = random.Random(self.global_seed)
        self.draws = {}

    def op_seeds(self, op_seed):
        """TF1's `get_seed` in eager mode: (global seed, op seed), or (None, None)."""
        if self.global_seed is not None:
            if op_seed is None:
                op_seed = self.rng.randint(0, 2 ** 31 - 1)
            return self.global_seed & 0x7FFFFFFF, int(op_seed) & 0x7FFFFFFF
        if op_seed is not None:
            return 87654321, int(op_seed) & 0x7FFFFFFF
        return None, None

    def key(self, seeds):
        if seeds[0] is None:
            g, o, n = _unseeded.getrandbits(31), _unseeded.getrandbits(31), 0
        else:
            g, o = seeds
            n = self.draws.get(seeds, 0)
            self.draws[seeds] = n + 1
        with jax.enable_x64(True):
            return _key_of(np.uint32(g), np.uint32(o), np.uint32(n))


SEEDS = EagerSeeds()
_unseeded = random.Random()


@jax.jit
def _key_of(graph_seed, op_seed, draw):
    key = jax.random.fold_in(jax.random.PRNGKey(graph_seed), op_seed)
    return jax.random.fold_in(key, draw)


# ----- running ops ----------------------------------------------------------------------------
class _Initialized(dict):
    """`RunContext.resolved` of eager execution: every eager variable is initialized."""

    def __missing__(self, op):
        return _AllTrue()


class _AllTrue(dict):
    def __missing__(self, key):
        return True


class EagerContext:
    """The `RunContext` op kinds run against in eager mode (one op at a time)."""

    mode = "eager"
    fed = frozenset()
    for_gradients = False
    used = None

    def __init__(self):
        self.env = {}
        self.vars = _HandleValues()
        self.seen = {}
        self.resolved = _Initialized()

    def call(self, op, args, direct=False):
        return call_kernel(op, args, direct)

    def store(self, op, value):
        if isinstance(value, tuple):
            self.env.update(zip(op._outputs, value))
        else:
            self.env[op._outputs[0]] = value

    def random_key(self, op):
        op.key = SEEDS.key(op.seed)  # kept for a tape's replay
        return op.key

    def check(self, op, args):
        predicate, error_class, message = op.check
        self.fail_if(predicate(*args), error_class, message)

    def fail_if(self, flag, error_class, message):
        if bool(np.asarray(flag)):
            raise error_class(None, None, message)

    def assumed_sizes(self, op, guess, actual):
        """A data-dependent op's sizes: the `actual` ones, concrete in eager mode (kept for a
        tape's replay)."""
        op.sizes = tuple(int(s) for s in np.asarray(actual).reshape(-1))
        return op.sizes

    def check_sizes(self, op, actual, assumed):
        pass  # the sizes were the actual ones

    def sub(self, env, vars_, iteration=None):
        raise NotImplementedError("Nested programs (tf.cond/tf.while_loop bodies built as "
                                  "graphs) do not run in eager mode.")

    def execute(self, ops):
        raise NotImplementedError("Programs of graph ops do not run in eager mode.")


def call_kernel(op, args, direct=False):
    """Runs `op.kernel(*args)` at once: through the per-op jit cache, or directly (`direct`,
    host ops, kernels with unhashable attrs). Errors name the op, as TF's eager errors do."""
    try:
        with jax.enable_x64(True):
            if direct or op.host or op.kernel is None:
                return op.kernel(*args)
            return _kernel_jit(op)(*args)
    except errors.OpError:
        raise
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgumentError(None, None, f"{op.type} op '{op.name}': {e}") from None


def _kernel_jit(op):
    fn = op.kernel
    base = getattr(fn, "func", None)
    if base is not None and not fn.args:
        j = jitted(base, fn.keywords)
    else:
        j = jitted(fn, None)
    return j if j is not None else fn


def run_pure(op_type, fn, inputs, name, attrs=None):
    """Runs the pure op `fn(*inputs, **attrs)` at once and returns its output EagerTensors (a
    list): the eager fast path, which op functions call directly when their inputs are eager
    tensors that need no conversion (`make_op` and `op_output` also end here for a pure op).

    `name` is the op's name as `make_op` takes it (scoped by the current name scope, used as
    is when it ends in "/"); eagerly it only appears in error messages, so it is scoped only
    when one is raised. The op is recorded on recording tapes."""
    try:
        values = [t._value for t in inputs]  # graph tensors have no value
    except AttributeError:
        _reject_graph_inputs(op_type, name, inputs)
    j = jitted(fn, attrs)
    token = enter_x64()
    try:
        out = j(*values) if j is not None else fn(*values, **attrs)
    except errors.OpError:
        raise
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgumentError(None, None,
                                          f"{op_type} op '{_scoped(name)}': {e}") from None
    finally:
        exit_x64(token)
    outs = [EagerTensor(v) for v in out] if type(out) is tuple else [EagerTensor(out)]
    if _tape.active:
        op = EagerOp(op_type, _scoped(name), fn, attrs or {}, inputs, PURE)
        op._outputs = outs
        _tape.record(op, inputs, outs)
    return outs


def read_variable(var_op, op_type, name, kind, attrs):
    """The eager fast path of a variable read (`state_ops.read` of a `VarHandleOp`): an
    EagerTensor of the handle's value now, recorded on recording tapes as the op the general
    path makes (`kind`, `var`); None when the general path must run (a host value: a
    `tf.string` variable's; a value not of the variable's dtype, which it reports). The op's
    handle tensor holds the handle, so the handle is alive and `_handles` names it."""
    handle = var_op._outputs[0]._handle
    value = handle.value
    if isinstance(value, (np.ndarray, np.generic)) or dtype_of(value) is not handle.dtype:
        return None
    out = EagerTensor(value, handle.dtype)
    if _tape.active:
        op = EagerOp(op_type, name, None, attrs or {}, (var_op._outputs[0],), kind)
        op.var = var_op.var
        op._outputs = [out]
        _tape.record(op, op._inputs, op._outputs)
    return out


def _scoped(name):
    """An eager op's full name: `name` in the current name scope (as is if it ends in "/")."""
    if name.endswith("/"):
        return name[:-1]
    stack = ops_lib.get_default_graph()._name_stack
    return f"{stack}/{name}" if stack else name


def _reject_graph_inputs(op_type, name, inputs):
    graph_input = next(t for t in inputs if not isinstance(t, EagerTensor))
    raise TypeError(f"{op_type} ('{_scoped(name)}'): input {graph_input!r} is a graph tensor; in "
                    "eager mode ops take eager tensors (build graph tensors inside "
                    "`with tf.Graph().as_default():`).") from None


def execute(op_type, fn, inputs, name, attrs, kind, out_specs, num_outputs, var, check,
            needs_old, seed):
    """Runs an op at once (the eager branch of `make_op`) and returns its `EagerOp`."""
    if kind is PURE and not out_specs:  # the common case: one cached jit call
        op = EagerOp(op_type, name, fn, attrs or {}, inputs, kind)
        op._outputs = run_pure(op_type, fn, inputs, name, attrs)  # (recorded by it)
        return op
    try:
        values = [t._value for t in inputs]  # graph tensors have no value
    except AttributeError:
        _reject_graph_inputs(op_type, name, inputs)
    if not kind.runs_eagerly:
        raise NotImplementedError(
            f"{op_type} ('{name}', an op of kind {kind.name}) is not supported when eager "
            "execution is enabled.")
    attrs = attrs or {}
    kind_name = kind.name
    if kind_name == "pure" or kind_name == "checked":
        if kind_name == "checked":
            predicate, error_class, message = check
            with jax.enable_x64(True):
                flag = predicate(*values)
            if bool(np.asarray(flag)):
                raise error_class(None, None, message)
        j = jitted(fn, attrs)
        try:
            with jax.enable_x64(True):
                out = j(*values) if j is not None else fn(*values, **attrs)
        except errors.OpError:
            raise
        except (TypeError, ValueError) as e:
            raise errors.InvalidArgumentError(None, None,
                                              f"{op_type} op '{_scoped(name)}': {e}") from None
        op = EagerOp(op_type, name, fn, attrs, inputs, kind)
        outs = out if isinstance(out, tuple) else (out,)
    elif kind_name == "const":
        op = EagerOp(op_type, name, None, attrs, inputs, kind)
        outs = (attrs["value"],)
    else:
        op = EagerOp(op_type, name, functools.partial(fn, **attrs) if (fn is not None and attrs)
                     else fn, attrs, inputs, kind)
        op.var, op.check, op.needs_old = var, check, needs_old
        if kind.random:
            op.seed = SEEDS.op_seeds(seed)
        n = max(num_outputs or 1, len(out_specs or ()))
        op._outputs = list(range(n))
        ctx = EagerContext()
        for t in inputs:
            ctx.env[t] = t._value
        with jax.enable_x64(True):
            kind.run(op, ctx)
        outs = tuple(ctx.env[i] for i in range(n) if i in ctx.env)
    specs = out_specs or ()
    tensors = []
    for i, v in enumerate(outs):
        if isinstance(v, np.ndarray) and v.dtype != object or isinstance(v, (FilledArray,
                                                                                 np.generic)):
            v = as_device_value(v)
        dtype = specs[i][0].base_dtype if i < len(specs) and specs[i][0] is not None else None
        if dtype is not None and dtype != dtypes.string and dtype_of(v) != dtype:
            raise AssertionError(f"{op_type} ('{name}') computed a {dtype_of(v).name} value for "
                                 f"a {dtype.name} output: please report this bug.")
        tensors.append(EagerTensor(v, dtype))
    op._outputs = tensors
    if _tape.active:
        _tape.record(op, inputs, tensors)
    return op


def run_function(op_type, fn, inputs):
    """Runs `fn(*input values)` at once, without the jit cache (`fn` is made per call, as a
    gradient's), returning its outputs as EagerTensors; recorded on recording tapes with `fn`
    itself as the replay, so gradients of it can be taken."""
    with jax.enable_x64(True):
        out = fn(*[t._value for t in inputs])
    tensors = [EagerTensor(v) for v in (out if isinstance(out, tuple) else (out,))]
    op = EagerOp(op_type, op_type, fn, None, inputs, PURE)
    op._outputs = tensors
    if _tape.active:
        _tape.record(op, inputs, tensors)
    return tensors


class _TapeHook:
    """Where `framework/tape.py` plugs in: `record(op, inputs, outputs)` while a tape is
    active."""
    active = False

    def record(self, op, inputs, outputs):
        pass


_tape = _TapeHook()


def set_tape_hook(hook):
    global _tape
    _tape = hook


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """TF1's `tf.enable_eager_execution`: from now on ops run at once and return concrete
    tensors, for the rest of the process (it cannot be disabled, as in TF1).

    TF1 requires it at program start: it raises ValueError once the global default graph has
    ops (TF1 raises once that graph exists at all; we allow a graph that holds no op yet).
    Calling it again with the same arguments does nothing; with other ones it raises
    ValueError, as TF1. `config` (a ConfigProto, as a Session's) and `device_policy` are
    recorded: every op runs on JAX's default device, where all placement policies agree.
    `execution_mode` may be None or SYNC (0): ASYNC raises NotImplementedError.
    """
    if execution_mode not in (None, 0):
        raise NotImplementedError(f"enable_eager_execution(execution_mode={execution_mode!r}): "
                                  "only synchronous execution (None or SYNC) is supported.")
    state = context.EAGER
    args = (config, device_policy, execution_mode)
    if state.enabled:
        if args != (state.config, state.device_policy, state.execution_mode) and any(
                a is not None for a in args):
            raise ValueError("Trying to change the configuration of eager execution after it has "
                             "been enabled.")
        return
    graph = ops_lib._global_default_graph
    if graph is not None and graph.get_operations():
        raise ValueError("tf.enable_eager_execution must be called at program startup.")
    state.config, state.device_policy, state.execution_mode = args
    state.enabled = True
