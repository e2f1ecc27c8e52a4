"""tf.while_loop against hand-written JAX loops, side by side in one process.

A loop of 100 iterations of `h = tanh(h @ W + b)` (batch 32, width 128) with W and b
variables: forward only (`tf.while_loop` -> one `lax.while_loop`; reference:
`jax.lax.fori_loop`), and a training step through it (gradient + GradientDescent; our While
op runs as a `lax.scan` in the gradient's replay; reference: `jax.grad` of a `lax.scan` loop
with optax.sgd). Prints medians over repeats (µs per step) and ratios.
Run: python benchmarks/loops.py [--quick]
"""
import functools
import sys

import jax
import jax.numpy as jnp
import numpy as np
import optax

import tfvars_jax as tf

import _timing  # benchmarks/_timing.py (the script's folder is on sys.path)

QUICK = "--quick" in sys.argv
REPEATS = 3 if QUICK else 7
CALLS = 20 if QUICK else 100
STEPS, BATCH, WIDTH = 100, 32, 128


def per_call_us(fn, calls=CALLS, repeats=REPEATS):
    return _timing.per_call_us(fn, calls, repeats)


def ours(x_np):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [BATCH, WIDTH])
        w = tf.Variable(np.random.RandomState(0).randn(WIDTH, WIDTH).astype(np.float32) * 0.05)
        b = tf.Variable(np.zeros(WIDTH, np.float32))
        _, h = tf.while_loop(lambda k, h: k < STEPS, lambda k, h: (k + 1, tf.tanh(h @ w + b)),
                             (0, x), maximum_iterations=STEPS)
        loss = tf.reduce_mean(tf.square(h))
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        forward = sess.make_callable(h, [x])
        step = sess.make_callable(train, [x])
        return (per_call_us(lambda: np.asarray(forward(x_np))),
                per_call_us(lambda: step(x_np)))


def reference(x_np):
    params = {"w": jnp.asarray(np.random.RandomState(0).randn(WIDTH, WIDTH).astype(np.float32)
                               * 0.05), "b": jnp.zeros(WIDTH, jnp.float32)}
    x = jnp.asarray(x_np)

    @jax.jit
    def forward(p, x):
        return jax.lax.fori_loop(0, STEPS, lambda _, h: jnp.tanh(h @ p["w"] + p["b"]), x)

    def loss(p, x):
        h, _ = jax.lax.scan(lambda h, _: (jnp.tanh(h @ p["w"] + p["b"]), None), x, None,
                            length=STEPS)
        return jnp.mean(jnp.square(h))
    opt = optax.sgd(0.01)
    state = [params, opt.init(params)]

    @functools.partial(jax.jit, donate_argnums=(0, 1))
    def train(p, s, x):
        g = jax.grad(loss)(p, x)
        updates, s = opt.update(g, s, p)
        return optax.apply_updates(p, updates), s

    def step():
        state[0], state[1] = train(state[0], state[1], x)
        jax.block_until_ready(state[0])
    return (per_call_us(lambda: np.asarray(forward(state[0], x))), per_call_us(step))


def main():
    x_np = np.random.RandomState(1).randn(BATCH, WIDTH).astype(np.float32)
    ours_fwd, ours_train = ours(x_np)
    ref_fwd, ref_train = reference(x_np)
    print(f"while_loop forward ({STEPS} iterations): ours {ours_fwd:9.1f} µs | hand-written "
          f"fori_loop {ref_fwd:9.1f} µs | ratio hand-written/ours {ref_fwd / ours_fwd:5.2f}x")
    print(f"train step through the loop:       ours {ours_train:9.1f} µs | hand-written scan "
          f"{ref_train:9.1f} µs | ratio hand-written/ours {ref_train / ours_train:5.2f}x")


if __name__ == "__main__":
    main()
