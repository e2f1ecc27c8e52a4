"""Generate (and execute) notebooks/03_jax_training_loop.ipynb.

    .venv/bin/python notebooks/make_notebook_03.py            # write + execute + save outputs
    .venv/bin/python notebooks/make_notebook_03.py --no-run   # write only

The notebook trains one TF1-style model twice: with a `tf.Session` loop and
`tf.train.AdamOptimizer`, and as a pure JAX function (`tfvars_jax.functional`) trained by
`optax.adam` in a `jax.jit` step; then it runs the TF1 train op itself inside `jax.lax.scan`.
It plots the loss curves with matplotlib. Conventions follow `make_notebooks.py` (the first
cell puts the repository root on `sys.path`); tests/test_notebooks.py executes it.
"""
import os
import sys

from nbformat.v4 import new_code_cell, new_markdown_cell

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_notebooks  # noqa: E402 - the shared notebook builder and executor

NAME = "03_jax_training_loop.ipynb"

SETUP = """\
# Setup: run this first. tfvars_jax stands in for TensorFlow 1.x.
import os, sys
# Make the notebook runnable from a checkout: the repo root is the parent of notebooks/.
sys.path.insert(0, os.path.abspath(".."))
import numpy as np
import jax
import jax.numpy as jnp
import optax
import matplotlib.pyplot as plt
%matplotlib inline
import tfvars_jax as tf   # behaves like `import tensorflow.compat.v1 as tf` + disable_v2_behavior()
from tfvars_jax import functional
tf.reset_default_graph()
print(tf.__name__, "on JAX", jax.__version__)"""


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


