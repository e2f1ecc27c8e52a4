"""tf.train.Supervisor and tf.train.SessionManager against real TensorFlow (tf.compat.v1, graph
mode): the documented `managed_session` loop writes the same files in logdir (TF's minus the
`.meta` MetaGraphs we do not write), checkpoints at the same global steps with the same
variable names and values, the same summaries and SessionLogs in the event file, and a
restart resumes from the last checkpoint with the global step continuing, in both."""
import os
import threading

import numpy as np
import pytest

import tfvars_jax as tf

pytestmark = pytest.mark.tensorflow
pytest.importorskip("tensorboard")


@pytest.fixture(scope="module")
def tf1():
    pytest.importorskip("tensorflow")
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    return tf1


X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], np.float32)
Y = np.array([[1.0], [0.0], [2.0], [-1.0]], np.float32)


def recording_writer(lib, logdir):
    """A FileWriter that tells when the services' first summaries and checkpoint arrived, so
    the program can wait for the timer threads' first round before training (their first run
    is at once, but races with the training loop)."""

    class Writer(lib.summary.FileWriter):
        def __init__(self, logdir):
            super().__init__(logdir)
            self.tags = set()
            self.arrived = threading.Event()

        def add_summary(self, summary, global_step=None):
            super().add_summary(summary, global_step)
            if not isinstance(summary, bytes):
                summary = summary.SerializeToString()
            from tensorboard.compat.proto import summary_pb2
            self.tags.update(v.tag for v in summary_pb2.Summary.FromString(summary).value)
            self._check()

        def add_session_log(self, session_log, global_step=None):
            super().add_session_log(session_log, global_step)
            if session_log.status == session_log.CHECKPOINT:
                self.tags.add("checkpoint")
                self._check()

        def _check(self):
            if {"loss", "global_step/sec", "checkpoint"} <= self.tags:
                self.arrived.set()
    return Writer(logdir)


def program(lib, logdir, steps):
    """TF1's documented Supervisor loop; waits for the first checkpoint and summaries of the
    standard services, trains `steps` steps, then saves and reports a summary itself."""
    g = lib.Graph()
    with g.as_default():
        global_step = lib.train.get_or_create_global_step()
        x = lib.constant(X)
        with lib.variable_scope("dense"):
            w = lib.get_variable("w", [2, 1], initializer=lib.constant_initializer(0.5))
            b = lib.get_variable("b", [1], initializer=lib.zeros_initializer())
        loss = lib.reduce_mean(lib.square(lib.matmul(x, w) + b - Y))
        lib.summary.scalar("loss", loss)
        train_op = lib.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=global_step)
        writer = recording_writer(lib, logdir)
        sv = lib.train.Supervisor(logdir=logdir, summary_writer=writer, save_model_secs=600,
                                  save_summaries_secs=600)
        assert g.finalized
        facts = {"saver": type(sv.saver).__name__, "global_step": sv.global_step.name,
                 "summary_op": sv.summary_op is not None, "save_path": sv.save_path,
                 "ready_for_local_init_op": sv.ready_for_local_init_op,
                 "is_chief": sv.is_chief}
        with sv.managed_session() as sess:
            facts["first_step"] = int(sess.run(global_step))
            assert writer.arrived.wait(60)
            for _ in range(steps):
                if sv.should_stop():
                    break
                sess.run(train_op)
            sv.saver.save(sess, sv.save_path, global_step=global_step, write_meta_graph=False)
            sv.summary_computed(sess, sess.run(sv.summary_op))
            facts["last_step"] = int(sess.run(global_step))
            facts["w"] = sess.run(w)
        facts["should_stop"] = sv.should_stop()
    return facts


def checkpoints(lib, directory):
    state = lib.train.get_checkpoint_state(directory)
    out = {}
    for p in state.all_model_checkpoint_paths:
        reader = lib.train.load_checkpoint(p)
        out[os.path.basename(p)] = {name: reader.get_tensor(name)
                                    for name, _ in lib.train.list_variables(p)}
    return out


def files(directory):
    names = set()
    for f in os.listdir(directory):
        names.add("events" if f.startswith("events.out.tfevents") else f)
    return names


def take_events(directory):
    """(kind, step, tag-or-status, value) of every event but the wall-clock ones (steps/sec
    values), sorted (the service threads' order races); the event files are then moved away
    (TF names event files to the second, so a second run in the same second would replace
    the first run's file)."""
    out = []
    for f in sorted(os.listdir(directory)):
        if not f.startswith("events.out.tfevents"):
            continue
        path = os.path.join(directory, f)
        for e in tf.train.summary_iterator(path):
            if e.HasField("summary"):
                for v in e.summary.value:
                    value = None if v.tag.endswith("/sec") else round(v.simple_value, 5)
                    out.append(("summary", e.step, v.tag, value))
            elif e.HasField("session_log"):
                out.append(("session_log", e.step, int(e.session_log.status), None))
            elif e.HasField("graph_def"):
                out.append(("graph", 0, None, None))
        os.makedirs(directory + "_old_events", exist_ok=True)
        os.replace(path, os.path.join(directory + "_old_events", f"{len(out)}.{f}"))
    return sorted(out, key=repr)


