"""`tf.Session`: owns a State for one graph and runs compiled plans against it.

The Session is the only runtime object that changes: it swaps in the new values after each
run. Internally it updates its private mapping in place (nobody else can see it), and when a
caller has taken the State (`sess.state`), the buffers that State holds are never donated, so
nothing a user holds is ever invalidated.
"""
import contextlib
import os
import threading
import weakref

import jax
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import display
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework import sparse_tensor
from tfvars_jax.framework.precision import with_tf_precision
from tfvars_jax.framework.sparse_tensor import SparseTensor
from tfvars_jax.runtime import cluster as cluster_lib
from tfvars_jax.runtime import compiler
from tfvars_jax.runtime import placement
from tfvars_jax.runtime.fetches import FetchMapper
from tfvars_jax.runtime.state import State

class _PlanCache(dict):
    """The compiled plans of one graph, keyed by (fetches, feeds). Plans hold no values, so the
    Sessions of a graph share them; the cache lives as long as one of those Sessions does
    (the Graph keeps only graph facts). `finishing` keeps `_after_run`'s answer per key, so a
    run does not re-examine its fetches."""

    def __init__(self):
        super().__init__()
        self.finishing = {}


_plan_caches = weakref.WeakValueDictionary()  # graph -> its _PlanCache, while a Session holds it


def get_default_session():
    """The innermost session made default by `with sess:` / `sess.as_default()`, or None."""
    return context.default_session()


class ConfigProto:
    """TF1's `tf.ConfigProto`. `allow_soft_placement`, `log_device_placement` and
    `device_count` act as in TF1 (see `runtime/placement.py`); other fields (GPU options,
    thread pools) are recorded only: JAX manages its own memory and threads."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


class GPUOptions(ConfigProto):
    """TF1's `tf.GPUOptions`, recorded only (see ConfigProto)."""


class RunOptions(ConfigProto):
    """TF1's `tf.RunOptions`, recorded only; tracing options produce no trace here."""
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3


class RunMetadata(ConfigProto):
    """TF1's `tf.RunMetadata`; left empty (JAX has its own profiler)."""


