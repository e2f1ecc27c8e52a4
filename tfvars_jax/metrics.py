"""`tf.metrics`: streaming metrics as TF 1.15 builds them (tensorflow/python/ops/metrics_impl.py).

Each metric returns `(value, update_op)`. Its accumulators are local variables named as TF1
names them (`accuracy/total`, `accuracy/count`, `auc/true_positives`,
`mean_iou/total_confusion_matrix`, ...), non-trainable, in LOCAL_VARIABLES and
METRIC_VARIABLES, so `tf.local_variables_initializer()` resets them. `update_op` adds the batch
to the accumulators and returns the metric over everything seen so far (it is computed from
the outputs of the writes); `value` reads the accumulators. A run that fetches both races in
TF1; in our run order (ops take effect in creation order, see docs/ARCHITECTURE.md) each read
in `value` sees the writes built before it, so `mean`'s value (built after its writes) sees
the update, a count's (built before) does not, and `precision`'s mixes the two. Run
`update_op` per batch, then fetch `value` on its own.

Shapes follow TF1's static rules (a last dimension of 1 is squeezed to match, weights are
broadcast to the values and checked); inputs whose rank is unknown when the graph is built
raise NotImplementedError (TF1 adds run-time rank logic there).
"""
import jax.numpy as jnp
import numpy as np

from tfvars_jax import _namespace
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.ops import array_ops, check_ops, math_ops, state_ops
from tfvars_jax.ops.weights_broadcast_ops import broadcast_weights
from tfvars_jax.ops.weights_broadcast_ops import known_rank as _rank
from tfvars_jax.variables import variable_scope as vs
from tfvars_jax.variables.variable import Variable, VariableAggregation, VariableSynchronization

GraphKeys = ops_lib.GraphKeys

__all__ = ["accuracy", "auc", "false_negatives", "false_negatives_at_thresholds", "false_positives",
           "false_positives_at_thresholds", "mean", "mean_absolute_error", "mean_iou",
           "mean_squared_error", "precision", "precision_at_thresholds", "recall",
           "recall_at_thresholds", "root_mean_squared_error", "true_negatives",
           "true_negatives_at_thresholds", "true_positives", "true_positives_at_thresholds"]


# ----- building blocks --------------------------------------------------------------------------
def _metric_variable(shape, dtype, name):
    """A zero-initialized local variable in LOCAL_VARIABLES and METRIC_VARIABLES (TF1's
    `metric_variable`: ON_READ synchronization, SUM aggregation, not trainable)."""
    return Variable(lambda: array_ops.zeros(shape, dtype), trainable=False,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                    validate_shape=True, synchronization=VariableSynchronization.ON_READ,
                    aggregation=VariableAggregation.SUM, name=name)


def _add_to_collections(collections, value):
    if collections:
        ops_lib.add_to_collections(collections, value)


def _squeeze_last(t):
    last = t.shape[-1].value
    if last is not None and last != 1:
        raise ValueError(f"Can not squeeze dim[{t.shape.ndims - 1}], expected a dimension of 1, "
                         f"got {last} for '{t.name}' with input shapes: {t.shape}.")
    return array_ops.squeeze(t, [-1])


def _remove_squeezable_labels(labels, predictions):
    """TF1's `confusion_matrix.remove_squeezable_dimensions`: squeeze a trailing 1 off the one
    whose rank is one more than the other's."""
    with ops_lib.name_scope(None, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        rank_diff = _rank(predictions, "predictions") - _rank(labels, "labels")
        if rank_diff == 1 and predictions.shape[-1].is_compatible_with(1):
            predictions = _squeeze_last(predictions)
        elif rank_diff == -1 and labels.shape[-1].is_compatible_with(1):
            labels = _squeeze_last(labels)
        return labels, predictions


def _remove_squeezable_dimensions(predictions, labels, weights):
    """TF1's metrics `_remove_squeezable_dimensions` (static ranks)."""
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels, predictions = _remove_squeezable_labels(labels, predictions)
        predictions.shape.assert_is_compatible_with(labels.shape)
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights)
    weights_rank = _rank(weights, "weights")
    if weights_rank == 0:
        return predictions, labels, weights
    predictions_rank = _rank(predictions, "predictions")
    if weights_rank - predictions_rank == 1:
        weights = _squeeze_last(weights)
    elif predictions_rank - weights_rank == 1:
        weights = array_ops.expand_dims(weights, -1)
    return predictions, labels, weights


