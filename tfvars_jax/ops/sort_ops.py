"""Sorting and ranking ops: `tf.nn.top_k`, `tf.nn.in_top_k`, `tf.sort`, `tf.argsort`,
`tf.searchsorted`.

Ties are broken as TF1's TopKV2 breaks them: the lower index first. TF1 builds `sort` and
`argsort` from TopKV2 (plus negations and transposes); here each is one op that carries the
name and type of TF1's last op (`sort/Neg_1`, `argsort/TopKV2`, ...), so `x.op.name` reads
the same.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op, op_output
from tfvars_jax.framework.tensor_shape import TensorShape


def _static_int(v, what):
    if isinstance(v, ops_lib.Tensor) or hasattr(v, "_as_tensor"):
        t = convert_to_tensor(v)
        if t._static_value is None:
            raise NotImplementedError(f"{what} must be known when the graph is built (a Python "
                                      f"int or a constant); got the computed tensor {t.name}.")
        return int(t._static_value)
    return int(v)


def _top_k_kernel(x, k, index_type):
    values, indices = jax.lax.top_k(x, k)
    return values, indices.astype(index_type)


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):  # noqa: A002
    """TF1's `tf.nn.top_k` ("TopKV2"): the `k` largest entries of the last axis and their
    indices, largest first; equal values keep the lower index first. `k` must be static.
    `sorted=False` returns them sorted too (TF1 leaves the order unspecified)."""
    del sorted  # the order TF1 leaves unspecified is the sorted one
    x = convert_to_tensor(input, name="input")
    k = _static_int(k, "top_k's k")
    if k < 0:
        raise ValueError(f"Need k >= 0, got {k}")
    index_type = dtypes.as_dtype(index_type).base_dtype
    if index_type not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"top_k: index_type must be int32 or int64, got {index_type.name}")
    if x.shape.ndims == 0:
        raise ValueError("top_k: input must be at least rank 1, got a scalar.")
    last = x.shape[-1].value if x.shape.ndims else None
    np_index = np.dtype(index_type.as_numpy_dtype)
    if last is not None and last < k:
        raise ValueError(f"input must have last dimension >= k = {k} but is {last} for "
                         f"'{name or 'TopKV2'}' (op: 'TopKV2') with input shapes: {x.shape}.")
    if not (x.dtype.is_floating or x.dtype.is_integer):
        raise TypeError(f"top_k: input must be a real number tensor, got {x.dtype.name}.")
    specs = None
    if x.shape.ndims is None:
        specs = [(x.dtype.base_dtype, TensorShape(None)), (index_type, TensorShape(None))]
    op = make_op("TopKV2", _top_k_kernel, [x], name=name or "TopKV2",
                 attrs={"k": k, "index_type": np_index}, out_specs=specs)
    return op.outputs[0], op.outputs[1]


def _in_top_k_kernel(predictions, targets, k):
    n = predictions.shape[-1]
    valid = (targets >= 0) & (targets < n)
    safe = jnp.clip(targets, 0, max(n - 1, 0)).astype(jnp.int32)
    target_pred = jnp.take_along_axis(predictions, safe[:, None], axis=1)[:, 0]
    finite = jnp.all(jnp.isfinite(predictions), axis=1)  # TF1: a non-finite row cannot say
    better = jnp.sum(predictions > target_pred[:, None], axis=1)
    return valid & finite & (better < k)


def in_top_k(predictions, targets, k, name=None):
    """TF1's `tf.nn.in_top_k` ("InTopKV2", named `in_top_k/InTopKV2`): whether each target's
    prediction is among the `k` largest of its row; ties at the boundary count as in, a row
    with a non-finite prediction or an out-of-range target gives False, as TF1's kernel."""
    with ops_lib.name_scope(name, "in_top_k"):
        p = convert_to_tensor(predictions, name="predictions")
        t = convert_to_tensor(targets, name="targets")
        if p.dtype.base_dtype != dtypes.float32:
            raise TypeError(f"in_top_k: predictions must be float32, got {p.dtype.name}.")
        if t.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"in_top_k: targets must be int32 or int64, got {t.dtype.name}.")
        if p.shape.ndims not in (None, 2) or t.shape.ndims not in (None, 1):
            raise ValueError(f"in_top_k: predictions must be 2-D and targets 1-D, got "
                             f"{p.shape} and {t.shape}.")
        batch = p.shape[0].value if p.shape.ndims == 2 else None
        if batch is None and t.shape.ndims == 1:
            batch = t.shape[0].value
        return op_output("InTopKV2", _in_top_k_kernel, [p, t], name="InTopKV2",
                         attrs={"k": _static_int(k, "in_top_k's k")},
                         out_specs=[(dtypes.bool, TensorShape([batch]))])


