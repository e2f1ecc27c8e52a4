"""`tf.case`: the first branch whose predicate holds, as a chain of `tf.cond`s (as TF1)."""
import functools

import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.ops import array_ops, check_ops, math_ops
from tfvars_jax.ops.control_flow_ops import cond


def _at_most_n_true(predicates, n, message):
    """An Assert that at most `n` of the scalar bool `predicates` are True."""
    if predicates:
        stacked = array_ops.stack(predicates, name="preds_c")
    else:  # TF1's tf.stack([]) is an empty float32 constant (one pair, no default, exclusive)
        stacked = convert_to_tensor(np.zeros([0], np.float32), name="preds_c")
    count = math_ops.reduce_sum(math_ops.cast(stacked, dtypes.int32), name="num_true_conds")
    return check_ops.Assert(count <= n, [message, stacked], name="Assert")


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """TF1's `tf.case`: the result of the first `fn` whose `pred` is True, else `default()`.

    Args:
      pred_fn_pairs: a list of (scalar bool tensor, callable) pairs, or a dict of them (in
        insertion order).
      default: a callable; without it the last pair is the default, and the run fails with
        InvalidArgumentError if no predicate is True (as TF1).
      exclusive: fail the run (InvalidArgumentError) if more than one predicate is True.
      strict: as `tf.cond`'s.
    """
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    if not isinstance(pred_fn_pairs, (list, tuple)):
        raise TypeError(f"'pred_fn_pairs' must be a list, tuple, or dict. Received: "
                        f"{type(pred_fn_pairs)}")
    predicates, actions = [], []
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        pred, fn = pair
        pred = convert_to_tensor(pred)
        if pred.dtype.base_dtype != dtypes.bool:
            raise TypeError(f"pred must be Tensor of type bool: {ops_lib.display_name(pred)}")
        if not callable(fn):
            raise TypeError(f"fn for pred {ops_lib.display_name(pred)} must be callable.")
        predicates.append(pred)
        actions.append(fn)
    if default is not None and not callable(default):
        raise TypeError("default must be callable.")
    if not predicates:
        if default is None:
            raise ValueError("tf.case needs at least one (pred, fn) pair or a default.")
        return default()
    with ops_lib.name_scope(name, "case", predicates):
        if default is None:
            *predicates, last_pred = predicates
            *actions, last_action = actions

            def default():
                checks = [check_ops.Assert(last_pred, ["Input error: None of conditions "
                                                       "evaluated as True:",
                                                       array_ops.stack(predicates + [last_pred],
                                                                       name="preds_c")])]
                if predicates:
                    checks.insert(0, _at_most_n_true(
                        predicates, 0, "Implementation error: selected default action was "
                                       "called, but some of other predicates are True: "))
                with ops_lib.get_default_graph().control_dependencies(checks):
                    return last_action()
        fn = default
        for pred, action in reversed(list(zip(predicates, actions))):
            fn = functools.partial(cond, pred, true_fn=action, false_fn=fn, strict=strict)
        if exclusive:
            with ops_lib.get_default_graph().control_dependencies(
                    [_at_most_n_true(predicates, 1, "Input error: exclusive=True")]):
                return fn()
        return fn()


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """TF's `tf.switch_case`: the result of `branch_fns[branch_index]()`; an index outside the
    branches runs `default` (the last branch when None), as TF. `branch_fns` is a list of
    callables, of (int, callable) pairs, or a dict {int: callable}. Built as `tf.case` over
    `branch_index == k` (a chain of tf.conds); the ops are named differently than TF's
    single `Case` op."""
    if isinstance(branch_fns, dict):
        branch_fns = sorted(branch_fns.items())
    if not isinstance(branch_fns, (list, tuple)) or not branch_fns:
        raise ValueError("branch_fns must be a non-empty list, tuple or dict of callables.")
    if all(isinstance(f, tuple) and len(f) == 2 for f in branch_fns):
        keys = [k for k, _ in branch_fns]
        if sorted(keys) != list(range(len(keys))):
            raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                             f"{len(keys)}) but found {keys}.")
        branch_fns = [f for _, f in sorted(branch_fns, key=lambda kv: kv[0])]
    for f in branch_fns:
        if not callable(f):
            raise TypeError(f"fn for switch_case must be callable, got {f!r}")
    if default is not None and not callable(default):
        raise TypeError("default must be callable.")
    with ops_lib.name_scope(name, "switch_case", [branch_index]):
        index = convert_to_tensor(branch_index, name="branch_index")
        if index.dtype.base_dtype != dtypes.int32:
            raise TypeError(f"Input 'branch_index' of 'StatelessCase' Op has type "
                            f"{index.dtype.base_dtype.name} that does not match expected type "
                            "of int32.")
        if index.shape.ndims not in (None, 0):
            raise ValueError(f"branch_index must be a scalar, got shape {index.shape}")
        fns = list(branch_fns)
        if default is None:
            default = fns[-1]
        pairs = [(math_ops.equal(index, k), fn) for k, fn in enumerate(fns)]
        return case(pairs, default=default, name="indexed_case")
