"""TF1's `tf.train.SessionManager`: make a Session ready to use, by restoring the latest
checkpoint or by initializing, then running the local init op and checking readiness.

`prepare_session` is the one implementation of "restore or initialize" behind
`ChiefSessionCreator` (so MonitoredSession and MonitoredTrainingSession) and
`Supervisor.prepare_or_wait_for_session`, as in TF1.

Where we differ: `master` is '' or the target of a `tf.train.Server` of this process
(`prepare_session`/`recover_session` then make a Session in its cluster, see
runtime/cluster.py); another master raises NotImplementedError, and so does any master for
`wait_for_session` (a cluster's workers do not wait for a chief). `wait_for_session`
keeps TF1's semantics in one process: each attempt is
a new Session (which holds no values), so it returns only when the local init op alone makes
the model ready (e.g. a graph with only local variables) and otherwise raises
DeadlineExceededError after `max_wait_secs`; with TF1 another process would initialize the
shared variables meanwhile.
"""
import logging
import time

import numpy as np

from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.runtime import cluster as cluster_lib
from tfvars_jax.runtime.session import Session
from tfvars_jax.train import checkpoint_management

_logger = logging.getLogger("tfvars_jax.train")


def _maybe_name(obj):
    if obj is None:
        return "None"
    if hasattr(obj, "name"):
        return obj.name
    return "<no name for %s>" % type(obj)


def _check_master(master, where):
    """`master` must be '' or the target of a tf.train.Server of this process (its cluster)."""
    try:
        cluster_lib.for_target(master)
    except NotImplementedError as e:
        raise NotImplementedError(f"{where}(master={master!r}): {e}") from None


def ready(op, sess):
    """(True, None) if `op` (a report of uninitialized variables, or None) reports nothing in
    `sess`, else (False, "Variables not initialized: a, b")."""
    if op is None:
        return True, None
    try:
        value = sess.run(op)
    except errors.FailedPreconditionError as e:
        if "uninitialized" not in str(e):
            raise
        return False, str(e)
    if value is None or getattr(value, "size", 1) == 0 or getattr(value, "dtype", None) == \
            np.int32:
        return True, None
    names = ", ".join(v.decode("utf-8") if isinstance(v, bytes) else str(v)
                      for v in value.ravel())
    return False, "Variables not initialized: " + names