class Session:
    """TF1's `tf.Session(target='', graph=None, config=None)`.

    Each distinct (fetches, feeds) compiles once into a pure `jax.jit` function; later runs
    pass only the variables they touch and donate only those they write. Two sessions on one
    graph hold independent values, as in TF1. Runs from several threads are serialised around
    dispatch, so no update is lost. `target` is '' (this process) or the target of a
    `tf.train.Server` of this process: the Session then runs in its cluster, every variable
    replicated over the worker processes (see ARCHITECTURE.md, Clusters of processes); other
    targets raise NotImplementedError.
    """

    def __init__(self, target="", graph=None, config=None):
        # A Server's target runs the Session in its cluster (runtime/cluster.py).
        self._cluster = cluster_lib.for_target(target)
        self._target = target
        if config is None and self._cluster is not None:
            config = self._cluster.config  # TF1: the Server's config is its sessions' default
        self._graph = graph if graph is not None else ops_lib.get_default_graph()
        self._config = config
        self._values = {}
        self._counter = 0
        # Random ops without any seed fold this in: fresh values in every Session, as TF1.
        self._salt = int.from_bytes(os.urandom(4), "little") if self._cluster is None else \
            self._cluster.next_salt()  # equal on every worker: unseeded initializers agree
        self._shared = set()
        self._placer = placement.Placer(self._graph, config, self._cluster)
        self._plans = _plan_caches.setdefault((self._graph, self._placer.key), _PlanCache())
        self._verified = {}  # plan -> init version at which its inputs were last found initialized
        self._runners = {}   # Session.run's (fetches, feed keys) -> f(*feed values), see _runner
        self._pending = []   # (plan, check flags, old values) of runs whose flags are unread
        self._lock = threading.RLock()
        self._closed = False
        self._init_version = 0
        self._context_stack = []

    # ----- basic properties --------------------------------------------------------------
    @property
    def graph(self):
        return self._graph

    @property
    def graph_def(self):
        raise NotImplementedError("Session.graph_def (GraphDef protos) is not supported.")

    @property
    def sess_str(self):
        return self._target.decode() if isinstance(self._target, bytes) else self._target

    def list_devices(self):
        """TF1's `Session.list_devices()`: the devices this Session may place ops on (JAX's,
        after `device_count`), each with `name` ("/job:localhost/replica:0/task:0/device:CPU:0"),
        `device_type`, `memory_limit_bytes` (JAX's `bytes_limit` where the backend reports
        one, else 0) and `incarnation`; `jax_device` is the JAX device."""
        return [placement.DeviceAttributes(d) for devices in self._placer.devices.values()
                for d in devices]

    # ----- state ---------------------------------------------------------------------------
    @property
    def state(self):
        """The current State (immutable). Its buffers stay valid: later runs do not donate them."""
        with self._lock:
            self._settle()
            if self._shared:
                self._check_alive(self._values)
            self._shared = set(self._values)
            return State(dict(self._values), self._counter)

    @state.setter
    def state(self, new_state):
        if not isinstance(new_state, State):
            new_state = State(new_state)
        with self._lock:
            self._settle()
            for name, value in new_state.items():
                self._check_value(name, value)
            self._values = {n: self._at_home(n, v) for n, v in new_state.items()}
            self._counter = int(new_state.counter)
            self._shared = set(self._values)
            self._init_version += 1

    def home_of(self, name):
        """Where variable `name`'s value lives in this Session: a JAX device (from its device
        string) or a `NamedSharding` (a variable sharded over a Mesh). Not in TF1."""
        return self._placer.home(name)

    def _at_home(self, name, value):
        """`value` on variable `name`'s device (strings stay on the host)."""
        if isinstance(value, jax.Array):
            return placement.at_home(value, self._placer.home(name))
        return value

    def _check_value(self, name, value):
        var = self._graph.variables_by_name.get(name)
        if var is None:
            raise errors.NotFoundError(None, None, f"State names variable '{name}', which is not in this "
                                                   "session's graph.")
        want = var.dtype.base_dtype
        got = dtypes.as_dtype(np.dtype(value.dtype) if hasattr(value, "dtype") else np.asarray(value).dtype)
        if want != got:
            raise errors.InvalidArgumentError(None, None, f"Variable '{name}' has dtype {want.name}, the "
                                                          f"value has {got.name}.")
        if var.shape.ndims is not None and not var.shape.is_compatible_with(np.shape(value)):
            raise errors.InvalidArgumentError(None, None, f"Variable '{name}' has shape {var.shape}, the value "
                                                          f"has shape {tuple(np.shape(value))}.")

    def _peek_value(self, name):
        """A NumPy copy of variable `name`'s value, or None if uninitialized (for displays: it
        neither shares nor donates any buffer)."""
        with self._lock:
            self._settle((name,))
            if self._shared:
                self._check_alive((name,))
            value = self._values.get(name)
            return None if value is None else np.array(value, copy=True)

    def _repr_html_(self):
        """Jupyter's rich display: the graph's variables and their values in this session."""
        if self._closed:
            return f"<p><b>{display.escape('Session (closed)')}</b></p>"
        with self._lock:  # formatted under the lock: no run donates a buffer meanwhile
            self._settle()
            if self._shared:
                self._check_alive(self._values)
            missing = [n for n in self._graph.variables_by_name if n not in self._values]
            return display.values_html("Session", self._values, missing)

    @property
    def run_counter(self):
        """The run counter that random ops fold into their keys (State.counter)."""
        return self._counter

    @run_counter.setter
    def run_counter(self, value):
        with self._lock:
            self._counter = int(value)

    @contextlib.contextmanager
    def held_state(self):
        """The current State, held: no run replaces or donates a value until the block ends
        (for writing checkpoints without copying every value first).

        Raises:
          RuntimeError: the Session is closed.
        """
        with self._lock:
            self._check_open()
            self._settle()
            if self._shared:
                self._check_alive(self._values)
            yield State(dict(self._values), self._counter)

    @with_tf_precision
    def assign_values(self, updates):
        """Sets several variables at once (restore, checkpoint tools): every value is checked
        (known variable, dtype, shape) before any is set, so a failure changes nothing."""
        converted = {}
        for name, value in updates.items():
            self._check_value(name, value)
            var = self._graph.variables_by_name[name]
            converted[name] = value if var.dtype.base_dtype == dtypes.string else jax.device_put(
                value, self._placer.home(name))
        with self._lock:
            self._check_open()
            self._settle(converted)
            if any(name not in self._values for name in converted):
                self._init_version += 1
            self._values.update(converted)
            self._shared.difference_update(converted)

    def load_variable(self, var, value):
        """`Variable.load`: sets the value directly, checking dtype and shape."""
        self.assign_values({var.op.name: np.asarray(value,
                                                    dtype=var.dtype.base_dtype.as_numpy_dtype)})

    # ----- running -------------------------------------------------------------------------
    def _check_open(self):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs the ops that `fetches` need and returns their values.

        As TF1's `Session.run`: `fetches` may be any nesting of lists, tuples, dicts and
        namedtuples of Tensors, Operations, Variables or their names, and the result has the same
        structure, with NumPy arrays for Tensors (NumPy scalars for 0-d ones) and None for
        Operations. Each distinct (fetches, fed tensors) pair is compiled once into a `jax.jit`
        step; later runs reuse it. Where TF1 leaves the order of the ops in one run open, we fix
        it: they take effect in creation order, so a ref variable's plain use sees its value from
        the start of the run unless a write created earlier also runs (see `tf.Variable`).
        `options` and `run_metadata` are accepted and ignored.

        Args:
          fetches: a graph element (Tensor, Operation, Variable, or a name such as "w:0") or any
            nesting of them in lists, tuples, dicts and namedtuples.
          feed_dict: {Tensor or name: value} replacing those tensors' values for this run
            (placeholders must be fed). Values are converted to the tensor's dtype without loss
            and checked against its static shape.
          options: a `RunOptions`; ignored.
          run_metadata: a `RunMetadata`; ignored.

        Returns:
          `fetches` with every graph element replaced by its value.

        Raises:
          RuntimeError: the Session is closed.
          TypeError: a fetch or feed key is not a graph element, or a fed value cannot be
            converted to the tensor's dtype without loss.
          ValueError: a fetch or feed key is in another graph, or a fed value has the wrong shape.
          errors.FailedPreconditionError: the run reads a variable that is not initialized.
          NotImplementedError: a feed the run cannot honour exactly (a tensor on a
            differentiated path, or inside a `tf.cond` branch).
          errors.InvalidArgumentError: a placeholder the run needs is not fed, or a run-time
            check (scatter index bounds, `tf.Assert`) fails; no variable changes.
          errors.OutOfRangeError: a `count_up_to` reached its limit; no variable changes.

        Examples:
          >>> import tfvars_jax as tf
          >>> with tf.Graph().as_default():
          ...     x = tf.placeholder(tf.float32, shape=[2])
          ...     w = tf.Variable([1.0, 2.0], name="w")
          ...     y = w * x
          ...     with tf.Session() as sess:
          ...         sess.run(tf.global_variables_initializer())
          ...         print(sess.run(y, feed_dict={x: [3.0, 4.0]}))
          ...         out = sess.run({"y": y, "total": tf.reduce_sum(y)}, feed_dict={x: [1.0, 1.0]})
          ...         print(out["y"], out["total"])
          ...         print(sess.run(w.assign([5.0, 6.0]).op))
          [3. 8.]
          [1. 2.] 3.0
          None

          Reading a variable before it is initialized raises, as in TF1:

          >>> with tf.Graph().as_default():
          ...     w = tf.Variable(1.0, name="w")
          ...     with tf.Session() as sess:
          ...         sess.run(w)
          Traceback (most recent call last):
          ...
          tfvars_jax.framework.errors.FailedPreconditionError: ...uninitialized value w...
        """
        key = _runner_key(fetches, feed_dict)
        if key is not None:  # analysed once per session (as make_callable), then only called
            call = self._runners.get(key)
            if call is None:
                self._check_open()
                call = self._runners[key] = _SPARSE_FEEDS if _feeds_sparse(feed_dict) else \
                    self._runner(fetches, list(feed_dict or ()))
            if call is not _SPARSE_FEEDS:
                return self._call_runner(call, feed_dict.values() if feed_dict else ())
        if _feeds_sparse(feed_dict):  # a SparseTensor key is fed its three tensors
            return self.run(fetches, sparse_tensor.expand_feeds(feed_dict), options,
                            run_metadata)
        self._check_open()
        mapper = FetchMapper(self._graph, fetches)
        feed_tensors, feed_values = _feeds(self._graph, feed_dict)
        plan_key = (mapper.key, tuple(feed_tensors))
        after = self._plans.finishing.get(plan_key)
        if after is None:
            after = self._plans.finishing[plan_key] = _after_run(mapper.tensors, mapper.ops,
                                                                 feed_tensors) or ()
        if after:  # host-side finishing (summaries): their inputs join this run
            run_tensors, run_ops, finish = after
            return mapper.build(finish(self._run(plan_key, run_tensors, run_ops, feed_tensors,
                                                 feed_values)))
        values = self._run(plan_key, mapper.tensors, mapper.ops, feed_tensors, feed_values)
        return mapper.build(values)

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """Returns a function that runs `fetches` with positional values for `feed_list`.

        As TF1's `Session.make_callable`: `f = sess.make_callable(fetches, [x, y])` then
        `f(x_value, y_value)` equals `sess.run(fetches, {x: x_value, y: y_value})`, but the
        fetches and feeds are analysed once, here, instead of on every call, so a training loop
        pays only for the compiled step. The callable accepts (and ignores) the keyword arguments
        `options` and `run_metadata`, whether or not `accept_options` is set.

        Args:
          fetches: as in `run`.
          feed_list: the Tensors (or their names) to feed, in the order the callable takes their
            values; None for no feeds.
          accept_options: accepted for TF1 compatibility; no effect.

        Returns:
          A function `f(*feed_values)` returning what `run(fetches, feed_dict)` returns. It
          raises as `run` does, and also TypeError for an unknown keyword argument and
          ValueError when the number of values is not `len(feed_list)`.

        Raises:
          RuntimeError: the Session is closed.
          TypeError: a fetch or an entry of `feed_list` is not a graph element.
          ValueError: a fetch or an entry of `feed_list` is in another graph.

        Examples:
          >>> import tfvars_jax as tf
          >>> with tf.Graph().as_default():
          ...     x = tf.placeholder(tf.float32, shape=[None])
          ...     total = tf.reduce_sum(x * 2.0)
          ...     with tf.Session() as sess:
          ...         double_sum = sess.make_callable(total, feed_list=[x])
          ...         print(double_sum([1.0, 2.0]), double_sum([10.0]))
          6.0 20.0
        """
        self._check_open()
        if any(isinstance(f, SparseTensor) for f in feed_list or ()):
            raise NotImplementedError("make_callable: feed_list holds a SparseTensor; list its "
                                      "indices, values and dense_shape tensors instead.")
        runner = self._runner(fetches, feed_list or [])
        n_feeds = len(feed_list or ())
        call_runner = self._call_runner

        def checked_call(*feed_args, **kwargs):
            if kwargs and set(kwargs) - {"options", "run_metadata"}:
                raise TypeError(f"Unexpected keyword arguments {sorted(kwargs)}")
            if len(feed_args) != n_feeds:
                raise ValueError(f"Expected {n_feeds} feed values, got {len(feed_args)}")
            return call_runner(runner, feed_args)
        return checked_call

    def _runner(self, fetches, feed_list):
        """The analysis of running `fetches` with `feed_list` fed, done once (make_callable,
        and Session.run for flat fetch structures); `_call_runner` runs it. It holds no
        reference to the Session (Session.run keeps it: no cycle keeps values alive)."""
        mapper = FetchMapper(self._graph, fetches)
        feed_tensors = [_feed_tensor(self._graph, f) for f in feed_list]
        tensors, ops, build = mapper.tensors, mapper.ops, mapper.build
        after = _after_run(tensors, ops, feed_tensors)
        if after is not None:  # host-side finishing (summaries), see `run`
            tensors, ops, finish = after
            build = lambda values: mapper.build(finish(values))  # noqa: E731
        return _Runner((mapper.key, tuple(feed_tensors)), tensors, ops, feed_tensors,
                       [_feed_converter(t) for t in feed_tensors], build,
                       single=after is None and mapper.single_tensor)

    def _call_runner(self, runner, feed_args):
        """Runs a `_Runner` with positional feed values. A plan that is `hot` (one flat call,
        nothing to pull), in a Session with no exported State and no pending checks, runs
        here directly; anything else goes through `_run`."""
        vals = [c(v) for c, v in zip(runner.checkers, feed_args)] if runner.checkers else ()
        cached = runner.cached
        if cached and cached[0].hot:
            plan = cached[0]
            with self._lock:
                if not (self._shared or self._pending or self._closed) and \
                        self._verified.get(plan) == self._init_version:
                    values = self._values
                    if plan.has_random:
                        out = plan.dispatch(values, vals,
                                            compiler.rng_input(self._counter, self._salt), True)
                        self._take_flat(plan, out)
                        self._counter += 1
                    elif plan.has_checks:
                        out = plan.dispatch(values, vals, None, True)
                        self._take_flat(plan, out)
                    else:  # `_take_flat` without checks, inlined on the hottest path
                        out = plan.dispatch(values, vals, None, True)
                        n_values = len(values)
                        values.update(zip(plan.dev_written, out[plan.n_fetch:]))
                        if len(values) != n_values:
                            self._init_version += 1
                    if runner.single:  # one Tensor fetched
                        value = np.asarray(out[0])
                        return value[()] if value.ndim == 0 else value.copy()  # as `_to_numpy`
                    nf = plan.n_fetch
                    return runner.build([_to_numpy(v) for v in out[:nf]] if nf else [])
        return runner.build(self._run(runner.plan_key, runner.tensors, runner.ops,
                                      runner.feed_tensors, vals, runner.cached))

    def _plan(self, key, tensors, ops, feed_tensors):
        entry = self._plans.get(key)
        if entry is None:
            plan, init_dep = compiler.compile_plan(tensors, ops, feed_tensors, self._values,
                                                   self._placer)
            entry = self._plans[key] = [plan, init_dep, {}]
            if init_dep:
                entry[2][tuple(n in self._values for n in init_dep)] = plan
            return plan
        plan, init_dep, variants = entry
        if not init_dep:
            return plan
        status = tuple(n in self._values for n in init_dep)
        variant = variants.get(status)
        if variant is None:
            variant, _ = compiler.compile_plan(tensors, ops, feed_tensors, self._values,
                                               self._placer)
            variants[status] = variant
        return variant

    def _run(self, key, tensors, ops, feed_tensors, feed_values, cached=None):
        with self._lock:
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if cached:
                plan = cached[0]
            else:
                entry = self._plans.get(key)
                plan = entry[0] if entry is not None and not entry[1] else self._plan(key, tensors,
                                                                                      ops,
                                                                                      feed_tensors)
                if cached is not None and not self._plans[key][1]:
                    cached.append(plan)
            if self._pending:  # earlier runs' checks not read yet (see `_settle`)
                self._settle(plan.touched)
            values = self._values
            if self._verified.get(plan) != self._init_version:
                self._verify(plan)
            if plan.pulls:  # host-side inputs (tf.data get_next): pulled now, fed to the step
                feed_values = list(feed_values) + plan.pull(self, feed_values)
            donate = True
            if self._shared:  # buffers exported by `state`: never donated, maybe deleted by others
                donate = self._shared.isdisjoint(plan.donated)
                if not self._shared.isdisjoint(plan.inputs):
                    self._check_alive(plan.inputs)
            rng = compiler.rng_input(self._counter, self._salt) if plan.has_random else None
            if plan.flat:
                out = plan.dispatch(values, feed_values, rng, donate)
                self._take_flat(plan, out)
                if plan.has_random:
                    self._counter += 1
                if self._shared:
                    self._shared.difference_update(plan.dev_written)
                fetched = out[:plan.n_fetch]
            else:
                try:
                    fetched, updates = plan.run(values, feed_values, rng, donate)
                except compiler.CheckFailed as failed:
                    values.update(failed.restore)
                    raise failed.error from None
                n_values = len(values)
                values.update(updates)
                if len(values) != n_values:
                    self._init_version += 1
                if self._shared:
                    self._shared.difference_update(updates)
                if plan.has_random:
                    self._counter += 1
        return [_to_numpy(v) for v in fetched] if fetched else []

    def _take_flat(self, plan, out):
        """Takes a flat plan's results `out` (fetches..., written..., [flags]) into the values:
        its check flags are read now (raising, with the donated variables' old values put
        back) or, for a run that fetches nothing, kept pending (`_defer`)."""
        values, nf = self._values, plan.n_fetch
        new = out[nf:nf + plan.n_written]
        if plan.has_checks:
            if plan.deferrable:  # fetches nothing: return now, read the flags later
                self._defer(plan, out[-1], values)
            else:
                error = plan.failure(out[-1])
                if error is not None:  # the donated inputs' outputs are their old values
                    written = dict(zip(plan.dev_written, new))
                    values.update((n, written[n]) for n in plan.donated)
                    raise error
        n_values = len(values)
        values.update(zip(plan.dev_written, new))
        if len(values) != n_values:
            self._init_version += 1

    def _verify(self, plan):
        """Raises FailedPreconditionError (NotFoundError for some resource variables: see
        `_uninitialized_error`) if a variable `plan` reads is not initialized."""
        missing = [n for n in plan.inputs if n not in self._values]
        if missing:
            raise _uninitialized_error(self._graph, plan, missing)
        self._verified[plan] = self._init_version

    # ----- runs whose checks are read later ------------------------------------------------
    def _defer(self, plan, flags, values):
        """Keeps a dispatched run's check flags pending (a run that fetches nothing returns
        before the device finishes). Written variables that were not inputs keep their old
        values here until the flags are read: a failed run changes nothing."""
        old = {n: values.get(n) for n in plan.fresh_written}
        self._pending.append((plan, flags, old))

    def _settle(self, names=None):
        """Reads the flags of pending runs that touched `names` (all if None; others too
        when already computed), in dispatch order. A failed one's variables get their old
        values back and its error is raised here, by the next run touching them (or by
        `state`, `held_state`, `assign_values`, `close`)."""
        pending, self._pending = self._pending, []
        error = None
        for plan, flags, old in pending:
            if error is None and (names is None or not plan.touched.isdisjoint(names) or
                                  flags.is_ready()):
                error = plan.failure(flags)
                if error is not None:
                    self._undo(old)
                    error = _earlier_run_error(error)
                continue
            self._pending.append((plan, flags, old))
        if error is not None:
            raise error

    def _undo(self, old):
        for n, value in old.items():
            if value is None:
                self._values.pop(n, None)
            else:
                self._values[n] = value
        self._init_version += 1

    # ----- buffers deleted outside the session ----------------------------------------------
    def _check_alive(self, names):
        """Raises if a value the session exported (`sess.state`) was deleted since, e.g. donated
        by the user's `jax.jit(..., donate_argnums=...)`: the session's copy is gone."""
        values = self._values
        dead = [n for n in names if n in self._shared and _is_deleted(values.get(n))]
        if dead:
            var = self._graph.variables_by_name.get(dead[0])
            raise errors.FailedPreconditionError(
                None, getattr(var, "op", None),
                "The value of " + ", ".join(dead) + " was deleted outside this Session: a buffer "
                "exported by `sess.state` was donated (e.g. to jax.jit(..., donate_argnums=...)), "
                "which deletes it for the Session too. Set `sess.state = new_state` (the State "
                "your function returned), re-run the initializers or restore a checkpoint; to "
                "donate the exported state, donate a copy "
                "(`jax.tree_util.tree_map(jnp.copy, sess.state)`).")

    # ----- lifecycle and default session ----------------------------------------------------
    def close(self):
        """Releases the values; later runs raise RuntimeError. A check that failed in a run
        that fetched nothing and was not reported yet is raised here (see `run`)."""
        with self._lock:
            pending, self._pending = self._pending, []
            self._closed = True
            self._values = {}
            self._verified = {}
            self._runners = {}
        for plan, flags, _ in pending:
            error = plan.failure(flags)
            if error is not None:
                raise _earlier_run_error(error)

    def as_default(self):
        """Makes this the default session (for `Tensor.eval()`, `Operation.run()`)."""
        return context.Entered(self, context.SESSIONS)

    def __enter__(self):
        # As TF1: entering a session also makes its graph the default graph.
        graph_ctx = self._graph.as_default()
        sess_ctx = self.as_default()
        graph_ctx.__enter__()
        sess_ctx.__enter__()
        self._context_stack.append((graph_ctx, sess_ctx))
        return self

    def __exit__(self, exc_type, exc, tb):
        graph_ctx, sess_ctx = self._context_stack.pop()
        sess_ctx.__exit__(exc_type, exc, tb)
        graph_ctx.__exit__(exc_type, exc, tb)
        try:
            self.close()
        except errors.OpError:
            if exc_type is None:  # else the exception already leaving the block wins
                raise
        return False

    def __del__(self):
        self._values = {}


class InteractiveSession(Session):
    """TF1's `tf.InteractiveSession`: installs itself (and its graph) as the default on creation."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._graph_ctx = self._graph.as_default()
        self._sess_ctx = self.as_default()
        self._graph_ctx.__enter__()
        self._sess_ctx.__enter__()

    def close(self):
        if not self._closed:
            try:
                super().close()
            finally:
                self._sess_ctx.__exit__(None, None, None)
                self._graph_ctx.__exit__(None, None, None)


