"""Differential tests: `tf.segment_*` and `tf.unsorted_segment_*` on TensorFlow and on
tfvars_jax (names, types, shapes, dtypes, values incl. empty segments and ties, gradients), and
TF1's CPU-kernel errors for bad ids (the run fails, no variable changes)."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_error, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(1)
DATA = rng.normal(size=(6, 3)).astype(np.float32)
DATA[1] = DATA[0]  # ties inside segment 0
DATA[4, 1] = 0.0  # a zero for prod
INT_DATA = rng.randint(-9, 10, size=(6, 3)).astype(np.int32)
SORTED_IDS = np.array([0, 0, 0, 2, 2, 5], np.int32)  # segments 1, 3, 4 empty
UNSORTED_IDS = np.array([3, 0, -1, 3, 1, 0], np.int64)  # -1 dropped, segment 2 empty
IDS_2D = np.array([[1, 0, 1], [2, 2, 0], [1, -1, 1], [0, 0, 0], [2, 1, 2], [1, 1, 1]], np.int32)

SORTED = ["sum", "mean", "max", "min", "prod"]
UNSORTED = ["sum", "mean", "max", "min", "prod", "sqrt_n"]


@pytest.mark.parametrize("data", [DATA, INT_DATA], ids=["float", "int"])
@pytest.mark.parametrize("kind", SORTED)
def test_sorted_segment_matches_tf(kind, data):
    build = lambda tf, d, i: getattr(tf, f"segment_{kind}")(d, i)  # noqa: E731
    inputs = [data, SORTED_IDS]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs))
    assert_same(run_op(tfj, build, inputs, static_shape=False),
                run_op(tf1, build, inputs, static_shape=False))


@pytest.mark.parametrize("ids", [UNSORTED_IDS, IDS_2D], ids=["1d", "2d"])
@pytest.mark.parametrize("data", [DATA, INT_DATA], ids=["float", "int"])
@pytest.mark.parametrize("kind", UNSORTED)
def test_unsorted_segment_matches_tf(kind, data, ids):
    if ids is IDS_2D:
        data = data[:, :3].copy()
    build = lambda tf, d, i: getattr(tf, f"unsorted_segment_{kind}")(d, i, 4)  # noqa: E731
    inputs = [data, ids]
    if kind == "sqrt_n" and data.dtype == np.int32:  # TF1 divides by a float sqrt: floats only
        assert run_error(tfj, build, inputs) == run_error(tf1, build, inputs) == "TypeError"
        return
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs))


def test_num_segments_from_a_fed_shape():
    build = lambda tf, d, i: tf.math.unsorted_segment_sum(d, i, tf.shape(d)[0])  # noqa: E731
    for static in (True, False):
        inputs = [DATA, UNSORTED_IDS]
        assert_same(run_op(tfj, build, inputs, static_shape=static),
                    run_op(tf1, build, inputs, static_shape=static))


def _run_bad(tf, build, ids):
    """Runs `build(data, ids)` together with a variable update; returns (error, variable)."""
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        i = tf.placeholder(tf.int32, [None], name="ids")
        out = build(tf, tf.constant(DATA[:len(ids)]), i)
        with tf.control_dependencies([out]):
            step = v.assign_add(1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            try:
                sess.run([out, step], {i: ids})
                error = None
            except tf.errors.OpError as e:
                error = type(e).__name__
            return error, sess.run(v)


BAD = {
    "sorted_decreasing": (lambda tf, d, i: tf.segment_sum(d, i), [0, 2, 1]),
    "sorted_negative": (lambda tf, d, i: tf.segment_max(d, i), [-1, 0, 0]),
    "unsorted_too_large": (lambda tf, d, i: tf.unsorted_segment_sum(d, i, 3), [0, 3, 1]),
    "unsorted_mean_too_large": (lambda tf, d, i: tf.unsorted_segment_mean(d, i, 2), [0, 2]),
    "sorted_ok": (lambda tf, d, i: tf.segment_prod(d, i), [0, 0, 3]),
    "unsorted_negative_ok": (lambda tf, d, i: tf.unsorted_segment_min(d, i, 2), [-5, 1]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_segment_ids_fail_the_run_as_tf(case):
    build, ids = BAD[case]
    ref, ours = _run_bad(tf1, build, ids), _run_bad(tfj, build, ids)
    assert ours == ref
    assert ours == ((None, 2.0) if case.endswith("_ok") else ("InvalidArgumentError", 1.0))


def test_graph_time_errors():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            with pytest.raises(TypeError):
                tf.segment_sum(tf.constant(DATA), tf.constant([0.0] * 6))
            with pytest.raises(TypeError):
                tf.unsorted_segment_sum(tf.constant(DATA), tf.constant([0] * 6), 2.0)
            with pytest.raises(ValueError):
                tf.unsorted_segment_sum(tf.constant(DATA), tf.constant([[0] * 6]), 2)


def test_message_names_the_op_and_the_ids():
    with tfj.Graph().as_default():
        ids = tfj.placeholder(tfj.int32, [None], name="ids")
        out = tfj.segment_sum(tfj.constant(DATA[:3]), ids)
        with tfj.Session() as sess, pytest.raises(tfj.errors.InvalidArgumentError) as info:
            sess.run(out, {ids: [1, 0, 0]})
    assert "'SegmentSum'" in str(info.value) and "'ids:0'" in str(info.value)
