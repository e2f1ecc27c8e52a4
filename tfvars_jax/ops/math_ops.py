"""Math ops: arithmetic, comparisons, elementwise math, reductions, matmul, clipping.

Each op is one `make_op` call over a `jax.numpy` function. Binary ops convert a Python or
NumPy operand to the other operand's dtype and reject two tensors of different dtypes, as TF1.
"""
import builtins
import functools
import collections.abc

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context, dtypes, errors
from tfvars_jax.framework import eager
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.indexed_slices import IndexedSlices
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.framework.op_builder import constant, convert_to_tensor, make_op, op_output
from tfvars_jax.ops import array_ops


def _pair(x, y, graph_scope):
    """Converts the operands of a binary op, the second to the first's dtype (TF1's rule)."""
    if isinstance(x, ops_lib.Tensor) or hasattr(x, "_as_tensor"):
        x = convert_to_tensor(x, name="x")
        y = _convert_operand(y, x.dtype, "y")
    elif isinstance(y, ops_lib.Tensor) or hasattr(y, "_as_tensor"):
        y = convert_to_tensor(y, name="y")
        x = _convert_operand(x, y.dtype, "x")
    else:
        x = convert_to_tensor(x, name="x")
        y = _convert_operand(y, x.dtype, "y")
    return x, y


def _convert_operand(value, dtype, name):
    if isinstance(value, ops_lib.Tensor) or hasattr(value, "_as_tensor"):
        t = convert_to_tensor(value)
        if t.dtype.base_dtype != dtype.base_dtype:
            raise TypeError(f"Input '{name}' has type {t.dtype.name} that does not match type "
                            f"{dtype.base_dtype.name} of the other argument. Cast one of them with "
                            "tf.cast.")
        return t
    return convert_to_tensor(value, dtype=dtype.base_dtype, name=name)


def _eager_pair(x, y):
    """`_pair(x, y)` on the eager fast path (no name scope, no op objects): eager tensors of
    one dtype, eager variables (read now, as `_pair` reads them) and Python numbers (converted
    to the other operand's dtype, as `_pair` converts them); None when the op must take the
    general path (graph tensors, other values, differing dtypes: its errors are raised there)."""
    if type(x) is _EagerTensor and type(y) is _EagerTensor:  # the common case, kept short
        return (x, y) if x._dtype is y._dtype and context.executing_eagerly() else None
    if not context.EAGER.enabled:
        return None
    kx, ky = _eager_kind(x), _eager_kind(y)
    if not kx or not ky or kx == ky == _NUMBER or not context.executing_eagerly():
        return None
    if kx == _VARIABLE:
        x = x.value()
    if ky == _VARIABLE:
        y = y.value()
    if kx == _NUMBER:
        x = _number_operand(x, y._dtype, "x")
    elif ky == _NUMBER:
        y = _number_operand(y, x._dtype, "y")
    if type(x) is not _EagerTensor or type(y) is not _EagerTensor or x._dtype is not y._dtype:
        return None
    return x, y


_TENSOR, _NUMBER, _VARIABLE = 1, 2, 3


def _eager_kind(v):
    """What `_eager_pair` makes of an operand: an eager tensor, a Python number, an eager
    variable, or 0 (anything else)."""
    t = type(v)
    if t is _EagerTensor:
        return _TENSOR
    if t in _PYTHON_NUMBERS:
        return _NUMBER
    return _VARIABLE if getattr(v, "_eager_handle", None) is not None else 0


_EagerTensor = eager.EagerTensor
_PYTHON_NUMBERS = (int, float, bool)
_numbers = {}


def _number_operand(value, dtype, name):
    """The eager tensor of the Python number operand `value` as `dtype` (`_convert_operand`'s
    result): its device value is cached per (type, value, dtype), as a number is converted
    again on every `x * 2.0`. Floats that compare equal while differing (NaN, -0.0 and 0.0)
    are converted each time."""
    if type(value) is float and not (value == value and value != 0.0):
        return _convert_operand(value, dtype, name)
    key = (type(value), value, dtype)
    device_value = _numbers.get(key)
    if device_value is None or device_value.is_deleted():
        if len(_numbers) >= 4096:
            _numbers.clear()
        t = _convert_operand(value, dtype, name)  # raises as the general path does
        _numbers[key] = t._value
        return t
    return _EagerTensor(device_value, dtype)


def _binary(op_type, fn, x, y, name, default_name=None):
    operands = _eager_pair(x, y)
    if operands is not None:
        return eager.run_pure(op_type, fn, operands, name or default_name or op_type)[0]
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or default_name or op_type) as scope:
        x, y = _pair(x, y, scope)
        return op_output(op_type, fn, [x, y], name=scope)


def _unary(op_type, fn, x, name, **attrs):
    if type(x) is _EagerTensor and context.executing_eagerly():  # the eager fast path
        return eager.run_pure(op_type, fn, (x,), name or op_type, attrs)[0]
    x = convert_to_tensor(x, name="x")
    return op_output(op_type, fn, [x], name=name or op_type, attrs=attrs)


def _truediv_kernel(x, y):
    if jnp.issubdtype(x.dtype, jnp.integer):
        ft = jnp.float32 if x.dtype in (jnp.int8, jnp.int16, jnp.uint8, jnp.uint16) else jnp.float64
        if ft == jnp.float64 and not jax.config.jax_enable_x64:
            ft = jnp.float32
        return jnp.true_divide(x.astype(ft), y.astype(ft))
    return jnp.true_divide(x, y)


def _floordiv_kernel(x, y):
    if jnp.issubdtype(x.dtype, jnp.integer):
        return jnp.floor_divide(x, y)
    return jnp.floor(x / y)




# Kernels written so their JAX gradients at ties and kinks are TF1's: max/min send the whole
# gradient to x on a tie, |x| has gradient sign(x) (0 at 0), clipping passes it at the bounds.
# A NaN on either side gives NaN, as TF's kernels (the gradient still follows `x >= y`).
def _maximum_kernel(x, y):
    return _propagate_nan(x, jnp.where(x >= y, x, y))


def _minimum_kernel(x, y):
    return _propagate_nan(x, jnp.where(x <= y, x, y))


def _propagate_nan(x, chosen):
    """`chosen`, made NaN where `x` is (a NaN `y` is chosen already: the comparison is False)."""
    if not jnp.issubdtype(jnp.result_type(x), jnp.inexact):
        return chosen
    return jnp.where(jnp.isnan(x), chosen + jax.lax.stop_gradient(x), chosen)


def _abs_kernel(x):
    if jnp.issubdtype(x.dtype, jnp.complexfloating) or not jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.abs(x)
    return x * jnp.sign(x)


def add(x, y, name=None):
    return _binary("AddV2", jnp.add, x, y, name, "Add")


def subtract(x, y, name=None):
    return _binary("Sub", jnp.subtract, x, y, name, "Sub")


def multiply(x, y, name=None):
    return _binary("Mul", jnp.multiply, x, y, name, "Mul")


def truediv(x, y, name=None):
    return _binary("RealDiv", _truediv_kernel, x, y, name, "truediv")


def divide(x, y, name=None):
    """TF1's `tf.divide`: `x / y`, so the op is named "truediv" unless `name` is given."""
    return truediv(x, y, name=name or "truediv")


def div(x, y, name=None):
    """TF1's `tf.div` (Python 2 semantics): floor division for integers (a "FloorDiv" op),
    true division for floats (a "RealDiv" op); the op is named "div"."""
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or "div") as scope:
        x, y = _pair(x, y, scope)
        if x.dtype.is_integer:
            return _division_op("FloorDiv", _floordiv_kernel, x, y, scope)
        return op_output("RealDiv", _truediv_kernel, [x, y], name=scope)


def _divisor_has_zero(x, y):
    del x
    return jnp.any(y == 0)


def _negative_exponent(x, y):
    del x
    return jnp.any(y < 0)


def _integer_checked_op(op_type, fn, x, y, scope, invalid, message):
    """A binary op whose integer form fails the run where `invalid(x, y)` (a predicate of the
    second operand), as TF1's CPU kernels do (JAX alone returns a number). Not checked for
    floats (IEEE, as TF1), nor when `y` is a constant the predicate accepts."""
    static = y._static_value
    if not x.dtype.is_integer or (static is not None and
                                  not bool(invalid(np.zeros(()), np.asarray(static)))):
        return op_output(op_type, fn, [x, y], name=scope)
    return op_output(op_type, fn, [x, y], name=scope, kind=CHECKED,
                     check=RunCheck(invalid, errors.InvalidArgumentError, message))


