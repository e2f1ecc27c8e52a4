"""Sampled losses: `tf.nn.nce_loss` and `tf.nn.sampled_softmax_loss`, on TF1's
`_compute_sampled_logits`.

The logits of the true classes and of `num_sampled` sampled classes are computed from one
`embedding_lookup` of `weights` and one of `biases` (ids: the flattened labels, then the
samples), with TF1's arithmetic: optional removal of accidental hits (a sampled class equal to
one of the example's labels gets `-FLT_MAX` added to its logit, as TF1's
`ComputeAccidentalHits` + `SparseToDense`), then `log(expected count)` subtracted. NCE takes
the sigmoid cross-entropy against labels `1 / num_true` (true) and 0 (sampled) summed per row;
sampled softmax the softmax cross-entropy.

Where we differ: TF1's `ComputeAccidentalHits` returns a list of hits (a data-dependent shape);
here one "SparseToDense" op computes the dense `-FLT_MAX` mask directly (the same values: when
a class is sampled twice, TF1 masks only its last position, and so do we). Slices whose sizes
come from the labels' shape are single ops named as TF1's `Slice` ops.
"""
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.ops import array_ops, math_ops, nn_ops
from tfvars_jax.ops.candidate_sampling_ops import log_uniform_candidate_sampler
from tfvars_jax.ops.embedding_ops import _params_list, embedding_lookup


def _head_kernel(x, flat_labels):
    return x[:flat_labels.shape[0]]


def _tail_kernel(x, flat_labels):
    return x[flat_labels.shape[0]:]


def _row_dots_kernel(x, true_w, num_true):
    """[batch, num_true]: the dot product of each input row with its true classes' rows."""
    w = true_w.reshape((-1, num_true, true_w.shape[1]))
    dots = (x[:, None, :] * w).reshape((-1, true_w.shape[1]))
    return jnp.matmul(dots, jnp.ones((true_w.shape[1], 1), dots.dtype)).reshape((-1, num_true))


def _accidental_hits_kernel(labels, sampled, dtype):
    """TF1's ComputeAccidentalHits + SparseToDense as one dense tensor: -FLT_MAX where sampled
    position j holds a class of example i's labels and is the last position holding it."""
    n = sampled.shape[0]
    later = jnp.triu(sampled[:, None] == sampled[None, :], k=1)  # [j, k]: k > j, same class
    last = jnp.logical_not(jnp.any(later, axis=1))
    hit = jnp.any(labels[:, :, None] == sampled[None, None, :], axis=1) & last[None, :]
    del n
    return jnp.where(hit, jnp.asarray(-np.finfo(np.float32).max, dtype), jnp.zeros((), dtype))


