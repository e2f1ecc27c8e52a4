"""`tf.nn.embedding_lookup`: rows of an embedding tensor, one or sharded over several.

TF1 looks ids up in a single `params` with one `GatherV2` op; with several shards (a list, or a
`PartitionedVariable`) it assigns each id to a shard ("mod": `id % n`, "div": contiguous
ranges, the first `rows % n` shards one id longer), splits the ids with `DynamicPartition`,
gathers from each shard and stitches the rows back with `ParallelDynamicStitch`. The split has
a data-dependent shape, which JAX cannot compile, so here the assignment, the gathers and the
stitch are one op (type "ParallelDynamicStitch", named as TF1's stitch) whose kernel gathers
from every shard and selects each row from its shard. The ops around it are TF1's: `Reshape`
(flat ids) before, `Shape`/`concat`/`Reshape_1` after, then `clip_by_norm` for `max_norm`.
The result and its name are TF1's.

Ids out of range fail the run with InvalidArgumentError (a run-time check of the gather op,
as TF1's CPU kernel checks), also when the ids are constants. Gradients into `params` are
`IndexedSlices`, as in TF1 (each shard's has an entry for every id, index -1 for the ids of
other shards, where TF1's lists only the shard's ids), and optimizers update only those rows.
"""
import functools

import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops, math_ops


