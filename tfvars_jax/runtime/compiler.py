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

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib

EAGER_WRITE_THRESHOLD = 256  # plans writing more variables than this run op by op


# ----- pruning and planning -----------------------------------------------------------------
def _prune(targets, fed, resolved_reads):
    """Ops needed to compute `targets`, walking inputs and control inputs, stopping at fed tensors."""
    needed = set()
    stack = list(targets)
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        inputs = op.inputs
        if op.kind in ("write", "read"):
            inputs = inputs[1:]  # the ref input names the variable; the op itself reads/writes it
        elif op.kind == "init_value" and op in resolved_reads:
            inputs = ()
        for t in inputs:
            if t not in fed:
                stack.append(t.op)
        stack.extend(op._control_inputs)
    return needed


def _op_vars(op):
    """(reads, writes) of variables by `op`, including inside cond branches."""
    if op.kind == "read":
        return (op.var,), ()
    if op.kind == "write":
        return ((op.var,) if op.needs_old else ()), (op.var,)
    if op.kind == "cond":
        return op.attrs["reads"], op.attrs["writes"]
    if op.kind == "multi_write":
        return op.attrs["vars"], op.attrs["vars"]
    return (), ()


def compile_plan(graph, fetch_tensors, target_ops, feeds, initialized):
    """Builds the Plan for fetching `fetch_tensors` and running `target_ops` with `feeds`.

    Args:
      graph: the Graph.
      fetch_tensors: unique Tensors whose values the run returns.
      target_ops: Operations to run (fetched ops).
      feeds: Tensors whose values the caller supplies.
      initialized: container of the variable names initialized before the run.
    Returns:
      (Plan, init_dependent_vars): the names whose initialization status the plan baked in.
    Raises:
      errors.InvalidArgumentError: a placeholder the run needs is not fed.
    """
    fed = set(feeds)
    targets = [t.op for t in fetch_tensors if t not in fed] + list(target_ops)
    resolved = {}
    ops = sorted(_prune(targets, fed, set()), key=lambda o: o._id)
    # Resolve initialization-dependent ops in program order; then prune again.
    written = set()
    init_dependent = set()
    for op in ops:
        if op.kind in ("init_value", "is_init", "report_uninit", "assert_init"):
            names = op.attrs["var_names"] if op.kind in ("report_uninit", "assert_init") else (op.var,)
            init_dependent.update(n for n in names if n not in written)
            status = {n: (n in written or n in initialized) for n in names}
            resolved[op] = status
        _, w = _op_vars(op)
        written.update(w)
    resolved_reads = {op for op, st in resolved.items() if op.kind == "init_value" and st[op.var]}
    if resolved_reads:
        ops = sorted(_prune(targets, fed, resolved_reads), key=lambda o: o._id)
    for op in ops:
        if op.kind == "placeholder" and not all(t in fed for t in op.outputs):
            t = op.outputs[0]
            shape = "unknown" if t.shape.ndims is None else "[" + ",".join(
                "?" if d is None else str(d) for d in t.shape.as_tuple()) + "]"
            raise errors.InvalidArgumentError(
                None, op, f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                          f"{t.dtype.name} and shape {shape}")
    _check_feeds(ops, fed)
    plan = Plan(graph, ops, fetch_tensors, feeds, resolved)
    return plan, tuple(sorted(init_dependent))


def _check_feeds(ops, fed):
    """Feeds we cannot honour exactly raise rather than give a number TF1 would not give.

    A fed tensor on a `tf.gradients` path between an x and a y: TF1's backward pass then mixes
    the fed value (where a gradient function reads that tensor) with derivatives of the op that
    would have produced it; ours differentiates one consistent forward pass. A fed tensor inside
    a `tf.cond` branch: the branch computes it.
    """
    if not fed:
        return
    for op in ops:
        if op.kind == "gradients":
            inner = [t for p in op.attrs["path"] for t in p.outputs if t in fed]
            what = "lies on the path that tf.gradients op '{}' differentiates".format(op.name)
        elif op.kind == "cond":
            inner = [t for p in op.attrs["true_ops"] + op.attrs["false_ops"] for t in p.outputs if t in fed]
            what = "is computed inside a branch of tf.cond '{}'".format(op.name)
        else:
            continue
        if inner:
            raise NotImplementedError(
                f"Feeding tensor '{inner[0].name}', which {what}, is not supported. Feed a tensor "
                "outside it (for example a tf.placeholder_with_default in its place).")


