"""Generate (and execute) notebooks/04_layers_and_rnn.ipynb.

    .venv/bin/python notebooks/make_notebook_04.py            # write + execute + save outputs
    .venv/bin/python notebooks/make_notebook_04.py --no-run   # write only

The notebook builds a small conv net with `tf.layers` and batch normalization (and shows the
UPDATE_OPS rule), an LSTM on a toy sequence task with `tf.nn.dynamic_rnn`, prints their
variable tables, and saves a TF1 checkpoint with `tf.train.Saver` that a fresh graph restores.
It needs no TensorFlow: tests/test_layer_checkpoints_vs_tf.py shows that TF1's own checkpoints
of such a model restore the same way. Conventions follow `make_notebooks.py` (the first cell
puts the repository root on `sys.path`); tests/test_notebooks.py executes it.
"""
import os
import sys

from nbformat.v4 import new_code_cell, new_markdown_cell

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_notebooks  # the shared notebook builder and executor (after the sys.path insert)

NAME = "04_layers_and_rnn.ipynb"

SETUP = """\
# Setup: run this first. tfvars_jax stands in for TensorFlow 1.x.
import os, sys, tempfile
# Make the notebook runnable from a checkout: the repo root is the parent of notebooks/.
sys.path.insert(0, os.path.abspath(".."))
import numpy as np
import tfvars_jax as tf   # behaves like `import tensorflow.compat.v1 as tf` + disable_v2_behavior()
tf.reset_default_graph()
print(tf.__name__)"""


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


