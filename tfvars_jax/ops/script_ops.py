"""`tf.py_func` and `tf.numpy_function`: a Python function of NumPy arrays as a graph op.

As in TF1, `func` runs on the host with NumPy values every time a run reaches the op (it is
never constant-folded), its results must match `Tout` in number and dtype (a mismatch fails
the run with InvalidArgumentError, TF1's message), an exception it raises fails the run with
TF1's error class (ValueError/TypeError -> InvalidArgumentError, StopIteration ->
OutOfRangeError, MemoryError -> ResourceExhaustedError, NotImplementedError ->
UnimplementedError, anything else -> UnknownError; the message is the exception and its
traceback, as TF1's), a failed run changes no variable, and gradients through it are `None` (TF1
registers PyFunc as not differentiable). The outputs' static shapes are unknown, as in TF1.

Inside the compiled step the call is a host callback: `jax.experimental.io_callback(...,
ordered=True)` for `stateful=True` (never elided, run in program order) and
`jax.pure_callback` for `stateful=False`. Each callback also returns a failure flag, which
becomes a run-time check of the run (so a failing `func` restores the variables).

**Result shapes.** XLA must know a callback's result shapes when the run is compiled, and
TF1's py_func outputs have unknown shapes. We take them, when the run is compiled, from:
  1. the outputs' static shapes, when fully defined (users call `set_shape`, as TF1 code
     usually does before feeding the result to layers); otherwise
  2. for `stateful=False` only, when every input is known at compile time (constants, no
     inputs): one call of `func` while the run is compiled (the function is declared pure,
     so the extra call is unobservable); its results' shapes are compiled in.
Otherwise the run raises NotImplementedError naming the op and output (call `set_shape`).
A later result whose shape differs from the compiled one fails the run with
InvalidArgumentError (TF1 has no such check: its shapes are dynamic).

**Strings.** A py_func whose inputs and outputs are all `tf.string` runs host-side with NumPy
values (object arrays of bytes, as TF1 passes them), like our other string ops. A py_func that
mixes string and numeric inputs/outputs raises NotImplementedError when built (string values
live host-side and numeric ones on the device, and we do not move values between them
inside a run). A py_func inside a `tf.cond` branch is rejected by `tf.cond` (it carries a
run-time check).
"""
import itertools
import threading
import traceback

import jax
import numpy as np
from jax.experimental import io_callback

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind
from tfvars_jax.framework.tensor_shape import TensorShape

_tokens = itertools.count()
_token_lock = threading.Lock()

# TF's DataTypeString names, used in TF1's messages ("is double, but expects float").
_TF_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def _tf_type_name(dtype):
    return _TF_TYPE_NAMES.get(dtype.name, dtype.name)


class _Mismatch(Exception):
    """A result that does not match Tout (count, dtype or compiled shape)."""


def _error_class(exc):
    """TF1's error class for an exception raised by a py_func's function."""
    if isinstance(exc, _Mismatch):
        return errors.InvalidArgumentError
    if isinstance(exc, (ValueError, TypeError)):
        return errors.InvalidArgumentError
    if isinstance(exc, StopIteration):
        return errors.OutOfRangeError
    if isinstance(exc, MemoryError):
        return errors.ResourceExhaustedError
    if isinstance(exc, NotImplementedError):
        return errors.UnimplementedError
    return errors.UnknownError


def _op_error(op, exc):
    """The OpError a run raises when `func` of py_func `op` raised `exc` (or its results did
    not match Tout)."""
    if isinstance(exc, _Mismatch):
        message = str(exc)
    else:
        tb = "".join(traceback.format_tb(exc.__traceback__))
        message = f"{type(exc).__name__}: {exc}\nTraceback (most recent call last):\n{tb}"
    error = _error_class(exc)(None, op, message)
    error.__cause__ = None if isinstance(exc, _Mismatch) else exc
    return error


def _as_argument(value):
    """A NumPy argument as TF1 passes it: arrays for tensors, NumPy scalars for 0-d ones."""
    arr = np.array(value)  # a copy: func may modify or keep its arguments
    return arr[()] if arr.ndim == 0 and arr.dtype != object else arr


def _convert_result(value):
    """TF1's `FuncRegistry._convert`: NumPy array of the value; text and bytes as object
    arrays of bytes."""
    result = np.asarray(value, order="C")
    if result.dtype.char == "S":
        return np.asarray(value, order="C", dtype=object)
    if result.dtype.char == "U":
        return np.vectorize(lambda s: s.encode("utf8"), otypes=[object])(result).astype(object)
    return result


def _dtype_of_result(arr):
    if arr.dtype == object:
        return dtypes.string
    try:
        return dtypes.as_dtype(arr.dtype)
    except (TypeError, ValueError):
        return None


