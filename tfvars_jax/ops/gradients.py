"""`tf.gradients`: an op whose kernel is `jax.vjp` of the subgraph from `xs` to `ys`.

The op records the ops on the paths from `xs` to `ys`; when a run reaches it, the interpreter
replays them as a function of the `xs` values and takes its vector-Jacobian product. A
variable x is differentiated at every read of it on the path, each at the value that read saw
in the run (TF1's sum over the ref's consumers), so what else a run fetches, feeds or writes
never changes a gradient. So gradients flow through every op of the op
library, and `compute_gradients`, clipping and `apply_gradients` compose as in TF1.

A variable or tensor that reaches the ys only as the params of `tf.gather` on axis 0 (an
`embedding_lookup`) gets a `tf.IndexedSlices` gradient, as in TF1: the gradient of each
gathered row and its index (the zero perturbation then sits on the gathers' outputs). Used as
a tensor it is the dense sum; optimizers update only its rows (`train/optimizer.py`).

Which gradients are `None` follows TF1: an x gets `None` unless a path of floating-point
tensors leads from it to a y without passing a `stop_gradients` tensor or an op TF1 does not
differentiate (`tf.floor`, `tf.stop_gradient`, `tf.zeros_like`, casts to integers, ...);
integer xs and integer ys give `None`; `tf.gradients(x, x)` is `grad_ys` (ones).
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.indexed_slices import IndexedSlices
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind, reject_feeds_inside
from tfvars_jax.ops import array_ops
from tfvars_jax.ops.array_ops import zeros_like
from tfvars_jax.ops import indexed_slices_ops  # noqa: F401 - installs IndexedSlices' conversion
from tfvars_jax.ops import state_ops
from tfvars_jax.ops import gradient_registry
from tfvars_jax.ops.custom_gradient import custom_gradient
from tfvars_jax.ops.gradient_registry import NON_DIFFERENTIABLE

# Inputs TF1's registered gradient returns None for (the kernels stop JAX's gradient there).
NO_GRADIENT_INPUTS = {"Betainc": (0, 1), "Zeta": (0,), "Polygamma": (0,)}
# Op types TF1 registers no gradient for at all: tf.gradients raises LookupError when one lies
# on a path from an x to a y (TF1 does), rather than inventing JAX's derivative.
NO_GRADIENT_DEFINED = frozenset((
    "TruncateMod", "DenseBincount", "GuaranteeConst",
    "ResizeArea", "AdjustContrastv2", "AdjustHue", "AdjustSaturation",  # tf.image
    "SparseReduceMax", "SparseReduceMaxSparse", "SparseReduceSumSparse",  # tf.sparse
))


def _x_key(x):
    """('var', name) for a Variable, ('tensor', Tensor) otherwise."""
    if hasattr(x, "_variable_op"):
        return ("var", x._variable_op.name)
    return ("tensor", convert_to_tensor(x))


def _backprop_dtype(t):
    """TF1 backpropagates only through floating and complex tensors (`_IsBackpropagatable`)."""
    dtype = t.dtype.base_dtype
    return dtype.is_floating or dtype.is_complex


def _data_inputs(op):
    """The inputs gradients can flow into (not a variable's ref input, not the labels of the
    v1 softmax cross-entropy, which TF1 wraps in `stop_gradient`)."""
    inputs = op.kind.value_inputs(op)
    if callable(gradient_registry.gradient_function(op)):  # a user's function: every input
        return inputs
    if op.type == "SoftmaxCrossEntropyWithLogits" and op.attrs.get("stop_labels"):
        inputs = inputs[1:]
    skip = NO_GRADIENT_INPUTS.get(op.type)
    if skip:
        inputs = [t for i, t in enumerate(inputs) if i not in skip]
    return inputs


def _var_reads(op):
    """Variables whose value `op` reads without a tensor input (a read, or a cond branch's read)."""
    return op.kind.var_reads(op)


def _differentiable(op):
    fn = gradient_registry.gradient_function(op)
    if fn is not None:
        return fn is not gradient_registry.NOT_DIFFERENTIABLE
    return op.kind.differentiable and op.type not in NON_DIFFERENTIABLE


def _path_ops(ys, x_keys, stops):
    """The ops on a differentiable path from some x to some y, in program order, and the keys
    of the xs that reach a y along such a path.

    A path follows floating-point tensors only, does not pass through a tensor in `stops`, an
    x tensor (xs are the leaves of the differentiation) or an op in `NON_DIFFERENTIABLE`.
    An x that is itself one of the ys reaches it directly (its gradient is that y's grad_ys).
    """
    x_tensors = {k[1] for k in x_keys if k[0] == "tensor"}
    x_vars = {k[1] for k in x_keys if k[0] == "var"}

    # Backward from the ys: ops whose outputs flow into a y along differentiable edges.
    to_y, stack = set(), [y.op for y in ys if y not in x_tensors and y not in stops and _backprop_dtype(y)]
    while stack:
        op = stack.pop()
        if op in to_y or not _differentiable(op):
            continue
        to_y.add(op)
        for t in _data_inputs(op):
            if t not in x_tensors and t not in stops and _backprop_dtype(t):
                stack.append(t.op)
    # Forward from the xs, in program order, among those ops.
    path, produced, reached = [], set(), set()
    for op in sorted(to_y, key=lambda o: o._id):
        inputs = [t for t in _data_inputs(op) if _backprop_dtype(t)]
        hit = [t for t in inputs if t in x_tensors]
        from_path = any(t in produced and t not in stops for t in inputs)
        var_hit = [v for v in _var_reads(op) if v in x_vars]
        if hit or from_path or var_hit:
            path.append(op)
            produced.update(op.outputs)
            reached.update(("tensor", t) for t in hit)
            reached.update(("var", v) for v in var_hit)
    reached.update(("tensor", y) for y in ys if y in x_tensors)
    for op in path:
        if op.type in NO_GRADIENT_DEFINED and gradient_registry.gradient_function(op) is None:
            raise LookupError(f"No gradient defined for operation '{op.name}' (op type: "
                              f"{op.type}). TF1 defines none either: stop the gradient before "
                              "it (tf.stop_gradient) or compute the value another way.")
    return path, reached


class AggregationMethod:
    """TF1's `tf.AggregationMethod`: how `tf.gradients` sums the gradients reaching a tensor
    from several consumers. TF1's methods differ in memory use and summation order only; JAX's
    vjp sums in its own order whatever the method, so every valid value gives the same result
    here (an invalid one raises ValueError, as TF1)."""
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2
    _ALL = (0, 1, 2)


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients="none"):
    """TF1's `tf.gradients`: d(sum(ys))/d(xs), one Tensor per x, `None` for an unconnected x.

    `xs` may be Variables or any Tensors; `grad_ys` weights each y (default ones);
    `stop_gradients` are treated as constants. Gradients of integer tensors are `None`;
    complex ys need `grad_ys` and complex gradients follow TF1's convention (the conjugate of
    JAX's). `aggregation_method` takes TF1's values and changes nothing (see
    `AggregationMethod`); `colocate_gradients_with_ops` and `gate_gradients` are placement
    and scheduling hints with no effect on values.
    Each gradient is the total derivative, also through the other xs (with `b = 2 * a`,
    `tf.gradients(a + b, [a, b])` is `[3, 1]`): xs computed from other xs get a vjp each,
    independent xs share one.
    """
    return _gradients(ys, xs, grad_ys, name, aggregation_method, stop_gradients,
                      unconnected_gradients)


