"""TF1's managed training loop: `tf.train.MonitoredTrainingSession`, `MonitoredSession`,
`SingularMonitoredSession`, `Scaffold`, `ChiefSessionCreator`.

As TF1: hooks' `begin()` runs, the Scaffold fills in what is missing (init op, ready ops,
local init op, summary op, saver) and finalizes the graph; the session is restored from the
latest checkpoint in `checkpoint_dir` if there is one, else initialized (`init_op`, then
`init_fn`), then `local_init_op` runs and `ready_op` must report nothing uninitialized (all
through `tf.train.SessionManager.prepare_session`, which `tf.train.Supervisor` uses too). Each
`run()` asks every hook's `before_run` and runs the caller's fetches and feeds together with
the hooks' in one `Session.run` (one compiled run per step), then calls `after_run`. Closing
(or leaving the `with` block, where `OutOfRangeError` and `StopIteration` end training
cleanly) calls the hooks' `end()` (the checkpoint saver writes its last checkpoint) and
un-finalizes the graph if it was not finalized before.

Where we differ: `master` is '' or the target of a `tf.train.Server` of this process (the
cluster's workers are JAX processes, runtime/cluster.py); a non-chief (`is_chief=False`, only in
a cluster) does not wait for the chief but initializes or restores as the chief does (every
worker computes every step, with equal values); with no queue runners or
preemptible remote sessions, `stop_grace_period_secs` only bounds the coordinator's join and
MonitoredSession does not re-create sessions after AbortedError (ours never raise it).
"""
import inspect
import logging

from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.ops import control_flow_ops
from tfvars_jax.runtime import cluster as cluster_lib
from tfvars_jax.summary import summary_ops
from tfvars_jax.train import basic_session_run_hooks as hooks_lib
from tfvars_jax.train import session_run_hook
from tfvars_jax.train.coordinator import Coordinator
from tfvars_jax.train.saver import Saver
from tfvars_jax.train.session_manager import SessionManager
from tfvars_jax.variables import initialization

_logger = logging.getLogger("tfvars_jax.train")
USE_DEFAULT = object()


class Scaffold:
    """TF1's `tf.train.Scaffold(init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
    ready_for_local_init_op=None, local_init_op=None, summary_op=None, saver=None,
    copy_from_scaffold=None, local_init_feed_dict=None)`.

    `finalize()` fills each missing piece from its graph collection (INIT_OP, READY_OP, ...)
    or TF1's default (global initializer; report_uninitialized_variables; the local-variable
    initializer; `tf.summary.merge_all()`; the SAVERS collection's saver or a new
    `Saver(allow_empty=True)`), then finalizes the graph. TF1's default saver is
    `sharded=True`; on one device its files are the same as ours (`.data-00000-of-00001`,
    `.index`). `init_fn(scaffold, session)` runs after init_op, as TF1.
    """

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None, saver=None,
                 copy_from_scaffold=None, local_init_feed_dict=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            coalesce = lambda a, b: a if a is not None else b  # noqa: E731
            init_op = coalesce(init_op, copy_from_scaffold.init_op)
            init_feed_dict = coalesce(init_feed_dict, copy_from_scaffold.init_feed_dict)
            init_fn = coalesce(init_fn, copy_from_scaffold._user_init_fn)
            ready_op = coalesce(ready_op, copy_from_scaffold.ready_op)
            ready_for_local_init_op = coalesce(ready_for_local_init_op,
                                               copy_from_scaffold.ready_for_local_init_op)
            local_init_op = coalesce(local_init_op, copy_from_scaffold.local_init_op)
            local_init_feed_dict = coalesce(local_init_feed_dict,
                                            copy_from_scaffold.local_init_feed_dict)
            summary_op = coalesce(summary_op, copy_from_scaffold.summary_op)
            saver = coalesce(saver, copy_from_scaffold.saver)
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op, self._init_feed_dict = init_op, init_feed_dict
        self._ready_op, self._ready_for_local_init_op = ready_op, ready_for_local_init_op
        self._local_init_op, self._local_init_feed_dict = local_init_op, local_init_feed_dict
        self._summary_op, self._saver = summary_op, saver

    def finalize(self):
        """Creates the missing ops and the saver, then finalizes the graph; returns self."""
        keys = ops_lib.GraphKeys
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default(
                "init_op", keys.INIT_OP,
                lambda: control_flow_ops.group(initialization.global_variables_initializer()))
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", keys.READY_OP, initialization.report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", keys.READY_FOR_LOCAL_INIT_OP,
                lambda: initialization.report_uninitialized_variables(
                    initialization.global_variables()))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", keys.LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default("summary_op", keys.SUMMARY_OP,
                                                       summary_ops.merge_all)
        if self._saver is None:
            self._saver = _get_saver_or_default()
        self._saver.build()
        ops_lib.get_default_graph().finalize()
        _logger.info("Graph was finalized.")
        return self

    @property
    def init_fn(self):
        return self._init_fn

    @property
    def init_op(self):
        return self._init_op

    @property
    def ready_op(self):
        return self._ready_op

    @property
    def ready_for_local_init_op(self):
        return self._ready_for_local_init_op

    @property
    def local_init_op(self):
        return self._local_init_op

    @property
    def local_init_feed_dict(self):
        return self._local_init_feed_dict

    @property
    def summary_op(self):
        return self._summary_op

    @property
    def saver(self):
        return self._saver

    @property
    def init_feed_dict(self):
        return self._init_feed_dict

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """The single item of `collection_key`, or `default_constructor()` added to it."""
        elements = ops_lib.get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(f'More than one item in the collection "{collection_key}". '
                                   "Please indicate which one to use by passing it to the "
                                   f"tf.Scaffold constructor as:  tf.Scaffold({arg_name}=item "
                                   "to use)")
            return elements[0]
        op = default_constructor()
        if op is not None:
            ops_lib.add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        """TF1's default local init op: the local-variable initializer (grouped). We ship no
        lookup tables, so there is no table initializer to add."""
        return control_flow_ops.group(initialization.local_variables_initializer())


