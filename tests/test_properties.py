"""Property tests over randomly built small graphs (issue 8); they need no TensorFlow.

1. A value fetched inside any fetch structure is the value fetched alone.
2. Feeding a tensor (or a variable) its own value changes nothing a run returns or writes.
3. A run that raises leaves every variable as it was.

Each example builds its own `tf.Graph` of a few float32/float64/int32 variables of small
broadcast-compatible shapes, stateless math between them, `read_value()` reads, optionally
writes (`assign`/`assign_add` and reads under `control_dependencies` on them), `tf.gradients`
of a scalar loss with respect to variables and tensors, and `compute_gradients` pairs. Every run
starts from the same State (`sess.state = start`), so runs that write can be compared too.

Values are compared exactly (dtype, shape and every bit, NaN equal to NaN): the same math
compiles to the same code whatever else a run computes, so no tolerance is allowed.
Examples are derandomized so CI is reproducible; each distinct run compiles once (~50 ms), so
the example counts keep the whole file well under a minute.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import tfvars_jax as tf

# No shrinking: each step recompiles, so shrinking a failure takes minutes; the failure
# message lists how the graph was built instead.
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])

DTYPES = {"float32": (tf.float32, np.float32), "float64": (tf.float64, np.float64), "int32": (tf.int32, np.int32)}
SHAPES = [(), (3,), (2, 3)]  # any two broadcast together
FLOAT_UNARY = {"tanh": tf.tanh, "sin": tf.sin, "negative": tf.negative, "abs": tf.abs, "sigmoid": tf.sigmoid,
               "square": tf.square, "identity": tf.identity, "stop_gradient": tf.stop_gradient}
INT_UNARY = {"negative": tf.negative, "abs": tf.abs, "square": tf.square, "identity": tf.identity}
BINARY = {"add": tf.add, "subtract": tf.subtract, "multiply": tf.multiply, "maximum": tf.maximum,
          "minimum": tf.minimum}


# ----- the random graph ------------------------------------------------------------------------
class Node:
    """One fetchable thing of the random graph and what we know about it.

    anc: ids of the nodes it is computed from, itself included (its closure).
    writes: whether computing it writes a variable.
    grad: for a gradient, (loss node, the x nodes of its tf.gradients call).
    """

    def __init__(self, model, fetch, kind, inputs=(), writes=False, grad=None):
        self.id = len(model.nodes)
        self.fetch, self.kind, self.grad = fetch, kind, grad
        self.anc = frozenset({self.id}).union(*(i.anc for i in inputs))
        self.writes = writes or any(i.writes for i in inputs)
        model.nodes.append(self)

    @property
    def is_op(self):
        return self.kind == "op"

    @property
    def dtype(self):
        return self.fetch.dtype.base_dtype

    @property
    def is_float(self):
        return not self.is_op and self.dtype.is_floating

    def __repr__(self):
        return f"<{self.kind} {self.fetch.name}{' writes' if self.writes else ''}>"


class Model:
    def __init__(self):
        self.nodes = []
        self.variables = []
        self.pairs = []  # compute_gradients (grad node, var node) pairs
        self.log = []    # how the graph was built, for failure messages

    def tensors(self):
        return [n for n in self.nodes if not n.is_op]

    def on_gradient_path(self, t, grad_node):
        """Whether feeding `t` could touch the path `grad_node` differentiates (conservative:
        `t` feeds the loss and is computed from one of the xs, or is a variable x)."""
        loss, xs = grad_node.grad
        if t.id not in loss.anc:
            return False
        return any(x.id in t.anc and (x.kind == "var" or x is not t) for x in xs)


def _values(draw, np_dtype, shape):
    size = int(np.prod(shape, dtype=int))
    if np.dtype(np_dtype).kind == "i":
        flat = draw(st.lists(st.integers(-5, 5), min_size=size, max_size=size))
    else:  # exact small binary fractions
        flat = [q / 4 for q in draw(st.lists(st.integers(-8, 8), min_size=size, max_size=size))]
    return np.asarray(flat, np_dtype).reshape(shape)


def build_graph(data, allow_writes):
    """Builds a random graph in the default graph; returns its Model."""
    draw = data.draw
    m = Model()
    for k in range(draw(st.integers(1, 4), label="variables")):
        dt = draw(st.sampled_from(sorted(DTYPES)), label="dtype")
        shape = draw(st.sampled_from(SHAPES), label="shape")
        var = tf.Variable(_values(draw, DTYPES[dt][1], shape), name=f"v{k}")
        m.variables.append(Node(m, var, "var"))
        m.log.append(f"v{k} = Variable({dt}{list(shape)})")
    ops = ["read", "unary", "binary", "cast", "reduce", "const"] + (["write"] * 2 if allow_writes else [])
    for _ in range(draw(st.integers(2, 8), label="ops")):
        what = draw(st.sampled_from(ops), label="op")
        tensors = m.tensors()
        if what == "read":
            v = draw(st.sampled_from(m.variables))
            m.log.append(f"{Node(m, v.fetch.read_value(), 'read', [v])} = {v.fetch.name}.read_value()")
        elif what == "unary":
            x = draw(st.sampled_from(tensors))
            table = FLOAT_UNARY if x.is_float else INT_UNARY
            name = draw(st.sampled_from(sorted(table)))
            m.log.append(f"{Node(m, table[name](x.fetch), 'math', [x])} = {name}({x})")
        elif what == "binary":
            x = draw(st.sampled_from(tensors))
            same = [n for n in tensors if n.dtype == x.dtype]
            y = draw(st.sampled_from(same))
            name = draw(st.sampled_from(sorted(BINARY)))
            m.log.append(f"{Node(m, BINARY[name](x.fetch, y.fetch), 'math', [x, y])} = {name}({x}, {y})")
        elif what == "const":
            x = draw(st.sampled_from(tensors))
            c = _values(draw, x.dtype.as_numpy_dtype, draw(st.sampled_from(SHAPES)))
            m.log.append(f"{Node(m, x.fetch * tf.constant(c), 'math', [x])} = {x} * {c!r}")
        elif what == "cast":
            x = draw(st.sampled_from(tensors))
            dt = draw(st.sampled_from(sorted(DTYPES)))
            m.log.append(f"{Node(m, tf.cast(x.fetch, DTYPES[dt][0]), 'math', [x])} = cast({x}, {dt})")
        elif what == "reduce":
            x = draw(st.sampled_from(tensors))
            name = draw(st.sampled_from(["reduce_sum", "reduce_max", "reduce_min"]))
            m.log.append(f"{Node(m, getattr(tf, name)(x.fetch), 'math', [x])} = {name}({x})")
        else:  # a write, and a read that follows it
            v = draw(st.sampled_from(m.variables))
            c = _values(draw, v.dtype.as_numpy_dtype, v.fetch.shape.as_tuple())
            how = draw(st.sampled_from(["assign_add", "assign", "scatter_update", "scatter_add"]))
            if how.startswith("scatter") and c.ndim:
                idx = np.int32(draw(st.lists(st.integers(0, c.shape[0] - 1), min_size=1, max_size=2)))
                c = c[idx]
                w = Node(m, getattr(tf, how)(v.fetch, idx, c), "write", [v], writes=True)
            else:
                how = "assign" if how == "scatter_update" else "assign_add" if how == "scatter_add" else how
                w = Node(m, getattr(v.fetch, how)(c), "write", [v], writes=True)
            with tf.control_dependencies([w.fetch]):
                r = Node(m, v.fetch.read_value(), "read", [w])
            m.log.append(f"{w} = {v}.{how}({c!r}); {r} = read_value() after it")
    for _ in range(draw(st.integers(1, 2), label="losses")):
        add_gradients(data, m)
    # Operations that write nothing.
    m.log.append(f"{Node(m, tf.no_op(name='nothing'), 'op')} = no_op()")
    quiet = [n for n in m.tensors() if not n.writes]
    members = draw(st.lists(st.sampled_from(quiet), min_size=1, max_size=3), label="group")
    m.log.append(f"{Node(m, tf.group(*[n.fetch for n in members], name='quiet_group'), 'op', members)}"
                 f" = group{members}")
    return m


def add_gradients(data, m):
    """A scalar float loss, tf.gradients of it w.r.t. some variables and tensors, and
    compute_gradients pairs."""
    draw = data.draw
    floats = [n for n in m.tensors() if n.is_float and n.kind != "grad"]
    connected = [n for n in floats if any(m.nodes[a].kind == "var" and m.nodes[a].is_float for a in n.anc)]
    if not connected:  # make one: a float variable, or a cast of any variable
        v = draw(st.sampled_from(m.variables))
        connected = [Node(m, tf.cast(v.fetch, tf.float32), "math", [v])]
        m.log.append(f"{connected[0]} = cast({v}, float32)")
    base = draw(st.sampled_from(connected), label="loss")
    loss = Node(m, tf.reduce_sum(tf.square(base.fetch)), "math", [base])
    m.log.append(f"{loss} = reduce_sum(square({base}))")
    candidates = [n for n in floats if n.kind == "var" or n.id in loss.anc] + [loss]
    xs = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique_by=lambda n: n.id),
              label="xs")
    grads = tf.gradients(loss.fetch, [x.fetch for x in xs])
    for x, g in zip(xs, grads):
        if g is not None:
            m.log.append(f"{Node(m, g, 'grad', [loss, x], grad=(loss, xs))} = d{loss}/d{x}")
    float_vars = [v for v in m.variables if v.is_float]
    if float_vars and draw(st.booleans(), label="optimizer"):
        opt = draw(st.sampled_from([tf.train.GradientDescentOptimizer(0.1), tf.train.AdamOptimizer(0.1),
                                    tf.train.MomentumOptimizer(0.1, 0.9)]), label="optimizer kind")
        for g, var in opt.compute_gradients(loss.fetch, var_list=[v.fetch for v in float_vars]):
            if g is not None:
                v = next(n for n in float_vars if n.fetch is var)
                gn = Node(m, g, "grad", [loss, v], grad=(loss, float_vars))
                m.pairs.append((gn, v))
                m.log.append(f"({gn}, {v}) = compute_gradients pair")


# ----- fetch structures --------------------------------------------------------------------------
class Leaf:
    """A position in a fetch structure: which node sits there, and how it is named."""

    def __init__(self, node, by_name=False):
        self.node, self.by_name = node, by_name

    def fetch(self):
        f = self.node.fetch
        return f.name if self.by_name else f

    def __repr__(self):
        return f"{'name:' if self.by_name else ''}{self.node}"


def draw_leaf(data, nodes):
    node = data.draw(st.sampled_from(nodes), label="leaf")
    return Leaf(node, by_name=data.draw(st.integers(0, 4), label="by name") == 0)


def draw_structure(data, items, depth=0):
    """A random nesting (lists, tuples, dicts) of `items` (Leafs or tuples of Leafs), in order."""
    if len(items) == 1 and (depth > 0 or data.draw(st.booleans(), label="bare")):
        return items[0]
    kind = data.draw(st.sampled_from(["list", "tuple", "dict"]), label="container")
    groups, rest = [], list(items)
    while rest:
        k = data.draw(st.integers(1, len(rest)), label="group size") if depth < 2 else 1
        groups.append(draw_structure(data, rest[:k], depth + 1) if k > 1 else rest[0])
        rest = rest[k:]
    if kind == "list":
        return groups
    if kind == "tuple":
        return tuple(groups)
    return {f"k{i}": g for i, g in enumerate(groups)}


def to_fetches(template):
    if isinstance(template, Leaf):
        return template.fetch()
    if isinstance(template, dict):
        return {k: to_fetches(v) for k, v in template.items()}
    return type(template)(to_fetches(v) for v in template)


def leaves_with_values(template, result):
    """(Leaf, value) for every position of a fetch structure, checking the result's shape."""
    if isinstance(template, Leaf):
        yield template, result
    elif isinstance(template, dict):
        assert isinstance(result, dict) and list(result) == list(template), (template, result)
        for k in template:
            yield from leaves_with_values(template[k], result[k])
    else:
        assert type(result) is type(template) and len(result) == len(template), (template, result)
        for t, r in zip(template, result):
            yield from leaves_with_values(t, r)


