"""`tf.dtypes`: DType, as_dtype and the dtype constants (from `tfvars_jax.framework.dtypes`)."""
from tfvars_jax import _namespace
from tfvars_jax.framework.dtypes import DType
from tfvars_jax.framework.dtypes import as_dtype
from tfvars_jax.framework.dtypes import float16
from tfvars_jax.framework.dtypes import float32
from tfvars_jax.framework.dtypes import float64
from tfvars_jax.framework.dtypes import bfloat16
from tfvars_jax.framework.dtypes import int8
from tfvars_jax.framework.dtypes import int16
from tfvars_jax.framework.dtypes import int32
from tfvars_jax.framework.dtypes import int64
from tfvars_jax.framework.dtypes import uint8
from tfvars_jax.framework.dtypes import uint16
from tfvars_jax.framework.dtypes import uint32
from tfvars_jax.framework.dtypes import uint64
from tfvars_jax.framework.dtypes import bool  # noqa: A004
from tfvars_jax.framework.dtypes import complex64
from tfvars_jax.framework.dtypes import complex128
from tfvars_jax.framework.dtypes import string
from tfvars_jax.framework.dtypes import resource

__all__ = [
    "DType", "as_dtype", "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32",
    "int64", "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128", "string",
    "resource",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