# ----- mean and the metrics built on it ---------------------------------------------------------
def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of `values` over every batch: local variables `total` and `count`.

    Returns `(mean, update_op)`; `update_op` adds `sum(values * weights)` to `total` and
    `sum(weights)` (or the number of values) to `count` and returns the new mean; the mean of
    nothing is 0. `metrics_collections`/`updates_collections` get the value/update tensor.

    Raises:
      ValueError: `weights` cannot be broadcast to `values`.

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     x = tf.placeholder(tf.float32, [None])
      ...     value, update = tf.metrics.mean(x)
      ...     print([v.name for v in tf.local_variables()], value.name, update.name)
      ...     with tf.Session() as sess:
      ...         sess.run(tf.local_variables_initializer())
      ...         print(sess.run(update, {x: [1.0, 2.0]}), sess.run(update, {x: [6.0]}), sess.run(value))
      ['mean/total:0', 'mean/count:0'] mean/value:0 mean/update_op:0
      1.5 3.0 3.0
    """
    with vs.variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(values, dtypes.float32)
        total = _metric_variable([], dtypes.float32, name="total")
        count = _metric_variable([], dtypes.float32, name="count")
        if weights is None:
            num_values = math_ops.cast(array_ops.size(values), dtypes.float32)
        else:
            values, _, weights = _remove_squeezable_dimensions(predictions=values, labels=None,
                                                               weights=weights)
            weights = broadcast_weights(math_ops.cast(weights, dtypes.float32), values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.reduce_sum(weights)
        update_total_op = state_ops.assign_add(total, math_ops.reduce_sum(values))
        with ops_lib.control_dependencies([values]):
            update_count_op = state_ops.assign_add(count, num_values)
        mean_t = math_ops.div_no_nan(total, math_ops.maximum(count, 0), name="value")
        _add_to_collections(metrics_collections, mean_t)
        update_op = math_ops.div_no_nan(update_total_op, math_ops.maximum(update_count_op, 0),
                                name="update_op")
        _add_to_collections(updates_collections, update_op)
        return mean_t, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
             name=None):
    """How often `predictions` equals `labels` (weighted): `mean` of the matches, in scope
    "accuracy" (local variables `accuracy/total`, `accuracy/count`).

    Raises:
      ValueError: `predictions` and `labels` have incompatible shapes, or `weights` cannot be
        broadcast to them.
    """
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions,
                                                                 labels=labels, weights=weights)
    predictions.shape.assert_is_compatible_with(labels.shape)
    if labels.dtype != predictions.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """The (weighted) mean of |predictions - labels| (scope "mean_absolute_error")."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions,
                                                                 labels=labels, weights=weights)
    absolute_errors = math_ops.abs(predictions - labels)
    return mean(absolute_errors, weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """The (weighted) mean of (labels - predictions)² (scope "mean_squared_error")."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions,
                                                                 labels=labels, weights=weights)
    squared_error = math_ops.squared_difference(labels, predictions)
    return mean(squared_error, weights, metrics_collections, updates_collections,
                name or "mean_squared_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """The square root of `mean_squared_error` (variables in scope "root_mean_squared_error";
    as in TF1 the value and update are `Sqrt` ops outside that scope)."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions,
                                                                 labels=labels, weights=weights)
    mse, update_mse_op = mean_squared_error(labels, predictions, weights, None, None,
                                            name or "root_mean_squared_error")
    rmse = math_ops.sqrt(mse)
    _add_to_collections(metrics_collections, rmse)
    update_rmse_op = math_ops.sqrt(update_mse_op)
    _add_to_collections(updates_collections, update_rmse_op)
    return rmse, update_rmse_op


