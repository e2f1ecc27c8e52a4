"""tfvars_jax.checkpoint: a Session's State saved and restored through Orbax, keyed by the
variables' TF1 names (skipped when orbax-checkpoint is not installed)."""

import os

import ml_dtypes
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax import checkpoint
from tfvars_jax.framework import errors

pytest.importorskip("orbax.checkpoint", reason="orbax-checkpoint is not installed (pip install 'tfvars_jax[orbax]')")


def build():
    with tf.variable_scope("conv1"):
        w = tf.get_variable("weights", shape=(3, 2), initializer=tf.random_normal_initializer(seed=3))
        b = tf.get_variable("biases", initializer=np.array([1.0, 2.0]))
    h = tf.get_variable("h", initializer=np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16))
    s = tf.get_variable("vocab", initializer=tf.constant([b"a", b"\x00\xff", b""]), dtype=tf.string)
    gs = tf.train.get_or_create_global_step()
    loss = tf.reduce_sum(tf.square(w)) + tf.cast(tf.reduce_sum(b * b), tf.float32)
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=gs, var_list=[w, b])
    noise = tf.random_uniform([2], seed=1)  # seeded: an unseeded op draws afresh in every Session
    return [w, b, h, s, gs], train, noise


def test_round_trip_through_a_session(tmp_path):
    variables, train, noise = build()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        saved = {v.op.name: sess.run(v) for v in tf.global_variables()}
        path = checkpoint.save(str(tmp_path / "step_1"), sess)
        next_noise = sess.run(noise)
    assert path == str(tmp_path / "step_1") and os.path.isdir(path)
    assert "conv1/weights/Adam" in saved
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        checkpoint.restore(path, sess)
        for name, value in saved.items():
            got = sess.run(tf.get_default_graph().get_tensor_by_name(name + ":0"))
            assert np.asarray(got).tolist() == np.asarray(value).tolist(), name
            assert np.asarray(got).dtype == np.asarray(value).dtype, name
        assert sess.run(noise).tolist() == next_noise.tolist()  # the run counter came back too


def test_restore_state_without_a_graph_and_save_from_state(tmp_path):
    variables, _, _ = build()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        checkpoint.save(str(tmp_path / "a"), sess)
        state = sess.state
    tf.reset_default_graph()
    restored = checkpoint.restore_state(str(tmp_path / "a"))
    assert sorted(restored) == sorted(state)
    assert restored.counter == state.counter
    for name in state:
        assert np.asarray(restored[name]).tolist() == np.asarray(state[name]).tolist(), name
    checkpoint.save(str(tmp_path / "b"), restored)
    assert sorted(checkpoint.restore_state(str(tmp_path / "b"))) == sorted(state)
    checkpoint.save(str(tmp_path / "c"), {"x/y": np.arange(3)})
    assert checkpoint.restore_state(str(tmp_path / "c"))["x/y"].tolist() == [0, 1, 2]


def test_restore_errors_leave_the_session_unchanged(tmp_path):
    v = tf.get_variable("v", initializer=np.arange(3.0))
    with tf.Session() as sess:
        sess.run(v.initializer)
        checkpoint.save(str(tmp_path / "ok"), sess)
    checkpoint.save(str(tmp_path / "shape"), {"v": np.zeros(4)})
    checkpoint.save(str(tmp_path / "dtype"), {"v": np.zeros(3, np.float32)})
    checkpoint.save(str(tmp_path / "unknown"), {"v": np.zeros(3), "other": np.zeros(1)})
    with tf.Session() as sess:
        sess.run(v.assign([5.0, 6.0, 7.0]))
        for name, error in [("shape", errors.InvalidArgumentError), ("dtype", errors.InvalidArgumentError),
                            ("unknown", errors.NotFoundError), ("missing", errors.NotFoundError)]:
            with pytest.raises(error):
                checkpoint.restore(str(tmp_path / name), sess)
            assert sess.run(v).tolist() == [5.0, 6.0, 7.0]
        checkpoint.restore(str(tmp_path / "ok"), sess)
        assert sess.run(v).tolist() == [0.0, 1.0, 2.0]


def test_existing_directory_needs_force(tmp_path):
    checkpoint.save(str(tmp_path / "a"), {"v": np.zeros(2)})
    with pytest.raises(errors.AlreadyExistsError, match="force=True"):
        checkpoint.save(str(tmp_path / "a"), {"v": np.ones(2)})
    checkpoint.save(str(tmp_path / "a"), {"v": np.ones(2)}, force=True)
    assert checkpoint.restore_state(str(tmp_path / "a"))["v"].tolist() == [1.0, 1.0]
    assert checkpoint.is_available()