class Plan:
    """A pruned, ordered, compiled run. Call `run(values, feed_values, counter, donate)`."""

    def __init__(self, graph, ops, fetch_tensors, feeds, resolved):
        self.graph = graph
        self.resolved = resolved
        self.fetches = list(fetch_tensors)
        self.feeds = list(feeds)
        host_ops = [op for op in ops if op.host]
        dev_ops = [op for op in ops if not op.host]
        self.host_ops, self.dev_ops = host_ops, dev_ops
        fed = self.fed = frozenset(feeds)
        self.host_inputs, self.host_written = _var_io(host_ops, resolved, fed)
        dev_inputs, self.dev_written = _var_io(dev_ops, resolved, fed)
        self.inputs = tuple(self.host_inputs) + tuple(dev_inputs)
        written = set(self.dev_written)
        self.donated = tuple(n for n in dev_inputs if n in written)
        self.readonly = tuple(n for n in dev_inputs if n not in written)
        self.has_random = any(op.kind == "random" or (op.kind in ("cond", "gradients") and op.attrs["has_random"])
                              for op in ops)
        self.has_checks = any(op.check is not None or (op.kind == "cond" and op.attrs["has_checks"]) for op in ops)
        self.host_fetch = [i for i, t in enumerate(self.fetches) if t.op.host or t.dtype.base_dtype.name == "string"]
        self.dev_fetch = [i for i, t in enumerate(self.fetches) if i not in set(self.host_fetch)]
        self.host_feed = [i for i, t in enumerate(self.feeds) if t.dtype.base_dtype.name == "string"]
        self.dev_feed = [i for i, t in enumerate(self.feeds) if t.dtype.base_dtype.name != "string"]
        # Initializer-like plans (many plain assigns, nothing else stateful) run op by op.
        self.eager = len(self.dev_written) > EAGER_WRITE_THRESHOLD and not self.feeds and all(
            (op.kind == "write" and not op.needs_old) or op.kind in ("pure", "const", "random", "noop", "init_value")
            for op in dev_ops)
        self.checks = []  # (error class, message) per check flag, in order
        self.simple = (not host_ops and not self.host_fetch and not self.eager and not self.has_checks)
        self._jitted = {}
        self.trace_count = 0

    # ----- execution ---------------------------------------------------------------------
    def run(self, values, feed_values, rng, donate):
        """Executes the plan.

        Args:
          values: mapping name -> array for (at least) `self.inputs`.
          feed_values: arrays for `self.feeds`, in order.
          rng: `rng_input(counter, salt)`: the State's run counter and the Session's salt.
          donate: whether the written input buffers may be donated.
        Returns:
          (fetch values, updates dict). Raises `_CheckFailed` (carrying the OpError and the
          donated variables' old values) when a run-time check fails; nothing is updated then.
        """
        if self.simple:  # the hot path: one jitted call, nothing host-side
            fn = self._jitted.get(donate) or self._compile(donate)
            outs, new_vars, _ = fn({n: values[n] for n in self.donated}, {n: values[n] for n in self.readonly},
                                   tuple(feed_values), rng if self.has_random else None)
            return outs, new_vars
        fetched = [None] * len(self.fetches)
        updates = {}
        if self.host_ops:
            env = {self.feeds[i]: feed_values[i] for i in self.host_feed}
            hvars = {n: values[n] for n in self.host_inputs}
            execute(self.host_ops, env, hvars, self.resolved, None, [], mode="host", fed=self.fed)
            for i in self.host_fetch:
                fetched[i] = env[self.fetches[i]] if self.fetches[i] in env else feed_values[self.feeds.index(
                    self.fetches[i])]
            updates.update({n: hvars[n] for n in self.host_written})
        if self.dev_ops or self.dev_fetch:
            dev_feeds = tuple(feed_values[i] for i in self.dev_feed)
            donated = {n: values[n] for n in self.donated}
            readonly = {n: values[n] for n in self.readonly}
            if self.eager:
                outs, new_vars, flags = self._step(donated, readonly, dev_feeds, rng, mode="eager")
            else:
                # The counter is an argument only when random ops need it (a transfer per call).
                fn = self._jitted.get(donate) or self._compile(donate)
                outs, new_vars, flags = fn(donated, readonly, dev_feeds,
                                           rng if self.has_random else None)
            if self.has_checks:
                flags = np.asarray(flags)
                if flags.any():
                    restore = {n: new_vars[n] for n in self.donated}  # the old values, selected in-graph
                    cls, msg = self.checks[int(np.argmax(flags))]
                    raise _CheckFailed(cls(None, None, msg), restore)
            for i, v in zip(self.dev_fetch, outs):
                fetched[i] = v
            updates.update(new_vars)
        return fetched, updates

    def _compile(self, donate):
        fn = jax.jit(functools.partial(self._step, mode="trace"),
                     donate_argnums=(0,) if donate and self.donated else ())
        self._jitted[donate] = fn
        return fn

    def _step(self, donated, readonly, dev_feeds, counter, mode):
        """The pure function: (vars, feeds, counter) -> (fetches, written vars, check flags)."""
        self.trace_count += mode == "trace"
        env = {self.feeds[i]: v for i, v in zip(self.dev_feed, dev_feeds)}
        vars_ = dict(readonly)
        vars_.update(donated)
        flags = []
        checks = []
        execute(self.dev_ops, env, vars_, self.resolved, counter, flags, mode=mode, checks=checks, fed=self.fed)
        self.checks = checks
        outs = tuple(env[self.fetches[i]] for i in self.dev_fetch)
        new_vars = {n: vars_[n] for n in self.dev_written}
        if flags:
            any_err = jnp.any(jnp.stack(flags))
            # On a failed check, give the donated variables their old values back.
            for n in self.donated:
                new_vars[n] = jnp.where(any_err, donated[n], new_vars[n])
            flag_arr = jnp.stack(flags)
        else:
            flag_arr = None
        return outs, new_vars, flag_arr


