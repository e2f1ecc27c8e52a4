"""`tf.sparse` and TF1's top-level sparse ops on `SparseTensor` (framework/sparse_tensor.py).

Entry counts (N) come from fed shapes, so ops that keep them (`reorder`, `reshape`,
`softmax`, `concat`) are ordinary ops. Ops whose entry count depends on values (`add` of two
SparseTensors, `retain`, `slice`, `from_dense`, `fill_empty_rows`) and dense results whose
shape is a `dense_shape` known only in the run (`to_dense`, `sparse_tensor_dense_matmul`,
`reduce_sum` of a fed sparse placeholder without a static shape) use the data-dependent
machinery (`ops/data_dependent_ops.py`: traced with assumed sizes, checked in the run, run
again compiled for the actual sizes), so they cannot sit inside a `tf.cond` branch or loop.

Indices are taken in TF1's canonical (row-major) order where TF1's kernels assume it; index
checks TF1's CPU kernels make (`validate_indices`, out-of-bounds matmul indices) fail the run
with InvalidArgumentError. Gradients flow to `values` and to dense operands, as TF1's.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.sparse_tensor import SparseTensor, SparseTensorValue
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape
from tfvars_jax.ops import array_ops, data_dependent_ops, math_ops, segment_ops


# ----- helpers -------------------------------------------------------------------------------
def _sparse(sp, what):
    """`sp` as a SparseTensor (a SparseTensorValue becomes constants); TypeError otherwise."""
    if isinstance(sp, SparseTensorValue):
        return SparseTensor.from_value(sp)
    if not isinstance(sp, SparseTensor):
        raise TypeError(f"{what}: Input must be a SparseTensor, got {type(sp).__name__}.")
    return sp


def _static_dims(sp):
    """The dense shape as a tuple of ints when known at graph time, else None."""
    v = sp.dense_shape._static_value
    return None if v is None else tuple(int(d) for d in np.reshape(v, -1))


def _rank_or_none(sp):
    """The rank of the dense tensor when known at graph time."""
    r = sp.dense_shape.shape[0].value if sp.dense_shape.shape.ndims == 1 else None
    if r is None and sp.indices is not None and sp.indices.shape.ndims == 2:
        r = sp.indices.shape[1].value
    return r


def _rank(sp, what):
    r = _rank_or_none(sp)
    if r is None:
        raise NotImplementedError(f"{what}: the rank of the SparseTensor must be known when the "
                                  "graph is built (give the sparse placeholder a shape).")
    return r


def _linear(indices, dims):
    """Row-major linear positions of `indices` [N, rank] in a tensor of shape `dims` (int64)."""
    indices = jnp.asarray(indices, jnp.int64)
    dims = jnp.asarray(dims, jnp.int64)
    key = jnp.zeros(indices.shape[:1], jnp.int64)
    for d in range(indices.shape[1]):
        key = key * dims[d] + indices[:, d]
    return key


def _shape_op(op_type, kernel, inputs, name, dtype, sp, out_dims, check=None, attrs=None,
              tail=(), out_rank=None):
    """An op whose dense output's leading dims are `out_dims(dense_shape)` (a tuple of traced
    or static ints; `tail` the static rest). With `sp`'s dense shape static it is an ordinary
    op (CHECKED with `check`), else a data-dependent op whose sizes are those dims.
    `kernel(*inputs, shape=...)`."""
    attrs = dict(attrs or {})
    static = _static_dims(sp)
    ds = inputs.index(sp.dense_shape)
    tail = list(tail)
    if static is not None:
        shape = tuple(int(d) for d in out_dims(np.asarray(static)))
        spec = [(dtype, TensorShape(list(shape) + tail))]
        kw = {}
        if check is not None:
            kw = {"kind": CHECKED, "check": RunCheck(check[0], check[1], check[2])}
        return make_op(op_type, functools.partial(kernel, shape=shape, **attrs), inputs,
                       name=name, out_specs=spec, **kw).outputs[0]
    in_rank = _rank_or_none(sp)
    spec = [(dtype, TensorShape(None if out_rank is None else [None] * out_rank + tail))]
    if in_rank is not None:
        known = sp.shape.as_list() if sp.shape.ndims is not None else [None] * in_rank
        out_known = [None if d < 0 else int(d) for d in
                     out_dims(np.asarray([-10 ** 9 if k is None else k for k in known]))]
        spec = [(dtype, TensorShape(out_known + tail))]

    def compute(*args, sizes):
        return kernel(*args, shape=tuple(sizes), **attrs)

    def size_fn(*args):
        dims = [jnp.asarray(d, jnp.int64) for d in out_dims(args[ds])]
        return jnp.stack(dims) if dims else jnp.zeros((0,), jnp.int64)

    def guess_fn(*args):  # the rank is known when the run is traced
        return (1,) * len(out_dims(np.ones(np.shape(args[ds])[0], np.int64)))

    return data_dependent_ops._make(op_type, compute, inputs, name, spec, size_fn, guess_fn,
                                    check=check).outputs[0]


def _validate(indices, dense_shape):
    """True when indices are out of bounds, out of order or repeated (TF1's validation)."""
    indices = jnp.asarray(indices, jnp.int64)
    dims = jnp.asarray(dense_shape, jnp.int64)
    if indices.shape[0] == 0:
        return jnp.bool_(False)
    bad = jnp.any((indices < 0) | (indices >= dims[None, :]))
    key = _linear(indices, dims)
    return bad | jnp.any(key[1:] <= key[:-1])


# ----- sparse_placeholder -----------------------------------------------------------------
def sparse_placeholder(dtype, shape=None, name=None):
    """TF1's `tf.sparse_placeholder`: a SparseTensor of three placeholders (`name/indices`
    [?, rank], `name/values` [?], and `name/shape`), fed a SparseTensorValue or an
    (indices, values, dense_shape) tuple. A fully known `shape` makes `name/shape` a constant
    (TF 1.15), so dense results have static shapes; feeding another shape raises ValueError.
    With unknown dimensions `name/shape` is an int64 placeholder."""
    from tfvars_jax.framework import context
    if context.executing_eagerly():
        raise RuntimeError("`sparse_placeholder` is not compatible with eager execution.")
    prefix = (name + "/") if name is not None else ""
    if shape is None:
        dense_shape = array_ops.placeholder(dtypes.int64, [None],
                                            name=prefix + "shape" if name else None)
        rank, static = None, None
    else:
        static = as_shape(shape)
        rank = static.ndims
        if static.is_fully_defined():
            dense_shape = convert_to_tensor(np.asarray(static.as_list(), np.int64),
                                            dtype=dtypes.int64,
                                            name=prefix + "shape" if name else "Const")
        else:
            dense_shape = array_ops.placeholder(dtypes.int64, [rank],
                                                name=prefix + "shape" if name else None)
    values = array_ops.placeholder(dtype, [None], name=prefix + "values" if name else None)
    indices = array_ops.placeholder(dtypes.int64, [None, rank],
                                    name=prefix + "indices" if name else None)
    sp = SparseTensor(indices, values, dense_shape)
    if static is not None and not static.is_fully_defined():
        sp._static_shape = static
    return sp


# ----- to_dense ------------------------------------------------------------------------------
def _to_dense_kernel(indices, values, dense_shape, default, shape):
    out = jnp.full(shape, default, jnp.asarray(values).dtype)
    indices = jnp.asarray(indices)
    if indices.shape[0] == 0:
        return out
    values = jnp.broadcast_to(values, indices.shape[:1])
    idx = tuple(indices[:, d] for d in range(len(shape)))
    return out.at[idx].set(values, mode="drop")


def _dense_op(indices, values, dense_shape, default, validate, name, sp):
    check = None
    if validate:
        check = (lambda i, v, s, d: _validate(i, s), errors.InvalidArgumentError,
                 f"SparseToDense '{name}': indices must be in bounds of the dense shape, in "
                 "row-major (canonical) order and not repeated (validate_indices=True; "
                 "tf.sparse.reorder sorts them)")
    return _shape_op("SparseToDense", _to_dense_kernel, [indices, values, dense_shape, default],
                     name, values.dtype.base_dtype, sp, lambda s: tuple(s), check=check)


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """TF1's `tf.sparse.to_dense` / `tf.sparse_tensor_to_dense` ("SparseToDense"): the dense
    tensor, `default_value` (0) where `sp_input` has no entry. With `validate_indices` indices
    out of bounds, out of canonical order or repeated fail the run (InvalidArgumentError)."""
    sp = _sparse(sp_input, "sparse_tensor_to_dense")
    default = convert_to_tensor(0 if default_value is None else default_value,
                                dtype=sp.dtype.base_dtype, name="default_value")
    return _dense_op(sp.indices, sp.values, sp.dense_shape, default, validate_indices,
                     name or "SparseToDense", sp)


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """TF1's old `tf.sparse_to_dense(sparse_indices, output_shape, sparse_values)`: indices a
    scalar, vector (of a 1-D output) or [N, rank] matrix; `sparse_values` a vector or a scalar
    for every index."""
    values = convert_to_tensor(sparse_values, name="sparse_values")
    indices = convert_to_tensor(sparse_indices, name="sparse_indices")
    if indices.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"sparse_to_dense: sparse_indices must be int32 or int64, got "
                        f"{indices.dtype.name}.")
    shape = convert_to_tensor(output_shape, dtype=indices.dtype.base_dtype, name="output_shape")
    if indices.shape.ndims in (0, 1):
        indices = array_ops.reshape(indices, [-1, 1])
    default = convert_to_tensor(default_value, dtype=values.dtype.base_dtype,
                                name="default_value")
    holder = _ShapeHolder(shape)
    return _dense_op(indices, values, shape, default, validate_indices,
                     name or "SparseToDense", holder)


