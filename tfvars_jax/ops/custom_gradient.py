"""`tf.custom_gradient`: a function whose gradient is given by the user, TF1 graph mode.

As TF1 (`_graph_mode_decorator`), `f(*x)` builds its forward ops as ordinary graph ops and
returns `(y, grad_fn)`; the results, the arguments and the variables `f` reads then pass
through one `IdentityN` op, whose gradient is `grad_fn`. Here `grad_fn` is called once when
the decorated function is called (TF1 calls it when `tf.gradients` is built), on stand-in
tensors for the incoming gradients `dy`: its ops form an inner program that runs only inside
the IdentityN op's backward pass. The op's kernel is a `jax.custom_vjp` identity whose
backward pass runs that program, so `tf.gradients` (a `jax.vjp` replay) differentiates
through `grad_fn`, and second-order gradients differentiate `grad_fn`'s ops.

Variables: those `f` reads between its arguments and results (as TF 2.x's compat.v1 finds
them) are passed to `grad_fn(*dy, variables=[...])`, which returns `(input grads, variable
grads)`; `grad_fn` without a `variables` keyword then raises TypeError, and a variable
created inside `f` must be a resource variable (TypeError otherwise), as TF1.

Where we differ: the IdentityN op also takes the tensors made outside `grad_fn` that it
reads (after TF1's inputs), and `grad_fn`'s ops are named in the forward scope
(`IdentityN/grad/...`), not under `gradients/`. A `grad_fn` that writes variables, draws
random numbers or has run-time checks raises NotImplementedError.
"""
import functools
import inspect

import jax
import jax.numpy as jnp

from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind, reject_feeds_inside
from tfvars_jax.ops import state_ops
from tfvars_jax.ops.control_flow_ops import analyse_program


class _GradInput(OpKind):
    """A stand-in for an incoming gradient `dy` of a custom gradient: the IdentityN op's
    backward pass supplies its value; it cannot be fetched on its own."""
    name = "custom_gradient_input"
    differentiable = False

    def check_plan(self, op, fed):
        if op.outputs[0] not in fed:
            raise errors.InvalidArgumentError(
                None, op, f"Tensor '{op.outputs[0].name}' is the incoming gradient of a "
                          "tf.custom_gradient function: it has a value only in tf.gradients.")

    def run(self, op, ctx):
        raise AssertionError("a custom gradient's dy stand-in runs only inside its op")


class _CustomGradient(OpKind):
    """TF1's IdentityN with an overridden gradient: identity forward; backward runs the
    recorded `grad_fn` program (through `jax.custom_vjp`)."""
    name = "custom_gradient"

    def var_reads(self, op, resolved=None, fed=frozenset()):
        return op.attrs["grad_reads"]

    def check_plan(self, op, fed):
        reject_feeds_inside(op.attrs["grad_ops"], fed,
                            f"inside the gradient function of tf.custom_gradient '{op.name}'")

    def run(self, op, ctx):
        a = op.attrs
        n_main, n_res = a["n_main"], a["n_results"]
        values = [ctx.env[t] for t in op._inputs]
        main, caps = tuple(values[:n_main]), tuple(values[n_main:])
        var_vals = tuple(ctx.vars[n] for n in a["grad_reads"])
        # The values grad_fn's reads see, for a gradient that replays this op (as tf.cond).
        ctx.env[op] = dict(zip(a["grad_reads"], var_vals))
        grad_outs = a["grad_outs"]  # per main input after the results: Tensor or None

        @jax.custom_vjp
        def identity(main, caps, var_vals):
            return main

        def fwd(main, caps, var_vals):
            return main, (main, caps, var_vals)

        def bwd(res, cts):
            main_v, caps_v, vars_v = res
            env = dict(zip(a["captures"], caps_v))
            env.update(zip(a["dys"], cts[:n_res]))
            sub = ctx.sub(env, dict(zip(a["grad_reads"], vars_v)))
            sub.execute(a["grad_ops"])
            # None: a symbolic zero, so the forward ops behind the results and the captured
            # tensors are not backpropagated at all (as TF1; 0 * inf would give nan).
            grads = [None] * n_res
            for g, v in zip(grad_outs, main_v[n_res:]):
                grads.append(None if g is None else
                             jnp.broadcast_to(jnp.asarray(sub.env[g], v.dtype), v.shape))
            return (tuple(grads), (None,) * len(caps_v), (None,) * len(vars_v))

        identity.defvjp(fwd, bwd)
        ctx.store(op, tuple(identity(main, caps, var_vals)))


GRAD_INPUT = _GradInput()
CUSTOM_GRADIENT = _CustomGradient()


def _flatten(x):
    if isinstance(x, (list, tuple)):
        return [y for item in x for y in _flatten(item)]
    return [x]


def _rebuild(structure, it):
    if isinstance(structure, (list, tuple)):
        return type(structure)(_rebuild(s, it) for s in structure)
    return next(it)


