"""Differential tests of `tf.bitwise`, `tf.bitcast` and `tf.switch_case` on TensorFlow and
tfvars_jax: names, types, shapes, dtypes, exact values (shifts at and beyond the type's width,
bitcasts that add or drop a dimension), switch_case's default branch for an out-of-range
index and gradients through the taken branch, and errors."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

I32 = np.array([[7, -7, 123456, -1], [0, 1, 2 ** 30, -(2 ** 31)]], np.int32)
SH = np.array([[0, 1, 31, 32], [40, -1, 3, 5]], np.int32)
U8 = np.array([3, 200, 255, 0], np.uint8)
F32 = np.array([[1.5, -2.0], [0.0, 3.25]], np.float32)

CASES = {
    "and": (lambda tf, x, y: tf.bitwise.bitwise_and(x, y), [I32, SH]),
    "or": (lambda tf, x, y: tf.bitwise.bitwise_or(x, y, name="o"), [I32, SH]),
    "xor": (lambda tf, x, y: tf.bitwise.bitwise_xor(x, y), [I32, SH]),
    "invert": (lambda tf, x: tf.bitwise.invert(x), [I32]),
    "invert_u8": (lambda tf, x: tf.bitwise.invert(x), [U8]),
    "left_shift": (lambda tf, x, y: tf.bitwise.left_shift(x, y), [I32, SH]),
    "right_shift": (lambda tf, x, y: tf.bitwise.right_shift(x, y), [I32, SH]),
    "right_shift_u8": (lambda tf, x: tf.bitwise.right_shift(x, np.uint8(3)), [U8]),
    "bitcast_same": (lambda tf, x: tf.bitcast(x, tf.int32), [F32]),
    "bitcast_narrower": (lambda tf, x: tf.bitcast(x, tf.uint8, name="b"), [F32]),
    "bitcast_wider": (lambda tf, x: tf.bitcast(tf.reshape(x, [2, 2]), tf.uint16), [U8]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bit_ops(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs), exact=True)


def _switch(tf, x, index, default):
    branches = [lambda: x * 2., lambda: tf.sin(x), lambda: x * x]
    out = tf.switch_case(index, branches, default=(lambda: -x) if default else None)
    return out, tf.gradients(tf.reduce_sum(out), x)[0]


@pytest.mark.parametrize("default", [False, True])
@pytest.mark.parametrize("index", [0, 1, 2, 5, -1])
def test_switch_case(index, default):
    results = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.constant([0.5, -1.5])
            i = tf.placeholder(tf.int32, [])
            fetch = _switch(tf, x, i, default)
            assert fetch[0].shape.as_list() == [2]
            with tf.Session() as sess:
                results.append(sess.run(fetch, {i: index}))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("tf", [tf1, tfj], ids=["tf", "ours"])
def test_switch_case_dict_and_pairs(tf):
    with tf.Graph().as_default():
        i = tf.constant(1)
        a = tf.switch_case(i, {1: lambda: tf.constant(10), 0: lambda: tf.constant(20)})
        b = tf.switch_case(i, [(0, lambda: tf.constant(1)), (1, lambda: tf.constant(2))])
        with tf.Session() as sess:
            assert sess.run([a, b]) == [10, 2]


@pytest.mark.parametrize("tf", [tf1, tfj], ids=["tf", "ours"])
def test_errors(tf):
    with tf.Graph().as_default():
        with pytest.raises(TypeError):
            tf.bitwise.bitwise_and(tf.constant([1.]), tf.constant([2.]))
        with pytest.raises(TypeError, match="type int64 that does not match expected type of int32"):
            tf.switch_case(tf.constant(1, tf.int64), [lambda: 1., lambda: 2.])
        with pytest.raises(ValueError, match="must form contiguous range"):
            tf.switch_case(tf.constant(1), {0: lambda: 1., 2: lambda: 2.})
        with pytest.raises(ValueError):
            tf.bitcast(tf.constant([1, 2, 3], tf.uint8), tf.uint16)
