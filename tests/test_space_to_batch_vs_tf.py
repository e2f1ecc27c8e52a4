"""`tf.nn.with_space_to_batch` and `tf.required_space_to_batch_paddings` on TensorFlow and
tfvars_jax: a VALID convolution through space-to-batch equals the dilated convolution (SAME
and VALID, NHWC and NCHW-style spatial dims, 1-D), values and gradients; the paddings and
crops as constants."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(2)
IMG = rng.normal(size=(2, 9, 10, 3)).astype(np.float32)
W = rng.normal(size=(3, 2, 3, 4)).astype(np.float32)
SEQ = rng.normal(size=(2, 11, 3)).astype(np.float32)
W1 = rng.normal(size=(3, 3, 2)).astype(np.float32)


def _conv2d(tf, w):
    return lambda x, n, padding: tf.nn.conv2d(x, w, [1, 1, 1, 1], padding)


CASES = {
    "same": (lambda tf, x, w: tf.nn.with_space_to_batch(
        x, [2, 3], "SAME", _conv2d(tf, w), filter_shape=[3, 2]), [IMG, W]),
    "valid": (lambda tf, x, w: tf.nn.with_space_to_batch(
        x, [2, 2], "VALID", _conv2d(tf, w)), [IMG, W]),
    "rate_one": (lambda tf, x, w: tf.nn.with_space_to_batch(
        x, [1, 1], "SAME", _conv2d(tf, w), filter_shape=[3, 2]), [IMG, W]),
    "one_spatial_dim": (lambda tf, x, w: tf.nn.with_space_to_batch(
        x, [3], "SAME", lambda v, n, p: tf.nn.conv1d(v, w, 1, p), filter_shape=[3]), [SEQ, W1]),
    "pool_second_dim_only": (lambda tf, x: tf.nn.with_space_to_batch(
        x, [2], "VALID", lambda v, n, p: tf.nn.max_pool(v, [1, 1, 2, 1], [1, 1, 1, 1], p),
        spatial_dims=[2]), [IMG]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_with_space_to_batch(case):
    build, inputs = CASES[case]
    ours, ref = run_op(tfj, build, inputs), run_op(tf1, build, inputs)
    assert [m[2:] for m in ours["meta"]] == [m[2:] for m in ref["meta"]]
    assert [m[1] for m in ours["meta"]] == [m[1] for m in ref["meta"]]
    for a, b in zip(ours["values"] + ours["grads"], ref["values"] + ref["grads"]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("args", [([5, 9], [2, 3], None), ([5, 9], [2, 3], [[1, 1], [2, 0]]),
                                  ([4], [4], [[0, 3]])])
def test_required_space_to_batch_paddings(args):
    results = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            paddings, crops = tf.required_space_to_batch_paddings(*args)
            assert (paddings.op.name, crops.op.name) == (
                "required_space_to_batch_paddings/paddings", "required_space_to_batch_paddings/crops")
            with tf.Session() as sess:
                results.append(sess.run([paddings, crops]))
    for a, b in zip(*results):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
