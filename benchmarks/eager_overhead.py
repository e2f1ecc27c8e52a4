"""Per-op overhead of eager execution against plain `jax.numpy` calls, in one process.

For small tensors (a [4, 4] add and matmul, an add of scalars, a tanh, a product with a Python
number, a matmul with a variable) it times, interleaved in each repeat: the eager op
(`tf.add(a, b)` on EagerTensors, `a + b`, `tf.matmul`) and the same `jax.numpy` call on JAX
arrays. Prints medians (µs per call) and ratios, and the load.
Run: python benchmarks/eager_overhead.py [--quick]
"""
import os
import statistics
import sys

import jax.numpy as jnp

# this checkout's tfvars_jax, not the one the environment has installed (a worktree's benchmark
# must measure the worktree)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tfvars_jax as tf

import _timing  # benchmarks/_timing.py (the script's folder is on sys.path)

QUICK = "--quick" in sys.argv
REPEATS = 5 if QUICK else 11
CALLS = 500 if QUICK else 3000


def cases():
    a, b = jnp.arange(16, dtype=jnp.float32).reshape(4, 4), jnp.ones((4, 4), jnp.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    s, ts = jnp.float32(2.0), tf.constant(2.0)
    v = tf.Variable(b)  # against a JAX array standing for the variable's value
    return [
        ("add [4,4]", lambda: tf.add(ta, tb), lambda: jnp.add(a, b)),
        ("a + b [4,4]", lambda: ta + tb, lambda: a + b),
        ("matmul [4,4]", lambda: tf.matmul(ta, tb), lambda: jnp.matmul(a, b)),
        ("tanh [4,4]", lambda: tf.tanh(ta), lambda: jnp.tanh(a)),
        ("mul scalars", lambda: ts * ts, lambda: s * s),
        ("reduce_sum [4,4]", lambda: tf.reduce_sum(ta), lambda: jnp.sum(a)),
        ("a * 2.0 [4,4]", lambda: ta * 2.0, lambda: a * 2.0),
        ("matmul a, var", lambda: tf.matmul(ta, v), lambda: jnp.matmul(a, b)),
    ]


def main():
    tf.enable_eager_execution()
    print(f"load average: {os.getloadavg()}")
    rows = cases()
    samples = {name: ([], []) for name, _, _ in rows}
    for _ in range(REPEATS):  # interleaved: both sides see the same load
        for name, ours, ref in rows:
            samples[name][0].append(_timing.per_call_us(ours, CALLS, 1))
            samples[name][1].append(_timing.per_call_us(ref, CALLS, 1))
    print(f"{'op':<18}{'eager tf (µs)':>15}{'jax.numpy (µs)':>16}{'ratio':>8}")
    for name, (ours, ref) in samples.items():
        o, r = statistics.median(ours), statistics.median(ref)
        print(f"{name:<18}{o:>15.2f}{r:>16.2f}{o / r:>8.2f}x")


if __name__ == "__main__":
    main()
