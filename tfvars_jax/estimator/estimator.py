"""TF1's `tf.estimator.Estimator`: train, evaluate and predict a model given as a model_fn,
with checkpoints and summaries in `model_dir`, as TF 1.15.

Each call builds a new graph (graph seed `config.tf_random_seed`, a global step, the
input_fn's ops on '/cpu:0', then the model_fn in the call's mode) and runs it in a managed
session that restores the latest checkpoint of model_dir, or initializes:

- `train` runs `MonitoredTrainingSession` with TF's hooks: StopAtStepHook (`steps` more, or
  up to `max_steps`; with `max_steps` already reached in model_dir training is skipped),
  NanTensorHook, LoggingTensorHook of loss and step and StepCounterHook every
  `log_step_count_steps`, a SummarySaverHook (a 'loss' scalar is added unless the model made
  one) every `save_summary_steps`, and a CheckpointSaverHook on `save_checkpoints_steps/secs`
  (a checkpoint when the session starts and at the end) with the model's Saver or TF's
  default `Saver(sharded=True, max_to_keep=keep_checkpoint_max, save_relative_paths=True)`;
  `saving_listeners` join it. The input's end (OutOfRangeError) ends training cleanly.
- `evaluate` adds the mean of the loss over the evaluated batches (`tf.metrics.mean`, each
  batch weighing one, key 'loss') to `eval_metric_ops`, runs their update ops for `steps`
  batches or until the input ends, writes the results at the global step into
  `model_dir/eval` (or `eval_<name>`) and returns them with 'global_step'.
- `predict` yields the predictions (one example at a time, or whole batches with
  `yield_single_examples=False`; `predict_keys` picks some) until the input ends.

Checkpoints are TF's format and names, so a TF Estimator and ours resume each other's
model_dir (tests/test_estimator_vs_tf.py checks this against TF 2.15's Estimator).

Where we differ: no `.meta` MetaGraph files are written (our Saver writes none);
SavedModel export (`export_saved_model`, `export_savedmodel`,
`experimental_export_all_saved_models`) raises NotImplementedError; distribution strategies
cannot be configured (see RunConfig); TF's graph-level `global_step/add` read cache is not
built (nothing in an Estimator run uses it).
"""
import copy
import logging
import os
import tempfile

from tfvars_jax.estimator import evaluation
from tfvars_jax.estimator import input_fn as input_fn_lib
from tfvars_jax.estimator.mode_keys import ModeKeys
from tfvars_jax.estimator.model_fn import EstimatorSpec
from tfvars_jax.estimator.model_fn import LOSS_METRIC_KEY
from tfvars_jax.estimator.run_config import RunConfig
from tfvars_jax.estimator.warm_start_settings import WarmStartSettings
from tfvars_jax import metrics as metrics_lib
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.nest import flatten
from tfvars_jax.ops import control_flow_ops
from tfvars_jax.runtime.session import ConfigProto
from tfvars_jax.summary import summary_ops
from tfvars_jax.train import basic_session_run_hooks as hooks_lib
from tfvars_jax.train import checkpoint_management
from tfvars_jax.train import checkpoint_utils
from tfvars_jax.train import monitored_session
from tfvars_jax.train import training_util
from tfvars_jax.train import warm_starting_util
from tfvars_jax.train.saver import Saver
from tfvars_jax.train.session_run_hook import SessionRunHook

_logger = logging.getLogger("tfvars_jax.estimator")
_VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}


def _verify_model_fn_args(model_fn, params):
    """TF's checks of a model_fn's signature."""
    args = set(input_fn_lib.fn_args(model_fn))
    if "features" not in args:
        raise ValueError(f"model_fn ({model_fn}) must include features argument.")
    if params is not None and "params" not in args:
        raise ValueError(f"model_fn ({model_fn}) does not include params argument, but params "
                         f"({params}) is passed to Estimator.")
    if params is None and "params" in args:
        _logger.warning("Estimator's model_fn (%s) includes params argument, but params are "
                        "not passed to Estimator.", model_fn)
    non_valid_args = sorted(args - _VALID_MODEL_FN_ARGS)
    if non_valid_args:
        raise ValueError(f"model_fn ({model_fn}) has following not expected args: "
                         f"{non_valid_args}")


