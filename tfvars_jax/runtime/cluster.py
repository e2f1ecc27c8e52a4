"""Clusters of processes: a TF1 cluster's worker tasks as JAX multi-controller processes.

`tf.train.Server` (train/server.py) starts one of these per process with `start(...)`: the
compute tasks (the "chief" or "master" task first, then the "worker" tasks in index order)
are JAX processes 0..n-1 of `jax.distributed.initialize`, whose coordinator is the first
compute task's address; on CPU the collectives are gloo's. A Session whose target is the
Server's (`grpc://host:port`) runs in the cluster:

  - every variable is one global `jax.Array` replicated over the workers (one device per
    process, mesh axis "worker"), whatever job its device names (`/job:ps/...` included);
  - every run is one SPMD program (`shard_map` over the mesh) that each process calls with its
    own feeds: inside, each worker computes on its own feeds as a TF1 worker does, and
    `tf.train.SyncReplicasOptimizer` all-reduces the gradients (`replica_mean`) so that every
    worker applies the same update; fetches are each worker's own values;
  - a variable written from values that differ between workers (an optimizer that is not
    synchronous: TF1's asynchronous parameter-server updates) raises when the run is traced,
    naming the variable: values would silently diverge otherwise.
"""
import os
import re
import sys
import threading

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from tfvars_jax.framework import context
from tfvars_jax.framework import errors

AXIS = "worker"
_CLUSTERS = {}  # target -> Cluster started in this process


class Cluster:
    """This process's place in a started cluster (see the module doc)."""

    def __init__(self, target, tasks, rank, salt, config=None):
        self.target = target
        self.config = config  # the Server's default session config
        self.tasks = tuple(tasks)  # (job, task index) of JAX process 0, 1, ...
        self.rank = rank
        self.num_processes = len(self.tasks)
        self.salt = salt
        self.sessions = 0
        firsts = {}
        for d in jax.devices():  # one device per process: its first
            firsts.setdefault(d.process_index, d)
        self.devices = [firsts[i] for i in range(self.num_processes)]
        self.local_device = self.devices[rank]
        self.mesh = Mesh(np.array(self.devices), (AXIS,))
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self.split = NamedSharding(self.mesh, PartitionSpec(AXIS))

    def task_name(self, rank):
        job, index = self.tasks[rank]
        return f"/job:{job}/task:{index} (JAX process {rank})"

    def next_salt(self):
        """The random salt of this process's next Session: equal on every process (the
        chief's), so that unseeded random initializers agree across workers."""
        self.sessions += 1
        return (self.salt + 7919 * self.sessions) & 0xFFFFFFFF

    # ----- values: process-local <-> global ------------------------------------------------
    def global_value(self, value):
        """A replicated global array of `value` (equal on every process)."""
        if isinstance(value, jax.Array) and value.sharding == self.replicated:
            return value
        host = np.asarray(value)
        return jax.make_array_from_callback(host.shape, self.replicated, lambda index: host[index])

    def stacked(self, value):
        """This process's `value` as its row of a global [workers, ...] array."""
        local = jnp.asarray(value)[None]
        return jax.make_array_from_single_device_arrays(
            (self.num_processes,) + local.shape[1:], self.split,
            [jax.device_put(local, self.local_device)])

    def own_row(self, value):
        """This process's row of a global [workers, ...] array."""
        return value.addressable_shards[0].data[0]


def start(target, tasks, rank, coordinator, init_timeout, heartbeat_timeout, config=None):
    """Joins the JAX distributed system as process `rank` of `tasks` (see the module doc)."""
    from jax._src import xla_bridge
    if len(tasks) > 1:
        if xla_bridge.backends_are_initialized():
            raise RuntimeError(
                "tf.train.Server must start before anything runs on JAX in this process (JAX's "
                "backends are already initialized, so this process cannot join a cluster): "
                "create the Server first, before building Sessions or computing values.")
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
        # JAX ends the process (a fatal log, no Python exception) when the others do not
        # join in time: say first, in TF1's terms, who waited for whom.
        names = [f"/job:{job}/task:{index} (JAX process {r})"
                 for r, (job, index) in enumerate(tasks)]
        message = (f"tf.train.Server: not every task of the cluster joined within "
                   f"{init_timeout:g} s (TFVARS_JAX_CLUSTER_INIT_TIMEOUT). This is {names[rank]}; "
                   f"the cluster's processes are {', '.join(names)}, coordinator {coordinator}. "
                   "Start every worker task's process; JAX now ends this one.\n")
        watchdog = threading.Timer(max(init_timeout - 1.0, init_timeout * 0.8),
                                   lambda: (sys.stderr.write(message), sys.stderr.flush()))
        watchdog.daemon = True
        watchdog.start()
        try:
            jax.distributed.initialize(coordinator, num_processes=len(tasks), process_id=rank,
                                       initialization_timeout=int(init_timeout),
                                       heartbeat_timeout_seconds=int(heartbeat_timeout))
        finally:
            watchdog.cancel()
    salt = _shared_salt(rank, len(tasks))
    cluster = _CLUSTERS[target] = Cluster(target, tasks, rank, salt, config)
    return cluster