class _ShapeHolder:
    """The dense-shape half of a SparseTensor, for ops given a bare output shape."""

    def __init__(self, dense_shape):
        self.dense_shape = dense_shape
        self.indices = None

    @property
    def shape(self):
        n = self.dense_shape.shape[0].value if self.dense_shape.shape.ndims == 1 else None
        static = self.dense_shape._static_value
        if static is not None:
            return TensorShape([int(d) for d in np.reshape(static, -1)])
        return TensorShape(None if n is None else [None] * n)


# ----- reorder / reshape ---------------------------------------------------------------------
def _reorder_kernel(indices, values, dense_shape):
    order = jnp.argsort(_linear(indices, dense_shape), stable=True)
    return jnp.take(indices, order, axis=0), jnp.take(values, order, axis=0)


def sparse_reorder(sp_input, name=None):
    """TF1's `tf.sparse.reorder` ("SparseReorder"): the entries sorted into row-major order."""
    sp = _sparse(sp_input, "sparse_reorder")
    op = make_op("SparseReorder", _reorder_kernel, [sp.indices, sp.values, sp.dense_shape],
                 name=name or "SparseReorder",
                 out_specs=[(dtypes.int64, sp.indices.shape),
                            (sp.dtype.base_dtype, sp.values.shape)])
    out = SparseTensor(op.outputs[0], op.outputs[1], sp.dense_shape)
    out._static_shape = sp._static_shape
    return out


