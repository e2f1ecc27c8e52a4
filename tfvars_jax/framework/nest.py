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
                         f"flat_sequence had {len(flat_sequence)} elements. Structure: "
                         f"{structure}, flat_sequence: {flat_sequence}.")
    it = iter(flat_sequence)

    def build(s):
        if not is_nested(s):
            return next(it)
        return _sequence_like(s, [build(c) for c in _children(s)])
    return build(structure)


def assert_same_structure(a, b, what="structures", check_types=False):
    """Raises ValueError (naming both) unless `a` and `b` nest the same way; with
    `check_types` (TF1's default in `tf.nest`), TypeError if a list meets a tuple or two
    namedtuple types differ, and TF1's message for differing lengths."""
    if check_types:
        _assert_same_typed(a, b)
        return

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


def _assert_same_typed(a, b):
    if is_nested(a) != is_nested(b):
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         f"First structure: {a}\n\nSecond structure: {b}")
    if not is_nested(a):
        return
    if len(a) != len(b):
        raise ValueError("The two structures don't have the same sequence length. Input "
                         f"structure has length {len(a)}, while shallow structure has length "
                         f"{len(b)}.")
    if isinstance(a, tuple) != isinstance(b, tuple) or isinstance(a, dict) != \
            isinstance(b, dict) or (hasattr(a, "_fields") and hasattr(b, "_fields") and
                                     type(a) is not type(b)):
        raise TypeError("The two structures don't have the same sequence type. First structure "
                        f"has type {type(a)}, while second structure has type {type(b)}.")
    if isinstance(a, dict) and sorted(a) != sorted(b):
        raise ValueError(f"The two dictionaries don't have the same set of keys: {sorted(a)} "
                         f"and {sorted(b)}.")
    for x, y in zip(_children(a), _children(b)):
        _assert_same_typed(x, y)


def map_structure(fn, *structures, check_types=False):
    """`fn` applied leaf by leaf to structures of the same shape, in the first's shape."""
    for s in structures[1:]:
        assert_same_structure(structures[0], s, check_types=check_types)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def flatten_up_to(shallow, x):
    """The parts of `x` at the leaves of `shallow` (a prefix of `x`'s structure)."""
    if not is_nested(shallow):
        return [x]
    if not is_nested(x) or len(x) != len(shallow):
        raise ValueError(f"The structure {x} does not have the shallow structure {shallow}.")
    return [part for s, item in zip(_children(shallow), _children(x))
            for part in flatten_up_to(s, item)]


def map_structure_up_to(shallow, fn, *structures):
    """`fn` applied to the parts of `structures` at the leaves of `shallow`."""
    flat = [flatten_up_to(shallow, s) for s in structures]
    return pack_sequence_as(shallow, [fn(*parts) for parts in zip(*flat)])


def get_traverse_shallow_structure(traverse_fn, structure):
    """TF1's `nest.get_traverse_shallow_structure`: the prefix of `structure` that
    `traverse_fn` (a bool, or a depth-1 structure of bools, per level) says to descend into.

    Raises:
      TypeError: `traverse_fn` returned something else than a bool where one is needed.
    """
    to_traverse = traverse_fn(structure)
    if not is_nested(structure):
        if not isinstance(to_traverse, bool):
            raise TypeError("traverse_fn returned structure: %s for non-structure: %s"
                            % (to_traverse, structure))
        return to_traverse
    branches = _children(structure)
    if isinstance(to_traverse, bool):
        if not to_traverse:
            return False
        level = [get_traverse_shallow_structure(traverse_fn, b) for b in branches]
    elif not is_nested(to_traverse):
        raise TypeError("traverse_fn returned a non-bool scalar: %s for input: %s"
                        % (to_traverse, structure))
    else:
        flags = _children(to_traverse)
        if len(flags) != len(branches):
            raise ValueError(f"traverse_fn returned {to_traverse}, which does not match the "
                             f"structure {structure}.")
        level = []
        for t, branch in zip(flags, branches):
            if not isinstance(t, bool):
                raise TypeError("traverse_fn didn't return a depth=1 structure of bools. saw: "
                                f"{t} for structure: {to_traverse}")
            level.append(get_traverse_shallow_structure(traverse_fn, branch) if t else False)
    return _sequence_like(structure, level)