# ----- counts -----------------------------------------------------------------------------------
def _count_condition(values, weights=None, metrics_collections=None, updates_collections=None):
    """The (weighted) number of True `values`: local variable `count`."""
    if values.dtype.base_dtype != dtypes.bool:
        raise TypeError(f"{values.name} must be of type <dtype: 'bool'>; got <dtype: "
                        f"'{values.dtype.name}'>")
    count = _metric_variable([], dtypes.float32, name="count")
    values = math_ops.cast(values, dtypes.float32)
    if weights is not None:
        weights = convert_to_tensor(weights)
        weights_rank, values_rank = _rank(weights, "weights"), _rank(values, "values")
        if weights_rank not in (0, values_rank):
            raise ValueError(f"weights '{weights.name}' has rank {weights_rank}, expected 0 or "
                             f"{values_rank} (the rank of the values).")
        weights = math_ops.cast(weights, dtypes.float32)
        values = math_ops.multiply(values, weights)
    value_tensor = array_ops.identity(count)
    _add_to_collections(metrics_collections, value_tensor)
    update_op = state_ops.assign_add(count, math_ops.reduce_sum(values))
    _add_to_collections(updates_collections, update_op)
    return value_tensor, update_op


def _condition_metric(default_name, label_value, prediction_value):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with vs.variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _remove_squeezable_dimensions(
                predictions=math_ops.cast(predictions, dtype=dtypes.bool),
                labels=math_ops.cast(labels, dtype=dtypes.bool), weights=weights)
            is_condition = math_ops.logical_and(math_ops.equal(labels, label_value),
                                                math_ops.equal(predictions, prediction_value))
            return _count_condition(is_condition, weights, metrics_collections, updates_collections)
    metric.__name__ = default_name
    metric.__doc__ = (
        f"The (weighted) number of {default_name.replace('_', ' ')}: labels == {label_value} and predictions == "
        f"{prediction_value} (both cast to bool).\n\n"
        f"    Local variable `{default_name}/count`; the value is its Identity, `update_op` its AssignAdd.")
    return metric


true_positives = _condition_metric("true_positives", True, True)
false_positives = _condition_metric("false_positives", False, True)
false_negatives = _condition_metric("false_negatives", True, False)
true_negatives = _condition_metric("true_negatives", False, False)


def _ratio(num, other, name):
    """TF1's precision/recall formula: num / (num + other), 0 when the sum is 0."""
    return array_ops.where(math_ops.greater(num + other, 0), math_ops.divide(num, num + other), 0,
                           name)


def _counts_ratio(labels, predictions, weights, metrics_collections, updates_collections, name,
                  default_name, other_count):
    """precision and recall: tp / (tp + other) over every batch, labels and predictions cast
    to bool, with `other_count` the false positives or the false negatives."""
    with vs.variable_scope(name, default_name, (predictions, labels, weights)):
        predictions, labels, weights = _remove_squeezable_dimensions(
            predictions=math_ops.cast(predictions, dtype=dtypes.bool),
            labels=math_ops.cast(labels, dtype=dtypes.bool), weights=weights)
        true_p, true_p_update = true_positives(labels, predictions, weights)
        other, other_update = other_count(labels, predictions, weights)
        value = _ratio(true_p, other, "value")
        _add_to_collections(metrics_collections, value)
        update_op = _ratio(true_p_update, other_update, "update_op")
        _add_to_collections(updates_collections, update_op)
        return value, update_op


def precision(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
              name=None):
    """tp / (tp + fp) over every batch (labels and predictions cast to bool); local variables
    `precision/true_positives/count` and `precision/false_positives/count`."""
    return _counts_ratio(labels, predictions, weights, metrics_collections, updates_collections, name,
                         "precision", false_positives)


def recall(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
           name=None):
    """tp / (tp + fn) over every batch (labels and predictions cast to bool); local variables
    `recall/true_positives/count` and `recall/false_negatives/count`."""
    return _counts_ratio(labels, predictions, weights, metrics_collections, updates_collections, name,
                         "recall", false_negatives)


# ----- counts at thresholds ---------------------------------------------------------------------
_INCLUDES = ("tp", "fn", "tn", "fp")
_COUNT_NAMES = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
                "fp": "false_positives"}


def _count_at_thresholds_kernel(predictions, labels, *weights, thresholds, label_pos, pred_pos):
    t = jnp.asarray(np.asarray(thresholds, np.float32))
    pred_is_pos = predictions.reshape(1, -1) > t[:, None]
    label_is_pos = labels.reshape(1, -1)
    hit = (pred_is_pos if pred_pos else ~pred_is_pos) & (label_is_pos if label_pos else ~label_is_pos)
    hit = hit.astype(jnp.float32)
    if weights:
        hit = hit * weights[0].reshape(1, -1)
    return jnp.sum(hit, axis=1)


