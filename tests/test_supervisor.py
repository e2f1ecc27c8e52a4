"""tf.train.Supervisor, SessionManager and LooperThread: what a user sees (files, steps,
values, errors, threads), without TensorFlow (see test_supervisor_vs_tf.py for the
comparison with TF)."""
import os
import threading
import time

import numpy as np
import pytest

import tfvars_jax as tf

pytest.importorskip("tensorboard")


def model():
    step = tf.train.get_or_create_global_step()
    w = tf.get_variable("w", [], initializer=tf.constant_initializer(4.0))
    loss = tf.square(w)
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss, global_step=step)
    return step, w, train


def service_threads():
    return [t for t in threading.enumerate() if type(t).__name__.endswith("Thread") and
            type(t).__module__ == "tfvars_jax.train.supervisor"]


def test_checkpoint_thread_saves_on_its_timer_and_a_restart_resumes(tmp_path):
    logdir = str(tmp_path)
    step, w, train = model()
    sv = tf.train.Supervisor(logdir=logdir, save_model_secs=0.05, save_summaries_secs=0)
    with sv.managed_session() as sess:
        assert len(service_threads()) == 1  # the checkpoint thread only (no summaries)
        deadline = time.time() + 30
        while len(tf.train.get_checkpoint_state(logdir).all_model_checkpoint_paths
                  if tf.train.get_checkpoint_state(logdir) else []) < 3:
            sess.run(train)
            time.sleep(0.01)
            assert time.time() < deadline
        final = int(sess.run(step))
        sv.saver.save(sess, sv.save_path, global_step=step, write_meta_graph=False)
    assert service_threads() == []
    saved = [int(p.rsplit("-", 1)[1])
             for p in tf.train.get_checkpoint_state(logdir).all_model_checkpoint_paths]
    assert saved == sorted(saved) and saved[-1] == final
    for p in tf.train.get_checkpoint_state(logdir).all_model_checkpoint_paths:
        # each checkpoint holds the values of the step in its name (w = 4 * 0.5 ** step)
        reader = tf.train.load_checkpoint(p)
        s = int(reader.get_tensor("global_step"))
        assert s == int(p.rsplit("-", 1)[1])
        assert reader.get_tensor("w") == pytest.approx(4.0 * 0.5 ** s)
    tf.reset_default_graph()
    step, w, train = model()
    sv = tf.train.Supervisor(logdir=logdir, save_model_secs=0)
    with sv.managed_session() as sess:
        assert int(sess.run(step)) == final
        sess.run(train)
        assert int(sess.run(step)) == final + 1
        assert sess.run(w) == pytest.approx(4.0 * 0.5 ** (final + 1))


def test_out_of_range_ends_the_block_cleanly_and_other_errors_are_reraised(tmp_path):
    step, w, train = model()
    batch = tf.data.Dataset.range(3).make_one_shot_iterator().get_next()
    with tf.control_dependencies([batch]):
        train = tf.group(train)
    sv = tf.train.Supervisor(logdir=str(tmp_path))
    runs = 0
    with sv.managed_session() as sess:
        while not sv.should_stop():
            sess.run(train)
            runs += 1
    assert runs == 3 and sv.should_stop() and service_threads() == []
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(step)

    with pytest.raises(ZeroDivisionError):
        with sv.managed_session() as sess:
            assert not sv.should_stop()  # a new session clears the stop
            raise ZeroDivisionError("in the block")
    assert service_threads() == []


def test_error_in_a_loop_thread_stops_and_is_reraised_at_the_end(tmp_path):
    model()
    sv = tf.train.Supervisor(logdir=str(tmp_path), save_model_secs=0, save_summaries_secs=0)
    calls = []

    def target(x):
        calls.append(x)
        if len(calls) == 3:
            raise ValueError("target failed")

    with pytest.raises(ValueError, match="target failed"):
        with sv.managed_session():
            looper = sv.loop(0.01, target, args=(7,))
            assert isinstance(looper, tf.train.LooperThread) and looper.daemon
            assert sv.coord.wait_for_stop(30)
            assert sv.should_stop()
    assert calls == [7, 7, 7] and not looper.is_alive()


