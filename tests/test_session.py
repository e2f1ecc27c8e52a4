"""tf.Session: lifecycle and default sessions, fetch structures, feeds, make_callable,
compile-once, passing only touched variables, NumPy copies, independent sessions, threads,
and the `sess.state` State.

User-visible expectations are TF1's (checked against `tensorflow.compat.v1`); the compile and
state checks look at our runtime (`sess._plans`, `Plan.donated`/`readonly`, `sess.state`).
"""
import collections
import gc
import threading
import weakref

import jax
import numpy as np
import pytest

import tfvars_jax as tf
from _helpers import assert_exact
from tfvars_jax.framework.op_builder import op_output

errors = tf.errors
F32 = np.float32




def plans_of(sess):
    """Every compiled Plan of a session (including variants for other init statuses)."""
    out = []
    for plan, _, variants in sess._plans.values():
        out.append(plan)
        out.extend(p for p in variants.values() if p is not plan)
    return out


# ===== lifecycle and default session =========================================================
def test_session_context_manager_is_the_default_session_and_closes():
    c = tf.constant(3.0)
    assert tf.get_default_session() is None
    with tf.Session() as sess:
        assert tf.get_default_session() is sess
        assert c.eval() == 3.0
        assert sess.graph is tf.get_default_graph()
    assert tf.get_default_session() is None
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)


def test_close_then_run_raises_runtime_error():
    c = tf.constant(1)
    sess = tf.Session()
    assert sess.run(c) == 1
    sess.close()
    with pytest.raises(RuntimeError):
        sess.run(c)
    with pytest.raises(RuntimeError):
        c.eval(session=sess)
    sess.close()  # closing twice is fine


def test_session_on_a_graph_makes_it_the_default_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant([1, 2])
    outer = tf.get_default_graph()
    with tf.Session(graph=g) as sess:
        assert tf.get_default_graph() is g
        d = c * 2  # built in g
        assert d.graph is g
        assert_exact(sess.run(d), [2, 4], np.int32)
    assert tf.get_default_graph() is outer


def test_as_default_nests_sessions():
    c = tf.constant(1.0)
    s1, s2 = tf.Session(), tf.Session()
    with s1.as_default():
        assert tf.get_default_session() is s1
        with s2.as_default():
            assert tf.get_default_session() is s2
            assert c.eval() == 1.0
        assert tf.get_default_session() is s1
    assert tf.get_default_session() is None
    s1.close()
    s2.close()


def test_interactive_session_installs_itself():
    c = tf.constant([1.0, 2.0])
    v = tf.Variable(5.0)
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        assert_exact(c.eval(), [1.0, 2.0], F32)
        v.initializer.run()
        assert v.eval() == 5.0
        v.assign_add(1.0).op.run()
        assert v.eval() == 6.0
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_running_another_graphs_tensor_raises():
    tf.constant(0)
    other = tf.Graph()
    with other.as_default():
        c = tf.constant(1)
    with tf.Session() as sess:
        with pytest.raises(ValueError):
            sess.run(c)
    with pytest.raises(ValueError):
        with tf.Session() as sess:
            c.eval()


def test_unsupported_target_and_recorded_config():
    with pytest.raises(NotImplementedError):
        tf.Session("grpc://localhost:2222")
    config = tf.ConfigProto(allow_soft_placement=True, gpu_options=tf.GPUOptions(allow_growth=True))
    with tf.Session(config=config) as sess:
        assert sess.run(tf.constant(2)) == 2


# ===== fetches ==============================================================================
def test_fetch_kinds():
    v = tf.Variable([1.0, 2.0], name="v")
    c = tf.constant(3, name="c")
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        assert sess.run(init) is None
        assert sess.run("init") is None  # an op name
        assert_exact(sess.run(v), [1.0, 2.0], F32)  # a Variable fetches its value
        assert_exact(sess.run("v:0"), [1.0, 2.0], F32)
        assert sess.run("c:0") == 3
        assert sess.run(c.op) is None
        assert sess.run([]) == []
        assert sess.run({}) == {}
        with pytest.raises(TypeError):
            sess.run(None)
        with pytest.raises(TypeError):
            sess.run(3)
        with pytest.raises(ValueError):
            sess.run("nope:0")


