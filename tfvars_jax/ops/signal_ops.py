"""`tf.signal` (and TF1's `tf.spectral`, the top-level `tf.fft`...): FFTs, framing, windows,
STFTs, mel filterbanks, DCTs and MFCCs.

The FFT ops are TF1's single ops (`FFT`, `IFFT2D`, `RFFT`, `IRFFT3D`, ...), each one `jnp.fft`
call over the innermost 1-3 dimensions; `fft_length` of the real FFTs crops or zero-pads the
input as TF1 does. Gradients are JAX's (the adjoints TF1's registered gradients compute).

The composite functions (`frame`, `stft`, `dct`, ...) open TF1's name scope ("stft/...") and
compute their result with a few kernels of their own, so their values and static shapes are
TF1's, but the ops inside the scope are named differently than TF1's. Sizes (`frame_length`,
`frame_step`, `fft_length`, a DCT's `n`) must be known when the graph is built (Python ints or
constants): a computed size raises NotImplementedError, since XLA needs static shapes.
"""
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import constant, convert_to_tensor, op_output
from tfvars_jax.ops import math_ops
from tfvars_jax.ops.tensor_util import get_static_value


def _static_int(value, what, op_name):
    """A size argument as a Python int (a constant tensor's value); NotImplementedError if it is
    computed at run time."""
    v = get_static_value(value)
    if v is None:
        raise NotImplementedError(
            f"{op_name}: '{what}' must be known when the graph is built (a Python int or a "
            "constant); tfvars_jax compiles static shapes. Pass the value as an int.")
    v = np.asarray(v)
    if v.ndim > 1:
        raise ValueError(f"{op_name}: '{what}' must be a scalar or a vector, got shape {v.shape}.")
    return [int(i) for i in v.reshape(-1)] if v.ndim == 1 else int(v)


def _require(t, ok, op_type, what):
    if not ok(t.dtype):
        raise TypeError(f"Value passed to parameter '{what}' of {op_type} has DataType "
                        f"{t.dtype.name} not in list of allowed values: "
                        f"{'complex64, complex128' if what == 'input' else 'float32, float64'}")


# ----- complex FFTs -------------------------------------------------------------------------
def _fft_kernel(x, rank, inverse):
    axes = tuple(range(-rank, 0))
    return (jnp.fft.ifftn if inverse else jnp.fft.fftn)(x, axes=axes).astype(x.dtype)


def _complex_fft(op_type, rank, inverse, public):
    def op(input, name=None):  # noqa: A002 - TF1's argument name
        x = convert_to_tensor(input, name="input")
        _require(x, lambda d: d.is_complex, op_type, "input")
        if x.shape.ndims is not None and x.shape.ndims < rank:
            raise ValueError(f"Shape must be at least rank {rank} but is rank {x.shape.ndims} "
                             f"for '{op_type}' (op: '{op_type}') with input shapes: {x.shape}.")
        return op_output(op_type, _fft_kernel, [x], name=name or op_type,
                         attrs={"rank": rank, "inverse": inverse})
    op.__name__ = public
    op.__doc__ = (f"TF1's `tf.signal.{public}` (op \"{op_type}\"): the {'inverse ' * inverse}"
                  f"discrete Fourier transform over the innermost {rank} dimension(s) of a "
                  "complex tensor.")
    return op


fft = _complex_fft("FFT", 1, False, "fft")
ifft = _complex_fft("IFFT", 1, True, "ifft")
fft2d = _complex_fft("FFT2D", 2, False, "fft2d")
ifft2d = _complex_fft("IFFT2D", 2, True, "ifft2d")
fft3d = _complex_fft("FFT3D", 3, False, "fft3d")
ifft3d = _complex_fft("IFFT3D", 3, True, "ifft3d")


# ----- real FFTs ----------------------------------------------------------------------------
def _rfft_kernel(x, lengths, complex_dtype):
    axes = tuple(range(-len(lengths), 0))
    return jnp.fft.rfftn(x, s=lengths, axes=axes).astype(complex_dtype)


