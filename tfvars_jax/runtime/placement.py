"""Placement that runs: TF1 device strings mapped to the process's JAX devices.

`Placer(config)` resolves an op's device string (`framework/device.py` parses it) as TF1's
placer does for a local Session (target ''):
  - `/cpu:N`, `/gpu:N`, `/tpu:N` name the N-th JAX device of that platform in this process;
    `/job:localhost/replica:0/task:0` and an unspecified job/replica/task name this process;
    no device type means the default device (JAX's first device: the first GPU if there is
    one, as TF1's GPU:0, else CPU:0);
  - `ConfigProto(device_count={'CPU': n, 'GPU': m})` keeps only the first n (m) devices of a
    type; TF1 makes one CPU device unless told more, JAX's CPU platform has as many as
    `--xla_force_host_platform_device_count` says, and all of them are available here;
  - a device that does not exist raises TF1's `InvalidArgumentError` ("Cannot assign a device
    for operation ...") unless `allow_soft_placement`, which puts the op on the same type's
    first device or else the default device. As in TF1, soft placement does not cover jobs:
    `/job:ps/task:0` in a local Session raises either way.
  - `log_device_placement` prints `name: (Type): /job:localhost/replica:0/task:0/device:CPU:0`
    for each op of a run when the run is first planned (TF1 prints when it places a graph).

`place(plan, placer)` then decides how the Plan runs (see ARCHITECTURE.md, Devices): a run
whose device ops all map to one device is one jitted program on that device; a run spanning
devices is one jitted program per *segment* (ops of one device, ordered after what they
depend on), each called on its device with its inputs transferred there, dispatched
asynchronously so that segments on different devices (towers) overlap. Variables live on their own device
(`Placer.home`); a run moves a value it needs elsewhere and puts written values back home.
"""
import functools
import sys

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec, SingleDeviceSharding

from tfvars_jax.framework import context
from tfvars_jax.framework import device as device_lib
from tfvars_jax.framework import errors
from tfvars_jax.framework.precision import tf_precision

_PLATFORMS = {"CPU": "cpu", "GPU": "gpu", "TPU": "tpu"}


@functools.lru_cache(maxsize=None)
def _platform_devices(platform):
    try:
        return tuple(jax.devices(platform))
    except RuntimeError:  # no such backend in this process
        return []


def tf_name(jax_device):
    """TF1's full name of a JAX device: `/job:localhost/replica:0/task:0/device:CPU:0`."""
    kind = jax_device.platform.upper()
    index = _platform_devices(jax_device.platform).index(jax_device)
    return f"/job:localhost/replica:0/task:0/device:{kind}:{index}"


class DeviceAttributes:
    """What TF1's `Session.list_devices()` gives for one device (see `Session.list_devices`)."""

    def __init__(self, jax_device):
        self.jax_device = jax_device
        self.name = tf_name(jax_device)
        self.device_type = jax_device.platform.upper()
        stats = jax_device.memory_stats() if hasattr(jax_device, "memory_stats") else None
        self.memory_limit_bytes = int((stats or {}).get("bytes_limit", 0))
        self.incarnation = jax_device.id

    def __repr__(self):
        return (f"_DeviceAttributes({self.name}, {self.device_type}, "
                f"{self.memory_limit_bytes}, {self.incarnation})")


