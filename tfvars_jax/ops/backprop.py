"""`tf.GradientTape` and `tf.contrib.eager`'s gradient functions: gradients of eager code.

While a tape records, every op that eager execution runs (`framework/eager.py`) and that
consumes a watched tensor is recorded with a pure function of its input values; a read of a
watched variable (a trainable variable the code reads, with `watch_accessed_variables=True`)
starts such a path. `tape.gradient(target, sources)` replays the recorded ops on the paths
from the sources to the target as one function and takes its `jax.vjp`: each source enters
as a zero perturbation subtracted where its value appears (a variable at each of its reads,
each at the value that read saw, as TF sums over the reads of its handle), so the replay
computes exactly the values the forward pass computed and the gradient is the negated
cotangent of the perturbation. Which gradients are `None` follows TF: a source with no path
of recorded differentiable ops to the target; the op types TF does not differentiate
(`ops/gradients.py`'s list) and integer tensors carry no path.

The gradient computation itself runs as one eager op whose inputs are the tensors the replay
consumed, so an enclosing tape records it and gradients nest (second order).

In graph mode a tape delegates to `tf.gradients` on the sources it was asked about.
"""
import enum
import functools

import jax
import jax.numpy as jnp

from tfvars_jax.framework import context
from tfvars_jax.framework import eager
from tfvars_jax.framework.indexed_slices import IndexedSlices
from tfvars_jax.framework import nest
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.ops import gradients as gradients_lib
from tfvars_jax.ops import state_ops


class UnconnectedGradients(str, enum.Enum):
    """TF's `tf.UnconnectedGradients`: what a gradient of an unconnected source is."""
    NONE = "none"
    ZERO = "zero"


def _floating(dtype):
    dtype = dtype.base_dtype
    return dtype.is_floating or dtype.is_complex


class _Recorder:
    """The hook eager execution calls for each op it runs while a tape is recording."""

    def __init__(self):
        self.tapes = []
        self.active = False  # an attribute: eager execution reads it on every op

    def push(self, tape):
        self.tapes.append(tape)
        self.active = True

    def pop(self, tape):
        self.tapes.remove(tape)
        self.active = bool(self.tapes)

    def record(self, op, inputs, outputs):
        for tape in self.tapes:
            tape._record(op, inputs, outputs)


_RECORDER = _Recorder()
eager.set_tape_hook(_RECORDER)


class _Entry:
    """A recorded op: `fn(*input values)` gives its outputs (a tuple when several); its type and
    attrs say whether it is a row gather (a variable's gradient is then an IndexedSlices)."""
    __slots__ = ("fn", "inputs", "outputs", "handle", "op_type", "attrs")

    def __init__(self, fn, inputs, outputs, handle=None, op_type=None, attrs=None):
        self.fn, self.inputs, self.outputs, self.handle = fn, inputs, outputs, handle
        self.op_type, self.attrs = op_type, attrs


def _replay_fn(op):
    """The pure function of the input values that recomputes an executed op, or None if the
    op carries no gradient."""
    kind = op.kind
    if op.attrs is None:  # a function run by `eager.run_function` (a gradient)
        return op.kernel
    if not kind.differentiable or op.type in gradients_lib.NON_DIFFERENTIABLE:
        return None
    if kind.name in ("pure", "checked"):
        if op.attrs:
            return eager.jitted(op.kernel, op.attrs) or functools.partial(op.kernel, **op.attrs)
        return eager.jitted(op.kernel, None) or op.kernel
    if kind.random:
        return functools.partial(op.kernel, op.key)
    if kind.data_dependent:
        return functools.partial(op.kernel.compute, sizes=op.sizes)
    return None


def _handle_of(x):
    """The VariableHandle of an eager variable (or its handle tensor), else None."""
    handle = getattr(x, "handle", x)
    return handle._handle if isinstance(handle, eager.HandleTensor) else None


