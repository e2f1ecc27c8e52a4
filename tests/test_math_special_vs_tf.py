"""Differential tests of `tf.math.special` on TensorFlow and tfvars_jax: names, types, shapes,
dtypes, values and gradients of the functions we ship, and the names we do not ship."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(3)
SIGNED = rng.uniform(-4.0, 4.0, (3, 5)).astype(np.float32)
POS = rng.uniform(0.1, 5.0, (3, 5)).astype(np.float32)
POS64 = rng.uniform(0.1, 5.0, (4,))

CASES = {
    "dawsn": (lambda tf, x: tf.math.special.dawsn(x), [SIGNED]),
    "expint": (lambda tf, x: tf.math.special.expint(x), [POS]),
    "expint_f64": (lambda tf, x: tf.math.special.expint(x, name="e"), [POS64]),
    "fresnel_cos": (lambda tf, x: tf.math.special.fresnel_cos(x), [SIGNED]),
    "fresnel_sin": (lambda tf, x: tf.math.special.fresnel_sin(x), [SIGNED]),
    "spence": (lambda tf, x: tf.math.special.spence(x), [POS]),
    "bessel_i0": (lambda tf, x: tf.math.special.bessel_i0(x), [SIGNED]),
    "bessel_i1e": (lambda tf, x: tf.math.special.bessel_i1e(x), [SIGNED]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_special(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs), rtol=2e-5, atol=1e-5)


def test_unshipped_special_functions_say_so():
    for name in ("bessel_j0", "bessel_k1e", "bessel_y1"):
        assert hasattr(tf1.math.special, name)
        with pytest.raises(AttributeError, match=f"tfvars_jax.math.special.{name} is not supported"):
            getattr(tfj.math.special, name)
    with pytest.raises(TypeError):
        tfj.math.special.dawsn(tfj.constant([1, 2]))
