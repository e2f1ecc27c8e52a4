"""Training-step throughput under tf.train.MonitoredTrainingSession with its default hooks,
against a bare `sess.run` loop, in one process.

The MLP of train_mlp.py (784-512-512-10, batch 128, Adam 1e-3) plus a global step and a loss
summary. (a) bare: `sess.run([train_op, loss], feed_dict)` in a tf.Session. (b) monitored:
the same call on a MonitoredTrainingSession(checkpoint_dir=tmp) with TF1's default hooks
(StepCounterHook and SummarySaverHook every 100 steps, CheckpointSaverHook every 600 s, so
checkpoints at the start and end), where the hooks' fetches (the global step) join each step's
run. Repeats alternate (a) and (b); each prints its median steps/s and the ratio (aim >= 0.95x).
Run: python benchmarks/monitored_training.py [--quick]
"""
import logging
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tfvars_jax as tf
from train_mlp import BATCH, SIZES, data  # the same model and data

QUICK = "--quick" in sys.argv
STEPS = 100 if QUICK else 300
REPEATS = 3 if QUICK else 7


def build():
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    gs = tf.train.get_or_create_global_step()
    h = x
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        with tf.variable_scope(f"layer{i}"):
            w = tf.get_variable("w", [n_in, n_out])
            b = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())
            h = tf.matmul(h, w) + b
            if i < len(SIZES) - 2:
                h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    tf.summary.scalar("loss", loss)
    train = tf.train.AdamOptimizer(1e-3).minimize(loss, global_step=gs)
    return x, y, loss, train


def timed(step):
    t0 = time.perf_counter()
    for _ in range(STEPS):
        step()
    return STEPS / (time.perf_counter() - t0)


def main():
    logging.getLogger("tfvars_jax.train").setLevel(logging.WARNING)
    xs, ys = data()
    assert xs.shape[0] == BATCH
    x, y, loss, train = build()
    feed = {x: xs, y: ys}
    bare_sess = tf.Session()
    bare_sess.run(tf.global_variables_initializer())
    with tempfile.TemporaryDirectory() as d:
        with tf.train.MonitoredTrainingSession(checkpoint_dir=d) as mon:
            def bare():
                bare_sess.run([train, loss], feed)

            def monitored():
                mon.run([train, loss], feed)
            for _ in range(STEPS):  # warm up: compile every plan (incl. the summary step)
                bare()
                monitored()
            a, b = [], []
            for _ in range(REPEATS):
                a.append(timed(bare))
                b.append(timed(monitored))
    a, b = statistics.median(a), statistics.median(b)
    print(f"(a) bare sess.run([train_op, loss], feed_dict):      {a:8.1f} steps/s")
    print(f"(b) MonitoredTrainingSession, default hooks:         {b:8.1f} steps/s  "
          f"{b / a:5.2f}x of (a)  (aim >= 0.95x)")


if __name__ == "__main__":
    main()