def _get_saver_or_default():
    savers = ops_lib.get_collection(ops_lib.GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError(f"More than one item in collection {ops_lib.GraphKeys.SAVERS}. "
                               "Please indicate which one to use by passing it to the "
                               "constructor.")
        return savers[0]
    saver = Saver(allow_empty=True)
    ops_lib.add_to_collection(ops_lib.GraphKeys.SAVERS, saver)
    return saver


class SessionCreator:
    """TF1's `tf.train.SessionCreator`: `create_session()` returns a ready Session."""

    def create_session(self):
        raise NotImplementedError("create_session is not implemented for {}.".format(self))


def _check_master(master, what):
    """`master` must be '' or the target of a tf.train.Server of this process."""
    try:
        cluster_lib.for_target(master)
    except NotImplementedError as e:
        raise NotImplementedError(f"{what}(master={master!r}): {e}") from None


class ChiefSessionCreator(SessionCreator):
    """TF1's `tf.train.ChiefSessionCreator(scaffold=None, master='', config=None,
    checkpoint_dir=None, checkpoint_filename_with_path=None)`: finalizes the scaffold, then
    restores the latest checkpoint of `checkpoint_dir` (or `checkpoint_filename_with_path`)
    or, without one, runs init_op and init_fn; then local_init_op, checking the ready ops."""

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        _check_master(master, "ChiefSessionCreator")
        self._master = master
        self._scaffold = scaffold or Scaffold()
        self._config = config
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path

    def create_session(self):
        scaffold = self._scaffold.finalize()
        manager = SessionManager(
            local_init_op=scaffold.local_init_op, local_init_feed_dict=scaffold.local_init_feed_dict,
            ready_op=scaffold.ready_op, ready_for_local_init_op=scaffold.ready_for_local_init_op,
            graph=ops_lib.get_default_graph())
        return manager.prepare_session(
            self._master, saver=scaffold.saver, checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config, init_op=scaffold.init_op, init_feed_dict=scaffold.init_feed_dict,
            init_fn=scaffold.init_fn)


class _StopSignal(Exception):
    """Raised by `StepContext.request_stop()` to end a `run_step_fn`."""


class StepContext:
    """TF1's `MonitoredSession.StepContext`: what `run_step_fn(step_fn)` gives `step_fn`:
    the raw `session`, `run_with_hooks(...)` (a monitored step) and `request_stop()`."""

    def __init__(self, session, run_with_hooks_fn):
        self._session = session
        self._run_with_hooks_fn = run_with_hooks_fn

    @property
    def session(self):
        return self._session

    def run_with_hooks(self, *args, **kwargs):
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self):
        """Ends the step: `run_step_fn` returns None and `should_stop()` becomes True."""
        raise _StopSignal()


