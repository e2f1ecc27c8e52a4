"""The compiler: from (fetches, feeds) to one pure, jit-compiled state transition.

`compile_plan` prunes the graph to what the fetches need (following inputs and control
inputs, stopping at fed tensors), orders the ops by creation (the order in which their
effects take place, see ARCHITECTURE.md), resolves what depends on initialization status, and
records which variables the run reads and writes. A `Plan` then runs as

    step(donated_vars, readonly_vars, feeds, rng) -> (fetches, written_vars, error_flags)

under `jax.jit`, passing only the variables the run touches and donating only those it writes.
String-valued ops run host-side with NumPy, outside the jitted function. Plans that write very
many variables (initializers) run op by op through a per-kernel jit cache instead, because
one jit with thousands of outputs compiles slowly.
"""
import functools
import operator
import zlib

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import errors
from tfvars_jax.framework.op_kind import PURE
from tfvars_jax.framework.precision import tf_precision
from tfvars_jax.runtime import cluster as cluster_lib
from tfvars_jax.runtime import placement
from tfvars_jax.runtime import prechecks
from tfvars_jax.runtime import step_cache

EAGER_WRITE_THRESHOLD = 256  # plans writing more variables than this run op by op
_WIDE_DTYPES = frozenset(("int64", "uint64", "float64", "complex128"))


def _device_put_wide(feeds, indices):
    """64-bit fed values moved to the device in TF precision (outside it JAX would narrow them)."""
    feeds = list(feeds)
    with tf_precision():
        for j in indices:
            feeds[j] = jax.device_put(feeds[j])
    return tuple(feeds)


# ----- pruning and planning -----------------------------------------------------------------
def _prune(targets, fed, resolved):
    """Ops needed to compute `targets`, walking the inputs each op's kind asks for and control
    inputs, stopping at fed tensors."""
    needed = set()
    stack = list(targets)
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        for t in op.kind.prune_inputs(op, resolved):
            if t not in fed:
                stack.append(t.op)
        stack.extend(op._control_inputs)
    return needed


def compile_plan(fetch_tensors, target_ops, feeds, initialized, placer=None):
    """Builds the Plan for fetching `fetch_tensors` and running `target_ops` with `feeds`.

    Args:
      fetch_tensors: unique Tensors whose values the run returns.
      target_ops: Operations to run (fetched ops).
      feeds: Tensors whose values the caller supplies.
      initialized: container of the variable names initialized before the run.
      placer: the Session's `placement.Placer` (None: everything on JAX's default device).
    Returns:
      (Plan, init_dependent_vars): the names whose initialization status the plan baked in.
    Raises:
      errors.InvalidArgumentError: a placeholder the run needs is not fed.
      NotImplementedError: a feed the run cannot honour exactly (see each kind's `check_plan`).
    """
    fed = frozenset(feeds)
    targets = [t.op for t in fetch_tensors if t not in fed] + list(target_ops)
    ops = sorted(_prune(targets, fed, {}), key=lambda o: o._id)
    # Resolve initialization-dependent ops in program order; then prune again.
    resolved = {}
    written = set()
    init_dependent = set()
    for op in ops:
        names = op.kind.status_vars(op)
        if names is not None:
            init_dependent.update(n for n in names if n not in written)
            resolved[op] = {n: (n in written or n in initialized) for n in names}
        written.update(op.kind.var_writes(op))
    if resolved:
        ops = sorted(_prune(targets, fed, resolved), key=lambda o: o._id)
    # Host-side inputs (a kind with `before_run`: tf.data's get_next): the outputs not fed by
    # the caller are pulled on the host before the step and enter it as feeds (`Plan.pull`).
    pulls = [op for op in ops if op.kind.before_run]
    pulled = [t for op in pulls for t in op.outputs if t not in fed]
    for op in ops:
        op.kind.check_plan(op, fed.union(pulled))
    plan = Plan(ops, fetch_tensors, list(feeds) + pulled, resolved)
    plan.pulls, plan.pulled, plan.n_user_feeds = pulls, frozenset(pulled), len(feeds)
    if placer is not None:
        placement.place(plan, placer)
        if plan.segments or plan.moved or plan.homes or plan.cluster is not None:
            # Values move between devices, or feeds, fetches and flags are converted for a
            # cluster, around the call (`run`): not one flat call.
            plan.flat = plan.deferrable = False
    # What a Session may run on its hot path: one flat call, nothing to pull.
    plan.hot = plan.flat and not pulls
    return plan, tuple(sorted(init_dependent))


