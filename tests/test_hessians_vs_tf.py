"""tf.hessians checked against TF's compat.v1 graph mode: values, static shapes and names for
tensors, variables (ref and resource) and placeholders of unknown size, a small network's loss,
and TF1's error for an x without a gradient."""
import numpy as np
import pytest

import tfvars_jax

pytestmark = pytest.mark.tensorflow
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()


def _both(build, feed=None):
    """Runs `build(tf)` -> (hessians, feeds by placeholder name) with each library; returns
    [(names, static shapes, values)] per library."""
    out = []
    for tf in (tf1, tfvars_jax):
        with tf.Graph().as_default() as g:
            hs = build(tf)
            meta = ([h.name for h in hs], [h.shape.as_list() if h.shape.ndims is not None
                                           else None for h in hs])
            feeds = {g.get_tensor_by_name(k): v for k, v in (feed or {}).items()}
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                out.append((meta, sess.run(hs, feeds)))
    return out


def _check(build, feed=None, rtol=1e-6):
    (ref_meta, ref), (our_meta, ours) = _both(build, feed)
    assert our_meta == ref_meta
    for a, b in zip(ours, ref):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-6)


def test_tensor_and_variables():
    def build(tf):
        x = tf.constant([[1., 2.], [3., -4.]])
        v = tf.get_variable("v", initializer=[1., 2., 3.])
        r = tf.get_variable("r", initializer=[0.5, -1.5], use_resource=True)
        y = tf.reduce_sum(x ** 3) * tf.reduce_sum(v * v) + tf.reduce_prod(v) \
            + tf.reduce_sum(tf.sin(r) * x[0])
        return tf.hessians(y, [x, v, r])

    _check(build)


def test_placeholder_of_unknown_size_and_several_ys():
    def build(tf):
        p = tf.placeholder(tf.float64, [None], name="p")
        return tf.hessians([tf.reduce_sum(p ** 3), tf.reduce_sum(tf.exp(p))], p)

    _check(build, {"p:0": np.array([1., 2., -0.5])})


def test_network_loss():
    rng = np.random.RandomState(0)
    data, w0 = rng.randn(5, 3).astype(np.float32), rng.randn(3, 2).astype(np.float32)

    def build(tf):
        w = tf.get_variable("w", initializer=w0)
        logits = tf.matmul(tf.tanh(tf.constant(data)), w)
        loss = tf.losses.sparse_softmax_cross_entropy([0, 1, 1, 0, 1], logits)
        return tf.hessians(loss, w)

    _check(build, rtol=1e-5)


@pytest.mark.parametrize("tf", [tf1, tfvars_jax], ids=["tf", "ours"])
def test_unconnected_x_raises(tf):
    with tf.Graph().as_default():
        x = tf.constant([1., 2.])
        z = tf.constant([3., 4.])
        with pytest.raises(ValueError, match="None values not supported"):
            tf.hessians(tf.reduce_sum(x * x), z)
