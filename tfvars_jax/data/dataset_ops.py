"""`tf.data.Dataset` (TF1's `DatasetV1`): input pipelines that run on the host.

A Dataset is a recipe: sources (`from_tensor_slices`, `from_tensors`, `from_generator`,
`range`) and transformations (`zip`, `concatenate`, `batch`, `shuffle`, `repeat`, `map`,
`filter`, `prefetch`, `take`, `skip`). An iterator (`iterator_ops.py`) turns it into a Python
iterator of elements when it is initialized in a Session; each element is a flat list of
NumPy arrays (the components, in `structure.flatten` order) that `get_next()` feeds into the
run's compiled step. So the pipeline runs in plain Python and NumPy, with map/filter functions
written with tf ops compiled into small jitted functions (`graph_function.py`).

Tensors a dataset uses (a placeholder given to `from_tensor_slices`, a `batch_size` tensor)
are its *captures*: their values are computed in the Session when the iterator is initialized,
as TF1 evaluates a dataset's inputs when its iterator is made.

The batch fast path: `batch` of a dataset whose elements are rows it can gather makes each
batch with one NumPy fancy-indexing per component instead of slicing and stacking element by
element. Such a dataset has an *index stream* (`_index_stream(ctx)`): `from_tensor_slices`
and `range` (their positions), `zip` of index streams (one column per input), a `map` of a
pure traced function (no random ops, no NumPy fallback; applied to the gathered batch at once
with `jax.vmap` when that gives bit-identical results on the first batch, else element by
element), and `shuffle`, `repeat`, `take`, `skip` of an index stream, which reorder, repeat
and cut positions exactly as their `_iterate` does elements (shuffle draws the same numbers,
through `bounded_draws.take`). So the batches, their order and the shuffle order are those of
the element-by-element path; any other dataset in the chain (filter, from_generator,
concatenate, prefetch, a random map) uses that path.
"""
import itertools
import os
import queue
import threading

import numpy as np

from tfvars_jax.data import bounded_draws
from tfvars_jax.data import iterator_ops
from tfvars_jax.data import structure
from tfvars_jax.data.graph_function import make_function
from tfvars_jax.data.structure import Spec
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import script_ops

AUTOTUNE = -1
_AUTOTUNE_BUFFER = 2  # prefetch(AUTOTUNE): TF tunes the buffer; we keep this many elements


def _is_symbolic(v):
    return isinstance(v, ops_lib.Tensor) or hasattr(v, "_as_tensor") or (
        isinstance(v, list) and any(_is_symbolic(x) for x in v))


