"""Building operations: `convert_to_tensor` and `make_op`, the generic lifter.

`make_op` turns any JAX function into a graph op: it names the op (name scope, uniquifying),
attaches control dependencies and device, and infers the static output shapes and dtypes
with `jax.eval_shape`. Every op in the op library is one call to it.

Unknown dimensions (`None`, from placeholders) are inferred by evaluating shapes twice with
two different stand-in sizes: a dimension that changes with the stand-in is unknown. This is
simpler than symbolic dimensions and handles `None + None` broadcasting, which JAX's symbolic
shapes reject.
"""
import functools

import jax
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import device as device_lib
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import eager
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_kind import CONST, FilledArray, PURE
from tfvars_jax.framework.precision import with_tf_precision
from tfvars_jax.framework.tensor_shape import TensorShape

_STAND_INS = (7, 11)
_REF_INPUT_OP_TYPES = device_lib.REF_INPUT_OP_TYPES  # ops placed with the variable they write
_shape_cache = {}


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """TF1's `tf.convert_to_tensor`: Tensors pass through (dtype checked), Variables give their
    read value, Python and NumPy values become Const ops.

    Raises:
      ValueError: a Tensor whose dtype differs from the requested one.
      TypeError: a value that cannot be converted to `dtype`.
    """
    if isinstance(value, ops_lib.Tensor):
        if dtype is not None and dtype is not value._dtype and \
                not dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for "
                             f"Tensor with dtype {value.dtype.name}: {value!r}")
        return value
    if hasattr(value, "_as_tensor"):
        return value._as_tensor(dtype)
    if isinstance(value, ops_lib.Operation):
        raise TypeError(f"Can't convert Operation '{value.name}' to Tensor (target dtype={dtype}, "
                        f"name={name}).")
    if isinstance(value, (list, tuple)) and any(_is_symbolic(v) for v in _flatten(value)):
        if _list_packer is None:
            raise TypeError("Converting a list holding Tensors needs the op library (import "
                            "tfvars_jax).")
        return _list_packer(value, dtype, name or "packed")
    hint = dtype if dtype is not None else (preferred_dtype or dtype_hint)
    return constant(value, dtype=dtype, name=name or "Const", _hint=hint)


_list_packer = None


def register_list_packer(fn):
    """Installs `fn(values, dtype, name) -> Tensor`, which `convert_to_tensor` uses for a list
    holding Tensors (TF1 packs it); the op library registers `tf.stack` here."""
    global _list_packer
    _list_packer = fn


def _flatten(seq):
    for v in seq:
        if isinstance(v, (list, tuple)):
            yield from _flatten(v)
        else:
            yield v


