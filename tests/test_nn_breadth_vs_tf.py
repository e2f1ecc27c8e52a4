"""Differential tests of the later `tf.nn` / `tf.math` additions on TensorFlow and tfvars_jax:
`conv3d_backprop_filter(_v2)`, `conv_transpose`, `atrous_conv2d_transpose`, `dilation2d`,
`erosion2d`, `all_candidate_sampler`, `approx_max_k` / `approx_min_k` (names, types, static
shapes, dtypes, values, gradients) and their errors."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(1)
X3 = rng.normal(size=(2, 5, 6, 4, 3)).astype(np.float32)
DY3 = rng.normal(size=(2, 3, 3, 2, 2)).astype(np.float32)
IMG = rng.normal(size=(2, 7, 8, 3)).astype(np.float32)
KER = rng.normal(size=(3, 2, 3)).astype(np.float32)
KER_T = rng.normal(size=(3, 3, 4, 3)).astype(np.float32)
X1D = rng.normal(size=(2, 6, 3)).astype(np.float32)
W1D = rng.normal(size=(3, 5, 3)).astype(np.float32)
W3D = rng.normal(size=(2, 2, 2, 4, 3)).astype(np.float32)
SCORES = rng.permutation(60).reshape(3, 20).astype(np.float32) / 7.0

CASES = {
    "conv3d_backprop_filter": (lambda tf, x, dy: tf.nn.conv3d_backprop_filter(
        x, [2, 3, 2, 3, 2], dy, [1, 2, 2, 2, 1], "SAME"), [X3, DY3]),
    "conv3d_backprop_filter_v2_valid": (lambda tf, x, dy: tf.nn.conv3d_backprop_filter_v2(
        x, [3, 2, 3, 3, 2], dy, [1, 1, 2, 1, 1], "VALID", name="bf"), [X3, DY3]),
    "conv_transpose_1d": (lambda tf, x, w: tf.nn.conv_transpose(x, w, [2, 12, 5], 2), [X1D, W1D]),
    "conv_transpose_2d": (lambda tf, x, w: tf.nn.conv_transpose(
        x, w, [2, 14, 16, 4], [1, 2, 2, 1], padding="SAME", name="ct"), [IMG, KER_T]),
    "conv_transpose_3d": (lambda tf, x, w: tf.nn.conv_transpose(
        x, w, [2, 10, 12, 8, 4], 2), [X3, W3D]),
    "atrous_conv2d_transpose_same": (lambda tf, x, w: tf.nn.atrous_conv2d_transpose(
        x, w, [2, 7, 8, 4], 2, "SAME"), [IMG, KER_T]),
    "atrous_conv2d_transpose_rate1": (lambda tf, x, w: tf.nn.atrous_conv2d_transpose(
        x, w, [2, 7, 8, 4], 1, "SAME"), [IMG, KER_T]),
    "atrous_conv2d_transpose_valid": (lambda tf, x, w: tf.nn.atrous_conv2d_transpose(
        x, w, [2, 11, 12, 4], 2, "VALID"), [IMG, KER_T]),
    "dilation2d_same": (lambda tf, x, k: tf.nn.dilation2d(
        x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"), [IMG, KER]),
    "dilation2d_strided_rates": (lambda tf, x, k: tf.nn.dilation2d(
        x, k, [1, 2, 1, 1], [1, 1, 2, 1], "VALID", name="d"), [IMG, KER]),
    "dilation2d_same_strided": (lambda tf, x, k: tf.nn.dilation2d(
        x, k, [1, 2, 3, 1], [1, 2, 1, 1], "SAME"), [IMG, KER]),
    "erosion2d": (lambda tf, x, k: tf.nn.erosion2d(
        x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"), [IMG, KER]),
    "erosion2d_valid": (lambda tf, x, k: tf.nn.erosion2d(
        x, k, [1, 2, 2, 1], [1, 2, 1, 1], "VALID", name="e"), [IMG, KER]),
    "approx_max_k": (lambda tf, s: list(tf.math.approx_max_k(s, 4)), [SCORES]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_ops(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs), rtol=1e-5, atol=1e-5)


def test_dilation_ties_send_the_gradient_to_the_first_maximum():
    flat = np.zeros((1, 4, 4, 1), np.float32)
    k = np.zeros((2, 2, 1), np.float32)
    build = CASES["dilation2d_same"][0]
    assert_same(run_op(tfj, build, [flat, k]), run_op(tf1, build, [flat, k]), exact=True)


def test_approx_min_k_on_another_axis():
    """TF's CPU kernel computes only approx_max_k on the last axis; ours is exact everywhere."""
    with tfj.Graph().as_default():
        x = tfj.constant(SCORES)
        values, indices = tfj.math.approx_min_k(x, 2, reduction_dimension=0)
        assert values.op.name == "ApproxTopK" and values.shape.as_list() == [2, 20]
        (grad,) = tfj.gradients(tfj.reduce_sum(values * 3.), x)
        with tfj.Session() as sess:
            v, i, g = sess.run([values, indices, grad])
    order = np.argsort(SCORES, axis=0, kind="stable")[:2]
    np.testing.assert_array_equal(i, order)
    np.testing.assert_array_equal(v, np.take_along_axis(SCORES, order, 0))
    expected = np.zeros_like(SCORES)
    np.put_along_axis(expected, order, 3.0, 0)
    np.testing.assert_array_equal(g, expected)


def test_all_candidate_sampler():
    def build(tf, tc):
        return list(tf.nn.all_candidate_sampler(tc, 2, 5, True, seed=3))
    tc = np.array([[1, 2], [3, 4], [0, 0]], np.int64)
    assert_same(run_op(tfj, build, [tc]), run_op(tf1, build, [tc]), exact=True)


@pytest.mark.parametrize("tf", [tf1, tfj], ids=["tf", "ours"])
def test_errors(tf):
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            tf.nn.atrous_conv2d_transpose(tf.constant(IMG), tf.constant(KER_T), [2, 7, 8, 4], 0,
                                          "SAME")
        with pytest.raises(ValueError):
            tf.nn.conv_transpose(tf.constant(IMG), tf.constant(KER_T), [2, 7], 1)
        with pytest.raises((TypeError, ValueError)):
            tf.nn.all_candidate_sampler(tf.constant([[1, 2]], tf.int32), 2, 5, True)
        with pytest.raises((ValueError, TypeError)):
            tf.nn.dilation2d(tf.constant(IMG), tf.constant(KER), [1, 1, 1, 1], [1, 1, 1, 1],
                             "FULL")
