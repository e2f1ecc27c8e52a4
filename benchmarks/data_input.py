"""The cost of feeding a training step from tf.data against feed_dict, in one process.

A small model (softmax regression 784 -> 10, batch 32, plain gradient descent: a step of a few
tens of µs, so the input cost shows) trained from 60,000 host examples, four ways, repeats
interleaved:
  (a) feed_dict: `sess.run(train, {x: X[i:i+32], y: Y[i:i+32]})` (NumPy slicing in the loop);
  (b) tf.data: `from_tensor_slices((X, Y)).repeat().batch(32)`, `sess.run(train)`;
  (c) tf.data with a shuffle: `...shuffle(1000, seed=1).repeat().batch(32)`;
  (d) (b) on the element-by-element path (each element sliced, then the batch stacked), the
      way every batch was made before the batch fast path.
Prints median µs per step and each one's ratio to (a), then the host cost of making one batch
(the pipeline alone, no step) on the fast path and on the element path.
Run: python benchmarks/data_input.py [--quick]
"""
import functools
import os
import statistics
import sys

import numpy as np

import tfvars_jax as tf
from tfvars_jax.data import dataset_ops

import _timing  # benchmarks/_timing.py (the script's folder is on sys.path)

QUICK = "--quick" in sys.argv
REPEATS = 3 if QUICK else 7
CALLS = 200 if QUICK else 1000
BATCH, N = 32, 60000


def main():
    rng = np.random.RandomState(0)
    xs = rng.rand(N, 784).astype(np.float32)
    ys = rng.randint(0, 10, size=N).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.int32, [None])
    w = tf.get_variable("w", [784, 10], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [10], initializer=tf.zeros_initializer())

    def train_op(inputs, labels):
        logits = tf.matmul(inputs, w) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits))
        return tf.train.GradientDescentOptimizer(0.1).minimize(loss)

    fed = train_op(x, y)
    plain = tf.data.Dataset.from_tensor_slices((xs, ys)).repeat().batch(BATCH)
    shuffled = tf.data.Dataset.from_tensor_slices((xs, ys)).shuffle(1000, seed=1).repeat() \
        .batch(BATCH)
    elementwise = tf.data.Dataset.from_tensor_slices((xs, ys)).repeat().batch(BATCH)
    it_plain = plain.make_one_shot_iterator()
    it_shuffled = shuffled.make_one_shot_iterator()
    it_elementwise = elementwise.make_initializable_iterator()
    from_plain = train_op(*it_plain.get_next())
    from_shuffled = train_op(*it_shuffled.get_next())
    from_elementwise = train_op(*it_elementwise.get_next())
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    # (d): start the iterator's pass with the fast path switched off; the pass keeps the
    # element-by-element path it started with
    saved = dataset_ops._TensorSlices._index_stream
    dataset_ops._TensorSlices._index_stream = lambda self, ctx: None
    try:
        sess.run(it_elementwise.initializer)
        sess.run(from_elementwise)
    finally:
        dataset_ops._TensorSlices._index_stream = saved
    position = [0]

    def feed_dict_step():
        i = position[0]
        position[0] = (i + BATCH) % (N - BATCH)
        sess.run(fed, {x: xs[i:i + BATCH], y: ys[i:i + BATCH]})

    steps = {"(a) feed_dict": feed_dict_step,
             "(b) tf.data slices.repeat.batch": lambda: sess.run(from_plain),
             "(c) tf.data slices.shuffle.repeat.batch": lambda: sess.run(from_shuffled),
             "(d) (b) element by element (before)": lambda: sess.run(from_elementwise)}
    times = {k: [] for k in steps}
    for _ in range(REPEATS):
        for name, step in steps.items():
            times[name].append(_timing.per_call_us(step, CALLS, 1))
    # the host pipeline alone: µs to make one batch, fast path against the element path
    host = {}
    for name, dataset, fast in [("slices.repeat.batch", plain, True),
                                ("slices.shuffle.repeat.batch", shuffled, True),
                                ("slices.repeat.batch, element path", elementwise, False)]:
        saved = dataset_ops._TensorSlices._index_stream
        if not fast:
            dataset_ops._TensorSlices._index_stream = lambda self, ctx: None
        try:
            batches = dataset._iterate(dataset_ops.Context({}))
            next(batches)
        finally:
            dataset_ops._TensorSlices._index_stream = saved
        host[name] = statistics.median(
            _timing.per_call_us(functools.partial(next, batches), CALLS, 1)
            for _ in range(REPEATS))
    base = statistics.median(times["(a) feed_dict"])
    print(f"load average: {os.getloadavg()[0]:.2f}; median µs per step over {REPEATS} repeats "
          f"of {CALLS} steps")
    for name, samples in times.items():
        med = statistics.median(samples)
        print(f"{name:42s} {med:8.1f} µs/step  {med / base:5.2f}x of (a)")
    print("host cost of one batch (no step):")
    for name, us in host.items():
        print(f"    {name:38s} {us:8.1f} µs/batch")


if __name__ == "__main__":
    main()