def _is_symbolic(v):
    return isinstance(v, ops_lib.Tensor) or hasattr(v, "_as_tensor")


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False, _hint=None):
    """TF1's `tf.constant`: a Const op holding a NumPy value (broadcast/filled to `shape`)."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype).base_dtype
    else:
        inferred = dtypes.dtype_of_value(value)
        dtype = inferred
        if _hint is not None:
            try:
                hint = dtypes.as_dtype(_hint).base_dtype
                dtypes.convert_value(value, hint)
                dtype = hint
            except (TypeError, ValueError):
                dtype = inferred
    arr = dtypes.convert_value(value, dtype)
    if shape is not None:
        shape = tuple(int(d) for d in (shape.as_list() if isinstance(shape, TensorShape) else
                                      np.atleast_1d(np.asarray(shape, dtype=np.int64)).tolist()
                                      if not isinstance(shape, (list, tuple)) else shape))
        if verify_shape and arr.shape != shape:
            raise TypeError(f"Expected Tensor's shape: {shape}, got {arr.shape}.")
        if arr.shape != shape:
            if arr.size == 1 and int(np.prod(shape)) > LAZY_FILL_MIN_ELEMENTS and \
                    arr.dtype != object:
                return filled_constant(arr.reshape(()).item(), shape, dtype, name)
            if arr.size == 1:
                arr = np.broadcast_to(arr.reshape(()), shape).copy()
            elif arr.size == int(np.prod(shape)):
                arr = arr.reshape(shape)
            elif arr.ndim <= 1 and arr.size < int(np.prod(shape)):
                flat = np.empty(int(np.prod(shape)), dtype=arr.dtype)
                flat[:arr.size] = arr.reshape(-1)
                flat[arr.size:] = arr.reshape(-1)[-1]
                arr = flat.reshape(shape)
            else:
                raise ValueError("Too many elements provided. Needed at most "
                                 f"{int(np.prod(shape))}, but received {arr.size}")
    op = make_op("Const", None, [], name=name, attrs={"value": arr, "dtype": dtype},
                 out_specs=[(dtype, TensorShape(arr.shape))], kind=CONST)
    out = op.outputs[0]
    out._static_value = arr
    return out


# Constants of one repeated value with more elements than this are `FilledArray`s: made in
# the compiled step, never held on the host (TF1 folds them into a host buffer).
LAZY_FILL_MIN_ELEMENTS = 1 << 16


def filled_constant(value, shape, dtype, name="Const"):
    """A Const op of `shape` whose elements all equal the scalar `value`; large ones are lazy
    (`FilledArray`) and have no static value (shape inference does not need one)."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    shape = tuple(int(d) for d in shape)
    if int(np.prod(shape, dtype=np.int64)) <= LAZY_FILL_MIN_ELEMENTS or dtype == dtypes.string:
        return constant(value, dtype=dtype, shape=shape, name=name)
    np_dtype = np.dtype(dtype.as_numpy_dtype)
    scalar = dtypes.convert_value(value, dtype).reshape(()).item()
    op = make_op("Const", None, [], name=name,
                 attrs={"value": FilledArray(scalar, shape, np_dtype), "dtype": dtype},
                 out_specs=[(dtype, TensorShape(shape))], kind=CONST)
    return op.outputs[0]


def _kernel_key(fn, attrs):
    try:
        key = (fn, tuple(sorted(attrs.items())))
        hash(key)
        return key
    except TypeError:
        return None


class _UnknownRank(Exception):
    """An input of unknown rank or a string input: the outputs' shapes are unknown."""


def _spec_of(t, stand_in, aligned=None):
    """A ShapeDtypeStruct for `t`, unknown dims replaced by `stand_in` (or, with `aligned`, by the
    known size other inputs have at the same broadcast position)."""
    dims = t.shape.as_tuple()
    if dims is None or t.dtype.base_dtype == dtypes.string:
        raise _UnknownRank()
    n = len(dims)
    dims = tuple((aligned or {}).get(n - i, stand_in) if d is None else d for i,
                 d in enumerate(dims))
    return jax.ShapeDtypeStruct(dims, np.dtype(t.dtype.as_numpy_dtype))


def _broadcast_known(inputs):
    """{position from the right: size} where exactly one size > 1 is known among the inputs."""
    sizes = {}
    for t in inputs:
        dims = t.shape.as_tuple() or ()
        for i, d in enumerate(dims):
            if d is not None and d != 1:
                sizes.setdefault(len(dims) - i, set()).add(d)
    return {pos: next(iter(v)) for pos, v in sizes.items() if len(v) == 1}


def _eval_aligned(fn, attrs, statics, inputs, aligned):
    """Two `_eval_shape` results with the unknown dims at the known sizes `aligned` gives them,
    except the dims the kernel does not tie to that size (concat's axis: `concat([x, c], 0)`
    with x [?, ?] and c [2, 3] is [?, 3], not [4, 3]), which get the stand-ins."""
    base = [_spec_of(t, _STAND_INS[0], aligned) for t in inputs]
    _eval_shape(fn, attrs, statics, base)  # raises when no alignment fits
    free = set()
    for j, t in enumerate(inputs):
        dims = t.shape.as_tuple()
        for i, d in enumerate(dims):
            if d is None and len(dims) - i in aligned:
                trial = list(base)
                trial[j] = _with_dim(base[j], i, _STAND_INS[0])
                try:
                    _eval_shape(fn, attrs, statics, trial)
                    free.add((j, i))
                except Exception:  # noqa: BLE001 - tied to the known size
                    pass
    results = []
    for k in _STAND_INS:
        specs = [_spec_of(t, k, aligned) for t in inputs]
        for j, i in free:
            specs[j] = _with_dim(specs[j], i, k)
        results.append(_eval_shape(fn, attrs, statics, specs))
    return results


