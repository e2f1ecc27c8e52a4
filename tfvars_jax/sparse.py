"""`tf.sparse`: ops on `tf.SparseTensor` (`framework/sparse_tensor.py`, `ops/sparse_ops.py`).
TF1's top-level `tf.sparse_*` names are the same functions."""
from tfvars_jax import _namespace
from tfvars_jax.framework.sparse_tensor import SparseTensor
from tfvars_jax.ops.sparse_ops import from_dense
from tfvars_jax.ops.sparse_ops import sparse_add as add
from tfvars_jax.ops.sparse_ops import sparse_concat as concat
from tfvars_jax.ops.sparse_ops import sparse_fill_empty_rows as fill_empty_rows
from tfvars_jax.ops.sparse_ops import sparse_placeholder as placeholder
from tfvars_jax.ops.sparse_ops import sparse_reduce_sum as reduce_sum
from tfvars_jax.ops.sparse_ops import sparse_reorder as reorder
from tfvars_jax.ops.sparse_ops import sparse_reshape as reshape
from tfvars_jax.ops.sparse_ops import sparse_retain as retain
from tfvars_jax.ops.sparse_ops import sparse_segment_mean as segment_mean
from tfvars_jax.ops.sparse_ops import sparse_segment_sqrt_n as segment_sqrt_n
from tfvars_jax.ops.sparse_ops import sparse_segment_sum as segment_sum
from tfvars_jax.ops.sparse_ops import sparse_slice as slice  # noqa: A004
from tfvars_jax.ops.sparse_ops import sparse_softmax as softmax
from tfvars_jax.ops.sparse_ops import sparse_tensor_dense_matmul as sparse_dense_matmul
from tfvars_jax.ops.sparse_ops import sparse_tensor_dense_matmul as matmul
from tfvars_jax.ops.sparse_ops import sparse_tensor_to_dense as to_dense
from tfvars_jax.ops.sparse_ops import sparse_transpose as transpose
from tfvars_jax.ops.sparse_ops import sparse_expand_dims as expand_dims
from tfvars_jax.ops.sparse_ops import sparse_split as split
from tfvars_jax.ops.sparse_ops import sparse_to_indicator as to_indicator
from tfvars_jax.ops.sparse_ops import sparse_maximum as maximum
from tfvars_jax.ops.sparse_ops import sparse_minimum as minimum
from tfvars_jax.ops.sparse_ops import sparse_reduce_max as reduce_max
from tfvars_jax.ops.sparse_ops import sparse_reduce_sum_sparse as reduce_sum_sparse
from tfvars_jax.ops.sparse_ops import sparse_reduce_max_sparse as reduce_max_sparse
from tfvars_jax.ops.sparse_ops import sparse_eye as eye
from tfvars_jax.ops.sparse_ops import sparse_reset_shape as reset_shape

__all__ = [
    "SparseTensor", "from_dense", "add", "concat", "fill_empty_rows", "placeholder",
    "reduce_sum", "reorder", "reshape", "retain", "segment_mean", "segment_sqrt_n",
    "segment_sum", "slice", "softmax", "sparse_dense_matmul", "matmul", "to_dense",
    "transpose", "expand_dims", "split", "to_indicator", "maximum", "minimum", "reduce_max",
    "reduce_sum_sparse", "reduce_max_sparse", "eye", "reset_shape",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