def test_fetch_structures_keep_their_shape():
    Point = collections.namedtuple("Point", ["x", "y"])
    a = tf.constant(1)
    b = tf.constant([2.0])
    noop = tf.no_op()
    with tf.Session() as sess:
        out = sess.run({"a": a, "nested": [b, (a, noop)], "pt": Point(a, b), "same": [a, a]})
    assert list(out) == ["a", "nested", "pt", "same"]
    assert out["a"] == 1
    assert isinstance(out["nested"], list) and isinstance(out["nested"][1], tuple)
    assert_exact(out["nested"][0], [2.0], F32)
    assert out["nested"][1] == (1, None)
    assert isinstance(out["pt"], Point) and out["pt"].x == 1
    assert_exact(out["pt"].y, [2.0], F32)
    assert out["same"] == [1, 1]
    with tf.Session() as sess:
        ordered = sess.run(collections.OrderedDict([("z", a), ("a", b)]))
        tup = sess.run((a, b))
    assert isinstance(ordered, collections.OrderedDict) and list(ordered) == ["z", "a"]
    assert isinstance(tup, tuple) and tup[0] == 1


def test_fetch_defaultdict():
    a = tf.constant(1)
    fetch = collections.defaultdict(list)
    fetch["a"] = a
    with tf.Session() as sess:
        out = sess.run(fetch)
    assert isinstance(out, collections.defaultdict) and out["a"] == 1 and out["missing"] == []


def test_zero_d_fetches_are_numpy_scalars():
    with tf.Session() as sess:
        f, i, b = sess.run([tf.constant(1.5), tf.constant(2), tf.constant(True)])
        arr = sess.run(tf.constant([1.5]))
    assert type(f) is np.float32 and f == 1.5
    assert type(i) is np.int32 and i == 2
    assert type(b) is np.bool_ and b
    assert type(arr) is np.ndarray and arr.shape == (1,)


def test_fetched_arrays_are_numpy_copies():
    v = tf.Variable([1.0, 2.0, 3.0])
    c = tf.constant([4.0, 5.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        got = sess.run(v)
        assert isinstance(got, np.ndarray)
        got[0] = 100.0
        assert_exact(sess.run(v), [1.0, 2.0, 3.0], F32)
        upd = sess.run(v.assign_add([1.0, 1.0, 1.0]))
        upd[:] = 0.0
        assert_exact(sess.run(v), [2.0, 3.0, 4.0], F32)
        cv = sess.run(c)
        cv[1] = -1.0
        assert_exact(sess.run(c), [4.0, 5.0], F32)


# ===== feeds ================================================================================
def test_feed_placeholders_tensors_and_names():
    p = tf.placeholder(tf.float32, [2], name="p")
    y = p * 2.0
    z = y + 1.0
    with tf.Session() as sess:
        assert_exact(sess.run(z, {p: [1.0, 2.0]}), [3.0, 5.0], F32)
        assert_exact(sess.run(z, {"p:0": [3.0, 4.0]}), [7.0, 9.0], F32)
        assert_exact(sess.run(z, {y: [10.0, 20.0]}), [11.0, 21.0], F32)  # any tensor can be fed
        assert_exact(sess.run(z, feed_dict={p: np.array([0.5, 0.5], F32)}), [2.0, 2.0], F32)
        assert_exact(sess.run(p, {p: [1, 2]}), [1.0, 2.0], F32)  # ints convert to the placeholder's dtype
        assert_exact(sess.run(y, {p: [1.0, 1.0], y: [5.0, 5.0]}), [5.0, 5.0], F32)


def test_feed_with_unknown_dimensions():
    p = tf.placeholder(tf.float32, [None, 2], name="p")
    s = tf.reduce_sum(p, axis=1)
    with tf.Session() as sess:
        assert_exact(sess.run(s, {p: np.ones((3, 2))}), [2.0, 2.0, 2.0], F32)
        assert_exact(sess.run(s, {p: np.ones((5, 2))}), [2.0] * 5, F32)
        u = tf.placeholder(tf.int32, name="u")
        assert_exact(sess.run(u * 2, {u: [[1, 2]]}), [[2, 4]], np.int32)


def test_feed_shape_error_names_the_placeholder():
    p = tf.placeholder(tf.float32, [2], name="my_input")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="my_input"):
            sess.run(p + 1.0, {p: [1.0, 2.0, 3.0]})
        with pytest.raises(ValueError, match="my_input"):
            sess.run(p + 1.0, {p: [[1.0, 2.0]]})


def test_feed_dtype_error_names_the_placeholder():
    p = tf.placeholder(tf.float32, [], name="my_input")
    with tf.Session() as sess:
        with pytest.raises((TypeError, ValueError), match="my_input"):
            sess.run(p, {p: "not a number"})
        with pytest.raises(TypeError):
            sess.run(p, {p: tf.constant(1.0)})  # a Tensor is not a feed value


def test_missing_feed_raises_invalid_argument_naming_the_placeholder():
    p = tf.placeholder(tf.float32, [None, 3], name="needed")
    q = tf.placeholder(tf.float32, [], name="unused")
    y = p * 2.0
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="You must feed a value for placeholder tensor 'needed'"):
            sess.run(y)
        assert_exact(sess.run(y, {p: np.ones((1, 3))}), [[2.0, 2.0, 2.0]], F32)  # q need not be fed
        del q


