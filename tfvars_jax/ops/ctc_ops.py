"""`tf.nn.ctc_loss_v2` with dense labels: the connectionist temporal classification loss,
through `optax.ctc_loss` (the same forward recursion over blank-separated label paths).

Values and gradients are TF's for every label sequence that fits its logits. A label that
cannot be aligned (longer than its logits once repeats are separated by blanks) gets a large
finite loss, as in TF, but not TF's number (TF's depends on its kernel's stand-in for log 0).
Sparse labels (TF1's `tf.nn.ctc_loss`, which needs a SparseTensor), `unique` and the decoders
are not shipped.
"""
import jax.numpy as jnp
import optax

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output


def _ctc_kernel(labels, logits, label_length, logit_length, time_major, blank):
    if time_major:
        logits = jnp.swapaxes(logits, 0, 1)  # [batch, frames, classes]
    frames, width = logits.shape[1], labels.shape[1]
    logit_pad = (jnp.arange(frames)[None, :] >= logit_length[:, None]).astype(logits.dtype)
    label_pad = (jnp.arange(width)[None, :] >= label_length[:, None]).astype(logits.dtype)
    blank_id = blank % logits.shape[-1]
    return optax.ctc_loss(logits, logit_pad, labels.astype(jnp.int32), label_pad,
                          blank_id=blank_id).astype(logits.dtype)


def ctc_loss_v2(labels, logits, label_length, logit_length, logits_time_major=True,
                unique=None, blank_index=None, name=None):
    """TF's `tf.nn.ctc_loss_v2` with dense labels: the per-example negative log-likelihood of
    `labels` [batch, max_label_length] (the first `label_length` entries of each row) under
    the softmax of `logits` ([frames, batch, classes] time-major, else batch-major; the first
    `logit_length` frames of each example). `blank_index` defaults to 0; a negative index
    counts from the last class. Returns float [batch], named in a `ctc_loss_dense` scope."""
    if unique is not None:
        raise NotImplementedError("ctc_loss_v2 argument 'unique' is not supported by tfvars_jax.")
    if hasattr(labels, "indices") and hasattr(labels, "dense_shape"):
        raise NotImplementedError("ctc_loss_v2 with SparseTensor labels is not supported by "
                                  "tfvars_jax: pass dense labels [batch, max_label_length] "
                                  "and label_length.")
    if label_length is None:
        raise ValueError("label_length must be provided for dense labels.")
    with ops_lib.name_scope(name, "ctc_loss_dense", [logits, labels, label_length,
                                                     logit_length]):
        x = convert_to_tensor(logits, name="logits")
        if not x.dtype.is_floating:
            raise TypeError(f"ctc_loss_v2: logits must be floating-point, got {x.dtype.name}")
        ys = convert_to_tensor(labels, name="labels")
        ylen = convert_to_tensor(label_length, name="label_length")
        xlen = convert_to_tensor(logit_length, name="logit_length")
        for what, t, rank in (("logits", x, 3), ("labels", ys, 2), ("label_length", ylen, 1),
                              ("logit_length", xlen, 1)):
            if t.shape.ndims not in (None, rank):
                raise ValueError(f"ctc_loss_v2: {what} must have rank {rank}, got shape "
                                 f"{t.shape}")
            if what != "logits" and not t.dtype.is_integer:
                raise TypeError(f"ctc_loss_v2: {what} must be integers, got {t.dtype.name}")
        return op_output("IdentityN", _ctc_kernel, [ys, x, ylen, xlen], name="IdentityN",
                         attrs={"time_major": bool(logits_time_major),
                                "blank": 0 if blank_index is None else int(blank_index)})
