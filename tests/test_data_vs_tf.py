"""tf.data against TensorFlow: deterministic pipelines give TF's elements, structures,
dtypes, static shapes, end-of-data behaviour and training results."""
import numpy as np
import pytest

import tfvars_jax as ours

pytestmark = pytest.mark.tensorflow
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

XS = np.arange(14, dtype=np.float32).reshape(7, 2) / 10.0
YS = np.arange(7, dtype=np.int64)


def _pipelines(tf):
    """Deterministic pipelines, built the same way in either library."""
    slices = tf.data.Dataset.from_tensor_slices((XS, {"label": YS}))
    return {
        "batch": slices.batch(3),
        "batch_drop": slices.batch(3, drop_remainder=True),
        "map_repeat_take": slices.map(lambda x, d: (tf.reduce_sum(x) * 2.0, d["label"] + 1))
        .repeat(2).take(9),
        "zip_skip": tf.data.Dataset.zip((tf.data.Dataset.range(2, 20, 3),
                                         tf.data.Dataset.from_tensors([1.5, 2.5]).repeat()))
        .skip(2),
        "filter_prefetch": tf.data.Dataset.range(10).filter(lambda v: v % 3 > 0).prefetch(2),
        "generator": tf.data.Dataset.from_generator(
            lambda: iter([(1, [1.0, 2.0]), (2, [3.0, 4.0])]), (tf.int32, tf.float32),
            ([], [None])).batch(2),
        "concat": tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(5, 7)),
        "scalars": tf.data.Dataset.from_tensor_slices([1.5, 2.0]),
    }


def _read(lib, make):
    with lib.Graph().as_default():
        ds = make(lib)
        x = lib.data.make_one_shot_iterator(ds).get_next()
        types = ds.output_types
        out = []
        with lib.Session() as sess:
            while True:
                try:
                    out.append(sess.run(x))
                except lib.errors.OutOfRangeError:
                    break
            with pytest.raises(lib.errors.OutOfRangeError):
                sess.run(x)
        return out, types, x


def _flat(v):
    if isinstance(v, dict):
        return [x for k in sorted(v) for x in _flat(v[k])]
    if isinstance(v, (tuple, list)):
        return [x for i in v for x in _flat(i)]
    return [v]


@pytest.mark.parametrize("name", list(_pipelines(ours)))
def test_elements_types_and_shapes_equal_tfs(name):
    got, got_types, got_x = _read(ours, lambda lib: _pipelines(lib)[name])
    want, want_types, want_x = _read(tf1, lambda lib: _pipelines(lib)[name])
    assert [t.name for t in _flat(got_types)] == [t.name for t in _flat(want_types)]
    assert [str(t.shape) for t in _flat(got_x)] == [str(t.shape) for t in _flat(want_x)]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        gf, wf = _flat(g), _flat(w)
        assert len(gf) == len(wf)
        for a, b in zip(gf, wf):
            assert np.asarray(a).dtype == np.asarray(b).dtype
            np.testing.assert_array_equal(a, b)


def _initializable(lib):
    with lib.Graph().as_default():
        data = lib.placeholder(lib.float32, [None, 2])
        size = lib.placeholder(lib.int64, [])
        it = lib.data.Dataset.from_tensor_slices(data).batch(size).make_initializable_iterator()
        x = it.get_next()
        out = []
        with lib.Session() as sess:
            for feed_data, feed_size in ((XS, 4), (XS[:3] * 2, 2)):
                sess.run(it.initializer, {data: feed_data, size: feed_size})
                while True:
                    try:
                        out.append(sess.run(x))
                    except lib.errors.OutOfRangeError:
                        break
        return out


def test_initializable_iterator_reinitialized_with_new_feeds():
    got, want = _initializable(ours), _initializable(tf1)
    assert len(got) == len(want) == 4
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def _train(lib):
    with lib.Graph().as_default():
        ds = lib.data.Dataset.from_tensor_slices((XS, YS.astype(np.float32))).batch(2).repeat(3)
        x, y = ds.make_one_shot_iterator().get_next()
        w = lib.Variable(np.full((2, 1), 0.1, np.float32), name="w")
        b = lib.Variable(0.0, name="b")
        pred = lib.squeeze(lib.matmul(x, w), axis=1) + b
        loss = lib.reduce_mean(lib.square(pred - y))
        step = lib.train.get_or_create_global_step()
        train = lib.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=step)
        runs = 0
        with lib.train.MonitoredTrainingSession() as sess:
            while not sess.should_stop():
                sess.run(train)
                runs += 1
        return runs


def test_training_loop_consuming_batches_gives_tfs_variables():
    def run(lib):
        with lib.Graph().as_default():
            ds = lib.data.Dataset.from_tensor_slices((XS, YS.astype(np.float32))).batch(2) \
                .repeat(3)
            x, y = ds.make_one_shot_iterator().get_next()
            w = lib.Variable(np.full((2, 1), 0.1, np.float32), name="w")
            b = lib.Variable(0.0, name="b")
            pred = lib.squeeze(lib.matmul(x, w), axis=1) + b
            loss = lib.reduce_mean(lib.square(pred - y))
            train = lib.train.MomentumOptimizer(0.05, 0.9).minimize(loss)
            steps = 0
            with lib.Session() as sess:
                sess.run(lib.global_variables_initializer())
                while True:
                    try:
                        sess.run(train)
                    except lib.errors.OutOfRangeError:
                        break
                    steps += 1
                return steps, sess.run([w, b])
    (got_steps, got), (want_steps, want) = run(ours), run(tf1)
    assert got_steps == want_steps == 12
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5)


def test_monitored_training_session_stops_after_the_same_number_of_steps():
    assert _train(ours) == _train(tf1) == 12


def test_shuffle_is_a_permutation_as_tfs():
    def run(lib):
        with lib.Graph().as_default():
            x = lib.data.Dataset.range(20).shuffle(5, seed=2).make_one_shot_iterator().get_next()
            out = []
            with lib.Session() as sess:
                while True:
                    try:
                        out.append(int(sess.run(x)))
                    except lib.errors.OutOfRangeError:
                        return out
    got, want = run(ours), run(tf1)
    assert sorted(got) == sorted(want) == list(range(20))
    for out in (got, want):  # TF's buffer semantics, which ours share (not the exact order)
        assert all(v < p + 5 for p, v in enumerate(out))


def test_from_tensor_slices_errors_as_tf():
    for lib in (ours, tf1):
        with lib.Graph().as_default():
            with pytest.raises(ValueError):
                lib.data.Dataset.from_tensor_slices(([1, 2], [1, 2, 3]))
            with pytest.raises(ValueError, match="Cannot capture a placeholder"):
                lib.data.make_one_shot_iterator(lib.data.Dataset.from_tensor_slices(
                    lib.placeholder(lib.float32, [None])))
