"""MonitoredTrainingSession, MonitoredSession, SingularMonitoredSession, Scaffold and the hooks,
as a user sees them: steps run, one Session.run per step with the hooks' fetches and feeds in
it, checkpoints written and restored (also after SIGKILL), summaries in the event files, clean
ends on OutOfRangeError, the graph finalized during the session, and what we refuse."""
import io
import logging
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.runtime.session import Session

pytest.importorskip("tensorboard")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def model():
    gs = tf.train.get_or_create_global_step()
    x = tf.placeholder_with_default(1.0, [], name="x")
    w = tf.get_variable("w", [], initializer=tf.constant_initializer(4.0))
    loss = tf.square(w * x, name="loss")
    train = tf.train.GradientDescentOptimizer(0.125).minimize(loss, global_step=gs)
    return gs, x, w, loss, train


def count_runs(monkeypatch):
    calls = []
    original = Session._run

    def counting(self, key, tensors, *args, **kwargs):
        calls.append(list(tensors))
        return original(self, key, tensors, *args, **kwargs)
    monkeypatch.setattr(Session, "_run", counting)
    return calls


def test_hooks_fetches_and_feeds_join_the_callers_run(monkeypatch, caplog):
    gs, x, w, loss, train = model()
    fed = []
    hooks = [tf.train.NanTensorHook(loss), tf.train.FeedFnHook(lambda: fed.append(1) or {x: 2.0}),
             tf.train.LoggingTensorHook({"w": w, "step": gs}, every_n_iter=1)]
    with tf.train.MonitoredSession(hooks=hooks) as sess:
        calls = count_runs(monkeypatch)
        with caplog.at_level(logging.INFO, logger="tfvars_jax.train"):
            results = [sess.run([train, loss]) for _ in range(3)]
        assert len(calls) == 3  # one compiled run per step, hooks included
        assert {"global_step:0", "loss:0", "w:0"} <= {t.name for t in calls[0]}
    assert len(fed) == 3
    # x fed 2.0 by the hook: loss = (2w)^2, dloss/dw = 8w, w <- w - w = 0 after the first step
    assert [r[1] for r in results] == [64.0, 0.0, 0.0]
    assert "step = 0, w = 4.0" in caplog.text and "step = 1, w = 0.0" in caplog.text


def test_feed_conflicts_and_run_after_stop():
    gs, x, w, loss, train = model()
    hook = tf.train.FeedFnHook(lambda: {x: 1.0})
    with tf.train.MonitoredSession(hooks=[hook, tf.train.StopAtStepHook(last_step=1)]) as sess:
        with pytest.raises(RuntimeError, match="fed by a SessionRunHook and user"):
            sess.run(train, feed_dict={x: 3.0})
        sess.run(train)
        assert sess.should_stop()
        with pytest.raises(RuntimeError, match="should_stop"):
            sess.run(train)


def test_checkpoints_restore_and_the_final_save(tmp_path):
    d = str(tmp_path)
    with tf.Graph().as_default():
        gs, x, w, loss, train = model()
        final = tf.train.FinalOpsHook(w)
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=d, save_checkpoint_steps=3,
                hooks=[tf.train.StopAtStepHook(last_step=7), final]) as sess:
            assert tf.get_default_graph().finalized
            steps = 0
            while not sess.should_stop():
                sess.run(train)
                steps += 1
        w_end = final.final_ops_values
        assert steps == 7 and not tf.get_default_graph().finalized
    assert tf.train.latest_checkpoint(d).endswith("model.ckpt-7")
    kept = tf.train.get_checkpoint_state(d).all_model_checkpoint_paths
    assert [os.path.basename(p) for p in kept] == ["model.ckpt-0", "model.ckpt-3",
                                                  "model.ckpt-6", "model.ckpt-7"]
    assert tf.train.load_variable(d, "w") == w_end
    assert os.path.exists(os.path.join(d, "graph.pbtxt"))
    with tf.Graph().as_default():
        gs, x, w, loss, train = model()
        final = tf.train.FinalOpsHook(gs)
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=d, hooks=[tf.train.StopAtStepHook(num_steps=2), final]) as sess:
            assert sess.run(gs) == 7 and sess.run(w) == w_end  # restored, not initialized
            while not sess.should_stop():
                sess.run(train)
        assert final.final_ops_values == 9
    assert tf.train.latest_checkpoint(d).endswith("model.ckpt-9")


