"""`tf.contrib.eager.defun`: a Python function compiled into one jitted call.

In eager mode each call of a `defun`-decorated function looks up its input signature (the
dtype and shape of each tensor argument, the value of each other argument). On a new
signature the function is traced once into a graph (tensor arguments become placeholders;
eager variables it uses become variables of that graph named by their handles,
`variables/variable.py`'s `capture_variable`), and the graph is compiled by the runtime into
one pure step (`functional.make_step`) that is `jax.jit`-ed. A call then runs that one jitted
function on the arguments and the captured variables' values, writes the new values of the
variables it assigned back to their handles, and returns the outputs as EagerTensors.

Differences from TF1: variables must be created outside the function, except an optimizer's
slots, which are created eagerly when first traced (as TF's `init_scope` lifts them); in
graph mode the function is called inline. A call under a recording GradientTape is recorded
as one op whose replay is the jitted step, so gradients flow through it.
"""
import functools
import random

import jax
import numpy as np

from tfvars_jax import functional
from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import eager
from tfvars_jax.framework import nest
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.precision import tf_precision
from tfvars_jax.ops import array_ops
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.op_kind import PURE
from tfvars_jax.ops import backprop
from tfvars_jax.ops import state_ops
from tfvars_jax.runtime.state import State
from tfvars_jax.variables.variable import Variable


_STATEFUL_KINDS = ("callback", "py_func")


class FuncGraph(ops_lib.Graph):
    """The graph a `defun` traces into; `eager_captures` maps an eager variable's handle name
    to the variable op standing for it, `captured_tensors` an eager tensor's id to (the
    tensor, the constant standing for it)."""

    def __init__(self, name):
        super().__init__()
        self.name = name
        self.eager_captures = {}
        self.captured_tensors = {}


class _Traced:
    """One traced signature: the jitted step and how to rebuild the outputs."""

    def __init__(self, step, structure, out_kinds, captured, feed_idx):
        self.step = jax.jit(step)
        self.structure = structure   # the output structure
        self.out_kinds = out_kinds   # per output leaf: ("tensor", i) or ("value", None)
        self.captured = captured     # handle names the step reads or writes
        self.feed_idx = feed_idx     # indices of the flat arguments fed to the step


class Function:
    """A function compiled per input signature into one jitted call (see the module doc)."""

    def __init__(self, python_function, name=None, input_signature=None):
        if input_signature is not None:
            raise NotImplementedError("defun(input_signature=...) is not supported: every "
                                      "distinct signature is traced.")
        self._fn = python_function
        self._name = name or getattr(python_function, "__name__", "function")
        self._traces = {}
        self._counter = random.getrandbits(31)
        functools.update_wrapper(self, python_function)

    @property
    def python_function(self):
        return self._fn

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return functools.partial(self.__call__, instance)

    def __call__(self, *args, **kwargs):
        if not context.executing_eagerly():
            return self._fn(*args, **kwargs)  # graph mode: built inline
        flat = nest.flatten((args, kwargs))
        key = (nest.pack_sequence_as((args, kwargs), [_signature(x) for x in flat])
               .__repr__(),)
        traced = self._traces.get(key)
        if traced is None:
            traced = self._traces[key] = self._trace(args, kwargs, flat)
        return self._run(traced, flat)

    def _trace(self, args, kwargs, flat):
        graph = FuncGraph(self._name)
        graph.seed = eager.SEEDS.global_seed
        feed_idx = [i for i, x in enumerate(flat) if _is_tensor_arg(x)]
        with graph.as_default(), graph.inner_program() as top_ops:
            placeholders = {}
            for i in feed_idx:
                value = flat[i] if isinstance(flat[i], eager.EagerTensor) else \
                    eager.EagerTensor(eager.as_device_value(np.asarray(flat[i])))
                placeholders[i] = array_ops.placeholder(value.dtype, value.shape,
                                                        name=f"input_{i}")
            traced_flat = [placeholders.get(i, x) for i, x in enumerate(flat)]
            t_args, t_kwargs = nest.pack_sequence_as((args, kwargs), traced_flat)
            outputs = self._fn(*t_args, **t_kwargs)
            out_flat = nest.flatten(outputs)
            fetches, kinds = [], []
            for o in out_flat:
                if isinstance(o, Variable):
                    o = o.read_value()
                if isinstance(o, ops_lib.Tensor):
                    kinds.append(("tensor", len(fetches)))
                    fetches.append(o)
                elif o is None or isinstance(o, ops_lib.Operation):
                    kinds.append(("value", None))
                else:  # as TF, other values are returned as tensors
                    kinds.append(("tensor", len(fetches)))
                    fetches.append(convert_to_tensor(o))
        created = [n for n in graph.variables_by_name if n not in graph.eager_captures]
        if created:
            raise NotImplementedError(
                f"defun '{self._name}' created variables {created[:3]} while being traced: "
                "create variables outside the function (in eager code) and use them inside.")
        # As TF's automatic control dependencies: every stateful op the function made runs
        # (in program order), fetched or not.
        stateful = [op for op in top_ops if op.kind.var_writes(op) or
                    op.kind.name in _STATEFUL_KINDS]
        step = functional.make_step([fetches, stateful], [placeholders[i] for i in feed_idx],
                                    graph=graph)
        return _Traced(step, outputs, kinds, list(graph.eager_captures), feed_idx)

    def _run(self, traced, flat):
        handles = [eager._handles[n] for n in traced.captured]
        feeds = [flat[i] if isinstance(flat[i], eager.EagerTensor) else
                 eager.EagerTensor(eager.as_device_value(flat[i])) for i in traced.feed_idx]
        counter = self._counter
        reads = _record_reads(handles) if backprop._RECORDER.active else None
        state = State({h.name: h.value for h in handles}, counter)
        with tf_precision():
            (values, _), new_state = traced.step(state, *[t._value for t in feeds])
        self._counter = int(new_state.counter)
        for h in handles:
            new = new_state[h.name]
            if new is not h.value:
                h.value = new
        tensors = [eager.EagerTensor(v) for v in values]
        if reads is not None:
            _record_call(self._name, traced, counter, feeds, reads, tensors)
        out = [tensors[v] if kind == "tensor" else v for kind, v in traced.out_kinds]
        return nest.pack_sequence_as(traced.structure, out)


