"""One evaluation pass, as TF 1.15's `Estimator.evaluate` runs it (TF's
`training/evaluation.py` and the estimator's summary writing).

The graph gets a local int64 `eval_step` counter (collections LOCAL_VARIABLES and EVAL_STEP);
each run executes the metrics' update ops and increments it; `StopAfterNEvalsHook` stops
after `steps` runs (without `steps`, the input's end stops the loop); a FinalOpsHook fetches
the metric values (and the global step) when the session closes. The results are written
as one Summary at the global step into the eval directory (floats and ints as simple values,
serialized Summaries expanded, arrays as tensors), plus the checkpoint path as a string
tensor summary named 'checkpoint_path'.
"""
import logging
import math
import time

import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import state_ops
from tfvars_jax.summary import _tensorboard
from tfvars_jax.summary.summary_ops import tensor_proto
from tfvars_jax.summary.writer import FileWriterCache
from tfvars_jax.train import basic_session_run_hooks as hooks_lib
from tfvars_jax.train import monitored_session
from tfvars_jax.train.session_run_hook import SessionRunArgs
from tfvars_jax.train.session_run_hook import SessionRunHook
from tfvars_jax.variables import initializers as init_ops
from tfvars_jax.variables import variable_scope

_logger = logging.getLogger("tfvars_jax.estimator")


def get_or_create_eval_step():
    """The graph's eval step counter (TF's `_get_or_create_eval_step`): a local int64 scalar
    variable `eval_step` in the EVAL_STEP collection."""
    graph = ops_lib.get_default_graph()
    eval_steps = graph.get_collection(ops_lib.GraphKeys.EVAL_STEP)
    if len(eval_steps) == 1:
        return eval_steps[0]
    if len(eval_steps) > 1:
        raise ValueError("Multiple tensors added to tf.GraphKeys.EVAL_STEP")
    return variable_scope.get_variable(
        "eval_step", shape=[], dtype=dtypes.int64, initializer=init_ops.zeros_initializer(),
        trainable=False,
        collections=[ops_lib.GraphKeys.LOCAL_VARIABLES, ops_lib.GraphKeys.EVAL_STEP])


class StopAfterNEvalsHook(SessionRunHook):
    """TF's `_StopAfterNEvalsHook(num_evals, log_progress=True)`: requests a stop once the
    eval step reaches `num_evals`, logging "Evaluation [i/n]" (every tenth of n from 20)."""

    def __init__(self, num_evals, log_progress=True):
        self._num_evals = num_evals
        self._evals_completed = None
        self._log_progress = log_progress
        self._log_frequency = (1 if (num_evals is None or num_evals < 20)
                               else math.floor(num_evals / 10.))

    def _set_evals_completed_tensor(self, updated_eval_step):
        self._evals_completed = updated_eval_step

    def before_run(self, run_context):
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context, run_values):
        evals_completed = run_values.results["evals_completed"]
        if self._log_progress:
            if self._num_evals is None:
                _logger.info("Evaluation [%d]", evals_completed)
            elif (evals_completed % self._log_frequency == 0 or
                  self._num_evals == evals_completed):
                _logger.info("Evaluation [%d/%d]", evals_completed, self._num_evals)
        if self._num_evals is not None and evals_completed >= self._num_evals:
            run_context.request_stop()


