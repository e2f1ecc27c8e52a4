"""TF1 checkpoints of a tf.layers + RNN model, both ways (issue 10).

One model, built from the same code in tf.compat.v1 (through tf-keras's legacy layers and
cells) and in tfvars_jax: tf.layers.conv2d, tf.layers.batch_normalization (a `training`
placeholder, its moving-statistics updates in UPDATE_OPS run as control dependencies of the
train op), tf.layers.flatten/dense, an LSTMCell with peepholes through tf.nn.dynamic_rnn, and
Adam with a global step, so the checkpoint holds slots (`w/Adam`, `w/Adam_1`), the non-slot
`beta1_power`/`beta2_power`, `global_step` and the batch-norm moving statistics.

Each direction trains three steps in one library and saves with its tf.train.Saver; the other
library restores the latest checkpoint into a fresh session without running an initializer.
Then: the checkpoint holds exactly the graph's global variables; every variable is
initialized and equal bit for bit to the saved value; the inference-mode outputs (moving
statistics) equal the saver's; and one more training step in each library gives the same
variables (every one of which the step changes).
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF 2.16+: tf.compat.v1.layers needs tf-keras
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
pytest.importorskip("tf_keras")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

B, HW, T, D, UNITS = 4, 6, 5, 3, 6
RTOL, ATOL = 1e-5, 1e-6

_rng = np.random.RandomState(0)
BATCHES = [{"img": _rng.randn(B, HW, HW, 1).astype(np.float32),
            "seq": _rng.randn(B, T, D).astype(np.float32),
            "y": _rng.randn(B, 2).astype(np.float32)} for _ in range(5)]
TRAIN, EXTRA, TEST = BATCHES[:3], BATCHES[3], BATCHES[4]


class Model:
    """The model in a fresh graph of `tf` (tf.compat.v1 or tfvars_jax)."""

    def __init__(self, tf):
        self.tf, self.graph = tf, tf.Graph()
        with self.graph.as_default():
            tf.set_random_seed(7)
            self.img = tf.placeholder(tf.float32, [None, HW, HW, 1], name="img")
            self.seq = tf.placeholder(tf.float32, [None, T, D], name="seq")
            self.y = tf.placeholder(tf.float32, [None, 2], name="y")
            self.training = tf.placeholder_with_default(False, [], name="training")
            # relu before batch norm: a conv bias right before batch norm has a zero gradient,
            # and Adam turns its rounding noise into +-lr steps that no two libraries share
            h = tf.layers.conv2d(self.img, 4, 3, padding="same", activation=tf.nn.relu,
                                 name="conv")
            h = tf.layers.batch_normalization(h, training=self.training, name="bn")
            h = tf.layers.dense(tf.layers.flatten(h), 5, activation=tf.nn.tanh, name="fc")
            cell = tf.nn.rnn_cell.LSTMCell(UNITS, use_peepholes=True)
            self.outputs, state = tf.nn.dynamic_rnn(cell, self.seq, dtype=tf.float32)
            self.logits = tf.layers.dense(tf.concat([h, state.h], 1), 2, name="head")
            loss = tf.reduce_mean(tf.square(self.logits - self.y))
            with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
                self.train_op = tf.train.AdamOptimizer(0.05).minimize(
                    loss, global_step=tf.train.get_or_create_global_step())
            self.variables = tf.global_variables()
            self.uninitialized = tf.report_uninitialized_variables()
            self.init = tf.global_variables_initializer()
            self.saver = tf.train.Saver()

    def session(self):
        return self.tf.Session(graph=self.graph)

    def train(self, sess, batch):
        sess.run(self.train_op, {self.img: batch["img"], self.seq: batch["seq"],
                                 self.y: batch["y"], self.training: True})

    def infer(self, sess, batch):  # training defaults to False: batch norm's moving statistics
        return sess.run([self.logits, self.outputs],
                        {self.img: batch["img"], self.seq: batch["seq"]})

    def values(self, sess):
        return sess.run({v.op.name: v for v in self.variables})


@pytest.fixture(scope="module")
def ours():
    """One tfvars_jax graph for both tests: the Sessions of a graph share its compiled plans
    while one of them is open, so one stays open here and nothing compiles twice."""
    model = Model(tfj)
    keeper = model.session()  # not `with`: that would make the graph the default one
    yield model
    keeper.close()


def _train_and_save(model, directory):
    with model.session() as sess:
        sess.run(model.init)
        for batch in TRAIN:
            model.train(sess, batch)
        path = model.saver.save(sess, os.path.join(directory, "model.ckpt"),
                                global_step=len(TRAIN))
        saved, inferred = model.values(sess), model.infer(sess, TEST)
        model.train(sess, EXTRA)
        return path, saved, inferred, model.values(sess)


def _restore_and_compare(model, directory, saved, inferred, after):
    path = model.tf.train.latest_checkpoint(directory)
    assert path == os.path.join(directory, "model.ckpt-3")
    names = [v.op.name for v in model.variables]
    # the checkpoint holds every variable, slots, beta powers and moving statistics included
    assert sorted(name for name, _ in tf1.train.list_variables(path)) == sorted(names)
    assert sorted(name for name, _ in tfj.train.list_variables(path)) == sorted(names)
    assert sorted(saved) == sorted(names)
    for name in ["bn/moving_mean", "bn/moving_variance", "rnn/lstm_cell/kernel/Adam_1",
                 "rnn/lstm_cell/w_f_diag/Adam", "beta1_power", "global_step"]:
        assert name in names
    with model.session() as sess:
        model.saver.restore(sess, path)  # no initializer: the restore initializes everything
        assert list(sess.run(model.uninitialized)) == []
        restored = model.values(sess)
        for name in names:
            assert restored[name].dtype == saved[name].dtype, name
            np.testing.assert_array_equal(restored[name], saved[name], err_msg=name)
        assert restored["global_step"] == 3
        np.testing.assert_allclose(restored["beta1_power"], np.float32(0.9) ** 4, rtol=1e-6)
        for got, want in zip(model.infer(sess, TEST), inferred):
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
        model.train(sess, EXTRA)
        stepped = model.values(sess)
    for name in names:
        assert not np.array_equal(after[name], saved[name]), f"{name} did not change"
        np.testing.assert_allclose(stepped[name], after[name], rtol=RTOL, atol=ATOL, err_msg=name)


def test_tf_checkpoint_restores_in_tfvars_jax(ours, tmp_path):
    _, saved, inferred, after = _train_and_save(Model(tf1), str(tmp_path))
    _restore_and_compare(ours, str(tmp_path), saved, inferred, after)


def test_tfvars_jax_checkpoint_restores_in_tf(ours, tmp_path):
    _, saved, inferred, after = _train_and_save(ours, str(tmp_path))
    _restore_and_compare(Model(tf1), str(tmp_path), saved, inferred, after)
