"""Differential tests of tf.train.Checkpoint / CheckpointManager / tf.Module (graph mode)
against TF 2.21's compat.v1: the object graph bytes, keys and values we write equal TF's, each
library restores the other's checkpoints, and the restore statuses agree (what they raise and
what they restore, deferred slot restorations included)."""
import os

import numpy as np
import pytest

tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tfvars_jax.train import bundle  # noqa: E402

pytestmark = pytest.mark.tensorflow

OBJECT_GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"


def _model(tf, use_resource=False):
    """Variables of both kinds in a Module, a nested Checkpoint, Adam, the global step."""
    w = tf.get_variable("w", initializer=tf.constant([1.0, 2.0]), use_resource=use_resource)
    b = tf.Variable(3.0, name="b", use_resource=True)
    m = tf.Module(name="net")
    m.w = w
    m.layers = [tf.Module(), {"k": tf.Variable(np.arange(6.0).reshape(2, 3), name="k")}]
    opt = tf.train.AdamOptimizer(0.1)
    step = tf.train.get_or_create_global_step()
    loss = tf.reduce_sum(w * w) + b * b + tf.reduce_sum(tf.cast(m.layers[1]["k"], tf.float32))
    train = opt.minimize(loss, global_step=step)
    ckpt = tf.train.Checkpoint(model=m, opt=opt, step=step, inner=tf.train.Checkpoint(b=b))
    return ckpt, train, [w, b, m.layers[1]["k"], step]


def _graph_bytes(prefix):
    return bundle.BundleReader(prefix).read(OBJECT_GRAPH).item()


def _entries(prefix):
    reader = tf1.train.load_checkpoint(prefix)
    return {k: reader.get_tensor(k) for k, _ in tf1.train.list_variables(prefix)
            if k != OBJECT_GRAPH}


def _assert_same_entries(a, b):
    """Same keys, dtypes and shapes; values equal (to float32 rounding: two Adam steps)."""
    assert sorted(a) == sorted(b)
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        assert x.dtype == y.dtype and x.shape == y.shape, k
        np.testing.assert_allclose(x, y, rtol=1e-6, err_msg=k)


def _save(tf, directory, use_resource, steps=2):
    with tf.Graph().as_default():
        ckpt, train, _ = _model(tf, use_resource)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(steps):
                sess.run(train)
            paths = [ckpt.save(os.path.join(directory, "ckpt"), session=sess) for _ in range(2)]
            written = ckpt.write(os.path.join(directory, "written"), session=sess)
    return paths, written


@pytest.mark.parametrize("use_resource", [False, True])
def test_saved_files_equal_tfs(tmp_path, use_resource):
    tf_paths, tf_written = _save(tf1, str(tmp_path / "tf"), use_resource)
    paths, written = _save(tfj, str(tmp_path / "ours"), use_resource)
    assert [os.path.basename(p) for p in paths] == [os.path.basename(p) for p in tf_paths] == \
        ["ckpt-1", "ckpt-2"]
    for ours, theirs in zip(paths + [written], tf_paths + [tf_written]):
        assert _graph_bytes(ours) == _graph_bytes(theirs)
        _assert_same_entries(_entries(ours), _entries(theirs))
    with open(tmp_path / "ours" / "checkpoint") as f, open(tmp_path / "tf" / "checkpoint") as g:
        assert f.read() == g.read()


def _restore(tf, prefix, use_resource, check="assert_consumed", then_save=None):
    with tf.Graph().as_default():
        ckpt, _, variables = _model(tf, use_resource)
        status = ckpt.restore(prefix)
        getattr(status, check)()
        with tf.Session() as sess:
            status.run_restore_ops(sess)
            values = sess.run(variables + tf.global_variables())
            names = [v.name for v in tf.global_variables()]
            saved = ckpt.save(then_save, session=sess) if then_save else None
    return values, names, saved


@pytest.mark.parametrize("writer", ["tf", "ours"])
@pytest.mark.parametrize("use_resource", [False, True])
def test_each_restores_the_others_checkpoints(tmp_path, writer, use_resource):
    tf = tf1 if writer == "tf" else tfj
    paths, _ = _save(tf, str(tmp_path / "w"), use_resource)
    results = []
    for reader in (tf1, tfj):
        out = str(tmp_path / f"r_{reader is tfj}" / "again")
        values, names, saved = _restore(reader, paths[-1], use_resource, then_save=out)
        results.append((values, names, os.path.basename(saved)))
    (tf_values, tf_names, tf_saved), (values, names, saved) = results
    assert names == tf_names and saved == tf_saved == "again-3"  # the save counter went on
    for a, b in zip(values, tf_values):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_deferred_slots_and_assertions(tmp_path):
    paths, _ = _save(tf1, str(tmp_path / "w"), False)

    def run(tf):
        out = []
        with tf.Graph().as_default():
            w = tf.get_variable("w", initializer=tf.constant([0.0, 0.0]))
            b = tf.Variable(0.0, name="b", use_resource=True)
            m = tf.Module(name="net")
            m.w = w
            opt = tf.train.AdamOptimizer(0.1)
            ckpt = tf.train.Checkpoint(model=m, opt=opt, inner=tf.train.Checkpoint(b=b))
            status = ckpt.restore(paths[-1])
            for check in ("assert_consumed", "assert_existing_objects_matched",
                          "assert_nontrivial_match"):
                try:
                    getattr(status, check)()
                    out.append((check, "ok"))
                except AssertionError:
                    out.append((check, "AssertionError"))
            assert status.expect_partial() is status
            # the slots (and beta powers) made now are restored by the later run_restore_ops
            train = opt.minimize(tf.reduce_sum(w * w) + b * b)
            with tf.Session() as sess:
                status.initialize_or_restore(sess)
                out.append(sess.run([w, b] + opt.variables()))
                sess.run(train)
        return out

    theirs, ours = run(tf1), run(tfj)
    assert ours[:3] == theirs[:3]
    for a, b in zip(ours[3], theirs[3]):
        np.testing.assert_array_equal(a, b)