def _gradients(ys, xs, grad_ys, name, aggregation_method, stop_gradients,
               unconnected_gradients, jacobian=False):
    """`tf.gradients`; with `jacobian`, the Jacobian of the one y instead: per x, the
    gradient of each element of y (a leading axis of y's size), one vmapped vjp."""
    if context.executing_eagerly():
        raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use "
                           "tf.GradientTape instead.")
    unconnected_gradients = getattr(unconnected_gradients, "value", unconnected_gradients)
    if unconnected_gradients not in ("none", "zero"):
        raise ValueError(f"Unknown value for unconnected_gradients: {unconnected_gradients!r}")
    if aggregation_method not in (None,) + AggregationMethod._ALL:
        raise ValueError(f"Invalid `aggregation_method` specified {aggregation_method}. "
                         "Accepted values are [0, 1, 2].")
    ys = [convert_to_tensor(y) for y in (ys if isinstance(ys, (list, tuple)) else [ys])]
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    x_keys = [_x_key(x) for x in xs]
    stops = {convert_to_tensor(s) for s in (stop_gradients or [])}
    if grad_ys is not None:
        grad_ys = [None if g is None else convert_to_tensor(g) for g in
                   (grad_ys if isinstance(grad_ys, (list, tuple)) else [grad_ys])]
        if len(grad_ys) != len(ys):
            raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    for j, y in enumerate(ys):
        if y.dtype.is_complex and (grad_ys is None or grad_ys[j] is None):
            raise TypeError(f"Gradients of complex tensors ({y}) must set grad_ys (y.dtype = "
                            f"{y.dtype.base_dtype.name})")
    graph = ops_lib.graph_of(ys)
    # Only floating-point ys are differentiated (TF1 ignores the others).
    keep = [j for j, y in enumerate(ys) if _backprop_dtype(y)]
    ys = [ys[j] for j in keep]
    grad_ys = None if grad_ys is None else [grad_ys[j] for j in keep]
    # Distinct floating-point xs. If one x is computed from another, each gets its own vjp so
    # that every gradient is the total derivative through the other xs, as in TF1; otherwise
    # one vjp serves them all.
    keys = list(dict.fromkeys(k for x, k in zip(xs, x_keys)
                              if _x_dtype(x).is_floating or _x_dtype(x).is_complex))
    groups = [[k] for k in keys] if _interdependent(keys, stops) else [keys]
    grads = {}
    with graph.as_default(), ops_lib.name_scope(name) as scope:
        for group in groups:
            path, reached = _path_ops(ys, group, stops)
            live = [k for k in group if k in reached]
            if not live:
                continue
            inputs = list(ys) + [g for g in (grad_ys or []) if g is not None] + [k[1] for k in live if k[0] == "tensor"]
            sparse = {} if jacobian else {
                k: g for k in live if (g := _row_gathers(path, k, ys)) is not None}
            specs = []
            for k in live:
                x = xs[x_keys.index(k)]
                if k in sparse:
                    specs += _slices_specs(x, sparse[k])
                elif jacobian:
                    rows = TensorShape([ys[0].shape.num_elements()])
                    specs.append((_x_dtype(x), rows.concatenate(_x_shape(x))))
                else:
                    specs.append((_x_dtype(x), _x_shape(x)))
            overrides = _overrides(path)
            inputs += [t for spec in overrides.values() for t in spec.captures]
            has_random = any(o.kind.has_random(o) for o in path)
            op = make_op("Gradients", None, inputs, name=scope if len(groups) == 1 else "Gradients",
                         kind=GRADIENTS, out_specs=specs,
                         attrs={"path": path, "ys": ys, "grad_ys": grad_ys, "xs": live,
                                "has_random": has_random, "sparse": sparse,
                                "overrides": overrides, "jacobian": jacobian})
            outputs = iter(op.outputs)
            for k in live:
                if k in sparse:
                    values, indices, dense_shape = next(outputs), next(outputs), next(outputs)
                    shape = _x_shape(xs[x_keys.index(k)])
                    if shape.is_fully_defined():  # TF1's tf.shape(params): a known constant
                        dense_shape._static_value = np.asarray(shape.as_list(), np.int32)
                    grads[k] = IndexedSlices(values, indices, dense_shape)
                else:
                    grads[k] = next(outputs)
    results = [grads.get(k) for k in x_keys]
    if unconnected_gradients == "zero":
        results = [zeros_like(x) if r is None else r for x, r in zip(xs, results)]
    return results


