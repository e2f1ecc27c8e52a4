"""Differential tests: ops whose output shapes depend on values (tf.boolean_mask,
tf.where(condition), tf.unique, tf.dynamic_partition, tf.dynamic_stitch) on real TensorFlow and
on tfvars_jax, over feeds of changing sizes — values, gradients and static shapes."""
import numpy as np
import pytest

tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]


def _program(tf):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.array([1.0, 2.0, 0.5], np.float32), name="w")
    picked = tf.boolean_mask(x * w, tf.reduce_sum(x, 1) > 0)
    loss = tf.reduce_sum(picked * picked)
    fetches = [picked, loss, tf.gradients(loss, [w, x]), tf.where(x > 0.5),
               tf.unique(tf.cast(tf.reshape(tf.round(x), [-1]), tf.int32)),
               tf.dynamic_partition(x, tf.cast(tf.reduce_sum(x, 1) > 0, tf.int32) +
                                    tf.cast(tf.reduce_sum(x, 1) > 1, tf.int32), 3),
               tf.dynamic_stitch([[0, 2], [1, 3, 2]], [[[1.0, 1.0], [2.0, 2.0]],
                                                       [[3.0, 3.0], [4.0, 4.0], [5.0, 5.0]]]),
               tf.boolean_mask(x, x > 0), tf.boolean_mask(x, tf.reduce_max(x, 0) > 0, axis=1)]
    shapes = [t.shape.as_list() for t in tf.nest.flatten(fetches) if t is not None] \
        if hasattr(tf, "nest") else None
    return x, w, fetches, [fetches[0].name, fetches[0].shape.as_list(),
                           fetches[3].shape.as_list(), fetches[6].shape.as_list()], shapes


def _run(tf):
    with tf.Graph().as_default():
        x, w, fetches, names, _ = _program(tf)
        rng = np.random.RandomState(0)
        with tf.Session() as sess:
            sess.run(w.initializer)
            runs = [sess.run(fetches, {x: rng.randn(n, 3).astype(np.float32)})
                    for n in (4, 4, 6, 2, 0)]
    return names, runs


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [y for item in x for y in _leaves(item)]
    return [np.asarray(x)]


def test_data_dependent_ops_match_tf_over_changing_sizes():
    tf_names, tf_runs = _run(tf1)
    our_names, our_runs = _run(tfj)
    assert our_names == tf_names
    for k, (a, b) in enumerate(zip(tf_runs, our_runs)):
        la, lb = _leaves(a), _leaves(b)
        assert len(la) == len(lb)
        for j, (p, q) in enumerate(zip(la, lb)):
            assert p.dtype == q.dtype and p.shape == q.shape, (k, j, p, q)
            np.testing.assert_allclose(q, p, rtol=1e-5, atol=1e-6, err_msg=f"run {k} leaf {j}")


def _range_of_fed_size(tf):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None], name="x")
        try:
            out = tf.range(tf.size(x))
        except NotImplementedError:
            return "NotImplementedError"
        with tf.Session() as sess:
            return [sess.run(out, {x: np.zeros([n], np.float32)}).tolist() for n in (3, 0)]


def test_range_of_a_fed_tensors_size_as_tf1():
    """The positions idiom of dynamic_stitch (found by the fuzzer): tf.range's bound computed
    from a fed tensor's shape is resolved when the run is traced."""
    assert _range_of_fed_size(tf1) == [[0, 1, 2], []]
    assert _range_of_fed_size(tfj) == [[0, 1, 2], []]


def _sized_consumers(tf):
    """Ops after a data-dependent one that need its exact size to trace (a first guess of the
    size fails there), and dynamic_stitch's gradient where an index repeats (TF1 gathers the
    gradient for every data element, also one a later element overwrote)."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 2, 3], name="x")
        y = tf.placeholder(tf.float32, [None, 3], name="y")
        ids = tf.placeholder(tf.int32, [None], name="ids")
        out = tf.dynamic_stitch([[[0, 1], [1, 4]], ids], [x, y])
        weighted = tf.reduce_sum(out * tf.range(5.0)[:, None])
        masked = tf.boolean_mask(y, y[:, 0] > 1.0) * tf.constant([[1.0, 2.0, 3.0]] * 2)
        fetches = [out, tf.gradients(weighted, [x, y]), masked]
        with tf.Session() as sess:
            return [sess.run(fetches, {x: np.ones((2, 2, 3)), ids: i,
                                       y: np.arange(6.0).reshape(2, 3) + k})
                    for i, k in (([4, 2], 0.0), ([4, 2], 0.0), ([2, 3], -1.0))]


def test_sizes_that_a_later_op_needs_and_stitch_gradients_as_tf1():
    for got, ref in zip(_sized_consumers(tfj), _sized_consumers(tf1)):
        for a, b in zip(_leaves(got), _leaves(ref)):
            np.testing.assert_array_equal(a, b)
