"""`tf.while_loop`: a loop whose condition and body are inner programs run by one op.

The op runs as one `jax.lax.while_loop` in the compiled step. Variables the programs read or
write are carried through the iterations (a write in one iteration is seen by the next), random
ops draw afresh in every iteration, and run-time checks in the body (`tf.Assert`, TensorArray
bounds) stop the loop and fail the run. When a gradient replays the loop, it runs as a
`jax.lax.scan` over `maximum_iterations` steps that keeps the state once the condition is
false, which reverse-mode differentiation needs; a loop without `maximum_iterations` cannot be
differentiated then (NotImplementedError). TensorArrays are loop variables like tensors.
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import nest
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind, reject_feeds_inside
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape
from tfvars_jax.ops import array_ops
from tfvars_jax.ops.control_flow_ops import analyse_program, needed_ops, unique_in_order
from tfvars_jax.ops.tensor_array_ops import TensorArray


class _LoopVariable(OpKind):
    """A loop variable as the condition and body see it (TF1's `while/Identity`); the loop
    op supplies its value in every iteration."""
    name = "loop_variable"

    def check_plan(self, op, fed):
        if op.outputs[0] not in fed:
            raise errors.InvalidArgumentError(
                None, op, f"Tensor '{op.outputs[0].name}' is a loop variable inside "
                          f"tf.while_loop '{op.attrs['loop']}': fetch the loop's outputs "
                          "instead.")

    def run(self, op, ctx):
        raise AssertionError(f"loop variable {op.name} run outside its loop")


class _While(OpKind):
    """`tf.while_loop`: runs the body while the condition holds (see the module docstring)."""
    name = "while"

    def var_reads(self, op, resolved=None, fed=frozenset()):
        return op.attrs["touched"]  # a written variable keeps its value if the loop never runs

    def var_writes(self, op):
        return op.attrs["writes"]

    def has_random(self, op):
        return op.attrs["has_random"]

    def has_checks(self, op, resolved=None):
        return op.attrs["has_checks"]

    def check_plan(self, op, fed):
        a = op.attrs
        reject_feeds_inside(a["cond_ops"] + a["body_ops"], fed,
                            f"inside tf.while_loop '{op.name}'")

    def run(self, op, ctx):
        a = op.attrs
        n = len(a["loop_in"])
        inputs = [ctx.env[t] for t in op._inputs]
        vals0 = tuple(jnp.asarray(v, t.dtype.base_dtype.as_numpy_dtype)
                      for v, t in zip(inputs[:n], a["loop_in"]))
        max_iter = inputs[n] if a["has_max"] else None
        captured = dict(zip(op._inputs[n + a["has_max"]:], inputs[n + a["has_max"]:]))
        touched = a["touched"]
        ctx.env[op] = {k: ctx.vars[k] for k in touched}  # for gradients that replay the loop
        # Only the variables the loop writes are carried; the ones it only reads are constants.
        fixed = {k: ctx.vars[k] for k in touched if k not in a["writes"]}
        vars0 = {k: ctx.vars[k] for k in a["writes"]}
        cond_checks, body_checks = [], []

        def program(ops, outs, vals, vars_, i, checks):
            env = dict(captured)
            env.update(zip(a["loop_in"], vals))
            sub = ctx.sub(env, {**fixed, **vars_}, iteration=i)
            sub.execute(ops)
            checks[:] = sub.checks
            return [sub.env[t] for t in outs], {k: sub.vars[k] for k in a["writes"]}, sub.flags

        def condition(vals, vars_, i):
            (pred,), _, flags = program(a["cond_ops"], [a["cond_out"]], vals, vars_, i,
                                        cond_checks)
            pred = jnp.asarray(pred, bool)
            if max_iter is not None:
                pred = pred & (i < max_iter)
            return pred, flags

        def fail(failed, first, flags, offset=0):
            """Folds this iteration's check flags into (any failed, index of the first)."""
            if not flags:
                return failed, first
            f = jnp.stack([jnp.asarray(x, bool) for x in flags])
            return failed | jnp.any(f), jnp.where(failed, first, offset + jnp.argmax(f).astype(jnp.int32))

        live, body_ops = _live_body(op, ctx.used)
        live_outs = [a["body_outs"][k] for k in live]
        n_out = len(live)

        def step(carry):
            i, vals, vars_, _, failed, first, emitted = carry
            outs, new_vars, body_flags = program(body_ops, live_outs + a["emit"], vals,
                                                 vars_, i, body_checks)
            new_vals = list(vals)  # a loop variable nothing needs keeps its value (TF1 prunes)
            for k, v in zip(live, outs[:n_out]):
                new_vals[k] = v
            # (a buffer of length 0: maximum_iterations is 0, no iteration runs; JAX rejects
            # the update when tracing, e.g. tf.scan without initializer over one element)
            emitted = tuple(buf if buf.shape[0] == 0 else
                            jax.lax.dynamic_update_index_in_dim(buf, jnp.asarray(e, buf.dtype), i, 0)
                            for buf, e in zip(emitted, outs[n_out:]))
            for t, old, new in zip(a["loop_in"], vals, new_vals):
                if jnp.shape(old) != jnp.shape(new):
                    raise NotImplementedError(
                        f"Loop variable '{ops_lib.display_name(t)}' of tf.while_loop '{op.name}' changes shape "
                        f"across iterations (from {jnp.shape(old)} to {jnp.shape(new)}): loops "
                        "are compiled with fixed shapes here.")
            new_vals = tuple(jnp.asarray(v, o.dtype) for v, o in zip(new_vals, vals))
            new_vars = {k: jnp.asarray(v, vars0[k].dtype) for k, v in new_vars.items()}
            failed, first = fail(failed, first, body_flags, offset=len(cond_checks))
            go, cond_flags = condition(new_vals, new_vars, i + 1)
            failed, first = fail(failed, first, cond_flags)
            return i + 1, new_vals, new_vars, go & ~failed, failed, first, emitted

        go0, flags0 = condition(vals0, vars0, jnp.int32(0))
        failed0, first0 = fail(jnp.bool_(False), jnp.int32(0), flags0)
        emitted0 = self._emit_buffers(op, program, vals0, vars0, max_iter, body_checks)
        carry = (jnp.int32(0), vals0, vars0, go0 & ~failed0, failed0, first0, emitted0)
        if ctx.for_gradients:
            carry = self._scan(op, step, carry, max_iter)
        else:
            carry = jax.lax.while_loop(lambda c: c[3], step, carry)
        _, vals, vars_, _, failed, first, emitted = carry
        for k, (cls, msg) in enumerate(cond_checks + body_checks):
            ctx.fail_if(failed & (first == k), cls, msg)
        ctx.vars.update({k: vars_[k] for k in a["writes"]})
        for t, v in zip(op._outputs, vals + emitted):
            ctx.env[t] = v

    def _emit_buffers(self, op, program, vals0, vars0, max_iter, checks):
        """Zeros of [maximum_iterations, ...] for each value the body emits per iteration (the
        shapes from an abstract evaluation of the body)."""
        a = op.attrs
        if not a["emit"]:
            return ()
        length = _static_length(op, max_iter, "emit per-iteration values")
        shapes = jax.eval_shape(lambda v, w: program(a["body_ops"], a["emit"], v, w,
                                                     jnp.int32(0), checks)[0], vals0, vars0)
        return tuple(jnp.zeros((length,) + s.shape, t.dtype.base_dtype.as_numpy_dtype)
                     for s, t in zip(shapes, a["emit"]))

    def _scan(self, op, step, carry, max_iter):
        """The loop as a reverse-differentiable scan over `maximum_iterations` steps."""
        length = _static_length(op, max_iter, "be differentiated")
        def scan_step(c, _):
            new = step(c)
            go = c[3]
            kept = jax.tree_util.tree_map(lambda x, y: jnp.where(go, x, y), new, c)
            return kept, None
        carry, _ = jax.lax.scan(scan_step, carry, None, length=length)
        return carry


def _loop_deps(ops, roots, loop_in):
    """Indices of the loop variables that `roots` depend on within program `ops`."""
    index = {t: k for k, t in enumerate(loop_in)}
    deps = {index[r] for r in roots if r in index}
    for o in needed_ops(ops, roots):
        deps.update(index[t] for t in o.inputs if t in index)
    return frozenset(deps)


def _live_body(op, used):
    """(indices of the loop variables the run needs, the body ops that compute them).

    TF1 runs only the part of a loop that the fetched outputs need: a body op (a write) that
    feeds only a loop variable whose output nothing in the run uses does not run. `used` is
    the set of tensors the run's plan consumes or fetches (None in a nested program: all)."""
    a = op.attrs
    n = len(a["loop_in"])
    if used is None:
        return tuple(range(n)), a["body_ops"]
    live = {k for k in range(n) if op._outputs[k] in used} | a["always_live"]
    stack = list(live)
    while stack:
        for d in a["out_deps"][stack.pop()]:
            if d not in live:
                live.add(d)
                stack.append(d)
    live = tuple(sorted(live))
    if len(live) == n:
        return live, a["body_ops"]
    cache = a.setdefault("live_bodies", {})
    if live not in cache:
        needed = needed_ops(a["body_ops"], [a["body_outs"][k] for k in live] + a["emit"])
        cache[live] = [o for o in a["body_ops"] if o in needed]
    return live, cache[live]


def _static_length(op, max_iter, what):
    """`maximum_iterations` as an int, known when the run is compiled (raises otherwise)."""
    if max_iter is None:
        raise NotImplementedError(
            f"tf.while_loop '{op.name}' needs maximum_iterations to {what}: pass "
            "maximum_iterations= (TF1's tf.nn.dynamic_rnn, tf.scan and tf.map_fn do).")
    try:
        return max(int(np.asarray(max_iter)), 0)
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        raise NotImplementedError(
            f"tf.while_loop '{op.name}' needs maximum_iterations to {what}, and it depends on "
            "values computed in the run; it must be known when the run is compiled (a "
            "constant, or computed from the shapes of fed tensors).") from None


class _WhileNoBackprop(_While):
    """`tf.while_loop(..., back_prop=False)`: gradients do not flow through it (TF1)."""
    name = "while_no_backprop"
    differentiable = False


LOOP_VARIABLE = _LoopVariable()
WHILE = _While()
WHILE_NO_BACKPROP = _WhileNoBackprop()


def _flat_loop_vars(loop_vars):
    """Leaves of `loop_vars` as Tensors (a TensorArray gives its stacked value)."""
    flat = []
    for leaf in nest.flatten(loop_vars):
        if isinstance(leaf, TensorArray):
            flat.append(leaf._value_for_loop())
        else:
            flat.append(convert_to_tensor(leaf))
    return flat


def _pack_loop_vars(structure, tensors):
    """`tensors` in the shape of `structure`, TensorArrays rebuilt around their values."""
    leaves = [leaf._with_value(t) if isinstance(leaf, TensorArray) else t
              for leaf, t in zip(nest.flatten(structure), tensors)]
    return nest.pack_sequence_as(structure, leaves)


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """TF1's `tf.while_loop`: repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`.

    `loop_vars` is a (nested) list, tuple or namedtuple of Tensors and TensorArrays; the result
    has its structure (a single Tensor for a one-element list unless `return_same_structure`).
    `shape_invariants` relax the static shapes TF1 checks; at run time shapes must stay fixed
    (a loop variable that grows raises NotImplementedError). `maximum_iterations` bounds the
    loop as in TF1 and makes it differentiable. `parallel_iterations` and `swap_memory` are
    TF1 scheduling hints that do not change results; iterations run in order here.
    """
    if parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    del swap_memory  # a memory hint; results are the same
    if context.executing_eagerly():
        return _eager_while_loop(cond, body, loop_vars, maximum_iterations, return_same_structure)
    with ops_lib.name_scope(name, "while", nest.flatten(loop_vars)):
        result, _ = build_loop(cond, lambda *args: (body(*args), ()), loop_vars,
                               shape_invariants, back_prop, maximum_iterations)
    if not return_same_structure and isinstance(loop_vars, list) and len(loop_vars) == 1 and \
            len(nest.flatten(loop_vars)) == 1:
        return result[0]
    return result


def _eager_while_loop(cond, body, loop_vars, maximum_iterations, return_same_structure):
    """TF's `while_loop` in eager mode: a Python loop over the body (the structure of
    the loop variables must stay the same, as TF checks)."""
    single = isinstance(loop_vars, list) and len(loop_vars) == 1 and \
        len(nest.flatten(loop_vars)) == 1 and not return_same_structure
    if not callable(cond) or not callable(body):
        raise TypeError("cond and body must be callable.")
    limit = None if maximum_iterations is None else int(maximum_iterations)
    packed = isinstance(loop_vars, (list, tuple)) and not hasattr(loop_vars, "_fields")
    i = 0
    while (limit is None or i < limit) and bool(cond(*loop_vars) if packed else cond(loop_vars)):
        new = body(*loop_vars) if packed else body(loop_vars)
        if packed and not isinstance(new, (list, tuple)):
            new = [new]
        nest.assert_same_structure(loop_vars, new, what="loop variables and body outputs")
        loop_vars = nest.pack_sequence_as(loop_vars, [
            v if isinstance(v, (ops_lib.Tensor,)) or hasattr(v, "stack") else
            convert_to_tensor(v) for v in nest.flatten(new)])
        i += 1
    if single:
        return loop_vars[0]
    return loop_vars


def build_loop(cond, body, loop_vars, shape_invariants=None, back_prop=True,
               maximum_iterations=None):
    """Builds a While op in the current name scope; the `tf.while_loop`, `tf.scan`,
    `tf.map_fn` and `tf.nn.dynamic_rnn` builder.

    Args:
      cond: a function of the loop variables returning a scalar bool.
      body: a function of the loop variables returning (new loop variables, emitted): `emitted`
        is a (nested) structure of tensors computed in each iteration, which the loop stacks
        along a new first axis of length `maximum_iterations` (rows past the last iteration
        are zeros).
      loop_vars, shape_invariants, back_prop, maximum_iterations: as `tf.while_loop`'s.

    Returns:
      (the loop variables after the loop, the stacked emitted structure).
    """
    if not callable(cond) or not callable(body):
        raise TypeError("cond and body must be callable.")
    if not nest.is_nested(loop_vars) or not nest.flatten(loop_vars):
        if nest.is_nested(loop_vars):
            raise ValueError("No loop variables provided")
        raise TypeError(f"loop_vars must be a list, tuple or namedtuple, got {loop_vars!r}")
    graph = ops_lib.get_default_graph()
    scope = graph.get_name_scope()
    flat0 = _flat_loop_vars(loop_vars)
    max_t = None
    if maximum_iterations is not None:
        max_t = convert_to_tensor(maximum_iterations, name="maximum_iterations")
        if max_t.dtype.base_dtype.name not in ("int32", "int64") or \
                max_t.shape.ndims not in (0, None):
            raise ValueError(f"maximum_iterations must be a scalar integer, got {max_t}")
        max_t = _cast_int32(max_t)
    invariants = _shape_invariants(loop_vars, flat0, shape_invariants)
    loop_in = [make_op("Identity", None, [], name="Identity", kind=LOOP_VARIABLE,
                       out_specs=[(t.dtype.base_dtype, sh)], graph=graph,
                       attrs={"loop": scope}).outputs[0]
               for t, sh in zip(flat0, invariants)]
    args = list(_pack_loop_vars(loop_vars, loop_in))
    with graph.inner_program() as cond_created:
        pred = convert_to_tensor(cond(*args))
    if pred.dtype.base_dtype != dtypes.bool or pred.shape.ndims not in (0, None):
        raise ValueError(f"The condition of tf.while_loop '{scope}' must return a scalar bool "
                         f"tensor, got {pred}")
    with graph.inner_program() as body_created:
        result, emitted = body(*args)
        if not nest.is_nested(result) and len(nest.flatten(loop_vars)) == 1 and \
                isinstance(loop_vars, (list, tuple)) and not hasattr(loop_vars, "_fields"):
            result = type(loop_vars)([result])
        nest.assert_same_structure(loop_vars, result, "structures (loop_vars and the body's "
                                                      "result)")
        body_outs = _flat_loop_vars(result)
        emit = [convert_to_tensor(e) for e in nest.flatten(emitted)]
    _check_body_outputs(body_outs, invariants, flat0)
    cond_prog = analyse_program(cond_created, [pred], loop_in)
    body_prog = analyse_program(body_created, body_outs + emit, loop_in)
    captures = cond_prog.captures + [t for t in body_prog.captures if t not in cond_prog.captures]
    control = cond_prog.control + [c for c in body_prog.control if c not in cond_prog.control]
    reads = unique_in_order(cond_prog.reads + body_prog.reads)
    writes = unique_in_order(cond_prog.writes + body_prog.writes)
    inputs = flat0 + ([max_t] if max_t is not None else []) + captures
    length = None if max_t is None or max_t._static_value is None else int(max_t._static_value)
    specs = [(t.dtype.base_dtype, sh) for t, sh in zip(flat0, invariants)]
    specs += [(e.dtype.base_dtype, TensorShape([length]).concatenate(e.shape)) for e in emit]
    with graph.control_dependencies(control):
        op = make_op("While", None, inputs, name="While", graph=graph,
                     kind=WHILE if back_prop else WHILE_NO_BACKPROP, out_specs=specs,
                     attrs={"loop_in": loop_in, "cond_ops": cond_prog.ops, "cond_out": pred,
                            "body_ops": body_prog.ops, "body_outs": body_outs, "emit": emit,
                            "has_max": max_t is not None, "reads": reads, "writes": writes,
                            "touched": unique_in_order(reads + writes),
                            "has_random": cond_prog.has_random or body_prog.has_random,
                            "has_checks": cond_prog.has_checks or body_prog.has_checks,
                            # for running only what the fetched outputs need (`_live_body`)
                            "out_deps": [_loop_deps(body_prog.ops, [t], loop_in)
                                         for t in body_outs],
                            "always_live": set(_loop_deps(cond_prog.ops, [pred], loop_in) |
                                               _loop_deps(body_prog.ops, emit, loop_in))})
    outs = [array_ops.identity(t, name="Exit") for t in op.outputs[:len(flat0)]]
    return (_pack_loop_vars(loop_vars, outs),
            nest.pack_sequence_as(emitted, op.outputs[len(flat0):]) if emit else emitted)


def _cast_int32(t):
    if t.dtype.base_dtype.name == "int32":
        return t
    from tfvars_jax.ops import math_ops
    return math_ops.cast(t, dtypes.int32)


def _shape_invariants(loop_vars, flat0, shape_invariants):
    if shape_invariants is None:
        return [t.shape for t in flat0]
    nest.assert_same_structure(loop_vars, shape_invariants, "structures (loop_vars and "
                                                            "shape_invariants)") \
        if nest.is_nested(shape_invariants) else None
    flat_inv = nest.flatten(shape_invariants) if nest.is_nested(shape_invariants) else \
        [shape_invariants]
    out = []
    for t, inv in zip(flat0, flat_inv):
        inv = as_shape(inv)
        if not inv.is_compatible_with(t.shape) or (
                inv.ndims is not None and t.shape.ndims is not None and
                not TensorShape(inv).is_compatible_with(t.shape)):
            raise ValueError(f"The shape invariant specified for {ops_lib.display_name(t)} is not compatible with "
                             f"the initial shape of the loop variable. It enters the loop with "
                             f"shape {t.shape}, but the specified shape invariant is {inv}.")
        out.append(inv)
    return out


def _check_body_outputs(body_outs, invariants, flat0):
    for t0, out, inv in zip(flat0, body_outs, invariants):
        if out.dtype.base_dtype != t0.dtype.base_dtype:
            raise TypeError(f"Loop variable {t0.name} enters the loop as "
                            f"{t0.dtype.base_dtype.name} but the body returns "
                            f"{out.dtype.base_dtype.name} for it ({ops_lib.display_name(out)}).")
        if not _less_specific(inv, out.shape):
            raise ValueError(
                f"Input tensor '{t0.name}' enters the loop with shape {inv}, but has shape "
                f"{out.shape} after one iteration. To allow the shape to vary across "
                "iterations, use the `shape_invariants` argument of tf.while_loop to specify a "
                "less-specific shape.")


def _less_specific(inv, shape):
    """Whether `shape` conforms to the invariant `inv` (TF1's `_ShapeLessThanOrEqual`)."""
    if inv.ndims is None:
        return True
    if shape.ndims != inv.ndims:
        return False
    return all(d is None or d == e for d, e in zip(inv.as_list(), shape.as_list()))

