"""Data-dependent shapes (tf.boolean_mask, tf.where(condition), tf.unique, tf.dynamic_partition,
tf.dynamic_stitch): the assumed-and-checked sizes mechanism — one compile per distinct size,
runs that re-run on a new size change state once, and the errors where it does not apply."""
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax import functional


def _plans(sess):
    return [entry[0] for entry in sess._plans.values()]


def test_each_distinct_size_compiles_once():
    x = tf.placeholder(tf.float32, [None])
    picked = tf.boolean_mask(x, x > 0)
    with tf.Session() as sess:
        for values in ([1, -1, 2], [3, 4, -5], [1, 2, 3], [-1, 2, 3], [7, 8, 9]):
            np.testing.assert_array_equal(sess.run(picked, {x: values}),
                                          [v for v in values if v > 0])
        (plan,) = _plans(sess)
        assert plan.trace_count == 3  # the first guess (3), then sizes 2 and 3: each traced once


def test_a_rerun_for_a_new_size_changes_the_state_once():
    v = tf.Variable([1.0, -2.0, 3.0])
    bump = tf.assign_add(v, [1.0, 1.0, 1.0])
    with tf.control_dependencies([bump]):
        positive = tf.boolean_mask(v.read_value(), v.read_value() > 0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(positive), [2.0, 4.0])
        np.testing.assert_array_equal(sess.run(v), [2.0, -1.0, 4.0])
        np.testing.assert_array_equal(sess.run(positive), [3.0, 5.0])
        np.testing.assert_array_equal(sess.run(positive), [4.0, 1.0, 6.0])  # a new size
        np.testing.assert_array_equal(sess.run(v), [4.0, 1.0, 6.0])


def test_dynamic_partition_checks_its_partitions():
    parts = tf.dynamic_partition(tf.constant([1.0, 2.0, 3.0]), tf.constant([0, 2, 1]), 2)
    v = tf.Variable(0.0)
    with tf.control_dependencies(parts):
        step = tf.assign_add(v, 1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="partitions must be in"):
            sess.run(step)
        assert sess.run(v) == 0.0


def test_unique_keeps_first_occurrence_order_and_where_gives_coordinates():
    y, idx = tf.unique(tf.constant([4, 1, 4, 2, 1, 7]))
    coords = tf.where(tf.constant([[True, False], [False, True]]))
    with tf.Session() as sess:
        y_v, idx_v, c = sess.run([y, idx, coords])
    np.testing.assert_array_equal(y_v, [4, 1, 2, 7])
    np.testing.assert_array_equal(idx_v, [0, 1, 0, 2, 1, 3])
    assert c.dtype == np.int64 and c.tolist() == [[0, 0], [1, 1]]


def test_not_supported_inside_cond_or_make_step():
    x = tf.placeholder(tf.float32, [None])
    p = tf.placeholder(tf.bool, [])
    with pytest.raises(NotImplementedError, match="depends on values"):
        tf.cond(p, lambda: tf.reduce_sum(tf.boolean_mask(x, x > 0)), lambda: 0.0)
    with pytest.raises(NotImplementedError, match="make_step"):
        functional.make_step(tf.boolean_mask(x, x > 0), [x])
