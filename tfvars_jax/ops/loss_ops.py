"""`tf.losses` collection helpers and the `l1`/`l2` weight regularizers TF1 code passes to
`get_variable(regularizer=...)` (`tf.contrib.layers.l2_regularizer`)."""
import numbers

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.ops import math_ops, nn_ops


def add_loss(loss, loss_collection=ops_lib.GraphKeys.LOSSES):
    """Adds `loss` to the LOSSES collection (or `loss_collection` when not None)."""
    if loss_collection:
        ops_lib.add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=ops_lib.GraphKeys.LOSSES):
    return ops_lib.get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The REGULARIZATION_LOSSES collection (e.g. from `get_variable(regularizer=...)`)."""
    return ops_lib.get_collection(ops_lib.GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or a 0.0 constant when there are none, as TF1."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return convert_to_tensor(0.0, name=name)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of LOSSES (and, by default, REGULARIZATION_LOSSES); ValueError if both are empty."""
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in the LOSSES or REGULARIZATION_LOSSES collections.")
    return math_ops.add_n(losses, name=name)


def _regularizer(kind, scale, scope, penalty):
    """TF1's contrib regularizer `<kind>_regularizer(scale)`: `scale * penalty(w)` in a name scope
    "<kind>_regularizer"; a 0.0 scale gives a function returning None (no loss)."""
    what = f"{kind}_regularizer"
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if not isinstance(scale, numbers.Real):
        raise TypeError(f"{what}: scale must be a float, got {scale!r}")
    if scale < 0.0:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}")
    if scale == 0.0:
        return lambda _: None

    def regularize(weights):
        with ops_lib.name_scope(scope, what, [weights]) as name:
            w = convert_to_tensor(weights)
            return math_ops.multiply(convert_to_tensor(scale, dtype=w.dtype.base_dtype,
                                                       name="scale"),
                                     penalty(w), name=name)
    return regularize


def l2_regularizer(scale, scope=None):
    """TF1's `tf.contrib.layers.l2_regularizer`: `scale * sum(w ** 2) / 2`; scale 0.0 gives None."""
    return _regularizer("l2", scale, scope, nn_ops.l2_loss)


def l1_regularizer(scale, scope=None):
    """TF1's `tf.contrib.layers.l1_regularizer`: `scale * sum(|w|)`; 0.0 gives None losses."""
    return _regularizer("l1", scale, scope, lambda w: math_ops.reduce_sum(math_ops.abs(w)))
