"""Checks of fed values evaluated before the step (runtime/prechecks.py).

A training step whose only run-time check reads fed values (sparse softmax labels, gather
indices) raises TF1's error before anything runs, changes no variable, and carries no check
of its own (no in-graph restore, nothing left pending). A check whose fed operand is
transformed first (tf.cast) or that reads another operand's shape (which can change with the
batch) is still exact; a check that reads a variable stays in the step.
"""
import numpy as np
import pytest

import tfvars_jax as tf


def _plan(sess, tensor_or_op):
    """The Session's plan that ran `tensor_or_op` (the newest)."""
    target = getattr(tensor_or_op, "op", tensor_or_op)
    plans = [e[0] for e in sess._plans.values() if target in e[0].dev_ops]
    return plans[-1]


def _mlp():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    w = tf.get_variable("w", [3, 4], initializer=tf.constant_initializer(0.5))
    logits = tf.matmul(x, w)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(y, tf.int32), logits=logits))
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    return x, y, w, loss, train


def test_label_check_runs_before_the_step_and_changes_nothing():
    with tf.Graph().as_default():
        x, y, w, loss, train = _mlp()
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        xv = np.arange(6, dtype=np.float32).reshape(2, 3)
        sess.run(train, {x: xv, y: [0, 3]})
        plan = _plan(sess, train)
        assert not plan.has_checks and not plan.deferrable  # nothing in the step, nothing pending
        before = {v.op.name: sess.run(v) for v in tf.global_variables()}
        for bad in ([0, 4], [-1, 0]):
            # A run that fetches nothing raises at once (the check does not wait for the step).
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"valid range of \[0, 4\)"):
                sess.run(train, {x: xv, y: bad})
            fn = sess.make_callable(train, [x, y])
            with pytest.raises(tf.errors.InvalidArgumentError, match="SparseSoftmaxCrossEntropy"):
                fn(xv, bad)
        after = {v.op.name: sess.run(v) for v in tf.global_variables()}
        assert sorted(before) == sorted(after) == ["w", "w/Momentum"]
        for name in before:
            np.testing.assert_array_equal(before[name], after[name])
        # A good batch trains on from there, as if the failed runs never happened.
        sess.run(train, {x: xv, y: [1, 2]})
        assert not np.array_equal(sess.run(w), after["w"])


def test_label_check_follows_the_batch_size():
    """A new batch size is a new step signature: its check is compiled for it."""
    with tf.Graph().as_default():
        x, y, w, loss, train = _mlp()
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        for n in (2, 5, 2):
            xv = np.ones((n, 3), np.float32)
            good = np.arange(n) % 4
            assert np.isfinite(sess.run([train, loss], {x: xv, y: good})[1])
            bad = good.copy()
            bad[-1] = 4
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run([train, loss], {x: xv, y: bad})


def test_gather_bounds_read_another_operands_shape_per_signature():
    """tf.gather of fed indices from an activation whose rows are the batch: the bound is the
    batch of this run, not of the run that compiled first."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        i = tf.placeholder(tf.int32, [None])
        v = tf.get_variable("v", [2], initializer=tf.ones_initializer())
        picked = tf.gather(x * v, i)
        step = tf.assign_add(v, tf.reduce_sum(picked, 0))
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        sess.run(step, {x: np.ones((2, 2), np.float32), i: [1]})
        sess.run(step, {x: np.ones((4, 2), np.float32), i: [3]})  # row 3 exists at batch 4
        np.testing.assert_array_equal(sess.run(v), [4.0, 4.0])  # 1 + 1, then 2 + 2
        assert not _plan(sess, step).has_checks
        with pytest.raises(tf.errors.InvalidArgumentError, match="indices out of range in GatherV2"):
            sess.run(step, {x: np.ones((2, 2), np.float32), i: [3]})
        np.testing.assert_array_equal(sess.run(v), [4.0, 4.0])


def test_check_reading_a_variable_stays_in_the_step():
    """Indices read from a variable are only known inside the step: the check is a flag of
    the step (restored in-graph on failure), as before."""
    with tf.Graph().as_default():
        idx = tf.get_variable("idx", [], tf.int32, initializer=tf.constant_initializer(5))
        table = tf.get_variable("table", [3], initializer=tf.zeros_initializer())
        step = tf.assign_add(table, tf.one_hot(tf.gather(tf.constant([0, 1, 2]), idx), 3))
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(step)
        assert _plan(sess, step).has_checks
        np.testing.assert_array_equal(sess.run(table), [0.0, 0.0, 0.0])
