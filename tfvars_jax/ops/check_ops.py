"""Assertions: `tf.Assert` and `tf.assert_equal`, `tf.assert_less`, ... (`tf.debugging`).

An assertion is an op of kind `ASSERT`, checked when a run reaches it: if its condition does
not hold, the run raises `errors.InvalidArgumentError` and changes no variable (every write
of the run is undone in-graph, as for `count_up_to`). As in TF1, an assertion whose inputs
are all known when the graph is built is decided then: it raises at once, or gives a no-op.

Where we differ: the error names the tensors of `data` but does not print their values
(the jitted step returns a flag per check, not the data), so `summarize` has no effect.
"""
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op, next_op_name
from tfvars_jax.framework.op_kind import OpKind, RunCheck
from tfvars_jax.ops import control_flow_ops


class _Assert(OpKind):
    """A condition checked when the run reaches the op (its `RunCheck` over the input values)."""
    name = "assert"
    differentiable = False

    def has_checks(self, op, resolved=None):
        return True

    def run(self, op, ctx):
        ctx.check(op, [ctx.env[t] for t in op._inputs])


ASSERT = _Assert()


def _describe(data):
    """TF1's bracketed message parts: strings as they are, tensors by name."""
    parts = []
    for d in data:
        if isinstance(d, (str, bytes)):
            parts.append(d.decode() if isinstance(d, bytes) else d)
        elif isinstance(d, ops_lib.Tensor) or hasattr(d, "_as_tensor"):
            parts.append(f"<{convert_to_tensor(d).name}>")
        else:
            parts.append(str(d))
    return " ".join(f"[{p}]" for p in parts)


def _assert_op(failed, inputs, data, name):
    """The ASSERT op: the run fails when `failed(*input values)` is True."""
    message = "assertion failed: " + _describe(data)
    return make_op("Assert", None, inputs, name=name, out_specs=[], kind=ASSERT,
                   check=RunCheck(failed, errors.InvalidArgumentError, message))


def _all_false(condition, *data):
    return jnp.logical_not(jnp.all(condition))


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF1's name
    """TF1's `tf.Assert`: an op that raises InvalidArgumentError, naming `data`, when a run
    reaches it and `condition` (a bool tensor) is not all True.

    Args:
      condition: a scalar (or any) bool tensor.
      data: strings and tensors describing the failure.
      summarize: accepted; values are not printed (see the module docstring).
      name: the op name (default "Assert").
    Returns:
      The Operation; use it as a fetch or in `control_dependencies`.
    Raises:
      errors.InvalidArgumentError: at once when `condition` is known at graph time and False.
    """
    condition = convert_to_tensor(condition, name="condition")
    with ops_lib.name_scope(name, "Assert", [condition]) as scope:
        static = condition._static_value
        if static is not None:
            if not np.all(static):
                raise errors.InvalidArgumentError(None, None,
                                                  "assertion failed: " + _describe(data))
            return control_flow_ops.no_op(name="NoOp")
        tensors = [convert_to_tensor(d) for d in data if not isinstance(d, (str, bytes))]
        return _assert_op(_all_false, [condition] + tensors, data, scope)


