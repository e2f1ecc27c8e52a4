"""Differential test: the same TF1 scope/reuse programs on real TensorFlow and on tfvars_jax.

Each program is a random tree of steps (variable_scope by name / by captured object / with
default_name, name_scope, get_variable, tf.Variable, reuse_variables, AUTO_REUSE, ops). An
interpreter runs it against a `tf` module in a fresh graph and records, step by step, the
outcome (names, shapes, dtypes, reuse flags, op names, or the exception type and kind), then
the collection memberships. Both libraries must give identical records.
"""
import random

import numpy as np

import pytest

tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = pytest.mark.tensorflow

N_PROGRAMS = 200
SCOPES = ["s", "t", "s/t"]
VARS = ["a", "b", "c"]
SHAPES = [[1], [2], [1, 2], []]


# ----- program generation -----------------------------------------------------------------

def _gen_steps(rng, depth, n):
    steps = []
    for _ in range(n):
        r = rng.random()
        if depth < 3 and r < 0.30:
            kind = rng.choice(["vs", "vs", "vs_obj", "vs_default", "ns"])
            body = _gen_steps(rng, depth + 1, rng.randint(0, 4))
            reuse = rng.choice([None, None, True, False, "AUTO"])
            name = rng.choice(SCOPES)
            steps.append((kind, name, reuse, rng.randint(0, 5), body))
        elif r < 0.65:
            init = rng.choice([None, None, "zeros", "const", "tensor"])
            steps.append(("gv", rng.choice(VARS), rng.choice(SHAPES), rng.choice(["float32", "float32", "int32"]),
                          init, rng.choice([None, None, False]), rng.random() < 0.15))
        elif r < 0.75:
            steps.append(("var", rng.choice(VARS)))
        elif r < 0.83:
            steps.append(("reuse_vars",))
        elif r < 0.92:
            steps.append(("op", rng.choice(["x", "add", None])))
        else:
            steps.append(("vadd",))
    return steps


def gen_program(seed):
    rng = random.Random(seed)
    return _gen_steps(rng, 0, rng.randint(3, 10))


# ----- interpreter ------------------------------------------------------------------------

def _err_kind(e):
    msg = str(e)
    for key in ("already exists", "does not exist", "Trying to share variable", "do not specify shape",
                "don't match", "cannot be used without", "not valid"):
        if key in msg:
            return key
    return "other"


def _reuse_repr(tf, reuse):
    return "AUTO" if reuse is tf.AUTO_REUSE else reuse


class Interp:
    def __init__(self, tf):
        self.tf = tf
        self.log = []
        self.captured = []
        self.last_var = None

    def run(self, steps):
        for step in steps:
            try:
                self.step(step)
            except Exception as e:  # noqa: BLE001 - we record the type and compare
                self.log.append(("error", step[0], type(e).__name__, _err_kind(e)))

    def scope_record(self, scope):
        return (scope.name, scope.original_name_scope, _reuse_repr(self.tf, scope.reuse))

    def step(self, step):
        tf = self.tf
        kind = step[0]
        if kind in ("vs", "vs_obj", "vs_default", "ns"):
            _, name, reuse, idx, body = step
            reuse = tf.AUTO_REUSE if reuse == "AUTO" else reuse
            if kind == "ns":
                with tf.name_scope(name.replace("/", "_")) as ns:
                    self.log.append(("ns", ns))
                    self.run(body)
                return
            if kind == "vs_obj":
                if not self.captured:
                    self.log.append(("vs_obj_skip",))
                    return
                ctx = tf.variable_scope(self.captured[idx % len(self.captured)], reuse=reuse)
            elif kind == "vs_default":
                ctx = tf.variable_scope(None, default_name=name.split("/")[0],
                                        reuse=reuse if reuse is not True else None)
            else:
                ctx = tf.variable_scope(name, reuse=reuse)
            with ctx as scope:
                self.captured.append(scope)
                self.log.append((kind, self.scope_record(scope)))
                self.run(body)
            self.log.append(("exit", self.scope_record(tf.get_variable_scope())))
        elif kind == "gv":
            _, name, shape, dtype, init, trainable, local = step
            kwargs = dict(dtype=getattr(tf, dtype))
            if init == "zeros":
                kwargs["initializer"] = tf.zeros_initializer()
            elif init == "const":
                kwargs["initializer"] = tf.constant_initializer(1)
            if init == "tensor":
                with tf.name_scope(None):
                    kwargs["initializer"] = tf.zeros(shape, dtype=getattr(tf, dtype))
            else:
                kwargs["shape"] = shape
            if trainable is not None:
                kwargs["trainable"] = trainable
            if local:
                kwargs["collections"] = [tf.GraphKeys.LOCAL_VARIABLES]
            v = tf.get_variable(name, **kwargs)
            self.last_var = v
            self.log.append(("gv", v.name, v.get_shape().as_list(), v.dtype.base_dtype.name, v.op.name))
        elif kind == "var":
            v = tf.Variable(1.0, name=step[1])
            self.last_var = v
            self.log.append(("var", v.name, v.op.name))
        elif kind == "reuse_vars":
            tf.get_variable_scope().reuse_variables()
            self.log.append(("reuse_vars", self.scope_record(tf.get_variable_scope())))
        elif kind == "op":
            x = tf.constant(1.0, name=step[1]) if step[1] else tf.constant(1.0)
            self.log.append(("op", x.op.name, x.name))
        elif kind == "vadd":
            if self.last_var is None or self.last_var.dtype.base_dtype != tf.float32:
                self.log.append(("vadd_skip",))
                return
            x = 1.0 + self.last_var
            self.log.append(("vadd", x.op.name))
        else:  # pragma: no cover
            raise AssertionError(kind)

    def collections(self):
        tf = self.tf
        out = {}
        for key in ("GLOBAL_VARIABLES", "TRAINABLE_VARIABLES", "LOCAL_VARIABLES"):
            out[key] = [(v.name, v.get_shape().as_list(), v.dtype.base_dtype.name)
                        for v in tf.get_collection(getattr(tf.GraphKeys, key))]
        return out


