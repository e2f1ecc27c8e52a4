"""Run-time checks of fed values, evaluated before a step is dispatched.

A check whose predicate reads only values computed from the run's feeds (a fed label
tensor's range, fed indices' bounds) does not need the step: a small compiled program of
the feeds evaluates it first, and a failure raises before anything runs (TF1's kernel raises,
no variable changes). The step then carries no flag for it, so it donates its variables
without selecting their old values (the cost of an in-graph check, ARCHITECTURE.md
"run-time checks"), and a run that fetches nothing has nothing to read later.

Which checks qualify is decided per op at a plan's first trace (`Plan._take_precheck`):
the step updates variables it reads (else an in-graph check costs nothing: no old values to
select back), the op is `CHECKED`, and every argument its predicate depends on (found from
the predicate's jaxpr) is fed or computed from feeds and constants by pure ops alone.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax.extend import core as jax_core

from tfvars_jax.framework.op_kind import CHECKED, CONST, PURE
from tfvars_jax.framework.precision import tf_precision

# Pre-check programs are tiny and run once per step: compile them fast.
_COMPILER_OPTIONS = {"xla_backend_optimization_level": 0}


def used_arguments(fn, avals):
    """Which positional arguments `fn`'s result depends on (by data flow in its jaxpr; an
    argument only whose shape is read is not used)."""
    jaxpr = jax.make_jaxpr(fn)(*avals).jaxpr
    needed = {v for v in jaxpr.outvars if isinstance(v, jax_core.Var)}
    for eqn in reversed(jaxpr.eqns):
        if any(v in needed for v in eqn.outvars):
            needed.update(v for v in eqn.invars if isinstance(v, jax_core.Var))
    return tuple(v in needed for v in jaxpr.invars)


def feed_only_ops(tensors, fed):
    """The ops (in program order) computing `tensors` from fed tensors, if each of them is a
    pure kernel or a constant; None if a value depends on anything else (a variable, a random
    op, a check of its own, an unfed placeholder)."""
    ops, stack = set(), [t for t in tensors if t not in fed]
    while stack:
        op = stack.pop().op
        if op in ops:
            continue
        if op.kind is not PURE and op.kind is not CONST:
            return None
        ops.add(op)
        stack.extend(t for t in op._inputs if t not in fed)
    return sorted(ops, key=lambda o: o._id)


class PreCheck:
    """One check taken out of a plan's step: `op`'s predicate on `avals` (its arguments'
    shapes and dtypes in that trace), of which the `used` ones are computed by `ops`."""

    def __init__(self, op, avals, used, ops):
        self.op, self.avals, self.used, self.ops = op, avals, used, ops


class PreChecks:
    """The compiled pre-check of one step signature: `__call__(step_args)` raises the first
    failed check's OpError (nothing has run), or returns. It takes all the step's arguments,
    so that a TypeError (arguments of another signature, whose checks may differ: a check may
    read another argument's shape) comes before any check; the caller compiles for them."""

    def __init__(self, checks, feeds, feed_offset, step_args):
        """`checks`: the PreCheck list of a trace; `feeds`: the plan's device feed tensors,
        whose values are `step_args[feed_offset:]`."""
        needed = {t for c in checks for op in c.ops for t in op._inputs}
        needed.update(t for c in checks for t, u in zip(c.op._inputs, c.used) if u)
        positions = {t: feed_offset + j for j, t in enumerate(feeds) if t in needed}
        self.messages = [(c.op.check.error_class, c.op.check.message) for c in checks]
        ops = sorted({op for c in checks for op in c.ops}, key=lambda o: o._id)

        def flags(*args):
            from tfvars_jax.runtime.compiler import Interpreter  # the compiler imports us
            env = {t: args[p] for t, p in positions.items()}
            Interpreter(env, {}, {}, None, "trace", frozenset(env)).execute(ops)
            out = []
            for c in checks:
                values = [env[t] if u else jnp.zeros(a.shape, a.dtype)
                          for t, a, u in zip(c.op._inputs, c.avals, c.used)]
                out.append(jnp.asarray(c.op.check.predicate(*values)).astype(bool).reshape(()))
            return jnp.stack(out)

        with tf_precision():
            compiled = jax.jit(flags, compiler_options=_COMPILER_OPTIONS).lower(
                *step_args).compile()
        compiled(*step_args)  # after its first call a Compiled holds its C++ dispatcher
        self._call = getattr(compiled, "_call", None) or compiled

    def __call__(self, step_args):
        flags = np.asarray(self._call(*step_args))
        if flags.any():
            cls, msg = self.messages[int(flags.argmax())]
            raise cls(None, None, msg)


def is_candidate(op):
    """Whether `op`'s check may be taken out of the step (its kind computes its arguments'
    values as the op's inputs: a write op's check also sees the variable's old value)."""
    return op.kind is CHECKED