def test_defaults_none_and_properties(tmp_path, monkeypatch):
    step, w, train = model()
    tf.summary.scalar("w", w)
    sv = tf.train.Supervisor(logdir=str(tmp_path), save_summaries_secs=5, save_model_secs=7,
                             checkpoint_basename="m.ckpt")
    g = tf.get_default_graph()
    assert g.finalized
    assert sv.global_step is step and sv.is_chief and sv.saver is g.get_collection("savers")[0]
    assert sv.init_op is g.get_collection("init_op")[0]
    assert sv.ready_op is g.get_collection("ready_op")[0]
    assert sv.summary_op is g.get_collection("summary_op")[0]
    assert sv.ready_for_local_init_op is None and sv.init_feed_dict is None
    assert sv.save_path == os.path.join(str(tmp_path), "m.ckpt")
    assert (sv.save_summaries_secs, sv.save_model_secs) == (5, 7)
    assert isinstance(sv.session_manager, tf.train.SessionManager)
    assert isinstance(sv.coord, tf.train.Coordinator)
    assert isinstance(sv.summary_writer, tf.summary.FileWriter)
    assert tf.train.Supervisor.USE_DEFAULT == 0
    assert tf.train.Supervisor.PrepareSession is tf.train.Supervisor.prepare_or_wait_for_session

    tf.reset_default_graph()
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")  # no logdir: nothing is written anywhere
    step, w, train = model()
    init = tf.global_variables_initializer()
    sv = tf.train.Supervisor(logdir=None, saver=None, summary_op=None, global_step=None,
                             init_op=None, init_fn=lambda sess: sess.run(init))
    assert sv.saver is None and sv.summary_writer is None and sv.save_path is None
    with sv.managed_session() as sess:  # init_fn alone initializes; no logdir: no services
        assert sess.run(w) == 4.0
        assert sv.start_standard_services(sess) is None
        with pytest.raises(RuntimeError, match="requires a summary writer"):
            sv.summary_computed(sess, b"")
    assert os.listdir(".") == []


def test_init_feed_dict_and_not_ready_error():
    x = tf.placeholder(tf.float32, [])
    v = tf.get_variable("v", initializer=x * 2.0)
    sv = tf.train.Supervisor(init_feed_dict={x: 3.0})
    with sv.managed_session() as sess:
        assert sess.run(v) == 6.0
    tf.reset_default_graph()
    tf.get_variable("u", [])
    sv = tf.train.Supervisor(init_op=tf.no_op())
    with pytest.raises(RuntimeError, match="Init operations did not make model ready.*u"):
        with sv.managed_session():
            pass


def test_unsupported_arguments_raise_naming_them():
    model()
    with pytest.raises(NotImplementedError, match="is_chief=False"):
        tf.train.Supervisor(is_chief=False)
    sv = tf.train.Supervisor()
    with pytest.raises(NotImplementedError, match="master='grpc://w:1'"):
        sv.prepare_or_wait_for_session("grpc://w:1")
    with pytest.raises(NotImplementedError, match="queue-based input pipelines"):
        sv.start_queue_runners(None, queue_runners=[object()])
    with tf.Session() as sess:
        assert sv.start_queue_runners(sess) == []