def test_feed_key_errors():
    p = tf.placeholder(tf.float32, [])
    other = tf.Graph()
    with other.as_default():
        q = tf.placeholder(tf.float32, [])
    with tf.Session() as sess:
        with pytest.raises((KeyError, TypeError)):
            sess.run(p, {"nope:0": 1.0})
        with pytest.raises(ValueError):
            sess.run(p, {q: 1.0, p: 1.0})
        with pytest.raises(TypeError):
            sess.run(p, {3: 1.0})


def test_unknown_feed_name_raises_type_error():
    p = tf.placeholder(tf.float32, [])
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="Cannot interpret feed_dict key as Tensor"):
            sess.run(p, {"nope:0": 1.0})


def test_feeding_an_out_of_range_python_int_raises_type_error():
    q = tf.placeholder(tf.int32, [], name="q")
    with tf.Session() as sess:
        with pytest.raises(TypeError):
            sess.run(q + 1, {q: 2**40})


def test_feeding_a_variable_overrides_its_reads():
    v = tf.Variable(1.0, name="v")
    y = v + 1.0
    with tf.Session() as sess:
        assert sess.run(y, {v: 5.0}) == 6.0  # works before initialization too, as in TF1
        sess.run(v.initializer)
        assert sess.run(y, {v: 5.0}) == 6.0
        assert sess.run(y) == 2.0


# ===== make_callable ========================================================================
def test_make_callable():
    p = tf.placeholder(tf.float32, [], name="p")
    q = tf.placeholder(tf.float32, [], name="q")
    v = tf.Variable(0.0)
    step = v.assign_add(p)
    with tf.Session() as sess:
        sess.run(v.initializer)
        f = sess.make_callable([p * q, {"sum": p + q}], feed_list=[p, q])
        out = f(2.0, 3.0)
        assert out[0] == 6.0 and out[1] == {"sum": 5.0}
        g = sess.make_callable(step.op, feed_list=["p:0"])
        assert g(1.5) is None
        assert g(2.5) is None
        assert sess.run(v) == 4.0
        h = sess.make_callable(v)
        assert h() == 4.0
        with pytest.raises((TypeError, ValueError)):
            f(1.0)


# ===== compile once =========================================================================
def test_identical_runs_trace_once(monkeypatch):
    monkeypatch.setenv("TFVARS_JAX_STEP_CACHE", "0")  # a cached step would not trace at all
    v = tf.Variable(0)
    inc = v.assign_add(1)
    with tf.Session() as sess:
        sess.run(v.initializer)
        for _ in range(100):
            sess.run(inc)
        assert sess.run(v) == 100
        traced = [p.trace_count for p in plans_of(sess) if v.op.name in p.donated]
    assert traced == [1]


