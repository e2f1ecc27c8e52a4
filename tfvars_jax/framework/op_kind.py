"""Op kinds: each kind of op describes how a run treats it, in one object.

An `Operation` carries a kind. The compiler asks the kind which inputs to follow when pruning,
which variables the op reads and writes, whether it draws random numbers or has run-time
checks, whether it may run op by op, and finally to run it against a `RunContext` (the
runtime's interpreter state: values of tensors and variables, the mode, the PRNG input). So a
new kind of op (a loop, a layer, a device transfer) is one new `OpKind` subclass next to the
ops that use it, not edits across the compiler.

The kinds every layer needs live here: `PURE` (a kernel of the input values), `CHECKED` (one
whose inputs are checked at run time) and `CONST`.
The others live with their ops: `ops/state_ops.py` (variables), `ops/random_ops.py`,
`ops/array_ops.py` (placeholders), `ops/control_flow_ops.py` (no-ops, host callbacks, cond),
`ops/gradients.py`, `variables/initialization.py`, `train/optimizer.py`.
"""
from typing import Any, Callable, NamedTuple, Optional, Protocol

import jax.numpy as jnp
import numpy as np


class RunCheck(NamedTuple):
    """A run-time check: `predicate(*values)` is True on failure (for a write op the values are
    the old value and the inputs), and the run then raises `error_class(message)` and changes
    no variable."""
    predicate: Callable
    error_class: type
    message: str


class RunContext(Protocol):
    """What an op kind sees of a run (implemented by `runtime.compiler.Interpreter`).

    Attributes:
      env: Tensor -> value, for the tensors computed (or fed) so far.
      vars: variable name -> value, as of this point of the run's program order.
      resolved: op -> {variable name: initialized?}, fixed when the run was planned.
      fed: the tensors whose values the caller supplied.
      mode: "trace" (inside jit), "eager" (op by op) or "host" (NumPy, strings).
      seen: op -> {input tensor: value} for the variable aliases an op consumed (the value it
        saw), for gradients that replay the op.
      for_gradients: whether this is a gradient's replay (`jax.vjp` differentiates it, so
        loops must run in a reverse-differentiable form).
      used: the tensors the planned run consumes or fetches (None in nested programs), so an
        op with an inner program can run only the part its used outputs need.
    """
    env: dict
    vars: dict
    seen: dict
    resolved: dict
    fed: frozenset
    mode: str
    for_gradients: bool
    used: Optional[frozenset]

    def call(self, op, args, direct: bool = False) -> Any:
        """Calls `op.kernel(*args)` as the mode wants (constant-folded, cached jit, NumPy)."""

    def store(self, op, value) -> None:
        """Sets the op's outputs in `env` from a value or tuple, leaving fed outputs alone."""

    def random_key(self, op) -> Any:
        """The PRNG key of random op `op` in this run."""

    def check(self, op, args) -> None:
        """Records the op's `RunCheck` flag, `op.check.predicate(*args)`: the run then raises
        `op.check.error_class` and changes no variable if it is True."""

    def fail_if(self, flag, error_class, message) -> None:
        """Records a check flag computed by the op itself (see `check`)."""

    def assumed_sizes(self, op, guess, actual) -> tuple:
        """The output sizes a data-dependent op is to assume in this trace (`actual` when its
        values are concrete)."""

    def check_sizes(self, op, actual, assumed) -> None:
        """Checks a data-dependent op's actual sizes against the assumed ones."""

    def sub(self, env: dict, vars_: dict, iteration=None) -> "RunContext":
        """A context for a nested program (a cond branch, a loop body with its iteration
        number, a gradient replay), traced."""

    def execute(self, ops) -> None:
        """Runs `ops` in order in this context."""


