"""Which gradient an op type has: TF1's gradient registry (`tf.RegisterGradient`,
`tf.NotDifferentiable`) and `Graph.gradient_override_map`.

Every op of the library is differentiated by JAX (`ops/gradients.py` replays the path under
`jax.vjp`), so the registry only holds what users add: a gradient function registered under a
name, used for the ops whose gradient type is that name (their own type, or the one
`gradient_override_map` gave them: `op.gradient_override`), and op types declared not
differentiable. As in TF1, a gradient function is called when `tf.gradients` is built, as
`grad_fn(op, *output_grads)`, and returns one gradient (or None) per input of `op`; its ops
are named `gradients/<op name>_grad/...`.

Here the output gradients are stand-in tensors (as `tf.custom_gradient`'s), and the ops the
function creates form an inner program that `tf.gradients`' replay runs as the backward pass of
a `jax.custom_vjp` around the op (`run_override`), so the function's gradient flows on to the
op's inputs and second-order gradients differentiate the function's ops.

Where we differ: TF1 raises KeyError when a name that has a built-in gradient is registered
("Relu"); we have no such list (JAX differentiates every op), so registering a built-in type
name replaces that type's gradient. `gradient_override_map` may map to a registered name, to
"Identity" (TF1's straight-through idiom: `{"Round": "Identity"}`), or to a type declared not
differentiable ("StopGradient", ...); another built-in type's gradient as a target raises
LookupError (we cannot substitute one op's gradient for another's). The gradient function's ops
may not write variables, draw random numbers or have run-time checks (NotImplementedError), and
ops of variables (reads, writes, loops over variables) cannot have their gradient overridden.
"""
import jax
import jax.numpy as jnp

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.ops.control_flow_ops import analyse_program
from tfvars_jax.ops.custom_gradient import GRAD_INPUT

# Op types TF1 registers as not differentiable (`ops.NotDifferentiable`) or whose registered
# gradient is `None` for every input: gradients do not flow through them, so an x reaching the
# ys only through them gets `None`, as in TF1 (`tf.gradients(tf.floor(x), x) == [None]`).
# (Sign is not here: TF1's gradient of Sign is zeros, not None.)
NON_DIFFERENTIABLE = frozenset((
    "Floor", "Ceil", "Round", "Rint", "FloorDiv", "ZerosLike", "OnesLike", "StopGradient", "Shape",
    "Size", "Rank", "ArgMax", "ArgMin", "OneHot", "Range", "TruncateDiv",
    "HSVToRGB", "NonMaxSuppressionV3",  # tf.image: TF1 declares them not differentiable
    "SparseConcat",
    "FakeQuantWithMinMaxArgsGradient", "FakeQuantWithMinMaxVarsGradient",
    "FakeQuantWithMinMaxVarsPerChannelGradient",
))
# Op types a user declared not differentiable (`tf.NotDifferentiable`, `tf.no_gradient`).
_declared_not_differentiable = set()
# Gradient functions registered with `tf.RegisterGradient`, by name.
_registered = {}
# What `gradient_function` returns for an op whose gradient type is not differentiable.
NOT_DIFFERENTIABLE = object()


def _check_new(op_type):
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    if op_type in NON_DIFFERENTIABLE or op_type in _declared_not_differentiable or \
            op_type in _registered:
        raise KeyError(f"Registering two gradient with name '{op_type}'! (Previous registration "
                       "was in tfvars_jax)")


def NotDifferentiable(op_type):  # noqa: N802 - TF1's name
    """TF1's `tf.NotDifferentiable(op_type)` (`tf.no_gradient`, `tf.NoGradient`): gradients do
    not flow through ops of `op_type` (an x reaching the ys only through them gets None). Useful
    for op types made with `make_op`, or as a `gradient_override_map` target. As TF1,
    declaring a type twice raises KeyError; unlike TF1, declaring a built-in differentiable type
    (e.g. "MatMul") is accepted and stops its gradients."""
    _check_new(op_type)
    _declared_not_differentiable.add(op_type)


no_gradient = NotDifferentiable
NoGradient = NotDifferentiable


class RegisterGradient:
    """TF1's `@tf.RegisterGradient("Name")` decorator: registers `grad_fn(op, *grads)` as the
    gradient of the ops whose gradient type is "Name" (ops of that type, or ops given that name
    by `Graph.gradient_override_map`). It returns one gradient (Tensor, IndexedSlices or None)
    per input of `op`. Registering a name twice raises KeyError, as in TF1 (see the module
    docstring for built-in names)."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        _check_new(self._op_type)
        _registered[self._op_type] = f
        return f


def _identity_grad(op, grad):
    """TF1's gradient of Identity: the incoming gradient, unchanged."""
    del op
    return grad


