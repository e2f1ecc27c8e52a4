"""Differential tests: `tf.gather` / `tf.gather_nd` on TensorFlow and on tfvars_jax.

Values, names, static shapes and gradients for `axis` and `batch_dims`; and what TF1's CPU
kernels do with an index outside the params: the run fails with InvalidArgumentError (JAX
alone clamps it, a silently wrong value) and no variable changes.
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

PARAMS = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)

GATHER_CASES = [  # (indices, axis, batch_dims)
    ([1, 0, 1], 0, 0),
    ([[2, 0], [1, 1]], 1, 0),
    ([3, 0, 0], 2, 0),
    ([3, 0, 0], -1, 0),
    ([[2, 0], [1, 1]], 1, 1),
    ([[3, 0], [1, 2]], 2, 1),
]


def _gather(tf, indices, axis, batch_dims):
    with tf.Graph().as_default():
        p = tf.constant(PARAMS)
        i = tf.placeholder(tf.int32, np.shape(indices), name="i")
        out = tf.gather(p * 2.0, i, axis=axis, batch_dims=batch_dims)
        grad, = tf.gradients(tf.reduce_sum(out * out), p)
        with tf.Session() as sess:
            value, g = sess.run([out, tf.convert_to_tensor(grad)], {i: indices})
        return out.name, out.shape.as_list(), value, g


@pytest.mark.parametrize("case", GATHER_CASES, ids=[str(c) for c in GATHER_CASES])
def test_gather_matches_tf(case):
    ref, ours = _gather(tf1, *case), _gather(tfj, *case)
    assert ours[:2] == ref[:2]
    np.testing.assert_array_equal(ours[2], ref[2])
    np.testing.assert_array_equal(ours[3], ref[3])


def test_gather_nd_matches_tf():
    results = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            out = tf.gather_nd(tf.constant(PARAMS), tf.constant([[1, 2], [0, 0]]))
            with tf.Session() as sess:
                results.append((out.name, out.shape.as_list(), sess.run(out)))
    assert results[1][:2] == results[0][:2]
    np.testing.assert_array_equal(results[1][2], results[0][2])


def _run_out_of_range(tf, build, indices):
    """Runs `build(params, ids)` and, under its control dependency, an assign_add (both fetched:
    TF's graph optimizer drops a stateless op that is only a control input, so its check too);
    returns the error class and the variable afterwards."""
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        ids = tf.placeholder(tf.int32, [None], name="ids")
        out = build(tf.constant(PARAMS[0]), ids)
        with tf.control_dependencies([out]):
            step = v.assign_add(1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            try:
                sess.run([out, step], {ids: indices})
                error = None
            except tf.errors.OpError as e:
                error = type(e).__name__
            return error, sess.run(v)


BUILDS = {
    "gather": lambda tf, p, i: tf.gather(p, i),                    # rows 0..2
    "gather_axis1": lambda tf, p, i: tf.gather(p, i, axis=1),       # columns 0..3
    "gather_nd": lambda tf, p, i: tf.gather_nd(p, tf.reshape(i, [-1, 1])),
}


@pytest.mark.parametrize("indices", [[0, 3], [-1], [0, 7], [2, 1]])
@pytest.mark.parametrize("kind", sorted(BUILDS))
def test_out_of_range_index_fails_the_run_as_in_tf(kind, indices):
    ref, ours = [_run_out_of_range(tf, lambda p, i, tf=tf: BUILDS[kind](tf, p, i), indices)
                 for tf in (tf1, tfj)]
    assert ours == ref
    valid = indices == [2, 1] or (kind == "gather_axis1" and indices == [0, 3])
    assert ours == ((None, 2.0) if valid else ("InvalidArgumentError", 1.0))


def test_error_names_the_op_the_indices_and_the_bound():
    with tfj.Graph().as_default():
        ids = tfj.placeholder(tfj.int32, [None], name="ids")
        with tfj.name_scope("model"):
            out = tfj.gather(tfj.constant([1.0, 2.0, 3.0], name="table"), ids)
        with tfj.Session() as sess:
            with pytest.raises(tfj.errors.InvalidArgumentError) as info:
                sess.run(out, {ids: [5]})
            assert sess.run(out, {ids: [2, 0]}).tolist() == [3.0, 1.0]
    message = str(info.value)
    assert out.op.name == "model/GatherV2"
    assert "'model/GatherV2'" in message and "'ids:0'" in message
    assert "[0, params.shape[0])" in message and "size 3" in message