def cells():
    return [
        code(SETUP),
        md("""
# Layers, batch norm and RNNs (TF1) with tfvars_jax

TF1 models are mostly built from `tf.layers` and `tf.nn.rnn_cell`. This notebook runs two
small ones on **tfvars_jax**, unchanged TF1 code throughout:

1. a conv net of `tf.layers.conv2d`, `tf.layers.batch_normalization`, pooling and
   `tf.layers.dense`, trained with momentum — and the one rule batch normalization asks of
   you: run the `UPDATE_OPS`;
2. an LSTM (`tf.nn.rnn_cell.BasicLSTMCell` through `tf.nn.dynamic_rnn`) on a toy sequence task
   with sequences of different lengths;
3. a TF1 checkpoint: `tf.train.Saver` writes TensorFlow's own format, and a fresh graph built by
   the same code restores it — weights, optimizer slots and batch-norm statistics.

Along the way we print each model's variable table: the names and shapes TF1 gives.
"""),
        md("""
A small helper prints a variable table (name, shape, whether it is trained):
"""),
        code("""
def show_variables(variables):
    for v in variables:
        trained = "trainable" if v in tf.trainable_variables() else ""
        print(f"{v.op.name:42s} {str(v.shape.as_list()):14s} {trained}")
    print(len(variables), "variables,",
          sum(int(np.prod(v.shape.as_list())) for v in variables), "values")
"""),
        md("""
## 1. A conv net with `tf.layers` and batch normalization

The data: 12x12 images, each with one noisy bar; class 0 is a vertical bar, class 1 a
horizontal one.
"""),
        code("""
def bars(n, rng):
    images = 0.3 * rng.standard_normal((n, 12, 12, 1)).astype(np.float32)
    labels = rng.integers(0, 2, n).astype(np.int32)
    for image, label, pos in zip(images, labels, rng.integers(1, 11, n)):
        if label == 0:
            image[:, pos] += 1.0
        else:
            image[pos, :] += 1.0
    return images, labels

rng = np.random.default_rng(0)
train_images, train_labels = bars(1024, rng)
test_images, test_labels = bars(256, rng)
print(train_images.shape, np.bincount(train_labels))
"""),
        md("""
The model is ordinary TF1 code. `batch_normalization` behaves differently in training (it
normalizes with the batch's statistics and updates its moving averages) and in inference (it
uses the moving averages), so it takes a `training` flag — here a boolean placeholder that
defaults to `False`. The model is a function so that section 3 can build it again.
"""),
        code("""
def build_convnet():
    images = tf.placeholder(tf.float32, [None, 12, 12, 1], name="images")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    training = tf.placeholder_with_default(False, [], name="training")
    h = tf.layers.conv2d(images, 8, 3, padding="same")
    h = tf.layers.batch_normalization(h, momentum=0.9, training=training)
    h = tf.layers.max_pooling2d(tf.nn.relu(h), 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                         logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32),
                                               labels), tf.float32))
    return images, labels, training, logits, loss, accuracy

tf.set_random_seed(0)
images, labels, training, logits, loss, accuracy = build_convnet()
"""),
        md("""
### The UPDATE_OPS rule

In training mode, `batch_normalization` creates the ops that update its moving mean and
variance, but nothing runs them: they are put in the collection `tf.GraphKeys.UPDATE_OPS`.
TF1's rule is to make the train op depend on them:
"""),
        code("""
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
print([op.name for op in update_ops])
with tf.control_dependencies(update_ops):
    train_op = tf.train.MomentumOptimizer(0.05, momentum=0.9).minimize(
        loss, global_step=tf.train.get_or_create_global_step())
"""),
        md("""
The variable table: `conv2d/kernel` and `dense/kernel` are named by the layers' default
names; `batch_normalization/moving_mean` and `moving_variance` are variables too, but not
trainable; the optimizer added a `Momentum` slot for each trainable variable, and
`minimize(global_step=...)` the global step.
"""),
        code("""
show_variables(tf.global_variables())
"""),
        md("""
Train for 120 steps of 32 images (`training: True`), then measure accuracy on the test images
in inference mode (the default `training=False`, so the moving averages are used):
"""),
        code("""
conv_sess = tf.Session()
conv_sess.run(tf.global_variables_initializer())
for step in range(120):
    batch = slice(32 * (step % 32), 32 * (step % 32 + 1))
    _, loss_value = conv_sess.run([train_op, loss], {images: train_images[batch],
                                                     labels: train_labels[batch],
                                                     training: True})
    if step % 30 == 0 or step == 119:
        print(f"step {step:3d}  loss {loss_value:.4f}")
test_feed = {images: test_images, labels: test_labels}
print("test accuracy (inference mode):", conv_sess.run(accuracy, test_feed))
print("moving_mean:", conv_sess.run("batch_normalization/moving_mean:0").round(3))
"""),
        md("""
### Forgetting the rule

A train op made without the control dependency trains the weights just the same, but the
moving statistics stay at their initial values (mean 0, variance 1), so inference-mode
predictions use statistics that the network never saw in training. Here a second train op
(plain gradient descent, created outside the `control_dependencies` block) shows it in a new
session:
"""),
        code("""
train_forgetting = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(30):
        batch = slice(32 * step, 32 * (step + 1))
        sess.run(train_forgetting, {images: train_images[batch], labels: train_labels[batch],
                                    training: True})
    mean, var = sess.run(["batch_normalization/moving_mean:0",
                          "batch_normalization/moving_variance:0"])
print("moving_mean still all 0:", bool(np.all(mean == 0)),
      "  moving_variance still all 1:", bool(np.all(var == 1)))
"""),
        md("""
## 2. An LSTM with `tf.nn.dynamic_rnn`

The toy task: read a sequence of numbers in [-1, 1] of length 3 to 10 and output its sum.
Sequences are padded to 10 steps with garbage; `sequence_length` tells `dynamic_rnn` where
each one ends — past its length a row's output is zero and its state is carried unchanged, so
the final state is the state after the row's last real step.
"""),
        code("""
def sums(n, rng):
    lengths = rng.integers(3, 11, n).astype(np.int32)
    x = rng.uniform(-1, 1, (n, 10, 1)).astype(np.float32)
    valid = np.arange(10)[None, :] < lengths[:, None]
    target = np.where(valid, x[..., 0], 0).sum(1, keepdims=True).astype(np.float32)
    return x, lengths, target

tf.reset_default_graph()
tf.set_random_seed(0)
seq = tf.placeholder(tf.float32, [None, 10, 1], name="seq")
seq_len = tf.placeholder(tf.int32, [None], name="seq_len")
target = tf.placeholder(tf.float32, [None, 1], name="target")
cell = tf.nn.rnn_cell.BasicLSTMCell(16)
outputs, state = tf.nn.dynamic_rnn(cell, seq, sequence_length=seq_len, dtype=tf.float32)
prediction = tf.layers.dense(state.h, 1, name="readout")
mse = tf.reduce_mean(tf.square(prediction - target))
lstm_train = tf.train.AdamOptimizer(0.01).minimize(mse)
print("outputs:", outputs.shape, " state:", type(state).__name__, state.c.shape, state.h.shape)
"""),
        md("""
The variable table: the cell's variables are created once, in `dynamic_rnn`'s variable scope
`rnn`, and shared by all time steps. `BasicLSTMCell` keeps its four gates in one kernel of shape
`[input depth + units, 4 * units]`; Adam adds two slots per variable and the `beta1_power` /
`beta2_power` accumulators.
"""),
        code("""
show_variables(tf.global_variables())
"""),
        code("""
rng = np.random.default_rng(1)
val_x, val_len, val_y = sums(256, rng)
val_feed = {seq: val_x, seq_len: val_len, target: val_y}
lstm_sess = tf.Session()
lstm_sess.run(tf.global_variables_initializer())
print("validation MSE before:", lstm_sess.run(mse, val_feed))
for step in range(300):
    x, lengths, y = sums(64, rng)
    lstm_sess.run(lstm_train, {seq: x, seq_len: lengths, target: y})
print("validation MSE after: ", lstm_sess.run(mse, val_feed))
print("a few sums:       ", val_y[:4, 0].round(2))
print("their predictions:", lstm_sess.run(prediction, val_feed)[:4, 0].round(2))
"""),
        md("""
## 3. A TF1 checkpoint, saved and restored

`tf.train.Saver` writes TensorFlow's V2 checkpoint format (an `.index` and a `.data` file) —
the files TF 1.x writes, byte for byte. We save the trained conv net of section 1, whose
session is still open. Its graph is no longer the default one (section 2 reset it), so the
Saver is made inside `conv_sess.graph.as_default()`: a Saver saves the variables of the graph
it is built in.
"""),
        code("""
checkpoint_dir = tempfile.mkdtemp()
with conv_sess.graph.as_default():
    saver = tf.train.Saver()
    # write_meta_graph=False: tfvars_jax writes no .meta MetaGraph (it would warn)
    path = saver.save(conv_sess, os.path.join(checkpoint_dir, "convnet"),
                      global_step=tf.train.get_global_step(), write_meta_graph=False)
expected = conv_sess.run(logits, test_feed)
print(os.path.basename(path), sorted(os.listdir(checkpoint_dir)))
"""),
        md("""
What the checkpoint holds: every global variable — weights, the batch-norm moving statistics,
the `Momentum` slots and the global step:
"""),
        code("""
for name, shape in tf.train.list_variables(path):
    print(f"{name:42s} {shape}")
"""),
        md("""
Now a fresh graph, built by the same code, and a new session. `saver.restore` sets every
variable (no initializer is needed), and the restored net predicts exactly what the trained one
did — in inference mode, which is where the moving statistics matter.
"""),
        code("""
tf.reset_default_graph()
images, labels, training, logits, loss, accuracy = build_convnet()
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_op = tf.train.MomentumOptimizer(0.05, momentum=0.9).minimize(
        loss, global_step=tf.train.get_or_create_global_step())
saver = tf.train.Saver()
with tf.Session() as sess:
    saver.restore(sess, tf.train.latest_checkpoint(checkpoint_dir))
    print("uninitialized after restore:", sess.run(tf.report_uninitialized_variables()))
    print("global step:", sess.run(tf.train.get_global_step()))
    restored = sess.run(logits, {images: test_images})
    print("restored predictions equal:", bool(np.array_equal(restored, expected)))
    print("test accuracy:", sess.run(accuracy, {images: test_images, labels: test_labels}))
conv_sess.close()
lstm_sess.close()
"""),
        md("""
**Checkpoints written by TensorFlow 1.x restore the same way**, and ours restore in TensorFlow:
the format is TF's own. `tests/test_layer_checkpoints_vs_tf.py` checks it on a model of
`conv2d`, `batch_normalization` (with the UPDATE_OPS rule), `dense` and an LSTM through
`dynamic_rnn`, trained with Adam: trained and saved by TensorFlow's `tf.train.Saver`, restored by
tfvars_jax (every variable, slot and moving statistic equal bit for bit, inference outputs and
one more training step equal to TensorFlow's), and the other way round.

## Summary

* `tf.layers` and `tf.nn.rnn_cell` build the variables TF1 builds, under TF1's names and
  shapes (`conv2d/kernel`, `batch_normalization/moving_mean`, `rnn/basic_lstm_cell/kernel`).
* Batch normalization's moving statistics are updated only by the ops in `UPDATE_OPS`: make
  the train op depend on them.
* `tf.nn.dynamic_rnn` runs the cell over time (one compiled loop) and honours
  `sequence_length`.
* `tf.train.Saver` checkpoints are TensorFlow's format, both ways.
"""),
    ]


build, execute, main = make_notebooks.single_notebook(NAME, cells, __doc__)


if __name__ == "__main__":
    main()
