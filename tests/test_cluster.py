"""Clusters of processes (tf.train.Server, SyncReplicasOptimizer): 2 worker processes and a ps
process on localhost, spawned here (tests/cluster/worker.py), against one process."""
import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

import tfvars_jax as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "tests", "cluster", "worker.py")


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def run_cluster(out, mode="train", timeout=120):
    """Runs the ps and the 2 workers; returns {task name: (returncode, output)}."""
    p0, p1, ps = _free_ports(3)
    spec = json.dumps({"ps": [f"localhost:{ps}"],
                       "worker": [f"localhost:{p0}", f"localhost:{p1}"]})
    env = dict(os.environ, PYTHONPATH=ROOT, TFVARS_JAX_CLUSTER_INIT_TIMEOUT="60",
               TFVARS_JAX_CLUSTER_HEARTBEAT_TIMEOUT="5", JAX_PLATFORMS="cpu")
    env.pop("XLA_FLAGS", None)
    procs = {name: subprocess.Popen([sys.executable, WORKER, spec, job, str(task), str(out), mode],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
             for name, job, task in [("ps0", "ps", 0), ("worker0", "worker", 0),
                                     ("worker1", "worker", 1)]}
    deadline = time.monotonic() + timeout
    results = {}
    for name, p in procs.items():
        try:
            output, _ = p.communicate(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            for q in procs.values():
                q.kill()
            pytest.fail(f"{name} of the cluster did not finish within {timeout} s")
        results[name] = (p.returncode, output)
    return results


def single_process(w0, steps=5, batch=4, dim=3, workers=2):
    """The worker program in one process on the combined batch, from the same w0."""
    data = np.random.RandomState(0)
    xs = data.normal(size=(steps, workers, batch, dim)).astype(np.float32)
    ys = data.normal(size=(steps, workers, batch, 1)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [workers * batch, dim])
        y = tf.placeholder(tf.float32, [workers * batch, 1])
        w = tf.get_variable("w", [dim, 1])
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        global_step = tf.train.get_or_create_global_step()
        train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=global_step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            w.load(w0, sess)
            for s in range(steps):
                sess.run(train_op, {x: xs[s].reshape(-1, dim), y: ys[s].reshape(-1, 1)})
            return sess.run([w, b, global_step])


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("cluster")
    results = run_cluster(out)
    for name, (code, output) in results.items():
        assert code == 0, f"{name} failed:\n{output[-3000:]}"
    return out, {n: dict(np.load(out / f"{n}.npz")) for n in ("worker0", "worker1")}


@pytest.mark.slow
def test_two_workers_train_as_one_process_on_the_combined_batch(trained):
    _, r = trained
    # Unseeded initializers agree across the workers; both end with the same parameters.
    np.testing.assert_array_equal(r["worker0"]["w0"], r["worker1"]["w0"])
    np.testing.assert_array_equal(r["worker0"]["w"], r["worker1"]["w"])
    assert r["worker0"]["step"] == r["worker1"]["step"] == 5  # one increment per step
    # Each worker fetched its own loss (different batches).
    assert not np.allclose(r["worker0"]["losses"], r["worker1"]["losses"])
    w, b, step = single_process(r["worker0"]["w0"])
    np.testing.assert_allclose(r["worker0"]["w"], w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r["worker0"]["b"], b, rtol=1e-5, atol=1e-6)
    assert step == 5


@pytest.mark.slow
def test_the_chiefs_checkpoint_restores_in_one_process(trained):
    out, r = trained
    path = str(r["worker0"]["path"])
    assert os.path.basename(path) == "model.ckpt-5"
    assert sorted(os.listdir(out)) == ["checkpoint", "model.ckpt-5.data-00000-of-00001",
                                       "model.ckpt-5.index", "worker0.npz", "worker1.npz"]
    with tf.Graph().as_default():
        w = tf.get_variable("w", [3, 1])
        b = tf.get_variable("b", [1])
        global_step = tf.train.get_or_create_global_step()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, tf.train.latest_checkpoint(str(out)))
            got = sess.run([w, b, global_step])
    np.testing.assert_array_equal(got[0], r["worker0"]["w"])
    np.testing.assert_array_equal(got[1], r["worker0"]["b"])
    assert got[2] == 5


@pytest.mark.slow
def test_a_dead_worker_makes_the_other_fail_naming_it(tmp_path):
    start = time.monotonic()
    results = run_cluster(tmp_path, mode="die", timeout=90)
    assert results["worker1"][0] == 3  # it exited on purpose
    code, output = results["worker0"]
    assert code != 0
    assert "UnavailableError" in output, output[-3000:]
    assert "/job:worker/task:1 (JAX process 1)" in output, output[-3000:]
    assert time.monotonic() - start < 90
    assert results["ps0"][0] == 0  # the ps task joined and left


@pytest.mark.slow
def test_asynchronous_updates_raise_naming_the_optimizer(tmp_path):
    results = run_cluster(tmp_path, mode="async", timeout=90)
    for name in ("worker0", "worker1"):
        code, output = results[name]
        assert code != 0
        assert "NotImplementedError: Optimizer update 'Momentum/update'" in output, output[-3000:]
        assert "SyncReplicasOptimizer" in output


def test_server_api_without_a_cluster_run():
    spec = tf.train.ClusterSpec({"ps": ["localhost:1"], "worker": ["localhost:2"]})
    server = tf.train.Server(spec, job_name="ps", task_index=0)
    assert server.target == "grpc://localhost:1"
    assert server.server_def.job_name == "ps" and server.server_def.task_index == 0
    assert server.server_def.cluster == spec
    assert not server.is_compute_task
    server.join()  # a ps task has nothing to serve: returns
    with pytest.raises(ValueError, match="explicit `job_name`"):
        tf.train.Server(spec)
    with pytest.raises(ValueError, match="No task with index 3"):
        tf.train.Server(spec, job_name="worker", task_index=3, start=False)
    with pytest.raises(NotImplementedError, match="protocol='grpc\\+verbs'"):
        tf.train.Server(spec, job_name="ps", task_index=0, protocol="grpc+verbs")
    with pytest.raises(NotImplementedError, match="not the target of a tf.train.Server"):
        tf.Session("grpc://localhost:2")


def test_local_server_runs_a_session_in_this_process():
    server = tf.train.Server.create_local_server()
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], name="v")
        inc = tf.assign_add(v, [1.0, 1.0])
        with tf.Session(server.target) as sess:
            assert sess.sess_str == server.target
            sess.run(tf.global_variables_initializer())
            sess.run(inc)
            np.testing.assert_array_equal(sess.run(v), [2.0, 3.0])
    with pytest.raises(RuntimeError, match="runs the cluster's steps itself"):
        server.join()