def _binary_assert(compare, symbol, default_name, x, y, data, message, name):
    """`compare` is a NumPy comparison (on graph-time values); `jnp` has the same name."""
    traced_compare = getattr(jnp, compare.__name__)
    with ops_lib.name_scope(name, default_name, [x, y]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        if x.shape.ndims is not None and y.shape.ndims is not None:
            try:
                np.broadcast_shapes(*(tuple(1 if d is None else d for d in t.shape.as_tuple()) for t in (x, y)))
            except ValueError:
                raise ValueError(f"{default_name}: shapes {x.shape} and {y.shape} are incompatible") from None
        if data is None:
            data = [message or "", f"Condition x {symbol} y did not hold element-wise:",
                    f"x ({ops_lib.display_name(x)}) = ", x, f"y ({ops_lib.display_name(y)}) = ", y]
        elif message:
            data = [message] + list(data)
        if x._static_value is not None and y._static_value is not None:
            if not np.all(compare(x._static_value, y._static_value)):
                raise errors.InvalidArgumentError(None, None, "\n".join(
                    str(d) if isinstance(d, str) else f"{d._static_value}" for d in data
                    if not (isinstance(d, str) and not d)))
            return control_flow_ops.no_op(name="NoOp")

        def failed(xv, yv, *_):
            return jnp.logical_not(jnp.all(traced_compare(xv, yv)))
        tensors = [convert_to_tensor(d) for d in data if not isinstance(d, (str, bytes))]
        return _assert_op(failed, [x, y] + [t for t in tensors if t is not x and t is not y], data,
                          "Assert")


def _make_binary(compare, symbol, default_name):
    def assertion(x, y, data=None, summarize=None, message=None, name=None):
        return _binary_assert(compare, symbol, default_name, x, y, data, message, name)
    assertion.__name__ = default_name
    assertion.__doc__ = (
        f"TF1's `tf.{default_name}(x, y, data=None, summarize=None, message=None, name=None)`: an op\n"
        f"    that raises InvalidArgumentError when a run reaches it and `x {symbol} y` does not hold\n"
        "    element-wise (at once, at graph time, when both are known). `summarize` is accepted;\n"
        "    values are not printed.")
    return assertion


assert_equal = _make_binary(np.equal, "==", "assert_equal")
assert_none_equal = _make_binary(np.not_equal, "!=", "assert_none_equal")
assert_less = _make_binary(np.less, "<", "assert_less")
assert_less_equal = _make_binary(np.less_equal, "<=", "assert_less_equal")
assert_greater = _make_binary(np.greater, ">", "assert_greater")
assert_greater_equal = _make_binary(np.greater_equal, ">=", "assert_greater_equal")


def _make_sign(binary, zero_first, symbol, default_name):
    """TF1 builds these from `assert_less`/`assert_less_equal` against a zero of x's dtype."""
    def assertion(x, data=None, summarize=None, message=None, name=None):
        with ops_lib.name_scope(name, default_name, [x]):
            x = convert_to_tensor(x, name="x")
            if data is None:
                data = [message or "", f"Condition x {symbol} 0 did not hold element-wise:",
                        f"x ({ops_lib.display_name(x)}) = ", x]
            elif message:
                data = [message] + list(data)
            zero = convert_to_tensor(0, dtype=x.dtype, name="zero")
            return binary(zero, x, data=data) if zero_first else binary(x, zero, data=data)
    assertion.__name__ = default_name
    assertion.__doc__ = (
        f"TF1's `tf.{default_name}(x, data=None, summarize=None, message=None, name=None)`: an op that\n"
        f"    raises InvalidArgumentError when a run reaches it and `x {symbol} 0` does not hold element-wise.")
    return assertion


assert_positive = _make_sign(assert_less, True, ">", "assert_positive")
assert_negative = _make_sign(assert_less, False, "<", "assert_negative")
assert_non_negative = _make_sign(assert_less_equal, True, ">=", "assert_non_negative")
assert_non_positive = _make_sign(assert_less_equal, False, "<=", "assert_non_positive")


# ----- numerics checks -------------------------------------------------------------------------
def _has_nan_or_inf(x):
    return jnp.logical_not(jnp.all(jnp.isfinite(x)))


def _check_numerics_op(tensor, message, op_type, name):
    from tfvars_jax.framework.op_builder import op_output
    from tfvars_jax.framework.op_kind import CHECKED
    from tfvars_jax.ops import array_ops
    x = convert_to_tensor(tensor, name="tensor")
    if not x.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'tensor' has DataType {x.dtype.name} not in "
                        "list of allowed values: bfloat16, float16, float32, float64 "
                        "(CheckNumerics).")
    text = (f"{message} : Tensor had NaN or Inf values (tensor '{x.name}', op "
            f"'{next_op_name(name)}')")
    return op_output(op_type, array_ops._identity, [x], name=name, kind=CHECKED,
                     out_specs=[(x.dtype.base_dtype, x.shape)],
                     check=RunCheck(_has_nan_or_inf, errors.InvalidArgumentError, text))


