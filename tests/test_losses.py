"""tf.losses helpers and the contrib l1/l2 regularizers passed to get_variable."""
import numpy as np
import pytest

import tfvars_jax as tf


def test_l2_regularizer_loss_is_named_and_collected_as_tf1():
    with tf.variable_scope("a", regularizer=tf.contrib.layers.l2_regularizer(0.5)):
        tf.get_variable("w", initializer=tf.constant([1.0, 2.0]))
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.name == "a/w/Regularizer/l2_regularizer:0"
    total = tf.losses.get_regularization_loss()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(total) == np.float32(0.5 * (1 + 4) / 2)


def test_l1_regularizer_value_and_zero_scale():
    w = tf.constant([1.0, -2.0])
    with tf.Session() as sess:
        assert sess.run(tf.contrib.layers.l1_regularizer(0.25)(w)) == np.float32(0.75)
    assert tf.contrib.layers.l1_regularizer(0.0)(w) is None


def test_regularizer_scale_errors():
    with pytest.raises(ValueError, match="scale cannot be an integer"):
        tf.contrib.layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="less than 0"):
        tf.contrib.layers.l1_regularizer(-0.1)
    with pytest.raises(TypeError, match="scale must be a float"):
        tf.contrib.layers.l2_regularizer("0.1")


def test_regularization_loss_without_losses_is_zero_and_total_loss_needs_some():
    with tf.Session() as sess:
        assert sess.run(tf.losses.get_regularization_loss()) == 0.0
    with pytest.raises(ValueError, match="No losses found"):
        tf.losses.get_total_loss()
    tf.losses.add_loss(tf.constant(2.0))
    with tf.Session() as sess:
        assert sess.run(tf.losses.get_total_loss()) == 2.0


def test_losses_of_unknown_rank_with_scalar_weights_and_what_needs_a_rank():
    labels, predictions = tf.placeholder(tf.float32), tf.placeholder(tf.float32)
    loss = tf.losses.mean_squared_error(labels, predictions, weights=2.0)
    assert loss.name == "mean_squared_error/value:0"
    assert tf.losses.get_losses() == [loss]
    with tf.Session() as sess:
        feed = {labels: [[1.0, 2.0]], predictions: [[2.0, 0.0]]}
        assert sess.run(loss, feed) == np.float32(5.0)
    with pytest.raises(NotImplementedError, match="values .* has an unknown rank"):
        tf.losses.absolute_difference(labels, predictions, weights=tf.constant([1.0, 2.0]))
    with pytest.raises(NotImplementedError, match="logits .* has an unknown rank"):
        tf.losses.sparse_softmax_cross_entropy(tf.constant([1]), predictions)
    with pytest.raises(NotImplementedError, match="predictions .* has an unknown rank"):
        tf.losses.mean_pairwise_squared_error(labels, predictions)
