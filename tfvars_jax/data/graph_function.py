"""The functions of `Dataset.map` and `Dataset.filter`: traced once, run per element.

As TF1 traces a map function into a function graph, `GraphFunction` calls it once with
placeholders (named `args_0`, `args_1`, ...) in a private Graph that carries the outer
graph's seed, and compiles what it returns with the runtime compiler into one small jitted
function of the element (one compile per element-shape signature). Random ops in it draw
fresh values for every element, reproducibly when seeded; the sequence restarts when the
iterator is initialized again, as TF1's does.

Where we extend TF1: a function that cannot be traced with symbolic tensors (it calls NumPy
on its arguments) runs on the host with NumPy values instead (`NumpyFunction`); its output
dtypes and ranks are learned from one call on an example element (zeros of the input's
shapes, unknown dimensions taken as 1) and its output shapes are unknown, as TF1's
`tf.py_func` outputs are.
"""
import os

import jax
import numpy as np

from tfvars_jax.data import structure
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.precision import tf_precision
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops
from tfvars_jax.runtime import compiler


def _call(fn, args):
    """TF1's calling convention: a plain tuple element is unpacked into arguments."""
    return fn(*args) if type(args) is tuple else fn(args)


def _normalize(out):
    """TF1 1.15 turns a returned list into a tuple (a list is otherwise one tensor)."""
    return tuple(out) if isinstance(out, list) else out


def make_function(fn, input_specs, what):
    """A `GraphFunction` of `fn`, or a `NumpyFunction` when `fn` cannot be traced with
    symbolic tensors. `what` names the transformation in messages ("Dataset.map()")."""
    try:
        return GraphFunction(fn, input_specs, what)
    except _Untraceable as e:
        cause = e.__cause__
    try:
        return NumpyFunction(fn, input_specs, what)
    except Exception as e:
        raise TypeError(f"{what}: the function could neither be traced with symbolic tensors "
                        f"({type(cause).__name__}: {cause}) nor run on NumPy values "
                        f"({type(e).__name__}: {e}).") from e


class _Untraceable(Exception):
    """The function failed when called with symbolic tensors."""


