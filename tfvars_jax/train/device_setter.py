"""`tf.train.replica_device_setter`: TF1's device function for between-graph replicated
training, and the ps-task strategies it takes (round-robin by default;
`tf.contrib.training.GreedyLoadBalancingStrategy` with `byte_size_load_fn`).

The device function puts ops whose type is in `ps_ops` (by default TF1's `STANDARD_PS_OPS`:
variables, hash tables, ...) on `ps_device` with a task chosen by `ps_strategy`, and every
other op on `worker_device`, merged with the device the op already has from inner `tf.device`
scopes (whose fields win) — or, with `merge_devices=False`, leaving an op that already has a
device alone. The recorded `op.device` strings are TF1's; runs still use JAX's default device.
Ops colocated with a variable (its `read` and `Assign`, optimizer slots) take the variable's
device without calling the device function, as in TF1.
"""
import logging

import numpy as np

from tfvars_jax.framework import device as device_lib
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.train.cluster import ClusterSpec

_log = logging.getLogger("tfvars_jax.train")

STANDARD_PS_OPS = ("Variable", "VariableV2", "AutoReloadVariable", "MutableHashTable",
                   "MutableHashTableV2", "MutableHashTableOfTensors",
                   "MutableHashTableOfTensorsV2", "MutableDenseHashTable",
                   "MutableDenseHashTableV2", "VarHandleOp", "BoostedTreesEnsembleResourceHandleOp",
                   "BoostedTreesQuantileStreamResourceHandleOp", "ResourceConditionalAccumulator",
                   "DecisionTreeResource")


class _RoundRobinStrategy:
    """TF1's default ps strategy: tasks 0, 1, ..., num_tasks-1, 0, ... in call order."""

    def __init__(self, num_tasks):
        self._num_tasks = num_tasks
        self._next_task = 0

    def __call__(self, unused_op):
        task = self._next_task
        self._next_task = (self._next_task + 1) % self._num_tasks
        return task


class _ReplicaDeviceChooser:
    """Chooses the device of each op, as TF1's `_ReplicaDeviceChooser`."""

    def __init__(self, ps_tasks, ps_device, worker_device, merge_devices, ps_ops, ps_strategy):
        self._ps_tasks = ps_tasks
        self._ps_device = ps_device
        self._worker_device = worker_device
        self._merge_devices = merge_devices
        self._ps_ops = ps_ops
        self._ps_strategy = ps_strategy

    def device_function(self, op):
        """The device string of `op` (an Operation whose `device` is what inner scopes gave)."""
        if not self._merge_devices and op.device:
            return op.device
        current = device_lib.parse(op.device or "")
        if self._ps_tasks and self._ps_device and op.type in self._ps_ops:
            ps = device_lib.parse(self._ps_device)
            # The strategy picks a task only when the op's own job (if any) is the ps job.
            if ps[0] and (not current[0] or current[0] == ps[0]):
                ps = ps[:2] + (int(self._ps_strategy(op)),) + ps[3:]
            return device_lib.to_string(device_lib.combine(ps, current))
        worker = device_lib.parse(self._worker_device or "")
        return device_lib.to_string(device_lib.combine(worker, current))


def _device_string(value, what):
    if value is None or isinstance(value, str):
        device_lib.parse(value)  # ValueError now for a bad string
        return value
    raise TypeError(f"{what} must be a device string or None, got {type(value).__name__}: "
                    f"{value!r}")