def _call_func(op, args, shapes=None):
    """Calls the op's function with NumPy `args`, returning its results checked against Tout
    (number, dtype, and `shapes` when given). Raises `_Mismatch` or what `func` raises."""
    a = op.attrs
    token, tout = a["token"], a["Tout"]
    ret = a["func"](*[_as_argument(v) for v in args])
    if isinstance(ret, bytes):  # as TF1: a bytes result is one value
        ret = [ret]
    values = [_convert_result(v) for v in ret] if isinstance(ret, (tuple, list)) else \
        [_convert_result(ret)]
    if len(values) != len(tout):
        raise _Mismatch(f"{token} returns {len(values)} values, but expects to see "
                        f"{len(tout)} values.")
    for i, (v, want) in enumerate(zip(values, tout)):
        got = _dtype_of_result(v)
        if got != want:
            got_name = _tf_type_name(got) if got is not None else str(v.dtype)
            raise _Mismatch(f"{i}-th value returned by {token} is {got_name}, but expects "
                            f"{_tf_type_name(want)}")
        if want == dtypes.string and not all(isinstance(s, bytes) for s in v.reshape(-1)):
            raise _Mismatch(f"{i}-th value returned by {token} holds a non-bytes object, but "
                            "expects string")
        static = op.outputs[i].shape
        if not static.is_compatible_with(TensorShape(v.shape)):
            raise _Mismatch(f"{i}-th value returned by {token} has shape {v.shape}, which is "
                            f"incompatible with the shape {static} set on {op.outputs[i].name}")
        if shapes is not None and v.shape != shapes[i]:
            raise _Mismatch(f"{i}-th value returned by {token} has shape {v.shape}, but the run "
                            f"was compiled for shape {shapes[i]} (from set_shape or the first "
                            "call): a py_func's result shapes are fixed per compiled run")
    return values


def _words(dtype):
    """How many uint32 words a 64-bit result travels as (0: it travels as itself)."""
    dtype = np.dtype(dtype)
    return dtype.itemsize // 4 if dtype.itemsize > 4 and dtype.kind in "iufc" else 0


def _pack(value, dtype):
    value = np.array(value, dtype, order="C")  # keeps 0-d (ascontiguousarray would not)
    n = _words(dtype)
    return value if not n else value.reshape(-1).view(np.uint32).reshape(value.shape + (n,))