def _division_op(op_type, fn, x, y, scope):
    """An integer division op: a zero divisor fails the run ("Integer division by zero")."""
    return _integer_checked_op(
        op_type, fn, x, y, scope, _divisor_has_zero,
        f"Integer division by zero in {op_type} op '{scope[:-1]}': the divisor "
        f"'{ops_lib.display_name(y)}' holds a 0")


def _integer_division(op_type, fn, x, y, name, default_name):
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or default_name) as scope:
        x, y = _pair(x, y, scope)
        return _division_op(op_type, fn, x, y, scope)


def floordiv(x, y, name=None):
    """TF1's `tf.floordiv` ("FloorDiv"); integer division by zero fails the run as in TF1."""
    return _integer_division("FloorDiv", _floordiv_kernel, x, y, name, "floordiv")


def floormod(x, y, name=None):
    """TF1's `tf.floormod`/`tf.mod` ("FloorMod"); integer modulo by zero fails the run."""
    return _integer_division("FloorMod", jnp.mod, x, y, name, "FloorMod")


mod = floormod


def pow(x, y, name=None):  # noqa: A001 - TF1's public name
    """TF1's `tf.pow` ("Pow"). An integer base to a negative integer power fails the run with
    InvalidArgumentError, as TF1 (JAX alone returns 0)."""
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or "Pow") as scope:
        x, y = _pair(x, y, scope)
        return _integer_checked_op(
            "Pow", jnp.power, x, y, scope, _negative_exponent,
            f"Integers to negative integer powers are not allowed (Pow op '{scope[:-1]}', "
            f"exponent '{ops_lib.display_name(y)}')")


def maximum(x, y, name=None):
    return _binary("Maximum", _maximum_kernel, x, y, name, "Maximum")


def minimum(x, y, name=None):
    return _binary("Minimum", _minimum_kernel, x, y, name, "Minimum")


def squared_difference(x, y, name=None):
    return _binary("SquaredDifference", lambda a, b: jnp.square(a - b), x, y, name,
                   "SquaredDifference")


def atan2(y, x, name=None):
    return _binary("Atan2", jnp.arctan2, y, x, name, "Atan2")


def less(x, y, name=None):
    return _binary("Less", jnp.less, x, y, name, "Less")


def less_equal(x, y, name=None):
    return _binary("LessEqual", jnp.less_equal, x, y, name, "LessEqual")


def greater(x, y, name=None):
    return _binary("Greater", jnp.greater, x, y, name, "Greater")


def greater_equal(x, y, name=None):
    return _binary("GreaterEqual", jnp.greater_equal, x, y, name, "GreaterEqual")


def equal(x, y, name=None):
    return _binary("Equal", jnp.equal, x, y, name, "Equal")


def not_equal(x, y, name=None):
    return _binary("NotEqual", jnp.not_equal, x, y, name, "NotEqual")


def _require_bool(t, op_name):
    if t.dtype.base_dtype != dtypes.bool:
        where = f" ({t.name})" if not isinstance(t, eager.EagerTensor) else ""
        raise TypeError(f"{op_name} expects bool tensors, got {t.dtype.name}{where}.")


def _logical(op_type, fn, x, y, name):
    for t in (x, y):  # as TF1, non-bool tensors are rejected
        if isinstance(t, ops_lib.Tensor) or hasattr(t, "_as_tensor"):
            _require_bool(convert_to_tensor(t), op_type)
    out = _binary(op_type, fn, x, y, name, op_type)
    if not isinstance(out, eager.EagerTensor):
        _require_bool(out.op.inputs[0], op_type)
    return out


def logical_and(x, y, name=None):
    return _logical("LogicalAnd", jnp.logical_and, x, y, name)


def logical_or(x, y, name=None):
    return _logical("LogicalOr", jnp.logical_or, x, y, name)


def logical_xor(x, y, name="LogicalXor"):
    return _logical("LogicalXor", jnp.logical_xor, x, y, name)


def logical_not(x, name=None):
    x = convert_to_tensor(x)
    _require_bool(x, "LogicalNot")
    return _unary("LogicalNot", jnp.logical_not, x, name)


# ----- unary elementwise ------------------------------------------------------------------
def _unary_fn(op_type, fn):
    def op(x, name=None):
        return _unary(op_type, fn, x, name)
    op.__name__ = op_type
    op.__doc__ = f"TF1's `tf.{op_type.lower()}`, elementwise ({fn.__module__}.{fn.__name__})."
    return op


negative = _unary_fn("Neg", jnp.negative)
abs = _unary_fn("Abs", _abs_kernel)  # noqa: A001
exp = _unary_fn("Exp", jnp.exp)
expm1 = _unary_fn("Expm1", jnp.expm1)
log = _unary_fn("Log", jnp.log)
log1p = _unary_fn("Log1p", jnp.log1p)
sqrt = _unary_fn("Sqrt", jnp.sqrt)
rsqrt = _unary_fn("Rsqrt", jax.lax.rsqrt)
square = _unary_fn("Square", jnp.square)
tanh = _unary_fn("Tanh", jnp.tanh)
sigmoid = _unary_fn("Sigmoid", jax.nn.sigmoid)
sign = _unary_fn("Sign", jnp.sign)
floor = _unary_fn("Floor", jnp.floor)
ceil = _unary_fn("Ceil", jnp.ceil)
round = _unary_fn("Round", jnp.round)  # noqa: A001 - banker's rounding, as TF1
rint = _unary_fn("Rint", jnp.rint)
reciprocal = _unary_fn("Reciprocal", jnp.reciprocal)
sin = _unary_fn("Sin", jnp.sin)
cos = _unary_fn("Cos", jnp.cos)
tan = _unary_fn("Tan", jnp.tan)
asin = _unary_fn("Asin", jnp.arcsin)
acos = _unary_fn("Acos", jnp.arccos)
atan = _unary_fn("Atan", jnp.arctan)
sinh = _unary_fn("Sinh", jnp.sinh)
cosh = _unary_fn("Cosh", jnp.cosh)
erf = _unary_fn("Erf", jax.scipy.special.erf)
lgamma = _unary_fn("Lgamma", jax.scipy.special.gammaln)
is_nan = _unary_fn("IsNan", jnp.isnan)
is_inf = _unary_fn("IsInf", jnp.isinf)
is_finite = _unary_fn("IsFinite", jnp.isfinite)
softplus = _unary_fn("Softplus", jax.nn.softplus)
_real_op = _unary_fn("Real", jnp.real)
_imag_op = _unary_fn("Imag", jnp.imag)
_conj_op = _unary_fn("Conj", jnp.conj)


def real(input, name=None):  # noqa: A002
    """TF1's `tf.real`: the real part; a real input is returned as is (no op), as TF1."""
    x = convert_to_tensor(input)
    return _real_op(x, name=name) if x.dtype.is_complex else x


def imag(input, name=None):  # noqa: A002
    """TF1's `tf.imag`: the imaginary part; zeros for a real input, as TF1."""
    x = convert_to_tensor(input)
    if x.dtype.is_complex:
        return _imag_op(x, name=name)
    return array_ops.zeros_like(x, name=name)


def conj(x, name=None):
    """TF1's `tf.conj`: the complex conjugate; a real input is returned as is (no op), as TF1."""
    x = convert_to_tensor(x)
    return _conj_op(x, name=name) if x.dtype.is_complex else x
invert = _unary_fn("Invert", jnp.invert)
neg = negative


def log_sigmoid(x, name=None):
    return _unary("LogSigmoid", jax.nn.log_sigmoid, x, name)


# ----- casting ----------------------------------------------------------------------------
def _cast_kernel(x, dtype):
    return x.astype(dtype)