def test_kernel_is_traced_once_per_feed_shape():
    traces = []

    def double(x):
        traces.append(x.shape)
        return x * 2.0

    p = tf.placeholder(tf.float32, [None])
    y = op_output("Double", double, [p])
    assert y.shape.as_list() == [None]
    graph_time = len(traces)  # shape inference traces it at graph time
    with tf.Session() as sess:
        for i in range(100):
            assert_exact(sess.run(y, {p: [float(i), 1.0]}), [2.0 * i, 2.0], F32)
        assert len(traces) == graph_time + 1
        assert_exact(sess.run(y, {p: [1.0, 2.0, 3.0]}), [2.0, 4.0, 6.0], F32)  # a new shape: jit retraces
        assert len(traces) == graph_time + 2
        for _ in range(10):
            sess.run(y, {p: [0.0, 0.0]})
            sess.run(y, {p: [0.0, 0.0, 0.0]})
        assert len(traces) == graph_time + 2
        sess.make_callable(y, [p])([1.0])
        assert len(traces) == graph_time + 3


# ===== only touched variables reach the compiled function ====================================
def test_only_touched_variables_are_passed_and_only_written_ones_donated():
    vs = [tf.Variable(float(i), name=f"v{i}") for i in range(10000)]
    a, b = vs[17], vs[9000]
    update = b.assign_add(a + 1.0)
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([a, b]))
        assert sess.run(update) == 9018.0
        (plan,) = [p for p in plans_of(sess) if "v9000" in p.donated]
        assert plan.donated == ("v9000",)
        assert plan.readonly == ("v17",)
        # Wrap what gathers the compiled call's arguments and count the arrays a run hands it.
        passed = []
        get_args = plan._get_args

        def counting(values):
            args = get_args(values)
            passed.append(len(args))
            return args
        plan._get_args = counting
        assert sess.run(update) == 9036.0
        assert passed == [2] and plan.arg_names == ("v9000", "v17")  # donated first
        assert sess.run(a) == 17.0


# ===== independence, threads ================================================================
def test_two_sessions_on_one_graph_are_independent():
    v = tf.Variable(10)
    inc = v.assign_add(1)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(v.initializer)
    s1.run(inc)
    s1.run(inc)
    with pytest.raises(errors.FailedPreconditionError):
        s2.run(v)
    s2.run(v.initializer)
    assert s2.run(inc) == 11
    assert s1.run(v) == 12
    s1.close()
    assert s2.run(v) == 11
    s2.close()


def test_threads_do_not_lose_updates():
    v = tf.Variable(0)
    inc = v.assign_add(1)
    with tf.Session() as sess:
        sess.run(v.initializer)
        errors_seen = []

        def work():
            try:
                for _ in range(500):
                    sess.run(inc)
            except Exception as e:  # noqa: BLE001 - reported below
                errors_seen.append(e)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors_seen == []
        assert sess.run(v) == 4000


# ===== sess.state =============================================================================
def test_state_exposes_and_replaces_values():
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(3, name="w")
    with tf.Session() as sess:
        assert len(sess.state) == 0
        sess.run(tf.global_variables_initializer())
        state = sess.state
        assert isinstance(state, tf.State)
        assert sorted(state) == ["v", "w"]
        assert_exact(np.asarray(state["v"]), [1.0, 2.0], F32)
        assert int(state["w"]) == 3
        with pytest.raises(KeyError):
            state["nope"]
        sess.state = state.replace({"v": np.array([7.0, 8.0], F32)})
        assert_exact(sess.run(v), [7.0, 8.0], F32)
        assert sess.run(w) == 3
        sess.state = state.without(["w"])
        with pytest.raises(errors.FailedPreconditionError, match="w"):
            sess.run(w)
        assert_exact(sess.run(v), [1.0, 2.0], F32)
        sess.state = {"v": np.array([0.5, 0.5], F32), "w": np.int32(9)}  # a plain mapping works too
        assert sess.run(w) == 9