def _resolve_shape(total, new_shape):
    new_shape = jnp.asarray(new_shape, jnp.int64)
    known = jnp.prod(jnp.where(new_shape < 0, 1, new_shape))
    return jnp.where(new_shape < 0, total // jnp.maximum(known, 1), new_shape)


def _reshape_kernel(indices, dense_shape, new_shape):
    total = jnp.prod(jnp.asarray(dense_shape, jnp.int64))
    out_shape = _resolve_shape(total, new_shape)
    key = _linear(indices, dense_shape)
    cols = []
    for d in range(out_shape.shape[0] - 1, -1, -1):
        cols.append(key % out_shape[d])
        key = key // out_shape[d]
    return jnp.stack(cols[::-1], 1) if cols else jnp.zeros(key.shape + (0,), jnp.int64), \
        out_shape


def _reshape_bad(indices, dense_shape, new_shape):
    new_shape = jnp.asarray(new_shape, jnp.int64)
    total = jnp.prod(jnp.asarray(dense_shape, jnp.int64))
    return (jnp.prod(_resolve_shape(total, new_shape)) != total) | \
        (jnp.sum(new_shape < 0) > 1)


def sparse_reshape(sp_input, shape, name=None):
    """TF1's `tf.sparse.reshape` ("SparseReshape"): the same entries in a dense tensor of
    `shape` (one dimension may be -1). A shape with another number of elements fails the run
    with InvalidArgumentError (or raises ValueError when both shapes are static)."""
    sp = _sparse(sp_input, "sparse_reshape")
    with ops_lib.name_scope(name, "SparseReshape", [sp_input]) as scope:
        new_shape = convert_to_tensor(shape, dtype=dtypes.int64, name="shape")
        rank = new_shape.shape[0].value if new_shape.shape.ndims == 1 else None
        if rank is None:
            raise NotImplementedError("sparse_reshape: the new shape's length must be known "
                                      "when the graph is built.")
        old, new = _static_dims(sp), new_shape._static_value
        static = None
        if new is not None:
            new = [int(d) for d in np.reshape(new, -1)]
            if sum(d < 0 for d in new) > 1:
                raise ValueError(f"sparse_reshape: at most one dimension may be -1, got {new}.")
            if old is not None:
                total = int(np.prod(old))
                known = int(np.prod([d for d in new if d >= 0]))
                static = [total // max(known, 1) if d < 0 else d for d in new]
                if int(np.prod(static)) != total:
                    raise ValueError(f"Cannot reshape a tensor with {total} elements to shape "
                                     f"{new} ({int(np.prod(new))} elements)")
            else:
                static = [None if d < 0 else d for d in new]
        message = (f"SparseReshape '{scope[:-1]}': the new shape must have as many elements "
                   "as the input's dense shape")
        op = make_op("SparseReshape", _reshape_kernel, [sp.indices, sp.dense_shape, new_shape],
                     name=scope, kind=CHECKED,
                     check=RunCheck(_reshape_bad, errors.InvalidArgumentError, message),
                     out_specs=[(dtypes.int64, TensorShape([sp.indices.shape[0].value
                                                            if sp.indices.shape.ndims == 2
                                                            else None, rank])),
                                (dtypes.int64, TensorShape([rank]))])
        out = SparseTensor(op.outputs[0], sp.values, op.outputs[1])
        if static is not None:
            out._static_shape = TensorShape(static)
        return out


# ----- add -----------------------------------------------------------------------------------
def _union(ai, av, ashape, bi, bv):
    """The entries of a and b grouped by position: (indices and values sorted by position,
    whether each starts a group, its group number, entries per group, group start positions).
    Every array has one row per entry of a and b together."""
    keys = jnp.concatenate([_linear(ai, ashape), _linear(bi, ashape)])
    idx = jnp.concatenate([jnp.asarray(ai, jnp.int64), jnp.asarray(bi, jnp.int64)])
    vals = jnp.concatenate([av, bv])
    n = keys.shape[0]
    order = jnp.argsort(keys, stable=True)
    k = keys[order]
    first = jnp.concatenate([jnp.ones((min(n, 1),), bool), k[1:] != k[:-1]])
    group = jnp.cumsum(first) - 1
    counts = jax.ops.segment_sum(jnp.ones((n,), jnp.int32), group, num_segments=n)
    starts = jnp.nonzero(first, size=n, fill_value=0)[0]
    return idx[order], vals[order], first, group, counts, starts


def _add_groups(ai, av, ashape, bi, bv, thresh):
    """(entry indices sorted, group start positions, sums, keep) of the union of a and b."""
    idx, vals, first, group, counts, starts = _union(ai, av, ashape, bi, bv)
    n = idx.shape[0]
    sums = jax.ops.segment_sum(vals, group, num_segments=n)
    valid = jnp.arange(n) < jnp.sum(first)
    keep = valid & ((counts == 1) | (jnp.abs(sums) >= thresh))
    return idx, starts, sums, keep


def _add_kernel(ai, av, ashape, bi, bv, bshape, thresh, sizes):
    if ai.shape[0] + bi.shape[0] == 0:
        return jnp.zeros((sizes[0], ai.shape[1]), jnp.int64), jnp.zeros((sizes[0],), av.dtype)
    idx, starts, sums, keep = _add_groups(ai, av, ashape, bi, bv, thresh)
    pos = jnp.nonzero(keep, size=sizes[0], fill_value=0)[0]
    return data_dependent_ops._take(idx, starts[pos], 0), data_dependent_ops._take(sums, pos, 0)


def _add_count(ai, av, ashape, bi, bv, bshape, thresh):
    if ai.shape[0] + bi.shape[0] == 0:
        return jnp.int32(0)
    return jnp.sum(_add_groups(ai, av, ashape, bi, bv, thresh)[3])


def _dense_add_kernel(indices, values, dense_shape, b):
    idx = tuple(jnp.asarray(indices)[:, d] for d in range(np.ndim(b)))
    return jnp.asarray(b).at[idx].add(values.astype(b.dtype), mode="drop")


def sparse_add(a, b, thresh=0, name=None):
    """TF1's `tf.sparse.add` / `tf.sparse_add`: SparseTensor + SparseTensor ("SparseAdd": the
    union of the entries in canonical order, sums of matched entries whose magnitude is below
    `thresh` dropped; the inputs must be in canonical order), or SparseTensor + dense tensor
    ("SparseTensorDenseAdd", a dense result)."""
    if not isinstance(a, (SparseTensor, SparseTensorValue)):
        a, b = b, a
    a = _sparse(a, "sparse_add")
    if not isinstance(b, (SparseTensor, SparseTensorValue)):
        b = convert_to_tensor(b, dtype=a.dtype.base_dtype, name="b")
        return make_op("SparseTensorDenseAdd", _dense_add_kernel,
                       [a.indices, a.values, a.dense_shape, b],
                       name=name or "SparseTensorDenseAdd",
                       out_specs=[(b.dtype.base_dtype, b.shape)]).outputs[0]
    b = _sparse(b, "sparse_add")
    if a.dtype.base_dtype != b.dtype.base_dtype:
        raise TypeError(f"sparse_add: the SparseTensors' dtypes differ: {a.dtype.name} and "
                        f"{b.dtype.name}.")
    with ops_lib.name_scope(name, "SparseAdd", [a, b, thresh]) as scope:
        t = convert_to_tensor(thresh, dtype=a.dtype.real_dtype if a.dtype.is_complex
                              else a.dtype.base_dtype, name="thresh")
        if a.shape.ndims is not None and b.shape.ndims is not None and \
                not a.shape.is_compatible_with(b.shape):
            raise ValueError(f"sparse_add: the dense shapes differ: {a.shape} and {b.shape}.")
        rank = _rank_or_none(a)
        message = (f"SparseAdd '{scope[:-1]}': the operands' dense shapes must be equal")
        op = data_dependent_ops._make(
            "SparseAdd", _add_kernel,
            [a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape, t],
            scope, [(dtypes.int64, TensorShape([None, rank])),
                    (a.dtype.base_dtype, TensorShape([None]))],
            _add_count, lambda ai, av, s, bi, bv, bs, th: (int(np.shape(ai)[0]) +
                                                           int(np.shape(bi)[0]),),
            check=(lambda ai, av, s, bi, bv, bs, th: jnp.any(jnp.asarray(s) != jnp.asarray(bs)),
                   errors.InvalidArgumentError, message))
        out = SparseTensor(op.outputs[0], op.outputs[1], a.dense_shape)
        out._static_shape = a._static_shape
        return out


# ----- sparse x dense matmul ----------------------------------------------------------------
def _matmul_kernel(indices, values, dense_shape, b, adjoint_a, adjoint_b, shape):
    rows = indices[:, 1 if adjoint_a else 0]
    cols = indices[:, 0 if adjoint_a else 1]
    vals = jnp.conj(values) if adjoint_a else values
    bb = jnp.conj(jnp.transpose(b)) if adjoint_b else b
    contrib = vals[:, None] * jnp.take(bb, cols, axis=0, mode="clip")
    return jax.ops.segment_sum(contrib, rows, num_segments=shape[0], mode="drop")


def _matmul_bad(indices, values, dense_shape, b, adjoint_a, adjoint_b):
    indices = jnp.asarray(indices)
    k = np.shape(b)[1 if adjoint_b else 0]
    rows = indices[:, 1 if adjoint_a else 0]
    cols = indices[:, 0 if adjoint_a else 1]
    m = jnp.asarray(dense_shape)[1 if adjoint_a else 0]
    inner = jnp.asarray(dense_shape)[0 if adjoint_a else 1]
    return jnp.any((cols < 0) | (cols >= k) | (rows < 0) | (rows >= m)) | (inner != k)


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """TF1's `tf.sparse.sparse_dense_matmul` / `tf.sparse_tensor_dense_matmul`
    ("SparseTensorDenseMatMul"): the rank-2 SparseTensor `sp_a` times the dense matrix `b`
    (each optionally adjoint). Differentiable in `sp_a.values` and `b`. An index out of
    bounds, or an inner dimension that differs, fails the run with InvalidArgumentError."""
    sp = _sparse(sp_a, "sparse_tensor_dense_matmul")
    with ops_lib.name_scope(name, "SparseTensorDenseMatMul", [sp_a, b]) as scope:
        b = convert_to_tensor(b, name="b")
        if b.dtype.base_dtype != sp.dtype.base_dtype:
            raise TypeError(f"sparse_tensor_dense_matmul: sp_a is {sp.dtype.name} but b is "
                            f"{b.dtype.name}.")
        if b.shape.ndims not in (None, 2) or _rank_or_none(sp) not in (None, 2):
            raise ValueError("sparse_tensor_dense_matmul: sp_a and b must be matrices, got "
                             f"{sp.shape} and {b.shape}.")
        static = _static_dims(sp)
        if static is not None and b.shape.ndims == 2:
            inner = static[0 if adjoint_a else 1]
            k = b.shape[1 if adjoint_b else 0].value
            if k is not None and k != inner:
                raise ValueError(f"Cannot multiply A and B because inner dimension does not "
                                 f"match: {inner} vs. {k}.")
        n = b.shape[0 if adjoint_b else 1].value if b.shape.ndims == 2 else None
        attrs = {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}
        message = (f"SparseTensorDenseMatMul '{scope[:-1]}': an index of sp_a is out of "
                   "bounds, or the inner dimensions differ")
        return _shape_op("SparseTensorDenseMatMul", _matmul_kernel,
                         [sp.indices, sp.values, sp.dense_shape, b], scope,
                         sp.dtype.base_dtype, sp, lambda s: (s[1 if adjoint_a else 0],),
                         check=(functools.partial(_matmul_bad, **attrs),
                                errors.InvalidArgumentError, message), attrs=attrs, tail=[n],
                         out_rank=1)


# ----- reductions and softmax ---------------------------------------------------------------
def _reduce_sum_kernel(indices, values, dense_shape, axes_of, keepdims, shape):
    rank = indices.shape[1]
    axes = axes_of(rank)
    kept = [d for d in range(rank) if d not in axes]
    dims = jnp.asarray(dense_shape, jnp.int64)
    key = jnp.zeros(indices.shape[:1], jnp.int64)
    for d in kept:
        key = key * dims[d] + jnp.asarray(indices[:, d], jnp.int64)
    total = int(np.prod(shape)) if shape else 1
    flat = jax.ops.segment_sum(values, key, num_segments=total, mode="drop")
    return jnp.reshape(flat, shape)


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None,
                      keep_dims=None, name=None):
    """TF1's `tf.sparse.reduce_sum` ("SparseReduceSum"): the dense sum over `axis` (all by
    default), dropping the reduced dimensions unless `keepdims`."""
    sp = _sparse(sp_input, "sparse_reduce_sum")
    if axis is None:
        axis = reduction_axes
    keepdims = bool(keepdims if keepdims is not None else keep_dims)
    if isinstance(axis, ops_lib.Tensor):
        if axis._static_value is None:
            raise NotImplementedError("sparse_reduce_sum: axis must be known when the graph is "
                                      "built.")
        axis = axis._static_value
    raw = None if axis is None else tuple(int(a) for a in np.reshape(axis, -1))

    def axes_of(rank):
        return tuple(range(rank)) if raw is None else tuple(sorted({a % rank for a in raw}))

    def out_dims(s):
        rank = len(s)
        axes = axes_of(rank)
        return tuple((1 if d in axes else s[d]) for d in range(rank)) if keepdims else \
            tuple(s[d] for d in range(rank) if d not in axes)
    with ops_lib.name_scope(name, "SparseReduceSum", [sp_input]) as scope:
        return _shape_op("SparseReduceSum", _reduce_sum_kernel,
                         [sp.indices, sp.values, sp.dense_shape], scope[:-1] + "/",
                         sp.dtype.base_dtype, sp, out_dims,
                         attrs={"axes_of": axes_of, "keepdims": keepdims})


def _softmax_kernel(indices, values):
    n = values.shape[0]
    if n == 0:
        return values
    lead = indices[:, :-1]
    new = jnp.concatenate([jnp.ones((1,), bool), jnp.any(lead[1:] != lead[:-1], axis=1)])
    group = jnp.cumsum(new) - 1
    mx = jax.ops.segment_max(values, group, num_segments=n)
    e = jnp.exp(values - jax.lax.stop_gradient(mx[group]))
    return e / jax.ops.segment_sum(e, group, num_segments=n)[group]


def sparse_softmax(sp_input, name=None):
    """TF1's `tf.sparse.softmax` ("SparseSoftmax"): a softmax over the entries sharing all but
    the last index (the missing entries count as -inf); entries in canonical order."""
    sp = _sparse(sp_input, "sparse_softmax")
    if not sp.dtype.is_floating:
        raise TypeError(f"sparse_softmax: values must be floating-point, got {sp.dtype.name}.")
    values = make_op("SparseSoftmax", _softmax_kernel, [sp.indices, sp.values],
                     name=name or "SparseSoftmax",
                     out_specs=[(sp.dtype.base_dtype, sp.values.shape)]).outputs[0]
    out = SparseTensor(sp.indices, values, sp.dense_shape)
    out._static_shape = sp._static_shape
    return out


# ----- retain / slice / concat / from_dense / fill_empty_rows ------------------------------
def sparse_retain(sp_input, to_retain):
    """TF1's `tf.sparse.retain`: the entries where the bool vector `to_retain` is True."""
    sp = _sparse(sp_input, "sparse_retain")
    keep = convert_to_tensor(to_retain, name="to_retain")
    if keep.dtype.base_dtype != dtypes.bool:
        raise TypeError(f"sparse_retain: to_retain must be bool, got {keep.dtype.name}.")
    if keep.shape.ndims not in (None, 1):
        raise ValueError(f"sparse_retain: to_retain must be a vector, got {keep.shape}.")
    n = sp.values.shape[0].value if sp.values.shape.ndims == 1 else None
    if n is not None and keep.shape.ndims == 1 and keep.shape[0].value not in (None, n):
        raise ValueError(f"Shapes ({keep.shape[0].value},) and ({n},) are incompatible")
    with ops_lib.name_scope(None, "sparse_retain", [sp_input, to_retain]):
        out = SparseTensor(data_dependent_ops.boolean_mask(sp.indices, keep),
                           data_dependent_ops.boolean_mask(sp.values, keep), sp.dense_shape)
        out._static_shape = sp._static_shape
        return out


def _slice_mask(indices, start, size):
    indices = jnp.asarray(indices, jnp.int64)
    start = jnp.asarray(start, jnp.int64)
    end = start + jnp.asarray(size, jnp.int64)
    return jnp.all((indices >= start[None]) & (indices < end[None]), axis=1)


def _slice_shape(dense_shape, start, size):
    dense_shape = jnp.asarray(dense_shape, jnp.int64)
    start = jnp.asarray(start, jnp.int64)
    end = jnp.minimum(start + jnp.asarray(size, jnp.int64), dense_shape)
    return jnp.maximum(end - start, 0)


def sparse_slice(sp_input, start, size, name=None):
    """TF1's `tf.sparse.slice` ("SparseSlice"): the entries within [start, start + size),
    re-indexed from `start`; the dense shape is clipped to the input's."""
    sp = _sparse(sp_input, "sparse_slice")
    with ops_lib.name_scope(name, "SparseSlice", [sp_input]):
        start = convert_to_tensor(start, dtype=dtypes.int64, name="start")
        size = convert_to_tensor(size, dtype=dtypes.int64, name="size")
        rank = _rank_or_none(sp)
        mask = make_op("SparseSliceMask", _slice_mask, [sp.indices, start, size],
                       name="mask", out_specs=[(dtypes.bool, sp.values.shape)]).outputs[0]
        kept = data_dependent_ops.boolean_mask(sp.indices, mask)
        indices = make_op("Sub", lambda i, s: i - jnp.asarray(s, jnp.int64)[None],
                          [kept, start], name="indices",
                          out_specs=[(dtypes.int64, TensorShape([None, rank]))]).outputs[0]
        values = data_dependent_ops.boolean_mask(sp.values, mask)
        shape = make_op("SparseSliceShape", _slice_shape, [sp.dense_shape, start, size],
                        name="dense_shape",
                        out_specs=[(dtypes.int64, TensorShape([rank]))]).outputs[0]
        return SparseTensor(indices, values, shape)


def _concat_kernel(*args, axis, expand):
    n = len(args) // 3
    inds, vals, shapes = args[:n], args[n:2 * n], args[2 * n:]
    shapes = [jnp.asarray(s, jnp.int64) for s in shapes]
    offset = jnp.int64(0)
    moved = []
    for i, s in zip(inds, shapes):
        i = jnp.asarray(i, jnp.int64)
        moved.append(i.at[:, axis].add(offset))
        offset = offset + s[axis]
    out_shape = shapes[0]
    if expand:
        for s in shapes[1:]:
            out_shape = jnp.maximum(out_shape, s)
    out_shape = out_shape.at[axis].set(offset)
    idx = jnp.concatenate(moved)
    v = jnp.concatenate(vals)
    order = jnp.argsort(_linear(idx, out_shape), stable=True)
    return jnp.take(idx, order, axis=0), jnp.take(v, order, axis=0), out_shape


def _concat_bad(*args, axis, expand):
    if expand:
        return jnp.bool_(False)
    n = len(args) // 3
    shapes = [jnp.asarray(s, jnp.int64) for s in args[2 * n:]]
    mask = np.arange(shapes[0].shape[0]) != axis
    return jnp.any(jnp.stack([jnp.any((s != shapes[0]) & mask) for s in shapes[1:]])) \
        if len(shapes) > 1 else jnp.bool_(False)


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
                  expand_nonconcat_dims=None):
    """TF1's `tf.sparse.concat` ("SparseConcat"): the SparseTensors joined along `axis`,
    entries in canonical order. Other dimensions must match (the run fails otherwise), unless
    `expand_nonconcat_dim`, which takes their maximum."""
    if concat_dim is not None:
        axis = concat_dim
    if expand_nonconcat_dims is not None:
        expand_nonconcat_dim = expand_nonconcat_dims
    sps = [_sparse(s, "sparse_concat") for s in sp_inputs]
    if not sps:
        raise ValueError("sparse_concat: sp_inputs must not be empty.")
    rank = _rank_or_none(sps[0])
    axis = int(axis)
    if axis < 0:
        if rank is None:
            raise NotImplementedError("sparse_concat: a negative axis needs the rank known when "
                                      "the graph is built.")
        axis %= rank
    with ops_lib.name_scope(name, "SparseConcat", sps) as scope:
        total = [s.values.shape[0].value if s.values.shape.ndims == 1 else None for s in sps]
        n = None if None in total else sum(total)
        statics = [s.shape.as_list() if s.shape.ndims is not None else [None] * (rank or 0)
                   for s in sps]
        out_static = []
        for d in range(rank or 0):
            col = [st[d] for st in statics]
            if d == axis:
                out_static.append(None if None in col else sum(col))
            elif expand_nonconcat_dim:
                out_static.append(None if None in col else max(col))
            else:
                known = {c for c in col if c is not None}
                if len(known) > 1:
                    raise ValueError(f"sparse_concat: the SparseTensors' dimension {d} differ: "
                                     f"{[st for st in statics]}.")
                out_static.append(known.pop() if known else None)
        message = (f"SparseConcat '{scope[:-1]}': the inputs' dense shapes must match except "
                   f"along axis {axis}")
        attrs = {"axis": axis, "expand": bool(expand_nonconcat_dim)}
        op = make_op("SparseConcat", _concat_kernel,
                     [s.indices for s in sps] + [s.values for s in sps] +
                     [s.dense_shape for s in sps], name=scope, attrs=attrs, kind=CHECKED,
                     check=RunCheck(functools.partial(_concat_bad, **attrs),
                                    errors.InvalidArgumentError, message),
                     out_specs=[(dtypes.int64, TensorShape([n, rank])),
                                (sps[0].dtype.base_dtype, TensorShape([n])),
                                (dtypes.int64, TensorShape([rank]))])
        out = SparseTensor(op.outputs[0], op.outputs[1], op.outputs[2])
        out._static_shape = TensorShape(out_static if rank is not None else None)
        return out


