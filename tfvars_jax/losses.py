"""`tf.losses`: the loss collection and its totals."""
from tfvars_jax import _namespace
from tfvars_jax.ops.loss_ops import add_loss
from tfvars_jax.ops.loss_ops import get_losses
from tfvars_jax.ops.loss_ops import get_regularization_losses
from tfvars_jax.ops.loss_ops import get_regularization_loss
from tfvars_jax.ops.loss_ops import get_total_loss

__all__ = [
    "add_loss", "get_losses", "get_regularization_losses", "get_regularization_loss",
    "get_total_loss",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