def replica_device_setter(ps_tasks=0, ps_device="/job:ps", worker_device="/job:worker",
                          merge_devices=True, cluster=None, ps_ops=None, ps_strategy=None):
    """TF1's `tf.train.replica_device_setter`: a device function for `tf.device`.

    Ops whose type is in `ps_ops` (default `STANDARD_PS_OPS`, which includes "VariableV2")
    go to `ps_device` with task `ps_strategy(op)` (default: round-robin over the ps tasks),
    all other ops to `worker_device`; both merged with the device the op has from inner
    `tf.device` scopes, whose fields win (`merge_devices=False`: an op that has a device keeps
    it, and TF1's deprecation warning is logged). With `cluster` (a ClusterSpec or a dict for
    one) the number of ps tasks is the size of the ps job (`ps_device`'s job) and `ps_tasks`
    is ignored. Returns None (no device function) when there are no ps tasks, as TF1.

    Differs from TF1: a `ClusterDef` proto for `cluster` raises NotImplementedError; device
    strings are checked here (TF1 fails when the first op is placed).

    Raises:
      TypeError: `cluster` is not a ClusterSpec or dict, `ps_strategy` is not callable, or a
        device is not a string.
      ValueError: a device string TF1 cannot parse.
    """
    ps_device = _device_string(ps_device, "ps_device")
    worker_device = _device_string(worker_device, "worker_device")
    if cluster is not None:
        spec = (cluster if isinstance(cluster, ClusterSpec) else ClusterSpec(cluster)).as_dict()
        ps_job = device_lib.parse(ps_device)[0]
        if ps_job not in spec or spec[ps_job] is None:
            return None
        ps_tasks = len(spec[ps_job])
    if not isinstance(ps_tasks, (int, np.integer)) or isinstance(ps_tasks, bool) or ps_tasks < 0:
        raise TypeError(f"ps_tasks must be a non-negative int, got {ps_tasks!r}")
    if ps_tasks == 0:
        return None
    if ps_ops is None:
        ps_ops = list(STANDARD_PS_OPS)
    elif isinstance(ps_ops, str) or not all(isinstance(t, str) for t in ps_ops):
        raise TypeError(f"ps_ops must be a list of op type names, got {ps_ops!r}")
    if not merge_devices:
        _log.warning("DEPRECATION: It is recommended to set merge_devices=true in "
                     "replica_device_setter")
    if ps_strategy is None:
        ps_strategy = _RoundRobinStrategy(ps_tasks)
    if not callable(ps_strategy):
        raise TypeError("ps_strategy must be callable")
    chooser = _ReplicaDeviceChooser(ps_tasks, ps_device, worker_device, merge_devices,
                                    list(ps_ops), ps_strategy)
    return chooser.device_function


class GreedyLoadBalancingStrategy:
    """TF1's `tf.contrib.training.GreedyLoadBalancingStrategy(num_tasks, load_fn)`: a
    `ps_strategy` that puts each op on the ps task with the least load so far (the lowest index
    on ties) and adds `load_fn(op)` to that task's load. With `byte_size_load_fn` this
    balances variable bytes across ps tasks."""

    def __init__(self, num_tasks, load_fn):
        if isinstance(num_tasks, bool) or not isinstance(num_tasks, (int, np.integer)) \
                or num_tasks < 1:
            raise ValueError(f"num_tasks must be a positive int, got {num_tasks!r}")
        if not callable(load_fn):
            raise TypeError("load_fn must be callable")
        self._num_tasks = int(num_tasks)
        self._load_fn = load_fn
        self._ps_loads = np.zeros(self._num_tasks)

    def __call__(self, op):
        """The ps task for `op`; adds `load_fn(op)` to its load."""
        task = int(np.argmin(self._ps_loads))
        self._ps_loads[task] += self._load_fn(op)
        return task


def byte_size_load_fn(op):
    """TF1's `tf.contrib.training.byte_size_load_fn`: the byte size of `op`'s single output,
    from its static shape and dtype (element size times elements). An output whose shape is
    not fully known falls back to the op's "shape" attr (a variable op's), as TF1.

    Raises:
      ValueError: `op` has not exactly one output, or its shape is not fully defined.
    """
    if len(op.outputs) != 1:
        raise ValueError(f"Op {op} must have a single output")
    output = op.outputs[0]
    shape = output.shape
    if not shape.is_fully_defined():
        try:
            shape = TensorShape(op.get_attr("shape"))
        except ValueError:
            pass
    if not shape.is_fully_defined():
        raise ValueError(f"Shape {shape} is not fully defined")
    return shape.num_elements() * output.dtype.size
