"""Differential test: large constants of one value (`FilledArray`s here, made in the compiled
step) have TF's names, shapes, dtypes and values; and `tf.train.start_queue_runners` without
queue runners behaves as TF1's."""
import numpy as np
import pytest

tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]


def _large_constants(tf):
    with tf.Graph().as_default():
        made = [tf.zeros([300, 300]), tf.ones([2, 300, 300], tf.int32),
                tf.constant(2.5, shape=[400, 300]), tf.fill([300, 301], 7.0),
                tf.zeros([3, 4])]
        v = tf.Variable(tf.ones([256, 300]) * 3.0, name="v")
        with tf.Session() as sess:
            sess.run(v.initializer)
            values = sess.run(made + [tf.reduce_sum(v)])
        return [(t.name, t.shape.as_list(), t.dtype.name) for t in made], values


def test_large_filled_constants_as_tf():
    """TF1 makes the large ones `Fill` ops (ours are `Const` ops holding a FilledArray): the
    names, shapes, dtypes and values a user sees are the same."""
    tf_meta, tf_values = _large_constants(tf1)
    our_meta, our_values = _large_constants(tfj)
    assert our_meta == tf_meta
    for a, b in zip(our_values, tf_values):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


def _queue_runners(tf):
    out = []
    try:
        tf.train.start_queue_runners()
    except ValueError as e:
        out.append(("ValueError", "No default session is registered" in str(e)))
    with tf.Graph().as_default(), tf.Session() as sess:
        out.append(tf.train.start_queue_runners(sess=sess))
        out.append(tf.train.start_queue_runners(sess, tf.train.Coordinator()))
    return out


def test_start_queue_runners_without_queue_runners_as_tf1():
    assert _queue_runners(tfj) == _queue_runners(tf1) == [("ValueError", True), [], []]