def assert_same(got, expected, what):
    """Same dtype, shape and values, bit for bit (NaN equal to NaN)."""
    if expected is None:
        assert got is None, what
        return
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype}, expected {expected.dtype}"
    assert got.shape == expected.shape, f"{what}: shape {got.shape}, expected {expected.shape}"
    np.testing.assert_array_equal(got, expected, err_msg=what)


def run_from(sess, start, fetches, feed_dict=None):
    """Runs from the State `start`; returns (fetched values, every variable's value after)."""
    sess.state = start
    out = sess.run(fetches, feed_dict)
    return out, {n: np.asarray(v) for n, v in sess.state.items()}


# ===== 1. a value fetched inside any structure is the value fetched alone ============================
@settings(max_examples=40, **SETTINGS)
@given(st.data())
def test_a_value_fetched_inside_any_fetch_structure_is_the_value_fetched_alone(data):
    with tf.Graph().as_default():
        m = build_graph(data, allow_writes=data.draw(st.booleans(), label="writes"))
        target = data.draw(st.sampled_from(m.tensors()), label="target")
        quiet = [n for n in m.nodes if not n.writes]  # S writes nothing: T's value cannot depend on it
        # Favour what the target is computed from or differentiated with respect to.
        related = [n for n in quiet if n.id in target.anc or (target.grad and n in target.grad[1])]
        pool = quiet + related * 3
        items = [draw_leaf(data, pool) for _ in range(data.draw(st.integers(0, 5), label="others"))]
        pairs = [p for p in m.pairs if not p[0].writes]
        if pairs and data.draw(st.booleans(), label="with pairs"):
            items += [tuple(Leaf(n) for n in p) for p in pairs]  # the whole compute_gradients list
        t_leaf = Leaf(target, by_name=data.draw(st.integers(0, 4), label="target by name") == 0)
        for _ in range(data.draw(st.integers(1, 2), label="target copies")):
            items.insert(data.draw(st.integers(0, len(items)), label="target position"), t_leaf)
        template = draw_structure(data, items)
        fetches = to_fetches(template)
        context = "\n".join(m.log) + f"\nfetches: {template!r}"

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            start = sess.state
            alone = {}

            def value_alone(node):
                if node.id not in alone:
                    alone[node.id] = run_from(sess, start, node.fetch)[0]
                return alone[node.id]

            result, _ = run_from(sess, start, fetches)
            for leaf, value in leaves_with_values(template, result):
                # With a target that writes, only the target is compared: the other fetches may
                # legitimately see its writes.
                if leaf.node is target or not target.writes:
                    assert_same(value, value_alone(leaf.node), f"{leaf}, in the graph\n{context}")