class Plan:
    """A pruned, ordered, compiled run. Call `run(values, feed_values, rng, donate)`."""

    def __init__(self, ops, fetch_tensors, feeds, resolved):
        self.resolved = resolved
        self.fetches = list(fetch_tensors)
        self.feeds = list(feeds)
        host_ops = [op for op in ops if op.host]
        dev_ops = [op for op in ops if not op.host]
        self.host_ops, self.dev_ops = host_ops, dev_ops
        # The tensors the run consumes or fetches: a loop runs only what these need.
        self.used = frozenset(t for op in ops for t in op.inputs) | frozenset(fetch_tensors)
        fed = self.fed = frozenset(feeds)
        self.host_inputs, self.host_written = _var_io(host_ops, resolved, fed)
        dev_inputs, self.dev_written = _var_io(dev_ops, resolved, fed)
        self.inputs = tuple(self.host_inputs) + tuple(dev_inputs)
        written = set(self.dev_written)
        self.donated = tuple(n for n in dev_inputs if n in written)
        self.readonly = tuple(n for n in dev_inputs if n not in written)
        self.has_random = any(op.kind.has_random(op) for op in ops)
        self.has_checks = any(op.kind.has_checks(op, resolved) for op in ops)
        self.host_fetch = [i for i, t in enumerate(self.fetches) if t.op.host or t.dtype.base_dtype.name == "string"]
        self.dev_fetch = [i for i, t in enumerate(self.fetches) if i not in set(self.host_fetch)]
        self.host_feed = [i for i, t in enumerate(self.feeds) if t.dtype.base_dtype.name == "string"]
        self.dev_feed = [i for i, t in enumerate(self.feeds) if t.dtype.base_dtype.name != "string"]
        # Initializer-like plans (plain assigns, nothing else stateful) usually run once: they
        # compile at a low XLA optimization level, and with very many writes run op by op.
        self.one_shot = bool(self.dev_written) and not self.feeds and all(
            op.kind.op_by_op(op) for op in dev_ops)
        self.eager = self.one_shot and len(self.dev_written) > EAGER_WRITE_THRESHOLD
        self.checks = []  # (error class, message) per check flag, in order
        # Data-dependent shapes (see `_run_in_steps`): the sizes assumed for each such op,
        # from the previous run; each distinct assumption compiles once.
        self.sizes = {}
        self.data_dependent = [op for op in dev_ops if op.kind.data_dependent]
        self._report_ops = {}  # sizes key -> the ops whose actual sizes the step reports
        self._checks = {}      # sizes key -> check list of that trace
        # One compiled call with flat arguments and results, nothing host-side (the hot path):
        # (donated..., read-only..., feeds..., [rng]) -> (fetches..., written..., [flags]).
        self.flat = (not host_ops and not self.host_fetch and not self.host_feed and
                     not self.eager and not self.data_dependent)
        # A run that fetches nothing and writes variables may return before its check flags
        # are known (the Session keeps them pending): every written variable is either an
        # input, whose old value the step selects in-graph on failure, or one whose old value
        # the Session keeps meanwhile. A run writing nothing has only its checks to show: it
        # reads them at once.
        self.deferrable = self.flat and self.has_checks and not self.fetches and \
            bool(self.dev_written)
        self.fresh_written = tuple(n for n in self.dev_written if n not in set(self.donated))
        self.touched = frozenset(self.inputs).union(
            self.dev_written, self.host_written, (n for r in resolved.values() for n in r))
        self._jitted = {}       # donate -> jax.jit of the step (runs that need more than one call)
        self._executables = {}  # (donate, argument signature) -> compiled flat step
        self._last = {}         # donate -> (executable, pre-check) of the previous flat run
        # Checks of fed values taken out of a flat step (runtime/prechecks.py): op -> (used
        # arguments, ops computing them) or False, decided at the first trace; per step
        # signature the compiled pre-check (or None).
        self._precheck_ops = {}
        self._prechecks = {}
        self._traced_prechecks = None  # the PreChecks a flat trace took out, while tracing
        self.wide_feeds = [j for j, i in enumerate(self.dev_feed)
                           if self.feeds[i].dtype.base_dtype.name in _WIDE_DTYPES]
        self.arg_names = self.donated + self.readonly
        self.n_fetch, self.n_written = len(self.fetches), len(self.dev_written)
        self._wide_args = [len(self.arg_names) + j for j in self.wide_feeds]
        self._get_args = _tuple_getter(self.arg_names)
        self.trace_count = 0
        # Devices (set by `placement.place`): the plan's one device and its sharding when not
        # JAX's default device, or its segments when the run spans devices; the input
        # variables to move to the plan's device and the written ones to send back home.
        self.device, self.sharding, self.segments, self.moved, self.homes = None, None, (), (), {}
        self.cluster = None  # runtime/cluster.Cluster: the run is one program over its workers

    # ----- execution ---------------------------------------------------------------------
    pulls = ()  # ops whose kind has `before_run` (set by compile_plan)
    hot = False
    call_in_x64 = False  # the compiled step calls back into Python: called in TF precision

    def pull(self, session, feed_values):
        """The values of the pulled tensors (fed after the caller's feeds), from each pulling
        op's `kind.pull(op, session, {fed tensor: value})` in program order."""
        user = dict(zip(self.feeds[:self.n_user_feeds], feed_values))
        values = []
        for op in self.pulls:
            outs = op.kind.pull(op, session, user)
            values.extend(v for t, v in zip(op.outputs, outs) if t in self.pulled)
        return values

    def run(self, values, feed_values, rng, donate):
        """Executes the plan.

        Args:
          values: mapping name -> array for (at least) `self.inputs`.
          feed_values: arrays for `self.feeds`, in order.
          rng: `rng_input(counter, salt)`: the State's run counter and the Session's salt.
          donate: whether the written input buffers may be donated.
        Returns:
          (fetch values, updates dict). Raises `CheckFailed` (carrying the OpError and the
          donated variables' old values) when a run-time check fails; nothing is updated then.
        """
        if self.moved:  # variables living on another device than this plan's
            values = placement.moved(values, self.moved, self.device)
        if self.flat:
            outs, new, flags = self.run_flat(values, feed_values, rng, donate)
            if flags is not None:
                self.raise_failed(flags, new)
            new_vars = dict(zip(self.dev_written, new))
        else:
            with tf_precision():
                outs, new_vars = self._run_in_steps(values, feed_values, rng, donate)
        if self.homes:
            new_vars = placement.sent_home(new_vars, self.homes)
        return outs, new_vars

    def run_flat(self, values, feed_values, rng, donate):
        """Dispatches a `flat` plan: (fetch values, written values in `dev_written` order, the
        check flags or None). Returns as soon as the call is dispatched; the caller reads the
        flags (`raise_failed`) or keeps them pending."""
        out = self.dispatch(values, feed_values, rng, donate)
        nf, nw = self.n_fetch, self.n_written
        return out[:nf], out[nf:nf + nw], out[-1] if self.has_checks else None

    def dispatch(self, values, feed_values, rng, donate):
        """Calls a `flat` plan's step: (fetches..., written values..., [flags])."""
        args = self._get_args(values)
        if feed_values:
            args += tuple(feed_values)
            if self._wide_args:
                args = _device_put_wide(args, self._wide_args)
        if rng is not None:
            args += (rng,)
        last = self._last.get(donate)
        if last is not None:
            exe, pre = last
            try:
                if pre is not None:
                    pre(args)  # raises before anything runs
                return exe(*args)
            except TypeError:  # arguments of other shapes or dtypes than the previous run's
                pass
        return self._call(donate, args)

    def failure(self, flags):
        """The OpError of the first failed check in `flags` (a flat run's), or None."""
        flags = np.asarray(flags) if flags is not None else None
        if flags is None or not flags.any():
            return None
        cls, msg = self._checks[()][int(np.argmax(flags))]
        return cls(None, None, msg)

    def raise_failed(self, flags, new):
        """Raises CheckFailed if a check in `flags` failed (`new`: the run's written values)."""
        error = self.failure(flags)
        if error is not None:
            restore = dict(zip(self.dev_written, new))
            raise CheckFailed(error, {n: restore[n] for n in self.donated})

    def _call(self, donate, args):
        """Calls the flat step compiled ahead of time for these arguments' shapes and dtypes
        (`dispatch` first tries the previous run's).

        Tracing and compiling happen in TF precision (JAX's x64 mode); the call itself does
        not enter it: JAX's dispatch takes a slow path when a thread's configuration changes
        on every call (~15 µs), while a compiled executable keeps the dtypes it was built for.
        Each new signature (a new feed shape) compiles once. The call goes straight to the
        executable's C++ dispatcher (`Compiled._call`, 0.3 µs less than `Compiled.__call__`).
        """
        key = (donate,) + tuple((a.shape, a.dtype, getattr(a, "weak_type", False)) for a in args)
        exe = self._executables.get(key)
        if exe is None:
            nd = len(self.donated)
            options = _ONE_SHOT_COMPILER_OPTIONS if self.one_shot else None
            on_device = {} if self.sharding is None else {"in_shardings": self.sharding,
                                                          "out_shardings": self.sharding}
            with tf_precision():
                def trace_and_compile():
                    self._traced_prechecks = taken = []
                    try:
                        return jax.jit(self._flat_step,
                                       donate_argnums=tuple(range(nd)) if donate else (),
                                       compiler_options=options,
                                       **on_device).lower(*args).compile(), taken
                    finally:
                        self._traced_prechecks = None

                # Through our cache of steps keyed on the plan's structure
                # (runtime/step_cache.py): a hit skips tracing and lowering.
                compiled, taken = step_cache.compiled_step(self, donate, args, options,
                                                           trace_and_compile)
                nv = nd + len(self.readonly)
                self._prechecks[key] = prechecks.PreChecks(
                    taken, [self.feeds[i] for i in self.dev_feed], nv, args) if taken else None
            exe = self._executables[key] = compiled
        pre = self._prechecks[key]
        if pre is not None:
            pre(args)  # raises before anything runs
        out = self._in_precision(exe)(*args)
        # After its first call a Compiled holds its C++ dispatcher.
        exe = self._executables[key] = getattr(exe, "_call", None) or exe
        self._last[donate] = (self._in_precision(exe), pre)
        return out

    def _in_precision(self, exe):
        """`exe`, called in TF precision if the step calls back into Python (`call_in_x64`)."""
        if not self.call_in_x64:
            return exe

        def call(*args):
            with tf_precision():
                return exe(*args)
        return call

    def _flat_step(self, *args):
        nd, nr, nf = len(self.donated), len(self.readonly), len(self.dev_feed)
        donated = dict(zip(self.donated, args[:nd]))
        readonly = dict(zip(self.readonly, args[nd:nd + nr]))
        feeds = args[nd + nr:nd + nr + nf]
        rng = args[nd + nr + nf] if self.has_random else None
        outs, new_vars, flags, _ = self.step(donated, readonly, feeds, rng, mode="trace")
        if flags is None and self._traced_prechecks:  # every check is a pre-check
            self.has_checks = self.deferrable = False
        out = tuple(outs) + tuple(new_vars[n] for n in self.dev_written)
        if self.has_checks:
            out += (flags,)
        return out

    def _run_in_steps(self, values, feed_values, rng, donate):
        """Runs with host-side ops, run-time checks or op by op (in TF precision)."""
        fetched = [None] * len(self.fetches)
        updates = {}
        if self.host_ops or self.host_fetch:  # a fetched string may be fed, with no host op to run
            # every feed: a fetched host tensor may be a fed numeric one (a dataset element
            # with string and number components)
            env = dict(zip(self.feeds, feed_values))
            hvars = {n: values[n] for n in self.host_inputs}
            Interpreter(env, hvars, self.resolved, None, "host", self.fed).execute(self.host_ops)
            for i in self.host_fetch:
                fetched[i] = env[self.fetches[i]]
            updates.update({n: hvars[n] for n in self.host_written})
        if self.segments:  # a run spanning devices: one program per segment
            dev_feeds = tuple(feed_values[i] for i in self.dev_feed)
            outs, new_vars, flagged = placement.run_segments(self, values, dev_feeds, rng)
            for flags, checks in flagged:
                flags = np.asarray(flags)
                if flags.any():  # nothing was donated: the old values are still the Session's
                    cls, msg = checks[int(np.argmax(flags))]
                    raise CheckFailed(cls(None, None, msg), {})
            for i, v in zip(self.dev_fetch, outs):
                fetched[i] = v
            updates.update(new_vars)
        elif self.dev_ops or self.dev_fetch:
            dev_feeds = tuple(feed_values[i] for i in self.dev_feed)
            donated = {n: values[n] for n in self.donated}
            readonly = {n: values[n] for n in self.readonly}
            cluster = self.cluster
            if cluster is not None:  # global arrays: variables replicated, feeds one row each
                donated = {n: cluster.global_value(v) for n, v in donated.items()}
                readonly = {n: cluster.global_value(v) for n, v in readonly.items()}
                dev_feeds = tuple(cluster.stacked(v) for v in dev_feeds)
                if rng is not None:
                    rng = cluster.global_value(rng)
            # Data-dependent shapes: run with the sizes assumed (the last run's); each such
            # op checks its actual sizes, and on a mismatch the run changes nothing and runs
            # again with the actual sizes (at most once per data-dependent op).
            learned = False
            for _ in range(len(self.data_dependent) + 2):
                key = self._sizes_key()
                if self.eager:
                    outs, new_vars, flags, reports = self.step(donated, readonly, dev_feeds, rng,
                                                               mode="eager")
                else:
                    try:
                        # The counter is an argument only when random ops need it.
                        outs, new_vars, flags, reports = self._call_jit(
                            donate, key, donated, readonly, dev_feeds, rng)
                    except (errors.OpError, TypeError, ValueError):
                        # An op after a data-dependent one may not trace with the sizes
                        # assumed (`x * tf.range(5.0)` needs 5 rows): learn the actual sizes
                        # op by op (concrete values, nothing written) and trace again.
                        if not self.data_dependent or learned:
                            raise
                        learned = True
                        run = self._learn_sizes(donated, readonly, dev_feeds, rng)
                        self.sizes.update(run)
                        continue
                if not self.has_checks:
                    break
                flags = np.asarray(flags)
                if not flags.any():
                    break
                restore = {n: new_vars[n] for n in self.donated}  # old values, selected in-graph
                cls, msg = self._checks[key][int(np.argmax(flags))]
                if cls is not SizeMismatch:
                    raise CheckFailed(cls(None, None, msg), restore)
                self.sizes.update({op: tuple(int(d) for d in np.asarray(r))
                                   for op, r in zip(self._report_ops[key], reports)})
                donated = restore
            else:
                raise AssertionError("data-dependent sizes did not settle")
            for i, v in zip(self.dev_fetch, outs):
                fetched[i] = v
            updates.update(new_vars)
        return fetched, updates

    def _call_jit(self, donate, key, donated, readonly, dev_feeds, rng):
        args = (donated, readonly, dev_feeds, rng if self.has_random else None)
        if self.cluster is None:
            return self._jit(donate, key)(*args)
        try:
            outs, new_vars, flags, reports = self._jit(donate, key)(*args)
            outs = tuple(self.cluster.own_row(o) for o in outs)
            if flags is not None:
                flags = self.cluster.own_row(flags)
        except (ValueError, RuntimeError) as e:
            if "Gloo" in str(e) or "collective" in str(e).lower():
                raise cluster_lib.failed_collective(self.cluster, e) from None
            raise
        return outs, new_vars, flags, reports

    def _learn_sizes(self, donated, readonly, dev_feeds, rng):
        """The data-dependent ops' actual output sizes for these inputs, from an op-by-op run
        whose results are dropped (the donated buffers are only read)."""
        *_, reports = self.step(donated, readonly, dev_feeds, rng, mode="eager")
        ops = self._report_ops[self._sizes_key()]
        return {op: tuple(int(d) for d in np.asarray(r)) for op, r in zip(ops, reports)}

    def _sizes_key(self):
        return tuple(self.sizes.get(op) for op in self.data_dependent)

    def _jit(self, donate, sizes_key=()):
        fn = self._jitted.get((donate, sizes_key))
        if fn is None:
            sizes = {op: s for op, s in zip(self.data_dependent, sizes_key) if s is not None}
            on_device = {} if self.sharding is None else {"in_shardings": self.sharding,
                                                          "out_shardings": self.sharding}
            step = functools.partial(self.step, mode="trace", sizes=sizes)
            if self.cluster is not None:
                step = cluster_lib.cluster_step(self.cluster, step)
            fn = self._jitted[(donate, sizes_key)] = jax.jit(
                step,
                donate_argnums=(0,) if donate and self.donated else (), **on_device)
        return fn

    def step(self, donated, readonly, dev_feeds, counter, mode, sizes=None):
        """The pure function: (vars, feeds, counter) -> (fetches, written vars, check flags,
        the actual sizes of the data-dependent ops), with `sizes` assumed for those ops."""
        self.trace_count += mode == "trace"
        env = {self.feeds[i]: v for i, v in zip(self.dev_feed, dev_feeds)}
        vars_ = dict(readonly)
        vars_.update(donated)
        run = Interpreter(env, vars_, self.resolved, counter, mode, self.fed)
        run.sizes = sizes or {}
        run.used = self.used
        if self._traced_prechecks is not None:
            run.precheck = self._take_precheck
        run.execute(self.dev_ops)
        if run.notes.get("x64 call"):  # a host callback (py_func) gets TF1's dtypes at call time
            self.call_in_x64 = True
        flags = run.flags
        self.checks = run.checks
        key = self._sizes_key() if sizes is None else tuple(
            sizes.get(op) for op in self.data_dependent)
        self._checks[key] = run.checks
        self._report_ops[key] = [op for op, _ in run.size_reports]
        reports = tuple(actual for _, actual in run.size_reports)
        outs = tuple(env[self.fetches[i]] for i in self.dev_fetch)
        new_vars = {n: vars_[n] for n in self.dev_written}
        if flags:
            # In a cluster, a check failing on one worker fails the run on all of them.
            flag_arr = cluster_lib.replica_any(jnp.stack(flags))
            any_err = jnp.any(flag_arr)
            # On a failed check, give the donated variables their old values back.
            for n in self.donated:
                new_vars[n] = jnp.where(any_err, donated[n], new_vars[n])
        else:
            flag_arr = None
        return outs, new_vars, flag_arr, reports


    def _take_precheck(self, op, args):
        """At a flat trace: whether `op`'s check (on the values `args`) becomes a pre-check of
        the feeds (recorded in `_traced_prechecks`) instead of a flag of the step."""
        if not self.donated or not prechecks.is_candidate(op):
            # A step that updates no input variable has no old values to select back: its
            # check costs nothing in the step, while a pre-check is one more call to wait for.
            return False
        avals = [jax.ShapeDtypeStruct(np.shape(a), a.dtype) for a in args]
        decision = self._precheck_ops.get(op)
        if decision is None:
            used = prechecks.used_arguments(op.check.predicate, avals)
            ops = prechecks.feed_only_ops([t for t, u in zip(op._inputs, used) if u], self.fed)
            decision = self._precheck_ops[op] = False if ops is None else (used, ops)
        if decision is False:
            return False
        self._traced_prechecks.append(prechecks.PreCheck(op, avals, *decision))
        return True