def _overrides(path):
    """{op: its `gradient_registry.Override`} for the ops on `path` whose gradient is a
    user's function (`tf.RegisterGradient`), built now as TF1 calls them here."""
    overrides = {}
    for op in path:
        fn = gradient_registry.gradient_function(op)
        if callable(fn):
            overrides[op] = gradient_registry.build_override(op, fn)
    return overrides


def _row_gathers(path, key, ys):
    """The ops through which x reaches the ys as gathered rows, when that is the only way:
    ops declaring a `row_gather` (GatherV2 on axis 0, a sharded embedding lookup) that take x
    (for a variable, one of its reads) at one of their row positions. TF1 then gives x an
    IndexedSlices gradient. Returns ((op, position), ...), or None (a dense gradient)."""
    what, x = key
    if what == "var":
        readers = [op for op in path if x in _var_reads(op)]
        if any(op.kind is not state_ops.READ for op in readers):
            return None
        sources = {t for op in readers for t in op.outputs}
    else:
        sources = {x}
    if not sources or any(y in sources for y in ys):
        return None
    gathers = []
    for op in path:
        at = [i for i, t in enumerate(op._inputs) if t in sources]
        if not at:
            continue
        spec = op.attrs.get("row_gather")
        if spec is None or len(at) > 1 or at[0] not in spec.positions:
            return None
        gathers.append((op, at[0]))
    return tuple(gathers) or None


