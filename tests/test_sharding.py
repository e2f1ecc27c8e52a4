"""tfvars_jax.sharding on this process's devices (one in the suite; 8 in tests/devices/):
the API's errors, a one-device mesh, a local cluster."""
import jax
import numpy as np
import pytest
from jax.sharding import Mesh, PartitionSpec as P

import tfvars_jax as tf
from tfvars_jax import functional, sharding


def _mesh():
    return Mesh(np.array(jax.devices()), ("data",))


def test_data_parallel_on_a_one_device_mesh_equals_jit():
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.get_variable("w", [2, 1], initializer=tf.constant_initializer(0.5))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    step = functional.make_step([train, loss], [x])
    s1 = s2 = functional.make_init()(seed=0)
    data = np.arange(16, dtype=np.float32).reshape(8, 2) / 10
    parallel = sharding.data_parallel(step, _mesh(), donate=False)
    for _ in range(3):
        (_, l1), s1 = jax.jit(step)(s1, data)
        (_, l2), s2 = parallel(s2, data)
        assert l1 == l2
    np.testing.assert_array_equal(s1["w"], s2["w"])
    with pytest.raises(TypeError, match="takes a State first"):
        parallel({"w": s1["w"]}, data)


def test_shard_variables_records_the_sharding_and_rejects_bad_specs():
    mesh = _mesh()
    with sharding.shard_variables(mesh, P("data")):
        v = tf.get_variable("v", [4, 2])
    with sharding.shard_variables(mesh, lambda name, shape: P(None, "data") if name == "a" else None):
        a = tf.Variable(tf.zeros([2, 4]), name="a")
        b = tf.Variable(tf.zeros([2, 4]), name="b")
    u = tf.get_variable("u", [3])
    assert sharding.variable_shardings() == {"v": sharding.NamedSharding(mesh, P("data")),
                                             "a": sharding.NamedSharding(mesh, P(None, "data"))}
    with pytest.raises(TypeError, match="needs a jax.sharding.Mesh"):
        with sharding.shard_variables("mesh", P()):
            pass
    with pytest.raises(TypeError, match="PartitionSpec or a function"):
        with sharding.shard_variables(mesh, ("data",)):
            pass
    with pytest.raises(ValueError, match="Variable 'c' has shape \\(3,\\), which has fewer"):
        with sharding.shard_variables(mesh, P("data", None)):
            tf.get_variable("c", [3])
    with tf.device("/cpu:0"), sharding.shard_variables(mesh, P()):
        d = tf.get_variable("d", [2])
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([v, a, b, u]))
        assert sess.state["v"].sharding == sharding.NamedSharding(mesh, P("data"))
        with pytest.raises(NotImplementedError, match="Variable 'd' has both a device"):
            sess.run(d.initializer)


def test_local_cluster_runs_a_replica_device_setter_graph_in_this_process():
    cluster = {"ps": ["ps0:2222", "ps1:2222"], "worker": ["worker0:2222"]}
    with tf.device(tf.train.replica_device_setter(cluster=cluster)):
        v = tf.get_variable("v", [2], initializer=tf.ones_initializer())
        total = tf.reduce_sum(v * 3.0)
    with tf.Session() as sess:  # no ps job in a local Session: TF1's error
        with pytest.raises(tf.errors.InvalidArgumentError, match="/job:ps/task:0"):
            sess.run(v.initializer)
    with sharding.local_cluster(tf.train.ClusterSpec(cluster)) as tasks:
        assert sorted(tasks) == [("ps", 0), ("ps", 1), ("worker", 0)]
        sess = tf.Session()
    sess.run(v.initializer)
    assert sess.run(total) == 6.0
    with pytest.raises(ValueError, match="job 'ps' has 2 tasks but 1 devices"):
        with sharding.local_cluster(cluster, {"ps": jax.devices()[:1]}):
            pass
