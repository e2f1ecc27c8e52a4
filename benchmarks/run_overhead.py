"""Session.run overhead against the hand-written jax.jit floor, side by side in one process.

Prints medians over several repeats (µs per call):
  * sess.run(v.assign_add(1.0)) and the same through make_callable, against the floor: the
    same step hand-written as jax.jit(..., donate_argnums=0) returning NumPy, the three timed
    in alternation (ratios are medians of per-round ratios);
  * run cost with 10 and with 10,000 variables in the graph when one is touched;
  * global_variables_initializer time per variable for 5,000 variables of mixed shapes.
Run: python benchmarks/run_overhead.py [--quick] [--cpu]
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
# --cpu: the interleaved comparison in process CPU time (all threads, JAX's included) instead
# of wall time: steadier when other processes load the machine.
CLOCK = time.process_time if "--cpu" in sys.argv else time.perf_counter
REPEATS = 3 if QUICK else 7
CALLS = 300 if QUICK else 2000


def per_call_us(fn, calls=CALLS, repeats=REPEATS):
    return _timing.per_call_us(fn, calls, repeats)


def run_us(num_vars):
    g = tf.Graph()
    with g.as_default():
        vs = [tf.Variable(0.0, name=f"v{i}") for i in range(num_vars)]
        inc = vs[0].assign_add(1.0)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    sess.run(init)
    plain = per_call_us(lambda: sess.run(inc))
    fn = sess.make_callable(inc)
    callable_ = per_call_us(fn)
    sess.close()
    return plain, callable_


def init_us_per_var(n=5000):
    shapes = [(64,), (128, 64), (3, 3, 16, 32), (256,), (32, 10)]
    g = tf.Graph()
    with g.as_default():
        for i in range(n):
            shape = shapes[i % len(shapes)]
            kind = i % 3
            if kind == 0:
                tf.Variable(tf.zeros(shape), name=f"z{i}")
            elif kind == 1:
                tf.Variable(tf.random_normal(shape, stddev=0.1), name=f"n{i}")
            else:
                tf.Variable(tf.truncated_normal(shape, stddev=0.1), name=f"t{i}")
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    t0 = time.perf_counter()
    sess.run(init)
    jax.block_until_ready(list(sess._values.values()))
    return (time.perf_counter() - t0) / n * 1e6


def interleaved_us(fns, rounds=None, calls=None):
    """Median µs per call of each function, timed in alternation over `rounds` rounds (so a
    load change on the machine hits all of them alike), and each one's median ratio to the
    first's within a round."""
    rounds = rounds or (9 if QUICK else 31)
    calls = calls or (200 if QUICK else 500)
    for fn in fns:
        fn()
    samples = [[] for _ in fns]
    for _ in range(rounds):
        for fn, out in zip(fns, samples):
            t0 = CLOCK()
            for _ in range(calls):
                fn()
            out.append((CLOCK() - t0) / calls * 1e6)
    medians = [statistics.median(s) for s in samples]
    ratios = [statistics.median(a / b for a, b in zip(s, samples[0])) for s in samples]
    return medians, ratios


def one_variable_fns():
    step = jax.jit(lambda s: (s + 1.0, s + 1.0), donate_argnums=0)
    state = [jnp.float32(0.0)]

    def floor():
        state[0], out = step(state[0])
        return np.array(out)[()]
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(0.0, name="v")
        inc = v.assign_add(1.0)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    sess.run(init)
    return floor, (lambda: sess.run(inc)), sess.make_callable(inc)


def main():
    (floor, plain10, call10), (_, r_plain, r_call) = interleaved_us(one_variable_fns())
    print(f"floor (jax.jit + donation + NumPy result): {floor:8.1f} us")
    print(f"sess.run(v.assign_add(1.0)), 10 vars:       {plain10:8.1f} us  ratio {r_plain:5.2f}x  "
          "(aim <= 1.5x)")
    print(f"make_callable, 10 vars:                      {call10:8.1f} us  ratio {r_call:5.2f}x  "
          "(aim <= 1.2x)")
    n_big = 1000 if QUICK else 10000
    plain10, call10 = run_us(10)
    plain10k, call10k = run_us(n_big)
    print(f"sess.run, {n_big} vars (1 touched):          {plain10k:8.1f} us  "
          f"vs 10 vars {plain10k / plain10:5.2f}x  (aim <= 1.5x)")
    print(f"make_callable, {n_big} vars (1 touched):     {call10k:8.1f} us  vs 10 vars {call10k / call10:5.2f}x")
    n_init = 500 if QUICK else 5000
    print(f"global_variables_initializer, {n_init} mixed vars: {init_us_per_var(n_init):8.1f} us/var incl. compile "
          "(aim < 200; TF1 ~3500)")


if __name__ == "__main__":
    main()