def _config_with_model_dir(config, model_dir):
    """TF's `maybe_overwrite_model_dir_and_session_config`."""
    if config is None:
        config = RunConfig()
        _logger.info("Using default config.")
    if not isinstance(config, RunConfig):
        raise ValueError(f"config must be an instance of `RunConfig`, but provided {config}.")
    if config.session_config is None:
        config = config.replace(session_config=ConfigProto(allow_soft_placement=True))
    model_dir = os.fspath(model_dir) if model_dir is not None else None
    if model_dir is not None and config.model_dir is not None and config.model_dir != model_dir:
        raise ValueError("`model_dir` are set both in constructor and `RunConfig`, but with "
                         f"different values. In constructor: '{model_dir}', in `RunConfig`: "
                         f"'{config.model_dir}' ")
    if model_dir:
        config = config.replace(model_dir=model_dir)
    elif config.model_dir is None:
        model_dir = tempfile.mkdtemp()
        _logger.warning("Using temporary folder as model directory: %s", model_dir)
        config = config.replace(model_dir=model_dir)
    return config


def _warm_start_settings(warm_start_from):
    """TF's `_get_default_warm_start_settings`: a path (a checkpoint, a model_dir, or a
    SavedModel directory whose variables/ are read) or WarmStartSettings."""
    if warm_start_from is None:
        return None
    if isinstance(warm_start_from, (str, bytes, os.PathLike)):
        path = os.fsdecode(warm_start_from)
        variables = os.path.join(path, "variables", "variables")
        if os.path.exists(variables + ".index"):
            _logger.info("Warm-starting from a SavedModel")
            return WarmStartSettings(ckpt_to_initialize_from=variables)
        return WarmStartSettings(ckpt_to_initialize_from=path)
    if isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    raise ValueError("warm_start_from must be a string or a WarmStartSettings, instead got "
                     f"{type(warm_start_from)}")


def _check_hooks_type(hooks):
    hooks = list(hooks or [])
    for h in hooks:
        if not isinstance(h, SessionRunHook):
            raise TypeError(f"Hooks must be a SessionRunHook, given: {h}")
    return hooks


def _check_listeners_type(saving_listeners):
    listeners = list(saving_listeners or [])
    for listener in listeners:
        if not isinstance(listener, hooks_lib.CheckpointSaverListener):
            raise TypeError("saving_listeners must be a list of CheckpointSaverListener, "
                            f"given: {listener}")
    return listeners


def _load_global_step_from_checkpoint_dir(checkpoint_dir):
    """The global step of model_dir's latest checkpoint, 0 without one (as TF)."""
    latest = checkpoint_management.latest_checkpoint(checkpoint_dir)
    if latest is None:
        return 0
    reader = checkpoint_utils.NewCheckpointReader(latest)
    if not reader.has_tensor(ops_lib.GraphKeys.GLOBAL_STEP):
        return 0
    return int(reader.get_tensor(ops_lib.GraphKeys.GLOBAL_STEP))


def _extract_metric_update_ops(eval_dict):
    """(one group of the update ops, {name: value op}), sorted by name as TF."""
    update_ops, value_ops = [], {}
    for name, value in sorted(eval_dict.items()):
        value_ops[name] = value[0]
        update_ops.append(value[1])
    return (control_flow_ops.group(*update_ops) if update_ops else None), value_ops


def _has_dataset_or_queue_runner(maybe_tensor):
    tensors = [x for x in flatten(maybe_tensor) if isinstance(x, ops_lib.Tensor)]
    if any(t.op.type == "IteratorGetNext" for t in tensors):
        return True
    return bool(ops_lib.get_collection(ops_lib.GraphKeys.QUEUE_RUNNERS))


