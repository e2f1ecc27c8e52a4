"""Placement that runs, on 8 JAX CPU devices: variables live on their device, runs spanning
devices give the single-device answers, ConfigProto's placement options, multi-tower training
as TF1 wrote it (cifar10_multi_gpu_train)."""
import jax
import numpy as np
import pytest

import tfvars_jax as tf

CPU = jax.devices("cpu")


def _device_of(sess, name):
    (device,) = sess.state[name].devices()
    return device


def test_variables_live_on_their_device_through_init_runs_and_restore(tmp_path):
    with tf.device("/cpu:3"):
        v = tf.Variable([1.0, 2.0], name="v")
    with tf.device("/device:CPU:5"):
        w = tf.get_variable("w", initializer=tf.constant([3.0]))
    u = tf.Variable(7.0, name="u")  # no device: the default device
    step = v.assign_add([1.0, 1.0])
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [_device_of(sess, n) for n in ("v", "w", "u")] == [CPU[3], CPU[5], CPU[0]]
        sess.run(step)
        assert _device_of(sess, "v") == CPU[3]
        path = saver.save(sess, str(tmp_path / "model"), write_meta_graph=False)
    with tf.Session() as sess:
        saver.restore(sess, path)
        assert [_device_of(sess, n) for n in ("v", "w", "u")] == [CPU[3], CPU[5], CPU[0]]
        np.testing.assert_array_equal(sess.run(v), [2.0, 3.0])
        v.load([9.0, 9.0], sess)
        assert _device_of(sess, "v") == CPU[3]
        state = sess.state
    with tf.Session() as sess:
        sess.state = state.replace({"v": jax.device_put(np.array([4.0, 4.0], np.float32), CPU[6])})
        assert _device_of(sess, "v") == CPU[3]
        np.testing.assert_array_equal(sess.run(v), [4.0, 4.0])


def test_run_spanning_devices_equals_one_device_and_logs_placement(capsys):
    def build():
        x = tf.placeholder(tf.float32, [4], name="x")
        with tf.device("/cpu:1"):
            v = tf.Variable([1.0, 2.0, 3.0, 4.0], name="v")
        with tf.device("/cpu:2"):
            y = tf.multiply(v, x, name="y")
        with tf.device("/cpu:4"):
            z = tf.reduce_sum(tf.square(y), name="z")
        with tf.control_dependencies([z]):
            upd = v.assign_sub(y * 0.1)
        return x, z, upd
    results = []
    for spread in (True, False):
        g = tf.Graph()
        with g.as_default():
            if spread:
                x, z, upd = build()
            else:
                with tf.device("/cpu:0"):
                    x, z, upd = build()
            config = tf.ConfigProto(log_device_placement=spread)
            with tf.Session(config=config) as sess:
                sess.run(tf.global_variables_initializer())
                out = [sess.run([z, upd], {x: [1.0, 0.5, 2.0, -1.0]}) for _ in range(3)]
                results.append((out, sess.run("v:0")))
        if spread:
            log = capsys.readouterr().out
            assert "y: (Mul): /job:localhost/replica:0/task:0/device:CPU:2" in log
            assert "z: (Sum): /job:localhost/replica:0/task:0/device:CPU:4" in log
            assert "v/read: (Identity): /job:localhost/replica:0/task:0/device:CPU:1" in log
    (spread_out, spread_v), (one_out, one_v) = results
    for (z1, u1), (z2, u2) in zip(spread_out, one_out):
        assert z1 == z2
        np.testing.assert_array_equal(u1, u2)
    np.testing.assert_array_equal(spread_v, one_v)


