"""`tf.bitwise` and `tf.bitcast`: bit operations on integer tensors.

Shifts follow TF's CPU kernels: the shift amount is clamped to [0, bits - 1] (XLA alone gives 0
for a shift of the full width or more); `right_shift` is arithmetic for signed types.
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.ops import math_ops


def _integer_binary(op_type, fn, x, y, name):
    with ops_lib.name_scope(name, op_type, [x, y]) as scope:
        x, y = math_ops._pair(x, y, scope)
        if not x.dtype.is_integer:
            raise TypeError(f"Value passed to parameter 'x' of {op_type} has DataType "
                            f"{x.dtype.name} not in list of allowed values: int8, int16, int32, "
                            "int64, uint8, uint16, uint32, uint64")
        return op_output(op_type, fn, [x, y], name=scope)


def _clamped_shift(shift):
    def kernel(x, y):
        bits = np.iinfo(x.dtype).bits
        return shift(x, jnp.clip(y, 0, bits - 1).astype(x.dtype))
    return kernel


def bitwise_and(x, y, name=None):
    """TF's `tf.bitwise.bitwise_and` ("BitwiseAnd"), elementwise on integers."""
    return _integer_binary("BitwiseAnd", jnp.bitwise_and, x, y, name)


def bitwise_or(x, y, name=None):
    """TF's `tf.bitwise.bitwise_or` ("BitwiseOr"), elementwise on integers."""
    return _integer_binary("BitwiseOr", jnp.bitwise_or, x, y, name)


def bitwise_xor(x, y, name=None):
    """TF's `tf.bitwise.bitwise_xor` ("BitwiseXor"), elementwise on integers."""
    return _integer_binary("BitwiseXor", jnp.bitwise_xor, x, y, name)


def left_shift(x, y, name=None):
    """TF's `tf.bitwise.left_shift` ("LeftShift"); shifts clamped to [0, bits - 1] as TF's CPU
    kernel."""
    return _integer_binary("LeftShift", _clamped_shift(jnp.left_shift), x, y, name)


def right_shift(x, y, name=None):
    """TF's `tf.bitwise.right_shift` ("RightShift"), arithmetic for signed types; shifts clamped
    to [0, bits - 1] as TF's CPU kernel."""
    return _integer_binary("RightShift", _clamped_shift(jnp.right_shift), x, y, name)


def invert(x, name=None):
    """TF's `tf.bitwise.invert` ("Invert"): flips every bit of an integer tensor."""
    x = convert_to_tensor(x, name="x")
    if not x.dtype.is_integer:
        raise TypeError(f"Value passed to parameter 'x' of Invert has DataType {x.dtype.name} "
                        "not in list of allowed values: int8, int16, int32, int64, uint8, "
                        "uint16, uint32, uint64")
    return math_ops.invert(x, name=name)


def _bitcast_kernel(x, dtype):
    return jax.lax.bitcast_convert_type(x, dtype)


def bitcast(input, type, name=None):  # noqa: A002 - TF's argument names
    """TF's `tf.bitcast` ("Bitcast"): the same bytes read as `type`. A wider input gains a last
    dimension (its size ratio); a narrower one must end in a dimension of that ratio, which
    goes. Complex and string types are not supported (TypeError)."""
    x = convert_to_tensor(input, name="input")
    to = dtypes.as_dtype(type).base_dtype
    for d in (x.dtype.base_dtype, to):
        if d.is_complex or d == dtypes.string or d == dtypes.bool:
            raise TypeError(f"tf.bitcast: {d.name} is not supported by tfvars_jax's Bitcast "
                            "(integer and floating-point types are).")
    src_size = np.dtype(x.dtype.base_dtype.as_numpy_dtype).itemsize
    dst_size = np.dtype(to.as_numpy_dtype).itemsize
    if src_size < dst_size:
        last = x.shape[-1].value if x.shape.ndims else None
        if x.shape.ndims == 0 or last is not None and last != dst_size // src_size:
            raise ValueError(f"Cannot bitcast from {x.dtype.name} to {to.name}: the input's last "
                             f"dimension must be {dst_size // src_size}, got shape {x.shape}")
    return op_output("Bitcast", _bitcast_kernel, [x], name=name or "Bitcast",
                     attrs={"dtype": np.dtype(to.as_numpy_dtype)})