class Estimator:
    """TF1's `tf.estimator.Estimator(model_fn, model_dir=None, config=None, params=None,
    warm_start_from=None)`: see the module docstring.

    `model_fn(features, labels, mode, params, config)` takes `features` and any of the others
    (a method's `self` too) and returns an EstimatorSpec. Without `model_dir` (here or in
    `config`) a temporary directory is used, as TF.

    Raises:
      ValueError: no model_fn, a model_fn without `features` or with other arguments,
        `params` given to a model_fn without `params`, model_dir given twice differently,
        a config that is not a RunConfig, a bad `warm_start_from`.
    """

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        self._assert_members_are_not_overridden()
        self._config = _config_with_model_dir(config, model_dir)
        self._model_dir = self._config.model_dir
        self._session_config = self._config.session_config
        _logger.info("Using config: %s", self._config)
        self._device_fn = self._config.device_fn
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        _verify_model_fn_args(model_fn, params)
        self._model_fn = model_fn
        self._params = copy.deepcopy(params or {})
        self._warm_start_settings = _warm_start_settings(warm_start_from)

    _ALLOWED_OVERRIDES = frozenset({"model_fn", "_create_and_assert_global_step",
                                    "latest_checkpoint"})

    def _assert_members_are_not_overridden(self):
        """TF's rule: a subclass may wrap an Estimator (its own __init__ and new methods) but
        not override Estimator's members other than model_fn, latest_checkpoint and
        _create_and_assert_global_step."""
        members = {m for m in dir(Estimator) if not m.startswith("__")}
        common = (members & set(type(self).__dict__)) - self._ALLOWED_OVERRIDES
        overridden = sorted(m for m in common
                            if getattr(Estimator, m) != getattr(type(self), m))
        if overridden:
            raise ValueError("Subclasses of Estimator cannot override members of Estimator. "
                             f"{type(self)} does override {overridden}")

    # ----- properties -------------------------------------------------------------------------
    @property
    def model_dir(self):
        return self._model_dir

    @property
    def config(self):
        return copy.deepcopy(self._config)

    @property
    def params(self):
        return copy.deepcopy(self._params)

    @property
    def model_fn(self):
        """The model_fn bound to this Estimator's config: `model_fn(features, labels, mode,
        config)` returning its EstimatorSpec."""
        def public_model_fn(features, labels, mode, config):
            return self._call_model_fn(features, labels, mode, config)
        return public_model_fn

    # ----- checkpoints --------------------------------------------------------------------------
    def latest_checkpoint(self):
        """The path of model_dir's latest checkpoint, or None."""
        return checkpoint_management.latest_checkpoint(self.model_dir)

    def _check_checkpoint_available(self):
        if not self.latest_checkpoint():
            raise ValueError(f"Could not find trained model in model_dir: {self.model_dir}.")

    def get_variable_names(self):
        """The names of the variables in model_dir's latest checkpoint.

        Raises:
          ValueError: model_dir holds no checkpoint.
        """
        self._check_checkpoint_available()
        return [name for name, _ in checkpoint_utils.list_variables(self.model_dir)]

    def get_variable_value(self, name):
        """The value of variable `name` in model_dir's latest checkpoint (a NumPy array).

        Raises:
          ValueError: model_dir holds no checkpoint.
        """
        self._check_checkpoint_available()
        return checkpoint_utils.load_variable(self.model_dir, name)

    def eval_dir(self, name=None):
        """The directory evaluation summaries go to: model_dir/eval or model_dir/eval_<name>."""
        return os.path.join(self._model_dir, "eval" if not name else "eval_" + name)

    # ----- calling the user's functions --------------------------------------------------------
    def _call_model_fn(self, features, labels, mode, config):
        model_fn_args = input_fn_lib.fn_args(self._model_fn)
        kwargs = {}
        if "labels" in model_fn_args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in model_fn_args:
            kwargs["mode"] = mode
        if "params" in model_fn_args:
            kwargs["params"] = self.params
        if "config" in model_fn_args:
            kwargs["config"] = config
        _logger.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        _logger.info("Done calling model_fn.")
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec

    def _get_features_and_labels(self, input_fn, mode):
        result = input_fn_lib.call_input_fn(input_fn, mode, self.params, self.config)
        return input_fn_lib.parse_input_fn_result(result)

    def _create_and_assert_global_step(self, graph):
        step = training_util.create_global_step(graph)
        assert step is training_util.get_global_step(graph)
        assert step.dtype.is_integer
        return step

    def _maybe_warm_start(self, checkpoint_path):
        if not checkpoint_path and self._warm_start_settings:
            _logger.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            warm_starting_util.warm_start(*self._warm_start_settings)

    # ----- train --------------------------------------------------------------------------------
    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains the model on `input_fn`'s data; returns self.

        Args:
          input_fn: returns a `tf.data.Dataset` of (features, labels), or the pair (or
            features alone); may take `mode`, `params`, `config`.
          hooks: SessionRunHooks run in the training loop.
          steps: train this many more steps (or until the input ends).
          max_steps: train until the global step reaches it; skipped when model_dir's
            checkpoint is already there.
          saving_listeners: CheckpointSaverListeners of the checkpoint saver.

        Raises:
          ValueError: both steps and max_steps, a non-positive one, saving_listeners without
            a checkpoint schedule.
          TypeError: a hook that is not a SessionRunHook, a listener that is not a
            CheckpointSaverListener.
        """
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if max_steps is not None:
            start_step = _load_global_step_from_checkpoint_dir(self._model_dir)
            if max_steps <= start_step:
                _logger.info("Skipping training since max_steps has already saved.")
                return self
        hooks = _check_hooks_type(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(hooks_lib.StopAtStepHook(num_steps=steps, last_step=max_steps))
        saving_listeners = _check_listeners_type(saving_listeners)
        loss = self._train_model(input_fn, hooks, saving_listeners)
        _logger.info("Loss for final step: %s.", loss)
        return self

    def _train_model(self, input_fn, hooks, saving_listeners):
        graph = ops_lib.Graph()
        with graph.as_default():
            if self._device_fn is not None:
                with ops_lib.device(self._device_fn):
                    return self._train_in_graph(graph, input_fn, hooks, saving_listeners)
            return self._train_in_graph(graph, input_fn, hooks, saving_listeners)

    def _train_in_graph(self, graph, input_fn, hooks, saving_listeners):
        ops_lib.set_random_seed(self._config.tf_random_seed)
        self._create_and_assert_global_step(graph)
        features, labels, input_hooks = self._get_features_and_labels(input_fn, ModeKeys.TRAIN)
        worker_hooks = list(input_hooks)
        spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
        global_step_tensor = training_util.get_global_step(graph)
        return self._train_with_estimator_spec(spec, worker_hooks, hooks, global_step_tensor,
                                               saving_listeners)

    def _train_with_estimator_spec(self, spec, worker_hooks, hooks, global_step_tensor,
                                   saving_listeners):
        config = self._config
        if self._warm_start_settings and not self.latest_checkpoint():
            _logger.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            warm_starting_util.warm_start(*self._warm_start_settings)
        if not any(x.op.name == "loss"
                   for x in ops_lib.get_collection(ops_lib.GraphKeys.SUMMARIES)):
            summary_ops.scalar("loss", spec.loss)
        ops_lib.add_to_collection(ops_lib.GraphKeys.LOSSES, spec.loss)
        worker_hooks.extend(hooks)
        worker_hooks.append(hooks_lib.NanTensorHook(spec.loss))
        if config.log_step_count_steps is not None:
            worker_hooks.append(hooks_lib.LoggingTensorHook(
                {"loss": spec.loss, "step": global_step_tensor},
                every_n_iter=config.log_step_count_steps))
        worker_hooks.extend(spec.training_hooks)
        if not (spec.scaffold.saver or ops_lib.get_collection(ops_lib.GraphKeys.SAVERS)):
            ops_lib.add_to_collection(ops_lib.GraphKeys.SAVERS, Saver(
                sharded=True, max_to_keep=config.keep_checkpoint_max,
                keep_checkpoint_every_n_hours=config.keep_checkpoint_every_n_hours,
                defer_build=True, save_relative_paths=True))
        chief_hooks = []
        all_hooks = worker_hooks + list(spec.training_chief_hooks)
        saver_hooks = [h for h in all_hooks if isinstance(h, hooks_lib.CheckpointSaverHook)]
        if config.save_checkpoints_secs or config.save_checkpoints_steps:
            if not saver_hooks:
                chief_hooks = [hooks_lib.CheckpointSaverHook(
                    self._model_dir, save_secs=config.save_checkpoints_secs,
                    save_steps=config.save_checkpoints_steps, scaffold=spec.scaffold)]
                saver_hooks = [chief_hooks[0]]
        if saving_listeners:
            if not saver_hooks:
                raise ValueError("There should be a CheckpointSaverHook to use saving_listeners. "
                                 "Please set one of the RunConfig.save_checkpoints_steps or "
                                 "RunConfig.save_checkpoints_secs.")
            for listener in saving_listeners:
                if listener not in saver_hooks[0]._listeners:
                    saver_hooks[0]._listeners.append(listener)
        with monitored_session.MonitoredTrainingSession(
                checkpoint_dir=self._model_dir, scaffold=spec.scaffold, hooks=worker_hooks,
                chief_only_hooks=tuple(chief_hooks) + tuple(spec.training_chief_hooks),
                save_checkpoint_secs=0, save_summaries_steps=config.save_summary_steps,
                config=self._session_config,
                max_wait_secs=config.session_creation_timeout_secs,
                log_step_count_steps=config.log_step_count_steps) as mon_sess:
            loss = None
            any_step_done = False
            while not mon_sess.should_stop():
                _, loss = mon_sess.run([spec.train_op, spec.loss])
                any_step_done = True
        if not any_step_done:
            _logger.warning("Training with estimator made no steps. Perhaps input is empty or "
                            "misspecified.")
        return loss

    # ----- evaluate -----------------------------------------------------------------------------
    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Evaluates the model on `input_fn`'s data: for `steps` batches, or until the input
        ends. Returns {metric name: value} with 'loss' (the mean over batches of the loss) and
        'global_step', also written as summaries into `eval_dir(name)`.

        `checkpoint_path` defaults to model_dir's latest checkpoint; without any, the model
        is initialized (as TF, with a log message).

        Raises:
          ValueError: steps <= 0, a metric named 'loss' or 'global_step'.
          TypeError: a hook that is not a SessionRunHook.
        """
        hooks = _check_hooks_type(hooks)
        if steps is not None:
            if steps <= 0:
                raise ValueError(f"Must specify steps > 0, given: {steps}")
            hooks.append(evaluation.StopAfterNEvalsHook(num_evals=steps))
        if not checkpoint_path:
            latest_path = self.latest_checkpoint()
            if not latest_path:
                _logger.info("Could not find trained model in model_dir: %s, running "
                             "initialization to evaluate.", self._model_dir)
            checkpoint_path = latest_path
        with ops_lib.Graph().as_default():
            scaffold, update_op, eval_dict, all_hooks = self._evaluate_build_graph(
                input_fn, hooks, checkpoint_path)
            results = evaluation.evaluate_once(
                checkpoint_path=checkpoint_path, scaffold=scaffold, eval_ops=update_op,
                final_ops=eval_dict, hooks=all_hooks, config=self._session_config)
        current_global_step = results[ops_lib.GraphKeys.GLOBAL_STEP]
        output_dir = self.eval_dir(name)
        evaluation.write_dict_to_summary(output_dir, results, current_global_step)
        if checkpoint_path:
            evaluation.write_checkpoint_path_to_summary(output_dir, checkpoint_path,
                                                        current_global_step)
        return results

    def _evaluate_build_graph(self, input_fn, hooks, checkpoint_path):
        graph = ops_lib.get_default_graph()
        ops_lib.set_random_seed(self._config.tf_random_seed)
        self._create_and_assert_global_step(graph)
        features, labels, input_hooks = self._get_features_and_labels(input_fn, ModeKeys.EVAL)
        spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
        if LOSS_METRIC_KEY in spec.eval_metric_ops:
            raise ValueError(f'Metric with name "{LOSS_METRIC_KEY}" is not allowed, because '
                             "Estimator already defines a default metric with the same name.")
        eval_metric_ops = dict(spec.eval_metric_ops)
        eval_metric_ops[LOSS_METRIC_KEY] = metrics_lib.mean(spec.loss)
        update_op, eval_dict = _extract_metric_update_ops(eval_metric_ops)
        global_step_tensor = training_util.get_global_step(graph)
        self._maybe_warm_start(checkpoint_path)
        if ops_lib.GraphKeys.GLOBAL_STEP in eval_dict:
            raise ValueError("Metric with name `global_step` is not allowed, because Estimator "
                             "already defines a default metric with the same name.")
        eval_dict[ops_lib.GraphKeys.GLOBAL_STEP] = global_step_tensor
        all_hooks = list(input_hooks) + list(hooks) + list(spec.evaluation_hooks or [])
        scaffold = spec.scaffold
        if scaffold and scaffold.local_init_op:
            evaluation.get_or_create_eval_step()
            scaffold = monitored_session.Scaffold(
                local_init_op=control_flow_ops.group(
                    scaffold.local_init_op,
                    monitored_session.Scaffold.default_local_init_op()),
                copy_from_scaffold=scaffold)
        return scaffold, update_op, eval_dict, all_hooks

    # ----- predict ------------------------------------------------------------------------------
    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yields the model's predictions on `input_fn`'s features until the input ends.

        With `yield_single_examples` (the default) one example at a time (a dict of arrays
        for dict predictions), else whole batches; `predict_keys` picks prediction keys.
        `checkpoint_path` defaults to model_dir's latest checkpoint; without any, the model
        is initialized (as TF, with a log message).

        Raises (when iterated, as TF's generator):
          ValueError: predict_keys with non-dict predictions or matching none, predictions
            of different batch lengths with yield_single_examples.
        """
        hooks = _check_hooks_type(hooks)
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
        if not checkpoint_path:
            _logger.info("Could not find trained model in model_dir: %s, running "
                         "initialization to predict.", self._model_dir)
        with ops_lib.Graph().as_default() as graph:
            ops_lib.set_random_seed(self._config.tf_random_seed)
            self._create_and_assert_global_step(graph)
            features, _, input_hooks = self._get_features_and_labels(input_fn,
                                                                     ModeKeys.PREDICT)
            if not _has_dataset_or_queue_runner(features):
                _logger.warning("Input graph does not use tf.data.Dataset or contain a "
                                "QueueRunner. That means predict yields forever. This is "
                                "probably a mistake.")
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            self._maybe_warm_start(checkpoint_path)
            predictions = self._extract_keys(spec.predictions, predict_keys)
            all_hooks = list(input_hooks) + list(hooks) + list(spec.prediction_hooks or [])
            creator = monitored_session.ChiefSessionCreator(
                checkpoint_filename_with_path=checkpoint_path, scaffold=spec.scaffold,
                config=self._session_config)
            with monitored_session.MonitoredSession(session_creator=creator,
                                                    hooks=all_hooks) as mon_sess:
                while not mon_sess.should_stop():
                    preds_evaluated = mon_sess.run(predictions)
                    if not yield_single_examples:
                        yield preds_evaluated
                    elif not isinstance(predictions, dict):
                        yield from preds_evaluated
                    else:
                        for i in range(self._extract_batch_length(preds_evaluated)):
                            yield {key: value[i] for key, value in preds_evaluated.items()}

    @staticmethod
    def _extract_batch_length(preds_evaluated):
        batch_length = None
        for key, value in preds_evaluated.items():
            batch_length = batch_length or value.shape[0]
            if value.shape[0] != batch_length:
                raise ValueError("Batch length of predictions should be same. %s has different "
                                 "batch length than others." % key)
        return batch_length

    @staticmethod
    def _extract_keys(predictions, predict_keys):
        if not predict_keys:
            return predictions
        if not isinstance(predictions, dict):
            raise ValueError("predict_keys argument is not valid in case of non-dict "
                             "predictions.")
        existing_keys = predictions.keys()
        predictions = {k: v for k, v in predictions.items() if k in predict_keys}
        if not predictions:
            raise ValueError(f"Expected to run at least one output from {existing_keys}, "
                             f"provided {predict_keys}.")
        return predictions

    # ----- export (not supported) ---------------------------------------------------------------
    def _no_export(self, method):
        raise NotImplementedError(
            f"Estimator.{method}: SavedModel export is not supported by tfvars_jax (it writes "
            "TF graphs, which we do not build). The checkpoints in model_dir are TF's format: "
            "a TF Estimator with the same model_fn can export them.")

    def export_saved_model(self, export_dir_base, serving_input_receiver_fn,
                           assets_extra=None, as_text=False, checkpoint_path=None,
                           experimental_mode=ModeKeys.PREDICT):
        """TF's SavedModel export; raises NotImplementedError (see `_no_export`)."""
        self._no_export("export_saved_model")

    def export_savedmodel(self, export_dir_base, serving_input_receiver_fn,
                          assets_extra=None, as_text=False, checkpoint_path=None,
                          strip_default_attrs=False):
        """TF1's SavedModel export; raises NotImplementedError."""
        self._no_export("export_savedmodel")

    def experimental_export_all_saved_models(self, export_dir_base, input_receiver_fn_map,
                                             assets_extra=None, as_text=False,
                                             checkpoint_path=None):
        """TF's SavedModel export of several modes; raises NotImplementedError."""
        self._no_export("experimental_export_all_saved_models")
