"""Generate (and execute) notebooks/05_monitored_training.ipynb.

    .venv/bin/python notebooks/make_notebook_05.py            # write + execute + save outputs
    .venv/bin/python notebooks/make_notebook_05.py --no-run   # write only

The notebook shows TF1's managed training loop on tfvars_jax: a tf.data input pipeline, a
`tf.train.MonitoredTrainingSession` with checkpoints, summaries and our tqdm progress bar
(`ProgressBarHook`), the summaries read back from the event file (`tf.train.summary_iterator`)
and plotted with matplotlib, a run interrupted by an exception and a new session resuming from
its last checkpoint (the global step continues), and `tf.train.Supervisor` continuing once
more. It runs in a few seconds. Conventions follow `make_notebooks.py`; tests/test_notebooks.py
executes it.
"""
import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_notebooks  # the shared notebook builder and executor
from make_notebooks import code, md

NAME = "05_monitored_training.ipynb"

SETUP = """\
# Setup: run this first. tfvars_jax stands in for TensorFlow 1.x.
import os, sys, tempfile
# Make the notebook runnable from a checkout: the repo root is the parent of notebooks/.
sys.path.insert(0, os.path.abspath(".."))
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
import tfvars_jax as tf   # behaves like `import tensorflow.compat.v1 as tf` + disable_v2_behavior()
tf.reset_default_graph()
logdir = tempfile.mkdtemp(prefix="monitored_")   # checkpoints and event files go here
print(tf.__name__)"""

MODEL = """\
rng = np.random.default_rng(0)
features = rng.normal(size=(512, 3)).astype(np.float32)
targets = (features @ np.array([[2.0], [-1.0], [0.5]], np.float32) + 0.3
           + 0.05 * rng.normal(size=(512, 1)).astype(np.float32))

def build_model():
    \"\"\"The input pipeline, a linear model, its loss summary and train op.\"\"\"
    dataset = (tf.data.Dataset.from_tensor_slices((features, targets))
               .shuffle(256, seed=0).repeat().batch(32))
    x, y = dataset.make_one_shot_iterator().get_next()
    global_step = tf.train.get_or_create_global_step()
    w = tf.get_variable("w", [3, 1], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("w", w)
    train_op = tf.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=global_step)
    return global_step, w, b, loss, train_op

global_step, w, b, loss, train_op = build_model()
print([v.op.name for v in tf.global_variables()])"""