def gradient_function(op):
    """The gradient an op has besides JAX's: a registered function, `NOT_DIFFERENTIABLE`, or
    None (JAX's derivative of its kernel, the default)."""
    name = op.gradient_override or op.type
    if name in _registered:
        return _registered[name]
    if name in _declared_not_differentiable:
        return NOT_DIFFERENTIABLE
    if op.gradient_override is None:
        return None
    if name in NON_DIFFERENTIABLE:
        return NOT_DIFFERENTIABLE
    if name == "Identity":
        return _identity_grad
    raise LookupError(
        f"No gradient defined for operation '{op.name}' (op type: {op.type}): "
        f"gradient_override_map maps its type to '{name}', which is not registered. "
        "Register it with @tf.RegisterGradient; tfvars_jax can substitute only 'Identity' and "
        "the non-differentiable types for another op's gradient.")


class Override:
    """The backward program of one op whose gradient is a user's function: the stand-ins for the
    output gradients (`dys`), the ops the function made, its results (one Tensor or None per
    input of the op), the tensors it uses from outside (`captures`) and the variables it reads."""
    __slots__ = ("dys", "ops", "grad_outs", "captures", "reads")

    def __init__(self, dys, ops, grad_outs, captures, reads):
        self.dys, self.ops, self.grad_outs = dys, ops, grad_outs
        self.captures, self.reads = captures, reads


def build_override(op, grad_fn):
    """Calls `grad_fn(op, *dys)` in TF1's `<op name>_grad` scope and records its program."""
    if op.kind.var_reads(op) or op.kind.var_writes(op):
        raise NotImplementedError(
            f"Overriding the gradient of '{op.name}' ({op.type}), which reads or writes "
            "variables, is not supported: override the gradient of an op that uses its value.")
    graph = op.graph
    with ops_lib.name_scope(f"{op.name}_grad"):
        dys = [make_op("GradInput", None, [], name="dy", kind=GRAD_INPUT, graph=graph,
                       out_specs=[(t.dtype.base_dtype, t.shape)]).outputs[0]
               for t in op.outputs]
        with graph.inner_program() as created:
            result = grad_fn(op, *dys)
            result = list(result) if isinstance(result, (list, tuple)) else [result]
            if len(result) != len(op.inputs):
                raise ValueError(f"Num gradients {len(result)} generated for op {op.name} do not "
                                 f"match num inputs {len(op.inputs)}")
            grad_outs = [None if g is None else convert_to_tensor(g) for g in result]
    prog = analyse_program(created, [g for g in grad_outs if g is not None], bound=dys)
    if prog.writes or prog.has_random or prog.has_checks:
        raise NotImplementedError(
            f"The gradient function of '{op.name}' ({op.gradient_override or op.type}) assigns "
            "variables, draws random numbers or has run-time checks: not supported.")
    own = set(op.inputs) | set(op.outputs)
    captures = [t for t in prog.captures if t not in dys and t not in own]
    return Override(dys, prog.ops, grad_outs, captures, prog.reads)


def run_override(op, spec, ctx, sub, env):
    """Runs `op` in the gradient replay `sub` as a `jax.custom_vjp` whose backward pass is the
    user's gradient program. Its forward pass recomputes the op's kernel (ops that JAX cannot
    differentiate, such as a py_func, keep the values the run computed)."""
    ins = tuple(sub.env[t] if t in sub.env else env[t] for t in op._inputs)
    outs = tuple(env[t] for t in op._outputs)
    caps = tuple(sub.env[t] if t in sub.env else env[t] for t in spec.captures)
    var_vals = {n: ctx.vars[n] for n in spec.reads}
    rerun = op.kind.differentiable

    def primal(ins, outs, caps):
        if not rerun:
            return outs
        inner = ctx.sub(dict(zip(op._inputs, ins)), dict(sub.vars))
        inner.for_gradients = True
        inner.execute([op])
        return tuple(inner.env[t] for t in op._outputs)

    overridden = jax.custom_vjp(primal)

    def fwd(ins, outs, caps):
        results = primal(ins, outs, caps)
        return results, (ins, results, caps)

    def bwd(res, cts):
        ins_v, outs_v, caps_v = res
        genv = dict(zip(spec.captures, caps_v))
        genv.update(zip(op._inputs, ins_v))
        genv.update(zip(op._outputs, outs_v))
        for dy, ct, out in zip(spec.dys, cts, outs_v):
            genv[dy] = jnp.zeros(jnp.shape(out), out.dtype) \
                if ct.dtype == jax.dtypes.float0 else ct
        inner = ctx.sub(genv, dict(var_vals))
        inner.execute(spec.ops)
        grads = []
        for g, v in zip(spec.grad_outs, ins_v):
            floating = jnp.issubdtype(v.dtype, jnp.inexact)
            grads.append(None if g is None or not floating else
                         jnp.broadcast_to(jnp.asarray(inner.env[g], v.dtype), jnp.shape(v)))
        return (tuple(grads), (None,) * len(outs_v), (None,) * len(caps_v))

    overridden.defvjp(fwd, bwd)
    sub.env.update(zip(op._outputs, overridden(ins, outs, caps)))
