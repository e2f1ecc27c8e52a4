"""Differential tests: values TF1 rejects where JAX alone would return a silently wrong number.

Integer division and modulo by zero, integers to negative powers, sparse softmax cross-entropy
labels outside the classes, tf.range bounds that run the wrong way, and tf.split sizes that do
not add up (at graph time, and at run time when the dimension is unknown until then). NaNs in
maximum/minimum/clip (propagated), argmax/argmin (skipped) and clip_by_global_norm (all NaN),
as TF's kernels; sigmoid cross-entropy's gradient at logits == 0 (a zero-initialised logits
layer's first step) is sigmoid(0) - labels; elu/selu/softsign and reduce_max/min gradients at
NaN and inf follow TF's gradient kernels, and an exclusive cumsum after an inf is not NaN
(found by tests/fuzz/wide_ops.py). Also that
splitting a dimension unknown at graph time gives every part (it used to give one).
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]


def _outcome(tf, build, feed):
    """(error class name or None, fetched values as lists) of `build(tf, x)` with `x` fed."""
    with tf.Graph().as_default():
        feed = np.asarray(feed, np.float32 if isinstance(feed[0], float) else np.int32)
        x = tf.placeholder(feed.dtype.name, [None], name="x")
        try:
            out = build(tf, x)
        except ValueError:
            return "ValueError", None
        with tf.Session() as sess:
            try:
                value = sess.run(out, {x: feed})
            except tf.errors.OpError as e:
                return type(e).__name__, None
            return None, [np.asarray(v).tolist() for v in (value if isinstance(value, list)
                                                           else [value])]


CASES = {
    "floordiv": (lambda tf, x: tf.constant([7, 8, 9]) // x, [[2, 3, -4], [2, 0, 1]]),
    "floormod": (lambda tf, x: tf.constant([7, -8, 9]) % x, [[2, 3, -4], [0, 1, 1]]),
    "div_int": (lambda tf, x: tf.div(tf.constant([7, 8, 9]), x), [[2, 3, 4], [1, 1, 0]]),
    "floordiv_by_const": (lambda tf, x: x // tf.constant([2, 0, 1]), [[1, 2, 3]]),
    "floordiv_float": (lambda tf, x: tf.constant([7.0, 8.0]) // x, [[2.0, 0.0]]),
    "sparse_xent": (lambda tf, x: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=x, logits=tf.constant([[1.0, 2.0, 3.0], [0.5, 0.1, 0.0]])),
        [[0, 2], [0, 3], [-1, 1]]),
    "range_static": (lambda tf, x: tf.range(5, 0, 1) + tf.reduce_sum(x), [[1]]),
    "range_negative_delta": (lambda tf, x: tf.range(0, 5, -1) + tf.reduce_sum(x), [[1]]),
    "range_fed": (lambda tf, x: tf.range(tf.shape(x)[0], 1), [[1, 2, 3], [1]]),
    "split_sizes_static": (lambda tf, x: tf.split(tf.ones([5]), [2, 2]), [[1]]),
    "split_sizes_run": (lambda tf, x: tf.split(x, [2, 2]), [[1, 2, 3, 4], [1, 2, 3, 4, 5]]),
    "split_num_run": (lambda tf, x: tf.split(x, 2), [[1, 2, 3, 4], [1, 2, 3]]),
    "pow_int": (lambda tf, x: tf.pow(tf.constant([2, 3, 4]), x), [[0, 1, 2], [1, -1, 2]]),
    "maximum_nan": (lambda tf, x: [tf.maximum(x, x[::-1]), tf.minimum(x[::-1], x),
                                   tf.clip_by_value(x, 0.5, 1.5),
                                   *tf.gradients(tf.reduce_sum(tf.maximum(x, x[::-1])), x)],
                    [[np.nan, 1.0, 2.0, -0.0], [3.0, np.nan, np.nan, -1.0]]),
    "sigmoid_xent_grad_at_zero": (lambda tf, x: tf.gradients(tf.reduce_sum(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant([0.0, 1.0, 0.3]), logits=x)),
        x), [[0.0, 0.0, 0.0], [0.0, -2.0, 3.0]]),
    "clip_global_norm_nonfinite": (lambda tf, x: tf.clip_by_global_norm(
        [x, tf.constant([3.0, 4.0])], 1.0)[0], [[np.inf, 1.0], [np.nan, 1.0], [1.0, 1.0]]),
    "argmax_nan": (lambda tf, x: [tf.argmax(x), tf.argmin(x)],
                   [[np.nan, 1.0, 3.0, 0.5], [2.0, np.nan, -1.0, np.nan]]),
    # found by the fuzzer's wide ops (tests/fuzz/wide_ops.py): gradients at NaN and inf
    "elu_selu_grad_nonfinite": (lambda tf, x: [tf.nn.elu(x), tf.nn.selu(x), *tf.gradients(
        tf.reduce_sum(tf.nn.elu(x)), x), *tf.gradients(tf.reduce_sum(tf.nn.selu(x)), x)],
        [[np.nan, np.inf, -np.inf, 0.0, 2.0]]),
    "softsign_grad_inf": (lambda tf, x: tf.gradients(tf.reduce_sum(tf.nn.softsign(x)), x),
                          [[np.inf, -np.inf, 0.0, 1.0, np.nan]]),
    "reduce_max_min_grad_nan": (lambda tf, x: [*tf.gradients(tf.reduce_max(x), x),
                                               *tf.gradients(tf.reduce_min(x * 2.0), x),
                                               *tf.gradients(tf.reduce_max(x), x)],
                                [[np.nan, 1.0, 1.0], [1.0, 1.0, 0.0], [np.inf, np.inf, 0.0]]),
    "cumsum_exclusive_inf": (lambda tf, x: [
        tf.cumsum(x, exclusive=True), tf.cumsum(x, exclusive=True, reverse=True),
        tf.cumsum(x, reverse=True), *tf.gradients(tf.reduce_sum(
            tf.cumsum(x, exclusive=True) * tf.range(4.0)), x)],
        [[np.inf, 1.0, 2.0, 0.5], [1.0, -np.inf, 3.0, np.nan], [1e8, 3.0, 1.0, 1.0]]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_value_or_same_error_as_tf(case):
    build, feeds = CASES[case]
    for feed in feeds:
        ref = _outcome(tf1, build, feed)
        ours = _outcome(tfj, build, feed)
        assert ours[0] == ref[0], (case, feed)
        if ref[1] is not None:
            assert len(ours[1]) == len(ref[1])
            for a, b in zip(ours[1], ref[1]):
                np.testing.assert_array_equal(a, b)


def test_a_failed_division_check_changes_no_variable():
    v = None
    with tfj.Graph().as_default():
        x = tfj.placeholder(tfj.int32, [None], name="x")
        v = tfj.Variable(1, name="v")
        q = tfj.floordiv(tfj.constant([4, 4]), x)
        step = v.assign_add(tfj.reduce_sum(q))
        with tfj.Session() as sess:
            sess.run(v.initializer)
            with pytest.raises(tfj.errors.InvalidArgumentError,
                               match="Integer division by zero in FloorDiv op 'floordiv'.*'x:0'"):
                sess.run(step, {x: [2, 0]})
            assert sess.run(v) == 1
            assert sess.run(step, {x: [2, 1]}) == 7


def test_split_of_an_unknown_dimension_gives_every_part_with_tf1_shapes():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 4])
            halves = tf.split(x, 2)
            sized = tf.split(x, [1, 3])
            shapes = [[t.shape.as_list() for t in parts] for parts in (halves, sized)]
            assert shapes == [[[None, 4], [None, 4]], [[1, 4], [3, 4]]], tf