class _CheckFailed(Exception):
    def __init__(self, error, restore):
        super().__init__(str(error))
        self.error = error
        self.restore = restore


def _var_io(ops, resolved, fed):
    """(input var names in first-use order, written var names) for ops in program order; a read
    of a variable whose ref tensor is fed does not need the variable."""
    written, inputs, seen = [], [], set()
    wset = set()
    for op in ops:
        reads, writes = _op_vars(op)
        if op.kind == "read" and op._inputs and op._inputs[0] in fed:
            reads = ()
        if op.kind == "init_value" and resolved[op][op.var]:
            reads = (op.var,)
        for n in reads:
            if n not in wset and n not in seen:
                seen.add(n)
                inputs.append(n)
        for n in writes:
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
    return jax.random.fold_in(key, rng[1]) if salted else key


def execute(ops, env, vars_, resolved, counter, flags, mode="trace", checks=None, fed=frozenset()):
    """Runs `ops` in order, reading/writing `env` (tensor -> value) and `vars_` (name -> value).

    `mode` is "trace" inside the jitted step and cond branches, "eager" for op-by-op runs
    (each kernel through a cached jit), and "host" for string ops (kernels called on NumPy).
    Check flags of write ops are appended to `flags`, their (error class, message) to `checks`.
    `fed` are the tensors whose values the caller supplied (already in `env`): an op whose
    outputs are all fed is not computed, and a read of a variable whose ref tensor is fed gives
    the fed value. Being in `env` is not being fed: a fetched variable's ref is in `env` too.
    """
    for op in ops:
        kind = op.kind
        outs = op._outputs
        if outs and kind != "write" and all(t in fed for t in outs):
            continue
        if kind == "const":
            env[outs[0]] = op.attrs["value"]
        elif kind == "read":
            name = op.var
            if op._inputs and op._inputs[0] in fed:  # the variable itself was fed, as TF1 allows
                env[outs[0]] = env[op._inputs[0]]
                continue
            if name not in vars_:
                raise errors.FailedPreconditionError(None, op, f"Attempting to use uninitialized value {name}")
            env[outs[0]] = vars_[name]
        elif kind == "pure":
            args = [env[t] for t in op._inputs]
            _store(env, outs, _call(op, args, mode))
        elif kind == "write":
            old = vars_.get(op.var)
            args = [env[t] for t in op._inputs[1:]]
            if op.check is not None and old is not None:
                pred, cls, msg = op.check
                flags.append(_jitted(pred)(old, *args) if mode == "eager" else pred(old, *args))
                if checks is not None:
                    checks.append((cls, msg))
            # Write kernels are cheap updates: called directly even op by op, so a kernel that
            # carries the variable's name does not compile once per variable.
            res = _call(op, [old] + args, "host" if mode == "eager" else mode)
            new, out = res if isinstance(res, tuple) else (res, res)
            vars_[op.var] = new
            if outs[0] not in fed:  # a fed write op still writes; its output is the fed value
                env[outs[0]] = out
        elif kind == "random":
            args = [env[t] for t in op._inputs]
            graph_seed, op_seed = np.uint32(op.seed[0] & 0x7FFFFFFF), np.uint32(op.seed[1] & 0xFFFFFFFF)
            key = (_jitted(_op_key, static_argnums=2) if mode == "eager" else _op_key)(
                graph_seed, op_seed, op.seed[2], counter)
            _store(env, outs, _call(op, [key] + args, mode))
        elif kind == "init_value":
            if resolved[op][op.var]:
                env[outs[0]] = vars_[op.var]
            else:
                env[outs[0]] = env[op._inputs[0]]
        elif kind == "is_init":
            env[outs[0]] = np.asarray(resolved[op][op.var])
        elif kind == "report_uninit":
            status = resolved[op]
            env[outs[0]] = np.asarray([n.encode() for n in op.attrs["var_names"] if not status[n]], dtype=object)
        elif kind == "assert_init":
            missing = [n for n in op.attrs["var_names"] if not resolved[op][n]]
            if missing:
                raise errors.FailedPreconditionError(None, op, "Attempting to use uninitialized value " +
                                                     ", ".join(missing))
        elif kind == "cond":
            _execute_cond(op, env, vars_, resolved, counter)
        elif kind == "gradients":
            _execute_gradients(op, env, resolved, counter)
        elif kind == "multi_write":
            args = [env[t] for t in op._inputs]
            new = op.kernel({n: vars_[n] for n in op.attrs["vars"]}, *args)
            vars_.update(new)
        elif kind == "callback":
            args = [env[t] for t in op._inputs]
            _store(env, outs, op.kernel(*args))
        elif kind == "noop":
            pass
        else:
            raise NotImplementedError(f"Op '{op.name}' of kind {kind!r} cannot run.")