class _MonitoredSession:
    """The machinery shared by MonitoredSession and SingularMonitoredSession."""
    StepContext = StepContext

    def __init__(self, session_creator, hooks, stop_grace_period_secs):
        self._graph_was_finalized = ops_lib.get_default_graph().finalized
        self._hooks = list(hooks or [])
        self._stop_grace_period_secs = stop_grace_period_secs
        for h in self._hooks:
            h.begin()
        self._tf_sess_ = (session_creator or ChiefSessionCreator()).create_session()
        self._coord = Coordinator(clean_stop_exception_types=[])
        for h in self._hooks:
            h.after_create_session(self._tf_sess_, self._coord)
        self._should_stop = False
        self._closed = False

    @property
    def graph(self):
        """The graph of the session."""
        return self._tf_sess_.graph if self._tf_sess_ is not None else None

    def _tf_sess(self):
        return self._tf_sess_

    def should_stop(self):
        """True once a hook requested a stop, the coordinator stopped, or after close."""
        return self._closed or self._should_stop or self._coord.should_stop()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """One monitored step: the caller's and the hooks' fetches and feeds in one run.

        Raises:
          RuntimeError: called after `should_stop()` became True, or after close.
          ValueError: the same tensor is fed by two hooks, or by a hook and the caller.
        """
        if self._closed:
            raise RuntimeError("Run called even after should_stop requested.")
        if self._should_stop:
            raise RuntimeError("Run called even after should_stop requested.")
        sess = self._tf_sess_
        run_context = session_run_hook.SessionRunContext(
            original_args=session_run_hook.SessionRunArgs(fetches, feed_dict), session=sess)
        actual_fetches = {"caller": fetches}
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(run_context)
            if request is None:
                continue
            if request.fetches is not None:
                actual_fetches[hook] = request.fetches
            if request.feed_dict:
                _raise_if_feeds_intersect(hook_feeds, request.feed_dict,
                                          "Same tensor is fed by two hooks.")
                hook_feeds.update(request.feed_dict)
        if hook_feeds:
            if feed_dict:
                _raise_if_feeds_intersect(feed_dict, hook_feeds,
                                          "Same tensor is fed by a SessionRunHook and user.")
                hook_feeds.update(feed_dict)
            feed_dict = hook_feeds
        outputs = sess.run(actual_fetches, feed_dict=feed_dict, options=options,
                           run_metadata=run_metadata)
        for hook in self._hooks:
            hook.after_run(run_context, session_run_hook.SessionRunValues(
                results=outputs[hook] if hook in outputs else None, options=options,
                run_metadata=run_metadata))
        self._should_stop = self._should_stop or run_context.stop_requested
        return outputs["caller"]

    def run_step_fn(self, step_fn):
        """TF1's `run_step_fn`: calls `step_fn(step_context)` and returns its value, or None if
        it called `step_context.request_stop()` (then `should_stop()` is True)."""
        args = tuple(inspect.signature(step_fn).parameters)
        if args not in (("step_context",), ("self", "step_context")):
            raise ValueError("`step_fn` may either have one `step_context` argument, or `self` "
                             "and `step_context` arguments if it's an instance method. Got "
                             f"{args} instead.")
        try:
            return step_fn(StepContext(self._tf_sess_, self.run))
        except _StopSignal:
            self._should_stop = True
            return None

    def close(self):
        """Calls the hooks' `end()` and closes the session."""
        self._close_internal()

    def _close_internal(self, exception_type=None):
        if self._closed:
            raise RuntimeError("Session is already closed.")
        try:
            if not exception_type:
                for h in self._hooks:
                    h.end(self._tf_sess_)
        finally:
            try:
                self._coord.request_stop()
                self._coord.join(stop_grace_period_secs=self._stop_grace_period_secs,
                                 ignore_live_threads=True)
            finally:
                self._closed = True
                self._tf_sess_.close()
                if not self._graph_was_finalized:
                    ops_lib.get_default_graph()._unsafe_unfinalize()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        if exception_type is not None and issubclass(exception_type, (errors.OutOfRangeError,
                                                                      StopIteration)):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None


def _raise_if_feeds_intersect(feeds1, feeds2, message):
    if set(feeds1) & set(feeds2):
        raise RuntimeError(message + " Conflict(s): " + str(list(set(feeds1) & set(feeds2))))


