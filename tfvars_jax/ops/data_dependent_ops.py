"""Ops whose output shapes depend on input values: `tf.boolean_mask`, `tf.where(condition)`,
`tf.unique`, `tf.dynamic_partition`, `tf.dynamic_stitch`.

Under `jax.jit` every shape is fixed when the run is traced, so such an op is traced with
*assumed* sizes (those of the previous run; an upper bound the first time) and checks its
actual sizes in the run (a check flag, like `tf.Assert`). When they differ, the run changes
nothing and the Plan runs it again, compiled for the actual sizes (`runtime/compiler.py`). So
results are exactly TF1's, each distinct size compiles once, and a run whose sizes repeat
costs one compiled call plus reading the check flags. See ARCHITECTURE.md.

Gradients flow to the data (`tensor`, `data`) as in TF1. These ops cannot be inside a
`tf.cond` branch or a loop body (NotImplementedError), nor in `functional.make_step`.
"""
import functools
from typing import Callable, NamedTuple, Optional

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind
from tfvars_jax.framework.tensor_shape import TensorShape, unknown_shape


class _SizedKernel(NamedTuple):
    """A data-dependent op's kernel: `compute(*inputs, sizes=...)` with assumed output sizes;
    `size_fn(*inputs)` the actual sizes (traced); `guess_fn(*inputs)` the sizes to assume
    before any run (an upper bound); `check` an optional (predicate, error class, message)."""
    compute: Callable
    size_fn: Callable
    guess_fn: Callable
    check: Optional[tuple] = None


class _DataDependent(OpKind):
    """An op whose output sizes depend on input values: traced with assumed sizes, which it
    checks against the actual ones in the run (see the module docstring)."""
    name = "data_dependent"
    data_dependent = True
    runs_eagerly = True  # eagerly the sizes are known (`EagerContext.assumed_sizes`)

    def has_checks(self, op, resolved=None):
        return True

    def run(self, op, ctx):
        k = op.kernel
        args = [ctx.env[t] for t in op._inputs]
        actual = jnp.asarray(k.size_fn(*args), jnp.int32).reshape(-1)
        assumed = ctx.assumed_sizes(op, tuple(k.guess_fn(*args)), actual)
        ctx.check_sizes(op, actual, assumed)
        if k.check is not None:
            predicate, error_class, message = k.check
            ctx.fail_if(predicate(*args), error_class, message)
        ctx.store(op, k.compute(*args, sizes=tuple(assumed)))


DATA_DEPENDENT = _DataDependent()


def _make(op_type, kernel, inputs, name, out_specs, size_fn, guess_fn, check=None):
    return make_op(op_type, _SizedKernel(kernel, size_fn, guess_fn, check), inputs, name=name,
                   kind=DATA_DEPENDENT, out_specs=out_specs)


def _take(arr, idx, axis):
    """`jnp.take` that also serves an empty `arr` (an assumed size may exceed the actual one
    until the run is checked, whose result is then discarded)."""
    if np.shape(arr)[axis] == 0:
        shape = list(np.shape(arr))
        shape[axis] = np.shape(idx)[0]
        return jnp.zeros(shape, jnp.asarray(arr).dtype)
    return jnp.take(arr, idx, axis=axis)


# ----- boolean_mask ------------------------------------------------------------------------
def _mask_count(tensor, mask):
    return jnp.sum(jnp.asarray(mask, bool))


def _mask_guess(tensor, mask):
    return (int(np.prod(np.shape(mask))),)