def cast(x, dtype, name=None):
    """TF1's `tf.cast`. Float to int truncates toward zero; complex to real keeps the real part."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    x = convert_to_tensor(x, name="x")
    if x.dtype.base_dtype == dtype:
        return x
    if dtypes.string in (dtype, x.dtype.base_dtype):
        raise NotImplementedError(f"Cast between tf.string and {dtype.name} is not supported "
                                  f"(tensor {ops_lib.display_name(x)}).")
    return op_output("Cast", _cast_kernel, [x], name=name or "Cast",
                     attrs={"dtype": np.dtype(dtype.as_numpy_dtype)})


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name=name)


def saturate_cast(value, dtype, name=None):
    """TF1's `tf.saturate_cast`: `value` clamped to `dtype`'s range, then cast. A float clamped
    for an integer type uses the nearest float inside the range (float32 -> int32 saturates at
    2147483520, as TF: 2147483647 is not a float32)."""
    dtype = dtypes.as_dtype(dtype)
    value = convert_to_tensor(value)
    if dtype.is_integer or dtype.is_floating:
        lo, hi = dtype.min, dtype.max
        if value.dtype.is_integer:
            lo, hi = max(lo, value.dtype.min), min(hi, value.dtype.max)
        elif value.dtype.is_floating and dtype.is_integer:
            np_in = np.dtype(value.dtype.as_numpy_dtype)
            lo, hi = np_in.type(lo), np_in.type(hi)
            if float(lo) < dtype.min:
                lo = np.nextafter(lo, np_in.type(0), dtype=np_in)
            if float(hi) > dtype.max:
                hi = np.nextafter(hi, np_in.type(0), dtype=np_in)
        value = clip_by_value(value, lo, hi)
    return cast(value, dtype, name=name)


# ----- reductions -------------------------------------------------------------------------
def _static_axis(axis, what):
    if axis is None:
        return None
    if isinstance(axis, ops_lib.Tensor) or hasattr(axis, "_as_tensor"):
        t = convert_to_tensor(axis)
        if t._static_value is None:
            raise NotImplementedError(f"{what}: `axis` must be known at graph time (a Python "
                                      f"int/list or a constant); got the computed tensor {ops_lib.display_name(t)}.")
        axis = t._static_value
    arr = np.asarray(axis)
    return int(arr) if arr.ndim == 0 else tuple(int(a) for a in arr.reshape(-1))


def _reduction(op_type, fn, default_name):
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
        if axis is not None and reduction_indices is not None:
            raise ValueError("Can not specify both 'axis' and 'reduction_indices'.")
        if keepdims is not None and keep_dims is not None:
            raise ValueError("Can not specify both 'keepdims' and 'keep_dims'.")
        axis = axis if axis is not None else reduction_indices
        keep = bool(keepdims if keepdims is not None else (keep_dims or False))
        x = convert_to_tensor(input_tensor, name="input_tensor")
        ax = _static_axis(axis, default_name)
        if fn in (jnp.any, jnp.all):
            _require_bool(x, default_name)
        elif x.dtype.base_dtype == dtypes.bool:
            raise TypeError(f"Value passed to parameter 'input' of {op_type} has DataType bool, "
                            f"which {default_name} does not accept (TF1 reduces numbers only); "
                            "cast it first.")
        return op_output(op_type, _reduce_kernel, [x], name=name or default_name,
                         attrs={"fn": fn, "axis": ax, "keepdims": keep})
    reduce.__name__ = default_name
    reduce.__doc__ = (f"TF1's `tf.{default_name}(input_tensor, axis=None, keepdims=None, "
                      "name=None, reduction_indices=None, keep_dims=None)`; `axis` must be static.")
    return reduce


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3, 4))
def _max_or_min(x, fn, initial, axis, keepdims):
    return fn(x, axis=axis, keepdims=keepdims, initial=initial)


@_max_or_min.defjvp
def _max_or_min_jvp(fn, initial, axis, keepdims, primals, tangents):
    """TF1's _MinOrMaxGrad: the gradient is split evenly among the entries equal to the result
    (ties), and is NaN everywhere when the result is NaN (no entry equals it: 0 / 0)."""
    (x,), (t,) = primals, tangents
    kept = fn(x, axis=axis, keepdims=True, initial=initial)
    chosen = (x == kept).astype(x.dtype)
    count = jnp.sum(chosen, axis=axis, keepdims=True)
    # spelled out: XLA folds `select(c, 1, 0) / count` into `select(c, 1 / count, 0)`, 0 not NaN
    share = jnp.where(count == 0, jnp.nan, chosen / jnp.maximum(count, 1)).astype(x.dtype)
    out = kept if keepdims else fn(x, axis=axis, keepdims=False, initial=initial)
    return out, jnp.sum(t * share, axis=axis, keepdims=keepdims)


def _reduce_kernel(x, fn, axis, keepdims):
    if fn is jnp.mean and jnp.issubdtype(x.dtype, jnp.integer):  # TF1: C integer division (truncates)
        axes = builtins.range(x.ndim) if axis is None else np.atleast_1d(axis)
        count = int(np.prod([x.shape[a] for a in axes]))
        total = jnp.sum(x, axis=axis, keepdims=keepdims).astype(x.dtype)
        return jax.lax.div(total, jnp.asarray(max(count, 1), x.dtype))
    if fn in (jnp.max, jnp.min):  # TF1: an empty reduction gives the identity (-inf/+inf, int limits)
        floating = jnp.issubdtype(x.dtype, jnp.floating)
        info = None if floating else jnp.iinfo(x.dtype)
        if fn is jnp.max:
            initial = -jnp.inf if floating else info.min
        else:
            initial = jnp.inf if floating else info.max
        if floating:
            return _max_or_min(x, fn, initial, axis, keepdims)
        return fn(x, axis=axis, keepdims=keepdims, initial=initial)
    out = fn(x, axis=axis, keepdims=keepdims)
    return out.astype(x.dtype) if fn in (jnp.sum, jnp.prod) else out


reduce_sum = _reduction("Sum", jnp.sum, "Sum")
reduce_mean = _reduction("Mean", jnp.mean, "Mean")
reduce_max = _reduction("Max", jnp.max, "Max")
reduce_min = _reduction("Min", jnp.min, "Min")
reduce_prod = _reduction("Prod", jnp.prod, "Prod")
reduce_any = _reduction("Any", jnp.any, "Any")
reduce_all = _reduction("All", jnp.all, "All")
reduce_logsumexp = _reduction("ReduceLogSumExp", jax.scipy.special.logsumexp, "ReduceLogSumExp")


def _arg_kernel(x, fn, axis, out_dtype):
    if jnp.issubdtype(x.dtype, jnp.floating):  # TF's kernels skip NaNs (JAX would pick one)
        x = jnp.where(jnp.isnan(x), -jnp.inf if fn is jnp.argmax else jnp.inf, x)
    return fn(x, axis=axis).astype(out_dtype)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """TF1's `tf.argmax`; `axis` defaults to 0 and the result is int64, as TF1."""
    axis = _static_axis(axis if axis is not None else (dimension if dimension is not None else 0),
                        "argmax")
    return op_output("ArgMax", _arg_kernel, [convert_to_tensor(input)], name=name or "ArgMax",
                     attrs={"fn": jnp.argmax, "axis": axis,
                            "out_dtype": np.dtype(dtypes.as_dtype(output_type).as_numpy_dtype)})


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """TF1's `tf.argmin`; `axis` defaults to 0 and the result is int64, as TF1."""
    axis = _static_axis(axis if axis is not None else (dimension if dimension is not None else 0),
                        "argmin")
    return op_output("ArgMin", _arg_kernel, [convert_to_tensor(input)], name=name or "ArgMin",
                     attrs={"fn": jnp.argmin, "axis": axis,
                            "out_dtype": np.dtype(dtypes.as_dtype(output_type).as_numpy_dtype)})


