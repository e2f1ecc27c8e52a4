"""`tf.scan`, `tf.map_fn`, `tf.foldl`, `tf.foldr`: loops over the first axis of tensors.

As in TF1 each is one `tf.while_loop` (one While op, a `jax.lax.while_loop` when run) with
`maximum_iterations` set to the number of elements, so they are differentiable; the per-element
results are stacked by the loop itself (TF1 uses TensorArrays for that). `elems` may be a
nested structure of tensors with the same first dimension; `fn` sees the same structure.
`parallel_iterations` and `swap_memory` are TF1 scheduling hints that do not change results.
"""
import jax.numpy as jnp

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import nest
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.ops import array_ops, check_ops, math_ops
from tfvars_jax.ops.loop_ops import build_loop


def _elements(elems):
    """(flat tensors, number of elements: an int or a scalar tensor)."""
    flat = [convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
    if not flat:
        raise ValueError("elems must be a Tensor or a (possibly nested) sequence of Tensors.")
    firsts = set()
    for e in flat:
        if e.shape.ndims == 0:
            raise ValueError(f"Elements in elems must be 1+ dimensional Tensors, not scalars: {e}")
        if e.shape.ndims is not None and e.shape[0].value is not None:
            firsts.add(e.shape[0].value)
    if len(firsts) > 1:
        raise ValueError(f"The elements of elems must have the same first dimension, got "
                         f"{sorted(firsts)}.")
    n = firsts.pop() if firsts else array_ops.shape(flat[0])[0]
    return flat, n


def _element_kernel(params, indices):
    if params.shape[0] == 0:  # no element: the loop runs no iteration, or a check has failed
        return jnp.zeros(params.shape[1:], params.dtype)
    return jnp.take(params, indices, axis=0, mode="clip")


def _element(elems, flat, index):
    """The structure of elems' slices at `index` (zeros when `elems` is empty: JAX cannot take
    from an empty axis, and the value is then never used)."""
    return nest.pack_sequence_as(elems, [
        op_output("GatherV2", _element_kernel, [e, convert_to_tensor(index)], name="GatherV2")
        for e in flat])


def _first_element(elems, flat, n, reverse, what):
    """The first element (the last with `reverse`), which starts a fold or scan without an
    initializer; a fed `elems` may be empty, and then the run fails (InvalidArgumentError) as
    TF1's read of element 0 of an empty TensorArray."""
    if isinstance(n, int):
        return _element(elems, flat, _index(n, 0, reverse))
    check = check_ops.Assert(math_ops.greater(n, 0),
                             [f"{what} without an initializer over no elements"])
    with ops_lib.get_default_graph().control_dependencies([check]):
        return nest.map_structure(array_ops.identity, _element(elems, flat, _index(n, 0, reverse)))


def _index(n, i, reverse):
    return n - 1 - i if reverse else i


def _fold(fn, elems, initializer, back_prop, reverse):
    flat, n = _elements(elems)
    if initializer is None:
        a0 = _first_element(elems, flat, n, reverse, "tf.foldr" if reverse else "tf.foldl")
        start = 1
    else:
        a0 = initializer
        start = 0

    def body(i, a):
        a_out = fn(a, _element(elems, flat, _index(n, i, reverse)))
        nest.assert_same_structure(a0, a_out, "structures (the accumulator and fn's result)")
        return (i + 1, a_out), ()
    with ops_lib.name_scope("while"):
        (_, a), _ = build_loop(lambda i, a: i < n, body, (start, a0), back_prop=back_prop,
                               maximum_iterations=n - start)
    return a


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """TF1's `tf.foldl`: `a = fn(a, x)` for the elements x of `elems` from first to last,
    starting from `initializer` (default: the first element); returns the final `a`."""
    with ops_lib.name_scope(name, "foldl", nest.flatten(elems)):
        return _fold(fn, elems, initializer, back_prop, reverse=False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """TF1's `tf.foldr`: as `tf.foldl`, from the last element to the first."""
    with ops_lib.name_scope(name, "foldr", nest.flatten(elems)):
        return _fold(fn, elems, initializer, back_prop, reverse=True)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """TF1's `tf.scan`: the successive values of `a = fn(a, x)` over the elements of `elems`,
    stacked (`output[i]` belongs to `elems[i]`, also with `reverse=True`). Without an
    `initializer` the first element (the last with `reverse`) starts the scan and is the
    first output."""
    with ops_lib.name_scope(name, "scan", nest.flatten(elems)):
        flat, n = _elements(elems)
        if initializer is None:
            a0 = _first_element(elems, flat, n, reverse, "tf.scan")
            start = 1
        else:
            a0 = nest.map_structure(convert_to_tensor, initializer)
            start = 0

        def body(i, a):
            a_out = fn(a, _element(elems, flat, _index(n, i, reverse)))
            nest.assert_same_structure(a0, a_out, "structures (the accumulator and fn's result)")
            a_out = nest.map_structure(convert_to_tensor, a_out)
            return (i + 1, a_out), a_out
        with ops_lib.name_scope("while"):
            _, stacked = build_loop(lambda i, a: i < n, body, (start, a0), back_prop=back_prop,
                                    maximum_iterations=n - start)

        def finish(first, ys):
            if reverse:
                ys = array_ops.reverse(ys, [0])
            if start:
                first = array_ops.expand_dims(convert_to_tensor(first), 0)
                ys = array_ops.concat([ys, first] if reverse else [first, ys], 0)
            return _stacked(ys, n)
        return nest.map_structure(finish, a0, stacked)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None):
    """TF1's `tf.map_fn`: `fn` applied to each element of `elems`, the results stacked.

    `dtype` gives the structure and dtypes of `fn`'s result when they differ from `elems`'.
    """
    with ops_lib.name_scope(name, "map", nest.flatten(elems)):
        flat, n = _elements(elems)
        expected = elems if dtype is None else dtype

        def body(i):
            out = fn(_element(elems, flat, i))
            nest.assert_same_structure(expected, out, "structures (dtype and fn's result)")
            out = nest.map_structure(convert_to_tensor, out)
            if dtype is not None:
                for t, d in zip(nest.flatten(out), nest.flatten(dtype)):
                    if t.dtype.base_dtype != dtypes.as_dtype(d).base_dtype:
                        raise TypeError(f"map_fn: fn returned {t.dtype.base_dtype.name} where "
                                        f"dtype says {dtypes.as_dtype(d).base_dtype.name} ({t}).")
            return (i + 1,), out
        with ops_lib.name_scope("while"):
            _, stacked = build_loop(lambda i: i < n, body, (0,), back_prop=back_prop,
                                    maximum_iterations=n)
        return nest.map_structure(lambda ys: _stacked(ys, n), stacked)


def _stacked(ys, n):
    """The stacked results, named as TF1's TensorArray stack; first dimension `n`."""
    with ops_lib.name_scope("TensorArrayStack"):
        out = array_ops.identity(ys, name="TensorArrayGatherV3")
    if isinstance(n, int):
        out.set_shape([n] + out.shape.as_list()[1:])
    return out
