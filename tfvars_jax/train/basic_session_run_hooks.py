"""TF1's hooks (`tf.train.StopAtStepHook`, `CheckpointSaverHook`, `SummarySaverHook`,
`LoggingTensorHook`, `NanTensorHook`, `StepCounterHook`, `FinalOpsHook`, `FeedFnHook`,
`GlobalStepWaiterHook`), `CheckpointSaverListener`, `SecondOrStepTimer` and
`NanLossDuringTrainingError`, with TF1's triggering rules, messages and summaries.

Each hook asks for what it needs (mostly the global step) in `before_run`, so it is fetched in
the step's own run; a hook runs the session again only when it triggers (as TF1: to read the
exact global step before saving or logging).
"""
import logging
import os
import time

import numpy as np

from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.summary import _tensorboard
from tfvars_jax.summary.writer import FileWriterCache
from tfvars_jax.train import training_util
from tfvars_jax.train.session_run_hook import SessionRunArgs
from tfvars_jax.train.session_run_hook import SessionRunHook

_logger = logging.getLogger("tfvars_jax.train")


class SecondOrStepTimer:
    """TF1's `tf.train.SecondOrStepTimer(every_secs=None, every_steps=None)`: triggers every
    `every_secs` seconds or every `every_steps` steps (exactly one of them)."""

    def __init__(self, every_secs=None, every_steps=None):
        if every_secs is None and every_steps is None:
            raise ValueError("Either every_secs or every_steps should be provided.")
        if every_secs is not None and every_steps is not None:
            raise ValueError("Can not provide both every_secs and every_steps.")
        self._every_secs, self._every_steps = every_secs, every_steps
        self.reset()

    def reset(self):
        self._last_triggered_step = None
        self._last_triggered_time = None

    def should_trigger_for_step(self, step):
        """True on the first call, then when enough seconds or steps have passed."""
        if self._last_triggered_step is None:
            return True
        if self._last_triggered_step == step:
            return False
        if self._every_secs is not None and time.time() >= (self._last_triggered_time +
                                                            self._every_secs):
            return True
        return self._every_steps is not None and step >= (self._last_triggered_step +
                                                          self._every_steps)

    def update_last_triggered_step(self, step):
        """Records a trigger at `step`; returns (seconds, steps) since the previous one, or
        (None, None) the first time."""
        now = time.time()
        if self._last_triggered_time is None:
            elapsed_secs = elapsed_steps = None
        else:
            elapsed_secs = now - self._last_triggered_time
            elapsed_steps = step - self._last_triggered_step
        self._last_triggered_time = now
        self._last_triggered_step = step
        return elapsed_secs, elapsed_steps

    def last_triggered_step(self):
        return self._last_triggered_step


def _global_step_tensor(hook_name):
    step = training_util.get_global_step()
    if step is None:
        raise RuntimeError(f"Global step should be created to use {hook_name}.")
    return step


def _as_graph_element(obj):
    graph = ops_lib.get_default_graph()
    if not isinstance(obj, str) and getattr(obj, "graph", graph) is not graph:
        raise ValueError(f"Passed {obj} should have graph attribute that is equal to current "
                         "graph.")
    return graph.as_graph_element(obj, allow_tensor=True, allow_operation=True)


def _session_log(status, **fields):
    event_pb2 = _tensorboard.protos()[1]
    return event_pb2.SessionLog(status=getattr(event_pb2.SessionLog, status), **fields)