class Placer:
    """Maps device strings to JAX devices under a Session's ConfigProto (see the module doc)."""

    def __init__(self, graph, config=None, cluster=None):
        self.graph = graph
        self.cluster = cluster  # runtime/cluster.Cluster of a Session in a cluster, or None
        self.soft = bool(getattr(config, "allow_soft_placement", False))
        self.log = bool(getattr(config, "log_device_placement", False))
        counts = dict(getattr(config, "device_count", None) or {})
        unknown = set(counts) - set(_PLATFORMS)
        if unknown:
            raise NotImplementedError(f"ConfigProto device_count for {sorted(unknown)}: only "
                                      f"{sorted(_PLATFORMS)} map to JAX platforms.")
        self.devices = {}
        for kind, platform in _PLATFORMS.items():
            found = list(_platform_devices(platform))
            if kind in counts:
                found = found[:max(int(counts[kind]), 0)]
            self.devices[kind] = found
        default = [d for d in jax.devices() if d in self.devices[d.platform.upper()]]
        if not default:
            default = [d for kind in _PLATFORMS for d in self.devices[kind]][:1]
        if not default:
            raise errors.InvalidArgumentError(None, None, f"ConfigProto device_count={counts} "
                                              "leaves no device to run on.")
        self.default = default[0]
        self.tasks = dict(context.LOCAL_CLUSTERS.current() or {})  # (job, task) -> device
        self.key = (self.soft, self.log, tuple((k, len(v)) for k, v in self.devices.items()),
                    tuple(sorted((k, d.id) for k, d in self.tasks.items())),
                    None if cluster is None else cluster.target)
        self._cache = {}

    def available(self):
        local = [tf_name(d) for kind in _PLATFORMS for d in self.devices[kind]]
        return local + [f"/job:{job}/replica:0/task:{task}/device:{d.platform.upper()}:0"
                        for (job, task), d in self.tasks.items()]

    def device(self, spec, op=None):
        """The JAX device for device string `spec` (of `op`, named in errors)."""
        found = self._cache.get(spec)
        if found is None:
            found = self._cache[spec] = self._resolve(spec, op)
        return found

    def _resolve(self, spec, op):
        job, replica, task, kind, index = device_lib.parse(spec)
        if self.cluster is not None:
            return self._in_cluster(spec, op, job, task)

        def fail():
            name = op.name if op is not None else "?"
            shown = device_lib.canonical(spec)
            raise errors.InvalidArgumentError(
                None, op, f"Cannot assign a device for operation {name}: {{{{node {name}}}}} was "
                f"explicitly assigned to {shown} but available devices are [ "
                f"{', '.join(self.available())} ]. Make sure the device specification refers to "
                "a valid device.")
        if job not in (None, "localhost") and (job, task or 0) in self.tasks and \
                replica in (None, 0):  # a task of a local cluster (sharding.local_cluster)
            mapped = self.tasks[(job, task or 0)]
            if kind is None or (kind == mapped.platform.upper() and index in (None, 0)):
                return mapped
            if not self.soft:
                fail()
            return mapped
        if job not in (None, "localhost") or replica not in (None, 0) or task not in (None, 0):
            fail()  # another process (TF1's soft placement does not relax jobs either)
        if kind is None:
            return self.default
        devices = self.devices.get(kind, [])
        if index is None and devices:
            return devices[0]
        if index is not None and index < len(devices):
            return devices[index]
        if not self.soft:
            fail()
        return devices[0] if devices else self.default

    def _in_cluster(self, spec, op, job, task):
        """In a cluster every op of this worker's graph runs on this process's device: its
        own task's, a ps task's (variables are replicated over the workers), or no job's. An
        op on another worker's task cannot run here (JAX runs each process's own program)."""
        cluster = self.cluster
        own_job, own_task = cluster.tasks[cluster.rank]
        if job is not None and (job, task or 0) in cluster.tasks and \
                (job, task or 0) != (own_job, own_task):
            name = op.name if op is not None else "?"
            raise errors.InvalidArgumentError(
                None, op, f"Operation {name} is placed on {device_lib.canonical(spec)}, another "
                f"worker process of the cluster; this process is /job:{own_job}/task:{own_task}. "
                "tfvars_jax runs each worker's graph in its own process (between-graph "
                "replication): place the worker's ops on its own task (replica_device_setter("
                "worker_device='/job:worker/task:%d' % task_index)).")
        return cluster.local_device

    def op_device(self, op):
        return self.device(op.device, op)

    def home(self, name):
        """Where variable `name` lives: its JAX device, or its `NamedSharding` for a variable
        sharded over a Mesh (`tfvars_jax.sharding.shard_variables`)."""
        var = self.graph.variables_by_name.get(name)
        if var is None:
            return self.default
        sharding = getattr(var, "_sharding", None)
        if self.cluster is not None:
            if sharding is not None:
                raise NotImplementedError(
                    f"Variable '{name}' is sharded over a Mesh (sharding.shard_variables) in a "
                    "Session of a cluster of processes: not supported; in a cluster every "
                    "variable is replicated over the workers.")
            return self.cluster.replicated
        if sharding is not None:
            if var.device:
                raise NotImplementedError(
                    f"Variable '{name}' has both a device ({var.device}) and a sharding over a "
                    "Mesh; create it outside the tf.device scope (the Mesh places it).")
            return sharding
        return self.device(var.device, var.op)