def from_dense(tensor, name=None):
    """TF1's `tf.sparse.from_dense`: the non-zero entries of a dense tensor, in row-major order
    (`Where`, `GatherNd`, `Shape`)."""
    with ops_lib.name_scope(name, "dense_to_sparse", [tensor]):
        x = convert_to_tensor(tensor, name="tensor")
        zero = convert_to_tensor(np.zeros((), x.dtype.as_numpy_dtype), name="zero")
        indices = data_dependent_ops.where_coordinates(math_ops.not_equal(x, zero))
        values = array_ops.gather_nd(x, indices)
        shape = array_ops.shape(x, out_type=dtypes.int64)
        out = SparseTensor(indices, values, shape)
        if x.shape.ndims is not None:
            out._static_shape = x.shape
        return out


def _fill_rows(indices, values, dense_shape, default, sizes):
    """TF1's SparseFillEmptyRows: an entry [r, 0, ...] = default for each empty row r, merged
    in row order (inputs in canonical order)."""
    n_rows = sizes[1]
    indices = jnp.asarray(indices, jnp.int64)
    rows = indices[:, 0]
    count = jax.ops.segment_sum(jnp.ones(rows.shape, jnp.int32), rows, num_segments=n_rows,
                                mode="drop")
    empty = count == 0
    new_rows = jnp.nonzero(empty, size=n_rows, fill_value=0)[0]
    fill_idx = jnp.zeros((n_rows, indices.shape[1]), jnp.int64).at[:, 0].set(new_rows)
    all_idx = jnp.concatenate([indices, fill_idx])
    all_val = jnp.concatenate([values, jnp.broadcast_to(default, (n_rows,)).astype(values.dtype)])
    valid = jnp.concatenate([jnp.ones(rows.shape, bool), jnp.arange(n_rows) < jnp.sum(empty)])
    key = jnp.where(valid, all_idx[:, 0] * 2 + jnp.concatenate(
        [jnp.ones(rows.shape, jnp.int64), jnp.zeros((n_rows,), jnp.int64)]),
        jnp.iinfo(jnp.int64).max)
    order = jnp.argsort(key, stable=True)[:sizes[0]]
    return jnp.take(all_idx, order, axis=0), jnp.take(all_val, order, axis=0), empty


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """TF1's `tf.sparse.fill_empty_rows`: (the SparseTensor with an entry [r, 0, ...] =
    `default_value` added for every row r without entries, the bool vector of those rows)."""
    sp = _sparse(sp_input, "sparse_fill_empty_rows")
    with ops_lib.name_scope(name, "SparseFillEmptyRows", [sp_input]) as scope:
        default = convert_to_tensor(default_value, dtype=sp.dtype.base_dtype,
                                    name="default_value")
        rank = _rank_or_none(sp)
        static = _static_dims(sp)

        def size_fn(i, v, s, d):
            n_rows = jnp.asarray(s, jnp.int64)[0]
            rows = jnp.asarray(i, jnp.int64)[:, 0]
            hit = jnp.zeros((), jnp.int64) if rows.shape[0] == 0 else jnp.sum(
                jnp.concatenate([jnp.ones((1,), bool), rows[1:] != rows[:-1]]))
            return jnp.stack([rows.shape[0] + n_rows - hit, n_rows])

        def guess(i, v, s, d):
            rows = static[0] if static is not None else 1
            return (int(np.shape(i)[0]) + rows, rows)
        op = data_dependent_ops._make(
            "SparseFillEmptyRows", _fill_rows, [sp.indices, sp.values, sp.dense_shape, default],
            scope, [(dtypes.int64, TensorShape([None, rank])),
                    (sp.dtype.base_dtype, TensorShape([None])),
                    (dtypes.bool, TensorShape([static[0] if static else None]))], size_fn, guess,
            check=(lambda i, v, s, d: jnp.any(jnp.asarray(i)[:, 0] >= jnp.asarray(s)[0]) |
                   jnp.any(jnp.asarray(i)[:, 0] < 0),
                   errors.InvalidArgumentError,
                   f"SparseFillEmptyRows '{scope[:-1]}': a row index is out of bounds"))
        out = SparseTensor(op.outputs[0], op.outputs[1], sp.dense_shape)
        out._static_shape = sp._static_shape
        return out, op.outputs[2]


