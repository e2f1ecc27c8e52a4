"""Generate (and execute) notebooks/07_eager.ipynb.

    .venv/bin/python notebooks/make_notebook_07.py            # write + execute + save outputs
    .venv/bin/python notebooks/make_notebook_07.py --no-run   # write only

Eager execution, TF 1.x style: `tf.enable_eager_execution()` in the first cell (eager mode is
process-global, so this notebook has its own kernel), tensors with values, variables holding
JAX arrays, `tf.GradientTape`, an optimizer loop, `tf.contrib.eager.defun` compiling the step
into one jitted call, and an object-based checkpoint. Conventions follow `make_notebooks.py`;
tests/test_notebooks.py executes it.
"""
import os
import sys

from nbformat.v4 import new_code_cell, new_markdown_cell

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_notebooks  # noqa: E402 - the shared notebook builder and executor

NAME = "07_eager.ipynb"

SETUP = """\
# Setup: run this first. Eager mode is for the whole process (as in TF1): a fresh kernel.
import os, sys, tempfile
sys.path.insert(0, os.path.abspath(".."))
import numpy as np
import tfvars_jax as tf
tf.enable_eager_execution()
print(tf.executing_eagerly())"""


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


def cells():
    return [
        code(SETUP),
        md("""
# Eager execution with tfvars_jax

TF 1.x's eager mode: after `tf.enable_eager_execution()` every op runs when it is called and
returns a concrete tensor. Here each op is one call of a cached `jax.jit` of its kernel, so an
eager op costs about what the same `jax.numpy` call costs.
"""),
        code("""
x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
y = tf.matmul(x, x) + 1.0
print(y)
print(y.numpy().dtype, y.shape, float(tf.reduce_sum(y)), np.asarray(y)[0])"""),
        md("""
## Variables hold JAX arrays

In eager mode every variable is a resource variable; its value is a `jax.Array`. `assign*`
change it at once. No collections, no initializers, no Session.
"""),
        code("""
w = tf.Variable([[0.5], [-0.5]], name="w")
b = tf.Variable(0.0, name="b")
w.assign_add([[0.5], [0.5]])
print(w)
print(type(w.handle).__name__, w.dtype, tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES))"""),
        md("""
## GradientTape

The tape records the ops run on watched tensors (trainable variables are watched when read)
and differentiates their replay with `jax.vjp`: the values are the forward pass's own.
"""),
        code("""
data_x = tf.constant(np.random.RandomState(0).uniform(-1.0, 1.0, (16, 2)).astype(np.float32))
data_y = tf.matmul(data_x, tf.constant([[2.0], [-3.0]])) + 0.5

def loss():
    return tf.reduce_mean(tf.square(tf.matmul(data_x, w) + b - data_y))

with tf.GradientTape() as tape:
    value = loss()
grads = tape.gradient(value, [w, b])
print(float(value), [g.numpy().ravel() for g in grads])"""),
        md("""
## Training: optimizers take the loss as a function

`minimize(loss)` runs the loss under a tape and applies the update in one jitted call (Adam's
slots are variables named as TF1 names them). `tf.contrib.eager.defun` traces the whole step
once into a graph and compiles it into one jitted call.
"""),
        code("""
opt = tf.train.AdamOptimizer(0.1)
step = tf.train.get_or_create_global_step()
for _ in range(20):
    opt.minimize(loss, global_step=step)
print("loss after 20 eager steps:", round(float(loss()), 4), "step", int(step))

train = tf.contrib.eager.defun(lambda: opt.minimize(loss, global_step=step))
for _ in range(180):
    train()
print("loss after 180 compiled steps:", round(float(loss()), 6), "step", int(step))
print("w:", w.numpy().ravel().round(3), "b:", round(float(b), 3))
print(sorted(v.name for v in opt.variables()))"""),
        md("""
## Checkpoints

`tf.train.Checkpoint` writes TensorFlow's object-based format (TF reads it); restoring sets
the values at once.
"""),
        code("""
ckpt = tf.train.Checkpoint(w=w, b=b, opt=opt, step=step)
path = ckpt.save(os.path.join(tempfile.mkdtemp(), "ckpt"))
w.assign(tf.zeros([2, 1]))
ckpt.restore(path).assert_consumed()
print(os.path.basename(path), w.numpy().ravel().round(3))
print([name for name, _ in tf.train.list_variables(path)][:4])"""),
    ]


build, execute, main = make_notebooks.single_notebook(NAME, cells, __doc__)


if __name__ == "__main__":
    main()