def log_placement(ops, placer, file=None):
    """Prints each op's placement as TF1's `log_device_placement` does."""
    out = file or sys.stdout
    for op in ops:
        print(f"{op.name}: ({op.type}): {tf_name(placer.op_device(op))}", file=out)


# ----- how a plan runs on its devices -------------------------------------------------------
def place(plan, placer):
    """Sets the Plan's devices: `plan.device` (its one device, or the replicated sharding of
    the mesh its sharded variables live on) or `plan.segments` (see `_segments`), the input
    variables to move to `plan.device` (`plan.moved`) and the written ones to send home
    (`plan.homes`)."""
    # Variables first: TF1's error for a bad device names the variable.
    homes = {n: placer.home(n) for n in list(plan.inputs) + list(plan.dev_written)}
    if placer.cluster is not None:
        return _place_in_cluster(plan, placer)
    if placer.log:
        log_placement(plan.host_ops + plan.dev_ops, placer)
    op_devices = [placer.op_device(op) for op in plan.dev_ops]
    # Constants, no-ops and reads compute nothing on a device: they join a neighbour's segment.
    neutral = [op.kind.name in _NEUTRAL for op in plan.dev_ops]
    distinct = {d for d, n in zip(op_devices, neutral) if not n}
    if not distinct:
        distinct = set(op_devices[:1]) or {placer.default}
    first = next(iter(distinct)) if len(distinct) == 1 else next(
        d for d, n in zip(op_devices, neutral) if not n)
    op_devices = _neutral_joined(op_devices, neutral, first)
    # Op-by-op plans (initializers of many variables) run their kernels on the default device
    # and send every written value home.
    plan.device = first if len(distinct) == 1 and not plan.eager else placer.default
    if len(distinct) > 1 and not plan.eager:
        if plan.data_dependent:
            raise NotImplementedError(
                f"A run spanning devices {sorted(tf_name(d) for d in distinct)} computes "
                f"data-dependent shapes ({plan.data_dependent[0].name}): run it on one device.")
        plan.segments = _segments(plan.dev_ops, op_devices, plan)
    meshes = {h.mesh for h in homes.values() if isinstance(h, NamedSharding)}
    if meshes:  # sharded variables: one SPMD program over their mesh
        if len(meshes) > 1 or plan.segments:
            raise NotImplementedError(
                "A run touching variables sharded over a Mesh must not also span several meshes "
                f"or tf.device devices ({len(meshes)} meshes, devices "
                f"{sorted(tf_name(d) for d in distinct)}).")
        plan.device = NamedSharding(meshes.pop(), PartitionSpec())
        plan.moved = tuple(n for n in plan.donated + plan.readonly if homes[n] != plan.device and
                           not isinstance(homes[n], NamedSharding))
        plan.homes = {n: homes[n] for n in plan.dev_written}
        return
    plan.moved = tuple(n for n in plan.donated + plan.readonly if homes[n] != plan.device)
    plan.homes = {n: homes[n] for n in plan.dev_written
                  if plan.segments or plan.eager or homes[n] != plan.device}
    if plan.device != placer.default and not plan.segments:
        plan.sharding = SingleDeviceSharding(plan.device)


