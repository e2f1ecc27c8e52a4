"""`tf.spectral`: TF1's older name for the FFT and DCT part of `tf.signal` (the same
functions)."""
from tfvars_jax import _namespace
from tfvars_jax.ops.signal_ops import dct
from tfvars_jax.ops.signal_ops import fft
from tfvars_jax.ops.signal_ops import fft2d
from tfvars_jax.ops.signal_ops import fft3d
from tfvars_jax.ops.signal_ops import idct
from tfvars_jax.ops.signal_ops import ifft
from tfvars_jax.ops.signal_ops import ifft2d
from tfvars_jax.ops.signal_ops import ifft3d
from tfvars_jax.ops.signal_ops import irfft
from tfvars_jax.ops.signal_ops import irfft2d
from tfvars_jax.ops.signal_ops import irfft3d
from tfvars_jax.ops.signal_ops import rfft
from tfvars_jax.ops.signal_ops import rfft2d
from tfvars_jax.ops.signal_ops import rfft3d

__all__ = [
    "dct", "fft", "fft2d", "fft3d", "idct", "ifft", "ifft2d", "ifft3d", "irfft", "irfft2d",
    "irfft3d", "rfft", "rfft2d", "rfft3d",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
