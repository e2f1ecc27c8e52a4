"""Pure functions over a TF1 graph, for JAX training loops.

    step = make_step([train_op, loss], [x, y])          # graph -> pure function
    state = make_init()(seed=0)                          # the initializers, as a State
    (_, loss_value), state = jax.jit(step)(state, xs, ys)

`step(state, *feeds) -> (fetch values, new_state)` is the same function `Session.run` compiles;
it works under `jax.jit`, `jax.grad` (with respect to the trainable part of the state, see
`split`/`merge`), `jax.vmap` and `jax.lax.scan`. Pure functions are deterministic: random ops
draw from the State's counter (and `make_init`'s seed) alone, where a Session also draws
unseeded ops afresh per Session, as TF1. `transform(fn)` turns a TF1-style model function
into Haiku-style `init(rng, *inputs)` / `apply(state, *inputs)`.
"""
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.precision import tf_precision, with_tf_precision, x64_enabled
from tfvars_jax.ops import array_ops
from tfvars_jax.runtime import compiler
from tfvars_jax.runtime.fetches import FetchMapper
from tfvars_jax.runtime.state import State
from tfvars_jax.variables import initialization

__all__ = ["make_step", "make_init", "split", "merge", "trainable_names", "transform",
           "Transformed", "tf_precision"]


def make_step(fetches, feeds=(), graph=None):
    """A pure function `step(state, *feed_values) -> (fetch values, new_state)`.

    Args:
      fetches: what `Session.run` would fetch (Tensors, Operations, Variables, nested).
      feeds: the Tensors (usually placeholders) whose values `step` takes, in order.
      graph: the graph (default: the default graph).
    Returns:
      The step function. Run-time checks (`count_up_to`, scatter bounds) cannot raise inside
      a pure function: on a failed check the written variables keep their old values.
    Raises:
      NotImplementedError: the fetches need host-side string ops.
    """
    graph = graph or ops_lib.get_default_graph()
    mapper = FetchMapper(graph, fetches)
    feeds = list(feeds)
    every_var = set(graph.variables_by_name)
    plan, _ = compiler.compile_plan(mapper.tensors, mapper.ops, feeds, every_var)
    if plan.host_ops:
        raise NotImplementedError("make_step: tf.string values cannot live in a pure JAX function; "
                                  f"string ops: {[op.name for op in plan.host_ops][:5]}")
    if plan.pulls:
        raise NotImplementedError(
            "make_step: tf.data iterators' get_next() values come from the host on each run "
            f"({[op.name for op in plan.pulls][:5]}); feed the batches as arguments of the step "
            "instead.")
    if plan.data_dependent:
        raise NotImplementedError(
            "make_step: ops whose output shapes depend on values "
            f"({[op.name for op in plan.data_dependent][:5]}) cannot be part of one pure JAX "
            "function; run them through a Session.")
    plan.eager = False
    wide = _wide_names(graph, plan, feeds)

    def step(state, *feed_values):
        if wide and not x64_enabled():
            raise TypeError(
                f"make_step: {wide[0]} is {_WIDE_MESSAGE}; call (and jax.jit) the step inside "
                "`with jax.enable_x64(True):` (or tfvars_jax.functional.tf_precision()), or JAX would "
                "compute it in 32 bits.")
        if len(feed_values) != len(feeds):
            raise ValueError(f"step expects {len(feeds)} feed values ({[t.name for t in feeds]}), "
                             f"got {len(feed_values)}")
        missing = [n for n in plan.inputs if n not in state]
        if missing:
            raise KeyError(f"The state has no value for {missing}; build it with make_init() or "
                           "sess.state.")
        donated = {n: state[n] for n in plan.donated}
        readonly = {n: state[n] for n in plan.readonly}
        dev_feeds = tuple(jnp.asarray(v, feeds[i].dtype.base_dtype.as_numpy_dtype)
                          for i, v in zip(plan.dev_feed, feed_values))
        outs, new_vars, _, _ = plan.step(donated, readonly, dev_feeds,
                                      compiler.rng_input(state.counter), mode="trace")
        values = [None] * len(plan.fetches)
        for i, v in zip(plan.dev_fetch, outs):
            values[i] = v
        counter = state.counter + 1 if plan.has_random else state.counter
        return mapper.build(values), state.replace(new_vars, counter=counter)

    return step