class MonitoredSession(_MonitoredSession):
    """TF1's `tf.train.MonitoredSession(session_creator=None, hooks=None,
    stop_grace_period_secs=120)`: a session that initializes or restores itself (default
    creator: `ChiefSessionCreator()`), runs hooks around every step and closes cleanly (see
    the module docstring). TF1 re-creates the session after AbortedError/UnavailableError
    (preemption of remote workers); ours cannot be preempted, so nothing is re-created."""

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        super().__init__(session_creator, hooks, stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """TF1's `tf.train.SingularMonitoredSession(hooks=None, scaffold=None, master='',
    config=None, checkpoint_dir=None, stop_grace_period_secs=120,
    checkpoint_filename_with_path=None)`: a MonitoredSession for one process, with
    `raw_session()`."""

    def __init__(self, hooks=None, scaffold=None, master="", config=None, checkpoint_dir=None,
                 stop_grace_period_secs=120, checkpoint_filename_with_path=None):
        creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=config,
                                      checkpoint_dir=checkpoint_dir,
                                      checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(creator, hooks, stop_grace_period_secs)

    def raw_session(self):
        """The underlying tf.Session."""
        return self._tf_sess()


def MonitoredTrainingSession(  # noqa: N802 - TF1's name
        master="", is_chief=True, checkpoint_dir=None, scaffold=None, hooks=None,
        chief_only_hooks=None, save_checkpoint_secs=USE_DEFAULT,
        save_summaries_steps=USE_DEFAULT, save_summaries_secs=USE_DEFAULT, config=None,
        stop_grace_period_secs=120, log_step_count_steps=100, max_wait_secs=7200,
        save_checkpoint_steps=USE_DEFAULT, summary_dir=None, save_graph_def=True, *,
        progress_bar=None):
    """TF1's `tf.train.MonitoredTrainingSession`: a MonitoredSession for training with TF1's
    default hooks.

    With `summary_dir` (default `checkpoint_dir`): a StepCounterHook every
    `log_step_count_steps` steps and a SummarySaverHook of the scaffold's summary op every
    `save_summaries_steps` steps (default 100) or `save_summaries_secs` seconds. With
    `checkpoint_dir`: a CheckpointSaverHook every `save_checkpoint_secs` seconds (default 600)
    or `save_checkpoint_steps` steps, and the session restores the latest checkpoint there.
    `chief_only_hooks` run first, then the defaults, then `hooks`.

    Our extension: `progress_bar` (keyword only; default None, off) adds a tqdm progress bar
    hook (`tfvars_jax.train.ProgressBarHook`): True for one showing the global step and
    steps/s, a dict {label: tensor} (or list of tensors) to show those values too, or a
    ProgressBarHook instance.

    In a cluster (`master` a `tf.train.Server`'s target), a worker with `is_chief=False` runs
    only `hooks` and initializes (or restores `checkpoint_dir`'s latest checkpoint) as the
    chief does instead of waiting for it (`max_wait_secs` is unused): every worker computes
    every step. Not supported (NotImplementedError): another `master`, `is_chief=False`
    outside a cluster. `stop_grace_period_secs` bounds the coordinator's join (we start no
    queue-runner threads).
    """
    _check_master(master, "MonitoredTrainingSession")
    if not is_chief and not master:
        raise NotImplementedError("MonitoredTrainingSession(is_chief=False) without `master`: "
                                  "non-chief workers exist only in a cluster; pass the "
                                  "tf.train.Server's target as master.")
    del max_wait_secs  # workers do not wait for the chief (see the docstring)
    if not is_chief:
        # Every worker computes every step (runtime/cluster.py), initialization and restoring
        # included: a non-chief initializes (or restores checkpoint_dir's latest checkpoint)
        # as the chief does, with the same values, and runs only `hooks`, as in TF1.
        creator = ChiefSessionCreator(scaffold=scaffold or Scaffold(),
                                      checkpoint_dir=checkpoint_dir, master=master,
                                      config=config)
        return MonitoredSession(session_creator=creator, hooks=list(hooks or []),
                                stop_grace_period_secs=stop_grace_period_secs)
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_secs is USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is USE_DEFAULT:
        save_summaries_steps = None
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is USE_DEFAULT:
        save_checkpoint_steps = None
    scaffold = scaffold or Scaffold()
    all_hooks = list(chief_only_hooks or [])
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                  master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(hooks_lib.StepCounterHook(output_dir=summary_dir,
                                                       every_n_steps=log_step_count_steps))
        if (save_summaries_steps and save_summaries_steps > 0) or (
                save_summaries_secs and save_summaries_secs > 0):
            all_hooks.append(hooks_lib.SummarySaverHook(
                scaffold=scaffold, save_steps=save_summaries_steps,
                save_secs=save_summaries_secs, output_dir=summary_dir))
    if checkpoint_dir:
        if (save_checkpoint_secs and save_checkpoint_secs > 0) or (
                save_checkpoint_steps and save_checkpoint_steps > 0):
            all_hooks.append(hooks_lib.CheckpointSaverHook(
                checkpoint_dir, save_steps=save_checkpoint_steps,
                save_secs=save_checkpoint_secs, scaffold=scaffold,
                save_graph_def=save_graph_def))
    if hooks:
        all_hooks.extend(hooks)
    if progress_bar is not None and progress_bar is not False:
        from tfvars_jax.train.progress_bar_hook import ProgressBarHook
        if isinstance(progress_bar, ProgressBarHook):
            all_hooks.append(progress_bar)
        elif progress_bar is True:
            all_hooks.append(ProgressBarHook())
        else:
            all_hooks.append(ProgressBarHook(tensors=progress_bar))
    return MonitoredSession(session_creator=creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)