def _mask_kernel(tensor, mask, axis, sizes):
    k = np.ndim(mask)
    shape = np.shape(tensor)
    flat = jnp.reshape(tensor, shape[:axis] + (int(np.prod(shape[axis:axis + k])),) +
                       shape[axis + k:])
    idx = jnp.nonzero(jnp.reshape(jnp.asarray(mask, bool), -1), size=sizes[0])[0]
    return _take(flat, idx, axis)


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """TF1's `tf.boolean_mask`: the entries of `tensor` where `mask` (a bool tensor matching
    `tensor`'s dimensions `axis` to `axis + rank(mask)`) is True, in row-major order.

    The result's size along `axis` is known only when the run computes `mask` (see the module
    docstring); `get_shape()` reports it as unknown, as TF1.
    """
    with ops_lib.name_scope(name, values=[tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        if mask.dtype.base_dtype != dtypes.bool:
            raise TypeError(f"mask must be a bool tensor, got {mask.dtype.base_dtype.name}")
        k = mask.shape.ndims
        if k is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None is "
                             "not.")
        if k == 0:
            raise ValueError("mask cannot be scalar.")
        axis = 0 if axis is None else int(axis)
        if tensor.shape.ndims is not None:
            dims = tensor.shape.as_list()
            if axis < 0:
                axis += len(dims)
            if not TensorShape(dims[axis:axis + k]).is_compatible_with(mask.shape):
                raise ValueError(f"Shapes {TensorShape(dims[axis:axis + k])} and {mask.shape} "
                                 "are incompatible")
            out_shape = TensorShape(dims[:axis] + [None] + dims[axis + k:])
        else:
            out_shape = unknown_shape()
        return _make("GatherV2", functools.partial(_mask_kernel, axis=axis), [tensor, mask],
                     "GatherV2", [(tensor.dtype.base_dtype, out_shape)], _mask_count,
                     _mask_guess).outputs[0]


# ----- where(condition) --------------------------------------------------------------------
def _where_kernel(condition, sizes):
    cond = jnp.asarray(condition) != 0
    return jnp.argwhere(cond, size=sizes[0]).astype(jnp.int64)


def where_coordinates(condition, name=None):
    """TF1's one-argument `tf.where(condition)`: the int64 coordinates [n, rank] of the true
    (non-zero) entries of `condition`, in row-major order."""
    condition = convert_to_tensor(condition, name="condition")
    rank = condition.shape.ndims
    return _make("Where", _where_kernel, [condition], name or "Where",
                 [(dtypes.int64, TensorShape([None, rank]))],
                 lambda c: jnp.sum(jnp.asarray(c) != 0),
                 lambda c: (int(np.prod(np.shape(c))),)).outputs[0]


# ----- unique ------------------------------------------------------------------------------
def _unique_count(x):
    x = jnp.asarray(x)
    if x.size == 0:
        return jnp.int32(0)
    s = jnp.sort(x)
    return 1 + jnp.sum(s[1:] != s[:-1])


def _unique_kernel(x, out_idx, sizes):
    n = sizes[0]
    x = jnp.asarray(x)
    if n == 0 or x.size == 0:
        return jnp.zeros((n,), x.dtype), jnp.zeros(x.shape, out_idx)
    vals, first, inverse = jnp.unique(x, return_index=True, return_inverse=True, size=n,
                                      fill_value=x[0])
    order = jnp.argsort(first)  # TF1 keeps the order of first occurrence, not sorted order
    rank = jnp.zeros((n,), jnp.int32).at[order].set(jnp.arange(n, dtype=jnp.int32))
    return vals[order], rank[jnp.reshape(inverse, -1)].astype(out_idx)


def unique(x, out_idx=dtypes.int32, name=None):
    """TF1's `tf.unique(x)` for a 1-D `x`: (y, idx) with `y` the distinct values in the order
    they first occur and `x == tf.gather(y, idx)`. Not differentiable, as in TF1."""
    x = convert_to_tensor(x, name="x")
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"unique expects a 1-D vector, got shape {x.shape}")
    out_idx = dtypes.as_dtype(out_idx).base_dtype
    if out_idx not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"out_idx must be int32 or int64, got {out_idx.name}")
    op = _make("Unique", functools.partial(_unique_kernel,
                                           out_idx=np.dtype(out_idx.as_numpy_dtype)),
               [x], name or "Unique",
               [(x.dtype.base_dtype, TensorShape([None])), (out_idx, x.shape)], _unique_count,
               lambda v: (int(np.size(v)),))
    return op.outputs[0], op.outputs[1]


# ----- dynamic_partition / dynamic_stitch -------------------------------------------------
def _partition_counts(data, partitions, num_partitions):
    p = jnp.reshape(jnp.asarray(partitions), -1)
    return jnp.stack([jnp.sum(p == i) for i in range(num_partitions)])


def _partition_kernel(data, partitions, num_partitions, sizes):
    p = jnp.reshape(jnp.asarray(partitions), -1)
    k = np.ndim(partitions)
    rows = jnp.reshape(data, (p.shape[0],) + np.shape(data)[k:])
    return tuple(_take(rows, jnp.nonzero(p == i, size=sizes[i])[0], 0)
                 for i in range(num_partitions))


def dynamic_partition(data, partitions, num_partitions, name=None):
    """TF1's `tf.dynamic_partition`: `num_partitions` tensors; the i-th holds the slices of
    `data` whose `partitions` entry is i, in order. An entry outside [0, num_partitions)
    fails the run with InvalidArgumentError, as TF1."""
    data = convert_to_tensor(data, name="data")
    partitions = convert_to_tensor(partitions, name="partitions")
    num_partitions = int(num_partitions)
    if num_partitions < 1:
        raise ValueError(f"num_partitions must be at least 1, got {num_partitions}")
    k = partitions.shape.ndims
    rest = data.shape.as_list()[k:] if data.shape.ndims is not None and k is not None else None
    spec = (data.dtype.base_dtype, TensorShape([None] + rest) if rest is not None
            else unknown_shape())
    counts = functools.partial(_partition_counts, num_partitions=num_partitions)
    op = _make("DynamicPartition", functools.partial(_partition_kernel,
                                                     num_partitions=num_partitions),
               [data, partitions], name or "DynamicPartition", [spec] * num_partitions, counts,
               lambda d, p: (int(np.size(p)),) * num_partitions,
               check=(lambda d, p: jnp.any((jnp.asarray(p) < 0) |
                                           (jnp.asarray(p) >= num_partitions)),
                      errors.InvalidArgumentError,
                      f"partitions must be in [0, {num_partitions}) (tf.dynamic_partition)"))
    return list(op.outputs)