def test_out_of_range_error_ends_training_cleanly(tmp_path):
    gs, x, w, loss, train = model()
    budget = tf.Variable(0, name="budget", dtype=tf.int32)
    with tf.control_dependencies([budget.count_up_to(4)]):
        step = tf.group(train)
    final = tf.train.FinalOpsHook([w, gs])
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), hooks=[final]) as sess:
        while not sess.should_stop():
            sess.run(step)
    assert final.final_ops_values[1] == 4  # hooks' end() ran: the error ended training cleanly
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-4")


def test_errors_propagate_and_skip_end_hooks(tmp_path):
    gs, x, w, loss, train = model()
    nan_loss = tf.math.log(-loss)
    final = tf.train.FinalOpsHook(gs)
    with pytest.raises(tf.train.NanLossDuringTrainingError, match="NaN loss"):
        with tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(nan_loss), final]) as sess:
            sess.run(train)
    assert final.final_ops_values is None
    tf.reset_default_graph()
    gs, x, w, loss, train = model()
    nan_loss = tf.math.log(-loss)
    with tf.train.MonitoredSession(
            hooks=[tf.train.NanTensorHook(nan_loss, fail_on_nan_loss=False)]) as sess:
        sess.run(train)
        assert sess.should_stop()


def test_summaries_step_counter_and_session_logs(tmp_path):
    gs, x, w, loss, train = model()
    tf.summary.scalar("loss_value", loss)
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=str(tmp_path), save_summaries_steps=2, log_step_count_steps=2,
            hooks=[tf.train.StopAtStepHook(last_step=6)]) as sess:
        while not sess.should_stop():
            sess.run(train)
    tf.summary.FileWriterCache.clear()  # flush and close the event files
    events = [e for f in sorted(os.listdir(tmp_path)) if f.startswith("events")
              for e in tf.train.summary_iterator(str(tmp_path / f))]
    loss_steps = [e.step for e in events for v in e.summary.value if v.tag == "loss_value"]
    rate_steps = [e.step for e in events for v in e.summary.value if v.tag == "global_step/sec"]
    logs = [(e.step, e.session_log.status) for e in events if e.HasField("session_log")]
    assert loss_steps == [1, 3, 5]
    assert rate_steps == [3, 5]  # first trigger at step 1 only starts the clock, as TF1
    assert (1, 1) in logs and (6, 3) in logs  # START at step 1, CHECKPOINT at the end
    assert any(e.HasField("graph_def") for e in events)


class _Listener(tf.train.CheckpointSaverListener):
    def __init__(self):
        self.calls = []

    def begin(self):
        self.calls.append("begin")

    def before_save(self, session, global_step_value):
        self.calls.append(("before", global_step_value))

    def after_save(self, session, global_step_value):
        self.calls.append(("after", global_step_value))
        return global_step_value >= 2  # asks to stop

    def end(self, session, global_step_value):
        self.calls.append(("end", global_step_value))


def test_checkpoint_saver_hook_listeners_can_stop_training(tmp_path):
    gs, x, w, loss, train = model()
    listener = _Listener()
    hook = tf.train.CheckpointSaverHook(str(tmp_path), save_steps=2, listeners=[listener],
                                        save_graph_def=False)
    tf.train.Saver()  # the hook finds it in the SAVERS collection
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        assert isinstance(sess.raw_session(), tf.Session)
        while not sess.should_stop():
            sess.run(train)
        assert sess.raw_session().run(gs) == 2
    assert listener.calls == ["begin", ("before", 0), ("after", 0), ("before", 2), ("after", 2),
                              ("end", 2)]


def test_scaffold_init_fn_local_init_and_ready_checks():
    gs, x, w, loss, train = model()
    local = tf.Variable(5, name="local", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    seen = []
    scaffold = tf.train.Scaffold(init_fn=lambda scaffold, sess: seen.append(sess.run(w)))
    with tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=scaffold)) as sess:
        assert sess.run(local) == 5 and seen == [4.0]
    assert tf.get_collection(tf.GraphKeys.SAVERS) == [scaffold.saver]
    assert scaffold.summary_op is None and scaffold.init_op is not None
    tf.reset_default_graph()
    model()
    lazy = tf.Variable(1.0, name="lazy", collections=[])
    bad = tf.train.Scaffold(ready_op=tf.report_uninitialized_variables([lazy]))
    with pytest.raises(RuntimeError, match="Variables not initialized: lazy"):
        tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=bad))