def test_bad_state_assignment_raises_and_keeps_the_state():
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(3, name="w")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        good = sess.state
        with pytest.raises(errors.InvalidArgumentError, match="v"):
            sess.state = good.replace({"v": np.array([1, 2], np.int32)})  # dtype
        with pytest.raises(errors.InvalidArgumentError, match="v"):
            sess.state = good.replace({"v": np.zeros(3, F32)})  # shape
        with pytest.raises(errors.NotFoundError, match="ghost"):
            sess.state = good.replace({"ghost": np.zeros(1, F32)})  # not a variable of the graph
        assert_exact(sess.run(v), [1.0, 2.0], F32)
        assert sess.run(w) == 3
        assert sorted(sess.state) == ["v", "w"]


def test_held_state_stays_valid_after_later_runs():
    v = tf.Variable(np.zeros(1000, F32), name="v")
    inc = v.assign_add(np.ones(1000, F32))
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(inc)
        held = sess.state
        for _ in range(5):
            sess.run(inc)
        assert_exact(np.asarray(held["v"]), np.ones(1000, F32))  # not deleted by buffer donation
        assert_exact(sess.run(v), np.full(1000, 6.0, F32))
        later = sess.state
        sess.run(inc)
        assert_exact(np.asarray(later["v"]), np.full(1000, 6.0, F32))
        assert_exact(np.asarray(held["v"]), np.ones(1000, F32))
        sess.state = held  # going back to a held state works and does not disturb it
        sess.run(inc)
        assert_exact(sess.run(v), np.full(1000, 2.0, F32))
        assert_exact(np.asarray(held["v"]), np.ones(1000, F32))


def test_state_is_a_pytree():
    import jax
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(3.0, name="w")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        state = sess.state
    leaves = jax.tree_util.tree_leaves(state)
    assert len(leaves) == 3  # v, w and the run counter
    doubled = jax.tree_util.tree_map(lambda x: x * 2, state)
    assert isinstance(doubled, tf.State)
    assert_exact(np.asarray(doubled["v"]), [2.0, 4.0], F32)
    del v, w


# ===== runs that fetch nothing: checks read later, nothing lost ================================
def _counted_step(limit):
    """A step that counts up to `limit` and then adds 1 to w (fetching `step` fetches nothing)."""
    v = tf.Variable(0, name="v")
    w = tf.Variable(0.0, name="w")
    with tf.control_dependencies([v.count_up_to(limit)]):
        step = w.assign_add(1.0).op
    return v, w, step