def _store(env, outs, value):
    if isinstance(value, tuple):
        for t, v in zip(outs, value):
            if t not in env:
                env[t] = v
    elif outs and outs[0] not in env:
        env[outs[0]] = value


def _is_concrete(args):
    return not any(isinstance(a, jax.core.Tracer) for a in args)


def _call(op, args, mode):
    """Calls the op's kernel: traced (constant-folded when all inputs are known), through a
    cached jit (eager), or directly on NumPy values (host)."""
    try:
        if mode == "eager":
            return _jitted(op.kernel)(*args)
        if mode == "trace" and op.kind == "pure" and _is_concrete(args):
            with jax.ensure_compile_time_eval():
                return op.kernel(*args)
        return op.kernel(*args)
    except errors.OpError as e:
        e.op = op
        raise
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgumentError(None, op, f"{op.type} op '{op.name}': {e}") from None


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


# Op-by-op kernels (initializers) run once: compile them fast rather than optimize them.
_EAGER_COMPILER_OPTIONS = {"xla_backend_optimization_level": 0}


def _jitted(fn, static_argnums=()):
    """A cached `jax.jit` of a kernel; kernels with equal configuration share one compile."""
    key = _function_key(fn)
    jitted = _eager_cache.get(key)
    if jitted is None:
        jitted = _eager_cache[key] = jax.jit(fn, static_argnums=static_argnums,
                                             compiler_options=_EAGER_COMPILER_OPTIONS)
    return jitted