def _with_dim(spec, i, size):
    dims = list(spec.shape)
    dims[i] = size
    return jax.ShapeDtypeStruct(tuple(dims), spec.dtype)


def infer_outputs(op_type, fn, attrs, inputs, name):
    """Static (dtype, TensorShape) of each output of `fn(*inputs, **attrs)`.

    Raises:
      ValueError: the kernel rejects the input shapes (the message names the op and shapes).
      TypeError: the kernel rejects the input dtypes.
    """
    has_unknown = any(t.shape.as_tuple() is None or None in t.shape.as_tuple() for t in inputs)
    statics = [t._static_value for t in inputs]
    key = _kernel_key(fn, attrs)
    if key is not None:
        try:
            cache_key = (key, tuple((t.dtype, t.shape.as_tuple(),
                                     None if s is None else (s.tobytes(), s.shape)) for t, s in zip(inputs, statics)))
            hash(cache_key)
        except TypeError:
            cache_key = None
        if cache_key is not None and cache_key in _shape_cache:
            return _shape_cache[cache_key]
    else:
        cache_key = None
    try:
        results = [_eval_shape(fn, attrs, statics, [_spec_of(t, k) for t in inputs])
                   for k in (_STAND_INS if has_unknown else _STAND_INS[:1])]
    except _UnknownRank:
        return None
    except Exception as e:  # noqa: BLE001 - reported below with the op's name
        if has_unknown:
            # An unknown dim may have to equal a known one (`[None] + [3]`): give it that size.
            aligned = _broadcast_known(inputs)
            try:
                results = _eval_aligned(fn, attrs, statics, inputs, aligned)
            except Exception:  # noqa: BLE001 - genuinely unknown
                return None
        else:
            shapes = ", ".join(f"{t.name}: {t.shape} {t.dtype.name}" for t in inputs)
            msg = f"{op_type} op '{name}' cannot take inputs [{shapes}]: {_first_line(e)}"
            if isinstance(e, TypeError) and "dtype" in str(e).lower():
                raise TypeError(msg) from None
            raise ValueError(msg) from None
    first = results[0]
    specs = []
    for j, o in enumerate(first):
        dims = list(o.shape)
        if len(results) > 1:
            other = results[1][j].shape
            if len(other) != len(dims):
                dims = None
            else:
                dims = [a if a == b else None for a, b in zip(dims, other)]
        specs.append((dtypes.as_dtype(o.dtype), TensorShape(dims)))
    if cache_key is not None:
        _shape_cache[cache_key] = specs
    return specs


@with_tf_precision
def _eval_shape(fn, attrs, statics, specs):
    """`jax.eval_shape` of `fn(*inputs, **attrs)` with inputs known at graph time (`statics`)
    passed as values and the others as `specs`; always a tuple of ShapeDtypeStructs."""
    dyn_idx = [i for i, v in enumerate(statics) if v is None]

    def call(*dyn):
        args = list(statics)
        for i, v in zip(dyn_idx, dyn):
            args[i] = v
        out = fn(*args, **attrs)
        return out if isinstance(out, tuple) else (out,)

    return jax.eval_shape(call, *[specs[i] for i in dyn_idx])