def _shape_str(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


class Context:
    """One initialization of an iterator: the values of the dataset's captured tensors, the
    per-dataset epoch counters (shuffle's reshuffling) and the cleanups of its threads."""

    def __init__(self, values):
        self.values = values
        self.epochs = {}
        self.salts = {}
        self.closers = []

    def value(self, arg):
        """A scalar argument's value: its captured tensor's value, or the Python value."""
        if isinstance(arg, ops_lib.Tensor):
            v = self.values[arg]
            return v.item() if isinstance(v, np.ndarray) and v.ndim == 0 else v
        return arg

    def close(self):
        for fn in self.closers:
            fn()
        self.closers = []


class Dataset:
    """TF1's `tf.data.Dataset` (`tf.compat.v1.data.Dataset`): a sequence of elements, each a
    tensor or a tuple/dict nesting of tensors (a Python list is one tensor, as in TF1).

    Build one with the static constructors and transformations, then read it in a Session
    through `make_one_shot_iterator()` or `make_initializable_iterator()`. Where we differ:
    the pipeline runs in Python/NumPy on the host (no tf.data runtime), `shuffle` orders
    differ from TF's (same seed, same order within tfvars_jax), and transformations we do not
    ship raise AttributeError naming them.
    """

    def __init__(self, specs, inputs=(), captures=()):
        self._specs = specs
        self._inputs = tuple(inputs)
        self._captures = list(captures)

    # ----- what subclasses implement -----------------------------------------------------
    def _iterate(self, ctx):
        """A Python iterator of flat elements (lists of NumPy arrays) for one pass."""
        raise NotImplementedError

    def _index_stream(self, ctx):
        """The batch fast path (see the module docstring): `(gather, chunks)`, where `chunks`
        is an iterator of index arrays (one row per element, in this dataset's element order;
        all side effects happen as it is consumed, as in `_iterate`) and `gather(indices)` the
        flat batch of the elements at those rows; or None when this dataset has none."""
        return None

    def _all_captures(self):
        """The captured tensors of this dataset and its inputs, each once, in order."""
        out, seen = [], set()
        for ds in self._inputs:
            for t in ds._all_captures():
                if t not in seen:
                    seen.add(t)
                    out.append(t)
        for t in self._captures:
            if t not in seen:
                seen.add(t)
                out.append(t)
        return out

    def _arg(self, value, name, dtype=dtypes.int64):
        """A scalar argument: a Python value, or a captured tensor (TF1 converts it to `dtype`)."""
        if _is_symbolic(value):
            t = convert_to_tensor(value, dtype=dtype, name=name)
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"{name} must be a scalar, got shape {t.shape}.")
            self._captures.append(t)
            return t
        return value

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"Dataset.{name} is not supported by tfvars_jax yet (tf.data "
                             "subset: from_tensor_slices, from_tensors, from_generator, range, "
                             "zip, concatenate, batch, shuffle, repeat, map, filter, prefetch, "
                             "take, skip).")

    # ----- TF1 properties ------------------------------------------------------------------
    @property
    def output_types(self):
        """The structure of component DTypes (TF1's `output_types`)."""
        return structure.types_of(self._specs)

    @property
    def output_shapes(self):
        """The structure of component static TensorShapes (TF1's `output_shapes`)."""
        return structure.shapes_of(self._specs)

    @property
    def output_classes(self):
        """The structure of component classes: `tf.Tensor` for each (TF1's `output_classes`;
        we have no SparseTensor components)."""
        return structure.classes_of(self._specs)

    def __repr__(self):
        return (f"<{type(self).__name__} shapes: {self.output_shapes}, "
                f"types: {self.output_types}>")

    # ----- iterators -----------------------------------------------------------------------
    def make_one_shot_iterator(self):
        """TF1's `Dataset.make_one_shot_iterator()`: an iterator initialized on its first use
        in each Session. As TF1, a dataset that captures a placeholder or a stateful tensor
        (a variable) raises ValueError: use `make_initializable_iterator`."""
        return iterator_ops.Iterator._one_shot(self)

    def make_initializable_iterator(self, shared_name=None):
        """TF1's `Dataset.make_initializable_iterator(shared_name=None)`: run its
        `initializer` (feeding the placeholders the dataset uses) before `get_next()`.

        Raises:
          NotImplementedError: `shared_name` (iterators shared across sessions).
        """
        if shared_name is not None:
            raise NotImplementedError("make_initializable_iterator: shared_name is not "
                                      "supported (an iterator's state lives in its Session).")
        return iterator_ops.Iterator._initializable(self)

    # ----- sources ---------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """TF1's `Dataset.from_tensor_slices(tensors)`: the slices of `tensors` along their
        first dimension (every component must have the same size there).

        Raises:
          ValueError: a component is a scalar, or the first dimensions differ.
        """
        return _TensorSlices(tensors)

    @staticmethod
    def from_tensors(tensors):
        """TF1's `Dataset.from_tensors(tensors)`: one element, `tensors`."""
        return _Tensors(tensors)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """TF1's `Dataset.from_generator(generator, output_types, output_shapes=None,
        args=None)`: the elements `generator(*args)` yields (called anew at each
        initialization, with `args` as NumPy values), converted to `output_types` and checked
        against `output_shapes`. Where we differ: a value that does not convert exactly (1.5
        for int32) fails with InvalidArgumentError; TF1 truncates it.

        Raises:
          TypeError: `generator` is not callable, or the shapes do not nest as the types.
        """
        return _Generator(generator, output_types, output_shapes, args)

    @staticmethod
    def range(*args):
        """TF1's `Dataset.range(stop)`, `range(start, stop[, step])`: int64 scalars as Python's
        range."""
        return _Range(*args)

    @staticmethod
    def zip(datasets):
        """TF1's `Dataset.zip(datasets)`: elements of a tuple/dict nesting of datasets
        together, until the shortest ends.

        Raises:
          TypeError: `datasets` is not a nesting of Datasets.
        """
        return _Zip(datasets)

    # ----- transformations ---------------------------------------------------------------
    def concatenate(self, dataset):
        """TF1's `Dataset.concatenate(dataset)`: this dataset's elements, then `dataset`'s.

        Raises:
          TypeError: the element types or structures differ.
        """
        return _Concatenate(self, dataset)

    def batch(self, batch_size, drop_remainder=False):
        """TF1's `Dataset.batch(batch_size, drop_remainder=False)`: consecutive elements
        stacked; the last batch may be smaller unless `drop_remainder`.

        Raises:
          NotImplementedError: `drop_remainder` given as a tensor.
        """
        return _Batch(self, batch_size, drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        """TF1's `Dataset.shuffle(buffer_size, seed=None, reshuffle_each_iteration=None)`.

        As TF1: a buffer of `buffer_size` elements is filled, each output is drawn uniformly
        from the buffer and replaced by the next input element (so the element at output
        position p is one of the first p + buffer_size inputs); seeds follow `tf.set_random_seed`
        and the op seed as for random ops; with `reshuffle_each_iteration` (default True) each
        pass (each `repeat` epoch) has a new order, the sequence of orders restarting when the
        iterator is initialized again. Where we differ: TF's exact orders cannot be reproduced
        (its Philox stream and buffer bookkeeping are internal); the same seeds give the same
        orders within tfvars_jax, in every Session and process.
        """
        return _Shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None):
        """TF1's `Dataset.repeat(count=None)`: the elements `count` times (None or -1:
        forever; a dataset that yields nothing ends)."""
        return _Repeat(self, count)

    def map(self, map_func, num_parallel_calls=None):
        """TF1's `Dataset.map(map_func, num_parallel_calls=None)`.

        `map_func` is traced once with symbolic tensors (a tuple element is unpacked into
        arguments, a returned list becomes a tuple, as in TF1) and runs as one small jitted
        function per element. Where we extend TF1: a function that cannot be traced (NumPy
        code) runs on NumPy values instead, with unknown output shapes (see
        `graph_function.py`). `num_parallel_calls` only changes speed in TF1 (the order is
        kept); we compute elements one at a time, with the same results.

        Raises:
          NotImplementedError: the function creates or reads variables, or uses a tensor of
            the outer graph.
        """
        del num_parallel_calls  # TF1's results do not depend on it (see the docstring)
        return _Map(self, map_func)

    def filter(self, predicate):
        """TF1's `Dataset.filter(predicate)`: the elements for which `predicate` (traced as
        `map`'s function) returns True.

        Raises:
          ValueError: `predicate` does not return a scalar bool.
        """
        return _Filter(self, predicate)

    def prefetch(self, buffer_size):
        """TF1's `Dataset.prefetch(buffer_size)`: a background thread computes up to
        `buffer_size` elements ahead (`tf.data.experimental.AUTOTUNE`: TF tunes the size, we
        keep 2). The elements and their order are unchanged."""
        return _Prefetch(self, buffer_size)

    def take(self, count):
        """TF1's `Dataset.take(count)`: at most `count` elements (-1: all)."""
        return _Take(self, count)

    def skip(self, count):
        """TF1's `Dataset.skip(count)`: all but the first `count` elements (-1: none)."""
        return _Skip(self, count)