def _sort_kernel(x, axis, descending, argsort):
    x = jnp.moveaxis(x, axis, -1)
    if descending:
        values, indices = jax.lax.top_k(x, x.shape[-1])
    else:
        indices = jnp.argsort(x, axis=-1, stable=True)
        values = jnp.take_along_axis(x, indices, axis=-1)
    out = indices.astype(jnp.int32) if argsort else values
    return jnp.moveaxis(out, -1, axis)


def _sort(values, axis, direction, name, argsort):
    public = "argsort" if argsort else "sort"
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{direction} should be one of ASCENDING, DESCENDING")
    with ops_lib.name_scope(name, public, [values]):
        x = convert_to_tensor(values, name="values")
        if not (x.dtype.is_floating or x.dtype.is_integer):
            raise TypeError(f"{public}: values must be real numbers, got {x.dtype.name}.")
        rank = x.shape.ndims
        axis = _static_int(axis, f"{public}'s axis")
        if rank is None:
            if axis != -1:
                raise NotImplementedError(f"{public}: the rank of '{x.name}' must be known "
                                          "to sort along an axis other than -1.")
            last = True
        else:
            if not -rank <= axis < rank:
                raise ValueError(f"{public}: axis {axis} is out of range for rank {rank}.")
            axis %= rank
            last = axis == rank - 1
        descending = direction == "DESCENDING"
        # The name and type of the last op of TF1's composition.
        if not last and (argsort or descending or not x.dtype.is_floating):
            op_type, op_name = "Transpose", "transpose_1"
        elif argsort or descending:
            op_type, op_name = "TopKV2", "TopKV2"
        elif x.dtype.is_floating:
            op_type, op_name = "Neg", "Neg_1"
        else:
            op_type, op_name = "Sub", "sub_1"
        out_dtype = dtypes.int32 if argsort else x.dtype.base_dtype
        return op_output(op_type, _sort_kernel, [x], name=op_name,
                         attrs={"axis": axis, "descending": descending, "argsort": argsort},
                         out_specs=None if rank is not None else
                         [(out_dtype, TensorShape(None))])


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """TF1's `tf.sort`: `values` sorted along `axis` (`axis` static)."""
    return _sort(values, axis, direction, name, argsort=False)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """TF1's `tf.argsort`: the int32 indices that sort `values` along `axis`; equal values keep
    their order (always stable, as TF1's TopKV2-based argsort is)."""
    del stable  # always stable
    return _sort(values, axis, direction, name, argsort=True)


