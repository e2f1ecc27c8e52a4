"""Differential tests: the elementwise, special-function, scan and reduction ops of `tf.math`
on TensorFlow and on tfvars_jax (names, types, shapes, dtypes, values, gradients, errors), and
that `tf.math` exports the same op definitions as the top level."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_error, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(0)
POS = rng.uniform(0.2, 3.0, (3, 4)).astype(np.float32)
POS2 = rng.uniform(0.2, 3.0, (3, 4)).astype(np.float32)
UNIT = rng.uniform(0.05, 0.95, (3, 4)).astype(np.float32)
SIGNED = rng.normal(size=(3, 4)).astype(np.float32)
WITH_ZEROS = np.array([[0.0, 1.5, -2.0, 0.0], [3.0, 0.0, 0.5, -1.0], [0.0, 2.0, 4.0, 1.0]],
                      np.float32)
INTS = np.array([[7, -7, 5, -5], [9, 0, -1, 3], [12, -12, 1, 0]], np.int32)
DIVISORS = np.array([[2, 2, -3, -3], [4, 5, 2, -2], [5, 5, 1, 7]], np.int32)
SORTED = np.array([1.0, 2.0, 2.0, 5.0], np.float32)

CASES = {
    "acosh": (lambda tf, x: tf.acosh(x + 1.0), [POS]),
    "asinh": (lambda tf, x: tf.asinh(x), [SIGNED]),
    "atanh": (lambda tf, x: tf.atanh(x), [UNIT]),
    "erfc": (lambda tf, x: tf.erfc(x), [SIGNED]),
    "digamma": (lambda tf, x: tf.digamma(x), [POS]),
    "lgamma_math": (lambda tf, x: tf.math.lgamma(x), [POS]),
    "igamma": (lambda tf, a, x: tf.igamma(a, x), [POS, POS2]),
    "igammac": (lambda tf, a, x: tf.igammac(a, x), [POS, POS2]),
    "betainc": (lambda tf, a, b, x: tf.betainc(a, b, x), [POS, POS2, UNIT]),
    "zeta": (lambda tf, x, q: tf.zeta(x + 1.0, q), [POS, POS2]),
    "polygamma": (lambda tf, a, x: tf.polygamma(tf.floor(a), x), [POS, POS2]),
    "lbeta": (lambda tf, x: tf.lbeta(x), [POS]),
    "bessel_i0": (lambda tf, x: tf.math.bessel_i0(x), [SIGNED]),
    "bessel_i0e": (lambda tf, x: tf.math.bessel_i0e(x), [SIGNED]),
    "bessel_i1": (lambda tf, x: tf.math.bessel_i1(x), [SIGNED]),
    "bessel_i1e": (lambda tf, x: tf.math.bessel_i1e(x), [SIGNED]),
    "erfinv": (lambda tf, x: tf.math.erfinv(x * 2.0 - 1.0), [UNIT]),
    "ndtri": (lambda tf, x: tf.math.ndtri(x), [UNIT]),
    "xlogy": (lambda tf, x, y: tf.math.xlogy(x, y), [WITH_ZEROS, POS]),
    "xlog1py": (lambda tf, x, y: tf.math.xlog1py(x, y), [WITH_ZEROS, POS]),
    "xdivy": (lambda tf, x, y: tf.math.xdivy(x, y), [WITH_ZEROS, POS]),
    "div_no_nan": (lambda tf, x, y: tf.div_no_nan(x, y), [SIGNED, WITH_ZEROS]),
    "divide_no_nan": (lambda tf, x, y: tf.math.divide_no_nan(x, y, name="d"), [SIGNED, WITH_ZEROS]),
    "multiply_no_nan": (lambda tf, x, y: tf.math.multiply_no_nan(x / 0.0, y),
                        [SIGNED, WITH_ZEROS]),
    "reciprocal_no_nan": (lambda tf, x: tf.math.reciprocal_no_nan(x), [WITH_ZEROS]),
    "truncatediv": (lambda tf, x, y: tf.truncatediv(x, y), [INTS, DIVISORS]),
    "truncatemod": (lambda tf, x, y: tf.truncatemod(x, y), [INTS, DIVISORS]),
    "truncatemod_float": (lambda tf, x, y: tf.truncatemod(x, y), [SIGNED, POS], False),
    "truncatediv_float": (lambda tf, x, y: tf.truncatediv(x, y), [SIGNED, POS]),
    "realdiv": (lambda tf, x, y: tf.realdiv(x, y), [SIGNED, POS]),
    "div_no_nan_int": (lambda tf, x, y: tf.div_no_nan(x, y), [INTS, INTS]),
    "floor_div": (lambda tf, x, y: tf.floor_div(x, y), [INTS, DIVISORS]),
    "nextafter": (lambda tf, x, y: tf.math.nextafter(x, y), [SIGNED, POS]),
    "scalar_mul": (lambda tf, x: tf.scalar_mul(2.5, x), [SIGNED]),
    "cumprod": (lambda tf, x: tf.cumprod(x, axis=1), [POS]),
    "cumprod_excl_rev": (lambda tf, x: tf.math.cumprod(x, axis=-1, exclusive=True, reverse=True),
                         [POS]),
    "cumprod_int": (lambda tf, x: tf.cumprod(x, axis=0), [INTS]),
    "cumsum_math": (lambda tf, x: tf.math.cumsum(x, axis=1, exclusive=True), [SIGNED]),
    "cumulative_logsumexp": (lambda tf, x: tf.math.cumulative_logsumexp(x, axis=1), [SIGNED]),
    "cumulative_logsumexp_excl_rev": (
        lambda tf, x: tf.math.cumulative_logsumexp(x, exclusive=True, reverse=True), [SIGNED]),
    "count_nonzero": (lambda tf, x: tf.count_nonzero(x), [WITH_ZEROS]),
    "count_nonzero_axis": (lambda tf, x: tf.math.count_nonzero(x, axis=1, keepdims=True,
                                                               dtype=tf.int32), [INTS]),
    "reduce_variance": (lambda tf, x: tf.math.reduce_variance(x, axis=0), [SIGNED]),
    "reduce_std": (lambda tf, x: tf.math.reduce_std(x, axis=[0, 1], keepdims=True), [SIGNED]),
    "reduce_euclidean_norm": (lambda tf, x: tf.math.reduce_euclidean_norm(x, axis=1), [SIGNED]),
    "reduce_euclidean_norm_int": (lambda tf, x: tf.math.reduce_euclidean_norm(x), [INTS]),
    "is_non_decreasing": (lambda tf, x: tf.is_non_decreasing(x), [SORTED]),
    "is_strictly_increasing": (lambda tf, x: tf.is_strictly_increasing(x), [SORTED]),
    "is_non_decreasing_2d": (lambda tf, x: tf.math.is_non_decreasing(x), [SIGNED]),
    "to_double": (lambda tf, x: tf.to_double(x), [SIGNED]),
    "to_complex64": (lambda tf, x: tf.to_complex64(x), [SIGNED]),
    "arg_max": (lambda tf, x: tf.arg_max(x, 1), [SIGNED]),
    "arg_min": (lambda tf, x: tf.arg_min(x, 0), [SIGNED]),
    "reverse_v2": (lambda tf, x: tf.reverse_v2(x, [1]), [SIGNED]),
    "math_aliases": (lambda tf, x: [tf.math.sin(x), tf.math.cos(x), tf.math.log1p(x * x),
                                    tf.math.softplus(x), tf.math.squared_difference(x, 1.0),
                                    tf.math.l2_normalize(x, axis=1), tf.math.softmax(x),
                                    tf.math.log_softmax(x), tf.math.softsign(x),
                                    tf.math.add_n([x, x]), tf.math.reciprocal(x + 5.0)],
                     [SIGNED]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_math_op_matches_tf(case):
    build, inputs, *grads = CASES[case]
    grads = grads[0] if grads else True
    assert_same(run_op(tfj, build, inputs, grads), run_op(tf1, build, inputs, grads), rtol=2e-5,
                atol=1e-5)


def test_float_only_ops_reject_integers_as_tf():
    for build in (lambda tf: tf.digamma(tf.constant([1, 2])),
                  lambda tf: tf.math.multiply_no_nan(tf.constant([1]), tf.constant([0])),
                  lambda tf: tf.scalar_mul(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))):
        for tf in (tf1, tfj):
            with tf.Graph().as_default(), pytest.raises((TypeError, ValueError)):
                build(tf)


@pytest.mark.parametrize("op", ["truncatediv", "truncatemod"])
def test_integer_division_by_zero_fails_the_run_as_tf(op):
    build = lambda tf, x, y: getattr(tf, op)(x, y)  # noqa: E731
    zeros = np.zeros_like(DIVISORS)
    zeros[0, 0] = 1
    # TF 2.21's kernel reports it as InternalError ("Unexpected error in binary operator"); TF1's
    # and TF's FloorDiv say InvalidArgumentError("Integer division by zero"), which we raise.
    assert run_error(tf1, build, [INTS, zeros]) in ("InvalidArgumentError", "InternalError")
    assert run_error(tfj, build, [INTS, zeros]) == "InvalidArgumentError"
    assert run_error(tfj, build, [INTS, DIVISORS]) is None


def test_no_gradient_defined_raises_lookup_error_as_tf():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.constant([1.5, 2.5])
            with pytest.raises(LookupError):
                tf.gradients(tf.truncatemod(x, 2.0), x)
            assert tf.gradients(tf.truncatediv(x, 2.0), x) == [None]  # not differentiable


def test_realdiv_of_integers_is_rejected():
    with tfj.Graph().as_default(), pytest.raises(TypeError, match="RealDiv"):
        tfj.realdiv(tfj.constant([1]), tfj.constant([2]))


def test_not_differentiable_stops_gradients_of_the_declared_type():
    from tfvars_jax.framework.op_builder import op_output
    tfj.NotDifferentiable("TestOnlyCube")
    with pytest.raises(KeyError):
        tfj.no_gradient("TestOnlyCube")
    with pytest.raises(KeyError):
        tfj.NotDifferentiable("Floor")
    with tfj.Graph().as_default():
        x = tfj.constant([2.0])
        cube = op_output("TestOnlyCube", lambda v: v ** 3, [x])
        assert tfj.gradients(cube, x) == [None]
        assert tfj.gradients(cube + x, x)[0].eval(session=tfj.Session()).tolist() == [1.0]


def test_math_namespace_exports_the_top_level_definitions():
    for name in ["sin", "cumsum", "log1p", "squared_difference", "cumprod", "igamma", "lbeta",
                 "count_nonzero", "is_non_decreasing", "erfc", "digamma"]:
        assert getattr(tfj.math, name) is getattr(tfj, name), name
    assert tfj.math.l2_normalize is tfj.nn.l2_normalize
    assert tfj.math.softplus is tfj.nn.softplus
    assert tfj.math.divide_no_nan is tfj.div_no_nan
