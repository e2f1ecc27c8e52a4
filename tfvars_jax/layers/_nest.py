"""Nested structures of tensors, as TF1's `nest` walks them for RNN states and outputs.

A structure is a leaf, or a list or tuple (namedtuples such as `LSTMStateTuple` included) of
structures; leaves are visited depth first, left to right. Dicts are not RNN states in the
cells we ship, so they count as leaves here.
"""


def is_nested(x):
    """True for a list or tuple (a namedtuple too), as TF1's `nest.is_sequence`."""
    return isinstance(x, (list, tuple))


def flatten(x):
    """The leaves of `x`, depth first; a leaf gives `[x]`."""
    if not is_nested(x):
        return [x]
    return [leaf for item in x for leaf in flatten(item)]


def _sequence_like(instance, items):
    if isinstance(instance, tuple) and hasattr(instance, "_fields"):
        return type(instance)(*items)
    return type(instance)(items)


def pack_sequence_as(structure, flat_sequence):
    """`flat_sequence` rebuilt in the shape of `structure`.

    Raises:
      ValueError: the number of leaves differs.
    """
    flat_sequence = list(flat_sequence)
    count = len(flatten(structure))
    if len(flat_sequence) != count:
        raise ValueError(f"Could not pack sequence. Structure had {count} elements, but "
                         f"flat_sequence had {len(flat_sequence)} elements. Structure: "
                         f"{structure}, flat_sequence: {flat_sequence}.")
    it = iter(flat_sequence)

    def build(s):
        if not is_nested(s):
            return next(it)
        return _sequence_like(s, [build(item) for item in s])
    return build(structure)


def assert_same_structure(a, b):
    """ValueError (TypeError for differing sequence types) unless `a` and `b` nest alike."""
    if is_nested(a) != is_nested(b):
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         f"First structure: {a}\n\nSecond structure: {b}")
    if not is_nested(a):
        return
    if len(a) != len(b):
        raise ValueError("The two structures don't have the same sequence length. Input "
                         f"structure has length {len(a)}, while shallow structure has length "
                         f"{len(b)}.")
    if isinstance(a, tuple) != isinstance(b, tuple) or (
            hasattr(a, "_fields") and hasattr(b, "_fields") and type(a) is not type(b)):
        raise TypeError("The two structures don't have the same sequence type. First structure "
                        f"has type {type(a)}, while second structure has type {type(b)}.")
    for x, y in zip(a, b):
        assert_same_structure(x, y)


def map_structure(fn, *structures):
    """`fn` applied leafwise to structures that nest alike, in the first one's shape."""
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flat = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flat)])


def flatten_up_to(shallow, x):
    """The parts of `x` at the leaves of `shallow` (a prefix of `x`'s structure)."""
    if not is_nested(shallow):
        return [x]
    if not is_nested(x) or len(x) != len(shallow):
        raise ValueError(f"The structure {x} does not have the shallow structure {shallow}.")
    return [part for s, item in zip(shallow, x) for part in flatten_up_to(s, item)]


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
    if isinstance(to_traverse, bool):
        if not to_traverse:
            return False
        level = [get_traverse_shallow_structure(traverse_fn, b) for b in structure]
    elif not is_nested(to_traverse):
        raise TypeError("traverse_fn returned a non-bool scalar: %s for input: %s"
                        % (to_traverse, structure))
    else:
        if len(to_traverse) != len(structure):
            raise ValueError(f"traverse_fn returned {to_traverse}, which does not match the "
                             f"structure {structure}.")
        level = []
        for t, branch in zip(to_traverse, structure):
            if not isinstance(t, bool):
                raise TypeError("traverse_fn didn't return a depth=1 structure of bools. saw: "
                                f"{t} for structure: {to_traverse}")
            level.append(get_traverse_shallow_structure(traverse_fn, branch) if t else False)
    return _sequence_like(structure, level)
