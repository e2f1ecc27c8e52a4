"""`tf.Module` (TF 1.14+): a named container of variables and other modules.

As TF's, a Module tracks what its attributes hold: `variables`, `trainable_variables` and
`submodules` walk the attributes (sorted by name, into lists, tuples and dicts, then into
submodules), and `tf.train.Checkpoint` saves a Module's variables under the attribute path
(`model/dense/w/.ATTRIBUTES/VARIABLE_VALUE`), children in the order the attributes were first
set, lists and dicts as nodes of their own.
"""
import re

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.variables.variable import Variable

_VALID_IDENTIFIER = re.compile(r"^[a-zA-Z_]([a-zA-Z0-9_])*$")
# The Module's own bookkeeping, never tracked (TF's _TF_MODULE_IGNORED_PROPERTIES).
_OWN = frozenset(("_name", "_scope_name", "_tracked_names"))


def _camel_to_snake(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class Module:
    """TF's `tf.Module`: `name`, `name_scope`, `variables`, `trainable_variables`,
    `submodules`, and attribute tracking for `tf.train.Checkpoint`.

    Args:
      name: a Python identifier (default: the class name in snake_case, "module"); the module's
        `name_scope` is a fresh, uniquified name scope of it in the default graph.

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     class Dense(tf.Module):
      ...         def __init__(self, n_in, n_out, name=None):
      ...             super().__init__(name=name)
      ...             with self.name_scope:
      ...                 self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
      ...                 self.b = tf.Variable(tf.zeros([n_out]), name="b")
      ...     d = Dense(2, 3)
      ...     print(d.name, [v.name for v in d.trainable_variables])
      dense ['dense/b:0', 'dense/w:0']
    """

    def __init__(self, name=None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not _VALID_IDENTIFIER.match(name):
            raise ValueError(f"'{name}' is not a valid module name. Module names must be valid "
                             "Python identifiers (e.g. a valid class name).")
        object.__setattr__(self, "_tracked_names", [])
        self._name = name
        with ops_lib.name_scope(name) as scope:
            self._scope_name = scope

    def __setattr__(self, name, value):
        if name not in _OWN and name not in self._tracked_names:
            self._tracked_names.append(name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        object.__delattr__(self, name)
        if name in self._tracked_names:
            self._tracked_names.remove(name)

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        """A name scope re-entering this module's scope (`with self.name_scope: ...`)."""
        return ops_lib.name_scope(self._scope_name)

    def _checkpoint_dependencies(self):
        """[(attribute name, value)]: the attributes tf.train.Checkpoint tracks, in the order
        they were first set (variables, modules, optimizers, checkpoints, lists and dicts)."""
        out = []
        for name in self._tracked_names:
            value = self.__dict__.get(name)
            if _is_tracked(value):
                out.append((name, value))
        return out

    @property
    def variables(self):
        """The variables of this module and its submodules, attributes sorted by name."""
        return tuple(self._flatten(lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self):
        return tuple(self._flatten(lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def submodules(self):
        """The modules below this one (not itself), attributes sorted by name."""
        return tuple(self._flatten(lambda x: isinstance(x, Module)))

    def _flatten(self, predicate):
        seen = {id(self)}
        pending = [self]
        while pending:
            module, pending = pending[0], pending[1:]
            children = []
            for key in sorted(vars(module)):
                if key in _OWN:
                    continue
                for leaf in _leaves(vars(module)[key]):
                    if id(leaf) in seen:
                        continue
                    seen.add(id(leaf))
                    if predicate(leaf):
                        yield leaf
                    if isinstance(leaf, Module):
                        children.append(leaf)
            pending = children + pending

    @classmethod
    def with_name_scope(cls, method):
        """Decorates `method` to run inside the module's name scope."""
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        wrapped.__name__ = getattr(method, "__name__", "method")
        wrapped.__doc__ = method.__doc__
        return wrapped

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"


def _leaves(value):
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _leaves(value[key])
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _is_tracked(value):
    """What TF tracks as a dependency: trackable objects, lists and dicts (always, as its
    ListWrapper/_DictWrapper), tuples holding something trackable."""
    if isinstance(value, (list, dict)):
        return True
    if isinstance(value, tuple):
        return any(_is_tracked(v) for v in value)
    return hasattr(value, "_checkpoint_dependencies") or isinstance(value, Variable) or \
        hasattr(value, "_non_slot_dependencies")
