"""Resource variables and object-based checkpoints without TensorFlow (the differential tests,
test_*_vs_tf.py, compare the same things with TF when it is installed)."""
import os

import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.train import _object_graph, bundle


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.disable_resource_variables()


def test_resource_variable_ops_and_results():
    v = tf.Variable([1.0, 2.0], name="v", use_resource=True)
    assert (v.name, v.op.type, v.dtype, v.handle.dtype) == ("v:0", "VarHandleOp", tf.float32,
                                                            tf.resource)
    assert [op.name for op in tf.get_default_graph().get_operations()] == [
        "v/Initializer/initial_value", "v", "v/IsInitialized/VarIsInitializedOp", "v/Assign",
        "v/Read/ReadVariableOp"]
    a = v.assign_add([1.0, 1.0])
    assert (a.name, a.op.type, isinstance(a, tf.Variable)) == ("AssignAddVariableOp",
                                                              "AssignAddVariableOp", True)
    assert a not in tf.global_variables()
    op = v.assign([0.0, 0.0], read_value=False)
    assert isinstance(op, tf.Operation) and op.type == "AssignVariableOp" and not op.outputs
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(a).tolist() == [2.0, 3.0]
        assert sess.run(v.sparse_read([1])).tolist() == [3.0]
        with pytest.raises(NotImplementedError, match="resource handle"):
            sess.run(v.handle)


def test_uninitialized_resource_errors_as_tf1():
    v = tf.Variable([1.0], name="v", use_resource=True)
    add = v.assign_add([1.0], read_value=False)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.NotFoundError, match="Resource localhost/v/"):
            sess.run(add)
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(v)
        sess.run(v.initializer)  # nothing was changed by the failed runs
        assert sess.run(v).tolist() == [1.0]


def test_gradients_through_sparse_read_and_reads():
    v = tf.Variable([1.0, 2.0, 3.0], use_resource=True)
    loss = tf.reduce_sum(v.sparse_read([0, 2, 2]) * 2.0) + tf.reduce_sum(v * v)
    (g,) = tf.gradients(loss, [v])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(g).tolist() == [4.0, 4.0, 10.0]


def test_checkpoint_round_trip_with_deferred_slots(tmp_path):
    def build():
        m = tf.Module(name="m")
        m.w = tf.get_variable("w", initializer=tf.constant([1.0, -1.0]), use_resource=True)
        opt = tf.train.MomentumOptimizer(0.1, 0.9)
        return m, opt, tf.train.Checkpoint(model=m, opt=opt)

    m, opt, ckpt = build()
    train = opt.minimize(tf.reduce_sum(m.w * m.w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        path = ckpt.save(os.path.join(tmp_path, "ckpt"), session=sess)
        expected = sess.run([m.w, opt.get_slot(m.w, "momentum")])
    keys = sorted(bundle.BundleReader(path).keys())
    assert keys == ["_CHECKPOINTABLE_OBJECT_GRAPH", "model/w/.ATTRIBUTES/VARIABLE_VALUE",
                    "model/w/.OPTIMIZER_SLOT/opt/momentum/.ATTRIBUTES/VARIABLE_VALUE",
                    "save_counter/.ATTRIBUTES/VARIABLE_VALUE"]
    nodes = _object_graph.decode(bundle.BundleReader(path).read(
        "_CHECKPOINTABLE_OBJECT_GRAPH").item())
    assert nodes[0].children == [(1, "model"), (2, "opt"), (3, "save_counter")]

    tf.reset_default_graph()
    m, opt, ckpt = build()
    status = ckpt.restore(path)
    with pytest.raises(AssertionError, match="Unresolved"):
        status.assert_consumed()
    opt.minimize(tf.reduce_sum(m.w * m.w))  # the slot now exists: restored below
    status.assert_consumed()
    with tf.Session() as sess:
        status.run_restore_ops(sess)
        got = sess.run([m.w, opt.get_slot(m.w, "momentum")])
        assert ckpt.save(os.path.join(tmp_path, "ckpt"), session=sess).endswith("ckpt-2")
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


def test_a_failed_restore_changes_nothing(tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    ckpt = tf.train.Checkpoint(w=w)
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = ckpt.write(os.path.join(tmp_path, "c"), session=sess)
    tf.reset_default_graph()
    w = tf.Variable([1.0, 2.0, 3.0], name="w")  # another shape
    ckpt = tf.train.Checkpoint(w=w)
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="w/.ATTRIBUTES"):
            ckpt.restore(path).run_restore_ops(sess)
        assert sess.run(w).tolist() == [1.0, 2.0, 3.0]