def check_numerics(tensor, message, name=None):
    """TF1's `tf.check_numerics` ("CheckNumerics"): `tensor`, and the run fails with
    InvalidArgumentError (`message` first) if it holds a NaN or an Inf (no variable changes).
    TF1's message says which of the two it found; ours says "NaN or Inf"."""
    return _check_numerics_op(tensor, message, "CheckNumerics", name or "CheckNumerics")


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """TF1's `tf.verify_tensor_all_finite(t, msg)`: check_numerics as an Identity named
    `VerifyFinite/control_dependency`, as TF1's."""
    t = t if t is not None else x
    msg = msg if msg is not None else message
    with ops_lib.name_scope(name, "VerifyFinite", [t]):
        return _check_numerics_op(t, msg, "Identity", "control_dependency")


def add_check_numerics_ops():
    """TF1's `tf.add_check_numerics_ops()`: a group op that, when run, checks every float16/32/64
    output of the default graph's ops made so far (message "op:index") with check_numerics.
    As TF1, it raises ValueError if the graph has a tf.cond or tf.while_loop (or an op built on
    one)."""
    from tfvars_jax.framework import dtypes
    graph = ops_lib.get_default_graph()
    checks = []
    for op in graph.get_operations():
        if op.kind.name in ("cond", "while", "while_no_backprop"):
            raise ValueError("tf.add_check_numerics_ops() is not compatible with TensorFlow "
                             "control flow operations such as tf.cond() or tf.while_loop().")
        if op.kind.var_writes(op) or op.type == "VariableV2":
            continue  # TF1 skips ref outputs (a variable, an assign)
        for t in op.outputs:
            if t.dtype.base_dtype in (dtypes.float16, dtypes.float32, dtypes.float64):
                with ops_lib.control_dependencies(checks[-1:]):
                    checks.append(check_numerics(t, f"{op.name}:{t.value_index}"))
    return control_flow_ops.group(*checks[-1:])  # the checks are chained, as TF1's


# ----- static type and rank assertions ----------------------------------------------------------
def _static_ok(scope, name):
    with ops_lib.name_scope(name, scope):
        return control_flow_ops.no_op(name="static_checks_determined_all_ok"
                                      if scope.startswith("assert_rank") else
                                      "statically_determined_was_integer"
                                      if scope == "assert_integer" else
                                      "statically_determined_correct_type")


def _prefix(message):
    return f"{message}  " if message else ""


def _rank_assert(scope, x, accept, describe, data, message, name):
    x = convert_to_tensor(x, name="x")
    rank = x.shape.ndims
    if rank is not None:
        if not accept(rank):
            raise ValueError(f"{_prefix(message)}Tensor {x.name} must have rank {describe}.  "
                             f"Received rank {rank}, shape {x.shape}")
        return _static_ok(scope, name)
    with ops_lib.name_scope(name, scope, [x]):
        text = [f"{_prefix(message)}Tensor {x.name} must have rank {describe}."] + list(data or [])
        return _assert_op(lambda v: np.bool_(not accept(np.ndim(v))), [x], text, "Assert")


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """TF1's `tf.assert_rank`: a known rank is checked now (ValueError, else a no-op named
    `assert_rank/static_checks_determined_all_ok`); an unknown one when the run reaches the
    returned Assert op (InvalidArgumentError)."""
    rank = int(rank)
    return _rank_assert("assert_rank", x, lambda r: r == rank, str(rank), data, message, name)


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    """TF1's `tf.assert_rank_at_least` (as assert_rank, for rank >= `rank`)."""
    rank = int(rank)
    return _rank_assert("assert_rank_at_least", x, lambda r: r >= rank, f"at least {rank}",
                        data, message, name)


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """TF1's `tf.assert_rank_in` (as assert_rank, for a rank among `ranks`)."""
    ranks = tuple(int(r) for r in ranks)
    return _rank_assert("assert_rank_in", x, lambda r: r in ranks, f"in {list(ranks)}", data,
                        message, name)


