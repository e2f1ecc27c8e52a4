"""Ops on `tf.IndexedSlices`: the dense tensor they stand for (installed as their conversion).

TF1 converts an IndexedSlices used as a tensor with an unsorted segment sum of its values
over its indices (a repeated index sums its rows), shaped `dense_shape`.
"""
import jax
import jax.numpy as jnp

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.indexed_slices import register_densifier
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.ops.array_ops import concrete_dims


def _dense_kernel(values, indices, dense_shape):
    shape = concrete_dims(dense_shape, "IndexedSlices to a dense tensor")
    rows = jax.ops.segment_sum(jnp.reshape(values, (-1,) + tuple(shape[1:])),
                               jnp.reshape(indices, -1), num_segments=shape[0])
    return rows.astype(values.dtype)


def _dense_kernel_of_shape(values, indices, shape):
    rows = jax.ops.segment_sum(jnp.reshape(values, (-1,) + tuple(shape[1:])),
                               jnp.reshape(indices, -1), num_segments=shape[0])
    return rows.astype(values.dtype)


def to_dense(slices, dtype=None, name=None):
    """The dense tensor an IndexedSlices stands for (TF1's conversion of one to a Tensor)."""
    if slices.dense_shape is None:
        raise ValueError(f"Tensor conversion requested for IndexedSlices without dense_shape: "
                         f"{slices}")
    values = convert_to_tensor(slices.values)
    if dtype is not None and dtypes.as_dtype(dtype).base_dtype != values.dtype.base_dtype:
        raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for "
                         f"IndexedSlices with dtype {values.dtype.base_dtype.name}: {slices}")
    with ops_lib.name_scope(name, "IndexedSlicesToTensor", [values]):
        if getattr(slices.dense_shape, "_is_eager", False):  # a known shape: a static attr
            shape = tuple(int(d) for d in slices.dense_shape.numpy())
            return op_output("UnsortedSegmentSum", _dense_kernel_of_shape,
                             [values, convert_to_tensor(slices.indices)],
                             name="UnsortedSegmentSum", attrs={"shape": shape})
        return op_output("UnsortedSegmentSum", _dense_kernel,
                         [values, convert_to_tensor(slices.indices),
                          convert_to_tensor(slices.dense_shape)],
                         name="UnsortedSegmentSum",
                         out_specs=[(values.dtype.base_dtype, slices.shape)])


register_densifier(to_dense)