class LoggingTensorHook(SessionRunHook):
    """TF1's `tf.train.LoggingTensorHook(tensors, every_n_iter=None, every_n_secs=None,
    at_end=False, formatter=None)`: logs "tag = value, ..." (INFO, logger "tfvars_jax.train")
    every N local steps or seconds, and/or at the end."""

    def __init__(self, tensors, every_n_iter=None, every_n_secs=None, at_end=False,
                 formatter=None):
        only_log_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_log_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("either at_end and/or exactly one of every_n_iter and every_n_secs "
                             "must be provided.")
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if not isinstance(tensors, dict):
            self._tag_order = list(tensors)
            tensors = {item: item for item in tensors}
        else:
            self._tag_order = sorted(tensors)
        self._tensors = tensors
        self._formatter = formatter
        self._timer = _NeverTrigger() if only_log_at_end else SecondOrStepTimer(
            every_secs=every_n_secs, every_steps=every_n_iter)
        self._log_at_end = at_end

    def begin(self):
        self._timer.reset()
        self._iter_count = 0
        self._current_tensors = {tag: _as_graph_element(t) for tag, t in self._tensors.items()}

    def before_run(self, run_context):
        self._should_trigger = self._timer.should_trigger_for_step(self._iter_count)
        return SessionRunArgs(self._current_tensors) if self._should_trigger else None

    def _log_tensors(self, tensor_values):
        original = np.get_printoptions()
        np.set_printoptions(suppress=True)
        elapsed_secs, _ = self._timer.update_last_triggered_step(self._iter_count)
        if self._formatter:
            _logger.info(self._formatter(tensor_values))
        else:
            stats = ", ".join("%s = %s" % (tag, tensor_values[tag]) for tag in self._tag_order)
            if elapsed_secs is not None:
                _logger.info("%s (%.3f sec)", stats, elapsed_secs)
            else:
                _logger.info("%s", stats)
        np.set_printoptions(**original)

    def after_run(self, run_context, run_values):
        if self._should_trigger:
            self._log_tensors(run_values.results)
        self._iter_count += 1

    def end(self, session):
        if self._log_at_end:
            self._log_tensors(session.run(self._current_tensors))


class _NeverTrigger(SecondOrStepTimer):
    """TF1's NeverTriggerTimer (LoggingTensorHook with only at_end)."""

    def __init__(self):
        self.reset()

    def should_trigger_for_step(self, step):
        return False

    def update_last_triggered_step(self, step):
        return None, None


class StopAtStepHook(SessionRunHook):
    """TF1's `tf.train.StopAtStepHook(num_steps=None, last_step=None)`: requests a stop when
    the global step reaches `last_step` (or `num_steps` past its value at session creation)."""

    def __init__(self, num_steps=None, last_step=None):
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps, self._last_step = num_steps, last_step

    def begin(self):
        self._global_step_tensor = _global_step_tensor("StopAtStepHook")

    def after_create_session(self, session, coord):
        if self._last_step is None:
            self._last_step = int(session.run(self._global_step_tensor)) + self._num_steps

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        global_step = run_values.results + 1  # the step's own increment, usually
        if global_step >= self._last_step:
            # Read again: the step may not have incremented it (or by more than one).
            step = run_context.session.run(self._global_step_tensor)
            if step >= self._last_step:
                run_context.request_stop()


class CheckpointSaverListener:
    """TF1's `tf.train.CheckpointSaverListener`: `begin()`, `before_save(session,
    global_step_value)`, `after_save(session, global_step_value)` (return True to stop
    training) and `end(session, global_step_value)` around CheckpointSaverHook's saves."""

    def begin(self):
        pass

    def before_save(self, session, global_step_value):
        pass

    def after_save(self, session, global_step_value):
        pass

    def end(self, session, global_step_value):
        pass