class SessionManager:
    """TF1's `tf.train.SessionManager(local_init_op=None, ready_op=None,
    ready_for_local_init_op=None, graph=None, recovery_wait_secs=30,
    local_init_run_options=None, local_init_feed_dict=None)`.

    `prepare_session` restores the latest checkpoint of `checkpoint_dir` (or
    `checkpoint_filename_with_path`) with `saver`, or else runs `init_op` (with
    `init_feed_dict`) and `init_fn(sess)`; then, if `ready_for_local_init_op` reports nothing,
    runs `local_init_op`; then `ready_op` must report nothing (RuntimeError otherwise).
    `recover_session` only restores (returns `(sess, restored_and_ready)`); `wait_for_session`
    waits for the model to be ready (see the module docstring).

    Raises:
      ValueError: `ready_for_local_init_op` without `local_init_op`.
    """

    def __init__(self, local_init_op=None, ready_op=None, ready_for_local_init_op=None,
                 graph=None, recovery_wait_secs=30, local_init_run_options=None,
                 local_init_feed_dict=None):
        if graph is None:
            graph = ops_lib.get_default_graph()
        if ready_for_local_init_op is not None and local_init_op is None:
            raise ValueError("If you pass a ready_for_local_init_op you must also pass a "
                             f"local_init_op , ready_for_local_init_op [{ready_for_local_init_op}]")
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._graph = graph
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_run_options = local_init_run_options
        self._local_init_feed_dict = local_init_feed_dict

    def _restore_checkpoint(self, master, saver=None, checkpoint_dir=None,
                            checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                            max_wait_secs=7200, config=None):
        """A new Session and whether a checkpoint was restored into it."""
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        sess = Session(master, graph=self._graph, config=config)
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return sess, True
        waited = 0
        state = checkpoint_management.get_checkpoint_state(checkpoint_dir)
        while not state or not state.model_checkpoint_path:
            if not (wait_for_checkpoint and waited < max_wait_secs):
                return sess, False
            _logger.info("Waiting for checkpoint to be available.")
            time.sleep(self._recovery_wait_secs)
            waited += self._recovery_wait_secs
            state = checkpoint_management.get_checkpoint_state(checkpoint_dir)
        saver.restore(sess, state.model_checkpoint_path)
        saver.recover_last_checkpoints(list(state.all_model_checkpoint_paths))
        return sess, True

    def _try_run_local_init_op(self, sess):
        """(True, None) after running local_init_op (or with none), else (False, why)."""
        if self._local_init_op is None:
            return True, None
        is_ready, msg = ready(self._ready_for_local_init_op, sess)
        if not is_ready:
            return False, msg
        _logger.info("Running local_init_op.")
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict,
                 options=self._local_init_run_options)
        _logger.info("Done running local_init_op.")
        return True, None

    def prepare_session(self, master, init_op=None, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None, init_feed_dict=None, init_fn=None):
        """A ready Session: restored from a checkpoint, or initialized (see the class).

        Raises:
          RuntimeError: nothing can initialize the model, or it is not ready afterwards.
          ValueError: both `checkpoint_dir` and `checkpoint_filename_with_path`.
          NotImplementedError: a `master` other than ''.
        """
        _check_master(master, "SessionManager.prepare_session")
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs, config=config)
        if not restored:
            if init_op is None and not init_fn and self._local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                   "local_init_op was given")
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        ok, msg = self._try_run_local_init_op(sess)
        if not ok:
            raise RuntimeError("Init operations did not make model ready for local_init.  "
                               f"Init op: {_maybe_name(init_op)}, init fn: {init_fn}, "
                               f"error: {msg}")
        is_ready, msg = ready(self._ready_op, sess)
        if not is_ready:
            raise RuntimeError("Init operations did not make model ready.  Init op: "
                               f"{_maybe_name(init_op)}, init fn: {init_fn}, local_init_op: "
                               f"{_maybe_name(self._local_init_op)}, error: {msg}")
        return sess

    def recover_session(self, master, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None):
        """`(sess, True)` if a checkpoint was restored and the model is then ready (after the
        local init op), else `(sess, False)`; nothing is initialized.

        Raises:
          ValueError: both `checkpoint_dir` and `checkpoint_filename_with_path`.
          NotImplementedError: a `master` other than ''.
        """
        _check_master(master, "SessionManager.recover_session")
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs, config=config)
        ok, msg = self._try_run_local_init_op(sess)
        if not restored:
            return sess, False
        source = checkpoint_dir or checkpoint_filename_with_path
        if not ok:
            _logger.info("Restoring model from %s did not make model ready for local init: %s",
                         source, msg)
            return sess, False
        is_ready, msg = ready(self._ready_op, sess)
        if not is_ready:
            _logger.info("Restoring model from %s did not make model ready: %s", source, msg)
            return sess, False
        _logger.info("Restored model from %s", source)
        return sess, True

    def wait_for_session(self, master, config=None, max_wait_secs=float("Inf")):
        """A new Session once the model is ready in it (after the local init op), trying every
        `recovery_wait_secs` (see the module docstring for what that means in one process).

        Raises:
          errors.DeadlineExceededError: not ready after `max_wait_secs`.
          NotImplementedError: a `master` other than ''.
        """
        if master:  # a cluster's workers do not wait for a chief (every worker initializes)
            raise NotImplementedError(
                f"SessionManager.wait_for_session(master={master!r}): tfvars_jax's workers do "
                "not wait for a chief; use prepare_session (every worker initializes or "
                "restores, with equal values) or master=''.")
        if max_wait_secs is None:
            max_wait_secs = float("Inf")
        start = time.time()
        while True:
            sess = Session(graph=self._graph, config=config)
            ok, not_ready_local = self._try_run_local_init_op(sess)
            not_ready = None
            if ok:
                is_ready, not_ready = ready(self._ready_op, sess)
                if is_ready:
                    return sess
            try:
                sess.close()
            except Exception:  # noqa: BLE001 - as TF1's _safe_close
                pass
            remaining = max(0.0, max_wait_secs - (time.time() - start))
            if remaining - self._recovery_wait_secs < 0:
                raise errors.DeadlineExceededError(
                    None, None, "Session was not ready after waiting %d secs." % (max_wait_secs,))
            _logger.info("Waiting for model to be ready.  Ready_for_local_init_op:  %s, "
                         "ready: %s", not_ready_local, not_ready)
            time.sleep(self._recovery_wait_secs)
