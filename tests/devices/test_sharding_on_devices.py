"""tfvars_jax.sharding on 8 JAX CPU devices: data-parallel functional steps, variables sharded
over a Mesh (Session runs, Saver, Orbax), a cluster's ps tasks on local devices."""
import jax
import numpy as np
import pytest
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

import tfvars_jax as tf
from tfvars_jax import functional, sharding

CPU = jax.devices("cpu")


def _model():
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    h = tf.layers.dense(x, 16, tf.nn.relu, kernel_initializer=tf.glorot_uniform_initializer(seed=1))
    logits = tf.layers.dense(h, 3, kernel_initializer=tf.glorot_uniform_initializer(seed=2))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    return x, y, loss, train


def _batches(n=3, size=32):
    rng = np.random.RandomState(0)
    return [(rng.randn(size, 8).astype(np.float32), rng.randint(0, 3, size).astype(np.int32))
            for _ in range(n)]


def test_data_parallel_step_equals_the_one_device_step():
    x, y, loss, train = _model()
    step = functional.make_step([train, loss], [x, y])
    init = functional.make_init()
    mesh = Mesh(np.array(CPU), ("data",))
    plain, split = jax.jit(step), sharding.data_parallel(step, mesh)
    s1, s2 = init(seed=0), init(seed=0)
    for xs, ys in _batches():
        (_, l1), s1 = plain(s1, xs, ys)
        (_, l2), s2 = split(s2, xs, ys)
        np.testing.assert_allclose(l2, l1, rtol=1e-5)
    assert sorted(s1) == sorted(s2)
    for name in s1:
        np.testing.assert_allclose(s2[name], s1[name], rtol=1e-5, atol=1e-6)
        assert s2[name].sharding == NamedSharding(mesh, P()), name
    with pytest.raises(ValueError):  # 30 rows do not split over 8 devices
        split(s2, np.zeros((30, 8), np.float32), np.zeros(30, np.int32))
    # A JAX user's own placement works with plain jax.jit too (XLA propagates the shardings).
    s3 = jax.device_put(init(seed=0), NamedSharding(mesh, P()))
    for xs, ys in _batches():
        rows = NamedSharding(mesh, P("data"))
        (_, l3), s3 = plain(s3, jax.device_put(xs, rows), jax.device_put(ys, rows))
    for name in s1:
        np.testing.assert_allclose(s3[name], s1[name], rtol=1e-5, atol=1e-6)


def _embedding_model(shard_mesh=None):
    ids = tf.placeholder(tf.int32, [None], name="ids")
    spec = sharding.shard_variables(shard_mesh, P("model", None)) if shard_mesh else None
    if spec:
        with spec:
            table = tf.get_variable("table", [16, 4],
                                    initializer=tf.random_normal_initializer(seed=1))
    else:
        table = tf.get_variable("table", [16, 4], initializer=tf.random_normal_initializer(seed=1))
    w = tf.get_variable("w", [4, 1], initializer=tf.ones_initializer())
    loss = tf.reduce_sum(tf.square(tf.matmul(tf.nn.embedding_lookup(table, ids), w)))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    return ids, table, loss, train


def test_sharded_variable_trains_as_the_unsharded_one_and_keeps_its_sharding(tmp_path):
    mesh = Mesh(np.array(CPU[:4]), ("model",))
    results = []
    for shard in (None, mesh):
        with tf.Graph().as_default():
            ids, table, loss, train = _embedding_model(shard)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                losses = [sess.run([train, loss], {ids: [1, 5, 9, 14]})[1] for _ in range(3)]
                results.append((losses, sess.run(table)))
                if shard is not None:
                    want = NamedSharding(mesh, P("model", None))
                    assert sess.state["table"].sharding == want
                    assert sess.state["table/Adam"].sharding == want  # slots follow
                    assert sess.state["w"].devices() == {CPU[0]}
                    assert sess.home_of("table") == want
    (l1, t1), (l2, t2) = results
    np.testing.assert_allclose(l2, l1, rtol=1e-6)
    np.testing.assert_allclose(t2, t1, rtol=1e-6)


def test_sharded_variable_saved_and_restored_by_saver_and_orbax(tmp_path):
    pytest.importorskip("orbax.checkpoint")
    from tfvars_jax import checkpoint
    mesh = Mesh(np.array(CPU[:4]), ("model",))
    want = NamedSharding(mesh, P("model", None))
    ids, table, loss, train = _embedding_model(mesh)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {ids: [2, 3]})
        trained = sess.run(table)
        path = saver.save(sess, str(tmp_path / "tf" / "model"), write_meta_graph=False)
        checkpoint.save(str(tmp_path / "orbax"), sess)
    for restore in (lambda s: saver.restore(s, path),
                    lambda s: checkpoint.restore(str(tmp_path / "orbax"), s)):
        with tf.Session() as sess:
            restore(sess)
            assert sess.state["table"].sharding == want
            np.testing.assert_array_equal(sess.run(table), trained)
            assert [s.data.shape for s in sess.state["table"].addressable_shards] == [(4, 4)] * 4


def test_data_parallel_keeps_sharded_variables_sharded():
    mesh = Mesh(np.array(CPU[:4]).reshape(2, 2), ("data", "model"))
    ids, table, loss, train = _embedding_model(mesh)
    step = sharding.data_parallel(functional.make_step([train, loss], [ids]), mesh, axis="data")
    state = functional.make_init()(seed=0)
    (_, value), state = step(state, np.array([1, 2, 3, 4], np.int32))
    assert state["table"].sharding == NamedSharding(mesh, P("model", None))
    assert state["w"].sharding == NamedSharding(mesh, P())
    assert np.isfinite(value)


def test_partitioned_variable_parts_on_the_ps_tasks_of_a_local_cluster():
    cluster = tf.train.ClusterSpec({"ps": ["ps0:2222", "ps1:2222"], "worker": ["w0:2222"]})

    def build(placed):
        with tf.device(tf.train.replica_device_setter(cluster=cluster) if placed else None):
            emb = tf.get_variable("emb", [10, 4], partitioner=tf.fixed_size_partitioner(2),
                                  initializer=tf.random_uniform_initializer(seed=3))
            w = tf.get_variable("w", [4, 1], initializer=tf.ones_initializer())
            loss = tf.reduce_sum(tf.matmul(tf.nn.embedding_lookup(emb, [1, 7, 8]), w))
            train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
        return emb, loss, train
    values = []
    for placed in (False, True):
        with tf.Graph().as_default():
            emb, loss, train = build(placed)
            with sharding.local_cluster(cluster, {"ps": [CPU[6], CPU[7]], "worker": [CPU[1]]}):
                sess = tf.Session()
            sess.run(tf.global_variables_initializer())
            for _ in range(2):
                sess.run(train)
            values.append(sess.run([loss] + list(emb)))
            if placed:
                assert [v.device for v in emb] == ["/job:ps/task:0", "/job:ps/task:1"]
                assert [sess.state[f"emb/part_{i}"].devices() for i in (0, 1)] == [{CPU[6]},
                                                                                   {CPU[7]}]
                assert sess.state["emb/part_1/Momentum"].devices() == {CPU[7]}
                assert sess.state["w"].devices() == {CPU[6]}
            sess.close()
    for a, b in zip(*values):
        np.testing.assert_allclose(a, b, rtol=1e-6)