def _unpack(packed, shape, dtype):
    """The traced value of a result sent by `_pack` (bitcast back; JAX would narrow 64-bit
    callback results converted outside x64 mode, see `precision.pure_callback_exact`)."""
    dtype = np.dtype(dtype)
    if not _words(dtype):
        return packed
    if dtype.kind == "c":
        half = np.dtype(f"f{dtype.itemsize // 2}")
        parts = packed.reshape(tuple(shape) + (2, _words(dtype) // 2))
        real, imag = (jax.lax.bitcast_convert_type(parts[..., i, :], half) for i in (0, 1))
        return jax.lax.complex(real, imag)
    return jax.lax.bitcast_convert_type(packed, dtype)


def _compiled_shapes(op, args):
    """The result shapes to compile in (see the module docstring), or NotImplementedError."""
    shapes = [t.shape.as_tuple() for t in op.outputs]
    if all(s is not None and None not in s for s in shapes):
        return [tuple(s) for s in shapes]
    if not op.attrs["stateful"] and not any(isinstance(v, jax.core.Tracer) for v in args):
        try:
            values = _call_func(op, [np.asarray(v) for v in args])
        except Exception as e:  # noqa: BLE001 - the run's error, as when the callback runs
            error = _op_error(op, e)
            raise error from error.__cause__
        return [v.shape for v in values]
    i = next(i for i, s in enumerate(shapes) if s is None or None in s)
    raise NotImplementedError(
        f"{op.type} '{op.name}': output {i} ({op.outputs[i].name}) has shape "
        f"{op.outputs[i].shape} when the run is compiled. A py_func runs inside the compiled "
        "step, which needs its result shapes: call set_shape with the full shape on its "
        "outputs (a stateful=False py_func whose inputs are all constants is probed instead).")


class _Holder:
    """The error of the last failed call of one py_func op (set in the callback's thread,
    read when the run raises; runs of a Session are serialised)."""

    def __init__(self, op):
        self.op = op
        self.error = None

    def raise_error(self, node_def, op, message):
        """The run-time check's error factory: the recorded OpError."""
        error, self.error = self.error, None
        if error is None:
            return errors.UnknownError(None, self.op, f"{self.op.type} '{self.op.name}' failed.")
        return error


class _PyFunc(OpKind):
    """A py_func: its Python function called on the host with NumPy values on every run (see
    the module docstring); not differentiable; its failure flag is a run-time check."""
    name = "py_func"
    differentiable = False

    def has_checks(self, op, resolved=None):
        return True

    def run(self, op, ctx):
        args = [ctx.env[t] for t in op._inputs]
        if ctx.mode != "trace":  # NumPy (host, string values) or concrete arrays (eager)
            try:
                values = _call_func(op, [np.asarray(v) for v in args])
            except Exception as e:  # noqa: BLE001 - the run's error
                error = _op_error(op, e)
                raise error from error.__cause__
            ctx.store(op, tuple(values))
            return
        ctx.store(op, self._traced(op, ctx, args))

    def _traced(self, op, ctx, args):
        shapes = _compiled_shapes(op, args)
        np_dtypes = [np.dtype(d.as_numpy_dtype) for d in op.attrs["Tout"]]
        holder = op.attrs["_holder"]

        def host(*arrays):
            try:
                values = _call_func(op, arrays, shapes)
                flag = np.bool_(False)
            except Exception as e:  # noqa: BLE001 - becomes the run's error
                holder.error = _op_error(op, e)
                values = [np.zeros(s, d) for s, d in zip(shapes, np_dtypes)]
                flag = np.bool_(True)
            return tuple(_pack(v, d) for v, d in zip(values, np_dtypes)) + (flag,)

        result_specs = tuple(
            jax.ShapeDtypeStruct(tuple(s) + ((_words(d),) if _words(d) else ()),
                                 np.uint32 if _words(d) else d)
            for s, d in zip(shapes, np_dtypes)) + (jax.ShapeDtypeStruct((), np.bool_),)
        # Not differentiated (TF1 registers no gradient): a replay under jax.vjp sees no
        # tangent reaching the callback.
        inputs = [jax.lax.stop_gradient(v) for v in args]
        if op.attrs["stateful"]:
            out = io_callback(host, result_specs, *inputs, ordered=True)
        else:
            out = jax.pure_callback(host, result_specs, *inputs)
        ctx.fail_if(out[-1], holder.raise_error, f"{op.type} '{op.name}' failed")
        # JAX converts a callback's arguments under the calling thread's x64 setting: the
        # compiled step must be called in TF precision, or 64-bit arguments arrive narrowed.
        ctx.notes["x64 call"] = True
        return tuple(_unpack(p, s, d) for p, s, d in zip(out[:-1], shapes, np_dtypes))


PY_FUNC = _PyFunc()


def _tout_list(Tout):  # noqa: N803 - TF1's argument name
    if isinstance(Tout, (list, tuple)):
        return [dtypes.as_dtype(t).base_dtype for t in Tout], True
    return [dtypes.as_dtype(Tout).base_dtype], False


def _py_func(func, inp, Tout, stateful, name, api):  # noqa: N803 - TF1's argument name
    if not callable(func):
        raise TypeError(f"{api}: func must be callable, got {func!r}")
    if inp is None:
        inp = []
    if not isinstance(inp, (list, tuple)):
        raise TypeError(f"{api}: inp must be a list of Tensors, got {type(inp).__name__}")
    inputs = [convert_to_tensor(x) for x in inp]
    tout, is_list = _tout_list(Tout)
    op_type = "PyFunc" if stateful else "PyFuncStateless"
    strings = [t.dtype.base_dtype == dtypes.string for t in inputs] + \
        [d == dtypes.string for d in tout]
    if any(strings) and not all(strings):
        raise NotImplementedError(
            f"{api} '{name or op_type}' mixes tf.string and numeric inputs/outputs: string "
            "values live host-side and numeric ones in the compiled step; a py_func must take "
            "and return only strings, or only numbers.")
    with _token_lock:
        token = f"pyfunc_{next(_tokens)}"
    graph = ops_lib.graph_of(inputs) if inputs else ops_lib.get_default_graph()
    attrs = {"func": func, "token": token, "Tin": [t.dtype.base_dtype for t in inputs],
             "Tout": tout, "stateful": bool(stateful), "_holder": None}
    op = make_op(op_type, None, inputs, name=name or op_type, kind=PY_FUNC, graph=graph,
                 out_specs=[(d, TensorShape(None)) for d in tout], attrs=attrs)
    op.attrs["_holder"] = _Holder(op)
    op.host = any(strings)
    if not tout:
        return op  # TF1 returns the Operation when Tout is empty
    return list(op.outputs) if is_list else op.outputs[0]


def py_func(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TF1's argument name
    """TF1's `tf.py_func`: wraps Python function `func` (NumPy arrays in, NumPy arrays out) as
    an op, called on the host on every run.

    `Tout` is a dtype (one output, returns a Tensor) or a list (returns a list; an empty list
    returns the Operation). Outputs have unknown shape, as in TF1; unlike TF1 the shapes must
    be known when a run is compiled: call `set_shape` (a `stateful=False` function whose inputs
    are all constants is called once at compile time instead). `stateful=True` runs it in
    program order and never elides it. Results of the wrong number or dtype, or an exception
    in `func`, fail the run with TF1's error classes; gradients through it are `None`. String
    inputs/outputs are supported when all of them are strings. See `ops/script_ops.py`.
    """
    return _py_func(func, inp, Tout, stateful, name, "tf.py_func")


def numpy_function(func, inp, Tout, name=None):  # noqa: N803 - TF1's argument name
    """TF 1.15's `tf.numpy_function`: `tf.py_func(func, inp, Tout, stateful=True, name=name)`."""
    return _py_func(func, inp, Tout, True, name, "tf.numpy_function")