# ===== 2. feeding a tensor its own value changes nothing ==============================================
@settings(max_examples=30, **SETTINGS)
@given(st.data())
def test_feeding_a_tensor_or_a_variable_its_own_value_changes_nothing(data):
    with tf.Graph().as_default():
        m = build_graph(data, allow_writes=data.draw(st.booleans(), label="writes"))
        feed_variable = data.draw(st.booleans(), label="feed a variable")
        # Feeding a variable replaces its reads, also those after a write: then fetch no writes.
        pool = [n for n in m.nodes if not (feed_variable and n.writes)]
        items = [draw_leaf(data, pool) for _ in range(data.draw(st.integers(1, 5), label="fetches"))]
        closure = frozenset().union(*(leaf.node.anc for leaf in items))
        grads = [m.nodes[i] for i in closure if m.nodes[i].kind == "grad"]
        # Not a tensor that computing it writes (its writes would be skipped), nor one on a path
        # a fetched tf.gradients differentiates (NotImplementedError by design).
        candidates = [n for n in m.tensors() if not n.writes and (n.kind == "var") == feed_variable
                      and not any(m.on_gradient_path(n, g) for g in grads)]
        assume(candidates)
        fed = data.draw(st.sampled_from(candidates), label="fed")
        key = fed.fetch.name if data.draw(st.integers(0, 4), label="feed by name") == 0 else fed.fetch
        template = draw_structure(data, items)
        fetches = to_fetches(template)
        context = "\n".join(m.log) + f"\nfetches: {template!r}\nfed: {fed}"

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            start = sess.state
            # Its value in this very run (the same as alone when the run writes nothing).
            own = run_from(sess, start, [fetches, fed.fetch])[0][1]
            if not any(leaf.node.writes for leaf in items):
                assert_same(own, run_from(sess, start, fed.fetch)[0], f"{fed} alone, in {context}")
            expected, expected_vars = run_from(sess, start, fetches)
            got, got_vars = run_from(sess, start, fetches, {key: own})
            for (leaf, g), (_, e) in zip(leaves_with_values(template, got), leaves_with_values(template, expected)):
                assert_same(g, e, f"{leaf} with {fed} fed, in the graph\n{context}")
            assert sorted(got_vars) == sorted(expected_vars)
            for name in expected_vars:
                assert_same(got_vars[name], expected_vars[name], f"variable {name} after the run, in {context}")


