"""The cost of data-dependent shapes (tf.boolean_mask) against hand-written JAX, in one process.

The mechanism (ARCHITECTURE.md, "Data-dependent shapes"): a run assumes the previous run's
sizes and checks them; a new size re-runs the step compiled for it. Prints medians (µs per call
or ms per event):
  * steady state, the size repeating: sess.run of `reduce_sum(boolean_mask(x, x > 0))` next to
    the same graph with a fixed-size `tf.where(x > 0, x, 0)` (no data-dependent op) and next to
    the hand-written floor: the mask and selection in NumPy on the host, then a jitted sum
    (what a JAX user writes, since jit cannot return a data-dependent shape);
  * a new size: the first run at a size never seen (compile + the re-run) and a later run at a
    size seen before but not the previous one (a re-run, no compile);
  * a training step on the rows `boolean_mask` selects (GradientDescent), the number of
    selected rows cycling over 5 values: steps/s and compiles, against hand-written JAX
    (the mask computed on the host, the step jitted per row count).
Run: python benchmarks/data_dependent.py [--quick]
"""
import statistics
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

import tfvars_jax as tf

import _timing  # benchmarks/_timing.py (the script's folder is on sys.path)

QUICK = "--quick" in sys.argv
REPEATS = 3 if QUICK else 7
CALLS = 200 if QUICK else 1000
N = 1024


def per_call_us(fn, calls=CALLS, repeats=REPEATS):
    return _timing.per_call_us(fn, calls, repeats)


def masked_values(seed, positives):
    rng = np.random.RandomState(seed)
    x = -np.abs(rng.randn(N)).astype(np.float32)
    x[rng.choice(N, positives, replace=False)] *= -1
    return x


def main():
    feed = masked_values(0, 500)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [N])
        dynamic = tf.reduce_sum(tf.boolean_mask(x, x > 0))
        fixed = tf.reduce_sum(tf.where(x > 0, x, tf.zeros_like(x)))
        sess = tf.Session()
        run_dynamic = per_call_us(lambda: sess.run(dynamic, {x: feed}))
        run_fixed = per_call_us(lambda: sess.run(fixed, {x: feed}))

        # A new size each time: compile + re-run; then sizes seen before (re-run only).
        new_ms, seen_ms = [], []
        for k in range(REPEATS):
            value = masked_values(k + 1, 100 + k)
            t0 = time.perf_counter()
            sess.run(dynamic, {x: value})
            new_ms.append((time.perf_counter() - t0) * 1e3)
        for k in range(REPEATS):
            value = masked_values(k + 1, 100 + (k + 1) % REPEATS)
            t0 = time.perf_counter()
            sess.run(dynamic, {x: value})
            seen_ms.append((time.perf_counter() - t0) * 1e3)

    sum_fn = jax.jit(jnp.sum)

    def floor():  # the mask and the selection on the host (NumPy), the sum jitted per size
        return np.asarray(sum_fn(feed[feed > 0]))
    run_floor = per_call_us(floor)
    print(f"boolean_mask, size repeating: sess.run {run_dynamic:8.1f} µs | fixed-size tf.where "
          f"{run_fixed:8.1f} µs | hand-written JAX (host mask) {run_floor:8.1f} µs | speed "
          f"ours/hand-written {run_floor / run_dynamic:5.2f}x")
    print(f"a size never seen before: {statistics.median(new_ms):8.1f} ms (compile + re-run); "
          f"a size seen before: {statistics.median(seen_ms):8.2f} ms (re-run)")


def training(rounds=20):
    """Steps/s of a GradientDescent step on boolean_mask-selected rows, counts cycling."""
    feeds = [masked_values(100 + k, 300 + 50 * k).reshape(N // 8, 8) for k in range(5)]
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [N // 8, 8])
        w = tf.Variable(np.full((8, 1), 0.01, np.float32))
        rows = tf.boolean_mask(x, x[:, 0] > 0)
        loss = tf.reduce_mean(tf.square(tf.matmul(rows, w) - 1.0))
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
        sess = tf.Session()
        sess.run(w.initializer)
        step = sess.make_callable(train, [x])
        for f in feeds:
            step(f)
        t0 = time.perf_counter()
        for _ in range(rounds):
            for f in feeds:
                step(f)
        ours = rounds * len(feeds) / (time.perf_counter() - t0)
        ours_compiles = sum(e[0].trace_count for e in sess._plans.values())

    @jax.jit
    def ref_step(w, rows):
        grad = jax.grad(lambda w: jnp.mean(jnp.square(rows @ w - 1.0)))(w)
        return w - 0.01 * grad
    wj = jnp.full((8, 1), 0.01, jnp.float32)
    for f in feeds:
        wj = ref_step(wj, f[f[:, 0] > 0])
    t0 = time.perf_counter()
    for _ in range(rounds):
        for f in feeds:
            wj = ref_step(wj, f[f[:, 0] > 0])
    jax.block_until_ready(wj)
    ref = rounds * len(feeds) / (time.perf_counter() - t0)
    print(f"training step on boolean_mask rows (5 row counts cycling): ours {ours:8.0f} steps/s, "
          f"{ours_compiles} traces | hand-written JAX {ref:8.0f} steps/s, "
          f"{ref_step._cache_size()} compiles | speed ours/hand-written {ours / ref:5.2f}x (a new "
          f"row count every step: each of our runs runs twice)")


if __name__ == "__main__":
    main()
    training(10 if QUICK else 40)