def cells():
    return [
        code(SETUP),
        md("""
# Monitored training: checkpoints, summaries, a progress bar, resuming

TF1 programs rarely call `sess.run(tf.global_variables_initializer())` themselves: they train
in a `tf.train.MonitoredTrainingSession`, which restores the latest checkpoint of
`checkpoint_dir` or initializes, saves checkpoints and summaries as it goes, stops when a hook
says so, and writes a last checkpoint when the `with` block ends. This notebook runs that loop
on **tfvars_jax**:

1. a `tf.data` input pipeline and a linear model with a loss summary;
2. a `MonitoredTrainingSession` with a tqdm progress bar (`progress_bar=`, our extension);
3. the summaries read back from the event file and plotted;
4. a run interrupted by an exception, and a new session that resumes from the last
   checkpoint, the global step continuing;
5. `tf.train.Supervisor`, the older managed loop, continuing once more.
"""),
        md("""
## The model

The input is a `tf.data` pipeline: each `sess.run` that needs `get_next()` takes the next
batch (shuffled with a seed, repeated forever, batches of 32).
"""),
        code(MODEL),
        md("""
## Training with MonitoredTrainingSession

`StopAtStepHook(last_step=200)` ends the loop; a checkpoint every 50 steps and summaries every
10. `progress_bar={"loss": loss}` adds a tqdm bar showing the global step, steps/s and the
loss; it costs no extra run (its fetches join each step's run).
"""),
        code("""
hooks = [tf.train.StopAtStepHook(last_step=200)]
with tf.train.MonitoredTrainingSession(
        checkpoint_dir=logdir, hooks=hooks, save_checkpoint_steps=50, save_summaries_steps=10,
        log_step_count_steps=50, progress_bar={"loss": loss}) as sess:
    while not sess.should_stop():
        sess.run(train_op)
print("latest checkpoint:", os.path.basename(tf.train.latest_checkpoint(logdir)))
print("files:", sorted(f if not f.startswith("events") else "events.out.tfevents..."
                       for f in os.listdir(logdir)))
"""),
        md("""
## The summaries, from the event file

`tf.train.summary_iterator` reads the event file TensorBoard reads. The loss summary was
written every 10 steps, `global_step/sec` (StepCounterHook) every 50.
"""),
        code("""
def read_scalars(directory):
    scalars = {}
    for name in sorted(os.listdir(directory)):
        if name.startswith("events.out.tfevents"):
            for event in tf.train.summary_iterator(os.path.join(directory, name)):
                for value in event.summary.value:
                    if value.HasField("simple_value"):
                        scalars.setdefault(value.tag, []).append((event.step,
                                                                  value.simple_value))
    return scalars

scalars = read_scalars(logdir)
steps, losses = zip(*scalars["loss"])
print("tags:", sorted(scalars))
print("loss summaries at steps", steps[:4], "...", steps[-2:])
print(f"loss: {losses[0]:.3f} at step {steps[0]} -> {losses[-1]:.4f} at step {steps[-1]}")
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(steps, losses, marker=".")
ax.set_xlabel("global step"); ax.set_ylabel("loss"); ax.set_yscale("log")
ax.set_title("loss summary read back from the event file")
plt.show()
"""),
        md("""
## Interrupted, then resumed

A run that crashes: the loop raises at global step 330. The `with` block ends without its
final checkpoint (hooks' `end()` runs only on a clean exit), so the last checkpoint is the one
of step 300.
"""),
        code("""
class SimulatedCrash(Exception):
    pass

try:
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=logdir, hooks=[tf.train.StopAtStepHook(last_step=1000)],
            save_checkpoint_steps=50) as sess:
        # the raw session (no hooks) reads the step the session was restored at
        first = sess.run_step_fn(lambda step_context: step_context.session.run(global_step))
        while not sess.should_stop():
            _, step = sess.run([train_op, global_step])
            if step == 330:
                raise SimulatedCrash(f"crashed at step {step}")
except SimulatedCrash as e:
    print("started at step", first, "then:", e)
print("latest checkpoint:", os.path.basename(tf.train.latest_checkpoint(logdir)))
"""),
        md("""
A new program (a fresh graph, as after a restart) builds the same model and opens a
`MonitoredTrainingSession` on the same directory: it restores step 300 and continues.
"""),
        code("""
tf.reset_default_graph()
global_step, w, b, loss, train_op = build_model()
with tf.train.MonitoredTrainingSession(
        checkpoint_dir=logdir, hooks=[tf.train.StopAtStepHook(last_step=400)],
        save_checkpoint_steps=50) as sess:
    print("resumed at global step",
          sess.run_step_fn(lambda step_context: step_context.session.run(global_step)))
    while not sess.should_stop():
        _, w_value, b_value = sess.run([train_op, w, b])
print("w:", w_value.ravel().round(3), "b:", b_value.round(3), "(true: [2, -1, 0.5], 0.3)")
print("latest checkpoint:", os.path.basename(tf.train.latest_checkpoint(logdir)))
"""),
        md("""
## The same directory under tf.train.Supervisor

`tf.train.Supervisor` (TF1's older loop, deprecated in favour of MonitoredTrainingSession)
restores the latest checkpoint of its `logdir` too. `managed_session()` starts its services
as background threads on timers (a checkpoint and summaries at once, then every
`save_model_secs` / `save_summaries_secs`); a checkpoint at the end is yours to write.
"""),
        code("""
tf.reset_default_graph()
global_step, w, b, loss, train_op = build_model()
sv = tf.train.Supervisor(logdir=logdir, save_model_secs=600, save_summaries_secs=600)
with sv.managed_session() as sess:
    print("Supervisor resumed at global step", sess.run(global_step))
    for _ in range(50):
        if sv.should_stop():
            break
        sess.run(train_op)
    sv.saver.save(sess, sv.save_path, global_step=global_step, write_meta_graph=False)
print("latest checkpoint:", os.path.basename(tf.train.latest_checkpoint(logdir)))
"""),
        md("""
## Summary

* `MonitoredTrainingSession(checkpoint_dir=...)` initializes or restores, saves checkpoints
  and summaries on its hooks' schedules, ends cleanly (a last checkpoint) or on an exception
  (no checkpoint of the unfinished steps), and a new session resumes where the last
  checkpoint left off.
* `progress_bar=` shows a tqdm bar with chosen tensors; summaries are real TensorBoard event
  files (`tf.train.summary_iterator`, TensorBoard itself).
* `tf.train.Supervisor` works on the same directories.
"""),
    ]


build, execute, main = make_notebooks.single_notebook(NAME, cells, __doc__)


if __name__ == "__main__":
    main()