class SizeMismatch(Exception):
    """A data-dependent op's actual output size differs from the one the run assumed (the
    Plan then runs again with the actual size; never raised to the user)."""


class CheckFailed(Exception):
    """A run-time check failed: `error` is the OpError to raise, `restore` the donated
    variables' old values (the Session puts them back, so the run changes nothing)."""

    def __init__(self, error, restore):
        super().__init__(str(error))
        self.error = error
        self.restore = restore


def _tuple_getter(names):
    """`f(mapping) -> tuple of the values of names` (itemgetter, always a tuple)."""
    if len(names) > 1:
        return operator.itemgetter(*names)
    if names:
        name, = names
        return lambda mapping: (mapping[name],)
    return lambda mapping: ()


def _var_io(ops, resolved, fed):
    """(input var names in first-use order, written var names) for ops in program order."""
    written, inputs, seen = [], [], set()
    wset = set()
    for op in ops:
        for n in op.kind.var_reads(op, resolved, fed):
            if n not in wset and n not in seen:
                seen.add(n)
                inputs.append(n)
        for n in op.kind.var_writes(op):
            if n not in wset:
                wset.add(n)
                written.append(n)
    return inputs, written


# ----- the interpreter --------------------------------------------------------------------
def rng_input(counter, salt=0):
    """The step's random-number argument: the State's run counter and the Session's salt."""
    if isinstance(counter, (int, np.integer)):
        return np.array([counter & 0xFFFFFFFF, salt & 0xFFFFFFFF], np.uint32)
    return jnp.stack([jnp.asarray(counter).astype(jnp.uint32), jnp.asarray(salt, jnp.uint32)])


