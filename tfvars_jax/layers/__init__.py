"""`tf.layers`: TF 1.15's graph-mode layers (`tf.compat.v1.layers`), each a class and a function.

Variables, ops and collections are named and filled as TF1 names and fills them
(`dense/kernel`, `conv2d/Conv2D`, `batch_normalization/moving_mean`, UPDATE_OPS, ...). A TF1
name we do not ship (`Conv3DTranspose`, `SeparableConv1D`, ...) raises AttributeError naming
it; an argument we do not implement raises NotImplementedError naming it.
"""
from tfvars_jax import _namespace
from tfvars_jax.layers.base import InputSpec
from tfvars_jax.layers.base import Layer
from tfvars_jax.layers.core import Dense
from tfvars_jax.layers.core import Dropout
from tfvars_jax.layers.core import Flatten
from tfvars_jax.layers.core import dense
from tfvars_jax.layers.core import dropout
from tfvars_jax.layers.core import flatten
from tfvars_jax.layers.convolutional import Conv1D
from tfvars_jax.layers.convolutional import Conv2D
from tfvars_jax.layers.convolutional import Conv3D
from tfvars_jax.layers.convolutional import Conv2DTranspose
from tfvars_jax.layers.convolutional import SeparableConv2D
from tfvars_jax.layers.convolutional import conv1d
from tfvars_jax.layers.convolutional import conv2d
from tfvars_jax.layers.convolutional import conv3d
from tfvars_jax.layers.convolutional import conv2d_transpose
from tfvars_jax.layers.convolutional import separable_conv2d
from tfvars_jax.layers.pooling import AveragePooling1D
from tfvars_jax.layers.pooling import AveragePooling2D
from tfvars_jax.layers.pooling import AveragePooling3D
from tfvars_jax.layers.pooling import MaxPooling1D
from tfvars_jax.layers.pooling import MaxPooling2D
from tfvars_jax.layers.pooling import MaxPooling3D
from tfvars_jax.layers.pooling import average_pooling1d
from tfvars_jax.layers.pooling import average_pooling2d
from tfvars_jax.layers.pooling import average_pooling3d
from tfvars_jax.layers.pooling import max_pooling1d
from tfvars_jax.layers.pooling import max_pooling2d
from tfvars_jax.layers.pooling import max_pooling3d
from tfvars_jax.layers.normalization import BatchNormalization
from tfvars_jax.layers.normalization import batch_normalization

__all__ = [
    "InputSpec", "Layer", "Dense", "Dropout", "Flatten", "dense", "dropout", "flatten", "Conv1D",
    "Conv2D", "Conv3D", "Conv2DTranspose", "SeparableConv2D", "conv1d", "conv2d", "conv3d",
    "conv2d_transpose", "separable_conv2d", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "average_pooling1d",
    "average_pooling2d", "average_pooling3d", "max_pooling1d", "max_pooling2d", "max_pooling3d",
    "BatchNormalization", "batch_normalization",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