# ----- ops finished on the host after the run --------------------------------------------
def _after_run(tensors, ops, feed_tensors):
    """Fetches made by ops whose kind finishes them on the host after the compiled run
    (`kind.after_run`, with `kind.finish(op, input_values) -> outputs`: tf.summary ops).

    Such a fetch is replaced by its op's inputs (recursively, so a merge of summaries fetches
    the summaries' inputs) and its control inputs join the run's ops, so the values come from
    the same single compiled run; `finish` then builds the requested values from them.

    Returns None when no fetch needs this (the common case), else (tensors to run, ops to
    run, finish(values) -> the values of `tensors`).
    """
    if not any(t.op.kind.after_run for t in tensors):
        return None
    fed = set(feed_tensors)
    if all(t in fed for t in tensors if t.op.kind.after_run):
        return None
    run_tensors, index, run_ops, recipes = [], {}, list(ops), {}

    def expand(t):
        recipe = recipes.get(t)
        if recipe is None:
            op = t.op
            if op.kind.after_run and t not in fed:
                run_ops.extend(c for c in op._control_inputs if c not in run_ops)
                recipe = ("finish", t, [expand(i) for i in op._inputs])
            else:
                if t not in index:
                    index[t] = len(run_tensors)
                    run_tensors.append(t)
                recipe = ("fetch", index[t])
            recipes[t] = recipe
        return recipe
    wanted = [expand(t) for t in tensors]

    def finish(values):
        done = {}

        def value(recipe):
            if recipe[0] == "fetch":
                return values[recipe[1]]
            t = recipe[1]
            if t not in done:
                outs = t.op.kind.finish(t.op, [value(r) for r in recipe[2]])
                done[t] = outs[t.value_index]
            return done[t]
        return [value(r) for r in wanted]
    return run_tensors, run_ops, finish