def test_supervisor_files_checkpoints_summaries_and_resume_match_tf(tf1, tmp_path):
    ours_dir, theirs_dir = str(tmp_path / "ours"), str(tmp_path / "theirs")
    ours_events, theirs_events = [], []
    ours, theirs = [], []
    for steps in (5, 3):
        ours.append(program(tf, ours_dir, steps))
        ours_events.append(take_events(ours_dir))
        theirs.append(program(tf1, theirs_dir, steps))
        theirs_events.append(take_events(theirs_dir))
    for a, b in zip(ours, theirs):
        w_a, w_b = a.pop("w"), b.pop("w")
        np.testing.assert_allclose(w_a, w_b, rtol=1e-5, atol=1e-6)
        assert a["save_path"] == os.path.join(ours_dir, "model.ckpt")
        assert b["save_path"] == os.path.join(theirs_dir, "model.ckpt")
        a.pop("save_path"), b.pop("save_path")
        assert a == b
    # global step continues after the restart: 0 -> 5, then 5 -> 8
    assert [(f["first_step"], f["last_step"]) for f in ours] == [(0, 5), (5, 8)]
    assert files(ours_dir) == {f for f in files(theirs_dir) if not f.endswith(".meta")}
    assert files(ours_dir) == {"checkpoint", "graph.pbtxt"} | {
        f"model.ckpt-{s}.{ext}" for s in (0, 5, 8)
        for ext in ("index", "data-00000-of-00001")}
    ours_ckpts, theirs_ckpts = checkpoints(tf, ours_dir), checkpoints(tf1, theirs_dir)
    assert list(ours_ckpts) == list(theirs_ckpts) == ["model.ckpt-0", "model.ckpt-5",
                                                      "model.ckpt-8"]
    for name in ours_ckpts:
        assert sorted(ours_ckpts[name]) == sorted(theirs_ckpts[name])
        for key in ours_ckpts[name]:
            np.testing.assert_allclose(ours_ckpts[name][key], theirs_ckpts[name][key],
                                       rtol=1e-5, atol=1e-6, err_msg=f"{name}: {key}")
    assert ours_events == theirs_events
    start, stop, checkpoint = 1, 2, 3  # SessionLog statuses
    assert [[e[:3] for e in run] for run in ours_events] == [
        [("graph", 0, None), ("session_log", 0, start), ("session_log", 0, stop),
         ("session_log", 0, checkpoint), ("summary", 0, "global_step/sec"),
         ("summary", 0, "loss"), ("summary", 5, "loss")],
        [("graph", 0, None), ("session_log", 0, stop), ("session_log", 5, start),
         ("session_log", 5, checkpoint), ("summary", 5, "global_step/sec"),
         ("summary", 5, "loss"), ("summary", 8, "loss")]]


def test_session_manager_prepare_and_recover_match_tf(tf1, tmp_path):
    def run(lib, directory):
        out = []
        for attempt in range(2):
            with lib.Graph().as_default():
                v = lib.get_variable("v", [], initializer=lib.constant_initializer(1.0))
                local = lib.get_variable("local", [], initializer=lib.constant_initializer(7.0),
                                         collections=[lib.GraphKeys.LOCAL_VARIABLES])
                saver = lib.train.Saver([v])
                sm = lib.train.SessionManager(
                    ready_op=lib.report_uninitialized_variables(),
                    local_init_op=lib.local_variables_initializer())
                sess, recovered = sm.recover_session("", saver=saver, checkpoint_dir=directory)
                out.append(("recovered", recovered))
                sess.close()
                sess = sm.prepare_session("", init_op=lib.global_variables_initializer(),
                                          saver=saver, checkpoint_dir=directory)
                out.append(("values", float(sess.run(v)), float(sess.run(local))))
                sess.run(lib.assign_add(v, 1.0))
                saver.save(sess, os.path.join(directory, "m"), global_step=attempt,
                           write_meta_graph=False)
                sess.close()
        return out

    ours = run(tf, str(tmp_path / "ours"))
    assert ours == run(tf1, str(tmp_path / "theirs"))
    assert ours == [("recovered", False), ("values", 1.0, 7.0),
                    ("recovered", True), ("values", 2.0, 7.0)]
