"""Shapes computed from fed tensors' shapes (`tf.shape(x)`) are resolved when the run is traced
(issue 11): the tutorial VAE's `tf.random_normal(tf.shape(mean))` and its siblings."""
import numpy as np
import pytest

import tfvars_jax as tf


def _build(tf_mod):
    x = tf_mod.placeholder(tf_mod.float32, [None, 4])
    mean = tf_mod.matmul(x, tf_mod.ones([4, 2]))
    eps = tf_mod.random_normal(tf_mod.shape(mean), 0, 1, dtype=tf_mod.float32)
    outs = [mean + eps, tf_mod.ones([tf_mod.shape(x)[0], 3]), tf_mod.reshape(x, [tf_mod.shape(x)[0], -1]),
            tf_mod.zeros(tf_mod.shape(x)), tf_mod.random_uniform([tf_mod.shape(x)[0], 5]),
            tf_mod.fill(tf_mod.shape(mean), 2.0), tf_mod.truncated_normal(tf_mod.shape(x) * 2)]
    return x, outs


def _shapes(tf_mod):
    with tf_mod.Graph().as_default():
        x, outs = _build(tf_mod)
        static = [str(o.shape) for o in outs]
        with tf_mod.Session() as sess:
            run = [[v.shape for v in sess.run(outs, {x: np.ones((n, 4), np.float32)})] for n in (2, 3)]
    return static, run


def test_shapes_from_fed_shapes_are_resolved_per_feed_shape():
    static, run = _shapes(tf)
    assert static == ["(?, 2)", "(?, 3)", "(?, ?)", "(?, 4)", "(?, 5)", "(?, 2)", "(?, ?)"]
    assert run == [[(2, 2), (2, 3), (2, 4), (2, 4), (2, 5), (2, 2), (4, 8)],
                   [(3, 2), (3, 3), (3, 4), (3, 4), (3, 5), (3, 2), (6, 8)]]


@pytest.mark.tensorflow
def test_shapes_from_fed_shapes_match_tensorflow():
    tf1 = pytest.importorskip("tensorflow.compat.v1")
    tf1.disable_v2_behavior()
    assert _shapes(tf) == _shapes(tf1)


def test_a_shape_that_depends_on_values_raises_naming_the_limit():
    x = tf.placeholder(tf.float32, [None])
    bad = tf.random_normal(tf.cast(tf.reduce_sum(x), tf.int32)[None])
    with tf.Session() as sess:
        with pytest.raises(NotImplementedError, match="depends on values computed in the run"):
            sess.run(bad, {x: np.ones(2, np.float32)})