class GraphFunction:
    """`fn` traced once in a private graph, compiled into a jitted function of the element.

    Attributes:
      output_specs: the structure of Specs of what `fn` returns.
    """

    def __init__(self, fn, input_specs, what):
        outer = ops_lib.get_default_graph()
        graph = ops_lib.Graph()
        graph.seed = outer.seed
        flat_in = structure.flatten(input_specs)
        with graph.as_default():
            placeholders = [array_ops.placeholder(s.dtype, s.shape, name=f"args_{i}")
                            for i, s in enumerate(flat_in)]
            args = structure.pack(input_specs, placeholders)
            try:
                out = _normalize(_call(fn, args))
                leaves = [convert_to_tensor(v) for v in structure.flatten(out)]
            except (TypeError, ValueError, NotImplementedError, AttributeError) as e:
                raise _Untraceable() from e
        self._check_private(leaves, graph, what)
        self.output_specs = structure.pack(out, [structure.Spec(t.dtype, t.shape)
                                                 for t in leaves])
        self._plan, _ = compiler.compile_plan(leaves, [], placeholders, set())
        if self._plan.inputs:
            raise NotImplementedError(f"{what}: a function that creates or reads variables "
                                      f"({list(self._plan.inputs)[:3]}) is not supported.")
        self._random = self._plan.has_random
        self._out_dtypes = [structure.numpy_dtype(t.dtype.base_dtype) for t in leaves]
        # Whether results depend only on the element (not on a random-number counter), so
        # elements may be computed in any order and together (`Dataset.batch`'s fast path).
        self.pure = not self._random
        plan = self._plan
        self._vmappable = self.pure and plan.flat and not plan.has_checks
        self._batched_executables = {}

    def batched(self, flat):
        """The function applied to every row of the stacked inputs `flat` at once (one call
        of `jax.vmap` of the compiled function), or None when it cannot be (random ops, host
        ops, run-time checks, data-dependent shapes, or tracing fails). The caller checks it
        against `instance()`'s per-element results before trusting it."""
        if not self._vmappable:
            return None
        args = tuple(np.asarray(v) for v in flat)
        key = tuple((a.shape, a.dtype) for a in args)
        exe = self._batched_executables.get(key)
        if exe is None:
            plan = self._plan

            def rows(feeds):
                return plan.step({}, {}, feeds, None, mode="trace")[0]
            try:
                with tf_precision():
                    exe = jax.jit(jax.vmap(rows)).lower(args).compile()
            except Exception:  # noqa: BLE001 - the caller computes element by element
                self._vmappable = False
                return None
            self._batched_executables[key] = exe
        outs = exe(args)
        return [np.asarray(v, dtype=d) for v, d in zip(outs, self._out_dtypes)]

    @staticmethod
    def _check_private(leaves, graph, what):
        seen, stack = set(), [t.op for t in leaves]
        while stack:
            op = stack.pop()
            if op in seen:
                continue
            seen.add(op)
            if op.graph is not graph:
                raise NotImplementedError(
                    f"{what}: the function uses '{op.name}' of the outer graph; capturing outer "
                    "tensors is not supported. Pass Python or NumPy values instead, or make the "
                    "tensor part of the dataset (Dataset.zip).")
            stack.extend(t.op for t in op.inputs)
            stack.extend(op._control_inputs)

    def instance(self):
        """A callable `flat element -> flat outputs` with its own random-number counter (one
        per iterator, so a re-initialized iterator draws the same sequence again)."""
        counter = [0]
        salt = int.from_bytes(os.urandom(4), "little")

        def call(flat):
            rng = None
            if self._random:
                rng = compiler.rng_input(counter[0], salt)
                counter[0] += 1
            fetched, _ = self._plan.run({}, list(flat), rng, False)
            return [np.asarray(v, dtype=d) for v, d in zip(fetched, self._out_dtypes)]
        return call


class NumpyFunction:
    """`fn` run on the host with NumPy values (see the module docstring)."""

    def __init__(self, fn, input_specs, what):
        self._fn, self._what, self._input_specs = fn, what, input_specs
        example = structure.map_structure(
            lambda s: np.zeros([1 if d is None else d for d in (s.shape.as_tuple() or ())],
                               structure.numpy_dtype(s.dtype)) if s.dtype != dtypes.string
            else np.full([1 if d is None else d for d in (s.shape.as_tuple() or ())], b"",
                         dtype=object), input_specs)
        out = _normalize(_call(fn, example))
        self._out_structure = out
        flat = [np.asarray(v) for v in structure.flatten(out)]
        specs = []
        for v in flat:
            if v.dtype == object:
                raise TypeError("the function returned a value that is not a number or string")
            dtype = dtypes.string if v.dtype.kind in "SU" else dtypes.as_dtype(v.dtype)
            specs.append(structure.Spec(dtype, TensorShape([None] * v.ndim)))
        self.output_specs = structure.pack(out, specs)

    def instance(self):
        """A callable `flat element -> flat outputs`."""
        specs = structure.flatten(self.output_specs)

        def call(flat):
            out = _normalize(_call(self._fn, structure.pack(self._input_specs, flat)))
            leaves = structure.flatten_up_to(self._out_structure, out,
                                             f"{self._what}: the function's result")
            result = []
            for v, s in zip(leaves, specs):
                try:
                    arr = structure.to_numpy(v, s.dtype, f"a result of {self._what}")
                except TypeError as e:
                    raise errors.InvalidArgumentError(None, None, str(e)) from None
                if arr.ndim != s.shape.ndims:
                    raise errors.InvalidArgumentError(
                        None, None, f"{self._what}: the function returned a value of rank "
                                    f"{arr.ndim} where rank {s.shape.ndims} was expected.")
                result.append(arr)
            return result
        return call