def _place_in_cluster(plan, placer):
    """A run in a cluster: one SPMD program over the workers (runtime/cluster.py)."""
    for op in plan.host_ops + plan.dev_ops:
        placer.op_device(op)  # an op on another worker's task raises
    if placer.log:
        log_placement(plan.host_ops + plan.dev_ops, placer)
    if plan.data_dependent:
        raise NotImplementedError(
            f"A run in a cluster of processes computes data-dependent shapes "
            f"({plan.data_dependent[0].name}): not supported there.")
    plan.cluster = placer.cluster
    plan.device = placer.cluster.replicated
    plan.eager = False
    plan.moved, plan.homes = (), {}


_NEUTRAL = frozenset(("const", "noop", "read"))


def _neutral_joined(op_devices, neutral, first):
    """Each neutral op (a constant, a no-op, a variable's read: nothing computed on a device)
    on the device of the next op that computes, or the previous one's at the end, so that a
    constant made for its consumer is not transferred to it."""
    out, following = [None] * len(op_devices), None
    for i in range(len(op_devices) - 1, -1, -1):
        if not neutral[i]:
            following = op_devices[i]
        out[i] = following
    previous = first
    for i, dev in enumerate(out):
        if dev is None:
            out[i] = previous
        previous = out[i]
    return out


def _segments(ops, op_devices, plan):
    """The ops grouped into segments, each op in the earliest segment on its device that
    comes after everything it depends on: its inputs' and control inputs' producers, the last
    write of each variable it reads (directly or through a ref alias), and every earlier use
    of each variable it writes. Ops in one segment keep program order. So independent ops on
    one device share a segment (an initializer writing variables on two devices is 3
    programs, not one per variable), and towers stay one segment each."""
    segments, seg_of, last_write, last_touch = [], {}, {}, {}
    for op, dev in zip(ops, op_devices):
        bound = 0
        for t in op._inputs:
            bound = max(bound, seg_of.get(t.op, 0))
        for c in op._control_inputs:
            bound = max(bound, seg_of.get(c, 0))
        reads = set(op.kind.var_reads(op, plan.resolved, plan.fed))
        for t in op.kind.value_inputs(op):
            src = t.op
            if src.kind.aliases_variable(src):
                reads.add(src.var)
        writes = set(op.kind.var_writes(op))
        for n in reads | writes:
            bound = max(bound, last_write.get(n, 0))
        for n in writes:
            bound = max(bound, last_touch.get(n, 0))
        index = next((i for i in range(bound, len(segments)) if segments[i].device == dev),
                     None)
        if index is None:
            index = len(segments)
            segments.append(Segment(dev, []))
        segments[index].ops.append(op)
        seg_of[op] = index
        for n in reads | writes:
            last_touch[n] = max(last_touch.get(n, 0), index)
        for n in writes:
            last_write[n] = index
    return segments


def moved(values, names, device):
    """`values` with the arrays of `names` transferred to `device` (a new dict)."""
    values = dict(values)
    for n in names:
        values[n] = jax.device_put(values[n], device)
    return values


def at_home(value, home):
    """`value` on `home` (a device or a sharding); itself when already there."""
    if isinstance(home, NamedSharding):
        if getattr(value, "sharding", None) == home:
            return value
        if not home.is_fully_addressable:  # replicated over a cluster's processes
            host = np.asarray(value)
            return jax.make_array_from_callback(host.shape, home, lambda index: host[index])
    elif getattr(value, "devices", None) is not None and value.devices() == {home}:
        return value
    return jax.device_put(value, home)


def sent_home(updates, homes):
    """The written values, each on its variable's device (or sharding)."""
    return {n: (at_home(v, homes[n]) if n in homes else v) for n, v in updates.items()}