def test_failed_check_in_a_spanning_run_changes_nothing():
    with tf.device("/cpu:1"):
        v = tf.Variable(0, name="v")
    with tf.device("/cpu:2"):
        w = tf.Variable(10.0, name="w")
    with tf.device("/cpu:3"):
        bumped = tf.count_up_to(v, 2)
    with tf.control_dependencies([bumped]):
        with tf.device("/cpu:2"):
            train = w.assign_add(1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(train)
        assert sess.run([v, w]) == [2, 12.0]


def test_device_count_limits_and_soft_placement_falls_back():
    with tf.device("/cpu:5"):
        v = tf.Variable(1.0, name="v")
    with tf.Session(config=tf.ConfigProto(device_count={"CPU": 4})) as sess:
        assert [d.name for d in sess.list_devices()] == [
            f"/job:localhost/replica:0/task:0/device:CPU:{i}" for i in range(4)]
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Cannot assign a device for operation v: \{\{node v\}\} was "
                                 r"explicitly assigned to /device:CPU:5 but available devices are "
                                 r"\[ /job:localhost/replica:0/task:0/device:CPU:0, .*CPU:3 \]"):
            sess.run(v.initializer)
    soft = tf.ConfigProto(device_count={"CPU": 4}, allow_soft_placement=True)
    with tf.Session(config=soft) as sess:
        sess.run(v.initializer)
        assert _device_of(sess, "v") == CPU[0]
    with tf.Session() as sess:  # all 8 CPU devices by default
        sess.run(v.initializer)
        assert _device_of(sess, "v") == CPU[5]


# ----- multi-tower data parallelism (TF1's cifar10_multi_gpu_train pattern) -----------------
def _tower_loss(images, labels, reuse):
    with tf.variable_scope("model", reuse=reuse):
        w1 = tf.get_variable("w1", [8, 16], initializer=tf.truncated_normal_initializer(
            stddev=0.3, seed=1))
        b1 = tf.get_variable("b1", [16], initializer=tf.constant_initializer(0.1))
        w2 = tf.get_variable("w2", [16, 3], initializer=tf.truncated_normal_initializer(
            stddev=0.3, seed=2))
        hidden = tf.nn.relu(tf.matmul(images, w1) + b1)
        logits = tf.matmul(hidden, w2)
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                         logits=logits))


def _average_gradients(tower_grads):
    average = []
    for grad_and_vars in zip(*tower_grads):
        grads = [tf.expand_dims(g, 0) for g, _ in grad_and_vars]
        grad = tf.reduce_mean(tf.concat(axis=0, values=grads), 0)
        average.append((grad, grad_and_vars[0][1]))
    return average


def _train(n_towers, device_format, steps=4, soft=False, optimizer=tf.train.MomentumOptimizer,
           log=False):
    g = tf.Graph()
    with g.as_default(), tf.device("/cpu:0"):
        images = tf.placeholder(tf.float32, [32, 8])
        labels = tf.placeholder(tf.int32, [32])
        opt = optimizer(0.1, 0.9)
        image_splits = tf.split(images, n_towers)
        label_splits = tf.split(labels, n_towers)
        tower_grads = []
        with tf.variable_scope(tf.get_variable_scope()):
            for i in range(n_towers):
                with tf.device(device_format % i), tf.name_scope("tower_%d" % i):
                    loss = _tower_loss(image_splits[i], label_splits[i], reuse=None)
                    tf.get_variable_scope().reuse_variables()
                    tower_grads.append(opt.compute_gradients(loss))
        train_op = opt.apply_gradients(_average_gradients(tower_grads))
        init = tf.global_variables_initializer()
    rng = np.random.RandomState(0)
    batches = [(rng.randn(32, 8).astype(np.float32), rng.randint(0, 3, 32)) for _ in range(steps)]
    config = tf.ConfigProto(allow_soft_placement=soft, log_device_placement=log)
    with tf.Session(graph=g, config=config) as sess:
        sess.run(init)
        for x, y in batches:
            sess.run(train_op, {images: x, labels: y})
        names = ["model/w1", "model/b1", "model/w2", "model/w1/Momentum"]
        values = {n: sess.run(n + ":0") for n in names}
        devices = {n: _device_of(sess, n) for n in names}
    return values, devices, g