def _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights=None, includes=None):
    """TF1's `_confusion_matrix_at_thresholds`: per threshold t, the (weighted) counts of
    tp/fn/tn/fp with "predicted positive" meaning prediction > t. Returns ({key: variable},
    {key: update}) for the keys in `includes`."""
    if includes is None:
        includes = _INCLUDES
    for include in includes:
        if include not in _INCLUDES:
            raise ValueError(f"Invalid key: {include}")
    predictions = convert_to_tensor(predictions)
    with ops_lib.control_dependencies([
            check_ops.assert_greater_equal(predictions, math_ops.cast(0.0, dtype=predictions.dtype),
                                           message="predictions must be in [0, 1]"),
            check_ops.assert_less_equal(predictions, math_ops.cast(1.0, dtype=predictions.dtype),
                                        message="predictions must be in [0, 1]")]):
        predictions, labels, weights = _remove_squeezable_dimensions(
            predictions=math_ops.cast(predictions, dtypes.float32), labels=math_ops.cast(labels, dtype=dtypes.bool),
            weights=weights)
    thresholds = tuple(float(t) for t in thresholds)
    num_thresholds = len(thresholds)
    inputs = [predictions, labels]
    if weights is not None:
        inputs.append(broadcast_weights(math_ops.cast(weights, dtypes.float32), predictions))
    values, update_ops = {}, {}
    for key in _INCLUDES:
        if key not in includes:
            continue
        var = _metric_variable([num_thresholds], dtypes.float32, name=_COUNT_NAMES[key])
        counts = op_output("CountAtThresholds", _count_at_thresholds_kernel, inputs, name="Sum",
                           attrs={"thresholds": thresholds, "label_pos": key in ("tp", "fn"),
                                  "pred_pos": key in ("tp", "fp")})
        update_ops[key] = state_ops.assign_add(var, counts)
        values[key] = var
    return values, update_ops


def _at_thresholds_count(key, default_name):
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with vs.variable_scope(name, default_name, (predictions, labels, weights)):
            values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                                 weights=weights, includes=(key,))
            value = array_ops.identity(values[key])
            _add_to_collections(metrics_collections, value)
            _add_to_collections(updates_collections, update_ops[key])
            return value, update_ops[key]
    metric.__name__ = default_name + "_at_thresholds"
    metric.__doc__ = (f"The (weighted) number of {default_name.replace('_', ' ')} at each "
                      "threshold (a prediction is positive when it is above the threshold);\n    "
                      f"local variable `{default_name}/{default_name}` of shape [len(thresholds)].")
    return metric


true_positives_at_thresholds = _at_thresholds_count("tp", "true_positives")
false_positives_at_thresholds = _at_thresholds_count("fp", "false_positives")
false_negatives_at_thresholds = _at_thresholds_count("fn", "false_negatives")
true_negatives_at_thresholds = _at_thresholds_count("tn", "true_negatives")


def precision_at_thresholds(labels, predictions, thresholds, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """Precision at each threshold (local variables `precision_at_thresholds/true_positives`
    and `.../false_positives`)."""
    with vs.variable_scope(name, "precision_at_thresholds", (predictions, labels, weights)):
        values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                             weights, includes=("tp", "fp"))
        epsilon = 1e-7

        def compute(tp, fp, name):
            return math_ops.divide(tp, epsilon + tp + fp, name="precision_" + name)
        prec = compute(values["tp"], values["fp"], "value")
        _add_to_collections(metrics_collections, prec)
        update_op = compute(update_ops["tp"], update_ops["fp"], "update_op")
        _add_to_collections(updates_collections, update_op)
        return prec, update_op


def recall_at_thresholds(labels, predictions, thresholds, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """Recall at each threshold (local variables `recall_at_thresholds/true_positives` and
    `.../false_negatives`)."""
    with vs.variable_scope(name, "recall_at_thresholds", (predictions, labels, weights)):
        values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                             weights, includes=("tp", "fn"))
        epsilon = 1e-7

        def compute(tp, fn, name):
            return math_ops.divide(tp, epsilon + tp + fn, name="recall_" + name)
        rec = compute(values["tp"], values["fn"], "value")
        _add_to_collections(metrics_collections, rec)
        update_op = compute(update_ops["tp"], update_ops["fn"], "update_op")
        _add_to_collections(updates_collections, update_op)
        return rec, update_op


