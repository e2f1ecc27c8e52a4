"""Segment reductions: `tf.segment_{sum,mean,max,min,prod}` (sorted ids) and
`tf.unsorted_segment_{sum,mean,max,min,prod,sqrt_n}`.

As TF1's CPU kernels, bad ids fail the run with InvalidArgumentError and change no variable:
sorted segment ids that decrease or are negative, unsorted ids >= num_segments (JAX alone
would drop or clamp them, a silently wrong value). A negative unsorted id drops its row, as
TF1 documents. Empty segments get TF1's values: 0 for the sorted ops (1 for prod), and for the
unsorted ones 0 (sum, mean, sqrt_n), 1 (prod), the type's lowest (max) or highest (min) value.

The number of sorted segments is max(id) + 1, known only when the run computes the ids: those
ops are data-dependent (`data_dependent_ops`). Gradients are TF1's: max/min share the
gradient equally among the tied maxima, prod gives each row the product of the others.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output, next_op_name
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape, unknown_shape
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import data_dependent_ops
from tfvars_jax.ops import math_ops


def _broadcast_rows(v, data):
    return jnp.reshape(v, v.shape + (1,) * (data.ndim - 1))


def _reduce(kind, data, ids, n, sorted_ids):
    """The segment reduction of `data` (rows) by 1-D `ids` into `n` segments; ids outside
    [0, n) are dropped. Empty segments get TF1's value for `kind` (see the module docstring)."""
    ids = jnp.where(ids < 0, n, ids)  # dropped (JAX wraps negative indices otherwise)
    count = jax.ops.segment_sum(jnp.ones(ids.shape, jnp.int32), ids, n, mode="drop")
    empty = _broadcast_rows(count == 0, data)
    if kind in ("sum", "mean", "sqrt_n"):
        total = jax.ops.segment_sum(data, ids, n, mode="drop")
        if kind == "sum":
            return total
        c = _broadcast_rows(count, data)
        if kind == "mean" and jnp.issubdtype(data.dtype, jnp.integer):
            return jax.lax.div(total, jnp.maximum(c, 1).astype(data.dtype))
        c = c.astype(total.dtype)
        return total / (jnp.maximum(c, 1) if kind == "mean" else jnp.sqrt(jnp.maximum(c, 1)))
    if kind in ("max", "min"):
        fn = jax.ops.segment_max if kind == "max" else jax.ops.segment_min
        out = fn(jax.lax.stop_gradient(data), ids, n, mode="drop")
        # TF1's gradient: shared equally among the rows that attain the extreme value.
        picked = data == _take_rows(out, ids)
        ties = jax.ops.segment_sum(picked.astype(data.dtype), ids, n, mode="drop")
        weight = jax.lax.stop_gradient(
            jnp.where(picked, 1 / jnp.maximum(_take_rows(ties, ids), 1), 0)).astype(data.dtype)
        if jnp.issubdtype(data.dtype, jnp.inexact):
            out = out + jax.ops.segment_sum((data - jax.lax.stop_gradient(data)) * weight, ids,
                                            n, mode="drop")
        if sorted_ids:
            fill = 0
        elif jnp.issubdtype(data.dtype, jnp.floating):
            info = jnp.finfo(data.dtype)
            fill = info.min if kind == "max" else info.max
        else:
            info = jnp.iinfo(data.dtype)
            fill = info.min if kind == "max" else info.max
        return jnp.where(empty, jnp.asarray(fill, data.dtype), out)
    if kind == "prod":
        zero = data == 0
        zeros = jax.ops.segment_sum(zero.astype(jnp.int32), ids, n, mode="drop")
        nonzero_prod = jax.ops.segment_prod(jnp.where(zero, 1, jax.lax.stop_gradient(data)),
                                            ids, n, mode="drop")
        out = jnp.where(zeros > 0, 0, nonzero_prod).astype(data.dtype)
        if jnp.issubdtype(data.dtype, jnp.inexact):
            # TF1's gradient: the product of the other rows of the segment.
            z, p = _take_rows(zeros, ids), _take_rows(nonzero_prod, ids)
            safe = jnp.where(zero, 1, data)
            others = jnp.where(z == 0, p / safe, jnp.where((z == 1) & zero, p, 0))
            weight = jax.lax.stop_gradient(others).astype(data.dtype)
            out = out + jax.ops.segment_sum((data - jax.lax.stop_gradient(data)) * weight, ids,
                                            n, mode="drop")
        return out
    raise ValueError(kind)


