"""Functional scatters: `tf.scatter_nd` and `tf.tensor_scatter_{update,add,sub,max,min}`
(also as `tensor_scatter_nd_*`). They return a new tensor; the variable scatters are in
`state_ops`.

As TF1's CPU kernels, an index outside the shape fails the run with InvalidArgumentError
naming the op (JAX alone would drop or clamp it, a silently wrong value) and the run changes
no variable. Duplicate indices add up for scatter_nd and the add/sub scatters; for update, one
of the duplicates wins (TF1 leaves which one unspecified).
"""
import functools

import jax.numpy as jnp

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output, next_op_name
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops


def _index(indices):
    return tuple(jnp.moveaxis(jnp.asarray(indices), -1, 0))


def _out_of_range(tensor_shape, indices):
    k = indices.shape[-1]
    bounds = jnp.asarray(tensor_shape[:k], indices.dtype)
    return jnp.any((indices < 0) | (indices >= bounds))


def _scatter_kernel(tensor, indices, updates, how):
    at = jnp.asarray(tensor).at[_index(indices)]
    updates = jnp.asarray(updates, tensor.dtype)
    if how == "update":
        return at.set(updates, mode="drop")
    if how == "add":
        return at.add(updates, mode="drop")
    if how == "sub":
        return at.add(-updates, mode="drop")
    if how == "max":
        return at.max(updates, mode="drop")
    return at.min(updates, mode="drop")


def _check_args(t, i, u, what):
    if i.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"{what}: indices '{i.name}' must be int32 or int64, got "
                        f"{i.dtype.name}.")
    if u.dtype.base_dtype != t.dtype.base_dtype:
        raise TypeError(f"{what}: updates '{u.name}' ({u.dtype.name}) must have the dtype of "
                        f"the tensor ({t.dtype.name}).")
    dims, idims, udims = t.shape.as_tuple(), i.shape.as_tuple(), u.shape.as_tuple()
    if None in (dims, idims, udims) or idims[-1] is None:
        return
    k = idims[-1]
    if k > len(dims):
        raise ValueError(f"{what}: the last dimension of indices ({k}) must be <= the rank of "
                         f"the tensor ({len(dims)}).")
    expected = TensorShape(list(idims[:-1]) + list(dims[k:]))
    if not expected.is_compatible_with(u.shape):
        raise ValueError(f"{what}: updates must have shape {expected} (indices.shape[:-1] + "
                         f"shape[indices.shape[-1]:]), got {u.shape}.")


def _tensor_scatter(how, op_type, tensor, indices, updates, name):
    t = convert_to_tensor(tensor, name="tensor")
    i = convert_to_tensor(indices, name="indices")
    u = convert_to_tensor(updates, name="updates",
                          dtype=None if hasattr(updates, "dtype") else t.dtype.base_dtype)
    _check_args(t, i, u, op_type)
    op_name = name or op_type
    message = (f"indices out of range in {op_type} op '{next_op_name(op_name)}': "
               f"every index of '{i.name}' must lie inside the shape {t.shape} of '{t.name}'")
    return op_output(op_type, functools.partial(_scatter_kernel, how=how), [t, i, u],
                     name=op_name, kind=CHECKED, out_specs=[(t.dtype.base_dtype, t.shape)],
                     check=RunCheck(lambda tv, iv, uv: _out_of_range(tv.shape, iv),
                                    errors.InvalidArgumentError, message))


def _make(how, op_type):
    def scatter(tensor, indices, updates, name=None):
        return _tensor_scatter(how, op_type, tensor, indices, updates, name)
    scatter.__name__ = f"tensor_scatter_nd_{how}"
    scatter.__doc__ = (f"TF1's `tf.tensor_scatter_nd_{how}` (\"{op_type}\"): a copy of `tensor` "
                       f"with the slices at `indices` {how}d by `updates`; an index outside "
                       "`tensor`'s shape fails the run with InvalidArgumentError, as TF1.")
    return scatter


tensor_scatter_nd_update = _make("update", "TensorScatterUpdate")
tensor_scatter_nd_add = _make("add", "TensorScatterAdd")
tensor_scatter_nd_sub = _make("sub", "TensorScatterSub")
tensor_scatter_nd_max = _make("max", "TensorScatterMax")
tensor_scatter_nd_min = _make("min", "TensorScatterMin")
tensor_scatter_update = tensor_scatter_nd_update
tensor_scatter_add = tensor_scatter_nd_add
tensor_scatter_sub = tensor_scatter_nd_sub


def _scatter_nd_kernel(indices, updates, shape):
    return jnp.zeros(shape, updates.dtype).at[_index(indices)].add(updates, mode="drop")


def scatter_nd(indices, updates, shape, name=None):
    """TF1's `tf.scatter_nd` ("ScatterNd"): zeros of `shape` with `updates` added at `indices`
    (duplicates add up). `shape` must be static. An index outside `shape` fails the run with
    InvalidArgumentError, as TF1's CPU kernel."""
    i = convert_to_tensor(indices, name="indices")
    u = convert_to_tensor(updates, name="updates")
    static, dyn = array_ops._static_shape_arg(shape, "scatter_nd")
    if static is None:
        raise NotImplementedError(f"scatter_nd: shape must be known when the graph is built; "
                                  f"got the computed tensor {dyn.name}.")
    dims = tuple(static)
    if i.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"scatter_nd: indices '{i.name}' must be int32 or int64, got "
                        f"{i.dtype.name}.")
    idims, udims = i.shape.as_tuple(), u.shape.as_tuple()
    if idims is not None and udims is not None and idims[-1] is not None:
        k = idims[-1]
        expected = TensorShape(list(idims[:-1]) + list(dims[k:]))
        if k > len(dims) or not expected.is_compatible_with(u.shape):
            raise ValueError(f"scatter_nd: updates must have shape {expected} "
                             f"(indices.shape[:-1] + shape[indices.shape[-1]:]), got {u.shape}.")
    op_name = name or "ScatterNd"
    message = (f"indices out of range in ScatterNd op '{next_op_name(op_name)}': "
               f"every index of '{i.name}' must lie inside the shape {list(dims)}")
    return op_output("ScatterNd", _scatter_nd_kernel, [i, u], name=op_name, kind=CHECKED,
                     attrs={"shape": dims}, out_specs=[(u.dtype.base_dtype, TensorShape(dims))],
                     check=RunCheck(lambda iv, uv: _out_of_range(dims, iv),
                                    errors.InvalidArgumentError, message))
