"""Graph-time helpers on tensors and shapes: `tf.is_tensor`, `tf.get_static_value`,
`tf.broadcast_static_shape`, `tf.broadcast_dynamic_shape`."""
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape


def is_tensor(x):
    """TF1's `tf.is_tensor`: whether `x` is a graph tensor or tensor-like (a Variable)."""
    return isinstance(x, ops_lib.Tensor) or hasattr(x, "_as_tensor")


def get_static_value(tensor, partial=False):
    """TF1's `tf.get_static_value` (`constant_value`): the NumPy value of `tensor` if it is known
    when the graph is built (a constant, a shape of a known shape, ...), else None. A
    non-tensor is returned as is. `partial` is accepted; partial values are not computed.
    It also knows a slice of a known shape (`tf.shape(c)[1]`), where TF's returns None."""
    del partial
    if not is_tensor(tensor):
        return tensor
    t = convert_to_tensor(tensor)
    value = t._static_value
    return None if value is None else np.asarray(value)


def broadcast_static_shape(shape_x, shape_y):
    """TF1's `tf.broadcast_static_shape`: the broadcast of two TensorShapes (ValueError if they
    are incompatible)."""
    x, y = as_shape(shape_x), as_shape(shape_y)
    if x.ndims is None or y.ndims is None:
        return TensorShape(None)
    xs, ys = x.as_list()[::-1], y.as_list()[::-1]
    out = []
    for i in range(max(len(xs), len(ys))):
        a = xs[i] if i < len(xs) else 1
        b = ys[i] if i < len(ys) else 1
        if a == 1:
            out.append(b)
        elif b == 1:
            out.append(a)
        elif a is None or b is None:
            out.append(a if b is None else b)
        elif a == b:
            out.append(a)
        else:
            raise ValueError(f"Incompatible shapes for broadcasting: {x} and {y}")
    return TensorShape(out[::-1])


def _broadcast_args_kernel(x, y):
    shape = jnp.broadcast_shapes(tuple(int(d) for d in np.asarray(x)),
                                 tuple(int(d) for d in np.asarray(y)))
    return np.asarray(shape, dtype=np.asarray(x).dtype)


def broadcast_dynamic_shape(shape_x, shape_y):
    """TF1's `tf.broadcast_dynamic_shape` ("BroadcastArgs"): the broadcast of two shape vectors
    (known when the run is traced)."""
    x = convert_to_tensor(shape_x, name="shape_x")
    y = convert_to_tensor(shape_y, dtype=x.dtype.base_dtype, name="shape_y")
    rank = None
    if x.shape.ndims == 1 and y.shape.ndims == 1 and None not in (x.shape[0].value,
                                                                    y.shape[0].value):
        rank = max(x.shape[0].value, y.shape[0].value)
    out = op_output("BroadcastArgs", _broadcast_args_kernel, [x, y], name="BroadcastArgs",
                    out_specs=[(x.dtype.base_dtype, TensorShape([rank]))])
    if x._static_value is not None and y._static_value is not None:
        out._static_value = _broadcast_args_kernel(x._static_value, y._static_value)
    return out


def dimension_value(dimension):
    """TF1's `tf.dimension_value`: a Dimension's int value (None when unknown); ints pass."""
    return getattr(dimension, "value", dimension)


def dimension_at_index(shape, index):
    """TF1's `tf.dimension_at_index`: the Dimension of `shape` at `index` (unknown for an
    unknown rank)."""
    from tfvars_jax.framework.tensor_shape import Dimension
    shape = as_shape(shape)
    if shape.ndims is None:
        return Dimension(None)
    return shape.dims[index] if hasattr(shape, "dims") else Dimension(shape.as_list()[index])


