"""TF1's dataset iterators: `get_next()` values are pulled on the host before a run's step.

`Iterator.get_next()` makes an `IteratorGetNext` op of kind `GET_NEXT`. Its kind has
`before_run`: when a run needs the op, the compiler turns its outputs into feeds of the
compiled step (`compile_plan`'s pulled tensors), and the Session asks the kind for the values
(`pull`) just before calling the step. So every run that needs a `get_next()` advances the
iterator exactly once, however many of its outputs (or tensors computed from them) the run
fetches, as TF1's IteratorGetNext op runs once per run; two `get_next()` ops in one run
advance it twice, in creation order. At the end of the data the run raises
`tf.errors.OutOfRangeError` before the step, so no variable changes.

An iterator's position lives in the Session (TF1 keeps it in a session resource): each
Session reads the dataset from the start. `initializer` (a `MakeIterator` op of kind
`MAKE_ITERATOR`, also pulled before the step) evaluates the tensors the dataset captured (with
the run's feeds) in that Session and starts a fresh pass; a one-shot iterator does this on its
first use in each Session.
"""
import weakref

import numpy as np

from tfvars_jax.data import structure
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import make_op
from tfvars_jax.framework.op_kind import OpKind
from tfvars_jax.ops.array_ops import PLACEHOLDER

# session -> {Iterator: _HostIterator}: the iterators' positions in each Session.
_POSITIONS = weakref.WeakKeyDictionary()
# IteratorGetNext / MakeIterator op -> its Iterator (and for MakeIterator, the dataset).
_OWNER = weakref.WeakKeyDictionary()


def _positions(session):
    table = _POSITIONS.get(session)
    if table is None:
        table = _POSITIONS[session] = {}
        weakref.finalize(session, _close_all, table)
    return table


def _close_all(table):
    for state in table.values():
        state.close()
    table.clear()


class _HostIterator:
    """One pass over a dataset in one Session: a Python iterator of flat elements."""

    def __init__(self, dataset, values):
        from tfvars_jax.data.dataset_ops import Context  # the module that imports this one
        self._ctx = Context(values)
        self._elements = dataset._iterate(self._ctx)
        self._done = False

    def next(self, op):
        if self._done:
            raise errors.OutOfRangeError(None, op, "End of sequence")
        try:
            return next(self._elements)
        except StopIteration:
            self._done = True
            raise errors.OutOfRangeError(None, op, "End of sequence") from None
        except errors.OpError as e:
            self._done = True
            if e.op is None:
                e.op = op
            raise

    def close(self):
        self._done = True
        self._ctx.close()
        self._elements.close()


def _evaluate(session, tensors, feeds):
    """The values of a dataset's captured tensors in `session` (with the run's feeds)."""
    if not tensors:
        return {}
    fetched = session.run(list(tensors), feed_dict=feeds or None)
    return {t: np.asarray(v) for t, v in zip(tensors, fetched)}


class _GetNext(OpKind):
    """`IteratorGetNext`: its outputs are pulled from the Session's host iterator before the
    step and fed to it (see the module docstring)."""
    name = "iterator_get_next"
    differentiable = False
    before_run = True

    def value_inputs(self, op):
        return ()

    def pull(self, op, session, feeds):
        iterator = _OWNER[op]
        table = _positions(session)
        state = table.get(iterator)
        if state is None:
            if iterator._one_shot_dataset is None:
                raise errors.FailedPreconditionError(
                    None, op, "GetNext() failed because the iterator has not been initialized. "
                              "Ensure that you have run the initializer operation for this "
                              "iterator before getting the next element.")
            dataset = iterator._one_shot_dataset
            state = table[iterator] = _HostIterator(
                dataset, _evaluate(session, dataset._all_captures(), {}))
        flat = state.next(op)
        return [np.asarray(v, dtype=structure.numpy_dtype(t.dtype.base_dtype))
                for v, t in zip(flat, op.outputs)]

    def run(self, op, ctx):
        raise AssertionError(f"{op.name}'s outputs are fed by the host iterator")


class _MakeIterator(OpKind):
    """`MakeIterator` (an iterator's initializer): before the step, evaluates the dataset's
    captured tensors in the Session (with the run's feeds) and starts a fresh pass."""
    name = "make_iterator"
    differentiable = False
    before_run = True

    def value_inputs(self, op):
        return ()

    def prune_inputs(self, op, resolved):
        return ()  # the captured values come from their own run, see `pull`

    def pull(self, op, session, feeds):
        iterator, dataset = _OWNER[op]
        values = _evaluate(session, dataset._all_captures(), feeds)
        table = _positions(session)
        old = table.pop(iterator, None)
        if old is not None:
            old.close()
        table[iterator] = _HostIterator(dataset, values)
        return []

    def run(self, op, ctx):
        pass


GET_NEXT = _GetNext()
MAKE_ITERATOR = _MakeIterator()


def _reject_stateful(dataset):
    """TF1's one-shot iterators capture their inputs by value: a placeholder or a stateful op
    (variable, random op) among them raises ValueError."""
    seen, stack = set(), [t.op for t in dataset._all_captures()]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.kind is PLACEHOLDER:
            raise ValueError(f"Cannot capture a placeholder (name:{op.name}, type:{op.type}) by "
                             "value.")
        if op.var is not None or op.kind.has_random(op):
            raise ValueError(f"Cannot capture a stateful node (name:{op.name}, type:{op.type}) "
                             "by value. Use make_initializable_iterator().")
        stack.extend(t.op for t in op.inputs)
        stack.extend(op._control_inputs)