def _first_line(e):
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def make_op(op_type, fn, inputs, *, name=None, attrs=None, out_specs=None, kind=PURE,
            num_outputs=None, graph=None, var=None, check=None, needs_old=True, seed=None):
    """Creates an Operation whose kernel is `fn(*input_values, **attrs)` and returns it.

    The op is added to the inputs' graph as TF1 adds an op: its name is scoped and uniquified,
    the current control dependencies and device are attached, and the static dtype and shape of
    each output are inferred with `jax.eval_shape` (a dimension is unknown when it changes with
    the size given to the inputs' unknown dimensions). Every op of the op library is one call to
    this; it is also how to add an op TF1 has and we do not ship. Unlike a TF1 kernel, `fn` is
    traced by JAX: it must be a pure JAX function of its inputs.

    Args:
      op_type: TF1's op type ("Add", "MatMul", ...).
      fn: a JAX function of the input values (plus the variable value / PRNG key first for
        kinds "write"/"random"); returns one array or a tuple.
      inputs: input Tensors (already converted).
      name: the op name before scoping; defaults to `op_type`. A name ending in "/" is used as is.
      attrs: static keyword arguments of `fn`, also shown by `op.get_attr`.
      out_specs: [(DType, TensorShape)] per output; inferred with `jax.eval_shape` when omitted.
      kind: the `OpKind`: how a run treats the op.
      num_outputs: the number of outputs when they cannot be inferred (unknown input ranks).
      graph: the graph, when `inputs` is empty (default: the inputs' graph, else the default).
      var: the name of the variable the op reads or writes, if any.
      check: a `RunCheck` of a write op.
      needs_old: whether a write op's kernel reads the variable's old value.
      seed: the op seed of a random op (its seeds are drawn as TF1's `get_seed` does).

    Returns:
      The Operation; its output Tensors are `op.outputs`.

    Raises:
      ValueError: the inputs are in different graphs, or `fn` rejects the input shapes (the
        message names the op and its inputs' shapes).
      TypeError: `fn` rejects the input dtypes.
      RuntimeError: the graph is finalized.
      NotImplementedError: an input is a `tf.string` tensor and `out_specs` is not given.

    Examples:
      >>> import jax.numpy as jnp
      >>> import tfvars_jax as tf
      >>> from tfvars_jax.framework.op_builder import make_op
      >>> with tf.Graph().as_default():
      ...     x = tf.placeholder(tf.float32, shape=[None, 3])
      ...     op = make_op("Cube", lambda v: v ** 3, [x])
      ...     y = op.outputs[0]
      ...     print(op.name, y.shape, y.dtype.name)
      ...     with tf.Session() as sess:
      ...         print(sess.run(y, feed_dict={x: [[1.0, 2.0, 3.0]]}))
      Cube (?, 3) float32
      [[ 1.  8. 27.]]

      Shapes the kernel rejects are reported when the op is built, as TF1's shape functions do:

      >>> with tf.Graph().as_default():
      ...     make_op("Add", jnp.add, [tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0])])
      Traceback (most recent call last):
      ...
      ValueError: Add op 'Add' cannot take inputs [Const:0: (2,) float32, Const_1:0: (3,) ...
    """
    if context.EAGER.enabled:
        if context.executing_eagerly():  # the one switch to eager mode
            return eager.execute(op_type, fn, inputs, name or op_type, attrs, kind, out_specs,
                                 num_outputs, var, check, needs_old, seed)
        graph = graph or ops_lib.graph_of(inputs)
        if any(isinstance(t, eager.EagerTensor) for t in inputs):
            inputs = [capture_eager_tensor(t, graph) if isinstance(t, eager.EagerTensor) else t
                      for t in inputs]
    elif graph is None:
        graph = inputs[0]._op._graph if inputs and type(inputs[0]) is ops_lib.Tensor else \
            ops_lib.graph_of(inputs)
    attrs = dict(attrs) if attrs else {}
    for t in inputs:
        if t._op._graph is not graph:
            raise ValueError(f"Tensor {t.name} must be from the same graph as the other inputs of "
                             f"{op_type}.")
    if graph._finalized:
        graph._check_not_finalized()
    name = name or op_type
    full_name = name[:-1] if name[-1] == "/" else graph.unique_name(name)
    if out_specs is None:
        if any(t.dtype == dtypes.string for t in inputs):
            raise NotImplementedError(f"{op_type} ('{full_name}') on a tf.string input is not "
                                      "supported: string tensors can only be created, assigned, "
                                      "read and fetched.")
        out_specs = infer_outputs(op_type, fn, attrs, inputs, full_name)
        if out_specs is None:
            # Unknown shapes: we still need dtypes and the number of outputs.
            out_specs = [(d, TensorShape(None)) for d,
                         _ in _dtypes_only(fn, attrs, inputs, num_outputs)]
    kernel = functools.partial(fn, **attrs) if (fn is not None and attrs) else fn
    tls = graph._thread_local
    op = ops_lib.Operation(graph, full_name, op_type, inputs,
                           graph._current_control_inputs(inputs) if tls.control_stack else (),
                           "", kernel, kind, attrs, var, check, needs_old)
    tensor = ops_lib.Tensor
    if len(out_specs) == 1:
        (d, s), = out_specs
        op._outputs = (tensor(op, 0, d, s),)
        op.host = d._name == "string"
    else:
        op._outputs = tuple(tensor(op, i, d, s) for i, (d, s) in enumerate(out_specs))
        op.host = any(d._name == "string" for d, _ in out_specs)
    if tls.device_stack or tls.colocation_stack or op_type in _REF_INPUT_OP_TYPES:
        op._device = graph._device_for(op)  # after the outputs: device functions may read them
    graph._add_op(op)
    if kind.random:
        op.seed = graph._op_seeds(seed, full_name)
    return op


