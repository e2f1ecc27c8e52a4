"""Differential tests: resource variables (use_resource=True) in graph mode against TF 2.21's
compat.v1 (names, op types, dtypes, shapes, values, collections, slots, checkpoint keys).

Where TF 2.x differs from TF 1.15 we follow 1.15 and say so: `isinstance(v, tf.Variable)` is
True for a resource variable (TF 2.x's compat.v1 `tf.Variable` class is VariableV1, which
ResourceVariable no longer subclasses), and `v.gather_nd` is a ResourceGatherNd op.
"""
import collections
import os

import numpy as np
import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF 2.16+: tf.compat.v1.layers needs tf-keras
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = pytest.mark.tensorflow

_Slices = collections.namedtuple("_Slices", "values indices")


def _slices(tf, values, indices):
    if tf is tf1:
        return tf1.IndexedSlices(tf.constant(values), tf.constant(indices))
    return _Slices(tf.constant(values), tf.constant(indices))


def both(fn):
    """fn(tf) in a fresh graph of each library; returns (tf's result, ours)."""
    out = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            out.append(fn(tf))
    return out


def _layout(graph):
    """Each op's name, type, device, inputs and control inputs. (An initializer's own ops are
    compared by name only: ours are one op per initializer, e.g. `Constant`, where TF1 builds
    `Const` or a random_uniform expression, for ref and resource variables alike.)"""
    return [(o.name, None if "/Initializer/" in o.name else o.type, o.device,
             [i.name for i in o.inputs], sorted(c.name for c in o.control_inputs))
            for o in graph.get_operations()]


def _is_resource(v):
    return v.op.type == "VarHandleOp" and not v.dtype.name.endswith("_ref")


