"""tf.while_loop / TensorArray / scan behaviour of our own: the errors we raise where TF1 would
do something we do not support, and properties without a TF counterpart to compare."""
import numpy as np
import pytest

import tfvars_jax as tf


def test_shape_invariants_are_checked_when_the_loop_is_built():
    with pytest.raises(ValueError, match="enters the loop with shape \\(1,\\), but has shape "
                                         "\\(2,\\) after one iteration"):
        tf.while_loop(lambda x: tf.reduce_sum(x) < 10, lambda x: tf.concat([x, x], 0),
                      [tf.constant([1.0])])


def test_a_loop_variable_that_grows_raises_when_run():
    x = tf.while_loop(lambda x: tf.reduce_sum(x) < 10, lambda x: tf.concat([x, x], 0),
                      [tf.constant([1.0])], shape_invariants=[tf.TensorShape([None])])
    assert x.shape.as_list() == [None]
    with tf.Session() as sess:
        with pytest.raises(NotImplementedError, match="changes shape across iterations"):
            sess.run(x)


def test_body_must_keep_dtypes_and_structure():
    with pytest.raises(TypeError, match="enters the loop as int32 but the body returns float32"):
        tf.while_loop(lambda i: i < 10, lambda i: tf.cast(i, tf.float32), [tf.constant(0)])
    with pytest.raises(ValueError, match="same nested structure"):
        tf.while_loop(lambda i: i < 10, lambda i: (i, i), [tf.constant(0)])


def test_gradient_of_an_unbounded_loop_raises_naming_maximum_iterations():
    x = tf.Variable(2.0)
    _, y = tf.while_loop(lambda k, s: k < 3, lambda k, s: (k + 1, s * x), (0, 1.0))
    g = tf.gradients(y, x)[0]
    with tf.Session() as sess:
        sess.run(x.initializer)
        assert sess.run(y) == 8.0
        with pytest.raises(NotImplementedError, match="maximum_iterations"):
            sess.run(g)


def test_back_prop_false_stops_gradients():
    x = tf.Variable(2.0)
    _, y = tf.while_loop(lambda k, s: k < 3, lambda k, s: (k + 1, s * x), (0, 1.0),
                         back_prop=False, maximum_iterations=3)
    assert tf.gradients(y, x) == [None]


def test_random_ops_draw_afresh_in_every_iteration_and_run():
    _, draws = tf.while_loop(lambda k, d: k < 3,
                             lambda k, d: (k + 1, tf.concat([d[1:], tf.random_uniform([1])], 0)),
                             (0, tf.zeros([3])))
    with tf.Session() as sess:
        first, second = sess.run(draws), sess.run(draws)
    assert len(set(first.tolist())) == 3 and first.tolist() != second.tolist()


def test_fetching_a_loop_variable_from_outside_raises():
    seen = []
    tf.while_loop(lambda i: i < 3, lambda i: seen.append(i) or i + 1, [tf.constant(0)])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="is a loop variable inside"):
            sess.run(seen[0])


def test_tensor_array_limits_raise_clearly():
    with pytest.raises(NotImplementedError, match="dynamic_size=True"):
        tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    ta = tf.TensorArray(tf.float32, size=3)
    with pytest.raises(NotImplementedError, match="pass element_shape="):
        tf.while_loop(lambda k, ta: k < 3, lambda k, ta: (k + 1, ta.write(k, 1.0)), (0, ta))
    with pytest.raises(ValueError, match="Inconsistent shapes"):
        ta.write(0, [1.0, 2.0]).write(1, [1.0])


def test_variable_written_in_a_failed_loop_keeps_its_value():
    v = tf.Variable(1.0)

    def body(k):
        with tf.control_dependencies([tf.assign_add(v, 1.0)]):
            with tf.control_dependencies([tf.Assert(k < 2, [k])]):
                return k + 1
    loop = tf.while_loop(lambda k: k < 5, body, [tf.constant(0)])
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(loop)
        assert sess.run(v) == 1.0


def test_scan_over_a_fed_batch_compiles_once_per_length():
    x = tf.placeholder(tf.float32, [None])
    total = tf.scan(lambda a, e: a + e, x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(total, {x: [1, 2, 3]}), [1, 3, 6])
        np.testing.assert_array_equal(sess.run(total, {x: [1, 2]}), [1, 3])