def assert_integer(x, message=None, name=None):
    """TF1's `tf.assert_integer`: TypeError now unless `x` is an integer tensor; else a no-op."""
    x = convert_to_tensor(x, name="x")
    if not x.dtype.is_integer:
        raise TypeError(f'{_prefix(message)}Expected "x" to be integer type.  Found: {x.name} '
                        f"of dtype {x.dtype}")
    return _static_ok("assert_integer", name)


def assert_type(tensor, tf_type, message=None, name=None):
    """TF1's `tf.assert_type`: TypeError now unless `tensor` has dtype `tf_type`; else a no-op."""
    from tfvars_jax.framework import dtypes
    t = convert_to_tensor(tensor, name="tensor")
    tf_type = dtypes.as_dtype(tf_type)
    if t.dtype.base_dtype != tf_type.base_dtype:
        raise TypeError(f"{_prefix(message)}{t.name} must be of type tf.{tf_type.name}; got "
                        f"tf.{t.dtype.base_dtype.name}")
    return _static_ok("assert_type", name)


def assert_scalar(tensor, name=None, message=None):
    """TF1's `tf.assert_scalar`: returns `tensor` if its static shape is scalar, else raises
    ValueError (an unknown rank too)."""
    t = convert_to_tensor(tensor, name="tensor")
    if t.shape.ndims != 0:
        raise ValueError(f"{_prefix(message)}Expected scalar shape for {t.name}, saw shape: "
                         f"{t.shape}.")
    return t


def assert_same_float_dtype(tensors=None, dtype=None):
    """TF1's `tf.assert_same_float_dtype`: the common floating dtype of `tensors` (and `dtype`),
    float32 if there are none; ValueError on a mismatch or a non-float dtype."""
    from tfvars_jax.framework import dtypes
    found = dtypes.as_dtype(dtype).base_dtype if dtype is not None else None
    for t in tensors or []:
        d = t.dtype.base_dtype
        if found is None:
            found = d
        elif d != found:
            raise ValueError(f"Tensor {t.name}: expected dtype {found.name}, got {d.name}.")
    if found is None:
        return dtypes.float32
    if not found.is_floating:
        raise ValueError(f"Expected floating point type, got {found}.")
    return found


def is_numeric_tensor(tensor):
    """TF1's `tf.is_numeric_tensor`: a Tensor of a numeric (integer, float, complex) dtype."""
    if not isinstance(tensor, ops_lib.Tensor):
        return False
    d = tensor.dtype.base_dtype
    return d.is_integer or d.is_floating or d.is_complex


def _tolerance(v, default, what):
    if v is None:
        return default
    if isinstance(v, ops_lib.Tensor) or hasattr(v, "_as_tensor"):
        t = convert_to_tensor(v)
        if t._static_value is None:
            raise NotImplementedError(f"assert_near: {what} must be known when the graph is "
                                      f"built; got {t.name}.")
        return float(t._static_value)
    return float(v)


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None):
    """TF1's `tf.assert_near`: an op that raises InvalidArgumentError when a run reaches it and
    |x - y| <= atol + rtol * |y| does not hold element-wise (also for inputs known when the
    graph is built, as TF's); the tolerances default to 10 * eps of the dtype, as TF1, and
    must be static."""
    with ops_lib.name_scope(name, "assert_near", [x, y, rtol, atol]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        if not (x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError(f"assert_near: x must be floating-point, got {x.dtype.name}.")
        eps = float(np.finfo(x.dtype.as_numpy_dtype).eps)
        rt, at = _tolerance(rtol, 10 * eps, "rtol"), _tolerance(atol, 10 * eps, "atol")

        def close(a, b, lib):
            return lib.all(lib.abs(a - b) <= at + rt * lib.abs(b))
        if data is None:
            data = [message or "", f"x and y not equal to tolerance rtol = {rt}, atol = {at}",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        elif message:
            data = [message] + list(data)
        # Decided when the run reaches it even for known inputs, as TF's assert_near.
        return _assert_op(lambda xv, yv: jnp.logical_not(close(xv, yv, jnp)), [x, y], data,
                          "Assert")