# ----- matrix ops -------------------------------------------------------------------------
def _matmul_kernel(a, b, transpose_a, transpose_b, adjoint_a, adjoint_b):
    if transpose_a or adjoint_a:
        a = jnp.swapaxes(a, -1, -2)
        a = jnp.conj(a) if adjoint_a else a
    if transpose_b or adjoint_b:
        b = jnp.swapaxes(b, -1, -2)
        b = jnp.conj(b) if adjoint_b else b
    return jnp.matmul(a, b)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """TF1's `tf.matmul` (batched for rank > 2). The sparse hints only pick kernels in TF1; here
    they change nothing and are accepted."""
    flags = (transpose_a, transpose_b, adjoint_a, adjoint_b)
    operands = _eager_pair(a, b)
    if operands is not None:
        rank = operands[0]._value.ndim
        if rank >= 2 and operands[1]._value.ndim >= 2:  # the eager fast path
            op_type = "MatMul" if rank == 2 else "BatchMatMulV2"
            if not any(flags):  # `_matmul_kernel` is then `jnp.matmul`: no attrs to look up
                return eager.run_pure(op_type, jnp.matmul, operands, name or "MatMul")[0]
            return eager.run_pure(op_type, _matmul_kernel, operands, name or "MatMul",
                                  _matmul_attrs(*flags))[0]
    graph = ops_lib.graph_of([a, b])
    with graph.name_scope(name or "MatMul") as scope:
        a, b = _pair(a, b, scope)
        for t in (a, b):
            if t.shape.ndims is not None and t.shape.ndims < 2:
                raise ValueError(f"Shape must be rank 2 but is rank {t.shape.ndims} for "
                                 f"'{scope[:-1]}' (op: 'MatMul') with input shapes: {a.shape}, "
                                 f"{b.shape}.")
        # Rank-2 operands with unknown dimensions: TF1's MatMul shape function (the kernel
        # evaluated at stand-in sizes cannot give it). An unknown rank is a BatchMatMulV2 in
        # TF, whose shape is then unknown.
        out_specs = None
        if a.shape.ndims == 2 and b.shape.ndims == 2 and not (
                a.shape.is_fully_defined() and b.shape.is_fully_defined()):
            out_specs = [(a.dtype, _matmul_shape(a, b, transpose_a or adjoint_a,
                                                 transpose_b or adjoint_b, scope))]
        return op_output("MatMul" if (a.shape.ndims or 2) <= 2 else "BatchMatMulV2",
                         _matmul_kernel, [a, b], name=scope, attrs=_matmul_attrs(*flags),
                         out_specs=out_specs)


def _matmul_attrs(transpose_a, transpose_b, adjoint_a, adjoint_b):
    return {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b),
            "adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}


def _matmul_shape(a, b, transpose_a, transpose_b, scope):
    """TF1's MatMul shape function for rank-2 operands: [rows of a, columns of b], the inner
    dimensions equal where both are known."""
    ra, rb = a.shape.as_list(), b.shape.as_list()
    ra, rb = ra[::-1] if transpose_a else ra, rb[::-1] if transpose_b else rb
    if ra[1] is not None and rb[0] is not None and ra[1] != rb[0]:
        raise ValueError(f"Dimensions must be equal, but are {ra[1]} and {rb[0]} for "
                         f"'{scope[:-1]}' (op: 'MatMul') with input shapes: {a.shape}, {b.shape}.")
    return TensorShape([ra[0], rb[1]])


def _einsum_kernel(*xs, equation):
    return jnp.einsum(equation, *xs)


def einsum(equation, *inputs, **kwargs):
    name = kwargs.pop("name", None)
    if kwargs:
        raise NotImplementedError(f"tf.einsum argument(s) {sorted(kwargs)} are not supported.")
    ts = [convert_to_tensor(x) for x in inputs]
    return op_output("Einsum", _einsum_kernel, ts, name=name or "einsum",
                     attrs={"equation": equation})


def _tensordot_kernel(a, b, axes):
    return jnp.tensordot(a, b, axes=axes)


def tensordot(a, b, axes, name=None):
    if isinstance(axes, (list, tuple)):
        axes = tuple(tuple(a_) if isinstance(a_, (list, tuple)) else a_ for a_ in axes)
    else:
        axes = _static_axis(axes, "tensordot")
    a, b = _pair(a, b, None)
    return op_output("Tensordot", _tensordot_kernel, [a, b], name=name or "Tensordot",
                     attrs={"axes": axes})


def _add_n_kernel(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def add_n(inputs, name=None):
    """TF1's `tf.add_n`: all inputs must have the same dtype and shape."""
    if not inputs:
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and "
                         "shape")
    ts = [convert_to_tensor(x) for x in inputs]
    if len({t.dtype.base_dtype for t in ts}) > 1:
        raise TypeError(f"add_n inputs must share one dtype, got {[t.dtype.name for t in ts]}")
    shape = ts[0].shape
    for t in ts[1:]:
        if not shape.is_compatible_with(t.shape):
            raise ValueError("add_n inputs must have the same shape (no broadcasting, as TF1), got "
                             f"{[str(u.shape) for u in ts]}")
        shape = shape.merge_with(t.shape)
    if len(ts) == 1 and name is None:
        return ts[0]
    return op_output("AddN", _add_n_kernel, ts, name=name or "AddN")


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    return add_n(inputs, name=name)


# ----- clipping ---------------------------------------------------------------------------
def _clip_kernel(t, lo, hi):
    return _maximum_kernel(_minimum_kernel(t, hi), lo)  # TF1's order: with lo > hi every value becomes lo


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    t = convert_to_tensor(t, name="t")
    lo = _convert_operand(clip_value_min, t.dtype, "clip_value_min")
    hi = _convert_operand(clip_value_max, t.dtype, "clip_value_max")
    return op_output("ClipByValue", _clip_kernel, [t, lo, hi], name=name or "clip_by_value")


def _clip_norm_kernel(t, clip_norm, axes):
    l2sum = jnp.sum(t * t, axis=axes, keepdims=True)
    pred = l2sum > 0
    l2sum_safe = jnp.where(pred, l2sum, jnp.ones_like(l2sum))
    l2norm = jnp.where(pred, jnp.sqrt(l2sum_safe), l2sum)
    return (t * clip_norm / _maximum_kernel(l2norm, clip_norm)).astype(t.dtype)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """TF1's `tf.clip_by_norm`: t * clip_norm / max(||t||, clip_norm) over `axes`. An
    IndexedSlices is clipped through its values and stays an IndexedSlices, as in TF1."""
    given = t
    t = convert_to_tensor(_values_of(t), name="t")
    c = _convert_operand(clip_norm, t.dtype, "clip_norm")
    return _like(given, op_output("clip_by_norm", _clip_norm_kernel, [t, c],
                                  name=name or "clip_by_norm",
                                  attrs={"axes": _static_axis(axes, "clip_by_norm")}))


def _global_norm_kernel(*ts):
    return jnp.sqrt(sum(jnp.sum(jnp.square(t)) for t in ts)).astype(ts[0].dtype)


def global_norm(t_list, name=None):
    """TF1's `tf.global_norm`: sqrt(sum of squares of every tensor); `None`s are skipped, and the
    tensors must share one dtype (TF1 stacks their partial sums)."""
    ts = [convert_to_tensor(_values_of(t)) for t in t_list if t is not None]
    if len({t.dtype.base_dtype for t in ts}) > 1:
        raise TypeError("global_norm: the tensors must share one dtype, got "
                        f"{[t.dtype.name for t in ts]}")
    return op_output("global_norm", _global_norm_kernel, ts, name=name or "global_norm")


def _clip_global_kernel(clip_norm, norm, *ts):
    scale = clip_norm * _minimum_kernel(1.0 / norm, 1.0 / clip_norm)
    scale = scale + (norm - norm)  # an infinite or NaN norm makes every entry NaN, as TF1
    return tuple((t * scale).astype(t.dtype) for t in ts)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """TF1's `tf.clip_by_global_norm`: returns (clipped list, global norm); `None`s pass through."""
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, (str, bytes)):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    present = [i for i, t in enumerate(t_list) if t is not None]
    # An IndexedSlices (a gathered gradient) is clipped through its values and stays sparse,
    # as in TF1 (its norm is its values' norm).
    ts = [convert_to_tensor(_values_of(t_list[i])) for i in present]
    norm = convert_to_tensor(use_norm) if use_norm is not None else global_norm(ts)
    c = convert_to_tensor(clip_norm, dtype=dtypes.float32)
    op = make_op("clip_by_global_norm", _clip_global_kernel, [c, norm] + ts,
                 name=name or "clip_by_global_norm")
    clipped = [None] * len(t_list)
    for i, out in zip(present, op.outputs):
        clipped[i] = _like(t_list[i], out)
    return clipped, norm


def _values_of(t):
    """An IndexedSlices' values, or `t` itself."""
    return t.values if isinstance(t, IndexedSlices) else t


def _like(t, values):
    """`values` as `t` was given: IndexedSlices with `t`'s indices, or a Tensor."""
    return IndexedSlices(values, t.indices, t.dense_shape) if isinstance(t, IndexedSlices) else values


