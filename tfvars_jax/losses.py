"""`tf.losses`: the loss functions (`ops/losses_impl.py`), the loss collection and its totals."""
from tfvars_jax import _namespace
from tfvars_jax.ops.loss_ops import add_loss
from tfvars_jax.ops.loss_ops import get_losses
from tfvars_jax.ops.loss_ops import get_regularization_losses
from tfvars_jax.ops.loss_ops import get_regularization_loss
from tfvars_jax.ops.loss_ops import get_total_loss
from tfvars_jax.ops.losses_impl import (
    Reduction, absolute_difference, compute_weighted_loss, cosine_distance, hinge_loss,
    huber_loss, log_loss, mean_pairwise_squared_error, mean_squared_error, sigmoid_cross_entropy,
    softmax_cross_entropy, sparse_softmax_cross_entropy)

__all__ = [
    "add_loss", "get_losses", "get_regularization_losses", "get_regularization_loss",
    "get_total_loss", "Reduction", "compute_weighted_loss", "absolute_difference",
    "cosine_distance", "hinge_loss", "huber_loss", "log_loss", "mean_pairwise_squared_error",
    "mean_squared_error", "sigmoid_cross_entropy", "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