# ----- segment reductions of dense data (sparse_segment_*) ----------------------------------
def _sparse_segment(kind):
    def segment(data, indices, segment_ids, name=None, num_segments=None):
        with ops_lib.name_scope(name, f"SparseSegment{kind.capitalize()}",
                                [data, indices, segment_ids]):
            data = convert_to_tensor(data, name="data")
            indices = convert_to_tensor(indices, name="indices")
            ids = convert_to_tensor(segment_ids, name="segment_ids")
            rows = array_ops.gather(data, indices)
            if num_segments is None:
                total = segment_ops.segment_sum(rows, ids)
                if kind == "sum":
                    return total
                ones = array_ops.ones_like(ids, dtype=data.dtype.base_dtype)
                count = segment_ops.segment_sum(ones, ids)
            else:
                total = segment_ops.unsorted_segment_sum(rows, ids, num_segments)
                if kind == "sum":
                    return total
                ones = array_ops.ones_like(ids, dtype=data.dtype.base_dtype)
                count = segment_ops.unsorted_segment_sum(ones, ids, num_segments)
            count = math_ops.maximum(count, array_ops.ones_like(count))
            if kind == "sqrt_n":
                count = math_ops.sqrt(count)
            if data.shape.ndims is None:
                raise NotImplementedError(f"sparse_segment_{kind}: data must have a known "
                                          "rank.")
            for _ in range(data.shape.ndims - 1):
                count = array_ops.expand_dims(count, -1)
            return math_ops.truediv(total, count)
    segment.__name__ = f"sparse_segment_{kind}"
    segment.__doc__ = (f"TF1's `tf.sparse.segment_{kind}(data, indices, segment_ids)`: the "
                       f"{kind} per segment of the rows `data[indices]` (sorted segment ids; "
                       "`num_segments` fixes the number of rows). Empty segments give 0.")
    return segment