def _sum_rows(x):
    """TF1's `_sum_rows`: `reshape(matmul(x, ones([cols, 1])), [-1])`."""
    ones = op_output("Fill", lambda v: jnp.ones((v.shape[1], 1), v.dtype), [x], name="ones")
    return array_ops.reshape(math_ops.matmul(x, ones), [-1])


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                            sampled_values=None, subtract_log_q=True,
                            remove_accidental_hits=False, partition_strategy="mod", name=None,
                            seed=None):
    """TF1's `nn_impl._compute_sampled_logits`: (out_logits, out_labels), each
    [batch, num_true + num_sampled]; true classes first, labels `1 / num_true` for them."""
    weights = _params_list(weights)
    num_true, num_sampled = int(num_true), int(num_sampled)
    with ops_lib.name_scope(name, "compute_sampled_logits", []):
        labels = convert_to_tensor(labels, name="labels")
        if not labels.dtype.is_integer:
            raise TypeError(f"labels '{ops_lib.display_name(labels)}' must be an integer tensor [batch_size, "
                            f"num_true], got {labels.dtype.name}")
        if labels.shape.ndims not in (None, 2) or (
                labels.shape.ndims == 2 and labels.shape[1].value not in (None, num_true)):
            raise ValueError(f"labels '{ops_lib.display_name(labels)}' must have shape [batch_size, num_true="
                             f"{num_true}], got {labels.shape}")
        if labels.dtype.base_dtype != dtypes.int64:
            labels = math_ops.cast(labels, dtypes.int64)
        labels_flat = array_ops.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                true_classes=labels, num_true=num_true, num_sampled=num_sampled, unique=True,
                range_max=num_classes, seed=seed)
        if len(sampled_values) != 3:
            raise ValueError("sampled_values must be (sampled_candidates, true_expected_count, "
                             f"sampled_expected_count), got {len(sampled_values)} values")
        sampled, true_expected_count, sampled_expected_count = (
            array_ops.stop_gradient(s) for s in sampled_values)
        sampled = math_ops.cast(sampled, dtypes.int64)
        if sampled.shape.ndims is not None and sampled.shape.as_tuple() not in (
                (num_sampled,), (None,)):
            raise ValueError(f"sampled candidates '{ops_lib.display_name(sampled)}' must have shape "
                             f"[num_sampled={num_sampled}], got {sampled.shape}")
        all_ids = array_ops.concat([labels_flat, sampled], 0)
        inputs = convert_to_tensor(inputs, name="inputs")
        all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
        if all_w.dtype != inputs.dtype:
            all_w = math_ops.cast(all_w, inputs.dtype)
        true_w = op_output("Slice", _head_kernel, [all_w, labels_flat], name="Slice")
        sampled_w = op_output("Slice", _tail_kernel, [all_w, labels_flat], name="Slice")
        sampled_logits = math_ops.matmul(inputs, sampled_w, transpose_b=True)
        all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype != inputs.dtype:
            all_b = math_ops.cast(all_b, inputs.dtype)
        true_b = op_output("Slice", _head_kernel, [all_b, labels_flat], name="Slice")
        sampled_b = op_output("Slice", _tail_kernel, [all_b, labels_flat], name="Slice")
        true_logits = op_output("MatMul", _row_dots_kernel, [inputs, true_w], name="MatMul",
                                attrs={"num_true": num_true})
        true_b = array_ops.reshape(true_b, [-1, num_true])
        true_logits = math_ops.add(true_logits, true_b, name="add")
        sampled_logits = math_ops.add(sampled_logits, sampled_b, name="add")
        if remove_accidental_hits:
            hits = op_output("SparseToDense", _accidental_hits_kernel, [labels, sampled],
                             name="SparseToDense",
                             attrs={"dtype": np.dtype(sampled_logits.dtype.as_numpy_dtype)})
            sampled_logits = math_ops.add(sampled_logits, hits, name="add")
        if subtract_log_q:
            true_logits = math_ops.subtract(true_logits, math_ops.log(true_expected_count),
                                            name="sub")
            sampled_logits = math_ops.subtract(sampled_logits,
                                               math_ops.log(sampled_expected_count), name="sub")
        out_logits = array_ops.concat([true_logits, sampled_logits], 1)
        out_labels = array_ops.concat([
            math_ops.truediv(array_ops.ones_like(true_logits), float(num_true)),
            array_ops.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """TF1's `tf.nn.nce_loss`: the noise-contrastive estimation loss, one value per example
    ([batch_size]), the sigmoid cross-entropy of the true and `num_sampled` sampled classes'
    logits (each minus the log of its expected count) summed per row.

    `weights` [num_classes, dim] (a tensor, a variable, a list of shards or a
    `PartitionedVariable`, split by `partition_strategy` as `embedding_lookup`), `biases`
    [num_classes], `labels` int [batch, num_true], `inputs` [batch, dim]. `sampled_values`
    defaults to `log_uniform_candidate_sampler(labels, num_true, num_sampled, True,
    num_classes)`; pass it to reproduce a TF1 run exactly (our samples are not TF1's bits).
    The result is named as TF1's (`Reshape:0` in the caller's scope); see the module
    docstring for the ops.
    """
    logits, out_labels = _compute_sampled_logits(
        weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
        num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name)
    sampled_losses = nn_ops.sigmoid_cross_entropy_with_logits(
        labels=out_labels, logits=logits, name="sampled_losses")
    return _sum_rows(sampled_losses)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """TF1's `tf.nn.sampled_softmax_loss`: the softmax cross-entropy over the true and
    `num_sampled` sampled classes ([batch_size]), accidental hits removed by default; `seed`
    seeds the default log-uniform sampler. Arguments as `nce_loss`.
    """
    logits, out_labels = _compute_sampled_logits(
        weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
        num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name, seed=seed)
    out_labels = array_ops.stop_gradient(out_labels, name="labels_stop_gradient")
    return nn_ops.softmax_cross_entropy_with_logits_v2(labels=out_labels, logits=logits)
