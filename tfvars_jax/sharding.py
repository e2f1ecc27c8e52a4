"""`jax.sharding` for TF1 graphs: data-parallel pure steps and variables sharded over a Mesh.

Not a TF1 API (TF1 placed whole variables with `tf.device` and split them with partitioners);
this is the JAX-native form of the same ideas:

    mesh = jax.sharding.Mesh(np.array(jax.devices()), ("data",))
    step = sharding.data_parallel(functional.make_step([train_op, loss], [x, y]), mesh)
    (_, loss_value), state = step(state, xs, ys)     # batch split over "data", state replicated

    with sharding.shard_variables(mesh, P("data", None)):
        table = tf.get_variable("table", [1024, 64])   # one jax.Array sharded over the mesh

A sharded variable's value is one `jax.Array` with that `NamedSharding` in a Session (through
initializers, runs, `Saver` restores and `tfvars_jax.checkpoint`, which writes and reads it
shard by shard) and in `data_parallel` steps. A Session run that touches a sharded variable is
one SPMD program over its mesh (XLA inserts the collectives); the run's other variables are
replicated over the mesh for the run and sent back to their own device after it.
"""
import contextlib

import jax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from tfvars_jax.framework import context
from tfvars_jax.runtime.state import State

__all__ = ["Mesh", "NamedSharding", "PartitionSpec", "replicated", "batch_sharded",
           "data_parallel", "shard_variables", "variable_shardings", "local_cluster"]


def replicated(mesh):
    """The sharding that keeps a whole copy on every device of `mesh`."""
    return NamedSharding(mesh, PartitionSpec())


def batch_sharded(mesh, axis=None):
    """The sharding that splits dimension 0 over mesh axis `axis` (default: all mesh axes)."""
    return NamedSharding(mesh, PartitionSpec(axis if axis is not None else mesh.axis_names))


@contextlib.contextmanager
def shard_variables(mesh, spec):
    """Variables created inside (`tf.Variable`, `get_variable`, layers) are sharded over `mesh`.

    Args:
      mesh: a `jax.sharding.Mesh`.
      spec: a `PartitionSpec` for every variable, or a function `(name, TensorShape) ->
        PartitionSpec or None` (None: that variable is not sharded).

    A variable whose shape the spec does not divide raises when its value is first placed
    (JAX's error, naming the shape and the mesh). Optimizer slots of a sharded variable (Adam's
    `m`, `v`) get its sharding.
    """
    if not isinstance(mesh, Mesh):
        raise TypeError(f"shard_variables needs a jax.sharding.Mesh, not {type(mesh).__name__}")
    if isinstance(spec, PartitionSpec):
        def spec_fn(name, shape, spec=spec):  # every variable alike
            return spec
    elif callable(spec):
        spec_fn = spec
    else:
        raise TypeError(f"spec must be a PartitionSpec or a function (name, shape) -> "
                        f"PartitionSpec, not {type(spec).__name__}")

    def sharding_of(name, shape):
        found = spec_fn(name, shape)
        if found is None:
            return None
        if not isinstance(found, PartitionSpec):
            raise TypeError(f"The spec function returned {found!r} for variable '{name}'; "
                            "expected a PartitionSpec or None.")
        if shape.ndims is not None and len(found) > shape.ndims:
            raise ValueError(f"Variable '{name}' has shape {shape}, which has fewer dimensions "
                             f"than the PartitionSpec {found}.")
        return NamedSharding(mesh, found)
    with context.Entered(sharding_of, context.VARIABLE_SHARDINGS):
        yield


def variable_shardings(graph=None):
    """{variable name: its NamedSharding} for the graph's sharded variables."""
    from tfvars_jax.framework import ops as ops_lib
    graph = graph or ops_lib.get_default_graph()
    return {n: v._sharding for n, v in graph.variables_by_name.items()
            if getattr(v, "_sharding", None) is not None}


def data_parallel(step, mesh, axis=None, graph=None, donate=True):
    """`step` (from `functional.make_step`) jitted to run data-parallel over `mesh`.

    The feeds are split along dimension 0 over `axis` (default: all mesh axes; the batch size
    must divide evenly), the state is replicated on every device except the graph's sharded
    variables (`shard_variables`), which keep their sharding; the fetches come back replicated.
    XLA inserts the all-reduces that TF1's tower code wrote by hand (`reduce_mean` over the
    batch becomes a mean over all shards). With `donate`, the state's buffers are reused.

    Returns:
      `fn(state, *feeds) -> (fetches, new_state)`, compiled once per state layout and number
      of feeds. Works on a one-device mesh too (nothing is split then).
    """
    from tfvars_jax.framework import ops as ops_lib
    graph = graph or ops_lib.get_default_graph()
    shardings = variable_shardings(graph)
    whole, split = replicated(mesh), batch_sharded(mesh, axis)
    compiled = {}

    def state_layout(state):
        return State({n: shardings.get(n, whole) for n in state}, whole)

    def run(state, *feeds):
        if not isinstance(state, State):
            raise TypeError(f"data_parallel's step takes a State first, not {type(state).__name__}")
        key = (tuple(sorted(state)), len(feeds))
        fn = compiled.get(key)
        if fn is None:
            layout = state_layout(state)
            fn = compiled[key] = jax.jit(step, in_shardings=(layout,) + (split,) * len(feeds),
                                         out_shardings=(whole, layout),
                                         donate_argnums=(0,) if donate else ())
        return fn(state, *feeds)
    return run


@contextlib.contextmanager
def local_cluster(cluster, devices=None):
    """Sessions made inside run a cluster's jobs on this process's devices.

    TF1 ran `/job:ps/task:0` in another process (a `tf.train.Server`); a local Session rejects
    such devices (TF1's "Cannot assign a device"). Inside this context each task of `cluster`
    is one JAX device of this process, so a graph placed by `tf.train.replica_device_setter`
    runs here with its variables (and a partitioned variable's parts) on the ps tasks' devices.

    Args:
      cluster: a `tf.train.ClusterSpec` or its dict (`{"ps": [...], "worker": [...]}`).
      devices: {job: [JAX devices, one per task]}; default: the tasks of the jobs in the
        ClusterSpec's order take `jax.devices()` in turn (round robin when there are fewer).

    A task's device field may name only that one device (`/job:ps/task:0/device:CPU:0`);
    others raise unless `allow_soft_placement`.
    """
    from tfvars_jax.train.cluster import ClusterSpec
    spec = cluster if isinstance(cluster, ClusterSpec) else ClusterSpec(cluster)
    local = list(jax.devices())
    tasks, i = {}, 0
    for job in spec.jobs:
        given = None if devices is None else devices.get(job)
        for n, task in enumerate(spec.task_indices(job)):
            if given is not None:
                if n >= len(given):
                    raise ValueError(f"local_cluster: job '{job}' has {spec.num_tasks(job)} "
                                     f"tasks but {len(given)} devices were given for it.")
                tasks[(job, task)] = given[n]
            else:
                tasks[(job, task)] = local[i % len(local)]
                i += 1
    with context.Entered(tasks, context.LOCAL_CLUSTERS):
        yield tasks
