"""tf.train.Saver and the checkpoint utilities (tfvars_jax.train.saver, checkpoint_management,
checkpoint_utils, tfvars_jax.inspect_checkpoint), without TensorFlow: round trips (Adam slots,
global_step, strings, partitioned variables), file naming, max_to_keep and
keep_checkpoint_every_n_hours, dict var_lists, restore errors (types, messages, values
unchanged), the reader API on committed TF-written checkpoints, init_from_checkpoint's mapping
rules, contrib's assign_from_checkpoint*, the command-line tool and the missing-.meta warning.
"""

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import warnings

import ml_dtypes
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.framework import errors
from tfvars_jax.train import bundle
from tfvars_jax.train.saver import MetaGraphNotWrittenWarning

DATA = os.path.join(os.path.dirname(__file__), "data")
_spec = importlib.util.spec_from_file_location("make_tf_checkpoints", os.path.join(DATA, "make_tf_checkpoints.py"))
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)


def assert_same(got, want, name=""):
    got, want = np.asarray(got), np.asarray(want)
    if want.dtype == object and isinstance(got.item() if got.ndim == 0 else None, bytes):
        got = np.asarray(got, dtype=object)  # sess.run gives a scalar string as bytes, as TF1
    assert got.shape == want.shape, (name, got.shape, want.shape)
    assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
    assert got.tolist() == want.tolist(), name


def values_of(sess, var_list=None):
    var_list = tf.global_variables() if var_list is None else var_list
    return dict(zip([v.op.name for v in var_list], sess.run(var_list)))


def build_model():
    """A small conv-free model with scopes, an int64 global_step and Adam slots."""
    with tf.variable_scope("conv1"):
        w = tf.get_variable("weights", shape=(3, 2), initializer=tf.random_normal_initializer(seed=1))
        b = tf.get_variable("biases", shape=(2,), dtype=tf.float64, initializer=tf.zeros_initializer())
    gs = tf.train.get_or_create_global_step()
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w))) + tf.reduce_sum(tf.cast(b, tf.float32) ** 2)
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=gs)
    return w, b, gs, train


def save_quietly(saver, sess, path, **kwargs):
    kwargs.setdefault("write_meta_graph", False)
    return saver.save(sess, path, **kwargs)


# ----------------------------------------------------------------------------- round trips


def test_round_trip_with_adam_slots_and_global_step(tmp_path):
    w, b, gs, train = build_model()
    names = [v.op.name for v in tf.global_variables()]
    assert {"conv1/weights/Adam", "conv1/weights/Adam_1", "beta1_power", "beta2_power", "global_step"} <= set(names)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        saved = values_of(sess)
        prefix = save_quietly(saver, sess, str(tmp_path / "model.ckpt"), global_step=gs)
        sess.run(train)
        next_step = values_of(sess)
    assert prefix == str(tmp_path / "model.ckpt-3")
    assert [n for n, _ in tf.train.list_variables(str(tmp_path))] == sorted(names)
    assert dict(tf.train.list_variables(prefix))["conv1/weights/Adam"] == [3, 2]

    tf.reset_default_graph()
    w, b, gs, train = build_model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
        got = values_of(sess)
        for name, value in saved.items():
            assert_same(got[name], value, name)
        sess.run(train)  # training resumes exactly where it was saved
        for name, value in values_of(sess).items():
            np.testing.assert_allclose(value, next_step[name], rtol=1e-6, err_msg=name)


def test_round_trip_dtypes_strings_and_scalars(tmp_path):
    values = mk.dtype_values()
    variables = {}
    for name, value in values.items():
        if value.dtype == object:
            variables[name] = tf.Variable(tf.constant(value.tolist() if value.ndim else value.item(),
                                                      dtype=tf.string, shape=value.shape), name=name,
                                          trainable=False)
        else:
            variables[name] = tf.Variable(value, name=name, trainable=False)
    saver = tf.train.Saver()
    prefix = str(tmp_path / "all")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert save_quietly(saver, sess, prefix) == prefix
    reader = bundle.BundleReader(prefix)
    for name, value in values.items():
        assert_same(reader.read(name), value, name)
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        for name, value in values.items():
            assert_same(sess.run(variables[name]), value, name)


def test_saving_does_not_change_the_session_or_its_buffers(tmp_path):
    v = tf.Variable(np.arange(4.0), name="v")
    inc = v.assign_add(np.ones(4))
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        save_quietly(saver, sess, str(tmp_path / "a"))
        sess.run(inc)
        save_quietly(saver, sess, str(tmp_path / "b"))
        assert_same(sess.run(v), np.arange(4.0) + 1)
    assert_same(tf.train.load_variable(str(tmp_path / "a"), "v:0"), np.arange(4.0))
    assert_same(tf.train.load_variable(str(tmp_path / "b"), "v"), np.arange(4.0) + 1)


def test_restore_keeps_variables_not_in_the_saver(tmp_path):
    a = tf.Variable(1.0, name="a")
    other = tf.Variable(5.0, name="other")
    saver = tf.train.Saver([a])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        save_quietly(saver, sess, str(tmp_path / "m"))
        sess.run([a.assign(2.0), other.assign(6.0)])
        saver.restore(sess, str(tmp_path / "m"))
        assert sess.run([a, other]) == [1.0, 6.0]