DatasetV1 = Dataset


# ----- sources ---------------------------------------------------------------------------
def _component(leaf, what):
    """A component given by the user: a captured Tensor or a NumPy array."""
    if _is_symbolic(leaf):
        return convert_to_tensor(leaf, name="component")
    try:
        return structure.to_numpy(leaf, what=what)
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None


class _TensorSlices(Dataset):
    def __init__(self, tensors):
        tensors = structure.map_structure(lambda x: x, tensors)  # lists inside stay leaves
        comps = [_component(x, "from_tensor_slices") for x in structure.flatten(tensors)]
        specs, first = [], None
        for c in comps:
            shape = c.shape if isinstance(c, ops_lib.Tensor) else TensorShape(c.shape)
            if shape.ndims == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            dims = shape.as_tuple()
            if dims is not None:
                if first is not None and dims[0] is not None and dims[0] != first:
                    raise ValueError(f"Dimensions {first} and {dims[0]} are not compatible")
                first = dims[0] if first is None else first
                specs.append(Spec(c.dtype if isinstance(c, ops_lib.Tensor) else
                                  dtypes.as_dtype(c.dtype) if c.dtype != object else dtypes.string,
                                  TensorShape(list(dims[1:]))))
            else:
                specs.append(Spec(c.dtype, TensorShape(None)))
        super().__init__(structure.pack(tensors, specs),
                         captures=[c for c in comps if isinstance(c, ops_lib.Tensor)])
        self._comps = comps

    def _arrays(self, ctx):
        """The components' arrays and their common first dimension."""
        arrays = [ctx.values[c] if isinstance(c, ops_lib.Tensor) else c for c in self._comps]
        arrays = [np.asarray(a) for a in arrays]
        if any(a.ndim == 0 for a in arrays):
            raise errors.InvalidArgumentError(
                None, None, "Unbatching a tensor is only supported for rank >= 1")
        n = arrays[0].shape[0]
        for a in arrays[1:]:
            if a.shape[0] != n:
                raise errors.InvalidArgumentError(
                    None, None, "All components must have the same size in the 0th dimension: "
                                f"{n} and {a.shape[0]}.")
        return arrays, n

    def _iterate(self, ctx):
        arrays, n = self._arrays(ctx)
        for i in range(n):
            yield [a[i] for a in arrays]

    def _index_stream(self, ctx):
        holder = []

        def chunks():
            arrays, n = self._arrays(ctx)
            holder.append(arrays)
            if n:
                yield np.arange(n)
        return (lambda idx: [a[idx] for a in holder[0]]), chunks()


