"""`tf.signal`: FFTs, framing, windows, STFTs, mel filterbanks, DCTs and MFCCs
(`ops/signal_ops.py`). Not shipped: `mdct`/`inverse_mdct`, `kaiser_window`,
`kaiser_bessel_derived_window`, `vorbis_window` and the n-dimensional `fftnd`/`rfftnd` family
(TF 2.x additions absent from TF 1.15)."""
from tfvars_jax import _namespace
from tfvars_jax.ops.signal_ops import dct
from tfvars_jax.ops.signal_ops import fft
from tfvars_jax.ops.signal_ops import fft2d
from tfvars_jax.ops.signal_ops import fft3d
from tfvars_jax.ops.signal_ops import fftshift
from tfvars_jax.ops.signal_ops import frame
from tfvars_jax.ops.signal_ops import hamming_window
from tfvars_jax.ops.signal_ops import hann_window
from tfvars_jax.ops.signal_ops import idct
from tfvars_jax.ops.signal_ops import ifft
from tfvars_jax.ops.signal_ops import ifft2d
from tfvars_jax.ops.signal_ops import ifft3d
from tfvars_jax.ops.signal_ops import ifftshift
from tfvars_jax.ops.signal_ops import inverse_stft
from tfvars_jax.ops.signal_ops import inverse_stft_window_fn
from tfvars_jax.ops.signal_ops import irfft
from tfvars_jax.ops.signal_ops import irfft2d
from tfvars_jax.ops.signal_ops import irfft3d
from tfvars_jax.ops.signal_ops import linear_to_mel_weight_matrix
from tfvars_jax.ops.signal_ops import mfccs_from_log_mel_spectrograms
from tfvars_jax.ops.signal_ops import overlap_and_add
from tfvars_jax.ops.signal_ops import rfft
from tfvars_jax.ops.signal_ops import rfft2d
from tfvars_jax.ops.signal_ops import rfft3d
from tfvars_jax.ops.signal_ops import stft

__all__ = [
    "dct", "fft", "fft2d", "fft3d", "fftshift", "frame", "hamming_window", "hann_window", "idct",
    "ifft", "ifft2d", "ifft3d", "ifftshift", "inverse_stft", "inverse_stft_window_fn", "irfft",
    "irfft2d", "irfft3d", "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms",
    "overlap_and_add", "rfft", "rfft2d", "rfft3d", "stft",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