def _take_rows(seg_values, ids):
    n = seg_values.shape[0]
    safe = jnp.clip(ids, 0, max(n - 1, 0))
    if n == 0:
        return jnp.zeros(ids.shape + seg_values.shape[1:], seg_values.dtype)
    return jnp.take(seg_values, safe, axis=0)


def _check_ids(ids, what):
    if ids.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'segment_ids' of {what} has DataType "
                        f"{ids.dtype.name} not in list of allowed values: int32, int64")


def _check_data(data, kind, what):
    if data.dtype.base_dtype in (dtypes.bool, dtypes.string):
        raise TypeError(f"{what}: data '{data.name}' of type {data.dtype.name} is not supported "
                        "(numbers only).")
    if kind in ("max", "min") and data.dtype.is_complex:
        raise TypeError(f"{what}: complex data has no order.")


# ----- sorted segments -----------------------------------------------------------------------
def _sorted_kernel(data, ids, kind, sizes):
    return _reduce(kind, data, jnp.asarray(ids), sizes[0], sorted_ids=True)


def _sorted_size(data, ids):
    ids = jnp.asarray(ids)
    return jnp.max(ids, initial=-1) + 1 if ids.size else jnp.int32(0)


def _sorted_bad(data, ids):
    ids = jnp.asarray(ids)
    if ids.size == 0:
        return jnp.bool_(False)
    return jnp.any(ids < 0) | jnp.any(ids[1:] < ids[:-1])


def _sorted_segment(kind, op_type):
    def segment(data, segment_ids, name=None):
        data = convert_to_tensor(data, name="data")
        ids = convert_to_tensor(segment_ids, name="segment_ids")
        _check_ids(ids, op_type)
        _check_data(data, kind, op_type)
        if ids.shape.ndims not in (None, 1):
            raise ValueError(f"{op_type}: segment_ids must be a vector, got shape {ids.shape} "
                             f"('{ids.name}').")
        if data.shape.ndims == 0:
            raise ValueError(f"{op_type}: data must have rank >= 1, got a scalar.")
        n_ids = ids.shape[0].value if ids.shape.ndims == 1 else None
        n_rows = data.shape[0].value if data.shape.ndims else None
        if n_ids is not None and n_rows is not None and n_ids != n_rows:
            raise ValueError(f"{op_type}: segment_ids '{ids.name}' must have one id per row of "
                             f"data '{data.name}' ({n_rows} rows), got {n_ids} ids.")
        out_shape = (TensorShape([None] + data.shape.as_list()[1:]) if data.shape.ndims
                     else unknown_shape())
        op_name = name or op_type
        message = (f"{op_type} op '{next_op_name(op_name)}': segment ids "
                   f"'{ids.name}' must be non-negative and sorted in increasing order")
        return data_dependent_ops._make(
            op_type, functools.partial(_sorted_kernel, kind=kind), [data, ids], op_name,
            [(data.dtype.base_dtype, out_shape)], _sorted_size,
            lambda d, i: (int(np.size(i)),),
            check=(_sorted_bad, errors.InvalidArgumentError, message)).outputs[0]
    segment.__name__ = f"segment_{kind}"
    empty = "1" if kind == "prod" else "0"
    segment.__doc__ = (
        f"TF1's `tf.segment_{kind}(data, segment_ids)` (\"{op_type}\"): the {kind} of the rows "
        f"of `data` per segment id; `segment_ids` is a sorted vector with one id per row; the "
        f"result has max(id) + 1 rows, empty segments giving {empty}. Unsorted or negative ids "
        "fail the run with InvalidArgumentError, as TF1's CPU kernel.")
    return segment


segment_sum = _sorted_segment("sum", "SegmentSum")
segment_mean = _sorted_segment("mean", "SegmentMean")
segment_max = _sorted_segment("max", "SegmentMax")
segment_min = _sorted_segment("min", "SegmentMin")
segment_prod = _sorted_segment("prod", "SegmentProd")


# ----- unsorted segments ---------------------------------------------------------------------
def _flatten_rows(data, ids):
    k = ids.ndim
    return jnp.reshape(data, (int(np.prod(ids.shape, dtype=np.int64)),) + data.shape[k:]), \
        jnp.reshape(ids, (-1,))


def _unsorted_kernel(data, ids, *num, kind, n):
    if n is None:
        n = array_ops.concrete_dims(num[0], "unsorted_segment num_segments")[0]
    rows, flat = _flatten_rows(jnp.asarray(data), jnp.asarray(ids))
    return _reduce(kind, rows, flat, n, sorted_ids=False)