def _assign(ids, sizes, strategy):
    """(shard of each id, row within that shard, whether the id is valid), as TF1 assigns them."""
    n = len(sizes)
    if strategy == "mod":
        shard, row = ids % n, ids // n
    else:
        total = sum(sizes)
        per, extras = total // n, total % n
        if per == 0:  # TF1 divides by zero here; every id then lands in the first `extras`
            shard = ids // (per + 1)
            row = ids % (per + 1)
        else:
            shard = jnp.maximum(ids // (per + 1), (ids - extras) // per)
            row = jnp.where(shard < extras, ids % (per + 1), (ids - extras) % per)
    size_of = jnp.asarray(sizes, ids.dtype)[jnp.clip(shard, 0, n - 1)]
    valid = (shard >= 0) & (shard < n) & (row >= 0) & (row < size_of)
    return shard, row, valid


def _stitch_kernel(flat_ids, *shards, strategy):
    shard, row, _ = _assign(flat_ids, [s.shape[0] for s in shards], strategy)
    out = None
    for p, s in enumerate(shards):
        rows = jnp.take(s, row, axis=0, mode="clip")
        if out is None:
            out = rows
        else:
            mask = (shard == p).reshape((-1,) + (1,) * (rows.ndim - 1))
            out = jnp.where(mask, rows, out)
    return out


def _shard_rows(inputs, position, strategy):
    """The row of shard `position - 1` each id is, and which ids are in that shard."""
    flat_ids, shards = inputs[0], inputs[1:]
    shard, row, _ = _assign(flat_ids, [s.shape[0] for s in shards], strategy)
    return row, shard == position - 1


def _stitch_out_of_range(flat_ids, *shards, strategy):
    _, _, valid = _assign(flat_ids, [s.shape[0] for s in shards], strategy)
    return jnp.logical_not(jnp.all(valid))


def _params_list(params):
    if params is None:
        raise ValueError("params must be specified")
    if isinstance(params, (list, tuple)) and not params:
        raise ValueError("Length of params is currently 0. Need at least one param.")
    if hasattr(params, "_get_variable_list"):  # a PartitionedVariable: its parts
        return list(params)
    return list(params) if isinstance(params, (list, tuple)) else [params]


def _convert_params(params):
    """TF1's `convert_n_to_tensor_or_indexed_slices(params, name="params")`: Python/NumPy values
    become Consts "params_<i>"; Tensors and Variables (their reads) pass through."""
    out = []
    for i, p in enumerate(params):
        out.append(convert_to_tensor(p, name=f"params_{i}"))
    dtypes_seen = {t.dtype.base_dtype for t in out}
    if len(dtypes_seen) > 1:
        raise TypeError("embedding_lookup: all params must have the same dtype, got "
                        f"{[t.dtype.name for t in out]}")
    return out


def _check_ids(ids):
    if not ids.dtype.is_integer or ids.dtype.base_dtype.name not in ("int32", "int64"):
        raise TypeError(f"embedding_lookup: ids '{ops_lib.display_name(ids)}' must be int32 or int64, got "
                        f"{ids.dtype.name}")


def _rows(t):
    dims = t.shape.as_tuple()
    return None if not dims else dims[0]


def _clip(result, ids, max_norm):
    """TF1's `_clip`: `clip_by_norm` over the embedding axes (those after the ids' axes)."""
    if max_norm is None:
        return result
    if ids.shape.ndims is None or result.shape.ndims is None:
        raise NotImplementedError(f"embedding_lookup max_norm with ids '{ops_lib.display_name(ids)}' of unknown "
                                  "rank is not supported.")
    axes = list(range(ids.shape.ndims, result.shape.ndims))
    return math_ops.clip_by_norm(result, max_norm, axes=axes)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """TF1's `tf.nn.embedding_lookup`: `params[ids]` for one tensor, or for the concatenation of
    shards (a list of tensors/variables, or a `PartitionedVariable`) split by
    `partition_strategy` ("mod": id `i` is row `i // n` of shard `i % n`; "div": contiguous
    ranges, the first `rows % n` shards one row longer). The result has shape
    `ids.shape + params.shape[1:]` and TF1's name (`embedding_lookup/Identity:0` for one
    tensor, `embedding_lookup/Reshape_1:0` for shards, `.../clip_by_norm:0` with `max_norm`,
    which clips each embedding to that l2-norm).

    Where we differ: the sharded lookup is one "ParallelDynamicStitch" op instead of TF1's
    DynamicPartition/GatherV2/stitch ops (see the module docstring); gradients into `params`
    are `IndexedSlices` as in TF1 (a shard's lists every id, index -1 for other shards' ids).
    `validate_indices` is accepted and, as in TF1 (CPU), ids
    are always validated: an id outside the params fails the run with InvalidArgumentError
    naming the op.

    Raises:
      ValueError: `params` is None or empty, the shards' embedding shapes differ, or an
        unknown `partition_strategy`.
      TypeError: `ids` are not int32/int64, or the shards' dtypes differ.
    """
    del validate_indices  # TF1 ignores it too (deprecated): the CPU kernel always validates
    params = _params_list(params)
    with ops_lib.name_scope(name, "embedding_lookup", []) as scope:
        params = _convert_params(params)
        ids = convert_to_tensor(ids, name="ids")
        _check_ids(ids)
        if len(params) == 1:
            p = params[0]
            gathered = array_ops.gather(p, ids, name=scope)
            return array_ops.identity(_clip(gathered, ids, max_norm))
        if partition_strategy not in ("mod", "div"):
            raise ValueError(f"Unrecognized partition strategy: {partition_strategy}."
                             "Must be one of either `mod` or `div`.")
        element = params[0].shape[1:] if params[0].shape.ndims is not None else TensorShape(None)
        for p in params[1:]:
            p_element = p.shape[1:] if p.shape.ndims is not None else TensorShape(None)
            if not element.is_compatible_with(p_element):
                raise ValueError(f"embedding_lookup: shard '{ops_lib.display_name(p)}' has embedding shape "
                                 f"{p_element}, expected {element} as '{params[0].name}'")
            element = element.merge_with(p_element)
        flat_ids = array_ops.reshape(ids, [-1])
        rows = [_rows(p) for p in params]
        sizes = "?" if None in rows else str(rows)
        msg = (f"indices out of range in ParallelDynamicStitch op '{scope[:-1]}': an id of "
               f"'{ops_lib.display_name(ids)}' is not a row of its shard (strategy '{partition_strategy}', "
               f"{len(params)} shards of {sizes} rows)")
        op = make_op("ParallelDynamicStitch", _stitch_kernel, [flat_ids] + params, name=scope,
                     attrs={"strategy": partition_strategy}, kind=CHECKED,
                     check=RunCheck(lambda f, *s: _stitch_out_of_range(
                         f, *s, strategy=partition_strategy), errors.InvalidArgumentError, msg))
        op.attrs["row_gather"] = array_ops.RowGather(  # each shard's gradient: IndexedSlices
            positions=tuple(range(1, len(params) + 1)), ids_input=0,
            rows=functools.partial(_shard_rows, strategy=partition_strategy))
        ret = op.outputs[0]
        if element.is_fully_defined():
            shape = array_ops.shape(ids)
            target = array_ops.concat(
                [shape, convert_to_tensor(np.asarray(element.as_list(), np.int32),
                                          name="concat/values_1")], 0)
        else:
            shape = array_ops.shape(ids)
            elem = array_ops.strided_slice_from_key(array_ops.shape(params[0]), slice(1, None))
            target = array_ops.concat([shape, elem], 0)
        ret = array_ops.reshape(ret, target)
        if ids.shape.ndims is not None:
            ret.set_shape(ids.shape.concatenate(element))
        return _clip(ret, ids, max_norm)


# ----- lookups of SparseTensor ids (wide-and-deep models) ------------------------------------
def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None, allow_fast_lookup=False):
    """TF1's `tf.nn.embedding_lookup_sparse`: per row of the rank-2 SparseTensor `sp_ids`, the
    `combiner` ("sum", "mean" (default), "sqrtn") of the embeddings of its ids, weighted by
    `sp_weights` (a SparseTensor with the same indices) or by 1. As TF1 it looks the distinct
    ids up once (`unique`, `embedding_lookup`) and combines with segment sums over
    `sp_ids.indices[:, 0]`, so the result has max(row) + 1 rows; "mean" and "sqrtn" with
    weights divide with `div_no_nan`, as TF 2.x. Gradients into `params` are IndexedSlices."""
    from tfvars_jax.framework.sparse_tensor import SparseTensor
    from tfvars_jax.ops import data_dependent_ops, segment_ops, sparse_ops
    if combiner is None:
        combiner = "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError(f"sp_ids must be SparseTensor, got {type(sp_ids).__name__}")
    if sp_weights is not None and not isinstance(sp_weights, SparseTensor):
        raise TypeError(f"sp_weights must be either None or SparseTensor, got "
                        f"{type(sp_weights).__name__}")
    del allow_fast_lookup  # TF's option of skipping `unique`; the result is the same
    shards = params if isinstance(params, (list, tuple)) else [params]
    with ops_lib.name_scope(name, "embedding_lookup_sparse", list(shards) + [sp_ids]):
        segment_ids = math_ops.cast(sp_ids.indices[:, 0], "int32")
        ids, idx = data_dependent_ops.unique(sp_ids.values)
        embeddings = embedding_lookup(params, ids, partition_strategy=partition_strategy,
                                      max_norm=max_norm)
        if sp_weights is None:
            fn = {"sum": sparse_ops.sparse_segment_sum, "mean": sparse_ops.sparse_segment_mean,
                  "sqrtn": sparse_ops.sparse_segment_sqrt_n}[combiner]
            return fn(embeddings, idx, segment_ids)
        embeddings = array_ops.gather(embeddings, idx)
        weights = sp_weights.values
        if weights.dtype.base_dtype != embeddings.dtype.base_dtype:
            weights = math_ops.cast(weights, embeddings.dtype.base_dtype)
        extra = (embeddings.shape.ndims or 2) - 1
        weights = array_ops.reshape(weights, [-1] + [1] * extra)
        embeddings = embeddings * weights
        total = segment_ops.segment_sum(embeddings, segment_ids)
        if combiner == "sum":
            return total
        if combiner == "sqrtn":
            weights = math_ops.pow(weights, 2)
        weight_sum = segment_ops.segment_sum(weights, segment_ids)
        if combiner == "sqrtn":
            weight_sum = math_ops.sqrt(weight_sum)
        return math_ops.div_no_nan(total, weight_sum)


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None,
                                 allow_fast_lookup=False):
    """TF1's `tf.nn.safe_embedding_lookup_sparse`: `embedding_lookup_sparse` over the last
    dimension of `sparse_ids` (any rank >= 2; the leading ones are flattened and restored),
    after dropping ids < 0 (and, unless combiner is "sum", weights <= 0); a row left empty
    gets the embedding of `default_id`, or zeros when it is None. The result has one row per
    row of the dense ids, as TF1."""
    from tfvars_jax.framework.sparse_tensor import SparseTensor
    from tfvars_jax.ops import sparse_ops
    if embedding_weights is None:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    shards = list(embedding_weights) if isinstance(embedding_weights, (list, tuple)) or \
        hasattr(embedding_weights, "_get_variable_list") else [embedding_weights]
    if not shards:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    rank = sparse_ids.dense_shape.shape[0].value if \
        sparse_ids.dense_shape.shape.ndims == 1 else None
    if rank is None:
        raise NotImplementedError("safe_embedding_lookup_sparse: the rank of sparse_ids must be "
                                  "known when the graph is built.")
    with ops_lib.name_scope(name, "embedding_lookup", [sparse_ids, sparse_weights]) as scope:
        original_shape = sparse_ids.dense_shape
        leading = math_ops.reduce_prod(array_ops.slice(original_shape, [0], [rank - 1]))
        last = array_ops.gather(original_shape, rank - 1)
        ids = sparse_ops.sparse_reshape(sparse_ids, array_ops.stack([leading, last]))
        weights = None
        if sparse_weights is not None:
            weights = SparseTensor(ids.indices, sparse_weights.values, ids.dense_shape)
        valid = math_ops.greater_equal(ids.values, 0)
        ids = sparse_ops.sparse_retain(ids, valid)
        if weights is not None:
            weights = sparse_ops.sparse_retain(weights, valid)
            if combiner != "sum":
                positive = math_ops.greater(weights.values, 0)
                ids = sparse_ops.sparse_retain(ids, positive)
                weights = sparse_ops.sparse_retain(weights, positive)
        ids, is_row_empty = sparse_ops.sparse_fill_empty_rows(ids, default_id or 0)
        if weights is not None:
            weights, _ = sparse_ops.sparse_fill_empty_rows(weights, 1.0)
        result = embedding_lookup_sparse(embedding_weights, ids, weights, combiner=combiner,
                                         partition_strategy=partition_strategy,
                                         max_norm=max_norm,
                                         allow_fast_lookup=allow_fast_lookup)
        if default_id is None:
            empty = array_ops.reshape(is_row_empty, [-1] + [1] * (
                (result.shape.ndims or 2) - 1))
            result = array_ops.where_v2(empty, array_ops.zeros_like(result), result)
        if rank == 2:  # the rows are already the dense ids' rows
            return array_ops.identity(result, name=scope[:-1] + "/")
        static = original_shape._static_value
        if static is None:
            raise NotImplementedError("safe_embedding_lookup_sparse: sparse_ids of rank > 2 "
                                      "need a dense_shape known when the graph is built.")
        lead = [int(d) for d in np.reshape(static, -1)[:rank - 1]]
        tail = result.shape.as_list()[1:]
        if None in tail:
            raise NotImplementedError("safe_embedding_lookup_sparse: the embedding dimension "
                                      "must be known when the graph is built.")
        return array_ops.reshape(result, lead + tail, name=scope[:-1] + "/")