def _slices_specs(x, gathers):
    """(dtype, shape) of an IndexedSlices gradient's values, indices and dense_shape."""
    shape = _x_shape(x)
    ids = [g._inputs[g.attrs["row_gather"].ids_input] for g, _ in gathers]
    counts = [t.shape.num_elements() for t in ids]
    rows = None if None in counts else sum(counts)
    row_shape = shape.as_list()[1:] if shape.ndims is not None else None
    values = TensorShape(None) if row_shape is None else TensorShape([rows] + row_shape)
    index_dtypes = {t.dtype.base_dtype for t in ids}
    index_dtype = index_dtypes.pop() if len(index_dtypes) == 1 else dtypes.int64
    return [(_x_dtype(x), values), (index_dtype, TensorShape([rows])),
            (dtypes.int32, TensorShape([shape.ndims]))]


def _interdependent(keys, stops):
    """Whether some x tensor is computed (through differentiable edges) from another x."""
    x_tensors = {k[1] for k in keys if k[0] == "tensor"}
    x_vars = {k[1] for k in keys if k[0] == "var"}
    for x in x_tensors:
        seen, stack = set(), [x.op]
        while stack:
            op = stack.pop()
            if op in seen or not _differentiable(op):
                continue
            seen.add(op)
            if any(v in x_vars for v in _var_reads(op)):
                return True
            for t in _data_inputs(op):
                if t in x_tensors:
                    return True
                if t not in stops and _backprop_dtype(t):
                    stack.append(t.op)
    return False


def _x_dtype(x):
    return x.dtype.base_dtype


def _x_shape(x):
    return x.shape if hasattr(x, "_variable_op") else convert_to_tensor(x).shape