def _op_key(graph_seed, op_seed, salted, rng):
    """The PRNG key of a random op in a run: from (graph seed, op seed, run counter), and for
    an op without any seed also the Session's salt, so that it draws fresh values in every
    Session (TF1 seeds such kernels at random when a session creates them)."""
    key = jax.random.fold_in(jax.random.PRNGKey(graph_seed), op_seed)
    key = jax.random.fold_in(key, rng[0])
    key = jax.random.fold_in(key, rng[1]) if salted else key
    for j in range(2, rng.shape[0]):  # loop iterations (one entry per enclosing loop)
        key = jax.random.fold_in(key, rng[j])
    return key


class Interpreter:
    """Runs ops in program order: the `RunContext` that op kinds run against.

    `mode` is "trace" inside the jitted step and nested programs, "eager" for op-by-op runs
    (each kernel through a cached jit), and "host" for string ops (kernels called on NumPy).
    `fed` are the tensors whose values the caller supplied (already in `env`): an op whose
    outputs are all fed is not computed unless it writes variables, and a read of a variable
    whose ref tensor is fed gives the fed value. Being in `env` is not being fed: a fetched
    variable's ref is in `env` too.
    """

    def __init__(self, env, vars_, resolved, rng, mode="trace", fed=frozenset()):
        self.env = env
        self.vars = vars_
        self.resolved = resolved
        self.rng = rng
        self.mode = mode
        self.fed = fed
        self.flags = []   # one bool per run-time check, in program order
        self.checks = []  # (error class, message) per flag
        self.seen = {}    # op -> {variable alias it consumed: the value it saw}
        self.for_gradients = False  # a gradient's replay: loops must be reverse-differentiable
        self.used = None         # the tensors the plan consumes or fetches (None: all)
        self.sizes = {}          # data-dependent op -> the output sizes this trace assumes
        self.size_reports = []   # (data-dependent op, its actual sizes), in program order
        self.notes = {}          # what the traced program needs when called (shared by subs)
        self.precheck = None     # Plan._take_precheck while tracing a flat step

    def execute(self, ops):
        fed, env = self.fed, self.env
        for op in ops:
            outs = op._outputs
            if outs and fed and all(t in fed for t in outs) and not op.kind.var_writes(op):
                continue
            current = self._aliases_now(op)
            if current:  # the op sees the variables' values at its own position; the aliases'
                saved = {t: env[t] for t in current}  # own values stay what their reads saw
                env.update(current)
                self.seen[op] = current
                op.kind.run(op, self)
                env.update(saved)
            else:
                op.kind.run(op, self)

    def _aliases_now(self, op):
        """{input: the variable's value now} for the op's inputs that alias a variable."""
        current = None
        for t in op.kind.value_inputs(op):  # not a state op's ref input: that names the variable
            src = t.op
            if src.kind.aliases_variable(src) and t not in self.fed and src.var in self.vars and \
                    not (src._inputs and src._inputs[0] in self.fed):
                if current is None:
                    current = {}
                current[t] = self.vars[src.var]
        return current

    def sub(self, env, vars_, iteration=None):
        """A nested program (cond branch, loop body, gradient replay): traced, nothing fed,
        own flags. In a loop body, `iteration` (a traced int) makes random ops draw afresh."""
        rng = self.rng
        if iteration is not None and rng is not None:
            rng = jnp.concatenate([rng, jnp.reshape(jnp.asarray(iteration).astype(jnp.uint32), [1])])
        sub = Interpreter(env, vars_, self.resolved, rng)
        sub.seen = dict(self.seen)
        sub.for_gradients = self.for_gradients
        sub.sizes = self.sizes
        sub.notes = self.notes
        return sub

    def assumed_sizes(self, op, guess, actual):
        """The output sizes the run assumes for data-dependent op `op`: the `actual` ones when
        values are concrete (op by op), else those of the last run (`guess` if none yet)."""
        if self.mode == "eager" and not isinstance(actual, jax.core.Tracer):
            self.sizes[op] = tuple(int(d) for d in np.asarray(actual))  # for gradient replays
        return self.sizes.get(op, guess)

    def check_sizes(self, op, actual, assumed):
        """Records whether data-dependent op `op`'s `actual` sizes (traced) are the `assumed`
        ones; on a mismatch the Plan runs again with the actual sizes."""
        if self.for_gradients:  # a replay: the forward op checked the same sizes
            return
        self.fail_if(jnp.any(actual != jnp.asarray(assumed, actual.dtype)), SizeMismatch, op.name)
        self.size_reports.append((op, actual))

    def store(self, op, value):
        outs = op._outputs
        if isinstance(value, tuple):
            for t, v in zip(outs, value):
                if t not in self.fed:
                    self.env[t] = v
        elif outs and outs[0] not in self.fed:
            self.env[outs[0]] = value

    def call(self, op, args, direct=False):
        """Calls the op's kernel: traced (constant-folded when all inputs are known), through a
        cached jit (eager), or directly (host mode, or `direct` for cheap kernels)."""
        mode = "host" if direct and self.mode == "eager" else self.mode
        try:
            if mode == "eager":
                return _jitted(op.kernel)(*args)
            if mode == "trace" and op.kind is PURE and not any(isinstance(a, jax.core.Tracer) for a in args):
                with jax.ensure_compile_time_eval():
                    return op.kernel(*args)
            return op.kernel(*args)
        except errors.OpError as e:
            e.op = op
            raise
        except (TypeError, ValueError) as e:
            raise errors.InvalidArgumentError(None, op, f"{op.type} op '{op.name}': {e}") from None

    def random_key(self, op):
        seed0, seed1 = op.seed[0], op.seed[1]
        if op.seed[2] and context.REPLICA_AXES.current() is not None:
            # An unseeded op in a cluster run: its seeds were drawn in each process, so they
            # come from its name (equal in every worker's graph) and the cluster's salt.
            seed0, seed1 = zlib.crc32(op.name.encode()), 0
        graph_seed, op_seed = np.uint32(seed0 & 0x7FFFFFFF), np.uint32(seed1 & 0xFFFFFFFF)
        key_fn = _jitted(_op_key, static_argnums=2) if self.mode == "eager" else _op_key
        return key_fn(graph_seed, op_seed, op.seed[2], self.rng)

    def check(self, op, args):
        if self.precheck is not None and self.precheck(op, args):
            return  # evaluated on the feeds before the step (runtime/prechecks.py)
        predicate, error_class, message = op.check
        self.fail_if(_jitted(predicate)(*args) if self.mode == "eager" else predicate(*args),
                     error_class, message)

    def fail_if(self, flag, error_class, message):
        self.flags.append(flag)
        self.checks.append((error_class, message))