# ----- misc -------------------------------------------------------------------------------
def _range_kernel(start, limit, delta, dtype):
    return jnp.arange(start, limit, delta, dtype=dtype)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """TF1's `tf.range`. Bounds computed in the graph must be known when the run is traced
    (e.g. `tf.shape(x)[0]` of a fed x); then the static shape is unknown (`(?,)`), as TF1's."""
    if limit is None:
        start, limit = 0, start
    computed = [v for v in (start, limit, delta)
                if isinstance(v, ops_lib.Tensor) and v._static_value is None]
    if computed:
        tensors = [convert_to_tensor(v) for v in (start, limit, delta)]
        if dtype is None:
            dtype = tensors[0].dtype.base_dtype if all(
                t.dtype == tensors[0].dtype for t in tensors) else dtypes.int32
        dtype = dtypes.as_dtype(dtype).base_dtype
        with ops_lib.name_scope(name, "range", tensors) as scope:
            return op_output("Range", _range_traced_kernel, tensors, name=scope,
                             attrs={"dtype": np.dtype(dtype.as_numpy_dtype)},
                             out_specs=[(dtype, TensorShape([None]))])
    vals = []
    for v in (start, limit, delta):
        if isinstance(v, ops_lib.Tensor):
            v = v._static_value.item()
        vals.append(v)
    _check_range_bounds(*vals, error=ValueError)
    if dtype is None:
        dtype = dtypes.float32 if any(isinstance(v, float) for v in vals) else dtypes.int32
    dtype = dtypes.as_dtype(dtype)
    value = np.arange(*vals, dtype=dtype.as_numpy_dtype)
    return constant(value, dtype=dtype, name=name)


def _range_traced_kernel(start, limit, delta, dtype):
    try:
        bounds = [np.asarray(v).item() for v in (start, limit, delta)]
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        raise NotImplementedError(
            "tf.range: its bounds depend on values computed in the run, not only on the shapes "
            "of fed tensors; its length must be known when the run is compiled.") from None
    _check_range_bounds(*bounds, error=errors.InvalidArgumentError)
    return jnp.arange(*bounds, dtype=dtype)


def _check_range_bounds(start, limit, delta, error):
    """TF1's Range checks (NumPy would return an empty range instead)."""
    if delta == 0:
        raise _range_error(error, "Requires delta != 0")
    if delta > 0 and start > limit:
        raise _range_error(error, f"Requires start <= limit when delta > 0: {start}/{limit}")
    if delta < 0 and start < limit:
        raise _range_error(error, f"Requires start >= limit when delta < 0: {start}/{limit}")


def _range_error(error, message):
    message = f"tf.range: {message}"
    return error(message) if error is ValueError else error(None, None, message)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    x = convert_to_tensor(x)
    return op_output("Cumsum", _cumsum_kernel, [x], name=name or "Cumsum",
                     attrs={"axis": int(axis), "exclusive": bool(exclusive),
                            "reverse": bool(reverse)})


def _cumsum_kernel(x, axis, exclusive, reverse):
    if reverse:
        x = jnp.flip(x, axis)
    out = jnp.cumsum(x, axis=axis)
    if exclusive:  # shifted by one, as TF1 (`out - x` is NaN after an inf and loses precision)
        axis = axis % x.ndim
        pad = [(0, 0)] * x.ndim
        pad[axis] = (1, 0)
        out = jax.lax.slice_in_dim(jnp.pad(out, pad), 0, x.shape[axis], axis=axis)
    return jnp.flip(out, axis) if reverse else out


def _cumprod_kernel(x, axis, exclusive, reverse):
    if reverse:
        x = jnp.flip(x, axis)
    if exclusive:  # shift right by one along `axis`, starting from 1
        pad = [(0, 0)] * x.ndim
        pad[axis] = (1, 0)
        x = jax.lax.slice_in_dim(jnp.pad(x, pad, constant_values=1), 0, x.shape[axis], axis=axis)
    out = jnp.cumprod(x, axis=axis).astype(x.dtype)
    return jnp.flip(out, axis) if reverse else out


def _scan_axis(x, axis, what):
    axis = _static_axis(axis, what)
    if not isinstance(axis, int):
        raise ValueError(f"{what}: axis must be a scalar, got {axis!r}")
    rank = x.shape.ndims
    if rank is not None:
        if not -rank <= axis < rank:
            raise ValueError(f"{what}: axis {axis} is out of range for '{x.name}' of rank {rank} "
                             f"(expected in [{-rank}, {rank})).")
        axis %= rank
    return axis


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """TF1's `tf.cumprod` / `tf.math.cumprod`: the cumulative product along `axis` ("Cumprod");
    `exclusive` starts from 1, `reverse` runs from the end. `axis` must be static."""
    x = convert_to_tensor(x, name="x")
    return op_output("Cumprod", _cumprod_kernel, [x], name=name or "Cumprod",
                     attrs={"axis": _scan_axis(x, axis, "cumprod"), "exclusive": bool(exclusive),
                            "reverse": bool(reverse)})


def _cumlogsumexp_kernel(x, axis, exclusive, reverse):
    if reverse:
        x = jnp.flip(x, axis)
    if exclusive:
        pad = [(0, 0)] * x.ndim
        pad[axis] = (1, 0)
        x = jax.lax.slice_in_dim(jnp.pad(x, pad, constant_values=-jnp.inf), 0, x.shape[axis],
                                 axis=axis)
    out = jax.lax.cumlogsumexp(x, axis=axis)
    return jnp.flip(out, axis) if reverse else out


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """TF's `tf.math.cumulative_logsumexp` ("CumulativeLogsumexp"), floats only."""
    x = convert_to_tensor(x, name="x")
    if not x.dtype.is_floating:
        raise TypeError(f"cumulative_logsumexp: '{x.name}' must be a floating-point tensor, got "
                        f"{x.dtype.name}.")
    return op_output("CumulativeLogsumexp", _cumlogsumexp_kernel, [x],
                     name=name or "CumulativeLogsumexp",
                     attrs={"axis": _scan_axis(x, axis, "cumulative_logsumexp"),
                            "exclusive": bool(exclusive), "reverse": bool(reverse)})


# ----- more elementwise math --------------------------------------------------------------
def _float_unary(op_type, fn, tf_name, doc):
    """A unary op on floating-point tensors only (TF1 registers these kernels for floats)."""
    def op(x, name=None):
        x = convert_to_tensor(x, name="x")
        if not (x.dtype.is_floating or (x.dtype.is_complex and op_type in _COMPLEX_OK)):
            raise TypeError(f"Value passed to parameter 'x' of {op_type} has DataType "
                            f"{x.dtype.name} not in the list of allowed values (floating point); "
                            f"cast '{x.name}' with tf.cast first.")
        return _unary(op_type, fn, x, name)
    op.__name__ = tf_name
    op.__doc__ = f"TF1's `tf.{tf_name}` (\"{op_type}\"): {doc}, elementwise."
    return op


_COMPLEX_OK = frozenset(("Acosh", "Asinh", "Atanh"))
_special = jax.scipy.special
acosh = _float_unary("Acosh", jnp.arccosh, "acosh", "inverse hyperbolic cosine")
asinh = _float_unary("Asinh", jnp.arcsinh, "asinh", "inverse hyperbolic sine")
atanh = _float_unary("Atanh", jnp.arctanh, "atanh", "inverse hyperbolic tangent")
erfc = _float_unary("Erfc", _special.erfc, "erfc", "the complementary error function")
digamma = _float_unary("Digamma", _special.digamma, "digamma", "the derivative of lgamma")
erfinv = _float_unary("Erfinv", _special.erfinv, "math.erfinv", "the inverse error function")
ndtri = _float_unary("Ndtri", _special.ndtri, "math.ndtri",
                     "the inverse of the standard normal CDF")
_bessel_i0 = _float_unary("BesselI0", _special.i0, "math.bessel_i0",
                          "the modified Bessel function of order 0")
_bessel_i0e = _float_unary("BesselI0e", _special.i0e, "math.bessel_i0e",
                           "the exponentially scaled modified Bessel function of order 0")
_bessel_i1 = _float_unary("BesselI1", _special.i1, "math.bessel_i1",
                          "the modified Bessel function of order 1")
_bessel_i1e = _float_unary("BesselI1e", _special.i1e, "math.bessel_i1e",
                           "the exponentially scaled modified Bessel function of order 1")


def _scoped_unary(public, inner):
    """TF's `tf.math.bessel_*`, `erfinv`, `ndtri` open a name scope: the op is `bessel_i0/BesselI0`."""
    def op(x, name=None):
        with ops_lib.name_scope(name, public, [x]):
            return inner(x)
    op.__name__ = public
    op.__doc__ = inner.__doc__ + f" The op is named '{public}/{inner.__name__}'-style, as TF."
    return op


