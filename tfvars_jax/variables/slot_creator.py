"""Slot variables: the per-variable state of optimizers and moving averages, named as TF1.

TF1's `slot_creator.create_slot` opens `variable_scope(None, default_name=<primary>/<name>)`
inside the *current* variable scope and calls `get_variable("")` there. So a slot's name is
`w/Adam`, a second one `w/Adam_1` (the scope name is uniquified), it is prefixed by the
enclosing variable scope (`outer/w/Adam` when `minimize` runs inside `variable_scope("outer")`),
it lives in the variable store under `<name>/` (so TF1's reuse rules apply: creating slots
inside a `reuse=True` scope raises), and after the enclosing scope is re-entered, which resets
the scope counters, a new slot collides with the first one and raises ValueError as in TF1.
"""
import contextlib

from tfvars_jax.framework import context
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.variables import variable_scope as vs
from tfvars_jax.variables.partitioned import SaveSliceInfo
from tfvars_jax.variables.variable import Variable


def create_slot(primary, initial_value, name, colocate_with_primary=True):
    """TF1's `slot_creator.create_slot`: a non-trainable variable for `primary`.

    Args:
      primary: the Variable (or Tensor) the slot belongs to.
      initial_value: a Tensor, or a function of no arguments returning one (called under the
        variable's `Initializer` name scope).
      name: the slot's suffix ("Adam", "Momentum", "ExponentialMovingAverage").
      colocate_with_primary: colocate the slot with `primary` (its device).

    Returns:
      The slot Variable, registered in the variable store as `get_variable` would.

    Raises:
      ValueError: the slot's name is taken in the variable store (TF1's message), or the
        current variable scope reuses variables (TF1: "... does not exist").
    """
    eager_mode = getattr(primary, "_eager_handle", None) is not None
    graph = ops_lib.get_default_graph() if eager_mode else primary.graph
    prefix = primary.name.split(":")[0] if eager_mode else primary.op.name  # TF1's eager prefix
    with graph.as_default(), graph.control_dependencies(None), \
            vs.variable_scope(None, default_name=f"{prefix}/{name}"):
        scope = vs.get_variable_scope()
        partitioner = scope.partitioner
        scope.set_partitioner(None)  # as TF1: a slot is never partitioned by the scope
        try:
            # As TF1, a slot is colocated with its primary (every op it creates gets the
            # primary's device, and device functions such as replica_device_setter are not
            # called for them).
            # A slot of a variable sharded over a Mesh gets its sharding when shapes agree.
            sharding = getattr(primary, "_sharding", None) if colocate_with_primary else None
            shard_like = context.Entered(
                lambda _, shape: sharding if shape == primary.shape else None,
                context.VARIABLE_SHARDINGS) if sharding is not None else contextlib.nullcontext()
            with graph._colocate_with(primary.op) if colocate_with_primary and not eager_mode \
                    else contextlib.nullcontext(), shard_like:
                slot = vs.get_variable("", initializer=initial_value, trainable=False,
                                       use_resource=_slot_use_resource(primary))
        finally:
            scope.set_partitioner(partitioner)
    _partition_like(slot, primary)
    return slot


def _partition_like(slot, primary):
    """As TF1: a slot of a part of a partitioned variable is a part of the partitioned slot,
    so checkpoints store `p/Adam` (sliced) rather than `p/part_0/Adam` (the slot's leading
    dimensions take the primary's slicing; a scalar slot is not partitioned)."""
    info = getattr(primary, "_save_slice_info", None)
    if info is None:
        return
    real_slot_name = slot.op.name[len(primary.op.name) + 1:]
    n = slot.shape.ndims
    if n is None or n > 0:
        slot._save_slice_info = SaveSliceInfo(
            f"{info.full_name}/{real_slot_name}", list(info.full_shape)[:n],
            list(info.var_offset)[:n], list(info.var_shape)[:n])


def _slot_use_resource(primary):
    """As TF1: a resource variable's slot is a resource variable, a ref variable's a ref
    variable; a tensor's follows the scope (None)."""
    if isinstance(primary, Variable):
        return primary._is_resource
    return None


def get_unique_variable_name(name):
    """`name`, or `name_1`, `name_2`, ... : the first that no global variable of the current
    variable scope has (TF1's `_maybe_get_unique` for the zero-debias variables of moving
    averages; `name` itself in a reusing scope)."""
    scope = vs.get_variable_scope()
    if scope.reuse:
        return name
    taken = {v.op.name for v in scope.global_variables()}
    full = f"{scope.name}/{name}"
    if full not in taken:
        return name
    idx = 1
    while f"{full}_{idx}" in taken:
        idx += 1
    return f"{name}_{idx}"
