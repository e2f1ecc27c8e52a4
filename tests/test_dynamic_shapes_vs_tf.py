"""Differential test: shapes computed from tf.shape/tf.size/tf.rank of a fed tensor, accepted
wherever TF1 accepts a shape tensor and resolved when the run is traced; values equal TF's
for two feed shapes, static shapes as TF1 reports them (or less specific, never wrong)."""
import numpy as np
import pytest

tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

CASES = {
    "zeros": lambda tf, x, n: tf.zeros(tf.shape(x)),
    "fill": lambda tf, x, n: tf.fill([n, 2], 5.0),
    "ones_batch": lambda tf, x, n: tf.ones([n, 4]),
    "reshape": lambda tf, x, n: tf.reshape(x, [n, -1]),
    "reshape_stacked": lambda tf, x, n: tf.reshape(x, tf.stack([n * 3])),
    "tile": lambda tf, x, n: tf.tile(x, tf.stack([2, n - 1])),
    "slice": lambda tf, x, n: tf.slice(x, [0, 1], tf.stack([n - 1, 2])),
    "pad": lambda tf, x, n: tf.pad(x, tf.stack([[0, n], [1, 0]])),
    "one_hot": lambda tf, x, n: tf.one_hot(tf.cast(x[:, 0] > 0, tf.int32), n),
    "range": lambda tf, x, n: tf.range(n),
    "range_delta": lambda tf, x, n: tf.range(1, n * 2, 3),
    "size_rank": lambda tf, x, n: tf.zeros([tf.size(x), tf.rank(x)]),
    "random_shape": lambda tf, x, n: tf.shape(tf.random_normal(tf.shape(x), seed=1)),
}


def _run(tf, build):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        out = build(tf, x, tf.shape(x)[0])
        with tf.Session() as sess:
            values = [sess.run(out, {x: np.arange(3 * n, dtype=np.float32).reshape(n, 3) - 5})
                      for n in (4, 2)]
    return out.shape, values


@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_tensors_resolved_when_traced_match_tf(name):
    tf_shape, tf_values = _run(tf1, CASES[name])
    our_shape, our_values = _run(tfj, CASES[name])
    assert our_shape.ndims == tf_shape.ndims
    for ours, theirs in zip(our_shape.as_list(), tf_shape.as_list()):
        assert ours is None or ours == theirs
    for a, b in zip(our_values, tf_values):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