@pytest.mark.parametrize("n_towers", [2, 4])
def test_towers_train_to_the_single_device_full_batch_parameters(n_towers, capsys):
    single, _, _ = _train(1, "/cpu:%d")
    capsys.readouterr()
    towers, devices, g = _train(n_towers, "/cpu:%d", log=True)
    log = capsys.readouterr().out
    for i in range(n_towers):  # each tower's forward and gradient ran on its own device
        assert f"tower_{i}/model/MatMul: (MatMul): /job:localhost/replica:0/task:0/device:CPU:{i}" \
            in log
        assert f"tower_{i}/gradients: (Gradients): /job:localhost/replica:0/task:0/device:CPU:{i}" \
            in log
    for name in single:
        np.testing.assert_allclose(towers[name], single[name], rtol=2e-5, atol=2e-6)
    # Variables were made under /cpu:0 (their home); tower ops ran on their towers' devices.
    assert set(devices.values()) == {CPU[0]}
    grad_ops = [op for op in g.get_operations() if op.type == "Gradients" or
                op.name.startswith("tower_1/") and op.type == "MatMul"]
    assert grad_ops and all(op.device == "/device:CPU:1" for op in grad_ops
                            if op.name.startswith("tower_1/"))


def test_towers_on_missing_gpus_train_with_soft_placement():
    single, _, _ = _train(1, "/cpu:%d")
    towers, devices, _ = _train(4, "/gpu:%d", soft=True)
    for name in single:
        np.testing.assert_allclose(towers[name], single[name], rtol=2e-5, atol=2e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="explicitly assigned to /device:GPU:0"):
        _train(2, "/gpu:%d", soft=False)


# ----- every kind of op across segments gives the one-device answer ------------------------
def _programs():
    """(name, build(dev) -> (fetches, feeds)) where dev(i) is the device of part i."""
    def cond_and_loop(dev):
        x = tf.placeholder(tf.float32, [3], name="x")
        with tf.device(dev(0)):
            v = tf.Variable([1.0, -2.0, 3.0], name="v")
        with tf.device(dev(1)):
            c = tf.cond(tf.reduce_sum(x) > 0, lambda: v * x, lambda: v - x)
        with tf.device(dev(2)):
            i, acc = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 1.5 + c),
                                   [tf.constant(0), tf.zeros([3])], maximum_iterations=3)
        with tf.device(dev(3)):
            loss = tf.reduce_sum(tf.square(acc))
        grads = tf.gradients(loss, [v, x])   # on the default device: replays other segments
        with tf.control_dependencies(grads):
            upd = v.assign_sub(0.01 * grads[0])
        return [loss, grads, upd, i], {x: np.array([0.5, 1.0, -2.0], np.float32)}

    def random_and_aliases(dev):
        with tf.device(dev(0)):
            v = tf.Variable(tf.random_normal([4], seed=3), name="v")
        with tf.device(dev(1)):
            bump = v.assign_add(tf.random_uniform([4], seed=4))
        with tf.control_dependencies([bump]):
            with tf.device(dev(2)):
                seen = tf.identity(v.value() * 2.0)   # sees the write (alias)
        with tf.device(dev(3)):
            total = tf.reduce_sum(seen) + tf.reduce_sum(v)
        return [total, seen, v], {}

    return [("cond_and_loop", cond_and_loop), ("random_and_aliases", random_and_aliases)]


@pytest.mark.parametrize("name,build", _programs())
def test_every_op_kind_across_segments_gives_the_one_device_answer(name, build):
    results = []
    for dev in (lambda i: "/cpu:0", lambda i: "/cpu:%d" % (i + 1)):
        with tf.Graph().as_default():
            tf.set_random_seed(7)
            fetches, feeds = build(dev)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                results.append([sess.run(fetches, feeds) for _ in range(2)])
    flat = [jax.tree_util.tree_leaves(r) for r in results]
    assert len(flat[0]) == len(flat[1])
    for a, b in zip(*flat):  # separate programs fuse differently: float32 rounding may differ
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_independent_ops_on_one_device_share_a_program():
    # Variables alternating over two devices: their initial values (no device: the default
    # one) and assigns make 3 programs, not one per variable (each would compile).
    variables = []
    for i in range(12):
        with tf.device("/cpu:%d" % (i % 2 + 1)):
            variables.append(tf.get_variable("v%d" % i, [3], initializer=tf.constant_initializer(i)))
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        (plan, _, _), = sess._plans.values()
        assert [seg.device for seg in plan.segments] == [CPU[0], CPU[1], CPU[2]]
        for i, v in enumerate(variables):
            assert _device_of(sess, v.op.name) == CPU[i % 2 + 1]
            np.testing.assert_array_equal(sess.run(v), [i] * 3)
