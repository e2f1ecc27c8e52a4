"""MonitoredTrainingSession against real TensorFlow (tf.compat.v1, graph mode): the training
program of TF1's MonitoredTrainingSession docs (a StopAtStepHook, checkpoints every N steps)
runs the same number of steps in both, writes checkpoints at the same global steps with the
same variable names, shapes and values, TF's Saver restores ours, and restarting from the
directory continues from the same step in both."""
import os

import numpy as np
import pytest

import tfvars_jax as tf

pytestmark = pytest.mark.tensorflow
pytest.importorskip("tensorboard")


@pytest.fixture(scope="module")
def tf1():
    pytest.importorskip("tensorflow")
    import tensorflow.compat.v1 as tf1
    return tf1


X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], np.float32)
Y = np.array([[1.0], [0.0], [2.0], [-1.0]], np.float32)


def program(lib, checkpoint_dir, last_step):
    """TF1's documented loop: `while not mon_sess.should_stop(): mon_sess.run(train_op)`."""
    g = lib.Graph()
    with g.as_default():
        global_step = lib.train.get_or_create_global_step()
        x = lib.constant(X)
        with lib.variable_scope("dense"):
            w = lib.get_variable("w", [2, 1], initializer=lib.constant_initializer(0.5))
            b = lib.get_variable("b", [1], initializer=lib.zeros_initializer())
        loss = lib.reduce_mean(lib.square(lib.matmul(x, w) + b - Y))
        lib.summary.scalar("loss", loss)
        train_op = lib.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=global_step)
        hooks = [lib.train.StopAtStepHook(last_step=last_step)]
        runs = 0
        with lib.train.MonitoredTrainingSession(checkpoint_dir=checkpoint_dir, hooks=hooks,
                                                save_checkpoint_steps=4,
                                                save_summaries_steps=3) as mon_sess:
            while not mon_sess.should_stop():
                mon_sess.run(train_op)
                runs += 1
    return runs


def checkpoints(lib, directory):
    state = lib.train.get_checkpoint_state(directory)
    paths = [os.path.basename(p) for p in state.all_model_checkpoint_paths]
    contents = {}
    for p in state.all_model_checkpoint_paths:
        reader = lib.train.load_checkpoint(p)
        contents[os.path.basename(p)] = {name: reader.get_tensor(name) for name, _ in
                                         lib.train.list_variables(p)}
    return paths, contents


def test_documented_program_matches_tf(tf1, tmp_path):
    ours_dir, theirs_dir = str(tmp_path / "ours"), str(tmp_path / "theirs")
    assert program(tf, ours_dir, 10) == program(tf1, theirs_dir, 10) == 10
    our_paths, ours = checkpoints(tf, ours_dir)
    their_paths, theirs = checkpoints(tf1, theirs_dir)
    assert our_paths == their_paths == ["model.ckpt-0", "model.ckpt-4", "model.ckpt-8",
                                        "model.ckpt-10"]
    for name in our_paths:
        assert sorted(ours[name]) == sorted(theirs[name])
        for var, value in theirs[name].items():
            assert ours[name][var].dtype == value.dtype and ours[name][var].shape == value.shape
            np.testing.assert_allclose(ours[name][var], value, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{name}:{var}")
    # TF's Saver restores our latest checkpoint.
    g = tf1.Graph()
    with g.as_default():
        tf1.train.get_or_create_global_step()
        with tf1.variable_scope("dense"):
            w = tf1.get_variable("w", [2, 1])
            tf1.get_variable("b", [1])
        tf1.train.MomentumOptimizer(0.05, 0.9).minimize(tf1.reduce_sum(w))
        with tf1.Session(graph=g) as sess:
            tf1.train.Saver().restore(sess, tf.train.latest_checkpoint(ours_dir))
            np.testing.assert_array_equal(sess.run(w), ours["model.ckpt-10"]["dense/w"])
    # Restarting continues from the checkpoint in both: 3 more steps to 13.
    assert program(tf, ours_dir, 13) == program(tf1, theirs_dir, 13) == 3
    assert os.path.basename(tf.train.latest_checkpoint(ours_dir)) == "model.ckpt-13"
    assert os.path.basename(tf1.train.latest_checkpoint(theirs_dir)) == "model.ckpt-13"
    np.testing.assert_allclose(tf.train.load_variable(ours_dir, "dense/w"),
                               tf1.train.load_variable(theirs_dir, "dense/w"), rtol=1e-5)