# ===== 3. a run that raises leaves every variable as it was ===========================================
FAILURES = {
    "scatter_update out of range": tf.errors.InvalidArgumentError,
    "scatter_add out of range": tf.errors.InvalidArgumentError,
    "count_up_to past its limit": tf.errors.OutOfRangeError,
    "uninitialized read": tf.errors.FailedPreconditionError,
    "feed of a wrong shape": ValueError,
    "feed of a wrong dtype": TypeError,
}


@settings(max_examples=80, **SETTINGS)
@given(st.data())
def test_a_run_that_raises_leaves_every_variable_as_it_was(data):
    draw = data.draw
    failure = draw(st.sampled_from(sorted(FAILURES)), label="failure")
    with tf.Graph().as_default():
        variables = []
        for k in range(draw(st.integers(1, 3), label="variables")):
            dt = draw(st.sampled_from(sorted(DTYPES)), label="dtype")
            variables.append(tf.Variable(_values(draw, DTYPES[dt][1], (3,)), name=f"v{k}"))
        limit = draw(st.integers(0, 3), label="limit")
        counter = tf.Variable(np.int32(limit), name="counter")  # count_up_to(counter, limit) fails
        text = tf.Variable(b"before", name="text")  # host-side (string) state too
        never = tf.Variable(np.float32([1, 2, 3]), name="never_initialized")
        x = tf.placeholder(tf.float32, [3], name="x")
        everything = variables + [counter, text]

        def a_write():
            """A random write that succeeds on its own."""
            v = draw(st.sampled_from(everything), label="written")
            if v is text:
                return v.assign(b"after")
            if v is counter:
                return v.assign_add(np.int32(draw(st.integers(0, 2))))  # still at or past the limit
            dt = v.dtype.base_dtype
            how = draw(st.sampled_from(["assign", "assign_add", "scatter_update", "scatter_add", "from x"]))
            c = _values(draw, dt.as_numpy_dtype, (3,))
            if how == "from x":
                return v.assign_add(tf.cast(x, dt))
            if how.startswith("scatter"):
                idx = draw(st.lists(st.integers(0, 2), min_size=1, max_size=3), label="indices")
                return getattr(tf, how)(v, np.int32(idx), c[:len(idx)])
            return getattr(v, how)(c)

        def the_failure():
            if failure.startswith("scatter"):
                v = draw(st.sampled_from(variables), label="scattered")
                c = _values(draw, v.dtype.base_dtype.as_numpy_dtype, (2,))
                bad = draw(st.sampled_from([3, 7, -1]), label="bad index")
                fn = tf.scatter_update if failure.startswith("scatter_update") else tf.scatter_add
                return fn(v, np.int32([draw(st.integers(0, 2)), bad]), c)
            if failure.startswith("count_up_to"):
                return tf.count_up_to(counter, limit)
            if failure.startswith("uninitialized"):
                return draw(st.sampled_from([lambda: never.read_value() * 2.0, lambda: never.assign_add([1., 1., 1.]),
                                             lambda: tf.reduce_sum(never)]))()
            return tf.reduce_sum(x)  # the bad feed is what fails

        before_writes = [a_write() for _ in range(draw(st.integers(0, 3), label="writes before"))]
        failing = the_failure()
        after_writes = [a_write() for _ in range(draw(st.integers(0, 3), label="writes after"))]
        how = draw(st.sampled_from(["group", "control_dependencies", "fetch list"]), label="combined by")
        if how == "group":
            fetches = tf.group(*before_writes, failing, *after_writes)
        elif how == "control_dependencies":  # each op after the previous one
            deps = []
            for w in before_writes + [failing]:
                with tf.control_dependencies(deps):
                    deps = [tf.identity(w)]
            with tf.control_dependencies(deps):
                fetches = [tf.identity(w) for w in after_writes] or tf.no_op()
        else:
            fetches = before_writes + [failing] + after_writes
        feed = {x: np.float32([0.5, 1, 2])}
        if failure == "feed of a wrong shape":
            feed = {x: np.float32([[0.5, 1, 2]])}
        elif failure == "feed of a wrong dtype":
            feed = {x: draw(st.sampled_from([np.array(["a", "b", "c"]), [b"a", b"b", b"c"]]), label="bad value")}
        context = f"{failure}, combined by {how}: {fetches}"

        with tf.Session() as sess:
            sess.run(tf.variables_initializer(everything))
            before = sess.run({v.op.name: v for v in everything})
            for _ in range(2):  # twice: the first failure must leave the state usable
                with pytest.raises(FAILURES[failure]):
                    sess.run(fetches, feed)
                    if isinstance(fetches, tf.Operation):  # fetches nothing: it may return
                        sess.run(everything)  # before its checks are read; this run raises
                after = sess.run({v.op.name: v for v in everything})
                assert sorted(after) == sorted(before)
                for name in before:
                    assert_same(after[name], before[name], f"variable {name} after a failed run ({context})")
                assert sess.run(tf.report_uninitialized_variables()).tolist() == [b"never_initialized"]
