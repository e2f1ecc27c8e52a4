"""What a run-time check costs a training step: the same Adam step run with and without a
checked op (`global_step.count_up_to(limit)` grouped with the train op), fetching nothing,
through make_callable. A run with a check that fetches nothing returns before its flags are
known (the Session reads them when the next run touches the same variables), so the checked
step waits for the previous step's flags: what that costs is the ratio printed.

Two models (squared error loss, which has no check of its own): a small one (8 layers of
width 64, where dispatch dominates) and
benchmarks/train_mlp.py's MLP (784-512-512-10, batch 128). Steps/s, medians of interleaved
rounds. Run: python benchmarks/check_flags.py [--quick]
"""
import statistics
import sys
import time

import jax
import numpy as np

import tfvars_jax as tf

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 7
STEPS = 50 if QUICK else 300


def build(sizes, batch):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, sizes[0]], name="x")
        y = tf.placeholder(tf.float32, [None, sizes[-1]], name="y")
        h = x
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            with tf.variable_scope(f"layer{i}"):
                h = tf.matmul(h, tf.get_variable("w", [n_in, n_out])) + tf.get_variable(
                    "b", [n_out], initializer=tf.zeros_initializer())
                if i < len(sizes) - 2:
                    h = tf.nn.relu(h)
        loss = tf.reduce_mean(tf.square(h - y))  # no check of its own (sparse labels have one)
        step = tf.train.get_or_create_global_step()
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        checked = tf.group(train, step.count_up_to(2 ** 30))
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    sess.run(init)
    rng = np.random.RandomState(0)
    xs = rng.randn(batch, sizes[0]).astype(np.float32)
    ys = np.eye(sizes[-1], dtype=np.float32)[rng.randint(0, sizes[-1], batch)]
    plain_fn = sess.make_callable(train, [x, y])
    checked_fn = sess.make_callable(checked, [x, y])

    def block():
        jax.block_until_ready([v for v in sess._values.values() if hasattr(v, "block_until_ready")])
    return (lambda: plain_fn(xs, ys)), (lambda: checked_fn(xs, ys)), block


def steps_per_second(fn, block):
    t0 = time.perf_counter()
    for _ in range(STEPS):
        fn()
    block()
    return STEPS / (time.perf_counter() - t0)


def main():
    for label, sizes, batch in (("small, 8 x 64", [64] * 8 + [10], 32),
                                ("MLP 784-512-512-10", [784, 512, 512, 10], 128)):
        plain, checked, block = build(sizes, batch)
        for fn in (plain, checked):
            fn()
            block()
        a, b = [], []
        for _ in range(ROUNDS):
            a.append(steps_per_second(plain, block))
            b.append(steps_per_second(checked, block))
        pa, pb = statistics.median(a), statistics.median(b)
        ratio = statistics.median(y / x for x, y in zip(a, b))
        print(f"{label:22s} no check {pa:8.0f} steps/s   with count_up_to {pb:8.0f} steps/s   "
              f"checked/plain {ratio:5.2f}x")


if __name__ == "__main__":
    main()
