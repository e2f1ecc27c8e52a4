"""Element structures of tf.data, as TF1's `tensorflow.python.data.util.nest` walks them.

A dataset element is a leaf or a tuple (namedtuples too) or dict of elements. Unlike
`tf.nest`, a *list* is a leaf: TF1's tf.data converts it to one tensor
(`from_tensor_slices([[1, 2], [3, 4]])` has one component). Leaves are visited depth first, a
dict's values in the order of its sorted keys. Inside the library an element is a flat list
of NumPy arrays; `Spec` leaves describe each component's dtype and static shape.
"""
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.tensor_shape import TensorShape


class Spec:
    """One component of an element: its DType and static TensorShape."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype, shape):
        self.dtype = dtypes.as_dtype(dtype).base_dtype
        self.shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)

    def __repr__(self):
        return f"Spec({self.dtype.name}, {self.shape})"


def is_nested(x):
    """True for a tuple (namedtuples too) or dict: the structures of tf.data elements."""
    return isinstance(x, (tuple, dict))


def _children(x):
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(x):
    """The leaves of `x`, depth first; a leaf gives `[x]`."""
    if not is_nested(x):
        return [x]
    return [leaf for item in _children(x) for leaf in flatten(item)]


def _rebuild(instance, items):
    if isinstance(instance, dict):
        made = dict(zip(sorted(instance), items))
        return type(instance)((k, made[k]) for k in instance)
    if hasattr(instance, "_fields"):
        return type(instance)(*items)
    return tuple(items)


def pack(structure, flat):
    """`flat` rebuilt in the shape of `structure` (whose leaves are ignored)."""
    it = iter(flat)

    def build(s):
        if not is_nested(s):
            return next(it)
        return _rebuild(s, [build(c) for c in _children(s)])
    return build(structure)


def map_structure(fn, structure):
    """`fn` applied to every leaf, in the shape of `structure`."""
    return pack(structure, [fn(leaf) for leaf in flatten(structure)])


def same_structure(a, b):
    """Whether `a` and `b` nest the same way (tuples vs namedtuples are not told apart, as
    TF1's check does not)."""
    if is_nested(a) != is_nested(b):
        return False
    if not is_nested(a):
        return True
    if isinstance(a, dict) != isinstance(b, dict):
        return False
    if isinstance(a, dict) and sorted(a) != sorted(b):
        return False
    ca, cb = _children(a), _children(b)
    return len(ca) == len(cb) and all(same_structure(x, y) for x, y in zip(ca, cb))


def flatten_up_to(structure, value, what):
    """The leaves of `value` at `structure`'s leaves (a list in `value` may stand for a tuple
    of `structure`, as a generator's yielded lists do in TF1).

    Raises:
      errors.InvalidArgumentError: `value` does not have the structure, naming `what`.
    """
    out = []

    def walk(s, v):
        if not is_nested(s):
            out.append(v)
            return
        if isinstance(s, dict):
            if not isinstance(v, dict) or sorted(v) != sorted(s):
                raise errors.InvalidArgumentError(
                    None, None, f"{what} did not match the expected structure {s!r}: got {v!r}.")
            for k in sorted(s):
                walk(s[k], v[k])
            return
        if not isinstance(v, (tuple, list)) or len(v) != len(s):
            raise errors.InvalidArgumentError(
                None, None, f"{what} did not match the expected structure {s!r}: got {v!r}.")
        for sc, vc in zip(s, v):
            walk(sc, vc)
    walk(structure, value)
    return out


def types_of(specs):
    """The structure of DTypes of a structure of Specs (TF1's `output_types`)."""
    return map_structure(lambda s: s.dtype, specs)


def shapes_of(specs):
    """The structure of TensorShapes of a structure of Specs (TF1's `output_shapes`)."""
    return map_structure(lambda s: s.shape, specs)


def classes_of(specs):
    """The structure of component classes (TF1's `output_classes`: `tf.Tensor` for each)."""
    return map_structure(lambda s: ops_lib.Tensor, specs)


def specs_from(output_types, output_shapes=None, what="output_types"):
    """A structure of Specs from TF1's `output_types` and optional `output_shapes` structures
    (unknown shapes when omitted).

    Raises:
      TypeError: `output_shapes` does not nest as `output_types`.
    """
    if output_shapes is None:
        return map_structure(lambda t: Spec(t, TensorShape(None)), output_types)
    types = flatten(output_types)
    if not is_nested(output_types):
        shapes = [output_shapes]
    else:
        shapes = flatten_shapes_up_to(output_types, output_shapes, what)
    return pack(output_types, [Spec(t, _as_shape(s)) for t, s in zip(types, shapes)])


def flatten_shapes_up_to(structure, shapes, what):
    """`shapes` flattened at `structure`'s leaves, where a leaf shape may be a list/tuple of
    dimensions (TF1 accepts `([None], [2])` for a pair of components)."""
    out = []

    def walk(s, v):
        if not is_nested(s):
            out.append(v)
            return
        if isinstance(s, dict):
            if not isinstance(v, dict) or sorted(v) != sorted(s):
                raise TypeError(f"{what}: output_shapes {shapes!r} does not match the structure "
                                f"of output_types {structure!r}.")
            for k in sorted(s):
                walk(s[k], v[k])
            return
        if not isinstance(v, (tuple, list)) or len(v) != len(s):
            raise TypeError(f"{what}: output_shapes {shapes!r} does not match the structure of "
                            f"output_types {structure!r}.")
        for sc, vc in zip(s, v):
            walk(sc, vc)
    walk(structure, shapes)
    return out


def _as_shape(s):
    return s if isinstance(s, TensorShape) else TensorShape(s)


def to_numpy(value, dtype=None, what="a dataset component"):
    """A Python or NumPy value as a NumPy array of `dtype` (inferred as `tf.constant` infers
    it when None), converted without loss."""
    if dtype is None:
        dtype = dtypes.dtype_of_value(value)
    return dtypes.convert_value(value, dtypes.as_dtype(dtype).base_dtype, what)


def numpy_dtype(dtype):
    """The NumPy dtype of a DType's values (object for tf.string)."""
    return np.dtype(object) if dtype == dtypes.string else np.dtype(dtype.as_numpy_dtype)