def _variables_between(graph, args, results):
    """The variables read on the way back from `results`, stopping at `args` (TF's
    `_get_dependent_variables`), sorted by name."""
    stop = set(args)
    names, seen, stack = set(), set(), [t.op for t in results if t not in stop]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        names.update(op.kind.var_reads(op))
        stack.extend(t.op for t in op.inputs if t not in stop)
    by_name = graph.variables_by_name
    return [by_name[n] for n in sorted(names) if n in by_name]


def _accepts_variables(fn):
    try:
        spec = inspect.getfullargspec(fn)
    except TypeError:
        return False
    return "variables" in spec.args or "variables" in spec.kwonlyargs or bool(spec.varkw)


def custom_gradient(f=None):
    """TF1's `tf.custom_gradient` decorator (graph mode).

    `f(*x)` returns `(y, grad_fn)`; `grad_fn(*dy)` returns the gradients for the `x` (a list,
    `None` for none), or with a `variables` keyword `(input grads, variable grads)` when `f`
    reads variables. The decorated function returns `y` through an `IdentityN` op whose
    gradient in `tf.gradients` is `grad_fn`, as in TF1. Keyword arguments to the decorated
    function raise ValueError (TF1 graph mode). See `ops/custom_gradient.py` for where we
    differ.
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        if kwargs:
            raise ValueError("The custom_gradient decorator currently supports keywords "
                             "arguments only when eager execution is enabled.")
        return _call(f, args)
    return decorated


def _call(f, args):
    args = [convert_to_tensor(x) for x in args]
    graph = ops_lib.graph_of(args) if args else ops_lib.get_default_graph()
    with graph.as_default():
        before = set(graph.variables_by_name)
        result, grad_fn = f(*args)
        new = [v for n, v in graph.variables_by_name.items() if n not in before]
        for v in new:
            if not getattr(v, "_is_resource", False):
                raise TypeError(
                    "All variables used by a function wrapped with @custom_gradient must be "
                    "`ResourceVariable`s. Ensure that no `variable_scope` is created with "
                    "`use_resource=False`.")
        flat_result = [convert_to_tensor(r) for r in _flatten(result)]
        variables = _variables_between(graph, args, flat_result)
        takes_vars = _accepts_variables(grad_fn)
        if variables and not takes_vars:
            raise TypeError("@tf.custom_gradient grad_fn must accept keyword argument "
                            f"'variables', since function uses variables: {variables}")
        with ops_lib.name_scope(None, "IdentityN") as scope:
            var_reads = [state_ops.read(v._variable_op, name="ReadVariableOp", copy=True)
                         if v._is_resource else v._as_tensor() for v in variables]
            dys = [make_op("GradInput", None, [], name="grad/dy", kind=GRAD_INPUT, graph=graph,
                           out_specs=[(t.dtype.base_dtype, t.shape)]).outputs[0]
                   for t in flat_result]
            with graph.inner_program() as created, ops_lib.name_scope("grad"):
                dy_args = _rebuild(result, iter(dys)) if isinstance(result, (list, tuple)) \
                    else dys[0]
                dy_args = list(dy_args) if isinstance(dy_args, (list, tuple)) else [dy_args]
                if variables:
                    input_grads, var_grads = grad_fn(*dy_args, variables=variables)
                    var_grads = list(var_grads)
                    if len(var_grads) != len(variables):
                        raise ValueError("Must return gradient for each variable from "
                                         "@custom_gradient grad_fn.")
                else:
                    input_grads, var_grads = grad_fn(*dy_args), []
                input_grads = _flatten(input_grads)
                if len(input_grads) != len(args):
                    raise ValueError(f"@custom_gradient grad_fn returned {len(input_grads)} "
                                     f"input gradients for {len(args)} inputs.")
                grad_outs = [None if g is None else convert_to_tensor(g)
                             for g in input_grads + var_grads]
            prog = analyse_program(created, [g for g in grad_outs if g is not None], bound=dys)
            if prog.writes or prog.has_random or prog.has_checks:
                raise NotImplementedError(
                    "A tf.custom_gradient grad_fn that assigns variables, draws random numbers "
                    "or has run-time checks is not supported.")
            main = flat_result + args + var_reads
            captures = [t for t in prog.captures if t not in dys]
            op = make_op("IdentityN", None, main + captures, name=scope, graph=graph,
                         kind=CUSTOM_GRADIENT,
                         out_specs=[(t.dtype.base_dtype, t.shape) for t in main],
                         attrs={"n_main": len(main), "n_results": len(flat_result),
                                "grad_ops": prog.ops, "grad_outs": grad_outs, "dys": dys,
                                "captures": captures, "grad_reads": prog.reads})
    return _rebuild(result, iter(op.outputs[:len(flat_result)])) \
        if isinstance(result, (list, tuple)) else op.outputs[0]
