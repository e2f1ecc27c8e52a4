"""TF1's `tf.train.Supervisor`: the pre-MonitoredSession training manager.

As TF1: the constructor fills in what is not given (`USE_DEFAULT`) from the graph collections
or TF1's defaults (ready op, init op, local init op, saver, summary op, global step) and
finalizes the graph. `managed_session()` / `prepare_or_wait_for_session()` restore the latest
checkpoint in `logdir` or initialize (through a `SessionManager`, the code MonitoredSession
uses), write `graph.pbtxt` and the graph to the event file, and start the standard services:
real daemon threads (`LooperThread`s on the Supervisor's Coordinator) that, at once and then
every `save_summaries_secs` seconds, run the summary op and write it with the global step and
write `global_step/sec`, and, at once and then every `save_model_secs` seconds, save
`logdir/model.ckpt-<global step>` (a CHECKPOINT SessionLog beside it). Leaving the `with`
block stops the threads (an exception from the block or a thread is re-raised after the
threads are joined and the session closed; `OutOfRangeError` ends it cleanly), writes a STOP
SessionLog and closes the summary writer. As in TF1, no checkpoint is written at the stop:
save one yourself (`sv.saver.save(sess, sv.save_path, global_step=sv.global_step)`).

Where we differ: no `.meta` MetaGraph is written beside checkpoints, nor a MetaGraphDef to
the event file (our Saver writes none); `graph.pbtxt` and the event file's graph are our
GraphDef-shaped view (see `tf.train.write_graph`). There is no distributed runtime:
`is_chief=False` and a `master` other than '' raise NotImplementedError; queue runners raise
NotImplementedError pointing to tf.data (an empty QUEUE_RUNNERS collection starts nothing, as
TF1). With a `logdir`, the event file and `graph.pbtxt` need the `tensorboard` package
(`tfvars_jax[tensorboard]`).
"""
import contextlib
import logging
import os
import time

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.ops import control_flow_ops
from tfvars_jax.summary import _tensorboard
from tfvars_jax.summary import summary_ops
from tfvars_jax.summary.writer import FileWriter
from tfvars_jax.train.basic_session_run_hooks import _session_log
from tfvars_jax.train import queue_runners as queue_runners_lib
from tfvars_jax.train import training_util
from tfvars_jax.train.coordinator import Coordinator
from tfvars_jax.train.coordinator import LooperThread
from tfvars_jax.train.saver import Saver
from tfvars_jax.train.session_manager import SessionManager
from tfvars_jax.variables import initialization

_logger = logging.getLogger("tfvars_jax.train")