class _Tensors(Dataset):
    def __init__(self, tensors):
        comps = [_component(x, "from_tensors") for x in structure.flatten(tensors)]
        specs = [Spec(c.dtype, c.shape) if isinstance(c, ops_lib.Tensor) else
                 Spec(dtypes.string if c.dtype == object else dtypes.as_dtype(c.dtype),
                      TensorShape(list(c.shape))) for c in comps]
        super().__init__(structure.pack(tensors, specs),
                         captures=[c for c in comps if isinstance(c, ops_lib.Tensor)])
        self._comps = comps

    def _iterate(self, ctx):
        yield [np.asarray(ctx.values[c]) if isinstance(c, ops_lib.Tensor) else c
               for c in self._comps]


class _Range(Dataset):
    def __init__(self, *args):
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid arguments to range: {args!r}")
        super().__init__(Spec(dtypes.int64, TensorShape([])))
        args = (0,) + args if len(args) == 1 else args
        self._args = [self._arg(a, "range_arg") for a in args] + ([1] if len(args) == 2 else [])

    def _iterate(self, ctx):
        start, stop, step = (int(ctx.value(a)) for a in self._args)
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        for i in range(start, stop, step):
            yield [np.array(i, np.int64)]

    def _index_stream(self, ctx):
        holder = []

        def chunks():
            start, stop, step = (int(ctx.value(a)) for a in self._args)
            if step == 0:
                raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
            holder.append((start, step))
            n = len(range(start, stop, step))
            if n:
                yield np.arange(n)

        def gather(idx):
            start, step = holder[0]
            return [(start + idx.astype(np.int64) * step).astype(np.int64)]
        return gather, chunks()