# ----- feeds and fetched values ---------------------------------------------------------
class _Runner:
    """A fetch structure and feed list analysed once (see `Session._runner`); `cached` holds
    the plan once known (when it does not depend on initialization status)."""

    __slots__ = ("plan_key", "tensors", "ops", "feed_tensors", "checkers", "build", "cached",
                 "single")

    def __init__(self, plan_key, tensors, ops, feed_tensors, checkers, build, single=False):
        self.plan_key, self.tensors, self.ops = plan_key, tensors, ops
        self.feed_tensors, self.checkers, self.build = feed_tensors, checkers, build
        self.cached = []
        self.single = single  # the fetch is one Tensor: its value is the result


_CONTAINERS = (list, tuple, dict)
# The runner cache's entry for feed keys holding a SparseTensor: the run expands them (so
# runs without sparse feeds pay nothing for them).
_SPARSE_FEEDS = object()


def _feeds_sparse(feed_dict):
    return bool(feed_dict) and SparseTensor in map(type, feed_dict)


def _runner_key(fetches, feed_dict):
    """The key under which Session.run keeps the analysis of `fetches` and the feed keys,
    or None when it analyses them afresh (nested or unhashable fetch structures: a
    namedtuple equals a tuple of the same elements, so only flat structures are keyed)."""
    kind = type(fetches)
    if kind is list or kind is tuple:
        for f in fetches:
            if isinstance(f, _CONTAINERS):
                return None
        fetches = tuple(fetches)
    elif isinstance(fetches, _CONTAINERS):
        return None
    key = (kind, fetches, tuple(feed_dict)) if feed_dict else (kind, fetches)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _is_deleted(value):
    return value is not None and getattr(value, "is_deleted", None) is not None and \
        value.is_deleted()


