"""`tf.losses` loss functions as TF 1.15 builds them (tensorflow/python/ops/losses/losses_impl.py).

Each loss opens a name scope ("absolute_difference", "sparse_softmax_cross_entropy_loss", ...),
computes the per-element losses in float32 (the cross-entropies in the logits' dtype), weights
them with `compute_weighted_loss` (weights a scalar or broadcastable to the losses: same rank,
each dimension 1 or the losses'), reduces them by `reduction`, casts back to the input dtype and
adds the result to `loss_collection` (default `tf.GraphKeys.LOSSES`; None adds it nowhere).

The reduced loss is named "<scope>/value" (a `div_no_nan`, 0 when nothing is weighted), or
"<scope>/Sum" for `Reduction.SUM` and "<scope>/Mul" for `Reduction.NONE`.

Ranks must be known when the graph is built (TF1 adds run-time rank logic there; here
NotImplementedError); dimensions unknown then (a `None` batch) are checked when the run is traced.
"""

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.ops import array_ops, math_ops, nn_ops
from tfvars_jax.ops.loss_ops import add_loss
from tfvars_jax.ops.weights_broadcast_ops import assert_broadcastable, broadcast_weights
from tfvars_jax.ops.weights_broadcast_ops import known_rank as _rank

__all__ = [
    "Reduction", "compute_weighted_loss", "absolute_difference", "cosine_distance", "hinge_loss",
    "huber_loss", "log_loss", "mean_pairwise_squared_error", "mean_squared_error",
    "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy",
]

_LOSSES = ops_lib.GraphKeys.LOSSES


class Reduction:
    """Types of loss reduction.

    * `NONE`: the weighted losses, shaped as the losses.
    * `SUM`: the scalar sum of the weighted losses.
    * `MEAN`: `SUM` divided by the sum of the weights.
    * `SUM_OVER_BATCH_SIZE`: `SUM` divided by the number of elements of the losses.
    * `SUM_BY_NONZERO_WEIGHTS` (= `SUM_OVER_NONZERO_WEIGHTS`, the default): `SUM` divided by
      the number of non-zero weights (broadcast to the losses).
    """

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


_DEFAULT_REDUCTION = Reduction.SUM_BY_NONZERO_WEIGHTS


# ----- building blocks --------------------------------------------------------------------------
def _cast(x, dtype):
    """`math_ops.cast`, converting a Python/NumPy value inside a "Cast" scope as TF1 does (so
    the op names that follow are numbered as TF1 numbers them)."""
    if isinstance(x, ops_lib.Tensor) or hasattr(x, "_as_tensor"):
        return math_ops.cast(x, dtype)
    with ops_lib.name_scope(None, "Cast", [x]) as scope:
        return math_ops.cast(convert_to_tensor(x, name="x"), dtype, name=scope)


def _safe_mean(losses, num_present):
    """sum(losses) / num_present, 0 when num_present is 0; named "value"."""
    return math_ops.div_no_nan(math_ops.reduce_sum(losses), num_present, name="value")


def _num_elements(losses):
    """The number of elements of `losses`, in its dtype."""
    with ops_lib.name_scope(None, "num_elements", [losses]) as scope:
        return _cast(array_ops.size(losses, name=scope), losses.dtype)


def _num_present(losses, weights, per_batch=False):
    """The number of non-zero weights once broadcast to `losses` (per batch entry, keeping the
    dimensions, when `per_batch`)."""
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    with ops_lib.name_scope(None, "num_present", (losses, weights)) as scope:
        weights = _cast(weights, dtypes.float32)
        present = array_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                                  array_ops.ones_like(weights))
        present = broadcast_weights(present, losses)
        if per_batch:
            axis = list(range(1, _rank(present, "losses")))
            return math_ops.reduce_sum(present, axis=axis, keepdims=True, name=scope)
        return math_ops.reduce_sum(present, name=scope)


def _check_not_none(**args):
    for name, value in args.items():
        if value is None:
            raise ValueError(f"Argument `{name}` must not be None.")