def test_restore_initializes_uninitialized_variables(tmp_path):
    a = tf.Variable(3.0, name="a")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(a.initializer)
        save_quietly(saver, sess, str(tmp_path / "m"))
    with tf.Session() as sess:
        assert sess.run(tf.report_uninitialized_variables()).tolist() == [b"a"]
        saver.restore(sess, str(tmp_path / "m"))
        assert sess.run(a) == 3.0
        assert sess.run(tf.report_uninitialized_variables()).tolist() == []


# ----------------------------------------------------------------------------- file naming and bookkeeping


def test_global_step_naming_int_variable_tensor_and_padding(tmp_path):
    v = tf.Variable(1.0, name="v")
    step = tf.Variable(np.int64(42), name="step", trainable=False)
    saver = tf.train.Saver([v])
    padded = tf.train.Saver([v], pad_step_number=True)
    base = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert save_quietly(saver, sess, base, global_step=1000) == base + "-1000"
        assert save_quietly(saver, sess, base, global_step=np.int32(7)) == base + "-7"
        assert save_quietly(saver, sess, base, global_step=step) == base + "-42"
        assert save_quietly(saver, sess, base, global_step=step + 1) == base + "-43"
        assert save_quietly(padded, sess, base, global_step=5) == base + "-00000005"
        assert save_quietly(saver, sess, base) == base
    for p in ["-1000", "-7", "-42", "-43", "-00000005", ""]:
        assert os.path.exists(base + p + ".index") and os.path.exists(base + p + ".data-00000-of-00001")
    assert not glob.glob(str(tmp_path / "*.meta"))
    assert tf.train.latest_checkpoint(str(tmp_path)) == base


def test_missing_meta_graph_warns_once_and_writes_nothing(tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            saver.save(sess, str(tmp_path / "m"), global_step=1)
            saver.save(sess, str(tmp_path / "m"), global_step=2)
            saver.save(sess, str(tmp_path / "q"), write_meta_graph=False)
    ours = [w for w in caught if issubclass(w.category, MetaGraphNotWrittenWarning)]
    assert len(ours) == 1
    assert "m-1.meta" in str(ours[0].message) and "write_meta_graph=False" in str(ours[0].message)
    assert not glob.glob(str(tmp_path / "*.meta"))
    with tf.Session() as sess:
        saver.restore(sess, str(tmp_path / "m-2"))


def test_max_to_keep_deletes_oldest_after_the_new_checkpoint(tmp_path):
    v = tf.Variable(0.0, name="v")
    saver = tf.train.Saver(max_to_keep=2)
    base = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(v.initializer)
        for step in range(1, 5):
            sess.run(v.assign(float(step)))
            save_quietly(saver, sess, base, global_step=step)
    assert saver.last_checkpoints == [base + "-3", base + "-4"]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.ckpt-3.data-00000-of-00001", "model.ckpt-3.index",
                                             "model.ckpt-4.data-00000-of-00001", "model.ckpt-4.index"]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == base + "-4"
    assert state.all_model_checkpoint_paths == [base + "-3", base + "-4"]
    assert tf.train.load_variable(base + "-3", "v") == 3.0


def test_max_to_keep_zero_or_none_keeps_everything(tmp_path):
    tf.Variable(0.0, name="v")
    for keep in (0, None):
        saver = tf.train.Saver(max_to_keep=keep)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(3):
                save_quietly(saver, sess, str(tmp_path / f"k{keep}"), global_step=step)
        assert saver.last_checkpoints == []
        assert len(glob.glob(str(tmp_path / f"k{keep}-*.index"))) == 3
        state = tf.train.get_checkpoint_state(str(tmp_path))
        assert state.all_model_checkpoint_paths == [str(tmp_path / f"k{keep}-2")]


def test_keep_checkpoint_every_n_hours(tmp_path, monkeypatch):
    from tfvars_jax.train import saver as saver_mod

    clock = [1000.0]
    monkeypatch.setattr(saver_mod.time, "time", lambda: clock[0])
    tf.Variable(0.0, name="v")
    saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1.0)  # next keep at 1000 + 3600
    base = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step, now in enumerate([1000.0, 2000.0, 4700.0, 4800.0, 5000.0, 9000.0]):
            clock[0] = now
            save_quietly(saver, sess, base, global_step=step)
    kept = sorted(int(p.rsplit("-", 1)[1].split(".")[0]) for p in glob.glob(base + "-*.index"))
    # Step 2 (t=4700) is the first one created after 1000 + 3600 s: kept for good. The next
    # keep time becomes 8200, which no later deleted checkpoint (t=4800, 5000) reaches.
    assert kept == [2, 5]
    assert saver.last_checkpoints == [base + "-5"]


