"""Differential tests: TF1's static assertions (`tf.assert_rank`, `assert_integer`,
`assert_type`, `assert_scalar`, ...), `tf.complex`/`tf.angle` and the small graph-time helpers,
on TensorFlow and on tfvars_jax (what they return, their names, the errors)."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

STATIC_OK = {
    "assert_rank": lambda tf, x: tf.assert_rank(x, 2),
    "assert_rank_at_least": lambda tf, x: tf.assert_rank_at_least(x, 1, name="r"),
    "assert_rank_in": lambda tf, x: tf.debugging.assert_rank_in(x, [1, 2]),
    "assert_integer": lambda tf, x: tf.assert_integer(tf.cast(x, tf.int32)),
    "assert_type": lambda tf, x: tf.assert_type(x, tf.float32),
    "tables_initializer": lambda tf, x: tf.tables_initializer(),
}
STATIC_BAD = {
    "assert_rank": (lambda tf, x: tf.assert_rank(x, 3), ValueError),
    "assert_rank_at_least": (lambda tf, x: tf.assert_rank_at_least(x, 3), ValueError),
    "assert_rank_in": (lambda tf, x: tf.assert_rank_in(x, [0, 1]), ValueError),
    "assert_integer": (lambda tf, x: tf.assert_integer(x), TypeError),
    "assert_type": (lambda tf, x: tf.assert_type(x, tf.int32), TypeError),
    "assert_scalar": (lambda tf, x: tf.assert_scalar(x), ValueError),
    "assert_same_float_dtype": (lambda tf, x: tf.assert_same_float_dtype(
        [x, tf.cast(x, tf.float64)]), ValueError),
}


@pytest.mark.parametrize("case", sorted(STATIC_OK))
def test_static_assertion_passing_gives_tf1s_no_op(case):
    names = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            op = STATIC_OK[case](tf, tf.zeros([2, 3]))
            names.append((op.name, op.type))
    assert names[0] == names[1]


@pytest.mark.parametrize("case", sorted(STATIC_BAD))
def test_static_assertion_failing_raises_as_tf(case):
    build, error = STATIC_BAD[case]
    for tf in (tf1, tfj):
        with tf.Graph().as_default(), pytest.raises(error):
            build(tf, tf.zeros([2, 3]))


@pytest.mark.parametrize("value,ok", [([[1.0]], True), ([1.0], False)])
def test_assert_rank_of_an_unknown_rank_checks_in_the_run(value, ok):
    results = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            p = tf.placeholder(tf.float32)
            check = tf.assert_rank(p, 2)
            with tf.Session() as sess:
                try:
                    sess.run(check, {p: value})
                    results.append(None)
                except tf.errors.InvalidArgumentError:
                    results.append("InvalidArgumentError")
    assert results[0] == results[1] == (None if ok else "InvalidArgumentError")


def test_helpers_match_tf():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.zeros([2, 3])
            assert tf.assert_scalar(tf.constant(1.0)).shape.ndims == 0
            assert tf.assert_same_float_dtype([x, x]) == tf.float32
            assert tf.assert_same_float_dtype() == tf.float32
            assert tf.is_numeric_tensor(x) and not tf.is_numeric_tensor(np.zeros(2))
            assert tf.dimension_value(x.shape[1]) == 3 and tf.dimension_value(None) is None
            assert tf.dimension_value(tf.dimension_at_index(x.shape, 0)) == 2
            assert tf.executing_eagerly() is False


CASES = {
    "complex": (lambda tf, a, b: tf.complex(a, b), [np.float32([1.0, -2.0]), np.float32([0.5, 3])]),
    "angle_complex": (lambda tf, a, b: tf.angle(tf.complex(a, b)),
                      [np.float64([1.0, -2.0]), np.float64([0.5, -3])]),
    "angle_real": (lambda tf, a: tf.math.angle(a), [np.float32([1.0, -2.0, 0.0])]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_complex_ops_match_tf(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs, grads=False), run_op(tf1, build, inputs, grads=False))
