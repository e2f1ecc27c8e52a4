"""`tf.nn.ctc_loss_v2` with dense labels on TensorFlow and tfvars_jax: per-example losses and
gradients with respect to the logits, time- and batch-major, blank indices, label and logit
lengths, int64 labels; unsupported arguments say so."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(0)
LOGITS = rng.normal(size=(7, 3, 5)).astype(np.float32)
LABELS = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [4, 3, 4, 1]], np.int32)
LABEL_LEN = np.array([3, 2, 4], np.int32)
LOGIT_LEN = np.array([7, 4, 6], np.int32)


def _run(tf, time_major, blank, label_dtype):
    with tf.Graph().as_default():
        x = tf.constant(LOGITS if time_major else np.swapaxes(LOGITS, 0, 1))
        labels = LABELS.astype(label_dtype)
        if blank not in (None, 0):  # keep the labels off the blank class
            labels = np.where(labels == blank % 5, 0, labels).astype(label_dtype)
        loss = tf.nn.ctc_loss_v2(labels, x, LABEL_LEN, LOGIT_LEN,
                                 logits_time_major=time_major, blank_index=blank)
        grad = tf.gradients(tf.reduce_sum(loss * tf.constant([1., 2., 0.5])), x)[0]
        with tf.Session() as sess:
            return loss.shape.as_list(), loss.dtype, sess.run([loss, grad])


@pytest.mark.parametrize("time_major", [True, False])
@pytest.mark.parametrize("blank", [None, -1, 2])
@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
def test_ctc_loss_v2(time_major, blank, label_dtype):
    ours, ref = _run(tfj, time_major, blank, label_dtype), _run(tf1, time_major, blank,
                                                                label_dtype)
    assert ours[0] == ref[0] == [3] and ours[1].name == ref[1].name
    for a, b in zip(ours[2], ref[2]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)


def test_unsupported_arguments_say_so():
    with tfj.Graph().as_default():
        with pytest.raises(NotImplementedError, match="'unique'"):
            tfj.nn.ctc_loss_v2(LABELS, LOGITS, LABEL_LEN, LOGIT_LEN, unique=(LABELS, LABELS))
        with pytest.raises(AttributeError, match="tfvars_jax.nn.ctc_loss is not supported"):
            tfj.nn.ctc_loss  # noqa: B018 - the sparse-label v1 function is not shipped
