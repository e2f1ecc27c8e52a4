"""Runs a fuzz Program (tests/fuzz/programs.py) against a `tf` module and compares outcomes.

The program is rendered to Python by `programs.program_source` and executed, so the
standalone script printed for a mismatch is exactly the code that ran. Every step records:
variables (name, shape, dtype), reuse results, each run's fetched structure (normalized: the
container types, dtypes, shapes and values), the exception class name when a step raises, the
variables' values after each run (one separate run fetching a {name: variable} dict), restore
and save events, report_uninitialized_variables (sorted) and finally the collections.
"""
import math
import shutil
import tempfile

import numpy as np

from tests.fuzz import programs

# Shared by the interpreter and the standalone scripts (to_script pastes this source).
HELPERS = r'''
nan, inf = float("nan"), float("inf")  # the literals of special values (tests/fuzz/wide_ops.py)


def _s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def _norm(x):
    """A comparable, printable form of a fetched structure."""
    if x is None:
        return ("None",)
    if all(hasattr(x, a) for a in ("values", "indices", "dense_shape")):
        # a gradient through tf.gather (IndexedSlices in both): compare the dense values, since
        # the order and repetition of rows may differ (a shard's lists others' ids as -1 here)
        dense = np.zeros(np.asarray(x.dense_shape), np.asarray(x.values).dtype)
        keep = np.asarray(x.indices) >= 0
        np.add.at(dense, np.asarray(x.indices)[keep], np.asarray(x.values)[keep])
        return _norm(dense)
    if isinstance(x, dict):
        return ("dict", sorted((str(k), _norm(v)) for k, v in x.items()))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__ if type(x) in (list, tuple) else "tuple", [_norm(e) for e in x])
    if isinstance(x, (str, bytes)):
        return ("str", _s(x))
    if isinstance(x, bool):
        return ("bool", x)
    a = np.asarray(x)
    if a.dtype == object:
        return ("objects", [_s(e) for e in a.ravel().tolist()])
    return ("array", a.dtype.name, list(a.shape), a.tolist())


def _shp(t):
    """A tensor's static shape as a list (None for an unknown rank)."""
    s = t.get_shape()
    return None if s.ndims is None else s.as_list()


def _chk(sess, variables, optimizers):
    """The values of `variables` and of the optimizers' variables, by name, in one run."""
    vs = list(variables) + [v for o in optimizers for v in o.variables()]
    return sess.run({v.name: v for v in vs})


def _collections(tf):
    return {key: [v.name for v in tf.get_collection(getattr(tf.GraphKeys, key))]
            for key in ("GLOBAL_VARIABLES", "TRAINABLE_VARIABLES", "LOCAL_VARIABLES")}
'''

_ns = {"np": np}
exec(HELPERS, _ns)  # noqa: S102
norm = _ns["_norm"]


def run_program(program, tf, workdir=None):
    """Run `program` with the module `tf` in a fresh graph; the list of records."""
    source = programs.program_source(program)
    ns = dict(_ns)
    ns["os"] = __import__("os")
    exec(compile(source, f"<fuzz program {program.seed}>", "exec"), ns)  # noqa: S102
    records = []

    def rec(*r):
        records.append(norm(r))

    own = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="tfvars_fuzz_")
    try:
        ns["_program"](tf, rec, workdir)
    finally:
        if own:
            shutil.rmtree(workdir, ignore_errors=True)
    return records


# ----- comparison ---------------------------------------------------------------------------

RTOL, ATOL = 1e-5, 1e-6


def _close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= ATOL + RTOL * abs(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


def same(a, b):
    """Records equal up to float tolerance (ints and bools exact)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return False
        if len(a) == 4 and a[0] == "array" and b[0] == "array":
            if a[1] != b[1] or a[2] != b[2]:
                return False
            if a[1].startswith("float"):
                return _close(a[3], b[3])
            return a[3] == b[3]
        return all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def first_difference(tf_records, our_records):
    """None if the two record lists agree, else (index, TF record, our record)."""
    for i, (x, y) in enumerate(zip(tf_records, our_records)):
        if not same(x, y):
            return i, x, y
    if len(tf_records) != len(our_records):
        i = min(len(tf_records), len(our_records))
        return (i, tf_records[i] if i < len(tf_records) else None,
                our_records[i] if i < len(our_records) else None)
    return None


def signature(diff):
    """A coarse class of a difference: the record kind and the error classes on both sides."""
    if diff is None:
        return None
    _, x, y = diff

    def part(r):
        if not isinstance(r, tuple) or len(r) < 2:
            return repr(r)[:40]
        kind = r[1][0][1] if r[0] == "tuple" and r[1] and r[1][0][0] == "str" else r[0]
        errs = []

        def walk(e):
            if isinstance(e, tuple) and len(e) == 2 and e[0] == "str" and e[1].endswith("Error"):
                errs.append(e[1])
            elif isinstance(e, (tuple, list)):
                for z in e:
                    walk(z)
        walk(r)
        return (kind, tuple(errs))
    return part(x), part(y)