_eager_cache = {}


def _hashable(v):
    if isinstance(v, (list, tuple)):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    if isinstance(v, np.ndarray):
        return ("nd", v.dtype.str, v.shape, v.tobytes()) if v.size <= 4096 else ("nd", id(v))
    if hasattr(v, "get_config"):
        try:
            return (type(v), _hashable(v.get_config()))
        except Exception:  # noqa: BLE001 - fall back to identity
            return (type(v), id(v))
    try:
        hash(v)
        return v
    except TypeError:
        return ("id", id(v))


def _function_key(fn):
    if isinstance(fn, functools.partial):
        return (fn.func, _hashable(fn.args), _hashable(fn.keywords))
    return (fn,)


# Op-by-op kernels and one-shot plans (initializers) run once: compile them fast rather than
# optimize them.
_EAGER_COMPILER_OPTIONS = _ONE_SHOT_COMPILER_OPTIONS = {"xla_backend_optimization_level": 0}


def _jitted(fn, static_argnums=()):
    """A cached `jax.jit` of a kernel; kernels with equal configuration share one compile."""
    key = _function_key(fn)
    jitted = _eager_cache.get(key)
    if jitted is None:
        jitted = _eager_cache[key] = jax.jit(fn, static_argnums=static_argnums,
                                             compiler_options=_EAGER_COMPILER_OPTIONS)
    return jitted
