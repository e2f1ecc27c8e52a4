"""`tf.IndexedSlices`: a sparse representation of a dense tensor's rows (gathered gradients).

TF1's `tf.gradients` returns one for a variable (or tensor) that reaches the ys only through
`tf.gather` on axis 0 (`embedding_lookup`): `values[i]` is the gradient of the row
`indices[i]` (an index may repeat; the dense gradient is their sum), `dense_shape` the shape
of the dense tensor. Optimizers then update only those rows, which for Momentum, RMSProp,
Adagrad, Adadelta, FTRL and the proximal optimizers differs from a dense update with zero
rows (see `train/optimizer.py`). Used as a tensor it becomes the dense sum (the op layer
registers how, `register_densifier`), as TF1 does.
"""
from typing import NamedTuple

import numpy as np

from tfvars_jax.framework.tensor_shape import TensorShape


class IndexedSlicesValue(NamedTuple):
    """What `Session.run` returns for a fetched IndexedSlices (NumPy arrays), as TF1."""
    values: np.ndarray
    indices: np.ndarray
    dense_shape: np.ndarray


_densify = []  # the op layer's function (IndexedSlices, dtype) -> dense Tensor


def register_densifier(fn):
    """Installs how an IndexedSlices becomes a dense Tensor (the op layer's unsorted sum)."""
    _densify[:] = [fn]


class IndexedSlices:
    """TF1's `tf.IndexedSlices(values, indices, dense_shape=None)`.

    `values`, `indices` and `dense_shape` are Tensors; `name`, `dtype`, `op`, `graph` and
    `device` are the values tensor's. Converting it to a tensor (`tf.convert_to_tensor`, or
    using it in an op) gives the dense tensor: the sum of the rows at their indices.
    """

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    values = property(lambda self: self._values, doc="The rows (a Tensor [n, ...]).")
    indices = property(lambda self: self._indices, doc="Their indices in the dense tensor [n].")
    dense_shape = property(lambda self: self._dense_shape,
                           doc="The dense tensor's shape (an int Tensor), or None.")
    name = property(lambda self: self._values.name)
    dtype = property(lambda self: self._values.dtype)
    op = property(lambda self: self._values.op)
    graph = property(lambda self: self._values.graph)
    device = property(lambda self: self._values.device)

    @property
    def shape(self):
        """The static shape of the dense tensor (its dense_shape's static value, if known)."""
        static = getattr(self._dense_shape, "_static_value", None)
        if static is not None:
            return TensorShape([int(d) for d in np.asarray(static)])
        rows = self._values.shape
        return TensorShape(None) if rows.ndims is None else TensorShape([None] + rows.as_list()[1:])

    def get_shape(self):
        return self.shape

    def _as_tensor(self, dtype=None):
        return _densify[0](self, dtype)

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __str__(self):
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape}"
        return f"IndexedSlices(indices={self._indices}, values={self._values}{shape})"

    __repr__ = __str__