_SUMMATION_METHODS = ("trapezoidal", "careful_interpolation", "minoring", "majoring")


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """The area under the ROC or PR curve, from counts at `num_thresholds` thresholds.

    As TF1: the thresholds are -1e-7, (i + 1) / (num_thresholds - 1) for i < num_thresholds - 2,
    and 1 + 1e-7 (or the sorted `thresholds` between those ends); local variables
    `auc/true_positives`, `auc/false_negatives`, `auc/true_negatives`, `auc/false_positives`
    of shape [num_thresholds]; `summation_method` is "trapezoidal", "careful_interpolation"
    (PR: the interpolated PR-AUC, ROC: trapezoidal), "minoring" or "majoring". Predictions must
    lie in [0, 1] (checked when the update runs: InvalidArgumentError).

    Raises:
      ValueError: `curve` is not "ROC" or "PR", or `summation_method` is unknown.
    """
    with vs.variable_scope(name, "auc", (labels, predictions, weights)):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        kepsilon = 1e-7
        if thresholds is not None:
            thresholds = sorted(thresholds)
            num_thresholds = len(thresholds) + 2
        else:
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - kepsilon] + list(thresholds) + [1.0 + kepsilon]
        values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                             weights)
        epsilon = 1.0e-6
        n = num_thresholds

        def interpolate_pr_auc(tp, fp, fn):
            dtp = tp[:n - 1] - tp[1:]
            p = tp + fp
            prec_slope = math_ops.div_no_nan(dtp, math_ops.maximum(p[:n - 1] - p[1:], 0), name="prec_slope")
            intercept = tp[1:] - math_ops.multiply(prec_slope, p[1:])
            safe_p_ratio = array_ops.where(
                math_ops.logical_and(p[:n - 1] > 0, p[1:] > 0),
                math_ops.div_no_nan(p[:n - 1], math_ops.maximum(p[1:], 0), name="recall_relative_ratio"),
                array_ops.ones_like(p[1:]))
            return math_ops.reduce_sum(
                math_ops.div_no_nan(prec_slope * (dtp + intercept * math_ops.log(safe_p_ratio)),
                            math_ops.maximum(tp[1:] + fn[1:], 0), name="pr_auc_increment"),
                name="interpolate_pr_auc")

        def compute_auc(tp, fn, tn, fp, name):
            if curve == "PR" and summation_method == "careful_interpolation":
                return interpolate_pr_auc(tp, fp, fn)
            rec = math_ops.divide(tp + epsilon, tp + fn + epsilon)
            if curve == "ROC":
                x, y = math_ops.divide(fp, fp + tn + epsilon), rec
            else:
                x, y = rec, math_ops.divide(tp + epsilon, tp + fp + epsilon)
            if summation_method in ("trapezoidal", "careful_interpolation"):
                heights = (y[:n - 1] + y[1:]) / 2.
            elif summation_method == "minoring":
                heights = math_ops.minimum(y[:n - 1], y[1:])
            elif summation_method == "majoring":
                heights = math_ops.maximum(y[:n - 1], y[1:])
            else:
                raise ValueError(f"Invalid summation_method: {summation_method} summation_method "
                                 "should be 'trapezoidal', 'careful_interpolation', 'minoring', or "
                                 "'majoring'.")
            return math_ops.reduce_sum(math_ops.multiply(x[:n - 1] - x[1:], heights), name=name)

        auc_value = compute_auc(values["tp"], values["fn"], values["tn"], values["fp"], "value")
        _add_to_collections(metrics_collections, auc_value)
        update_op = compute_auc(update_ops["tp"], update_ops["fn"], update_ops["tn"],
                                update_ops["fp"], "update_op")
        _add_to_collections(updates_collections, update_op)
        return auc_value, update_op


# ----- mean_iou ---------------------------------------------------------------------------------
def _confusion_matrix_kernel(labels, predictions, *weights, num_classes):
    w = weights[0] if weights else jnp.ones(labels.shape, jnp.float64)
    cm = jnp.zeros((num_classes, num_classes), jnp.float64)
    return cm.at[labels, predictions].add(w.astype(jnp.float64))


