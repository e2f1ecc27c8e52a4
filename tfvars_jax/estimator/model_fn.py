"""TF1's `tf.estimator.EstimatorSpec`: what a model_fn returns, validated as TF 1.15 does.

TRAIN needs `loss` and `train_op`, EVAL needs `loss`, PREDICT needs `predictions`; the loss
must be a scalar Tensor (a [1]-shaped one is reshaped to []), the train op a Tensor or
Operation, predictions a Tensor or a dict of Tensors, eval_metric_ops a dict of
(metric_value, update_op) tuples, hooks SessionRunHooks, the scaffold a `tf.train.Scaffold`
(a new one by default); every tensor must come from the default graph (the one model_fn was
called in). Errors are TF's (types and messages).

Where we differ: `export_outputs` is kept (a dict, as TF checks) but nothing exports it:
`Estimator.export_saved_model` raises NotImplementedError. Keras `Metric` objects as
eval_metric_ops raise NotImplementedError (use the `tf.metrics` functions).
"""
import collections

from tfvars_jax.estimator.mode_keys import ModeKeys
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.ops import array_ops
from tfvars_jax.train.monitored_session import Scaffold
from tfvars_jax.train.session_run_hook import SessionRunHook
from tfvars_jax.variables.variable import Variable

LOSS_METRIC_KEY = "loss"
AVERAGE_LOSS_METRIC_KEY = "average_loss"

_DEFAULT_GRAPH_ERROR = (
    '{0} with "{1}" must be from the default graph. Possible causes of this error include: '
    "\n\n1) {0} was created outside the context of the default graph.\n\n2) The object passed "
    'through to EstimatorSpec was not created in the most recent call to "model_fn".')


def _check_is_tensor(x, name):
    if not isinstance(x, ops_lib.Tensor):
        raise TypeError(f"{name} must be Tensor, given: {x}")
    return x


def _check_graph(x, what, label):
    if x.graph is not ops_lib.get_default_graph():
        raise ValueError(_DEFAULT_GRAPH_ERROR.format(what, label))


def _validate_train_op(train_op, mode):
    if train_op is None:
        if mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        return None
    if not isinstance(train_op, (ops_lib.Operation, ops_lib.Tensor, Variable)):
        raise TypeError(f"train_op must be Operation or Tensor, given: {train_op}")
    if isinstance(train_op, Variable):
        train_op = train_op.op
    _check_graph(train_op, "train_op", train_op.name)
    return train_op


def _validate_loss(loss, mode):
    if loss is None:
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        return None
    loss = _check_is_tensor(loss, "loss")
    shape = loss.get_shape()
    if shape.num_elements() not in (None, 1):
        raise ValueError(f"Loss must be scalar, given: {loss}")
    _check_graph(loss, "loss", loss.name)
    if not shape.is_compatible_with([]):
        loss = array_ops.reshape(loss, [])
    return loss


def _validate_predictions(predictions, mode):
    if predictions is None:
        if mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        return {}
    if isinstance(predictions, dict):
        predictions = {k: _check_is_tensor(v, f"predictions[{k}]") for k, v in predictions.items()}
        for k, v in predictions.items():
            _check_graph(v, "prediction values", f"{k}: {v.name}")
        return predictions
    predictions = _check_is_tensor(predictions, "predictions")
    _check_graph(predictions, "prediction values", predictions.name)
    return predictions


def _validate_hooks(hooks):
    hooks = tuple(hooks or [])
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError(f"All hooks must be SessionRunHook instances, given: {hook}")
    return hooks


def _validate_eval_metric_ops(eval_metric_ops):
    if eval_metric_ops is None:
        return {}
    if not isinstance(eval_metric_ops, dict):
        raise TypeError(f"eval_metric_ops must be a dict, given: {eval_metric_ops}")
    for key, value in eval_metric_ops.items():
        if hasattr(value, "update_state") and hasattr(value, "result"):
            raise NotImplementedError(
                f"eval_metric_ops[{key!r}] is a Keras Metric object; tfvars_jax's Estimator "
                "takes (metric_value, update_op) tuples: use the tf.metrics functions "
                "(tf.metrics.mean, tf.metrics.accuracy, ...).")
        if not isinstance(value, tuple) or len(value) != 2:
            raise TypeError("Values of eval_metric_ops must be (metric_value, update_op) "
                            f"tuples, given: {value} for key: {key}")
    for key, value in eval_metric_ops.items():
        for part in value:
            if not isinstance(part, (ops_lib.Tensor, ops_lib.Operation, Variable)):
                raise TypeError(f"eval_metric_ops[{key!r}] must hold Tensors or Operations, "
                                f"given: {part}")
            _check_graph(part, "eval_metric_ops", f"{key}: {part.name}")
    return dict(eval_metric_ops)


def _validate_export_outputs(export_outputs):
    if export_outputs is None:
        return None
    if not isinstance(export_outputs, dict):
        raise TypeError(f"export_outputs must be dict, given: {export_outputs}")
    return dict(export_outputs)


def _validate_scaffold(scaffold):
    scaffold = scaffold or Scaffold()
    if not isinstance(scaffold, Scaffold):
        raise TypeError(f"scaffold must be tf.train.Scaffold. Given: {scaffold}")
    return scaffold


class EstimatorSpec(collections.namedtuple("EstimatorSpec", [
        "mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
        "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
        "prediction_hooks"])):
    """TF1's `tf.estimator.EstimatorSpec(mode, predictions=None, loss=None, train_op=None,
    eval_metric_ops=None, export_outputs=None, training_chief_hooks=None, training_hooks=None,
    scaffold=None, evaluation_hooks=None, prediction_hooks=None)`: the ops and objects that
    fully define the model in one mode, validated as TF (see the module docstring)."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None, evaluation_hooks=None, prediction_hooks=None):
        train_op = _validate_train_op(train_op, mode)
        loss = _validate_loss(loss, mode)
        predictions = _validate_predictions(predictions, mode)
        export_outputs = _validate_export_outputs(export_outputs)
        training_hooks = _validate_hooks(training_hooks)
        evaluation_hooks = _validate_hooks(evaluation_hooks)
        prediction_hooks = _validate_hooks(prediction_hooks)
        training_chief_hooks = _validate_hooks(training_chief_hooks)
        eval_metric_ops = _validate_eval_metric_ops(eval_metric_ops)
        scaffold = _validate_scaffold(scaffold)
        return super().__new__(
            cls, mode=mode, predictions=predictions, loss=loss, train_op=train_op,
            eval_metric_ops=eval_metric_ops, export_outputs=export_outputs,
            training_chief_hooks=training_chief_hooks, training_hooks=training_hooks,
            scaffold=scaffold, evaluation_hooks=evaluation_hooks,
            prediction_hooks=prediction_hooks)

    def _replace(self, **kwds):
        """A new EstimatorSpec with fields replaced, validated again (as TF)."""
        if "mode" in kwds and self.mode != kwds["mode"]:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        new_fields = map(kwds.pop, self._fields, list(self))
        return EstimatorSpec(*new_fields)
