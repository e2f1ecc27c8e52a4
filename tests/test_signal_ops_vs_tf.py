"""Differential tests of `tf.signal` / `tf.spectral` / the top-level FFTs on TensorFlow and on
tfvars_jax: the FFT ops (names, types, static shapes, dtypes, values, gradients through
complex intermediates), `fft_length` cropping and padding, shifts, framing, overlap-add,
windows, STFT and its inverse, the mel matrix, DCTs and MFCCs, and errors."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(0)
A = rng.normal(size=(2, 4, 6)).astype(np.float32)
B = rng.normal(size=(2, 4, 6)).astype(np.float32)
SIG = rng.normal(size=(2, 50)).astype(np.float32)
SIG64 = rng.normal(size=(37,))


def _parts(tf, z):
    return [tf.real(z), tf.imag(z)]


CASES = {
    "fft": (lambda tf, a, b: _parts(tf, tf.fft(tf.complex(a, b))), [A, B]),
    "ifft": (lambda tf, a, b: _parts(tf, tf.ifft(tf.complex(a, b))), [A, B]),
    "fft2d": (lambda tf, a, b: _parts(tf, tf.signal.fft2d(tf.complex(a, b))), [A, B]),
    "ifft2d": (lambda tf, a, b: _parts(tf, tf.spectral.ifft2d(tf.complex(a, b))), [A, B]),
    "fft3d": (lambda tf, a, b: _parts(tf, tf.fft3d(tf.complex(a, b))), [A, B]),
    "ifft3d": (lambda tf, a, b: _parts(tf, tf.ifft3d(tf.complex(a, b))), [A, B]),
    "rfft": (lambda tf, a: _parts(tf, tf.signal.rfft(a)), [A]),
    "rfft_crop": (lambda tf, a: _parts(tf, tf.signal.rfft(a, [4])), [A], False),
    "rfft_pad": (lambda tf, a: _parts(tf, tf.signal.rfft(a, fft_length=[9])), [A]),
    "rfft2d": (lambda tf, a: _parts(tf, tf.signal.rfft2d(a)), [A]),
    "rfft2d_len": (lambda tf, a: _parts(tf, tf.spectral.rfft2d(a, [3, 8])), [A], False),
    "rfft3d": (lambda tf, a: _parts(tf, tf.signal.rfft3d(a)), [A], False),
    "irfft": (lambda tf, a, b: tf.signal.irfft(tf.complex(a, b)), [A, B]),
    "irfft_len": (lambda tf, a, b: tf.signal.irfft(tf.complex(a, b), [7]), [A, B], False),
    "irfft_pad": (lambda tf, a, b: tf.signal.irfft(tf.complex(a, b), [16]), [A, B]),
    "irfft2d": (lambda tf, a, b: tf.signal.irfft2d(tf.complex(a, b), [5, 6]), [A, B], False),
    "irfft3d": (lambda tf, a, b: tf.signal.irfft3d(tf.complex(a, b)), [A, B], False),
    "rfft_f64": (lambda tf, a: _parts(tf, tf.signal.rfft(a)), [SIG64]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fft_ops(case):
    build, inputs, *grads = CASES[case]
    grads = grads[0] if grads else True  # False: TF's gradient fails (a cropping or padding
    # fft_length, the 3-D real FFTs); ours is JAX's adjoint, checked by the other cases
    assert_same(run_op(tfj, build, inputs, grads), run_op(tf1, build, inputs, grads),
                rtol=2e-5, atol=2e-5)


def _compare(build, inputs, rtol=2e-5, atol=2e-5, scope=None):
    """Composite functions: shapes, dtypes, values and gradients (op names inside differ)."""
    ours, ref = run_op(tfj, build, inputs), run_op(tf1, build, inputs)
    for (our_name, _, our_shape, our_dtype), (ref_name, _, ref_shape, ref_dtype) in zip(
            ours["meta"], ref["meta"]):
        assert (our_shape, our_dtype) == (ref_shape, ref_dtype)
        if scope:
            assert our_name.startswith(scope) and ref_name.startswith(scope)
    ours["meta"] = ref["meta"]
    assert_same(ours, ref, rtol=rtol, atol=atol)


COMPOSITES = {
    "fftshift": (lambda tf, a: tf.signal.fftshift(a), [A], None),
    "fftshift_axes": (lambda tf, a: tf.signal.ifftshift(a, axes=[1, 2]), [A], None),
    "ifftshift_axis": (lambda tf, a: tf.signal.ifftshift(a, axes=-1), [A], None),
    "frame": (lambda tf, s: tf.signal.frame(s, 8, 5), [SIG], "frame/"),
    "frame_pad_end": (lambda tf, s: tf.signal.frame(s, 8, 5, pad_end=True, pad_value=2.),
                      [SIG], "frame/"),
    "frame_axis0": (lambda tf, a: tf.signal.frame(a, 3, 2, axis=1), [A], "frame/"),
    "overlap_and_add": (lambda tf, a: tf.signal.overlap_and_add(a, 2), [A], "overlap_and_add/"),
    "stft": (lambda tf, s: _parts(tf, tf.signal.stft(s, 16, 6)), [SIG], None),
    "stft_options": (lambda tf, s: _parts(tf, tf.signal.stft(
        s, 10, 4, fft_length=12, window_fn=tf.signal.hamming_window, pad_end=True)), [SIG], None),
    "stft_no_window": (lambda tf, s: _parts(tf, tf.signal.stft(s, 8, 8, window_fn=None)),
                       [SIG], None),
    "inverse_stft": (lambda tf, s: tf.signal.inverse_stft(
        tf.signal.stft(s, 16, 4), 16, 4,
        window_fn=tf.signal.inverse_stft_window_fn(4)), [SIG], "inverse_stft/"),
    "dct2": (lambda tf, a: tf.signal.dct(a), [A], "dct/"),
    "dct2_ortho": (lambda tf, a: tf.signal.dct(a, norm="ortho"), [A], "dct/"),
    "dct1": (lambda tf, a: tf.signal.dct(a, type=1), [A], "dct/"),
    "dct3": (lambda tf, a: tf.signal.dct(a, type=3), [A], "dct/"),
    "dct3_ortho": (lambda tf, a: tf.spectral.dct(a, type=3, norm="ortho"), [A], "dct/"),
    "dct4_ortho": (lambda tf, a: tf.signal.dct(a, type=4, norm="ortho"), [A], "dct/"),
    "dct_n": (lambda tf, a: [tf.signal.dct(a, n=4), tf.signal.dct(a, n=9)], [A], "dct"),
    "idct2": (lambda tf, a: tf.signal.idct(a), [A], "dct/"),
    "idct_roundtrip": (lambda tf, a: tf.signal.idct(tf.signal.dct(a, norm="ortho"), norm="ortho"),
                       [A], "dct_1/"),
    "mfcc": (lambda tf, a: tf.signal.mfccs_from_log_mel_spectrograms(a), [A],
             "mfccs_from_log_mel_spectrograms/"),
}


@pytest.mark.parametrize("case", sorted(COMPOSITES))
def test_composites(case):
    build, inputs, scope = COMPOSITES[case]
    _compare(build, inputs, scope=scope)


@pytest.mark.parametrize("args", [
    dict(window_length=10), dict(window_length=11, periodic=False), dict(window_length=1),
    dict(window_length=8, dtype="float64"),
])
@pytest.mark.parametrize("which", ["hann_window", "hamming_window"])
def test_windows(which, args):
    def build(tf):
        kwargs = dict(args)
        if "dtype" in kwargs:
            kwargs["dtype"] = tf.as_dtype(kwargs["dtype"])
        return getattr(tf.signal, which)(**kwargs)
    ours, ref = _values(build)
    assert ours.dtype == ref.dtype and ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-7)


def _values(build):
    out = []
    for tf in (tfj, tf1):
        with tf.Graph().as_default():
            t = build(tf)
            with tf.Session() as sess:
                out.append(sess.run(t))
    return out


@pytest.mark.parametrize("kwargs", [
    {}, dict(num_mel_bins=40, num_spectrogram_bins=257, sample_rate=16000,
             lower_edge_hertz=20.0, upper_edge_hertz=7600.0),
    dict(num_mel_bins=8, num_spectrogram_bins=33, sample_rate=4000.0, upper_edge_hertz=1900.0,
         dtype="float64"),
])
def test_linear_to_mel_weight_matrix(kwargs):
    def build(tf):
        k = dict(kwargs)
        if "dtype" in k:
            k["dtype"] = tf.as_dtype(k["dtype"])
        m = tf.signal.linear_to_mel_weight_matrix(**k)
        assert m.shape.as_list() == [k.get("num_spectrogram_bins", 129), k.get("num_mel_bins", 20)]
        return m
    ours, ref = _values(build)
    assert ours.dtype == ref.dtype
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("tf", [tf1, tfj], ids=["tf", "ours"])
def test_errors(tf):
    with tf.Graph().as_default():
        with pytest.raises(TypeError):
            tf.fft(tf.constant([1., 2.]))
        with pytest.raises((TypeError, ValueError)):
            tf.signal.rfft(tf.constant([1, 2]))
        with pytest.raises(ValueError, match="Normalization is not supported for the Type-I DCT"):
            tf.signal.dct(tf.constant([1., 2., 3.]), type=1, norm="ortho")
        with pytest.raises(NotImplementedError, match="axis must be -1"):
            tf.signal.dct(tf.constant([[1., 2., 3.]]), axis=0)
        with pytest.raises(ValueError, match="dtype must be a floating point type"):
            tf.signal.hann_window(4, dtype=tf.int32)
        with pytest.raises(ValueError, match="lower_edge_hertz"):
            tf.signal.linear_to_mel_weight_matrix(lower_edge_hertz=4000.0, upper_edge_hertz=300.0)


def test_computed_sizes_raise():
    with tfj.Graph().as_default():
        n = tfj.placeholder(tfj.int32, [])
        with pytest.raises(NotImplementedError, match="'frame_length' must be known"):
            tfj.signal.frame(tfj.constant([1., 2., 3.]), n, 1)
        with pytest.raises(NotImplementedError, match="needs fft_length"):
            tfj.signal.rfft(tfj.placeholder(tfj.float32, [None]))
