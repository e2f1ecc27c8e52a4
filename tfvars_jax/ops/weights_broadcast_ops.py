"""TF1's limited weight broadcasting for `tf.losses` (tensorflow/python/ops/weights_broadcast_ops):
weights are a scalar, or have the values' rank with each dimension 1 or the values' dimension.

Non-scalar weights need their rank and the values' known when the graph is built (TF1 adds
run-time rank logic otherwise: here a NotImplementedError). Dimensions not known then are checked
when the run is traced.
"""
import jax.numpy as jnp

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.ops import array_ops, check_ops, control_flow_ops, math_ops

_ERROR = "weights can not be broadcast to values."


def known_rank(t, what):
    """`t`'s rank, which losses and metrics need known when the graph is built."""
    rank = t.shape.ndims
    if rank is None:
        raise NotImplementedError(f"{what} '{ops_lib.display_name(t)}' has an unknown rank; tfvars_jax needs the "
                                  "ranks of losses/metrics weights and values known when the graph "
                                  "is built (TF1 adds run-time rank checks here).")
    return rank


def _valid_dims_kernel(weights, values):
    return jnp.asarray(all(w in (1, v) for w, v in zip(weights.shape, values.shape)))


def assert_broadcastable(weights, values):
    """An op (a NoOp when decided at graph time) checking `weights` can be broadcast to `values`.

    Raises:
      ValueError: the static shapes cannot be broadcast.
    """
    with ops_lib.name_scope(None, "assert_broadcastable", (weights, values)) as scope:
        with ops_lib.name_scope(None, "weights", (weights,)) as weights_scope:
            weights = convert_to_tensor(weights, name=weights_scope)
        with ops_lib.name_scope(None, "values", (values,)) as values_scope:
            values = convert_to_tensor(values, name=values_scope)
        weights_rank = known_rank(weights, "weights")
        if weights_rank == 0:
            return control_flow_ops.no_op(name="static_scalar_check_success")
        values_rank = known_rank(values, "values")
        if weights_rank != values_rank:
            raise ValueError(f"{_ERROR} values.rank={values_rank}. weights.rank={weights_rank}. "
                             f"values.shape={values.shape}. weights.shape={weights.shape}. "
                             f"Received weights={weights}, values={values}")
        w_dims, v_dims = weights.shape.as_list(), values.shape.as_list()
        if None not in w_dims and None not in v_dims:
            for i, (w, v) in enumerate(zip(w_dims, v_dims)):
                if w not in (1, v):
                    raise ValueError(f"{_ERROR} Mismatch at dim {i}. values.shape={v_dims}, "
                                     f"weights.shape={w_dims}. Received weights={weights}, "
                                     f"values={values}")
            return control_flow_ops.no_op(name="static_dims_check_success")
        ok = op_output("IsValidShape", _valid_dims_kernel, [weights, values],
                       name="is_valid_shape")
        return check_ops.Assert(ok, [_ERROR, "weights.shape=", weights.name, "values.shape=",
                                     values.name], name=scope)


def broadcast_weights(weights, values):
    """`weights` broadcast to the shape of `values` (checked by `assert_broadcastable`)."""
    with ops_lib.name_scope(None, "broadcast_weights", (weights, values)) as scope:
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, name="weights")
        if weights.dtype.base_dtype != values.dtype.base_dtype:
            weights = math_ops.cast(weights, values.dtype.base_dtype)
        w_shape, v_shape = weights.shape, values.shape
        if (w_shape.is_fully_defined() and v_shape.is_fully_defined()
                and w_shape.is_compatible_with(v_shape)):
            return weights
        with ops_lib.control_dependencies((assert_broadcastable(weights, values),)):
            return math_ops.multiply(weights, array_ops.ones_like(values), name=scope)