sparse_segment_sum = _sparse_segment("sum")
sparse_segment_mean = _sparse_segment("mean")
sparse_segment_sqrt_n = _sparse_segment("sqrt_n")


# ----- transpose / expand_dims / split / to_indicator / maximum / minimum -----------------
def sparse_transpose(sp_input, perm=None, name=None):
    """TF1's `tf.sparse.transpose`: the dimensions permuted by `perm` (reversed by default),
    entries reordered into canonical order."""
    sp = _sparse(sp_input, "sparse_transpose")
    with ops_lib.name_scope(name, "SparseTranspose", [sp_input]):
        rank = _rank(sp, "sparse_transpose")
        perm = list(range(rank))[::-1] if perm is None else \
            [int(p) for p in np.reshape(perm._static_value if isinstance(perm, ops_lib.Tensor)
                                        else perm, -1)]
        if sorted(perm) != list(range(rank)):
            raise ValueError(f"sparse_transpose: perm {perm} is not a permutation of "
                             f"{list(range(rank))}.")
        indices = array_ops.gather(sp.indices, perm, axis=1)
        shape = array_ops.gather(sp.dense_shape, perm)
        out = sparse_reorder(SparseTensor(indices, sp.values, shape))
        if sp.shape.ndims is not None:
            out._static_shape = TensorShape([sp.shape.as_list()[p] for p in perm])
        return out


def sparse_expand_dims(sp_input, axis=None, name=None):
    """TF's `tf.sparse.expand_dims`: a dimension of size 1 inserted at `axis` (a Python int)."""
    sp = _sparse(sp_input, "sparse_expand_dims")
    rank = _rank(sp, "sparse_expand_dims")
    axis = -1 if axis is None else int(axis)
    if not -rank - 1 <= axis <= rank:
        raise ValueError(f"sparse_expand_dims: axis {axis} is out of range for rank {rank}.")
    axis = axis % (rank + 1)
    with ops_lib.name_scope(name, "ExpandDims", [sp_input]):
        def kernel(indices, dense_shape):
            indices = jnp.asarray(indices, jnp.int64)
            zeros = jnp.zeros(indices.shape[:1] + (1,), jnp.int64)
            return (jnp.concatenate([indices[:, :axis], zeros, indices[:, axis:]], 1),
                    jnp.concatenate([jnp.asarray(dense_shape, jnp.int64)[:axis],
                                     jnp.ones((1,), jnp.int64),
                                     jnp.asarray(dense_shape, jnp.int64)[axis:]]))
        n = sp.indices.shape[0].value if sp.indices.shape.ndims == 2 else None
        op = make_op("SparseExpandDims", kernel, [sp.indices, sp.dense_shape], name="ExpandDims",
                     out_specs=[(dtypes.int64, TensorShape([n, rank + 1])),
                                (dtypes.int64, TensorShape([rank + 1]))])
        out = SparseTensor(op.outputs[0], sp.values, op.outputs[1])
        if sp.shape.ndims is not None:
            dims = sp.shape.as_list()
            out._static_shape = TensorShape(dims[:axis] + [1] + dims[axis:])
        return out