def _irfft_kernel(x, lengths, real_dtype):
    axes = tuple(range(-len(lengths), 0))
    # TF1 reads the innermost dimension's first fft_length // 2 + 1 entries (zero-padded).
    half = lengths[-1] // 2 + 1
    n = x.shape[-1]
    x = x[..., :half] if n >= half else jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, half - n)])
    for axis, length in zip(axes[:-1], lengths[:-1]):
        size = x.shape[axis]
        if size > length:
            x = jnp.take(x, jnp.arange(length), axis=axis)
        elif size < length:
            pad = [(0, 0)] * x.ndim
            pad[axis] = (0, length - size)
            x = jnp.pad(x, pad)
    return jnp.fft.irfftn(x, s=lengths, axes=axes).astype(real_dtype)


def _real_fft(op_type, rank, inverse, public):
    def op(input_tensor, fft_length=None, name=None):
        with ops_lib.name_scope(name, public, [input_tensor]) as scope:
            x = convert_to_tensor(input_tensor, name="input_tensor")
            if inverse:
                _require(x, lambda d: d.is_complex, op_type, "input")
            else:
                _require(x, lambda d: d.is_floating and d.base_dtype in (
                    dtypes.float32, dtypes.float64), op_type, "input_tensor")
            if x.shape.ndims is not None and x.shape.ndims < rank:
                raise ValueError(f"Shape must be at least rank {rank} but is rank "
                                 f"{x.shape.ndims} for '{scope}{op_type}' (op: '{op_type}').")
            if fft_length is None:
                dims = x.shape.as_list()[-rank:] if x.shape.ndims is not None else [None]
                if None in dims:
                    raise NotImplementedError(
                        f"tf.signal.{public} of a tensor whose innermost {rank} dimension(s) are "
                        f"unknown ({x.shape}) needs fft_length: tfvars_jax compiles static "
                        "shapes.")
                if inverse:
                    dims[-1] = 2 * (dims[-1] - 1)
                lengths = dims
            else:
                lengths = _static_int(fft_length, "fft_length", public)
                lengths = lengths if isinstance(lengths, list) else [lengths]
                if len(lengths) != rank:
                    raise ValueError(f"fft_length must have {rank} element(s), got {lengths}")
            if inverse:
                real = dtypes.float64 if x.dtype.base_dtype == dtypes.complex128 else \
                    dtypes.float32
                return op_output(op_type, _irfft_kernel, [x], name=scope,
                                 attrs={"lengths": tuple(lengths),
                                        "real_dtype": real.as_numpy_dtype})
            cplx = dtypes.complex128 if x.dtype.base_dtype == dtypes.float64 else \
                dtypes.complex64
            return op_output(op_type, _rfft_kernel, [x], name=scope,
                             attrs={"lengths": tuple(lengths),
                                    "complex_dtype": cplx.as_numpy_dtype})
    op.__name__ = public
    op.__doc__ = (f"TF1's `tf.signal.{public}` (op \"{op_type}\" named '{public}'): the "
                  f"{'inverse ' * inverse}real discrete Fourier transform over the innermost "
                  f"{rank} dimension(s); `fft_length` (static) crops or zero-pads the input.")
    return op


rfft = _real_fft("RFFT", 1, False, "rfft")
irfft = _real_fft("IRFFT", 1, True, "irfft")
rfft2d = _real_fft("RFFT2D", 2, False, "rfft2d")
irfft2d = _real_fft("IRFFT2D", 2, True, "irfft2d")
rfft3d = _real_fft("RFFT3D", 3, False, "rfft3d")
irfft3d = _real_fft("IRFFT3D", 3, True, "irfft3d")


# ----- shifts, framing, overlap-add ---------------------------------------------------------
def _roll_kernel(x, shifts, axes):
    return jnp.roll(x, shifts, axes)