def _earlier_run_error(error):
    """`error` (a check that failed in an earlier run that fetched nothing) re-worded to say
    so: such runs return before their flags are known, so the next run raises it."""
    error.message = (f"{error.message} (in an earlier run that fetched nothing and so returned "
                     "before the check was read; that run changed no variable)")
    error.args = (error.message,)
    return error


def _feed_tensor(graph, key):
    if isinstance(key, str):
        try:
            return graph.get_tensor_by_name(key)
        except (KeyError, ValueError) as e:
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {e.args[0]}") from None
    if hasattr(key, "_as_graph_element") and not isinstance(key, ops_lib.Tensor):
        key = key._as_graph_element()
    if not isinstance(key, ops_lib.Tensor):
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {key!r}")
    if key.graph is not graph:
        raise ValueError(f"Tensor {key.name} is not an element of this graph.")
    return key


def _feed_converter(tensor):
    """A function checking and converting one fed value for `tensor`."""
    dtype = tensor.dtype.base_dtype
    shape = tensor.shape
    name = tensor.name

    def convert(value):
        if dtype != dtypes.string and (isinstance(value,
                                                  ops_lib.Tensor) or hasattr(value, "_as_tensor")):
            raise TypeError(f"The value of a feed cannot be a tf.Tensor object (feeding {name}). "
                            "Acceptable feed values include Python scalars, strings, lists, numpy "
                            "ndarrays.")
        arr = dtypes.convert_value(value, dtype, f"Tensor '{name}'", copy=False)
        dims = shape.as_tuple()
        if dims is not None and (len(dims) != arr.ndim or any(d is not None and d != a
                                                                for d, a in zip(dims, arr.shape))):
            raise ValueError(f"Cannot feed value of shape {arr.shape} for Tensor '{name}', which "
                             f"has shape '{shape}'")
        return arr
    return convert


