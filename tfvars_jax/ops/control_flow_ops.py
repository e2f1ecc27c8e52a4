"""Control flow: `tf.group`, `tf.no_op`, `tf.tuple`, `tf.cond`, `tf.Print`/`tf.print`.

`tf.cond` builds both branches as subgraphs that run only inside the cond op, through
`jax.lax.cond`; variables written in a branch keep their value when the other branch runs.
"""
import builtins
import contextlib
import sys
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import eager
from tfvars_jax.framework import errors
from tfvars_jax.framework import nest
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind, reject_feeds_inside
from tfvars_jax.ops import array_ops


# ----- op kinds ------------------------------------------------------------------------------
class _NoOp(OpKind):
    name = "noop"

    def op_by_op(self, op):
        return True

    def run(self, op, ctx):
        pass


class _Callback(OpKind):
    """A kernel with host effects (printing, reading files): called as is on every run, never
    constant-folded when the run is traced."""
    name = "callback"
    differentiable = False

    def run(self, op, ctx):
        ctx.store(op, op.kernel(*[ctx.env[t] for t in op._inputs]))


class _Cond(OpKind):
    """`tf.cond`: both branches are programs of their own, run through `jax.lax.cond` (or the
    taken one alone when the predicate is known); variables a branch writes keep their value
    when the other branch runs."""
    name = "cond"

    def var_reads(self, op, resolved=None, fed=frozenset()):
        """The variables the branches read or write, in a planned run only those initialized
        when the cond runs (the branch that does not write a variable passes it on; one not
        initialized gets a stand-in, see `_stand_ins`)."""
        if resolved is None or op not in resolved:
            return op.attrs["reads"]
        return builtins.tuple(n for n, ok in resolved[op].items() if ok)

    def status_vars(self, op):
        return unique_in_order(op.attrs["reads"] + op.attrs["writes"])

    def has_checks(self, op, resolved=None):
        """Checks in the branches, and a branch reading a variable that is not initialized
        (it fails only when taken)."""
        return op.attrs["has_checks"] or (
            resolved is not None and op in resolved and not all(resolved[op].values()))

    def var_writes(self, op):
        return op.attrs["writes"]

    def has_random(self, op):
        return op.attrs["has_random"]

    def check_plan(self, op, fed):
        inner = op.attrs["true_ops"] + op.attrs["false_ops"]
        reject_feeds_inside(inner, fed, f"inside a branch of tf.cond '{op.name}'")
        for o in inner:
            refs = [t for t in o.inputs if t in fed and t not in o.kind.value_inputs(o)]
            if refs:
                raise NotImplementedError(
                    f"Feeding variable '{refs[0].name}', which a branch of tf.cond '{op.name}' "
                    "reads or writes, is not supported: feed a tensor computed from it instead.")

    def run(self, op, ctx):
        a = op.attrs
        pred = ctx.env[op._inputs[0]]
        captures = op._inputs[1:]
        captured = builtins.tuple(ctx.env[t] for t in captures)  # a tuple: dict keys would be sorted
        touched = sorted(set(a["reads"]) | set(a["writes"]))
        seen = {n: ctx.vars[n] for n in touched if n in ctx.vars}
        hidden = (set(), set())
        if len(seen) < len(touched):
            stand_ins, failing, hidden = _stand_ins(op, [n for n in touched if n not in seen])
            seen.update(stand_ins)
            for n, in_true, in_false in failing:  # TF1 fails only if the reading branch runs
                taken = pred if in_true else jnp.logical_not(pred)
                flag = True if in_true and in_false else taken
                ctx.fail_if(jnp.asarray(flag), errors.FailedPreconditionError,
                            f"Attempting to use uninitialized value {n}")
        def branch(ops, out_tensors, checks, pad, hide):
            """The branch as a function of (captured values, variables), also returning its
            check flags, padded to (flags before, flags after) False flags."""
            def fn(operand):
                cap, vs = operand
                sub = ctx.sub(dict(zip(captures, cap)),
                              {n: x for n, x in vs.items() if n not in hide})
                sub.execute(ops)
                checks[:] = sub.checks
                flags = [False] * pad[0] + [jnp.asarray(f, bool) for f in sub.flags] + \
                    [False] * pad[1]
                return (builtins.tuple(sub.env[t] for t in out_tensors),
                        {n: sub.vars[n] for n in a["writes"]},
                        builtins.tuple(jnp.asarray(f, bool) for f in flags))
            return fn

        ctx.env[op] = seen  # the values the branches saw, for gradients that replay this op
        operand = (captured, seen)
        t_checks, f_checks = [], []
        if a["has_checks"] or hidden[0] or hidden[1]:  # how many flags each branch has
            for ops, outs, checks, hide in ((a["true_ops"], a["true_outs"], t_checks, hidden[0]),
                                            (a["false_ops"], a["false_outs"], f_checks,
                                             hidden[1])):
                jax.eval_shape(branch(ops, outs, checks, (0, 0), hide), operand)
        n_true, n_false = len(t_checks), len(f_checks)
        true_fn = branch(a["true_ops"], a["true_outs"], t_checks, (0, n_false), hidden[0])
        false_fn = branch(a["false_ops"], a["false_outs"], f_checks, (n_true, 0), hidden[1])
        if not isinstance(pred, jax.core.Tracer):
            outs, new_vars, flags = (true_fn if bool(np.asarray(pred)) else false_fn)(operand)
        else:
            outs, new_vars, flags = jax.lax.cond(pred, true_fn, false_fn, operand)
        for flag, (cls, msg) in zip(flags, t_checks + f_checks):
            ctx.fail_if(flag, cls, msg)
        ctx.vars.update(new_vars)
        for t, v in zip(op._outputs, outs):
            ctx.env[t] = v


