"""Nested structures of tensors, walked as TF1's `nest` walks them (`tf.nest`).

A structure is a leaf, or a list, tuple, namedtuple or dict of structures. Leaves are visited
depth first, left to right; a dict's values in the order of its sorted keys. Anything else
(a Tensor, a TensorArray, a number, None) is a leaf.
"""


def is_nested(x):
    """True for a list, tuple (namedtuples too) or dict: TF1's `nest.is_sequence`."""
    return isinstance(x, (list, tuple, dict))


def _children(x):
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(x):
    """The leaves of `x`, depth first; a leaf gives `[x]`."""
    if not is_nested(x):
        return [x]
    return [leaf for item in _children(x) for leaf in flatten(item)]


def _sequence_like(instance, items):
    if isinstance(instance, dict):
        made = dict(zip(sorted(instance), items))
        return type(instance)((k, made[k]) for k in instance) if type(instance) is not dict \
            else {k: made[k] for k in instance}
    if isinstance(instance, tuple) and hasattr(instance, "_fields"):
        return type(instance)(*items)
    return type(instance)(items)


def pack_sequence_as(structure, flat_sequence):
    """`flat_sequence` rebuilt in the shape of `structure`.

    Raises:
      ValueError: the number of leaves differs.
    """
    flat_sequence = list(flat_sequence)
    if not is_nested(structure):
        if len(flat_sequence) != 1:
            raise ValueError(f"Structure is a leaf, but got {len(flat_sequence)} values.")
        return flat_sequence[0]
    count = len(flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(f"Could not pack sequence. Structure had {count} elements, but "
                         f"flat_sequence had {len(flat_sequence)} elements.")
    it = iter(flat_sequence)

    def build(s):
        if not is_nested(s):
            return next(it)
        return _sequence_like(s, [build(c) for c in _children(s)])
    return build(structure)


def assert_same_structure(a, b, what="structures"):
    """Raises ValueError (naming both) unless `a` and `b` nest the same way."""
    def same(x, y):
        if is_nested(x) != is_nested(y):
            return False
        if not is_nested(x):
            return True
        if isinstance(x, dict) != isinstance(y, dict) or \
                (isinstance(x, dict) and sorted(x) != sorted(y)):
            return False
        cx, cy = _children(x), _children(y)
        return len(cx) == len(cy) and all(same(p, q) for p, q in zip(cx, cy))
    if not same(a, b):
        raise ValueError(f"The two {what} don't have the same nested structure.\n\n"
                         f"First structure: {a}\n\nSecond structure: {b}")


def map_structure(fn, *structures):
    """`fn` applied leaf by leaf to structures of the same shape, in the first's shape."""
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
