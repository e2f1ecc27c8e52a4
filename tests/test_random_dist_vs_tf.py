"""tf.random_gamma, tf.random_poisson, tf.random_crop: names, shapes and dtypes as TF1's (the
values come from JAX's PRNG: distributions are checked, seeds make them reproducible), and
random_crop's run-time size check as TF1's."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

BUILDS = {
    "gamma": lambda tf: tf.random_gamma([4000], [0.5, 2.0], beta=[1.0, 4.0], seed=1),
    "gamma_f64": lambda tf: tf.random.gamma([4000, 1], 3.0, dtype=tf.float64, seed=2),
    "poisson": lambda tf: tf.random_poisson([1.0, 6.0], [4000], seed=3),
    "poisson_int": lambda tf: tf.random.poisson(2.5, [4000], dtype=tf.int32, seed=4),
    "crop": lambda tf: tf.random_crop(tf.reshape(tf.range(20.0), [4, 5]), [2, 3], seed=5),
}
MEANS = {"gamma": [0.5, 0.5], "gamma_f64": [3.0], "poisson": [1.0, 6.0], "poisson_int": [2.5]}


@pytest.mark.parametrize("case", sorted(BUILDS))
def test_random_op_matches_tf_in_name_shape_dtype_and_distribution(case):
    seen = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            out = BUILDS[case](tf)
            with tf.Session() as sess:
                a, b = sess.run(out), sess.run(out)
            seen.append((out.op.name, out.op.type, out.shape.as_list(), out.dtype.name))
            assert not np.array_equal(a, b)  # each run draws afresh
            if case in MEANS:
                np.testing.assert_allclose(a.reshape(4000, -1).mean(0), MEANS[case], rtol=0.08)
            else:  # a contiguous 2x3 window of the 4x5 grid
                r, c = divmod(int(a[0, 0]), 5)
                np.testing.assert_array_equal(a, np.arange(20.0).reshape(4, 5)[r:r + 2, c:c + 3])
    assert seen[0] == seen[1]


def test_seeded_draws_repeat_across_sessions():
    values = []
    for _ in range(2):
        with tfj.Graph().as_default():
            tfj.set_random_seed(7)
            out = tfj.random_gamma([3], 2.0)
            with tfj.Session() as sess:
                values.append(sess.run(out))
    np.testing.assert_array_equal(values[0], values[1])


def test_gamma_is_differentiable_in_alpha_as_tf():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            alpha = tf.constant([1.0, 2.0])
            grad, = tf.gradients(tf.reduce_sum(tf.random_gamma([100], alpha, seed=1)), alpha)
            with tf.Session() as sess:
                assert np.all(sess.run(grad) > 0)


@pytest.mark.parametrize("size,error", [([3, 2], "InvalidArgumentError"), ([2, 2], None)])
def test_random_crop_larger_than_the_value_fails_the_run_as_tf(size, error):
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            p = tf.placeholder(tf.float32, [None, None])
            out = tf.random_crop(p, size)
            with tf.Session() as sess:
                try:
                    sess.run(out, {p: np.zeros((2, 3))})
                    got = None
                except tf.errors.OpError as e:
                    got = type(e).__name__
            assert got == error