bessel_i0 = _scoped_unary("bessel_i0", _bessel_i0)
bessel_i0e = _scoped_unary("bessel_i0e", _bessel_i0e)
bessel_i1 = _scoped_unary("bessel_i1", _bessel_i1)
bessel_i1e = _scoped_unary("bessel_i1e", _bessel_i1e)
erfinv = _scoped_unary("erfinv", erfinv)
ndtri = _scoped_unary("ndtri", ndtri)


# `tf.math.special` functions JAX has kernels for (TF's Cephes-based kernels; values agree to
# float rounding; gradients are JAX's derivatives, which are TF's registered formulas).
@jax.custom_jvp
def _spence(x):
    return _special.spence(x)


@_spence.defjvp
def _spence_jvp(primals, tangents):
    """TF's gradient of Spence: log(x) / (1 - x), -1 at x = 1 (JAX's derivative is NaN above 1)."""
    (x,), (dx,) = primals, tangents
    slope = jnp.where(x == 1.0, -jnp.ones_like(x), jnp.log(x) / (1.0 - x))
    return _spence(x), slope * dx


def _fresnel_sin(x):
    return _special.fresnel(x)[0]


def _fresnel_cos(x):
    return _special.fresnel(x)[1]


dawsn = _scoped_unary("dawsn", _float_unary("Dawsn", _special.dawsn, "math.special.dawsn",
                                            "Dawson's integral"))
expint = _scoped_unary("expint", _float_unary("Expint", _special.expi, "math.special.expint",
                                              "the exponential integral Ei"))
fresnel_cos = _scoped_unary("fresnel_cos", _float_unary(
    "FresnelCos", _fresnel_cos, "math.special.fresnel_cos", "the Fresnel cosine integral"))
fresnel_sin = _scoped_unary("fresnel_sin", _float_unary(
    "FresnelSin", _fresnel_sin, "math.special.fresnel_sin", "the Fresnel sine integral"))
spence = _scoped_unary("spence", _float_unary("Spence", _spence, "math.special.spence",
                                              "Spence's function (the dilogarithm)"))


def _float_binary(op_type, fn, x, y, name, what, default_name=None):
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or default_name or op_type) as scope:
        x, y = _pair(x, y, scope)
        if not x.dtype.is_floating:
            raise TypeError(f"Value passed to parameter 'x' of {op_type} ({what}) has DataType "
                            f"{x.dtype.name}, not a floating-point type; cast it with tf.cast.")
        return op_output(op_type, fn, [x, y], name=scope)


def _no_grad(fn, *stopped):
    """`fn` with no gradient into the arguments at positions `stopped` (TF1 returns None there)."""
    def kernel(*args):
        return fn(*[jax.lax.stop_gradient(a) if i in stopped else a
                    for i, a in enumerate(args)])
    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel


_igamma_kernel = _special.gammainc
_igammac_kernel = _special.gammaincc
_zeta_kernel = _no_grad(_special.zeta, 0)
def _polygamma_float_order(a, x):
    """polygamma with a float order, as TF: nan where the order is not a non-negative integer."""
    whole = (a == jnp.floor(a)) & (a >= 0)
    n = jnp.where(whole, a, 0).astype(jnp.int32)
    return jnp.where(whole, _special.polygamma(n, x), jnp.nan).astype(x.dtype)


_polygamma_kernel = _no_grad(_polygamma_float_order, 0)


def igamma(a, x, name=None):
    """TF1's `tf.igamma`: the regularized lower incomplete gamma function P(a, x) ("Igamma")."""
    return _float_binary("Igamma", _igamma_kernel, a, x, name, "igamma")


def igammac(a, x, name=None):
    """TF1's `tf.igammac`: the regularized upper incomplete gamma function Q(a, x) ("Igammac")."""
    return _float_binary("Igammac", _igammac_kernel, a, x, name, "igammac")


def zeta(x, q, name=None):
    """TF1's `tf.zeta`: the Hurwitz zeta function ("Zeta"); as TF1, no gradient flows to `x`."""
    return _float_binary("Zeta", _zeta_kernel, x, q, name, "zeta")


def polygamma(a, x, name=None):
    """TF1's `tf.polygamma`: the a-th derivative of digamma ("Polygamma"); as TF1, no gradient
    flows to `a` (an integer-valued order)."""
    return _float_binary("Polygamma", _polygamma_kernel, a, x, name, "polygamma")


def _betainc_kernel(a, b, x):
    a, b = jax.lax.stop_gradient(a), jax.lax.stop_gradient(b)  # TF1: gradient only to x
    return _special.betainc(a, b, x)


def betainc(a, b, x, name=None):
    """TF1's `tf.betainc`: the regularized incomplete beta function I_x(a, b) ("Betainc"); the
    three arguments must share one float dtype; as TF1, gradients flow only to `x`."""
    ts = [convert_to_tensor(v) for v in (a, b, x)]
    ref = next((t for t, v in zip(ts, (a, b, x)) if isinstance(v, ops_lib.Tensor)), ts[0])
    ts = [_convert_operand(v, ref.dtype, n) for v, n in zip((a, b, x), ("a", "b", "x"))]
    if not ref.dtype.is_floating:
        raise TypeError(f"betainc: arguments must be float32 or float64, got {ref.dtype.name}.")
    return op_output("Betainc", _betainc_kernel, ts, name=name or "Betainc")


def _xlogy_kernel(x, y):
    safe_y = jnp.where(x == 0, jnp.ones_like(y), y)
    return jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log(safe_y))


def _xlog1py_kernel(x, y):
    safe_y = jnp.where(x == 0, jnp.zeros_like(y), y)
    return jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log1p(safe_y))


def _xdivy_kernel(x, y):
    safe_y = jnp.where(x == 0, jnp.ones_like(y), y)
    return jnp.where(x == 0, jnp.zeros_like(x), x / safe_y)


def xlogy(x, y, name=None):
    """TF's `tf.math.xlogy`: 0 where x == 0, else x * log(y) ("Xlogy")."""
    return _float_binary("Xlogy", _xlogy_kernel, x, y, name, "xlogy")


def xlog1py(x, y, name=None):
    """TF's `tf.math.xlog1py`: 0 where x == 0, else x * log1p(y); the op is `xlog1py/Xlog1py`."""
    with ops_lib.name_scope(name, "xlog1py", [x, y]):
        return _float_binary("Xlog1py", _xlog1py_kernel, x, y, None, "xlog1py")


def xdivy(x, y, name=None):
    """TF's `tf.math.xdivy`: 0 where x == 0, else x / y; the op is `xdivy/Xdivy`."""
    with ops_lib.name_scope(name, "xdivy", [x, y]):
        return _float_binary("Xdivy", _xdivy_kernel, x, y, None, "xdivy")


def _div_no_nan_kernel(x, y):
    zero = y == 0
    return jnp.where(zero, jnp.zeros_like(x), x / jnp.where(zero, jnp.ones_like(y), y))