def evaluate_once(checkpoint_path, scaffold=None, eval_ops=None, final_ops=None, hooks=None,
                  config=None):
    """TF's `_evaluate_once`: restores `checkpoint_path` (or initializes when None), runs
    `eval_ops` until a hook stops or the input ends, and returns `final_ops`' values."""
    eval_step = get_or_create_eval_step()
    hooks = list(hooks or [])
    if eval_ops is not None:
        update_eval_step = state_ops.assign_add(eval_step, 1, use_locking=True)
        if isinstance(eval_ops, dict):
            eval_ops["update_eval_step"] = update_eval_step
        elif isinstance(eval_ops, (tuple, list)):
            eval_ops = list(eval_ops) + [update_eval_step]
        else:
            eval_ops = [eval_ops, update_eval_step]
        updates = list(eval_ops.values()) if isinstance(eval_ops, dict) else eval_ops
        with ops_lib.control_dependencies(updates):
            eval_step_value = array_ops.identity(eval_step.read_value())
        for h in hooks:
            if isinstance(h, StopAfterNEvalsHook):
                h._set_evals_completed_tensor(eval_step_value)
    _logger.info("Starting evaluation at %s", time.strftime("%Y-%m-%dT%H:%M:%S",
                                                            time.localtime()))
    start = time.time()
    creator = monitored_session.ChiefSessionCreator(
        scaffold=scaffold, checkpoint_filename_with_path=checkpoint_path, config=config)
    final_ops_hook = hooks_lib.FinalOpsHook(final_ops)
    hooks.append(final_ops_hook)
    with monitored_session.MonitoredSession(session_creator=creator, hooks=hooks) as session:
        if eval_ops is not None:
            while not session.should_stop():
                session.run(eval_ops)
    _logger.info("Inference Time : %.5fs", time.time() - start)
    return final_ops_hook.final_ops_values


def _dict_to_str(dictionary):
    return ", ".join(f"{k} = {v}" for k, v in sorted(dictionary.items())
                     if not isinstance(v, bytes))


def write_dict_to_summary(output_dir, dictionary, current_global_step):
    """Writes the evaluation results (all but global_step) as one Summary at the step, as
    TF's `_write_dict_to_summary`."""
    _logger.info("Saving dict for global step %d: %s", current_global_step,
                 _dict_to_str(dictionary))
    summary_pb2 = _tensorboard.protos()[0]
    from google.protobuf import message as message_lib  # protobuf comes with TensorBoard
    summary = summary_pb2.Summary()
    for key, value in dictionary.items():
        if value is None or key == "global_step":
            continue
        if isinstance(value, (np.float32, float)):
            summary.value.add(tag=key, simple_value=float(value))
        elif isinstance(value, (np.int64, np.int32, int)):
            summary.value.add(tag=key, simple_value=int(value))
        elif isinstance(value, bytes):
            try:
                parsed = summary_pb2.Summary.FromString(value)
            except message_lib.DecodeError:
                _logger.warning("Skipping summary for %s, cannot parse string to Summary.", key)
                continue
            for i, v in enumerate(parsed.value):
                v.tag = f"{key}/{i}"
            summary.value.extend(parsed.value)
        elif isinstance(value, np.ndarray):
            entry = summary.value.add(tag=key, node_name=key)
            entry.tensor.CopyFrom(tensor_proto(value))
            _logger.info("Summary for np.ndarray is not visible in Tensorboard by default. "
                         "Consider using a Tensorboard plugin for visualization.")
        else:
            _logger.warning("Skipping summary for %s, must be a float, np.float32, np.int64, "
                            "np.int32 or int or np.ndarray or a serialized string of Summary.",
                            key)
    writer = FileWriterCache.get(output_dir)
    writer.add_summary(summary, current_global_step)
    writer.flush()


def write_checkpoint_path_to_summary(output_dir, checkpoint_path, current_global_step):
    """Writes the evaluated checkpoint's path as the string tensor summary 'checkpoint_path'."""
    _logger.info("Saving 'checkpoint_path' summary for global step %d: %s",
                 current_global_step, checkpoint_path)
    summary_pb2 = _tensorboard.protos()[0]
    summary = summary_pb2.Summary()
    summary.value.add(tag="checkpoint_path",
                      tensor=tensor_proto(np.array(checkpoint_path.encode(), dtype=object)))
    writer = FileWriterCache.get(output_dir)
    writer.add_summary(summary, current_global_step)
    writer.flush()