def _feeds(graph, feed_dict):
    if not feed_dict:
        return [], []
    tensors, values = [], []
    for key, value in feed_dict.items():
        t = _feed_tensor(graph, key)
        tensors.append(t)
        values.append(_feed_converter(t)(value))
    return tensors, values


def _to_numpy(value):
    """A NumPy copy of a fetched value (never a view of a state buffer); 0-d values become
    NumPy scalars, as TF1 returns them."""
    if value is None:
        return None
    arr = np.asarray(value)
    return arr[()] if arr.ndim == 0 else arr.copy()  # a 0-d array's [()] is a new scalar


def _uninitialized_error(graph, plan, missing):
    """The error of a run that needs variables not initialized in the session, as TF1 raises
    it: FailedPreconditionError ("Attempting to use uninitialized value"), but NotFoundError
    when the first one is a resource variable whose first use in the run is a resource op
    other than ReadVariableOp (AssignAddVariableOp, ResourceScatterAdd, ResourceGather, ...
    look the resource up and find none; a ReadVariableOp says it is uninitialized)."""
    name = missing[0]
    variable = graph.variables_by_name.get(name)
    first = getattr(variable, "op", None)  # its str() says where it was defined
    if getattr(variable, "_is_resource", False):
        use = _first_use(plan.host_ops + plan.dev_ops, name)
        if use is not None and use.type != "ReadVariableOp" and use.type.startswith(
                ("Assign", "Resource")):
            return errors.NotFoundError(None, use, f"Resource localhost/{name}/"
                                        "N10tensorflow3VarE does not exist. (Variable "
                                        f"'{name}' is not initialized in this session.)")
    return errors.FailedPreconditionError(
        None, first, "Attempting to use uninitialized value " + ", ".join(missing) +
        ". Run tf.global_variables_initializer() (or these variables' initializers, or "
        "restore them from a checkpoint) before this run.")


_INNER_PROGRAMS = ("cond_ops", "body_ops", "true_ops", "false_ops")


def _first_use(ops, name):
    """The first op in program order that reads or writes variable `name`, looking into the
    programs of loops and conds (None if no such op names it)."""
    for op in sorted(ops, key=lambda o: o._id):
        inner = [o for key in _INNER_PROGRAMS for o in (op.attrs or {}).get(key, ())]
        if inner:
            found = _first_use(inner, name)
            if found is not None:
                return found
        elif op.var == name and op.type not in ("VarIsInitializedOp", "IsVariableInitialized"):
            return op
    return None