class _Generator(Dataset):
    def __init__(self, generator, output_types, output_shapes, args):
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        types = structure.map_structure(lambda t: dtypes.as_dtype(t).base_dtype, output_types)
        super().__init__(structure.specs_from(types, output_shapes, "from_generator"))
        self._generator = generator
        self._types = types
        self._args = [_component(a, "from_generator args") for a in (args or ())]
        self._captures.extend(a for a in self._args if isinstance(a, ops_lib.Tensor))

    def _iterate(self, ctx):
        args = [np.asarray(ctx.values[a]) if isinstance(a, ops_lib.Tensor) else a
                for a in self._args]
        specs = structure.flatten(self._specs)
        try:
            it = iter(self._generator(*args))
        except Exception as e:
            raise _generator_error(e) from e
        while True:
            try:
                value = next(it)
            except StopIteration:
                return
            except Exception as e:
                raise _generator_error(e) from e
            leaves = structure.flatten_up_to(self._types, value,
                                             "`generator` yielded an element that")
            flat = []
            for v, s in zip(leaves, specs):
                try:
                    arr = structure.to_numpy(v, s.dtype, "a generator element")
                except TypeError:
                    raise errors.InvalidArgumentError(
                        None, None, "TypeError: `generator` yielded an element that could not be "
                                    f"converted to the expected type. The expected type was "
                                    f"{s.dtype.name}, but the yielded element was {v!r}.") from None
                if not s.shape.is_compatible_with(TensorShape(list(arr.shape))):
                    raise errors.InvalidArgumentError(
                        None, None, f"`generator` yielded an element of shape {arr.shape} where "
                                    f"an element of shape {s.shape} was expected.")
                flat.append(arr)
            yield flat


def _generator_error(e):
    return script_ops._error_class(e)(None, None, f"{type(e).__name__}: {e}")


# ----- transformations -------------------------------------------------------------------
class _Zip(Dataset):
    def __init__(self, datasets):
        leaves = structure.flatten(datasets)
        if not structure.is_nested(datasets) or not all(isinstance(d, Dataset) for d in leaves):
            raise TypeError("The argument to `Dataset.zip()` must be a (nested) structure of "
                            "`Dataset` objects.")
        super().__init__(structure.map_structure(lambda d: d._specs, datasets), inputs=leaves)

    def _iterate(self, ctx):
        its = [d._iterate(ctx) for d in self._inputs]
        while True:
            flat = []
            for it in its:
                try:
                    flat.extend(next(it))
                except StopIteration:
                    return
            yield flat

    def _index_stream(self, ctx):
        streams = [d._index_stream(ctx) for d in self._inputs]
        if any(s is None for s in streams):
            return None
        widths = []  # the index columns of each input

        def chunks():
            its = [iter(c) for _, c in streams]
            pending = [None] * len(its)
            while True:
                for j, it in enumerate(its):
                    while pending[j] is None or len(pending[j]) == 0:
                        try:
                            chunk = next(it)
                        except StopIteration:
                            return
                        pending[j] = chunk.reshape(len(chunk), -1)
                if not widths:
                    widths.extend(p.shape[1] for p in pending)
                length = min(len(p) for p in pending)
                yield np.concatenate([p[:length] for p in pending], axis=1)
                pending = [p[length:] for p in pending]

        def gather(idx):
            flat, col = [], 0
            for (g, _), w in zip(streams, widths):
                part = idx[:, col:col + w]
                flat.extend(g(part[:, 0] if w == 1 else part))
                col += w
            return flat
        return gather, chunks()


def _most_specific(a, b):
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_tuple(), b.as_tuple())])


class _Concatenate(Dataset):
    def __init__(self, first, second):
        if not structure.same_structure(first._specs, second._specs) or \
                structure.flatten(first.output_types) != structure.flatten(second.output_types):
            raise TypeError(f"Two datasets to concatenate have different types "
                            f"{first.output_types} and {second.output_types}")
        specs = [Spec(a.dtype, _most_specific(a.shape, b.shape)) for a, b in
                 zip(structure.flatten(first._specs), structure.flatten(second._specs))]
        super().__init__(structure.pack(first._specs, specs), inputs=(first, second))

    def _iterate(self, ctx):
        for d in self._inputs:
            yield from d._iterate(ctx)