def _first_access(ops, name, nested=False):
    """"read", "write" or None: how a branch's program first touches variable `name`; with
    `nested`, "nested" when only conds nested in the branch touch it."""
    touching = [o for o in ops if name in o.kind.var_reads(o) or name in o.kind.var_writes(o)]
    if nested and touching and all(o.kind is COND for o in touching):
        return "nested"
    for o in touching:
        return "read" if name in o.kind.var_reads(o) else "write"
    return None


def _stand_ins(op, names):
    """Stand-in values for the variables `names`, not initialized when cond `op` runs.

    A branch that reads such a variable first fails if taken (TF1 runs only the taken branch):
    each is returned as (name, true branch reads it, false branch reads it), for a run-time
    check flag. A branch that assigns it first initializes it. A variable some branch assigns
    and the other does not touch raises NotImplementedError: TF1 would leave it initialized
    or not depending on the branch, a status we do not track within a run.

    A variable no branch writes and only nested conds of a branch read is left out of that
    branch's variables (`hidden`): the nested conds then check it as this one does, failing
    only if their reading branch runs (TF1).

    Returns:
      ({name: zeros of the variable's shape}, [(name, fails in true, fails in false)],
       (names hidden from the true branch, names hidden from the false branch)).
    """
    graph_vars = op.graph.variables_by_name
    values, failing, hidden = {}, [], (set(), set())
    for n in names:
        nested = n not in op.attrs["writes"]
        access = [_first_access(op.attrs[k], n, nested) for k in ("true_ops", "false_ops")]
        for k in (0, 1):
            if access[k] == "nested":
                hidden[k].add(n)
        var = graph_vars.get(n)
        if (n in op.attrs["writes"] and None in access) or var is None or \
                not var.shape.is_fully_defined():
            raise NotImplementedError(
                f"tf.cond '{op.name}' assigns variable '{n}', which is not initialized when the "
                "cond runs, in only one branch: initialize it before the run (TF1 would "
                "initialize it only if that branch is taken).")
        values[n] = jnp.zeros(var.shape.as_list(), var.dtype.base_dtype.as_numpy_dtype)
        if "read" in access:
            failing.append((n, access[0] == "read", access[1] == "read"))
    return values, failing, hidden


NOOP = _NoOp()
CALLBACK = _Callback()
COND = _Cond()


def no_op(name=None):
    """An op that does nothing; useful as a target with control inputs (None in eager mode,
    as TF)."""
    if context.executing_eagerly():
        return None
    return make_op("NoOp", None, [], name=name or "NoOp", kind=NOOP, out_specs=[],
                   graph=ops_lib.get_default_graph())


def _as_op(x):
    x = x._as_graph_element() if hasattr(x, "_as_graph_element") and not isinstance(
        x, (ops_lib.Tensor, ops_lib.Operation)) else x
    return x if isinstance(x, ops_lib.Operation) else convert_to_tensor(x).op