def _searchsorted_kernel(seq, values, side, out_type):
    find = functools.partial(jnp.searchsorted, side=side)
    lead = seq.shape[:-1]
    flat_seq = jnp.reshape(seq, (-1, seq.shape[-1]))
    flat_values = jnp.reshape(values, (-1, values.shape[-1]))
    out = jax.vmap(find)(flat_seq, flat_values)
    return jnp.reshape(out, lead + values.shape[-1:]).astype(out_type)


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """TF1's `tf.searchsorted`: for each value, the index in the sorted innermost rows of
    `sorted_sequence` where it would be inserted (`side` "left": first such, "right": last);
    the leading dimensions must match. The op is named "Reshape" (TF1's last op)."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be either 'right' or 'left'.  Saw: {side}.")
    seq = convert_to_tensor(sorted_sequence, name="sorted_sequence")
    vals = convert_to_tensor(values, name="values", dtype=seq.dtype.base_dtype
                             if not isinstance(values, ops_lib.Tensor) else None)
    if seq.dtype.base_dtype != vals.dtype.base_dtype:
        raise TypeError(f"searchsorted: sorted_sequence and values must share a dtype, got "
                        f"{seq.dtype.name} and {vals.dtype.name}.")
    if seq.shape.ndims is not None and vals.shape.ndims is not None:
        if seq.shape.ndims != vals.shape.ndims or not \
                seq.shape[:-1].is_compatible_with(vals.shape[:-1]):
            raise ValueError(f"searchsorted: the leading dimensions of sorted_sequence "
                             f"{seq.shape} and values {vals.shape} must match.")
    out_type = dtypes.as_dtype(out_type).base_dtype
    if name is None:  # TF1 flattens both inputs first (Reshape, Reshape_1); its result is next
        graph = ops_lib.graph_of([seq, vals])
        graph.unique_name("Reshape")
        graph.unique_name("Reshape")
    return op_output("Reshape", _searchsorted_kernel, [seq, vals], name=name or "Reshape",
                     attrs={"side": side, "out_type": np.dtype(out_type.as_numpy_dtype)},
                     out_specs=None if vals.shape.ndims is not None else
                     [(out_type, TensorShape(None))])



def _approx_k_kernel(x, k, axis, recall_target, size_override, aggregate, largest):
    fn = jax.lax.approx_max_k if largest else jax.lax.approx_min_k
    values, indices = fn(x, k, reduction_dimension=axis, recall_target=recall_target,
                         reduction_input_size_override=size_override,
                         aggregate_to_topk=aggregate)
    return values, indices.astype(jnp.int32)


def _approx_k(op_largest, operand, k, reduction_dimension, recall_target,
              reduction_input_size_override, aggregate_to_topk, name):
    x = convert_to_tensor(operand, name="operand")
    k = _static_int(k, "approx_max_k's k" if op_largest else "approx_min_k's k")
    if not x.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'operand' of ApproxTopK has DataType "
                        f"{x.dtype.name} not in list of allowed values: half, bfloat16, float32")
    ndims = x.shape.ndims
    if ndims is None:
        raise NotImplementedError("approx_max_k/approx_min_k need an operand of known rank.")
    axis = int(reduction_dimension)
    if not -ndims <= axis < ndims:
        raise ValueError(f"reduction_dimension {axis} is out of range for rank {ndims}")
    size = x.shape[axis].value
    if size is not None and not 0 <= k <= size:
        raise ValueError(f"k must be in [0, {size}] (the reduced dimension), got {k}")
    op = make_op("ApproxTopK", _approx_k_kernel, [x], name=name or "ApproxTopK",
                 attrs={"k": k, "axis": axis % ndims, "recall_target": float(recall_target),
                        "size_override": int(reduction_input_size_override),
                        "aggregate": bool(aggregate_to_topk), "largest": op_largest})
    return op.outputs[0], op.outputs[1]


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """TF's `tf.math.approx_max_k` ("ApproxTopK"): the `k` largest values along
    `reduction_dimension` and their int32 indices, through `jax.lax.approx_max_k` (XLA's
    ApproxTopK, as TF's). On CPU both compute the exact top k."""
    return _approx_k(True, operand, k, reduction_dimension, recall_target,
                     reduction_input_size_override, aggregate_to_topk, name)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """TF's `tf.math.approx_min_k`: as `approx_max_k`, for the `k` smallest values."""
    return _approx_k(False, operand, k, reduction_dimension, recall_target,
                     reduction_input_size_override, aggregate_to_topk, name)