def _shift(x, axes, name, public, inverse):
    with ops_lib.name_scope(name, public, [x]):
        x = convert_to_tensor(x)
        if x.shape.ndims is None:
            raise NotImplementedError(f"tf.signal.{public} needs a tensor of known rank.")
        axes = list(range(x.shape.ndims)) if axes is None else \
            ([axes] if np.ndim(axes) == 0 else list(axes))
        sizes = [x.shape.as_list()[a] for a in axes]
        if None in sizes:
            raise NotImplementedError(f"tf.signal.{public} needs the shifted dimensions' sizes "
                                      f"at graph time; got shape {x.shape}.")
        shifts = tuple(-(n // 2) if inverse else n // 2 for n in sizes)
        return op_output("Roll", _roll_kernel, [x], name="Roll",
                         attrs={"shifts": shifts, "axes": tuple(int(a) for a in axes)})


def fftshift(x, axes=None, name=None):
    """TF's `tf.signal.fftshift`: moves the zero-frequency term to the center (a Roll by half
    of each axis in `axes`, all by default)."""
    return _shift(x, axes, name, "fftshift", False)


def ifftshift(x, axes=None, name=None):
    """TF's `tf.signal.ifftshift`: the inverse of `fftshift`."""
    return _shift(x, axes, name, "ifftshift", True)


def _frame_kernel(x, pad_value, frame_length, frame_step, pad_end, axis):
    n = x.shape[axis]
    if pad_end:
        frames = -(-n // frame_step)
        total = (frames - 1) * frame_step + frame_length
        if total > n:
            pad = [(0, 0)] * x.ndim
            pad[axis] = (0, total - n)
            x = jnp.pad(x, pad, constant_values=pad_value)
    else:
        frames = max(0, 1 + (n - frame_length) // frame_step)
    index = (np.arange(frames)[:, None] * frame_step + np.arange(frame_length)[None, :])
    return jnp.take(x, index.astype(np.int32), axis=axis)


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """TF's `tf.signal.frame`: the frames of `frame_length` samples taken every `frame_step`
    along `axis`, which becomes two axes `[frames, frame_length]`; `pad_end` pads the end with
    `pad_value` so that every sample is in a frame."""
    with ops_lib.name_scope(name, "frame", [signal, frame_length, frame_step, pad_value]):
        x = convert_to_tensor(signal, name="signal")
        length = _static_int(frame_length, "frame_length", "frame")
        step = _static_int(frame_step, "frame_step", "frame")
        axis = _static_int(axis, "axis", "frame")
        if x.shape.ndims is None:
            raise NotImplementedError("tf.signal.frame needs a signal of known rank.")
        if x.shape.ndims == 0:
            raise ValueError("Shape must have rank at least 1 for 'frame' (signal: ())")
        if not -x.shape.ndims <= axis < x.shape.ndims:
            raise ValueError(f"axis {axis} is out of range for a signal of rank {x.shape.ndims}")
        if length <= 0 or step <= 0:
            raise ValueError(f"frame_length ({length}) and frame_step ({step}) must be positive.")
        pad = convert_to_tensor(pad_value, dtype=x.dtype.base_dtype, name="pad_value")
        return op_output("Frame", _frame_kernel, [x, pad], name="Frame",
                         attrs={"frame_length": length, "frame_step": step,
                                "pad_end": bool(pad_end), "axis": axis % x.shape.ndims})


def _overlap_and_add_kernel(x, frame_step):
    frames, length = x.shape[-2], x.shape[-1]
    total = (frames - 1) * frame_step + length
    index = np.arange(frames)[:, None] * frame_step + np.arange(length)[None, :]
    out = jnp.zeros(x.shape[:-2] + (total,), x.dtype)
    return out.at[..., index].add(x)


def overlap_and_add(signal, frame_step, name=None):
    """TF's `tf.signal.overlap_and_add`: frames `[..., frames, frame_length]` added back into
    one signal of `(frames - 1) * frame_step + frame_length` samples."""
    with ops_lib.name_scope(name, "overlap_and_add", [signal, frame_step]):
        x = convert_to_tensor(signal, name="signal")
        step = _static_int(frame_step, "frame_step", "overlap_and_add")
        if x.shape.ndims is not None and x.shape.ndims < 2:
            raise ValueError(f"Shape must have rank at least 2 for 'overlap_and_add' "
                             f"(signal: {x.shape})")
        if step <= 0:
            raise ValueError(f"frame_step must be positive, got {step}")
        return op_output("OverlapAndAdd", _overlap_and_add_kernel, [x], name="OverlapAndAdd",
                         attrs={"frame_step": step})


# ----- windows ------------------------------------------------------------------------------
def _raised_cosine(window_length, periodic, dtype, a, b):
    """TF's raised-cosine window, computed in `dtype` as TF does."""
    np_dtype = dtypes.as_dtype(dtype).as_numpy_dtype
    if window_length == 1:
        return np.ones([1], np_dtype)
    even = 1 - window_length % 2
    n = np_dtype(window_length + int(periodic) * even - 1)
    arg = np_dtype(2 * np.pi) * np.arange(window_length).astype(np_dtype) / n
    return (np_dtype(a) - np_dtype(b) * np.cos(arg)).astype(np_dtype)


def _window(public, a, b):
    def window(window_length, periodic=True, dtype=dtypes.float32, name=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise ValueError(f"dtype must be a floating point type. Found {dtype}")
        with ops_lib.name_scope(name, public, [window_length, periodic]):
            length = _static_int(window_length, "window_length", public)
            periodic_value = get_static_value(periodic)
            if periodic_value is None:
                raise NotImplementedError(f"tf.signal.{public}: 'periodic' must be known when "
                                          "the graph is built.")
            return constant(_raised_cosine(length, bool(periodic_value), dtype, a, b),
                            dtype=dtype, name="window")
    window.__name__ = public
    window.__doc__ = (f"TF's `tf.signal.{public}`: a [window_length] raised-cosine window "
                      f"({a} - {b} cos(2 pi n / N)), periodic (N = length) by default, else "
                      "symmetric; a constant here (the length must be static).")
    return window


hann_window = _window("hann_window", 0.5, 0.5)
hamming_window = _window("hamming_window", 0.54, 0.46)


# ----- STFT ---------------------------------------------------------------------------------
def _enclosing_power_of_two(n):
    return int(2 ** np.ceil(np.log(n) / np.log(2.0)))


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """TF's `tf.signal.stft`: `rfft` of the windowed frames of `signals` (innermost axis);
    `fft_length` defaults to the power of two enclosing `frame_length`."""
    with ops_lib.name_scope(name, "stft", [signals, frame_length, frame_step]):
        x = convert_to_tensor(signals, name="signals")
        length = _static_int(frame_length, "frame_length", "stft")
        step = _static_int(frame_step, "frame_step", "stft")
        n_fft = _enclosing_power_of_two(length) if fft_length is None else \
            _static_int(fft_length, "fft_length", "stft")
        framed = frame(x, length, step, pad_end=pad_end)
        if window_fn is not None:
            framed = math_ops.multiply(framed, window_fn(length, dtype=framed.dtype))
        return rfft(framed, [n_fft])


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """TF's `tf.signal.inverse_stft_window_fn`: a window function for `inverse_stft` that
    inverts `stft` with `forward_window_fn` (the forward window divided by the overlapping sum
    of its squares; zero where that sum is zero)."""
    def inverse_window(frame_length, dtype):
        with ops_lib.name_scope(name, "inverse_stft_window_fn", []):
            step = _static_int(frame_step, "frame_step", "inverse_stft_window_fn")
            length = _static_int(frame_length, "frame_length", "inverse_stft_window_fn")
            forward = forward_window_fn(length, dtype=dtype)
            return op_output("InverseStftWindow", _inverse_window_kernel, [forward],
                             name="InverseStftWindow", attrs={"frame_step": step})
    return inverse_window


def _inverse_window_kernel(forward, frame_step):
    length = forward.shape[0]
    overlaps = -(-length // frame_step)
    denom = jnp.pad(jnp.square(forward), (0, overlaps * frame_step - length))
    denom = jnp.sum(denom.reshape(overlaps, frame_step), 0, keepdims=True)
    denom = jnp.tile(denom, (overlaps, 1)).reshape(-1)[:length]
    return jnp.where(denom == 0.0, jnp.zeros_like(forward), forward / denom)


def _fit_last_kernel(x, length):
    n = x.shape[-1]
    if n >= length:
        return x[..., :length]
    return jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, length - n)])


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """TF's `tf.signal.inverse_stft`: `irfft` of each frame, cropped or padded to
    `frame_length`, windowed, then overlap-added. Use `inverse_stft_window_fn` as `window_fn`
    to invert `stft`."""
    with ops_lib.name_scope(name, "inverse_stft", [stfts]):
        x = convert_to_tensor(stfts, name="stfts")
        if x.shape.ndims is not None and x.shape.ndims < 2:
            raise ValueError(f"Shape must have rank at least 2 for 'inverse_stft' "
                             f"(stfts: {x.shape})")
        length = _static_int(frame_length, "frame_length", "inverse_stft")
        step = _static_int(frame_step, "frame_step", "inverse_stft")
        n_fft = _enclosing_power_of_two(length) if fft_length is None else \
            _static_int(fft_length, "fft_length", "inverse_stft")
        frames = irfft(x, [n_fft])
        frames = op_output("FitFrames", _fit_last_kernel, [frames], name="FitFrames",
                           attrs={"length": length})
        if window_fn is not None:
            frames = math_ops.multiply(frames, window_fn(length, dtype=x.dtype.real_dtype))
        return overlap_and_add(frames, step)


# ----- mel filterbank -----------------------------------------------------------------------
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(hz, dtype):
    return (dtype(_MEL_HIGH_FREQUENCY_Q) *
            np.log(dtype(1.0) + hz / dtype(_MEL_BREAK_FREQUENCY_HERTZ))).astype(dtype)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=dtypes.float32, name=None):
    """TF's `tf.signal.linear_to_mel_weight_matrix`: a `[num_spectrogram_bins, num_mel_bins]`
    matrix of triangular mel filters (HTK's mel scale), the DC bin zero; a constant here,
    computed in `dtype` as TF does. Arguments must be known when the graph is built."""
    dtype = dtypes.as_dtype(dtype)
    with ops_lib.name_scope(name, "linear_to_mel_weight_matrix") as scope:
        what = "linear_to_mel_weight_matrix"
        num_mel_bins = _static_int(num_mel_bins, "num_mel_bins", what)
        num_spectrogram_bins = _static_int(num_spectrogram_bins, "num_spectrogram_bins", what)
        values = {k: get_static_value(v) for k, v in (("sample_rate", sample_rate),
                                                      ("lower_edge_hertz", lower_edge_hertz),
                                                      ("upper_edge_hertz", upper_edge_hertz))}
        for k, v in values.items():
            if v is None:
                raise NotImplementedError(f"{what}: '{k}' must be known when the graph is built.")
        rate, lower, upper = (float(values[k]) for k in ("sample_rate", "lower_edge_hertz",
                                                         "upper_edge_hertz"))
        if num_mel_bins <= 0:
            raise ValueError(f"num_mel_bins must be positive. Got: {num_mel_bins}")
        if lower < 0.0:
            raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower}")
        if lower >= upper:
            raise ValueError(f"lower_edge_hertz {lower} >= upper_edge_hertz {upper}")
        if rate <= 0.0:
            raise ValueError(f"sample_rate must be positive. Got: {rate}")
        if upper > rate / 2:
            raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency "
                             f"(sample_rate / 2). Got {upper} for sample_rate: {rate}")
        if not dtype.is_floating:
            raise ValueError(f"dtype must be a floating point type. Got: {dtype}")
        f = dtype.as_numpy_dtype
        linear = np.linspace(f(0.0), f(rate) / f(2.0), num_spectrogram_bins).astype(f)[1:]
        bins_mel = _hertz_to_mel(linear, f)[:, None]
        edges = np.linspace(_hertz_to_mel(np.asarray(lower, f), f),
                            _hertz_to_mel(np.asarray(upper, f), f), num_mel_bins + 2).astype(f)
        lower_mel, center_mel, upper_mel = edges[:-2], edges[1:-1], edges[2:]
        lower_slopes = (bins_mel - lower_mel) / (center_mel - lower_mel)
        upper_slopes = (upper_mel - bins_mel) / (upper_mel - center_mel)
        weights = np.maximum(f(0.0), np.minimum(lower_slopes, upper_slopes)).astype(f)
        weights = np.pad(weights, [[1, 0], [0, 0]])
        return constant(weights, dtype=dtype, name=scope)