def _float_pair(predictions, labels):
    """Both cast to float32, with compatible static shapes (else ValueError)."""
    predictions = _cast(predictions, dtypes.float32)
    labels = _cast(labels, dtypes.float32)
    predictions.shape.assert_is_compatible_with(labels.shape)
    return predictions, labels


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=_LOSSES,
                          reduction=_DEFAULT_REDUCTION):
    """`losses * weights` reduced by `reduction`, in the dtype of `losses`; added to
    `loss_collection`. Weights are a scalar or broadcastable to `losses`.

    Raises:
      ValueError: an invalid `reduction`, or weights that cannot be broadcast to `losses`.
    """
    Reduction.validate(reduction)
    with ops_lib.name_scope(scope, "weighted_loss", (losses, weights)):
        graph = ops_lib.get_default_graph()
        graph._last_loss_reduction = reduction  # as TF1 (estimator's replica scaling reads it)
        with ops_lib.control_dependencies((assert_broadcastable(weights, losses),)):
            losses = convert_to_tensor(losses)
            input_dtype = losses.dtype
            losses = _cast(losses, dtypes.float32)
            weights = _cast(weights, dtypes.float32)
            weighted_losses = math_ops.multiply(losses, weights)
            if reduction == Reduction.NONE:
                loss = weighted_losses
            else:
                loss = math_ops.reduce_sum(weighted_losses)
                if reduction == Reduction.MEAN:
                    loss = _safe_mean(loss, math_ops.reduce_sum(
                        array_ops.ones_like(losses) * weights))
                elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                    loss = _safe_mean(loss, _num_present(losses, weights))
                elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                    loss = _safe_mean(loss, _num_elements(losses))
            loss = _cast(loss, input_dtype)
            add_loss(loss, loss_collection)
            return loss


