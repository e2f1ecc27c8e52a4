"""Differential tests: sorting, scatter, shape-manipulation, counting and numerics-check ops
on TensorFlow and on tfvars_jax (names, types, shapes, dtypes, values incl. ties and edge
cases, gradients), and TF1's CPU-kernel run-time errors (the run fails, no variable changes)."""
import functools
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(2)
X = rng.normal(size=(3, 5)).astype(np.float32)
X[0, 3] = X[0, 1]  # a tie
X_INT = rng.randint(-5, 6, size=(3, 5)).astype(np.int32)
IMG = rng.normal(size=(2, 4, 6, 3)).astype(np.float32)
SEQ = np.sort(rng.normal(size=(3, 6)).astype(np.float32), axis=1)
LABELS = np.array([0, 2, 1, 1, 3], np.int32)
PREDS = np.array([0, 1, 1, 3, 3], np.int32)

CASES = {
    "top_k": (lambda tf, x: tf.nn.top_k(x, 3), [X]),
    "top_k_int_math": (lambda tf, x: tf.math.top_k(x, k=5, name="tk"), [X_INT]),
    "in_top_k": (lambda tf, x, t: tf.nn.in_top_k(x, t, 2), [X, np.array([1, 4, 0], np.int32)]),
    "in_top_k_ties_and_range": (lambda tf, x, t: tf.math.in_top_k(x, t, 1),
                                [X, np.array([3, 7, -1], np.int64)]),
    "sort": (lambda tf, x: tf.sort(x), [X]),
    "sort_desc": (lambda tf, x: tf.sort(x, direction="DESCENDING"), [X]),
    "sort_int": (lambda tf, x: tf.sort(x), [X_INT]),
    "sort_axis0": (lambda tf, x: tf.sort(x, axis=0), [X]),
    "argsort": (lambda tf, x: tf.argsort(x), [X_INT]),
    "argsort_desc_axis0": (lambda tf, x: tf.argsort(x, axis=0, direction="DESCENDING"), [X_INT]),
    "searchsorted": (lambda tf, s, v: tf.searchsorted(s, v), [SEQ, X[:, :4]]),
    "searchsorted_right": (lambda tf, s, v: tf.searchsorted(s, v, side="right",
                                                            out_type=tf.int64),
                           [SEQ, SEQ[:, ::2]]),
    "roll": (lambda tf, x: tf.roll(x, [1, -2], [0, 1]), [X]),
    "roll_same_axis": (lambda tf, x: tf.roll(x, [2, 4], [1, 1]), [X]),
    "broadcast_to": (lambda tf, x: tf.broadcast_to(x[:1], [2, 3, 5]), [X]),
    "repeat_scalar": (lambda tf, x: tf.repeat(x, 2, axis=1), [X]),
    "repeat_list": (lambda tf, x: tf.repeat(x, [1, 0, 3], axis=0), [X]),
    "repeat_flat": (lambda tf, x: tf.repeat(x, 2), [X_INT]),
    "meshgrid": (lambda tf, a, b: tf.meshgrid(a, b), [X[0], X[1, :3]]),
    "meshgrid_ij": (lambda tf, a, b: tf.meshgrid(a, b, indexing="ij"), [X[0], X[1, :3]]),
    "linspace": (lambda tf, a, b: tf.linspace(a, b, 7), [X[0, 0], X[0, 1]]),
    "lin_space": (lambda tf, a, b: tf.lin_space(a, b, 4), [X[0, 0], X[0, 1]]),
    "sequence_mask": (lambda tf, n: tf.sequence_mask(n, 6), [np.array([0, 3, 6, 2], np.int32)]),
    "sequence_mask_float": (lambda tf, n: tf.sequence_mask(n, dtype=tf.float32),
                            [np.array([[1, 3], [0, 2]], np.int64)]),
    "invert_permutation": (lambda tf, p: tf.invert_permutation(p),
                           [np.array([3, 0, 2, 1], np.int32)]),
    "unravel_index": (lambda tf, i: tf.unravel_index(i, [3, 4]), [np.array([0, 5, 11], np.int32)]),
    "batch_gather": (lambda tf, x, i: tf.batch_gather(x, i),
                     [X, np.array([[0, 4], [2, 2], [1, 3]], np.int32)]),
    "shape_n": (lambda tf, a, b: tf.shape_n([a, b]), [X, IMG[0]]),
    "identity_n": (lambda tf, a, b: tf.identity_n([a, b]), [X, X_INT]),
    "ensure_shape": (lambda tf, x: tf.ensure_shape(x, [None, 5]), [X]),
    "space_to_depth": (lambda tf, x: tf.space_to_depth(x, 2), [IMG]),
    "depth_to_space": (lambda tf, x: tf.nn.depth_to_space(tf.concat([x, x, x, x], 3), 2),
                       [IMG]),
    "space_to_batch_nd": (lambda tf, x: tf.space_to_batch_nd(x, [2, 3], [[0, 2], [1, 2]]),
                          [IMG]),
    "batch_to_space_nd": (lambda tf, x: tf.batch_to_space_nd(
        tf.concat([x, x, x], 0), [3, 2], [[1, 0], [2, 1]]), [IMG]),
    "space_to_batch": (lambda tf, x: tf.space_to_batch(x, [[0, 0], [1, 1]], 2), [IMG]),
    "batch_to_space": (lambda tf, x: tf.batch_to_space(x, [[0, 0], [1, 1]], 2),
                       [np.concatenate([IMG, IMG])]),
    "extract_image_patches": (lambda tf, x: tf.extract_image_patches(
        x, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 2, 1], "SAME"), [IMG]),
    "extract_image_patches_valid": (lambda tf, x: tf.extract_image_patches(
        x, [1, 3, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "VALID"), [IMG]),
    "scatter_nd": (lambda tf, i, u: tf.scatter_nd(i, u, [4, 5]),
                   [np.array([[1], [3], [1]], np.int32), X]),
    "tensor_scatter_update": (lambda tf, x, u: tf.tensor_scatter_update(x, [[0, 1], [2, 4]], u),
                              [X, np.array([7.0, 8.0], np.float32)]),
    "tensor_scatter_add": (lambda tf, x, u: tf.tensor_scatter_add(x, [[1], [1]], u), [X, X[:2]]),
    "tensor_scatter_nd_sub": (lambda tf, x, u: tf.tensor_scatter_nd_sub(x, [[2]], u),
                              [X, X[:1]]),
    "tensor_scatter_nd_max": (lambda tf, x, u: tf.tensor_scatter_nd_max(x, [[0, 0], [1, 2]], u),
                              [X, np.array([5.0, -5.0], np.float32)]),
    "tensor_scatter_nd_min": (lambda tf, x, u: tf.tensor_scatter_nd_min(x, [[0, 0], [1, 2]], u),
                              [X_INT, np.array([5, -5], np.int32)]),
    "unique_with_counts": (lambda tf, x: tf.unique_with_counts(x),
                           [np.array([4, 1, 4, 4, 2, 1], np.int32)]),
    "setdiff1d": (lambda tf, x, y: tf.setdiff1d(x, y),
                  [np.array([4, 1, 4, 7, 2, 1], np.int32), np.array([1, 9], np.int32)]),
    "bincount": (lambda tf, x: tf.bincount(x), [np.array([1, 4, 4, 0, 1, 1], np.int32)]),
    "bincount_weights_min": (lambda tf, x, w: tf.bincount(x, w, minlength=7),
                             [np.array([1, 4, 4, 0], np.int32),
                              np.array([0.5, 1.0, 2.0, 3.0], np.float32)], False),
    "bincount_max": (lambda tf, x: tf.bincount(x, maxlength=3),
                     [np.array([1, 4, 4, 0, 2], np.int32)]),
    "histogram_fixed_width": (lambda tf, x: tf.histogram_fixed_width(x, [-1.0, 1.0], nbins=5),
                              [X]),
    "confusion_matrix": (lambda tf, a, b: tf.confusion_matrix(a, b, num_classes=5), [LABELS, PREDS]),
    "confusion_matrix_inferred": (lambda tf, a, b: tf.confusion_matrix(a, b), [LABELS, PREDS]),
    "confusion_matrix_weights": (lambda tf, a, b, w: tf.math.confusion_matrix(
        a, b, 4, dtype=tf.float32, weights=w), [LABELS, PREDS, X[0]]),
    "check_numerics": (lambda tf, x: tf.check_numerics(x * 2.0, "bad"), [X]),
    "verify_tensor_all_finite": (lambda tf, x: tf.verify_tensor_all_finite(x, "bad"), [X]),
    "clip_by_average_norm": (lambda tf, x: tf.clip_by_average_norm(x, 0.1), [X]),
    "broadcast_dynamic_shape": (lambda tf, x: tf.broadcast_dynamic_shape(
        tf.shape(x), tf.constant([4, 1, 5])), [X[:1]]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_array_op_matches_tf(case):
    build, inputs, *grads = CASES[case]  # a False third entry: TF1 has no gradient
    assert_same(run_op(tfj, build, inputs, *grads), run_op(tf1, build, inputs, *grads))


UNKNOWN_SHAPE_CASES = ["top_k", "sort", "argsort", "roll", "unique_with_counts", "setdiff1d",
                       "bincount", "sequence_mask_float", "space_to_depth", "scatter_nd",
                       "tensor_scatter_add", "confusion_matrix_inferred", "in_top_k",
                       "invert_permutation", "shape_n"]


@pytest.mark.parametrize("case", UNKNOWN_SHAPE_CASES)
def test_array_op_with_unknown_input_shapes_matches_tf(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs, static_shape=False),
                run_op(tf1, build, inputs, static_shape=False))


def _run_bad(tf, build, value):
    """Runs `build(fed)` and, under its control dependency, an assign_add (both fetched);
    returns (error class name or None, the variable afterwards)."""
    value = np.asarray(value)
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        p = tf.placeholder(tf.as_dtype(value.dtype), [None] * value.ndim, name="p")
        out = build(tf, p)
        with tf.control_dependencies(out if isinstance(out, list) else [out]):
            step = v.assign_add(1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            try:
                sess.run([out, step], {p: value})
                error = None
            except tf.errors.OpError as e:
                error = type(e).__name__
            return error, sess.run(v)


BAD = {
    "scatter_nd_out_of_range": (lambda tf, i: tf.scatter_nd(i, [1.0, 2.0], [4]), [[0], [4]]),
    "scatter_nd_negative": (lambda tf, i: tf.scatter_nd(i, [1.0, 2.0], [4]), [[0], [-1]]),
    "tensor_scatter_out_of_range": (
        lambda tf, i: tf.tensor_scatter_nd_update(tf.zeros([2, 3]), i, [1.0]), [[1, 3]]),
    "tensor_scatter_add_negative": (
        lambda tf, i: tf.tensor_scatter_nd_add(tf.zeros([2, 3]), i, [1.0]), [[-1, 0]]),
    "invert_permutation_repeat": (lambda tf, p: tf.invert_permutation(p), [2, 0, 0]),
    "invert_permutation_range": (lambda tf, p: tf.invert_permutation(p), [3, 0, 1]),
    "unravel_index_range": (lambda tf, i: tf.unravel_index(i, [2, 3]), [3, 6]),
    "batch_gather_range": (lambda tf, i: tf.batch_gather(tf.zeros([2, 3]), i), [[0], [3]]),
    "check_numerics_nan": (lambda tf, x: tf.check_numerics(x, "found"), [1.0, np.nan]),
    "check_numerics_inf": (lambda tf, x: tf.debugging.check_numerics(x, "found"), [np.inf]),
    "verify_finite": (lambda tf, x: tf.verify_tensor_all_finite(x, "found"), [0.0, -np.inf]),
    "ensure_shape": (lambda tf, x: tf.ensure_shape(x, [3]), [1.0, 2.0]),
    "bincount_negative": (lambda tf, x: tf.bincount(x), [1, -1]),
    "histogram_bad_range": (lambda tf, x: tf.histogram_fixed_width(x, [1.0, 1.0], 3), [0.5]),
    "confusion_matrix_label_range": (lambda tf, x: tf.confusion_matrix(x, [0, 1], 2), [0, 2]),
    "confusion_matrix_negative": (lambda tf, x: tf.confusion_matrix(x, [0, 1]), [-1, 0]),
    "ok_scatter_nd": (lambda tf, i: tf.scatter_nd(i, [1.0, 2.0], [4]), [[0], [3]]),
    "ok_check_numerics": (lambda tf, x: tf.check_numerics(x, "found"), [1.0, 2.0]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_values_fail_the_run_as_tf(case):
    build, value = BAD[case]
    ref, ours = _run_bad(tf1, build, value), _run_bad(tfj, build, value)
    assert ours == ref
    assert ours == ((None, 2.0) if case.startswith("ok_") else ("InvalidArgumentError", 1.0))


GRAPH_ERRORS = {
    "top_k_k_too_large": lambda tf: tf.nn.top_k(tf.zeros([2, 3]), 4),
    "broadcast_to_incompatible": lambda tf: tf.broadcast_to(tf.zeros([2, 3]), [4, 1, 3]),
    "shape_n_mixed_dtypes": lambda tf: tf.shape_n([tf.zeros([2]), tf.constant([1])]),
    "ensure_shape_static": lambda tf: tf.ensure_shape(tf.zeros([2, 3]), [None, 4]),
    "space_to_depth_indivisible": lambda tf: tf.space_to_depth(tf.zeros([1, 3, 4, 1]), 2),
    "segment_float_ids": lambda tf: tf.sort(tf.zeros([2]), direction="UP"),
    "searchsorted_side": lambda tf: tf.searchsorted(tf.zeros([3]), tf.zeros([2]), side="mid"),
    "meshgrid_indexing": lambda tf: tf.meshgrid(tf.zeros([2]), indexing="xyz"),
    "histogram_float_nbins": lambda tf: tf.histogram_fixed_width(tf.zeros([2]), [0.0, 1.0], 0),
}


@pytest.mark.parametrize("case", sorted(GRAPH_ERRORS))
def test_graph_time_errors_as_tf(case):
    for tf in (tf1, tfj):
        with tf.Graph().as_default(), pytest.raises((ValueError, TypeError)):
            GRAPH_ERRORS[case](tf)


def test_add_check_numerics_ops_checks_every_float_output():
    results = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [2], name="x")
            y = tf.log(x, name="y")
            check = tf.add_check_numerics_ops()
            with tf.Session() as sess:
                ok = sess.run([y, check], {x: [1.0, 2.0]})[0]
                with pytest.raises(tf.errors.InvalidArgumentError) as info:
                    sess.run([y, check], {x: [1.0, -1.0]})
            results.append((check.name, check.type, ok.tolist()))
            assert "y:0" in str(info.value)
        with tf.Graph().as_default():
            one, two = tf.constant(1.0), tf.constant(2.0)
            tf.cond(tf.constant(True), functools.partial(tf.identity, one),
                    functools.partial(tf.identity, two))
            with pytest.raises(ValueError):
                tf.add_check_numerics_ops()
    assert results[0] == results[1]


def test_static_helpers_match_tf():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 3])
            c = tf.constant([[1, 2]])
            assert tf.is_tensor(x) and tf.is_tensor(c) and not tf.is_tensor(np.zeros(2))
            assert tf.get_static_value(x) is None
            np.testing.assert_array_equal(tf.get_static_value(c), [[1, 2]])
            np.testing.assert_array_equal(tf.get_static_value(tf.shape(c)), [1, 2])
            assert tf.broadcast_static_shape(tf.TensorShape([None, 1, 3]),
                                             tf.TensorShape([4, 3])).as_list() == [None, 4, 3]
            with pytest.raises(ValueError):
                tf.broadcast_static_shape(tf.TensorShape([2]), tf.TensorShape([3]))


def test_error_messages_name_the_op_and_the_input():
    with tfj.Graph().as_default():
        i = tfj.placeholder(tfj.int32, [None, 1], name="idx")
        with tfj.name_scope("model"):
            out = tfj.scatter_nd(i, tfj.constant([1.0]), [4])
        with tfj.Session() as sess, pytest.raises(tfj.errors.InvalidArgumentError) as info:
            sess.run(out, {i: [[4]]})
    assert "'model/ScatterNd'" in str(info.value) and "'idx:0'" in str(info.value)


STRIDED = {
    "plain": dict(begin=[0, 1], end=[2, 4], strides=[1, 2]),
    "masks": dict(begin=[1, 0], end=[0, -1], strides=[1, 1], begin_mask=0b10, end_mask=0b01),
    "negative_stride": dict(begin=[-1, 4], end=[0, 0], strides=[-1, -2], end_mask=0b01),
    "shrink": dict(begin=[1, 0], end=[2, 5], strides=[1, 1], shrink_axis_mask=0b01),
    "new_axis_ellipsis": dict(begin=[0, 0, 1], end=[0, 0, 3], strides=[1, 1, 1],
                              new_axis_mask=0b001, ellipsis_mask=0b010),
    "seq2seq_idiom": dict(begin=[0, 0], end=[3, -1], strides=[1, 1]),
}


@pytest.mark.parametrize("case", sorted(STRIDED))
def test_strided_slice_matches_tf(case):
    build = lambda tf, x: tf.strided_slice(x, **STRIDED[case])  # noqa: E731
    assert_same(run_op(tfj, build, [X]), run_op(tf1, build, [X]))
    assert_same(run_op(tfj, build, [X], static_shape=False),
                run_op(tf1, build, [X], static_shape=False))
