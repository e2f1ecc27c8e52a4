"""A TF1 between-graph-replication program (one process per task) for tests/test_cluster.py
and benchmarks/cluster.py: `python worker.py SPEC_JSON JOB TASK OUT_DIR [MODE]`.

The ps task joins and exits; each worker trains a linear model with SyncReplicasOptimizer on
its own half of the data and writes its results to OUT_DIR/<job><task>.npz; the chief also
saves a checkpoint. MODE "die" makes worker 1 exit after its second step; "async" uses a
plain optimizer (TF1's asynchronous updates); "monitored" trains with MonitoredTrainingSession
(the chief checkpoints); "bench" times steps.
"""
import json
import os
import sys
import time

import numpy as np

import tfvars_jax as tf

spec, job, task, out = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
mode = sys.argv[5] if len(sys.argv) > 5 else "train"
cluster = tf.train.ClusterSpec(spec)
server = tf.train.Server(cluster, job_name=job, task_index=task)
if job == "ps":
    server.join()
    sys.exit(0)

n_workers = cluster.num_tasks("worker")
STEPS, BATCH, DIM = (40, 256, 512) if mode == "bench" else (5, 4, 3)
data = np.random.RandomState(0)
xs = data.normal(size=(STEPS, n_workers, BATCH, DIM)).astype(np.float32)
ys = data.normal(size=(STEPS, n_workers, BATCH, 1)).astype(np.float32)

with tf.device(tf.train.replica_device_setter(
        worker_device=f"/job:worker/task:{task}", cluster=cluster)):
    x = tf.placeholder(tf.float32, [BATCH, DIM], name="x")
    y = tf.placeholder(tf.float32, [BATCH, 1], name="y")
    w = tf.get_variable("w", [DIM, 1])  # unseeded: workers must agree on the initial value
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    features = x
    if mode == "bench":  # a hidden layer, so that a step computes and all-reduces 1 MiB
        features = tf.tanh(tf.matmul(x, tf.get_variable("hidden", [DIM, DIM])))
    loss = tf.reduce_mean(tf.square(tf.matmul(features, w) + b - y))
    global_step = tf.train.get_or_create_global_step()
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    if mode != "async":
        opt = tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=n_workers,
                                             total_num_replicas=n_workers)
    train_op = opt.minimize(loss, global_step=global_step)
saver = tf.train.Saver()

losses, times = [], []
if mode == "monitored":  # TF1's MonitoredTrainingSession loop; the chief saves at the end
    is_chief = task == 0
    hooks = [opt.make_session_run_hook(is_chief)]
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=is_chief,
                                           checkpoint_dir=out if is_chief else None,
                                           hooks=hooks, save_checkpoint_steps=3,
                                           log_step_count_steps=2) as sess:
        w0 = sess.run(w)
        for step in range(STEPS):
            _, value = sess.run([train_op, loss], {x: xs[step, task], y: ys[step, task]})
            losses.append(value)
        w1, b1, gs = sess.run([w, b, global_step])
    results = dict(w0=w0, w=w1, b=b1, step=gs, losses=np.array(losses))
    if task == 0:
        results["path"] = tf.train.latest_checkpoint(out)
    np.savez(os.path.join(out, f"{job}{task}.npz"), **results)
    print(f"{job}{task} done", flush=True)
    sys.exit(0)

sess = tf.Session(server.target)
sess.run(tf.global_variables_initializer())
w0 = sess.run(w)
for step in range(STEPS):
    if mode == "die" and task == 1 and step == 2:
        os._exit(3)
    start = time.perf_counter()
    _, value = sess.run([train_op, loss], {x: xs[step, task], y: ys[step, task]})
    times.append(time.perf_counter() - start)
    losses.append(value)
results = dict(w0=w0, w=sess.run(w), b=sess.run(b), step=sess.run(global_step),
               losses=np.array(losses), times=np.array(times))
if task == 0:
    results["path"] = saver.save(sess, os.path.join(out, "model.ckpt"), global_step=global_step,
                                 write_meta_graph=False)
np.savez(os.path.join(out, f"{job}{task}.npz"), **results)
print(f"{job}{task} done", flush=True)