def capture_eager_tensor(tensor, graph):
    """An eager tensor used by an op of a function being traced (`defun`): a constant of its
    value in that graph (eager tensors are immutable, so the value is the one every call
    sees), made once per tensor. Other graphs cannot take eager tensors (TypeError)."""
    captures = getattr(graph, "captured_tensors", None)
    if captures is None:
        raise TypeError(f"An eager tensor ({tensor!r}) cannot be an input of a graph op: build "
                        "the graph from graph tensors, or compile the function with "
                        "tf.contrib.eager.defun.")
    key = id(tensor)
    entry = captures.get(key)
    if entry is None:
        with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None):
            entry = captures[key] = (tensor, constant(tensor.numpy(), dtype=tensor.dtype,
                                                      name="captured"))
    return entry[1]


def _dtypes_only(fn, attrs, inputs, num_outputs):
    """Output dtypes when shapes are unknown: evaluate with every unknown rank/dim set to 1."""
    specs = []
    for t in inputs:
        dims = t.shape.as_tuple()
        dims = (1,) if dims is None else tuple(1 if d is None else d for d in dims)
        specs.append(jax.ShapeDtypeStruct(dims, np.dtype(t.dtype.as_numpy_dtype)))
    try:
        outs = _eval_shape(fn, attrs, [t._static_value for t in inputs], specs)
        return [(dtypes.as_dtype(o.dtype), None) for o in outs]
    except Exception:  # noqa: BLE001
        n = num_outputs or 1
        return [(inputs[0].dtype if inputs else dtypes.float32, None)] * n


def next_op_name(name):
    """The name the next op made with `name` will get (for a message written before the op
    exists, such as a `RunCheck`'s). A name ending in "/" is used as is, as in `make_op`."""
    if name.endswith("/"):
        return name[:-1]
    return ops_lib.get_default_graph().unique_name(name, mark_as_used=False)


def op_output(op_type, fn, inputs, *, name=None, attrs=None, kind=PURE, out_specs=None,
              **kwargs):
    """`make_op(...)` for a single-output op: returns its Tensor (eagerly, a pure op goes
    straight to `eager.run_pure`, without an op object)."""
    if kind is PURE and out_specs is None and context.EAGER.enabled and \
            context.executing_eagerly():
        return eager.run_pure(op_type, fn, inputs, name or op_type, attrs)[0]
    return make_op(op_type, fn, inputs, name=name, attrs=attrs, kind=kind, out_specs=out_specs,
                   **kwargs).outputs[0]