def _execute_gradients(op, env, resolved, counter):
    """The vjp of the recorded path from xs to ys, replayed as a function of the xs.

    The replay reproduces the forward pass that this run computed: every op off the path keeps
    the value it had (`env`), and every read of a variable x on the path gives the value that
    read saw in the forward pass plus a perturbation of x (zeros), whose cotangent is x's
    gradient. So the gradient is the sum over all reads of x, each at the value it saw, as in
    TF1, whatever else the run fetches, feeds or writes.
    """
    a = op.attrs
    path = a["path"]
    on_path = set(path)
    base_env = {k: v for k, v in env.items() if _producer(k) not in on_path}
    xs = a["xs"]
    x_values = [jnp.zeros_like(_seen_value(path, env, x)) if kind == "var" else env[x] for kind, x in xs]

    def forward(*x_vals):
        benv = dict(base_env)
        delta = {}
        for (kind, x), val in zip(xs, x_vals):
            if kind == "var":
                delta[x] = val
            else:
                benv[x] = val
        for p in path:
            if p.kind == "read":
                benv[p._outputs[0]] = env[p._outputs[0]] + delta[p.var]
            elif p.kind == "cond":
                seen = env[p]
                execute([p], benv, {n: seen[n] + delta[n] if n in delta else seen[n] for n in seen},
                        resolved, counter, [])
            else:
                execute([p], benv, {}, resolved, counter, [])
        return [benv[y] if y in benv else env[y] for y in a["ys"]]

    ys, vjp = jax.vjp(forward, *x_values)
    grad_ys = a["grad_ys"] or [None] * len(ys)
    cts = [jnp.ones_like(y) if g is None else env[g].astype(y.dtype) for y, g in zip(ys, grad_ys)]
    grads = vjp(cts)
    for t, g, x in zip(op._outputs, grads, x_values):
        env[t] = g.astype(x.dtype)


def _producer(key):
    """The op behind an `env` key: a Tensor's op, or the cond op whose variable values it records."""
    return key.op if isinstance(key, ops_lib.Tensor) else key


def _seen_value(path, env, var):
    """A value of variable `var` as the first read of it on `path` saw it (for its shape/dtype)."""
    for p in path:
        if p.kind == "read" and p.var == var:
            return env[p._outputs[0]]
        if p.kind == "cond" and var in env[p]:
            return env[p][var]
    raise AssertionError(f"no read of {var} on the gradient path")


def _execute_cond(op, env, vars_, resolved, counter):
    a = op.attrs
    pred = env[op._inputs[0]]
    captures = op._inputs[1:]
    captured = tuple(env[t] for t in captures)  # a tuple: pytree dict keys would be sorted
    touched = tuple(sorted(set(a["reads"]) | set(a["writes"])))
    missing = [n for n in touched if n not in vars_]
    if missing:
        raise errors.FailedPreconditionError(None, op, "Attempting to use uninitialized value " + ", ".join(missing))

    def branch(ops, out_tensors):
        def fn(operand):
            cap, vs = operand
            benv = dict(zip(captures, cap))
            bvars = dict(vs)
            bflags = []
            execute(ops, benv, bvars, resolved, counter, bflags)
            outs = tuple(benv[t] for t in out_tensors)
            return outs, {n: bvars[n] for n in a["writes"]}
        return fn

    seen = {n: vars_[n] for n in touched}
    env[op] = seen  # the values the branches saw, for gradients that replay this op
    operand = (captured, seen)
    true_fn = branch(a["true_ops"], a["true_outs"])
    false_fn = branch(a["false_ops"], a["false_outs"])
    if _is_concrete([pred]):
        outs, new_vars = (true_fn if bool(np.asarray(pred)) else false_fn)(operand)
    else:
        outs, new_vars = jax.lax.cond(pred, true_fn, false_fn, operand)
    vars_.update(new_vars)
    for t, v in zip(op._outputs, outs):
        env[t] = v
