"""`tf.estimator.inputs`: input functions for Estimators (`numpy_input_fn`). TF1's
`pandas_input_fn` is not shipped (AttributeError)."""
from tfvars_jax import _namespace
from tfvars_jax.estimator.inputs.numpy_io import numpy_input_fn

__all__ = ["numpy_input_fn"]

__getattr__ = _namespace.unsupported_getattr(__name__)
