"""`tf.data` (TF1's `tf.compat.v1.data`): host-side input pipelines read by `get_next()`.

Datasets run in Python/NumPy on the host; each run that needs an iterator's `get_next()`
takes one element before its compiled step (`iterator_ops.py`). See `dataset_ops.py` for the
transformations we ship and where we differ from TF1.
"""
from tfvars_jax import _namespace
from tfvars_jax.data import experimental
from tfvars_jax.data.dataset_ops import Dataset
from tfvars_jax.data.dataset_ops import DatasetV1
from tfvars_jax.data.iterator_ops import Iterator
from tfvars_jax.data.iterator_ops import make_one_shot_iterator
from tfvars_jax.data.iterator_ops import make_initializable_iterator
from tfvars_jax.data.iterator_ops import get_output_types
from tfvars_jax.data.iterator_ops import get_output_shapes
from tfvars_jax.data.iterator_ops import get_output_classes

__all__ = ["experimental", "Dataset", "DatasetV1", "Iterator", "make_one_shot_iterator",
           "make_initializable_iterator", "get_output_types", "get_output_shapes",
           "get_output_classes"]

__getattr__ = _namespace.unsupported_getattr(__name__)