# ----- DCT and MFCCs ------------------------------------------------------------------------
def _dct_matrix(n, dct_type, norm):
    """The [n, n] matrix M with dct(x) = x @ M (SciPy's conventions, which TF follows)."""
    k = np.arange(n)[None, :].astype(np.float64)   # output index
    i = np.arange(n)[:, None].astype(np.float64)   # input index
    if dct_type == 1:
        m = 2.0 * np.cos(np.pi * k * i / (n - 1))
        m[0, :] = 1.0
        m[-1, :] = (-1.0) ** k[0]
    elif dct_type == 2:
        m = 2.0 * np.cos(np.pi * k * (2 * i + 1) / (2 * n))
        if norm == "ortho":
            m[:, 0] *= np.sqrt(1.0 / (4 * n))
            m[:, 1:] *= np.sqrt(1.0 / (2 * n))
    elif dct_type == 3:
        m = 2.0 * np.cos(np.pi * (2 * k + 1) * i / (2 * n))
        m[0, :] = 1.0
        if norm == "ortho":
            m[0, :] *= np.sqrt(1.0 / n)
            m[1:, :] *= np.sqrt(1.0 / (2 * n))
    else:
        m = 2.0 * np.cos(np.pi * (2 * k + 1) * (2 * i + 1) / (4 * n))
        if norm == "ortho":
            m *= np.sqrt(1.0 / (2 * n))
    return m