def group(*inputs, **kwargs):
    """TF1's `tf.group`: a NoOp that runs after all `inputs` (ops, tensors, nested lists);
    None in eager mode (the inputs ran already), as TF."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {sorted(kwargs)}")
    if context.executing_eagerly():
        return None
    flat = []

    def walk(x):
        if isinstance(x, (list, builtins.tuple)):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                walk(y)
        elif x is not None:
            flat.append(_as_op(x))
    walk(inputs)
    graph = flat[0].graph if flat else ops_lib.get_default_graph()
    with graph.as_default(), graph.control_dependencies(flat):
        return no_op(name=name or "group_deps")


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF1's public name
    """TF1's `tf.tuple`: identities of `tensors` that are available only after all of them
    (and `control_inputs`) are computed."""
    tensors = list(tensors)
    if context.executing_eagerly():
        return tensors
    gates = [_as_op(t) for t in tensors if t is not None] + [_as_op(c) for c in (control_inputs or [])]
    with ops_lib.name_scope(name, "tuple", tensors):
        gate = group(*gates)
        with ops_lib.get_default_graph().control_dependencies([gate]):
            return [None if t is None else array_ops.identity(t, name="control_dependency") for t in tensors]


def _flatten(x):
    if isinstance(x, (list, builtins.tuple)):
        return [y for item in x for y in _flatten(item)]
    return [x]


class Program(NamedTuple):
    """An inner program (a cond branch, a loop's condition and body), analysed once when built.

    Attributes:
      ops: the ops the outputs need, in creation order (TF1 runs only those: an op made in a
        branch or body but not connected to its outputs does not run).
      captures: tensors made outside that the program reads (the enclosing op's inputs).
      control: ops outside that the program waits for (the enclosing op's control inputs).
      reads, writes: names of the variables the program reads and writes.
      has_random, has_checks: whether the program draws random numbers / has run-time checks.
    """
    ops: list
    captures: list
    control: list
    reads: builtins.tuple
    writes: builtins.tuple
    has_random: bool
    has_checks: bool


def needed_ops(program, roots):
    """The ops of `program` that `roots` (Tensors or Operations) need, following inputs and
    control inputs inside it (TF1 runs only those of a branch or loop body)."""
    inside, needed = set(program), set()
    stack = [r if isinstance(r, ops_lib.Operation) else r.op for r in roots]
    while stack:
        o = stack.pop()
        if o in needed or o not in inside:
            continue
        needed.add(o)
        stack.extend(t.op for t in o.inputs)
        stack.extend(o.control_inputs)
    return needed


def analyse_program(created, outs, bound=()):
    """The `Program` of the ops `created` inside an inner program with outputs `outs` (Tensors
    or Operations); `bound` are the tensors the enclosing op supplies (loop variables)."""
    needed = needed_ops(created, outs)
    ops = [o for o in created if o in needed]
    bound = set(bound)
    captures, control, reads, writes = [], [], [], []
    has_random = has_checks = False
    for o in ops:
        if o.kind.data_dependent:
            raise NotImplementedError(
                f"'{o.name}' ({o.type}) has an output shape that depends on values; such ops "
                "cannot be inside a tf.cond branch or a loop body here. Compute it outside.")
        for t in o.kind.value_inputs(o):  # not a variable's ref: the program reads it itself
            if t.op not in needed and t not in bound and t not in captures:
                captures.append(t)
        for c in o.control_inputs:  # a loop variable (bound) is there from the start
            if c not in needed and c not in control and not any(t in bound for t in c.outputs):
                control.append(c)
        reads.extend(o.kind.var_reads(o))
        writes.extend(o.kind.var_writes(o))
        has_random |= o.kind.has_random(o)
        has_checks |= o.kind.has_checks(o)
    for t in outs:  # an output may be a tensor made outside (`lambda: x`)
        if isinstance(t, ops_lib.Tensor) and t.op not in needed and t not in bound and \
                t not in captures:
            captures.append(t)
    return Program(ops, captures, control, unique_in_order(reads), unique_in_order(writes), has_random, has_checks)


def _capture_branch(graph, fn, label):
    """Calls a branch function, returning (ops it created, output tensors, output structure)."""
    with graph.inner_program() as created, ops_lib.name_scope(label):
        result = fn()
    if result is None:
        raise ValueError("tf.cond branch functions must return a value (a Tensor, an Operation or "
                         "a (nested) list of them).")
    flat = _flatten(result)
    outs = []
    for r in flat:
        if isinstance(r, ops_lib.Operation):
            outs.append(None)
        else:
            with graph.inner_program() as more:  # a branch may return a Python value
                outs.append(convert_to_tensor(r))
            created.extend(more)
    return created, outs, result


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """TF1's `tf.cond(pred, true_fn, false_fn)`.

    Both branches are built as subgraphs that run only inside the cond op (JAX's `lax.cond`).
    Operations returned by a branch give `None`; tensors must agree in dtype across branches.
    """
    true_fn = true_fn or fn1
    false_fn = false_fn or fn2
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    pred = convert_to_tensor(pred)
    if pred.dtype.base_dtype.name != "bool" or pred.shape.ndims not in (0, None):
        raise ValueError(f"pred must be a scalar bool tensor, got {pred!r}")
    if context.executing_eagerly():  # TF: only the taken branch runs, as Python
        with ops_lib.name_scope(name, "cond"):
            result = true_fn() if bool(pred) else false_fn()
        return nest.map_structure(lambda x: None if x is None or isinstance(
            x, eager.EagerOp) else x, result)
    graph = pred.graph
    with graph.as_default(), ops_lib.name_scope(name, "cond", [pred]) as scope:
        t_ops, t_outs, t_res = _capture_branch(graph, true_fn, "cond_true")
        f_ops, f_outs, f_res = _capture_branch(graph, false_fn, "cond_false")
        if len(t_outs) != len(f_outs):
            raise ValueError("Outputs of true_fn and false_fn must have the same structure: "
                             f"{t_res} vs {f_res}")
        pairs = [(a, b) for a, b in zip(t_outs, f_outs) if a is not None or b is not None]
        for a, b in pairs:
            if a is None or b is None or a.dtype.base_dtype != b.dtype.base_dtype:
                raise ValueError(f"Outputs of true_fn and false_fn must have the same type: {a} vs "
                                 f"{b}")
        t_keep = [a for a, b in zip(t_outs, f_outs) if a is not None]
        f_keep = [b for a, b in zip(t_outs, f_outs) if a is not None]
        t_prog = analyse_program(t_ops, t_keep + [o for o in _flatten(t_res)
                                                  if isinstance(o, ops_lib.Operation)])
        f_prog = analyse_program(f_ops, f_keep + [o for o in _flatten(f_res)
                                                  if isinstance(o, ops_lib.Operation)])
        captures = t_prog.captures + [t for t in f_prog.captures if t not in t_prog.captures]
        control = t_prog.control + [c for c in f_prog.control if c not in t_prog.control]
        reads, writes = t_prog.reads + f_prog.reads, t_prog.writes + f_prog.writes
        has_random = t_prog.has_random or f_prog.has_random
        has_checks = t_prog.has_checks or f_prog.has_checks
        specs = [(a.dtype.base_dtype, a.shape if a.shape == b.shape else a.shape.merge_with(b.shape)
                  if a.shape.is_compatible_with(b.shape) else None) for a, b in zip(t_keep, f_keep)]
        for (_, sh), a, b in zip(specs, t_keep, f_keep):
            if sh is None:
                raise ValueError(f"Outputs of true_fn ({a.shape}) and false_fn ({b.shape}) must "
                                 "have the same shape.")
        with graph.control_dependencies(control) if control else contextlib.nullcontext():
            op = make_op("Cond", None, [pred] + captures, name=scope, kind=COND, out_specs=specs,
                         attrs={"true_ops": t_prog.ops, "false_ops": f_prog.ops,
                                "true_outs": t_keep,
                                "false_outs": f_keep, "reads": unique_in_order(reads),
                                "writes": unique_in_order(writes), "has_random": has_random,
                                "has_checks": has_checks})
        # TF1's outputs are the Merge ops of the branches: `cond/Merge:0`, `cond/Merge_1:0`.
        merged = [array_ops.identity(t, name="Merge") for t in op.outputs]
    outs = iter(merged)
    flat = [None if a is None else next(outs) for a in t_outs]
    if len(flat) == 1 and not isinstance(t_res, (list, builtins.tuple)):
        return flat[0]
    result = _rebuild(t_res, iter(flat))
    if not strict and isinstance(result, (list, builtins.tuple)) and len(result) == 1:
        return result[0]  # TF1 unpacks singleton lists and tuples unless strict=True
    return result


def _rebuild(structure, it):
    if isinstance(structure, (list, builtins.tuple)):
        return type(structure)(_rebuild(s, it) for s in structure)
    return next(it)


def unique_in_order(names):
    """`names` without repeats, in first-seen order, as a tuple."""
    return builtins.tuple(dict.fromkeys(names))


# ----- printing -------------------------------------------------------------------------
def _element(x):
    """One value as TF's C++ `StrCat` prints it: floats with 6 (float) or 15 (double)
    significant digits, more when needed to round-trip; bools as 1/0; bytes as text."""
    if isinstance(x, (bytes, np.bytes_)):
        return x.decode("utf-8", "replace")
    if isinstance(x, (np.floating, float)):
        x = np.asarray(x)
        digits = 6 if x.dtype.itemsize <= 4 else 15
        text = "%.*g" % (digits, x)
        if np.asarray(float(text), x.dtype) != x and np.isfinite(x):
            text = "%.*g" % (digits + (3 if digits == 6 else 2), x)
        return text
    if isinstance(x, (np.bool_, bool)):
        return "1" if x else "0"
    if isinstance(x, (np.complexfloating, complex)):
        return f"({_element(x.real)},{_element(x.imag)})"
    return str(x)


def _summarize_v1(arr, limit):
    """TF1's `Tensor::SummarizeValue(limit)` (used by `tf.Print`): the first `limit` values in
    row-major order, nested rows in brackets, "..." where values were left out."""
    flat = arr.reshape(-1)
    limit = flat.size if limit is None or limit < 0 else min(limit, flat.size)
    if arr.ndim == 0:
        return _element(flat[0])
    out = []
    index = [0]

    def dim(d):
        if index[0] >= limit:
            return
        n = arr.shape[d]
        if d == arr.ndim - 1:
            for i in builtins.range(n):
                if index[0] >= limit:
                    if d != 0:
                        out.append("...")
                    return
                if i > 0:
                    out.append(" ")
                out.append(_element(flat[index[0]]))
                index[0] += 1
            return
        for _ in builtins.range(n):
            opened = index[0] < limit
            if opened:
                out.append("[")
            dim(d + 1)
            if index[0] < limit or opened:
                out.append("]")
    dim(0)
    if flat.size > limit:
        out.append("...")
    return "".join(out)


def _summarize_v2(arr, at_ends):
    """`tf.print`'s format: brackets per dimension, the first and last `at_ends` entries of each
    dimension with "..." between (all of them when `at_ends` is -1)."""
    if arr.ndim == 0:
        return _element(arr[()])
    at_ends = max(arr.shape) if at_ends is None or at_ends < 0 else at_ends

    def spacing(d):
        return " " if d == arr.ndim - 1 else "\n" * (arr.ndim - d - 1) + " " * (d + 1)

    def dim(d, sub):
        if d == arr.ndim:
            return _element(sub[()])
        n = arr.shape[d]
        parts = [dim(d + 1, sub[i]) for i in builtins.range(min(at_ends, n))]
        if n > 2 * at_ends:
            parts.append("...")
        parts += [dim(d + 1, sub[i]) for i in builtins.range(max(at_ends, n - at_ends), n)]
        return "[" + spacing(d).join(parts) + "]"
    return dim(0, arr)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802 - TF1 name
    """TF1's `tf.Print`: returns `input_` and, when it runs, prints `message` and `data` to
    stderr (host callback), at most `first_n` times."""
    x = convert_to_tensor(input_)
    data = [convert_to_tensor(d) for d in data]
    counter = [0]
    summarize = 3 if summarize is None else summarize

    def show(*vals):
        if first_n is not None and first_n >= 0 and counter[0] >= first_n:
            return
        counter[0] += 1
        text = "".join(f"[{_summarize_v1(np.asarray(v), summarize)}]" for v in vals)
        print((message or "") + text, file=sys.stderr)

    def kernel(x, *vals):
        jax.debug.callback(show, *vals)
        return x
    return make_op("Print", kernel, [x] + data, name=name or "Print",
                   out_specs=[(x.dtype, x.shape)], kind=CALLBACK).outputs[0]


def print_v2(*inputs, **kwargs):
    """TF1's `tf.print`: an op that prints `inputs` (tensors and Python values) when it runs.

    Run it (or use it in `control_dependencies`); supports `output_stream` (sys.stdout or
    sys.stderr), `summarize`, `sep`, `end`, `name`.
    """
    output_stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    summarize = 3 if summarize is None else summarize  # as TF: None means 3, -1 means all
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    name = kwargs.pop("name", None)
    if kwargs:
        raise NotImplementedError(f"tf.print argument(s) {sorted(kwargs)} are not supported.")
    parts = []
    tensors = []
    for x in inputs:
        if isinstance(x, ops_lib.Tensor) or hasattr(x, "_as_tensor"):
            parts.append(None)
            tensors.append(convert_to_tensor(x))
        else:
            parts.append(str(x))

    def show(*vals):
        it = iter(_summarize_v2(np.asarray(v), summarize) for v in vals)
        text = sep.join(p if p is not None else next(it) for p in parts)
        print(text, end=end, file=output_stream)

    def kernel(*vals):
        jax.debug.callback(show, *vals)
        return ()
    graph = tensors[0].graph if tensors else ops_lib.get_default_graph()
    # Kind "callback": the interpreter calls the kernel as is, never constant-folding it at trace
    # time, so printing constants happens on every run, not once when the run is compiled.
    return make_op("PrintV2", kernel, tensors, name=name or "PrintV2", out_specs=[], graph=graph,
                   kind=CALLBACK)
