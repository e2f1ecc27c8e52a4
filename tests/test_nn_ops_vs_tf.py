"""Differential tests: the `tf.nn` layers, activations, losses, raw convolution gradients and
pools added beside the core ones, on TensorFlow and on tfvars_jax (names, types, shapes,
dtypes, values, gradients)."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(4)
X = rng.normal(size=(3, 4)).astype(np.float32)
X[0, 0] = 0.0
W = rng.normal(size=(4, 2)).astype(np.float32)
B = rng.normal(size=(2,)).astype(np.float32)
TARGETS = np.array([[0.0, 1.0, 2.0, 5.0], [3.0, 0.5, 1.0, 0.0], [1.5, 4.0, 0.0, 2.0]],
                   np.float32)
LABELS = rng.uniform(size=(3, 4)).astype(np.float32)
IMG = rng.normal(size=(2, 6, 5, 3)).astype(np.float32)
IMG[0, 0, 0, 0] = IMG[0, 0, 1, 0] = 9.0  # a tie inside one pooling window
K = rng.normal(size=(3, 2, 3, 4)).astype(np.float32)
DW = rng.normal(size=(3, 3, 3, 2)).astype(np.float32)
VOL = rng.normal(size=(1, 3, 3, 3, 2)).astype(np.float32)
K3 = rng.normal(size=(2, 2, 2, 4, 2)).astype(np.float32)
SEQ = rng.normal(size=(2, 7, 3)).astype(np.float32)

CASES = {
    "xw_plus_b": (lambda tf, x, w, b: tf.nn.xw_plus_b(x, w, b), [X, W, B]),
    "relu_layer": (lambda tf, x, w, b: tf.nn.relu_layer(x, w, b), [X, W, B]),
    "crelu": (lambda tf, x: tf.nn.crelu(x), [X]),
    "crelu_axis0": (lambda tf, x: tf.nn.crelu(x, axis=0), [X]),
    "swish": (lambda tf, x: tf.nn.swish(x), [X]),
    "silu": (lambda tf, x: tf.nn.silu(x), [X]),
    "zero_fraction": (lambda tf, x: tf.nn.zero_fraction(x), [X]),
    "zero_fraction_int": (lambda tf, x: tf.math.zero_fraction(x),
                          [np.array([0, 1, 0, 3], np.int32)]),
    "log_poisson_loss": (lambda tf, t, x: tf.nn.log_poisson_loss(t, x), [TARGETS, X]),
    "log_poisson_loss_full": (lambda tf, t, x: tf.nn.log_poisson_loss(
        t, x, compute_full_loss=True), [TARGETS, X]),
    "weighted_cross_entropy": (lambda tf, z, x: tf.nn.weighted_cross_entropy_with_logits(
        labels=z, logits=x, pos_weight=2.5), [LABELS, X]),
    "conv2d_backprop_input": (lambda tf, k, dy: tf.nn.conv2d_backprop_input(
        [2, 6, 5, 3], k, dy, [1, 2, 2, 1], "SAME"), [K, np.ones((2, 3, 3, 4), np.float32)]),
    "conv2d_backprop_filter": (lambda tf, x, dy: tf.nn.conv2d_backprop_filter(
        x, [3, 2, 3, 4], dy, [1, 1, 1, 1], "VALID"), [IMG, np.ones((2, 4, 4, 4), np.float32)]),
    "depthwise_conv2d_native": (lambda tf, x, k: tf.nn.depthwise_conv2d_native(
        x, k, [1, 1, 2, 1], "SAME"), [IMG, DW]),
    "conv3d_transpose": (lambda tf, x, k: tf.nn.conv3d_transpose(
        x, k, [1, 6, 6, 6, 4], [1, 2, 2, 2, 1]), [VOL, K3]),
    "atrous_conv2d": (lambda tf, x, k: tf.nn.atrous_conv2d(x, k[:, :, :, :2], 2, "SAME"),
                      [IMG, K]),
    "atrous_conv2d_valid": (lambda tf, x, k: tf.nn.atrous_conv2d(x, k, 2, "VALID"), [IMG, K]),
    "convolution": (lambda tf, x, k: tf.nn.convolution(x, k, "SAME", strides=[1, 2]),
                    [IMG, K]),
    "max_pool_with_argmax": (lambda tf, x: tf.nn.max_pool_with_argmax(
        x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"), [IMG]),
    "max_pool_with_argmax_batch": (lambda tf, x: tf.nn.max_pool_with_argmax(
        x, [1, 3, 2, 1], [1, 1, 2, 1], "VALID", include_batch_in_index=True), [IMG]),
    "max_pool_v2": (lambda tf, x: tf.nn.max_pool_v2(x, 2, 2, "SAME"), [IMG]),
    "max_pool2d": (lambda tf, x: tf.nn.max_pool2d(x, [3, 2], [1, 2], "VALID"), [IMG]),
    "avg_pool_v2": (lambda tf, x: tf.nn.avg_pool_v2(x, 3, 2, "SAME"), [IMG]),
    "avg_pool2d": (lambda tf, x: tf.nn.avg_pool2d(x, 2, 1, "VALID"), [IMG]),
    "max_pool1d": (lambda tf, x: tf.nn.max_pool1d(x, 2, 2, "SAME"), [SEQ]),
    "avg_pool1d": (lambda tf, x: tf.nn.avg_pool1d(x, 3, 2, "VALID"), [SEQ]),
    "pool_max": (lambda tf, x: tf.nn.pool(x, [2, 2], "MAX", "SAME"), [IMG]),
    "pool_avg": (lambda tf, x: tf.nn.pool(x, [2, 3], "AVG", "VALID", strides=[2, 1]), [IMG]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_nn_op_matches_tf(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs), rtol=1e-4, atol=1e-5)


GRAPH_ERRORS = {
    "xw_plus_b_rank": lambda tf: tf.nn.xw_plus_b(tf.zeros([3]), tf.zeros([3, 2]), tf.zeros([2])),
    "atrous_rate": lambda tf: tf.nn.atrous_conv2d(tf.zeros([1, 4, 4, 1]), tf.zeros([2, 2, 1, 1]),
                                                  0, "SAME"),
    "log_poisson_shapes": lambda tf: tf.nn.log_poisson_loss(tf.zeros([3]), tf.zeros([2])),
    "pool_type": lambda tf: tf.nn.pool(tf.zeros([1, 4, 4, 1]), [2, 2], "MIN", "SAME"),
}


@pytest.mark.parametrize("case", sorted(GRAPH_ERRORS))
def test_graph_time_errors_as_tf(case):
    for tf in (tf1, tfj):
        with tf.Graph().as_default(), pytest.raises((ValueError, TypeError)):
            GRAPH_ERRORS[case](tf)


MORE = {
    "depthwise_backprop_input": (lambda tf, k, dy: tf.nn.depthwise_conv2d_native_backprop_input(
        [2, 6, 5, 3], k, dy, [1, 1, 1, 1], "SAME"), [DW, np.ones((2, 6, 5, 6), np.float32)]),
    "depthwise_backprop_filter": (lambda tf, x, dy: tf.nn.depthwise_conv2d_backprop_filter(
        x, [3, 3, 3, 2], dy, [1, 2, 2, 1], "VALID"), [IMG, np.ones((2, 2, 2, 6), np.float32)]),
    "conv1d_transpose": (lambda tf, x, k: tf.nn.conv1d_transpose(x, k, [2, 14, 4], 2),
                         [SEQ, rng.normal(size=(3, 4, 3)).astype(np.float32)]),
    "batch_norm_global": (lambda tf, x, m: tf.nn.batch_norm_with_global_normalization(
        x, m, m * m + 0.5, m, m + 1.0, 0.001, True), [X, B.repeat(2)]),
    "batch_norm_global_unscaled": (lambda tf, x, m: tf.nn.batch_norm_with_global_normalization(
        x, m, m * m + 0.5, m, m + 1.0, 0.001, False), [X, B.repeat(2)]),
    "compute_average_loss": (lambda tf, x: tf.nn.compute_average_loss(x), [X[0]]),
    "compute_average_loss_weighted": (lambda tf, x, w: tf.nn.compute_average_loss(
        x, sample_weight=w, global_batch_size=8), [X[0], X[1]]),
    "scale_regularization_loss": (lambda tf, x: tf.nn.scale_regularization_loss(x), [X]),
    "space_to_batch": (lambda tf, x: tf.nn.space_to_batch(x, [[0, 0], [1, 0]], 2), [IMG]),
    "erfcinv": (lambda tf, x: tf.math.erfcinv(x * 0.5 + 1.0), [np.clip(X, -1.5, 1.5)]),
    "polyval": (lambda tf, x: tf.math.polyval([x, 2.0, x * x], x), [X]),
    "polyval_two": (lambda tf, x: tf.math.polyval([3.0, x], x, name="p"), [X]),
}


@pytest.mark.parametrize("case", sorted(MORE))
def test_more_nn_and_math_ops_match_tf(case):
    build, inputs = MORE[case]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("value,ok", [(1.0 + 1e-7, True), (1.001, False)])
def test_assert_near_as_tf(value, ok):
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            p = tf.placeholder(tf.float32, [2])
            check = tf.assert_near(p, tf.constant([1.0, 1.0]))
            with tf.Session() as sess:
                if ok:
                    sess.run(check, {p: [1.0, value]})
                else:
                    with pytest.raises(tf.errors.InvalidArgumentError):
                        sess.run(check, {p: [1.0, value]})
                with pytest.raises(tf.errors.InvalidArgumentError):
                    sess.run(tf.assert_near(tf.constant([1.0]), tf.constant([2.0])))


def test_dropout_of_rate_zero_is_its_input_as_tf():
    """TF's fast path: a Python rate of 0 (keep_prob 1) returns the input itself, so nothing
    made under an enclosing control_dependencies runs for it (fuzz seed 9041: the dependency
    was an assign_add on an uninitialized variable; TF ran, we raised)."""
    def build(tf):
        with tf.Graph().as_default():
            v = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
            x = tf.placeholder(tf.float64, [3, 2])
            with tf.control_dependencies([tf.assign_add(v, [1.0, 1.0])]):
                same = [tf.nn.dropout(x, rate=0.0), tf.nn.dropout(x, keep_prob=1.0)]
            other = tf.nn.dropout(x, rate=0.5)
            with tf.Session() as sess:
                value = sess.run(same[0], {x: np.ones((3, 2))})
            return [t is x for t in same], other.op.name.split("/")[0], value.tolist()
    assert build(tfj) == build(tf1)