class _SeenKey(tuple):
    """An env key for a value an op saw of a variable alias (`Interpreter.seen`), so that a
    gradient in a later segment replays it."""


class Segment:
    """Consecutive ops of a run on one device, compiled into one program on that device.

    The first run traces every segment abstractly with every value computed before it
    available (tensors, the values ops saw, variables), keeps as inputs the ones its program
    uses, and keeps as outputs the ones later segments or the fetches use.
    """

    def __init__(self, device, ops):
        self.device = device
        self.ops = ops
        self.sharding = SingleDeviceSharding(device)
        self.env_in = self.vars_in = self.env_out = self.vars_out = None
        self.absent = {}  # key -> aval of values available but unused (stand-ins in the trace)
        self.checks = []
        self.fn = None

    def trace_fn(self, plan, env_keys, var_names, absent, out_keys, statics):
        """The segment as a function (env values, var values, feeds, rng) -> (env outputs, var
        outputs, produced keys, flags). `out_keys` None: every value it produces that is not
        known when traced (those are recorded in `self.new_statics`). `statics`: values of
        earlier segments known when traced (constants), given as constants, not inputs: a
        loop's `maximum_iterations` must stay known to the gradient that replays it."""
        from tfvars_jax.runtime.compiler import Interpreter  # the runtime's own interpreter

        def fn(env_vals, var_vals, rng):
            env, seen = dict(statics), {}
            for k, v in zip(env_keys, env_vals):
                if isinstance(k, _SeenKey):
                    seen.setdefault(k[0], {})[k[1]] = v
                else:
                    env[k] = v
            vars_ = dict(zip(var_names, var_vals))
            for k, aval in absent.items():
                stand_in = jax.tree_util.tree_map(lambda a: jnp.zeros(a.shape, a.dtype), aval)
                if isinstance(k, _SeenKey):
                    seen.setdefault(k[0], {})[k[1]] = stand_in
                elif isinstance(k, str):  # a variable's name
                    vars_[k] = stand_in
                else:
                    env[k] = stand_in
            before = set(env)
            seen_before = {(op, t) for op, d in seen.items() for t in d}
            run = Interpreter(env, vars_, plan.resolved, rng, "trace", plan.fed)
            run.seen = seen
            run.used = plan.used
            run.execute(self.ops)
            self.checks = run.checks
            produced = {k: v for k, v in env.items() if k not in before}
            for op, d in run.seen.items():
                for t, v in d.items():
                    if (op, t) not in seen_before:
                        produced[_SeenKey((op, t))] = v
            if out_keys is None:
                self.new_statics = {k: v for k, v in produced.items() if not any(
                    isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(v))}
                keys = [k for k in produced if k not in self.new_statics]
            else:
                keys = out_keys
            written = [n for op in self.ops for n in op.kind.var_writes(op)]
            new_vars = {n: vars_[n] for n in dict.fromkeys(written)}
            flags = jnp.stack(run.flags) if run.flags else None
            return tuple(produced[k] for k in keys), new_vars, flags, keys
        return fn


def _used_inputs(closed, n_env, n_vars):
    """Which of the first n_env + n_vars flat inputs a traced program uses."""
    jaxpr = closed.jaxpr
    used = set()
    for eqn in jaxpr.eqns:
        used.update(id(v) for v in eqn.invars)
    used.update(id(v) for v in jaxpr.outvars)
    return [id(v) in used for v in jaxpr.invars]


