"""A 2-process cluster step against the single-process step on the same total batch.
(Issue 12 item 5; see ARCHITECTURE.md, Clusters of processes.)

  cluster  tests/cluster/worker.py in "bench" mode: a ps task and 2 worker processes on
           localhost (jax.distributed, gloo), each worker feeding its half of the batch
           (256 x 512 -> tanh hidden 512 -> 1, Momentum via SyncReplicasOptimizer: the 1 MiB of
           gradients all-reduced every step); each worker times its Session.run steps
  single   the same model in this process, one Session, the whole batch (512 rows) per step

The single-process step is timed before and after the cluster runs (one script run), medians
of the per-step times (first 5 steps dropped as warm-up). Both workers share the machine's
cores with each other (and with other sessions): read the ratio with the load average.
Run: python benchmarks/cluster.py
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import tfvars_jax as tf  # noqa: E402

WORKER = os.path.join(ROOT, "tests", "cluster", "worker.py")
STEPS, BATCH, DIM, WARMUP = 40, 256, 512, 5


def single_process_times():
    data = np.random.RandomState(0)
    xs = data.normal(size=(STEPS, 2 * BATCH, DIM)).astype(np.float32)
    ys = data.normal(size=(STEPS, 2 * BATCH, 1)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2 * BATCH, DIM])
        y = tf.placeholder(tf.float32, [2 * BATCH, 1])
        w = tf.get_variable("w", [DIM, 1])
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
        features = tf.tanh(tf.matmul(x, tf.get_variable("hidden", [DIM, DIM])))
        loss = tf.reduce_mean(tf.square(tf.matmul(features, w) + b - y))
        global_step = tf.train.get_or_create_global_step()
        train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=global_step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            times = []
            for step in range(STEPS):
                start = time.perf_counter()
                sess.run([train_op, loss], {x: xs[step], y: ys[step]})
                times.append(time.perf_counter() - start)
    return times[WARMUP:]


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def cluster_times():
    out = tempfile.mkdtemp()
    p0, p1, ps = free_ports(3)
    spec = json.dumps({"ps": [f"localhost:{ps}"], "worker": [f"localhost:{p0}",
                                                            f"localhost:{p1}"]})
    env = dict(os.environ, PYTHONPATH=ROOT)
    procs = [subprocess.Popen([sys.executable, WORKER, spec, job, str(task), out, "bench"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
             for job, task in [("ps", 0), ("worker", 0), ("worker", 1)]]
    for p in procs:
        _, err = p.communicate(timeout=600)
        if p.returncode:
            raise RuntimeError(f"cluster process failed:\n{err[-2000:]}")
    return [np.load(os.path.join(out, f"worker{t}.npz"))["times"][WARMUP:] for t in (0, 1)]


def main():
    load_before = os.getloadavg()[0]
    single = single_process_times()
    workers = cluster_times()
    single += single_process_times()
    load_after = os.getloadavg()[0]
    single_ms = statistics.median(single) * 1e3
    worker_ms = [statistics.median(t) * 1e3 for t in workers]
    cluster_ms = max(worker_ms)
    print(f"batch {2 * BATCH} x {DIM}, hidden {DIM}, Momentum; {STEPS - WARMUP} timed steps")
    print(f"single process, whole batch:    {single_ms:8.2f} ms/step (median)")
    print(f"2-process cluster, half each:   {cluster_ms:8.2f} ms/step (median of the slower "
          f"worker; workers {worker_ms[0]:.2f} / {worker_ms[1]:.2f})")
    print(f"cluster / single: {cluster_ms / single_ms:.2f}x   "
          f"load average {load_before:.1f} -> {load_after:.1f}")


if __name__ == "__main__":
    main()