def test_sync_replicas_optimizer_api_in_one_process():
    with tf.Graph().as_default():
        w = tf.Variable(3.0, name="w")
        global_step = tf.train.get_or_create_global_step()
        opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.5),
                                             replicas_to_aggregate=1, total_num_replicas=1)
        with pytest.raises(ValueError, match="after apply_gradients"):
            opt.get_chief_queue_runner()
        train_op = opt.minimize(tf.square(w), global_step=global_step)
        hook = opt.make_session_run_hook(is_chief=True)
        hook.begin()
        assert opt.get_chief_queue_runner().create_threads(None) == []
        init_tokens = opt.get_init_tokens_op()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(init_tokens)
            sess.run(train_op)
            assert sess.run([w, global_step]) == [0.0, 1]  # 3 - 0.5 * 6
    with pytest.raises(NotImplementedError, match="backup workers"):
        tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.5), 2, 3)
    with pytest.raises(NotImplementedError, match="variable_averages"):
        tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.5), 2,
                                       variable_averages=object())
    with tf.Graph().as_default():  # 2 replicas in one process: raises when run
        w = tf.Variable(3.0, name="w")
        opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.5), 2)
        train_op = opt.minimize(tf.square(w), global_step=tf.train.get_or_create_global_step())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError, match="runs on 1 worker"):
                sess.run(train_op)
            assert sess.run(w) == 3.0


@pytest.mark.slow
def test_monitored_training_session_in_the_cluster(tmp_path):
    """MonitoredTrainingSession(master=server.target, is_chief=task == 0): the chief's hooks
    (step counter, checkpoints every 3 steps and at the end) add fetches to its steps only."""
    results = run_cluster(tmp_path, mode="monitored")
    for name, (code, output) in results.items():
        assert code == 0, f"{name} failed:\n{output[-3000:]}"
    r = {n: dict(np.load(tmp_path / f"{n}.npz")) for n in ("worker0", "worker1")}
    np.testing.assert_array_equal(r["worker0"]["w"], r["worker1"]["w"])
    w, b, step = single_process(r["worker0"]["w0"])
    np.testing.assert_allclose(r["worker1"]["w"], w, rtol=1e-5, atol=1e-6)
    assert r["worker0"]["step"] == r["worker1"]["step"] == 5
    assert os.path.basename(str(r["worker0"]["path"])) == "model.ckpt-5"
    assert {"model.ckpt-3.index", "model.ckpt-5.index"} <= set(os.listdir(tmp_path))


@pytest.mark.slow
def test_a_missing_worker_ends_the_other_after_the_init_timeout(tmp_path):
    p0, p1 = _free_ports(2)
    spec = json.dumps({"worker": [f"localhost:{p0}", f"localhost:{p1}"]})
    env = dict(os.environ, PYTHONPATH=ROOT, TFVARS_JAX_CLUSTER_INIT_TIMEOUT="4",
               JAX_PLATFORMS="cpu")
    env.pop("XLA_FLAGS", None)
    start = time.monotonic()
    done = subprocess.run([sys.executable, WORKER, spec, "worker", "0", str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert time.monotonic() - start < 120
    assert ("not every task of the cluster joined within 4 s (TFVARS_JAX_CLUSTER_INIT_TIMEOUT). "
            "This is /job:worker/task:0 (JAX process 0)") in done.stderr, done.stderr[-3000:]


def test_in_a_cluster_writes_must_be_equal_on_every_worker():
    """A one-task cluster traces runs as a cluster does: a variable written from a worker's
    own feed raises (it would diverge between workers); a failed check changes nothing."""
    server = tf.train.Server.create_local_server()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        v = tf.Variable([0.0, 0.0], name="v")
        from_feed = tf.assign_add(v, x)
        with tf.control_dependencies([tf.Assert(tf.reduce_all(x > 0), [x])]):
            checked = tf.assign_add(v, tf.ones([2]))
        with tf.Session(server.target) as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="Variable 'v' would get a different value on each worker"):
                sess.run(from_feed, {x: [1.0, 2.0]})
            np.testing.assert_array_equal(sess.run(checked, {x: [1.0, 2.0]}), [1.0, 1.0])
            with pytest.raises(tf.errors.InvalidArgumentError, match="assertion failed"):
                sess.run(checked, {x: [-1.0, 2.0]})
            np.testing.assert_array_equal(sess.run(v), [1.0, 1.0])


def test_a_servers_config_is_its_sessions_default(capsys):
    server = tf.train.Server.create_local_server(
        config=tf.ConfigProto(log_device_placement=True))
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="logged_v")
        with tf.Session(server.target) as sess:
            sess.run(v.initializer)
    assert "logged_v/Assign: (Assign): /job:localhost/replica:0/task:0/device:CPU:0" in \
        capsys.readouterr().out