class _Gradients(OpKind):
    """The vjp of the recorded path from xs to ys, replayed as a function of the xs.

    The replay reproduces the forward pass that this run computed: every op off the path keeps
    the value it had, and every use of a variable x on the path gets the value that use saw in
    the forward pass (a read's value, or the variable's value where an op consumed an alias of
    it) plus a perturbation of x (zeros), whose cotangent is x's gradient. So the gradient is
    the sum over all uses of x, each at the value it saw, as in TF1, whatever else the run
    fetches, feeds or writes.
    """
    name = "gradients"

    def has_random(self, op):
        return op.attrs["has_random"]

    def var_reads(self, op, resolved=None, fed=frozenset()):
        # Variables the overriding gradient functions read (the path's reads are its inputs').
        return tuple(dict.fromkeys(n for spec in op.attrs["overrides"].values()
                                   for n in spec.reads))

    def check_plan(self, op, fed):
        for p, spec in op.attrs["overrides"].items():
            reject_feeds_inside(spec.ops, fed, f"in the gradient function of '{p.name}'")
        # TF1's backward pass would mix the fed value (where a gradient function reads that
        # tensor) with derivatives of the op that would have produced it.
        reject_feeds_inside(op.attrs["path"], fed,
                            f"on the path that tf.gradients op '{op.name}' differentiates")

    def run(self, op, ctx):
        a = op.attrs
        path, xs, env, sparse = a["path"], a["xs"], ctx.env, a["sparse"]
        overrides = a["overrides"]
        on_path = set(path)
        base_env = {k: v for k, v in env.items() if _producer(k) not in on_path}
        # What is perturbed: a variable x at its reads, a tensor x itself, and for an x with
        # an IndexedSlices gradient, the outputs of the gathers of its rows.
        x_values = []
        for key in xs:
            what, x = key
            if key in sparse:
                x_values.append(tuple(jnp.zeros_like(env[g._outputs[0]]) for g, _ in sparse[key]))
            elif what == "var":
                x_values.append(jnp.zeros_like(_seen_value(path, env, x)))
            else:
                x_values.append(env[x])
        x_tensors = {x for what, x in xs if what == "tensor"}

        def forward(*x_vals):
            sub = ctx.sub(dict(base_env), {})
            sub.for_gradients = True
            delta, gathered = {}, {}
            for key, val in zip(xs, x_vals):
                what, x = key
                if key in sparse:
                    for (g, _), d in zip(sparse[key], val):
                        gathered.setdefault(g, []).append(d)
                elif what == "var":
                    delta[x] = val
                else:
                    sub.env[x] = val
            def perturbed(t, value):
                var = t.op.var if t.op.kind is state_ops.READ else None
                return _perturb(value, delta[var]) if var in delta else value

            for p in path:
                if p.kind is state_ops.READ and p.kernel is None:  # (a gather runs below)
                    sub.env[p._outputs[0]] = perturbed(p._outputs[0], env[p._outputs[0]])
                    continue
                saw = ctx.seen.get(p)
                if saw:  # the variable aliases it consumed, at the values it saw, perturbed
                    for t, value in saw.items():
                        if t not in x_tensors:  # an x itself is the argument being differentiated
                            sub.env[t] = perturbed(t, value)
                    sub.seen[p] = {t: sub.env[t] for t in saw}
                # A cond recorded the variable values its branches saw: perturb those.
                seen_vars = env.get(p, {})
                sub.vars = {n: _perturb(v, delta[n]) if n in delta else v
                            for n, v in seen_vars.items()}
                if p in overrides:
                    gradient_registry.run_override(p, overrides[p], ctx, sub, env)
                else:
                    sub.execute([p])
                for d in gathered.get(p, ()):
                    sub.env[p._outputs[0]] = _perturb(sub.env[p._outputs[0]], d)
            return [sub.env[y] if y in sub.env else env[y] for y in a["ys"]]

        ys, vjp = jax.vjp(forward, *x_values)
        grad_ys = a["grad_ys"] or [None] * len(ys)
        if a["jacobian"]:  # one vjp per element of the one y, vmapped
            (y,) = ys
            rows = jnp.eye(y.size, dtype=y.dtype).reshape((y.size,) + y.shape)
            x_grads = jax.vmap(lambda row: vjp([row]))(rows)
        else:
            # TF1's complex convention: the conjugate of JAX's vjp of the conjugated grad_ys.
            x_grads = vjp([jnp.ones_like(y) if g is None else jnp.conj(env[g].astype(y.dtype))
                           for y, g in zip(ys, grad_ys)])
            x_grads = [tuple(jnp.conj(v) for v in g) if isinstance(g, tuple) else jnp.conj(g)
                       for g in x_grads]
        outputs = iter(op._outputs)
        for key, g, x in zip(xs, x_grads, x_values):
            if key in sparse:
                env.update(zip((next(outputs), next(outputs), next(outputs)),
                               _slices_values(key, sparse[key], g, path, env)))
            else:  # a variable's gradient is the negated cotangent: see _perturb
                env[next(outputs)] = (-g if key[0] == "var" else g).astype(x.dtype)
        # The replay computed the ys exactly as the forward pass did (the perturbations are
        # zeros that keep every value, -0.0 included): later consumers and fetches use the
        # replay's values, so when nothing else needs the forward pass's (a fetched loss), XLA
        # drops that computation instead of running e.g. a dynamic_rnn loop twice.
        for y, value in zip(a["ys"], ys):
            if _producer(y) in on_path and y not in ctx.fed:
                env[y] = value


