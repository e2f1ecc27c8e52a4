"""tf.nn.sufficient_statistics, normalize_moments, weighted_moments and lrn against TF's
compat.v1: values, names and gradients."""
import numpy as np
import pytest

import tfvars_jax

pytestmark = pytest.mark.tensorflow
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

RNG = np.random.RandomState(0)
X = RNG.randn(2, 3, 4, 5).astype(np.float32)
W = RNG.rand(2, 3, 4, 1).astype(np.float32)


def _both(build):
    out = []
    for tf in (tf1, tfvars_jax):
        with tf.Graph().as_default():
            fetches, names = build(tf)
            with tf.Session() as sess:
                out.append((sess.run(fetches), names))
    return out


def _close(a, b, rtol=1e-5, atol=1e-6):
    if isinstance(a, (list, tuple)):
        for x, y in zip(a, b):
            _close(x, y, rtol, atol)
    else:
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=rtol, atol=atol)


@pytest.mark.parametrize("shift, keep", [(None, False), (0.5, True)])
def test_sufficient_statistics_and_normalize_moments(shift, keep):
    def build(tf):
        x = tf.constant(X)
        counts, m_ss, v_ss, sh = tf.nn.sufficient_statistics(x, [0, 2], shift=shift,
                                                            keep_dims=keep)
        mean, var = tf.nn.normalize_moments(counts, m_ss, v_ss, sh)
        grads = tf.gradients(tf.reduce_sum(mean * var), x)
        names = [t.name for t in (counts, m_ss, v_ss, mean, var)]
        return [counts, m_ss, v_ss, mean, var, grads], names
    (theirs, tn), (ours, on) = _both(build)
    _close(theirs, ours)
    assert on == tn


@pytest.mark.parametrize("keep", [False, True])
def test_weighted_moments(keep):
    def build(tf):
        x = tf.constant(X)
        w = tf.constant(W)
        mean, var = tf.nn.weighted_moments(x, [1, 2], w, keep_dims=keep)
        grads = tf.gradients(tf.reduce_sum(mean) + tf.reduce_sum(var * var), [x, w])
        # (names: TF 2.x's compat.v1 divides with div_no_nan; TF 1.15 and we multiply.)
        return [mean, var, grads], [mean.shape.as_list(), var.shape.as_list()]
    (theirs, tn), (ours, on) = _both(build)
    _close(theirs, ours, rtol=1e-4, atol=1e-5)
    assert on == tn


@pytest.mark.parametrize("args", [{}, dict(depth_radius=2, bias=2.0, alpha=0.3, beta=0.75)])
def test_lrn(args):
    def build(tf):
        x = tf.constant(X)
        y = tf.nn.lrn(x, **args)
        z = tf.nn.local_response_normalization(x, **args)
        grads = tf.gradients(tf.reduce_sum(y * tf.constant(X[::-1].copy())), x)
        return [y, z, grads], [y.name, y.op.type, y.shape.as_list()]
    (theirs, tn), (ours, on) = _both(build)
    _close(theirs, ours, rtol=1e-5, atol=1e-6)
    assert on == tn


def test_lrn_errors():
    for tf in (tf1, tfvars_jax):
        with tf.Graph().as_default():
            with pytest.raises(ValueError, match="rank 4"):
                tf.nn.lrn(tf.constant(X[0]))
            with pytest.raises(TypeError):
                tf.nn.lrn(tf.constant(X.astype(np.float64)))