def sparse_split(keyword_required=None, sp_input=None, num_split=None, axis=None, name=None,
                 split_dim=None):
    """TF1's `tf.sparse.split(sp_input=, num_split=, axis=)`: `num_split` SparseTensors along
    `axis`, the first `size % num_split` one longer. The size along `axis` must be known when
    the graph is built."""
    if keyword_required is not None:
        raise ValueError("Keyword arguments are required for this function.")
    if axis is None:
        axis = split_dim
    sp = _sparse(sp_input, "sparse_split")
    num_split, axis = int(num_split), int(axis)
    rank = _rank(sp, "sparse_split")
    axis %= rank
    dim = sp.shape.as_list()[axis] if sp.shape.ndims is not None else None
    if dim is None:
        raise NotImplementedError("sparse_split: the size along `axis` must be known when the "
                                  "graph is built.")
    with ops_lib.name_scope(name, "SparseSplit", [sp_input]):
        base, extra = divmod(dim, num_split)
        outs, start = [], 0
        for i in range(num_split):
            size = base + (1 if i < extra else 0)
            begin = [0] * rank
            begin[axis] = start
            sizes = [np.iinfo(np.int64).max // 2] * rank
            sizes[axis] = size
            piece = sparse_slice(sp, begin, sizes)
            static = sp.shape.as_list()
            static[axis] = size
            piece._static_shape = TensorShape(static)
            outs.append(piece)
            start += size
        return outs


def _indicator_kernel(indices, values, dense_shape, vocab, shape):
    out = jnp.zeros(shape, bool)
    if indices.shape[0] == 0:
        return out
    idx = tuple(jnp.asarray(indices)[:, d] for d in range(indices.shape[1] - 1)) + \
        (jnp.asarray(values),)
    return out.at[idx].set(True, mode="drop")


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """TF1's `tf.sparse.to_indicator`: a dense bool tensor [..., vocab_size], True at
    (the entry's index without its last coordinate, the entry's value). A value outside
    [0, vocab_size) fails the run with InvalidArgumentError."""
    sp = _sparse(sp_input, "sparse_to_indicator")
    if not sp.dtype.is_integer:
        raise TypeError(f"sparse_to_indicator: values must be integers, got {sp.dtype.name}.")
    vocab = int(vocab_size._static_value if isinstance(vocab_size, ops_lib.Tensor)
                else vocab_size)
    with ops_lib.name_scope(name, "SparseToIndicator", [sp_input]) as scope:
        message = (f"SparseToIndicator '{scope[:-1]}': every value must be in [0, {vocab}) "
                   "(vocab_size)")
        return _shape_op("SparseToDense", _indicator_kernel,
                         [sp.indices, sp.values, sp.dense_shape], "SparseToDense", dtypes.bool,
                         sp, lambda s: tuple(s[:-1]) + (vocab,),
                         check=(lambda i, v, s: jnp.any((jnp.asarray(v) < 0) |
                                                        (jnp.asarray(v) >= vocab)),
                                errors.InvalidArgumentError, message), attrs={"vocab": vocab})


def _extremum_kernel(ai, av, ashape, bi, bv, bshape, pick, sizes):
    if ai.shape[0] + bi.shape[0] == 0:
        return jnp.zeros((sizes[0], ai.shape[1]), jnp.int64), jnp.zeros((sizes[0],), av.dtype)
    idx, vals, first, group, counts, starts = _union(ai, av, ashape, bi, bv)
    reduce = jax.ops.segment_max if pick == "max" else jax.ops.segment_min
    best = reduce(vals, group, num_segments=idx.shape[0])
    zero = jnp.zeros((), vals.dtype)
    best = jnp.where(counts == 1, (jnp.maximum if pick == "max" else jnp.minimum)(best, zero),
                     best)
    pos = jnp.arange(sizes[0])
    return data_dependent_ops._take(idx, starts[pos], 0), best[pos]


def _sparse_extremum(pick, op_type):
    def extremum(sp_a, sp_b, name=None):
        a, b = _sparse(sp_a, f"sparse_{pick}imum"), _sparse(sp_b, f"sparse_{pick}imum")
        if a.dtype.base_dtype != b.dtype.base_dtype:
            raise TypeError(f"sparse_{pick}imum: the SparseTensors' dtypes differ: "
                            f"{a.dtype.name} and {b.dtype.name}.")
        with ops_lib.name_scope(name, op_type, [sp_a, sp_b]) as scope:
            def count(ai, av, s, bi, bv, bs):
                keys = jnp.concatenate([_linear(ai, s), _linear(bi, s)])
                if keys.shape[0] == 0:
                    return jnp.int32(0)
                k = jnp.sort(keys)
                return 1 + jnp.sum(k[1:] != k[:-1])
            op = data_dependent_ops._make(
                op_type, functools.partial(_extremum_kernel, pick=pick),
                [a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape], scope,
                [(dtypes.int64, TensorShape([None, _rank_or_none(a)])),
                 (a.dtype.base_dtype, TensorShape([None]))], count,
                lambda ai, av, s, bi, bv, bs: (int(np.shape(ai)[0]) + int(np.shape(bi)[0]),),
                check=(lambda ai, av, s, bi, bv, bs: jnp.any(jnp.asarray(s) != jnp.asarray(bs)),
                       errors.InvalidArgumentError,
                       f"{op_type} '{scope[:-1]}': the operands' dense shapes must be equal"))
            out = SparseTensor(op.outputs[0], op.outputs[1], a.dense_shape)
            out._static_shape = a._static_shape
            return out
    extremum.__name__ = f"sparse_{pick}imum"
    extremum.__doc__ = (f"TF1's `tf.sparse.{pick}imum` (\"{op_type}\"): the element-wise "
                        f"{pick}imum over the union of the entries (an entry present in one "
                        "operand only is compared with 0), in canonical order.")
    return extremum


sparse_maximum = _sparse_extremum("max", "SparseSparseMaximum")
sparse_minimum = _sparse_extremum("min", "SparseSparseMinimum")


# ----- more reductions, eye, reset_shape -----------------------------------------------------
def _reduce_axes(axis, reduction_axes, keepdims, keep_dims, what):
    """(axes_of(rank), keepdims) from TF1's reduction arguments (axes known at graph time)."""
    if axis is None:
        axis = reduction_axes
    keepdims = bool(keepdims if keepdims is not None else keep_dims)
    if isinstance(axis, ops_lib.Tensor):
        if axis._static_value is None:
            raise NotImplementedError(f"{what}: axis must be known when the graph is built.")
        axis = axis._static_value
    raw = None if axis is None else tuple(int(a) for a in np.reshape(axis, -1))

    def axes_of(rank):
        return tuple(range(rank)) if raw is None else tuple(sorted({a % rank for a in raw}))
    return axes_of, keepdims


def _kept_key(indices, dense_shape, axes):
    dims = jnp.asarray(dense_shape, jnp.int64)
    key = jnp.zeros(indices.shape[:1], jnp.int64)
    for d in range(indices.shape[1]):
        if d not in axes:
            key = key * dims[d] + jnp.asarray(indices[:, d], jnp.int64)
    return key


def _reduce_max_kernel(indices, values, dense_shape, axes_of, keepdims, shape):
    axes = axes_of(indices.shape[1])
    total = int(np.prod(shape)) if shape else 1
    out = jax.ops.segment_max(values, _kept_key(indices, dense_shape, axes),
                              num_segments=total, mode="drop")
    counts = jax.ops.segment_sum(jnp.ones(values.shape, jnp.int32),
                                 _kept_key(indices, dense_shape, axes), num_segments=total,
                                 mode="drop")
    return jnp.reshape(jnp.where(counts > 0, out, jnp.zeros((), values.dtype)), shape)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None,
                      keep_dims=None, name=None):
    """TF1's `tf.sparse.reduce_max` ("SparseReduceMax"): the dense maximum over `axis` of the
    entries present (missing entries are not zeros); a position with no entry gets 0, as
    TF1's kernel."""
    sp = _sparse(sp_input, "sparse_reduce_max")
    axes_of, keepdims = _reduce_axes(axis, reduction_axes, keepdims, keep_dims,
                                     "sparse_reduce_max")

    def out_dims(s):
        axes = axes_of(len(s))
        return tuple((1 if d in axes else s[d]) for d in range(len(s))) if keepdims else \
            tuple(s[d] for d in range(len(s)) if d not in axes)
    with ops_lib.name_scope(name, "SparseReduceMax", [sp_input]) as scope:
        return _shape_op("SparseReduceMax", _reduce_max_kernel,
                         [sp.indices, sp.values, sp.dense_shape], scope, sp.dtype.base_dtype,
                         sp, out_dims, attrs={"axes_of": axes_of, "keepdims": keepdims})