def _shared_salt(rank, n):
    salt = int.from_bytes(os.urandom(4), "little")
    if n == 1:
        return salt
    from jax._src import distributed
    client = distributed.global_state.client
    if rank == 0:
        client.key_value_set("tfvars_jax/salt", str(salt))
        return salt
    return int(client.blocking_key_value_get("tfvars_jax/salt", 60_000))


def for_target(target):
    """The started cluster a Session `target` names, or None for ''. Raises for a target of
    no Server of this process."""
    if not target:
        return None
    target = target.decode() if isinstance(target, bytes) else target
    found = _CLUSTERS.get(target)
    if found is None:
        known = sorted(_CLUSTERS)
        raise NotImplementedError(
            f"Session target {target!r} is not the target of a tf.train.Server started in this "
            f"process (started: {known or 'none'}). tfvars_jax runs a cluster as JAX processes: "
            "create tf.train.Server(cluster, job_name, task_index) in each worker process and "
            "pass its `target`; use target='' for a local Session.")
    return found


# ----- tracing a run in the cluster ---------------------------------------------------------
def replica_mean(value):
    """The mean of `value` over the cluster's workers inside a cluster run (an all-reduce);
    `value` itself elsewhere (one replica)."""
    axis = context.REPLICA_AXES.current()
    if axis is None:
        return value
    return jax.lax.pmean(value, axis)


def varies(value):
    """Whether `value` (traced in a cluster run) may differ between the workers (JAX's
    varying manual axes of its type: `manual_axis_type.varying`, `vma` before JAX 0.10)."""
    aval = jax.typeof(value)
    kind = getattr(aval, "manual_axis_type", None)
    axes = kind.varying if kind is not None else getattr(aval, "vma", ())
    return AXIS in axes


def replica_any(flags):
    """Check flags set on any worker, on every worker (so that all of them fail the run
    together and keep equal variables); `flags` itself outside a cluster run."""
    axis = context.REPLICA_AXES.current()
    if axis is None or not varies(flags):
        return flags
    return jax.lax.pmax(flags.astype(jnp.int32), axis).astype(flags.dtype)


def replica_count():
    """The number of workers the current trace runs on (1 outside a cluster run)."""
    axis = context.REPLICA_AXES.current()
    return 1 if axis is None else jax.lax.axis_size(axis)


def cluster_step(cluster, step):
    """`step(donated, readonly, feeds, counter)` (a Plan's, see compiler.Plan.step) as one SPMD
    program over the cluster's workers: variables and the counter replicated, each feed, fetch
    and flag one row per worker (`stacked`/`own_row`)."""
    spec = PartitionSpec

    def body(donated, readonly, feeds, counter):
        feeds = tuple(f[0] for f in feeds)
        with context.Entered(AXIS, context.REPLICA_AXES):
            outs, new_vars, flags, reports = step(donated, readonly, feeds, counter)
        for name, value in new_vars.items():
            if varies(value):
                raise errors.InvalidArgumentError(
                    None, None,
                    f"Variable '{name}' would get a different value on each worker of the "
                    "cluster (it is written from this worker's own feeds). tfvars_jax trains "
                    "a cluster synchronously, with every variable replicated over the workers; "
                    "TF1's asynchronous parameter-server updates are not reproduced. Wrap the "
                    "optimizer in tf.train.SyncReplicasOptimizer (gradients are then averaged "
                    "over the workers), or write the variable from values equal on every worker.")
        outs = tuple(_varying(o)[None] for o in outs)
        if flags is not None:
            flags = _varying(flags)[None]
        return outs, new_vars, flags, reports

    def fn(donated, readonly, feeds, counter):
        return jax.shard_map(
            body, mesh=cluster.mesh,
            in_specs=(spec(), spec(), spec(AXIS), spec()),
            out_specs=(spec(AXIS), spec(), spec(AXIS), spec()))(donated, readonly, feeds, counter)
    return fn


def _varying(value):
    """`value` typed as varying over the workers (a fetch is each worker's own)."""
    value = jnp.asarray(value)
    if varies(value):
        return value
    return jax.lax.pcast(value, AXIS, to="varying")


def failed_collective(cluster, error):
    """The error to raise when a cluster run failed in JAX's collectives (another process died
    or left): UnavailableError naming the other workers."""
    others = [cluster.task_name(r) for r in range(cluster.num_processes) if r != cluster.rank]
    peer = re.search(r"\[([0-9.:]+)\]:(\d+)", str(error))
    return errors.UnavailableError(
        None, None,
        f"A run of the cluster failed on {cluster.task_name(cluster.rank)}: the collective with "
        f"the other worker(s) {', '.join(others)} broke "
        f"({'peer ' + peer.group(0) + ' ' if peer else ''}closed the connection): a worker "
        f"process died or stopped. JAX's error: {str(error)[:300]}")