class CheckpointSaverHook(SessionRunHook):
    """TF1's `tf.train.CheckpointSaverHook(checkpoint_dir, save_secs=None, save_steps=None,
    saver=None, checkpoint_basename="model.ckpt", scaffold=None, listeners=None,
    save_graph_def=True)`.

    Saves `<checkpoint_dir>/model.ckpt-<global step>` when the session is created, every
    `save_secs` seconds or `save_steps` steps, and at the end (unless that step was just
    saved), and writes a CHECKPOINT SessionLog to the summary writer of `checkpoint_dir`. With
    `save_graph_def` it also writes `graph.pbtxt` and the graph to the event file (our
    GraphDef-shaped view, see `tf.summary.FileWriter.add_graph`); no `.meta` MetaGraph is
    written (our Saver does not write them).
    """

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                 checkpoint_basename="model.ckpt", scaffold=None, listeners=None,
                 save_graph_def=True):
        _logger.info("Create CheckpointSaverHook.")
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._saver, self._scaffold = saver, scaffold
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = listeners or []
        self._steps_per_run = 1
        self._save_graph_def = save_graph_def

    def begin(self):
        self._summary_writer = FileWriterCache.get(self._checkpoint_dir)
        self._global_step_tensor = _global_step_tensor("CheckpointSaverHook")
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session, coord):
        global_step = int(session.run(self._global_step_tensor))
        if self._save_graph_def:
            graph = ops_lib.get_default_graph()
            training_util.write_graph(graph, self._checkpoint_dir, "graph.pbtxt")
            self._summary_writer.add_graph(graph)
        # The checkpoint at session creation (step 0 of a new run, or the restored step).
        self._save(session, global_step)
        self._timer.update_last_triggered_step(global_step)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        stale_global_step = run_values.results
        if self._timer.should_trigger_for_step(stale_global_step + self._steps_per_run):
            global_step = int(run_context.session.run(self._global_step_tensor))
            if self._timer.should_trigger_for_step(global_step):
                self._timer.update_last_triggered_step(global_step)
                if self._save(run_context.session, global_step):
                    run_context.request_stop()

    def end(self, session):
        last_step = int(session.run(self._global_step_tensor))
        if last_step != self._timer.last_triggered_step():
            self._save(session, last_step)
        for listener in self._listeners:
            listener.end(session, last_step)

    def _save(self, session, step):
        """Saves; True if a listener asked to stop."""
        _logger.info("Calling checkpoint listeners before saving checkpoint %d...", step)
        for listener in self._listeners:
            listener.before_save(session, step)
        _logger.info("Saving checkpoints for %d into %s.", step, self._save_path)
        self._get_saver().save(session, self._save_path, global_step=step,
                               write_meta_graph=False)
        self._summary_writer.add_session_log(
            _session_log("CHECKPOINT", checkpoint_path=self._save_path), step)
        should_stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                _logger.info("A CheckpointSaverListener requested that training be stopped. "
                             "listener: %s", listener)
                should_stop = True
        return should_stop

    def _get_saver(self):
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        savers = ops_lib.get_collection(ops_lib.GraphKeys.SAVERS)
        if not savers:
            raise RuntimeError(f"No items in collection {ops_lib.GraphKeys.SAVERS}. Please add a "
                               "saver to the collection or provide a saver or scaffold.")
        if len(savers) > 1:
            raise RuntimeError(f"More than one item in collection {ops_lib.GraphKeys.SAVERS}. "
                               "Please indicate which one to use by passing it to the "
                               "constructor.")
        self._saver = savers[0]
        return savers[0]


class StepCounterHook(SessionRunHook):
    """TF1's `tf.train.StepCounterHook(every_n_steps=100, every_n_secs=None, output_dir=None,
    summary_writer=None, steps_per_run=1)`: writes the summary "global_step/sec" (and logs
    it) every N steps or seconds."""

    def __init__(self, every_n_steps=100, every_n_secs=None, output_dir=None,
                 summary_writer=None, steps_per_run=1):
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._last_global_step = None
        self._steps_per_run = steps_per_run

    def begin(self):
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._global_step_tensor = _global_step_tensor("StepCounterHook")
        self._summary_tag = training_util.get_global_step().op.name + "/sec"

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        steps_per_sec = elapsed_steps / elapsed_time
        if self._summary_writer is not None:
            summary_pb2 = _tensorboard.protos()[0]
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
                tag=self._summary_tag, simple_value=steps_per_sec)])
            self._summary_writer.add_summary(summary, global_step)
        _logger.info("%s: %g", self._summary_tag, steps_per_sec)

    def after_run(self, run_context, run_values):
        stale_global_step = run_values.results
        if self._timer.should_trigger_for_step(stale_global_step + self._steps_per_run):
            global_step = int(run_context.session.run(self._global_step_tensor))
            if self._timer.should_trigger_for_step(global_step):
                elapsed_time, elapsed_steps = self._timer.update_last_triggered_step(global_step)
                if elapsed_time is not None and elapsed_time > 0:
                    self._log_and_record(elapsed_steps, elapsed_time, global_step)
        if stale_global_step == self._last_global_step:
            _logger.log(logging.WARNING if not getattr(self, "_warned", False) else logging.DEBUG,
                        "It seems that global step (tf.train.get_global_step) has not been "
                        "increased. Current value (could be stable): %s vs previous value: %s. "
                        "You could increase the global step by passing "
                        "tf.train.get_global_step() to Optimizer.apply_gradients or "
                        "Optimizer.minimize.", stale_global_step, self._last_global_step)
            self._warned = True
        self._last_global_step = stale_global_step


class NanLossDuringTrainingError(RuntimeError):
    """TF1's `tf.train.NanLossDuringTrainingError`, raised by NanTensorHook."""

    def __str__(self):
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """TF1's `tf.train.NanTensorHook(loss_tensor, fail_on_nan_loss=True)`: fetches the loss
    every step; NaN raises NanLossDuringTrainingError (or, with fail_on_nan_loss=False, logs
    and requests a stop)."""

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def before_run(self, run_context):
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context, run_values):
        if np.isnan(run_values.results):
            failure_message = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                _logger.error(failure_message)
                raise NanLossDuringTrainingError
            _logger.warning(failure_message)
            run_context.request_stop()