def run_program(tf, steps):
    with tf.Graph().as_default():
        interp = Interp(tf)
        interp.run(steps)
        return interp.log, interp.collections()


def _diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first difference at record {i}: TF={x!r} tfvars_jax={y!r}"
    return f"length differs: TF={len(a)} tfvars_jax={len(b)}"


# ----- tests ------------------------------------------------------------------------------

def test_random_programs_match_tf():
    failures = []
    n_errors = n_records = 0
    for seed in range(N_PROGRAMS):
        steps = gen_program(seed)
        tf_log, tf_cols = run_program(tf1, steps)
        j_log, j_cols = run_program(tfj, steps)
        n_records += len(tf_log)
        n_errors += sum(r[0] == "error" for r in tf_log)
        if tf_log != j_log:
            failures.append(f"program {seed}: {_diff(tf_log, j_log)}\n  steps={steps}")
        elif tf_cols != j_cols:
            failures.append(f"program {seed}: collections differ\n  TF={tf_cols}\n  tfvars_jax={j_cols}")
    assert not failures, f"{len(failures)} of {N_PROGRAMS} programs differ:\n" + "\n".join(failures[:5])
    # the generator really exercises both the success and the error paths
    assert n_records > 5 * N_PROGRAMS
    assert n_errors > N_PROGRAMS // 4


def _both(fn):
    out = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            try:
                out.append(fn(tf))
            except Exception as e:  # noqa: BLE001
                out.append(("error", type(e).__name__, _err_kind(e)))
    return out


HAND_WRITTEN = {}


def _program(fn):
    HAND_WRITTEN[fn.__name__] = fn
    return fn


@_program
def seed_name_scope_in_variable_scope(tf):
    with tf.variable_scope("foo"):
        with tf.name_scope("bar"):
            v = tf.get_variable("v", [1])
            x = 1.0 + v
    return v.name, x.op.name


@_program
def seed_variable_scope_opens_name_scope(tf):
    with tf.variable_scope("foo"):
        x = 1.0 + tf.get_variable("v", [1])
    return x.op.name


@_program
def seed_reenter_captured_scope(tf):
    with tf.variable_scope("foo") as foo_scope:
        a = foo_scope.name
    with tf.variable_scope("bar"):
        with tf.variable_scope("baz") as other_scope:
            b = other_scope.name
            with tf.variable_scope(foo_scope) as foo_scope2:
                x = 1.0 + tf.get_variable("v", [1])
                return a, b, foo_scope2.name, foo_scope2.original_name_scope, x.op.name


@_program
def seed_reuse_flags(tf):
    flags = []
    with tf.variable_scope("root"):
        flags.append(tf.get_variable_scope().reuse)
        with tf.variable_scope("foo"):
            flags.append(tf.get_variable_scope().reuse)
        with tf.variable_scope("foo", reuse=True):
            flags.append(tf.get_variable_scope().reuse)
            with tf.variable_scope("bar"):
                flags.append(tf.get_variable_scope().reuse)
            with tf.variable_scope("baz", reuse=False):
                flags.append(tf.get_variable_scope().reuse)
        flags.append(tf.get_variable_scope().reuse)
    return flags


@_program
def local_collection_is_trainable(tf):
    tf.get_variable("my_local", shape=(), collections=[tf.GraphKeys.LOCAL_VARIABLES])
    tf.get_variable("my_non_trainable", shape=(), trainable=False)
    return [[v.name for v in tf.get_collection(k)] for k in
            (tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.TRAINABLE_VARIABLES, tf.GraphKeys.LOCAL_VARIABLES)]


@_program
def variable_then_get_variable(tf):
    with tf.variable_scope("foo"):
        a = tf.Variable(1.0, name="v")
        b = tf.get_variable("v", [])
    return a.name, b.name


@_program
def get_variable_then_variable(tf):
    with tf.variable_scope("foo"):
        a = tf.get_variable("v", [])
        b = tf.Variable(1.0, name="v")
    return a.name, b.name