def make_init(graph=None, var_list=None):
    """A function `init(seed=0) -> State` running the variables' initializers (default: global
    and local variables). `seed` is the run counter random initializers fold into their keys."""
    graph = graph or ops_lib.get_default_graph()
    with graph.as_default():
        if var_list is None:
            var_list = initialization.global_variables() + initialization.local_variables()
        init_op = initialization.variables_initializer(var_list)
    plan, _ = compiler.compile_plan([], [init_op], [], set())

    @with_tf_precision
    def init(seed=0):
        _, updates = plan.run({}, [], compiler.rng_input(int(seed)), donate=False)
        return State(updates, int(seed) + (1 if plan.has_random else 0))

    return init


_WIDE = frozenset(("int64", "uint64", "float64", "complex128"))
_WIDE_MESSAGE = "a 64-bit value (int64, uint64, float64 or complex128) and JAX's x64 mode is off"


def _wide_names(graph, plan, feeds):
    """The variables, feeds and fetches of `plan` whose dtype needs JAX's x64 mode."""
    names = [f"variable '{n}'" for n in plan.inputs + tuple(plan.dev_written)
             if graph.variables_by_name[n].dtype.base_dtype.name in _WIDE]
    names += [f"tensor '{t.name}'" for t in list(feeds) + plan.fetches if t.dtype.base_dtype.name in _WIDE]
    return names


def trainable_names(graph=None):
    """The state names of the graph's trainable variables."""
    graph = graph or ops_lib.get_default_graph()
    return [v.op.name for v in graph.get_collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES)]


def split(state, graph=None):
    """(trainable values as a dict, the rest as a State) — for `jax.grad` and optax users."""
    names = set(trainable_names(graph))
    trainable = {n: v for n, v in state.items() if n in names}
    rest = State({n: v for n, v in state.items() if n not in names}, state.counter)
    return trainable, rest


def merge(trainable, rest):
    """The inverse of `split`."""
    return rest.replace(trainable)


class Transformed(NamedTuple):
    """`init(rng, *inputs) -> State` and `apply(state, *inputs) -> (outputs, State)`."""
    init: Callable
    apply: Callable


def transform(fn):
    """Turns a TF1-style model function into pure `init`/`apply` (Haiku style).

    `fn(*inputs)` builds its graph with `get_variable` in scopes and returns output tensors.
    Inputs become placeholders of the inputs' shapes and dtypes (one graph per signature);
    state names are the TF1 variable names (`"dense/w"`).
    """
    graphs = {}

    def build(inputs):
        sig = tuple((tuple(np.shape(a)),
                     np.dtype(a.dtype if hasattr(a, "dtype") else np.asarray(a).dtype).str)
                    for a in inputs)
        if sig not in graphs:
            graph = ops_lib.Graph()
            with graph.as_default():
                phs = [array_ops.placeholder(dtypes.as_dtype(np.dtype(d)), shape, name=f"input_{i}")
                       for i, (shape, d) in enumerate(sig)]
                outputs = fn(*phs)
            graphs[sig] = (graph, make_init(graph), make_step(outputs, phs, graph))
        return graphs[sig]

    def init(rng, *inputs):
        seed = rng if isinstance(rng, (int, np.integer)) else int(jax.random.randint(rng, (), 0,
                                                                                     2 ** 31 - 1))
        return build(inputs)[1](seed)

    def apply(state, *inputs):
        return build(inputs)[2](state, *inputs)

    return Transformed(init, apply)