class _Batch(Dataset):
    def __init__(self, input_dataset, batch_size, drop_remainder):
        if _is_symbolic(drop_remainder):
            raise NotImplementedError("Dataset.batch: drop_remainder as a tensor is not "
                                      "supported; pass a Python bool.")
        specs = structure.flatten(input_dataset._specs)
        super().__init__(None, inputs=(input_dataset,))
        self._batch_size = self._arg(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        static = self._batch_size if not isinstance(self._batch_size, ops_lib.Tensor) else \
            _static_int(self._batch_size)
        lead = static if self._drop and static is not None else None
        self._specs = structure.pack(input_dataset._specs, [
            Spec(s.dtype, TensorShape([lead]).concatenate(s.shape)) for s in specs])

    def _iterate(self, ctx):
        size = int(ctx.value(self._batch_size))
        if size <= 0:
            raise errors.InvalidArgumentError(None, None,
                                              "Batch size must be greater than zero.")
        stream = self._inputs[0]._index_stream(ctx)
        if stream is not None:
            yield from self._gathered(stream, size)
            return
        buf = []
        for flat in self._inputs[0]._iterate(ctx):
            buf.append(flat)
            if len(buf) == size:
                yield _stack(buf)
                buf = []
        if buf and not self._drop:
            yield _stack(buf)


    def _gathered(self, stream, size):
        """The batches of an index stream, each gathered at once."""
        gather, chunks = stream
        parts, have = [], 0
        for chunk in chunks:
            while len(chunk):
                take = min(size - have, len(chunk))
                parts.append(chunk[:take])
                chunk = chunk[take:]
                have += take
                if have == size:
                    yield gather(parts[0] if len(parts) == 1 else np.concatenate(parts))
                    parts, have = [], 0
        if have and not self._drop:
            yield gather(parts[0] if len(parts) == 1 else np.concatenate(parts))


def _static_int(t):
    v = getattr(t, "_static_value", None)
    return None if v is None else int(np.asarray(v))


def _stack(elements):
    out = []
    for c in range(len(elements[0])):
        first = np.shape(elements[0][c])
        for i, e in enumerate(elements[1:], 1):
            if np.shape(e[c]) != first:
                raise errors.InvalidArgumentError(
                    None, None, f"Cannot batch tensors with different shapes in component {c}. "
                                f"First element had shape {_shape_str(first)} and element {i} had "
                                f"shape {_shape_str(np.shape(e[c]))}.")
        out.append(np.stack([e[c] for e in elements]))
    return out


_SHUFFLE_PIECE = 1024  # upstream rows the shuffle's fast path draws for at once


class _Shuffle(Dataset):
    def __init__(self, input_dataset, buffer_size, seed, reshuffle_each_iteration):
        super().__init__(input_dataset._specs, inputs=(input_dataset,))
        self._buffer_size = self._arg(buffer_size, "buffer_size")
        if _is_symbolic(seed):
            raise NotImplementedError("Dataset.shuffle: seed as a tensor is not supported; pass "
                                      "a Python int.")
        self._seeds = ops_lib.get_seed(seed)
        self._reshuffle = True if reshuffle_each_iteration is None else \
            bool(reshuffle_each_iteration)

    def _start_pass(self, ctx):
        """The buffer size and the generator of one pass (counting the pass)."""
        size = int(ctx.value(self._buffer_size))
        if size <= 0:
            raise errors.InvalidArgumentError(None, None,
                                              "buffer_size must be greater than zero.")
        epoch = ctx.epochs.get(self, 0)
        ctx.epochs[self] = epoch + 1
        graph_seed, op_seed = self._seeds
        if graph_seed is None:  # unseeded: a fresh order for each initialization
            salt = ctx.salts.setdefault(self, int.from_bytes(os.urandom(8), "little"))
            key = [salt & 0xFFFFFFFF, salt >> 32]
        else:
            key = [int(graph_seed), int(op_seed)]
        return size, np.random.Generator(np.random.PCG64(
            key + [epoch if self._reshuffle else 0]))

    def _index_stream(self, ctx):
        stream = self._inputs[0]._index_stream(ctx)
        if stream is None:
            return None
        gather, upstream_chunks = stream

        def rows():  # the upstream's rows as hashable Python values, in pieces
            for chunk in upstream_chunks:
                for start in range(0, len(chunk), _SHUFFLE_PIECE):
                    yield chunk[start:start + _SHUFFLE_PIECE].tolist()

        def chunks():
            size, rng = self._start_pass(ctx)
            pieces = rows()
            buf = []
            piece = []
            for piece in pieces:  # fill the buffer, as `_iterate`
                room = size - len(buf)
                buf.extend(piece[:room])
                piece = piece[room:]
                if len(buf) == size:
                    break
            for incoming in itertools.chain([piece], pieces):  # draw one, put the next in
                if not incoming:
                    continue
                out = []
                for row, i in zip(incoming, bounded_draws.take(
                        rng, np.full(len(incoming), len(buf))).tolist()):
                    out.append(buf[i])
                    buf[i] = row
                yield np.array(out)
            if buf:
                out = []
                for i in bounded_draws.take(rng, np.arange(len(buf), 0, -1)).tolist():
                    out.append(buf[i])
                    buf[i] = buf[-1]
                    buf.pop()
                yield np.array(out)
        return gather, chunks()

    def _iterate(self, ctx):
        size, rng = self._start_pass(ctx)
        upstream = self._inputs[0]._iterate(ctx)
        buf = []
        for flat in upstream:
            buf.append(flat)
            if len(buf) == size:
                break
        for flat in upstream:  # draw one, put the next input in its place
            i = int(rng.integers(len(buf)))
            out, buf[i] = buf[i], flat
            yield out
        while buf:
            i = int(rng.integers(len(buf)))
            out, buf[i] = buf[i], buf[-1]
            buf.pop()
            yield out


class _Repeat(Dataset):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset._specs, inputs=(input_dataset,))
        self._count = self._arg(-1 if count is None else count, "count")

    def _iterate(self, ctx):
        count = int(ctx.value(self._count))
        epoch = 0
        while count < 0 or epoch < count:
            produced = False
            for flat in self._inputs[0]._iterate(ctx):
                produced = True
                yield flat
            if not produced:
                return
            epoch += 1

    def _index_stream(self, ctx):
        first = self._inputs[0]._index_stream(ctx)
        if first is None:
            return None
        current = [first]

        def chunks():
            count = int(ctx.value(self._count))
            epoch = 0
            while count < 0 or epoch < count:
                if current[0] is None:
                    current[0] = self._inputs[0]._index_stream(ctx)
                produced = False
                for chunk in current[0][1]:
                    if len(chunk):
                        produced = True
                        yield chunk
                if not produced:
                    return
                epoch += 1
                current[0] = None
        # every pass gathers from the same values (one initialization), so the latest
        # pass's gather serves rows of the previous one too
        last = [first[0]]

        def gather(idx):
            if current[0] is not None:
                last[0] = current[0][0]
            return last[0](idx)
        return gather, chunks()


