"""State: the values of a graph's variables, immutable and a JAX pytree.

A State maps full variable names (`"conv1/weights"`) to arrays (`jax.Array`; host-side NumPy
byte-string arrays for `tf.string` variables) and carries the run counter that random ops fold
into their keys. A variable absent from the State is uninitialized.
"""
from collections.abc import Mapping

import jax
import numpy as np

from tfvars_jax.framework import display


@jax.tree_util.register_pytree_node_class
class State(Mapping):
    """An immutable mapping `name -> array` plus the RNG run counter.

    Flattens (as a pytree) to its values in sorted name order followed by the counter, so it
    can be passed through `jax.jit`, `jax.grad` and `jax.lax.scan`.
    """

    __slots__ = ("_values", "_counter")

    def __init__(self, values=None, counter=0):
        self._values = dict(values or {})
        self._counter = counter

    @property
    def counter(self):
        """How many random-drawing runs this state has seen (part of every random op's key)."""
        return self._counter

    def __getitem__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"No variable named '{name}' in this State (uninitialized or unknown). "
                           f"Known names start with: {sorted(self._values)[:5]}") from None

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __contains__(self, name):
        return name in self._values

    def replace(self, updates=(), counter=None):
        """A new State with `updates` (a mapping) applied and, if given, a new counter."""
        values = dict(self._values)
        values.update(updates)
        return State(values, self._counter if counter is None else counter)

    def without(self, names):
        """A new State in which `names` are uninitialized."""
        names = set(names)
        return State({k: v for k, v in self._values.items() if k not in names}, self._counter)

    def tree_flatten(self):
        names = tuple(sorted(self._values))
        return [self._values[n] for n in names] + [self._counter], names

    @classmethod
    def tree_unflatten(cls, names, leaves):
        return cls(dict(zip(names, leaves[:-1])), leaves[-1])

    def _repr_html_(self):
        """Jupyter's rich display: a table of the values with shapes, sizes and a preview."""
        return display.values_html(f"State (counter={self._counter})", self._values)

    def __repr__(self):
        items = ", ".join(f"{k!r}: {tuple(np.shape(v))}" for k, v in list(self._values.items())[:8])
        more = ", ..." if len(self._values) > 8 else ""
        return f"State({{{items}{more}}}, counter={self._counter})"