class GradientTape:
    """TF's `tf.GradientTape`: records eager operations for automatic differentiation.

    `with tf.GradientTape() as tape:` records the ops run inside on watched tensors;
    `tape.watch(t)` watches a tensor (or variable, or a nested structure of them); trainable
    variables read inside are watched automatically unless `watch_accessed_variables=False`.
    `tape.gradient(target, sources)` gives the gradients with `sources`' structure; a tape is
    used once unless `persistent=True`. `stop_recording()` pauses it; `jacobian` and
    `batch_jacobian` give full Jacobians. In graph mode it uses `tf.gradients`.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._recording = False
        self._used = False
        self.reset()

    def reset(self):
        """Forgets everything recorded (the tape stays in its `with` block)."""
        self._entries = []
        self._tracked = set()        # tensors on a path from a watched tensor or variable
        self._watched = []           # watched tensors, in order
        self._watched_handles = {}   # handle name -> (handle, variable), in order
        self._graph_sources = []

    def __enter__(self):
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter "
                             "an already-active tape.")
        self._push()
        return self

    def __exit__(self, *exc):
        if self._recording:
            self._pop()
        return False

    def _push(self):
        _RECORDER.push(self)
        self._recording = True

    def _pop(self):
        _RECORDER.pop(self)
        self._recording = False

    # ----- watching and recording ---------------------------------------------------------
    def watch(self, tensor):
        """Watches `tensor`: a Tensor, a variable, or a nested structure of them."""
        for t in nest.flatten(tensor):
            handle = _handle_of(t)
            if handle is not None:
                self._watched_handles.setdefault(handle.name, (handle, t))
                continue
            if not isinstance(t, eager.EagerTensor):
                if context.executing_eagerly():
                    raise ValueError(f"Passed in object {t!r} of type '{type(t).__name__}', not "
                                     "tf.Tensor or tf.Variable.")
                self._graph_sources.append(t)  # graph mode: tf.gradients needs no watching
                continue
            if _floating(t.dtype):
                self._watched.append(t)
                self._tracked.add(t)

    def watched_variables(self):
        """The variables watched so far (explicitly or by being read), in the order they were
        created (as TF's tape gives them)."""
        pairs = sorted(self._watched_handles.values(), key=lambda hv: hv[0].uid)
        return tuple(v for _, v in pairs if v is not None)

    def _record(self, op, inputs, outputs):
        if op.kind is state_ops.READ:
            handle = eager._handles.get(op.var)
            if handle is None:
                return
            if handle.name not in self._watched_handles:
                if not (self._watch_accessed_variables and handle.trainable):
                    return
                self._watched_handles[handle.name] = (handle, handle.variable())
            if _floating(outputs[0].dtype):
                self._entries.append(_Entry(None, (), outputs, handle))
                self._tracked.add(outputs[0])
            return
        tracked = self._tracked
        if not any(t in tracked for t in inputs):
            return
        fn = _replay_fn(op)
        if fn is None:
            return
        self._entries.append(_Entry(fn, tuple(inputs), tuple(outputs), op_type=op.type,
                                    attrs=op.attrs))
        tracked.update(t for t in outputs if _floating(t.dtype))

    def stop_recording(self):
        """A context in which the tape records nothing (it must be recording)."""
        if not self._recording:
            raise ValueError("Tape must be recording.")
        return _Paused(self)

    # ----- gradients --------------------------------------------------------------------------
    def _check_use(self):
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients (or jacobians)")
        self._used = True

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """d(target)/d(sources) with the structure of `sources` (TF's `GradientTape.gradient`).

        `target` may be a nested structure (its gradients are summed); `output_gradients` weight
        each target (default ones); an unconnected source gives None, or zeros with
        `unconnected_gradients=tf.UnconnectedGradients.ZERO`.
        """
        unconnected = _unconnected_value(unconnected_gradients)
        self._check_use()
        flat_sources = nest.flatten(sources)
        flat_targets = nest.flatten(target)
        if output_gradients is not None:
            output_gradients = nest.flatten(output_gradients)
            if len(output_gradients) != len(flat_targets):
                raise ValueError(f"Got {len(output_gradients)} output_gradients for "
                                 f"{len(flat_targets)} targets.")
        if not context.executing_eagerly():
            grads = gradients_lib.gradients(flat_targets, flat_sources, grad_ys=output_gradients,
                                            unconnected_gradients=unconnected)
            return nest.pack_sequence_as(sources, grads)
        for s in flat_sources:
            if s is None:
                raise ValueError("None is not a valid source of tf.GradientTape.gradient.")
        flat_targets = [t if isinstance(t, eager.EagerTensor) else convert_to_tensor(t)
                        for t in flat_targets]
        paused = self._recording
        if paused:
            self._pop()
        try:
            grads = _gradients(self._entries, flat_targets, flat_sources, output_gradients)
        finally:
            if paused:
                self._push()
        if unconnected == "zero":
            grads = [_zeros_like_source(s) if g is None else g for s, g in zip(flat_sources, grads)]
        if not self._persistent:
            self._entries = []
        return nest.pack_sequence_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """The Jacobian of `target` w.r.t. each source: shape target.shape + source.shape."""
        unconnected = _unconnected_value(unconnected_gradients)
        if not context.executing_eagerly():
            raise NotImplementedError("GradientTape.jacobian in graph mode is not supported; "
                                      "use it in eager mode.")
        self._check_use()
        flat_sources = nest.flatten(sources)
        target = convert_to_tensor(target)
        jacs = _jacobians(self._entries, target, flat_sources)
        out = []
        for s, j in zip(flat_sources, jacs):
            if j is None and unconnected == "zero":
                shape = tuple(target.shape.as_list()) + tuple(_source_value(s).shape)
                j = eager.EagerTensor(jnp.zeros(shape, _source_value(s).dtype))
            out.append(j)
        if not self._persistent:
            self._entries = []
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: target [b, ...] and source [b, ...] give
        [b, target dims..., source dims...], as TF (examples must not interact)."""
        unconnected = _unconnected_value(unconnected_gradients)
        target = convert_to_tensor(target)
        full = self.jacobian(target, source, unconnected_gradients=unconnected)
        if full is None:
            return None
        value = full._value
        b = target.shape.as_list()[0]
        if b != source.shape.as_list()[0]:
            raise ValueError(f"Need first dimension of target shape ({target.shape}) and source "
                             f"shape ({source.shape}) to match.")
        t_rank = target.shape.ndims
        idx = jnp.arange(b)
        moved = jnp.moveaxis(value, t_rank, 1)  # [b, b, target rest..., source rest...]
        return eager.EagerTensor(moved[idx, idx])


class _Paused:
    def __init__(self, tape):
        self._tape = tape

    def __enter__(self):
        self._tape._pop()

    def __exit__(self, *exc):
        self._tape._push()
        return False


def _unconnected_value(value):
    value = getattr(value, "value", value)
    if value not in ("none", "zero"):
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r}")
    return value


def _source_value(s):
    handle = _handle_of(s)
    return handle.value if handle is not None else s._value


def _zeros_like_source(s):
    return eager.EagerTensor(jnp.zeros_like(_source_value(s)))


def _plan(entries, targets, flat_sources):
    """The replay of `entries` from the sources to `targets`.

    Returns (path entries, externals, source slots, connected flags): externals are the
    consumed tensors no path entry produces (a watched tensor, a variable read's value, any
    other tensor), inputs of the replay function; each source gets a zero perturbation slot.
    """
    src_tensors = {}
    src_handles = {}
    for i, s in enumerate(flat_sources):
        handle = _handle_of(s)
        if handle is not None:
            src_handles.setdefault(handle.name, []).append(i)
        elif isinstance(s, eager.EagerTensor):
            src_tensors.setdefault(s, []).append(i)
        else:
            raise ValueError(f"Passed in object {s!r} of type '{type(s).__name__}', not "
                             "tf.Tensor or tf.Variable.")
    # Backward from the targets: the entries they need.
    needed = set(targets)
    path = []
    for entry in reversed(entries):
        if entry.handle is not None:
            if entry.outputs[0] in needed and entry.handle.name in src_handles:
                path.append(entry)
            continue
        if any(o in needed for o in entry.outputs):
            path.append(entry)
            needed.update(entry.inputs)
    path.reverse()
    produced = {o for e in path if e.handle is None for o in e.outputs}
    externals = []
    seen = set()
    for e in path:
        for t in (e.outputs if e.handle is not None else e.inputs):
            if t not in produced and t not in seen:
                seen.add(t)
                externals.append(t)
    for t in list(targets) + list(src_tensors):
        if t not in produced and t not in seen and t in needed:
            seen.add(t)
            externals.append(t)
    connected = [False] * len(flat_sources)
    for t, idx in src_tensors.items():
        if t in needed:
            for i in idx:
                connected[i] = True
    for e in path:
        if e.handle is not None:
            for i in src_handles[e.handle.name]:
                connected[i] = True
    return path, externals, src_tensors, src_handles, connected


def _forward(path, externals, src_tensors, src_handles, targets):
    """The replay: f(deltas, external values) -> target values (perturbed at the sources)."""
    def run(deltas, ext_values):
        env = dict(zip(externals, ext_values))
        for t, idx in src_tensors.items():
            if t in env:
                env[t] = env[t] - deltas[idx[0]]
        for e in path:
            if e.handle is not None:
                r = e.outputs[0]
                env[r] = env[r] - deltas[src_handles[e.handle.name][0]]
                continue
            outs = e.fn(*[env[t] for t in e.inputs])
            outs = outs if isinstance(outs, tuple) else (outs,)
            for o, v in zip(e.outputs, outs):
                env[o] = v - deltas[src_tensors[o][0]] if o in src_tensors else v
        return [env[t] for t in targets]
    return run


def _gradients(entries, flat_targets, flat_sources, output_gradients):
    """The gradients of sum(targets) w.r.t. each source (None where unconnected)."""
    keep = [j for j, t in enumerate(flat_targets) if _floating(t.dtype)]
    targets = [flat_targets[j] for j in keep]
    cts = None if output_gradients is None else [output_gradients[j] for j in keep]
    path, externals, src_tensors, src_handles, connected = _plan(entries, targets,
                                                                 flat_sources)
    live_targets = [j for j, t in enumerate(targets) if t in set(externals) or
                    any(t in e.outputs for e in path if e.handle is None)]
    if not any(connected) or not live_targets:
        return [None] * len(flat_sources)
    targets = [targets[j] for j in live_targets]
    ct_tensors = []
    if cts is not None:
        cts = [cts[j] for j in live_targets]
        ct_tensors = [None if c is None else convert_to_tensor(c, dtype=t.dtype)
                      for c, t in zip(cts, targets)]
    run = _forward(path, externals, src_tensors, src_handles, targets)
    zeros = [jnp.zeros_like(_source_value(s)) for s in flat_sources]
    n_ext = len(externals)
    ct_inputs = [c for c in ct_tensors if c is not None]

    def grad_kernel(*values):
        ext_values, ct_values = values[:n_ext], list(values[n_ext:])
        with jax.enable_x64(True):
            outs, vjp = jax.vjp(lambda *d: run(list(d), ext_values), *zeros)
            cot = [ct_values.pop(0) if (ct_tensors and ct_tensors[k] is not None) else
                   jnp.ones_like(o) for k, o in enumerate(outs)]
            grads = vjp(cot)
        return tuple(-g for g, c in zip(grads, connected) if c)

    out = eager.run_function("Gradient", grad_kernel, list(externals) + ct_inputs)
    it = iter(out)
    grads = [next(it) if c else None for c in connected]
    for name, idx in src_handles.items():
        ids = _gathered_rows(path, name)
        if ids is not None:
            for i in idx:
                if grads[i] is not None:
                    grads[i] = _as_indexed_slices(grads[i], ids)
    return grads


def _gathered_rows(path, handle_name):
    """The row ids when every use of the variable's reads on `path` is the params of a row
    gather (`tf.gather` on axis 0, `embedding_lookup`): TF's tape then gives an IndexedSlices.
    None otherwise (a dense gradient)."""
    reads = {e.outputs[0] for e in path if e.handle is not None and e.handle.name == handle_name}
    ids = []
    for e in path:
        if e.handle is not None or not any(t in reads for t in e.inputs):
            continue
        attrs = e.attrs or {}
        if e.op_type != "GatherV2" or attrs.get("axis") != 0 or attrs.get("batch_dims") != 0 or \
                e.inputs[0] not in reads or any(t in reads for t in e.inputs[1:]):
            return None
        ids.append(jnp.reshape(e.inputs[1]._value, -1))
    return jnp.concatenate(ids) if ids else None


def _as_indexed_slices(dense, ids):
    """The dense gradient of a gathered variable as TF's IndexedSlices: its rows at the
    gathered ids (each id once, sorted; TF lists them as gathered, repeats included: the
    dense sum and the rows an optimizer updates are the same)."""
    rows = jnp.unique(ids)
    values = eager.EagerTensor(jnp.take(dense._value, rows, axis=0))
    indices = eager.EagerTensor(rows)
    shape = eager.EagerTensor(jnp.asarray(dense._value.shape, rows.dtype))
    return IndexedSlices(values, indices, shape)


def _jacobians(entries, target, flat_sources):
    path, externals, src_tensors, src_handles, connected = _plan(entries, [target], flat_sources)
    if not any(connected):
        return [None] * len(flat_sources)
    run = _forward(path, externals, src_tensors, src_handles, [target])
    zeros = [jnp.zeros_like(_source_value(s)) for s in flat_sources]

    def jac_kernel(*ext_values):
        with jax.enable_x64(True):
            jacs = jax.jacrev(lambda *d: run(list(d), ext_values)[0],
                              argnums=tuple(range(len(zeros))))(*zeros)
        return tuple(-j for j, c in zip(jacs, connected) if c)

    out = eager.run_function("Jacobian", jac_kernel, list(externals))
    it = iter(out)
    return [next(it) if c else None for c in connected]


# ----- tf.contrib.eager's functional gradients --------------------------------------------------
def _watched_args(args, params, fn):
    import inspect
    if params is None:
        return list(range(len(args)))
    names = list(inspect.signature(fn).parameters)
    return [names.index(p) if isinstance(p, str) else p for p in params]


def gradients_function(f, params=None):
    """TF's `tf.contrib.eager.gradients_function`: a function returning the gradients of
    `f(*args)` w.r.t. its arguments (`params`: the indices or names to differentiate; all by
    default). A keyword `dy` weights the output."""
    def grad_fn(*args, **kwargs):
        _, grads = _value_and_grads(f, params, args, kwargs)
        return grads
    return grad_fn


def val_and_grad_function(f, params=None):
    """TF's `tf.contrib.eager.val_and_grad_function`: (f(*args), gradients) as
    `gradients_function`."""
    def fn(*args, **kwargs):
        return _value_and_grads(f, params, args, kwargs)
    return fn


def _value_and_grads(f, params, args, kwargs):
    dy = kwargs.pop("dy", None)
    which = _watched_args(args, params, f)
    args = [convert_to_tensor(a) if i in which else a for i, a in enumerate(args)]
    with GradientTape() as tape:
        for i in which:
            tape.watch(args[i])
        value = f(*args, **kwargs)
    if value is None:
        raise ValueError("Cannot differentiate a function that returns None; did you forget "
                         "to return a value from {}?".format(getattr(f, "__name__", f)))
    grads = tape.gradient(value, [args[i] for i in which],
                          output_gradients=None if dy is None else [dy])
    return value, grads


def implicit_value_and_gradients(f):
    """TF's `tf.contrib.eager.implicit_value_and_gradients`: a function returning
    (f(*args), [(gradient, variable), ...]) for the trainable variables `f` reads, in the
    order it first reads them."""
    def fn(*args, **kwargs):
        with GradientTape() as tape:
            value = f(*args, **kwargs)
        variables = tape.watched_variables()  # in creation order, as TF
        if not variables:
            raise ValueError("No trainable variables were accessed while the function was "
                             "being computed.")
        grads = tape.gradient(value, list(variables))
        return value, list(zip(grads, variables))
    return fn


def implicit_gradients(f):
    """TF's `tf.contrib.eager.implicit_gradients`: a function returning
    [(gradient, variable), ...] for the trainable variables `f` reads."""
    vg = implicit_value_and_gradients(f)

    def fn(*args, **kwargs):
        return vg(*args, **kwargs)[1]
    return fn