def _record_reads(handles):
    """Reads of the captured variables, recorded on the tapes (which watch the trainable
    ones, as for any read), standing for the values the call uses."""
    reads = []
    for h in handles:
        r = eager.EagerTensor(h.value)
        op = eager.EagerOp("ReadVariableOp", h.name, None, {}, (), state_ops.READ)
        op.var = h.name
        op._outputs = [r]
        backprop._RECORDER.record(op, (), [r])
        reads.append(r)
    return reads


def _record_call(name, traced, counter, feeds, reads, outputs):
    """Records the call on the tapes: its replay is the jitted step as a function of the
    arguments and the variables' values (its outputs only), so gradients flow through it."""
    names = traced.captured
    n_feeds = len(feeds)

    def replay(*values):
        state = State(dict(zip(names, values[n_feeds:])), counter)
        (fetched, _), _ = traced.step(state, *values[:n_feeds])
        return tuple(fetched)

    op = eager.EagerOp("PartitionedCall", name, replay, None, tuple(feeds) + tuple(reads),
                       PURE)
    op._outputs = outputs
    backprop._RECORDER.record(op, op._inputs, outputs)


def _is_tensor_arg(x):
    return isinstance(x, (eager.EagerTensor, np.ndarray))


def _signature(x):
    if isinstance(x, eager.EagerTensor):
        return ("tensor", x.dtype.name, tuple(x.shape.as_list()))
    if isinstance(x, np.ndarray):
        return ("tensor", dtypes.as_dtype(x.dtype).name, x.shape)
    if isinstance(x, Variable):
        raise NotImplementedError("Passing a variable as an argument of a defun is not "
                                  "supported; use it from the enclosing scope.")
    try:
        hash(x)
    except TypeError:
        return ("object", id(x))
    return ("value", type(x).__name__, x)


def _feed_value(x):
    return x._value if isinstance(x, eager.EagerTensor) else x


def defun(func=None, input_signature=None, autograph=False, experimental_autograph_options=None,
          experimental_relax_shapes=False):
    """TF1's `tf.contrib.eager.defun`: compiles `func` into one jitted call per input
    signature (usable as a decorator with or without arguments). `autograph` is not supported
    (Python control flow on tensors runs at trace time, as TF1's defun without autograph)."""
    if autograph:
        raise NotImplementedError("defun(autograph=True) is not supported.")
    if experimental_autograph_options is not None or experimental_relax_shapes:
        raise NotImplementedError("defun's experimental options are not supported.")
    if func is None:
        return lambda f: Function(f, input_signature=input_signature)
    return Function(func, input_signature=input_signature)