def _values_equal(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
        np.testing.assert_array_equal(x, y)


def test_op_layout_of_a_resource_variable():
    def build(tf):
        with tf.device("/cpu:0"):
            v = tf.Variable([1.0, 2.0, 3.0], name="v", use_resource=True)
        with tf.variable_scope("s"):
            w = tf.get_variable("w", [2, 2], initializer=tf.constant_initializer(0.5),
                                use_resource=True)
        u = tf.Variable(lambda: tf.zeros([2], tf.int32), name="u", use_resource=True)
        facts = [(x.name, x.dtype.name, x.shape.as_list(), x.op.name, x.op.type,
                  x.handle.name, x.handle.dtype.name, x.handle.shape.as_list(),
                  x.initializer.name, x.initializer.type, x.device,
                  x._as_graph_element().name, x.initial_value.name) for x in (v, w, u)]
        return facts, _layout(tf.get_default_graph())

    theirs, ours = both(build)
    assert ours == theirs


def test_reads_and_writes_return_what_tf1_returns():
    def build(tf):
        v = tf.Variable([1.0, 2.0, 3.0], name="v", use_resource=True)
        c = tf.Variable(0, name="c", use_resource=True)
        results = {
            "value": v.value(), "read_value": v.read_value(), "mul": v * 2.0,
            "sparse_read": v.sparse_read([0, 2]),
            "assign": v.assign([3.0, 4.0, 5.0]),
            "assign_add": v.assign_add([1.0, 1.0, 1.0]),
            "assign_sub": v.assign_sub([0.5, 0.5, 0.5]),
            "scatter_add": v.scatter_add(_slices(tf, [1.0, 1.0], [0, 1])),
            "scatter_update": v.scatter_update(_slices(tf, [7.0], [2])),
            "scatter_sub": v.scatter_sub(_slices(tf, [1.0], [1])),
            "scatter_max": v.scatter_max(_slices(tf, [9.0], [0])),
            "scatter_nd_update": v.scatter_nd_update([[0]], [5.0]),
            "scatter_nd_add": v.scatter_nd_add([[1]], [5.0]),
            "slice_assign": v[1:2].assign([8.0]),
            "tf.assign": tf.assign(v, [1.0, 1.0, 1.0]),
            "tf.assign_add": tf.assign_add(c, 2),
            "tf.scatter_update": tf.scatter_update(v, [0], [6.0]),
            "count_up_to": c.count_up_to(5),
            "is_initialized": c.is_initialized(),
            "chained": v.assign([2.0, 2.0, 2.0]).assign_add([1.0, 1.0, 1.0]),
        }
        no_read = [v.assign([0.0, 0.0, 0.0], read_value=False),
                   v.assign_add([1.0, 1.0, 1.0], read_value=False),
                   v.assign_sub([1.0, 1.0, 1.0], read_value=False)]
        facts = {}
        # sparse_read: TF1 makes one ResourceGather of the handle, we a ReadVariableOp and a
        # GatherV2 (so that gradients are IndexedSlices); same name, dtype, shape and values.
        gather = results.pop("sparse_read")
        facts["sparse_read"] = (gather.name, gather.dtype.name, gather.shape.as_list(),
                                gather.op.inputs[1].name)
        for key, r in results.items():
            is_var = isinstance(r, (tf1.Variable if tf is tf1 else tfj.Variable)) or \
                type(r).__name__ == "_UnreadVariable"
            facts[key] = (type(r).__name__ if is_var else "Tensor", r.name, r.op.name, r.op.type,
                          r.dtype.name, r.shape.as_list(),
                          [i.name for i in r.op.inputs] if not is_var else None)
        facts["no_read"] = [(o.name, o.type, [i.name for i in o.inputs]) for o in no_read]
        values = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for key in results:
                if key not in ("value", "read_value", "mul", "sparse_read"):
                    values.append(sess.run(results[key]))
            values.append(sess.run([v, c]))
        return facts, values

    (theirs, their_values), (ours, our_values) = both(build)
    assert ours == theirs
    _values_equal(our_values[:-1], their_values[:-1])
    _values_equal(our_values[-1], their_values[-1])


def test_reads_under_control_dependencies_see_the_write():
    def build(tf):
        v = tf.Variable([1.0, 2.0], name="v", use_resource=True)
        snapshot = v.read_value()
        with tf.control_dependencies([v.assign_add([10.0, 10.0])]):
            after = [v.read_value(), v + 1.0, v.value(), tf.identity(v), v.sparse_read([1])]
        with tf.control_dependencies([after[0]]):
            again = v.assign_add([1.0, 1.0])
        with tf.Session() as sess:
            sess.run(v.initializer)
            return [sess.run(snapshot)] + sess.run(after) + [sess.run(again), sess.run(v)]

    theirs, ours = both(build)
    _values_equal(ours, theirs)


def test_seed_cond_on_a_resource_variable():
    def build(tf):
        v = tf.Variable(True, use_resource=True)
        out = tf.cond(v, lambda: v.assign(False), lambda: tf.constant(True))
        with tf.Session() as sess:
            sess.run(v.initializer)
            return [sess.run(out) for _ in range(3)] + [sess.run(v)]

    theirs, ours = both(build)
    _values_equal(ours, theirs)


def test_which_calls_make_resource_variables():
    def build(tf):
        kinds = {}
        kinds["default"] = tf.Variable(1.0)
        kinds["use_resource"] = tf.Variable(1.0, use_resource=True)
        kinds["gv_use_resource"] = tf.get_variable("a", [1], use_resource=True)
        with tf.variable_scope("s", use_resource=True):
            kinds["scope"] = tf.get_variable("b", [1])
            kinds["scope_tf_variable"] = tf.Variable(1.0)
            kinds["scope_explicit_ref"] = tf.get_variable("c", [1], use_resource=False)
            with tf.variable_scope("inner"):
                kinds["inherited"] = tf.get_variable("d", [1])
        with tf.variable_scope("t") as sc:
            sc.set_use_resource(True)
            kinds["set_use_resource"] = tf.get_variable("e", [1])
        kinds["after_scope"] = tf.get_variable("f", [1])
        before = tf.resource_variables_enabled()
        tf.enable_resource_variables()
        try:
            enabled = tf.resource_variables_enabled()
            kinds["enabled"] = tf.Variable(1.0)
            kinds["enabled_gv"] = tf.get_variable("g", [1])
            kinds["enabled_but_false"] = tf.Variable(1.0, use_resource=False)
        finally:
            tf.disable_resource_variables()
        kinds["disabled"] = tf.Variable(1.0)
        facts = {k: (v.name, _is_resource(v), v.dtype.name) for k, v in kinds.items()}
        facts["toggle"] = (before, enabled, tf.resource_variables_enabled())
        facts["collections"] = [[v.name for v in tf.get_collection(k)] for k in
                                (tf.GraphKeys.GLOBAL_VARIABLES,
                                 tf.GraphKeys.TRAINABLE_VARIABLES)]
        return facts

    theirs, ours = both(build)
    assert ours == theirs


def test_isinstance_and_contrib_eager_variable():
    # TF 1.15: ResourceVariable subclasses VariableV1, so isinstance(v, tf.Variable) holds.
    with tfj.Graph().as_default():
        v = tfj.contrib.eager.Variable([1.0], name="e")
        r = tfj.Variable(1.0, use_resource=True)
        a = v.assign([2.0])
        assert isinstance(v, tfj.Variable) and isinstance(r, tfj.contrib.eager.Variable)
        assert isinstance(a, tfj.Variable) and a not in tfj.global_variables()
        assert tfj.global_variables() == [v, r]
        assert (v.name, v.op.type, v.dtype) == ("e:0", "VarHandleOp", tfj.float32)
        assert repr(v) == "<tf.Variable 'e:0' shape=(1,) dtype=float32>"
        with pytest.raises(NotImplementedError, match="resource handle 'e:0'"):
            tfj.Session().run(v.handle)


def _train(tf, opt_name, use_resource):
    with tf.variable_scope("m", use_resource=use_resource):
        w = tf.get_variable("w", initializer=tf.constant([[1.0, -2.0], [0.5, 3.0]]))
        b = tf.get_variable("b", initializer=tf.constant([0.1, -0.1]))
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    row = w.sparse_read([1]) if use_resource else tf.gather(w, [1])
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b)) + tf.reduce_sum(row)
    opt = {"sgd": lambda: tf.train.GradientDescentOptimizer(0.01),
           "momentum": lambda: tf.train.MomentumOptimizer(0.01, 0.9),
           "adam": lambda: tf.train.AdamOptimizer(0.05),
           "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01)}[opt_name]()
    step = tf.train.get_or_create_global_step()
    train = opt.minimize(loss, global_step=step)
    grads = tf.gradients(loss, [w, b])
    facts = sorted((v.name, _is_resource(v), v.shape.as_list()) for v in tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g0 = sess.run(grads)
        for _ in range(3):
            sess.run(train)
        values = sess.run([w, b, step] + [v for v in tf.global_variables()])
    return facts, g0, values


@pytest.mark.parametrize("opt_name", ["sgd", "momentum", "adam", "rmsprop"])
def test_optimizers_train_resource_variables_as_tf(opt_name):
    (facts_tf, g_tf, v_tf), (facts, g, v) = both(lambda tf: _train(tf, opt_name, True))
    assert facts == facts_tf  # slot names, and slots of resource variables are resource ones
    for a, b in zip(g + v, g_tf + v_tf):
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("opt_name", ["sgd", "momentum", "adam", "rmsprop"])
def test_sparse_read_trains_with_sparse_updates_as_tf(opt_name):
    def build(tf):
        emb = tf.get_variable("emb", initializer=tf.constant(
            np.arange(12.0, dtype=np.float32).reshape(4, 3) / 10.0), use_resource=True)
        rows = emb.sparse_read([0, 2, 0])
        loss = tf.reduce_sum(tf.square(rows - 1.0))
        opt = {"sgd": lambda: tf.train.GradientDescentOptimizer(0.1),
               "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
               "adam": lambda: tf.train.AdamOptimizer(0.1),
               "rmsprop": lambda: tf.train.RMSPropOptimizer(0.1)}[opt_name]()
        (grad, _), = opt.compute_gradients(loss, [emb])
        train = opt.apply_gradients([(grad, emb)])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            g = sess.run(grad)
            for _ in range(3):
                sess.run(train)
            return type(grad).__name__, g.values, g.indices, sess.run([emb] + opt.variables())

    (kind_tf, values_tf, idx_tf, after_tf), (kind, values, idx, after) = both(build)
    assert kind == kind_tf == "IndexedSlices"
    np.testing.assert_array_equal(idx, idx_tf)
    np.testing.assert_allclose(values, values_tf, rtol=1e-6)
    for a, b in zip(after, after_tf):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_ref_and_resource_variables_train_alike():
    results = []
    for use_resource in (False, True):
        with tfj.Graph().as_default():
            _, grads, values = _train(tfj, "adam", use_resource)
            results.append(grads + values)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_checkpoints_move_between_kinds_and_libraries(tmp_path):
    def model(tf, use_resource):
        with tf.variable_scope("net", use_resource=use_resource):
            w = tf.get_variable("w", [3, 2], initializer=tf.constant_initializer(0.0))
            p = tf.get_variable("p", [4, 2], initializer=tf.constant_initializer(0.0),
                                partitioner=tf.fixed_size_partitioner(2))
        loss = tf.reduce_sum(tf.square(w)) + tf.reduce_sum(tf.square(p))
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        return w, p, train

    def save(tf, use_resource, path):
        with tf.Graph().as_default():
            w, p, train = model(tf, use_resource)
            kinds = sorted((v.name, _is_resource(v)) for v in tf.global_variables())
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run([w.assign(np.arange(6.0, dtype=np.float32).reshape(3, 2))])
                for part in p:
                    sess.run(part.assign(np.full(part.shape.as_list(), 2.5, np.float32)))
                sess.run(train)
                values = {v.op.name: sess.run(v) for v in tf.global_variables()}
                tf.train.Saver().save(sess, path, write_meta_graph=False)
        return kinds, values

    def restore(tf, use_resource, path):
        with tf.Graph().as_default():
            model(tf, use_resource)
            with tf.Session() as sess:
                tf.train.Saver().restore(sess, path)
                return {v.op.name: sess.run(v) for v in tf.global_variables()}

    keys = {}
    for name, tf in (("tf", tf1), ("ours", tfj)):
        for use_resource in (True, False):
            path = os.path.join(tmp_path, f"{name}_{use_resource}", "ckpt")
            kinds, values = save(tf, use_resource, path)
            assert all(r == use_resource for _, r in kinds)
            keys[(name, use_resource)] = sorted(tf1.train.list_variables(path))
            for other in (tf1, tfj):
                for other_resource in (True, False):
                    got = restore(other, other_resource, path)
                    assert got.keys() == values.keys()
                    for k in values:
                        np.testing.assert_array_equal(got[k], values[k])
    # the same keys, shapes for both kinds and both writers
    assert len({repr(v) for v in keys.values()}) == 1, keys


def test_layers_in_a_resource_scope():
    pytest.importorskip("tf_keras")

    def build(tf):
        x = tf.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
        with tf.variable_scope("net", use_resource=True):
            h = tf.layers.dense(x, 4, kernel_initializer=tf.constant_initializer(0.1),
                                bias_initializer=tf.constant_initializer(0.2), name="d1")
            y = tf.layers.dense(h, 1, kernel_initializer=tf.ones_initializer(), name="d2")
        loss = tf.reduce_sum(y)
        train = tf.train.MomentumOptimizer(0.01, 0.5).minimize(loss)
        facts = [(v.name, _is_resource(v)) for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            return facts, sess.run([y] + tf.trainable_variables())

    (facts_tf, values_tf), (facts, values) = both(build)
    assert facts == facts_tf
    for a, b in zip(values, values_tf):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_partitioned_resource_variable_layout():
    def build(tf):
        with tf.variable_scope("s", use_resource=True):
            p = tf.get_variable("p", [5, 2], initializer=tf.constant_initializer(1.5),
                                partitioner=tf.fixed_size_partitioner(2))
        parts = [(v.name, v.op.type, v.dtype.name, v.shape.as_list(),
                  v._save_slice_info.spec) for v in p]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return parts, sess.run(tf.convert_to_tensor(p))

    (parts_tf, value_tf), (parts, value) = both(build)
    assert parts == parts_tf
    _values_equal([value], [value_tf])


def test_uninitialized_resource_variables():
    def build(tf):
        v = tf.Variable([1.0], name="v", use_resource=True)
        w = tf.get_variable("w", [2], use_resource=True)
        report = tf.report_uninitialized_variables()
        is_init = tf.is_variable_initialized(v)
        with tf.Session() as sess:
            before = sess.run([report, is_init])
            sess.run(v.initializer)
            after = sess.run([report, is_init])
            try:
                sess.run(w)
                error = None
            except tf.errors.FailedPreconditionError as e:
                error = type(e).__name__
        return [list(before[0]), before[1], list(after[0]), after[1], error]

    theirs, ours = both(build)
    assert ours == theirs