def cells():
    return [
        code(SETUP),
        md("""
# A TF1 model in a JAX training loop

This notebook takes one small TensorFlow 1.x-style model — placeholders, `tf.get_variable` in
variable scopes, a loss — and trains it two ways on **tfvars_jax**:

1. the TF1 way: `tf.train.AdamOptimizer(...).minimize(loss)` and a `tf.Session` loop;
2. the JAX way: the graph becomes a **pure function** of a `State` (`tfvars_jax.functional`),
   its trainable part is split off, differentiated with `jax.grad` and trained by `optax.adam`
   in a `jax.jit`-compiled step.

Both start from the same initial values, and the trained values move freely between the two
worlds. Finally the TF1 train op itself (Adam slots, global step and all) runs inside a
`jax.lax.scan`.
"""),
        md("""
## Data

A fixed synthetic regression problem: `y = sin(x @ w_true) + noise`, one batch of 32 points per
step.
"""),
        code("""
N_STEPS, BATCH = 200, 32
rng = np.random.default_rng(0)
w_true = rng.normal(size=(2, 1))
xs = rng.uniform(-2, 2, size=(N_STEPS, BATCH, 2)).astype(np.float32)
ys = (np.sin(xs @ w_true) + 0.05 * rng.normal(size=(N_STEPS, BATCH, 1))).astype(np.float32)
print(xs.shape, ys.shape)
"""),
        md("""
## The model, written as TF1 code

A two-hidden-layer MLP. `dense` creates its variables with `tf.get_variable` inside
`tf.variable_scope(name)`, so they get TF1's names (`hidden1/kernel`, ...).
"""),
        code("""
tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 2], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")

def dense(inputs, units, name, activation=None):
    with tf.variable_scope(name):
        w = tf.get_variable("kernel", [inputs.shape[-1], units], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("bias", [units], initializer=tf.zeros_initializer())
        out = tf.matmul(inputs, w) + b
        return activation(out) if activation else out

h = dense(x, 32, "hidden1", tf.nn.tanh)
h = dense(h, 32, "hidden2", tf.nn.tanh)
pred = dense(h, 1, "output")
loss = tf.reduce_mean(tf.square(pred - y))

global_step = tf.train.get_or_create_global_step()
train_op = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=global_step)
print("trainable:", [v.name for v in tf.trainable_variables()])
print("all:      ", [v.op.name for v in tf.global_variables()])
"""),
        md("""
`minimize` added Adam's state as variables, named as TF1 names them: the slots
`hidden1/kernel/Adam` and `hidden1/kernel/Adam_1` (first and second moments) for every
trainable variable, and the non-slot `beta1_power` / `beta2_power`. They are global but not
trainable, so `tf.global_variables_initializer()` initializes them and a `tf.train.Saver`
would checkpoint them.

## 1. The TF1 way: a Session loop
"""),
        code("""
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    session_losses = []
    for i in range(N_STEPS):
        _, loss_value = sess.run([train_op, loss], {x: xs[i], y: ys[i]})
        session_losses.append(loss_value)
    print("global step:", sess.run(global_step))
print(f"loss: {session_losses[0]:.4f} -> {session_losses[-1]:.4f}")
"""),
        md("""
## 2. The JAX way: the graph as a pure function

`functional.make_step(fetches, feeds)` turns the graph into the pure function that
`Session.run` compiles: `step(state, *feed_values) -> (fetched values, new_state)`.
`functional.make_init()` runs the initializers and returns the initial `State` — with
`seed=0` the same values a fresh session's `global_variables_initializer()` gives.

A `State` maps variable names to `jax.Array`s and is a JAX pytree. `functional.split` cuts it
into a plain dict of the **trainable** values (what we differentiate) and the rest (the Adam
slots and global step of the TF1 optimizer, which this loop simply ignores);
`functional.merge` puts them back together.
"""),
        code("""
loss_fn = functional.make_step(loss, [x, y])        # fetch only the loss: no train op
state = functional.make_init()(seed=0)
params, rest = functional.split(state)
print({name: value.shape for name, value in params.items()})
"""),
        md("""
Now an ordinary JAX training step: the loss as a function of `params`, `jax.value_and_grad`,
an `optax.adam` update, all under `jax.jit`. Nothing in it is TensorFlow-specific.
"""),
        code("""
tx = optax.adam(0.01)
opt_state = tx.init(params)

def loss_of_params(params, xb, yb):
    value, _ = loss_fn(functional.merge(params, rest), xb, yb)
    return value

@jax.jit
def train_step(params, opt_state, xb, yb):
    value, grads = jax.value_and_grad(loss_of_params)(params, xb, yb)
    updates, opt_state = tx.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, value

jax_losses = []
for i in range(N_STEPS):
    params, opt_state, loss_value = train_step(params, opt_state, xs[i], ys[i])
    jax_losses.append(float(loss_value))
print(f"loss: {jax_losses[0]:.4f} -> {jax_losses[-1]:.4f}")
"""),
        md("""
## Comparing the two

Both loops start from identical parameters, so the first losses are equal. They then follow
nearly the same path: TF1's Adam and `optax.adam` differ only in where epsilon enters the
update.
"""),
        code("""
print("first losses equal:", np.float32(jax_losses[0]) == session_losses[0])
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(session_losses, label="tf.Session loop + tf.train.AdamOptimizer")
ax.plot(jax_losses, "--", label="jax.jit step + optax.adam")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("training loss (MSE)")
ax.set_title("The same TF1 model, two training loops")
ax.legend()
plt.show()
"""),
        md("""
## Back into a Session

The trained values are ordinary arrays keyed by TF1 names: assign the merged `State` to a
session and keep using the TF1 graph — to evaluate, to continue training with the TF1
optimizer, or to save a TF checkpoint with `tf.train.Saver`.
"""),
        code("""
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("loss on batch 0 before:", sess.run(loss, {x: xs[0], y: ys[0]}))
    sess.state = functional.merge(params, rest)
    print("loss on batch 0 after: ", sess.run(loss, {x: xs[0], y: ys[0]}))
"""),
        md("""
## Bonus: the TF1 train op inside `jax.lax.scan`

`make_step` also accepts the train op. Its step updates the parameters, the Adam slots and the
global step in the returned `State`, so the whole TF1 training loop can be one compiled
`jax.lax.scan` — and it reproduces the Session loop.

The global step is an int64. JAX computes 64-bit values only in its x64 mode, which tfvars_jax
turns on just inside its own calls (it leaves your process's JAX configuration alone). A pure
step that touches a 64-bit variable is therefore traced and called inside
`functional.tf_precision()` (JAX's `enable_x64`); without it the step raises a TypeError
naming the variable rather than counting in 32 bits.
"""),
        code("""
tf_step = functional.make_step([train_op, loss], [x, y])

@jax.jit
def train_all(state, xs, ys):
    def body(state, batch):
        (_, loss_value), state = tf_step(state, *batch)
        return state, loss_value
    return jax.lax.scan(body, state, (xs, ys))

with functional.tf_precision():
    final_state, scan_losses = train_all(functional.make_init()(seed=0), xs, ys)
print("global step:", int(final_state["global_step"]))
print("max |scan loss - session loss|:", float(np.max(np.abs(np.asarray(scan_losses) - np.asarray(session_losses)))))
"""),
        md("""
## Summary

* `functional.make_step(fetches, feeds)` gives the pure `(state, *feeds) -> (values, state)`
  function behind `Session.run`; `functional.make_init()` the initial `State`.
* `functional.split` / `merge` separate the trainable values, so `jax.grad` and any optax
  optimizer can train a TF1 model directly.
* Values move between `tf.Session` (`sess.state`) and JAX without conversion, under their TF1
  names.
"""),
    ]


build, execute, main = make_notebooks.single_notebook(NAME, cells, __doc__)


if __name__ == "__main__":
    main()