@_program
def default_names(tf):
    names = []
    for _ in range(2):
        with tf.variable_scope(None, default_name="default") as s:
            names.append((s.name, s.original_name_scope))
    with tf.variable_scope("default"):
        pass
    with tf.variable_scope(None, default_name="default") as s:
        names.append((s.name, s.original_name_scope))
    with tf.variable_scope("o"):
        with tf.variable_scope(None, default_name="default") as s:
            names.append((s.name, s.original_name_scope))
    return names


@_program
def regularizer_op_names(tf):
    with tf.variable_scope("r", regularizer=lambda v: tf.reduce_sum(v)):
        tf.get_variable("v", [3])
    return [l.op.name for l in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]


@_program
def custom_getter_chain(tf):
    def make(tag):
        def getter(next_getter, name, *args, **kwargs):
            return next_getter(name + "_" + tag, *args, **kwargs)
        return getter
    with tf.variable_scope("a", custom_getter=make("o")):
        with tf.variable_scope("b", custom_getter=make("i")):
            return tf.get_variable("v", [1]).name


@_program
def tensor_initializer_with_shape(tf):
    return tf.get_variable("x", [2], initializer=tf.constant([1.0, 2.0]))


@_program
def aux_name_scope_false(tf):
    with tf.variable_scope("outer", auxiliary_name_scope=False) as s:
        x = tf.constant(1.0, name="c")
        v = tf.get_variable("v", [1])
    return s.name, s.original_name_scope, x.op.name, v.name


@_program
def reenter_scope_twice_name_scopes(tf):
    with tf.variable_scope("m") as m:
        pass
    out = []
    for _ in range(2):
        with tf.variable_scope(m):
            out.append(tf.constant(1.0, name="c").op.name)
    with tf.variable_scope("m"):
        out.append(tf.constant(1.0, name="c").op.name)
    return out


def _outcome(fn):
    """The value of `fn()`, or its exception class (for programs that go on after one)."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        return ("error", type(e).__name__, _err_kind(e))


def _slot_name(tf, opt_cls, v):
    opt = opt_cls(0.1)
    opt.minimize(tf.reduce_sum(v), var_list=[v])
    return sorted(x.name for x in opt.variables())


def _shadow_name(tf, v, **kwargs):
    ema = tf.train.ExponentialMovingAverage(0.5, **kwargs)
    ema.apply([v])
    return ema.average(v).name


@_program
def slot_and_shadow_names_collide_after_reentering_the_scope(tf):
    """Fuzzer seeds 3181, 3317, 3831: slot names are uniquified variable scopes, whose counters
    re-entering the enclosing scope resets; the next slot then collides (ValueError)."""
    with tf.variable_scope("t"):
        a = tf.get_variable("a", [3], initializer=tf.zeros_initializer())
        b = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
    w = tf.Variable(np.zeros(3, np.float32), name="w")
    out = [_outcome(lambda: _shadow_name(tf, w)), _outcome(lambda: _shadow_name(tf, w)),
           _outcome(lambda: _slot_name(tf, tf.train.AdagradOptimizer, a)),
           _outcome(lambda: _slot_name(tf, tf.train.AdagradOptimizer, a)),
           _outcome(lambda: _shadow_name(tf, b))]
    with tf.variable_scope("t", reuse=tf.AUTO_REUSE):
        pass
    out += [_outcome(lambda: _slot_name(tf, tf.train.AdagradOptimizer, a)),
            _outcome(lambda: _shadow_name(tf, b))]
    return out


@_program
def slot_names_follow_variable_and_name_scopes(tf):
    """Slots live in the caller's variable scope (`outer/w/Adam`), non-slot variables in its
    name scope (`ns/beta1_power`); inside a reusing scope creating slots raises."""
    w = tf.Variable(np.zeros(3, np.float32), name="w")
    out = []
    with tf.variable_scope("outer"):
        out.append(_outcome(lambda: _slot_name(tf, tf.train.AdamOptimizer, w)))
        out.append(_outcome(lambda: _shadow_name(tf, w)))
    with tf.name_scope("ns"):
        out.append(_outcome(lambda: _slot_name(tf, tf.train.AdamOptimizer, w)))
        out.append(_outcome(lambda: _shadow_name(tf, w * 2.0)))
        out.append(_outcome(lambda: _shadow_name(tf, w * 3.0, zero_debias=True)))
    with tf.variable_scope("r", reuse=True):
        out.append(_outcome(lambda: _slot_name(tf, tf.train.AdamOptimizer, w)))
    out.append(sorted(v.name for v in tf.global_variables()))
    return out


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_hand_written_program_matches_tf(name):
    tf_out, j_out = _both(HAND_WRITTEN[name])
    if isinstance(tf_out, tuple) and tf_out and tf_out[0] == "error":
        assert j_out == tf_out
    else:
        assert not (isinstance(j_out, tuple) and j_out and j_out[0] == "error"), j_out
        assert j_out == tf_out