def _reduce_sparse_parts(indices, values, dense_shape, axes, kind):
    key = _kept_key(indices, dense_shape, axes)
    n = key.shape[0]
    order = jnp.argsort(key, stable=True)
    k = key[order]
    first = jnp.concatenate([jnp.ones((min(n, 1),), bool), k[1:] != k[:-1]])
    group = jnp.cumsum(first) - 1
    fn = jax.ops.segment_sum if kind == "sum" else jax.ops.segment_max
    return fn(values[order], group, num_segments=n), k, first


def _reduce_sparse_kernel(indices, values, dense_shape, axes_of, keepdims, kind, sizes):
    rank = indices.shape[1]
    axes = axes_of(rank)
    kept = [d for d in range(rank) if d not in axes]
    out_rank = rank if keepdims else len(kept)
    if indices.shape[0] == 0:
        return jnp.zeros((sizes[0], out_rank), jnp.int64), jnp.zeros((sizes[0],), values.dtype)
    reduced, k, first = _reduce_sparse_parts(indices, values, dense_shape, axes, kind)
    starts = jnp.nonzero(first, size=sizes[0], fill_value=0)[0]
    key = k[starts]
    dims = jnp.asarray(dense_shape, jnp.int64)
    cols = {}
    for d in reversed(kept):
        cols[d] = key % dims[d]
        key = key // dims[d]
    zero = jnp.zeros((sizes[0],), jnp.int64)
    out = [cols[d] if d in cols else zero for d in range(rank)] if keepdims else \
        [cols[d] for d in kept]
    idx = jnp.stack(out, 1) if out else jnp.zeros((sizes[0], 0), jnp.int64)
    return idx, reduced[jnp.arange(sizes[0])]


def _reduce_sparse(kind, op_type):
    def reduce(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None,
               name=None):
        sp = _sparse(sp_input, f"sparse_reduce_{kind}_sparse")
        axes_of, keep = _reduce_axes(axis, reduction_axes, keepdims, keep_dims,
                                     f"sparse_reduce_{kind}_sparse")
        rank = _rank(sp, f"sparse_reduce_{kind}_sparse")
        axes = axes_of(rank)
        out_rank = rank if keep else rank - len(axes)
        with ops_lib.name_scope(name, op_type, [sp_input]) as scope:
            def count(i, v, s):
                if np.shape(i)[0] == 0:
                    return jnp.int32(0)
                return jnp.sum(_reduce_sparse_parts(i, v, s, axes, kind)[2])
            op = data_dependent_ops._make(
                op_type, functools.partial(_reduce_sparse_kernel, axes_of=axes_of,
                                           keepdims=keep, kind=kind),
                [sp.indices, sp.values, sp.dense_shape], scope,
                [(dtypes.int64, TensorShape([None, out_rank])),
                 (sp.dtype.base_dtype, TensorShape([None]))], count,
                lambda i, v, s: (int(np.shape(i)[0]),))

            def shape_kernel(s):
                s = jnp.asarray(s, jnp.int64)
                return jnp.stack([jnp.int64(1) if d in axes else s[d] for d in range(rank)]) \
                    if keep else jnp.stack([s[d] for d in range(rank) if d not in axes]) \
                    if out_rank else jnp.zeros((0,), jnp.int64)
            shape = make_op("Shape", shape_kernel, [sp.dense_shape], name="dense_shape",
                            out_specs=[(dtypes.int64, TensorShape([out_rank]))]).outputs[0]
            out = SparseTensor(op.outputs[0], op.outputs[1], shape)
            if sp.shape.ndims is not None:
                dims = sp.shape.as_list()
                out._static_shape = TensorShape(
                    [1 if d in axes else dims[d] for d in range(rank)] if keep else
                    [dims[d] for d in range(rank) if d not in axes])
            return out
    reduce.__name__ = f"sparse_reduce_{kind}_sparse"
    reduce.__doc__ = (f"TF1's `tf.sparse.reduce_{kind}_sparse` (\"{op_type}\"): the {kind} "
                      "over `axis` as a SparseTensor holding the positions with entries, in "
                      "canonical order.")
    return reduce


sparse_reduce_sum_sparse = _reduce_sparse("sum", "SparseReduceSumSparse")
sparse_reduce_max_sparse = _reduce_sparse("max", "SparseReduceMaxSparse")


def sparse_eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """TF's `tf.sparse.eye`: a SparseTensor with ones on the diagonal (sizes known when the
    graph is built)."""
    rows = _static_int_arg(num_rows, "sparse.eye num_rows")
    cols = rows if num_columns is None else _static_int_arg(num_columns, "sparse.eye num_columns")
    with ops_lib.name_scope(name, "eye", [num_rows, num_columns]):
        n = min(rows, cols)
        diag = np.repeat(np.arange(n, dtype=np.int64)[:, None], 2, 1)
        return SparseTensor(diag, np.ones(n, dtypes.as_dtype(dtype).as_numpy_dtype),
                            np.array([rows, cols], np.int64))


def _static_int_arg(v, what):
    if isinstance(v, ops_lib.Tensor):
        if v._static_value is None:
            raise NotImplementedError(f"{what} must be known when the graph is built.")
        v = v._static_value
    return int(v)


def sparse_reset_shape(sp_input, new_shape=None):
    """TF1's `tf.sparse.reset_shape`: the same entries with dense shape `new_shape` (which must
    hold every index: the run fails otherwise), or the tightest shape (max index + 1) when
    None."""
    sp = _sparse(sp_input, "sparse_reset_shape")
    with ops_lib.name_scope(None, "SparseResetShape", [sp_input]):
        if new_shape is None:
            def tight(i, s):
                i = jnp.asarray(i, jnp.int64)
                return jnp.max(i, axis=0, initial=-1) + 1
            shape = make_op("Max", tight, [sp.indices, sp.dense_shape], name="Max",
                            out_specs=[(dtypes.int64, sp.dense_shape.shape)]).outputs[0]
            return SparseTensor(sp.indices, sp.values, shape)
        shape = convert_to_tensor(new_shape, dtype=dtypes.int64, name="new_shape")
        old, new = _static_dims(sp), shape._static_value
        if old is not None and new is not None and any(
                n < o for n, o in zip(np.reshape(new, -1), old)):
            raise ValueError(f"sparse_reset_shape: new_shape {np.reshape(new, -1).tolist()} must "
                             f"be at least the current shape {list(old)}.")
        checked = make_op(
            "Identity", lambda i, s: s, [sp.indices, shape], name="new_shape_checked",
            kind=CHECKED, out_specs=[(dtypes.int64, shape.shape)],
            check=RunCheck(lambda i, s: jnp.any(jnp.asarray(i, jnp.int64) >=
                                                jnp.asarray(s, jnp.int64)[None]),
                           errors.InvalidArgumentError,
                           "sparse_reset_shape: new_shape must hold every index")).outputs[0]
        out = SparseTensor(sp.indices, sp.values, checked)
        if new is not None:
            out._static_shape = TensorShape([int(d) for d in np.reshape(new, -1)])
        return out


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """TF1's `tf.convert_to_tensor_or_sparse_tensor`: a SparseTensor (or SparseTensorValue)
    as a SparseTensor, anything else through `convert_to_tensor`."""
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError(f"Sparse dtype: requested = {dtypes.as_dtype(dtype).name}, "
                             f"actual = {value.dtype.name}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)