def test_a_check_failing_in_a_run_that_fetches_nothing_is_raised_by_the_next_run_touching_it():
    v, w, step = _counted_step(2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        sess.run(step)
        assert sess.run(step) is None  # the limit is hit: the run returns, its flag pending
        with pytest.raises(errors.OutOfRangeError, match="earlier run"):
            sess.run(w)
        assert sess.run([v, w]) == [2, 2.0]  # the failed run changed nothing
        with pytest.raises(errors.OutOfRangeError):  # fetching a value: raised by the run itself
            sess.run([step, w])
        assert sess.run([v, w]) == [2, 2.0]


def test_a_failed_run_restores_variables_it_wrote_without_reading_them():
    a = tf.Variable([1.0, 2.0], name="a")
    fresh = tf.Variable([0.0], name="fresh")
    b = tf.Variable([0.0, 0.0], name="b")
    bad = tf.group(a.assign([7.0, 8.0]), fresh.assign([5.0]),
                   tf.scatter_update(b, [5], [1.0]))  # index 5 is out of range: the run fails
    with tf.Session() as sess:
        sess.run([a.initializer, b.initializer])
        assert sess.run(bad) is None
        with pytest.raises(errors.InvalidArgumentError, match="earlier run"):
            sess.run(a)
        assert sess.run(a).tolist() == [1.0, 2.0]
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value fresh"):
            sess.run(fresh)  # it was uninitialized before the failed run, and is again


def test_a_pending_failure_is_raised_at_the_latest_by_state_or_close():
    v, w, step = _counted_step(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        sess.run(step)
        with pytest.raises(errors.OutOfRangeError):
            sess.state  # noqa: B018 - the export reads pending flags
        assert sess.state["w"] == 1.0
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess.run(step)
    sess.run(step)
    with pytest.raises(errors.OutOfRangeError, match="earlier run"):
        sess.close()
    with pytest.raises(ValueError, match="mine"):  # an exception leaving the block wins
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
            sess.run(step)
            raise ValueError("mine")


def test_a_run_not_touching_a_failed_runs_variables_may_run_first():
    v, w, step = _counted_step(1)
    other = tf.Variable(0.0, name="other")
    bump = other.assign_add(1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        sess.run(step)  # fails, pending
        raised = 0
        try:  # unrelated: raises only if the flags happen to be ready already
            sess.run(bump)
        except errors.OutOfRangeError:
            raised += 1
        try:
            sess.run(w)
        except errors.OutOfRangeError:
            raised += 1
        assert raised == 1  # exactly once
        assert sess.run([v, w]) == [1, 1.0]


# ===== sess.state donated by the user's jit ===================================================
def test_state_donated_to_a_users_jit_is_reported_and_can_be_set_back():
    v = tf.Variable(1.0, name="v")
    u = tf.Variable(5.0, name="u")
    inc = v.assign_add(1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        bump = jax.jit(lambda s: s.replace({"v": s["v"] + 10.0}), donate_argnums=0)
        new = bump(sess.state)  # deletes the exported buffers, the Session's too
        with pytest.raises(errors.FailedPreconditionError,
                           match=r"value of v was deleted outside this Session.*sess.state = "):
            sess.run(inc)
        with pytest.raises(errors.FailedPreconditionError, match="deleted outside"):
            sess.state  # noqa: B018
        sess.state = new
        assert sess.run(inc) == 12.0
        assert sess.run(u) == 5.0


# ===== Session.run keeps its analysis of flat fetch structures ================================
def test_run_caches_fetch_structures_by_type():
    Pair = collections.namedtuple("Pair", "a b")
    x = tf.constant(1.0)
    y = tf.constant(2.0)
    p = tf.placeholder(tf.float32, [])
    with tf.Session() as sess:
        for _ in range(2):
            assert sess.run((x, y)) == (1.0, 2.0) and type(sess.run((x, y))) is tuple
            assert type(sess.run(Pair(x, y))) is Pair
            assert sess.run([x, y]) == [1.0, 2.0]
            assert sess.run([[x], (y,)]) == [[1.0], (2.0,)]
            assert sess.run(p * 2.0, {p: 3.0}) == 6.0
            assert sess.run(p * 2.0, {p: 4.0}) == 8.0
            assert sess.run(p.name, {p.name: 5.0}) == 5.0


def test_a_session_left_open_is_freed_by_reference_counting_after_runs():
    v = tf.Variable(1.0)
    sess = tf.Session()
    sess.run(v.initializer)
    assert sess.run(v) == 1.0 and sess.run([v]) == [1.0]  # Session.run keeps these analyses
    ref = weakref.ref(sess)
    gc.disable()  # so no collector pass frees a cycle meanwhile: no cycle may hold its values
    try:
        del sess
        assert ref() is None
    finally:
        gc.enable()


def test_checks_on_the_hot_path_raise_in_the_run_and_change_nothing():
    v, w, step = _counted_step(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fetching = sess.make_callable([step, w])
        silent = sess.make_callable(step)
        # w fetched unordered with its write: its value at the start of the run
        assert fetching() == [None, 0.0] and fetching() == [None, 1.0]  # the second: hot
        silent()  # the 3rd count
        silent()  # hot: the 4th fails; the run returns, its flags pending
        with pytest.raises(errors.OutOfRangeError, match="earlier run"):
            silent()  # reads the pending flags first, and does not run
        with pytest.raises(errors.OutOfRangeError):
            fetching()  # hot, fetching a value: raised by the run itself
        assert sess.run([v, w]) == [3, 3.0]