def _unsorted_bad(data, ids, *num, n):
    bound = num[0] if n is None else n
    return jnp.any(jnp.asarray(ids) >= bound)


def _unsorted_segment(kind, op_type, data, segment_ids, num_segments, name, op_name=None):
    data = convert_to_tensor(data, name="data")
    ids = convert_to_tensor(segment_ids, name="segment_ids")
    _check_ids(ids, op_type)
    _check_data(data, kind, op_type)
    num = convert_to_tensor(num_segments, name="num_segments")
    if num.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'num_segments' has DataType "
                        f"{num.dtype.name} not in list of allowed values: int32, int64")
    if num.shape.ndims not in (None, 0):
        raise ValueError(f"{op_type}: num_segments must be a scalar, got shape {num.shape}.")
    k = ids.shape.ndims
    if k is not None and data.shape.ndims is not None:
        if not data.shape[:k].is_compatible_with(ids.shape):
            raise ValueError(f"{op_type}: segment_ids.shape {ids.shape} must be a prefix of "
                             f"data.shape {data.shape}.")
        rest = data.shape.as_list()[k:]
    else:
        rest = None
    n = None if num._static_value is None else int(num._static_value)
    if n is not None and n < 0:
        raise ValueError(f"{op_type}: num_segments must be non-negative, got {n}.")
    out_shape = TensorShape([n] + rest) if rest is not None else unknown_shape()
    op_name = op_name or name or op_type
    bound = n if n is not None else "num_segments"
    message = (f"{op_type} op '{next_op_name(op_name)}': every segment id of "
               f"'{ids.name}' must be < {bound} (num_segments); negative ids drop their rows")
    inputs = [data, ids] + ([] if n is not None else [num])
    return op_output(op_type, functools.partial(_unsorted_kernel, kind=kind, n=n), inputs,
                     name=op_name, kind=CHECKED, out_specs=[(data.dtype.base_dtype, out_shape)],
                     check=RunCheck(functools.partial(_unsorted_bad, n=n),
                                    errors.InvalidArgumentError, message))


def _unsorted(kind, op_type):
    def segment(data, segment_ids, num_segments, name=None):
        return _unsorted_segment(kind, op_type, data, segment_ids, num_segments, name)
    segment.__name__ = f"unsorted_segment_{kind}"
    segment.__doc__ = (
        f"TF1's `tf.unsorted_segment_{kind}(data, segment_ids, num_segments)` "
        f"(\"{op_type}\"): the {kind} of the entries of `data` per id; `segment_ids.shape` is a "
        "prefix of `data.shape`. An id >= num_segments fails the run with "
        "InvalidArgumentError; a negative id drops its entry, as TF1.")
    return segment


unsorted_segment_sum = _unsorted("sum", "UnsortedSegmentSum")
unsorted_segment_max = _unsorted("max", "UnsortedSegmentMax")
unsorted_segment_min = _unsorted("min", "UnsortedSegmentMin")
unsorted_segment_prod = _unsorted("prod", "UnsortedSegmentProd")


def _unsorted_normalized(kind, scope_name, data, segment_ids, num_segments, name):
    with ops_lib.name_scope(name, scope_name, [data, segment_ids, num_segments]):
        data = convert_to_tensor(data, name="data")
        if kind == "sqrt_n" and not (data.dtype.is_floating or data.dtype.is_complex):
            raise TypeError(f"unsorted_segment_sqrt_n: data '{data.name}' must be floating-point "
                            f"or complex, got {data.dtype.name}.")
        if data.dtype.is_integer:  # TF1 divides by the count with tf.truediv
            data = math_ops.cast(data, dtypes.float32 if data.dtype.base_dtype in (
                dtypes.int8, dtypes.int16, dtypes.uint8, dtypes.uint16) else dtypes.float64)
        return _unsorted_segment(kind, "RealDiv", data, segment_ids, num_segments, None,
                                 op_name="truediv")


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """TF1's `tf.unsorted_segment_mean`: the mean per id (0 for an empty segment); integers are
    divided as `tf.truediv` does. The op is `UnsortedSegmentMean/truediv`, as TF1's."""
    return _unsorted_normalized("mean", "UnsortedSegmentMean", data, segment_ids, num_segments,
                                name)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """TF1's `tf.unsorted_segment_sqrt_n`: the sum per id divided by sqrt(count) (0 for an
    empty segment). The op is `UnsortedSegmentSqrtN/truediv`, as TF1's."""
    return _unsorted_normalized("sqrt_n", "UnsortedSegmentSqrtN", data, segment_ids,
                                num_segments, name)