class SummarySaverHook(SessionRunHook):
    """TF1's `tf.train.SummarySaverHook(save_steps=None, save_secs=None, output_dir=None,
    summary_writer=None, scaffold=None, summary_op=None)`: runs the summary op (exactly one of
    `scaffold` (its `summary_op`) and `summary_op`, a tensor or a list) with the step every N
    steps or seconds and writes it at the global step; a START SessionLog first."""

    def __init__(self, save_steps=None, save_secs=None, output_dir=None, summary_writer=None,
                 scaffold=None, summary_op=None):
        if (scaffold is None) == (summary_op is None):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._summary_op, self._scaffold = summary_op, scaffold
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._next_step = None
        self._global_step_tensor = _global_step_tensor("SummarySaverHook")

    def before_run(self, run_context):
        self._request_summary = (self._next_step is None or
                                 self._timer.should_trigger_for_step(self._next_step))
        requests = {"global_step": self._global_step_tensor}
        if self._request_summary:
            summary_op = self._get_summary_op()
            if summary_op is not None:
                requests["summary"] = summary_op
        return SessionRunArgs(requests)

    def after_run(self, run_context, run_values):
        if not self._summary_writer:
            return
        stale_global_step = run_values.results["global_step"]
        global_step = stale_global_step + 1
        if self._next_step is None or self._request_summary:
            global_step = int(run_context.session.run(self._global_step_tensor))
        if self._next_step is None:
            self._summary_writer.add_session_log(_session_log("START"), global_step)
        if self._request_summary:
            self._timer.update_last_triggered_step(global_step)
            for summary in run_values.results.get("summary", ()):
                self._summary_writer.add_summary(summary, global_step)
        self._next_step = global_step + 1

    def end(self, session=None):
        if self._summary_writer:
            self._summary_writer.flush()

    def _get_summary_op(self):
        summary_op = self._summary_op if self._summary_op is not None else \
            self._scaffold.summary_op
        if summary_op is None:
            return None
        return summary_op if isinstance(summary_op, list) else [summary_op]


class GlobalStepWaiterHook(SessionRunHook):
    """TF1's `tf.train.GlobalStepWaiterHook(wait_until_step)`: the first step waits (polling
    every 0.5 s) until the global step reaches `wait_until_step` (another worker's or
    thread's training moves it)."""

    def __init__(self, wait_until_step):
        self._wait_until_step = wait_until_step

    def begin(self):
        self._worker_is_started = False
        self._global_step_tensor = _global_step_tensor("_GlobalStepWaiterHook")

    def before_run(self, run_context):
        if self._worker_is_started:
            return None
        if self._wait_until_step <= 0:
            self._worker_is_started = True
            return None
        _logger.info("Waiting for global step %d before starting training.",
                     self._wait_until_step)
        last_logged_step = 0
        while True:
            current_step = int(run_context.session.run(self._global_step_tensor))
            if current_step >= self._wait_until_step:
                self._worker_is_started = True
                return None
            if current_step - last_logged_step > 1000:
                _logger.info("Waiting for global step %d before starting training. Current "
                             "step is %d.", self._wait_until_step, current_step)
                last_logged_step = current_step
            time.sleep(0.5)


class FinalOpsHook(SessionRunHook):
    """TF1's `tf.train.FinalOpsHook(final_ops, final_ops_feed_dict=None)`: runs `final_ops`
    when the session ends; their values are `final_ops_values`."""

    def __init__(self, final_ops, final_ops_feed_dict=None):
        self._final_ops = final_ops
        self._final_ops_feed_dict = final_ops_feed_dict
        self._final_ops_values = None

    @property
    def final_ops_values(self):
        return self._final_ops_values

    def end(self, session):
        if self._final_ops is not None:
            try:
                self._final_ops_values = session.run(self._final_ops,
                                                     feed_dict=self._final_ops_feed_dict)
            except (errors.OutOfRangeError, StopIteration) as e:
                _logger.warning("An OutOfRangeError or StopIteration exception is raised by the "
                                "code in FinalOpsHook. This typically means the Ops running by "
                                "the FinalOpsHook have a dependency back to some input source, "
                                "which should not happen. %s", e)
                raise


class FeedFnHook(SessionRunHook):
    """TF1's `tf.train.FeedFnHook(feed_fn)`: every step feeds `feed_fn()` (a feed dict)."""

    def __init__(self, feed_fn):
        self.feed_fn = feed_fn

    def before_run(self, run_context):
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())