# ----- the losses -------------------------------------------------------------------------------
def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=_LOSSES,
                        reduction=_DEFAULT_REDUCTION):
    """Weighted `|predictions - labels|` (scope "absolute_difference")."""
    _check_not_none(labels=labels, predictions=predictions)
    with ops_lib.name_scope(scope, "absolute_difference",
                            (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = math_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=_LOSSES, reduction=_DEFAULT_REDUCTION, dim=None):
    """Weighted `1 - sum(predictions * labels, axis)` (kept as a dimension of size 1) for
    unit-normalized inputs (scope "cosine_distance_loss"); `dim` is the old name of `axis`."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'.")
        axis = dim
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    _check_not_none(labels=labels, predictions=predictions)
    with ops_lib.name_scope(scope, "cosine_distance_loss",
                            (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        radial_diffs = math_ops.multiply(predictions, labels)
        losses = 1 - math_ops.reduce_sum(radial_diffs, axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=_LOSSES,
               reduction=_DEFAULT_REDUCTION):
    """Weighted `relu(1 - (2 * labels - 1) * logits)` for labels in {0, 1} (scope "hinge_loss")."""
    _check_not_none(labels=labels, logits=logits)
    with ops_lib.name_scope(scope, "hinge_loss", (logits, labels, weights)) as scope:
        logits, labels = _float_pair(logits, labels)
        all_ones = array_ops.ones_like(labels)
        labels = math_ops.subtract(2 * labels, all_ones)
        losses = nn_ops.relu(math_ops.subtract(all_ones, math_ops.multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=_LOSSES,
               reduction=_DEFAULT_REDUCTION):
    """Weighted Huber loss: `0.5 * x**2` for `|x| <= delta`, else `0.5 * delta**2 +
    delta * (|x| - delta)`, with `x = predictions - labels` (scope "huber_loss")."""
    _check_not_none(labels=labels, predictions=predictions)
    with ops_lib.name_scope(scope, "huber_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        abs_error = math_ops.abs(math_ops.subtract(predictions, labels))
        quadratic = math_ops.minimum(abs_error, delta)
        linear = math_ops.subtract(abs_error, quadratic)
        losses = math_ops.add(
            math_ops.multiply(convert_to_tensor(0.5, dtype=quadratic.dtype),
                              math_ops.multiply(quadratic, quadratic)),
            math_ops.multiply(delta, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=_LOSSES,
             reduction=_DEFAULT_REDUCTION):
    """Weighted `-labels * log(p + eps) - (1 - labels) * log(1 - p + eps)` (scope "log_loss")."""
    _check_not_none(labels=labels, predictions=predictions)
    with ops_lib.name_scope(scope, "log_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = (-math_ops.multiply(labels, math_ops.log(predictions + epsilon))
                  - math_ops.multiply(1 - labels, math_ops.log(1 - predictions + epsilon)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=_LOSSES):
    """The weighted sum over the batch of the mean, over the pairs of present elements of each
    entry, of the squared difference of their pairwise differences in `predictions` and
    `labels` (scope "mean_pairwise_squared_error"; a scalar, no `reduction`)."""
    _check_not_none(labels=labels, predictions=predictions)
    with ops_lib.name_scope(scope, "mean_pairwise_squared_error",
                            (predictions, labels, weights)):
        weights = _cast(weights, dtypes.float32)
        labels = _cast(labels, dtypes.float32)
        with ops_lib.control_dependencies((assert_broadcastable(weights, labels),)):
            predictions = _cast(predictions, dtypes.float32)
            predictions.shape.assert_is_compatible_with(labels.shape)
            diffs = math_ops.subtract(predictions, labels)
            axis = list(range(1, _rank(diffs, "predictions")))
            sum_squares_diff_per_batch = math_ops.reduce_sum(math_ops.square(diffs), axis=axis,
                                                             keepdims=True)
            num_present_per_batch = _num_present(diffs, weights, per_batch=True)
            term1 = 2.0 * math_ops.div_no_nan(sum_squares_diff_per_batch,
                                      math_ops.maximum(num_present_per_batch - 1, 0),
                                      name="value")
            sum_diff = math_ops.reduce_sum(diffs, axis=axis, keepdims=True)
            term2 = 2.0 * math_ops.div_no_nan(
                math_ops.square(sum_diff),
                math_ops.maximum(math_ops.multiply(num_present_per_batch,
                                                   num_present_per_batch - 1), 0),
                name="value")
            loss = math_ops.reduce_sum(math_ops.multiply(term1 - term2, weights))
            mean_loss = array_ops.where(math_ops.reduce_sum(num_present_per_batch) > 0, loss,
                                        array_ops.zeros_like(loss), name="value")
            add_loss(mean_loss, loss_collection)
            return mean_loss


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=_LOSSES,
                       reduction=_DEFAULT_REDUCTION):
    """Weighted `(predictions - labels) ** 2` (scope "mean_squared_error")."""
    _check_not_none(labels=labels, predictions=predictions)
    with ops_lib.name_scope(scope, "mean_squared_error",
                            (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=_LOSSES, reduction=_DEFAULT_REDUCTION):
    """Weighted `tf.nn.sigmoid_cross_entropy_with_logits` in the logits' dtype; labels are
    smoothed towards 1/2 by `label_smoothing` (scope "sigmoid_cross_entropy_loss")."""
    _check_not_none(multi_class_labels=multi_class_labels, logits=logits)
    with ops_lib.name_scope(scope, "sigmoid_cross_entropy_loss",
                            (logits, multi_class_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        multi_class_labels = _cast(multi_class_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(multi_class_labels.shape)
        if label_smoothing > 0:
            multi_class_labels = (multi_class_labels * (1 - label_smoothing)
                                  + 0.5 * label_smoothing)
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=multi_class_labels,
                                                          logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=_LOSSES, reduction=_DEFAULT_REDUCTION):
    """Weighted softmax cross-entropy over the last axis in the logits' dtype (no gradient into
    the labels); labels are smoothed towards 1/num_classes by `label_smoothing` (scope
    "softmax_cross_entropy_loss"). The losses have the logits' shape without the last axis."""
    _check_not_none(onehot_labels=onehot_labels, logits=logits)
    with ops_lib.name_scope(scope, "softmax_cross_entropy_loss",
                            (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        onehot_labels = _cast(onehot_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(onehot_labels.shape)
        if label_smoothing > 0:
            num_classes = _cast(array_ops.shape(onehot_labels)[-1], logits.dtype)
            smooth_positives = 1.0 - label_smoothing
            smooth_negatives = label_smoothing / num_classes
            onehot_labels = onehot_labels * smooth_positives + smooth_negatives
        onehot_labels = array_ops.stop_gradient(onehot_labels, name="labels_stop_gradient")
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(labels=onehot_labels, logits=logits,
                                                             name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def _squeeze_last(t):
    last = t.shape[-1].value
    if last is not None and last != 1:
        raise ValueError(f"Can not squeeze dim[{t.shape.ndims - 1}], expected a dimension of 1, "
                         f"got {last} for '{ops_lib.display_name(t)}' with input shapes: {t.shape}.")
    return array_ops.squeeze(t, [-1])


def _remove_squeezable_dimensions(labels, predictions, weights, expected_rank_diff):
    """Squeezes a trailing 1 off `labels` or `predictions` when their rank difference is one
    off `expected_rank_diff`, then off `weights` when its rank is one more than the labels'."""
    with ops_lib.name_scope(None, "remove_squeezable_dimensions", (labels, predictions)):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        rank_diff = _rank(predictions, "logits") - _rank(labels, "labels")
        if rank_diff == expected_rank_diff + 1 and predictions.shape[-1].is_compatible_with(1):
            predictions = _squeeze_last(predictions)
        elif rank_diff == expected_rank_diff - 1 and labels.shape[-1].is_compatible_with(1):
            labels = _squeeze_last(labels)
    weights = convert_to_tensor(weights)
    if _rank(weights, "weights") - _rank(labels, "labels") == 1:
        weights = _squeeze_last(weights)
    return labels, predictions, weights


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=_LOSSES,
                                 reduction=_DEFAULT_REDUCTION):
    """Weighted `tf.nn.sparse_softmax_cross_entropy_with_logits` in the logits' dtype; integer
    `labels` shaped as the logits without the last axis (a trailing 1 on labels or weights is
    squeezed) (scope "sparse_softmax_cross_entropy_loss")."""
    _check_not_none(labels=labels, logits=logits)
    with ops_lib.name_scope(scope, "sparse_softmax_cross_entropy_loss",
                            (logits, labels, weights)) as scope:
        labels, logits, weights = _remove_squeezable_dimensions(labels, logits, weights, 1)
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                 name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)