def _slices_values(key, gathers, cotangents, path, env):
    """The values, indices and dense_shape of x's IndexedSlices gradient: each gathered row's
    gradient (the negated cotangent of its perturbation) and its row in x, concatenated over
    the gathers as TF1 does. An output row not taken from x (another shard's) has index -1 and
    zero values, which the dense sum and the optimizers drop (TF1 leaves it out)."""
    what, x = key
    dense = _seen_value(path, env, x) if what == "var" else env[x]
    row_shape = tuple(np.shape(dense)[1:])
    index_dtype = np.result_type(*[
        np.dtype(g._inputs[g.attrs["row_gather"].ids_input].dtype.base_dtype.as_numpy_dtype)
        for g, _ in gathers])
    values, indices = [], []
    for (g, position), ct in zip(gathers, cotangents):
        rows, taken = g.attrs["row_gather"].rows([env[t] for t in g._inputs], position)
        grad = jnp.reshape(-ct, (-1,) + row_shape)
        rows = jnp.reshape(rows, -1).astype(index_dtype)
        if taken is not None:
            grad = jnp.where(jnp.reshape(taken, (-1,) + (1,) * len(row_shape)), grad, 0)
            rows = jnp.where(taken, rows, -1)
        values.append(grad)
        indices.append(rows)
    return (jnp.concatenate(values).astype(dense.dtype), jnp.concatenate(indices),
            np.asarray(np.shape(dense), np.int32))


def _perturb(value, delta):
    """`value` with the zero perturbation `delta` whose cotangent is the gradient: subtracted,
    since `x - 0.0` is `x` for every x (`-0.0 + 0.0` would be `+0.0`), so the replay's values
    equal the forward pass's bit for bit; the gradient is then the negated cotangent."""
    return value - delta


def _producer(key):
    """The op behind a run's `env` key: a Tensor's op, or the op whose variable values it holds."""
    return key.op if isinstance(key, ops_lib.Tensor) else key


def _seen_value(path, env, var):
    """A value of variable `var` as the first read of it on `path` saw it (for its shape/dtype)."""
    for p in path:
        if p.kind is state_ops.READ and p.var == var and p.kernel is None:
            return env[p._outputs[0]]
        if p in env and var in env[p]:
            return env[p][var]
    raise AssertionError(f"no read of {var} on the gradient path")


GRADIENTS = _Gradients()


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """TF1's `tf.hessians`: per x, the Hessian of sum(ys), shaped `x.shape + x.shape`.

    As TF1, the first derivatives are `tf.gradients(ys, xs)` (named `gradients/...`; TF1 does
    not use `name`) and each is flattened by a top-level `Reshape`; an x with no gradient
    raises ValueError. TF1 then loops over the gradient's elements (a while_loop of
    `tf.gradients`); here one op takes the Jacobian of the flattened gradient (a vmapped vjp),
    reshaped by a second `Reshape`. Where a gradient is connected to x but constant (a linear
    function), TF1 raises ValueError in its loop; we return zeros.
    """
    del name, colocate_gradients_with_ops, gate_gradients  # TF1 ignores them as well
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    first = gradients(ys, xs, aggregation_method=aggregation_method)
    results = []
    for g, x in zip(first, xs):
        if g is None:
            raise ValueError("None values not supported.")
        flat = array_ops.reshape(g, [-1])
        (jac,) = _gradients(flat, [x], None, "gradients", None, None, "none", jacobian=True)
        if jac is None:
            raise ValueError("None values not supported.")
        shape = _x_shape(x)
        if shape.is_fully_defined():  # TF1's shape(x) is then a constant: a known static shape
            shape = shape.as_list()
        else:
            shape = array_ops.shape(x)
        results.append(array_ops.reshape(jac, array_ops.concat([shape, shape], 0)
                                         if isinstance(shape, ops_lib.Tensor) else shape * 2))
    return results


def grad_pass_through(f):
    """TF's `tf.grad_pass_through(f)`: a function computing `f(*args)` whose gradient passes to
    the arguments unchanged (as if `f` were the identity), a `tf.custom_gradient`; variables `f`
    reads get no gradient. Used for straight-through estimators."""
    @custom_gradient
    def _pass_through(*args):
        def grad(*dys, variables=None):
            if variables is not None:
                return list(dys), [None] * len(variables)
            return list(dys)
        return f(*args), grad
    return _pass_through