class _Map(Dataset):
    def __init__(self, input_dataset, map_func):
        fn = make_function(map_func, input_dataset._specs, "Dataset.map()")
        super().__init__(fn.output_specs, inputs=(input_dataset,))
        self._fn = fn

    def _iterate(self, ctx):
        call = self._fn.instance()
        for flat in self._inputs[0]._iterate(ctx):
            yield call(flat)

    def _index_stream(self, ctx):
        batched = getattr(self._fn, "batched", None)
        if batched is None or not self._fn.pure:
            return None  # a NumPy function or random ops: element by element, in order
        stream = self._inputs[0]._index_stream(ctx)
        if stream is None:
            return None
        gather, chunks = stream
        call = self._fn.instance()
        verified = []

        def one_by_one(flat):
            rows = [call([c[i] for c in flat]) for i in range(len(flat[0]))]
            return _stack(rows)

        def mapped(idx):
            flat = gather(idx)
            if verified == [False]:
                return one_by_one(flat)
            out = batched(flat)
            if not verified:  # the first batch: vmap must give the per-element results
                expected = one_by_one(flat)
                same = out is not None and all(
                    a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
                    for a, b in zip(out, expected))
                verified.append(same)
                return expected
            return out
        return mapped, chunks


class _Filter(Dataset):
    def __init__(self, input_dataset, predicate):
        fn = make_function(predicate, input_dataset._specs, "Dataset.filter()")
        out = fn.output_specs
        if structure.is_nested(out) or out.dtype != dtypes.bool or \
                not out.shape.is_compatible_with(TensorShape([])):
            raise ValueError("`predicate` must return a scalar boolean tensor.")
        super().__init__(input_dataset._specs, inputs=(input_dataset,))
        self._fn = fn

    def _iterate(self, ctx):
        call = self._fn.instance()
        for flat in self._inputs[0]._iterate(ctx):
            keep = call(flat)[0]
            if np.ndim(keep) != 0:
                raise errors.InvalidArgumentError(None, None,
                                                  "`predicate` must return a scalar boolean.")
            if bool(keep):
                yield flat