class Supervisor:
    """TF1's `tf.train.Supervisor(graph=None, ready_op=USE_DEFAULT,
    ready_for_local_init_op=USE_DEFAULT, is_chief=True, init_op=USE_DEFAULT,
    init_feed_dict=None, local_init_op=USE_DEFAULT, logdir=None, summary_op=USE_DEFAULT,
    saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120, save_model_secs=600,
    recovery_wait_secs=30, stop_grace_secs=120, checkpoint_basename="model.ckpt",
    session_manager=None, summary_writer=USE_DEFAULT, init_fn=None,
    local_init_run_options=None)` (see the module docstring).

    `USE_DEFAULT` (0, as TF1) means: the first item of the graph collection (READY_OP,
    READY_FOR_LOCAL_INIT_OP, INIT_OP, LOCAL_INIT_OP, SAVERS, SUMMARY_OP, GLOBAL_STEP), else
    TF1's default: `report_uninitialized_variables()`; no ready-for-local-init check;
    `global_variables_initializer()`; the local-variable initializer; `Saver()` if there are
    global variables; `summary.merge_all()`; the int tensor named "global_step:0"; a
    `FileWriter(logdir)` when there is a logdir. `None` turns each off. `save_summaries_secs=0`
    or `save_model_secs=0` turns that service off. `init_fn(sess)` runs after `init_op` when
    nothing was restored.

    Raises:
      NotImplementedError: `is_chief=False` (non-chief workers wait for a chief in another
        process; there is no distributed runtime).
    """
    USE_DEFAULT = 0

    def __init__(self, graph=None, ready_op=USE_DEFAULT, ready_for_local_init_op=USE_DEFAULT,
                 is_chief=True, init_op=USE_DEFAULT, init_feed_dict=None,
                 local_init_op=USE_DEFAULT, logdir=None, summary_op=USE_DEFAULT,
                 saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120,
                 save_model_secs=600, recovery_wait_secs=30, stop_grace_secs=120,
                 checkpoint_basename="model.ckpt", session_manager=None,
                 summary_writer=USE_DEFAULT, init_fn=None, local_init_run_options=None):
        if not is_chief:
            raise NotImplementedError(
                "tf.train.Supervisor(is_chief=False): a non-chief supervisor waits for a chief "
                "in another process to initialize the shared variables, which needs a "
                "distributed runtime tfvars_jax does not have; use is_chief=True.")
        if graph is None:
            graph = ops_lib.get_default_graph()
        default = Supervisor.USE_DEFAULT
        with graph.as_default():
            if ready_op is default:
                ready_op = _first_or_add(ops_lib.GraphKeys.READY_OP,
                                         initialization.report_uninitialized_variables)
            if ready_for_local_init_op is default:
                ready_for_local_init_op = _first(ops_lib.GraphKeys.READY_FOR_LOCAL_INIT_OP)
            if init_op is default:
                init_op = _first_or_add(ops_lib.GraphKeys.INIT_OP,
                                        initialization.global_variables_initializer)
            if local_init_op is default:
                local_init_op = _first_or_add(
                    ops_lib.GraphKeys.LOCAL_INIT_OP,
                    lambda: control_flow_ops.group(initialization.local_variables_initializer()))
            if saver is default:
                saver = _first_or_add(ops_lib.GraphKeys.SAVERS,
                                      lambda: Saver() if initialization.global_variables()
                                      else None)
            if summary_op is default:
                summary_op = _first_or_add(ops_lib.GraphKeys.SUMMARY_OP, summary_ops.merge_all)
            if global_step is default:
                global_step = _first_or_add(ops_lib.GraphKeys.GLOBAL_STEP,
                                            lambda: _default_global_step_tensor(graph))
        self._graph = graph
        self._ready_op, self._ready_for_local_init_op = ready_op, ready_for_local_init_op
        self._init_op, self._init_feed_dict = init_op, init_feed_dict
        self._local_init_op = local_init_op
        self._saver, self._summary_op, self._global_step = saver, summary_op, global_step
        self._is_chief = is_chief
        self._coord = Coordinator()
        self._recovery_wait_secs = recovery_wait_secs
        self._stop_grace_secs = stop_grace_secs
        self._init_fn = init_fn
        self._local_init_run_options = local_init_run_options
        self._logdir = logdir
        self._save_summaries_secs = save_summaries_secs
        self._save_model_secs = save_model_secs
        self._save_path = os.path.join(logdir, checkpoint_basename) if logdir else None
        if summary_writer is default:
            summary_writer = FileWriter(logdir) if logdir else None
        self._summary_writer = summary_writer
        self._graph_added_to_summary = False
        if session_manager is None:
            session_manager = SessionManager(
                local_init_op=self._local_init_op, ready_op=self._ready_op,
                ready_for_local_init_op=self._ready_for_local_init_op, graph=self._graph,
                recovery_wait_secs=self._recovery_wait_secs,
                local_init_run_options=self._local_init_run_options)
        self._session_manager = session_manager
        graph.finalize()

    # ----- properties ------------------------------------------------------------------------
    @property
    def is_chief(self):
        """True: this is the chief supervisor (the only kind we support)."""
        return self._is_chief

    @property
    def session_manager(self):
        """The SessionManager that creates and recovers sessions."""
        return self._session_manager

    @property
    def coord(self):
        """The Coordinator of the service threads (and of your own, `coord.register_thread`)."""
        return self._coord

    @property
    def init_op(self):
        """The init op, or None."""
        return self._init_op

    @property
    def init_feed_dict(self):
        """The feed dict used with the init op, or None."""
        return self._init_feed_dict

    @property
    def ready_op(self):
        """The ready op, or None."""
        return self._ready_op

    @property
    def ready_for_local_init_op(self):
        """The ready-for-local-init op, or None."""
        return self._ready_for_local_init_op

    @property
    def summary_writer(self):
        """The FileWriter the services write to, or None."""
        return self._summary_writer

    @property
    def summary_op(self):
        """The summary tensor the summary service runs, or None."""
        return self._summary_op

    @property
    def save_summaries_secs(self):
        """Seconds between summaries."""
        return self._save_summaries_secs

    @property
    def global_step(self):
        """The global step tensor (or variable) used in summaries and checkpoint names."""
        return self._global_step

    @property
    def saver(self):
        """The Saver, or None."""
        return self._saver

    @property
    def save_model_secs(self):
        """Seconds between checkpoints."""
        return self._save_model_secs

    @property
    def save_path(self):
        """The checkpoint prefix: `logdir/checkpoint_basename`."""
        return self._save_path

    # ----- sessions and services -------------------------------------------------------------
    def _write_graph(self):
        if self._logdir:
            training_util.write_graph(self._graph, self._logdir, "graph.pbtxt")
        if self._summary_writer and not self._graph_added_to_summary:
            self._summary_writer.add_graph(self._graph)
            self._graph_added_to_summary = True

    def start_standard_services(self, sess):
        """Starts the summary, step-counter and checkpoint threads for `sess` (those the
        constructor's arguments turn on) and returns them; without a logdir, warns and
        returns None (as TF1)."""
        if not self._logdir:
            _logger.warning("Standard services need a 'logdir' passed to the SessionManager")
            return None
        if self._global_step is not None and self._summary_writer:
            step = training_util.global_step(sess, self._global_step)
            self._summary_writer.add_session_log(_session_log("START"), step)
        threads = []
        if self._save_summaries_secs and self._summary_writer:
            if self._summary_op is not None:
                threads.append(_SummaryThread(self, sess))
            if self._global_step is not None:
                threads.append(_StepCounterThread(self, sess))
        if self._saver and self._save_model_secs:
            threads.append(_CheckpointThread(self, sess))
        for t in threads:
            t.start()
        return threads

    def prepare_or_wait_for_session(self, master="", config=None, wait_for_checkpoint=False,
                                    max_wait_secs=7200, start_standard_services=True):
        """A ready Session: restored from the latest checkpoint in logdir, or initialized;
        writes the graph, then starts the standard services and the queue runners.

        Raises:
          NotImplementedError: a `master` other than ''.
          RuntimeError: the model cannot be initialized or is not ready afterwards.
        """
        self._coord.clear_stop()
        if self._summary_writer:
            self._summary_writer.reopen()
        sess = self._session_manager.prepare_session(
            master, init_op=self.init_op, saver=self.saver, checkpoint_dir=self._logdir,
            wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs,
            config=config, init_feed_dict=self._init_feed_dict, init_fn=self._init_fn)
        self._write_graph()
        if start_standard_services:
            _logger.info("Starting standard services.")
            self.start_standard_services(sess)
            _logger.info("Starting queue runners.")
            self.start_queue_runners(sess)
        return sess

    def start_queue_runners(self, sess, queue_runners=None):
        """TF1 starts the queue runners' threads; we have none, so with none given (and the
        QUEUE_RUNNERS collection empty) it returns `[]`.

        Raises:
          NotImplementedError: queue runners given or collected (use tf.data).
        """
        if queue_runners is None:
            return queue_runners_lib.start_queue_runners(
                sess, coord=self._coord, collection=ops_lib.GraphKeys.QUEUE_RUNNERS)
        if queue_runners:
            queue_runners_lib._unsupported("Supervisor.start_queue_runners")
        return []

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """Starts and returns a LooperThread calling `target(*args, **kwargs)` every
        `timer_interval_secs` seconds (back to back if None) until a stop is requested; the
        Coordinator joins it at `stop()`."""
        return LooperThread.loop(self._coord, timer_interval_secs, target, args=args,
                                 kwargs=kwargs)

    def stop(self, threads=None, close_summary_writer=True, ignore_live_threads=False):
        """Requests a stop and joins the service threads, the `loop()` threads and `threads`
        (re-raising an exception one of them, or `request_stop(ex)`, reported); then writes a
        STOP SessionLog and closes the summary writer (if `close_summary_writer`). Does not
        close the session."""
        self._coord.request_stop()
        try:
            self._coord.join(threads, stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            if close_summary_writer and self._summary_writer:
                self._summary_writer.add_session_log(_session_log("STOP"))
                self._summary_writer.close()
                self._graph_added_to_summary = False

    def request_stop(self, ex=None):
        """Asks the threads to stop; `ex` (not OutOfRangeError) is re-raised by `stop()`."""
        self._coord.request_stop(ex=ex)

    def should_stop(self):
        """True once a stop was requested (by you, a service thread's error, or `stop()`)."""
        return self._coord.should_stop()

    def stop_on_exception(self):
        """A context manager that requests a stop with the exception raised inside it."""
        return self._coord.stop_on_exception()

    def wait_for_stop(self):
        """Blocks until a stop is requested."""
        self._coord.wait_for_stop()

    def summary_computed(self, sess, summary, global_step=None):
        """Writes `summary` (a Summary proto or its serialized bytes) at `global_step` (default:
        the global step's value in `sess`).

        Raises:
          RuntimeError: there is no summary writer (no logdir).
        """
        if not self._summary_writer:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self.global_step is not None:
            global_step = training_util.global_step(sess, self.global_step)
        self._summary_writer.add_summary(summary, global_step)

    @contextlib.contextmanager
    def managed_session(self, master="", config=None, start_standard_services=True,
                        close_summary_writer=True):
        """A context manager giving a ready Session (see `prepare_or_wait_for_session`); at the
        end of the block the services stop and the session closes. An exception from the
        block or a service thread is re-raised after that, except OutOfRangeError, which ends
        training cleanly."""
        sess = None
        try:
            sess = self.prepare_or_wait_for_session(
                master=master, config=config, start_standard_services=start_standard_services)
            yield sess
        except Exception as e:  # noqa: BLE001 - re-raised by stop() unless a clean stop
            self.request_stop(e)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                if sess is not None:
                    try:
                        sess.close()
                    except Exception:  # noqa: BLE001 - as TF1, errors closing are ignored
                        pass

    # TF1's CamelCase aliases
    PrepareSession = prepare_or_wait_for_session
    StartQueueRunners = start_queue_runners
    StartStandardServices = start_standard_services
    Stop = stop
    RequestStop = request_stop
    Loop = loop
    ShouldStop = should_stop
    StopOnException = stop_on_exception
    WaitForStop = wait_for_stop
    SummaryComputed = summary_computed


def _first(key):
    items = ops_lib.get_collection(key)
    if len(items) > 1:
        _logger.info("Found %d %s operations. Returning the first one.", len(items), key)
    return items[0] if items else None


def _first_or_add(key, make):
    item = _first(key)
    if item is None:
        item = make()
        if item is not None:
            ops_lib.add_to_collection(key, item)
    return item


def _default_global_step_tensor(graph):
    try:
        step = graph.get_tensor_by_name("global_step:0")
    except KeyError:
        return None
    if step.dtype.base_dtype in (dtypes.int32, dtypes.int64):
        return step
    _logger.warning("Found 'global_step' is not an int type: %s", step.dtype)
    return None


class _SummaryThread(LooperThread):
    """Runs the summary op (and the global step) and writes the summary, on a timer."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        if self._sv.global_step is not None:
            summary, step = self._sess.run([self._sv.summary_op, self._sv.global_step])
        else:
            summary, step = self._sess.run(self._sv.summary_op), None
        if self._sv.summary_writer:
            _logger.info("Recording summary at step %s.", step)
            self._sv.summary_writer.add_summary(summary, step)


class _StepCounterThread(LooperThread):
    """Writes `<global step op name>/sec` (steps per second since the last call), on a
    timer."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess
        self._step_counter = sv.global_step
        self._summary_tag = "%s/sec" % self._step_counter.op.name
        self._logged = 0

    def start_loop(self):
        self._last_time = time.time()
        self._last_step = training_util.global_step(self._sess, self._step_counter)

    def run_loop(self):
        step = training_util.global_step(self._sess, self._step_counter)
        added, self._last_step = step - self._last_step, step
        now = time.time()
        elapsed, self._last_time = now - self._last_time, now
        steps_per_sec = added / elapsed if elapsed > 0.0 else float("inf")
        summary_pb2 = _tensorboard.protos()[0]
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
            tag=self._summary_tag, simple_value=steps_per_sec)])
        if self._sv.summary_writer:
            self._sv.summary_writer.add_summary(summary, step)
        if self._logged < 10:
            self._logged += 1
            _logger.info("%s: %g", self._summary_tag, steps_per_sec)


class _CheckpointThread(LooperThread):
    """Saves `save_path-<global step>` (and a CHECKPOINT SessionLog), on a timer."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_model_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        _logger.info("Saving checkpoint to path %s", self._sv.save_path)
        self._sv.saver.save(self._sess, self._sv.save_path, global_step=self._sv.global_step,
                            write_meta_graph=False)
        if self._sv.summary_writer and self._sv.global_step is not None:
            step = training_util.global_step(self._sess, self._sv.global_step)
            self._sv.summary_writer.add_session_log(
                _session_log("CHECKPOINT", checkpoint_path=self._sv.save_path), step)
