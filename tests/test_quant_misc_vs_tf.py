"""Differential tests of `tf.fake_quant_with_min_max_*` (values at and around the nudged
range's edges, narrow ranges and bit widths, gradients to inputs and to min/max, the explicit
gradient ops), `tf.sparse_matmul`, `tf.guarantee_const` and `tf.histogram_fixed_width_bins`
on TensorFlow and tfvars_jax."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(5)
X = np.concatenate([rng.uniform(-8, 8, 40), [-6.0, 6.0, 0.0, -6.05, 5.98, 0.02]]).astype(
    np.float32).reshape(2, 23)
G = rng.normal(size=(2, 23)).astype(np.float32)
CH = rng.uniform(-3, 3, (4, 3)).astype(np.float32)
LO = np.float32(-1.3)
HI = np.float32(2.1)
LO3 = np.array([-1.0, -0.2, -2.5], np.float32)
HI3 = np.array([1.0, 2.7, 0.4], np.float32)
A = rng.normal(size=(3, 4)).astype(np.float32)
B = rng.normal(size=(3, 5)).astype(np.float32)

CASES = {
    "args": (lambda tf, x: tf.fake_quant_with_min_max_args(x), [X]),
    "args_narrow_4bit": (lambda tf, x: tf.fake_quant_with_min_max_args(
        x, min=-2.3, max=5.1, num_bits=4, narrow_range=True, name="q"), [X]),
    "args_positive_range": (lambda tf, x: tf.fake_quant_with_min_max_args(x, 0.5, 3.0), [X]),
    "args_gradient": (lambda tf, g, x: tf.fake_quant_with_min_max_args_gradient(
        g, x, -2.3, 5.1, num_bits=5), [G, X]),
    "vars": (lambda tf, x, lo, hi: tf.fake_quant_with_min_max_vars(x, lo, hi), [X, LO, HI]),
    "vars_narrow": (lambda tf, x, lo, hi: tf.fake_quant_with_min_max_vars(
        x, lo, hi, num_bits=3, narrow_range=True), [X, LO, HI]),
    "vars_gradient": (lambda tf, g, x, lo, hi: list(tf.fake_quant_with_min_max_vars_gradient(
        g, x, lo, hi, num_bits=6)), [G, X, LO, HI]),
    "per_channel": (lambda tf, x, lo, hi: tf.fake_quant_with_min_max_vars_per_channel(
        x, lo, hi), [CH, LO3, HI3]),
    "per_channel_gradient": (lambda tf, g, x, lo, hi: list(
        tf.fake_quant_with_min_max_vars_per_channel_gradient(g, x, lo, hi, narrow_range=True)),
        [CH * 0.5, CH, LO3, HI3]),
    "sparse_matmul": (lambda tf, a, b: tf.sparse_matmul(a, b, transpose_a=True,
                                                        a_is_sparse=True), [A, B]),
    "sparse_matmul_tb": (lambda tf, a, b: tf.sparse_matmul(a, b, transpose_b=True, name="s"),
                         [A, A]),
    "histogram_bins": (lambda tf, x: tf.histogram_fixed_width_bins(x, [-5.0, 5.0], nbins=7), [X]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_ops(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("tf", [tf1, tfj], ids=["tf", "ours"])
def test_guarantee_const(tf):
    with tf.Graph().as_default():
        x = tf.constant([1., 2.])
        y = tf.guarantee_const(x)
        assert (y.op.type, y.op.name) == ("GuaranteeConst", "GuaranteeConst")
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), [1., 2.])
        with pytest.raises(LookupError):
            tf.gradients(y * 2., x)


def test_num_bits_out_of_range_raises_when_built():
    """TF raises InvalidArgumentError when the op is made into a kernel (at the run); we
    raise ValueError when the op is built."""
    with tfj.Graph().as_default():
        with pytest.raises(ValueError, match="num_bits is out of range"):
            tfj.fake_quant_with_min_max_args(tfj.constant([1.]), num_bits=1)


@pytest.mark.parametrize("tf", [tf1, tfj], ids=["tf", "ours"])
def test_errors(tf):
    with tf.Graph().as_default():
        with pytest.raises(TypeError):
            tf.sparse_matmul(tf.constant([[1.]], tf.float64), tf.constant([[1.]], tf.float64))