class _Prefetch(Dataset):
    def __init__(self, input_dataset, buffer_size):
        super().__init__(input_dataset._specs, inputs=(input_dataset,))
        self._buffer_size = self._arg(buffer_size, "buffer_size")

    def _iterate(self, ctx):
        size = int(ctx.value(self._buffer_size))
        if size == AUTOTUNE:
            size = _AUTOTUNE_BUFFER
        if size < 0:
            raise errors.InvalidArgumentError(None, None,
                                              "buffer_size must be >= 0 or AUTOTUNE (-1).")
        if size == 0:  # TF1: no buffering
            yield from self._inputs[0]._iterate(ctx)
            return
        q = queue.Queue(maxsize=size)
        stop = threading.Event()
        ctx.closers.append(stop.set)
        upstream = self._inputs[0]._iterate(ctx)

        def put(item):
            while not stop.is_set():
                try:
                    q.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    pass
            return False

        def work():
            try:
                for flat in upstream:
                    if not put(("element", flat)):
                        return
                put(("end", None))
            except BaseException as e:  # noqa: BLE001 - handed to the consumer
                put(("error", e))
        thread = threading.Thread(target=work, name="tf.data prefetch", daemon=True)
        thread.start()
        try:
            while True:
                what, item = q.get()
                if what == "element":
                    yield item
                elif what == "end":
                    return
                else:
                    raise item
        finally:
            stop.set()


class _Take(Dataset):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset._specs, inputs=(input_dataset,))
        self._count = self._arg(count, "count")

    def _iterate(self, ctx):
        count = int(ctx.value(self._count))
        if count == 0:
            return
        for i, flat in enumerate(self._inputs[0]._iterate(ctx), 1):
            yield flat
            if i == count:
                return

    def _index_stream(self, ctx):
        stream = self._inputs[0]._index_stream(ctx)
        if stream is None:
            return None

        def chunks():
            left = int(ctx.value(self._count))
            if left == 0:
                return
            for chunk in stream[1]:
                if left >= 0 and len(chunk) >= left:
                    yield chunk[:left]
                    return
                left -= len(chunk) if left >= 0 else 0
                yield chunk
        return stream[0], chunks()


class _Skip(Dataset):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset._specs, inputs=(input_dataset,))
        self._count = self._arg(count, "count")

    def _iterate(self, ctx):
        count = int(ctx.value(self._count))
        for i, flat in enumerate(self._inputs[0]._iterate(ctx)):
            if count < 0 or i < count:
                continue
            yield flat

    def _index_stream(self, ctx):
        stream = self._inputs[0]._index_stream(ctx)
        if stream is None:
            return None

        def chunks():
            count = int(ctx.value(self._count))
            skipped = 0
            for chunk in stream[1]:
                if count < 0:
                    continue
                if skipped < count:
                    drop = min(count - skipped, len(chunk))
                    skipped += drop
                    chunk = chunk[drop:]
                if len(chunk):
                    yield chunk
        return stream[0], chunks()