def test_recover_and_set_last_checkpoints(tmp_path):
    tf.Variable(0.0, name="v")
    saver = tf.train.Saver(max_to_keep=2)
    base = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(2):
            save_quietly(saver, sess, base, global_step=step)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    fresh = tf.train.Saver(max_to_keep=2)
    fresh.recover_last_checkpoints(state.all_model_checkpoint_paths + [base + "-missing"])
    assert fresh.last_checkpoints == [base + "-0", base + "-1"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        save_quietly(fresh, sess, base, global_step=2)
    assert not os.path.exists(base + "-0.index")  # the recovered oldest is deleted
    fresh.set_last_checkpoints_with_time([("x", 1.0), ("y", 2.0)])
    assert fresh.last_checkpoints == ["x", "y"]
    with pytest.raises(TypeError):
        fresh.set_last_checkpoints_with_time(("x", 1.0))


def test_state_file_options_relative_paths_and_latest_filename(tmp_path):
    tf.Variable(0.0, name="v")
    saver = tf.train.Saver(save_relative_paths=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        save_quietly(saver, sess, str(tmp_path / "m"), global_step=3, latest_filename="mystate")
        with pytest.raises(ValueError, match="path components"):
            save_quietly(saver, sess, str(tmp_path / "m"), latest_filename="sub/state")
        with pytest.raises(ValueError, match="collides"):
            save_quietly(saver, sess, str(tmp_path / "checkpoint"))
        save_quietly(saver, sess, str(tmp_path / "w"), write_state=False)
    with open(tmp_path / "mystate") as f:
        assert f.read() == 'model_checkpoint_path: "m-3"\nall_model_checkpoint_paths: "m-3"\n'
    assert not os.path.exists(tmp_path / "checkpoint")
    assert tf.train.latest_checkpoint(str(tmp_path), "mystate") == str(tmp_path / "m-3")
    assert os.path.exists(tmp_path / "w.index")


def test_checkpoint_management_functions(tmp_path):
    tf.Variable(0.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = save_quietly(saver, sess, str(tmp_path / "m"), global_step=1)
    assert tf.train.checkpoint_exists(prefix) and tf.train.checkpoint_exists(str(tmp_path / "m-*"))
    assert not tf.train.checkpoint_exists(str(tmp_path / "nope"))
    assert len(tf.train.get_checkpoint_mtimes([prefix, str(tmp_path / "nope")])) == 1
    assert tf.train.latest_checkpoint(str(tmp_path / "empty")) is None
    tf.train.update_checkpoint_state(str(tmp_path), prefix, [prefix])
    tf.train.remove_checkpoint(prefix)
    assert not glob.glob(prefix + ".*")
    assert tf.train.latest_checkpoint(str(tmp_path)) is None  # named, but its files are gone


# ----------------------------------------------------------------------------- var_list forms


def test_dict_var_list_renames_both_ways(tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    saver = tf.train.Saver({"renamed/in_ckpt": a})
    with tf.Session() as sess:
        sess.run(a.initializer)
        save_quietly(saver, sess, str(tmp_path / "m"))
    assert tf.train.list_variables(str(tmp_path / "m")) == [("renamed/in_ckpt", [2])]
    tf.reset_default_graph()
    with tf.variable_scope("other"):
        b = tf.get_variable("b", shape=(2,))
    with tf.Session() as sess:
        tf.train.Saver({"renamed/in_ckpt": b}).restore(sess, str(tmp_path / "m"))
        assert sess.run(b).tolist() == [1.0, 2.0]


def test_list_var_list_and_invalid_lists(tmp_path):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    saver = tf.train.Saver([b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        save_quietly(saver, sess, str(tmp_path / "m"))
    assert tf.train.list_variables(str(tmp_path / "m")) == [("b", [])]
    with pytest.raises(ValueError, match="same name"):
        tf.train.Saver([a, a])
    with pytest.raises(ValueError, match="two names"):
        tf.train.Saver({"x": a, "y": a})
    with pytest.raises(TypeError, match="not a Variable"):
        tf.train.Saver([a + 1.0])
    with pytest.raises(TypeError, match="dict or a list"):
        tf.train.Saver(a)

    class Saveable:  # a TF1 SaveableObject in SAVEABLE_OBJECTS: not supported, and said so
        name, specs = "table", []

        def restore(self, restored_tensors, restored_shapes):
            pass
    tf.add_to_collection(tf.GraphKeys.SAVEABLE_OBJECTS, Saveable())
    with pytest.raises(NotImplementedError, match="SaveableObject 'table'"):
        tf.train.Saver()


def test_empty_deferred_and_unsupported_arguments(tmp_path):
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    empty = tf.train.Saver(allow_empty=True)
    with tf.Session() as sess:
        assert empty.save(sess, str(tmp_path / "e"), write_meta_graph=False) is None
        empty.restore(sess, str(tmp_path / "e"))
    assert not os.listdir(tmp_path)
    v = tf.Variable(1.0, name="v")
    deferred = tf.train.Saver(defer_build=True)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(RuntimeError, match="build"):
            deferred.save(sess, str(tmp_path / "d"))
        deferred.build()
        save_quietly(deferred, sess, str(tmp_path / "d"))
    with pytest.raises(ValueError, match="cannot be deferred"):
        tf.train.Saver([v], defer_build=True)
    for kwargs, word in [({"saver_def": object()}, "saver_def"), ({"builder": object()}, "builder"),
                         ({"write_version": tf.train.SaverDef.V1}, "write_version")]:
        with pytest.raises(NotImplementedError, match=word):
            tf.train.Saver(**kwargs)
    saver = tf.train.Saver()
    for method, args in [("as_saver_def", ()), ("to_proto", ()), ("export_meta_graph", ())]:
        with pytest.raises(NotImplementedError):
            getattr(saver, method)(*args)
    with tf.device("/cpu:0"):
        u = tf.Variable(4.0, name="u")
    sharded = tf.train.Saver(sharded=True)
    with tf.Session() as sess:
        sess.run([v.initializer, u.initializer])
        with pytest.raises(NotImplementedError, match=r"sharded=True.*several devices"):
            sharded.save(sess, str(tmp_path / "s"))
        assert not any(p.name.startswith("s.") for p in tmp_path.iterdir())
        one_device = tf.train.Saver([v], sharded=True)
        one_device.save(sess, str(tmp_path / "one"), write_meta_graph=False)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("one")) == [
            "one.data-00000-of-00001", "one.index"]  # TF1's files for one device's shard
        one_device.restore(sess, str(tmp_path / "one"))


def test_save_creates_missing_directories_as_tf1s_savev2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    v = tf.Variable(3.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert saver.save(sess, "./model/dnn.ckpt") == "./model/dnn.ckpt"
    assert sorted(os.listdir(tmp_path / "model")) == ["checkpoint", "dnn.ckpt.data-00000-of-00001",
                                                      "dnn.ckpt.index"]
    with tf.Session() as sess:
        saver.restore(sess, "./model/dnn.ckpt")
        assert sess.run(v) == 3.0


def test_save_errors_write_nothing(tmp_path):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(a.initializer)
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value b"):
            saver.save(sess, str(tmp_path / "m"))
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value b"):
            saver.save(sess, str(tmp_path / "no" / "such" / "m"))  # no directory is made either
        sess.run(b.initializer)
        with pytest.raises(TypeError, match="must be a Session"):
            saver.save(object(), str(tmp_path / "m"))
    assert os.listdir(tmp_path) == []
    with tf.Graph().as_default():
        with tf.Session() as other:
            with pytest.raises(ValueError, match="graph"):
                saver.save(other, str(tmp_path / "m"))


# ----------------------------------------------------------------------------- restore errors


@pytest.fixture
def saved_wb(tmp_path):
    """A checkpoint holding scope/w [2, 3] float32 and scope/b [3] float64."""
    with tf.Graph().as_default():
        with tf.variable_scope("scope"):
            w = tf.get_variable("w", initializer=np.arange(6, dtype=np.float32).reshape(2, 3))
            tf.get_variable("b", initializer=np.ones(3))
        del w
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return save_quietly(saver, sess, str(tmp_path / "wb"))


def _restore_fails(prefix, error, build, match, **saver_kwargs):
    variables = build()
    saver = tf.train.Saver(**saver_kwargs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = values_of(sess)
        with pytest.raises(error) as info:
            saver.restore(sess, prefix)
        for name, value in values_of(sess).items():  # nothing changed
            assert_same(value, before[name], name)
    for m in match:
        assert m in str(info.value), str(info.value)
    return variables


def test_restore_missing_key_names_closest(saved_wb):
    def build():
        with tf.variable_scope("scope"):
            tf.get_variable("b", initializer=np.full(3, 7.0))
            tf.get_variable("wx", shape=(2, 3))
    _restore_fails(saved_wb, errors.NotFoundError, build,
                   ["Key scope/wx not found in checkpoint", "Closest names in the checkpoint: scope/w",
                    "Restoring from checkpoint failed", "missing from the checkpoint"])


def test_restore_shape_mismatch(saved_wb):
    def build():
        with tf.variable_scope("scope"):
            tf.get_variable("b", initializer=np.full(3, 7.0))
            tf.get_variable("w", shape=(3, 2))
    _restore_fails(saved_wb, errors.InvalidArgumentError, build,
                   ["Assign requires shapes of both tensors to match. lhs shape= [3,2] rhs shape= [2,3]",
                    "scope/w", "mismatch between the current graph"])


def test_restore_dtype_mismatch(saved_wb):
    def build():
        with tf.variable_scope("scope"):
            tf.get_variable("b", initializer=np.full(3, 7.0))
            tf.get_variable("w", shape=(2, 3), dtype=tf.float64)
    _restore_fails(saved_wb, errors.InvalidArgumentError, build,
                   ["tensor_name = scope/w; expected dtype double does not equal original dtype float"])


def test_restore_reshape(saved_wb):
    with tf.variable_scope("scope"):
        tf.get_variable("b", shape=(3, 1), dtype=tf.float64)
        w = tf.get_variable("w", shape=(3, 2))
    with tf.Session() as sess:
        tf.train.Saver(reshape=True).restore(sess, saved_wb)
        assert_same(sess.run(w), np.arange(6, dtype=np.float32).reshape(3, 2))
    tf.reset_default_graph()

    def build():
        with tf.variable_scope("scope"):
            tf.get_variable("b", shape=(3,), dtype=tf.float64)
            tf.get_variable("w", shape=(7,))
    _restore_fails(saved_wb, errors.InvalidArgumentError, build,
                   ["Input to reshape is a tensor with 6 values, but the requested shape has 7"], reshape=True)


@pytest.mark.parametrize("damage", ["flip_data", "truncate_data", "flip_index", "remove_data"])
def test_restore_corrupt_files(saved_wb, damage):
    data, index = bundle.data_filename(saved_wb, 0, 1), bundle.index_filename(saved_wb)
    if damage == "flip_data":
        raw = bytearray(open(data, "rb").read())
        raw[5] ^= 0x40
        open(data, "wb").write(bytes(raw))
    elif damage == "truncate_data":
        os.truncate(data, os.path.getsize(data) - 3)
    elif damage == "flip_index":
        raw = bytearray(open(index, "rb").read())
        raw[len(raw) // 3] ^= 0x01
        open(index, "wb").write(bytes(raw))
    else:
        os.remove(data)

    def build():
        with tf.variable_scope("scope"):
            tf.get_variable("b", initializer=np.full(3, 7.0))
            tf.get_variable("w", shape=(2, 3))
    error = errors.NotFoundError if damage == "remove_data" else errors.DataLossError
    _restore_fails(saved_wb, error, build, [])


def test_restore_bad_paths(tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="None"):
            saver.restore(sess, None)
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            saver.restore(sess, str(tmp_path / "nothing"))
        (tmp_path / "v1").write_bytes(b"not a checkpoint")
        with pytest.raises(errors.UnimplementedError, match="V1"):
            saver.restore(sess, str(tmp_path / "v1"))


# ----------------------------------------------------------------------------- TF-written checkpoints, partitioned


def _build_tf_model_graph(emb_parts=3):
    """tfvars_jax variables matching tests/data/tf_ckpt_model (written by TF1's Saver)."""
    values = mk.model_values()
    out = {}
    for name, value in values.items():
        if name == "emb":
            out[name] = tf.get_variable(name, shape=value.shape, initializer=tf.zeros_initializer(),
                                        partitioner=tf.fixed_size_partitioner(emb_parts) if emb_parts else None)
        elif name == "vocab":
            out[name] = tf.get_variable(name, initializer=tf.constant([b""] * 4), dtype=tf.string)
        else:
            out[name] = tf.get_variable(name, initializer=np.zeros_like(value))
    return values, out


@pytest.mark.parametrize("emb_parts", [3, 2, 0])
def test_restore_tf1_saver_checkpoint(emb_parts):
    values, variables = _build_tf_model_graph(emb_parts)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, mk.MODEL_PREFIX)
        for name, value in values.items():
            var = variables[name]
            got = sess.run(var.as_tensor() if hasattr(var, "_get_variable_list") else var)
            assert_same(got, value, name)


def test_partitioned_saved_as_tf1_saves_it(tmp_path):
    full = np.arange(14, dtype=np.float32).reshape(7, 2)
    with tf.variable_scope("p", partitioner=tf.fixed_size_partitioner(3)):
        emb = tf.get_variable("emb", initializer=tf.constant(full))
    parts = list(emb)
    saver = tf.train.Saver()
    prefix = str(tmp_path / "part")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        save_quietly(saver, sess, prefix)
    reader = bundle.BundleReader(prefix)
    assert reader.keys() == ["p/emb"]
    entry = reader._entries[b"p/emb"]
    assert [tuple(map(tuple, s)) for s in entry.slices] == [((0, 3), (0, 2)), ((3, 2), (0, 2)), ((5, 2), (0, 2))]
    assert_same(reader.read("p/emb"), full)
    # The partitioned variable alone, and as a dict value under another name.
    for var_list in ([emb], {"renamed": emb}, {"renamed": parts}):
        p = str(tmp_path / "again")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            save_quietly(tf.train.Saver(var_list), sess, p)
        assert tf.train.list_variables(p) == [("renamed" if isinstance(var_list, dict) else "p/emb", [7, 2])]
    tf.reset_default_graph()
    with tf.variable_scope("p"):
        whole = tf.get_variable("emb", shape=(7, 2))
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, prefix)
        assert_same(sess.run(whole), full)
    tf.reset_default_graph()
    with tf.variable_scope("p", partitioner=tf.fixed_size_partitioner(2)):
        wrong = tf.get_variable("emb", shape=(8, 2))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(errors.InvalidArgumentError, match=r"\[8,2\] does not match .* \[7,2\]"):
            tf.train.Saver().restore(sess, prefix)
    del wrong


def test_restore_tf1_sharded_checkpoint():
    values = mk.sharded_values()
    a = tf.get_variable("a", shape=(4,))
    p = tf.get_variable("p", shape=(4, 2), partitioner=tf.fixed_size_partitioner(2))
    b = tf.get_variable("b", shape=(3,), dtype=tf.int64)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, mk.SHARDED_PREFIX)
        assert_same(sess.run(a), values["a"])
        assert_same(sess.run(p.as_tensor()), values["p"])
        assert_same(sess.run(b), values["b"])


# ----------------------------------------------------------------------------- reader API


def test_reader_api_on_tf_checkpoint():
    values = mk.model_values()
    reader = tf.train.NewCheckpointReader(mk.MODEL_PREFIX)
    assert reader.get_variable_to_shape_map() == {k: list(np.shape(v)) for k, v in values.items()}
    dtypes = reader.get_variable_to_dtype_map()
    assert dtypes["conv1/biases"] == tf.float64 and dtypes["global_step"] == tf.int64
    assert dtypes["vocab"] == tf.string and dtypes["flags"] == tf.bool
    assert all(isinstance(d, tf.DType) for d in dtypes.values())
    for name, value in values.items():
        got = reader.get_tensor(name)
        if np.ndim(value) == 0:
            assert isinstance(got, np.generic) and got == value and got.dtype == np.asarray(value).dtype
        else:
            assert_same(got, value, name)
    assert reader.has_tensor("emb") and not reader.has_tensor("emb/part_0") and not reader.has_tensor("x")
    with pytest.raises(errors.NotFoundError, match="Key x not found in checkpoint"):
        reader.get_tensor("x")
    text = reader.debug_string()
    assert isinstance(text, bytes)
    assert b"conv1/weights (DT_FLOAT) [3,3,1,2]\n" in text and b"global_step (DT_INT64) []\n" in text
    assert b"vocab (DT_STRING) [4]\n" in text
    assert text.count(b"(DT_FLOAT) [3,2]\n") == 1  # TF lists the (binary) keys of emb's slices
    assert_same(tf.train.load_variable(os.path.dirname(mk.MODEL_PREFIX), "conv1/biases:0"), values["conv1/biases"])
    assert [n for n, _ in tf.train.list_variables(mk.MODEL_PREFIX)] == sorted(values)
    assert tf.train.load_checkpoint(os.path.dirname(mk.MODEL_PREFIX)).prefix == mk.MODEL_PREFIX


def test_reader_errors(tmp_path):
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.NewCheckpointReader(str(tmp_path / "nope"))
    with pytest.raises(errors.NotFoundError, match="prefix"):
        tf.train.NewCheckpointReader(mk.MODEL_PREFIX + ".index")
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        tf.train.load_checkpoint(str(tmp_path))


# ----------------------------------------------------------------------------- init_from_checkpoint


@pytest.fixture
def source_ckpt(tmp_path):
    """old/a [2,3] f32, old/inner/c int64, old/s string, p/emb [7,2] in 3 parts, top [2] f64."""
    vals = {"old/a": np.arange(6, dtype=np.float32).reshape(2, 3), "old/inner/c": np.int64(7),
            "old/s": np.array([b"x", b"yz"], dtype=object), "p/emb": np.arange(14, dtype=np.float32).reshape(7, 2),
            "top": np.array([1.5, 2.5])}
    with tf.Graph().as_default():
        with tf.variable_scope("old"):
            tf.get_variable("a", initializer=vals["old/a"])
            with tf.variable_scope("inner"):
                tf.get_variable("c", initializer=vals["old/inner/c"])
            tf.get_variable("s", initializer=tf.constant(vals["old/s"].tolist()), dtype=tf.string)
        with tf.variable_scope("p", partitioner=tf.fixed_size_partitioner(3)):
            tf.get_variable("emb", initializer=tf.constant(vals["p/emb"]))
        tf.get_variable("top", initializer=vals["top"])
        os.makedirs(tmp_path / "src")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            save_quietly(tf.train.Saver(), sess, str(tmp_path / "src" / "model"), global_step=1)
    return str(tmp_path / "src"), vals


def _new_vars():
    with tf.variable_scope("new"):
        a = tf.get_variable("a", shape=(2, 3))
        with tf.variable_scope("inner"):
            c = tf.get_variable("c", shape=(), dtype=tf.int64, initializer=tf.zeros_initializer())
        s = tf.get_variable("s", initializer=tf.constant([b"", b""]), dtype=tf.string)
    return a, c, s


def test_init_from_checkpoint_scope_to_scope(source_ckpt):
    ckpt_dir, vals = source_ckpt
    a, c, s = _new_vars()
    old_init, old_initial = a.initializer, a.initial_value
    tf.train.init_from_checkpoint(ckpt_dir, {"old/": "new/"})
    assert a.initializer is not old_init and a.initializer.type == "Assign"
    assert a.initial_value.op.type == "RestoreV2" and a.initial_value.op.name.startswith("checkpoint_initializer")
    assert old_initial is not a.initial_value
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert_same(sess.run(a), vals["old/a"])
        assert_same(sess.run(c), vals["old/inner/c"])
        assert_same(sess.run(s), vals["old/s"])
        sess.run(old_init)  # ops made before the call keep their old meaning, as in TF1
        assert not np.array_equal(sess.run(a), vals["old/a"])
        sess.run(a.initializer)
        assert_same(sess.run(a), vals["old/a"])


def test_init_from_checkpoint_root_and_single_names(source_ckpt):
    ckpt_dir, vals = source_ckpt
    with tf.variable_scope("scope"):
        with tf.variable_scope("old"):
            a = tf.get_variable("a", shape=(2, 3))
            with tf.variable_scope("inner"):
                c = tf.get_variable("c", shape=(), dtype=tf.int64)
            tf.get_variable("s", initializer=tf.constant([b"", b""]), dtype=tf.string)
        with tf.variable_scope("p", partitioner=tf.fixed_size_partitioner(2)):
            tf.get_variable("emb", shape=(7, 2))
        tf.get_variable("top", shape=(2,), dtype=tf.float64)
    tf.train.init_from_checkpoint(ckpt_dir, {"/": "scope/"})  # checkpoint root -> scope
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert_same(sess.run(a), vals["old/a"])
        assert_same(sess.run(c), vals["old/inner/c"])
        assert_same(sess.run(tf.get_default_graph().get_tensor_by_name("scope/top:0")), vals["top"])
    tf.reset_default_graph()
    x = tf.get_variable("x", shape=(2,), dtype=tf.float64)
    y = tf.Variable(tf.zeros((2, 3)), name="y")  # not from get_variable: pass the object
    with tf.variable_scope("e", partitioner=tf.fixed_size_partitioner(4)):
        emb = tf.get_variable("emb", shape=(7, 2))
    with tf.variable_scope("f", partitioner=tf.fixed_size_partitioner(2)):
        emb2 = tf.get_variable("emb", shape=(7, 2))
    tf.train.init_from_checkpoint(os.path.join(ckpt_dir, "model-1"),
                                  {"top": "x", "old/a": y, "p/emb": "e/emb", "p/": "f/"})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert_same(sess.run(x), vals["top"])
        assert_same(sess.run(y), vals["old/a"])
        assert_same(sess.run(emb.as_tensor()), vals["p/emb"])
        assert_same(sess.run(emb2.as_tensor()), vals["p/emb"])


def test_init_from_checkpoint_scope_to_root(source_ckpt):
    ckpt_dir, vals = source_ckpt
    with tf.variable_scope("inner"):
        c = tf.get_variable("c", shape=(), dtype=tf.int64)
    tf.train.init_from_checkpoint(ckpt_dir, {"old/": "/"})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(c) == 7


def test_init_from_checkpoint_reads_the_file_when_the_initializer_runs(source_ckpt):
    ckpt_dir, vals = source_ckpt
    top = tf.get_variable("top", shape=(2,), dtype=tf.float64)
    tf.train.init_from_checkpoint(ckpt_dir, {"top": "top"})
    prefix = tf.train.latest_checkpoint(ckpt_dir)
    with tf.Graph().as_default():  # rewrite the checkpoint after the graph was built
        t = tf.get_variable("top", initializer=np.array([9.0, 8.0]))
        with tf.Session() as sess:
            sess.run(t.initializer)
            save_quietly(tf.train.Saver([t]), sess, prefix)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(top).tolist() == [9.0, 8.0]


def test_init_from_checkpoint_errors(source_ckpt):
    ckpt_dir, _ = source_ckpt
    tf.get_variable("top", shape=(3,), dtype=tf.float64)
    tf.get_variable("z", shape=(2,), dtype=tf.float32)
    with tf.variable_scope("new"):
        tf.get_variable("q", shape=(1,))
    with pytest.raises(ValueError, match="Shape of variable top"):
        tf.train.init_from_checkpoint(ckpt_dir, {"top": "top"})
    with pytest.raises(ValueError, match="Tensor nope is not found"):
        tf.train.init_from_checkpoint(ckpt_dir, {"nope": "z"})
    with pytest.raises(ValueError, match="Dtype of variable z"):
        tf.train.init_from_checkpoint(ckpt_dir, {"top": "z"})
    with pytest.raises(ValueError, match="should map to scope only"):
        tf.train.init_from_checkpoint(ckpt_dir, {"old": "new/"})
    with pytest.raises(ValueError, match=r"Tensor old/q \(q in old/\) is not found"):
        tf.train.init_from_checkpoint(ckpt_dir, {"old/": "new/"})


# ----------------------------------------------------------------------------- contrib helpers


def test_assign_from_checkpoint(source_ckpt):
    ckpt_dir, vals = source_ckpt
    prefix = tf.train.latest_checkpoint(ckpt_dir)
    top = tf.get_variable("top", shape=(2,), dtype=tf.float64)
    with tf.variable_scope("p", partitioner=tf.fixed_size_partitioner(2)):
        emb = tf.get_variable("emb", shape=(7, 2))
    extra = tf.get_variable("extra", shape=(1,))
    op, feed = tf.contrib.framework.assign_from_checkpoint(prefix, [top, emb])
    assert sorted(t.op.name for t in feed) == ["placeholder/p/emb/part_0", "placeholder/p/emb/part_1",
                                               "placeholder/top"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(op, feed)
        assert_same(sess.run(top), vals["top"])
        assert_same(sess.run(emb.as_tensor()), vals["p/emb"])
    with pytest.raises(ValueError, match=r"Checkpoint is missing variable \[extra\]"):
        tf.contrib.framework.assign_from_checkpoint(prefix, [extra])
    op, feed = tf.contrib.framework.assign_from_checkpoint(prefix, {"old/a": tf.get_variable("aa", shape=(2, 3)),
                                                                    "gone": extra}, ignore_missing_vars=True)
    assert len(feed) == 1


def test_assign_from_checkpoint_fn(source_ckpt):
    ckpt_dir, vals = source_ckpt
    prefix = tf.train.latest_checkpoint(ckpt_dir)
    top = tf.get_variable("top", shape=(2, 1), dtype=tf.float64)
    extra = tf.get_variable("extra", shape=(1,))
    with pytest.raises(ValueError, match="cannot be empty"):
        tf.contrib.framework.assign_from_checkpoint_fn(prefix, [])
    assert tf.contrib.framework.assign_from_checkpoint_fn(prefix, [extra], ignore_missing_vars=True) is None
    fn = tf.contrib.framework.assign_from_checkpoint_fn(prefix, [top, extra], ignore_missing_vars=True,
                                                        reshape_variables=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fn(sess)
        assert_same(sess.run(top), vals["top"].reshape(2, 1))
        strict = tf.contrib.framework.assign_from_checkpoint_fn(prefix, [top, extra])
        with pytest.raises(errors.NotFoundError, match="extra"):
            strict(sess)


# ----------------------------------------------------------------------------- command-line tool


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tfvars_jax.inspect_checkpoint", *args], capture_output=True,
                          text=True, timeout=120, cwd=os.path.dirname(DATA))


def test_inspect_checkpoint_cli():
    listing = _cli(mk.MODEL_PREFIX)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["beta1_power", "float32", "[]", "4", "B"]
    assert ["emb", "float32", "[7,", "2]", "56", "B"] in [line.split() for line in lines]
    assert lines[-1] == "# Total number of params: 85"
    bad = _cli(mk.MODEL_PREFIX + ".index")
    assert bad.returncode == 1 and "NotFoundError" in bad.stderr and "prefix" in bad.stderr


def test_inspect_checkpoint_main_options(capsys):
    from tfvars_jax.inspect_checkpoint import main

    assert main([mk.MODEL_PREFIX, "--tensor_name", "conv1/biases"]) == 0
    assert capsys.readouterr().out.splitlines() == ["tensor: conv1/biases (float64) [2]", "[ 0.5 -1.5]",
                                                    "# Total number of params: 85"]
    assert main(["--file_name", os.path.dirname(mk.MODEL_PREFIX), "--all_tensors"]) == 0
    out = capsys.readouterr().out
    assert "tensor: vocab (string) [4]" in out and "b'alpha'" in out
    assert main([mk.MODEL_PREFIX, "--all_tensor_names"]) == 0
    assert capsys.readouterr().out.count("tensor: ") == 10
    assert main([mk.MODEL_PREFIX, "--tensor_name", "nope"]) == 1
    assert "Tensor nope not found in checkpoint" in capsys.readouterr().out
    assert main(["/no/such/prefix"]) == 1
    assert "Failed to find any matching files" in capsys.readouterr().err


def test_inspect_checkpoint_function(capsys):
    from tfvars_jax import inspect_checkpoint

    inspect_checkpoint.print_tensors_in_checkpoint_file(mk.SHARDED_PREFIX, "", all_tensors=False,
                                                        count_exclude_pattern="^p$")
    out = capsys.readouterr().out
    assert "# Total number of params: 7" in out and "p  float32    [4, 2]" in out


def test_names_missing_from_the_namespace_are_reported():
    with pytest.raises(AttributeError, match="not supported"):
        tf.train.import_meta_graph  # noqa: B018


def test_copy_of_checkpoint_dir_restores_with_relative_state(tmp_path):
    src = tmp_path / "a"
    src.mkdir()
    v = tf.Variable(4.0, name="v")
    saver = tf.train.Saver(save_relative_paths=True)
    with tf.Session() as sess:
        sess.run(v.initializer)
        save_quietly(saver, sess, str(src / "m"), global_step=1)
    shutil.copytree(src, tmp_path / "b")
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path / "b")))
        assert sess.run(v) == 4.0
    assert tf.train.latest_checkpoint(str(tmp_path / "b")) == str(tmp_path / "b" / "m-1")


def test_bfloat16_and_ml_dtypes_round_trip(tmp_path):
    value = np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16)
    v = tf.Variable(value, name="bf")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        save_quietly(saver, sess, str(tmp_path / "m"))
        sess.run(v.assign(np.zeros(2, ml_dtypes.bfloat16)))
        saver.restore(sess, str(tmp_path / "m"))
        assert_same(sess.run(v), value)


@pytest.fixture
def streaming_restore(monkeypatch):
    """Every restore takes the large-checkpoint path (verify all, then set one at a time),
    checksummed in 8-byte chunks."""
    from tfvars_jax.train import saver as saver_lib
    monkeypatch.setattr(saver_lib, "STREAMING_RESTORE_BYTES", 0)
    monkeypatch.setattr(bundle, "_VERIFY_CHUNK", 8)


@pytest.mark.parametrize("damage", ["flip_data", "truncate_data", "flip_index", "remove_data"])
def test_streaming_restore_of_corrupt_files_changes_nothing(saved_wb, damage, streaming_restore):
    test_restore_corrupt_files(saved_wb, damage)


def test_streaming_restore_sets_every_value(saved_wb, streaming_restore):
    with tf.variable_scope("scope"):
        b = tf.get_variable("b", initializer=np.full(3, 7.0))
        w = tf.get_variable("w", shape=(2, 3))
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, saved_wb)
        assert_same(sess.run(w), np.arange(6, dtype=np.float32).reshape(2, 3))
        assert_same(sess.run(b), np.ones(3))