def _stitch_kernel(*args, sizes):
    return _stitch(sizes[0], *args)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
def _stitch(size, *args):
    n = len(args) // 2
    idx = jnp.concatenate([jnp.reshape(jnp.asarray(i), -1) for i in args[:n]])
    elem = np.shape(args[n])[np.ndim(args[0]):]
    data = jnp.concatenate([jnp.reshape(d, (-1,) + elem) for d in args[n:]])
    order = jnp.arange(idx.shape[0])
    # The last occurrence of an index wins, as in TF1.
    winner = jax.ops.segment_max(order, idx, num_segments=size)
    covered = winner >= 0
    picked = _take(data, jnp.clip(winner, 0, max(idx.shape[0] - 1, 0)), 0)
    return jnp.where(jnp.reshape(covered, (size,) + (1,) * len(elem)), picked,
                     jnp.zeros_like(picked))


def _stitch_fwd(size, *args):
    return _stitch(size, *args), args[:len(args) // 2]


def _stitch_bwd(size, indices, grad):
    """TF1's gradient: every data element gets the gradient at its index, even one that a later
    element of the same index overwrote (TF1 gathers the gradient for each data input)."""
    del size
    elem = np.shape(grad)[1:]
    return (None,) * len(indices) + tuple(
        jnp.reshape(_take(grad, jnp.reshape(jnp.asarray(i), -1), 0), np.shape(i) + elem)
        for i in indices)


_stitch.defvjp(_stitch_fwd, _stitch_bwd)


def dynamic_stitch(indices, data, name=None):
    """TF1's `tf.dynamic_stitch`: `merged[indices[m][i]] = data[m][i]`, of length
    max(indices) + 1; for an index given more than once the last value wins."""
    indices = [convert_to_tensor(i, name="indices") for i in indices]
    data = [convert_to_tensor(d, name="data") for d in data]
    if len(indices) != len(data) or not indices:
        raise ValueError(f"dynamic_stitch needs as many data as indices tensors, got "
                         f"{len(indices)} and {len(data)}")
    k = indices[0].shape.ndims
    rest = data[0].shape.as_list()[k:] if data[0].shape.ndims is not None and k is not None \
        else None
    known = [i._static_value for i in indices]
    size = None if any(v is None for v in known) else \
        1 + max([int(np.max(v)) for v in known if np.size(v)] or [-1])
    spec = (data[0].dtype.base_dtype, TensorShape([size] + rest) if rest is not None
            else unknown_shape())
    return _make("DynamicStitch", _stitch_kernel, indices + data, name or "DynamicStitch",
                 [spec], lambda *a: 1 + jnp.max(jnp.stack(
                     [jnp.max(jnp.reshape(jnp.asarray(i), -1), initial=-1) for i in
                      a[:len(a) // 2]])),
                 lambda *a: (sum(int(np.size(i)) for i in a[:len(a) // 2]),),
                 check=(lambda *a: jnp.any(jnp.stack([jnp.any(jnp.asarray(i) < 0)
                                                      for i in a[:len(a) // 2]])),
                        errors.InvalidArgumentError,
                        "indices must be non-negative (tf.dynamic_stitch)")).outputs[0]


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """TF1's `tf.unique_with_counts(x)` for a 1-D `x`: (y, idx, count), `y` and `idx` as
    `tf.unique` gives them and `count[j]` how often `y[j]` occurs ("UniqueWithCounts")."""
    x = convert_to_tensor(x, name="x")
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"unique_with_counts expects a 1-D vector, got shape {x.shape}")
    out_idx = dtypes.as_dtype(out_idx).base_dtype
    if out_idx not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"out_idx must be int32 or int64, got {out_idx.name}")
    np_idx = np.dtype(out_idx.as_numpy_dtype)

    def kernel(v, sizes):
        y, idx = _unique_kernel(v, np_idx, sizes)
        count = jax.ops.segment_sum(jnp.ones(idx.shape, np_idx), idx, sizes[0])
        return y, idx, count

    op = _make("UniqueWithCounts", kernel, [x], name or "UniqueWithCounts",
               [(x.dtype.base_dtype, TensorShape([None])), (out_idx, x.shape),
                (out_idx, TensorShape([None]))], _unique_count, lambda v: (int(np.size(v)),))
    return tuple(op.outputs)


def _setdiff_kernel(x, y, index_dtype, sizes):
    keep = ~jnp.isin(jnp.asarray(x), jnp.asarray(y))
    idx = jnp.nonzero(keep, size=sizes[0])[0]
    return _take(jnp.asarray(x), idx, 0), idx.astype(index_dtype)


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """TF1's `tf.setdiff1d(x, y)` ("ListDiff"): the values of 1-D `x` not in `y`, in order
    (duplicates kept), and their indices in `x`."""
    x = convert_to_tensor(x, name="x")
    y = convert_to_tensor(y, name="y", dtype=x.dtype.base_dtype
                          if not isinstance(y, ops_lib.Tensor) else None)
    if x.dtype.base_dtype != y.dtype.base_dtype:
        raise TypeError(f"setdiff1d: x and y must share a dtype, got {x.dtype.name} and "
                        f"{y.dtype.name}.")
    for t in (x, y):
        if t.shape.ndims not in (None, 1):
            raise ValueError(f"setdiff1d: '{t.name}' must be 1-D, got shape {t.shape}.")
    index_dtype = dtypes.as_dtype(index_dtype).base_dtype
    op = _make("ListDiff", functools.partial(
        _setdiff_kernel, index_dtype=np.dtype(index_dtype.as_numpy_dtype)), [x, y],
        name or "ListDiff", [(x.dtype.base_dtype, TensorShape([None])),
                             (index_dtype, TensorShape([None]))],
        lambda a, b: jnp.sum(~jnp.isin(jnp.asarray(a), jnp.asarray(b))),
        lambda a, b: (int(np.size(a)),))
    return op.outputs[0], op.outputs[1]


def _bincount_kernel(arr, *weights, minlength, maxlength, sizes, dtype):
    n = sizes[0]
    flat = jnp.reshape(jnp.asarray(arr), (-1,))
    w = (jnp.reshape(jnp.asarray(weights[0]), (-1,)) if weights
         else jnp.ones(flat.shape, dtype))
    return jax.ops.segment_sum(w.astype(dtype), jnp.where(flat < 0, n, flat), n, mode="drop")


def _bincount_size(arr, *weights, minlength, maxlength):
    size = jnp.max(jnp.asarray(arr), initial=-1) + 1
    if minlength is not None:
        size = jnp.maximum(size, minlength)
    if maxlength is not None:
        size = jnp.minimum(size, maxlength)
    return size


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32):
    """TF1's `tf.bincount`: how often each value of the int32 `arr` occurs (or the sum of its
    `weights`), of length max(max(arr) + 1, minlength) capped at maxlength (values at or above
    it are dropped). The length is data-dependent unless fixed by minlength == maxlength or a
    constant `arr`. A negative value fails the run with InvalidArgumentError, as TF1. The op is
    `bincount/DenseBincount`, as TF 2's."""
    with ops_lib.name_scope(None, "bincount", [arr, weights]):
        a = convert_to_tensor(arr, name="arr")
        if a.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"bincount: arr must be int32 or int64, got {a.dtype.name}.")
        inputs = [a]
        out_dtype = dtypes.as_dtype(dtype).base_dtype
        if weights is not None:
            w = convert_to_tensor(weights, name="weights")
            if a.shape.is_fully_defined() and w.shape.is_fully_defined() and \
                    a.shape != w.shape:
                raise ValueError(f"bincount: weights {w.shape} must have the shape of arr "
                                 f"{a.shape}.")
            inputs.append(w)
            out_dtype = w.dtype.base_dtype
        lo = None if minlength is None else int(minlength)
        hi = None if maxlength is None else int(maxlength)
        np_dtype = np.dtype(out_dtype.as_numpy_dtype)
        kernel = functools.partial(_bincount_kernel, minlength=lo, maxlength=hi, dtype=np_dtype)
        size_fn = functools.partial(_bincount_size, minlength=lo, maxlength=hi)
        static = None
        if lo is not None and lo == hi:
            static = lo
        elif a._static_value is not None:
            static = int(np.asarray(size_fn(a._static_value)))
        message = f"bincount: every value of arr '{a.name}' must be non-negative"
        check = (lambda v, *w: jnp.any(jnp.asarray(v) < 0), errors.InvalidArgumentError,
                 message)
        return _make("DenseBincount", kernel, inputs, "DenseBincount",
                     [(out_dtype, TensorShape([static]))], size_fn,
                     lambda v, *w: (static if static is not None else
                                    max(int(np.size(v)), lo or 0),), check=check).outputs[0]