def _confusion_matrix(labels, predictions, num_classes, weights=None):
    """TF1's `tf.confusion_matrix(..., dtype=float64)`: cm[label, prediction] += weight, with
    TF1's run-time checks that labels and predictions lie in [0, num_classes)."""
    with ops_lib.name_scope(None, "confusion_matrix", (predictions, labels, weights)):
        labels, predictions = _remove_squeezable_labels(convert_to_tensor(labels, name="labels"),
                                                        convert_to_tensor(predictions,
                                                                          name="predictions"))
        predictions = math_ops.cast(predictions, dtypes.int64)
        labels = math_ops.cast(labels, dtypes.int64)
        checks = [check_ops.assert_non_negative(labels,
                                                message="`labels` contains negative values"),
                  check_ops.assert_non_negative(predictions,
                                                message="`predictions` contains negative values"),
                  check_ops.assert_less(labels, np.int64(num_classes),
                                        message="`labels` out of bound"),
                  check_ops.assert_less(predictions, np.int64(num_classes),
                                        message="`predictions` out of bound")]
        inputs = [labels, predictions]
        if weights is not None:
            weights = convert_to_tensor(weights, name="weights")
            predictions.shape.assert_is_compatible_with(weights.shape)
            inputs.append(math_ops.cast(weights, dtypes.float64))
        with ops_lib.control_dependencies(checks):
            return op_output("ConfusionMatrix", _confusion_matrix_kernel, inputs, name="ScatterNd",
                             attrs={"num_classes": num_classes})


def _diag_part_kernel(x):
    return jnp.diagonal(x)


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The mean intersection-over-union over the classes seen, from a running confusion matrix.

    Local variable `mean_iou/total_confusion_matrix` (float64, [num_classes, num_classes],
    rows are labels); `update_op` is its AssignAdd (it returns the matrix, as TF1's); classes
    that appear in neither labels nor predictions are left out of the mean. `labels` and
    `predictions` are flattened; values outside [0, num_classes) fail the update at run time
    (InvalidArgumentError).

    Raises:
      NotImplementedError: `num_classes` is a Tensor (it must be a Python int here).
    """
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool):
        raise NotImplementedError("tf.metrics.mean_iou argument 'num_classes' must be a Python int "
                                  f"in tfvars_jax (got {num_classes!r}).")
    num_classes = int(num_classes)
    with vs.variable_scope(name, "mean_iou", (predictions, labels, weights)):
        predictions, labels = convert_to_tensor(predictions), convert_to_tensor(labels)
        predictions.shape.assert_is_compatible_with(labels.shape)
        total_cm = _metric_variable([num_classes, num_classes], dtypes.float64,
                                    name="total_confusion_matrix")
        predictions = math_ops.cast(predictions, dtypes.int64)
        labels = math_ops.cast(labels, dtypes.int64)
        if _rank(predictions, "predictions") > 1:
            predictions = array_ops.reshape(predictions, [-1])
        if _rank(labels, "labels") > 1:
            labels = array_ops.reshape(labels, [-1])
        if weights is not None:
            weights = convert_to_tensor(weights)
            if _rank(weights, "weights") > 1:
                weights = array_ops.reshape(weights, [-1])
        current_cm = _confusion_matrix(labels, predictions, num_classes, weights=weights)
        update_op = state_ops.assign_add(total_cm, current_cm)

        sum_over_row = math_ops.cast(math_ops.reduce_sum(total_cm, 0), dtypes.float32)
        sum_over_col = math_ops.cast(math_ops.reduce_sum(total_cm, 1), dtypes.float32)
        cm_diag = math_ops.cast(op_output("MatrixDiagPart", _diag_part_kernel,
                                          [convert_to_tensor(total_cm)],
                                          name="DiagPart"), dtypes.float32)
        denominator = sum_over_row + sum_over_col - cm_diag
        num_valid_entries = math_ops.reduce_sum(
            math_ops.cast(math_ops.not_equal(denominator, 0), dtype=dtypes.float32))
        denominator = array_ops.where(math_ops.greater(denominator, 0), denominator,
                                      array_ops.ones_like(denominator))
        iou = math_ops.divide(cm_diag, denominator)
        mean_iou_v = array_ops.where(math_ops.greater(num_valid_entries, 0),
                                     math_ops.reduce_sum(iou, name="mean_iou") / num_valid_entries,
                                     0)
        _add_to_collections(metrics_collections, mean_iou_v)
        _add_to_collections(updates_collections, update_op)
        return mean_iou_v, update_op


__getattr__ = _namespace.unsupported_getattr(__name__)