def _dct_kernel(x, dct_type, n, norm):
    size = x.shape[-1]
    if n is not None and n != size:
        x = x[..., :n] if size > n else jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n - size)])
    length = x.shape[-1]
    m = _dct_matrix(length, dct_type, norm)
    return jnp.matmul(x, jnp.asarray(m, x.dtype), precision="highest")


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """TF's `tf.signal.dct`: the DCT of types 1-4 over the last axis, unnormalized or
    `norm="ortho"` (not for type 1), the input cropped or zero-padded to `n`; SciPy's
    definitions, as TF's. Computed as one matmul with the DCT matrix."""
    return _dct("dct", input, type, n, axis, norm, name)


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """TF's `tf.signal.idct`: the DCT of the inverse type (2 <-> 3; 1 and 4 are their own), so
    `idct(dct(x, norm="ortho"), norm="ortho") == x`; unnormalized, `idct(dct(x))` is `x`
    scaled by 2N (2(N-1) for type 1), as TF's."""
    inverse = {1: 1, 2: 3, 3: 2, 4: 4}.get(type, type)
    return _dct("dct", input, inverse, n, axis, norm, name)  # TF's idct is a "dct" scope


def _dct(public, x, dct_type, n, axis, norm, name):
    if dct_type not in (1, 2, 3, 4):
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported, got {dct_type}.")
    if n is not None and n < 1:
        raise ValueError(f"Invalid n: {n}. n must be a positive integer.")
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Got: {axis}")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    if dct_type == 1 and norm == "ortho":
        raise ValueError("Normalization is not supported for the Type-I DCT.")
    with ops_lib.name_scope(name, public, [x]):
        x = convert_to_tensor(x, name="input")
        if x.dtype.base_dtype not in (dtypes.float32, dtypes.float64):
            raise ValueError(f"dct only supports float32 and float64 inputs, got {x.dtype.name}")
        size = x.shape.as_list()[-1] if x.shape.ndims else None
        if dct_type == 1 and (n or size) is not None and (n or size) < 2:
            raise ValueError(f"Type-I DCT requires the dimension to be greater than one, got "
                             f"{n or size}")
        return op_output("DCT", _dct_kernel, [x], name="DCT",
                         attrs={"dct_type": dct_type, "n": n, "norm": norm})


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """TF's `tf.signal.mfccs_from_log_mel_spectrograms`: the type-II DCT of the log-mel
    spectrograms (last axis), scaled by `rsqrt(2 * num_mel_bins)` as TF (HTK's scaling)."""
    with ops_lib.name_scope(name, "mfccs_from_log_mel_spectrograms", [log_mel_spectrograms]):
        x = convert_to_tensor(log_mel_spectrograms)
        bins = x.shape.as_list()[-1] if x.shape.ndims else None
        if bins == 0:
            raise ValueError(f"num_mel_bins must be positive. Got: {x}")
        if bins is None:
            raise NotImplementedError("mfccs_from_log_mel_spectrograms needs the number of mel "
                                      "bins (the last dimension) at graph time.")
        dct2 = dct(x, type=2)
        return math_ops.multiply(dct2, np.asarray(1.0 / np.sqrt(2.0 * bins),
                                                  x.dtype.as_numpy_dtype))