def test_run_step_fn_and_request_stop():
    gs, x, w, loss, train = model()
    with tf.train.MonitoredSession() as sess:
        def step_fn(step_context):
            value = step_context.run_with_hooks(train)
            if step_context.session.run(gs) >= 2:
                step_context.request_stop()
            return value
        results = []
        while not sess.should_stop():
            results.append(sess.run_step_fn(step_fn))
        assert results == [None, None] and sess._tf_sess().run(gs) == 2
        with pytest.raises(ValueError, match="step_context"):
            sess.run_step_fn(lambda ctx: None)


def test_progress_bar_extension():
    gs, x, w, loss, train = model()
    out = io.StringIO()
    bar = tf.train.ProgressBarHook(total=5, tensors={"loss": loss}, file=out, mininterval=0)
    with tf.train.MonitoredTrainingSession(hooks=[tf.train.StopAtStepHook(last_step=5)],
                                           progress_bar=bar) as sess:
        while not sess.should_stop():
            sess.run(train)
    assert "5/5" in out.getvalue() and "loss=" in out.getvalue()


def test_unsupported_arguments_raise():
    model()
    with pytest.raises(NotImplementedError, match="master"):
        tf.train.MonitoredTrainingSession(master="grpc://host:2222")  # no such Server
    with pytest.raises(NotImplementedError, match="is_chief=False"):
        tf.train.MonitoredTrainingSession(is_chief=False)
    with pytest.raises(ValueError, match="Exactly one of scaffold or summary_op"):
        tf.train.SummarySaverHook(save_steps=1)
    with pytest.raises(ValueError, match="Either every_secs or every_steps"):
        tf.train.CheckpointSaverHook("/tmp/x")
    with pytest.raises(ValueError, match="One of num_steps or last_step"):
        tf.train.StopAtStepHook()


_TRAINER = r"""
import sys, time
import numpy as np
import tfvars_jax as tf
d = sys.argv[1]
gs = tf.train.get_or_create_global_step()
w = tf.get_variable("w", [4], initializer=tf.constant_initializer(1.0))
b = tf.get_variable("b", [], initializer=tf.zeros_initializer())
loss = tf.reduce_sum(tf.square(w - 3.0)) + tf.square(b + 1.0)
train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=gs)
with tf.train.MonitoredTrainingSession(checkpoint_dir=d, save_checkpoint_steps=5,
                                       save_summaries_steps=None, log_step_count_steps=None,
                                       hooks=[tf.train.StopAtStepHook(last_step=int(sys.argv[2]))]
                                       ) as sess:
    print("start", int(sess.run(gs)), flush=True)
    while not sess.should_stop():
        sess.run(train)
        time.sleep(0.005)
print("done", flush=True)
"""


def test_sigkill_mid_training_resumes_from_the_last_checkpoint(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(_TRAINER)
    d = str(tmp_path / "ckpt")
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, str(script), d, "100000"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout.readline().split() == ["start", "0"]
        deadline = time.time() + 60
        while time.time() < deadline:
            latest = tf.train.latest_checkpoint(d)
            if latest and int(latest.rsplit("-", 1)[1]) >= 15:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    latest = tf.train.latest_checkpoint(d)
    step = int(latest.rsplit("-", 1)[1])
    assert step >= 15 and step % 5 == 0
    saved = {name: tf.train.load_variable(latest, name) for name, _ in
             tf.train.list_variables(latest)}
    assert {"w", "b", "global_step", "w/Adam", "w/Adam_1", "beta1_power"} <= set(saved)
    out = subprocess.run([sys.executable, str(script), d, str(step + 3)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[:2] == ["start", str(step)]  # resumed, global step continues
    final = tf.train.latest_checkpoint(d)
    assert final.endswith(f"model.ckpt-{step + 3}")
    # Three Adam steps from the restored values (not from a fresh initialization).
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        w = tf.get_variable("w", [4])
        b = tf.get_variable("b", [])
        loss = tf.reduce_sum(tf.square(w - 3.0)) + tf.square(b + 1.0)
        train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=gs)
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, latest)
            np.testing.assert_array_equal(sess.run(w), saved["w"])
            for _ in range(3):
                sess.run(train)
            np.testing.assert_allclose(sess.run(w), tf.train.load_variable(final, "w"),
                                       rtol=1e-6)
