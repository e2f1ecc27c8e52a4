"""Generate (and execute) notebooks/06_notebook_tools.ipynb.

    .venv/bin/python notebooks/make_notebook_06.py            # write + execute + save outputs
    .venv/bin/python notebooks/make_notebook_06.py --no-run   # write only

The notebook shows the notebook tools: `%load_ext tfvars_jax` (re-running a model cell finds
its variables and keeps the trained values; a clash between cells still raises), the rich
displays of Variable, Graph, Session and State, `tf.show_variables()` (slim's analyze_vars
table), `tf.show_graph(scope)`, and where errors say a variable or op was defined.
Conventions follow `make_notebooks.py`; tests/test_notebooks.py executes it and converts it
to HTML.
"""
import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_notebooks  # the shared notebook builder and executor
from make_notebooks import code, md

NAME = "06_notebook_tools.ipynb"

SETUP = """\
# Setup: run this first. tfvars_jax stands in for TensorFlow 1.x.
import os, sys
# Make the notebook runnable from a checkout: the repo root is the parent of notebooks/.
sys.path.insert(0, os.path.abspath(".."))
import numpy as np
import tfvars_jax as tf   # behaves like `import tensorflow.compat.v1 as tf` + disable_v2_behavior()
%load_ext tfvars_jax
tf.reset_default_graph()
print(tf.__name__)"""

MODEL = """\
# The model cell: re-run it as often as you like.
x = tf.placeholder(tf.float32, [None, 2], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")
with tf.variable_scope("model"):
    hidden = tf.layers.dense(x, 8, activation=tf.nn.tanh)
    w_out = tf.get_variable("w_out", [8, 1])
    prediction = tf.matmul(hidden, w_out)
loss = tf.reduce_mean(tf.square(prediction - y))
train_op = tf.train.MomentumOptimizer(0.1, momentum=0.9).minimize(loss)
print(sorted(v.op.name for v in tf.global_variables()))"""


def cells():
    return [
        code(SETUP),
        md("""
# Notebook tools

Notebooks re-run cells, and TF1 graphs do not like that: running a cell that calls
`tf.get_variable` a second time raises `ValueError: Variable ... already exists`. This notebook
shows what **tfvars_jax** adds for notebooks:

1. `%load_ext tfvars_jax` (in the first cell): a re-executed cell finds the variables the same
   cell made before, with their trained values, while a real name clash between two different
   cells still raises TF1's error;
2. rich displays of variables, graphs, sessions and states, `tf.show_variables()` and
   `tf.show_graph(scope)`;
3. errors that say where the variable or op involved was created.
"""),
        md("""
## Re-running a model cell

A small regression model: a `tf.layers.dense` layer, one `tf.get_variable` and a Momentum
optimizer (its slots `.../Momentum` are `get_variable`s too).
"""),
        code(MODEL),
        code("""
rng = np.random.default_rng(0)
data_x = rng.normal(size=(64, 2)).astype(np.float32)
data_y = np.sin(data_x[:, :1] * 2).astype(np.float32)
sess = tf.InteractiveSession()
sess.run(tf.global_variables_initializer())
for step in range(50):
    _, loss_value = sess.run([train_op, loss], {x: data_x, y: data_y})
print("loss after 50 steps:", round(float(loss_value), 4))
trained_w, first_w = sess.run(w_out), w_out
"""),
        md("""
Now run the model cell again (here its text, from IPython's input history `In`, is executed
again with `run_cell`, as pressing Shift-Enter on it would). Its `get_variable` calls —
including those inside the unnamed `dense` layer and the optimizer's slots — find the
variables of its first run, so the variable list is unchanged and the session's trained
values are still there. The new ops get fresh names (`loss` is now `Mean_1`), as a TF1
rebuild would name them.
"""),
        code("""
model_cell = next(cell for cell in In if cell.startswith("# The model cell"))
get_ipython().run_cell(model_cell)
print("same variable object:", w_out is first_w)
print("trained values kept:", np.array_equal(sess.run(w_out), trained_w))
print("new loss op:", loss.op.name)
for step in range(50):
    _, loss_value = sess.run([train_op, loss], {x: data_x, y: data_y})
print("loss after 50 more steps:", round(float(loss_value), 4))
"""),
        md("""
"The same cell" is the frontend's cell id (JupyterLab, Notebook 7 and VS Code send one, so
an edited cell is still the same cell), or the cell's text when no id is sent. A
`get_variable` in a *different* cell that asks for an existing name without reuse is a real
clash, and raises TF1's error — saying where the variable was first made:
"""),
        code("""
with tf.variable_scope("model"):
    tf.get_variable("w_out", [8, 1])
""", raises=True),
        md("""
## Rich displays

A variable shows its name, shape, dtype, collections, device, where it was defined and — from
the default session (the `InteractiveSession` above) — whether it is initialized and its value.
`print()` keeps TF1's plain text.
"""),
        code("""
print(w_out)
w_out
"""),
        md("A graph lists its variables by scope with parameter counts, and counts its ops:"),
        code("tf.get_default_graph()"),
        md("A session shows the values it holds, with their sizes; so does a `State`:"),
        code("sess"),
        code("sess.state"),
        md("""
`tf.show_variables()` is slim's `model_analyzer.analyze_vars` table (same columns, same
totals): HTML in the notebook, slim's text with `print()`, and it unpacks to slim's
`(total size, total bytes)`.
"""),
        code("""
table = tf.show_variables()
print(table)
total_size, total_bytes = table
table
"""),
        md("""
`tf.show_graph(scope)` pictures the ops of a scope: an SVG where Graphviz is installed (the
`dot` program or the `graphviz` Python package), a text tree otherwise.
"""),
        code("""
picture = tf.show_graph("model/dense")
print(picture.text.splitlines()[0])
picture
"""),
        md("""
## Where was it defined?

Errors about an op or a variable end as TF1's do: the node, `(defined at file:line)` and the
line of user code that created it — in a notebook, the cell (`Cell In[n]`).
"""),
        code("""
counter = tf.Variable(0, name="counter")   # never initialized
sess.run(counter)
""", raises=True),
        md("""
## Summary

* `%load_ext tfvars_jax` makes re-running model cells safe: same cell → same variables, with
  their values; another cell → TF1's "already exists" error. `tf.Variable` (and an
  optimizer's non-slot variables such as Adam's `beta1_power`) are created anew on a re-run,
  as in a TF1 rebuild.
* `_repr_html_` for `tf.Variable`, `tf.Graph`, `tf.Session` and `tf.State`;
  `tf.show_variables()` and `tf.show_graph(scope)`.
* Errors name where the variable or op was created.
"""),
    ]


build, execute, main = make_notebooks.single_notebook(NAME, cells, __doc__)


if __name__ == "__main__":
    main()
