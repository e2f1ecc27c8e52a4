"""`tf.SparseTensor` and `tf.SparseTensorValue`: a tensor given by the coordinates of its
non-zero entries.

As in TF1, a SparseTensor is three dense Tensors: `indices` (int64 [N, rank]), `values`
([N]) and `dense_shape` (int64 [rank]). N is usually unknown when the graph is built; the
values are fed (a `tf.sparse_placeholder` takes a SparseTensorValue or an
`(indices, values, dense_shape)` tuple) or computed by ops, and a run resolves N from the fed
shapes. Fetching one gives a SparseTensorValue of NumPy arrays. It is not a Tensor: ops that
take it are in `tf.sparse` (`ops/sparse_ops.py`); `tf.convert_to_tensor` refuses it, as TF1.
"""
from typing import NamedTuple

import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.tensor_shape import TensorShape


class SparseTensorValue(NamedTuple):
    """What `Session.run` returns for a fetched SparseTensor (NumPy arrays), and what a
    sparse placeholder is fed, as TF1."""
    indices: np.ndarray
    values: np.ndarray
    dense_shape: np.ndarray


class SparseTensor:
    """TF1's `tf.SparseTensor(indices, values, dense_shape)`.

    `indices` and `dense_shape` are converted to int64 Tensors, `values` to a Tensor; `dtype`,
    `op` and `graph` are those of `values`. `shape` is the dense tensor's static shape, as far
    as `dense_shape` is known when the graph is built.
    """

    def __init__(self, indices, values, dense_shape):
        from tfvars_jax.framework.op_builder import convert_to_tensor  # same layer, no cycle
        with ops_lib.name_scope(None, "SparseTensor", [indices, values, dense_shape]):
            self._indices = convert_to_tensor(indices, dtype=dtypes.int64, name="indices")
            self._values = convert_to_tensor(values, name="values")
            self._dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64,
                                                  name="dense_shape")
        ishape, vshape, dshape = (self._indices.shape, self._values.shape,
                                  self._dense_shape.shape)
        if ishape.ndims not in (None, 2):
            raise ValueError(f"SparseTensor: indices must be a matrix [N, rank], got {ishape}.")
        if vshape.ndims not in (None, 1):
            raise ValueError(f"SparseTensor: values must be a vector [N], got {vshape}.")
        if dshape.ndims not in (None, 1):
            raise ValueError(f"SparseTensor: dense_shape must be a vector, got {dshape}.")
        if ishape.ndims == 2 and vshape.ndims == 1 and not ishape[:1].is_compatible_with(
                vshape):
            raise ValueError(f"SparseTensor: indices {ishape} and values {vshape} must have "
                             "as many rows.")
        if ishape.ndims == 2 and dshape.ndims == 1 and not ishape[1:].is_compatible_with(
                dshape):
            raise ValueError(f"SparseTensor: indices {ishape} and dense_shape {dshape} must "
                             "agree on the rank.")
        self._static_shape = None  # set by sparse_placeholder (TF1's shape override)

    @classmethod
    def from_value(cls, sparse_tensor_value):
        """A SparseTensor of constants holding `sparse_tensor_value` (or a SparseTensor)."""
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        if not isinstance(sparse_tensor_value, SparseTensorValue):
            raise TypeError(f"Neither a SparseTensor nor SparseTensorValue: "
                            f"{sparse_tensor_value!r}.")
        return cls(sparse_tensor_value.indices, sparse_tensor_value.values,
                   sparse_tensor_value.dense_shape)

    indices = property(lambda self: self._indices,
                       doc="The coordinates of the entries (an int64 Tensor [N, rank]).")
    values = property(lambda self: self._values, doc="The entries (a Tensor [N]).")
    dense_shape = property(lambda self: self._dense_shape,
                           doc="The dense tensor's shape (an int64 Tensor [rank]).")
    dtype = property(lambda self: self._values.dtype)
    op = property(lambda self: self._values.op)
    graph = property(lambda self: self._values.graph)

    @property
    def shape(self):
        """The dense tensor's static shape: `dense_shape`'s value where known."""
        if self._static_shape is not None:
            return self._static_shape
        static = self._dense_shape._static_value
        if static is not None:
            return TensorShape([int(d) for d in np.reshape(static, -1)])
        rank = self._dense_shape.shape
        if rank.ndims == 1 and rank[0].value is not None:
            return TensorShape([None] * rank[0].value)
        cols = self._indices.shape
        if cols.ndims == 2 and cols[1].value is not None:
            return TensorShape([None] * cols[1].value)
        return TensorShape(None)

    def get_shape(self):
        return self.shape

    def consumers(self):
        return [op for t in (self._indices, self._values, self._dense_shape)
                for op in t.consumers()]

    def with_values(self, new_values):
        """The same indices and dense_shape with other `values`."""
        return SparseTensor(self._indices, new_values, self._dense_shape)

    def eval(self, feed_dict=None, session=None):
        """The SparseTensorValue in `session` (default: the default session)."""
        return context.session_for(session, self.graph, "SparseTensor.eval()").run(
            self, feed_dict)

    def __str__(self):
        return (f"SparseTensor(indices={self._indices}, values={self._values}, "
                f"dense_shape={self._dense_shape})")

    __repr__ = __str__


def is_sparse(x):
    """Whether `x` is a SparseTensor or SparseTensorValue (TF1's `sparse_tensor.is_sparse`)."""
    return isinstance(x, (SparseTensor, SparseTensorValue))


def expand_feeds(feed_dict):
    """`feed_dict` with each SparseTensor key replaced by its three component tensors (fed a
    SparseTensorValue or an (indices, values, dense_shape) tuple, as TF1). A dense_shape that
    is a constant is not fed: its fed value must equal it (the static shapes rest on it)."""
    out = {}
    for key, value in feed_dict.items():
        if not isinstance(key, SparseTensor):
            out[key] = value
            continue
        if isinstance(value, SparseTensor):
            raise TypeError("The value of a feed cannot be a tf.SparseTensor object; feed a "
                            "tf.SparseTensorValue or an (indices, values, dense_shape) tuple.")
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            raise TypeError(f"A SparseTensor is fed a SparseTensorValue or a tuple of three "
                            f"(indices, values, dense_shape); got {type(value).__name__}.")
        indices, values, shape = value
        out[key.indices] = indices
        out[key.values] = values
        static = key.dense_shape._static_value
        if static is None:
            out[key.dense_shape] = shape
        elif not np.array_equal(np.reshape(np.asarray(shape), -1), np.reshape(static, -1)):
            raise ValueError(f"The sparse placeholder {key.values.op.name.rsplit('/', 1)[0]} "
                             f"has the dense shape {np.asarray(static).tolist()}, fed "
                             f"{np.asarray(shape).tolist()}; make it with shape=None (or "
                             "unknown dimensions) to feed varying shapes.")
    return out
