"""Differential tests: gathered gradients (`tf.IndexedSlices`) and the sparse updates TF1's
optimizers apply with them, on TensorFlow and on tfvars_jax.

An embedding trained through `embedding_lookup` gets an IndexedSlices gradient; Momentum,
RMSProp, Adadelta, FTRL and the proximal optimizers then update only the looked-up rows (the
others keep their values and slots), Adam every row. A dense update with zero rows gives other
numbers (momentum keeps moving untouched rows) — silently, which this guards against.
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

OPTIMIZERS = {
    "gd": lambda tf: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "rmsprop": lambda tf: tf.train.RMSPropOptimizer(0.1),
    "rmsprop_centered": lambda tf: tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
    "adam": lambda tf: tf.train.AdamOptimizer(0.1),
    "adagrad": lambda tf: tf.train.AdagradOptimizer(0.1),
    "adadelta": lambda tf: tf.train.AdadeltaOptimizer(1.0),
    "ftrl": lambda tf: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01),
    "proximal_adagrad": lambda tf: tf.train.ProximalAdagradOptimizer(
        0.1, l1_regularization_strength=0.01),
    "proximal_gd": lambda tf: tf.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=0.01),
}
BATCHES = ([0, 1], [2, 2], [0, 3], [1, 1])


def _train(tf, make_optimizer, clip):
    with tf.Graph().as_default():
        table = np.arange(15, dtype=np.float32).reshape(5, 3) / 10
        emb = tf.get_variable("emb", initializer=tf.constant(table))
        dense = tf.get_variable("dense", initializer=tf.constant([0.5, -0.5, 1.0]))
        ids = tf.placeholder(tf.int32, [None], name="ids")
        looked_up = tf.nn.embedding_lookup(emb, ids)
        loss = tf.reduce_sum(tf.square(looked_up * dense - 1.0))
        opt = make_optimizer(tf)
        grads_and_vars = opt.compute_gradients(loss)
        if clip:
            clipped, _ = tf.clip_by_global_norm([g for g, _ in grads_and_vars], 1.0)
            grads_and_vars = list(zip(clipped, [v for _, v in grads_and_vars]))
        train = opt.apply_gradients(grads_and_vars)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            grad = sess.run(grads_and_vars[0][0], {ids: [3, 0, 3]})
            for batch in BATCHES:
                sess.run(train, {ids: batch})
            slots = {n: sess.run(opt.get_slot(emb, n)) for n in opt.get_slot_names()}
            return {"grad_type": type(grads_and_vars[0][0]).__name__, "grad": grad,
                    "emb": sess.run(emb), "dense": sess.run(dense), "slots": slots}


@pytest.mark.parametrize("clip", [False, True], ids=["plain", "clip_by_global_norm"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_embedding_training_matches_tf(name, clip):
    ref = _train(tf1, OPTIMIZERS[name], clip)
    ours = _train(tfj, OPTIMIZERS[name], clip)
    assert ours["grad_type"] == ref["grad_type"] == "IndexedSlices"
    for part in ("values", "indices", "dense_shape"):
        np.testing.assert_allclose(getattr(ours["grad"], part), getattr(ref["grad"], part),
                                   rtol=1e-6)
    np.testing.assert_allclose(ours["emb"], ref["emb"], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(ours["dense"], ref["dense"], rtol=2e-5, atol=1e-6)
    assert sorted(ours["slots"]) == sorted(ref["slots"])
    for slot in ref["slots"]:
        np.testing.assert_allclose(ours["slots"][slot], ref["slots"][slot], rtol=2e-5, atol=1e-6)


def test_a_variable_also_used_densely_gets_a_dense_gradient_as_in_tf():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            emb = tf.get_variable("emb", [4, 2])
            loss = tf.reduce_sum(tf.gather(emb, [1, 1])) + tf.reduce_sum(emb * 2.0)
            axis1 = tf.reduce_sum(tf.gather(tf.get_variable("other", [2, 3]), [0], axis=1))
            g, = tf.gradients(loss, emb)
            g_axis1, = tf.gradients(axis1, tf.trainable_variables()[1])
            assert not isinstance(g, tf.IndexedSlices), tf
            assert not isinstance(g_axis1, tf.IndexedSlices), tf


def _train_partitioned(tf, make_optimizer, strategy):
    with tf.Graph().as_default():
        table = np.arange(15, dtype=np.float32).reshape(5, 3) / 10
        emb = tf.get_variable("emb", initializer=tf.constant(table),
                              partitioner=tf.fixed_size_partitioner(2))
        ids = tf.placeholder(tf.int32, [None], name="ids")
        loss = tf.reduce_sum(tf.square(
            tf.nn.embedding_lookup(emb, ids, partition_strategy=strategy) - 1.0))
        opt = make_optimizer(tf)
        grads_and_vars = opt.compute_gradients(loss)
        train = opt.apply_gradients(grads_and_vars)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            dense = sess.run([tf.convert_to_tensor(g) for g, _ in grads_and_vars],
                             {ids: [4, 0, 4, 1]})
            for batch in BATCHES:
                sess.run(train, {ids: batch})
            return ([type(g).__name__ for g, _ in grads_and_vars], dense,
                    sess.run(list(emb)))


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam", "ftrl"])
def test_sharded_embedding_training_matches_tf(name, strategy):
    """Each shard of a partitioned embedding gets an IndexedSlices gradient. (Ours holds an
    entry for every id, those of other shards with index -1 and zero values; TF1's only the
    shard's: the dense sums and the updates are the same.)"""
    ref = _train_partitioned(tf1, OPTIMIZERS[name], strategy)
    ours = _train_partitioned(tfj, OPTIMIZERS[name], strategy)
    assert ours[0] == ref[0] == ["IndexedSlices", "IndexedSlices"]
    for part in (1, 2):
        for a, b in zip(ours[part], ref[part]):
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def _slices_api(tf):
    with tf.Graph().as_default():
        emb = tf.get_variable("emb", initializer=tf.constant(np.ones((4, 3), np.float32)))
        ids = tf.placeholder(tf.int64, [None], name="ids")
        g, = tf.gradients(tf.reduce_sum(tf.nn.embedding_lookup(emb, ids) * 2.0), emb)
        dense = tf.convert_to_tensor(g)
        neg = -g
        clipped = tf.clip_by_norm(g, 1.0)
        static = {"type": type(g).__name__, "shape": g.shape.as_list(),
                  "dtypes": [g.dtype.name, g.values.dtype.name, g.indices.dtype.name,
                             g.dense_shape.dtype.name],
                  "dense": (dense.dtype.name, dense.shape.as_list()),
                  "neg": type(neg).__name__, "clipped": type(clipped).__name__}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run({"g": g, "dense": dense, "neg": neg.values, "clipped": clipped},
                           {ids: [2, 0]})
        return static, got


def test_indexed_slices_api_as_tf():
    """What a TF1 user sees of an IndexedSlices gradient: its type, static shape, dtypes of its
    parts, its dense conversion, negation and clipping (which keep it sparse), and the fetched
    IndexedSlicesValue."""
    (ref_static, ref), (ours_static, got) = _slices_api(tf1), _slices_api(tfj)
    assert ours_static == ref_static
    assert type(got["g"]).__name__ == type(ref["g"]).__name__ == "IndexedSlicesValue"
    for part in ("values", "indices", "dense_shape"):
        a, b = getattr(got["g"], part), getattr(ref["g"], part)
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got["dense"], ref["dense"])
    np.testing.assert_array_equal(got["neg"], ref["neg"])
    np.testing.assert_allclose(got["clipped"].values, ref["clipped"].values, rtol=1e-6)