def test_unmatched_objects_and_values(tmp_path):
    paths, _ = _save(tf1, str(tmp_path / "w"), False)

    def run(tf):
        out = []
        with tf.Graph().as_default():
            extra = tf.Variable([5.0, 6.0], name="extra")
            m = tf.Module(name="net")
            m.w = tf.get_variable("w", [2])
            m.extra = extra
            ckpt = tf.train.Checkpoint(model=m)
            status = ckpt.restore(paths[-1])
            for check in ("assert_consumed", "assert_existing_objects_matched",
                          "assert_nontrivial_match"):
                try:
                    getattr(status, check)()
                    out.append((check, "ok"))
                except AssertionError:
                    out.append((check, "AssertionError"))
            with tf.Session() as sess:
                status.initialize_or_restore(sess)  # extra: initialized; w: restored
                out.append([sess.run(v).tolist() for v in (m.w, extra)])
        with tf.Graph().as_default():
            ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
            status = ckpt.restore(None)
            try:
                status.assert_consumed()
                out.append("ok")
            except AssertionError:
                out.append("AssertionError")
            with tf.Session() as sess:
                status.initialize_or_restore(sess)
                out.append(sess.run(ckpt.v))
        return out

    assert run(tfj) == run(tf1)


def test_name_based_restore_of_a_saver_checkpoint(tmp_path):
    prefix = str(tmp_path / "saver" / "model")
    with tf1.Graph().as_default():
        w = tf1.get_variable("w", initializer=tf1.constant([1.5, 2.5]))
        with tf1.Session() as sess:
            sess.run(w.initializer)
            tf1.train.Saver().save(sess, prefix, write_meta_graph=False)

    def run(tf):
        with tf.Graph().as_default():
            m = tf.Module()
            m.w = tf.get_variable("w", [2])
            status = tf.train.Checkpoint(model=m).restore(prefix)
            with tf.Session() as sess:
                status.run_restore_ops(sess)
                return sess.run(m.w).tolist()

    # TF 2.21 in graph mode also asks the Saver checkpoint for the Checkpoint's own
    # save_counter (which TF means to restore optionally, add_to_optionally_restored) and
    # fails; we leave the counter out, as TF intends.
    with pytest.raises(tf1.errors.NotFoundError, match="save_counter"):
        run(tf1)
    assert run(tfj) == [1.5, 2.5]


def test_checkpoint_manager_keeps_and_deletes_as_tf(tmp_path):
    def run(tf, directory):
        with tf.Graph().as_default():
            v = tf.Variable(0.0, name="v")
            ckpt = tf.train.Checkpoint(v=v)
            manager = tf.train.CheckpointManager(ckpt, directory, max_to_keep=2)
            assert manager.latest_checkpoint is None
            with tf.Session() as sess:
                sess.run(v.initializer)
                for i in range(4):
                    sess.run(v.assign(float(i)))
                    manager.save()
                numbered = manager.save(checkpoint_number=10)
            again = tf.train.CheckpointManager(ckpt, directory, max_to_keep=2)
            with tf.Session() as sess:
                ckpt.restore(again.latest_checkpoint).run_restore_ops(sess)
                value = sess.run(v)
        rel = lambda p: os.path.relpath(p, directory)  # noqa: E731
        return ([rel(p) for p in manager.checkpoints], rel(numbered),
                [rel(p) for p in again.checkpoints], rel(again.latest_checkpoint), value,
                sorted(os.listdir(directory)), tf.train.latest_checkpoint(directory) is not None)

    assert run(tfj, str(tmp_path / "ours")) == run(tf1, str(tmp_path / "tf"))


def test_module_tracking_as_tf():
    def run(tf):
        with tf.Graph().as_default():
            class Block(tf.Module):
                def __init__(self, name=None):
                    super().__init__(name=name)
                    with self.name_scope:
                        self.z = tf.Variable(1.0, name="z")
                        self.a = tf.Variable(2.0, name="a", trainable=False)

            top = tf.Module(name="top")
            top.blocks = [Block(), Block(name="second")]
            top.table = {"y": tf.Variable(3.0, name="y"), "x": Block()}
            top.count = 3
            return ([v.name for v in top.variables], [v.name for v in top.trainable_variables],
                    [m.name for m in top.submodules], top.name, Block().name)

    assert run(tfj) == run(tf1)


def test_bad_arguments():
    with tfj.Graph().as_default():
        with pytest.raises(ValueError, match="trackable"):
            tfj.train.Checkpoint(x=3)
        p = tfj.get_variable("p", [4], partitioner=tfj.fixed_size_partitioner(2))
        with pytest.raises(NotImplementedError, match="PartitionedVariable"):
            tfj.train.Checkpoint(p=p)
        ckpt = tfj.train.Checkpoint(v=tfj.Variable(1.0))
        with pytest.raises(ValueError, match="Session"):
            ckpt.save("/nonexistent/x")
        with pytest.raises(tfj.errors.NotFoundError):
            ckpt.restore("/nonexistent/prefix")
        with tfj.Session() as sess, pytest.raises(tfj.errors.FailedPreconditionError,
                                                  match="uninitialized"):
            ckpt.write("/tmp/never_written_ckpt", session=sess)
    assert not os.path.exists("/tmp/never_written_ckpt.index")
