"""FetchMapper: flattens a `Session.run` fetch structure and rebuilds it with values.

Accepts Tensors, Operations, Variables, tensor/op name strings, IndexedSlices (fetched as an
IndexedSlicesValue), SparseTensors (fetched as a SparseTensorValue) and any nesting of lists,
tuples, namedtuples and dicts, as TF1 does. Operations fetch `None`.
"""
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.indexed_slices import IndexedSlices, IndexedSlicesValue
from tfvars_jax.framework.sparse_tensor import SparseTensor, SparseTensorValue


class FetchMapper:
    """`tensors`/`ops` to run, `key` to cache the plan, `build(values)` to rebuild the structure."""

    def __init__(self, graph, fetches):
        self._graph = graph
        self.tensors = []
        self.ops = []
        self._index = {}
        self._structure = self._flatten(fetches)
        self.key = (self._structure, tuple(self.tensors), tuple(self.ops))

    def _element(self, fetch):
        if fetch is None:
            raise TypeError(f"Fetch argument None has invalid type {type(None)}")
        try:
            el = self._graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
        except TypeError:
            raise TypeError(f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a string or "
                            "Tensor. (Can not convert a {} into a Tensor or Operation.)".format(
                                type(fetch).__name__)) from None
        except ValueError as e:
            raise ValueError(f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({e})") from None
        except KeyError as e:
            raise ValueError(f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. "
                             f"({e.args[0]})") from None
        if isinstance(el, ops_lib.Tensor) and el.dtype == dtypes.resource:
            raise NotImplementedError(
                f"Fetching resource handle '{el.name}' is not supported (TF1 returns an opaque "
                "handle); fetch the variable, or its read_value(), for its value.")
        return el

    def _flatten(self, fetch):
        if isinstance(fetch, dict):
            # A defaultdict is rebuilt with its default factory, as TF1 does.
            factory = getattr(fetch, "default_factory", None)
            return ("dict", (type(fetch), factory),
                    tuple((k, self._flatten(v)) for k, v in fetch.items()))
        if isinstance(fetch, tuple) and hasattr(fetch, "_fields"):
            return ("namedtuple", type(fetch), tuple(self._flatten(v) for v in fetch))
        if isinstance(fetch, (list, tuple)):
            return ("seq", type(fetch), tuple(self._flatten(v) for v in fetch))
        if isinstance(fetch, IndexedSlices):
            parts = (fetch.values, fetch.indices, fetch.dense_shape)
            return ("slices", None, tuple(None if t is None else self._flatten(t) for t in parts))
        if isinstance(fetch, SparseTensor):
            parts = (fetch.indices, fetch.values, fetch.dense_shape)
            return ("sparse", None, tuple(self._flatten(t) for t in parts))
        el = self._element(fetch)
        if isinstance(el, ops_lib.Operation):
            if el not in self.ops:
                self.ops.append(el)
            return ("op",)
        if el not in self._index:
            self._index[el] = len(self.tensors)
            self.tensors.append(el)
        return ("tensor", self._index[el])

    @property
    def single_tensor(self):
        """Whether the fetch is one Tensor (`build(values)` is `values[0]`)."""
        return self._structure[0] == "tensor"

    def build(self, values):
        """The fetch structure with each Tensor replaced by its value."""
        kind = self._structure[0]
        if kind == "tensor":  # the common single-fetch cases, without the recursion
            return values[0]
        if kind == "op":
            return None
        return _build(self._structure, values)


def _build(s, values):
    kind = s[0]
    if kind == "tensor":
        return values[s[1]]
    if kind == "op":
        return None
    if kind == "dict":
        cls, factory = s[1]
        out = cls(factory) if factory is not None else cls()
        out.update((k, _build(v, values)) for k, v in s[2])
        return out
    if kind == "slices":
        return IndexedSlicesValue(*[None if v is None else _build(v, values) for v in s[2]])
    if kind == "sparse":
        return SparseTensorValue(*[_build(v, values) for v in s[2]])
    items = [_build(v, values) for v in s[2]]
    if kind == "namedtuple":
        return s[1](*items)
    return s[1](items)