class OpKind:
    """How a run treats ops of one kind. Subclasses override what differs from a pure op.

    Attributes:
      name: a short name, for messages and `repr`.
      differentiable: whether `tf.gradients` may flow through ops of this kind.
      random: whether ops of this kind draw random numbers (they then get seeds on creation).
      data_dependent: whether the output shapes depend on input values (the run assumes sizes
        and checks them: `RunContext.assumed_sizes`, `check_sizes`).
      before_run: whether the op's values are obtained on the host before the compiled step
        and enter it as feeds (tf.data's get_next; the kind provides `pull`).
      after_run: whether a fetched output is finished on the host after the compiled step
        from its inputs' values (tf.summary; the kind provides `finish`).
      runs_eagerly: whether ops of this kind run in eager mode (`framework/eager.py` runs
        them through `run` against its `EagerContext`); others raise NotImplementedError there.
    """
    name = "pure"
    differentiable = True
    random = False
    data_dependent = False
    before_run = False
    after_run = False
    runs_eagerly = False

    def value_inputs(self, op):
        """The inputs that carry values into the op (a variable's ref input does not)."""
        return op.inputs

    def prune_inputs(self, op, resolved):
        """The inputs a run must compute before this op."""
        return self.value_inputs(op)

    def var_reads(self, op, resolved=None, fed=frozenset()) -> tuple:
        """Names of the variables whose value the op reads from the State."""
        return ()

    def var_writes(self, op) -> tuple:
        """Names of the variables the op writes."""
        return ()

    def status_vars(self, op) -> Optional[tuple]:
        """Variables whose initialization status the op's result depends on (resolved when the
        run is planned), or None if it does not depend on any."""
        return None

    def aliases_variable(self, op) -> bool:
        """Whether the op's output is an alias of a variable (a ref variable's read): its
        consumers then see the variable's value at their own position in the run."""
        return False

    def has_random(self, op) -> bool:
        return self.random

    def has_checks(self, op, resolved=None) -> bool:
        """Whether the op records run-time check flags (in a planned run, `resolved` holds
        the initialization status of its `status_vars`)."""
        return False

    def op_by_op(self, op) -> bool:
        """Whether an initializer-like plan may run this op through a per-kernel jit cache."""
        return False

    def check_plan(self, op, fed) -> None:
        """Raises if the run cannot honour its feeds for this op (checked when planned)."""

    def run(self, op, ctx: RunContext) -> None:
        """Computes the op's outputs (and effects) in `ctx`."""
        ctx.store(op, ctx.call(op, [ctx.env[t] for t in op._inputs]))

    def __repr__(self):
        return f"<OpKind {self.name}>"


class _Pure(OpKind):
    """A JAX kernel of the input values (constant-folded when every input is known)."""
    runs_eagerly = True

    def op_by_op(self, op):
        return True


class FilledArray:
    """The value of a large constant whose elements all equal `value` (`tf.zeros([4096, 4096])`,
    `tf.constant(1.0, shape=...)`): never held on the host; a run makes it in the compiled step
    (`jnp.full`, which XLA fuses into its consumer). `np.asarray` materializes it."""
    __slots__ = ("value", "shape", "dtype")

    def __init__(self, value, shape, dtype):
        self.value, self.shape, self.dtype = value, tuple(shape), np.dtype(dtype)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def ndim(self):
        return len(self.shape)

    def __array__(self, dtype=None, copy=None):
        return np.full(self.shape, self.value, dtype or self.dtype)

    def materialize(self):
        """The value as a JAX array (a constant of the trace when called inside one)."""
        return jnp.full(self.shape, self.value, self.dtype)

    def __repr__(self):
        return f"FilledArray({self.value!r}, shape={self.shape}, dtype={self.dtype})"


class _Const(OpKind):
    """A constant: its value is `attrs["value"]` (a NumPy array, or a `FilledArray`)."""
    name = "const"
    differentiable = False
    runs_eagerly = True

    def op_by_op(self, op):
        return True

    def run(self, op, ctx):
        value = op.attrs["value"]
        ctx.env[op._outputs[0]] = value.materialize() if isinstance(value, FilledArray) else value


class _Checked(OpKind):
    """A JAX kernel whose input values are also checked when it runs (`op.check`, a
    `RunCheck`: index bounds, sizes); a failed check fails the run and changes nothing."""
    name = "checked"
    runs_eagerly = True

    def has_checks(self, op, resolved=None):
        return True

    def op_by_op(self, op):
        return True

    def run(self, op, ctx):
        args = [ctx.env[t] for t in op._inputs]
        ctx.check(op, args)
        ctx.store(op, ctx.call(op, args))


PURE = _Pure()
CONST = _Const()
CHECKED = _Checked()


def reject_feeds_inside(inner_ops, fed, where):
    """For `check_plan` of kinds that run a program of their own (`inner_ops`): a fed tensor
    made inside it cannot be honoured exactly, so the run raises NotImplementedError naming
    the tensor and `where` it is ("inside a branch of tf.cond 'c'")."""
    inner = [t for p in inner_ops for t in p.outputs if t in fed]
    if inner:
        raise NotImplementedError(
            f"Feeding tensor '{inner[0].name}', which lies {where}, is not supported. Feed a tensor "
            "outside it (for example a tf.placeholder_with_default in its place).")