def div_no_nan(x, y, name=None):
    """TF1's `tf.div_no_nan` (`tf.math.divide_no_nan`): x / y, and 0 wherever y == 0 (even for
    x = 0 or nan) ("DivNoNan"). Integers are first cast as `tf.truediv` casts them (8/16-bit to
    float32, 32/64-bit to float64), as TF 2's compat.v1 does."""
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or "div_no_nan") as scope:
        x, y = _pair(x, y, scope)
        if x.dtype.is_integer:
            small = x.dtype.base_dtype in (dtypes.int8, dtypes.int16, dtypes.uint8, dtypes.uint16)
            target = dtypes.float32 if small else dtypes.float64
            x, y = cast(x, target), cast(y, target)
        elif not (x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError(f"div_no_nan: invalid dtype {x.dtype.name} of '{x.name}'; expected "
                            "a floating-point, complex or integer tensor.")
        return op_output("DivNoNan", _div_no_nan_kernel, [x, y], name=scope)


divide_no_nan = div_no_nan


def reciprocal_no_nan(x, name=None):
    """TF's `tf.math.reciprocal_no_nan`: 1 / x, and 0 where x == 0 (a "DivNoNan" of 1 by x)."""
    graph = ops_lib.graph_of([x])
    with graph.name_scope(name or "reciprocal_no_nan") as scope:
        x = convert_to_tensor(x, name="x")
        one = constant(1, dtype=x.dtype.base_dtype, name="Const")
        return div_no_nan(one, x, name=scope)


@jax.custom_vjp
def _mul_no_nan_kernel(x, y):
    return jnp.where(y == 0, jnp.zeros_like(x), x * y)


def _mul_no_nan_fwd(x, y):
    return _mul_no_nan_kernel(x, y), (x, y)


def _mul_no_nan_bwd(res, g):  # TF1's MulNoNan gradient: mul_no_nan(g, y) and mul_no_nan(x, g)
    x, y = res
    return _mul_no_nan_kernel(g, y), _mul_no_nan_kernel(x, g)


_mul_no_nan_kernel.defvjp(_mul_no_nan_fwd, _mul_no_nan_bwd)


def multiply_no_nan(x, y, name=None):
    """TF's `tf.math.multiply_no_nan`: x * y, and 0 wherever y == 0 even if x is nan or inf
    ("MulNoNan"); float and complex only."""
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or "multiply_no_nan") as scope:
        x, y = _pair(x, y, scope)
        if not (x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError(f"multiply_no_nan: x and y must be floating-point or complex, got "
                            f"{x.dtype.name} ('{x.name}').")
        return op_output("MulNoNan", _mul_no_nan_kernel, [x, y], name=scope)


def _integer_checked_binary(op_type, fn, x, y, name, default_name):
    """A binary op that, on integers, fails the run on a zero divisor as TF1's CPU kernel
    (`_division_op`, shared with floordiv/floormod); bools are rejected."""
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or default_name) as scope:
        x, y = _pair(x, y, scope)
        if x.dtype.base_dtype == dtypes.bool:
            raise TypeError(f"{op_type} does not accept bool tensors ('{x.name}').")
        return _division_op(op_type, fn, x, y, scope)


def _truncatediv_kernel(x, y):
    if jnp.issubdtype(x.dtype, jnp.integer):
        return jax.lax.div(x, jnp.where(y == 0, jnp.ones_like(y), y))
    return jnp.trunc(x / y)


def _truncatemod_kernel(x, y):
    if jnp.issubdtype(x.dtype, jnp.integer):
        return jax.lax.rem(x, jnp.where(y == 0, jnp.ones_like(y), y))
    return jnp.fmod(x, y)


def truncatediv(x, y, name=None):
    """TF1's `tf.truncatediv` ("TruncateDiv"): division rounding toward zero (C semantics).
    An integer divisor of 0 fails the run with InvalidArgumentError, as TF1's CPU kernel.
    TF1 defines no gradient for it (tf.gradients through it raises LookupError)."""
    return _integer_checked_binary("TruncateDiv", _truncatediv_kernel, x, y, name, "TruncateDiv")


def truncatemod(x, y, name=None):
    """TF1's `tf.truncatemod` ("TruncateMod"): the remainder of truncated division (C's `%`,
    `fmod` for floats); an integer divisor of 0 fails the run, as TF1's CPU kernel."""
    return _integer_checked_binary("TruncateMod", _truncatemod_kernel, x, y, name, "TruncateMod")