def test_session_manager_checks_and_waits():
    v = tf.get_variable("v", [], initializer=tf.constant_initializer(1.0))
    local = tf.get_variable("local", [], initializer=tf.constant_initializer(2.0),
                            collections=[tf.GraphKeys.LOCAL_VARIABLES])
    with pytest.raises(ValueError, match="you must also pass a local_init_op"):
        tf.train.SessionManager(ready_for_local_init_op=tf.report_uninitialized_variables())
    sm = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables(),
                                 local_init_op=tf.local_variables_initializer(),
                                 recovery_wait_secs=0.01)
    with pytest.raises(ValueError, match="Can not provide both"):
        sm.prepare_session("", checkpoint_dir="a", checkpoint_filename_with_path="b",
                           saver=tf.train.Saver())
    with pytest.raises(RuntimeError, match="no init_op or init_fn or local_init_op"):
        tf.train.SessionManager().prepare_session("")
    start = time.time()
    with pytest.raises(tf.errors.DeadlineExceededError, match="not ready after waiting"):
        sm.wait_for_session("", max_wait_secs=0.2)  # nobody initializes the global variable v
    assert time.time() - start < 10
    # only local variables: the local init op makes the model ready
    local_only = tf.train.SessionManager(
        ready_op=tf.report_uninitialized_variables([local]),
        local_init_op=tf.local_variables_initializer())
    sess = local_only.wait_for_session("")
    assert sess.run(local) == 2.0
    del v


def test_looper_thread_rejects_bad_arguments():
    coord = tf.train.Coordinator()
    with pytest.raises(ValueError, match="must be a Coordinator"):
        tf.train.LooperThread(object(), 1)
    with pytest.raises(ValueError, match="require that you also pass 'target'"):
        tf.train.LooperThread(coord, 1, args=(1,))
    seen = []
    t = tf.train.LooperThread.loop(coord, None, target=lambda: (seen.append(1), len(seen) == 5
                                                                and coord.request_stop()))
    coord.join([t], stop_grace_period_secs=10)
    assert len(seen) == 5


def test_write_graph(tmp_path):
    tf.get_variable("w", [2])
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path / "sub"), "g.pbtxt")
    assert path == str(tmp_path / "sub" / "g.pbtxt")
    text = open(path).read()
    assert 'name: "w"' in text and 'op: "VariableV2"' in text
    binary = tf.train.write_graph(tf.get_default_graph(), str(tmp_path), "g.pb", as_text=False)
    from tensorboard.compat.proto import graph_pb2
    gd = graph_pb2.GraphDef.FromString(open(binary, "rb").read())
    assert [n.name for n in gd.node][:1] == ["w/Initializer/zeros"] or "w" in [
        n.name for n in gd.node]
    with pytest.raises(TypeError, match="tf.Graph or a GraphDef"):
        tf.train.write_graph(3, str(tmp_path), "x")
    np.testing.assert_equal(sorted(os.listdir(tmp_path)), ["g.pb", "sub"])


def test_summary_and_step_counter_threads_write_on_their_timer(tmp_path):
    logdir = str(tmp_path)
    step, w, train = model()
    tf.summary.scalar("w_value", w)
    sv = tf.train.Supervisor(logdir=logdir, save_summaries_secs=0.05, save_model_secs=0)
    with sv.managed_session() as sess:
        assert len(service_threads()) == 2  # summaries and the step counter
        for _ in range(40):
            sess.run(train)
            time.sleep(0.01)
        final = int(sess.run(step))
    assert service_threads() == []
    scalars, logs = {}, []
    for name in os.listdir(logdir):
        if name.startswith("events.out.tfevents"):
            for e in tf.train.summary_iterator(os.path.join(logdir, name)):
                for v in e.summary.value:
                    scalars.setdefault(v.tag, []).append((e.step, v.simple_value))
                if e.HasField("session_log"):
                    logs.append(e.session_log.status)
    start, stop = 1, 2
    assert logs == [start, stop]
    assert len(scalars["w_value"]) >= 3 and len(scalars["global_step/sec"]) >= 3
    steps = [s for s, _ in scalars["w_value"]]
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] <= final
    for s, value in scalars["w_value"]:  # each summary holds the value at its step
        assert value == pytest.approx(4.0 * 0.5 ** s)
    assert all(rate >= 0 for _, rate in scalars["global_step/sec"][1:])
