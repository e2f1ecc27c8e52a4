"""`tf.keras.initializers`: TF1's Keras initializers (TF 1.15, v1 names).

The init_ops classes, except that RandomNormal, RandomUniform and TruncatedNormal have
Keras' small defaults (stddev 0.05, range ±0.05). lecun_*/he_* are TF1's functions
returning VarianceScaling. The same objects as
`tfvars_jax.variables.initializers.keras_initializers`.
"""
from tfvars_jax import _namespace
from tfvars_jax.variables.initializers import Initializer
from tfvars_jax.variables.initializers import Zeros
from tfvars_jax.variables.initializers import Zeros as zeros
from tfvars_jax.variables.initializers import Ones
from tfvars_jax.variables.initializers import Ones as ones
from tfvars_jax.variables.initializers import Constant
from tfvars_jax.variables.initializers import Constant as constant
from tfvars_jax.variables.initializers import KerasRandomNormal as RandomNormal
from tfvars_jax.variables.initializers import KerasRandomNormal as random_normal
from tfvars_jax.variables.initializers import KerasRandomNormal as normal
from tfvars_jax.variables.initializers import KerasRandomUniform as RandomUniform
from tfvars_jax.variables.initializers import KerasRandomUniform as random_uniform
from tfvars_jax.variables.initializers import KerasRandomUniform as uniform
from tfvars_jax.variables.initializers import KerasTruncatedNormal as TruncatedNormal
from tfvars_jax.variables.initializers import KerasTruncatedNormal as truncated_normal
from tfvars_jax.variables.initializers import VarianceScaling
from tfvars_jax.variables.initializers import Orthogonal
from tfvars_jax.variables.initializers import Orthogonal as orthogonal
from tfvars_jax.variables.initializers import Identity
from tfvars_jax.variables.initializers import Identity as identity
from tfvars_jax.variables.initializers import GlorotUniform
from tfvars_jax.variables.initializers import GlorotUniform as glorot_uniform
from tfvars_jax.variables.initializers import GlorotNormal
from tfvars_jax.variables.initializers import GlorotNormal as glorot_normal
from tfvars_jax.variables.initializers import lecun_normal
from tfvars_jax.variables.initializers import lecun_uniform
from tfvars_jax.variables.initializers import he_normal
from tfvars_jax.variables.initializers import he_uniform
from tfvars_jax.variables.initializers import _keras_get as get
from tfvars_jax.variables.initializers import _keras_serialize as serialize
from tfvars_jax.variables.initializers import _keras_deserialize as deserialize

__all__ = [
    "Initializer", "Zeros", "zeros", "Ones", "ones", "Constant", "constant", "RandomNormal",
    "random_normal", "normal", "RandomUniform", "random_uniform", "uniform", "TruncatedNormal",
    "truncated_normal", "VarianceScaling", "Orthogonal", "orthogonal", "Identity", "identity",
    "GlorotUniform", "glorot_uniform", "GlorotNormal", "glorot_normal", "lecun_normal",
    "lecun_uniform", "he_normal", "he_uniform", "get", "serialize", "deserialize",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