def realdiv(x, y, name=None):
    """TF1's `tf.realdiv` ("RealDiv"): x / y for floating-point and complex tensors. TF has no
    CPU kernel for integers (its run fails); here building one raises TypeError."""
    graph = ops_lib.graph_of([x, y])
    with graph.name_scope(name or "RealDiv") as scope:
        x, y = _pair(x, y, scope)
        if not (x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError(f"realdiv: '{x.name}' is {x.dtype.name}; RealDiv has kernels for "
                            "floating-point and complex tensors only (use tf.truncatediv or "
                            "tf.floordiv for integers).")
        return op_output("RealDiv", jnp.true_divide, [x, y], name=scope)


def floor_div(x, y, name=None):
    """TF1's `tf.floor_div`: the raw "FloorDiv" op (default name "FloorDiv")."""
    return _binary("FloorDiv", _floordiv_kernel, x, y, name, "FloorDiv")


@jax.custom_vjp
def _nextafter_kernel(x1, x2):
    return jnp.nextafter(x1, x2)


def _nextafter_fwd(x1, x2):
    return jnp.nextafter(x1, x2), (x2,)


def _nextafter_bwd(res, g):  # TF's gradient: g to x1, zeros to x2
    return g, jnp.zeros_like(res[0])


_nextafter_kernel.defvjp(_nextafter_fwd, _nextafter_bwd)


def nextafter(x1, x2, name=None):
    """TF's `tf.math.nextafter` ("NextAfter"): the next representable value of x1 towards x2."""
    return _float_binary("NextAfter", _nextafter_kernel, x1, x2, name, "nextafter")


def scalar_mul(scalar, x, name=None):
    """TF1's `tf.scalar_mul`: `scalar * x` (a "Mul" op); `scalar` must be 0-D."""
    s = convert_to_tensor(scalar, dtype=convert_to_tensor(x).dtype.base_dtype
                          if not isinstance(scalar, ops_lib.Tensor) else None, name="scalar")
    if s.shape.ndims != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {s.shape}.")
    return multiply(s, x, name=name)


def lbeta(x, name=None):
    """TF1's `tf.lbeta`: log(|Beta(x)|) over the last axis, i.e. sum(lgamma(x)) -
    lgamma(sum(x)); an empty last axis gives 0, as TF1. The op is named `lbeta/sub`."""
    with ops_lib.name_scope(name, "lbeta", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise TypeError(f"lbeta: '{x.name}' must be floating-point, got {x.dtype.name}.")
        return op_output("Sub", _lbeta_kernel, [x], name="sub")


def _lbeta_kernel(x):
    gammaln = _special.gammaln
    return jnp.sum(gammaln(x), axis=-1) - gammaln(jnp.sum(x, axis=-1))


# ----- more reductions --------------------------------------------------------------------
def _reduction_args(axis, keepdims, reduction_indices, keep_dims):
    if axis is not None and reduction_indices is not None:
        raise ValueError("Can not specify both 'axis' and 'reduction_indices'.")
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Can not specify both 'keepdims' and 'keep_dims'.")
    return (axis if axis is not None else reduction_indices,
            bool(keepdims if keepdims is not None else (keep_dims or False)))


def _count_nonzero_kernel(x, axis, keepdims, dtype):
    return jnp.sum(x != 0, axis=axis, keepdims=keepdims).astype(dtype)


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """TF1's `tf.count_nonzero`: the number of non-zero (True) entries over `axis`, as `dtype`
    (int64 by default). The op is `count_nonzero/Sum`, as TF1's."""
    if input is not None:
        if input_tensor is not None:
            raise ValueError("Cannot specify both 'input' and 'input_tensor'.")
        input_tensor = input
    axis, keep = _reduction_args(axis, keepdims, reduction_indices, keep_dims)
    with ops_lib.name_scope(name, "count_nonzero", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        if x.dtype == dtypes.string:
            raise NotImplementedError("count_nonzero of a tf.string tensor is not supported.")
        dtype = dtypes.as_dtype(dtype).base_dtype  # TF1: Sum in int64, then Cast to dtype
        return op_output("Sum" if dtype == dtypes.int64 else "Cast", _count_nonzero_kernel, [x],
                         name="Sum" if dtype == dtypes.int64 else "Cast_1",
                         attrs={"axis": _static_axis(axis, "count_nonzero"), "keepdims": keep,
                                "dtype": np.dtype(dtype.as_numpy_dtype)})


def _variance_kernel(x, axis, keepdims, std):
    mean = jnp.mean(x, axis=axis, keepdims=True)
    d = x - mean
    sq = jnp.real(d * jnp.conj(d)) if jnp.iscomplexobj(d) else jnp.square(d)
    var = jnp.mean(sq, axis=axis, keepdims=keepdims)
    return jnp.sqrt(var) if std else var


def _moment_reduction(public, op_type, out_name, std):
    def reduce(input_tensor, axis=None, keepdims=False, name=None):
        with ops_lib.name_scope(name, public, [input_tensor]):
            x = convert_to_tensor(input_tensor, name="input_tensor")
            if not (x.dtype.is_floating or x.dtype.is_complex):
                raise TypeError(f"Input must be either real or complex. Received integer type "
                                f"{x.dtype.name} ('{x.name}').")
            return op_output(op_type, _variance_kernel, [x], name=out_name,
                             attrs={"axis": _static_axis(axis, public),
                                    "keepdims": bool(keepdims), "std": std})
    reduce.__name__ = public
    reduce.__doc__ = (f"TF's `tf.math.{public}(input_tensor, axis=None, keepdims=False, name=None)`"
                      f": the population {'standard deviation' if std else 'variance'} over "
                      f"`axis`; the op is `{public}/{out_name}`, as TF's.")
    return reduce


reduce_variance = _moment_reduction("reduce_variance", "Mean", "Mean_1", std=False)
reduce_std = _moment_reduction("reduce_std", "Sqrt", "Sqrt", std=True)


def _euclidean_norm_kernel(x, axis, keepdims):
    if jnp.issubdtype(x.dtype, jnp.integer):  # TF1's integer kernel: sqrt then truncate
        s = jnp.sum(x.astype(jnp.float64) ** 2, axis=axis, keepdims=keepdims)
        return jnp.sqrt(s).astype(x.dtype)
    if jnp.iscomplexobj(x):
        return jnp.sqrt(jnp.sum(x * jnp.conj(x), axis=axis, keepdims=keepdims))
    return jnp.sqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=keepdims))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """TF's `tf.math.reduce_euclidean_norm`: sqrt(sum(x**2)) over `axis` ("EuclideanNorm")."""
    x = convert_to_tensor(input_tensor, name="input_tensor")
    if x.dtype.base_dtype == dtypes.bool:
        raise TypeError("reduce_euclidean_norm does not accept bool tensors.")
    return op_output("EuclideanNorm", _euclidean_norm_kernel, [x], name=name or "EuclideanNorm",
                     attrs={"axis": _static_axis(axis, "reduce_euclidean_norm"),
                            "keepdims": bool(keepdims)})


def _monotone_kernel(x, strict):
    flat = jnp.reshape(x, (-1,))
    diff = flat[1:] > flat[:-1] if strict else flat[1:] >= flat[:-1]
    return jnp.all(diff)


def _monotone(public, strict):
    def check(x, name=None):
        with ops_lib.name_scope(name, public, [x]):
            x = convert_to_tensor(x, name="x")
            if not (x.dtype.is_integer or x.dtype.is_floating):
                raise TypeError(f"Expected x to be numeric, got {x.dtype.name} ('{x.name}').")
            return op_output("All", _monotone_kernel, [x], name="All", attrs={"strict": strict})
    check.__name__ = public
    check.__doc__ = (f"TF1's `tf.{public}`: whether the flattened x is "
                     f"{'strictly increasing' if strict else 'non-decreasing'} (True for fewer "
                     f"than two elements); the op is `{public}/All`, as TF1's.")
    return check


is_non_decreasing = _monotone("is_non_decreasing", strict=False)
is_strictly_increasing = _monotone("is_strictly_increasing", strict=True)


def _named_cast(dtype, default_name):
    def to(x, name=default_name):
        return cast(x, dtype, name=name)
    to.__name__ = "to_" + dtype.name
    to.__doc__ = f"TF1's `tf.{to.__name__}`: `tf.cast(x, tf.{dtype.name})` named '{default_name}'."
    return to


to_double = _named_cast(dtypes.float64, "ToDouble")
to_bfloat16 = _named_cast(dtypes.bfloat16, "ToBFloat16")
to_complex64 = _named_cast(dtypes.complex64, "ToComplex64")
to_complex128 = _named_cast(dtypes.complex128, "ToComplex128")


def _clip_average_kernel(t, clip_norm):
    n = t.size
    l2norm_inv = jax.lax.rsqrt(jnp.sum(t * t))
    return (t * clip_norm * jnp.minimum(l2norm_inv * n, 1.0 / clip_norm)).astype(t.dtype)


def clip_by_average_norm(t, clip_norm, name=None):
    """TF1's `tf.clip_by_average_norm`: t * clip_norm / max(||t||_2 / size(t), clip_norm). The op
    is an "Identity" named `clip_by_average_norm`, as TF1's."""
    with ops_lib.name_scope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        t = convert_to_tensor(t, name="t")
        c = _convert_operand(clip_norm, t.dtype, "clip_norm")
        return op_output("Identity", _clip_average_kernel, [t, c], name=scope)


def _complex_kernel(re, im):
    return jax.lax.complex(re, im)


def complex(real, imag, name=None):  # noqa: A001 - TF1's public name
    """TF1's `tf.complex` ("Complex"): real + 1j * imag; float32 gives complex64, float64
    complex128."""
    graph = ops_lib.graph_of([real, imag])
    with graph.name_scope(name or "Complex") as scope:
        re, im = _pair(real, imag, scope)
        if re.dtype.base_dtype not in (dtypes.float32, dtypes.float64):
            raise TypeError(f"complex: real and imag must be float32 or float64, got "
                            f"{re.dtype.name}.")
        return op_output("Complex", _complex_kernel, [re, im], name=scope)


def _angle_real_kernel(x):
    return jnp.where(x < 0, jnp.asarray(np.pi, x.dtype), jnp.zeros_like(x))


def angle(input, name=None):  # noqa: A002
    """TF1's `tf.angle`: the argument of a complex tensor ("Angle"); for a real one, pi where it
    is negative and 0 elsewhere (TF1's `Angle/Select`)."""
    x = convert_to_tensor(input, name="input")
    if x.dtype.is_complex:
        return op_output("Angle", jnp.angle, [x], name=name or "Angle")
    with ops_lib.name_scope(name, "Angle", [x]):
        return op_output("Select", _angle_real_kernel, [x], name="Select")


def _erfcinv_kernel(x):
    return -_special.ndtri(0.5 * x) / np.sqrt(2.0).astype(x.dtype)


def erfcinv(x, name=None):
    """TF's `tf.math.erfcinv`: the inverse of erfc, -ndtri(x / 2) / sqrt(2); the op is
    `erfcinv/mul_1`, as TF's."""
    with ops_lib.name_scope(name, "erfcinv", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise TypeError(f"erfcinv: '{x.name}' must be floating-point, got {x.dtype.name}.")
        return op_output("Mul", _erfcinv_kernel, [x], name="mul_1")


def _polyval_kernel(x, *coeffs):
    p = coeffs[0]
    for c in coeffs[1:]:
        p = c + p * x
    return p


def polyval(coeffs, x, name=None):
    """TF's `tf.math.polyval`: sum(coeffs[i] * x**(n-1-i)) by Horner's rule (an empty list gives
    zeros); the op is `polyval/add_<n-2>`, as TF's."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    with ops_lib.name_scope(name, "polyval", list(coeffs) + [x]):
        x = convert_to_tensor(x, name="x")
        if not coeffs:
            return array_ops.zeros_like(x, name=name)
        cs = [_convert_operand(c, x.dtype, f"coeff_{i}") for i, c in enumerate(coeffs)]
        if len(cs) == 1:
            return cs[0]
        n = len(cs) - 2
        return op_output("AddV2", _polyval_kernel, [x] + cs, name="add" if n == 0 else f"add_{n}")


def _sparse_matmul_kernel(a, b, transpose_a, transpose_b):
    a = a.astype(jnp.float32)
    b = b.astype(jnp.float32)
    return jnp.matmul(a.T if transpose_a else a, b.T if transpose_b else b,
                      precision=jax.lax.Precision.HIGHEST)


def sparse_matmul(a, b, transpose_a=False, transpose_b=False, a_is_sparse=False,
                  b_is_sparse=False, name=None):
    """TF1's `tf.sparse_matmul` ("SparseMatMul"): a dense matmul of two float32 or bfloat16
    matrices (TF's kernel skips zeros when told they are many) with a float32 result. The
    sparsity hints pick kernels in TF1 and change nothing here."""
    del a_is_sparse, b_is_sparse  # kernel choices only, as in TF1
    a = convert_to_tensor(a, name="a")
    b = convert_to_tensor(b, name="b")
    for what, t in (("a", a), ("b", b)):
        if t.dtype.base_dtype not in (dtypes.float32, dtypes.bfloat16):
            raise TypeError(f"Value passed to parameter '{what}' has DataType {t.dtype.name} not "
                            "in list of allowed values: float32, bfloat16")
        if t.shape.ndims not in (None, 2):
            raise ValueError(f"Shape must be rank 2 but is rank {t.shape.ndims} for "
                             f"'{name or 'SparseMatMul'}' (op: 'SparseMatMul')")
    return op_output("SparseMatMul", _sparse_matmul_kernel, [a, b], name=name or "SparseMatMul",
                     attrs={"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b)})