def prepare_segments(plan, feed_avals, var_avals, rng_aval):
    """Finds each segment's inputs and outputs (see `Segment`) and compiles it."""
    avail = dict(feed_avals)   # env key -> aval (pytree of ShapeDtypeStruct)
    var_avail = dict(var_avals)
    traced = []
    statics = {}  # values known when traced (constants), given to later segments as such
    for seg in plan.segments:
        env_keys, var_names = list(avail), list(var_avail)
        seg.statics = dict(statics)
        fn = seg.trace_fn(plan, env_keys, var_names, {}, None, seg.statics)
        box = {}

        def flat_fn(env_vals, var_vals, rng, fn=fn, box=box):
            outs, new_vars, flags, keys = fn(env_vals, var_vals, rng)
            box["keys"] = keys
            return outs, new_vars, flags
        with tf_precision():
            closed, shapes = jax.make_jaxpr(flat_fn, return_shape=True)(
                tuple(avail[k] for k in env_keys), tuple(var_avail[n] for n in var_names),
                rng_aval)
        leaves_per = [len(jax.tree_util.tree_leaves(avail[k])) for k in env_keys] + \
            [len(jax.tree_util.tree_leaves(var_avail[n])) for n in var_names]
        flags_used = _used_inputs(closed, 0, 0)
        used, pos = [], 0
        for count in leaves_per:
            used.append(any(flags_used[pos:pos + count]) if count else False)
            pos += count
        n_env = len(env_keys)
        seg.env_in = [k for k, u in zip(env_keys, used[:n_env]) if u]
        seg.vars_in = [n for n, u in zip(var_names, used[n_env:]) if u]
        seg.absent = {k: avail[k] for k, u in zip(env_keys, used[:n_env]) if not u}
        seg.absent.update({n: var_avail[n] for n, u in zip(var_names, used[n_env:]) if not u})
        produced_keys = box["keys"]
        out_avals, new_var_avals, _ = shapes
        for k, aval in zip(produced_keys, out_avals):
            avail[k] = aval
        var_avail.update(new_var_avals)
        seg.vars_out = list(new_var_avals)
        statics.update(seg.new_statics)
        traced.append(produced_keys)
    plan.segment_statics = statics
    needed = set(plan.fetches[i] for i in plan.dev_fetch)
    for seg, produced_keys in zip(reversed(plan.segments), reversed(traced)):
        seg.env_out = [k for k in produced_keys if k in needed]
        needed.update(seg.env_in)
    for seg in plan.segments:
        fn = seg.trace_fn(plan, seg.env_in, seg.vars_in, seg.absent, seg.env_out, seg.statics)

        def compiled(env_vals, var_vals, rng, fn=fn):
            outs, new_vars, flags, _ = fn(env_vals, var_vals, rng)
            return outs, new_vars, flags
        seg.fn = jax.jit(compiled, in_shardings=seg.sharding, out_shardings=seg.sharding)


def run_segments(plan, values, dev_feeds, rng):
    """Runs a spanning plan: each segment on its device, inputs transferred there, dispatched
    asynchronously. Returns (fetched device values, written vars, [(flags, checks)])."""
    env = {plan.feeds[i]: v for i, v in zip(plan.dev_feed, dev_feeds)}
    vars_ = {n: values[n] for n in plan.donated + plan.readonly}
    if plan.segments[0].fn is None:
        aval = lambda v: jax.tree_util.tree_map(  # noqa: E731
            lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype), v)
        with tf_precision():
            feed_avals = {k: aval(jnp.asarray(v)) for k, v in env.items()}
        prepare_segments(plan, feed_avals, {n: aval(v) for n, v in vars_.items()},
                         None if rng is None else aval(rng))
    env.update(plan.segment_statics)
    written = {}
    results = []
    for seg in plan.segments:
        env_vals = tuple(jax.device_put(env[k], seg.device) for k in seg.env_in)
        var_vals = tuple(jax.device_put(vars_[n], seg.device) for n in seg.vars_in)
        with tf_precision():
            outs, new_vars, flags = seg.fn(env_vals, var_vals, rng)
        env.update(zip(seg.env_out, outs))
        vars_.update(new_vars)
        written.update(new_vars)
        if flags is not None:
            results.append((flags, seg.checks))
    fetched = [env[plan.fetches[i]] for i in plan.dev_fetch]
    return fetched, written, results