class Iterator:
    """TF1's `tf.data.Iterator` (`tf.compat.v1.data.Iterator`): reads a dataset in a Session.

    Made by `make_one_shot_iterator(dataset)`, `make_initializable_iterator(dataset)` or
    `Iterator.from_structure(...)` + `make_initializer(dataset)`. Where we differ: string
    handles (`string_handle`, `from_string_handle`) are not supported; the position lives in
    each Session, as in TF1, but is never shared across Sessions (`shared_name`).
    """

    def __init__(self, specs, graph, one_shot_dataset=None):
        self._specs = specs
        self._graph = graph
        self._one_shot_dataset = one_shot_dataset
        self._initializer = None

    @classmethod
    def _one_shot(cls, dataset):
        _reject_stateful(dataset)
        return cls(dataset._specs, ops_lib.get_default_graph(), one_shot_dataset=dataset)

    @classmethod
    def _initializable(cls, dataset):
        it = cls(dataset._specs, ops_lib.get_default_graph())
        it._initializer = it.make_initializer(dataset)
        return it

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """TF1's `Iterator.from_structure(output_types, output_shapes=None, shared_name=None,
        output_classes=None)`: an iterator of that element structure, for any dataset given
        to `make_initializer`.

        Raises:
          NotImplementedError: `shared_name`, or `output_classes` other than `tf.Tensor`.
        """
        if shared_name is not None:
            raise NotImplementedError("Iterator.from_structure: shared_name is not supported.")
        if output_classes is not None and any(
                c is not ops_lib.Tensor for c in structure.flatten(output_classes)):
            raise NotImplementedError("Iterator.from_structure: output_classes other than "
                                      "tf.Tensor (SparseTensor) are not supported.")
        specs = structure.specs_from(structure.map_structure(
            lambda t: t, output_types), output_shapes, "Iterator.from_structure")
        return Iterator(specs, ops_lib.get_default_graph())

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None):
        """TF1's feedable iterators; not supported (NotImplementedError)."""
        raise NotImplementedError("Iterator.from_string_handle (feedable iterators) is not "
                                  "supported; use Iterator.from_structure with make_initializer "
                                  "for each dataset.")

    def string_handle(self, name=None):
        """TF1's `Iterator.string_handle()`; not supported (NotImplementedError)."""
        raise NotImplementedError("Iterator.string_handle (feedable iterators) is not "
                                  "supported.")

    @property
    def initializer(self):
        """The op that (re)starts this iterator on its dataset (TF1's `initializer`).

        Raises:
          ValueError: a one-shot iterator, or one from `from_structure` (use
            `make_initializer`).
        """
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

    def make_initializer(self, dataset, name=None):
        """TF1's `Iterator.make_initializer(dataset, name=None)`: an op that starts this
        iterator on `dataset` (its captured tensors evaluated with the run's feeds).

        Raises:
          TypeError: the dataset's element types or shapes do not match the iterator's.
        """
        if not structure.same_structure(self._specs, dataset._specs):
            raise TypeError(f"Expected output types {self.output_types} but got dataset with "
                            f"output types {dataset.output_types}.")
        for mine, theirs in zip(structure.flatten(self._specs),
                                structure.flatten(dataset._specs)):
            if mine.dtype != theirs.dtype:
                raise TypeError(f"Expected output types {self.output_types} but got dataset "
                                f"with output types {dataset.output_types}.")
            if not mine.shape.is_compatible_with(theirs.shape):
                raise TypeError(f"Expected output shapes compatible with {self.output_shapes} "
                                f"but got dataset with output shapes {dataset.output_shapes}.")
        captures = dataset._all_captures()
        op = make_op("MakeIterator", None, captures, name=name or "MakeIterator", out_specs=[],
                     kind=MAKE_ITERATOR, graph=self._graph)
        _OWNER[op] = (self, dataset)
        return op

    def get_next(self, name=None):
        """TF1's `Iterator.get_next(name=None)`: tensors (nested as the element) whose values
        each run takes from the iterator, once per run (see the module docstring). At the end
        a run raises `tf.errors.OutOfRangeError`."""
        specs = structure.flatten(self._specs)
        op = make_op("IteratorGetNext", None, [], name=name or "IteratorGetNext",
                     out_specs=[(s.dtype, s.shape) for s in specs], kind=GET_NEXT,
                     graph=self._graph)
        _OWNER[op] = self
        return structure.pack(self._specs, op.outputs)

    @property
    def output_types(self):
        """The structure of component DTypes."""
        return structure.types_of(self._specs)

    @property
    def output_shapes(self):
        """The structure of component static TensorShapes."""
        return structure.shapes_of(self._specs)

    @property
    def output_classes(self):
        """The structure of component classes (`tf.Tensor`)."""
        return structure.classes_of(self._specs)


def make_one_shot_iterator(dataset):
    """TF1's `tf.data.make_one_shot_iterator(dataset)`: `dataset.make_one_shot_iterator()`."""
    return Iterator._one_shot(dataset)


def make_initializable_iterator(dataset, shared_name=None):
    """TF1's `tf.data.make_initializable_iterator(dataset, shared_name=None)`; `shared_name`
    raises NotImplementedError."""
    return dataset.make_initializable_iterator(shared_name)


def get_output_types(dataset_or_iterator):
    """TF1's `tf.data.get_output_types`."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """TF1's `tf.data.get_output_shapes`."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """TF1's `tf.data.get_output_classes`."""
    return dataset_or_iterator.output_classes
